// The Qt-free pieces of the decision-boundary view: the grid over the input plane, how
// outputs become a class and a confidence, the colour maps, and which neurons get maps.
// Expected values are worked out by hand here.

#include "engine/InspectGrid.h"
#include "engine/Network.h"

#include <QtTest>

#include <cmath>
#include <limits>

using namespace dlab;

namespace {

LayerSummary row(const std::string& kind, int64_t units) {
    return {kind, kind, Shape{units}, 0};
}

}  // namespace

class InspectGridTest : public QObject {
    Q_OBJECT

private slots:
    void gridCoversTheDataWithAMarginAndSquareCells() {
        // Data in [-1, 1] × [-0.5, 0.5]: with 10 % margins 2.4 × 1.2, aspect exactly 2.
        const PlaneGrid g = planeGridAround(-1.0, 1.0, -0.5, 0.5, 150, 0.1);
        QCOMPARE(g.columns, 150);
        QCOMPARE(g.rows, 75);
        QVERIFY(std::abs(g.xMin + 1.2) < 1e-9 && std::abs(g.xMax - 1.2) < 1e-9);
        QVERIFY(std::abs(g.yMin + 0.6) < 1e-9 && std::abs(g.yMax - 0.6) < 1e-9);
        const double cellX = (g.xMax - g.xMin) / g.columns;
        const double cellY = (g.yMax - g.yMin) / g.rows;
        QVERIFY(std::abs(cellX - cellY) < 1e-12);
        // Cell centres; row 0 at the top.
        QVERIFY(std::abs(g.x(0) - (-1.2 + 0.008)) < 1e-12);
        QVERIFY(std::abs(g.y(0) - (0.6 - 0.008)) < 1e-12);
        QVERIFY(std::abs(g.y(74) - (-0.6 + 0.008)) < 1e-12);
        QCOMPARE(g.size(), int64_t{150 * 75});
    }

    void pointsAreRowMajorFromTheTopLeft() {
        const PlaneGrid g = planeGridAround(0.0, 3.0, 0.0, 2.0, 6, 0.0);
        QCOMPARE(g.columns, 6);
        QCOMPARE(g.rows, 4);
        // 3 × 2 data, cell 0.5: columns at 0.25, 0.75, ...; rows from 1.75 down.
        const Tensor p = g.points(0, g.size());
        QCOMPARE(p.shape(), (Shape{24, 2}));
        QCOMPARE(p.at(0), 0.25f);
        QCOMPARE(p.at(1), 1.75f);
        QCOMPARE(p.at(2 * 7), 0.75f);      // point 7: row 1, column 1
        QCOMPARE(p.at(2 * 7 + 1), 1.25f);
        QCOMPARE(p.at(2 * 23), 2.75f);     // the last: bottom right
        QCOMPARE(p.at(2 * 23 + 1), 0.25f);
        const Tensor part = g.points(7, 9);
        QCOMPARE(part.shape(), (Shape{2, 2}));
        QCOMPARE(part.at(0), 0.75f);
        QCOMPARE(part.at(3), 1.25f);
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, g.points(20, 25));
    }

    void thinAndEmptyBoxesStillGetAPlane() {
        // A line of points: the short side is widened to half the long one.
        const PlaneGrid thin = planeGridAround(-1.0, 1.0, 0.0, 0.0, 100, 0.0);
        QCOMPARE(thin.columns, 100);
        QCOMPARE(thin.rows, 50);
        QVERIFY(std::abs((thin.yMax - thin.yMin) - 1.0) < 1e-9);
        QVERIFY(std::abs(thin.yMin + 0.5) < 1e-9);
        const PlaneGrid tall = planeGridAround(0.0, 0.1, -2.0, 2.0, 100, 0.0);
        QCOMPARE(tall.rows, 100);
        QCOMPARE(tall.columns, 50);
        // One point: a unit square around it.
        const PlaneGrid one = planeGridAround(3.0, 3.0, -1.0, -1.0, 50, 0.1);
        QCOMPARE(one.columns, 50);
        QCOMPARE(one.rows, 50);
        QVERIFY(std::abs(one.xMin - 2.5) < 1e-9 && std::abs(one.xMax - 3.5) < 1e-9);
        QVERIFY(std::abs(one.yMin + 1.5) < 1e-9);
    }

    void softmaxClassesAndConfidence() {
        // Logits (2, 0, 0): p = e² / (e² + 2) = 0.78699; confidence (p - 1/3) / (2/3).
        // Logits (0, 0, 0): a uniform guess, confidence 0. (-1, 3, 1): class 1.
        const Tensor out = Tensor::fromVector(Shape{3, 3}, {2, 0, 0, 0, 0, 0, -1, 3, 1});
        int classes[3];
        float confidence[3];
        predictClasses(out, LossKind::CrossEntropy, classes, confidence);
        QCOMPARE(classes[0], 0);
        QVERIFY(std::abs(confidence[0] - 0.680486f) < 1e-5f);
        QCOMPARE(confidence[1], 0.0f);
        QCOMPARE(classes[2], 1);
        // p = e³ / (e⁻¹ + e³ + e¹) = 0.86681
        QVERIFY(std::abs(confidence[2] - (0.866813f - 1.0f / 3) / (2.0f / 3)) < 1e-5f);
        // Hinge scores read the same way.
        predictClasses(out, LossKind::Hinge, classes, confidence);
        QVERIFY(std::abs(confidence[0] - 0.680486f) < 1e-5f);
    }

    void oneOutputAndRegressionStyleLosses() {
        int classes[3];
        float confidence[3];
        // One logit: σ(-2) = 0.1192 is p(class 1), so class 0 with p 0.8808.
        const Tensor logit = Tensor::fromVector(Shape{3, 1}, {-2.0f, 0.0f, 3.0f});
        predictClasses(logit, LossKind::BCEWithLogits, classes, confidence);
        QCOMPARE(classes[0], 0);
        QVERIFY(std::abs(confidence[0] - (0.880797f - 0.5f) / 0.5f) < 1e-5f);
        QCOMPARE(classes[1], 1);  // p = 0.5 exactly: class 1, no confidence
        QCOMPARE(confidence[1], 0.0f);
        QCOMPARE(classes[2], 1);
        QVERIFY(std::abs(confidence[2] - (0.952574f - 0.5f) / 0.5f) < 1e-5f);
        // MSE on one-hot targets: the output itself, clamped.
        const Tensor fit = Tensor::fromVector(Shape{3, 2}, {0.1f, 0.9f, 1.4f, 0.2f, 0.3f, 0.2f});
        predictClasses(fit, LossKind::MSE, classes, confidence);
        QCOMPARE(classes[0], 1);
        QVERIFY(std::abs(confidence[0] - 0.8f) < 1e-6f);
        QCOMPARE(classes[1], 0);
        QCOMPARE(confidence[1], 1.0f);
        QCOMPARE(confidence[2], 0.0f);  // 0.3 is below chance (0.5)
        // Several sigmoid outputs: the largest, through σ.
        const Tensor multi = Tensor::fromVector(Shape{1, 3}, {-1.0f, 2.0f, 0.0f});
        predictClasses(multi, LossKind::BCEWithLogits, classes, confidence);
        QCOMPARE(classes[0], 1);
        QVERIFY(std::abs(confidence[0] - (0.880797f - 1.0f / 3) / (2.0f / 3)) < 1e-5f);
    }

    void aDivergedNetworkIsNotConfident() {
        const float nan = std::numeric_limits<float>::quiet_NaN();
        const Tensor out = Tensor::fromVector(Shape{1, 2}, {nan, nan});
        int cls = -1;
        float confidence = -1.0f;
        predictClasses(out, LossKind::CrossEntropy, &cls, &confidence);
        QCOMPARE(confidence, 0.0f);
        QVERIFY(cls == 0 || cls == 1);
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument,
                                 predictClasses(Tensor::zeros(Shape{4}), LossKind::MSE, &cls,
                                                &confidence));
    }

    void colourMaps() {
        QCOMPARE(viridis(0.0), (Rgb8{0x44, 0x01, 0x54}));
        QCOMPARE(viridis(1.0), (Rgb8{0xfd, 0xe7, 0x25}));
        QCOMPARE(viridis(0.5), (Rgb8{0x21, 0x91, 0x8c}));
        QCOMPARE(viridis(-3.0), viridis(0.0));
        QCOMPARE(viridis(7.0), viridis(1.0));
        QCOMPARE(viridis(std::nan("")), viridis(0.0));
        // Halfway between the stops at 0.5 (21 91 8c) and 0.6 (22 a8 84).
        QCOMPARE(viridis(0.55), (Rgb8{0x22, 0x9d, 0x88}));
        // Viridis gets brighter all the way (readable in grey).
        double last = -1.0;
        for (int i = 0; i <= 100; ++i) {
            const Rgb8 c = viridis(i / 100.0);
            const double luma = 0.299 * c.r + 0.587 * c.g + 0.114 * c.b;
            QVERIFY2(luma > last - 0.5, qPrintable(QString::number(i)));
            last = luma;
        }
        const Rgb8 blue{0x4E, 0x79, 0xA7};
        QCOMPARE(towardsWhite(blue, 0.0), (Rgb8{255, 255, 255}));
        QCOMPARE(towardsWhite(blue, 1.0), blue);
        // 255 + (78 - 255)·0.5 = 166.5 → 167; (121 → 188), (167 → 211).
        QCOMPARE(towardsWhite(blue, 0.5), (Rgb8{167, 188, 211}));
        QCOMPARE(towardsWhite(blue, std::nan("")), (Rgb8{255, 255, 255}));
    }

    void neuronMapsForASmallMlp() {
        // 2 → dense 8 → tanh → dense 4 → relu → dropout → dense 3, built for real so the
        // kinds are the registry's.
        const std::vector<LayerSpec> specs = {
            LayerSpec("dense").set("units", 8), LayerSpec("tanh"),
            LayerSpec("dense").set("units", 4), LayerSpec("relu"),
            LayerSpec("dropout").set("rate", 0.2), LayerSpec("dense").set("units", 3)};
        Network net(specs, Shape{2}, 1);
        const NeuronPlan plan = planNeuronMaps(net.summary());
        QVERIFY(plan.whyNot.empty());
        QCOMPARE(plan.layers.size(), size_t{2});
        QCOMPARE(plan.layers[0].dense, size_t{0});
        QCOMPARE(plan.layers[0].output, size_t{1});
        QCOMPARE(plan.layers[0].units, int64_t{8});
        QCOMPARE(plan.layers[0].activation, std::string("tanh"));
        QCOMPARE(plan.layers[1].dense, size_t{2});
        QCOMPARE(plan.layers[1].output, size_t{4});  // after the dropout: what dense 3 sees
        QCOMPARE(plan.layers[1].activation, std::string("relu"));
    }

    void noNeuronMapsWhenTooWideNotAnMlpOrLinear() {
        const NeuronPlan wide =
            planNeuronMaps({row("dense", 64), row("relu", 64), row("dense", 3)});
        QVERIFY(wide.layers.empty());
        QVERIFY(wide.whyNot.find("16") != std::string::npos);
        QVERIFY(wide.whyNot.find("64") != std::string::npos);
        // At the limit it is drawn.
        QCOMPARE(planNeuronMaps({row("dense", 16), row("relu", 16), row("dense", 3)}).layers.size(),
                 size_t{1});
        const NeuronPlan linear = planNeuronMaps({row("dense", 3)});
        QVERIFY(linear.layers.empty());
        QVERIFY(linear.whyNot.find("linear") != std::string::npos);
        const NeuronPlan maxout =
            planNeuronMaps({row("dense", 8), row("maxout", 4), row("dense", 3)});
        QVERIFY(maxout.layers.empty());
        QVERIFY(maxout.whyNot.find("layer 2 is maxout") != std::string::npos);
        // A hidden dense layer without an activation: its own output is the neuron's.
        const NeuronPlan bare = planNeuronMaps({row("dense", 5), row("dense", 2)});
        QCOMPARE(bare.layers.size(), size_t{1});
        QCOMPARE(bare.layers[0].output, size_t{0});
        QVERIFY(bare.layers[0].activation.empty());
    }
};

QTEST_APPLESS_MAIN(InspectGridTest)
#include "InspectGridTest.moc"
