#include "tests/support/GradCheck.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>
#include <sstream>

namespace dlab::test {
namespace {

double weightedSum(const Tensor& y, const std::vector<float>& r) {
    const float* p = y.data();
    double s = 0.0;
    for (size_t i = 0; i < r.size(); ++i) {
        s += static_cast<double>(p[i]) * r[i];
    }
    return s;
}

void compare(GradCheckResult& result, const GradCheckOptions& o, const std::string& name,
             int64_t index, double analytic, double numeric) {
    const double err = std::fabs(analytic - numeric) /
                       std::max(std::fabs(analytic) + std::fabs(numeric), o.floor);
    ++result.checked;
    if (err > result.worstError || result.worstWhere.empty()) {
        result.worstError = std::max(err, result.worstError);
        if (err >= result.worstError) {
            std::ostringstream where;
            where << name << "[" << index << "] analytic=" << analytic << " numeric=" << numeric;
            result.worstWhere = where.str();
        }
    }
}

}  // namespace

GradCheckResult checkLayerGradients(Layer& layer, const Tensor& x0,
                                    const GradCheckOptions& o) {
    Tensor x = x0.clone();
    Tensor y;
    layer.forward(x, y, o.mode);
    std::mt19937_64 rng(o.seed);
    std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
    std::vector<float> r(static_cast<size_t>(y.numel()));
    for (float& v : r) {
        v = dist(rng);
    }
    // Analytic: dL/dy = r.
    for (Param* p : layer.params()) {
        std::fill(p->grad.data(), p->grad.data() + p->grad.numel(), 0.0f);
    }
    Tensor dy = Tensor::fromVector(y.shape(), r);
    Tensor dx;
    layer.backward(x, y, dy, dx, o.checkInput);
    Tensor dxCopy = o.checkInput ? dx.clone() : Tensor();

    auto lossAt = [&]() {
        Tensor out;
        layer.forward(x, out, o.mode);
        return weightedSum(out, r);
    };
    GradCheckResult result;
    auto perturb = [&](float* values, int64_t n, const float* analytic, const std::string& name) {
        for (int64_t i = 0; i < n; ++i) {
            const float saved = values[i];
            values[i] = saved + static_cast<float>(o.eps);
            const double plus = lossAt();
            values[i] = saved - static_cast<float>(o.eps);
            const double minus = lossAt();
            values[i] = saved;
            compare(result, o, name, i, analytic[i], (plus - minus) / (2.0 * o.eps));
        }
    };
    if (o.checkInput) {
        perturb(x.data(), x.numel(), dxCopy.data(), "input");
    }
    for (Param* p : layer.params()) {
        Tensor g = p->grad.clone();
        perturb(p->value.data(), p->value.numel(), g.data(), p->name);
    }
    return result;
}

GradCheckResult checkFunctionGradient(
    const std::function<double(const Tensor& x, Tensor* grad)>& loss, const Tensor& x0,
    const GradCheckOptions& o) {
    Tensor x = x0.clone();
    Tensor grad(x.shape());
    loss(x, &grad);
    GradCheckResult result;
    for (int64_t i = 0; i < x.numel(); ++i) {
        const float saved = x.at(i);
        x.at(i) = saved + static_cast<float>(o.eps);
        const double plus = loss(x, nullptr);
        x.at(i) = saved - static_cast<float>(o.eps);
        const double minus = loss(x, nullptr);
        x.at(i) = saved;
        compare(result, o, "input", i, grad.at(i), (plus - minus) / (2.0 * o.eps));
    }
    return result;
}

Tensor randomInput(const Shape& shape, uint64_t seed, float minAbs, float maxAbs) {
    std::mt19937_64 rng(seed);
    std::uniform_real_distribution<float> mag(minAbs, maxAbs);
    std::bernoulli_distribution sign(0.5);
    std::vector<float> v(static_cast<size_t>(shape.numel()));
    for (float& e : v) {
        e = sign(rng) ? mag(rng) : -mag(rng);
    }
    return Tensor::fromVector(shape, v);
}

Tensor distinctInput(const Shape& shape, uint64_t seed, float gap) {
    std::vector<float> v(static_cast<size_t>(shape.numel()));
    std::iota(v.begin(), v.end(), 0.0f);
    std::mt19937_64 rng(seed);
    std::shuffle(v.begin(), v.end(), rng);
    const float centre = gap * static_cast<float>(v.size()) / 2.0f;
    for (float& e : v) {
        e = e * gap - centre;
    }
    return Tensor::fromVector(shape, v);
}

}  // namespace dlab::test
