#include "engine/layers/Dense.h"

#include "engine/Backend.h"
#include "engine/Registry.h"

#include <stdexcept>

namespace dlab {

Dense::Dense(int64_t inFeatures, int64_t units, bool bias, InitSpec init)
    : m_in(inFeatures), m_units(units), m_hasBias(bias), m_init(init) {
    m_weight.value = Tensor::zeros({m_units, m_in});
    m_weight.grad = Tensor::zeros({m_units, m_in});
    if (m_hasBias) {
        m_bias.value = Tensor::zeros({m_units});
        m_bias.grad = Tensor::zeros({m_units});
    }
}

std::string Dense::describe() const {
    return "Dense " + std::to_string(m_in) + "→" + std::to_string(m_units) +
           (m_hasBias ? "" : " (no bias)");
}

Shape Dense::outputShape(const Shape& input) const {
    if (input.rank() != 2) {
        throw std::invalid_argument("expected input (N, features), got " + input.str() +
                                    "; add a flatten layer before it");
    }
    if (input[1] != m_in) {
        throw std::invalid_argument("expected input (N, " + std::to_string(m_in) + "), got " +
                                    input.str());
    }
    return {input[0], m_units};
}

void Dense::initialize(Rng& rng) {
    initializeTensor(m_weight.value, m_init, m_in, m_units, rng);
    if (m_hasBias) {
        Backend& be = backendFor(m_bias.value.device());
        be.fill(m_bias.value.data(), static_cast<size_t>(m_units), 0.0f);
    }
}

std::vector<Param*> Dense::params() {
    if (m_hasBias) {
        return {&m_weight, &m_bias};
    }
    return {&m_weight};
}

void Dense::forward(const Tensor& x, Tensor& y, Mode) {
    const Shape out = outputShape(x.shape());
    y.resize(out);
    const auto n = static_cast<int>(x.size(0));
    Backend& be = backendFor(x.device());
    // y (N, out) = x (N, in) · Wᵀ (in, out)
    be.gemm(false, true, n, static_cast<int>(m_units), static_cast<int>(m_in), 1.0f, x.data(),
            m_weight.value.data(), 0.0f, y.data());
    if (m_hasBias) {
        be.addChannelBias(y.data(), m_bias.value.data(), n, m_units, 1);
    }
}

void Dense::backward(const Tensor& x, const Tensor&, const Tensor& dy, Tensor& dx,
                     bool needInputGrad) {
    const auto n = static_cast<int>(x.size(0));
    Backend& be = backendFor(x.device());
    // dW (out, in) += dyᵀ (out, N) · x (N, in)
    be.gemm(true, false, static_cast<int>(m_units), static_cast<int>(m_in), n, 1.0f, dy.data(),
            x.data(), 1.0f, m_weight.grad.data());
    if (m_hasBias) {
        be.channelSum(dy.data(), m_bias.grad.data(), n, m_units, 1);
    }
    if (needInputGrad) {
        dx.resize(x.shape());
        // dx (N, in) = dy (N, out) · W (out, in)
        be.gemm(false, false, n, static_cast<int>(m_in), static_cast<int>(m_units), 1.0f,
                dy.data(), m_weight.value.data(), 0.0f, dx.data());
    }
}

void registerDense(LayerRegistry& registry) {
    LayerInfo info;
    info.kind = "dense";
    info.category = "core";
    info.help = "Fully connected (Linear): every output is a weighted sum of all inputs plus a "
                "bias, y = x·Wᵀ + b.";
    info.settings = {{"units", SettingType::Int, "", "Number of output units (neurons).", {}, 1,
                      1 << 20}};
    for (auto& s : weightInitSettings("he_normal")) {
        info.settings.push_back(s);
    }
    info.factory = [&registry](const LayerSpec& spec, const Shape& input) -> std::unique_ptr<Layer> {
        if (input.rank() != 2) {
            throw std::invalid_argument("expected input (N, features), got " + input.str() +
                                        "; add a flatten layer before it");
        }
        SpecReader r(spec, *registry.find("dense"));
        return std::make_unique<Dense>(input[1], r.getInt("units"), r.getBool("bias"),
                                       readInitSpec(r));
    };
    registry.add(std::move(info));
}

}  // namespace dlab
