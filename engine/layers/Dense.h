#pragma once
// Dense (PyTorch's Linear): y = x Wᵀ + b.
//   x (N, in), W (out, in), b (out), y (N, out)
// Inputs of higher rank must be flattened first (a Flatten layer); the error says so.

#include "engine/Init.h"
#include "engine/Layer.h"

namespace dlab {

class LayerRegistry;

class Dense final : public Layer {
public:
    Dense(int64_t inFeatures, int64_t units, bool bias, InitSpec init);

    std::string kind() const override { return "dense"; }
    std::string describe() const override;
    Shape outputShape(const Shape& input) const override;
    void forward(const Tensor& x, Tensor& y, Mode mode) override;
    void backward(const Tensor& x, const Tensor& y, const Tensor& dy, Tensor& dx,
                  bool needInputGrad) override;
    std::vector<Param*> params() override;
    void initialize(Rng& rng) override;

    Param& weight() { return m_weight; }
    Param& bias() { return m_bias; }

private:
    int64_t m_in;
    int64_t m_units;
    bool m_hasBias;
    InitSpec m_init;
    Param m_weight{"weight", {}, {}, true};
    Param m_bias{"bias", {}, {}, false};
};

void registerDense(LayerRegistry& registry);

}  // namespace dlab
