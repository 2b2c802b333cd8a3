#pragma once
// Trainer: mini-batch training of a Network with a loss, an optimizer, a schedule,
// regularization, validation, early stopping and the course's divergence rule.
//
// Threading: a Trainer runs on the thread that calls fit()/step(); the only thing
// another thread may touch is the StopFlag it was given (an atomic). Observers are
// called on the training thread, between steps, with plain value records; an observer
// that feeds a GUI must copy and hand over, never block.
//
// Reproducibility: with the same seed, data and machine, every record is bit-for-bit
// identical: shuffling uses its own generator seeded from TrainConfig::seed, the
// network's initialization and dropout masks use the network's generator.

#include "engine/BatchSource.h"
#include "engine/Loss.h"
#include "engine/Network.h"
#include "engine/Optimizer.h"

#include <atomic>
#include <memory>
#include <string>
#include <vector>

namespace dlab {

// Inputs (N, ...) and targets (N,) or (N, T), as the loss expects them.
struct DataView {
    Tensor inputs;
    Tensor targets;
    int64_t size() const { return inputs.defined() ? inputs.size(0) : 0; }
};

struct TrainConfig {
    int epochs = 10;
    int batchSize = 64;
    bool shuffle = true;
    uint64_t seed = 0;
    LossKind loss = LossKind::CrossEntropy;
    OptimizerConfig optimizer;
    ScheduleConfig schedule;
    RegularizationConfig regularization;
    double clipNorm = 0.0;            // 0: no clipping
    int earlyStoppingPatience = 0;    // epochs without validation improvement; 0: off
    double divergenceFactor = 3.0;    // stop when loss > factor × the first step's loss
    int paramStatsInterval = 0;       // steps between per-parameter stats; 0: never
};

struct ParamStats {
    std::string name;
    double weightNorm = 0.0;
    double gradNorm = 0.0;
    double updateRatio = 0.0;  // ‖ΔW‖ / ‖W‖ of this step's update
};

struct StepRecord {
    int64_t step = 0;   // 1-based, counts across epochs
    int epoch = 0;      // 1-based
    int batch = 0;      // 1-based within the epoch
    int batches = 0;    // per epoch
    double loss = 0.0;          // data loss + penalty, mean over the batch
    double penalty = 0.0;       // the regularization part of `loss`
    double accuracy = -1.0;     // batch accuracy; -1 for regression
    double learningRate = 0.0;
    double gradNorm = 0.0;      // before clipping
    bool learningRateChanged = false;  // the base rate was changed by hand at this step
    std::vector<ParamStats> params;  // filled every paramStatsInterval steps
};

struct EvalResult {
    double loss = 0.0;        // mean data loss (no penalty)
    double accuracy = -1.0;   // -1 for regression
    int64_t samples = 0;
};

struct EpochRecord {
    int epoch = 0;
    double trainLoss = 0.0;       // mean over the epoch's steps (as trained, train mode)
    double trainAccuracy = -1.0;
    double valLoss = -1.0;        // -1 when there is no validation set
    double valAccuracy = -1.0;
    double learningRate = 0.0;    // at the end of the epoch
    double seconds = 0.0;         // training time of this epoch (without validation)
    double samplesPerSecond = 0.0;
};

enum class TrainStatus { Finished, EarlyStopped, Stopped, Diverged };

const char* trainStatusName(TrainStatus status);

struct TrainResult {
    TrainStatus status = TrainStatus::Finished;
    std::string message;      // for Diverged: names the step and the likely cause
    int64_t steps = 0;
    int epochs = 0;           // completed epochs
    int bestEpoch = 0;        // by validation loss (0 when no validation)
    double bestValLoss = -1.0;
    double samplesPerSecond = 0.0;  // over all training steps
};

class TrainerObserver {
public:
    virtual ~TrainerObserver() = default;
    virtual void onStep(const StepRecord& record) { (void)record; }
    virtual void onEpoch(const EpochRecord& record) { (void)record; }
    // Called every few milliseconds while fit() waits in a pause (between steps), so an
    // observer can do work that must not race a step (inspection snapshots).
    virtual void onWait() {}
    // During an epoch's validation (before onEpoch): the network's outputs (B, ...) in
    // evaluation mode for validation samples [first, first + B), in the source's order.
    // Valid only during the call. Lets a view reuse the pass instead of making its own.
    virtual void onValidationOutputs(const Tensor& outputs, int64_t first) {
        (void)outputs;
        (void)first;
    }
};

// Set from any thread to ask fit() to stop after the current step.
using StopFlag = std::atomic<bool>;

// Commands another thread (the window) gives a running fit(), read between steps.
struct TrainControl {
    std::atomic<bool> stop{false};
    // While set, fit() waits between steps (polling every few milliseconds)...
    std::atomic<bool> pause{false};
    // ...except for this many single steps (the Step button adds one).
    std::atomic<int> stepsWhilePaused{0};
    // > 0: the new base learning rate from the next step on (the schedule still applies).
    std::atomic<float> learningRate{0.0f};
    // >= 0: overrides TrainConfig::paramStatsInterval from the next step on (the window
    // asks for per-parameter stats only while a view shows them).
    std::atomic<int> paramStatsInterval{-1};
};

class Trainer {
public:
    // `network` must outlive the trainer. Throws std::invalid_argument for settings
    // out of range (epochs < 1, batch size < 1, negative rates).
    Trainer(Network& network, const TrainConfig& config);

    // Trains for config.epochs epochs over `train`; validates on `validation` after each
    // epoch when it is given and has samples. With early stopping, the best weights are
    // restored at the end. Shape errors throw std::invalid_argument before training starts.
    // `control` (optional) lets another thread stop, pause, single-step and change the
    // learning rate.
    TrainResult fit(BatchSource& train, BatchSource* validation,
                    TrainerObserver* observer = nullptr, TrainControl* control = nullptr);
    // The same over tensors in memory.
    TrainResult fit(const DataView& train, const DataView& validation,
                    TrainerObserver* observer = nullptr, TrainControl* control = nullptr);

    // Mean loss and accuracy in evaluation mode, in batches, in the source's order.
    EvalResult evaluate(BatchSource& data, int batchSize = 256);
    EvalResult evaluate(const DataView& data, int batchSize = 256);

    const TrainConfig& config() const { return m_config; }
    Optimizer& optimizer() { return m_optimizer; }
    Network& network() { return m_network; }

private:
    void checkData(const BatchSource& data, const char* what) const;
    EvalResult evaluate(BatchSource& data, int batchSize, TrainerObserver* observer);
    // Waits while paused (calling observer->onWait); false when asked to stop.
    static bool mayStep(TrainControl* control, TrainerObserver* observer);
    double gradientNorm() const;
    void collectParamStats(StepRecord& record);
    void snapshotWeights(std::vector<Tensor>& into);
    void restoreWeights(const std::vector<Tensor>& from);

    Network& m_network;
    TrainConfig m_config;
    std::unique_ptr<Loss> m_loss;
    Optimizer m_optimizer;
    std::vector<Param*> m_params;
    Rng m_shuffleRng;

    // Reused across steps: the hot loop allocates nothing once shapes are known.
    Tensor m_dOutput;
    std::vector<Tensor> m_previousWeights;  // for update ratios
};

}  // namespace dlab
