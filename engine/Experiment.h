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

#include "engine/JsonReader.h"
#include "engine/Registry.h"
#include "engine/Trainer.h"

#include <string>
#include <vector>

namespace dlab {

inline constexpr int kExperimentVersion = 1;

struct Experiment {
    std::string name = "untitled";
    std::string description;
    // The data section as written; datasets/DataConfig.h reads and checks it.
    Json data = Json{{"source", "spiral"}};
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
