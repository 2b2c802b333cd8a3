#include "engine/Trainer.h"

#include "engine/Backend.h"
#include "engine/TensorBatchSource.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <numeric>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace dlab {
namespace {

using Clock = std::chrono::steady_clock;

double secondsSince(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

std::string formatValue(double v) {
    std::ostringstream out;
    out.precision(4);
    out << v;
    return out.str();
}

std::vector<Param*> paramPointers(const Network& network) {
    std::vector<Param*> out;
    for (const auto& np : network.params()) {
        out.push_back(np.param);
    }
    return out;
}

}  // namespace

const char* trainStatusName(TrainStatus status) {
    switch (status) {
    case TrainStatus::Finished: return "finished";
    case TrainStatus::EarlyStopped: return "early_stopped";
    case TrainStatus::Stopped: return "stopped";
    case TrainStatus::Diverged: return "diverged";
    }
    return "?";
}

Trainer::Trainer(Network& network, const TrainConfig& config)
    : m_network(network), m_config(config), m_loss(makeLoss(config.loss)),
      m_optimizer(config.optimizer, paramPointers(network)), m_params(paramPointers(network)),
      m_shuffleRng(config.seed) {
    if (config.epochs < 1) {
        throw std::invalid_argument("epochs must be ≥ 1, got " + std::to_string(config.epochs));
    }
    if (config.batchSize < 1) {
        throw std::invalid_argument("batch size must be ≥ 1, got " +
                                    std::to_string(config.batchSize));
    }
    if (!(config.optimizer.hyper.lr > 0.0f) || !std::isfinite(config.optimizer.hyper.lr)) {
        throw std::invalid_argument("learning rate must be > 0, got " +
                                    formatValue(config.optimizer.hyper.lr));
    }
    if (config.regularization.l1 < 0 || config.regularization.l2 < 0 || config.clipNorm < 0) {
        throw std::invalid_argument("regularization strengths and the clipping norm must be ≥ 0");
    }
}

void Trainer::checkData(const BatchSource& data, const char* what) const {
    const Shape& expected = m_network.inputShape();
    if (data.sampleShape() != expected) {
        throw std::invalid_argument(std::string(what) + " inputs " +
                                    data.sampleShape().withBatch(data.size()).str() +
                                    " do not fit the network's input " +
                                    expected.withBatch(data.size()).str());
    }
}

double Trainer::gradientNorm() const {
    double sum = 0.0;
    for (const Param* p : m_params) {
        sum += backendFor(p->grad.device())
                   .sumSquares(p->grad.data(), static_cast<size_t>(p->grad.numel()));
    }
    return std::sqrt(sum);
}

void Trainer::collectParamStats(StepRecord& record) {
    const auto& named = m_network.params();
    record.params.clear();
    record.params.reserve(named.size());
    for (size_t i = 0; i < named.size(); ++i) {
        const Param& p = *named[i].param;
        Backend& be = backendFor(p.value.device());
        const auto n = static_cast<size_t>(p.value.numel());
        ParamStats s;
        s.name = named[i].name;
        s.weightNorm = std::sqrt(be.sumSquares(p.value.data(), n));
        s.gradNorm = std::sqrt(be.sumSquares(p.grad.data(), n));
        // m_previousWeights[i] holds W before the step; turn it into ΔW in place.
        Tensor& delta = m_previousWeights[i];
        be.axpy(delta.data(), p.value.data(), n, -1.0f);
        const double deltaNorm = std::sqrt(be.sumSquares(delta.data(), n));
        s.updateRatio = s.weightNorm > 0.0 ? deltaNorm / s.weightNorm : 0.0;
        record.params.push_back(std::move(s));
    }
}

void Trainer::snapshotWeights(std::vector<Tensor>& into) {
    const auto& params = m_network.params();
    const auto& buffers = m_network.buffers();
    into.resize(params.size() + buffers.size());
    for (size_t i = 0; i < params.size(); ++i) {
        into[i].resize(params[i].param->value.shape());
        into[i].copyFrom(params[i].param->value);
    }
    for (size_t i = 0; i < buffers.size(); ++i) {
        Tensor& t = into[params.size() + i];
        t.resize(buffers[i].buffer->value.shape());
        t.copyFrom(buffers[i].buffer->value);
    }
}

void Trainer::restoreWeights(const std::vector<Tensor>& from) {
    const auto& params = m_network.params();
    const auto& buffers = m_network.buffers();
    for (size_t i = 0; i < params.size(); ++i) {
        params[i].param->value.copyFrom(from[i]);
    }
    for (size_t i = 0; i < buffers.size(); ++i) {
        buffers[i].buffer->value.copyFrom(from[params.size() + i]);
    }
}

EvalResult Trainer::evaluate(const DataView& data, int batchSize) {
    TensorBatchSource source(data.inputs, data.targets);
    return evaluate(source, batchSize);
}

EvalResult Trainer::evaluate(BatchSource& data, int batchSize) {
    return evaluate(data, batchSize, nullptr);
}

EvalResult Trainer::evaluate(BatchSource& data, int batchSize, TrainerObserver* observer) {
    checkData(data, "evaluation");
    EvalResult result;
    result.samples = data.size();
    if (data.size() == 0) {
        return result;
    }
    std::vector<int64_t> order(static_cast<size_t>(data.size()));
    std::iota(order.begin(), order.end(), 0);
    data.beginPass(order, batchSize, false, 0);
    double lossSum = 0.0;
    int64_t correct = 0;
    bool classification = true;
    const Tensor* inputs = nullptr;
    const Tensor* targets = nullptr;
    int64_t first = 0;
    while (data.next(inputs, targets)) {
        const Tensor& out = m_network.forward(*inputs, Mode::Eval);
        if (observer) {
            observer->onValidationOutputs(out, first);
        }
        first += inputs->size(0);
        const LossResult r = m_loss->compute(out, *targets, nullptr);
        lossSum += r.loss * static_cast<double>(inputs->size(0));
        if (r.correct < 0) {
            classification = false;
        } else {
            correct += r.correct;
        }
    }
    result.loss = lossSum / static_cast<double>(data.size());
    result.accuracy =
        classification ? static_cast<double>(correct) / static_cast<double>(data.size()) : -1.0;
    return result;
}

TrainResult Trainer::fit(const DataView& train, const DataView& validation,
                         TrainerObserver* observer, TrainControl* control) {
    TensorBatchSource trainSource(train.inputs, train.targets);
    if (validation.size() == 0) {
        return fit(trainSource, nullptr, observer, control);
    }
    TensorBatchSource validationSource(validation.inputs, validation.targets);
    return fit(trainSource, &validationSource, observer, control);
}

bool Trainer::mayStep(TrainControl* control, TrainerObserver* observer) {
    if (!control) {
        return true;
    }
    while (!control->stop.load()) {
        if (!control->pause.load()) {
            return true;
        }
        int allowed = control->stepsWhilePaused.load();
        if (allowed > 0 && control->stepsWhilePaused.compare_exchange_weak(allowed, allowed - 1)) {
            return true;
        }
        if (observer) {
            observer->onWait();
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(3));
    }
    return false;
}

TrainResult Trainer::fit(BatchSource& train, BatchSource* validation,
                         TrainerObserver* observer, TrainControl* control) {
    checkData(train, "training");
    if (train.size() == 0) {
        throw std::invalid_argument("the training set is empty");
    }
    const bool hasValidation = validation && validation->size() > 0;
    if (hasValidation) {
        checkData(*validation, "validation");
    }

    const int64_t n = train.size();
    const int batches = static_cast<int>((n + m_config.batchSize - 1) / m_config.batchSize);
    std::vector<int64_t> order(static_cast<size_t>(n));
    std::iota(order.begin(), order.end(), 0);

    TrainResult result;
    std::vector<Tensor> bestWeights;
    int epochsWithoutImprovement = 0;
    double firstLoss = -1.0;
    double baseLr = m_config.optimizer.hyper.lr;
    double totalTrainSeconds = 0.0;
    int64_t totalSamples = 0;
    StepRecord record;

    for (int epoch = 1; epoch <= m_config.epochs; ++epoch) {
        if (m_config.shuffle) {
            std::shuffle(order.begin(), order.end(), m_shuffleRng);
        }
        train.beginPass(order, m_config.batchSize, true, epoch);
        const auto epochStart = Clock::now();
        double epochLoss = 0.0;
        int64_t epochCorrect = 0;
        bool classification = true;
        double lr = baseLr;

        for (int b = 0; b < batches; ++b) {
            if (!mayStep(control, observer)) {
                result.status = TrainStatus::Stopped;
                result.message = "stopped by the user at step " + std::to_string(result.steps);
                break;
            }
            const Tensor* batchInputs = nullptr;
            const Tensor* batchTargets = nullptr;
            if (!train.next(batchInputs, batchTargets)) {
                break;
            }
            const int64_t batchSize = batchInputs->size(0);

            bool lrChanged = false;
            if (control) {
                const float requested = control->learningRate.exchange(0.0f);
                if (requested > 0.0f && std::isfinite(requested)) {
                    baseLr = requested;
                    lrChanged = true;
                }
            }
            const double epochPos = (epoch - 1) + static_cast<double>(b) / batches;
            lr = scheduledLearningRate(m_config.schedule, baseLr, epochPos, m_config.epochs,
                                       1.0 / batches);

            m_network.zeroGrad();
            const Tensor& out = m_network.forward(*batchInputs, Mode::Train);
            const LossResult lr0 = m_loss->compute(out, *batchTargets, &m_dOutput);
            m_network.backward(m_dOutput);
            const double penalty = regularizationPenalty(m_config.regularization, m_params);
            addRegularizationGradient(m_config.regularization, m_params);

            ++result.steps;
            record.step = result.steps;
            record.epoch = epoch;
            record.batch = b + 1;
            record.batches = batches;
            record.loss = lr0.loss + penalty;
            record.penalty = penalty;
            record.accuracy =
                lr0.correct < 0 ? -1.0 : static_cast<double>(lr0.correct) / batchSize;
            record.learningRate = lr;
            record.gradNorm = clipGradientNorm(m_params, m_config.clipNorm);
            record.learningRateChanged = lrChanged;
            record.params.clear();

            // The course's divergence rule and non-finite checks, before the update so the
            // weights stay as they were at the last good step.
            const std::string where = "step " + std::to_string(result.steps) + " (epoch " +
                                      std::to_string(epoch) + ")";
            if (!std::isfinite(record.loss)) {
                result.status = TrainStatus::Diverged;
                result.message = where + ": the loss is " + formatValue(record.loss) +
                                 ". Likely cause: the learning rate (" + formatValue(lr) +
                                 ") is too high, or a log of zero / NaN in the inputs.";
            } else if (!std::isfinite(record.gradNorm)) {
                result.status = TrainStatus::Diverged;
                result.message = where + ": a gradient is " + formatValue(record.gradNorm) +
                                 ". Likely cause: the learning rate (" + formatValue(lr) +
                                 ") is too high; try a smaller one or gradient clipping.";
            } else if (firstLoss > 0.0 && record.loss > m_config.divergenceFactor * firstLoss) {
                result.status = TrainStatus::Diverged;
                result.message = where + ": the loss " + formatValue(record.loss) +
                                 " rose above " + formatValue(m_config.divergenceFactor) +
                                 "× its starting value " + formatValue(firstLoss) +
                                 ". Likely cause: the learning rate (" + formatValue(lr) +
                                 ") is too high.";
            }
            if (result.status == TrainStatus::Diverged) {
                if (observer) {
                    observer->onStep(record);
                }
                break;
            }
            if (firstLoss < 0.0) {
                firstLoss = record.loss;
            }

            const int statsInterval =
                control && control->paramStatsInterval.load(std::memory_order_relaxed) >= 0
                    ? control->paramStatsInterval.load(std::memory_order_relaxed)
                    : m_config.paramStatsInterval;
            const bool wantStats = statsInterval > 0 && result.steps % statsInterval == 0;
            if (wantStats) {
                m_previousWeights.resize(m_params.size());
                for (size_t i = 0; i < m_params.size(); ++i) {
                    m_previousWeights[i].resize(m_params[i]->value.shape());
                    m_previousWeights[i].copyFrom(m_params[i]->value);
                }
            }
            m_optimizer.step(static_cast<float>(lr));
            if (wantStats) {
                collectParamStats(record);
            }

            epochLoss += record.loss * static_cast<double>(batchSize);
            if (lr0.correct < 0) {
                classification = false;
            } else {
                epochCorrect += lr0.correct;
            }
            totalSamples += batchSize;
            if (observer) {
                observer->onStep(record);
            }
        }

        const double seconds = secondsSince(epochStart);
        totalTrainSeconds += seconds;
        if (result.status != TrainStatus::Finished) {
            break;
        }

        EpochRecord er;
        er.epoch = epoch;
        er.trainLoss = epochLoss / static_cast<double>(n);
        er.trainAccuracy =
            classification ? static_cast<double>(epochCorrect) / static_cast<double>(n) : -1.0;
        er.learningRate = lr;
        er.seconds = seconds;
        er.samplesPerSecond = seconds > 0.0 ? static_cast<double>(n) / seconds : 0.0;
        if (hasValidation) {
            const EvalResult v = evaluate(*validation, 256, observer);
            er.valLoss = v.loss;
            er.valAccuracy = v.accuracy;
        }
        result.epochs = epoch;
        if (observer) {
            observer->onEpoch(er);
        }

        if (hasValidation && (result.bestEpoch == 0 || er.valLoss < result.bestValLoss)) {
            result.bestEpoch = epoch;
            result.bestValLoss = er.valLoss;
            epochsWithoutImprovement = 0;
            if (m_config.earlyStoppingPatience > 0) {
                snapshotWeights(bestWeights);
            }
        } else if (hasValidation) {
            ++epochsWithoutImprovement;
        }
        if (m_config.earlyStoppingPatience > 0 && hasValidation &&
            epochsWithoutImprovement >= m_config.earlyStoppingPatience) {
            result.status = TrainStatus::EarlyStopped;
            result.message = "validation loss has not improved for " +
                             std::to_string(epochsWithoutImprovement) +
                             " epochs; kept the weights of epoch " +
                             std::to_string(result.bestEpoch);
            break;
        }
    }
    if (m_config.earlyStoppingPatience > 0 && !bestWeights.empty() &&
        result.status != TrainStatus::Diverged) {
        restoreWeights(bestWeights);
    }
    result.samplesPerSecond =
        totalTrainSeconds > 0.0 ? static_cast<double>(totalSamples) / totalTrainSeconds : 0.0;
    return result;
}

}  // namespace dlab
