#!/usr/bin/env python3
"""PyTorch's side of the GPU comparison: the workloads of autograd4j's Benchmark (examples module), run with
torch on one CUDA device, timed the same way (BenchmarkHarness: warm-up until a repetition count or a time
budget, then timed repetitions, each ended by a device synchronisation), printed as the same JSON object, so
scripts/bench_compare.py can merge the two.

usage: python3 bench_pytorch_gpu.py [--device cuda:0] [--large] [--quick] [--only W1,W3] [--json]

TF32 stays off (torch's default for matmul, and autograd4j's), so float32 products are true float32.
"""
import argparse
import json
import statistics
import sys
import time

import torch
import torch.nn.functional as F

ALL = ["W1", "W2", "W3", "W4", "W5", "W6", "W7"]


class Budget:
    def __init__(self, warmup_reps, warmup_s, max_reps, seconds):
        self.warmup_reps, self.warmup_s, self.max_reps, self.seconds = warmup_reps, warmup_s, max_reps, seconds

    def with_max_reps(self, reps):
        return Budget(self.warmup_reps, self.warmup_s, min(self.max_reps, reps), self.seconds)

    def for_matmul(self, n, large):
        if large:
            return Budget(3, self.warmup_s, 50, self.seconds)
        if n >= 2048:
            return Budget(1, 0, 5, self.seconds)
        if n >= 1024:
            return Budget(2, self.warmup_s, 20, self.seconds)
        return self.with_max_reps(200)


MIN_REPS = 3


def measure(budget, body, sync):
    end = time.perf_counter() + budget.warmup_s
    i = 0
    while i == 0 or (i < budget.warmup_reps and time.perf_counter() < end):
        body()
        sync()
        i += 1
    times = []
    end = time.perf_counter() + budget.seconds
    while len(times) < MIN_REPS or (len(times) < budget.max_reps and time.perf_counter() < end):
        start = time.perf_counter()
        body()
        sync()
        times.append(time.perf_counter() - start)
    return times


def result(rid, workload, times, work=0.0, unit=None):
    med = statistics.median(times)
    r = {"id": rid, "workload": workload, "reps": len(times), "median_s": med, "min_s": min(times),
         "max_s": max(times)}
    if unit is not None:
        r["throughput"] = work / med
        r["throughput_unit"] = unit
    return r


def tutorial(dev, budget, sync):
    gen = torch.Generator(device=dev).manual_seed(0)

    def body():
        x = torch.ones(5, device=dev)
        y = torch.zeros(3, device=dev)
        w = torch.randn(5, 3, device=dev, generator=gen, requires_grad=True)
        b = torch.randn(3, device=dev, generator=gen, requires_grad=True)
        z = torch.matmul(x, w) + b
        loss = F.binary_cross_entropy_with_logits(z, y)
        loss.backward()
        return w.grad

    return [result("W1", "tutorial fwd+bwd", measure(budget, body, sync))]


def mlp(dev, budget, sync, layers, batch):
    gen = torch.Generator(device=dev).manual_seed(0)
    x = torch.randn(batch, layers[0], device=dev, generator=gen)
    targets = torch.randint(0, layers[-1], (batch,), device=dev, generator=gen)
    params = []
    with torch.no_grad():
        for i in range(len(layers) - 1):
            w = (torch.randn(layers[i], layers[i + 1], device=dev, generator=gen) * (2.0 / layers[i]) ** 0.5)
            params.append((w.requires_grad_(True), torch.zeros(layers[i + 1], device=dev, requires_grad=True)))

    def body():
        h = x
        for i, (w, b) in enumerate(params):
            h = h @ w + b
            if i < len(params) - 1:
                h = torch.relu(h)
        loss = F.cross_entropy(h, targets)
        loss.backward()
        with torch.no_grad():
            for w, b in params:
                for p in (w, b):
                    p.add_(p.grad, alpha=-0.01)
                    p.grad = None
        return loss

    name = "MLP " + "-".join(map(str, layers)) + f" step b={batch}"
    return result("W2", name, measure(budget, body, sync), batch, "samples/s")


def matmul(dev, budget, sync, sizes, large):
    out = []
    for dtype, label in ((torch.float32, "f32"), (torch.float64, "f64")):
        for n in sizes:
            gen = torch.Generator(device=dev).manual_seed(n)
            a = torch.randn(n, n, device=dev, dtype=dtype, generator=gen)
            b = torch.randn(n, n, device=dev, dtype=dtype, generator=gen)
            with torch.no_grad():
                t = measure(budget.for_matmul(n, large), lambda: a @ b, sync)
            out.append(result("W3", f"matmul {label} n={n}", t, 2.0 * n ** 3 / 1e9, "GFLOP/s"))
            del a, b
    return out


def elementwise(dev, budget, sync, n):
    gen = torch.Generator(device=dev).manual_seed(4)
    a, b, c = (torch.randn(n, device=dev, generator=gen) for _ in range(3))
    with torch.no_grad():
        t = measure(budget.with_max_reps(200), lambda: torch.sigmoid(a * b + c), sync)
    return result("W4", f"sigmoid(a*b+c) {n // (1024 * 1024)}M f32", t, 4.0 * 4 * n / 1e9, "GB/s")


def chain(dev, budget, sync):
    x = torch.randn(1000, device=dev, generator=torch.Generator(device=dev).manual_seed(5), requires_grad=True)

    def body():
        x.grad = None
        y = x
        for i in range(2000):
            y = y * 1.0001 if i % 2 == 0 else y + 0.0001
        y.sum().backward()
        return x.grad

    return result("W5", "chain 2000 ops fwd+bwd n=1000", measure(budget.with_max_reps(200), body, sync),
                  2001 / 1e3, "kops/s")


def cnn(dev, budget, sync, c1=16, c2=32, c3=128, batch=64):
    """W6: one SGD step of the MNIST CNN of examples' MnistCnn (channels MnistCnn.CHANNELS, batch norm in training
    mode, dropout MnistCnn.DROPOUT), batch 64."""
    torch.manual_seed(0)
    model = torch.nn.Sequential(
        torch.nn.Unflatten(1, (1, 28, 28)),
        torch.nn.Conv2d(1, c1, 5, padding=2, bias=False), torch.nn.BatchNorm2d(c1), torch.nn.ReLU(),
        torch.nn.MaxPool2d(2),
        torch.nn.Conv2d(c1, c2, 5, padding=2, bias=False), torch.nn.BatchNorm2d(c2), torch.nn.ReLU(),
        torch.nn.MaxPool2d(2),
        torch.nn.Conv2d(c2, c3, 3, padding=1, bias=False), torch.nn.BatchNorm2d(c3), torch.nn.ReLU(),
        torch.nn.Flatten(), torch.nn.Dropout(0.25), torch.nn.Linear(c3 * 49, 10)).to(dev)
    gen = torch.Generator(device=dev).manual_seed(6)
    x = torch.randn(batch, 784, device=dev, generator=gen)
    targets = torch.randint(0, 10, (batch,), device=dev, generator=gen)
    params = list(model.parameters())

    def body():
        loss = F.cross_entropy(model(x), targets)
        loss.backward()
        with torch.no_grad():
            for p in params:
                p.add_(p.grad, alpha=-0.01)
                p.grad = None
        return loss

    return result("W6", f"MNIST CNN step b={batch}", measure(budget, body, sync), batch, "samples/s")


def transformer_block(dev, budget, sync):
    """W7: nn.TransformerEncoderLayer(256, 4, 1024, dropout=0, batch_first=True), post-norm, ReLU; forward and
    backward of the output's sum, batch 16, sequence 128, float32 (the same block as autograd4j's W7)."""
    torch.manual_seed(7)
    block = torch.nn.TransformerEncoderLayer(256, 4, 1024, dropout=0.0, batch_first=True).to(dev)
    x = torch.randn(16, 128, 256, device=dev, generator=torch.Generator(device=dev).manual_seed(7),
                    requires_grad=True)

    def body():
        x.grad = None
        block.zero_grad(set_to_none=True)
        block(x).sum().backward()
        return x.grad

    return result("W7", "transformer block fwd+bwd b=16 s=128 d=256", measure(budget.with_max_reps(100), body, sync),
                  16 * 128, "tokens/s")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--device", default="cuda:0")
    ap.add_argument("--large", action="store_true")
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--only", default=",".join(ALL))
    args = ap.parse_args()
    only = [w.strip().upper() for w in args.only.split(",") if w.strip()]
    for w in only:
        if w not in ALL:
            sys.exit(f"unknown workload {w}, expected one of {ALL}")
    dev = torch.device(args.device)
    torch.backends.cuda.matmul.allow_tf32 = False
    sync = (lambda: torch.cuda.synchronize(dev)) if dev.type == "cuda" else (lambda: None)
    budget = Budget(50, 0.25, 200, 0.5) if args.quick else Budget(300, 1.0, 2000, 2.0)
    sizes = [1024, 2048, 4096] if args.large else [256, 512, 1024] if args.quick else [256, 512, 1024, 2048]
    name = torch.cuda.get_device_name(dev) if dev.type == "cuda" else "cpu"
    backend = f"PyTorch {torch.__version__} (CUDA {torch.version.cuda}, {name}, TF32 off)"
    start = time.perf_counter()
    results = []
    for w in only:
        if w == "W1":
            results += tutorial(dev, budget, sync)
        elif w == "W2":
            results.append(mlp(dev, budget, sync, [784, 256, 128, 10], 64))
            if args.large:
                results.append(mlp(dev, budget, sync, [784, 4096, 4096, 10], 512))
        elif w == "W3":
            results += matmul(dev, budget, sync, sizes, args.large)
        elif w == "W4":
            results.append(elementwise(dev, budget, sync, (64 if args.large else 4) * 1024 * 1024))
        elif w == "W5":
            results.append(chain(dev, budget, sync))
        elif w == "W6":
            results.append(cnn(dev, budget, sync))
        elif w == "W7":
            results.append(transformer_block(dev, budget, sync))
    total = time.perf_counter() - start
    doc = {"device": str(dev), "backend": backend, "jvm": "-", "threads": torch.get_num_threads(),
           "quick": args.quick, "total_s": total, "results": results}
    if args.json:
        print(json.dumps(doc))
    else:
        print(f"device: {dev} | backend: {backend}")
        for r in results:
            tp = f"{r['throughput']:.1f} {r['throughput_unit']}" if "throughput" in r else "-"
            print(f"{r['id']:4} {r['workload']:34} median {r['median_s'] * 1e3:10.3f} ms  min {r['min_s'] * 1e3:10.3f} ms  {tp}")
        print(f"total {total:.1f} s")


if __name__ == "__main__":
    main()
