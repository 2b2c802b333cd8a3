#pragma once
// The data section of an experiment file, read and checked by the data pipeline:
//
//   "data": {
//     "source": "spiral",          built-in: fashion-mnist; generated: circle, xor,
//                                  blobs, spiral, moons, plane, bump, sine; "idx" (path +
//                                  labels); or "path": any file or folder a user could
//                                  drop on the window (IDX, CIFAR, CSV/TSV, image folder)
//     "path": "...", "labels": "...", "test_path": "...", "test_labels": "...",
//     "samples": 900, "noise": 0.2, "classes": 3, "seed": 1,       generated sets
//     "validation": 0.1, "test": 0.1,   fractions (test ignored when the data ships one)
//     "normalization": "standardize",   none, unit, mean_image, channel_mean, standardize
//     "limit": 0,                       use at most this many training samples
//     "image_size": [28, 28], "color": "keep",     image folders: resize, gray/color/keep
//     "label_column": "", "regression": false,     CSV
//     "memory_budget_mb": 2048,         larger image folders are streamed from disk
//     "normalization_stats": {...},     written by a trained run: the statistics fitted on
//                                       its training split, reused as they are so that
//                                       evaluation and inference normalize identically
//     "augment": {                      training batches only; a key enables a transform
//       "crop": {"p": 1, "pad": 4}, "hflip": {"p": 0.5}, "vflip": {"p": 0.5},
//       "rotation": {"p": 0.5, "degrees": 15}, "translation": {"p": 0.5, "fraction": 0.1},
//       "scale": {"p": 0.5, "min": 0.9, "max": 1.1},
//       "color_jitter": {"p": 0.8, "brightness": 0.2, "contrast": 0.2, "saturation": 0.2},
//       "noise": {"p": 0.5, "std": 10}, "erasing": {"p": 0.5, "min_area": 0.02,
//       "max_area": 0.33, "random_fill": true}}
//   }
//
// Errors are ExperimentError naming the JSON path ("data.augment.rotation.degrees: ...").

#include "datasets/Augment.h"
#include "datasets/Load.h"
#include "engine/JsonReader.h"

#include <optional>
#include <string>

namespace dlab::data {

struct DataConfig {
    std::string source = "spiral";
    std::string path;
    std::string labels;
    std::string testPath;
    std::string testLabels;
    int64_t samples = 900;
    double noise = 0.2;
    int classes = 3;
    uint64_t seed = 1;
    double validation = 0.1;
    double test = 0.1;
    std::string normalization = "standardize";
    int64_t limit = 0;
    LoadOptions load;
    AugmentConfig augment;
    // Statistics fitted by an earlier run; used instead of fitting when set.
    std::optional<Normalization> fitted;
};

DataConfig parseDataConfig(const Json& json);
Json dataConfigToJson(const DataConfig& config);

}  // namespace dlab::data
