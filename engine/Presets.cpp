// Built-in experiments, written in the experiment file format itself so each preset
// is also an example of that format (dlab-train --show-preset NAME prints it).
#include "engine/Experiment.h"

#include <array>

namespace dlab {
namespace {

struct Preset {
    const char* name;
    const char* help;
    const char* json;
};

constexpr std::array<Preset, 7> kPresets = {{
    {"spiral", "A small MLP (2-64-64-3, ReLU, Adam) on the 3-class spiral: trains in seconds.",
     R"({"name": "Spiral MLP",
         "data": {"source": "spiral", "samples": 900, "noise": 0.2, "classes": 3,
                  "validation": 0.1, "test": 0.1, "normalization": "standardize"},
         "network": [{"type": "dense", "units": 64}, {"type": "relu"},
                     {"type": "dense", "units": 64}, {"type": "relu"},
                     {"type": "dense", "units": "classes"}],
         "training": {"epochs": 60, "batch_size": 32, "loss": "cross_entropy",
                      "optimizer": {"type": "adam", "lr": 0.01},
                      "schedule": {"type": "cosine"}}})"},
    {"linear", "A linear classifier (softmax regression) on Fashion-MNIST: one dense layer.",
     R"({"name": "Linear classifier",
         "data": {"source": "fashion-mnist", "validation": 0.1, "normalization": "standardize"},
         "network": [{"type": "flatten"},
                     {"type": "dense", "units": "classes", "init": "normal", "init_std": 0.01}],
         "training": {"epochs": 5, "batch_size": 64, "loss": "cross_entropy",
                      "optimizer": {"type": "sgd", "lr": 0.01}}})"},
    {"mlp", "The MLP 784-256-128-10 with ReLU and Adam 1e-3 on Fashion-MNIST.",
     R"({"name": "MLP",
         "data": {"source": "fashion-mnist", "validation": 0.1, "normalization": "standardize"},
         "network": [{"type": "flatten"},
                     {"type": "dense", "units": 256}, {"type": "relu"},
                     {"type": "dense", "units": 128}, {"type": "relu"},
                     {"type": "dense", "units": "classes"}],
         "training": {"epochs": 5, "batch_size": 64, "loss": "cross_entropy",
                      "optimizer": {"type": "adam", "lr": 0.001}}})"},
    {"cnn", "A small CNN: two conv3×3 + BatchNorm + ReLU + max-pool stages, fc128, fc10.",
     R"({"name": "Small CNN",
         "data": {"source": "fashion-mnist", "validation": 0.1, "normalization": "standardize"},
         "network": [{"type": "conv2d", "filters": 16, "kernel": 3, "padding": 1},
                     {"type": "batchnorm2d"}, {"type": "relu"}, {"type": "maxpool2d"},
                     {"type": "conv2d", "filters": 32, "kernel": 3, "padding": 1},
                     {"type": "batchnorm2d"}, {"type": "relu"}, {"type": "maxpool2d"},
                     {"type": "flatten"},
                     {"type": "dense", "units": 128}, {"type": "relu"},
                     {"type": "dense", "units": "classes"}],
         "training": {"epochs": 3, "batch_size": 64, "loss": "cross_entropy",
                      "optimizer": {"type": "adam", "lr": 0.001}}})"},
    {"lenet5", "LeNet-5 (LeCun 1998): conv5×5(6), pool, conv5×5(16), pool, 120, 84, 10.",
     R"({"name": "LeNet-5",
         "data": {"source": "fashion-mnist", "validation": 0.1, "normalization": "standardize"},
         "network": [{"type": "conv2d", "filters": 6, "kernel": 5, "padding": 2},
                     {"type": "tanh"}, {"type": "avgpool2d"},
                     {"type": "conv2d", "filters": 16, "kernel": 5},
                     {"type": "tanh"}, {"type": "avgpool2d"},
                     {"type": "flatten"},
                     {"type": "dense", "units": 120, "init": "xavier_normal"}, {"type": "tanh"},
                     {"type": "dense", "units": 84, "init": "xavier_normal"}, {"type": "tanh"},
                     {"type": "dense", "units": "classes", "init": "xavier_normal"}],
         "training": {"epochs": 3, "batch_size": 64, "loss": "cross_entropy",
                      "optimizer": {"type": "adam", "lr": 0.001}}})"},
    {"vgg", "A small VGG-style CNN: two stacks of two conv3×3 + BatchNorm + ReLU, max-pool, "
            "then fc128 with dropout.",
     R"({"name": "Small VGG",
         "data": {"source": "fashion-mnist", "validation": 0.1, "normalization": "standardize"},
         "network": [{"type": "conv2d", "filters": 32, "kernel": 3, "padding": 1},
                     {"type": "batchnorm2d"}, {"type": "relu"},
                     {"type": "conv2d", "filters": 32, "kernel": 3, "padding": 1},
                     {"type": "batchnorm2d"}, {"type": "relu"}, {"type": "maxpool2d"},
                     {"type": "conv2d", "filters": 64, "kernel": 3, "padding": 1},
                     {"type": "batchnorm2d"}, {"type": "relu"},
                     {"type": "conv2d", "filters": 64, "kernel": 3, "padding": 1},
                     {"type": "batchnorm2d"}, {"type": "relu"}, {"type": "maxpool2d"},
                     {"type": "flatten"},
                     {"type": "dense", "units": 128}, {"type": "relu"},
                     {"type": "dropout", "rate": 0.5},
                     {"type": "dense", "units": "classes"}],
         "training": {"epochs": 3, "batch_size": 64, "loss": "cross_entropy",
                      "optimizer": {"type": "adam", "lr": 0.001}}})"},
    {"resnet", "A small ResNet: a conv stem, two residual blocks (the second halves the size "
               "with a 1×1 projection shortcut), global average pooling.",
     R"({"name": "Small ResNet",
         "data": {"source": "fashion-mnist", "validation": 0.1, "normalization": "standardize"},
         "network": [{"type": "conv2d", "filters": 16, "kernel": 3, "padding": 1},
                     {"type": "batchnorm2d"}, {"type": "relu"},
                     {"type": "residual", "layers": [
                         {"type": "conv2d", "filters": 16, "kernel": 3, "padding": 1},
                         {"type": "batchnorm2d"}, {"type": "relu"},
                         {"type": "conv2d", "filters": 16, "kernel": 3, "padding": 1},
                         {"type": "batchnorm2d"}]},
                     {"type": "residual", "layers": [
                         {"type": "conv2d", "filters": 32, "kernel": 3, "padding": 1,
                          "stride": 2},
                         {"type": "batchnorm2d"}, {"type": "relu"},
                         {"type": "conv2d", "filters": 32, "kernel": 3, "padding": 1},
                         {"type": "batchnorm2d"}]},
                     {"type": "global_avgpool"},
                     {"type": "dense", "units": "classes"}],
         "training": {"epochs": 3, "batch_size": 64, "loss": "cross_entropy",
                      "optimizer": {"type": "adam", "lr": 0.001}}})"},
}};

}  // namespace

std::vector<std::string> presetNames() {
    std::vector<std::string> names;
    for (const auto& p : kPresets) {
        names.emplace_back(p.name);
    }
    return names;
}

std::string presetHelp(const std::string& name) {
    for (const auto& p : kPresets) {
        if (name == p.name) {
            return p.help;
        }
    }
    return {};
}

Experiment presetExperiment(const std::string& name) {
    for (const auto& p : kPresets) {
        if (name == p.name) {
            return parseExperiment(p.json);
        }
    }
    std::string valid;
    for (const auto& p : kPresets) {
        valid += (valid.empty() ? "" : ", ") + std::string(p.name);
    }
    throw ExperimentError("unknown preset '" + name + "' (presets: " + valid + ")");
}

}  // namespace dlab
