#include "datasets/Prepare.h"

#include "datasets/Detect.h"
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

PreparedData prepareData(const DataConfig& config, const ProgressFn& progress) {
    PreparedData prepared;
    prepared.format = config.source;
    Dataset all;
    Dataset shippedTest;
    bool hasShippedTest = false;
    if (config.source == "path") {
        if (config.path.empty()) {
            throw std::invalid_argument("data.source \"path\" needs data.path (a file or folder)");
        }
        LoadResult loaded = loadDropped({config.path}, config.load, progress);
        if (loaded.kind == LoadResult::Kind::SingleImage) {
            throw std::invalid_argument(config.path +
                                        " is a single image: it can be classified by a trained "
                                        "network, but it is not a data set to train on");
        }
        prepared.format = loaded.format;
        prepared.warnings = std::move(loaded.warnings);
        prepared.skippedFiles = std::move(loaded.skippedFiles);
        all = std::move(loaded.train);
        if (loaded.hasTest) {
            shippedTest = std::move(loaded.test);
            hasShippedTest = true;
        }
    } else if (config.source == "fashion-mnist") {
        const std::string dir = config.path.empty() ? kFashionMnistDir : config.path;
        if (!fashionMnistAvailable(dir)) {
            throw std::runtime_error("Fashion-MNIST is not installed in " + dir +
                                     " (Debian package dataset-fashion-mnist)");
        }
        // Each file reads in a fraction of a second: progress (and Cancel) between files.
        reportProgress(progress, 0.0, "reading the Fashion-MNIST training set");
        all = loadFashionMnist(dir, true);
        reportProgress(progress, 0.8, "reading the Fashion-MNIST test set");
        shippedTest = loadFashionMnist(dir, false);
        hasShippedTest = true;
    } else if (config.source == "idx") {
        if (config.path.empty() || config.labels.empty()) {
            throw std::invalid_argument(
                "data.source \"idx\" needs data.path (images file) and data.labels (labels file)");
        }
        reportProgress(progress, 0.0, "reading " + config.path);
        all = loadIdxPair(config.path, config.labels, "idx", {});
        if (!config.testPath.empty() || !config.testLabels.empty()) {
            reportProgress(progress, 0.7, "reading " + config.testPath);
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
        std::string valid = "fashion-mnist, idx, path";
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

    prepared.hasTest = hasShippedTest;
    reportProgress(progress, 0.95, "splitting and fitting the normalization");
    prepared.split = splitDataset(all, config.validation, config.test, config.seed,
                                  hasShippedTest ? &shippedTest : nullptr);
    if (config.fitted && config.fitted->sampleShape == prepared.split.train.sampleShape()) {
        prepared.normalization = *config.fitted;
    } else {
        prepared.normalization =
            fitNormalization(prepared.split.train, parseNormalizationKind(config.normalization));
    }
    prepared.augment = config.augment;

    std::ostringstream summary;
    summary << prepared.format << ": " << prepared.split.train.size() << " train / "
            << prepared.split.validation.size() << " validation / "
            << prepared.split.test.size() << " test, input "
            << prepared.split.train.sampleShape().str() << ", "
            << (all.numClasses > 0 ? std::to_string(all.numClasses) + " classes"
                                   : std::string("regression"))
            << ", normalization " << config.normalization
            << (config.augment.enabled() ? ", augmented" : "");
    prepared.summary = summary.str();
    return prepared;
}

std::unique_ptr<DataLoader> makeLoader(const PreparedData& prepared, const Dataset& split,
                                       bool training, uint64_t seed) {
    LoaderOptions options;
    options.seed = seed;
    if (training && prepared.augment.enabled() && split.isImage()) {
        options.augment = [config = prepared.augment](uint8_t* pixels, const Shape& chw,
                                                      uint64_t sampleSeed) {
            augmentImage(config, pixels, chw, sampleSeed);
        };
    }
    // Decoding and normalizing images is worth a thread; copying a few floats is not.
    options.prefetchBatches = split.isImage() ? 2 : 0;
    return std::make_unique<DataLoader>(split, prepared.normalization, std::move(options));
}

}  // namespace dlab::data
