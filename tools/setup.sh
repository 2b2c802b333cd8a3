#!/usr/bin/env bash
# One entry point for a fresh Debian 12 machine:
#   tools/setup.sh run    install what is missing, build, train the default experiment
#   tools/setup.sh test   install what is missing, build, run the whole test suite
#   tools/setup.sh build  install what is missing and build
# Installing is skipped (quietly, in well under a second) when everything is there.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${DLAB_BUILD_DIR:-$here/build}"
mode="${1:-run}"

# Debian packages dlab builds, runs and tests with (see ../shared/ENVIRONMENT.md).
packages=(
  cmake g++ make pkg-config
  libeigen3-dev libopenblas0-pthread nlohmann-json3-dev zlib1g-dev
  libopencv-dev
  qt6-base-dev qt6-base-dev-tools qt6-charts-dev qt6-svg-dev libqt6opengl6-dev libxkbcommon-dev
  xvfb xauth
  clang libclang-rt-14-dev
  python3 python3-torch python3-numpy
  dataset-fashion-mnist
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if ((${#missing[@]})); then
  echo "dlab setup: installing ${missing[*]}"
  sudo_cmd=()
  if [ "$(id -u)" -ne 0 ]; then
    sudo_cmd=(sudo)
  fi
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get update -qq
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

jobs="$(nproc 2>/dev/null || echo 2)"
if [ ! -f "$build/CMakeCache.txt" ]; then
  cmake -S "$here" -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null
fi
echo "dlab setup: building in $build"
if ! cmake --build "$build" -j"$jobs" >"$build/build.log" 2>&1; then
  grep -E "error|Error" "$build/build.log" | head -40 || true
  echo "dlab setup: the build failed; the full log is $build/build.log" >&2
  exit 1
fi

case "$mode" in
  run)
    if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ] && [ -x "$build/app/dlab" ]; then
      exec "$build/app/dlab"
    fi
    echo "dlab setup: no display to open the lab window on; training the default experiment in the terminal instead"
    exec "$build/tools/dlab-train" --preset spiral --out "$build/runs/spiral"
    ;;
  test)
    cd "$build"
    exec ctest --output-on-failure -j"$jobs" --timeout 900
    ;;
  build)
    ;;
  *)
    echo "usage: tools/setup.sh [run|test|build]" >&2
    exit 2
    ;;
esac
