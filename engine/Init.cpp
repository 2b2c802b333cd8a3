#include "engine/Init.h"

#include <Eigen/Dense>

#include <array>
#include <cmath>
#include <stdexcept>
#include <utility>

namespace dlab {
namespace {

struct InitName {
    InitKind kind;
    const char* name;
    const char* help;
};

constexpr std::array<InitName, 11> kInitNames = {{
    {InitKind::Zeros, "zeros", "All zeros: every unit computes the same thing (symmetry is never broken)."},
    {InitKind::Constant, "constant", "Every weight the same constant value."},
    {InitKind::Normal, "normal", "Small random numbers N(0, σ), σ = 0.01 by default: fine for small nets, activations collapse in deep ones."},
    {InitKind::Uniform, "uniform", "U(-limit, limit), limit = 0.05 by default."},
    {InitKind::XavierNormal, "xavier_normal", "Xavier/Glorot: N(0, 2/(n_in + n_out)), keeps the variance for tanh and sigmoid."},
    {InitKind::XavierUniform, "xavier_uniform", "Xavier/Glorot: U(±sqrt(6/(n_in + n_out)))."},
    {InitKind::HeNormal, "he_normal", "He/Kaiming: N(0, 2/n_in), the default for ReLU."},
    {InitKind::HeUniform, "he_uniform", "He/Kaiming: U(±sqrt(6/n_in)), for ReLU."},
    {InitKind::LeCunNormal, "lecun_normal", "LeCun: N(0, 1/n_in), the companion of SELU."},
    {InitKind::Orthogonal, "orthogonal", "A random orthogonal matrix: preserves norms exactly at init."},
    {InitKind::Transformer, "transformer", "N(0, 0.02), the default of GPT and ViT."},
}};

void fillNormal(std::vector<float>& v, double std, Rng& rng) {
    std::normal_distribution<double> dist(0.0, std);
    for (float& x : v) {
        x = static_cast<float>(dist(rng));
    }
}

void fillUniform(std::vector<float>& v, double limit, Rng& rng) {
    std::uniform_real_distribution<double> dist(-limit, limit);
    for (float& x : v) {
        x = static_cast<float>(dist(rng));
    }
}

}  // namespace

InitKind parseInitKind(const std::string& name) {
    for (const auto& entry : kInitNames) {
        if (name == entry.name) {
            return entry.kind;
        }
    }
    std::string valid;
    for (const auto& entry : kInitNames) {
        valid += std::string(valid.empty() ? "" : ", ") + entry.name;
    }
    throw std::invalid_argument("unknown initializer '" + name + "' (valid: " + valid + ")");
}

std::string initKindName(InitKind kind) {
    for (const auto& entry : kInitNames) {
        if (entry.kind == kind) {
            return entry.name;
        }
    }
    return "?";
}

std::vector<std::string> initKindNames() {
    std::vector<std::string> names;
    for (const auto& entry : kInitNames) {
        names.emplace_back(entry.name);
    }
    return names;
}

std::string initKindHelp(InitKind kind) {
    for (const auto& entry : kInitNames) {
        if (entry.kind == kind) {
            return entry.help;
        }
    }
    return {};
}

void initializeTensor(Tensor& t, const InitSpec& spec, int64_t fanIn, int64_t fanOut, Rng& rng) {
    std::vector<float> v(static_cast<size_t>(t.numel()));
    const double in = static_cast<double>(std::max<int64_t>(fanIn, 1));
    const double out = static_cast<double>(std::max<int64_t>(fanOut, 1));
    switch (spec.kind) {
    case InitKind::Zeros: std::fill(v.begin(), v.end(), 0.0f); break;
    case InitKind::Constant: std::fill(v.begin(), v.end(), spec.value); break;
    case InitKind::Normal: fillNormal(v, spec.std, rng); break;
    case InitKind::Uniform: fillUniform(v, spec.limit, rng); break;
    case InitKind::XavierNormal: fillNormal(v, spec.gain * std::sqrt(2.0 / (in + out)), rng); break;
    case InitKind::XavierUniform: fillUniform(v, spec.gain * std::sqrt(6.0 / (in + out)), rng); break;
    case InitKind::HeNormal: fillNormal(v, std::sqrt(2.0 / in), rng); break;
    case InitKind::HeUniform: fillUniform(v, std::sqrt(6.0 / in), rng); break;
    case InitKind::LeCunNormal: fillNormal(v, std::sqrt(1.0 / in), rng); break;
    case InitKind::Transformer: fillNormal(v, 0.02, rng); break;
    case InitKind::Orthogonal: {
        // QR of a Gaussian matrix, sign-corrected so the result is uniformly distributed
        // (Saxe et al.), as torch.nn.init.orthogonal_ does.
        const int64_t rows = t.rank() > 0 ? t.size(0) : 1;
        const int64_t cols = rows > 0 ? t.numel() / rows : 0;
        const bool transpose = rows < cols;
        const int64_t r = transpose ? cols : rows, c = transpose ? rows : cols;
        Eigen::MatrixXd g(r, c);
        std::normal_distribution<double> dist(0.0, 1.0);
        for (int64_t i = 0; i < r; ++i) {
            for (int64_t j = 0; j < c; ++j) {
                g(i, j) = dist(rng);
            }
        }
        Eigen::HouseholderQR<Eigen::MatrixXd> qr(g);
        Eigen::MatrixXd q = qr.householderQ() * Eigen::MatrixXd::Identity(r, c);
        Eigen::MatrixXd rr = qr.matrixQR().topLeftCorner(c, c);
        for (int64_t j = 0; j < c; ++j) {
            if (rr(j, j) < 0) {
                q.col(j) *= -1.0;
            }
        }
        for (int64_t i = 0; i < rows; ++i) {
            for (int64_t j = 0; j < cols; ++j) {
                const double val = transpose ? q(j, i) : q(i, j);
                v[static_cast<size_t>(i * cols + j)] = static_cast<float>(spec.gain * val);
            }
        }
        break;
    }
    }
    t.copyFrom(Tensor::fromVector(t.shape(), v));
}

}  // namespace dlab
