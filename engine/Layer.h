#pragma once
// Layer: one step of a network, with its forward and backward pass side by side.
//
// Contract for every layer:
//  - forward(x, y) writes y (resizing it to outputShape(x.shape())) and caches what
//    backward needs. x and y stay alive and unchanged until backward.
//  - backward(x, y, dy, dx) overwrites dx with dL/dx (resized to x's shape) and
//    ACCUMULATES parameter gradients into Param::grad (`+=`); Network::zeroGrad clears
//    them. `needInputGrad` false lets the first layer skip computing dx.
//  - Shapes include the batch dim: dense layers take (N, F), conv layers (N, C, H, W).
//  - A layer is used by one thread at a time.

#include "engine/Tensor.h"

#include <memory>
#include <random>
#include <string>
#include <vector>

namespace dlab {

enum class Mode { Train, Eval };

// A learnable tensor and its gradient, same shape. `decay` is false for biases and
// normalization scales, which L1/L2 penalties and weight decay leave alone by default.
struct Param {
    std::string name;  // "weight", "bias", "gamma", "beta"; the network prefixes the layer
    Tensor value;
    Tensor grad;
    bool decay = true;
};

// Non-learnable state saved in checkpoints (BatchNorm running statistics).
struct Buffer {
    std::string name;
    Tensor value;
};

// Randomness a layer may draw (initialization, dropout masks). Owned by the network,
// seeded from the experiment's seed so runs repeat bit for bit.
using Rng = std::mt19937_64;

class Layer {
public:
    virtual ~Layer() = default;

    // Registry name of the kind, e.g. "conv2d".
    virtual std::string kind() const = 0;
    // Short human description with the settings, e.g. "Conv2d 1→16, 3×3, stride 1, pad 1".
    virtual std::string describe() const = 0;
    // Output shape for a batched input shape; throws std::invalid_argument naming
    // what was expected and what came.
    virtual Shape outputShape(const Shape& input) const = 0;

    virtual void forward(const Tensor& x, Tensor& y, Mode mode) = 0;
    virtual void backward(const Tensor& x, const Tensor& y, const Tensor& dy, Tensor& dx,
                          bool needInputGrad) = 0;

    virtual std::vector<Param*> params() { return {}; }
    virtual std::vector<Buffer*> buffers() { return {}; }
    // (Re)initialize parameters; called once after construction and on "reset weights".
    virtual void initialize(Rng& rng) { (void)rng; }
    // Layers that draw randomness during forward (dropout) get the network's generator.
    virtual void setRng(Rng* rng) { (void)rng; }

    int64_t parameterCount();
};

}  // namespace dlab
