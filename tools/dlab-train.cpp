// dlab-train: trains an experiment from the command line, with the same engine and data
// code as the lab window. Prints progress, per-epoch lines and a last key=value line;
// writes metrics CSVs, the experiment and a checkpoint to the output folder.

#include "datasets/Prepare.h"
#include "engine/Backend.h"
#include "engine/Checkpoint.h"
#include "engine/Experiment.h"
#include "engine/Trainer.h"
#include "engine/cpu/Blas.h"

#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>
#include <string>

namespace {

using namespace dlab;
namespace fs = std::filesystem;

constexpr int kExitOk = 0;
constexpr int kExitError = 1;
constexpr int kExitUsage = 2;
constexpr int kExitDiverged = 3;

TrainControl g_control;

void onInterrupt(int) {
    g_control.stop.store(true);
}

const char* kHelp = R"(usage: dlab-train [EXPERIMENT.json | --preset NAME] [options]

Trains the network an experiment file describes (or a built-in preset) and reports
per-epoch training and validation loss and accuracy, then the test loss and accuracy.

Input (one of):
  EXPERIMENT.json        an experiment file (network, data and training settings)
  --preset NAME          a built-in experiment; --list-presets shows them

Options:
  --epochs N             train for N epochs (overrides the experiment)
  --seed S               training seed: initialization, shuffling, dropout. The same
                         seed on the same machine repeats a run bit for bit
  --out DIR              output folder (default: runs/<experiment name>); receives
                         metrics.csv (per epoch), steps.csv (per step),
                         experiment.json and weights.dlab (checkpoint)
  --data SOURCE          use other data: a file or folder (IDX, CIFAR-10/100 binary,
                         CSV/TSV, an image folder with one sub-folder per class), or
                         by name: fashion-mnist, spiral, circle, xor, blobs, moons,
                         plane, bump, sine
  --batch-size B         mini-batch size
  --lr LR                base learning rate
  --limit N              use at most N training samples (quick runs)
  --init-from FILE       start from the weights in a checkpoint instead of a fresh init
  --list-presets         list the built-in experiments
  --show-preset NAME     print a preset as an experiment file (a template to edit)
  --quiet                no progress bar and no per-epoch lines, only the last line
  -h, --help             this text

Output: a progress bar on a terminal (plain lines otherwise), one line per epoch, and
last a line of key=value pairs for scripts:
  status=finished test_loss=0.3521 test_accuracy=0.8745 samples_per_s=41234 ...
Exit status: 0 trained (also when stopped early), 1 an error (message on stderr),
2 bad command line, 3 training diverged (the message names the step and the cause).
Ctrl-C stops after the current step and still writes the outputs.
)";

struct Options {
    std::string experimentPath;
    std::string preset;
    std::optional<int> epochs;
    std::optional<uint64_t> seed;
    std::optional<int> batchSize;
    std::optional<double> lr;
    std::optional<int64_t> limit;
    std::string data;
    std::string out;
    std::string initFrom;
    bool quiet = false;
};

[[noreturn]] void usageError(const std::string& message) {
    std::cerr << "dlab-train: " << message << "\n(see dlab-train --help)\n";
    std::exit(kExitUsage);
}

template <typename T>
T parseNumber(const std::string& option, const std::string& text, T min) {
    std::istringstream in(text);
    T value{};
    if (!(in >> value) || !in.eof() || value < min) {
        usageError(option + " expects a number ≥ " + std::to_string(min) + ", got '" + text +
                   "'");
    }
    return value;
}

Options parseArgs(int argc, char** argv) {
    Options o;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        auto value = [&]() -> std::string {
            if (i + 1 >= argc) {
                usageError(arg + " needs a value");
            }
            return argv[++i];
        };
        if (arg == "-h" || arg == "--help") {
            std::cout << kHelp;
            std::exit(kExitOk);
        } else if (arg == "--list-presets") {
            for (const auto& name : presetNames()) {
                std::cout << "  " << name << std::string(10 - std::min<size_t>(9, name.size()), ' ')
                          << presetHelp(name) << "\n";
            }
            std::exit(kExitOk);
        } else if (arg == "--show-preset") {
            try {
                std::cout << experimentToJson(presetExperiment(value()));
            } catch (const std::exception& e) {
                usageError(e.what());
            }
            std::exit(kExitOk);
        } else if (arg == "--preset") {
            o.preset = value();
        } else if (arg == "--epochs") {
            o.epochs = parseNumber<int>(arg, value(), 1);
        } else if (arg == "--seed") {
            o.seed = parseNumber<uint64_t>(arg, value(), 0);
        } else if (arg == "--batch-size") {
            o.batchSize = parseNumber<int>(arg, value(), 1);
        } else if (arg == "--lr") {
            o.lr = parseNumber<double>(arg, value(), 0.0);
        } else if (arg == "--limit") {
            o.limit = parseNumber<int64_t>(arg, value(), 1);
        } else if (arg == "--data") {
            o.data = value();
        } else if (arg == "--out") {
            o.out = value();
        } else if (arg == "--init-from") {
            o.initFrom = value();
        } else if (arg == "--quiet") {
            o.quiet = true;
        } else if (!arg.empty() && arg[0] == '-') {
            usageError("unknown option " + arg);
        } else if (o.experimentPath.empty()) {
            o.experimentPath = arg;
        } else {
            usageError("more than one experiment file given");
        }
    }
    if (o.experimentPath.empty() == o.preset.empty()) {
        usageError("give an experiment file or --preset NAME (presets: --list-presets)");
    }
    return o;
}

std::string fileSafe(const std::string& name) {
    std::string out;
    for (char c : name) {
        out += (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_') ? c : '-';
    }
    return out.empty() ? "run" : out;
}

std::string fmt(double v, int precision = 4) {
    if (v < 0.0) {
        return "-";
    }
    std::ostringstream out;
    out.setf(std::ios::fixed);
    out.precision(precision);
    out << v;
    return out.str();
}

// Prints progress on a terminal at most 10 times a second and writes the step CSV.
class ConsoleObserver final : public TrainerObserver {
public:
    ConsoleObserver(int epochs, bool quiet, std::ofstream& steps, std::ofstream& metrics)
        : m_epochs(epochs), m_quiet(quiet), m_tty(isatty(STDOUT_FILENO) != 0), m_steps(steps),
          m_metrics(metrics) {}

    void onStep(const StepRecord& r) override {
        m_steps << r.step << ',' << r.epoch << ',' << r.loss << ',' << r.accuracy << ','
                << r.learningRate << ',' << r.gradNorm << '\n';
        m_epochLossSum += r.loss;
        ++m_epochSteps;
        if (m_quiet || !m_tty) {
            return;
        }
        const auto now = std::chrono::steady_clock::now();
        if (r.batch != r.batches && now - m_lastDraw < std::chrono::milliseconds(100)) {
            return;
        }
        m_lastDraw = now;
        constexpr int kWidth = 30;
        const int filled = kWidth * r.batch / r.batches;
        std::cout << "\r  epoch " << r.epoch << "/" << m_epochs << " ["
                  << std::string(static_cast<size_t>(filled), '#')
                  << std::string(static_cast<size_t>(kWidth - filled), '.') << "] "
                  << 100 * r.batch / r.batches << "%  loss " << fmt(m_epochLossSum / m_epochSteps)
                  << "   " << std::flush;
    }

    void onEpoch(const EpochRecord& e) override {
        m_metrics << e.epoch << ',' << e.trainLoss << ',' << e.trainAccuracy << ',' << e.valLoss
                  << ',' << e.valAccuracy << ',' << e.learningRate << ',' << e.seconds << ','
                  << e.samplesPerSecond << '\n';
        m_metrics.flush();
        m_epochLossSum = 0.0;
        m_epochSteps = 0;
        if (m_quiet) {
            return;
        }
        if (m_tty) {
            std::cout << "\r" << std::string(72, ' ') << "\r";
        }
        std::cout << "epoch " << e.epoch << "/" << m_epochs << "  train loss "
                  << fmt(e.trainLoss) << " acc " << fmt(e.trainAccuracy) << " | val loss "
                  << fmt(e.valLoss) << " acc " << fmt(e.valAccuracy) << " | lr "
                  << e.learningRate << " | " << static_cast<int64_t>(e.samplesPerSecond)
                  << " samples/s | " << fmt(e.seconds, 1) << " s" << std::endl;
    }

private:
    int m_epochs;
    bool m_quiet;
    bool m_tty;
    std::ofstream& m_steps;
    std::ofstream& m_metrics;
    double m_epochLossSum = 0.0;
    int m_epochSteps = 0;
    std::chrono::steady_clock::time_point m_lastDraw{};
};

int run(const Options& o) {
    Experiment ex = o.preset.empty() ? loadExperiment(o.experimentPath)
                                     : presetExperiment(o.preset);
    if (o.epochs) ex.training.epochs = *o.epochs;
    if (o.seed) ex.training.seed = *o.seed;
    if (o.batchSize) ex.training.batchSize = *o.batchSize;
    if (o.lr) ex.training.optimizer.hyper.lr = static_cast<float>(*o.lr);
    if (o.limit) ex.data["limit"] = *o.limit;
    if (!o.data.empty()) {
        // A built-in or generated set by name, otherwise a file or folder to load.
        if (fs::exists(o.data)) {
            ex.data = Json{{"source", "path"}, {"path", o.data}};
        } else {
            ex.data["source"] = o.data;
        }
    }
    data::DataConfig dataConfig = data::parseDataConfig(ex.data);
    if (ex.device == "cuda") {
        // Fails in words when there is no GPU or no GPU backend in this build.
        backendFor(Device::CUDA);
    }

    const fs::path outDir = o.out.empty() ? fs::path("runs") / fileSafe(ex.name) : fs::path(o.out);
    fs::create_directories(outDir);

    data::PreparedData prepared = data::prepareData(dataConfig);
    const data::Dataset& train = prepared.split.train;
    const int outputs = train.numClasses > 0 ? train.numClasses : train.targetSize;
    ex.network = resolveNetwork(ex.network, outputs);
    Network network(ex.network, train.sampleShape(), ex.training.seed);
    if (network.outputShape().numel() != outputs) {
        throw std::invalid_argument("the network outputs " + network.outputShape().str() +
                                    " values per sample but the data has " +
                                    std::to_string(outputs) +
                                    (train.numClasses > 0 ? " classes" : " targets") +
                                    "; set the last layer's units to \"classes\"");
    }
    if (!o.initFrom.empty()) {
        loadCheckpoint(o.initFrom, network);
    }

    if (!o.quiet) {
        for (const auto& warning : prepared.warnings) {
            std::cout << "  warning: " << warning << "\n";
        }
        if (!prepared.skippedFiles.empty()) {
            std::cout << "  skipped " << prepared.skippedFiles.size()
                      << " unreadable files, e.g. " << prepared.skippedFiles.front() << "\n";
        }
        std::cout << "dlab-train: " << ex.name << "\n  data: " << prepared.summary
                  << "\n  network: " << network.parameterCount() << " parameters, "
                  << network.layers().describe() << "\n  device: cpu, " << cpuStatus()
                  << " (GPU: " << cudaStatus()
                  << ")\n  output: " << outDir.string() << std::endl;
    }

    std::ofstream metrics(outDir / "metrics.csv");
    metrics << "epoch,train_loss,train_accuracy,val_loss,val_accuracy,lr,seconds,samples_per_s\n";
    std::ofstream steps(outDir / "steps.csv");
    steps << "step,epoch,loss,accuracy,lr,grad_norm\n";
    if (!metrics || !steps) {
        throw std::runtime_error(outDir.string() + ": cannot write the metrics files");
    }

    Trainer trainer(network, ex.training);
    ConsoleObserver observer(ex.training.epochs, o.quiet, steps, metrics);
    std::signal(SIGINT, onInterrupt);
    auto trainLoader = data::makeLoader(prepared, train, true, ex.training.seed);
    auto validationLoader = data::makeLoader(prepared, prepared.split.validation, false, 0);
    const TrainResult result = trainer.fit(*trainLoader, validationLoader.get(), &observer,
                                           &g_control);
    std::signal(SIGINT, SIG_DFL);
    steps.flush();

    // The saved experiment carries the fitted statistics, so evaluating or running the
    // network later normalizes exactly as training did.
    dataConfig.fitted = prepared.normalization;
    ex.data = data::dataConfigToJson(dataConfig);
    saveExperiment(ex, (outDir / "experiment.json").string());
    saveCheckpoint((outDir / "weights.dlab").string(), network, experimentToJson(ex));

    const EvalResult test =
        trainer.evaluate(*data::makeLoader(prepared, prepared.split.test, false, 0));
    if (!result.message.empty()) {
        (result.status == TrainStatus::Diverged ? std::cerr : std::cout)
            << (result.status == TrainStatus::Diverged ? "training diverged at " : "")
            << result.message << std::endl;
    }
    std::cout << "status=" << trainStatusName(result.status) << " test_loss=" << fmt(test.loss)
              << " test_accuracy=" << fmt(test.accuracy) << " samples_per_s="
              << static_cast<int64_t>(result.samplesPerSecond) << " epochs=" << result.epochs
              << " steps=" << result.steps << " params=" << network.parameterCount()
              << " out=" << outDir.string() << std::endl;
    return result.status == TrainStatus::Diverged ? kExitDiverged : kExitOk;
}

}  // namespace

int main(int argc, char** argv) {
    blas::ensureFastKernels(argv);
    const Options options = parseArgs(argc, argv);
    try {
        return run(options);
    } catch (const std::exception& e) {
        std::cerr << "dlab-train: " << e.what() << std::endl;
        return kExitError;
    }
}
