#!/usr/bin/env bash
# The prepared GPU check, one device call: (1) backend-cuda's tests, the whole conformance suite on
# cpu + cuda:0 with cuBLAS, and distributed-nccl's tests (NCCL on every local GPU, libnccl.so.2 from PyTorch's
# pip wheel), (2) the tutorial demo, MNIST training on cuda:0 and the GPU benchmark against
# PyTorch on the same GPU (Benchmark --large against scripts/gpu/bench_pytorch_gpu.py, merged by
# scripts/bench_compare.py),
# (3) the same tests again with the built-in GEMM kernel forced (-Dautograd4j.cuda.cublas=false).
# Needs the packed kit (.device/, see ../shared/device/README.md), made here with:
#
#   ./mvnw -q install -DskipTests && DEVICE_DROP_JAR_ENTRIES="lib/libJNvPTXCompiler-* $BYTEDECO_UNUSED" \
#       DEVICE_MVN_ARGS='-pl backend-cuda,conformance,examples,distributed-nccl -am' MVN=scripts/gpu/mvn-for-pack.sh \
#       bash ../shared/device/pack.sh
#
# with BYTEDECO_UNUSED='org/bytedeco/cuda/*/libjninpp* org/bytedeco/cuda/*/libjninv* org/bytedeco/cuda/*/libjnicu[bfprs]*
# org/bytedeco/cuda/*/libjnicudnn*' (NCCL needs only libjnicudart.so and libjninccl.so of the 5 MB natives jar):
# the kit is then about 52 MiB of its 60 (56.4 MiB without dropping them). Without install, add
# '-o -Dnative.ptx=committed' to DEVICE_MVN_ARGS: the reactor resolves the modules from their target/ folders.
#
# and run there with:  bash scripts/gpu/run-gpu-check.sh   (device run tool, timeout_s 480, carry .device)
# (pack.sh sometimes stops with exit 141, SIGPIPE, right after jlink: run it again.)
#
# Results ($OUT, 7 files): cublas/ and fallback/ (run.log, junit-reports.tar.gz each), bench.md (the
# comparison table and both raw outputs), summary.txt, gpu-check.log (everything else).
# Budgets in seconds (environment): TESTS1_S (170), BENCH_S (110; 0 skips step 2), TESTS2_S (150).
set -uo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$ROOT"
OUT="${OUT:-$ROOT/device-out}"
mkdir -p "$OUT"
exec > >(tee "$OUT/gpu-check.log") 2>&1
[ -f .device/run.sh ] || { echo "no .device/run.sh: pack the kit first (see the header of $0)"; exit 2; }
MODULES="${GPU_CHECK_MODULES:-backend-cuda conformance distributed-nccl}"
JAVA="$ROOT/.device/jre/bin/java"
ROWS="$(mktemp)"

run_tests() { # name, seconds, extra JVM options
    local name="$1" secs="$2" opts="$3" start rc
    start=$(date +%s)
    echo "=== tests ($name): DEVICE_MODULES='$MODULES' JAVA_OPTS='$opts' (budget ${secs}s)"
    OUT="$OUT/$name" DEVICE_MODULES="$MODULES" DEVICE_TIMEOUT_S="$secs" JAVA_OPTS="${JAVA_OPTS:-} $opts" \
        AUTOGRAD_REQUIRE_CUDA=1 bash .device/run.sh > /dev/null 2>&1
    rc=$?
    echo "$name|$rc|$(( $(date +%s) - start ))" >> "$ROWS"
    sed -n '/= SUMMARY/,$p' "$OUT/$name/run.log" 2>/dev/null | head -45
}

# the classpath of a packed module's tests (modules.tsv: dir, classpath relative to .device/, scan root)
module_cp() {
    awk -F'\t' -v m="$1" '$1 == m {print $2}' .device/modules.tsv | tr ':' '\n' | sed "s|^|$ROOT/.device/|" | paste -sd:
}

run_bench() { # seconds
    local secs="$1" cp ld
    cp="$(module_cp examples)"
    # the CUDA library path run.sh set up (cuBLAS 13 renamed to libcublas.so.12)
    ld="$(sed -n 's/^  LD_LIBRARY_PATH=//p' "$OUT/cublas/run.log" 2>/dev/null | head -1)"
    echo "=== demo and benchmark (budget ${secs}s; LD_LIBRARY_PATH=$ld)"
    [ -n "$cp" ] || { echo "examples is not in .device/modules.tsv: pack with -pl ...,examples"; return 1; }
    (cd examples && LD_LIBRARY_PATH="$ld" timeout 30 "$JAVA" -cp "$cp" dev.autograd4j.examples.Demo) 2>&1 | head -40
    echo "--- MNIST on cuda:0 (15 epochs, the bundled 10,000 digits)"
    (cd examples && LD_LIBRARY_PATH="$ld" timeout 90 "$JAVA" -cp "$cp" dev.autograd4j.examples.mnist.MnistTraining \
        --device cuda:0 --out /tmp/mnist-gpu) 2>&1 | grep -v '^\[main\] INFO' | head -40
    echo "--- MNIST CNN on cuda:0 (10 epochs: conv.cu's im2col/col2im, cuBLAS)"
    (cd examples && LD_LIBRARY_PATH="$ld" timeout 120 "$JAVA" -cp "$cp" dev.autograd4j.examples.mnist.MnistCnn \
        --device cuda:0 --out /tmp/mnist-cnn-gpu) 2>&1 | grep -v '^\[main\] INFO' | head -40
    local t0=$(date +%s)
    LD_LIBRARY_PATH="$ld" timeout $((secs * 55 / 100)) "$JAVA" -cp "$cp" dev.autograd4j.examples.Benchmark \
        --device cuda:0 --large --json > "$OUT/.a4j.out" 2> "$OUT/.a4j.err"
    echo "autograd4j benchmark: rc $? in $(( $(date +%s) - t0 )) s"; tail -5 "$OUT/.a4j.err"
    t0=$(date +%s)
    PYTHONUNBUFFERED=1 timeout $((secs * 40 / 100)) python3 scripts/gpu/bench_pytorch_gpu.py --device cuda:0 --large \
        --json > "$OUT/.pt.out" 2> "$OUT/.pt.err"
    echo "PyTorch benchmark: rc $? in $(( $(date +%s) - t0 )) s"; tail -5 "$OUT/.pt.err"
    {
        python3 scripts/bench_compare.py "$OUT/.a4j.out" "$OUT/.pt.out" \
            "GPU: $(nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader | head -1)"
        echo; echo "--- autograd4j raw"; cat "$OUT/.a4j.out"; tail -20 "$OUT/.a4j.err"
        echo; echo "--- PyTorch raw"; cat "$OUT/.pt.out"; tail -20 "$OUT/.pt.err"
    } > "$OUT/bench.md" 2>&1
    rm -f "$OUT"/.a4j.* "$OUT"/.pt.*
    head -30 "$OUT/bench.md"
}

# NCCL for distributed-nccl's tests: PyTorch's pip wheels carry libnccl.so.2 (nvidia/nccl/lib) and the CUDA 13
# runtime (nvidia/cuda_runtime/lib). The Java side looks in the usual site-packages itself; this also covers a
# python3 installed elsewhere.
pip_lib() { # module, file
    python3 -c "import os, sys, $1 as m
for d in m.__path__:
    p = os.path.join(d, 'lib', sys.argv[1])
    if os.path.exists(p): print(p); break" "$2" 2>/dev/null
}
if [ -z "${AUTOGRAD4J_NCCL_LIBRARY:-}" ] && ! ldconfig -p 2>/dev/null | grep -q 'libnccl.so.2 '; then
    nccl="$(pip_lib nvidia.nccl libnccl.so.2)"
    [ -n "$nccl" ] && export AUTOGRAD4J_NCCL_LIBRARY="$nccl"
fi
if ! ldconfig -p 2>/dev/null | grep -q 'libcudart.so.13 '; then
    cudart="$(pip_lib nvidia.cuda_runtime libcudart.so.13)"
    [ -n "$cudart" ] && export LD_LIBRARY_PATH="$(dirname "$cudart")${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
fi
echo "NCCL: ${AUTOGRAD4J_NCCL_LIBRARY:-libnccl.so.2 from the ld cache, or searched by the tests}; libcudart.so.13: ${cudart:-from the ld cache or /usr/local/cuda*}"

nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader
run_tests cublas "${TESTS1_S:-170}" ""
if [ "${BENCH_S:-110}" -gt 0 ]; then run_bench "${BENCH_S:-110}"; fi
run_tests fallback "${TESTS2_S:-150}" "-Dautograd4j.cuda.cublas=false"

{
    echo
    echo "GPU check summary ($(nvidia-smi --query-gpu=name,driver_version --format=csv,noheader 2>/dev/null | head -1))"
    printf '%-10s %-4s %-6s %s\n' run rc secs "tests (per run.log) / matmul used"
    while IFS='|' read -r name rc secs; do
        log="$OUT/$name/run.log"
        tests=$(sed -n '/= SUMMARY/,/exit code/p' "$log" 2>/dev/null | awk '$1 ~ /^(backend-cuda|conformance|distributed-nccl)$/ {printf "%s: %s found, %s ok, %s failed; ", $1, $3, $4, $5}')
        mm=$(grep -Eho 'autograd4j CUDA matmul.*' "$log" 2>/dev/null | head -1 | cut -c1-110)
        printf '%-10s %-4s %-6s %s| %s\n' "$name" "$rc" "$secs" "${tests:-see run.log}" "${mm:-no matmul log line}"
    done < "$ROWS"
    echo "rc: 0 all passed, 1 failures, 124/137 timed out, 2 no tests found"
} | tee "$OUT/summary.txt"
status=$(awk -F'|' '$2 != 0 {bad=1} END {print bad ? 1 : 0}' "$ROWS")
rm -f "$ROWS"
exit "$status"
