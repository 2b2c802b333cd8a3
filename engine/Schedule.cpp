// Learning-rate schedules (declared in Optimizer.h).
#include "engine/Optimizer.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <numbers>
#include <stdexcept>

namespace dlab {
namespace {

struct ScheduleName {
    ScheduleKind kind;
    const char* name;
    const char* help;
};

constexpr std::array<ScheduleName, 6> kScheduleNames = {{
    {ScheduleKind::Constant, "constant", "The same learning rate for the whole run."},
    {ScheduleKind::Step, "step",
     "Step decay: multiply the learning rate by γ every few epochs, e.g. ×0.1 every 30 "
     "epochs. The loss drops a step each time."},
    {ScheduleKind::MultiStep, "multistep",
     "Step decay at chosen epochs: multiply by γ at each milestone (ResNet: ×0.1 at epochs "
     "30, 60 and 90)."},
    {ScheduleKind::Exponential, "exponential",
     "Exponential decay: lr = base·γ^epoch, a little smaller every epoch."},
    {ScheduleKind::Cosine, "cosine",
     "Cosine: lr = min + ½·(base - min)·(1 + cos(π·epoch / epochs)). Smooth, with no "
     "hyperparameters beyond the base, and popular for that."},
    {ScheduleKind::WarmupCosine, "warmup_cosine",
     "Linear warmup from 0 to the base over the first epochs, then cosine. A high initial "
     "learning rate can make the loss explode; warmup avoids that."},
}};

// Cosine from `base` at progress 0 to `minLr` at progress 1.
double cosineBetween(double base, double minLr, double progress) {
    const double p = std::clamp(progress, 0.0, 1.0);
    return minLr + 0.5 * (base - minLr) * (1.0 + std::cos(std::numbers::pi * p));
}

}  // namespace

ScheduleKind parseScheduleKind(const std::string& name) {
    for (const auto& entry : kScheduleNames) {
        if (name == entry.name) {
            return entry.kind;
        }
    }
    std::string valid;
    for (const auto& entry : kScheduleNames) {
        valid += std::string(valid.empty() ? "" : ", ") + entry.name;
    }
    throw std::invalid_argument("unknown schedule '" + name + "' (valid: " + valid + ")");
}

std::string scheduleKindName(ScheduleKind kind) {
    for (const auto& entry : kScheduleNames) {
        if (entry.kind == kind) {
            return entry.name;
        }
    }
    return "?";
}

std::vector<std::string> scheduleKindNames() {
    std::vector<std::string> names;
    for (const auto& entry : kScheduleNames) {
        names.emplace_back(entry.name);
    }
    return names;
}

std::string scheduleKindHelp(ScheduleKind kind) {
    for (const auto& entry : kScheduleNames) {
        if (entry.kind == kind) {
            return entry.help;
        }
    }
    return {};
}

double scheduledLearningRate(const ScheduleConfig& config, double baseLr, double epoch,
                             double totalEpochs, double stepFraction) {
    const double whole = std::floor(std::max(epoch, 0.0));
    switch (config.kind) {
    case ScheduleKind::Constant: return baseLr;
    case ScheduleKind::Step:
        if (!(config.stepEpochs > 0.0)) {
            throw std::invalid_argument("step schedule: stepEpochs must be > 0, got " +
                                        std::to_string(config.stepEpochs));
        }
        return baseLr * std::pow(config.gamma, std::floor(whole / config.stepEpochs));
    case ScheduleKind::MultiStep: {
        double lr = baseLr;
        for (double milestone : config.milestones) {
            if (whole >= milestone) {
                lr *= config.gamma;
            }
        }
        return lr;
    }
    case ScheduleKind::Exponential: return baseLr * std::pow(config.gamma, whole);
    case ScheduleKind::Cosine:
        if (!(totalEpochs > 0.0)) {
            return baseLr;
        }
        return cosineBetween(baseLr, config.minLr, epoch / totalEpochs);
    case ScheduleKind::WarmupCosine: {
        const double warmup = std::max(config.warmupEpochs, 0.0);
        if (epoch < warmup) {
            return baseLr * std::min(std::max(epoch + stepFraction, 0.0) / warmup, 1.0);
        }
        const double span = totalEpochs - warmup;
        if (!(span > 0.0)) {
            return baseLr;
        }
        return cosineBetween(baseLr, config.minLr, (epoch - warmup) / span);
    }
    }
    return baseLr;
}

}  // namespace dlab
