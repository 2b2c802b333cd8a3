#include "engine/Optimizer.h"

#include "engine/Backend.h"

#include <array>
#include <cmath>
#include <stdexcept>
#include <utility>

namespace dlab {
namespace {

using kernels::OptKind;

struct OptName {
    OptKind kind;
    const char* name;
    const char* help;
};

constexpr std::array<OptName, 7> kOptNames = {{
    {OptKind::SGD, "sgd",
     "Vanilla SGD: step against the gradient, W -= lr·dW. Zig-zags in ravines and stops at "
     "saddle points, where the gradient is zero."},
    {OptKind::Momentum, "momentum",
     "SGD + momentum: a velocity v = ρ·v + dW (ρ = 0.9) builds up speed along directions "
     "that agree and damps the zig-zag; W -= lr·v. It can roll through saddle points."},
    {OptKind::Nesterov, "nesterov",
     "Nesterov momentum: takes the gradient where momentum is about to carry the weights and "
     "corrects from there; W -= lr·(dW + ρ·v)."},
    {OptKind::AdaGrad, "adagrad",
     "AdaGrad: divides each step by the root of the summed squared gradients, so steep "
     "directions slow down and flat ones speed up. The step size decays towards zero."},
    {OptKind::RMSProp, "rmsprop",
     "RMSProp, a 'leaky AdaGrad': a moving average of squared gradients (decay 0.99) "
     "replaces the sum, so the step size does not vanish."},
    {OptKind::Adam, "adam",
     "Adam: momentum (β1 = 0.9) and RMSProp (β2 = 0.999) together, with bias correction for "
     "the first steps. A good default: lr = 1e-3 or 5e-4."},
    {OptKind::AdamW, "adamw",
     "AdamW: Adam with decoupled weight decay. The weights shrink by lr·wd directly instead "
     "of through the gradient, where Adam's scaling would weaken the decay."},
}};

bool usesFirstMoment(OptKind kind) {
    return kind == OptKind::Momentum || kind == OptKind::Nesterov || kind == OptKind::Adam ||
           kind == OptKind::AdamW;
}

bool usesSecondMoment(OptKind kind) {
    return kind == OptKind::AdaGrad || kind == OptKind::RMSProp || kind == OptKind::Adam ||
           kind == OptKind::AdamW;
}

void fillZero(Tensor& t) {
    if (t.defined()) {
        backendFor(t.device()).fill(t.data(), static_cast<size_t>(t.numel()), 0.0f);
    }
}

}  // namespace

OptKind parseOptKind(const std::string& name) {
    for (const auto& entry : kOptNames) {
        if (name == entry.name) {
            return entry.kind;
        }
    }
    std::string valid;
    for (const auto& entry : kOptNames) {
        valid += std::string(valid.empty() ? "" : ", ") + entry.name;
    }
    throw std::invalid_argument("unknown optimizer '" + name + "' (valid: " + valid + ")");
}

std::string optKindName(OptKind kind) {
    for (const auto& entry : kOptNames) {
        if (entry.kind == kind) {
            return entry.name;
        }
    }
    return "?";
}

std::vector<std::string> optKindNames() {
    std::vector<std::string> names;
    for (const auto& entry : kOptNames) {
        names.emplace_back(entry.name);
    }
    return names;
}

std::string optKindHelp(OptKind kind) {
    for (const auto& entry : kOptNames) {
        if (entry.kind == kind) {
            return entry.help;
        }
    }
    return {};
}

Optimizer::Optimizer(const OptimizerConfig& config, std::vector<Param*> params)
    : m_config(config), m_params(std::move(params)) {
    m_m.resize(m_params.size());
    m_v.resize(m_params.size());
    for (size_t i = 0; i < m_params.size(); ++i) {
        const Param& p = *m_params[i];
        if (!p.value.defined() || !p.grad.defined() || p.grad.shape() != p.value.shape()) {
            throw std::invalid_argument("optimizer: parameter '" + p.name + "' has value " +
                                        p.value.shape().str() + " but gradient " +
                                        p.grad.shape().str());
        }
        if (usesFirstMoment(config.kind)) {
            m_m[i] = Tensor::zeros(p.value.shape(), p.value.device());
        }
        if (usesSecondMoment(config.kind)) {
            m_v[i] = Tensor::zeros(p.value.shape(), p.value.device());
        }
    }
}

void Optimizer::step(float lr) {
    ++m_steps;
    kernels::OptHyper hyper = m_config.hyper;
    hyper.lr = lr;
    if (m_config.kind == OptKind::Adam || m_config.kind == OptKind::AdamW) {
        // In double, so the small 1 - β2^t of the first steps keeps its digits.
        const auto t = static_cast<double>(m_steps);
        hyper.biasCorrection1 =
            static_cast<float>(1.0 - std::pow(static_cast<double>(hyper.beta1), t));
        hyper.biasCorrection2 =
            static_cast<float>(1.0 - std::pow(static_cast<double>(hyper.beta2), t));
    }
    // PyTorch seeds the momentum buffer with the first gradient instead of decaying zeros.
    const bool first = m_steps == 1;
    for (size_t i = 0; i < m_params.size(); ++i) {
        Param& p = *m_params[i];
        kernels::OptHyper h = hyper;
        if (!p.decay) {
            h.weightDecay = 0.0f;
        }
        float* m = m_m[i].defined() ? m_m[i].data() : nullptr;
        float* v = m_v[i].defined() ? m_v[i].data() : nullptr;
        backendFor(p.value.device())
            .optimizerStep(m_config.kind, h, p.value.data(), p.grad.data(), m, v,
                           static_cast<size_t>(p.value.numel()), first);
    }
}

void Optimizer::reset() {
    for (Tensor& t : m_m) {
        fillZero(t);
    }
    for (Tensor& t : m_v) {
        fillZero(t);
    }
    m_steps = 0;
}

std::vector<Tensor*> Optimizer::stateTensors() {
    std::vector<Tensor*> state;
    for (size_t i = 0; i < m_params.size(); ++i) {
        if (m_m[i].defined()) {
            state.push_back(&m_m[i]);
        }
        if (m_v[i].defined()) {
            state.push_back(&m_v[i]);
        }
    }
    return state;
}

double regularizationPenalty(const RegularizationConfig& config,
                             const std::vector<Param*>& params) {
    if (config.l1 == 0.0 && config.l2 == 0.0) {
        return 0.0;
    }
    double penalty = 0.0;
    for (const Param* p : params) {
        if (!p->decay) {
            continue;
        }
        Backend& be = backendFor(p->value.device());
        const auto n = static_cast<size_t>(p->value.numel());
        if (config.l1 != 0.0) {
            penalty += config.l1 * be.sumAbs(p->value.data(), n);
        }
        if (config.l2 != 0.0) {
            penalty += 0.5 * config.l2 * be.sumSquares(p->value.data(), n);
        }
    }
    return penalty;
}

void addRegularizationGradient(const RegularizationConfig& config,
                               const std::vector<Param*>& params) {
    if (config.l1 == 0.0 && config.l2 == 0.0) {
        return;
    }
    for (Param* p : params) {
        if (!p->decay) {
            continue;
        }
        Backend& be = backendFor(p->value.device());
        const auto n = static_cast<size_t>(p->value.numel());
        if (config.l1 != 0.0) {
            be.axpySign(p->grad.data(), p->value.data(), n, static_cast<float>(config.l1));
        }
        if (config.l2 != 0.0) {
            be.axpy(p->grad.data(), p->value.data(), n, static_cast<float>(config.l2));
        }
    }
}

double clipGradientNorm(const std::vector<Param*>& params, double maxNorm) {
    double sumSquares = 0.0;
    for (const Param* p : params) {
        if (p->grad.defined()) {
            sumSquares += backendFor(p->grad.device())
                              .sumSquares(p->grad.data(), static_cast<size_t>(p->grad.numel()));
        }
    }
    const double norm = std::sqrt(sumSquares);
    if (maxNorm > 0.0 && norm > maxNorm) {
        const auto factor = static_cast<float>(maxNorm / norm);
        for (Param* p : params) {
            if (p->grad.defined()) {
                backendFor(p->grad.device())
                    .scale(p->grad.data(), static_cast<size_t>(p->grad.numel()), factor);
            }
        }
    }
    return norm;
}

}  // namespace dlab
