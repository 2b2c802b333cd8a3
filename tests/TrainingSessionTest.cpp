// The training session as a student drives it: the real ControlsBar's buttons start,
// pause, step, stop and reset a run on the worker thread; the learning rate changes
// live; an invalid network keeps Train disabled with the reason; a failing data set
// ends the run in words; destroying the session mid-run neither hangs nor crashes.

#include "datasets/Prepare.h"
#include "engine/Experiment.h"
#include "engine/Network.h"
#include "widgets/ControlsBar.h"
#include "widgets/ExperimentDocument.h"
#include "widgets/StatusPanel.h"
#include "widgets/TrainingSession.h"

#include <QDoubleSpinBox>
#include <QElapsedTimer>
#include <QSignalSpy>
#include <QToolButton>
#include <QtTest>

#include <cstring>
#include <memory>
#include <stdexcept>

using namespace dlab;
using namespace dlab::ui;
using State = TrainingSession::State;

namespace {

constexpr int kTimeoutMs = 20000;

std::shared_ptr<const data::PreparedData> loadData(const ExperimentDocument& document) {
    return std::make_shared<data::PreparedData>(
        data::prepareData(data::parseDataConfig(document.experiment().data)));
}

// The spiral preset with a constant learning rate (so a step's rate is the base rate),
// its data loaded, the session, the controls, and every record the session delivered.
struct Lab {
    explicit Lab(int epochCount = 100000) {
        Experiment ex = presetExperiment("spiral");
        ex.training.epochs = epochCount;
        ex.training.schedule.kind = ScheduleKind::Constant;
        document.reset(ex);
        document.setPreparedData(loadData(document));
        QObject::connect(&session, &TrainingSession::metrics, [this](const MetricsBatch& b) {
            ++batches;
            steps.insert(steps.end(), b.steps.begin(), b.steps.end());
            epochs.insert(epochs.end(), b.epochs.begin(), b.epochs.end());
        });
        controls.show();
    }

    int64_t lastStep() const { return steps.empty() ? 0 : steps.back().step; }
    void click(QToolButton* button) { QTest::mouseClick(button, Qt::LeftButton); }
    // Lets the drain timer hand over whatever the worker produced so far.
    static void settle() { QTest::qWait(150); }

    ExperimentDocument document;
    TrainingSession session{document};
    ControlsBar controls{document, session};
    std::vector<StepRecord> steps;
    std::vector<EpochRecord> epochs;
    int batches = 0;
};

// A feature store whose every read fails, as a corrupt file on disk would.
class FailingStore final : public data::SampleStore {
public:
    explicit FailingStore(std::shared_ptr<const data::SampleStore> inner)
        : m_inner(std::move(inner)) {}
    int64_t size() const override { return m_inner->size(); }
    Shape sampleShape() const override { return m_inner->sampleShape(); }
    data::SampleType type() const override { return m_inner->type(); }
    void readFeatures(int64_t index, float*) const override {
        throw std::runtime_error("sample " + std::to_string(index) + " cannot be read");
    }

private:
    std::shared_ptr<const data::SampleStore> m_inner;
};

}  // namespace

class TrainingSessionTest : public QObject {
    Q_OBJECT

private slots:
    void trainButtonStartsAndStepsArrive() {
        Lab lab;
        QSignalSpy started(&lab.session, &TrainingSession::runStarted);
        QVERIFY(lab.controls.trainButton()->isEnabled());
        QVERIFY(!lab.controls.stopButton()->isEnabled());
        lab.click(lab.controls.trainButton());
        QCOMPARE(lab.session.state(), State::Running);
        QCOMPARE(started.count(), 1);
        QVERIFY(!lab.controls.trainButton()->isEnabled());
        QVERIFY(lab.controls.stopButton()->isEnabled());
        QTRY_VERIFY_WITH_TIMEOUT(lab.steps.size() >= 50, kTimeoutMs);
        for (size_t i = 0; i < lab.steps.size(); ++i) {
            QCOMPARE(lab.steps[i].step, static_cast<int64_t>(i + 1));
        }
        QTRY_VERIFY_WITH_TIMEOUT(!lab.epochs.empty(), kTimeoutMs);
        QCOMPARE(lab.epochs.front().epoch, 1);
        QVERIFY(lab.session.network() != nullptr);
        lab.click(lab.controls.stopButton());
        QCOMPARE(lab.session.state(), State::Idle);
    }

    void metricsAreCoalescedToAboutThirtyPerSecond() {
        Lab lab;
        lab.click(lab.controls.trainButton());
        QTRY_VERIFY_WITH_TIMEOUT(!lab.steps.empty(), kTimeoutMs);
        const int before = lab.batches;
        const size_t stepsBefore = lab.steps.size();
        QTest::qWait(1000);
        // Thousands of steps a second, but one signal per drain (~33 ms).
        QVERIFY2(lab.batches - before <= 35, qPrintable(QString::number(lab.batches - before)));
        QVERIFY(lab.steps.size() - stepsBefore > static_cast<size_t>(lab.batches - before));
        lab.session.stop();
    }

    void pauseHoldsAndStepRunsExactlyOneBatch() {
        Lab lab;
        lab.click(lab.controls.trainButton());
        QTRY_VERIFY_WITH_TIMEOUT(lab.steps.size() >= 10, kTimeoutMs);
        QVERIFY(lab.controls.pauseButton()->isEnabled());
        lab.click(lab.controls.pauseButton());
        QCOMPARE(lab.session.state(), State::Paused);
        QCOMPARE(lab.controls.pauseButton()->text(), QStringLiteral("Resume"));
        QVERIFY(lab.controls.pauseButton()->isChecked());
        Lab::settle();
        const int64_t held = lab.lastStep();
        QTest::qWait(200);
        QCOMPARE(lab.lastStep(), held);

        QVERIFY(lab.controls.stepButton()->isEnabled());
        lab.click(lab.controls.stepButton());
        QTRY_COMPARE_WITH_TIMEOUT(lab.lastStep(), held + 1, kTimeoutMs);
        QTest::qWait(200);
        QCOMPARE(lab.lastStep(), held + 1);
        QCOMPARE(lab.session.state(), State::Paused);

        lab.click(lab.controls.pauseButton());  // now "Resume"
        QCOMPARE(lab.session.state(), State::Running);
        QCOMPARE(lab.controls.pauseButton()->text(), QStringLiteral("Pause"));
        QTRY_VERIFY_WITH_TIMEOUT(lab.lastStep() > held + 10, kTimeoutMs);
        lab.session.stop();
    }

    void stepWhenIdleStartsAPausedRunWithOneStep() {
        Lab lab;
        QSignalSpy started(&lab.session, &TrainingSession::runStarted);
        lab.click(lab.controls.stepButton());
        QCOMPARE(lab.session.state(), State::Paused);
        QCOMPARE(started.count(), 1);
        QTRY_COMPARE_WITH_TIMEOUT(lab.steps.size(), size_t{1}, kTimeoutMs);
        QTest::qWait(200);
        QCOMPARE(lab.steps.size(), size_t{1});
        QCOMPARE(lab.steps.front().step, int64_t{1});
        lab.click(lab.controls.stepButton());
        QTRY_COMPARE_WITH_TIMEOUT(lab.lastStep(), int64_t{2}, kTimeoutMs);
        lab.click(lab.controls.stopButton());
        QCOMPARE(lab.session.state(), State::Idle);
    }

    void learningRateChangesWhileRunning() {
        Lab lab;
        lab.click(lab.controls.trainButton());
        QTRY_VERIFY_WITH_TIMEOUT(lab.steps.size() >= 5, kTimeoutMs);
        QCOMPARE(static_cast<float>(lab.steps.front().learningRate), 0.01f);
        QVERIFY(!lab.steps.front().learningRateChanged);

        QDoubleSpinBox* box = lab.controls.learningRateBox();
        box->setFocus();
        box->selectAll();
        QTest::keyClicks(box, "2e-3");
        QTest::keyClick(box, Qt::Key_Return);
        QCOMPARE(lab.document.training().optimizer.hyper.lr, 0.002f);

        QTRY_VERIFY_WITH_TIMEOUT(
            std::any_of(lab.steps.begin(), lab.steps.end(),
                        [](const StepRecord& r) { return r.learningRateChanged; }),
            kTimeoutMs);
        const auto marked = std::find_if(lab.steps.begin(), lab.steps.end(),
                                         [](const StepRecord& r) { return r.learningRateChanged; });
        QCOMPARE(static_cast<float>(marked->learningRate), 0.002f);
        QCOMPARE(std::count_if(lab.steps.begin(), lab.steps.end(),
                               [](const StepRecord& r) { return r.learningRateChanged; }),
                 1);
        const int64_t changedAt = marked->step;
        QTRY_VERIFY_WITH_TIMEOUT(lab.lastStep() > changedAt + 5, kTimeoutMs);
        QCOMPARE(static_cast<float>(lab.steps.back().learningRate), 0.002f);
        for (const StepRecord& r : lab.steps) {
            QCOMPARE(static_cast<float>(r.learningRate), r.step < changedAt ? 0.01f : 0.002f);
        }

        // The arrows walk the 1-2-5 ladder; an undo of the edit is applied live too.
        QTest::keyClick(box, Qt::Key_Up);
        QCOMPARE(box->value(), 0.005);
        lab.document.undoStack()->undo();
        QCOMPARE(box->value(), 0.002);
        lab.session.stop();
    }

    void stopKeepsWeightsAndTrainContinues() {
        Lab lab;
        QSignalSpy started(&lab.session, &TrainingSession::runStarted);
        QSignalSpy finished(&lab.session, &TrainingSession::finished);
        lab.click(lab.controls.trainButton());
        QTRY_VERIFY_WITH_TIMEOUT(lab.steps.size() >= 30, kTimeoutMs);
        lab.click(lab.controls.stopButton());
        QCOMPARE(lab.session.state(), State::Idle);
        QCOMPARE(finished.count(), 1);
        QCOMPARE(finished.at(0).at(0).value<TrainResult>().status, TrainStatus::Stopped);
        QVERIFY(!lab.controls.stopButton()->isEnabled());
        QVERIFY(lab.controls.trainButton()->isEnabled());
        // Stop delivered every step the worker made.
        const int64_t last = lab.lastStep();
        QCOMPARE(static_cast<int64_t>(lab.steps.size()), last);

        lab.click(lab.controls.trainButton());
        QTRY_VERIFY_WITH_TIMEOUT(lab.lastStep() > last, kTimeoutMs);
        QCOMPARE(lab.steps[static_cast<size_t>(last)].step, last + 1);
        QCOMPARE(started.count(), 1);
        lab.click(lab.controls.stopButton());
    }

    void resetWeightsReinitializesFromTheSeed() {
        Lab lab;
        QVERIFY(!lab.controls.resetButton()->isEnabled());
        lab.click(lab.controls.trainButton());
        QTRY_VERIFY_WITH_TIMEOUT(lab.steps.size() >= 30, kTimeoutMs);
        QVERIFY(lab.controls.resetButton()->isEnabled());
        QSignalSpy reset(&lab.session, &TrainingSession::weightsReset);
        QSignalSpy started(&lab.session, &TrainingSession::runStarted);
        lab.click(lab.controls.resetButton());
        QCOMPARE(reset.count(), 1);
        QCOMPARE(lab.session.state(), State::Idle);

        const Network fresh(resolveNetwork(lab.document.network(), lab.document.dataOutputs()),
                            lab.document.preparedData()->split.train.sampleShape(),
                            lab.document.training().seed);
        const Network* net = lab.session.network();
        QVERIFY(net);
        QCOMPARE(net->params().size(), fresh.params().size());
        for (size_t i = 0; i < fresh.params().size(); ++i) {
            const Tensor& a = net->params()[i].param->value;
            const Tensor& b = fresh.params()[i].param->value;
            QCOMPARE(a.numel(), b.numel());
            QVERIFY(std::memcmp(a.data(), b.data(), sizeof(float) * a.numel()) == 0);
        }

        lab.steps.clear();
        lab.click(lab.controls.trainButton());
        QCOMPARE(started.count(), 1);  // the curves start over
        QTRY_VERIFY_WITH_TIMEOUT(!lab.steps.empty(), kTimeoutMs);
        QCOMPARE(lab.steps.front().step, int64_t{1});
        lab.session.stop();
    }

    void aCompleteRunReportsItsResult() {
        Lab lab(3);
        QSignalSpy finished(&lab.session, &TrainingSession::finished);
        StatusPanel status(lab.session);
        lab.click(lab.controls.trainButton());
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, kTimeoutMs);
        QCOMPARE(lab.session.state(), State::Finished);
        const auto result = finished.at(0).at(0).value<TrainResult>();
        QCOMPARE(result.status, TrainStatus::Finished);
        QCOMPARE(result.epochs, 3);
        QCOMPARE(static_cast<int64_t>(lab.steps.size()), result.steps);
        QCOMPARE(lab.epochs.size(), size_t{3});
        QVERIFY(lab.epochs.back().valLoss >= 0.0);
        QVERIFY(lab.session.samplesPerSecond() > 0.0);

        const RunProgress p = lab.session.progress();
        QCOMPARE(p.stepsDone, p.stepsTotal);
        QCOMPARE(p.epoch, 3);
        QCOMPARE(status.stateText(), QStringLiteral("Finished"));
        QVERIFY2(status.progressText().startsWith("Epoch 3/3"), qPrintable(status.progressText()));
        QVERIFY2(status.speedText().endsWith("samples/s") && !status.speedText().startsWith("–"),
                 qPrintable(status.speedText()));
        QVERIFY2(status.deviceText().startsWith("CPU · "), qPrintable(status.deviceText()));
        QCOMPARE(StatusPanel::formatDuration(3725), QStringLiteral("1:02:05"));
        QCOMPARE(StatusPanel::formatDuration(42), QStringLiteral("0:42"));

        // Train after Finished goes on from the trained weights: epochs 4 to 6.
        lab.click(lab.controls.trainButton());
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 2, kTimeoutMs);
        QCOMPARE(lab.epochs.size(), size_t{6});
        QCOMPARE(lab.epochs.back().epoch, 6);
    }

    void aListenerThatStopsTheRunGetsOneReport() {
        // A one-epoch run is over before the first delivery, so the listener's stop()
        // lands while the session is winding the run up.
        for (const int epochs : {1, 100000}) {
            Lab lab(epochs);
            QObject::connect(&lab.session, &TrainingSession::metrics, &lab.session,
                             &TrainingSession::stop);
            QSignalSpy finished(&lab.session, &TrainingSession::finished);
            lab.click(lab.controls.trainButton());
            QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, kTimeoutMs);
            QTest::qWait(200);
            QCOMPARE(finished.count(), 1);
            QVERIFY(lab.session.state() != State::Running);
        }
    }

    void invalidNetworkKeepsTrainDisabledWithTheReason() {
        Lab lab;
        LayerSpec conv("conv2d");
        conv.set("filters", 4);
        LayerSpec dense("dense");
        dense.set("units", "classes");
        lab.document.setNetwork({conv, LayerSpec("flatten"), dense}, "Add conv2d layer");
        QVERIFY(!lab.controls.trainButton()->isEnabled());
        QVERIFY(!lab.controls.stepButton()->isEnabled());
        const QString tip = lab.controls.trainButton()->toolTip();
        QVERIFY2(tip.contains("layer 1 (conv2d)"), qPrintable(tip));
        QCOMPARE(lab.session.cannotTrainReason(), *lab.document.validate());

        QSignalSpy failed(&lab.session, &TrainingSession::failed);
        lab.click(lab.controls.trainButton());
        QCOMPARE(lab.session.state(), State::Idle);
        lab.session.train();  // a caller that skips the button still gets the reason
        QCOMPARE(failed.count(), 1);
        QVERIFY(failed.at(0).at(0).toString().contains("conv2d"));

        lab.document.undoStack()->undo();
        QVERIFY(lab.controls.trainButton()->isEnabled());
    }

    void noDataKeepsTrainDisabled() {
        ExperimentDocument document;
        TrainingSession session(document);
        ControlsBar controls(document, session);
        QVERIFY(!controls.trainButton()->isEnabled());
        QVERIFY(controls.trainButton()->toolTip().contains("No data loaded"));
    }

    void destroyingTheSessionMidRunReturnsQuickly() {
        for (const bool paused : {false, true}) {
            ExperimentDocument document;
            Experiment ex = presetExperiment("spiral");
            ex.training.epochs = 100000;
            document.reset(ex);
            document.setPreparedData(loadData(document));
            auto session = std::make_unique<TrainingSession>(document);
            int64_t steps = 0;
            QObject::connect(session.get(), &TrainingSession::metrics,
                             [&steps](const MetricsBatch& b) { steps += std::ssize(b.steps); });
            session->train();
            QTRY_VERIFY_WITH_TIMEOUT(steps > 10, kTimeoutMs);
            if (paused) {
                session->pause();
            }
            QElapsedTimer timer;
            timer.start();
            session.reset();
            QVERIFY2(timer.elapsed() < 2000, qPrintable(QString::number(timer.elapsed())));
        }
    }

    void aFailingDataSetEndsTheRunInWords() {
        Lab lab;
        auto broken = std::make_shared<data::PreparedData>(*lab.document.preparedData());
        broken->split.train.store = std::make_shared<FailingStore>(broken->split.train.store);
        lab.document.setPreparedData(broken);
        QSignalSpy failed(&lab.session, &TrainingSession::failed);
        QSignalSpy finished(&lab.session, &TrainingSession::finished);
        lab.click(lab.controls.trainButton());
        QTRY_COMPARE_WITH_TIMEOUT(failed.count(), 1, kTimeoutMs);
        QCOMPARE(lab.session.state(), State::Failed);
        QCOMPARE(finished.count(), 0);
        const QString message = failed.at(0).at(0).toString();
        QVERIFY2(message.contains("cannot be read"), qPrintable(message));
        // The window stays usable: with good data, Train works again.
        QVERIFY(lab.controls.trainButton()->isEnabled());
        lab.document.setPreparedData(loadData(lab.document));
        lab.click(lab.controls.trainButton());
        QTRY_VERIFY_WITH_TIMEOUT(!lab.steps.empty(), kTimeoutMs);
        lab.session.stop();
    }

    void statusPanelFollowsARunningSession() {
        Lab lab;
        StatusPanel status(lab.session);
        QCOMPARE(status.stateText(), QStringLiteral("Ready"));
        lab.click(lab.controls.trainButton());
        QCOMPARE(status.stateText(), QStringLiteral("Training"));
        QTRY_VERIFY_WITH_TIMEOUT(status.progressText().contains("/100000 · batch"), kTimeoutMs);
        QTRY_VERIFY_WITH_TIMEOUT(status.timeText().contains("left"), kTimeoutMs);
        lab.click(lab.controls.pauseButton());
        QCOMPARE(status.stateText(), QStringLiteral("Paused"));
        lab.click(lab.controls.stopButton());
        QCOMPARE(status.stateText(), QStringLiteral("Stopped"));
    }
};

QTEST_MAIN(TrainingSessionTest)
#include "TrainingSessionTest.moc"
