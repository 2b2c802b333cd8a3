#pragma once
// Scalar math shared by the CPU backend and the CUDA kernels.
//
// Every function here is `__host__ __device__` so that the CPU tests exercise the
// exact formulas the GPU runs. Keep them free of std:: calls that device code lacks.

#include <cmath>

#if defined(__CUDACC__)
#define DLAB_HD __host__ __device__ __forceinline__
#else
#define DLAB_HD inline
#endif

namespace dlab::kernels {

// Activation kinds. The order is part of the checkpoint/experiment contract only
// through their names (activationName), never through the integer values.
enum class Act : int {
    Identity,
    Sigmoid,
    Tanh,
    ReLU,
    LeakyReLU,
    ELU,
    GELU,
    SELU,
    SiLU,
    Softplus,
    Count
};

constexpr float kSeluAlpha = 1.6732632423543772f;
constexpr float kSeluScale = 1.0507009873554805f;

DLAB_HD float sigmoidf(float x) {
    // Split by sign so exp never overflows.
    if (x >= 0.0f) {
        float z = expf(-x);
        return 1.0f / (1.0f + z);
    }
    float z = expf(x);
    return z / (1.0f + z);
}

// softplus(x) = log(1 + e^x), stable for large |x|.
DLAB_HD float softplusf(float x) {
    return fmaxf(x, 0.0f) + log1pf(expf(-fabsf(x)));
}

// y = f(x). `alpha` is the slope for LeakyReLU and the scale for ELU.
DLAB_HD float activationForward(Act act, float x, float alpha) {
    switch (act) {
    case Act::Identity: return x;
    case Act::Sigmoid: return sigmoidf(x);
    case Act::Tanh: return tanhf(x);
    case Act::ReLU: return x > 0.0f ? x : 0.0f;
    case Act::LeakyReLU: return x > 0.0f ? x : alpha * x;
    case Act::ELU: return x > 0.0f ? x : alpha * expm1f(x);
    case Act::GELU: return 0.5f * x * (1.0f + erff(x * 0.70710678118654752f));
    case Act::SELU: return x > 0.0f ? kSeluScale * x : kSeluScale * kSeluAlpha * expm1f(x);
    case Act::SiLU: return x * sigmoidf(x);
    case Act::Softplus: return softplusf(x);
    default: return x;
    }
}

// dy/dx at x, given y = f(x) (some derivatives are cheaper from y).
DLAB_HD float activationDerivative(Act act, float x, float y, float alpha) {
    switch (act) {
    case Act::Identity: return 1.0f;
    case Act::Sigmoid: return y * (1.0f - y);
    case Act::Tanh: return 1.0f - y * y;
    case Act::ReLU: return x > 0.0f ? 1.0f : 0.0f;
    case Act::LeakyReLU: return x > 0.0f ? 1.0f : alpha;
    case Act::ELU: return x > 0.0f ? 1.0f : y + alpha;
    case Act::GELU: {
        // d/dx [x Φ(x)] = Φ(x) + x φ(x)
        float cdf = 0.5f * (1.0f + erff(x * 0.70710678118654752f));
        float pdf = 0.3989422804014327f * expf(-0.5f * x * x);
        return cdf + x * pdf;
    }
    case Act::SELU: return x > 0.0f ? kSeluScale : y + kSeluScale * kSeluAlpha;
    case Act::SiLU: {
        float s = sigmoidf(x);
        return s * (1.0f + x * (1.0f - s));
    }
    case Act::Softplus: return sigmoidf(x);
    default: return 1.0f;
    }
}

// ---- Loss pieces, one element or one label at a time ----------------------------------

// The class index a label stands for, or -1 when it is not a whole number in [0, classes).
// Compares as float first so a huge or NaN label never reaches the integer conversion.
DLAB_HD long long labelIndex(float label, long long classes) {
    if (!(label >= 0.0f) || !(label < static_cast<float>(classes)) || label != floorf(label)) {
        return -1;
    }
    return static_cast<long long>(label);
}

// Binary cross-entropy of sigmoid(z) against t, written so that neither exp nor log
// can overflow: max(z,0) - z·t + log(1 + e^-|z|). Its derivative is sigmoid(z) - t.
DLAB_HD float bceWithLogits(float z, float t) {
    return fmaxf(z, 0.0f) - z * t + log1pf(expf(-fabsf(z)));
}

// ---- Optimizer updates, one element at a time -------------------------------------------
// Conventions follow PyTorch so the reference test can compare step for step:
// weight decay (coupled) is added to the gradient before the update; AdamW decays the
// weight directly by lr * wd before the Adam step.

enum class OptKind : int { SGD, Momentum, Nesterov, AdaGrad, RMSProp, Adam, AdamW, Count };

struct OptHyper {
    float lr = 0.01f;
    float momentum = 0.9f;     // rho for momentum / Nesterov
    float beta1 = 0.9f;        // Adam
    float beta2 = 0.999f;      // Adam
    float decay = 0.99f;       // RMSProp moving-average decay
    float eps = 1e-8f;
    float weightDecay = 0.0f;  // coupled L2 (SGD..Adam) or decoupled (AdamW)
    float biasCorrection1 = 1.0f;  // 1 - beta1^t, filled by the optimizer per step
    float biasCorrection2 = 1.0f;  // 1 - beta2^t
};

// Updates w in place; m and v are the per-element state slots the kind needs
// (unused slots are ignored). `first` is true on the first step (PyTorch seeds the
// momentum buffer with the gradient itself).
DLAB_HD void optimizerUpdate(OptKind kind, const OptHyper& h, float& w, float g, float& m,
                             float& v, bool first) {
    switch (kind) {
    case OptKind::SGD:
        g += h.weightDecay * w;
        w -= h.lr * g;
        break;
    case OptKind::Momentum:
        g += h.weightDecay * w;
        m = first ? g : h.momentum * m + g;
        w -= h.lr * m;
        break;
    case OptKind::Nesterov:
        g += h.weightDecay * w;
        m = first ? g : h.momentum * m + g;
        w -= h.lr * (g + h.momentum * m);
        break;
    case OptKind::AdaGrad:
        g += h.weightDecay * w;
        v += g * g;
        w -= h.lr * g / (sqrtf(v) + h.eps);
        break;
    case OptKind::RMSProp:
        g += h.weightDecay * w;
        v = h.decay * v + (1.0f - h.decay) * g * g;
        w -= h.lr * g / (sqrtf(v) + h.eps);
        break;
    case OptKind::Adam:
    case OptKind::AdamW: {
        if (kind == OptKind::AdamW) {
            w -= h.lr * h.weightDecay * w;
        } else {
            g += h.weightDecay * w;
        }
        m = h.beta1 * m + (1.0f - h.beta1) * g;
        v = h.beta2 * v + (1.0f - h.beta2) * g * g;
        float mHat = m / h.biasCorrection1;
        float vHat = v / h.biasCorrection2;
        w -= h.lr * mHat / (sqrtf(vHat) + h.eps);
        break;
    }
    default: break;
    }
}

}  // namespace dlab::kernels
