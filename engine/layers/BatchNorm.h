#pragma once
// Batch normalization, per feature (batchnorm1d) or per channel (batchnorm2d):
//   batchnorm1d: x (N, F),       statistics over N            for each of F features
//   batchnorm2d: x (N, C, H, W), statistics over N, H and W   for each of C channels
//   y = gamma · (x - mean) / sqrt(var + eps) + beta, gamma and beta of shape (C).
//
// Train mode normalizes with the batch's mean and (biased) variance and updates the
// running estimates: running = (1 - momentum)·running + momentum·batch, PyTorch's
// convention, the running variance being the unbiased one. Eval mode normalizes with
// the running estimates, so the layer is a fixed per-channel affine map; its backward
// is then dx = dy · gamma / sqrt(running_var + eps). Either way backward accumulates
// dgamma and dbeta. Buffers "running_mean" (zeros) and "running_var" (ones) are saved
// in checkpoints.

#include "engine/Layer.h"

namespace dlab {

class LayerRegistry;

class BatchNorm final : public Layer {
public:
    // spatial: false for (N, F) inputs (batchnorm1d), true for (N, C, H, W) (batchnorm2d).
    BatchNorm(int64_t channels, bool spatial, float momentum, float eps);

    std::string kind() const override { return m_spatial ? "batchnorm2d" : "batchnorm1d"; }
    std::string describe() const override;
    Shape outputShape(const Shape& input) const override;
    void forward(const Tensor& x, Tensor& y, Mode mode) override;
    void backward(const Tensor& x, const Tensor& y, const Tensor& dy, Tensor& dx,
                  bool needInputGrad) override;
    std::vector<Param*> params() override { return {&m_gamma, &m_beta}; }
    std::vector<Buffer*> buffers() override { return {&m_runningMean, &m_runningVar}; }
    // gamma = 1, beta = 0, running_mean = 0, running_var = 1.
    void initialize(Rng& rng) override;

    Param& gamma() { return m_gamma; }
    Param& beta() { return m_beta; }
    Buffer& runningMean() { return m_runningMean; }
    Buffer& runningVar() { return m_runningVar; }

private:
    int64_t m_channels;
    bool m_spatial;
    float m_momentum;
    float m_eps;
    bool m_lastTrain = true;
    Param m_gamma{"gamma", {}, {}, false};
    Param m_beta{"beta", {}, {}, false};
    Buffer m_runningMean{"running_mean", {}};
    Buffer m_runningVar{"running_var", {}};
    Tensor m_xhat;    // x's shape: the normalized input of the last forward
    Tensor m_mean;    // (C) batch mean of the last training forward
    Tensor m_invStd;  // (C) 1 / sqrt(batch var + eps) of the last training forward
    Tensor m_zeros;   // (C) zeros: the mean and shift of the eval-mode backward map
    Tensor m_work;    // x's shape: products and outputs nobody asked for
};

void registerBatchNorm(LayerRegistry& registry);

}  // namespace dlab
