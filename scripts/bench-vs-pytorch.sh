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

python3 scripts/bench_compare.py "$OUTDIR/autograd4j.out" "$OUTDIR/pytorch.out" \
    "CPU: $(nproc) hardware threads (nproc); load average (1/5/15 min) before: $load_before, after: $load_after"
