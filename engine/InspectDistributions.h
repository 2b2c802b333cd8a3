#pragma once
// Activation and gradient distributions per layer: the numbers behind the course's
// initialization plots (a deep tanh net whose activations collapse to zero, saturate at
// ±1, or stay spread) and behind vanishing gradients.
//
// Histogram: bin counts of a float array over a range, with the summary statistics the
// view prints beside it. layerDistributions(): one forward (Mode::Eval) and one backward
// of a fixed probe batch, then a histogram of each top-level layer's output and of the
// loss gradient with respect to that output.
//
// Qt-free; no threads of its own. layerDistributions() uses the network like a training
// step does, so the caller must own the network for the call (the inspection probe runs
// on the training thread between steps).

#include "engine/Loss.h"
#include "engine/Network.h"

#include <cstdint>
#include <string>
#include <vector>

namespace dlab {

// The counts of values in `bins` equal-width bins over [lo, hi]. Values below lo land in
// the first bin and values above hi in the last, so the counts always add up to `total`
// (every finite value). Non-finite values (a diverged network) are only counted in
// `nonFinite` and are left out of everything else.
struct Histogram {
    float lo = 0.0f;
    float hi = 0.0f;
    std::vector<int64_t> counts;
    int64_t total = 0;  // finite values; the sum of counts
    int64_t nonFinite = 0;
    double mean = 0.0;  // of the finite values
    double std = 0.0;   // population standard deviation (divides by total)
    double min = 0.0;   // 0 when total == 0
    double max = 0.0;
    // Share of the finite values with |x| > 0.99: how much of a tanh layer is saturated.
    double saturated = 0.0;

    int bins() const { return static_cast<int>(counts.size()); }
    // Largest bin count (0 when empty): the height the view scales to.
    int64_t peak() const;
};

// A histogram of `count` values over [lo, hi] with `bins` > 0 bins; requires lo < hi.
Histogram makeHistogram(const float* values, int64_t count, int bins, float lo, float hi);

// A closed range to draw values in.
struct ValueRange {
    float lo = 0.0f;
    float hi = 0.0f;
    // Grows this range to include `other`.
    void include(const ValueRange& other);
};

// [min, max] of the finite values; a range that is a single point (all values equal,
// e.g. a dead ReLU layer) or empty is widened so that it has a width: ±10 % of its
// magnitude, or ±1 around zero.
ValueRange valueRange(const float* values, int64_t count);
// The range symmetric around zero, ±max|x|, widened the same way (gradients: the sign
// matters less than the scale, and zero sits in the middle).
ValueRange symmetricRange(const float* values, int64_t count);

struct DistributionOptions {
    int bins = 48;
    // One range for the activations of all reported layers (the course's plot: a
    // collapse toward zero is seen against the first layer's spread), and one for their
    // gradients; otherwise each histogram spans its own values.
    bool sharedRange = false;
    // Top-level layer indices (0-based) to report, in order; empty: every layer.
    std::vector<size_t> layers;
};

struct LayerDistribution {
    size_t index = 0;   // top-level layer index, 0-based
    std::string label;  // "layer 3": counts from 1, as the builder shows it
    std::string kind;   // registry name, e.g. "tanh"
    std::string description;
    Shape outputShape;     // per sample, no batch dim
    Histogram activation;  // the layer's output over the probe batch
    Histogram gradient;    // dL/d(that output), L the mean loss over the probe batch
    // tanh: share with |a| > 0.99; sigmoid: share with a < 0.01 or a > 0.99 (close to
    // where the derivative vanishes); -1 for other kinds.
    double saturation = -1.0;
};

// Indices of the top-level layers that are activation functions (tanh, relu, ...).
std::vector<size_t> activationLayerIndices(const Network& network);

// Runs `inputs` (N, ...inputShape) forward in Mode::Eval, the loss against `targets`
// and backward, and returns the distributions of the layers named in options.layers.
// Inputs and targets are moved to the network's device when they are elsewhere.
// Afterwards every parameter gradient is zero and no weight has changed (BatchNorm and
// dropout behave as in evaluation). Throws std::invalid_argument on bad shapes or
// targets (the loss's words), and for a layer index out of range.
std::vector<LayerDistribution> layerDistributions(Network& network, LossKind loss,
                                                  const Tensor& inputs, const Tensor& targets,
                                                  const DistributionOptions& options = {});

}  // namespace dlab
