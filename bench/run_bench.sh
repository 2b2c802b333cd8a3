#!/usr/bin/env bash
# dlab against PyTorch on Fashion-MNIST, both in one run so they see the same machine.
#
#   bench/run_bench.sh [--build DIR] [--accuracy]
#
# Default: training throughput (samples/s; Adam 1e-3, batch 64; dlab on one thread,
# torch the best of 1 and 2 threads), one line per network:
#   mlp dlab=23456 torch=37000 ratio=0.63        (ratio = dlab / torch)
# --accuracy: the mlp preset trained 5 epochs on all 60k images, test accuracy:
#   mlp_accuracy dlab=0.8812 torch=0.8790
# DIR is the CMake build folder holding bench/bench_train (default: ./build, or
# $DLAB_BUILD_DIR). Figures depend on load: run it while nothing else compiles.
set -euo pipefail

# OpenBLAS reads these when it is loaded. One thread, so it does not fight the other
# threads (torch's, the other process's) on a 2-core machine. And the kernel family:
# OpenBLAS 0.3.21 does not know recent Xeons by model and falls back to its slowest
# kernels ("Prescott"), which halves torch's Linear layers; dlab names the family from
# the CPU's features itself (engine/cpu/Blas.h), so torch gets the same here.
export OPENBLAS_NUM_THREADS=1
if [[ -z "${OPENBLAS_CORETYPE:-}" ]]; then
    if grep -qw avx512f /proc/cpuinfo; then
        export OPENBLAS_CORETYPE=SkylakeX
    elif grep -qw avx2 /proc/cpuinfo; then
        export OPENBLAS_CORETYPE=Haswell
    fi
fi

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
build="${DLAB_BUILD_DIR:-$here/../build}"
mode=throughput
while [[ $# -gt 0 ]]; do
    case "$1" in
        --build) build="${2:?--build needs a folder}"; shift 2 ;;
        --accuracy) mode=accuracy; shift ;;
        -h|--help) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "run_bench.sh: unknown option '$1' (see --help)" >&2; exit 2 ;;
    esac
done

exe="$build/bench/bench_train"
if [[ ! -x "$exe" ]]; then
    echo "run_bench.sh: $exe not found; build it with: cmake --build $build --target bench_train" >&2
    exit 1
fi
if pgrep -x cc1plus >/dev/null || pgrep -x nvcc >/dev/null; then
    echo "run_bench.sh: warning: a compiler is running, the figures will be low" >&2
fi

dlab_out="$("$exe" --mode "$mode")"
torch_out="$(/usr/bin/python3 "$here/torch_bench.py" --mode "$mode")"

# value OUTPUT NAME KEY: the KEY=value field of the line that starts with NAME.
value() {
    awk -v name="$2" -v key="$3" '$1 == name {
        for (i = 2; i <= NF; ++i) { split($i, kv, "="); if (kv[1] == key) print kv[2] } }' <<< "$1"
}

if [[ "$mode" == accuracy ]]; then
    printf 'mlp_accuracy dlab=%s torch=%s\n' "$(value "$dlab_out" mlp test_accuracy)" \
        "$(value "$torch_out" mlp test_accuracy)"
    exit 0
fi
for name in mlp cnn; do
    d="$(value "$dlab_out" "$name" samples_per_s)"
    t="$(value "$torch_out" "$name" samples_per_s)"
    awk -v n="$name" -v d="$d" -v t="$t" \
        'BEGIN { printf "%s dlab=%.0f torch=%.0f ratio=%.2f\n", n, d, t, (t > 0 ? d / t : 0) }'
done
