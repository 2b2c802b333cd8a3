#!/usr/bin/env bash
# Renders the lab window in its main states to PNG files (offscreen, no display needed):
#   tools/screenshots.sh [OUT_DIR]      default OUT_DIR: build/screenshots
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${DLAB_BUILD_DIR:-$here/build}"
out="${1:-$build/screenshots}"
mkdir -p "$out"
for state in fresh training error; do
  QT_QPA_PLATFORM=offscreen "$build/app/dlab" --screenshot "$out/window-$state.png" --state "$state"
done
QT_QPA_PLATFORM=offscreen "$build/app/dlab" --screenshot "$out/window-presentation.png" \
  --state training --presentation
