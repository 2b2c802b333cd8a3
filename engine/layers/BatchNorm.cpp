#include "engine/layers/BatchNorm.h"

#include "engine/Backend.h"
#include "engine/Registry.h"

#include <stdexcept>

namespace dlab {

BatchNorm::BatchNorm(int64_t channels, bool spatial, float momentum, float eps)
    : m_channels(channels), m_spatial(spatial), m_momentum(momentum), m_eps(eps) {
    const Shape c{m_channels};
    m_gamma.value = Tensor::full(c, 1.0f);
    m_gamma.grad = Tensor::zeros(c);
    m_beta.value = Tensor::zeros(c);
    m_beta.grad = Tensor::zeros(c);
    m_runningMean.value = Tensor::zeros(c);
    m_runningVar.value = Tensor::full(c, 1.0f);
    m_mean = Tensor::zeros(c);
    m_invStd = Tensor::zeros(c);
    m_zeros = Tensor::zeros(c);
}

std::string BatchNorm::describe() const {
    return std::string(m_spatial ? "BatchNorm2d " : "BatchNorm1d ") + std::to_string(m_channels) +
           (m_spatial ? " channels" : " features");
}

Shape BatchNorm::outputShape(const Shape& input) const {
    const std::string c = std::to_string(m_channels);
    if (m_spatial && (input.rank() != 4 || input[1] != m_channels)) {
        throw std::invalid_argument("expected input (N, " + c + ", H, W), got " + input.str() +
                                    (input.rank() == 2 ? "; use batchnorm1d for features" : ""));
    }
    if (!m_spatial && (input.rank() != 2 || input[1] != m_channels)) {
        throw std::invalid_argument("expected input (N, " + c + "), got " + input.str() +
                                    (input.rank() == 4 ? "; use batchnorm2d for images" : ""));
    }
    return input;
}

void BatchNorm::initialize(Rng&) {
    const auto n = static_cast<size_t>(m_channels);
    Backend& be = backendFor(m_gamma.value.device());
    be.fill(m_gamma.value.data(), n, 1.0f);
    be.fill(m_beta.value.data(), n, 0.0f);
    be.fill(m_runningMean.value.data(), n, 0.0f);
    be.fill(m_runningVar.value.data(), n, 1.0f);
}

void BatchNorm::forward(const Tensor& x, Tensor& y, Mode mode) {
    outputShape(x.shape());
    m_lastTrain = mode == Mode::Train;
    y.resize(x.shape());
    m_xhat.resize(x.shape());
    const int64_t inner = m_spatial ? x.shape().numelFrom(2) : 1;
    backendFor(x.device())
        .batchNormForward(x.data(), y.data(), m_xhat.data(), m_gamma.value.data(),
                          m_beta.value.data(), m_mean.data(), m_invStd.data(),
                          m_runningMean.value.data(), m_runningVar.value.data(), x.size(0),
                          m_channels, inner, m_eps, m_momentum, m_lastTrain);
}

void BatchNorm::backward(const Tensor& x, const Tensor&, const Tensor& dy, Tensor& dx,
                         bool needInputGrad) {
    const int64_t n = x.size(0);
    const int64_t inner = m_spatial ? x.shape().numelFrom(2) : 1;
    Backend& be = backendFor(x.device());
    if (m_lastTrain) {
        // The primitive always writes dx; without a caller for it, it lands in m_work.
        Tensor& out = needInputGrad ? dx : m_work;
        out.resize(x.shape());
        be.batchNormBackward(dy.data(), m_xhat.data(), m_gamma.value.data(), m_invStd.data(),
                             out.data(), m_gamma.grad.data(), m_beta.grad.data(), n, m_channels,
                             inner);
        return;
    }
    // Eval: y = gamma·xhat + beta with xhat fixed by the running statistics.
    m_work.resize(x.shape());
    be.mul(m_work.data(), dy.data(), m_xhat.data(), static_cast<size_t>(x.numel()));
    be.channelSum(m_work.data(), m_gamma.grad.data(), n, m_channels, inner);
    be.channelSum(dy.data(), m_beta.grad.data(), n, m_channels, inner);
    if (!needInputGrad) {
        return;
    }
    // dx = dy · gamma / sqrt(running_var + eps) is the eval forward map itself applied to
    // dy with zero mean and zero shift, so the forward primitive computes it (m_work
    // takes its normalized-input output, which is not needed here).
    dx.resize(x.shape());
    be.batchNormForward(dy.data(), dx.data(), m_work.data(), m_gamma.value.data(),
                        m_zeros.data(), m_mean.data(), m_invStd.data(), m_zeros.data(),
                        m_runningVar.value.data(), n, m_channels, inner, m_eps, m_momentum,
                        false);
}

void registerBatchNorm(LayerRegistry& registry) {
    const std::vector<SettingInfo> settings = {
        {"momentum", SettingType::Float, "0.1",
         "Weight of the current batch in the running mean/variance used at test time "
         "(PyTorch's convention: running = 0.9·running + 0.1·batch).",
         {}, 0.0, 1.0},
        {"eps", SettingType::Float, "1e-5",
         "Added to the variance before the square root, so a constant feature does not "
         "divide by zero.",
         {}, 0.0, 1.0},
    };
    const struct {
        const char* kind;
        bool spatial;
        const char* help;
    } kinds[] = {
        {"batchnorm1d", false,
         "Batch normalization for fully connected layers, input (N, D): makes each feature "
         "zero-mean, unit-variance over the mini-batch, then scales and shifts it with learned "
         "γ and β. Usually placed after a dense layer and before the nonlinearity; allows "
         "higher learning rates and is less sensitive to initialization. At test time it uses "
         "running averages of the training statistics instead of the batch's."},
        {"batchnorm2d", true,
         "Spatial batch normalization for conv layers, input (N, C, H, W): one mean and "
         "variance per channel, over the batch and all positions (N·H·W values), then a "
         "learned per-channel γ and β. At test time it uses running averages of the training "
         "statistics."},
    };
    for (const auto& k : kinds) {
        LayerInfo info;
        info.kind = k.kind;
        info.category = "normalization";
        info.help = k.help;
        info.settings = settings;
        const bool spatial = k.spatial;
        info.factory = [&registry, spatial](const LayerSpec& spec,
                                            const Shape& input) -> std::unique_ptr<Layer> {
            if (input.rank() != (spatial ? 4 : 2)) {
                throw std::invalid_argument(
                    std::string(spatial ? "expected input (N, C, H, W), got "
                                        : "expected input (N, features), got ") +
                    input.str() +
                    (spatial ? "; use batchnorm1d after dense layers"
                             : "; use batchnorm2d after conv layers, or flatten first"));
            }
            SpecReader r(spec, *registry.find(spec.kind));
            return std::make_unique<BatchNorm>(input[1], spatial, r.getFloat("momentum"),
                                               r.getFloat("eps"));
        };
        registry.add(std::move(info));
    }
}

}  // namespace dlab
