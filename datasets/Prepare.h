#pragma once
// From an experiment's data settings to train / validation / test splits and their
// batch sources: load (a built-in set, IDX files, or a generated 2-D set), optionally
// limit the size, split (stratified, seeded), and fit the normalization on the training
// split only; the loaders apply it (and augmentation, to training batches) per batch.

#include "datasets/DataConfig.h"
#include "datasets/DataLoader.h"
#include "datasets/Dataset.h"
#include "datasets/Load.h"

#include <memory>

#include <string>

namespace dlab::data {

struct PreparedData {
    Split split;
    Normalization normalization;
    AugmentConfig augment;  // applied to training batches of image data
    std::string format;     // "fashion-mnist", "spiral", "cifar10", "image-folder", ...
    bool hasTest = false;   // the data shipped its own test set (the test fraction was unused)
    std::vector<std::string> warnings;      // from loading (resized images, ...)
    std::vector<std::string> skippedFiles;  // files that could not be read
    std::string summary;  // one line: "fashion-mnist: 54000 train / 6000 validation / ..."
};

// Errors (missing files, bad settings) are std::runtime_error / std::invalid_argument
// with a message naming the file or the setting.
// `progress` reports loading and may cancel it (LoadCancelled).
PreparedData prepareData(const DataConfig& config, const ProgressFn& progress = {});

// A loader over one split with the fitted normalization; `training` loaders augment
// (when the config asks for it). Image batches are prefetched on a worker thread; small
// feature sets are batched on the caller's thread.
std::unique_ptr<DataLoader> makeLoader(const PreparedData& prepared, const Dataset& split,
                                       bool training, uint64_t seed);

}  // namespace dlab::data
