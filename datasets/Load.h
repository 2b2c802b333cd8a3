#pragma once
// Types shared by every loader: options, the progress/cancel callback, and the result
// with its warnings. Loaders are functions of (source, options, progress) -> LoadResult;
// they never show dialogs and report problems as warnings or as exceptions whose
// message names the file.

#include "datasets/Dataset.h"

#include <cstdint>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

namespace dlab::data {

// Called from the loading thread with the fraction done (0..1) and what is being read.
// Returning false cancels: the loader stops and throws LoadCancelled. May be empty.
using ProgressFn = std::function<bool(double fraction, const std::string& what)>;

class LoadCancelled : public std::runtime_error {
public:
    LoadCancelled() : std::runtime_error("loading cancelled") {}
};

// Calls `progress` when it is set; throws LoadCancelled when it returns false.
inline void reportProgress(const ProgressFn& progress, double fraction, const std::string& what) {
    if (progress && !progress(fraction, what)) {
        throw LoadCancelled();
    }
}

struct LoadOptions {
    // Image size to resize to, in pixels; 0 keeps the size of the data (image folders:
    // the first image's size).
    int64_t imageHeight = 0;
    int64_t imageWidth = 0;
    // Keep: colour when any image has colour, grayscale otherwise.
    enum class ColorMode { Keep, Gray, Color } color = ColorMode::Keep;
    // Decoded image folders larger than this (bytes) are streamed from disk instead.
    int64_t memoryBudgetBytes = 2LL << 30;
    // Streamed image folders: decoded samples kept in memory (bytes), an LRU cache.
    int64_t streamCacheBytes = 256LL << 20;
    // CSV: the label column's name or index; empty detects it.
    std::string csvLabelColumn;
    // CSV: a numeric regression target instead of class labels.
    bool regression = false;
    // CIFAR-100: the 20 coarse classes instead of the 100 fine ones.
    bool cifar100Coarse = false;
};

struct LoadResult {
    enum class Kind { Dataset, SingleImage } kind = Kind::Dataset;
    std::string format;  // "idx", "cifar10", "image-folder", "csv", ...
    Dataset train;
    bool hasTest = false;  // the data came with its own test set
    Dataset test;
    std::vector<std::string> warnings;
    std::vector<std::string> skippedFiles;  // files that could not be read
    std::string imagePath;  // Kind::SingleImage: the image to run the network on
};

}  // namespace dlab::data
