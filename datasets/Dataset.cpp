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
std::vector<int64_t> classLabels(const Dataset& all, const char* who) {
    if (static_cast<int64_t>(all.targets.size()) != all.size()) {
        throw std::invalid_argument(std::string(who) + ": " + std::to_string(all.targets.size()) +
                                    " targets for " + std::to_string(all.size()) + " samples");
    }
    std::vector<int64_t> labels(all.targets.size());
    for (size_t i = 0; i < all.targets.size(); ++i) {
        const float t = all.targets[i];
        if (!(t >= 0.0f && t < static_cast<float>(all.numClasses)) || t != std::floor(t)) {
            throw std::invalid_argument(
                std::string(who) + ": target " + std::to_string(t) + " of sample " +
                std::to_string(i) + " is not a class index in [0, " +
                std::to_string(all.numClasses) + ")");
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

}  // namespace

std::vector<int64_t> Dataset::classCounts() const {
    std::vector<int64_t> counts(static_cast<size_t>(std::max(numClasses, 0)), 0);
    if (numClasses <= 0) {
        return counts;
    }
    for (int64_t i = 0; i < size(); ++i) {
        const int c = label(i);
        if (c >= 0 && c < numClasses) {
            ++counts[static_cast<size_t>(c)];
        }
    }
    return counts;
}

Dataset Dataset::subset(const std::vector<int64_t>& positions) const {
    Dataset out;
    out.name = name;
    out.store = store;
    out.targetSize = targetSize;
    out.numClasses = numClasses;
    out.classNames = classNames;
    out.rows.reserve(positions.size());
    out.targets.reserve(positions.size() * static_cast<size_t>(targetSize));
    const auto width = static_cast<size_t>(targetSize);
    for (int64_t pos : positions) {
        if (pos < 0 || pos >= size()) {
            throw std::out_of_range("subset: position " + std::to_string(pos) +
                                    " out of range for " + std::to_string(size()) + " samples");
        }
        out.rows.push_back(rows[static_cast<size_t>(pos)]);
        const auto first = targets.begin() + static_cast<std::ptrdiff_t>(static_cast<size_t>(pos) * width);
        out.targets.insert(out.targets.end(), first, first + static_cast<std::ptrdiff_t>(width));
    }
    return out;
}

Tensor Dataset::inputsTensor() const {
    Tensor out(sampleShape().withBatch(size()));
    const int64_t per = sampleShape().numel();
    for (int64_t i = 0; i < size(); ++i) {
        store->readFloat(rows[static_cast<size_t>(i)], out.data() + i * per);
    }
    return out;
}

Tensor Dataset::targetsTensor() const {
    const Shape shape = targetSize == 1 && numClasses > 0 ? Shape{size()} : Shape{size(), targetSize};
    return Tensor::fromVector(shape, targets);
}

Dataset datasetFromTensors(const std::string& name, const Tensor& inputs, const Tensor& targets,
                           int numClasses, std::vector<std::string> classNames) {
    if (!inputs.defined() || !targets.defined() || inputs.rank() < 2 || targets.rank() < 1 ||
        inputs.size(0) != targets.size(0)) {
        throw std::invalid_argument("datasetFromTensors: inputs (N, ...) and targets (N, ...) "
                                    "must agree on N");
    }
    Dataset data;
    data.name = name;
    data.store = MemoryStore::fromFeatures(inputs.shape().dropBatch(), inputs.toVector());
    data.rows.resize(static_cast<size_t>(inputs.size(0)));
    std::iota(data.rows.begin(), data.rows.end(), int64_t{0});
    data.targets = targets.toVector();
    data.targetSize = static_cast<int>(targets.shape().numelFrom(1));
    data.numClasses = numClasses;
    data.classNames = std::move(classNames);
    if (numClasses > 0 && data.classNames.empty()) {
        for (int c = 0; c < numClasses; ++c) {
            data.classNames.push_back("class " + std::to_string(c));
        }
    }
    return data;
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
    if (static_cast<int64_t>(all.targets.size()) != n * all.targetSize) {
        throw std::invalid_argument("splitDataset: " + std::to_string(all.targets.size()) +
                                    " target values do not match " + std::to_string(n) +
                                    " samples");
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
        const std::vector<int64_t> labels = classLabels(all, "splitDataset");
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
        split.test = *existingTest;
    } else {
        split.test = all.subset(testIdx);
    }
    return split;
}

std::vector<Fold> kFoldIndices(const Dataset& all, int k, uint64_t seed) {
    const int64_t n = all.size();
    if (k < 2 || k > n) {
        throw std::invalid_argument("kFoldIndices: k must be in [2, " + std::to_string(n) +
                                    "], got " + std::to_string(k));
    }
    // Deal samples round-robin into folds, class by class after a seeded shuffle, so
    // every fold gets each class in proportion (within one sample).
    Rng rng(seed);
    std::vector<std::vector<int64_t>> groups;
    if (all.numClasses > 0) {
        const std::vector<int64_t> labels = classLabels(all, "kFoldIndices");
        groups.resize(static_cast<size_t>(all.numClasses));
        for (int64_t i = 0; i < n; ++i) {
            groups[static_cast<size_t>(labels[static_cast<size_t>(i)])].push_back(i);
        }
    } else {
        groups.emplace_back(static_cast<size_t>(n));
        std::iota(groups[0].begin(), groups[0].end(), int64_t{0});
    }
    std::vector<std::vector<int64_t>> folds(static_cast<size_t>(k));
    size_t next = 0;
    for (auto& group : groups) {
        shuffle(group, rng);
        for (int64_t i : group) {
            folds[next].push_back(i);
            next = (next + 1) % folds.size();
        }
    }
    std::vector<Fold> out(static_cast<size_t>(k));
    for (size_t f = 0; f < folds.size(); ++f) {
        out[f].heldOut = folds[f];
        std::sort(out[f].heldOut.begin(), out[f].heldOut.end());
        for (size_t g = 0; g < folds.size(); ++g) {
            if (g != f) {
                out[f].train.insert(out[f].train.end(), folds[g].begin(), folds[g].end());
            }
        }
        std::sort(out[f].train.begin(), out[f].train.end());
    }
    return out;
}

namespace {

// How a sample's values group into channels: (C, H, W) images per channel, (F,)
// features per feature.
struct Layout {
    int64_t channels = 1;
    int64_t inner = 1;
};

Layout layoutOf(const Shape& sample) {
    if (sample.rank() == 0) {
        return {};
    }
    return {sample[0], sample.numelFrom(1)};
}

struct NormName {
    NormalizationKind kind;
    const char* name;
};

constexpr NormName kNormNames[] = {
    {NormalizationKind::None, "none"},
    {NormalizationKind::Unit, "unit"},
    {NormalizationKind::MeanImage, "mean_image"},
    {NormalizationKind::ChannelMean, "channel_mean"},
    {NormalizationKind::Standardize, "standardize"},
};

// Statistics are exact up to this many training samples; above it they come from this
// many evenly spaced samples, which keeps fitting on a streamed 100 000-image folder
// from decoding everything twice.
constexpr int64_t kFitSampleLimit = 60000;

std::vector<int64_t> fitPositions(int64_t n) {
    const int64_t count = std::min(n, kFitSampleLimit);
    std::vector<int64_t> positions(static_cast<size_t>(count));
    for (int64_t i = 0; i < count; ++i) {
        positions[static_cast<size_t>(i)] = i * n / count;
    }
    return positions;
}

}  // namespace

NormalizationKind parseNormalizationKind(const std::string& name) {
    std::string lower = name;
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
    for (const auto& entry : kNormNames) {
        if (lower == entry.name) {
            return entry.kind;
        }
    }
    throw std::invalid_argument("unknown normalization '" + name +
                                "'; valid: none, unit, mean_image, channel_mean, standardize");
}

std::string normalizationKindName(NormalizationKind kind) {
    for (const auto& entry : kNormNames) {
        if (entry.kind == kind) {
            return entry.name;
        }
    }
    return "none";
}

std::vector<std::string> normalizationKindNames() {
    std::vector<std::string> names;
    for (const auto& entry : kNormNames) {
        names.emplace_back(entry.name);
    }
    return names;
}

Normalization fitNormalization(const Dataset& train, NormalizationKind kind) {
    Normalization norm;
    norm.kind = kind;
    norm.sampleShape = train.sampleShape();
    if (kind == NormalizationKind::None) {
        return norm;
    }
    if (train.size() == 0) {
        throw std::invalid_argument("fitNormalization: the training set '" + train.name +
                                    "' is empty");
    }
    const bool image = train.isImage();
    if (image) {
        norm.scale = 1.0f / train.pixelMax();
        if (kind == NormalizationKind::Unit) {
            return norm;
        }
    }
    const int64_t per = norm.sampleShape.numel();
    const Layout layout = layoutOf(norm.sampleShape);
    const auto channels = static_cast<size_t>(layout.channels);
    const std::vector<int64_t> positions = fitPositions(train.size());
    std::vector<float> sample(static_cast<size_t>(per));
    auto forEachSample = [&](auto visit) {
        for (int64_t pos : positions) {
            train.store->readFloat(train.rows[static_cast<size_t>(pos)], sample.data());
            for (float& v : sample) {
                v *= norm.scale;
            }
            visit(sample.data());
        }
    };
    const auto count = static_cast<double>(positions.size());

    if (kind == NormalizationKind::Unit) {
        std::vector<float> lo(channels, std::numeric_limits<float>::infinity());
        std::vector<float> hi(channels, -std::numeric_limits<float>::infinity());
        forEachSample([&](const float* x) {
            for (size_t c = 0; c < channels; ++c) {
                for (int64_t i = 0; i < layout.inner; ++i) {
                    const float v = x[static_cast<int64_t>(c) * layout.inner + i];
                    lo[c] = std::min(lo[c], v);
                    hi[c] = std::max(hi[c], v);
                }
            }
        });
        norm.offset = lo;
        norm.divisor.resize(channels);
        for (size_t c = 0; c < channels; ++c) {
            const float range = hi[c] - lo[c];
            norm.divisor[c] = range > 0.0f ? range : 1.0f;  // a constant feature maps to 0
        }
        return norm;
    }

    if (kind == NormalizationKind::MeanImage) {
        std::vector<double> sum(static_cast<size_t>(per), 0.0);
        forEachSample([&](const float* x) {
            for (int64_t i = 0; i < per; ++i) {
                sum[static_cast<size_t>(i)] += x[i];
            }
        });
        norm.offset.resize(sum.size());
        for (size_t i = 0; i < sum.size(); ++i) {
            norm.offset[i] = static_cast<float>(sum[i] / count);
        }
        norm.divisor.assign(sum.size(), 1.0f);
        return norm;
    }

    // Two passes in double: the mean, then the spread around it, which stays accurate
    // where a running sum of squares would cancel (pixel data has large means).
    std::vector<double> sum(channels, 0.0);
    forEachSample([&](const float* x) {
        for (size_t c = 0; c < channels; ++c) {
            const float* p = x + static_cast<int64_t>(c) * layout.inner;
            for (int64_t i = 0; i < layout.inner; ++i) {
                sum[c] += p[i];
            }
        }
    });
    const double perChannel = count * static_cast<double>(layout.inner);
    std::vector<double> mean(channels);
    for (size_t c = 0; c < channels; ++c) {
        mean[c] = sum[c] / perChannel;
    }
    norm.offset.resize(channels);
    norm.divisor.assign(channels, 1.0f);
    for (size_t c = 0; c < channels; ++c) {
        norm.offset[c] = static_cast<float>(mean[c]);
    }
    if (kind == NormalizationKind::ChannelMean) {
        return norm;
    }
    std::vector<double> squares(channels, 0.0);
    forEachSample([&](const float* x) {
        for (size_t c = 0; c < channels; ++c) {
            const float* p = x + static_cast<int64_t>(c) * layout.inner;
            for (int64_t i = 0; i < layout.inner; ++i) {
                const double d = p[i] - mean[c];
                squares[c] += d * d;
            }
        }
    });
    for (size_t c = 0; c < channels; ++c) {
        const double sd = std::sqrt(squares[c] / perChannel);
        norm.divisor[c] = sd > 1e-12 ? static_cast<float>(sd) : 1.0f;  // constant: shift only
    }
    return norm;
}

void applyNormalization(const Normalization& norm, float* samples, int64_t count) {
    if (norm.kind == NormalizationKind::None || count == 0) {
        return;
    }
    const int64_t per = norm.sampleShape.numel();
    if (norm.offset.empty()) {
        for (int64_t i = 0; i < count * per; ++i) {
            samples[i] *= norm.scale;
        }
        return;
    }
    if (norm.offset.size() != norm.divisor.size()) {
        throw std::invalid_argument("applyNormalization: " + std::to_string(norm.offset.size()) +
                                    " offsets but " + std::to_string(norm.divisor.size()) +
                                    " divisors");
    }
    // Per element (mean image) or per channel: an element-wise layout is a channel
    // layout with one value per channel.
    const Layout layout = static_cast<int64_t>(norm.offset.size()) == per && per > 1 &&
                                  norm.kind == NormalizationKind::MeanImage
                              ? Layout{per, 1}
                              : layoutOf(norm.sampleShape);
    if (static_cast<int64_t>(norm.offset.size()) != layout.channels) {
        throw std::invalid_argument("applyNormalization: fitted " +
                                    std::to_string(norm.offset.size()) +
                                    " statistics for samples " + norm.sampleShape.str());
    }
    for (int64_t n = 0; n < count; ++n) {
        float* sample = samples + n * per;
        for (int64_t c = 0; c < layout.channels; ++c) {
            const float offset = norm.offset[static_cast<size_t>(c)];
            const float inv = 1.0f / norm.divisor[static_cast<size_t>(c)];
            float* p = sample + c * layout.inner;
            for (int64_t i = 0; i < layout.inner; ++i) {
                p[i] = (p[i] * norm.scale - offset) * inv;
            }
        }
    }
}

void applyNormalization(const Normalization& norm, Tensor& inputs) {
    if (norm.kind == NormalizationKind::None || !inputs.defined() || inputs.numel() == 0) {
        return;
    }
    if (inputs.shape().dropBatch() != norm.sampleShape) {
        throw std::invalid_argument("applyNormalization: fitted on samples " +
                                    norm.sampleShape.str() + ", got inputs " +
                                    inputs.shape().str());
    }
    Tensor host = inputs.to(Device::CPU);  // the same storage when already on the CPU
    applyNormalization(norm, host.data(), host.size(0));
    if (inputs.device() != Device::CPU) {
        inputs.copyFrom(host);
    }
}

}  // namespace dlab::data
