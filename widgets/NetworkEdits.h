#pragma once
// Edits of a network's layer specs addressed by path, for the network builder.
//
// A LayerPath lists row indices from the top level down: {2} is the third layer, {2, 0}
// the first layer nested in the third layer's body (a residual block). The functions
// change the vector they are given; the builder applies them to a copy of the document's
// network and hands the result to ExperimentDocument::setNetwork, so every edit is one
// undoable step. A path that does not exist throws std::out_of_range: that is a caller
// bug, never a user mistake.

#include "engine/Registry.h"
#include "engine/Tensor.h"

#include <optional>
#include <vector>

namespace dlab::ui {

using LayerPath = std::vector<int>;
using LayerSpecs = std::vector<LayerSpec>;

bool pathExists(const LayerSpecs& specs, const LayerPath& path);
const LayerSpec& layerAt(const LayerSpecs& specs, const LayerPath& path);
LayerSpec& layerAt(LayerSpecs& specs, const LayerPath& path);
// The list that holds the layers under `parent`: the top level for an empty path, else
// that layer's body.
LayerSpecs& childrenOf(LayerSpecs& specs, const LayerPath& parent);
const LayerSpecs& childrenOf(const LayerSpecs& specs, const LayerPath& parent);

// Inserts `layer` under `parent` before `row` (clamped to the list); returns its path.
LayerPath insertLayer(LayerSpecs& specs, const LayerPath& parent, int row, LayerSpec layer);
// Removes the layer at `path` and returns it.
LayerSpec takeLayer(LayerSpecs& specs, const LayerPath& path);
// Inserts a copy right after the original; returns the copy's path.
LayerPath duplicateLayer(LayerSpecs& specs, const LayerPath& path);
// Moves the layer at `from` under `toParent` before `row`, with `row` counted in the
// list as it is before the move (what a drop indicator points at; -1 appends). Returns
// the new path, or nothing when the layer would not move or would go into its own body.
std::optional<LayerPath> moveLayer(LayerSpecs& specs, const LayerPath& from,
                                   const LayerPath& toParent, int row);

// A new layer of a kind as the palette adds it: required settings get a usual starting
// value (64 units, 16 filters) and a block gets a body that keeps `input` (the shape,
// per sample, where it goes; unknown: features): two 3×3 convolutions with
// BatchNorm for images (ResNet's basic block), two dense layers for features.
LayerSpec starterLayer(const LayerInfo& info, const std::optional<Shape>& input);

}  // namespace dlab::ui
