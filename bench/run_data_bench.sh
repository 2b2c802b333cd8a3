#!/usr/bin/env bash
# dlab's data pipeline against PyTorch's on Fashion-MNIST, both in one run so they see the
# same machine, plus the memory of opening a large image folder in streaming mode.
#
#   bench/run_data_bench.sh [--build DIR] [--repeats R] [--folder-images N] [--no-folder]
#
# Prints (seconds, best of R; ratio = dlab / torch, below 1 means dlab is faster):
#   open_fashion_mnist dlab=0.41s torch=0.52s ratio=0.79
#   epoch_batches dlab=1.20s torch=3.40s ratio=0.35
#   image_folder_open seconds=0.9 images=100000 streaming=1 rss_before_mb=12 peak_rss_mb=40
#   image_folder_epoch seconds=6.1 batches=1563 peak_rss_mb=75
# The image folder (N 28×28 PNGs, default 100 000) is written once to
# /tmp/dlab_bench_image_folder and reused. DIR is the CMake build folder holding
# bench/bench_data (default: ./build, or $DLAB_BUILD_DIR). Run it while nothing compiles.
set -euo pipefail

export OPENBLAS_NUM_THREADS=1

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
build="${DLAB_BUILD_DIR:-$here/../build}"
repeats=3
folder_images=100000
folder=1
while [[ $# -gt 0 ]]; do
    case "$1" in
        --build) build="${2:?--build needs a folder}"; shift 2 ;;
        --repeats) repeats="${2:?--repeats needs a count}"; shift 2 ;;
        --folder-images) folder_images="${2:?--folder-images needs a count}"; shift 2 ;;
        --no-folder) folder=0; shift ;;
        -h|--help) sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "run_data_bench.sh: unknown option '$1' (see --help)" >&2; exit 2 ;;
    esac
done

exe="$build/bench/bench_data"
if [[ ! -x "$exe" ]]; then
    echo "run_data_bench.sh: $exe not found; build it with: cmake --build $build --target bench_data" >&2
    exit 1
fi
if pgrep -x cc1plus >/dev/null || pgrep -x nvcc >/dev/null; then
    echo "run_data_bench.sh: warning: a compiler is running, the figures will be low" >&2
fi

dlab_out="$("$exe" --part open --repeats "$repeats"; "$exe" --part epoch --repeats "$repeats")"
torch_out="$(/usr/bin/python3 "$here/torch_data_bench.py" --part all --repeats "$repeats")"

# value OUTPUT NAME KEY: the KEY=value field of the line that starts with NAME.
value() {
    awk -v name="$2" -v key="$3" '$1 == name {
        for (i = 2; i <= NF; ++i) { split($i, kv, "="); if (kv[1] == key) print kv[2] } }' <<< "$1"
}

for name in open_fashion_mnist epoch_batches; do
    d="$(value "$dlab_out" "$name" seconds)"
    t="$(value "$torch_out" "$name" seconds)"
    awk -v n="$name" -v d="$d" -v t="$t" \
        'BEGIN { printf "%s dlab=%.3fs torch=%.3fs ratio=%.2f\n", n, d, t, (t > 0 ? d / t : 0) }'
done
if [[ "$folder" == 1 ]]; then
    # A process of its own, so the peak resident memory is the folder's alone.
    "$exe" --part folder --folder-images "$folder_images"
fi
