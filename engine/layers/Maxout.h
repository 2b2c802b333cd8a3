#pragma once
// Maxout: each output unit is the largest of k consecutive input channels (pieces).
//   x (N, C·k, ...) -> y (N, C, ...), y[n, c, i] = max_j x[n, c·k + j, i]
// After a dense layer with C·k units this is Goodfellow et al.'s maxout unit
// max(w1ᵀx + b1, ..., wkᵀx + bk); ReLU and leaky ReLU are special cases of it.
// The gradient goes only to the winning piece. No parameters of its own.

#include "engine/Layer.h"

namespace dlab {

class LayerRegistry;

class Maxout final : public Layer {
public:
    explicit Maxout(int64_t pieces);

    std::string kind() const override { return "maxout"; }
    std::string describe() const override;
    Shape outputShape(const Shape& input) const override;
    void forward(const Tensor& x, Tensor& y, Mode mode) override;
    void backward(const Tensor& x, const Tensor& y, const Tensor& dy, Tensor& dx,
                  bool needInputGrad) override;

private:
    int64_t m_pieces;
    Tensor m_argmax;  // y's shape: index j of the winning piece
};

void registerMaxout(LayerRegistry& registry);

}  // namespace dlab
