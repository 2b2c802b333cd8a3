// Closed-form checks of the layers against numbers from the course: the max-pooling
// example of the CNN notes, LeNet-5's parameter count, dropout's expectation in both
// formulations, batchnorm's test-time map, a convolution worked by hand, and a residual
// block that starts as relu(x).

#include "engine/Network.h"
#include "engine/Registry.h"
#include "engine/layers/BatchNorm.h"
#include "engine/layers/Conv2d.h"
#include "engine/layers/Dropout.h"
#include "engine/layers/Residual.h"

#include <QtTest>

#include <cmath>

using namespace dlab;

namespace {

std::unique_ptr<Layer> make(LayerSpec spec, const Shape& input) {
    return LayerRegistry::instance().create(spec, input);
}

double mean(const Tensor& t) {
    double s = 0.0;
    for (int64_t i = 0; i < t.numel(); ++i) {
        s += t.at(i);
    }
    return s / static_cast<double>(t.numel());
}

}  // namespace

class CourseNumbersLayersTest : public QObject {
    Q_OBJECT
private slots:
    // The notes' "max pool with 2x2 filters and stride 2" figure.
    void maxPoolExample() {
        auto pool = make(LayerSpec("maxpool2d").set("kernel", 2).set("stride", 2), {1, 1, 4, 4});
        const Tensor x = Tensor::fromVector({1, 1, 4, 4}, {7, 3, 5, 2,  //
                                                           8, 7, 1, 6,  //
                                                           4, 9, 3, 9,  //
                                                           0, 8, 4, 5});
        Tensor y;
        pool->forward(x, y, Mode::Eval);
        QCOMPARE(y.shape(), Shape({1, 1, 2, 2}));
        QCOMPARE(y.toVector(), std::vector<float>({8, 6, 9, 9}));
    }

    // The default stride is the kernel: non-overlapping windows.
    void poolStrideDefaultsToKernel() {
        auto pool = make(LayerSpec("avgpool2d").set("kernel", 3), {1, 2, 9, 9});
        QCOMPARE(pool->outputShape({4, 2, 9, 9}), Shape({4, 2, 3, 3}));
    }

    void leNet5HasItsParameterCount() {
        const std::vector<LayerSpec> specs = {
            LayerSpec("conv2d").set("filters", 6).set("kernel", 5),
            LayerSpec("tanh"),
            LayerSpec("avgpool2d").set("kernel", 2),
            LayerSpec("conv2d").set("filters", 16).set("kernel", 5),
            LayerSpec("tanh"),
            LayerSpec("avgpool2d").set("kernel", 2),
            LayerSpec("flatten"),
            LayerSpec("dense").set("units", 120),
            LayerSpec("tanh"),
            LayerSpec("dense").set("units", 84),
            LayerSpec("tanh"),
            LayerSpec("dense").set("units", 10),
        };
        Network net(specs, {1, 32, 32}, 1);
        QCOMPARE(net.parameterCount(), int64_t{61706});
        QCOMPARE(net.outputShape(), Shape({10}));
        const auto rows = net.summary();
        QCOMPARE(rows[0].outputShape, Shape({6, 28, 28}));
        QCOMPARE(rows[3].outputShape, Shape({16, 10, 10}));
        QCOMPARE(rows[6].outputShape, Shape({400}));
    }

    void invertedDropoutKeepsTheExpectation() {
        auto layer = make(LayerSpec("dropout").set("rate", 0.5), {1, 1000});
        Rng rng(3);
        layer->setRng(&rng);
        const Tensor x = Tensor::full({100, 1000}, 1.0f);
        Tensor y;
        layer->forward(x, y, Mode::Train);
        QVERIFY2(std::fabs(mean(y) - 1.0) < 0.01, qPrintable(QString::number(mean(y))));
        int64_t zeros = 0;
        for (int64_t i = 0; i < y.numel(); ++i) {
            QVERIFY(y.at(i) == 0.0f || y.at(i) == 2.0f);
            zeros += y.at(i) == 0.0f;
        }
        QVERIFY(std::abs(zeros - 50000) < 1000);
        layer->forward(x, y, Mode::Eval);
        QCOMPARE(y.toVector(), x.toVector());
    }

    void scaleAtTestDropoutScalesAtTest() {
        auto layer = make(LayerSpec("dropout").set("rate", 0.25).set("mode", "scale_at_test"),
                          {1, 1000});
        Rng rng(5);
        layer->setRng(&rng);
        const Tensor x = Tensor::full({100, 1000}, 1.0f);
        Tensor y;
        layer->forward(x, y, Mode::Train);
        for (int64_t i = 0; i < y.numel(); ++i) {
            QVERIFY(y.at(i) == 0.0f || y.at(i) == 1.0f);
        }
        QVERIFY2(std::fabs(mean(y) - 0.75) < 0.01, qPrintable(QString::number(mean(y))));
        layer->forward(x, y, Mode::Eval);
        for (int64_t i = 0; i < y.numel(); ++i) {
            QCOMPARE(y.at(i), 0.75f);
        }
    }

    // An eval pass hands out a view of x; the next training pass must not write into x.
    void dropoutTrainAfterEvalLeavesInputAlone() {
        auto layer = make(LayerSpec("dropout"), {1, 10});
        const Tensor x = Tensor::full({4, 10}, 1.0f);
        Tensor y;
        layer->forward(x, y, Mode::Eval);
        layer->forward(x, y, Mode::Train);
        QCOMPARE(x.toVector(), std::vector<float>(40, 1.0f));
    }

    // Test time: y = gamma (x - running_mean) / sqrt(running_var + eps) + beta.
    void batchNormEvalUsesRunningStatistics() {
        auto layer = make(LayerSpec("batchnorm1d").set("eps", 0.0), {1, 2});
        auto& bn = dynamic_cast<BatchNorm&>(*layer);
        bn.runningMean().value.copyFrom(Tensor::fromVector({2}, {1.0f, -2.0f}));
        bn.runningVar().value.copyFrom(Tensor::fromVector({2}, {4.0f, 0.25f}));
        bn.gamma().value.copyFrom(Tensor::fromVector({2}, {3.0f, 1.0f}));
        bn.beta().value.copyFrom(Tensor::fromVector({2}, {0.5f, 0.0f}));
        const Tensor x = Tensor::fromVector({2, 2}, {5.0f, -2.0f, 1.0f, -1.0f});
        Tensor y;
        layer->forward(x, y, Mode::Eval);
        // (5-1)/2·3+0.5, (-2+2)/0.5, (1-1)/2·3+0.5, (-1+2)/0.5
        QCOMPARE(y.toVector(), std::vector<float>({6.5f, 0.0f, 0.5f, 2.0f}));
        // Eval leaves the running statistics alone.
        QCOMPARE(bn.runningMean().value.toVector(), std::vector<float>({1.0f, -2.0f}));
    }

    // Train: batch statistics, and running = 0.9·running + 0.1·batch (unbiased variance).
    void batchNormTrainUpdatesRunningStatistics() {
        auto layer = make(LayerSpec("batchnorm1d"), {1, 1});
        auto& bn = dynamic_cast<BatchNorm&>(*layer);
        const Tensor x = Tensor::fromVector({4, 1}, {1.0f, 2.0f, 3.0f, 6.0f});
        Tensor y;
        layer->forward(x, y, Mode::Train);
        QVERIFY(std::fabs(mean(y)) < 1e-6);
        QCOMPARE(bn.runningMean().value.at(0), 0.1f * 3.0f);
        // unbiased variance of {1, 2, 3, 6} = 14 / 3
        QVERIFY(std::fabs(bn.runningVar().value.at(0) - (0.9f + 0.1f * 14.0f / 3.0f)) < 1e-6f);
    }

    // 1 channel 3×3 input, two 2×2 filters (ones, and ones with bias 10): window sums.
    void convolutionByHand() {
        auto layer = make(LayerSpec("conv2d").set("filters", 2).set("kernel", 2), {1, 1, 3, 3});
        auto& conv = dynamic_cast<Conv2d&>(*layer);
        conv.weight().value.copyFrom(Tensor::full({2, 1, 2, 2}, 1.0f));
        conv.bias().value.copyFrom(Tensor::fromVector({2}, {0.0f, 10.0f}));
        const Tensor x = Tensor::fromVector({1, 1, 3, 3}, {1, 2, 3, 4, 5, 6, 7, 8, 9});
        Tensor y;
        layer->forward(x, y, Mode::Eval);
        QCOMPARE(y.shape(), Shape({1, 2, 2, 2}));
        QCOMPARE(y.toVector(), std::vector<float>({12, 16, 24, 28, 22, 26, 34, 38}));
    }

    // Multi-channel, strided, padded: against the definition written as plain loops.
    void convolutionMatchesTheDefinition() {
        const int n = 2, cin = 3, h = 6, w = 5, cout = 4, k = 3, s = 2, p = 1;
        auto layer = make(LayerSpec("conv2d")
                              .set("filters", cout)
                              .set("kernel", k)
                              .set("stride", s)
                              .set("padding", p),
                          {1, cin, h, w});
        Rng rng(2);
        layer->initialize(rng);
        auto& conv = dynamic_cast<Conv2d&>(*layer);
        conv.bias().value.copyFrom(Tensor::fromVector({cout}, {0.1f, -0.2f, 0.3f, 0.0f}));
        Tensor x(Shape{n, cin, h, w});
        for (int64_t i = 0; i < x.numel(); ++i) {
            x.at(i) = std::sin(0.37f * static_cast<float>(i));
        }
        Tensor y;
        layer->forward(x, y, Mode::Train);
        const int oh = (h + 2 * p - k) / s + 1, ow = (w + 2 * p - k) / s + 1;
        QCOMPARE(y.shape(), Shape({n, cout, oh, ow}));
        const Tensor& wt = conv.weight().value;
        for (int b = 0; b < n; ++b) {
            for (int o = 0; o < cout; ++o) {
                for (int i = 0; i < oh; ++i) {
                    for (int j = 0; j < ow; ++j) {
                        double sum = conv.bias().value.at(o);
                        for (int c = 0; c < cin; ++c) {
                            for (int u = 0; u < k; ++u) {
                                for (int v = 0; v < k; ++v) {
                                    const int iy = i * s - p + u, ix = j * s - p + v;
                                    if (iy >= 0 && iy < h && ix >= 0 && ix < w) {
                                        sum += wt.at(((o * cin + c) * k + u) * k + v) *
                                               x.at(((b * cin + c) * h + iy) * w + ix);
                                    }
                                }
                            }
                        }
                        const float got = y.at(((b * cout + o) * oh + i) * ow + j);
                        QVERIFY(std::fabs(got - sum) < 1e-5);
                    }
                }
            }
        }
    }

    // Padded cells count in the average (PyTorch's count_include_pad=True).
    void avgPoolCountsPadding() {
        auto layer = make(LayerSpec("avgpool2d").set("kernel", 3).set("stride", 1).set("padding", 1),
                          {1, 1, 2, 2});
        const Tensor x = Tensor::full({1, 1, 2, 2}, 1.0f);
        Tensor y;
        layer->forward(x, y, Mode::Eval);
        QCOMPARE(y.toVector(), std::vector<float>(4, 4.0f / 9.0f));
    }

    // The notes' output-size formula (W - F + 2P)/S + 1: 7×7 input, 3×3 filter, stride 2 → 3×3.
    void convolutionOutputSize() {
        auto layer = make(LayerSpec("conv2d").set("filters", 1).set("stride", 2), {1, 1, 7, 7});
        QCOMPARE(layer->outputShape({1, 1, 7, 7}), Shape({1, 1, 3, 3}));
        auto padded = make(LayerSpec("conv2d").set("filters", 1).set("padding", 1), {1, 1, 7, 7});
        QCOMPARE(padded->outputShape({1, 1, 7, 7}), Shape({1, 1, 7, 7}));
    }

    void convolutionTooSmallNamesTheShape() {
        LayerSpec spec("conv2d");
        spec.set("filters", 6).set("kernel", 5);
        spec.label = "layer 1 (conv2d)";
        try {
            make(spec, {1, 1, 3, 3});
            QFAIL("expected an error");
        } catch (const std::invalid_argument& e) {
            const QString msg = e.what();
            QVERIFY2(msg.contains("layer 1 (conv2d)") && msg.contains("(1, 1, 3, 3)") &&
                         msg.contains("5×5"),
                     qPrintable(msg));
        }
    }

    // With a zero body the block is the identity shortcut followed by its ReLU.
    void residualWithZeroBodyIsRelu() {
        LayerSpec spec("residual");
        spec.body = {LayerSpec("conv2d").set("filters", 2).set("padding", 1).set("init", "zeros"),
                     LayerSpec("relu"),
                     LayerSpec("conv2d").set("filters", 2).set("padding", 1).set("init", "zeros")};
        Network net({spec}, {2, 3, 3}, 1);
        QCOMPARE(net.params().size(), size_t{4});
        QCOMPARE(QString::fromStdString(net.params()[0].name), QString("1.body.1.weight"));
        QCOMPARE(QString::fromStdString(net.params()[3].name), QString("1.body.3.bias"));
        std::vector<float> values(18);
        for (size_t i = 0; i < values.size(); ++i) {
            values[i] = static_cast<float>(i) - 8.5f;
        }
        const Tensor x = Tensor::fromVector({1, 2, 3, 3}, values);
        const Tensor& y = net.forward(x, Mode::Eval);
        for (size_t i = 0; i < values.size(); ++i) {
            QCOMPARE(y.at(static_cast<int64_t>(i)), std::max(values[i], 0.0f));
        }
    }

    void residualProjectionIsNamedAndStrided() {
        LayerSpec spec("residual");
        spec.body = {LayerSpec("conv2d").set("filters", 8).set("stride", 2).set("padding", 1)};
        Network net({spec}, {4, 7, 7}, 1);
        QCOMPARE(net.outputShape(), Shape({8, 4, 4}));
        QCOMPARE(QString::fromStdString(net.params().back().name), QString("1.shortcut.weight"));
        QCOMPARE(net.params().back().param->value.shape(), Shape({8, 4, 1, 1}));
    }

    void residualIdentityMismatchNamesBothShapes() {
        LayerSpec spec("residual");
        spec.set("shortcut", "identity");
        spec.body = {LayerSpec("conv2d").set("filters", 3)};
        try {
            Network net({spec}, {2, 5, 5}, 1);
            QFAIL("expected an error");
        } catch (const std::invalid_argument& e) {
            const QString msg = e.what();
            QVERIFY2(msg.contains("(1, 2, 5, 5)") && msg.contains("(1, 3, 3, 3)") &&
                         msg.startsWith("layer 1 (residual)"),
                     qPrintable(msg));
        }
    }

    void nestedErrorsNameTheNestedLayerOnce() {
        LayerSpec spec("residual");
        spec.body = {LayerSpec("dense").set("units", 3)};
        try {
            Network net({spec}, {2, 5, 5}, 1);
            QFAIL("expected an error");
        } catch (const std::invalid_argument& e) {
            const QString msg = e.what();
            QVERIFY2(msg.startsWith("layer 1 (residual) / layer 1 (dense): ") &&
                         msg.count("(residual)") == 1,
                     qPrintable(msg));
        }
    }

    void maxoutTakesTheMaxOfEachGroup() {
        auto layer = make(LayerSpec("maxout").set("pieces", 2), {1, 4});
        const Tensor x = Tensor::fromVector({1, 4}, {1.0f, -3.0f, 0.5f, 2.0f});
        Tensor y;
        layer->forward(x, y, Mode::Eval);
        QCOMPARE(y.toVector(), std::vector<float>({1.0f, 2.0f}));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument,
                                 make(LayerSpec("maxout").set("pieces", 3), {1, 4}));
    }
};

QTEST_APPLESS_MAIN(CourseNumbersLayersTest)
#include "CourseNumbersLayersTest.moc"
