#include "engine/layers/Activation.h"

#include "engine/Backend.h"
#include "engine/Registry.h"

#include <stdexcept>

namespace dlab {
namespace {

struct ActInfo {
    const char* name;
    const char* help;
    const char* alphaDefault;  // null: no alpha setting
};

// Indexed by kernels::Act.
const ActInfo kActs[] = {
    {"identity", "Identity: passes values through unchanged (a linear layer stays linear).", nullptr},
    {"sigmoid", "Sigmoid σ(x) = 1/(1+e^-x): squashes to (0, 1); saturates and kills gradients, outputs not zero-centred.", nullptr},
    {"tanh", "tanh: squashes to (-1, 1), zero-centred, still saturates.", nullptr},
    {"relu", "ReLU max(0, x): does not saturate for x > 0, fast; units can 'die' when always negative.", nullptr},
    {"leaky_relu", "Leaky ReLU: x for x > 0, αx otherwise (α = 0.01; the course also shows 0.1); never dies.", "0.01"},
    {"elu", "ELU: x for x > 0, α(e^x - 1) otherwise; negative outputs push mean activations toward zero.", "1"},
    {"gelu", "GELU x·Φ(x): the smooth ReLU of transformers.", nullptr},
    {"selu", "SELU: scaled ELU that self-normalizes with LeCun-normal init.", nullptr},
    {"silu", "Swish/SiLU x·σ(x): smooth, non-monotonic, used in modern CNNs.", nullptr},
    {"softplus", "Softplus log(1 + e^x): a smooth approximation of ReLU.", nullptr},
};
static_assert(sizeof(kActs) / sizeof(kActs[0]) == static_cast<size_t>(kernels::Act::Count),
              "every activation needs a registry entry");

}  // namespace

const std::vector<std::string>& activationNames() {
    static const std::vector<std::string> names = [] {
        std::vector<std::string> v;
        for (const auto& a : kActs) {
            v.emplace_back(a.name);
        }
        return v;
    }();
    return names;
}

kernels::Act parseActivation(const std::string& name) {
    const auto& names = activationNames();
    for (size_t i = 0; i < names.size(); ++i) {
        if (names[i] == name) {
            return static_cast<kernels::Act>(i);
        }
    }
    std::string valid;
    for (const auto& n : names) {
        valid += (valid.empty() ? "" : ", ") + n;
    }
    throw std::invalid_argument("unknown activation '" + name + "' (valid: " + valid + ")");
}

Activation::Activation(kernels::Act act, float alpha) : m_act(act), m_alpha(alpha) {}

std::string Activation::kind() const {
    return activationNames()[static_cast<size_t>(m_act)];
}

std::string Activation::describe() const {
    std::string text = kind();
    if (kActs[static_cast<size_t>(m_act)].alphaDefault) {
        text += " (α=" + std::to_string(m_alpha).substr(0, 5) + ")";
    }
    return text;
}

void Activation::forward(const Tensor& x, Tensor& y, Mode) {
    y.resize(x.shape());
    backendFor(x.device())
        .activationForward(m_act, m_alpha, x.data(), y.data(), static_cast<size_t>(x.numel()));
}

void Activation::backward(const Tensor& x, const Tensor& y, const Tensor& dy, Tensor& dx,
                          bool needInputGrad) {
    if (!needInputGrad) {
        return;
    }
    dx.resize(x.shape());
    backendFor(x.device())
        .activationBackward(m_act, m_alpha, x.data(), y.data(), dy.data(), dx.data(),
                            static_cast<size_t>(x.numel()), false);
}

void registerActivations(LayerRegistry& registry) {
    for (size_t i = 0; i < static_cast<size_t>(kernels::Act::Count); ++i) {
        const ActInfo& a = kActs[i];
        LayerInfo info;
        info.kind = a.name;
        info.category = "activation";
        info.help = a.help;
        if (a.alphaDefault) {
            info.settings = {{"alpha", SettingType::Float, a.alphaDefault,
                              i == static_cast<size_t>(kernels::Act::LeakyReLU)
                                  ? "Slope for negative inputs."
                                  : "Scale of the negative part α(e^x - 1).",
                              {}, 0.0, 100.0}};
        }
        const auto act = static_cast<kernels::Act>(i);
        const bool hasAlpha = a.alphaDefault != nullptr;
        info.factory = [&registry, act, hasAlpha](const LayerSpec& spec,
                                                  const Shape&) -> std::unique_ptr<Layer> {
            float alpha = 0.0f;
            if (hasAlpha) {
                alpha = SpecReader(spec, *registry.find(spec.kind)).getFloat("alpha");
            }
            return std::make_unique<Activation>(act, alpha);
        };
        registry.add(std::move(info));
    }
}

}  // namespace dlab
