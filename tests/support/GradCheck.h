#pragma once
// One generic finite-difference gradient checker for layers and losses.
//
// The engine computes in float32. The checker builds a scalar L = Σ y·r with a fixed
// random r (so every output element matters with a different weight), accumulates L
// in double, and compares the analytic gradients of L (w.r.t. the input and every
// parameter) with central differences (L(θ+ε) - L(θ-ε)) / 2ε. The error of one element
// is |a - n| / max(|a| + |n|, floor); it is small when both agree to a few parts in 1e3,
// which is what float32 allows at ε = 1e-2 (truncation error O(ε²), rounding O(1e-7/ε)).

#include "engine/Layer.h"

#include <functional>
#include <string>

namespace dlab::test {

struct GradCheckOptions {
    double eps = 1e-2;
    double tolerance = 1e-2;  // worst relative error allowed
    double floor = 1e-2;      // denominator floor so tiny gradients compare absolutely
    Mode mode = Mode::Train;
    bool checkInput = true;
    uint64_t seed = 7;
};

struct GradCheckResult {
    double worstError = 0.0;
    std::string worstWhere;  // "input[12]" or "weight[3]", with both values
    int checked = 0;
    bool ok(const GradCheckOptions& o) const { return worstError <= o.tolerance; }
};

// Runs forward/backward on `layer` with input `x` and checks all gradients.
// The layer must be deterministic between calls in `mode` (dropout: fix its mask).
GradCheckResult checkLayerGradients(Layer& layer, const Tensor& x,
                                    const GradCheckOptions& options = {});

// Checks d loss / d input for a scalar function with an analytic gradient:
// `loss(x, grad)` returns the loss and, when grad is not null, writes dL/dx into it.
GradCheckResult checkFunctionGradient(
    const std::function<double(const Tensor& x, Tensor* grad)>& loss, const Tensor& x,
    const GradCheckOptions& options = {});

// Random input of `shape` with values in ±[minAbs, maxAbs] (away from kinks at 0).
Tensor randomInput(const Shape& shape, uint64_t seed, float minAbs = 0.05f, float maxAbs = 1.5f);
// Distinct values spaced `gap` apart in random order (for max pooling and maxout, so a
// perturbation of ε < gap/2 never changes which element wins).
Tensor distinctInput(const Shape& shape, uint64_t seed, float gap = 0.05f);

}  // namespace dlab::test
