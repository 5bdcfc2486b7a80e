#!/usr/bin/env bash
# autograd4j against PyTorch on this machine's CPU: runs examples' Benchmark (--device cpu) and
# pytorch-oracle's PyTorchBenchmark (libtorch 2.7.1 through DJL, offline) back to back with --json,
# then prints one markdown table with both medians and their ratio.
#
#   ./mvnw -q install -DskipTests          # once (the PyTorch side is test scope: test-compile runs here)
#   bash scripts/bench-vs-pytorch.sh [--quick] [--only W1,W3]
#
# Extra arguments go to both programs. MVN (default ./mvnw) and MVN_ARGS (default -q; add -o to stay
# offline) choose how Maven is run. Ratio: autograd4j median time / PyTorch median time (above 1:
# autograd4j is slower), except the W3 rows, which give autograd4j GFLOP/s / PyTorch GFLOP/s (below 1:
# autograd4j is slower). The raw JSON of both runs is kept in BENCH_OUT (default target/bench-vs-pytorch).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
MVN="${MVN:-./mvnw}"
read -r -a MVN_FLAGS <<< "${MVN_ARGS:--q}"
OUTDIR="${BENCH_OUT:-$ROOT/target/bench-vs-pytorch}"
mkdir -p "$OUTDIR"
ARGS="--json $*"

load_before="$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?')"
echo "running autograd4j Benchmark (--device cpu $ARGS) ..." >&2
"$MVN" "${MVN_FLAGS[@]}" -pl examples exec:exec -Dexec.mainClass=dev.autograd4j.examples.Benchmark \
    -Dapp.args="--device cpu $ARGS" > "$OUTDIR/autograd4j.out"
echo "running PyTorch peer ($ARGS) ..." >&2
"$MVN" "${MVN_FLAGS[@]}" -pl pytorch-oracle test-compile exec:exec -Dapp.args="$ARGS" > "$OUTDIR/pytorch.out"
load_after="$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?')"

python3 - "$OUTDIR/autograd4j.out" "$OUTDIR/pytorch.out" "$(nproc)" "$load_before" "$load_after" <<'EOF'
import json, sys

def load(path):
    # Maven may print colour resets around the program's output: take the JSON line
    for line in reversed(open(path, encoding="utf-8").read().splitlines()):
        start = line.find('{"device"')
        if start >= 0:
            return json.loads(line[start:])
    sys.exit(f"no JSON result in {path}")

a4j, pt = load(sys.argv[1]), load(sys.argv[2])
cores, load_before, load_after = sys.argv[3], sys.argv[4], sys.argv[5]

def fmt_time(s):
    if s is None:
        return "-"
    for unit, f in (("us", 1e6), ("ms", 1e3), ("s", 1)):
        if s * f < 1000 or unit == "s":
            v = s * f
            return (f"{v:.3f}" if v < 10 else f"{v:.2f}" if v < 100 else f"{v:.1f}") + " " + unit

def cell(r):
    if r is None:
        return "-"
    text = fmt_time(r["median_s"])
    if r.get("throughput_unit") == "GFLOP/s":
        text += f" ({r['throughput']:.1f} GFLOP/s)"
    return text

key = lambda r: (r["id"], r["workload"])
pt_by_key = {key(r): r for r in pt["results"]}
print(f"CPU: {cores} hardware threads (nproc); autograd4j {a4j['backend']}; "
      f"{pt['backend']}; JVM {a4j['jvm']}; load average (1/5/15 min) before: {load_before}, after: {load_after}"
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
      "The ratio of minima (fastest repetition on each side, same direction) is less disturbed by other load "
      "on the machine; W3 n=2048 has only 3-5 repetitions. "
      f"Wall time: autograd4j {a4j['total_s']:.1f} s, PyTorch {pt['total_s']:.1f} s.")
EOF
