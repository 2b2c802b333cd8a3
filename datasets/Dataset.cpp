#include "datasets/Dataset.h"

#include "datasets/Random.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <limits>
#include <numeric>
#include <sstream>
#include <stdexcept>

namespace dlab::data {

namespace {

// Rows `indices` of `src` along dim 0, copied in that order into a new CPU tensor.
Tensor gatherRows(const Tensor& src, const std::vector<int64_t>& indices) {
    const Tensor host = src.to(Device::CPU);
    const int64_t rows = src.rank() > 0 ? src.size(0) : 0;
    const int64_t rowSize = src.shape().numelFrom(1);
    Tensor out(src.shape().dropBatch().withBatch(static_cast<int64_t>(indices.size())));
    for (size_t k = 0; k < indices.size(); ++k) {
        const int64_t index = indices[k];
        if (index < 0 || index >= rows) {
            throw std::out_of_range("subset: index " + std::to_string(index) +
                                    " out of range for " + std::to_string(rows) + " samples");
        }
        std::copy_n(host.data() + index * rowSize, rowSize,
                    out.data() + static_cast<int64_t>(k) * rowSize);
    }
    return out;
}

Tensor deepCopy(const Tensor& t) {
    return t.defined() ? t.to(Device::CPU).clone() : Tensor();
}

std::string formatFraction(double f) {
    std::ostringstream out;
    out << f;
    return out.str();
}

void checkFraction(double fraction, const char* what) {
    if (!(fraction >= 0.0 && fraction < 1.0)) {
        throw std::invalid_argument(std::string("splitDataset: ") + what +
                                    " fraction must be in [0, 1), got " + formatFraction(fraction));
    }
}

// Class of each sample; throws when a target is not an integer in [0, numClasses).
std::vector<int64_t> classLabels(const Dataset& all) {
    const std::vector<float> targets = all.targets.toVector();
    if (static_cast<int64_t>(targets.size()) != all.size()) {
        throw std::invalid_argument("splitDataset: classification targets must be (N,) = (" +
                                    std::to_string(all.size()) + ",), got " +
                                    all.targets.shape().str());
    }
    std::vector<int64_t> labels(targets.size());
    for (size_t i = 0; i < targets.size(); ++i) {
        const float t = targets[i];
        if (!(t >= 0.0f && t < static_cast<float>(all.numClasses)) || t != std::floor(t)) {
            throw std::invalid_argument(
                "splitDataset: target " + std::to_string(t) + " of sample " + std::to_string(i) +
                " is not a class index in [0, " + std::to_string(all.numClasses) + ")");
        }
        labels[i] = static_cast<int64_t>(t);
    }
    return labels;
}

// Distributes `total` among classes in proportion to `counts` (largest remainder, ties to
// the lower class), never giving class c more than caps[c]. The result sums to `total`
// unless the caps together hold less.
std::vector<int64_t> apportion(const std::vector<int64_t>& counts, int64_t n, int64_t total,
                               const std::vector<int64_t>& caps) {
    const size_t k = counts.size();
    std::vector<int64_t> share(k);
    std::vector<int64_t> remainder(k);
    int64_t given = 0;
    for (size_t c = 0; c < k; ++c) {
        share[c] = std::min(counts[c] * total / n, caps[c]);
        remainder[c] = counts[c] * total % n;
        given += share[c];
    }
    std::vector<size_t> order(k);
    std::iota(order.begin(), order.end(), size_t{0});
    std::stable_sort(order.begin(), order.end(),
                     [&](size_t a, size_t b) { return remainder[a] > remainder[b]; });
    bool room = true;
    while (given < total && room) {
        room = false;
        for (size_t c : order) {
            if (given < total && share[c] < caps[c]) {
                ++share[c];
                ++given;
                room = true;
            }
        }
    }
    return share;
}

// Per channel (images, dim 1) or per feature (dim 1 of (N, F)): how the inputs are walked.
struct ChannelLayout {
    int64_t samples = 0;
    int64_t channels = 1;
    int64_t inner = 1;  // elements per channel per sample
};

ChannelLayout layoutFor(const Tensor& inputs, size_t channels) {
    ChannelLayout layout;
    layout.samples = inputs.rank() > 0 ? inputs.size(0) : 0;
    if (channels <= 1) {
        layout.inner = inputs.shape().numelFrom(1);
        return layout;
    }
    if (inputs.rank() < 2 || inputs.size(1) != static_cast<int64_t>(channels)) {
        throw std::invalid_argument("applyNormalization: fitted for " + std::to_string(channels) +
                                    " channels/features on dim 1, got inputs " +
                                    inputs.shape().str());
    }
    layout.channels = inputs.size(1);
    layout.inner = inputs.shape().numelFrom(2);
    return layout;
}

// The statistics' layout: dim 1 of the inputs, except flattened images (rank < 3), which
// have no channel axis and get one set of statistics.
size_t fittedChannels(const Dataset& train) {
    const Tensor& x = train.inputs;
    if (x.rank() < 2 || (train.pixelMax > 0.0f && x.rank() < 3)) {
        return 1;
    }
    return static_cast<size_t>(x.size(1));
}

template <typename Visit>
void forEachChannelValue(const float* data, const ChannelLayout& layout, Visit visit) {
    for (int64_t n = 0; n < layout.samples; ++n) {
        for (int64_t c = 0; c < layout.channels; ++c) {
            const float* p = data + (n * layout.channels + c) * layout.inner;
            for (int64_t i = 0; i < layout.inner; ++i) {
                visit(static_cast<size_t>(c), p[i]);
            }
        }
    }
}

}  // namespace

Dataset Dataset::subset(const std::vector<int64_t>& indices) const {
    Dataset out;
    out.name = name;
    out.numClasses = numClasses;
    out.classNames = classNames;
    out.pixelMax = pixelMax;
    if (inputs.defined()) {
        out.inputs = gatherRows(inputs, indices);
    } else if (!indices.empty()) {
        throw std::out_of_range("subset: the dataset has no samples");
    }
    if (targets.defined()) {
        out.targets = gatherRows(targets, indices);
    }
    return out;
}

Split splitDataset(const Dataset& all, double validationFraction, double testFraction,
                   uint64_t seed, const Dataset* existingTest) {
    checkFraction(validationFraction, "validation");
    if (existingTest) {
        testFraction = 0.0;
    } else {
        checkFraction(testFraction, "test");
    }
    if (validationFraction + testFraction >= 1.0) {
        throw std::invalid_argument("splitDataset: validation fraction " +
                                    formatFraction(validationFraction) + " + test fraction " +
                                    formatFraction(testFraction) + " leave no training data");
    }
    const int64_t n = all.size();
    if (n == 0) {
        throw std::invalid_argument("splitDataset: dataset '" + all.name + "' is empty");
    }
    if (!all.targets.defined() || all.targets.rank() == 0 || all.targets.size(0) != n) {
        throw std::invalid_argument("splitDataset: targets " + all.targets.shape().str() +
                                    " do not match " + std::to_string(n) + " inputs");
    }
    if (existingTest && existingTest->numClasses != all.numClasses) {
        throw std::invalid_argument("splitDataset: test set has " +
                                    std::to_string(existingTest->numClasses) +
                                    " classes, dataset has " + std::to_string(all.numClasses));
    }
    if (existingTest && existingTest->size() > 0 &&
        existingTest->sampleShape() != all.sampleShape()) {
        throw std::invalid_argument("splitDataset: test set samples are " +
                                    existingTest->sampleShape().str() + ", dataset samples are " +
                                    all.sampleShape().str());
    }

    const auto nTest = static_cast<int64_t>(std::llround(static_cast<double>(n) * testFraction));
    const auto nValidation =
        static_cast<int64_t>(std::llround(static_cast<double>(n) * validationFraction));
    if (n - nTest - nValidation < 1) {
        throw std::invalid_argument("splitDataset: with " + std::to_string(n) +
                                    " samples, validation fraction " +
                                    formatFraction(validationFraction) + " and test fraction " +
                                    formatFraction(testFraction) + " leave no training data");
    }

    Rng rng(seed);
    std::vector<int64_t> trainIdx;
    std::vector<int64_t> validationIdx;
    std::vector<int64_t> testIdx;
    auto deal = [&](const std::vector<int64_t>& shuffled, int64_t toTest, int64_t toValidation) {
        const auto testEnd = shuffled.begin() + toTest;
        const auto validationEnd = testEnd + toValidation;
        testIdx.insert(testIdx.end(), shuffled.begin(), testEnd);
        validationIdx.insert(validationIdx.end(), testEnd, validationEnd);
        trainIdx.insert(trainIdx.end(), validationEnd, shuffled.end());
    };

    if (all.numClasses > 0) {
        const std::vector<int64_t> labels = classLabels(all);
        const auto k = static_cast<size_t>(all.numClasses);
        std::vector<std::vector<int64_t>> byClass(k);
        for (int64_t i = 0; i < n; ++i) {
            byClass[static_cast<size_t>(labels[static_cast<size_t>(i)])].push_back(i);
        }
        std::vector<int64_t> counts(k);
        std::vector<int64_t> caps(k);
        for (size_t c = 0; c < k; ++c) {
            counts[c] = static_cast<int64_t>(byClass[c].size());
            caps[c] = std::max<int64_t>(counts[c] - 1, 0);  // one sample stays for training
        }
        const std::vector<int64_t> testShare = apportion(counts, n, nTest, caps);
        for (size_t c = 0; c < k; ++c) {
            caps[c] -= testShare[c];
        }
        const std::vector<int64_t> validationShare = apportion(counts, n, nValidation, caps);
        for (size_t c = 0; c < k; ++c) {
            shuffle(byClass[c], rng);
            deal(byClass[c], testShare[c], validationShare[c]);
        }
    } else {
        std::vector<int64_t> order(static_cast<size_t>(n));
        std::iota(order.begin(), order.end(), int64_t{0});
        shuffle(order, rng);
        deal(order, nTest, nValidation);
    }

    // Stratified dealing groups samples by class; mix them so that a consumer reading a
    // split in order does not see one class after another.
    shuffle(trainIdx, rng);
    shuffle(validationIdx, rng);
    shuffle(testIdx, rng);

    Split split;
    split.train = all.subset(trainIdx);
    split.validation = all.subset(validationIdx);
    if (existingTest) {
        // A deep copy: normalizing the split must not rewrite the caller's test set.
        split.test = *existingTest;
        split.test.inputs = deepCopy(existingTest->inputs);
        split.test.targets = deepCopy(existingTest->targets);
    } else {
        split.test = all.subset(testIdx);
    }
    return split;
}

NormalizationKind parseNormalizationKind(const std::string& name) {
    std::string lower = name;
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
    if (lower == "none") {
        return NormalizationKind::None;
    }
    if (lower == "unit") {
        return NormalizationKind::Unit;
    }
    if (lower == "standardize") {
        return NormalizationKind::Standardize;
    }
    throw std::invalid_argument("unknown normalization '" + name +
                                "'; valid: none, unit, standardize");
}

std::string normalizationKindName(NormalizationKind kind) {
    switch (kind) {
        case NormalizationKind::None:
            return "none";
        case NormalizationKind::Unit:
            return "unit";
        case NormalizationKind::Standardize:
            return "standardize";
    }
    return "none";
}

Normalization fitNormalization(const Dataset& train, NormalizationKind kind) {
    Normalization norm;
    norm.kind = kind;
    if (kind == NormalizationKind::None) {
        return norm;
    }
    if (train.size() == 0) {
        throw std::invalid_argument("fitNormalization: the training set '" + train.name +
                                    "' is empty");
    }
    const bool image = train.pixelMax > 0.0f;
    if (image) {
        norm.scale = 1.0f / train.pixelMax;
        if (kind == NormalizationKind::Unit) {
            return norm;
        }
    }

    const Tensor host = train.inputs.to(Device::CPU);
    const size_t channels = fittedChannels(train);
    const ChannelLayout layout = layoutFor(host, channels);
    const float scale = norm.scale;
    norm.offset.assign(channels, 0.0f);
    norm.divisor.assign(channels, 1.0f);

    if (kind == NormalizationKind::Unit) {
        std::vector<float> lo(channels, std::numeric_limits<float>::infinity());
        std::vector<float> hi(channels, -std::numeric_limits<float>::infinity());
        forEachChannelValue(host.data(), layout, [&](size_t c, float v) {
            lo[c] = std::min(lo[c], v);
            hi[c] = std::max(hi[c], v);
        });
        for (size_t c = 0; c < channels; ++c) {
            const float range = hi[c] - lo[c];
            norm.offset[c] = lo[c];
            norm.divisor[c] = range > 0.0f ? range : 1.0f;  // a constant feature maps to 0
        }
        return norm;
    }

    // Two passes in double: one for the mean, one for the spread around it, which stays
    // accurate where sum-of-squares would cancel (pixel data has large means).
    std::vector<double> sum(channels, 0.0);
    forEachChannelValue(host.data(), layout,
                        [&](size_t c, float v) { sum[c] += static_cast<double>(v * scale); });
    const auto perChannel = static_cast<double>(layout.samples * layout.inner);
    std::vector<double> mean(channels);
    for (size_t c = 0; c < channels; ++c) {
        mean[c] = sum[c] / perChannel;
    }
    std::vector<double> squares(channels, 0.0);
    forEachChannelValue(host.data(), layout, [&](size_t c, float v) {
        const double d = static_cast<double>(v * scale) - mean[c];
        squares[c] += d * d;
    });
    for (size_t c = 0; c < channels; ++c) {
        const double sd = std::sqrt(squares[c] / perChannel);
        norm.offset[c] = static_cast<float>(mean[c]);
        norm.divisor[c] = sd > 1e-12 ? static_cast<float>(sd) : 1.0f;  // constant: shift only
    }
    return norm;
}

void applyNormalization(const Normalization& norm, Tensor& inputs) {
    if (norm.kind == NormalizationKind::None || !inputs.defined() || inputs.numel() == 0) {
        return;
    }
    if (norm.offset.size() != norm.divisor.size()) {
        throw std::invalid_argument("applyNormalization: " + std::to_string(norm.offset.size()) +
                                    " offsets but " + std::to_string(norm.divisor.size()) +
                                    " divisors");
    }
    Tensor host = inputs.to(Device::CPU);  // the same storage when already on the CPU
    float* data = host.data();
    if (norm.offset.empty()) {
        for (int64_t i = 0; i < host.numel(); ++i) {
            data[i] *= norm.scale;
        }
    } else {
        const ChannelLayout layout = layoutFor(host, norm.offset.size());
        for (int64_t n = 0; n < layout.samples; ++n) {
            for (int64_t c = 0; c < layout.channels; ++c) {
                const float offset = norm.offset[static_cast<size_t>(c)];
                const float divisor = norm.divisor[static_cast<size_t>(c)];
                float* p = data + (n * layout.channels + c) * layout.inner;
                for (int64_t i = 0; i < layout.inner; ++i) {
                    p[i] = (p[i] * norm.scale - offset) / divisor;
                }
            }
        }
    }
    if (inputs.device() != Device::CPU) {
        inputs.copyFrom(host);
    }
}

void applyNormalization(const Normalization& norm, Dataset& data) {
    applyNormalization(norm, data.inputs);
}

}  // namespace dlab::data
