// The inspection plumbing: probes registered with a session are captured while idle (so
// the views show the network at initialization), between steps during a run at a bounded
// rate, promptly on request while paused, and at epoch ends when they ask; captures see
// the session's network and leave its gradients zero; a removed probe costs nothing; the
// per-parameter statistics are reported only while a view asks for them.

#include "datasets/Prepare.h"
#include "engine/Experiment.h"
#include "engine/Network.h"
#include "widgets/ExperimentDocument.h"
#include "widgets/InspectView.h"
#include "widgets/Inspection.h"
#include "widgets/TrainingSession.h"

#include <QSignalSpy>
#include <QtTest>

#include <atomic>
#include <chrono>
#include <cmath>
#include <memory>
#include <mutex>
#include <numeric>
#include <thread>

using namespace dlab;
using namespace dlab::ui;
using State = TrainingSession::State;

namespace {

constexpr int kTimeoutMs = 20000;

// Records what it was given; the output of the network on the probe batch is its picture.
class RecordingProbe final : public Probe {
public:
    explicit RecordingProbe(bool epochEnds = false, double sleepSeconds = 0.0)
        : m_epochEnds(epochEnds), m_sleepSeconds(sleepSeconds) {}

    void capture(InspectContext& context) override {
        const auto start = std::chrono::steady_clock::now();
        Tensor inputs = normalizedSamples(context.data, probeSplit(context.data), {0, 1, 2});
        const Tensor& out = context.network.forward(inputs, Mode::Eval);
        auto picture = std::make_shared<std::vector<float>>(out.data(), out.data() + out.numel());
        latest.publish(std::move(picture));
        {
            const std::lock_guard lock(m_mutex);
            ++m_captures;
            m_steps.push_back(context.step);
            if (context.epochEnd) {
                ++m_epochEnds_seen;
            }
            m_threads.push_back(std::this_thread::get_id());
        }
        if (m_sleepSeconds > 0.0) {
            while (std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
                       .count() < m_sleepSeconds) {
            }
        }
    }
    bool wantsEpochEnd() const override { return m_epochEnds; }

    int captures() const {
        const std::lock_guard lock(m_mutex);
        return m_captures;
    }
    int epochEnds() const {
        const std::lock_guard lock(m_mutex);
        return m_epochEnds_seen;
    }
    std::vector<int64_t> steps() const {
        const std::lock_guard lock(m_mutex);
        return m_steps;
    }
    std::vector<std::thread::id> threads() const {
        const std::lock_guard lock(m_mutex);
        return m_threads;
    }

    Latest<std::vector<float>> latest;

private:
    bool m_epochEnds;
    double m_sleepSeconds;
    mutable std::mutex m_mutex;
    int m_captures = 0;
    int m_epochEnds_seen = 0;
    std::vector<int64_t> m_steps;
    std::vector<std::thread::id> m_threads;
};

// At epoch ends, compares the trainer's validation outputs it is handed with its own
// forward pass over the validation split.
class ValidationProbe final : public Probe {
public:
    void capture(InspectContext& context) override {
        if (!context.epochEnd) {
            return;
        }
        ++epochEnds;
        const Tensor* given = context.validationOutputs;
        if (!given) {
            return;
        }
        ++handed;
        const data::Dataset& split = context.data.split.validation;
        std::vector<int64_t> all(static_cast<size_t>(split.size()));
        std::iota(all.begin(), all.end(), int64_t{0});
        const Tensor& own =
            context.network.forward(normalizedSamples(context.data, split, all), Mode::Eval);
        if (!(own.shape() == given->shape())) {
            maxDifference = 1e9;
            return;
        }
        for (int64_t i = 0; i < own.numel(); ++i) {
            maxDifference = std::max(maxDifference,
                                     static_cast<double>(std::abs(own.data()[i] - given->data()[i])));
        }
    }
    bool wantsEpochEnd() const override { return true; }
    bool wantsPeriodic() const override { return false; }

    std::atomic<int> epochEnds{0};
    std::atomic<int> handed{0};
    double maxDifference = 0.0;  // read after the run (the worker has been joined)
};

// A probe whose capture fails, and one that leaves gradients behind.
class FailingProbe final : public Probe {
public:
    void capture(InspectContext& context) override {
        const Tensor inputs =
            normalizedSamples(context.data, probeSplit(context.data), {0, 1, 2, 3});
        const Tensor& out = context.network.forward(inputs, Mode::Eval);
        const Tensor dy = Tensor::full(out.shape(), 1.0f);
        context.network.backward(dy);  // gradients now non-zero
        throw std::runtime_error("this probe cannot draw this network");
    }
};

// A view that only counts itself in for per-parameter statistics.
class StatsView final : public InspectView {
public:
    explicit StatsView(TrainingSession& session) : InspectView(session) {
        setWantsParamStats(true);
    }
};

// A view with a recording probe, to test show/hide registration.
class ProbeView final : public InspectView {
public:
    explicit ProbeView(TrainingSession& session) : InspectView(session) {
        m_probe = std::make_shared<RecordingProbe>();
        setProbe(m_probe);
    }
    std::shared_ptr<RecordingProbe> recorder() const { return m_probe; }
    int refreshes = 0;

protected:
    void refresh() override { ++refreshes; }

private:
    std::shared_ptr<RecordingProbe> m_probe;
};

struct Lab {
    explicit Lab(int epochs = 100000) {
        Experiment ex = presetExperiment("spiral");
        ex.training.epochs = epochs;
        document.reset(ex);
        document.setPreparedData(std::make_shared<data::PreparedData>(
            data::prepareData(data::parseDataConfig(document.experiment().data))));
    }
    ExperimentDocument document;
    TrainingSession session{document};
};

bool gradientsZero(const Network& network) {
    for (const auto& p : network.params()) {
        const Tensor& g = p.param->grad;
        for (int64_t i = 0; i < g.numel(); ++i) {
            if (g.data()[i] != 0.0f) {
                return false;
            }
        }
    }
    return true;
}

}  // namespace

class InspectionTest : public QObject {
    Q_OBJECT

private slots:
    void idleCaptureShowsTheInitialNetwork() {
        Lab lab;
        QSignalSpy inspected(&lab.session, &TrainingSession::inspected);
        auto probe = std::make_shared<RecordingProbe>();
        lab.session.addProbe(probe);
        QTRY_VERIFY_WITH_TIMEOUT(inspected.count() >= 1, kTimeoutMs);
        QCOMPARE(probe->captures(), 1);
        QCOMPARE(probe->steps().front(), int64_t{0});
        QVERIFY(probe->threads().front() != std::this_thread::get_id());
        // The picture is the session's network's output on the probe batch.
        const Network* network = lab.session.network();
        QVERIFY(network != nullptr);
        const auto& prepared = *lab.document.preparedData();
        Network copy(network->specs(), network->inputShape(), lab.document.training().seed);
        const Tensor inputs = normalizedSamples(prepared, probeSplit(prepared), {0, 1, 2});
        const Tensor& expected = copy.forward(inputs, Mode::Eval);
        const auto picture = probe->latest.get();
        QCOMPARE(picture->size(), static_cast<size_t>(expected.numel()));
        for (int64_t i = 0; i < expected.numel(); ++i) {
            QCOMPARE((*picture)[static_cast<size_t>(i)], expected.data()[i]);
        }
        // Without a new request, nothing is captured again.
        QTest::qWait(100);
        QCOMPARE(probe->captures(), 1);
        lab.session.requestCapture(probe.get());
        QTRY_COMPARE_WITH_TIMEOUT(probe->captures(), 2, kTimeoutMs);
    }

    void runCapturesAtABoundedRate() {
        Lab lab(3);
        auto probe = std::make_shared<RecordingProbe>();
        lab.session.addProbe(probe);
        lab.session.waitForCaptures();
        const int before = probe->captures();
        QSignalSpy finished(&lab.session, &TrainingSession::finished);
        const auto start = std::chrono::steady_clock::now();
        lab.session.train();
        QTRY_VERIFY_WITH_TIMEOUT(finished.count() == 1, kTimeoutMs);
        const double seconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        lab.session.waitForCaptures();
        const int during = probe->captures() - before;
        // At least the one after the run ended (the first periodic one waits an interval
        // into the run); at most one per kMinIntervalMs of the run, plus that one.
        QVERIFY2(during >= 1, qPrintable(QString::number(during)));
        const double bound = seconds * 1000.0 / Inspector::kMinIntervalMs + 3;
        QVERIFY2(during <= bound,
                 qPrintable(QString("%1 captures in %2 s").arg(during).arg(seconds)));
        // The last capture shows the weights the run ended with.
        const auto steps = probe->steps();
        QCOMPARE(steps.back(), lab.session.progress().step);
        QVERIFY(gradientsZero(*lab.session.network()));
    }

    void captureCostStaysASmallShare() {
        // A probe that takes 20 ms: periodic captures are spaced so capturing stays near
        // kMaxShare of the time.
        Lab lab;
        auto probe = std::make_shared<RecordingProbe>(false, 0.02);
        lab.session.addProbe(probe);
        lab.session.waitForCaptures();
        const double before = lab.session.inspector().captureSeconds();
        lab.session.train();
        QTest::qWait(2000);
        lab.session.stop();
        lab.session.waitForCaptures();
        const double spent = lab.session.inspector().captureSeconds() - before;
        // 2 s of training: at most ~0.1 s at 5 %, plus the final capture and slack for a
        // loaded machine.
        QVERIFY2(spent < 0.25, qPrintable(QString::number(spent)));
    }

    void pausedRequestsAreCapturedPromptly() {
        Lab lab;
        auto probe = std::make_shared<RecordingProbe>();
        lab.session.addProbe(probe);
        lab.session.waitForCaptures();
        lab.session.train();
        QTest::qWait(100);
        lab.session.pause();
        QTest::qWait(300);  // the periodic captures stop with the steps
        const int before = probe->captures();
        lab.session.requestCapture(probe.get());
        QTRY_VERIFY_WITH_TIMEOUT(probe->captures() == before + 1, 2000);
        QTest::qWait(100);
        QCOMPARE(probe->captures(), before + 1);
        lab.session.stop();
    }

    void epochEndsAreCapturedWhenAsked() {
        Lab lab(3);
        auto probe = std::make_shared<RecordingProbe>(true);
        lab.session.addProbe(probe);
        QSignalSpy finished(&lab.session, &TrainingSession::finished);
        lab.session.train();
        QTRY_VERIFY_WITH_TIMEOUT(finished.count() == 1, kTimeoutMs);
        QCOMPARE(probe->epochEnds(), 3);
    }

    void epochEndsGetTheTrainersValidationOutputs() {
        Lab lab(3);
        auto probe = std::make_shared<ValidationProbe>();
        lab.session.addProbe(probe);
        QSignalSpy finished(&lab.session, &TrainingSession::finished);
        lab.session.train();
        QTRY_VERIFY_WITH_TIMEOUT(finished.count() == 1, kTimeoutMs);
        QCOMPARE(probe->epochEnds.load(), 3);
        QCOMPARE(probe->handed.load(), 3);
        QVERIFY2(probe->maxDifference < 1e-5, qPrintable(QString::number(probe->maxDifference)));
    }

    void aFailingProbeReportsAndLeavesNoGradients() {
        Lab lab;
        auto probe = std::make_shared<FailingProbe>();
        auto good = std::make_shared<RecordingProbe>();
        lab.session.addProbe(probe);
        lab.session.addProbe(good);
        lab.session.waitForCaptures();
        QCOMPARE(QString::fromStdString(probe->error()),
                 QString("this probe cannot draw this network"));
        QVERIFY(good->captures() >= 1);
        QVERIFY(good->error().empty());
        QVERIFY(gradientsZero(*lab.session.network()));
    }

    void hiddenViewsCostNothing() {
        Lab lab;
        ProbeView view(lab.session);
        QCOMPARE(lab.session.inspector().size(), size_t{0});
        view.show();
        QVERIFY(view.active());
        QCOMPARE(lab.session.inspector().size(), size_t{1});
        lab.session.waitForCaptures();
        QTRY_VERIFY_WITH_TIMEOUT(view.refreshes >= 1, kTimeoutMs);
        view.hide();
        QCOMPARE(lab.session.inspector().size(), size_t{0});
        const int captures = view.recorder()->captures();
        lab.session.train();
        QTest::qWait(500);
        lab.session.stop();
        lab.session.waitForCaptures();
        QCOMPARE(view.recorder()->captures(), captures);
    }

    void unavailableInspectionSaysWhy() {
        Lab lab;
        QSignalSpy unavailable(&lab.session, &TrainingSession::inspectionUnavailable);
        auto network = lab.document.network();
        network.front().set("units", "0");  // an invalid dense layer
        lab.document.setNetwork(network, "break it");
        auto probe = std::make_shared<RecordingProbe>();
        lab.session.addProbe(probe);
        QVERIFY(unavailable.count() >= 1);
        QVERIFY(!unavailable.last().at(0).toString().isEmpty());
        QCOMPARE(probe->captures(), 0);
    }

    void paramStatsOnlyWhileAViewAsks() {
        Lab lab;
        std::vector<StepRecord> steps;
        QObject::connect(&lab.session, &TrainingSession::metrics, [&](const MetricsBatch& b) {
            steps.insert(steps.end(), b.steps.begin(), b.steps.end());
        });
        auto withStats = [&] {
            int n = 0;
            for (const auto& s : steps) {
                n += s.params.empty() ? 0 : 1;
            }
            return n;
        };
        lab.session.train();
        QTRY_VERIFY_WITH_TIMEOUT(steps.size() >= 20, kTimeoutMs);
        QCOMPARE(withStats(), 0);
        StatsView view(lab.session);
        view.show();
        QCOMPARE(lab.session.paramStatsInterval(), TrainingSession::kParamStatsInterval);
        const size_t mark = steps.size();
        const size_t wanted = 4 * TrainingSession::kParamStatsInterval;
        QTRY_VERIFY_WITH_TIMEOUT(steps.size() >= mark + wanted + 1, kTimeoutMs);
        QVERIFY(withStats() >= 3);
        view.hide();
        QCOMPARE(lab.session.paramStatsInterval(), 0);
        lab.session.stop();
        for (const auto& s : steps) {
            if (!s.params.empty()) {
                QCOMPARE(s.params.size(), lab.session.network()->params().size());
                QVERIFY(std::isfinite(s.params.front().updateRatio));
            }
        }
    }
};

QTEST_MAIN(InspectionTest)
#include "InspectionTest.moc"
