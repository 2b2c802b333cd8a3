#pragma once
// What the data panel shows about a dataset before training: sizes and class balance per
// split, the input shape, the range and spread of the raw values, and a grid of example
// images per class.
//
// Everything is read through the SampleStore, so it works the same on a streamed image
// folder as on data in memory; on a large training split the value statistics come from
// an evenly spaced sample of it (SummaryOptions::maxStatSamples) so that a summary does
// not decode a whole folder.
//
// Thread safety: pure functions of their arguments; call them from a loading thread.

#include "datasets/Dataset.h"
#include "datasets/Load.h"

#include <cstdint>
#include <string>
#include <vector>

namespace dlab::data {

struct SplitSummary {
    std::string name;                  // "train", "validation", "test"
    int64_t samples = 0;
    std::vector<int64_t> classCounts;  // numClasses entries; empty for regression
};

struct DatasetSummary {
    std::string name;
    Shape inputShape;       // one sample: (C, H, W) for images, (F,) for features
    bool isImage = false;
    int numClasses = 0;     // 0: regression
    int targetSize = 1;
    std::vector<std::string> classNames;
    std::vector<SplitSummary> splits;  // train, validation, test, in that order

    // Raw values of the training split (pixels 0..255, features as loaded), over
    // statSamples samples: the smallest and largest value, and per channel (images: C
    // entries) or per feature (F entries) the mean and population std.
    int64_t statSamples = 0;
    float minValue = 0.0f;
    float maxValue = 0.0f;
    std::vector<double> channelMean;
    std::vector<double> channelStd;

    // Regression: the range of the training targets; 0, 0 for classification.
    float targetMin = 0.0f;
    float targetMax = 0.0f;
};

struct SummaryOptions {
    // Value statistics read at most this many training samples (0: all of them).
    int64_t maxStatSamples = 10000;
};

// Throws std::invalid_argument when the training split has no store; LoadCancelled when
// `progress` returns false. Errors of the store (a file that fails to decode) propagate.
DatasetSummary summarize(const Split& split, const SummaryOptions& options = {},
                         const ProgressFn& progress = {});

// One example image for the GUI's grid.
struct SampleTile {
    int label = -1;          // class index; -1 for regression
    int64_t position = 0;    // position in the dataset
    int64_t row = 0;         // index in the store
    std::string name;        // the store's name for it (a file name), may be empty
    Shape shape;             // (C, H, W)
    std::vector<uint8_t> pixels;  // C·H·W bytes, planar as the store keeps them
};

// Up to `perClass` samples of each class (all samples together for regression), drawn
// without replacement with `seed`, class by class in class order. Empty for feature
// data (there is no image to show). Deterministic for a seed.
std::vector<SampleTile> sampleGrid(const Dataset& data, int perClass, uint64_t seed);

}  // namespace dlab::data
