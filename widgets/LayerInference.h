#pragma once
// Live shape inference for the network builder.
//
// Builds the layers one by one on the shape the previous one produced, as buildLayers
// does and with the same labels ("layer 3 (dense)", nested "layer 2 (residual) / layer 1
// (conv2d)"), so its messages read exactly like the trainer's and
// ExperimentDocument::validate(). Unlike buildLayers it keeps what it learned before the
// first error: every layer up to it gets its output shape and parameter count, the
// failing layer (and the block around it) gets the error, later layers stay unknown.

#include "engine/Registry.h"
#include "engine/Tensor.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace dlab::ui {

struct LayerCheck {
    std::optional<Shape> output;   // per sample, no batch dim; empty when unknown
    int64_t parameters = 0;        // including a block's nested layers and shortcut
    std::string error;             // why this layer does not build; empty when it does
    std::vector<LayerCheck> body;  // one per nested layer of a block
};

struct NetworkCheck {
    std::vector<LayerCheck> layers;  // one per top-level layer
    int64_t totalParameters = 0;     // of the top-level layers that built
    std::optional<Shape> output;     // the network's output when every layer builds
    std::string error;               // the first error; empty when every layer builds
};

// `sampleShape`: the input per sample, e.g. (1, 28, 28) or (2). `outputs` replaces the
// "classes" placeholder (see resolveNetwork). Never throws for a bad network.
NetworkCheck checkNetwork(const std::vector<LayerSpec>& specs, const Shape& sampleShape,
                          int outputs);

// "16×14×14", "64".
std::string shapeText(const Shape& shape);

}  // namespace dlab::ui
