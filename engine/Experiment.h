#pragma once
// The experiment file: network, data and training settings in one JSON document.
// dlab-train reads it, the lab window saves and opens it.
//
//   {
//     "dlab_experiment": 1,
//     "name": "Spiral MLP",
//     "data": {"source": "spiral", "samples": 900, "noise": 0.2, "classes": 3,
//              "seed": 1, "validation": 0.1, "test": 0.1, "normalization": "standardize"},
//     "network": [{"type": "dense", "units": 64}, {"type": "relu"},
//                 {"type": "dense", "units": "classes"}],
//     "training": {"epochs": 100, "batch_size": 32, "loss": "cross_entropy",
//                  "optimizer": {"type": "adam", "lr": 0.01},
//                  "schedule": {"type": "constant"}, "regularization": {"l2": 0},
//                  "clip_norm": 0, "early_stopping": {"patience": 0}, "seed": 0},
//     "device": "cpu"
//   }
//
// A layer's "units" (or any setting) may be the word "classes": it becomes the number
// of classes (or regression targets) of the data at run time, so one network fits any
// data set. Residual blocks nest their layers under "layers".
//
// Errors are ExperimentError with the JSON path of the bad value:
// "training.optimizer.lr: expected a number > 0, got \"fast\"".

#include "engine/Registry.h"
#include "engine/Trainer.h"

#include <stdexcept>
#include <string>
#include <vector>

namespace dlab {

class ExperimentError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

inline constexpr int kExperimentVersion = 1;

struct DataConfig {
    // "fashion-mnist", "idx" (path = images file, labels = labels file), or a generated
    // 2-D set: "circle", "xor", "blobs", "spiral", "moons".
    std::string source = "spiral";
    std::string path;          // fashion-mnist folder, or the IDX images file
    std::string labels;        // IDX labels file
    std::string testPath;      // optional IDX test images file
    std::string testLabels;    // optional IDX test labels file
    int64_t samples = 900;     // generated sets: total samples
    double noise = 0.2;        // generated sets
    int classes = 3;           // generated sets with a class count (blobs, spiral)
    uint64_t seed = 1;         // generated sets and the split
    double validation = 0.1;   // fractions of the data
    double test = 0.1;         // ignored when the source ships a test set
    std::string normalization = "standardize";  // "none", "unit", "standardize"
    int64_t limit = 0;         // use at most this many training samples (0: all)
};

struct Experiment {
    std::string name = "untitled";
    std::string description;
    DataConfig data;
    std::vector<LayerSpec> network;
    TrainConfig training;
    std::string device = "cpu";  // "cpu" or "cuda"
};

Experiment parseExperiment(const std::string& jsonText);
// Reads and parses a file; errors start with the path.
Experiment loadExperiment(const std::string& path);
std::string experimentToJson(const Experiment& experiment);
void saveExperiment(const Experiment& experiment, const std::string& path);

// Replaces every setting whose value is "classes" with `outputs`.
std::vector<LayerSpec> resolveNetwork(const std::vector<LayerSpec>& specs, int outputs);

// Built-in experiments usable without writing a file.
std::vector<std::string> presetNames();
std::string presetHelp(const std::string& name);
// Throws ExperimentError listing the valid names.
Experiment presetExperiment(const std::string& name);

}  // namespace dlab
