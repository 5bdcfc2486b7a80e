#!/usr/bin/env bash
# The GPU check: runs backend-cuda's tests and the whole conformance suite on cpu + cuda:0, once
# with cuBLAS and once with the built-in GEMM kernel forced (-Dautograd4j.cuda.cublas=false), then
# prints a short table. Needs the packed kit (.device/, see shared/device/README.md):
#
#   here:  mvn -q install -DskipTests && DEVICE_DROP_JAR_ENTRIES='lib/libJNvPTXCompiler-*' \
#            DEVICE_MVN_ARGS='-pl backend-cuda,conformance -am' bash ../shared/device/pack.sh
#   there: bash scripts/gpu/run-gpu-check.sh        (via the run tool, timeout_s 540)
#
# Results: $OUT/cublas/ and $OUT/fallback/ (run.log, junit-reports.tar.gz each), $OUT/summary.txt.
# GPU_CHECK_BUDGET_S (default 480) is split between the two runs (cuBLAS gets 60%).
set -uo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$ROOT"
OUT="${OUT:-$ROOT/device-out}"
mkdir -p "$OUT"
[ -f .device/run.sh ] || { echo "no .device/run.sh: pack the kit first (see the header of $0)" >&2; exit 2; }
BUDGET="${GPU_CHECK_BUDGET_S:-480}"
FIRST=$((BUDGET * 6 / 10))
MODULES="${GPU_CHECK_MODULES:-backend-cuda conformance}"

run_one() { # name, seconds, extra JVM options
    local name="$1" secs="$2" opts="$3" start rc
    start=$(date +%s)
    echo "=== $name: DEVICE_MODULES='$MODULES' JAVA_OPTS='$opts' (budget ${secs}s)"
    OUT="$OUT/$name" DEVICE_MODULES="$MODULES" DEVICE_TIMEOUT_S="$secs" JAVA_OPTS="${JAVA_OPTS:-} $opts" \
        AUTOGRAD_REQUIRE_CUDA=1 bash .device/run.sh > "$OUT/$name.console.txt" 2>&1
    rc=$?
    echo "$name|$rc|$(( $(date +%s) - start ))" >> "$OUT/.rows"
    tail -n 25 "$OUT/$name/run.log" 2>/dev/null || tail -n 25 "$OUT/$name.console.txt"
}

rm -f "$OUT/.rows"
run_one cublas "$FIRST" ""
LEFT=$(( BUDGET - $(cut -d'|' -f3 "$OUT/.rows" | head -1) ))
[ "$LEFT" -lt 60 ] && LEFT=60
run_one fallback "$LEFT" "-Dautograd4j.cuda.cublas=false"

{
    echo
    echo "GPU check summary ($(nvidia-smi --query-gpu=name,driver_version --format=csv,noheader 2>/dev/null | head -1))"
    printf '%-10s %-4s %-6s %s\n' run rc secs "tests (per run.log) / matmul used"
    while IFS='|' read -r name rc secs; do
        log="$OUT/$name/run.log"
        tests=$(grep -Eo '[0-9]+ tests (successful|failed|aborted|skipped)' "$log" 2>/dev/null | sort | uniq -c \
                | awk '{printf "%s %s %s; ", $2, $3, $4}')
        mm=$(grep -Eho 'autograd4j CUDA matmul[^:]*: [^(]*' "$log" "$OUT/$name.console.txt" 2>/dev/null | head -1)
        printf '%-10s %-4s %-6s %s| %s\n' "$name" "$rc" "$secs" "${tests:-see run.log}" "${mm:-no matmul log line}"
    done < "$OUT/.rows"
    echo "rc: 0 all passed, 1 failures, 124/137 timed out, 2 no tests found"
} | tee "$OUT/summary.txt"
status=$(awk -F'|' '$2 != 0 {bad=1} END {print bad ? 1 : 0}' "$OUT/.rows")
rm -f "$OUT/.rows"
exit "$status"
