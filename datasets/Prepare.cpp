#include "datasets/Prepare.h"

#include "datasets/Idx.h"
#include "datasets/Toy2d.h"

#include <numeric>
#include <sstream>
#include <stdexcept>

namespace dlab::data {
namespace {

bool isToy(const std::string& source) {
    for (const auto& kind : toy2dKinds()) {
        if (kind == source) {
            return true;
        }
    }
    return false;
}

}  // namespace

PreparedData prepareData(const DataConfig& config) {
    Dataset all;
    Dataset shippedTest;
    bool hasShippedTest = false;
    if (config.source == "fashion-mnist") {
        const std::string dir = config.path.empty() ? kFashionMnistDir : config.path;
        if (!fashionMnistAvailable(dir)) {
            throw std::runtime_error("Fashion-MNIST is not installed in " + dir +
                                     " (Debian package dataset-fashion-mnist)");
        }
        all = loadFashionMnist(dir, true);
        shippedTest = loadFashionMnist(dir, false);
        hasShippedTest = true;
    } else if (config.source == "idx") {
        if (config.path.empty() || config.labels.empty()) {
            throw std::invalid_argument(
                "data.source \"idx\" needs data.path (images file) and data.labels (labels file)");
        }
        all = loadIdxPair(config.path, config.labels, "idx", {});
        if (!config.testPath.empty() || !config.testLabels.empty()) {
            if (config.testPath.empty() || config.testLabels.empty()) {
                throw std::invalid_argument("data.test_path and data.test_labels go together");
            }
            shippedTest = loadIdxPair(config.testPath, config.testLabels, "idx test", {});
            hasShippedTest = true;
        }
    } else if (isToy(config.source)) {
        Toy2dOptions options;
        options.samples = config.samples;
        options.noise = config.noise;
        options.classes = config.classes;
        options.seed = config.seed;
        all = makeToy2d(config.source, options);
    } else {
        std::string valid = "fashion-mnist, idx";
        for (const auto& kind : toy2dKinds()) {
            valid += ", " + kind;
        }
        throw std::invalid_argument("data.source: unknown source '" + config.source +
                                    "' (valid: " + valid + ")");
    }

    if (config.limit > 0 && config.limit < all.size()) {
        std::vector<int64_t> first(static_cast<size_t>(config.limit));
        std::iota(first.begin(), first.end(), 0);
        all = all.subset(first);
    }

    PreparedData prepared;
    prepared.split = splitDataset(all, config.validation, config.test, config.seed,
                                  hasShippedTest ? &shippedTest : nullptr);
    prepared.normalization =
        fitNormalization(prepared.split.train, parseNormalizationKind(config.normalization));

    std::ostringstream summary;
    summary << config.source << ": " << prepared.split.train.size() << " train / "
            << prepared.split.validation.size() << " validation / "
            << prepared.split.test.size() << " test, input "
            << prepared.split.train.sampleShape().str() << ", "
            << (all.numClasses > 0 ? std::to_string(all.numClasses) + " classes"
                                   : std::string("regression"))
            << ", normalization " << config.normalization;
    prepared.summary = summary.str();
    return prepared;
}

std::unique_ptr<DataLoader> makeLoader(const PreparedData& prepared, const Dataset& split,
                                       uint64_t seed, PixelAugment augment) {
    LoaderOptions options;
    options.seed = seed;
    options.augment = std::move(augment);
    // Decoding and normalizing images is worth a thread; copying a few floats is not.
    options.prefetchBatches = split.isImage() ? 2 : 0;
    return std::make_unique<DataLoader>(split, prepared.normalization, std::move(options));
}

}  // namespace dlab::data
