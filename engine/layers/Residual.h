#pragma once
// Residual: a block of nested layers whose input is added back to their output,
//   y = activation(body(x) + shortcut(x))          (He et al., ResNet)
// The addition gives the gradient a direct path around the body: backward sends dL/d(sum)
// both through the body and straight to x, and the two contributions are summed.
//
// The shortcut is the identity when body(x) has x's shape; otherwise a projection
// learns to match it: for images (N, C, H, W) a 1×1 convolution without bias whose
// stride maps H×W onto the body's output size, for features (N, F) a dense layer
// without bias. Parameters and buffers of the nested layers are exposed with prefixed
// names ("body.1.weight", "shortcut.weight"); the network adds the block's index.

#include "engine/Layer.h"
#include "engine/Network.h"

#include <memory>
#include <string>
#include <vector>

namespace dlab {

class LayerRegistry;

class Residual final : public Layer {
public:
    // shortcut null: identity. activation null: none (the sum is the output).
    Residual(std::vector<std::unique_ptr<Layer>> body, std::unique_ptr<Layer> shortcut,
             std::unique_ptr<Layer> activation);

    std::string kind() const override { return "residual"; }
    std::string describe() const override;
    Shape outputShape(const Shape& input) const override;
    void forward(const Tensor& x, Tensor& y, Mode mode) override;
    void backward(const Tensor& x, const Tensor& y, const Tensor& dy, Tensor& dx,
                  bool needInputGrad) override;
    std::vector<Param*> params() override;
    std::vector<Buffer*> buffers() override;
    void initialize(Rng& rng) override;
    void setRng(Rng* rng) override;

    Sequential& body() { return m_body; }
    bool hasProjection() const { return m_shortcut != nullptr; }

private:
    Sequential m_body;
    std::unique_ptr<Layer> m_shortcut;
    std::unique_ptr<Layer> m_activation;
    Tensor m_short;   // shortcut(x) when projected, body output's shape
    Tensor m_sum;     // body(x) + shortcut(x), the activation's input
    Tensor m_dsum;    // dL/d m_sum
    Tensor m_dshort;  // dL/dx through the projection
};

void registerResidual(LayerRegistry& registry);

}  // namespace dlab
