#pragma once
// From an experiment's data settings to normalized train / validation / test splits:
// load (a built-in set, IDX files, or a generated 2-D set), optionally limit the size,
// split (stratified, seeded), fit the normalization on the training split only and
// apply it to all three.

#include "datasets/Dataset.h"
#include "engine/Experiment.h"

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

// Views for the trainer (share storage with the datasets).
DataView viewOf(const Dataset& dataset);

}  // namespace dlab::data
