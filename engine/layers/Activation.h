#pragma once
// Elementwise activation layers: identity, sigmoid, tanh, relu, leaky_relu (alpha,
// default 0.01), elu (alpha, default 1), gelu (exact, erf), selu, silu (Swish),
// softplus. Any shape in, same shape out. The math lives in kernels/KernelMath.h.

#include "engine/Layer.h"
#include "engine/kernels/KernelMath.h"

#include <string>
#include <vector>

namespace dlab {

class LayerRegistry;

class Activation final : public Layer {
public:
    Activation(kernels::Act act, float alpha);

    std::string kind() const override;
    std::string describe() const override;
    Shape outputShape(const Shape& input) const override { return input; }
    void forward(const Tensor& x, Tensor& y, Mode mode) override;
    void backward(const Tensor& x, const Tensor& y, const Tensor& dy, Tensor& dx,
                  bool needInputGrad) override;

    kernels::Act act() const { return m_act; }

private:
    kernels::Act m_act;
    float m_alpha;
};

// Registry names, e.g. "relu", indexed by kernels::Act.
const std::vector<std::string>& activationNames();
// Throws std::invalid_argument listing the valid names.
kernels::Act parseActivation(const std::string& name);

void registerActivations(LayerRegistry& registry);

}  // namespace dlab
