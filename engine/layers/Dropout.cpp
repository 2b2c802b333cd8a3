#include "engine/layers/Dropout.h"

#include "engine/Backend.h"
#include "engine/Registry.h"

#include <random>
#include <stdexcept>

namespace dlab {

const std::vector<std::string>& dropoutModeNames() {
    static const std::vector<std::string> names = {"inverted", "scale_at_test"};
    return names;
}

Dropout::Dropout(float rate, DropoutMode mode) : m_rate(rate), m_mode(mode) {
    if (!(rate >= 0.0f && rate < 1.0f)) {
        throw std::invalid_argument("dropout rate must be in [0, 1), got " +
                                    std::to_string(rate));
    }
}

std::string Dropout::describe() const {
    std::string p = std::to_string(m_rate);
    p.erase(p.find_last_not_of('0') + 1);
    if (p.back() == '.') {
        p.pop_back();
    }
    return "Dropout p=" + p + (m_mode == DropoutMode::Inverted ? "" : " (scale at test)");
}

void Dropout::drawMask(const Shape& shape) {
    if (m_frozen && m_mask.defined() && m_mask.shape() == shape) {
        return;
    }
    Rng& rng = m_rng ? *m_rng : m_ownRng;
    std::bernoulli_distribution keep(1.0 - static_cast<double>(m_rate));
    const float kept = m_mode == DropoutMode::Inverted ? 1.0f / (1.0f - m_rate) : 1.0f;
    m_hostMask.resize(static_cast<size_t>(shape.numel()));
    for (float& v : m_hostMask) {
        v = keep(rng) ? kept : 0.0f;
    }
    m_mask.resize(shape);
    backendFor(m_mask.device()).fromHost(m_mask.data(), m_hostMask.data(), m_hostMask.size());
}

void Dropout::forward(const Tensor& x, Tensor& y, Mode mode) {
    m_lastTrain = mode == Mode::Train;
    const auto n = static_cast<size_t>(x.numel());
    Backend& be = backendFor(x.device());
    if (m_lastTrain) {
        drawMask(x.shape());
        m_out.resize(x.shape());
        be.mul(m_out.data(), x.data(), m_mask.data(), n);
    } else if (m_mode == DropoutMode::Inverted) {
        y = x;
        return;
    } else {
        m_out.resize(x.shape());
        be.copy(m_out.data(), x.data(), n);
        be.scale(m_out.data(), n, 1.0f - m_rate);
    }
    y = m_out;
}

void Dropout::backward(const Tensor& x, const Tensor&, const Tensor& dy, Tensor& dx,
                       bool needInputGrad) {
    if (!needInputGrad) {
        return;
    }
    const auto n = static_cast<size_t>(x.numel());
    Backend& be = backendFor(x.device());
    if (m_lastTrain) {
        m_grad.resize(x.shape());
        be.mul(m_grad.data(), dy.data(), m_mask.data(), n);
    } else if (m_mode == DropoutMode::Inverted) {
        dx = dy;
        return;
    } else {
        m_grad.resize(x.shape());
        be.copy(m_grad.data(), dy.data(), n);
        be.scale(m_grad.data(), n, 1.0f - m_rate);
    }
    dx = m_grad;
}

void registerDropout(LayerRegistry& registry) {
    LayerInfo info;
    info.kind = "dropout";
    info.category = "core";
    info.help = "Dropout (regularization): during training, randomly set each neuron to zero "
                "with probability `rate`, so the network cannot rely on any one feature (an "
                "implicit ensemble of sub-networks). At test time nothing is dropped and the "
                "outputs are scaled to match their training-time expectation.";
    info.settings = {
        {"rate", SettingType::Float, "0.5",
         "Probability of dropping each unit (PyTorch's p). The course's notes write p for "
         "the probability of keeping a unit, which is 1 - rate.",
         {}, 0.0, 0.99},
        {"mode", SettingType::Choice, "inverted",
         "inverted: kept units are scaled by 1/(1 - rate) while training, so at test time "
         "the layer does nothing (what PyTorch does, and cheaper at prediction time). "
         "scale_at_test: the original formulation, no scaling while training and every "
         "activation multiplied by (1 - rate) at test time.",
         dropoutModeNames()},
    };
    info.factory = [&registry](const LayerSpec& spec, const Shape&) -> std::unique_ptr<Layer> {
        SpecReader r(spec, *registry.find("dropout"));
        const DropoutMode mode = r.getString("mode") == "scale_at_test"
                                     ? DropoutMode::ScaleAtTest
                                     : DropoutMode::Inverted;
        return std::make_unique<Dropout>(r.getFloat("rate"), mode);
    };
    registry.add(std::move(info));
}

}  // namespace dlab
