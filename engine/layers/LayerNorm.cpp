#include "engine/layers/LayerNorm.h"

#include "engine/Backend.h"
#include "engine/Registry.h"

#include <stdexcept>

namespace dlab {

LayerNorm::LayerNorm(int64_t features, float eps) : m_features(features), m_eps(eps) {
    const Shape d{m_features};
    m_gamma.value = Tensor::full(d, 1.0f);
    m_gamma.grad = Tensor::zeros(d);
    m_beta.value = Tensor::zeros(d);
    m_beta.grad = Tensor::zeros(d);
}

std::string LayerNorm::describe() const {
    return "LayerNorm over " + std::to_string(m_features) + " values";
}

Shape LayerNorm::outputShape(const Shape& input) const {
    if (input.rank() < 2 || input.numelFrom(1) != m_features) {
        throw std::invalid_argument("expected input (N, ...) with " +
                                    std::to_string(m_features) + " values per sample, got " +
                                    input.str());
    }
    return input;
}

void LayerNorm::initialize(Rng&) {
    const auto n = static_cast<size_t>(m_features);
    Backend& be = backendFor(m_gamma.value.device());
    be.fill(m_gamma.value.data(), n, 1.0f);
    be.fill(m_beta.value.data(), n, 0.0f);
}

void LayerNorm::forward(const Tensor& x, Tensor& y, Mode) {
    outputShape(x.shape());
    y.resize(x.shape());
    m_xhat.resize(x.shape());
    m_invStd.resize({x.size(0)});
    backendFor(x.device())
        .layerNormForward(x.data(), y.data(), m_xhat.data(), m_invStd.data(),
                          m_gamma.value.data(), m_beta.value.data(), x.size(0), m_features,
                          m_eps);
}

void LayerNorm::backward(const Tensor& x, const Tensor&, const Tensor& dy, Tensor& dx,
                         bool needInputGrad) {
    // The primitive always writes dx; without a caller for it, it lands in m_work.
    Tensor& out = needInputGrad ? dx : m_work;
    out.resize(x.shape());
    backendFor(x.device())
        .layerNormBackward(dy.data(), m_xhat.data(), m_invStd.data(), m_gamma.value.data(),
                           out.data(), m_gamma.grad.data(), m_beta.grad.data(), x.size(0),
                           m_features);
}

void registerLayerNorm(LayerRegistry& registry) {
    LayerInfo info;
    info.kind = "layernorm";
    info.category = "normalization";
    info.help = "Layer normalization: normalizes each sample over all its own features (not "
                "over the batch), then applies a learned scale γ and shift β per feature. "
                "Same computation at train and test time and independent of the batch size; "
                "the normalization of transformers.";
    info.settings = {{"eps", SettingType::Float, "1e-5",
                      "Added to the variance before the square root, so a constant sample "
                      "does not divide by zero.",
                      {}, 0.0, 1.0}};
    info.factory = [&registry](const LayerSpec& spec,
                               const Shape& input) -> std::unique_ptr<Layer> {
        if (input.rank() < 2) {
            throw std::invalid_argument("expected input (N, ...), got " + input.str());
        }
        SpecReader r(spec, *registry.find("layernorm"));
        return std::make_unique<LayerNorm>(input.numelFrom(1), r.getFloat("eps"));
    };
    registry.add(std::move(info));
}

}  // namespace dlab
