#pragma once
// From an experiment's data settings to train / validation / test splits and their
// batch sources: load (a built-in set, IDX files, or a generated 2-D set), optionally
// limit the size, split (stratified, seeded), and fit the normalization on the training
// split only; the loaders apply it (and augmentation, to training batches) per batch.

#include "datasets/DataLoader.h"
#include "datasets/Dataset.h"
#include "engine/Experiment.h"

#include <memory>

#include <string>

namespace dlab::data {

struct PreparedData {
    Split split;
    Normalization normalization;
    std::string summary;  // one line: "fashion-mnist: 54000 train / 6000 validation / ..."
};

// Errors (missing files, bad settings) are std::runtime_error / std::invalid_argument
// with a message naming the file or the setting.
PreparedData prepareData(const DataConfig& config);

// A loader over one split with the fitted normalization. Training loaders prefetch image
// batches on a worker thread; small feature sets are batched on the caller's thread.
std::unique_ptr<DataLoader> makeLoader(const PreparedData& prepared, const Dataset& split,
                                       uint64_t seed, PixelAugment augment = {});

}  // namespace dlab::data
