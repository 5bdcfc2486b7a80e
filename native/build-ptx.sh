#!/usr/bin/env bash
# Builds and checks the PTX of the CUDA kernels (run by Maven in generate-resources, or by hand).
#   bash native/build-ptx.sh [--update] [--mode=check|committed] [OUTDIR]
# 1. Staleness: ptx/SOURCES.sha256 records the hash of src/main/cuda/* and the nvcc flags the
#    committed ptx/*.ptx were built from; a mismatch fails (no nvcc needed for this check).
#    --update rebuilds ptx/ with nvcc and rewrites the stamp (then commit ptx/).
# 2. With nvcc on the PATH: compiles every .cu (nvcc -ptx -arch=compute_75) into OUTDIR, which
#    Maven packages; without nvcc the committed PTX is copied there instead.
# 3. With ptxas on the PATH: assembles each PTX for sm_80 and sm_90 (output discarded).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
src="$here/src/main/cuda"
committed="$here/ptx"
update=0
mode=check
if [ "${1:-}" = "--update" ]; then update=1; shift; fi
case "${1:-}" in --mode=*) mode="${1#--mode=}"; shift;; esac
out="${1:-$here/target/generated-resources/ptx/autograd4j/ptx}"
# per-file flags: no FMA contraction in elementwise code, so results match the Java formulas
NVCC_FLAGS="-ptx -arch=compute_75 -std=c++14"
flags_for() { case "$1" in gemm) echo "$NVCC_FLAGS";; *) echo "$NVCC_FLAGS -fmad=false";; esac; }
modules=$(cd "$src" && ls *.cu | sed 's/\.cu$//' | sort)

stamp() {
    (cd "$src" && for f in $(ls *.cu *.cuh | sort); do sha256sum "$f"; done
     for m in $modules; do echo "$m: $(flags_for "$m")"; done) | sha256sum | cut -d' ' -f1
}

compile_all() { # dir
    local dir="$1" pids=() m
    mkdir -p "$dir"
    for m in $modules; do
        nvcc $(flags_for "$m") "$src/$m.cu" -o "$dir/$m.ptx" & pids+=($!)
    done
    for p in "${pids[@]}"; do wait "$p"; done
}

if [ "$update" = 1 ]; then
    command -v nvcc >/dev/null || { echo "build-ptx: --update needs nvcc on the PATH" >&2; exit 1; }
    rm -f "$committed"/*.ptx
    compile_all "$committed"
    stamp > "$committed/SOURCES.sha256"
    echo "build-ptx: rebuilt $committed with $(nvcc --version | tail -1)"
fi

if [ "$mode" = committed ]; then
    rm -rf "$out" && mkdir -p "$out" && cp "$committed"/*.ptx "$out/"
    echo "build-ptx: packaging the committed PTX unchecked (-Dnative.ptx=committed)"
    exit 0
fi

want="$(cat "$committed/SOURCES.sha256" 2>/dev/null || true)"
have="$(stamp)"
if [ "$want" != "$have" ]; then
    echo "build-ptx: the committed PTX in native/ptx is stale (CUDA sources or flags changed)." >&2
    echo "build-ptx: rebuild it with: bash native/build-ptx.sh --update   (needs nvcc), then commit native/ptx" >&2
    exit 1
fi
for m in $modules; do
    [ -f "$committed/$m.ptx" ] || { echo "build-ptx: missing $committed/$m.ptx" >&2; exit 1; }
done

rm -rf "$out"
mkdir -p "$out"
if [ "$update" = 1 ]; then
    cp "$committed"/*.ptx "$out/"
elif command -v nvcc >/dev/null 2>&1; then
    compile_all "$out"
    echo "build-ptx: compiled $(echo $modules | wc -w) modules with $(nvcc --version | tail -1 | sed 's/^Build //')"
else
    cp "$committed"/*.ptx "$out/"
    echo "build-ptx: nvcc not on the PATH; packaging the committed PTX"
fi

if command -v ptxas >/dev/null 2>&1; then
    pids=()
    for m in $modules; do
        for sm in sm_80 sm_90; do
            ptxas -arch=$sm "$out/$m.ptx" -o /dev/null & pids+=($!)
        done
    done
    for p in "${pids[@]}"; do wait "$p"; done
    echo "build-ptx: ptxas assembled every module for sm_80 and sm_90"
fi
