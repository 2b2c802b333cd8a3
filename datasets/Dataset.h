#pragma once
// An in-memory dataset: inputs and targets as tensors, plus class names.
//
//   inputs  (N, ...sampleShape) float32: images as (N, C, H, W) with raw pixel values
//           0..255 as loaded (normalization is a separate, fitted step), tabular and
//           2-D sets as (N, F).
//   targets (N,) class indices stored as floats for classification (numClasses > 0),
//           or (N, T) real targets for regression (numClasses == 0).
//
// The full data pipeline (uint8 storage, streaming, augmentation) is its own issue;
// this is what the trainer consumes. Datasets are plain values: copy to share.

#include "engine/Tensor.h"

#include <cstdint>
#include <string>
#include <vector>

namespace dlab::data {

struct Dataset {
    std::string name;
    Tensor inputs;
    Tensor targets;
    int numClasses = 0;
    std::vector<std::string> classNames;
    float pixelMax = 0.0f;  // 255 for image data loaded as raw pixels, 0 for features

    int64_t size() const { return inputs.defined() ? inputs.size(0) : 0; }
    Shape sampleShape() const { return inputs.shape().dropBatch(); }
    // The subset at `indices` (copied, in that order).
    Dataset subset(const std::vector<int64_t>& indices) const;
};

struct Split {
    Dataset train, validation, test;
};

// Stratified (per class, for classification), seeded split by fractions. When
// `existingTest` is given (a dataset that ships its own test set) testFraction is
// ignored and that set is used as the test split. Fractions must leave a non-empty
// training set; throws std::invalid_argument otherwise.
Split splitDataset(const Dataset& all, double validationFraction, double testFraction,
                   uint64_t seed, const Dataset* existingTest = nullptr);

enum class NormalizationKind {
    None,         // values as loaded
    Unit,         // to [0, 1]: divide by pixelMax for images, min-max per feature otherwise
    Standardize,  // per channel (images) or per feature: (x - mean) / std, after Unit for images
};

// Fitted on the training split only, then applied unchanged to validation, test and
// inference inputs (and saved with the experiment).
struct Normalization {
    NormalizationKind kind = NormalizationKind::None;
    float scale = 1.0f;           // Unit on images: 1 / pixelMax
    std::vector<float> offset;    // per channel/feature, subtracted after scaling
    std::vector<float> divisor;   // per channel/feature, divided after subtracting
};

NormalizationKind parseNormalizationKind(const std::string& name);  // "none", "unit",
                                                                    // "standardize"
std::string normalizationKindName(NormalizationKind kind);
Normalization fitNormalization(const Dataset& train, NormalizationKind kind);
void applyNormalization(const Normalization& norm, Dataset& data);
void applyNormalization(const Normalization& norm, Tensor& inputs);

}  // namespace dlab::data
