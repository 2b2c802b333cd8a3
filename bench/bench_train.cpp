// bench_train: dlab's training throughput and accuracy on Fashion-MNIST, the C++ half of
// bench/run_bench.sh (bench/torch_bench.py is the PyTorch half, with the same networks,
// data preparation and settings).
//
//   bench_train [--mode throughput|accuracy] [--network mlp|cnn|all] [--samples N]
//               [--data DIR]
//
// Networks are the "mlp" and "cnn" presets (784-256-128-10; two conv3×3 + BatchNorm +
// ReLU + max-pool stages, fc128, fc10), trained with Adam 1e-3, batch 64, on images
// scaled to [0, 1] and standardized with the training set's mean and deviation.
//
// throughput  per network: a warm-up of 10 batches, then two timed epochs of the
//             Trainer over the first N training images; prints the better one as
//             "mlp samples_per_s=23456.7".
// accuracy    trains the mlp preset for its 5 epochs on all 60,000 training images and
//             evaluates on the 10,000 test images: "mlp test_accuracy=0.8812 seconds=14.2".
//
// OpenBLAS reads OPENBLAS_NUM_THREADS when it is loaded, so the caller sets it
// (run_bench.sh sets 1: on two cores its threads would fight the measurement).

#include "datasets/Idx.h"
#include "datasets/Prepare.h"
#include "engine/cpu/Blas.h"
#include "engine/Experiment.h"
#include "engine/Trainer.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

using namespace dlab;

constexpr int kClasses = 10;
constexpr int kWarmupBatches = 10;
constexpr int kTimedPasses = 2;

struct Options {
    std::string mode = "throughput";
    std::string network = "all";
    int64_t samples = 0;  // 0: the network's default below
    std::string dataDir = data::kFashionMnistDir;
};

// Enough work for a stable figure in a few seconds per pass on this project's machines.
int64_t defaultSamples(const std::string& network) {
    return network == "mlp" ? 30000 : 9600;
}

const char* kUsage =
    "usage: bench_train [--mode throughput|accuracy] [--network mlp|cnn|all] [--samples N]\n"
    "                   [--data DIR]\n";

bool parseOptions(int argc, char** argv, Options& options) {
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg == "-h" || arg == "--help") {
            std::fputs(kUsage, stdout);
            std::exit(0);
        }
        if (i + 1 >= argc) {
            std::fprintf(stderr, "bench_train: '%s' needs a value\n%s", arg.c_str(), kUsage);
            return false;
        }
        const std::string value = argv[++i];
        if (arg == "--mode" && (value == "throughput" || value == "accuracy")) {
            options.mode = value;
        } else if (arg == "--network" && (value == "mlp" || value == "cnn" || value == "all")) {
            options.network = value;
        } else if (arg == "--samples" && std::atoll(value.c_str()) > 0) {
            options.samples = std::atoll(value.c_str());
        } else if (arg == "--data") {
            options.dataDir = value;
        } else {
            std::fprintf(stderr, "bench_train: bad option '%s %s'\n%s", arg.c_str(),
                         value.c_str(), kUsage);
            return false;
        }
    }
    return true;
}

// A split as tensors in memory, normalized with the training set's statistics (as the
// PyTorch side holds its data), so only training itself is timed.
DataView normalized(const data::Dataset& set, const data::Normalization& norm) {
    Tensor x = set.inputsTensor();
    data::applyNormalization(norm, x);
    return {x, set.targetsTensor()};
}

DataView prefix(const DataView& set, int64_t n) {
    return {set.inputs.slice(0, n), set.targets.slice(0, n)};
}

double throughput(const std::string& name, const DataView& train, int64_t samples) {
    const Experiment preset = presetExperiment(name);
    Network network(resolveNetwork(preset.network, kClasses), train.inputs.shape().dropBatch(), 1);
    TrainConfig config = preset.training;
    config.epochs = 1;
    Trainer trainer(network, config);
    trainer.fit(prefix(train, int64_t{kWarmupBatches} * config.batchSize), {});
    double best = 0.0;
    for (int pass = 0; pass < kTimedPasses; ++pass) {
        const TrainResult result = trainer.fit(prefix(train, samples), {});
        if (result.status != TrainStatus::Finished) {
            throw std::runtime_error(name + ": training stopped: " + result.message);
        }
        best = std::max(best, result.samplesPerSecond);
    }
    return best;
}

int runThroughput(const Options& options) {
    const data::Dataset raw = data::loadFashionMnist(options.dataDir, true);
    const DataView train = normalized(
        raw, data::fitNormalization(raw, data::NormalizationKind::Standardize));
    const std::vector<std::string> networks =
        options.network == "all" ? std::vector<std::string>{"mlp", "cnn"}
                                 : std::vector<std::string>{options.network};
    for (const std::string& name : networks) {
        const int64_t samples =
            std::min(options.samples > 0 ? options.samples : defaultSamples(name), train.size());
        std::printf("%s samples_per_s=%.1f samples=%lld\n", name.c_str(),
                    throughput(name, train, samples), static_cast<long long>(samples));
        std::fflush(stdout);
    }
    return 0;
}

int runAccuracy(const Options& options) {
    const data::Dataset rawTrain = data::loadFashionMnist(options.dataDir, true);
    const data::Normalization norm =
        data::fitNormalization(rawTrain, data::NormalizationKind::Standardize);
    const DataView train = normalized(rawTrain, norm);
    const DataView test = normalized(data::loadFashionMnist(options.dataDir, false), norm);
    const Experiment preset = presetExperiment("mlp");
    Network network(resolveNetwork(preset.network, kClasses), train.inputs.shape().dropBatch(), 1);
    Trainer trainer(network, preset.training);
    const auto start = std::chrono::steady_clock::now();
    const TrainResult result = trainer.fit(train, {});
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (result.status != TrainStatus::Finished) {
        throw std::runtime_error("mlp: training stopped: " + result.message);
    }
    const EvalResult eval = trainer.evaluate(test);
    std::printf("mlp test_accuracy=%.4f seconds=%.1f epochs=%d\n", eval.accuracy, seconds,
                result.epochs);
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    blas::ensureFastKernels(argv);
    Options options;
    if (!parseOptions(argc, argv, options)) {
        return 2;
    }
    try {
        return options.mode == "accuracy" ? runAccuracy(options) : runThroughput(options);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "bench_train: %s\n", e.what());
        return 1;
    }
}
