// Activation and gradient distributions (engine/InspectDistributions.h): the histogram's
// counts and statistics against values worked out by hand; every layer's histograms
// against a forward and backward pass written out in this test with the network's own
// weights (so neither the layers' buffers nor the function's arithmetic is trusted);
// the probe's contract (evaluation mode, zero gradients and unchanged weights after);
// and the course's initialization claim on the three tanh presets.

#include "engine/Experiment.h"
#include "engine/InspectDistributions.h"
#include "engine/Network.h"

#include <QtTest>

#include <algorithm>
#include <cmath>
#include <random>

using namespace dlab;

namespace {

// Row-major (rows, cols) matrix of doubles.
struct Matrix {
    int64_t rows = 0;
    int64_t cols = 0;
    std::vector<double> v;
    Matrix(int64_t r, int64_t c) : rows(r), cols(c), v(static_cast<size_t>(r * c), 0.0) {}
    double& at(int64_t r, int64_t c) { return v[static_cast<size_t>(r * cols + c)]; }
    double at(int64_t r, int64_t c) const { return v[static_cast<size_t>(r * cols + c)]; }
};

Matrix fromTensor(const Tensor& t) {
    const int64_t rows = t.size(0);
    Matrix m(rows, t.numel() / rows);
    const std::vector<float> values = t.toVector();
    std::copy(values.begin(), values.end(), m.v.begin());
    return m;
}

// x (N, in) · Wᵀ (in, out) + b, W stored (out, in) as the dense layer keeps it.
Matrix dense(const Matrix& x, const Matrix& w, const std::vector<float>& b) {
    Matrix y(x.rows, w.rows);
    for (int64_t n = 0; n < x.rows; ++n) {
        for (int64_t o = 0; o < w.rows; ++o) {
            double sum = b[static_cast<size_t>(o)];
            for (int64_t i = 0; i < x.cols; ++i) {
                sum += x.at(n, i) * w.at(o, i);
            }
            y.at(n, o) = sum;
        }
    }
    return y;
}

// dy (N, out) · W (out, in): the gradient with respect to the dense layer's input.
Matrix denseBack(const Matrix& dy, const Matrix& w) {
    Matrix dx(dy.rows, w.cols);
    for (int64_t n = 0; n < dy.rows; ++n) {
        for (int64_t i = 0; i < w.cols; ++i) {
            double sum = 0.0;
            for (int64_t o = 0; o < w.rows; ++o) {
                sum += dy.at(n, o) * w.at(o, i);
            }
            dx.at(n, i) = sum;
        }
    }
    return dx;
}

Matrix map(const Matrix& m, double (*f)(double)) {
    Matrix out = m;
    for (double& e : out.v) {
        e = f(e);
    }
    return out;
}

Tensor randomNormal(const Shape& shape, uint64_t seed) {
    std::mt19937_64 rng(seed);
    std::normal_distribution<float> dist(0.0f, 1.0f);
    std::vector<float> v(static_cast<size_t>(shape.numel()));
    for (float& e : v) {
        e = dist(rng);
    }
    return Tensor::fromVector(shape, v);
}

Tensor randomLabels(int64_t rows, int classes, uint64_t seed) {
    std::mt19937_64 rng(seed);
    std::uniform_int_distribution<int> dist(0, classes - 1);
    std::vector<float> v(static_cast<size_t>(rows));
    for (float& e : v) {
        e = static_cast<float>(dist(rng));
    }
    return Tensor::fromVector({rows}, v);
}

struct Stats {
    double mean = 0.0, std = 0.0, min = 0.0, max = 0.0;
};

Stats statsOf(const std::vector<double>& values) {
    Stats s;
    s.min = *std::min_element(values.begin(), values.end());
    s.max = *std::max_element(values.begin(), values.end());
    for (double v : values) {
        s.mean += v;
    }
    s.mean /= static_cast<double>(values.size());
    for (double v : values) {
        s.std += (v - s.mean) * (v - s.mean);
    }
    s.std = std::sqrt(s.std / static_cast<double>(values.size()));
    return s;
}

bool close(double actual, double expected, double relative, double absolute) {
    return std::abs(actual - expected) <= absolute + relative * std::abs(expected);
}

// The histogram against values computed in double in this test: statistics within float
// rounding, and bin counts that differ at most where a value lies on a bin edge.
void compareHistogram(const Histogram& h, const std::vector<double>& values, double scale,
                      const char* what) {
    const QByteArray where(what);
    QVERIFY2(h.total == static_cast<int64_t>(values.size()), where);
    int64_t sum = 0;
    for (int64_t c : h.counts) {
        sum += c;
    }
    QVERIFY2(sum == h.total, where);
    QCOMPARE(h.nonFinite, int64_t{0});
    const Stats s = statsOf(values);
    const double abs = 1e-5 * scale;
    QVERIFY2(close(h.mean, s.mean, 1e-4, abs),
             where + " mean " + QByteArray::number(h.mean) + " vs " + QByteArray::number(s.mean));
    QVERIFY2(close(h.std, s.std, 1e-4, abs),
             where + " std " + QByteArray::number(h.std) + " vs " + QByteArray::number(s.std));
    QVERIFY2(close(h.min, s.min, 1e-4, abs), where + " min");
    QVERIFY2(close(h.max, s.max, 1e-4, abs), where + " max");
    QVERIFY2(h.lo <= s.min + abs && h.hi >= s.max - abs, where + " range");

    std::vector<int64_t> expected(h.counts.size(), 0);
    const double width = (static_cast<double>(h.hi) - h.lo) / h.bins();
    for (double v : values) {
        const auto bin = static_cast<int64_t>(std::floor((v - h.lo) / width));
        ++expected[static_cast<size_t>(std::clamp<int64_t>(bin, 0, h.bins() - 1))];
    }
    int64_t moved = 0;
    for (size_t b = 0; b < expected.size(); ++b) {
        moved += std::abs(expected[b] - h.counts[b]);
    }
    QVERIFY2(moved <= 4, where + " bins differ by " + QByteArray::number(moved));
}

std::vector<double> flat(const Matrix& m) {
    return m.v;
}

std::vector<std::vector<float>> weightsOf(const Network& net) {
    std::vector<std::vector<float>> out;
    for (const auto& p : net.params()) {
        out.push_back(p.param->value.toVector());
    }
    return out;
}

bool gradientsAreZero(const Network& net) {
    for (const auto& p : net.params()) {
        for (float g : p.param->grad.toVector()) {
            if (g != 0.0f) {
                return false;
            }
        }
    }
    return true;
}

// The distributions of the tanh layers of a preset's network on standardized random
// 784-D inputs (Fashion-MNIST's shape, without loading it).
std::vector<LayerDistribution> presetTanhLayers(const std::string& preset) {
    const Experiment ex = presetExperiment(preset);
    Network net(resolveNetwork(ex.network, 10), Shape{1, 28, 28}, 1);
    DistributionOptions options;
    options.layers = activationLayerIndices(net);
    options.sharedRange = true;
    return layerDistributions(net, LossKind::CrossEntropy, randomNormal({256, 1, 28, 28}, 5),
                              randomLabels(256, 10, 6), options);
}

QByteArray stdsOf(const std::vector<LayerDistribution>& layers) {
    QByteArray text;
    for (const auto& d : layers) {
        text += QByteArray::number(d.activation.std, 'g', 3) + " (sat " +
                QByteArray::number(d.saturation, 'g', 3) + ") ";
    }
    return text;
}

}  // namespace

class InspectDistributionsTest : public QObject {
    Q_OBJECT

private slots:
    void histogramCountsAndStatistics() {
        const std::vector<float> values = {-2.0f, -1.0f,  -0.995f, -0.5f, 0.0f, 0.25f,
                                           0.5f,  0.995f, 1.0f,    3.0f,  NAN,  INFINITY};
        const Histogram h =
            makeHistogram(values.data(), static_cast<int64_t>(values.size()), 4, -1.0f, 1.0f);
        // Bins of width 0.5 over [-1, 1]; -2 and 3 are counted in the end bins, 1.0 (the
        // upper edge) in the last bin; NaN and inf only in nonFinite.
        QCOMPARE(h.counts, (std::vector<int64_t>{3, 1, 2, 4}));
        QCOMPARE(h.total, int64_t{10});
        QCOMPARE(h.nonFinite, int64_t{2});
        QCOMPARE(h.peak(), int64_t{4});
        const std::vector<double> finite = {-2, -1, -0.995, -0.5, 0, 0.25, 0.5, 0.995, 1, 3};
        const Stats s = statsOf(finite);
        QVERIFY(close(h.mean, 0.125, 1e-6, 1e-7));  // 1.25 / 10
        QVERIFY(close(s.mean, 0.125, 1e-12, 1e-12));
        QVERIFY(close(h.std, s.std, 1e-6, 1e-7));
        QCOMPARE(h.min, -2.0);
        QCOMPARE(h.max, 3.0);
        // |x| > 0.99: -2, -1, -0.995, 0.995, 1, 3.
        QVERIFY(close(h.saturated, 0.6, 1e-12, 0.0));

        QVERIFY_THROWS_EXCEPTION(std::invalid_argument,
                                 makeHistogram(values.data(), 3, 0, -1.0f, 1.0f));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument,
                                 makeHistogram(values.data(), 3, 4, 1.0f, 1.0f));
        const Histogram empty = makeHistogram(values.data(), 0, 4, -1.0f, 1.0f);
        QCOMPARE(empty.total, int64_t{0});
        QCOMPARE(empty.peak(), int64_t{0});
    }

    void rangesAlwaysHaveAWidth() {
        const std::vector<float> zeros(5, 0.0f);
        ValueRange r = valueRange(zeros.data(), 5);
        QCOMPARE(r.lo, -1.0f);
        QCOMPARE(r.hi, 1.0f);
        const std::vector<float> same(3, 4.0f);
        r = valueRange(same.data(), 3);
        QVERIFY(r.lo < 4.0f && r.hi > 4.0f);
        const std::vector<float> mixed = {-0.5f, 2.0f, NAN, 1.0f};
        r = valueRange(mixed.data(), 4);
        QCOMPARE(r.lo, -0.5f);
        QCOMPARE(r.hi, 2.0f);
        r = symmetricRange(mixed.data(), 4);
        QCOMPARE(r.lo, -2.0f);
        QCOMPARE(r.hi, 2.0f);
        const std::vector<float> tiny = {3e-12f, -1e-12f};
        r = symmetricRange(tiny.data(), 2);
        QCOMPARE(r.hi, 3e-12f);
        r.include({-5.0f, 0.0f});
        QCOMPARE(r.lo, -5.0f);
        QCOMPARE(r.hi, 3e-12f);
    }

    void everyLayerMatchesAnIndependentForwardAndBackward() {
        // dense → tanh → dropout → dense → sigmoid → dense; the dropout layer proves the
        // pass ran in evaluation mode (it would zero half the units in training).
        Network net({LayerSpec("dense").set("units", 8).set("init", "xavier_normal"),
                     LayerSpec("tanh"), LayerSpec("dropout").set("rate", 0.5),
                     LayerSpec("dense").set("units", 6).set("init", "normal").set("init_std", 1.5),
                     LayerSpec("sigmoid"), LayerSpec("dense").set("units", 3)},
                    Shape{4}, 7);
        const int64_t n = 40;
        const Tensor x = randomNormal({n, 4}, 1);
        const Tensor y = randomLabels(n, 3, 2);
        const auto weightsBefore = weightsOf(net);
        // Gradients left over from a training step must not leak into the picture.
        for (const auto& p : net.params()) {
            p.param->grad.copyFrom(Tensor::full(p.param->grad.shape(), 0.25f));
        }

        const std::vector<LayerDistribution> layers =
            layerDistributions(net, LossKind::CrossEntropy, x, y);

        QVERIFY(gradientsAreZero(net));
        QVERIFY(weightsOf(net) == weightsBefore);

        // The same network by hand, in double, from its weights.
        const auto param = [&](const std::string& name) -> const Tensor& {
            for (const auto& p : net.params()) {
                if (p.name == name) {
                    return p.param->value;
                }
            }
            throw std::runtime_error("no parameter " + name);
        };
        const Matrix w1 = fromTensor(param("1.weight"));
        const Matrix w4 = fromTensor(param("4.weight"));
        const Matrix w6 = fromTensor(param("6.weight"));
        const Matrix z1 = dense(fromTensor(x), w1, param("1.bias").toVector());
        const Matrix a1 = map(z1, [](double v) { return std::tanh(v); });
        const Matrix z4 = dense(a1, w4, param("4.bias").toVector());
        const Matrix a4 = map(z4, [](double v) { return 1.0 / (1.0 + std::exp(-v)); });
        const Matrix z6 = dense(a4, w6, param("6.bias").toVector());
        // Cross-entropy, mean over the batch: (softmax - one-hot) / N.
        Matrix dz6(n, 3);
        for (int64_t r = 0; r < n; ++r) {
            const double top = std::max({z6.at(r, 0), z6.at(r, 1), z6.at(r, 2)});
            double sum = 0.0;
            for (int64_t c = 0; c < 3; ++c) {
                sum += std::exp(z6.at(r, c) - top);
            }
            for (int64_t c = 0; c < 3; ++c) {
                const double p = std::exp(z6.at(r, c) - top) / sum;
                const double target = c == static_cast<int64_t>(y.at(r)) ? 1.0 : 0.0;
                dz6.at(r, c) = (p - target) / static_cast<double>(n);
            }
        }
        const Matrix da4 = denseBack(dz6, w6);
        Matrix dz4 = da4;
        for (size_t i = 0; i < dz4.v.size(); ++i) {
            dz4.v[i] *= a4.v[i] * (1.0 - a4.v[i]);
        }
        const Matrix da1 = denseBack(dz4, w4);
        Matrix dz1 = da1;
        for (size_t i = 0; i < dz1.v.size(); ++i) {
            dz1.v[i] *= 1.0 - a1.v[i] * a1.v[i];
        }

        QCOMPARE(layers.size(), size_t{6});
        const std::vector<const Matrix*> outputs = {&z1, &a1, &a1, &z4, &a4, &z6};
        // The dropout layer passes the gradient through unchanged in evaluation.
        const std::vector<const Matrix*> grads = {&dz1, &da1, &da1, &dz4, &da4, &dz6};
        const std::vector<std::string> kinds = {"dense", "tanh",    "dropout",
                                                "dense", "sigmoid", "dense"};
        for (size_t i = 0; i < layers.size(); ++i) {
            const LayerDistribution& d = layers[i];
            const QByteArray where = QByteArray("layer ") + QByteArray::number(int(i + 1));
            QCOMPARE(d.index, i);
            QCOMPARE(d.kind, kinds[i]);
            QCOMPARE(d.label, "layer " + std::to_string(i + 1));
            QCOMPARE(d.outputShape, (Shape{outputs[i]->cols}));
            // N × features values each.
            QCOMPARE(d.activation.total, n * outputs[i]->cols);
            QCOMPARE(d.gradient.total, n * grads[i]->cols);
            compareHistogram(d.activation, flat(*outputs[i]), 1.0, where + " activation");
            const Stats g = statsOf(flat(*grads[i]));
            compareHistogram(d.gradient, flat(*grads[i]), std::max(g.std, 1e-12),
                             where + " gradient");
            // Each histogram spans its own values: activations [min, max], gradients ±max|g|.
            QVERIFY(close(d.gradient.hi, std::max(std::abs(g.min), std::abs(g.max)), 1e-4, 0.0));
            QCOMPARE(d.gradient.lo, -d.gradient.hi);
        }

        // Saturation as the course defines it, counted here.
        const auto share = [](const Matrix& m, bool (*past)(double)) {
            return static_cast<double>(std::count_if(m.v.begin(), m.v.end(), past)) /
                   static_cast<double>(m.v.size());
        };
        QVERIFY(close(layers[1].saturation, share(a1, [](double v) { return std::abs(v) > 0.99; }),
                      0.0, 1.01 / 320));
        QVERIFY(close(layers[4].saturation,
                      share(a4, [](double v) { return v < 0.01 || v > 0.99; }), 0.0, 1.01 / 240));
        QCOMPARE(layers[0].saturation, -1.0);
        QCOMPARE(layers[2].saturation, -1.0);
    }

    void sharedRangeAndActivationLayersOnly() {
        Network net(
            {LayerSpec("dense").set("units", 16).set("init", "normal").set("init_std", 0.5),
             LayerSpec("tanh"),
             LayerSpec("dense").set("units", 16).set("init", "normal").set("init_std", 0.05),
             LayerSpec("tanh"), LayerSpec("dense").set("units", 3)},
            Shape{5}, 3);
        QCOMPARE(activationLayerIndices(net), (std::vector<size_t>{1, 3}));
        const Tensor x = randomNormal({64, 5}, 8);
        const Tensor y = randomLabels(64, 3, 9);
        DistributionOptions options;
        options.layers = activationLayerIndices(net);
        options.sharedRange = true;
        options.bins = 20;
        const auto shared = layerDistributions(net, LossKind::CrossEntropy, x, y, options);
        options.sharedRange = false;
        const auto own = layerDistributions(net, LossKind::CrossEntropy, x, y, options);
        QCOMPARE(shared.size(), size_t{2});
        QCOMPARE(shared[0].kind, std::string("tanh"));
        QCOMPARE(shared[1].index, size_t{3});
        QCOMPARE(shared[0].activation.bins(), 20);
        // One range per column, spanning both layers' own ranges.
        QCOMPARE(shared[0].activation.lo, shared[1].activation.lo);
        QCOMPARE(shared[0].activation.hi, shared[1].activation.hi);
        QCOMPARE(shared[0].gradient.hi, shared[1].gradient.hi);
        QCOMPARE(shared[0].activation.lo, std::min(own[0].activation.lo, own[1].activation.lo));
        QCOMPARE(shared[0].activation.hi, std::max(own[0].activation.hi, own[1].activation.hi));
        QCOMPARE(shared[0].gradient.hi, std::max(own[0].gradient.hi, own[1].gradient.hi));
        // The narrow second layer is narrow against the first's range, not stretched.
        QVERIFY(own[1].activation.hi - own[1].activation.lo <
                0.5f * (shared[1].activation.hi - shared[1].activation.lo));
        // Same values either way; only the bins differ.
        QCOMPARE(shared[1].activation.std, own[1].activation.std);
        QVERIFY(shared[1].activation.counts != own[1].activation.counts);

        options.layers = {7};
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument,
                                 layerDistributions(net, LossKind::CrossEntropy, x, y, options));
        // Bad targets: the loss's words, and still no gradients left behind.
        options.layers.clear();
        QVERIFY_THROWS_EXCEPTION(
            std::invalid_argument,
            layerDistributions(net, LossKind::CrossEntropy, x, randomLabels(63, 3, 1), options));
    }

    // The course's initialization experiment: 10 tanh layers of 500 units.
    void smallInitCollapsesLayerByLayer() {
        const auto layers = presetTanhLayers("tanh-init-small");
        QCOMPARE(layers.size(), size_t{10});
        const QByteArray stds = stdsOf(layers);
        qInfo("tanh std per layer (saturated share): %s", stds.constData());
        QVERIFY2(layers.front().activation.std > 0.1, stds);
        for (size_t i = 1; i < layers.size(); ++i) {
            QVERIFY2(layers[i].activation.std < 0.5 * layers[i - 1].activation.std, stds);
        }
        QVERIFY2(layers.back().activation.std < 1e-3, stds);
        QVERIFY2(layers.back().activation.std < 1e-3 * layers.front().activation.std, stds);
        // On the shared range the last layer fits in the bins around zero.
        const Histogram& last = layers.back().activation;
        QCOMPARE(last.lo, layers.front().activation.lo);
        int occupied = 0;
        for (int64_t c : last.counts) {
            occupied += c > 0 ? 1 : 0;
        }
        QVERIFY2(occupied <= 2, stds);
        // And the gradients vanish toward the input.
        QVERIFY(layers.front().gradient.std < 1e-2 * layers.back().gradient.std);
    }

    void largeInitSaturates() {
        const auto layers = presetTanhLayers("tanh-init-large");
        QCOMPARE(layers.size(), size_t{10});
        const QByteArray stds = stdsOf(layers);
        qInfo("tanh std per layer (saturated share): %s", stds.constData());
        for (const auto& d : layers) {
            QVERIFY2(d.saturation > 0.85, stds);
            QCOMPARE(d.saturation, d.activation.saturated);
            QVERIFY2(d.activation.std > 0.9, stds);
            // Piled up at the ends: the outer bins hold most values.
            const Histogram& h = d.activation;
            QVERIFY2(h.counts.front() + h.counts.back() > h.total / 2, stds);
        }
    }

    void xavierInitStaysSpread() {
        const auto layers = presetTanhLayers("tanh-init-xavier");
        QCOMPARE(layers.size(), size_t{10});
        const QByteArray stds = stdsOf(layers);
        qInfo("tanh std per layer (saturated share): %s", stds.constData());
        for (const auto& d : layers) {
            QVERIFY2(d.activation.std > 0.1 && d.activation.std < 0.9, stds);
            QVERIFY2(d.saturation < 0.1, stds);
        }
        QVERIFY2(layers.back().activation.std > 0.25 * layers.front().activation.std, stds);
    }
};

QTEST_APPLESS_MAIN(InspectDistributionsTest)
#include "InspectDistributionsTest.moc"
