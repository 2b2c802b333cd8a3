// The trainer end to end: learning the spiral, bit-for-bit reproducibility, the
// divergence rule, early stopping, update ratios, and the course's worked numbers that
// involve a whole network (loss at init, the L2 example, the sigmoid neuron).

#include "datasets/Prepare.h"
#include "datasets/Toy2d.h"
#include "engine/Backend.h"
#include "engine/Experiment.h"
#include "engine/Trainer.h"
#include "engine/layers/Dense.h"

#include <QtTest>

#include <cmath>
#include <random>
#include <thread>

using namespace dlab;

namespace {

struct Recorder final : TrainerObserver {
    std::vector<StepRecord> steps;
    std::vector<EpochRecord> epochs;
    void onStep(const StepRecord& r) override { steps.push_back(r); }
    void onEpoch(const EpochRecord& r) override { epochs.push_back(r); }
};

// The spiral preset's data with a given network preset's layers.
struct Run {
    data::PreparedData data;
    std::unique_ptr<Network> network;
    Experiment ex;
};

Run makeRun(const std::string& preset, int epochs, uint64_t seed) {
    Run run;
    run.ex = presetExperiment(preset);
    run.ex.data = presetExperiment("spiral").data;
    run.ex.training.epochs = epochs;
    run.ex.training.seed = seed;
    run.data = data::prepareData(data::parseDataConfig(run.ex.data));
    const auto& train = run.data.split.train;
    run.network = std::make_unique<Network>(resolveNetwork(run.ex.network, train.numClasses),
                                            train.sampleShape(), seed);
    return run;
}

// The split as normalized tensors in memory.
DataView viewOf(const Run& run, const data::Dataset& split) {
    Tensor x = split.inputsTensor();
    data::applyNormalization(run.data.normalization, x);
    return {x, split.targetsTensor()};
}

Tensor gaussian(const Shape& shape, double std, uint64_t seed) {
    std::mt19937_64 rng(seed);
    std::normal_distribution<double> dist(0.0, std);
    std::vector<float> v(static_cast<size_t>(shape.numel()));
    for (float& x : v) {
        x = static_cast<float>(dist(rng));
    }
    return Tensor::fromVector(shape, v);
}

}  // namespace

class TrainerTest : public QObject {
    Q_OBJECT
private slots:
    // The end-to-end requirement: the MLP preset learns the spiral set to at
    // least 95 % training accuracy.
    void mlpPresetLearnsSpiral() {
        Run run = makeRun("mlp", 40, 3);
        run.ex.training.optimizer.hyper.lr = 0.003f;
        run.ex.training.batchSize = 32;
        Trainer trainer(*run.network, run.ex.training);
        const auto result = trainer.fit(viewOf(run, run.data.split.train),
                                        viewOf(run, run.data.split.validation));
        QCOMPARE(result.status, TrainStatus::Finished);
        const EvalResult train = trainer.evaluate(viewOf(run, run.data.split.train));
        QVERIFY2(train.accuracy >= 0.95, qPrintable(QString("train accuracy %1").arg(train.accuracy)));
    }

    void sameSeedRepeatsBitForBit() {
        auto losses = [](uint64_t seed) {
            Run run = makeRun("spiral", 3, seed);
            Trainer trainer(*run.network, run.ex.training);
            Recorder rec;
            trainer.fit(viewOf(run, run.data.split.train),
                        viewOf(run, run.data.split.validation), &rec);
            std::vector<double> out;
            for (const auto& s : rec.steps) {
                out.push_back(s.loss);
            }
            for (const auto& np : run.network->params()) {
                for (float w : np.param->value.toVector()) {
                    out.push_back(w);
                }
            }
            return out;
        };
        const auto a = losses(5), b = losses(5), c = losses(6);
        QCOMPARE(a.size(), b.size());
        QVERIFY(a == b);  // exact equality, not approximate
        QVERIFY(a != c);
    }

    void highLearningRateDivergesWithAClearMessage() {
        Run run = makeRun("spiral", 20, 1);
        run.ex.training.optimizer.kind = kernels::OptKind::SGD;
        run.ex.training.optimizer.hyper.lr = 1e4f;
        Trainer trainer(*run.network, run.ex.training);
        const auto result = trainer.fit(viewOf(run, run.data.split.train), {});
        QCOMPARE(result.status, TrainStatus::Diverged);
        const QString msg = QString::fromStdString(result.message);
        QVERIFY2(msg.contains("step ") && msg.contains("learning rate"), qPrintable(msg));
        // Weights stay finite: the diverging update was not applied.
        for (const auto& np : run.network->params()) {
            for (float w : np.param->value.toVector()) {
                QVERIFY(std::isfinite(w));
            }
        }
    }

    void nanInputStopsAtTheFirstStep() {
        Run run = makeRun("spiral", 2, 1);
        DataView train = viewOf(run, run.data.split.train);
        train.inputs = train.inputs.clone();
        for (int64_t i = 0; i < train.inputs.numel(); ++i) {
            train.inputs.at(i) = std::nanf("");
        }
        Trainer trainer(*run.network, run.ex.training);
        const auto result = trainer.fit(train, {});
        QCOMPARE(result.status, TrainStatus::Diverged);
        QCOMPARE(result.steps, int64_t(1));
        QVERIFY(QString::fromStdString(result.message).contains("nan", Qt::CaseInsensitive));
    }

    void stopFlagStopsBetweenSteps() {
        Run run = makeRun("spiral", 50, 1);
        Trainer trainer(*run.network, run.ex.training);
        TrainControl control;
        control.stop = true;
        const auto result = trainer.fit(viewOf(run, run.data.split.train), {}, nullptr, &control);
        QCOMPARE(result.status, TrainStatus::Stopped);
        QCOMPARE(result.steps, int64_t(0));
    }

    // Paused training takes exactly the single steps it is given, then stops on request.
    void pauseAndStepFromAnotherThread() {
        Run run = makeRun("spiral", 50, 1);
        Trainer trainer(*run.network, run.ex.training);
        TrainControl control;
        control.pause = true;
        control.stepsWhilePaused = 3;
        struct Counter final : TrainerObserver {
            std::atomic<int> steps{0};
            void onStep(const StepRecord&) override { ++steps; }
        } counter;
        TrainResult result;
        std::thread worker([&] {
            result = trainer.fit(viewOf(run, run.data.split.train), {}, &counter, &control);
        });
        QTRY_COMPARE_WITH_TIMEOUT(counter.steps.load(), 3, 5000);
        QTest::qWait(50);
        QCOMPARE(counter.steps.load(), 3);  // no more steps while paused
        control.stepsWhilePaused = 1;
        QTRY_COMPARE_WITH_TIMEOUT(counter.steps.load(), 4, 5000);
        control.stop = true;
        worker.join();
        QCOMPARE(result.status, TrainStatus::Stopped);
        QCOMPARE(result.steps, int64_t(4));
    }

    void learningRateChangesWhileTraining() {
        Run run = makeRun("spiral", 1, 1);
        Trainer trainer(*run.network, run.ex.training);
        TrainControl control;
        control.learningRate = 0.0025f;
        Recorder rec;
        trainer.fit(viewOf(run, run.data.split.train), {}, &rec, &control);
        QVERIFY(rec.steps.size() > 2);
        QVERIFY(rec.steps[0].learningRateChanged);
        QVERIFY(!rec.steps[1].learningRateChanged);
        // The spiral preset uses a cosine schedule: the new base rate goes through it.
        QVERIFY(std::fabs(rec.steps[0].learningRate - 0.0025) < 1e-9);
        QVERIFY(rec.steps[1].learningRate < 0.0025 && rec.steps[1].learningRate > 0.002);
    }

    void earlyStoppingKeepsTheBestWeights() {
        Run run = makeRun("spiral", 200, 2);
        run.ex.training.optimizer.hyper.lr = 0.05f;
        run.ex.training.earlyStoppingPatience = 3;
        Trainer trainer(*run.network, run.ex.training);
        Recorder rec;
        const auto val = viewOf(run, run.data.split.validation);
        const auto result = trainer.fit(viewOf(run, run.data.split.train), val, &rec);
        QCOMPARE(result.status, TrainStatus::EarlyStopped);
        QVERIFY(result.epochs < 200);
        QCOMPARE(result.epochs, result.bestEpoch + 3);
        // The restored weights give exactly the best epoch's validation loss.
        const EvalResult now = trainer.evaluate(val);
        QCOMPARE(now.loss, result.bestValLoss);
    }

    // ‖ΔW‖/‖W‖ as reported equals the ratio computed independently from the weights
    // before and after one plain SGD step.
    void updateRatiosMatchIndependentComputation() {
        Run run = makeRun("spiral", 1, 4);
        run.ex.training.optimizer.kind = kernels::OptKind::SGD;
        run.ex.training.optimizer.hyper.lr = 0.1f;
        run.ex.training.paramStatsInterval = 1;
        run.ex.training.shuffle = false;
        std::vector<std::vector<float>> before;
        for (const auto& np : run.network->params()) {
            before.push_back(np.param->value.toVector());
        }
        struct FirstStep final : TrainerObserver {
            std::vector<std::vector<float>> after;
            Network* net = nullptr;
            std::vector<ParamStats> stats;
            void onStep(const StepRecord& r) override {
                if (r.step == 1) {
                    stats = r.params;
                    for (const auto& np : net->params()) {
                        after.push_back(np.param->value.toVector());
                    }
                }
            }
        } obs;
        obs.net = run.network.get();
        Trainer trainer(*run.network, run.ex.training);
        trainer.fit(viewOf(run, run.data.split.train), {}, &obs);
        QCOMPARE(obs.stats.size(), before.size());
        for (size_t i = 0; i < before.size(); ++i) {
            double dd = 0.0, ww = 0.0;
            for (size_t j = 0; j < before[i].size(); ++j) {
                const double d = double(obs.after[i][j]) - before[i][j];
                dd += d * d;
                ww += double(obs.after[i][j]) * obs.after[i][j];
            }
            const double expected = std::sqrt(dd) / std::sqrt(ww);
            QVERIFY2(std::fabs(obs.stats[i].updateRatio - expected) <= 1e-5 * expected + 1e-12,
                     qPrintable(QString("%1: %2 vs %3").arg(QString::fromStdString(obs.stats[i].name))
                                    .arg(obs.stats[i].updateRatio).arg(expected)));
        }
    }

    // Course: a 10-class classifier with small weights starts at ln 10; the 3072-50-10
    // net with weights 1e-4·N(0,1) and L2 strength 1e3 starts near 3.07 with the
    // penalty ½·λ·ΣW².
    void lossAtInitMatchesTheCourse() {
        std::vector<LayerSpec> specs = {
            LayerSpec("dense").set("units", 50).set("init", "normal").set("init_std", 1e-4),
            LayerSpec("relu"),
            LayerSpec("dense").set("units", 10).set("init", "normal").set("init_std", 1e-4)};
        Network net(specs, Shape{3072}, 1);
        const int64_t n = 50;
        Tensor x = gaussian({n, 3072}, 1.0, 2);
        std::vector<float> labels;
        for (int64_t i = 0; i < n; ++i) {
            labels.push_back(static_cast<float>(i % 10));
        }
        TrainConfig config;
        config.regularization.l2 = 0.0;
        Trainer plain(net, config);
        const EvalResult ce = plain.evaluate({x, Tensor::fromVector({n}, labels)});
        QVERIFY2(std::fabs(ce.loss - std::log(10.0)) < 0.01, qPrintable(QString::number(ce.loss)));
        RegularizationConfig reg;
        reg.l2 = 1e3;
        std::vector<Param*> params;
        for (const auto& np : net.params()) {
            params.push_back(np.param);
        }
        const double total = ce.loss + regularizationPenalty(reg, params);
        QVERIFY2(std::fabs(total - 3.07) < 0.03, qPrintable(QString::number(total)));
    }

    // Course: w = (2, -3, -3), x = (-1, -2): the neuron outputs 0.73; gradients
    // dw = (-0.20, -0.39, 0.20) (last one the bias), dx = (0.39, -0.59).
    void sigmoidNeuronGradients() {
        std::vector<LayerSpec> specs = {LayerSpec("dense").set("units", 1), LayerSpec("sigmoid")};
        Network net(specs, Shape{2}, 1);
        auto* dense = dynamic_cast<Dense*>(&net.layers().layer(0));
        QVERIFY(dense);
        dense->weight().value.at(0) = 2.0f;
        dense->weight().value.at(1) = -3.0f;
        dense->bias().value.at(0) = -3.0f;
        const Tensor x = Tensor::fromVector({1, 2}, {-1.0f, -2.0f});
        const Tensor& y = net.forward(x, Mode::Train);
        QCOMPARE(std::round(y.at(0) * 100.0f) / 100.0f, 0.73f);
        net.zeroGrad();
        net.backward(Tensor::fromVector({1, 1}, {1.0f}));
        auto r2 = [](float v) { return std::round(v * 100.0f) / 100.0f; };
        QCOMPARE(r2(dense->weight().grad.at(0)), -0.20f);
        QCOMPARE(r2(dense->weight().grad.at(1)), -0.39f);
        QCOMPARE(r2(dense->bias().grad.at(0)), 0.20f);
        // dx through the layers directly (the network does not keep dL/dx).
        Tensor dz, dx, y1;
        net.layers().layer(1).backward(net.layers().activation(0), net.layers().activation(1),
                                       Tensor::fromVector({1, 1}, {1.0f}), dz, true);
        net.layers().layer(0).backward(x, net.layers().activation(0), dz, dx, true);
        QCOMPARE(r2(dx.at(0)), 0.39f);
        QCOMPARE(r2(dx.at(1)), -0.59f);
    }

    // Course: f = (x + y)·z at x = -2, y = 5, z = -4 gives f = -12 and
    // ∂f/∂x = ∂f/∂y = z = -4, ∂f/∂z = x + y = 3, through the backend's add and mul.
    void addMulGraphGradients() {
        Backend& be = backendFor(Device::CPU);
        const float x = -2, y = 5, z = -4;
        float q = 0, f = 0;
        be.add(&q, &x, &y, 1);
        be.mul(&f, &q, &z, 1);
        QCOMPARE(f, -12.0f);
        const float df = 1.0f;
        float dq = 0, dz = 0;
        be.mul(&dq, &df, &z, 1);  // ∂f/∂q = z
        be.mul(&dz, &df, &q, 1);  // ∂f/∂z = q
        float dx = 0, dy = 0;
        be.axpy(&dx, &dq, 1, 1.0f);  // the add gate passes the gradient to both inputs
        be.axpy(&dy, &dq, 1, 1.0f);
        QCOMPARE(dx, -4.0f);
        QCOMPARE(dy, -4.0f);
        QCOMPARE(dz, 3.0f);
    }

    void badSettingsAreRefused() {
        Run run = makeRun("spiral", 1, 1);
        TrainConfig config = run.ex.training;
        config.batchSize = 0;
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, Trainer(*run.network, config));
        config = run.ex.training;
        config.optimizer.hyper.lr = -1.0f;
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, Trainer(*run.network, config));
        Trainer ok(*run.network, run.ex.training);
        DataView wrong{Tensor::zeros({4, 3}), Tensor::zeros({4})};
        try {
            ok.fit(wrong, {});
            QFAIL("expected a shape error");
        } catch (const std::invalid_argument& e) {
            QVERIFY2(QString(e.what()).contains("(4, 3)") && QString(e.what()).contains("(4, 2)"),
                     e.what());
        }
    }
};

QTEST_APPLESS_MAIN(TrainerTest)
#include "TrainerTest.moc"
