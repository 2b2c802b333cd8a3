#pragma once
// Layer normalization: each sample is normalized over all of its own values, so the
// statistics never mix samples and train and eval behave the same.
//   x (N, d1, d2, ...), D = d1·d2·...; gamma and beta (D) scale and shift each position.
//   y = gamma · (x - mean_n) / sqrt(var_n + eps) + beta, mean and var over the D values
//   of sample n. backward overwrites dx and accumulates dgamma and dbeta.

#include "engine/Layer.h"

namespace dlab {

class LayerRegistry;

class LayerNorm final : public Layer {
public:
    // features: D, the element count of one sample.
    LayerNorm(int64_t features, float eps);

    std::string kind() const override { return "layernorm"; }
    std::string describe() const override;
    Shape outputShape(const Shape& input) const override;
    void forward(const Tensor& x, Tensor& y, Mode mode) override;
    void backward(const Tensor& x, const Tensor& y, const Tensor& dy, Tensor& dx,
                  bool needInputGrad) override;
    std::vector<Param*> params() override { return {&m_gamma, &m_beta}; }
    // gamma = 1, beta = 0.
    void initialize(Rng& rng) override;

private:
    int64_t m_features;
    float m_eps;
    Param m_gamma{"gamma", {}, {}, false};
    Param m_beta{"beta", {}, {}, false};
    Tensor m_xhat;    // x's shape
    Tensor m_invStd;  // (N)
    Tensor m_work;    // x's shape: dx when the caller does not want it
};

void registerLayerNorm(LayerRegistry& registry);

}  // namespace dlab
