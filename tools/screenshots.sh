#!/usr/bin/env bash
# Renders the lab window in its main states to PNG files (offscreen, no display needed):
#   tools/screenshots.sh [OUT_DIR]      default OUT_DIR: build/screenshots
# (window-STATE.png for the main states, tab-VIEW-PRESET.png for the inspection tabs)
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
# The inspection tabs, each on an experiment that shows what it is for.
while read -r preset state tab; do
  name=$(echo "$tab" | tr 'A-Z ' 'a-z-')
  QT_QPA_PLATFORM=offscreen "$build/app/dlab" --screenshot "$out/tab-$name-$preset.png" \
    --preset "$preset" --state "$state" --tab "$tab"
done <<'SHOTS'
playground training Boundary
mlp training Confusion
tanh-init-small fresh Histograms
tanh-init-xavier fresh Histograms
mlp training Update ratio
deep-sigmoid training Gradients
linear training Filters
cnn training Feature maps
SHOTS
