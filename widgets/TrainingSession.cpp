#include "widgets/TrainingSession.h"

#include "engine/Checkpoint.h"

#include "datasets/Prepare.h"
#include "engine/Backend.h"
#include "engine/Experiment.h"

#include <algorithm>
#include <cmath>
#include <exception>
#include <utility>

namespace dlab::ui {
namespace {

// ~10 drains a second: as often as a chart redraws (LineChart), and every wake-up of the GUI
// thread while training preempts an OpenBLAS thread on a small machine.
constexpr int kDrainIntervalMs = 100;
// The buffer holds minutes of steps even for a fast network; when the GUI stalls longer
// than that, the oldest steps go (a quarter at a time, so trimming stays rare) rather
// than memory growing or the worker waiting.
constexpr size_t kMaxPendingSteps = 5000;

bool sameSpecs(const std::vector<LayerSpec>& a, const std::vector<LayerSpec>& b) {
    if (a.size() != b.size()) {
        return false;
    }
    for (size_t i = 0; i < a.size(); ++i) {
        // Labels are written by the network for messages; they are not part of the design.
        if (a[i].kind != b[i].kind || a[i].attrs != b[i].attrs ||
            !sameSpecs(a[i].body, b[i].body)) {
            return false;
        }
    }
    return true;
}

// Runs on the training thread: copies each record into the session's buffer under the
// session's lock (it never waits for the GUI beyond that), and captures the inspection
// probes between steps.
class BufferingObserver final : public TrainerObserver {
public:
    struct Inspection {
        Inspector* inspector = nullptr;
        Network* network = nullptr;
        const data::PreparedData* data = nullptr;
        LossKind loss = LossKind::CrossEntropy;
    };

    BufferingObserver(std::mutex& mutex, MetricsBatch& pending, int64_t stepOffset,
                      int epochOffset, Inspection inspection)
        : m_mutex(mutex),
          m_pending(pending),
          m_stepOffset(stepOffset),
          m_epochOffset(epochOffset),
          m_inspection(inspection),
          m_step(stepOffset),
          m_epoch(epochOffset) {}

    void onStep(const StepRecord& record) override {
        StepRecord copy = record;
        copy.step += m_stepOffset;
        copy.epoch += m_epochOffset;
        m_step = copy.step;
        m_epoch = copy.epoch;
        {
            const std::lock_guard lock(m_mutex);
            auto& steps = m_pending.steps;
            if (steps.size() >= kMaxPendingSteps) {
                steps.erase(steps.begin(), steps.begin() + kMaxPendingSteps / 4);
            }
            steps.push_back(std::move(copy));
        }
        if (!m_inspection.inspector->empty()) {
            InspectContext context = makeContext(false);
            m_inspection.inspector->afterStep(context);
        }
    }

    void onEpoch(const EpochRecord& record) override {
        EpochRecord copy = record;
        copy.epoch += m_epochOffset;
        m_epoch = copy.epoch;
        {
            const std::lock_guard lock(m_mutex);
            m_pending.epochs.push_back(copy);
        }
        if (!m_inspection.inspector->empty()) {
            InspectContext context = makeContext(true);
            const int64_t validationSize = m_inspection.data->split.validation.size();
            if (m_validationRows == validationSize && validationSize > 0) {
                context.validationOutputs = &m_validationOutputs;
            }
            m_inspection.inspector->afterEpoch(context);
        }
        m_validationRows = 0;
    }

    void onValidationOutputs(const Tensor& outputs, int64_t first) override {
        if (first == 0) {
            m_validationRows = 0;
            m_keepValidation = m_inspection.inspector->anyWantsEpochEnd();
        }
        const int64_t total = m_inspection.data->split.validation.size();
        if (!m_keepValidation || first != m_validationRows || outputs.rank() < 1 ||
            first + outputs.size(0) > total) {
            return;
        }
        Shape shape = outputs.shape();
        shape[0] = total;
        if (!(m_validationOutputs.shape() == shape)) {
            m_validationOutputs.resize(shape);  // once per run: the storage is kept
        }
        const Tensor host =
            outputs.device() == Device::CPU ? outputs : outputs.to(Device::CPU);
        const int64_t perRow = host.numel() / std::max<int64_t>(1, host.size(0));
        std::copy(host.data(), host.data() + host.numel(),
                  m_validationOutputs.data() + first * perRow);
        m_validationRows = first + outputs.size(0);
    }

    void onWait() override {
        if (!m_inspection.inspector->empty()) {
            InspectContext context = makeContext(false);
            m_inspection.inspector->requestedOnly(context);
        }
    }

private:
    InspectContext makeContext(bool epochEnd) const {
        return InspectContext{*m_inspection.network, *m_inspection.data, m_inspection.loss,
                              m_step, m_epoch, epochEnd};
    }

    std::mutex& m_mutex;
    MetricsBatch& m_pending;
    int64_t m_stepOffset;
    int m_epochOffset;
    Inspection m_inspection;
    int64_t m_step;
    int m_epoch;
    // The epoch's validation outputs, kept while a probe wants epoch ends: (N, ...).
    Tensor m_validationOutputs;
    int64_t m_validationRows = 0;  // filled so far, in order
    bool m_keepValidation = false;
};

}  // namespace

TrainingSession::TrainingSession(ExperimentDocument& document, QObject* parent)
    : QObject(parent), m_document(document) {
    qRegisterMetaType<dlab::ui::MetricsBatch>();
    qRegisterMetaType<dlab::TrainResult>();
    qRegisterMetaType<dlab::ui::TrainingSession::State>();
    m_drainTimer.setInterval(kDrainIntervalMs);
    connect(&m_drainTimer, &QTimer::timeout, this, &TrainingSession::drain);
    connect(&m_document, &ExperimentDocument::trainingChanged, this,
            &TrainingSession::followDocumentLearningRate);
    connect(&m_document, &ExperimentDocument::networkChanged, this,
            &TrainingSession::onDocumentChanged);
    connect(&m_document, &ExperimentDocument::dataLoaded, this,
            &TrainingSession::onDocumentChanged);
}

TrainingSession::~TrainingSession() {
    // No signals from here: the listeners may already be half torn down.
    m_drainTimer.stop();
    if (m_control) {
        m_control->stop.store(true);
    }
    joinWorker();
    joinCaptureThread();
}

QString TrainingSession::cannotTrainReason() const {
    if (m_state == State::Running || m_state == State::Paused) {
        return tr(
            "Training is under way: Pause, Step or Stop it; Train after Stop continues "
            "from the current weights.");
    }
    if (const auto reason = m_document.validate()) {
        return *reason;
    }
    if (m_document.experiment().device == "cuda" && !cudaAvailable()) {
        return tr("The experiment asks for the GPU, which is not available: %1. Choose the CPU "
                  "in the training settings.")
            .arg(QString::fromStdString(cudaStatus()));
    }
    return {};
}

double TrainingSession::samplesPerSecond() const {
    return progress().samplesPerSecond;
}

RunProgress TrainingSession::progress() const {
    RunProgress p;
    p.step = m_lastStep.step;
    p.epoch = m_lastStep.epoch;
    p.batch = m_lastStep.batch;
    p.batches = m_runBatches;
    p.epochs = m_epochOffset + m_runEpochs;
    p.stepsDone = std::max<int64_t>(0, m_lastStep.step - m_stepOffset);
    p.stepsTotal = static_cast<int64_t>(m_runEpochs) * m_runBatches;
    p.elapsedSeconds =
        static_cast<double>(m_activeMs + (m_activeClock.isValid() ? m_activeClock.elapsed() : 0)) /
        1000.0;
    const bool active = m_worker.joinable();
    if (!active) {
        p.samplesPerSecond = m_samplesPerSecond;
        p.remainingSeconds = m_state == State::Idle && p.stepsDone == 0 ? -1.0 : 0.0;
        return p;
    }
    if (p.elapsedSeconds > 0.0) {
        p.samplesPerSecond = static_cast<double>(m_runSamples) / p.elapsedSeconds;
    }
    if (p.stepsDone > 0 && p.elapsedSeconds > 0.0) {
        p.remainingSeconds = static_cast<double>(p.stepsTotal - p.stepsDone) *
                             (p.elapsedSeconds / static_cast<double>(p.stepsDone));
    }
    return p;
}

QString TrainingSession::saveWeights(const QString& path) {
    if (!m_network) {
        return tr("there are no trained weights yet");
    }
    if (m_state == State::Running) {
        return tr("pause or stop training before saving the weights");
    }
    try {
        saveCheckpoint(path.toStdString(), *m_network,
                       experimentToJson(m_document.snapshot()));
    } catch (const std::exception& e) {
        return QString::fromStdString(e.what());
    }
    return {};
}

QString TrainingSession::loadWeights(const QString& path) {
    if (m_state == State::Running || m_state == State::Paused || m_worker.joinable()) {
        return tr("stop training before loading weights");
    }
    if (const QString reason = cannotTrainReason(); !reason.isEmpty()) {
        return reason;
    }
    joinCaptureThread();
    try {
        const Shape sampleShape = m_document.preparedData()->split.train.sampleShape();
        auto network = std::make_unique<Network>(
            resolveNetwork(m_document.network(), m_document.dataOutputs()), sampleShape,
            m_document.training().seed);
        // The network is unchanged when the checkpoint does not fit, so nothing is lost.
        loadCheckpoint(path.toStdString(), *network);
        m_network = std::move(network);
        m_freshNetwork = true;
    } catch (const std::exception& e) {
        return QString::fromStdString(e.what());
    }
    m_inspector.requestAll();
    captureWhileIdle();
    return {};
}

void TrainingSession::train() {
    if (m_state == State::Paused) {
        resume();
        return;
    }
    // Running without a worker: a listener called in while the last run is being wound up.
    if (m_state == State::Running || m_worker.joinable()) {
        return;
    }
    startRun(false);
}

void TrainingSession::startRun(bool oneStep) {
    if (const QString reason = cannotTrainReason(); !reason.isEmpty()) {
        emit failed(reason);
        return;
    }
    const std::shared_ptr<const data::PreparedData> prepared = m_document.preparedData();
    const data::Dataset& trainSplit = prepared->split.train;
    const TrainConfig config = m_document.training();
    std::unique_ptr<Trainer> trainer;
    std::unique_ptr<data::DataLoader> trainLoader;
    std::unique_ptr<data::DataLoader> validationLoader;
    joinCaptureThread();
    try {
        ensureNetwork();
        trainer = std::make_unique<Trainer>(*m_network, config);
        trainLoader = data::makeLoader(*prepared, trainSplit, true, config.seed);
        validationLoader = data::makeLoader(*prepared, prepared->split.validation, false, 0);
    } catch (const std::exception& e) {
        emit failed(tr("Cannot start training: %1").arg(QString::fromStdString(e.what())));
        return;
    }

    if (m_freshNetwork) {
        m_freshNetwork = false;
        m_lastStep = StepRecord{};
        m_lastEpochDone = 0;
        emit runStarted();
    }
    m_stepOffset = m_lastStep.step;
    m_epochOffset = m_lastEpochDone;
    m_runEpochs = config.epochs;
    m_runBatchSize = config.batchSize;
    m_runTrainSize = trainSplit.size();
    m_runBatches = static_cast<int>((m_runTrainSize + config.batchSize - 1) / config.batchSize);
    m_runLearningRate = config.optimizer.hyper.lr;
    m_runSamples = 0;
    m_samplesPerSecond = 0.0;
    m_activeMs = 0;
    m_activeClock.invalidate();

    m_inspector.startRun();
    m_control = std::make_unique<TrainControl>();
    m_control->paramStatsInterval.store(paramStatsInterval());
    m_control->pause.store(oneStep);
    m_control->stepsWhilePaused.store(oneStep ? 1 : 0);
    {
        const std::lock_guard lock(m_mutex);
        m_pending = MetricsBatch{};
        m_workerDone = false;
        m_result = TrainResult{};
        m_error.clear();
    }

    m_worker = std::thread([this, control = m_control.get(), prepared = prepared,
                            trainer = std::move(trainer), trainLoader = std::move(trainLoader),
                            validationLoader = std::move(validationLoader),
                            stepOffset = m_stepOffset, epochOffset = m_epochOffset,
                            network = m_network.get(), loss = config.loss]() mutable {
        BufferingObserver observer(m_mutex, m_pending, stepOffset, epochOffset,
                                   {&m_inspector, network, prepared.get(), loss});
        TrainResult result;
        QString error;
        try {
            result = trainer->fit(*trainLoader, validationLoader.get(), &observer, control);
        } catch (const std::exception& e) {
            error = QString::fromStdString(e.what());
        } catch (...) {
            error = QStringLiteral("an unknown error ended the run");
        }
        // The loaders' prefetch threads end here, before the GUI hears that the run is over.
        trainLoader.reset();
        validationLoader.reset();
        trainer.reset();
        prepared.reset();
        const std::lock_guard lock(m_mutex);
        m_result = result;
        m_error = error;
        m_workerDone = true;
    });
    m_drainTimer.start();
    setState(oneStep ? State::Paused : State::Running);
}

void TrainingSession::pause() {
    if (m_state != State::Running || !m_control) {
        return;
    }
    m_control->pause.store(true);
    setState(State::Paused);
}

void TrainingSession::resume() {
    if (m_state != State::Paused || !m_control) {
        return;
    }
    m_control->stepsWhilePaused.store(0);
    m_control->pause.store(false);
    setState(State::Running);
}

void TrainingSession::step() {
    if (!m_worker.joinable()) {
        if (m_state != State::Running && m_state != State::Paused) {
            startRun(true);
        }
        return;
    }
    if (m_state == State::Running) {
        pause();
    }
    if (m_state == State::Paused && m_control) {
        m_control->stepsWhilePaused.fetch_add(1);
    }
}

void TrainingSession::stop() {
    if (!m_worker.joinable()) {
        return;
    }
    // The trainer checks the flag between steps, paused or not, so the join is short.
    m_control->stop.store(true);
    joinWorker();
    finishRun();
}

void TrainingSession::resetWeights() {
    stop();
    joinCaptureThread();
    if (m_network) {
        m_network->initialize(m_document.training().seed);
    }
    m_freshNetwork = true;
    m_lastStep = StepRecord{};
    m_lastEpochDone = 0;
    m_stepOffset = 0;
    m_epochOffset = 0;
    m_runSamples = 0;
    m_samplesPerSecond = 0.0;
    m_activeMs = 0;
    m_activeClock.invalidate();
    setState(State::Idle);
    emit weightsReset();
    m_inspector.requestAll();
    captureWhileIdle();
}

void TrainingSession::setLearningRate(double lr) {
    if (!(lr > 0.0) || !std::isfinite(lr) || !m_control || !m_worker.joinable()) {
        return;
    }
    m_runLearningRate = static_cast<float>(lr);
    m_control->learningRate.store(m_runLearningRate);
}

void TrainingSession::followDocumentLearningRate() {
    const float lr = m_document.training().optimizer.hyper.lr;
    if (m_worker.joinable() && lr != m_runLearningRate) {
        setLearningRate(lr);
    }
}

void TrainingSession::drain() {
    MetricsBatch batch;
    bool done = false;
    {
        const std::lock_guard lock(m_mutex);
        std::swap(batch, m_pending);
        done = m_workerDone;
    }
    deliver(batch);
    if (m_inspector.takeCaptured()) {
        emit inspected();
    }
    if (done) {
        finishRun();
    }
}

void TrainingSession::deliver(MetricsBatch& batch) {
    if (batch.steps.empty() && batch.epochs.empty()) {
        return;
    }
    if (!batch.steps.empty()) {
        const StepRecord& last = batch.steps.back();
        m_lastStep.step = last.step;
        m_lastStep.epoch = last.epoch;
        m_lastStep.batch = last.batch;
        m_lastStep.batches = last.batches;
        // Samples of this run so far, exact also when steps were dropped from the buffer.
        const int64_t epochsBefore = last.epoch - m_epochOffset - 1;
        m_runSamples =
            epochsBefore * m_runTrainSize +
            std::min<int64_t>(static_cast<int64_t>(last.batch) * m_runBatchSize, m_runTrainSize);
    }
    if (!batch.epochs.empty()) {
        m_lastEpochDone = batch.epochs.back().epoch;
    }
    emit metrics(batch);
}

void TrainingSession::finishRun() {
    joinWorker();
    m_drainTimer.stop();
    MetricsBatch rest;
    TrainResult result;
    QString error;
    {
        const std::lock_guard lock(m_mutex);
        if (!m_workerDone) {
            return;  // already wound up, by a stop() from a listener of the last delivery
        }
        std::swap(rest, m_pending);
        result = m_result;
        error = m_error;
        m_workerDone = false;
    }
    // A listener may call back into the session from here: stop() finds no worker, and
    // train() and step() leave a session alone while it is still Running or Paused.
    deliver(rest);
    if (!error.isEmpty()) {
        setState(State::Failed);
        emit failed(tr("Training failed: %1").arg(error));
        return;
    }
    if (m_inspector.takeCaptured()) {
        emit inspected();
    }
    m_samplesPerSecond = result.samplesPerSecond;
    setState(result.status == TrainStatus::Stopped ? State::Idle : State::Finished);
    emit finished(result);
    // The last periodic capture may be a few steps old: show the weights the run ended with.
    m_inspector.requestAll();
    captureWhileIdle();
}

void TrainingSession::setState(State state) {
    if (m_state == State::Running && state != State::Running && m_activeClock.isValid()) {
        m_activeMs += m_activeClock.elapsed();
        m_activeClock.invalidate();
    }
    if (state == State::Running && !m_activeClock.isValid()) {
        m_activeClock.start();
    }
    if (state == m_state) {
        return;
    }
    m_state = state;
    emit stateChanged(state);
}

void TrainingSession::ensureNetwork() {
    const std::shared_ptr<const data::PreparedData> prepared = m_document.preparedData();
    if (!prepared) {
        throw std::runtime_error("no data is loaded");
    }
    const Shape sampleShape = prepared->split.train.sampleShape();
    const std::vector<LayerSpec> specs =
        resolveNetwork(m_document.network(), m_document.dataOutputs());
    if (!m_network || !(m_network->inputShape() == sampleShape) ||
        !sameSpecs(m_network->specs(), specs)) {
        m_network.reset();
        m_network = std::make_unique<Network>(specs, sampleShape, m_document.training().seed);
        m_freshNetwork = true;
    }
}

void TrainingSession::addProbe(std::shared_ptr<Probe> probe) {
    if (!probe) {
        return;
    }
    probe->requestCapture();
    m_inspector.add(std::move(probe));
    captureWhileIdle();
}

void TrainingSession::removeProbe(const Probe* probe) {
    m_inspector.remove(probe);
}

void TrainingSession::requestCapture(Probe* probe) {
    if (!probe) {
        return;
    }
    probe->requestCapture();
    captureWhileIdle();
}

int TrainingSession::paramStatsInterval() const {
    if (m_paramStatsUsers <= 0) {
        return 0;
    }
    const int configured = m_document.training().paramStatsInterval;
    return configured > 0 ? configured : kParamStatsInterval;
}

void TrainingSession::addParamStatsUser() {
    ++m_paramStatsUsers;
    if (m_control) {
        m_control->paramStatsInterval.store(paramStatsInterval());
    }
}

void TrainingSession::removeParamStatsUser() {
    m_paramStatsUsers = std::max(0, m_paramStatsUsers - 1);
    if (m_control) {
        m_control->paramStatsInterval.store(paramStatsInterval());
    }
}

void TrainingSession::onDocumentChanged() {
    if (m_worker.joinable() || m_inspector.empty()) {
        return;  // a running trainer keeps its network until it ends; then we capture
    }
    m_inspector.requestAll();
    captureWhileIdle();
}

void TrainingSession::captureWhileIdle() {
    if (m_worker.joinable() || m_inspector.empty() || !m_inspector.anyRequested()) {
        return;  // the worker captures requested probes itself, between steps or paused
    }
    {
        const std::lock_guard lock(m_captureMutex);
        if (m_captureBusy) {
            m_captureAgain = true;
            return;
        }
    }
    joinCaptureThread();
    QString reason = cannotTrainReason();
    if (reason.isEmpty()) {
        try {
            ensureNetwork();
        } catch (const std::exception& e) {
            reason = QString::fromStdString(e.what());
        }
    }
    if (!reason.isEmpty()) {
        emit inspectionUnavailable(reason);
        return;
    }
    const std::shared_ptr<const data::PreparedData> prepared = m_document.preparedData();
    m_captureBusy = true;
    m_captureThread = std::thread([this, prepared, network = m_network.get(),
                                   loss = m_document.training().loss,
                                   // A network built or reset since its last run has
                                   // trained no step yet.
                                   step = m_freshNetwork ? int64_t{0} : m_lastStep.step,
                                   epoch = m_freshNetwork ? 0 : m_lastStep.epoch]() {
        for (;;) {
            InspectContext context{*network, *prepared, loss, step, epoch, false};
            m_inspector.requestedOnly(context);
            const std::lock_guard lock(m_captureMutex);
            if (!m_captureAgain) {
                m_captureBusy = false;
                break;
            }
            m_captureAgain = false;
        }
        // Queued to the GUI thread; dropped if the session is gone by then (its
        // destructor joins this thread first, and Qt discards events of deleted objects).
        QMetaObject::invokeMethod(
            this,
            [this] {
                if (m_inspector.takeCaptured()) {
                    emit inspected();
                }
            },
            Qt::QueuedConnection);
    });
}

void TrainingSession::joinCaptureThread() {
    if (m_captureThread.joinable()) {
        m_captureThread.join();
    }
}

void TrainingSession::waitForCaptures() {
    joinCaptureThread();
    if (m_inspector.takeCaptured()) {
        emit inspected();
    }
}

void TrainingSession::joinWorker() {
    if (m_worker.joinable()) {
        m_worker.join();
    }
}

}  // namespace dlab::ui
