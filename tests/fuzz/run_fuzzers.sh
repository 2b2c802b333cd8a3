#!/usr/bin/env bash
# Fuzzes the parsers of untrusted files (IDX, CIFAR, CSV) with libFuzzer.
#
#   tests/fuzz/run_fuzzers.sh [SECONDS [BUILD_DIR]]      (SECONDS 0: build only)
#
# Configures a clang build of its own (BUILD_DIR, default build-fuzz in the source tree)
# with -DDLAB_FUZZ=ON, builds fuzz_idx, fuzz_cifar and fuzz_csv with AddressSanitizer and
# UndefinedBehaviorSanitizer, writes a small seed corpus and runs each target for SECONDS
# (default 20). It fails on a crash, a sanitizer report, an uncaught exception other than
# std::runtime_error, an input that takes over 10 s (a hang) or a single allocation over
# 256 MiB; the input that did it is kept as BUILD_DIR/fuzz-artifacts/<kind>-<hash> and
# is replayed with, e.g.,
#   build-fuzz/tests/fuzz/fuzz_csv build-fuzz/fuzz-artifacts/crash-<hash>
#
# ctest runs this as fuzz_build (the clang build, in <ctest build dir>/fuzz) and
# fuzz_smoke (10 s a target). The longer run, after changing a parser
# or before a release (an hour per target; the corpus in BUILD_DIR/fuzz-corpus grows and
# is reused by later runs):
#   tests/fuzz/run_fuzzers.sh 3600
#
# Environment: DLAB_FUZZ_CXX (default clang++), DLAB_FUZZ_JOBS (build jobs, default 2).

set -euo pipefail

seconds=${1:-20}
src=$(cd "$(dirname "$0")/../.." && pwd)
build=${2:-$src/build-fuzz}
cxx=${DLAB_FUZZ_CXX:-clang++}

if ! command -v "$cxx" >/dev/null; then
    echo "run_fuzzers.sh: $cxx not found (Debian: apt-get install clang libclang-rt-dev)" >&2
    exit 2
fi

cmake -S "$src" -B "$build" -DCMAKE_CXX_COMPILER="$cxx" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DDLAB_FUZZ=ON -DDLAB_BUILD_TESTS=OFF -DDLAB_BUILD_BENCH=OFF -DDLAB_CUDA=OFF >/dev/null
cmake --build "$build" -j"${DLAB_FUZZ_JOBS:-2}" --target fuzz_idx fuzz_cifar fuzz_csv
if [ "$seconds" -eq 0 ]; then
    exit 0
fi

seeds=$build/fuzz-seeds
rm -rf "$seeds"
mkdir -p "$seeds"/idx "$seeds"/cifar "$seeds"/csv "$build/fuzz-artifacts"

# IDX: labels (N,), images (N, H, W), the images gzipped, and a broken header.
printf '\x00\x00\x08\x01\x00\x00\x00\x03\x01\x02\x03' >"$seeds/idx/labels"
printf '\x00\x00\x08\x03\x00\x00\x00\x02\x00\x00\x00\x02\x00\x00\x00\x02\x00\x01\x02\x03\x04\x05\x06\xff' \
    >"$seeds/idx/images"
gzip -c "$seeds/idx/images" >"$seeds/idx/images.gz"
printf '\x00\x00\x0d\x09\x00' >"$seeds/idx/bad-header"

# CIFAR: option byte, then one CIFAR-10 record / one CIFAR-100 record (coarse labels).
{ printf '\x00\x07'; head -c 3072 /dev/zero | tr '\0' '\200'; } >"$seeds/cifar/cifar10"
{ printf '\x03\x13\x63'; head -c 3072 /dev/zero; } >"$seeds/cifar/cifar100"

# CSV: option byte, then the table.
printf '\x00x,y,label\n1,2,cat\n3.5,-4e1,dog\n' >"$seeds/csv/header"
printf '\x00"a, b",c;d\r\n"1",2,"x ""q"""\r\n\r\n3,4,y\r\n' >"$seeds/csv/quotes"
printf '\x02a\tb\tc\n1\t2\t0\n3\t4\t1\n' >"$seeds/csv/tsv"
printf '\x10x;target\n1;0.5\n2;1e3\n' >"$seeds/csv/regression"

status=0
for target in idx cifar csv; do
    corpus=$build/fuzz-corpus/$target
    mkdir -p "$corpus"
    echo "== fuzz_$target: $seconds s"
    if ! "$build/tests/fuzz/fuzz_$target" "$corpus" "$seeds/$target" \
        -max_total_time="$seconds" -timeout=10 -malloc_limit_mb=256 -rss_limit_mb=2048 \
        -max_len=8192 -print_final_stats=1 \
        -artifact_prefix="$build/fuzz-artifacts/" 2>"$build/fuzz-$target.log"; then
        tail -n 60 "$build/fuzz-$target.log" >&2
        echo "fuzz_$target FAILED: see $build/fuzz-$target.log and $build/fuzz-artifacts/" >&2
        status=1
    else
        grep -E '^stat::number_of_executed_units|^Done' "$build/fuzz-$target.log" || true
    fi
done
if [ "$status" -eq 0 ]; then
    echo "all fuzz targets ran $seconds s each without a finding"
fi
exit "$status"
