#include "engine/InspectDistributions.h"

#include "engine/layers/Activation.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace dlab {
namespace {

// How far |x| must be from 0 (tanh) or from 0.5 (sigmoid) to count as saturated: past
// it the derivative is below 0.02 (tanh) or 0.0099 (sigmoid), so almost no gradient
// flows back through that unit.
constexpr double kSaturation = 0.99;

// A single point or empty range gets a width, so it can be binned and drawn.
ValueRange widened(double lo, double hi) {
    if (!(lo <= hi)) {
        return {-1.0f, 1.0f};
    }
    const auto flo = static_cast<float>(lo);
    const auto fhi = static_cast<float>(hi);
    if (flo < fhi) {
        return {flo, fhi};
    }
    const double magnitude = std::max(std::abs(lo), std::abs(hi));
    const double pad = magnitude > 0.0 ? 0.1 * magnitude : 1.0;
    return {static_cast<float>(lo - pad), static_cast<float>(hi + pad)};
}

double saturationShare(const std::string& kind, const float* values, int64_t count) {
    const bool tanh = kind == "tanh";
    if (!tanh && kind != "sigmoid") {
        return -1.0;
    }
    int64_t saturated = 0;
    int64_t finite = 0;
    for (int64_t i = 0; i < count; ++i) {
        const double v = values[i];
        if (!std::isfinite(v)) {
            continue;
        }
        ++finite;
        const bool past =
            tanh ? std::abs(v) > kSaturation : (v < 1.0 - kSaturation || v > kSaturation);
        saturated += past ? 1 : 0;
    }
    return finite > 0 ? static_cast<double>(saturated) / static_cast<double>(finite) : 0.0;
}

Device networkDevice(const Network& network) {
    return network.params().empty() ? Device::CPU : network.params().front().param->value.device();
}

}  // namespace

int64_t Histogram::peak() const {
    return counts.empty() ? 0 : *std::max_element(counts.begin(), counts.end());
}

Histogram makeHistogram(const float* values, int64_t count, int bins, float lo, float hi) {
    if (bins <= 0) {
        throw std::invalid_argument("histogram: expected bins > 0, got " + std::to_string(bins));
    }
    if (!(lo < hi)) {
        throw std::invalid_argument("histogram: expected lo < hi, got [" + std::to_string(lo) +
                                    ", " + std::to_string(hi) + "]");
    }
    Histogram h;
    h.lo = lo;
    h.hi = hi;
    h.counts.assign(static_cast<size_t>(bins), 0);
    const double scale = bins / (static_cast<double>(hi) - static_cast<double>(lo));
    double sum = 0.0;
    double min = 0.0;
    double max = 0.0;
    int64_t saturated = 0;
    for (int64_t i = 0; i < count; ++i) {
        const double v = values[i];
        if (!std::isfinite(v)) {
            ++h.nonFinite;
            continue;
        }
        const double position = std::floor((v - lo) * scale);
        const auto bin = static_cast<int64_t>(std::clamp(position, 0.0, bins - 1.0));
        ++h.counts[static_cast<size_t>(bin)];
        min = h.total == 0 ? v : std::min(min, v);
        max = h.total == 0 ? v : std::max(max, v);
        sum += v;
        saturated += std::abs(v) > kSaturation ? 1 : 0;
        ++h.total;
    }
    if (h.total == 0) {
        return h;
    }
    const auto n = static_cast<double>(h.total);
    h.mean = sum / n;
    h.min = min;
    h.max = max;
    h.saturated = static_cast<double>(saturated) / n;
    // Second pass for the deviations: exact also when the mean dwarfs the spread.
    double squares = 0.0;
    for (int64_t i = 0; i < count; ++i) {
        const double v = values[i];
        if (std::isfinite(v)) {
            squares += (v - h.mean) * (v - h.mean);
        }
    }
    h.std = std::sqrt(squares / n);
    return h;
}

void ValueRange::include(const ValueRange& other) {
    lo = std::min(lo, other.lo);
    hi = std::max(hi, other.hi);
}

ValueRange valueRange(const float* values, int64_t count) {
    double lo = INFINITY;
    double hi = -INFINITY;
    for (int64_t i = 0; i < count; ++i) {
        const double v = values[i];
        if (std::isfinite(v)) {
            lo = std::min(lo, v);
            hi = std::max(hi, v);
        }
    }
    return widened(lo, hi);
}

ValueRange symmetricRange(const float* values, int64_t count) {
    double largest = -INFINITY;
    for (int64_t i = 0; i < count; ++i) {
        const double v = values[i];
        if (std::isfinite(v)) {
            largest = std::max(largest, std::abs(v));
        }
    }
    return widened(-largest, largest);
}

std::vector<size_t> activationLayerIndices(const Network& network) {
    const auto& names = activationNames();
    std::vector<size_t> indices;
    const std::vector<LayerSummary> rows = network.summary();
    for (size_t i = 0; i < rows.size(); ++i) {
        if (std::find(names.begin(), names.end(), rows[i].kind) != names.end()) {
            indices.push_back(i);
        }
    }
    return indices;
}

std::vector<LayerDistribution> layerDistributions(Network& network, LossKind loss,
                                                  const Tensor& inputs, const Tensor& targets,
                                                  const DistributionOptions& options) {
    Sequential& body = network.layers();
    std::vector<size_t> layers = options.layers;
    if (layers.empty()) {
        layers.resize(body.size());
        for (size_t i = 0; i < layers.size(); ++i) {
            layers[i] = i;
        }
    }
    for (size_t i : layers) {
        if (i >= body.size()) {
            throw std::invalid_argument("distributions: layer index " + std::to_string(i) +
                                        " out of range (the network has " +
                                        std::to_string(body.size()) + " layers)");
        }
    }

    const Device device = networkDevice(network);
    const Tensor x = inputs.to(device);
    const Tensor y = targets.to(device);
    network.zeroGrad();
    const Tensor& output = network.forward(x, Mode::Eval);
    Tensor dOutput;
    makeLoss(loss)->compute(output, y, &dOutput);
    network.backward(dOutput);
    // The probe's contract: the training step after us must start from zero gradients.
    network.zeroGrad();

    // CPU copies (handles when the network is on the CPU) of what will be binned.
    std::vector<Tensor> activations;
    std::vector<Tensor> gradients;
    for (size_t i : layers) {
        activations.push_back(body.activation(i).to(Device::CPU));
        gradients.push_back(body.gradient(i).to(Device::CPU));
    }

    std::vector<ValueRange> activationRanges;
    std::vector<ValueRange> gradientRanges;
    for (size_t k = 0; k < layers.size(); ++k) {
        activationRanges.push_back(valueRange(activations[k].data(), activations[k].numel()));
        gradientRanges.push_back(symmetricRange(gradients[k].data(), gradients[k].numel()));
    }
    if (options.sharedRange && !layers.empty()) {
        ValueRange a = activationRanges.front();
        ValueRange g = gradientRanges.front();
        for (size_t k = 1; k < layers.size(); ++k) {
            a.include(activationRanges[k]);
            g.include(gradientRanges[k]);
        }
        std::fill(activationRanges.begin(), activationRanges.end(), a);
        std::fill(gradientRanges.begin(), gradientRanges.end(), g);
    }

    const std::vector<LayerSummary> summary = network.summary();
    std::vector<LayerDistribution> result;
    result.reserve(layers.size());
    for (size_t k = 0; k < layers.size(); ++k) {
        const size_t i = layers[k];
        LayerDistribution d;
        d.index = i;
        d.label = "layer " + std::to_string(i + 1);
        d.kind = summary[i].kind;
        d.description = summary[i].description;
        d.outputShape = summary[i].outputShape;
        const Tensor& a = activations[k];
        const Tensor& g = gradients[k];
        d.activation = makeHistogram(a.data(), a.numel(), options.bins, activationRanges[k].lo,
                                     activationRanges[k].hi);
        d.gradient = makeHistogram(g.data(), g.numel(), options.bins, gradientRanges[k].lo,
                                   gradientRanges[k].hi);
        d.saturation = saturationShare(d.kind, a.data(), a.numel());
        result.push_back(std::move(d));
    }
    return result;
}

}  // namespace dlab
