// Losses: finite-difference gradient checks of every loss w.r.t. its input, the course's
// worked numbers, hand-computed values, numerical stability and error messages.
//
// Tolerances: gradient checks use the shared defaults (ε = 1e-2, worst relative error
// ≤ 1e-2, see support/GradCheck.h); hand-computed values are compared within kTol, the
// course's rounded numbers within the precision they are printed with.

#include "engine/Loss.h"
#include "tests/support/GradCheck.h"

#include <QtTest>

#include <cmath>
#include <random>

using namespace dlab;

namespace {

constexpr double kTol = 1e-5;

Tensor labels(const std::vector<float>& values) {
    return Tensor::fromVector({static_cast<int64_t>(values.size())}, values);
}

// Class indices for `rows` rows of `classes` classes.
Tensor randomLabels(int64_t rows, int64_t classes, uint64_t seed) {
    std::mt19937_64 rng(seed);
    std::uniform_int_distribution<int64_t> dist(0, classes - 1);
    std::vector<float> v(static_cast<size_t>(rows));
    for (float& e : v) {
        e = static_cast<float>(dist(rng));
    }
    return labels(v);
}

// Soft targets in (0, 1).
Tensor randomProbabilities(const Shape& shape, uint64_t seed) {
    std::mt19937_64 rng(seed);
    std::uniform_real_distribution<float> dist(0.05f, 0.95f);
    std::vector<float> v(static_cast<size_t>(shape.numel()));
    for (float& e : v) {
        e = dist(rng);
    }
    return Tensor::fromVector(shape, v);
}

// Expects `fn` to throw std::invalid_argument whose message holds every one of `parts`.
template <typename Fn>
void expectInvalid(Fn&& fn, const QStringList& parts) {
    try {
        fn();
        QFAIL("expected std::invalid_argument");
    } catch (const std::invalid_argument& e) {
        const QString msg = e.what();
        for (const QString& part : parts) {
            QVERIFY2(msg.contains(part), qPrintable("'" + part + "' missing in: " + msg));
        }
    }
}

struct GradRow {
    const char* name;
    LossKind kind;
    Tensor output;
    Tensor targets;
};

std::vector<GradRow> gradRows() {
    std::vector<GradRow> r;
    r.push_back({"cross_entropy", LossKind::CrossEntropy, test::randomInput({4, 5}, 1),
                 randomLabels(4, 5, 2)});
    r.push_back({"hinge", LossKind::Hinge, test::randomInput({4, 5}, 3), randomLabels(4, 5, 4)});
    r.push_back({"mse", LossKind::MSE, test::randomInput({3, 4}, 5), test::randomInput({3, 4}, 6)});
    r.push_back({"mse_class_indices", LossKind::MSE, test::randomInput({3, 4}, 7),
                 randomLabels(3, 4, 8)});
    r.push_back({"mse_one_column", LossKind::MSE, test::randomInput({5, 1}, 9),
                 test::randomInput({5}, 10)});
    r.push_back({"l1", LossKind::L1, test::randomInput({3, 4}, 11), test::randomInput({3, 4}, 12)});
    r.push_back({"l1_class_indices", LossKind::L1, test::randomInput({3, 4}, 13),
                 randomLabels(3, 4, 14)});
    r.push_back({"bce_logits", LossKind::BCEWithLogits, test::randomInput({3, 4}, 15),
                 randomProbabilities({3, 4}, 16)});
    r.push_back({"bce_logits_binary", LossKind::BCEWithLogits, test::randomInput({6, 1}, 17),
                 labels({0, 1, 1, 0, 1, 0})});
    return r;
}

}  // namespace

class LossTest : public QObject {
    Q_OBJECT
private slots:
    void gradients_data() {
        QTest::addColumn<int>("index");
        const auto all = gradRows();
        for (size_t i = 0; i < all.size(); ++i) {
            QTest::newRow(all[i].name) << static_cast<int>(i);
        }
    }

    void gradients() {
        QFETCH(int, index);
        GradRow row = gradRows()[static_cast<size_t>(index)];
        auto loss = makeLoss(row.kind);
        auto fn = [&](const Tensor& x, Tensor* grad) {
            return loss->compute(x, row.targets, grad).loss;
        };
        const test::GradCheckOptions options;
        const auto result = test::checkFunctionGradient(fn, row.output, options);
        QCOMPARE(result.checked, static_cast<int>(row.output.numel()));
        QVERIFY2(result.ok(options), qPrintable(QString("worst error %1 at %2")
                                                    .arg(result.worstError)
                                                    .arg(QString::fromStdString(result.worstWhere))));
    }

    // Every loss kind has a gradient-check row.
    void everyKindIsChecked() {
        for (const std::string& name : lossKindNames()) {
            bool found = false;
            for (const auto& row : gradRows()) {
                found = found || row.kind == parseLossKind(name);
            }
            QVERIFY2(found, qPrintable(QString("no gradient check for loss '%1'")
                                           .arg(QString::fromStdString(name))));
        }
    }

    // The course's softmax example: scores (3.2, 5.1, -1.7) for a cat image.
    void softmaxWorkedExample() {
        auto loss = makeLoss(LossKind::CrossEntropy);
        const Tensor scores = Tensor::fromVector({1, 3}, {3.2f, 5.1f, -1.7f});
        Tensor grad;
        const LossResult r = loss->compute(scores, labels({0}), &grad);
        QCOMPARE(std::round(r.loss * 100.0) / 100.0, 2.04);
        // dL/ds = p - onehot, so the probabilities are the gradient plus the one-hot row.
        const double p0 = grad.at(0) + 1.0, p1 = grad.at(1), p2 = grad.at(2);
        QCOMPARE(std::round(p0 * 100.0) / 100.0, 0.13);
        QCOMPARE(std::round(p1 * 100.0) / 100.0, 0.87);
        QCOMPARE(std::round(p2 * 100.0) / 100.0, 0.00);
        QCOMPARE(r.correct, int64_t{0});
    }

    // The course's multiclass SVM example: three images, three classes.
    void hingeWorkedExample() {
        auto loss = makeLoss(LossKind::Hinge);
        const Tensor cat = Tensor::fromVector({1, 3}, {3.2f, 5.1f, -1.7f});
        const Tensor car = Tensor::fromVector({1, 3}, {1.3f, 4.9f, 2.0f});
        const Tensor frog = Tensor::fromVector({1, 3}, {2.2f, 2.5f, -3.1f});
        QVERIFY(std::fabs(loss->compute(cat, labels({0}), nullptr).loss - 2.9) < kTol);
        QVERIFY(std::fabs(loss->compute(car, labels({1}), nullptr).loss - 0.0) < kTol);
        QVERIFY(std::fabs(loss->compute(frog, labels({2}), nullptr).loss - 12.9) < kTol);

        const Tensor all = Tensor::fromVector(
            {3, 3}, {3.2f, 5.1f, -1.7f, 1.3f, 4.9f, 2.0f, 2.2f, 2.5f, -3.1f});
        Tensor grad;
        const LossResult r = loss->compute(all, labels({0, 1, 2}), &grad);
        QCOMPARE(std::round(r.loss * 100.0) / 100.0, 5.27);
        QCOMPARE(r.correct, int64_t{1});  // only the car is classified right
        // Cat: only car is inside the margin (5.1 - 3.2 + 1 > 0); car: none; frog: both.
        // Each active margin adds 1/N to its class and -1/N to the correct one.
        const std::vector<float> expected = {-1.0f / 3, 1.0f / 3, 0.0f,  0.0f, 0.0f,
                                             0.0f,      1.0f / 3, 1.0f / 3, -2.0f / 3};
        for (int i = 0; i < 9; ++i) {
            QVERIFY2(std::fabs(grad.at(i) - expected[static_cast<size_t>(i)]) < kTol,
                     qPrintable(QString("grad[%1] = %2").arg(i).arg(grad.at(i))));
        }
    }

    // A 10-class classifier with tiny logits guesses uniformly: loss ≈ ln 10.
    void crossEntropyAtInitIsLnC() {
        auto loss = makeLoss(LossKind::CrossEntropy);
        std::mt19937_64 rng(5);
        std::normal_distribution<float> dist(0.0f, 1e-3f);
        std::vector<float> v(64 * 10);
        for (float& e : v) {
            e = dist(rng);
        }
        const LossResult r =
            loss->compute(Tensor::fromVector({64, 10}, v), randomLabels(64, 10, 6), nullptr);
        QVERIFY2(std::fabs(r.loss - std::log(10.0)) < 0.01, qPrintable(QString::number(r.loss)));
        QCOMPARE(std::round(std::log(10.0) * 1e4) / 1e4, 2.3026);
    }

    void bceHandComputed() {
        auto loss = makeLoss(LossKind::BCEWithLogits);
        // z = (2, -1, 0), t = (1, 0, 0.5):
        // log(1+e^-2) = 0.126928, log(1+e^-1) = 0.313262, log 2 - 0 = 0.693147; mean 0.377779.
        // dL/dz = (σ(z) - t) / 3 = (0.880797-1, 0.268941, 0.5-0.5) / 3.
        const Tensor z = Tensor::fromVector({1, 3}, {2.0f, -1.0f, 0.0f});
        const Tensor t = Tensor::fromVector({1, 3}, {1.0f, 0.0f, 0.5f});
        Tensor grad;
        const LossResult r = loss->compute(z, t, &grad);
        QVERIFY2(std::fabs(r.loss - 0.377779) < kTol, qPrintable(QString::number(r.loss)));
        QCOMPARE(r.correct, int64_t{-1});
        QVERIFY(std::fabs(grad.at(0) - (-0.0397343)) < kTol);
        QVERIFY(std::fabs(grad.at(1) - 0.0896471) < kTol);
        QVERIFY(std::fabs(grad.at(2) - 0.0) < kTol);

        // Binary labels (N,) for an (N, 1) output: log(1+e^-2) and log(1+e^-1) again.
        const LossResult binary = loss->compute(Tensor::fromVector({2, 1}, {2.0f, -1.0f}),
                                                labels({1, 0}), nullptr);
        QVERIFY(std::fabs(binary.loss - (0.126928 + 0.313262) / 2) < kTol);
    }

    void mseAndL1HandComputed() {
        // output - target = (1, 0, -2, 3)
        const Tensor out = Tensor::fromVector({2, 2}, {1.0f, 2.0f, 3.0f, 4.0f});
        const Tensor target = Tensor::fromVector({2, 2}, {0.0f, 2.0f, 5.0f, 1.0f});
        Tensor grad;
        auto mse = makeLoss(LossKind::MSE);
        // (1 + 0 + 4 + 9) / 4 = 3.5; dL/dy = 2·diff / 4
        QVERIFY(std::fabs(mse->compute(out, target, &grad).loss - 3.5) < kTol);
        const std::vector<float> mseGrad = {0.5f, 0.0f, -1.0f, 1.5f};
        for (int i = 0; i < 4; ++i) {
            QVERIFY(std::fabs(grad.at(i) - mseGrad[static_cast<size_t>(i)]) < kTol);
        }
        auto l1 = makeLoss(LossKind::L1);
        // (1 + 0 + 2 + 3) / 4 = 1.5; dL/dy = sign(diff) / 4, sign(0) = 0
        QVERIFY(std::fabs(l1->compute(out, target, &grad).loss - 1.5) < kTol);
        const std::vector<float> l1Grad = {0.25f, 0.0f, -0.25f, 0.25f};
        for (int i = 0; i < 4; ++i) {
            QVERIFY(std::fabs(grad.at(i) - l1Grad[static_cast<size_t>(i)]) < kTol);
        }

        // Class indices (1, 0) become one-hot rows (0,1,0), (1,0,0):
        // diff = (0.2, -0.3, 0.1, -0.5, 0.5, 0); squares sum 0.64, absolutes sum 1.6; over 6.
        const Tensor probs = Tensor::fromVector({2, 3}, {0.2f, 0.7f, 0.1f, 0.5f, 0.5f, 0.0f});
        QVERIFY(std::fabs(mse->compute(probs, labels({1, 0}), nullptr).loss - 0.64 / 6) < kTol);
        QVERIFY(std::fabs(l1->compute(probs, labels({1, 0}), nullptr).loss - 1.6 / 6) < kTol);
    }

    void extremeLogitsStayFinite() {
        const Tensor big = Tensor::fromVector({2, 3}, {1000.0f, -1000.0f, 0.0f,
                                                       -1000.0f, 1000.0f, 0.0f});
        for (LossKind kind : {LossKind::CrossEntropy, LossKind::Hinge, LossKind::MSE,
                              LossKind::L1, LossKind::BCEWithLogits}) {
            auto loss = makeLoss(kind);
            const Tensor targets = kind == LossKind::BCEWithLogits
                                       ? Tensor::fromVector({2, 3}, {0, 1, 0, 1, 0, 1})
                                       : labels({1, 1});
            Tensor grad;
            const LossResult r = loss->compute(big, targets, &grad);
            QVERIFY2(std::isfinite(r.loss), qPrintable(QString::fromStdString(lossKindName(kind))));
            for (int64_t i = 0; i < grad.numel(); ++i) {
                QVERIFY(std::isfinite(grad.at(i)));
            }
        }
        // Row 0 puts its mass on class 0 while the label is 1: -log p1 = 2000; row 1 is
        // right with loss 0; the mean is 1000.
        auto ce = makeLoss(LossKind::CrossEntropy);
        QVERIFY(std::fabs(ce->compute(big, labels({1, 1}), nullptr).loss - 1000.0) < 1e-3);
        // Confidently right: loss 0, not log(0) trouble.
        QVERIFY(ce->compute(big, labels({0, 1}), nullptr).loss < 1e-6);
        // bce: z = 1000 with t = 0 costs 1000, z = -1000 with t = 0 costs 0.
        auto bce = makeLoss(LossKind::BCEWithLogits);
        const double b = bce->compute(Tensor::fromVector({1, 2}, {1000.0f, -1000.0f}),
                                      Tensor::fromVector({1, 2}, {0.0f, 0.0f}), nullptr)
                             .loss;
        QVERIFY(std::fabs(b - 500.0) < 1e-3);
    }

    void labelOutOfRangeNamesRowAndValue() {
        const Tensor out = Tensor::zeros({3, 4});
        for (LossKind kind : {LossKind::CrossEntropy, LossKind::Hinge, LossKind::MSE,
                              LossKind::L1}) {
            auto loss = makeLoss(kind);
            expectInvalid([&] { loss->compute(out, labels({0, 3, 4}), nullptr); },
                          {"row 2", "label 4", "[0, 4)"});
            expectInvalid([&] { loss->compute(out, labels({0, -1, 1}), nullptr); },
                          {"row 1", "label -1"});
            expectInvalid([&] { loss->compute(out, labels({1.5f, 0, 1}), nullptr); },
                          {"row 0", "label 1.5"});
        }
    }

    void shapeMismatchNamesBothShapes() {
        const Tensor out = Tensor::zeros({3, 4});
        for (LossKind kind : {LossKind::CrossEntropy, LossKind::Hinge}) {
            auto loss = makeLoss(kind);
            expectInvalid([&] { loss->compute(out, labels({0, 1}), nullptr); },
                          {"(3, 4)", "(2,)"});
            expectInvalid([&] { loss->compute(out, Tensor::zeros({3, 4}), nullptr); },
                          {"(3, 4)", "targets (3, 4)"});
        }
        for (LossKind kind : {LossKind::MSE, LossKind::L1, LossKind::BCEWithLogits}) {
            auto loss = makeLoss(kind);
            expectInvalid([&] { loss->compute(out, Tensor::zeros({3, 5}), nullptr); },
                          {"(3, 4)", "(3, 5)"});
        }
        auto bce = makeLoss(LossKind::BCEWithLogits);
        expectInvalid([&] { bce->compute(out, labels({0, 1, 1}), nullptr); }, {"(3, 4)", "(3,)"});
    }

    void namesRoundTrip() {
        QCOMPARE(lossKindNames().size(), size_t{5});
        for (const std::string& name : lossKindNames()) {
            const LossKind kind = parseLossKind(name);
            QCOMPARE(lossKindName(kind), name);
            QVERIFY(!lossKindHelp(kind).empty());
            QCOMPARE(makeLoss(kind)->kind(), kind);
        }
        QVERIFY(lossIsClassification(LossKind::CrossEntropy));
        QVERIFY(lossIsClassification(LossKind::Hinge));
        QVERIFY(!lossIsClassification(LossKind::MSE));
        QVERIFY(QString::fromStdString(lossKindHelp(LossKind::CrossEntropy)).contains("ln(C)"));
        expectInvalid([] { parseLossKind("softmax"); }, {"softmax", "cross_entropy"});
    }

    // Buffers are kept between calls: the gradient tensor is reused, not reallocated.
    void repeatedCallsReuseTheGradient() {
        auto loss = makeLoss(LossKind::CrossEntropy);
        const Tensor out = test::randomInput({8, 10}, 21);
        const Tensor y = randomLabels(8, 10, 22);
        Tensor grad;
        const double first = loss->compute(out, y, &grad).loss;
        const float* storage = grad.data();
        const double second = loss->compute(out, y, &grad).loss;
        QCOMPARE(grad.data(), storage);
        QCOMPARE(first, second);
    }
};

QTEST_APPLESS_MAIN(LossTest)
#include "LossTest.moc"
