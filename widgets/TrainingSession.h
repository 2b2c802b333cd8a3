#pragma once
// TrainingSession: runs the document's experiment on one worker thread and reports to
// the GUI thread.
//
// The worker owns the Network, the Trainer and the loaders while it runs; the GUI talks
// to it only through TrainControl atomics (pause, step, stop, learning rate) and reads
// metrics that the worker appends to a bounded buffer under a short lock. A GUI-thread
// timer drains that buffer at most ~10 times a second and emits one `metrics` signal per
// drain, so a fast network cannot flood the event loop. Errors on the worker (a data
// file that fails to decode, a shape problem) end the run with `failed`, never a crash.
//
// The weights survive between runs (Train after Stop continues from them) as long as the
// network's layers and the data's sample shape stay the same; step and epoch numbers
// then continue too, so the curves go on where they stopped. Reset re-initializes the
// weights from the seed, and the next run starts the curves afresh (runStarted).
// A learning-rate change in the document while a run is going is applied live, like
// setLearningRate. Destroying the session stops the worker and joins; that takes at most
// one step, also while paused.
// Inspection (widgets/Inspection.h): visible views register probes; the worker captures
// them between steps at a bounded rate, and while no run is under way the session does so
// on a short-lived capture thread of its own, building the network from the document when
// there is none yet so the views show it at initialization. `inspected` tells the views
// that new snapshots are there.
// GUI thread only, except where noted.

#include "engine/Trainer.h"
#include "widgets/ExperimentDocument.h"
#include "widgets/Inspection.h"

#include <QElapsedTimer>
#include <QObject>
#include <QTimer>

#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace dlab::ui {

// What one drain of the worker's buffer carries.
struct MetricsBatch {
    std::vector<StepRecord> steps;
    std::vector<EpochRecord> epochs;
};

// Where the current (or last) run stands, for the status bar.
struct RunProgress {
    int64_t step = 0;                // the last step, counted across the runs of this network
    int epoch = 0;                   // epoch of the last step, counted the same way
    int epochs = 0;                  // the epoch this run ends with when it runs to the end
    int batch = 0;                   // within the epoch, 1-based
    int batches = 0;                 // per epoch
    int64_t stepsDone = 0;           // in this run
    int64_t stepsTotal = 0;          // this run's steps when it runs all its epochs
    double elapsedSeconds = 0.0;     // of this run, paused time not counted
    double remainingSeconds = -1.0;  // estimate from the pace so far; -1 while unknown
    double samplesPerSecond = 0.0;
};

class TrainingSession : public QObject {
    Q_OBJECT
public:
    enum class State { Idle, Running, Paused, Finished, Failed };
    Q_ENUM(State)

    explicit TrainingSession(ExperimentDocument& document, QObject* parent = nullptr);
    ~TrainingSession() override;

    State state() const { return m_state; }
    // Why Train is not possible now, or empty when it is.
    QString cannotTrainReason() const;
    // Samples per second of the current or last run (training steps only).
    double samplesPerSecond() const;
    RunProgress progress() const;
    // The network of the current run (for the inspection views); null before the first.
    // Only read it while Paused/Idle/Finished, or through a snapshot.
    const Network* network() const { return m_network.get(); }

    // Checkpoints of the session's network (engine/Checkpoint.h). Saving needs a network
    // that is not training right now (Idle, Paused or Finished); loading builds the network
    // for the loaded data and fills it, so the next Train resumes from those weights.
    // Both return an empty string on success, else the reason in words.
    QString saveWeights(const QString& path);
    QString loadWeights(const QString& path);

    // Inspection probes (any number; each registered once). Adding one, or asking for a
    // capture while no run is under way, captures on the session's capture thread.
    void addProbe(std::shared_ptr<Probe> probe);
    void removeProbe(const Probe* probe);
    void requestCapture(Probe* probe);
    Inspector& inspector() { return m_inspector; }
    // Views that show per-parameter statistics (update ratios, gradient norms) count
    // themselves in; while any is, the trainer reports them every kParamStatsInterval
    // steps (or the experiment's own interval).
    // Each report copies the weights and takes three norms over them, about as much
    // memory traffic as a small MLP's step; every 20th step keeps that near 2 %.
    static constexpr int kParamStatsInterval = 20;
    void addParamStatsUser();
    void removeParamStatsUser();
    int paramStatsInterval() const;
    // Waits for the capture thread (tests; the window never needs to).
    void waitForCaptures();

public slots:
    void train();  // start (or continue after Stop/Finished) with the current settings
    void pause();
    void resume();
    void step();  // one mini-batch; starts paused when idle
    void stop();
    void resetWeights();  // re-initialize from the seed (stops a run first)
    // Takes effect at the next step and is marked on the curves; no effect while Idle
    // (the next run takes the document's rate). Ignores rates that are not > 0.
    void setLearningRate(double lr);

signals:
    void stateChanged(dlab::ui::TrainingSession::State state);
    void metrics(const dlab::ui::MetricsBatch& batch);
    void runStarted();  // curves clear their data when a new network starts
    void finished(const dlab::TrainResult& result);
    void failed(const QString& message);
    void weightsReset();
    // New inspection snapshots are there (at most ~10 times a second).
    void inspected();
    // The views cannot be filled now, and why (no data yet, an invalid network).
    void inspectionUnavailable(const QString& reason);

private:
    // Starts a run on the worker: paused with one step allowed when `oneStep`.
    void startRun(bool oneStep);
    void drain();
    // Hands a drained batch to the listeners and updates the progress from it.
    void deliver(MetricsBatch& batch);
    // After the worker ended: joins, delivers the rest, sets the state, reports.
    void finishRun();
    void setState(State state);
    void joinWorker();
    void followDocumentLearningRate();
    // Builds m_network for the document's design and data when there is none or it no
    // longer fits (throws std::exception with the reason). Only while no thread uses it.
    void ensureNetwork();
    // The document changed while no run is under way: capture every probe anew.
    void onDocumentChanged();
    // Starts (or extends) a capture of the requested probes when no run is under way.
    void captureWhileIdle();
    void joinCaptureThread();

    ExperimentDocument& m_document;
    State m_state = State::Idle;
    std::unique_ptr<Network> m_network;
    std::unique_ptr<TrainControl> m_control;
    std::thread m_worker;
    QTimer m_drainTimer;

    std::mutex m_mutex;  // guards the buffer and the worker's outcome below
    MetricsBatch m_pending;
    bool m_workerDone = false;
    TrainResult m_result;
    QString m_error;
    double m_samplesPerSecond = 0.0;

    // GUI-thread bookkeeping of the runs of the current network.
    bool m_freshNetwork = true;  // built or reset since its last run: curves start over
    int64_t m_stepOffset = 0;    // steps and epochs of this network's earlier runs
    int m_epochOffset = 0;
    float m_runLearningRate = 0.0f;  // the base rate the running trainer was last given
    int m_runEpochs = 0;
    int m_runBatches = 0;
    int m_runBatchSize = 0;
    int64_t m_runTrainSize = 0;
    StepRecord m_lastStep;
    int m_lastEpochDone = 0;  // counted across runs, like the records
    int64_t m_runSamples = 0;
    Inspector m_inspector;
    int m_paramStatsUsers = 0;
    std::thread m_captureThread;
    std::mutex m_captureMutex;    // the handshake below between the GUI and capture thread
    bool m_captureBusy = false;   // the capture thread is in its loop
    bool m_captureAgain = false;  // asked for another round while it was busy

    QElapsedTimer m_activeClock;  // runs while Running
    qint64 m_activeMs = 0;        // Running time of this run before m_activeClock started
};

}  // namespace dlab::ui

Q_DECLARE_METATYPE(dlab::ui::MetricsBatch)
Q_DECLARE_METATYPE(dlab::TrainResult)
