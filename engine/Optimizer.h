#pragma once
// Optimizers, learning-rate schedules, regularization penalties and gradient clipping.
//
// Defaults are the course's: momentum ρ = 0.9, RMSProp decay 0.99, Adam β1 = 0.9,
// β2 = 0.999, ε = 1e-8 with bias correction. Update formulas follow PyTorch (see
// kernels::optimizerUpdate) so the reference test can compare step for step.
//
// Regularization convention: L2 penalty = ½·λ·ΣW², L1 = λ·Σ|W|, elastic net = both;
// applied to parameters with Param::decay (weights, not biases or norm scales). The
// penalty is reported as part of the loss, its gradient added to Param::grad.
// Weight decay is separate: coupled (added to the gradient) for SGD…Adam, decoupled
// for AdamW.

#include "engine/Layer.h"
#include "engine/kernels/KernelMath.h"

#include <string>
#include <vector>

namespace dlab {

struct OptimizerConfig {
    kernels::OptKind kind = kernels::OptKind::Adam;
    kernels::OptHyper hyper;  // hyper.lr is the base learning rate
};

kernels::OptKind parseOptKind(const std::string& name);  // "sgd", "momentum", "nesterov",
                                                         // "adagrad", "rmsprop", "adam", "adamw"
std::string optKindName(kernels::OptKind kind);
std::vector<std::string> optKindNames();
std::string optKindHelp(kernels::OptKind kind);

// Holds per-parameter state (m, v) on the parameters' device. Not thread-safe.
class Optimizer {
public:
    Optimizer(const OptimizerConfig& config, std::vector<Param*> params);

    // One update of every parameter from its grad with learning rate `lr` (the
    // schedule's value for this step). Does not zero the gradients.
    void step(float lr);
    int64_t steps() const { return m_steps; }
    const OptimizerConfig& config() const { return m_config; }
    // Forget all state (used by "reset weights").
    void reset();

    // State tensors in a fixed order, for checkpoints that resume training.
    std::vector<Tensor*> stateTensors();
    void setSteps(int64_t steps) { m_steps = steps; }

private:
    OptimizerConfig m_config;
    std::vector<Param*> m_params;
    std::vector<Tensor> m_m;  // first moment / momentum buffer, per param
    std::vector<Tensor> m_v;  // second moment / squared-gradient accumulator, per param
    int64_t m_steps = 0;
};

enum class ScheduleKind { Constant, Step, MultiStep, Exponential, Cosine, WarmupCosine };

struct ScheduleConfig {
    ScheduleKind kind = ScheduleKind::Constant;
    double stepEpochs = 10;           // Step: multiply by gamma every stepEpochs epochs
    double gamma = 0.1;               // Step, MultiStep: factor; Exponential: per-epoch factor
    std::vector<double> milestones;   // MultiStep: epochs at which to multiply by gamma
    double warmupEpochs = 1;          // WarmupCosine: linear from 0 to base over these epochs
    double minLr = 0.0;               // Cosine, WarmupCosine: the floor
};

ScheduleKind parseScheduleKind(const std::string& name);  // "constant", "step", "multistep",
                                                          // "exponential", "cosine",
                                                          // "warmup_cosine"
std::string scheduleKindName(ScheduleKind kind);
std::vector<std::string> scheduleKindNames();
std::string scheduleKindHelp(ScheduleKind kind);

// Learning rate at fractional `epoch` (step / stepsPerEpoch) of a run of `totalEpochs`.
// Step-wise kinds use floor(epoch); cosine kinds are smooth per step. `stepFraction`
// (1 / stepsPerEpoch) lets warmup count the step being taken, so its first step has a
// small learning rate rather than exactly zero.
double scheduledLearningRate(const ScheduleConfig& config, double baseLr, double epoch,
                             double totalEpochs, double stepFraction = 0.0);

struct RegularizationConfig {
    double l1 = 0.0;
    double l2 = 0.0;  // penalty ½·l2·ΣW²
};

// The penalty value for the current weights (0 when both strengths are 0).
double regularizationPenalty(const RegularizationConfig& config,
                             const std::vector<Param*>& params);
// Adds the penalty's gradient (l1·sign(W) + l2·W) to the grads of decayed params.
void addRegularizationGradient(const RegularizationConfig& config,
                               const std::vector<Param*>& params);
// Global L2 norm of all gradients; when maxNorm > 0 and the norm exceeds it, scales
// every gradient by maxNorm / norm. Returns the norm before clipping.
double clipGradientNorm(const std::vector<Param*>& params, double maxNorm);

}  // namespace dlab
