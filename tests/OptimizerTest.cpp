// Optimizers against hand-computed steps, schedules at chosen epochs, regularization
// penalties and gradients, and gradient clipping.
//
// Every expected number below was worked out from the formulas in Optimizer.h and
// kernels::optimizerUpdate by hand (calculator), not by running the engine. The
// parameter is w = (1, -2) with the fixed gradient g = (0.5, -1) at every step.
// Tolerance: kTol absolute (float32 weights of order 1).

#include "engine/Loss.h"
#include "engine/Optimizer.h"

#include <QtTest>

#include <cmath>
#include <random>

using namespace dlab;
using kernels::OptKind;

namespace {

constexpr double kTol = 1e-5;

Param makeParam(const std::string& name, const Shape& shape, const std::vector<float>& value,
                bool decay = true) {
    Param p;
    p.name = name;
    p.value = Tensor::fromVector(shape, value);
    p.grad = Tensor::zeros(shape);
    p.decay = decay;
    return p;
}

struct StepRow {
    const char* name;
    OptKind kind;
    float lr;
    float weightDecay;
    std::vector<std::vector<float>> expected;  // w after steps 1, 2, 3
};

std::vector<StepRow> stepRows() {
    return {
        // w -= lr·g: 1 - 0.05·t, -2 + 0.1·t
        {"sgd", OptKind::SGD, 0.1f, 0.0f, {{0.95f, -1.9f}, {0.9f, -1.8f}, {0.85f, -1.7f}}},
        // g' = g + 0.1·w: step 1 g' = (0.6, -1.2) → (0.94, -1.88); step 2 g' = (0.594,
        // -1.188) → (0.8806, -1.7612); step 3 g' = (0.58806, -1.17612).
        {"sgd_weight_decay", OptKind::SGD, 0.1f, 0.1f,
         {{0.94f, -1.88f}, {0.8806f, -1.7612f}, {0.821794f, -1.643588f}}},
        // v = g, 1.9g, 2.71g (seeded with g, then ρv + g); w -= 0.1·v
        {"momentum", OptKind::Momentum, 0.1f, 0.0f,
         {{0.95f, -1.9f}, {0.855f, -1.71f}, {0.7195f, -1.439f}}},
        // step g + ρv with v as above: 1.9g, 2.71g, 3.439g
        {"nesterov", OptKind::Nesterov, 0.1f, 0.0f,
         {{0.905f, -1.81f}, {0.7695f, -1.539f}, {0.59755f, -1.1951f}}},
        // cache = t·g², step lr·g/sqrt(t·g²) = 0.1/sqrt(t) per element: 0.1, 0.0707107, 0.0577350
        {"adagrad", OptKind::AdaGrad, 0.1f, 0.0f,
         {{0.9f, -1.9f}, {0.8292893f, -1.8292893f}, {0.7715543f, -1.7715543f}}},
        // cache = 0.01g², 0.0199g², 0.029701g²; step 0.01/sqrt(factor): 0.1, 0.0708881, 0.0580249
        {"rmsprop", OptKind::RMSProp, 0.01f, 0.0f,
         {{0.9f, -1.9f}, {0.8291119f, -1.8291119f}, {0.7710870f, -1.7710870f}}},
        // With a constant gradient the bias-corrected m̂ = g and v̂ = g², so every step is
        // lr·sign(g). Without the correction the first step would be 0.1/sqrt(0.001) = 3.16
        // times larger.
        {"adam", OptKind::Adam, 0.1f, 0.0f, {{0.9f, -1.9f}, {0.8f, -1.8f}, {0.7f, -1.7f}}},
        // w ← 0.99·w, then the Adam step 0.1·sign(g):
        // 0.99 - 0.1 = 0.89, 0.8811 - 0.1 = 0.7811, 0.773289 - 0.1 = 0.673289
        {"adamw", OptKind::AdamW, 0.1f, 0.1f,
         {{0.89f, -1.88f}, {0.7811f, -1.7612f}, {0.673289f, -1.643588f}}},
    };
}

}  // namespace

class OptimizerTest : public QObject {
    Q_OBJECT
private slots:
    void handComputedSteps_data() {
        QTest::addColumn<int>("index");
        const auto all = stepRows();
        for (size_t i = 0; i < all.size(); ++i) {
            QTest::newRow(all[i].name) << static_cast<int>(i);
        }
    }

    void handComputedSteps() {
        QFETCH(int, index);
        const StepRow row = stepRows()[static_cast<size_t>(index)];
        Param w = makeParam("weight", {2}, {1.0f, -2.0f});
        OptimizerConfig config;
        config.kind = row.kind;
        config.hyper.weightDecay = row.weightDecay;
        Optimizer opt(config, {&w});
        for (size_t step = 0; step < row.expected.size(); ++step) {
            w.grad.at(0) = 0.5f;
            w.grad.at(1) = -1.0f;
            opt.step(row.lr);
            for (int i = 0; i < 2; ++i) {
                const float want = row.expected[step][static_cast<size_t>(i)];
                QVERIFY2(std::fabs(w.value.at(i) - want) < kTol,
                         qPrintable(QString("step %1, w[%2] = %3, expected %4")
                                        .arg(step + 1)
                                        .arg(i)
                                        .arg(static_cast<double>(w.value.at(i)), 0, 'g', 8)
                                        .arg(static_cast<double>(want), 0, 'g', 8)));
            }
        }
        QCOMPARE(opt.steps(), int64_t{3});
    }

    // Adam with a gradient that changes sign, so the moments and their corrections
    // matter: step 2 with g = -0.5 on w[0]:
    //   m = 0.9·0.05 + 0.1·(-0.5) = -0.005, v = 0.999·0.00025 + 0.001·0.25 = 0.00049975
    //   m̂ = -0.005 / 0.19 = -0.0263158, v̂ = 0.00049975 / 0.001999 = 0.25
    //   w = 0.9 - 0.1·(-0.0263158)/0.5 = 0.9052632
    void adamMomentsAndBiasCorrection() {
        Param w = makeParam("weight", {2}, {1.0f, -2.0f});
        OptimizerConfig config;
        config.kind = OptKind::Adam;
        Optimizer opt(config, {&w});
        w.grad.at(0) = 0.5f;
        w.grad.at(1) = -1.0f;
        opt.step(0.1f);
        QVERIFY(std::fabs(w.value.at(0) - 0.9f) < kTol);
        w.grad.at(0) = -0.5f;
        w.grad.at(1) = 2.0f;
        opt.step(0.1f);
        QVERIFY(std::fabs(w.value.at(0) - 0.9052632f) < kTol);
        // w[1] with g = 2: m = 0.9·(-0.1) + 0.1·2 = 0.11, v = 0.999·0.001 + 0.001·4 = 0.004999;
        // m̂ = 0.11/0.19 = 0.5789474, v̂ = 0.004999/0.001999 = 2.5007504, sqrt 1.5813761;
        // w = -1.9 - 0.1·0.5789474/1.5813761 = -1.9366104.
        QVERIFY2(std::fabs(w.value.at(1) - (-1.9366104f)) < kTol,
                 qPrintable(QString::number(static_cast<double>(w.value.at(1)), 'g', 8)));
    }

    // Biases (Param::decay false) are left alone by weight decay, coupled or decoupled.
    void weightDecaySkipsBiases() {
        for (OptKind kind : {OptKind::SGD, OptKind::AdamW}) {
            Param bias = makeParam("bias", {2}, {1.0f, -2.0f}, false);
            OptimizerConfig config;
            config.kind = kind;
            config.hyper.weightDecay = 0.5f;
            Optimizer opt(config, {&bias});
            opt.step(0.1f);  // zero gradient: only decay could move it
            QCOMPARE(bias.value.at(0), 1.0f);
            QCOMPARE(bias.value.at(1), -2.0f);
        }
    }

    void resetForgetsState() {
        Param w = makeParam("weight", {2}, {1.0f, -2.0f});
        OptimizerConfig config;
        config.kind = OptKind::Momentum;
        Optimizer opt(config, {&w});
        w.grad.at(0) = 0.5f;
        w.grad.at(1) = -1.0f;
        opt.step(0.1f);
        opt.step(0.1f);
        opt.reset();
        QCOMPARE(opt.steps(), int64_t{0});
        w.value.at(0) = 1.0f;
        opt.step(0.1f);
        // A fresh first step: v = g, w = 1 - 0.05.
        QVERIFY(std::fabs(w.value.at(0) - 0.95f) < kTol);
        QCOMPARE(opt.stateTensors().size(), size_t{1});
    }

    void stateTensorsPerKind() {
        Param w = makeParam("weight", {2}, {1.0f, -2.0f});
        Param b = makeParam("bias", {1}, {0.0f}, false);
        const std::vector<std::pair<OptKind, size_t>> expected = {
            {OptKind::SGD, 0},     {OptKind::Momentum, 2}, {OptKind::Nesterov, 2},
            {OptKind::AdaGrad, 2}, {OptKind::RMSProp, 2},  {OptKind::Adam, 4},
            {OptKind::AdamW, 4}};
        for (const auto& [kind, count] : expected) {
            OptimizerConfig config;
            config.kind = kind;
            Optimizer opt(config, {&w, &b});
            QCOMPARE(opt.stateTensors().size(), count);
        }
    }

    void optimizerNamesRoundTrip() {
        QCOMPARE(optKindNames().size(), size_t{7});
        for (const std::string& name : optKindNames()) {
            const OptKind kind = parseOptKind(name);
            QCOMPARE(optKindName(kind), name);
            QVERIFY(!optKindHelp(kind).empty());
        }
        QCOMPARE(parseOptKind("adamw"), OptKind::AdamW);
        try {
            parseOptKind("adam_w");
            QFAIL("expected an error");
        } catch (const std::invalid_argument& e) {
            QVERIFY(QString(e.what()).contains("adam_w") && QString(e.what()).contains("rmsprop"));
        }
    }

    // Each kind at a few epochs, base lr 0.1.
    void schedules() {
        auto at = [](const ScheduleConfig& c, double epoch, double total = 10.0) {
            return scheduledLearningRate(c, 0.1, epoch, total);
        };
        ScheduleConfig constant;
        QCOMPARE(at(constant, 0.0), 0.1);
        QCOMPARE(at(constant, 7.5), 0.1);

        ScheduleConfig step;
        step.kind = ScheduleKind::Step;
        step.stepEpochs = 10;
        step.gamma = 0.5;
        QVERIFY(std::fabs(at(step, 0.0, 30) - 0.1) < 1e-12);
        QVERIFY(std::fabs(at(step, 9.99, 30) - 0.1) < 1e-12);  // still epoch 9
        QVERIFY(std::fabs(at(step, 10.0, 30) - 0.05) < 1e-12);  // halves at epoch 10
        QVERIFY(std::fabs(at(step, 19.5, 30) - 0.05) < 1e-12);
        QVERIFY(std::fabs(at(step, 20.0, 30) - 0.025) < 1e-12);

        ScheduleConfig multi;
        multi.kind = ScheduleKind::MultiStep;
        multi.milestones = {5, 8};
        multi.gamma = 0.1;
        QVERIFY(std::fabs(at(multi, 4.9) - 0.1) < 1e-12);
        QVERIFY(std::fabs(at(multi, 5.0) - 0.01) < 1e-12);
        QVERIFY(std::fabs(at(multi, 7.99) - 0.01) < 1e-12);
        QVERIFY(std::fabs(at(multi, 8.0) - 0.001) < 1e-12);

        ScheduleConfig expo;
        expo.kind = ScheduleKind::Exponential;
        expo.gamma = 0.9;
        QVERIFY(std::fabs(at(expo, 0.0) - 0.1) < 1e-12);
        QVERIFY(std::fabs(at(expo, 3.0) - 0.0729) < 1e-12);  // 0.1 · 0.9³
        QVERIFY(std::fabs(at(expo, 3.5) - 0.0729) < 1e-12);  // per epoch, not per step

        ScheduleConfig cosine;
        cosine.kind = ScheduleKind::Cosine;
        cosine.minLr = 0.001;
        QVERIFY(std::fabs(at(cosine, 0.0) - 0.1) < 1e-12);
        QVERIFY(std::fabs(at(cosine, 5.0) - 0.0505) < 1e-12);  // halfway: (0.1 + 0.001) / 2
        // a quarter: 0.001 + 0.099·(1 + cos(π/4))/2 = 0.001 + 0.099·0.8535534
        QVERIFY(std::fabs(at(cosine, 2.5) - 0.0855018) < 1e-7);
        QVERIFY(std::fabs(at(cosine, 10.0) - 0.001) < 1e-12);  // the floor at the end

        ScheduleConfig warm;
        warm.kind = ScheduleKind::WarmupCosine;
        warm.warmupEpochs = 2;
        QVERIFY(std::fabs(at(warm, 0.0, 12) - 0.0) < 1e-12);
        QVERIFY(std::fabs(at(warm, 0.5, 12) - 0.025) < 1e-12);  // linear ramp
        QVERIFY(std::fabs(at(warm, 1.0, 12) - 0.05) < 1e-12);
        QVERIFY(std::fabs(at(warm, 2.0, 12) - 0.1) < 1e-12);   // top of the ramp
        QVERIFY(std::fabs(at(warm, 7.0, 12) - 0.05) < 1e-12);  // cosine halfway over 10
        QVERIFY(std::fabs(at(warm, 12.0, 12) - 0.0) < 1e-12);
    }

    void scheduleNamesRoundTrip() {
        QCOMPARE(scheduleKindNames().size(), size_t{6});
        for (const std::string& name : scheduleKindNames()) {
            const ScheduleKind kind = parseScheduleKind(name);
            QCOMPARE(scheduleKindName(kind), name);
            QVERIFY(!scheduleKindHelp(kind).empty());
        }
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, parseScheduleKind("linear"));
    }

    // Weight (2, 2) = (1, -2, 3, -4) is penalized; the bias (5, 6) is not.
    void regularizationOnWeightsOnly() {
        Param w = makeParam("weight", {2, 2}, {1.0f, -2.0f, 3.0f, -4.0f});
        Param b = makeParam("bias", {2}, {5.0f, 6.0f}, false);
        const std::vector<Param*> params = {&w, &b};

        RegularizationConfig l2;
        l2.l2 = 0.1;  // ½·0.1·(1 + 4 + 9 + 16) = 1.5
        QVERIFY(std::fabs(regularizationPenalty(l2, params) - 1.5) < 1e-9);
        RegularizationConfig l1;
        l1.l1 = 0.01;  // 0.01·(1 + 2 + 3 + 4) = 0.1
        QVERIFY(std::fabs(regularizationPenalty(l1, params) - 0.1) < 1e-9);
        RegularizationConfig both;
        both.l1 = 0.01;
        both.l2 = 0.1;
        QVERIFY(std::fabs(regularizationPenalty(both, params) - 1.6) < 1e-9);
        QCOMPARE(regularizationPenalty(RegularizationConfig{}, params), 0.0);

        // Gradients accumulate: start from 1 everywhere, add 0.01·sign(W) + 0.1·W.
        w.grad = Tensor::full({2, 2}, 1.0f);
        b.grad = Tensor::full({2}, 1.0f);
        addRegularizationGradient(both, params);
        const std::vector<float> expected = {1.11f, 0.79f, 1.31f, 0.59f};
        for (int i = 0; i < 4; ++i) {
            QVERIFY(std::fabs(w.grad.at(i) - expected[static_cast<size_t>(i)]) < kTol);
        }
        QCOMPARE(b.grad.at(0), 1.0f);
        QCOMPARE(b.grad.at(1), 1.0f);
    }

    // The course: λ = 1e3 on a 3072-50-10 net with weights 1e-4·N(0,1) adds
    // ½·1e3·(3072·50 + 50·10)·1e-8 ≈ 0.77, so the loss at init is 2.30 + 0.77 ≈ 3.07.
    void courseL2PenaltyAtInit() {
        std::mt19937_64 rng(42);
        std::normal_distribution<float> dist(0.0f, 1e-4f);
        auto randomParam = [&](const char* name, const Shape& shape, bool decay) {
            std::vector<float> v(static_cast<size_t>(shape.numel()));
            for (float& e : v) {
                e = decay ? dist(rng) : 0.5f;  // biases far larger, to show they are skipped
            }
            return makeParam(name, shape, v, decay);
        };
        Param w1 = randomParam("w1", {50, 3072}, true);
        Param b1 = randomParam("b1", {50}, false);
        Param w2 = randomParam("w2", {10, 50}, true);
        Param b2 = randomParam("b2", {10}, false);
        RegularizationConfig config;
        config.l2 = 1e3;
        const double penalty = regularizationPenalty(config, {&w1, &b1, &w2, &b2});
        QVERIFY2(std::fabs(penalty - 0.7705) < 0.01, qPrintable(QString::number(penalty)));

        auto ce = makeLoss(LossKind::CrossEntropy);
        const double data =
            ce->compute(Tensor::zeros({4, 10}), Tensor::fromVector({4}, {0, 3, 7, 9}), nullptr)
                .loss;
        QVERIFY2(std::fabs(data + penalty - 3.07) < 0.01,
                 qPrintable(QString::number(data + penalty)));
    }

    void clipGradientNorm() {
        Param a = makeParam("a", {1}, {0.0f});
        Param b = makeParam("b", {2}, {0.0f, 0.0f});
        const std::vector<Param*> params = {&a, &b};
        auto setGrads = [&] {
            a.grad.at(0) = 3.0f;  // global norm sqrt(9 + 16 + 0) = 5
            b.grad.at(0) = 4.0f;
            b.grad.at(1) = 0.0f;
        };
        setGrads();
        QCOMPARE(dlab::clipGradientNorm(params, 10.0), 5.0);  // below: untouched
        QCOMPARE(a.grad.at(0), 3.0f);
        QCOMPARE(b.grad.at(0), 4.0f);
        QCOMPARE(dlab::clipGradientNorm(params, 0.0), 5.0);  // 0: never clips
        QCOMPARE(a.grad.at(0), 3.0f);
        QCOMPARE(dlab::clipGradientNorm(params, 1.0), 5.0);  // above: scaled to norm 1
        QVERIFY(std::fabs(a.grad.at(0) - 0.6f) < kTol);
        QVERIFY(std::fabs(b.grad.at(0) - 0.8f) < kTol);
        QVERIFY(std::fabs(dlab::clipGradientNorm(params, 0.0) - 1.0) < kTol);
    }
};

QTEST_APPLESS_MAIN(OptimizerTest)
#include "OptimizerTest.moc"
