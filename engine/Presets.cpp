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

constexpr std::array<Preset, 13> kPresets = {{
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
    {"playground",
     "A small tanh MLP (2-8-8-3) on the spiral, as in TensorFlow Playground: the Boundary tab "
     "shows, beside the class map, what each of the 16 hidden neurons computes over the plane.",
     R"({"name": "Playground",
         "data": {"source": "spiral", "samples": 900, "noise": 0.15, "classes": 3,
                  "validation": 0.1, "test": 0.1, "normalization": "standardize"},
         "network": [{"type": "dense", "units": 8}, {"type": "tanh"},
                     {"type": "dense", "units": 8}, {"type": "tanh"},
                     {"type": "dense", "units": "classes"}],
         "training": {"epochs": 300, "batch_size": 32, "loss": "cross_entropy",
                      "optimizer": {"type": "adam", "lr": 0.02}}})"},
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
    {"tanh-init-small",
     "Initialization (1/3): 10 tanh layers of 500, weights N(0, 0.01²). Open the Histograms "
     "tab before training: each layer's activations are narrower than the last, until the "
     "deep layers are all ≈ 0, and the gradients vanish with them; the loss stays near "
     "ln 10 ≈ 2.30.",
     R"({"name": "Deep tanh net, small init",
         "data": {"source": "fashion-mnist", "validation": 0.1, "normalization": "standardize"},
         "network": [
             {"type": "flatten"},
             {"type": "dense", "units": 500, "init": "normal", "init_std": 0.01}, {"type": "tanh"},
             {"type": "dense", "units": 500, "init": "normal", "init_std": 0.01}, {"type": "tanh"},
             {"type": "dense", "units": 500, "init": "normal", "init_std": 0.01}, {"type": "tanh"},
             {"type": "dense", "units": 500, "init": "normal", "init_std": 0.01}, {"type": "tanh"},
             {"type": "dense", "units": 500, "init": "normal", "init_std": 0.01}, {"type": "tanh"},
             {"type": "dense", "units": 500, "init": "normal", "init_std": 0.01}, {"type": "tanh"},
             {"type": "dense", "units": 500, "init": "normal", "init_std": 0.01}, {"type": "tanh"},
             {"type": "dense", "units": 500, "init": "normal", "init_std": 0.01}, {"type": "tanh"},
             {"type": "dense", "units": 500, "init": "normal", "init_std": 0.01}, {"type": "tanh"},
             {"type": "dense", "units": 500, "init": "normal", "init_std": 0.01}, {"type": "tanh"},
             {"type": "dense", "units": "classes", "init": "normal", "init_std": 0.01}],
         "training": {"epochs": 3, "batch_size": 64, "loss": "cross_entropy",
                      "optimizer": {"type": "sgd", "lr": 0.01, "momentum": 0.9}}})"},
    {"tanh-init-large",
     "Initialization (2/3): the same 10 × 500 tanh net, weights N(0, 1). In the Histograms "
     "tab every tanh layer piles up at −1 and +1 (about 90 % saturated), where the local "
     "gradient 1 − tanh² is ≈ 0; the logits are huge, the loss starts far above ln 10 and "
     "the accuracy stays near chance.",
     R"({"name": "Deep tanh net, large init",
         "data": {"source": "fashion-mnist", "validation": 0.1, "normalization": "standardize"},
         "network": [
             {"type": "flatten"},
             {"type": "dense", "units": 500, "init": "normal", "init_std": 1.0}, {"type": "tanh"},
             {"type": "dense", "units": 500, "init": "normal", "init_std": 1.0}, {"type": "tanh"},
             {"type": "dense", "units": 500, "init": "normal", "init_std": 1.0}, {"type": "tanh"},
             {"type": "dense", "units": 500, "init": "normal", "init_std": 1.0}, {"type": "tanh"},
             {"type": "dense", "units": 500, "init": "normal", "init_std": 1.0}, {"type": "tanh"},
             {"type": "dense", "units": 500, "init": "normal", "init_std": 1.0}, {"type": "tanh"},
             {"type": "dense", "units": 500, "init": "normal", "init_std": 1.0}, {"type": "tanh"},
             {"type": "dense", "units": 500, "init": "normal", "init_std": 1.0}, {"type": "tanh"},
             {"type": "dense", "units": 500, "init": "normal", "init_std": 1.0}, {"type": "tanh"},
             {"type": "dense", "units": 500, "init": "normal", "init_std": 1.0}, {"type": "tanh"},
             {"type": "dense", "units": "classes", "init": "normal", "init_std": 1.0}],
         "training": {"epochs": 3, "batch_size": 64, "loss": "cross_entropy",
                      "optimizer": {"type": "sgd", "lr": 0.01, "momentum": 0.9}}})"},
    {"tanh-init-xavier",
     "Initialization (3/3): the same net with Xavier/Glorot init, N(0, 2/(n_in + n_out)). In "
     "the Histograms tab the activations stay spread over (−1, 1) in every layer, gradients "
     "reach the first layer, and it trains.",
     R"({"name": "Deep tanh net, Xavier init",
         "data": {"source": "fashion-mnist", "validation": 0.1, "normalization": "standardize"},
         "network": [
             {"type": "flatten"},
             {"type": "dense", "units": 500, "init": "xavier_normal"}, {"type": "tanh"},
             {"type": "dense", "units": 500, "init": "xavier_normal"}, {"type": "tanh"},
             {"type": "dense", "units": 500, "init": "xavier_normal"}, {"type": "tanh"},
             {"type": "dense", "units": 500, "init": "xavier_normal"}, {"type": "tanh"},
             {"type": "dense", "units": 500, "init": "xavier_normal"}, {"type": "tanh"},
             {"type": "dense", "units": 500, "init": "xavier_normal"}, {"type": "tanh"},
             {"type": "dense", "units": 500, "init": "xavier_normal"}, {"type": "tanh"},
             {"type": "dense", "units": 500, "init": "xavier_normal"}, {"type": "tanh"},
             {"type": "dense", "units": 500, "init": "xavier_normal"}, {"type": "tanh"},
             {"type": "dense", "units": 500, "init": "xavier_normal"}, {"type": "tanh"},
             {"type": "dense", "units": "classes", "init": "xavier_normal"}],
         "training": {"epochs": 3, "batch_size": 64, "loss": "cross_entropy",
                      "optimizer": {"type": "sgd", "lr": 0.01, "momentum": 0.9}}})"},
    {"deep-sigmoid",
     "Gradient flow (1/2): 8 sigmoid layers of 128 (Xavier init), plain SGD. The Gradients "
     "tab shows the gradient norms shrinking layer by layer toward the input, about 4× per "
     "sigmoid (σ' ≤ 1/4), and the Histograms tab's gradient column narrows the same way: "
     "the first layers hardly learn. Compare with deep-relu.",
     R"({"name": "Deep sigmoid MLP",
         "data": {"source": "fashion-mnist", "validation": 0.1, "normalization": "standardize"},
         "network": [
             {"type": "flatten"},
             {"type": "dense", "units": 128, "init": "xavier_normal"}, {"type": "sigmoid"},
             {"type": "dense", "units": 128, "init": "xavier_normal"}, {"type": "sigmoid"},
             {"type": "dense", "units": 128, "init": "xavier_normal"}, {"type": "sigmoid"},
             {"type": "dense", "units": 128, "init": "xavier_normal"}, {"type": "sigmoid"},
             {"type": "dense", "units": 128, "init": "xavier_normal"}, {"type": "sigmoid"},
             {"type": "dense", "units": 128, "init": "xavier_normal"}, {"type": "sigmoid"},
             {"type": "dense", "units": 128, "init": "xavier_normal"}, {"type": "sigmoid"},
             {"type": "dense", "units": 128, "init": "xavier_normal"}, {"type": "sigmoid"},
             {"type": "dense", "units": "classes", "init": "xavier_normal"}],
         "training": {"epochs": 3, "batch_size": 64, "loss": "cross_entropy",
                      "optimizer": {"type": "sgd", "lr": 0.05}}})"},
    {"deep-relu",
     "Gradient flow (2/2): the same 8 × 128 net with ReLU and He init. The Gradients tab "
     "shows gradient norms of about one size in every layer, and it trains far faster than "
     "deep-sigmoid.",
     R"({"name": "Deep ReLU MLP",
         "data": {"source": "fashion-mnist", "validation": 0.1, "normalization": "standardize"},
         "network": [
             {"type": "flatten"},
             {"type": "dense", "units": 128, "init": "he_normal"}, {"type": "relu"},
             {"type": "dense", "units": 128, "init": "he_normal"}, {"type": "relu"},
             {"type": "dense", "units": 128, "init": "he_normal"}, {"type": "relu"},
             {"type": "dense", "units": 128, "init": "he_normal"}, {"type": "relu"},
             {"type": "dense", "units": 128, "init": "he_normal"}, {"type": "relu"},
             {"type": "dense", "units": 128, "init": "he_normal"}, {"type": "relu"},
             {"type": "dense", "units": 128, "init": "he_normal"}, {"type": "relu"},
             {"type": "dense", "units": 128, "init": "he_normal"}, {"type": "relu"},
             {"type": "dense", "units": "classes", "init": "he_normal"}],
         "training": {"epochs": 3, "batch_size": 64, "loss": "cross_entropy",
                      "optimizer": {"type": "sgd", "lr": 0.05}}})"},
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
