#pragma once
// A dataset: a list of samples in a shared SampleStore, their targets, and class names.
//
//   store    the samples (uint8 pixels (C, H, W) or float features (F,)), shared
//   rows     which store samples belong to this dataset, in order (a split is a dataset
//            with a subset of rows: no sample is copied)
//   targets  rows.size() × targetSize floats: class indices (targetSize 1, numClasses > 0)
//            or regression targets (numClasses == 0)
//
// Datasets are cheap values: copying one copies the row list and targets, never samples.

#include "datasets/SampleStore.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace dlab::data {

struct Dataset {
    std::string name;
    std::shared_ptr<const SampleStore> store;
    std::vector<int64_t> rows;
    std::vector<float> targets;
    int targetSize = 1;
    int numClasses = 0;
    std::vector<std::string> classNames;

    int64_t size() const { return static_cast<int64_t>(rows.size()); }
    Shape sampleShape() const { return store ? store->sampleShape() : Shape{}; }
    bool isImage() const { return store && store->type() == SampleType::Pixels; }
    // 255 for pixel data, 0 for features (the "unit" normalization divides by it).
    float pixelMax() const { return isImage() ? 255.0f : 0.0f; }
    // Class index of sample `pos` (classification only).
    int label(int64_t pos) const { return static_cast<int>(targets[static_cast<size_t>(pos)]); }
    // Samples per class, numClasses entries.
    std::vector<int64_t> classCounts() const;

    // The samples at `positions` (positions into this dataset), in that order.
    Dataset subset(const std::vector<int64_t>& positions) const;
    // All inputs as raw floats (N, ...sampleShape) / targets as (N,) or (N, T). For small
    // sets, tests and the reference path; the trainer reads batches through DataLoader.
    Tensor inputsTensor() const;
    Tensor targetsTensor() const;
};

// A dataset over float tensors already in memory: inputs (N, ...), targets (N,) with
// class indices (numClasses > 0) or (N, T). Copies the values into a MemoryStore.
Dataset datasetFromTensors(const std::string& name, const Tensor& inputs, const Tensor& targets,
                           int numClasses, std::vector<std::string> classNames = {});

struct Split {
    Dataset train, validation, test;
};

// Stratified (per class, for classification), seeded split by fractions. When
// `existingTest` is given (a dataset that ships its own test set) testFraction is
// ignored and that set is used as the test split. Fractions must leave a non-empty
// training set; throws std::invalid_argument otherwise.
Split splitDataset(const Dataset& all, double validationFraction, double testFraction,
                   uint64_t seed, const Dataset* existingTest = nullptr);

// K-fold cross-validation: k pairs of (training positions, held-out positions), the
// held-out folds disjoint and covering every sample once; stratified for classification.
struct Fold {
    std::vector<int64_t> train;
    std::vector<int64_t> heldOut;
};
std::vector<Fold> kFoldIndices(const Dataset& all, int k, uint64_t seed);

enum class NormalizationKind {
    None,         // values as loaded
    Unit,         // to [0, 1]: divide by 255 for images, min-max per feature otherwise
    MeanImage,    // subtract the mean image (per pixel and channel), after Unit for images
    ChannelMean,  // subtract the per-channel (per-feature) mean, after Unit for images
    Standardize,  // per channel (per feature): (x - mean) / std, after Unit for images
};

// Fitted on the training split only, then applied unchanged to validation, test and
// inference inputs (and saved with the experiment). Applied as
//   x' = (x · scale - offset[i]) / divisor[i]
// where i is the channel (images, offset/divisor of size C), the feature, or for
// MeanImage the element of the sample (offset of size numel, divisor all ones).
struct Normalization {
    NormalizationKind kind = NormalizationKind::None;
    float scale = 1.0f;
    std::vector<float> offset;
    std::vector<float> divisor;
    Shape sampleShape;  // the shape it was fitted on
};

// "none", "unit", "mean_image", "channel_mean", "standardize"
NormalizationKind parseNormalizationKind(const std::string& name);
std::string normalizationKindName(NormalizationKind kind);
std::vector<std::string> normalizationKindNames();
// Reads the training samples through the store (so it works for streamed data too).
Normalization fitNormalization(const Dataset& train, NormalizationKind kind);
// Normalizes `count` raw float samples of the fitted shape, laid out back to back.
void applyNormalization(const Normalization& norm, float* samples, int64_t count);
void applyNormalization(const Normalization& norm, Tensor& inputs);

}  // namespace dlab::data
