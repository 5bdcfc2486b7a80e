#!/usr/bin/env python3
"""Merges the --json output of autograd4j's Benchmark and of a PyTorch peer into one markdown table.

usage: bench_compare.py AUTOGRAD4J_OUTPUT PYTORCH_OUTPUT HEADER_LINE

Each output file may hold other lines (Maven, logging): the last line holding a JSON object that starts
with {"device" is taken. Rows are matched by (id, workload). Ratio: autograd4j median time / PyTorch median
time (above 1: autograd4j is slower), except GFLOP/s rows, which give autograd4j GFLOP/s / PyTorch GFLOP/s
(below 1: autograd4j is slower). Used by scripts/bench-vs-pytorch.sh (CPU) and scripts/gpu/run-gpu-check.sh.
"""
import json
import sys


def load(path):
    for line in reversed(open(path, encoding="utf-8", errors="replace").read().splitlines()):
        start = line.find('{"device"')
        if start >= 0:
            return json.loads(line[start:])
    sys.exit(f"no JSON result in {path}")


def fmt_time(s):
    for unit, f in (("us", 1e6), ("ms", 1e3), ("s", 1)):
        if s * f < 1000 or unit == "s":
            v = s * f
            return (f"{v:.3f}" if v < 10 else f"{v:.2f}" if v < 100 else f"{v:.1f}") + " " + unit


def cell(r):
    if r is None:
        return "-"
    text = fmt_time(r["median_s"])
    if r.get("throughput_unit") in ("GFLOP/s", "GB/s"):
        text += f" ({r['throughput']:.1f} {r['throughput_unit']})"
    return text


def main():
    a4j, pt, header = load(sys.argv[1]), load(sys.argv[2]), sys.argv[3]
    key = lambda r: (r["id"], r["workload"])
    pt_by_key = {key(r): r for r in pt["results"]}
    print(f"{header}; autograd4j {a4j['backend']}; peer {pt['backend']}; JVM {a4j['jvm']}"
          + ("; --quick" if a4j.get("quick") else ""))
    print()
    print("| id | workload | autograd4j median | PyTorch median | ratio | ratio of minima |")
    print("| --- | --- | --- | --- | --- | --- |")
    seen = set()
    for r in a4j["results"]:
        p = pt_by_key.get(key(r))
        seen.add(key(r))
        if p is None:
            ratio = best = "-"
        elif r.get("throughput_unit") == "GFLOP/s":
            # same work on both sides, so the throughput ratio is the inverse time ratio
            ratio = f"{p['median_s'] / r['median_s']:.2f} (GFLOP/s)"
            best = f"{p['min_s'] / r['min_s']:.2f}"
        else:
            ratio = f"{r['median_s'] / p['median_s']:.2f} (time)"
            best = f"{r['min_s'] / p['min_s']:.2f}"
        print(f"| {r['id']} | {r['workload']} | {cell(r)} | {cell(p)} | {ratio} | {best} |")
    for p in pt["results"]:
        if key(p) not in seen:
            print(f"| {p['id']} | {p['workload']} | - | {cell(p)} | - | - |")
    print()
    print("ratio (time) = autograd4j median time / PyTorch median time, above 1 means autograd4j is slower; "
          "ratio (GFLOP/s) = autograd4j GFLOP/s / PyTorch GFLOP/s, below 1 means autograd4j is slower. "
          "The ratio of minima (fastest repetition on each side, same direction) is less disturbed by other load. "
          f"Wall time: autograd4j {a4j['total_s']:.1f} s, PyTorch {pt['total_s']:.1f} s.")


if __name__ == "__main__":
    main()
