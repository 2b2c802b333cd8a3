// The decision-boundary view draws what the network computes: the classes, confidences
// and colours of the map, the regression surface and the hidden neurons' maps are
// checked against forward passes the test runs itself at grid points it computes itself
// (the hidden neurons by hand from the weights). Then the real view on a real
// TrainingSession: populated at initialization, changing while the spiral MLP trains,
// and a message instead of a map for image data.

#include "datasets/DataConfig.h"
#include "datasets/Prepare.h"
#include "engine/Experiment.h"
#include "engine/Network.h"
#include "engine/Trainer.h"
#include "widgets/DataImages.h"
#include "widgets/DecisionBoundaryProbe.h"
#include "widgets/DecisionBoundaryView.h"
#include "widgets/ExperimentDocument.h"
#include "widgets/TrainingSession.h"

#include <QtTest>

#include <algorithm>
#include <cmath>
#include <map>
#include <memory>

using namespace dlab;
using namespace dlab::ui;

namespace {

constexpr int kTimeoutMs = 30000;

std::shared_ptr<const data::PreparedData> prepare(const char* dataJson) {
    return std::make_shared<data::PreparedData>(
        data::prepareData(data::parseDataConfig(Json::parse(dataJson))));
}

Network makeNetwork(const char* networkJson, int outputs, uint64_t seed = 7) {
    Experiment ex = parseExperiment(std::string(R"({"network": )") + networkJson + "}");
    return Network(resolveNetwork(ex.network, outputs), Shape{2}, seed);
}

// What the probe captured for this network and data.
std::shared_ptr<const BoundarySnapshot> capture(Network& net, const data::PreparedData& data,
                                                LossKind loss) {
    DecisionBoundaryProbe probe;
    InspectContext context{net, data, loss, 0, 0, false};
    probe.capture(context);
    return probe.latest.get();
}

// The raw grid points, computed here from the grid's bounds: (size, 2).
std::vector<float> rawGrid(const PlaneGrid& g) {
    std::vector<float> xy;
    const double cw = (g.xMax - g.xMin) / g.columns;
    const double ch = (g.yMax - g.yMin) / g.rows;
    for (int r = 0; r < g.rows; ++r) {
        for (int c = 0; c < g.columns; ++c) {
            xy.push_back(static_cast<float>(g.xMin + (c + 0.5) * cw));
            xy.push_back(static_cast<float>(g.yMax - (r + 0.5) * ch));
        }
    }
    return xy;
}

// Standardized by hand with the fitted per-feature mean and std.
Tensor standardized(const std::vector<float>& xy, const data::Normalization& norm) {
    std::vector<float> out(xy.size());
    for (size_t i = 0; i < xy.size(); ++i) {
        const size_t f = i % 2;
        out[i] = (xy[i] * norm.scale - norm.offset[f]) / norm.divisor[f];
    }
    return Tensor::fromVector(Shape{static_cast<int64_t>(xy.size() / 2), 2}, out);
}

std::vector<float> forwardAll(Network& net, const Tensor& x) {
    return net.forward(x, Mode::Eval).toVector();
}

std::vector<float> weightsOf(Network& net) {
    std::vector<float> all;
    for (const NamedParam& p : net.params()) {
        const std::vector<float> v = p.param->value.toVector();
        all.insert(all.end(), v.begin(), v.end());
    }
    return all;
}

QRgb expectedTint(int cls, float confidence) {
    const QColor c = classColor(cls);
    const double s = kBoundaryMaxTint * confidence;
    return qRgb(static_cast<int>(std::lround(255.0 + (c.red() - 255.0) * s)),
                static_cast<int>(std::lround(255.0 + (c.green() - 255.0) * s)),
                static_cast<int>(std::lround(255.0 + (c.blue() - 255.0) * s)));
}

bool near(QRgb a, QRgb b, int tolerance) {
    return std::abs(qRed(a) - qRed(b)) <= tolerance && std::abs(qGreen(a) - qGreen(b)) <= tolerance &&
           std::abs(qBlue(a) - qBlue(b)) <= tolerance;
}

constexpr const char* kSpiralData =
    R"({"source": "spiral", "samples": 600, "noise": 0.2, "classes": 3, "validation": 0.1,
        "test": 0.1, "normalization": "standardize"})";

// An image-shaped data set: 4 grey 28×28 pictures, two classes.
std::shared_ptr<const data::PreparedData> imageData() {
    auto prepared = std::make_shared<data::PreparedData>();
    data::Dataset d;
    d.name = "pictures";
    d.store = data::MemoryStore::fromPixels(Shape{1, 28, 28}, std::vector<uint8_t>(4 * 784, 128));
    d.rows = {0, 1, 2, 3};
    d.targets = {0, 1, 0, 1};
    d.numClasses = 2;
    d.classNames = {"a", "b"};
    prepared->split.train = d;
    prepared->format = "pictures";
    return prepared;
}

}  // namespace

class DecisionBoundaryTest : public QObject {
    Q_OBJECT

private slots:
    void classesAndColoursAreTheNetworksPredictionsAtTheGridPoints() {
        const auto data = prepare(kSpiralData);
        QCOMPARE(data->normalization.kind, data::NormalizationKind::Standardize);
        Network net = makeNetwork(R"([{"type": "dense", "units": 32}, {"type": "relu"},
                                      {"type": "dense", "units": "classes"}])", 3);
        // A few epochs, so the plane holds every class.
        TrainConfig training = presetExperiment("spiral").training;
        training.epochs = 15;
        Tensor inputs = data->split.train.inputsTensor();
        data::applyNormalization(data->normalization, inputs);
        Trainer(net, training).fit(DataView{inputs, data->split.train.targetsTensor()}, DataView{});
        net.zeroGrad();
        const std::vector<float> before = weightsOf(net);
        const auto snap = capture(net, *data, LossKind::CrossEntropy);
        QVERIFY(snap->message.isEmpty());
        QVERIFY(!snap->regression);
        const PlaneGrid& g = snap->grid;
        QCOMPARE(std::max(g.columns, g.rows), kPlaneGridResolution);
        QCOMPARE(snap->map.size(), QSize(g.columns, g.rows));
        QCOMPARE(snap->classes.size(), static_cast<size_t>(g.size()));
        QCOMPARE(snap->classNames, (QStringList{"class 0", "class 1", "class 2"}));
        // The capture changed no weight and left the gradients zero.
        QVERIFY(weightsOf(net) == before);
        for (const NamedParam& p : net.params()) {
            const std::vector<float> grad = p.param->grad.toVector();
            QVERIFY(std::all_of(grad.begin(), grad.end(), [](float v) { return v == 0.0f; }));
        }

        // Every data point of every split lies inside the plane, off its edges.
        int64_t points = 0;
        for (const data::Dataset* d : {&data->split.train, &data->split.validation, &data->split.test}) {
            const Tensor x = d->inputsTensor();
            for (int64_t i = 0; i < d->size(); ++i, ++points) {
                QVERIFY(x.at(2 * i) > g.xMin + 0.05 && x.at(2 * i) < g.xMax - 0.05);
                QVERIFY(x.at(2 * i + 1) > g.yMin + 0.05 && x.at(2 * i + 1) < g.yMax - 0.05);
            }
        }
        QCOMPARE(static_cast<int64_t>(snap->points.size()), points);
        QCOMPARE(std::count_if(snap->points.begin(), snap->points.end(),
                               [](const BoundaryPoint& p) { return p.train; }),
                 data->split.train.size());

        // The test's own forward pass over the grid, all points in one batch.
        const std::vector<float> out = forwardAll(net, standardized(rawGrid(g), data->normalization));
        int seen[3] = {0, 0, 0};
        for (int64_t i = 0; i < g.size(); ++i) {
            const float* row = out.data() + 3 * i;
            const int best = static_cast<int>(std::max_element(row, row + 3) - row);
            double sum = 0.0;
            for (int j = 0; j < 3; ++j) {
                sum += std::exp(static_cast<double>(row[j] - row[best]));
            }
            const double p = 1.0 / sum;
            const double confidence = std::max(0.0, (p - 1.0 / 3.0) / (2.0 / 3.0));
            const size_t k = static_cast<size_t>(i);
            if (snap->classes[k] != best) {
                // Only a near tie may go either way (batches sum in another order).
                std::vector<float> sorted(row, row + 3);
                std::sort(sorted.begin(), sorted.end());
                QVERIFY2(sorted[2] - sorted[1] < 1e-4f, qPrintable(QString::number(i)));
            }
            QVERIFY2(std::abs(snap->confidence[k] - confidence) < 1e-4,
                     qPrintable(QString("%1: %2 vs %3").arg(i).arg(snap->confidence[k]).arg(confidence)));
            ++seen[best];
        }
        // The spiral's arms reach into every part of the plane.
        QVERIFY(seen[0] > 0 && seen[1] > 0 && seen[2] > 0);

        // Pixels: the class colour of the Data panel's scatter, faded by the confidence.
        for (const auto& [c, r] : std::vector<std::pair<int, int>>{
                 {0, 0}, {g.columns - 1, 0}, {0, g.rows - 1}, {g.columns / 2, g.rows / 2},
                 {g.columns - 1, g.rows - 1}, {17, 93}, {120, 31}, {64, 64}}) {
            const size_t k = static_cast<size_t>(r) * g.columns + c;
            const QRgb expected = expectedTint(snap->classes[k], snap->confidence[k]);
            QVERIFY2(near(snap->map.pixel(c, r), expected, 1),
                     qPrintable(QString("pixel %1,%2").arg(c).arg(r)));
        }
    }

    void regressionSurfaceIsTheNetworksOutput() {
        const auto data = prepare(R"({"source": "bump", "samples": 300, "noise": 0.05,
                                      "validation": 0.2, "normalization": "standardize"})");
        QCOMPARE(data->split.train.numClasses, 0);
        Network net = makeNetwork(R"([{"type": "dense", "units": 8}, {"type": "tanh"},
                                      {"type": "dense", "units": 1}])", 1);
        const auto snap = capture(net, *data, LossKind::MSE);
        QVERIFY(snap->message.isEmpty());
        QVERIFY(snap->regression);
        QVERIFY(snap->classes.empty());
        const PlaneGrid& g = snap->grid;
        QCOMPARE(snap->values.size(), static_cast<size_t>(g.size()));
        const std::vector<float> out = forwardAll(net, standardized(rawGrid(g), data->normalization));
        float lo = out[0];
        float hi = out[0];
        for (size_t i = 0; i < out.size(); ++i) {
            QVERIFY2(std::abs(snap->values[i] - out[i]) < 1e-5f, qPrintable(QString::number(i)));
            lo = std::min(lo, out[i]);
            hi = std::max(hi, out[i]);
        }
        // The colour bar spans the surface and every target.
        const Tensor targets = data->split.train.targetsTensor();
        for (int64_t i = 0; i < targets.numel(); ++i) {
            lo = std::min(lo, targets.at(i));
            hi = std::max(hi, targets.at(i));
        }
        QVERIFY(snap->valueMin <= lo + 1e-6f);
        QVERIFY(snap->valueMax >= hi - 1e-6f);
        QVERIFY(snap->valueMin > lo - 0.5f);  // the validation targets may widen it a little
        // Pixels: viridis over [valueMin, valueMax].
        for (const auto& [c, r] : std::vector<std::pair<int, int>>{
                 {0, 0}, {g.columns / 2, g.rows / 2}, {g.columns - 1, g.rows - 1}, {40, 110}}) {
            const size_t k = static_cast<size_t>(r) * g.columns + c;
            const Rgb8 v = viridis((out[k] - snap->valueMin) / (snap->valueMax - snap->valueMin));
            QVERIFY2(near(snap->map.pixel(c, r), qRgb(v.r, v.g, v.b), 1),
                     qPrintable(QString("pixel %1,%2").arg(c).arg(r)));
        }
    }

    void neuronMapsAreTheHiddenActivations() {
        const auto data = prepare(kSpiralData);
        Network net = makeNetwork(R"([{"type": "dense", "units": 6}, {"type": "tanh"},
                                      {"type": "dense", "units": 4}, {"type": "relu"},
                                      {"type": "dense", "units": "classes"}])", 3);
        const auto snap = capture(net, *data, LossKind::CrossEntropy);
        QVERIFY(snap->neuronNote.isEmpty());
        QCOMPARE(snap->neurons.size(), size_t{2});
        QCOMPARE(snap->neurons[0].title, QStringLiteral("layer 1"));
        QCOMPARE(snap->neurons[0].activation, QStringLiteral("tanh"));
        QCOMPARE(snap->neurons[1].title, QStringLiteral("layer 3"));
        QCOMPARE(snap->neurons[1].activation, QStringLiteral("relu"));
        QCOMPARE(snap->neurons[0].values.size(), size_t{6});
        QCOMPARE(snap->neurons[1].values.size(), size_t{4});

        // By hand: h1 = tanh(W1 x + b1), h2 = relu(W2 h1 + b2), W (out, in).
        std::map<std::string, std::vector<float>> p;
        for (const NamedParam& np : net.params()) {
            p[np.name] = np.param->value.toVector();
        }
        const PlaneGrid& g = snap->grid;
        const Tensor x = standardized(rawGrid(g), data->normalization);
        float largest[6] = {};
        for (int64_t i = 0; i < g.size(); ++i) {
            float h1[6];
            for (int u = 0; u < 6; ++u) {
                float z = p["1.bias"][u];
                for (int j = 0; j < 2; ++j) {
                    z += p["1.weight"][static_cast<size_t>(u * 2 + j)] * x.at(2 * i + j);
                }
                h1[u] = std::tanh(z);
                largest[u] = std::max(largest[u], std::abs(h1[u]));
                QVERIFY2(std::abs(snap->neurons[0].values[u][static_cast<size_t>(i)] - h1[u]) < 1e-5f,
                         qPrintable(QString("layer 1 neuron %1 point %2").arg(u).arg(i)));
            }
            for (int u = 0; u < 4; ++u) {
                float z = p["3.bias"][u];
                for (int j = 0; j < 6; ++j) {
                    z += p["3.weight"][static_cast<size_t>(u * 6 + j)] * h1[j];
                }
                QVERIFY2(std::abs(snap->neurons[1].values[u][static_cast<size_t>(i)] -
                                  std::max(z, 0.0f)) < 1e-5f,
                         qPrintable(QString("layer 3 neuron %1 point %2").arg(u).arg(i)));
            }
        }
        // Each map is scaled to ±its largest |value|: that point is at an end of the
        // diverging map, 0 in its middle.
        for (int u = 0; u < 6; ++u) {
            const NeuronMaps& maps = snap->neurons[0];
            QVERIFY(std::abs(maps.scales[u] - largest[u]) < 1e-5f);
            const auto& v = maps.values[static_cast<size_t>(u)];
            const size_t k = static_cast<size_t>(std::max_element(v.begin(), v.end()) - v.begin());
            const int c = static_cast<int>(k % g.columns);
            const int r = static_cast<int>(k / g.columns);
            const double t = 0.5 + 0.5 * v[k] / maps.scales[u];
            QVERIFY(near(maps.images[u].pixel(c, r), divergingColor(t).rgb(), 2));
        }
    }

    void wideNetworksAndOtherDataSayWhy() {
        const auto data = prepare(kSpiralData);
        Network wide = makeNetwork(R"([{"type": "dense", "units": 64}, {"type": "relu"},
                                       {"type": "dense", "units": "classes"}])", 3);
        const auto snap = capture(wide, *data, LossKind::CrossEntropy);
        QVERIFY(snap->neurons.empty());
        QVERIFY(snap->neuronNote.contains("64"));

        const auto pictures = imageData();
        Experiment ex = parseExperiment(R"({"network": [{"type": "flatten"},
                                                         {"type": "dense", "units": 2}]})");
        Network net(ex.network, Shape{1, 28, 28}, 1);
        const auto message = capture(net, *pictures, LossKind::CrossEntropy);
        QVERIFY2(message->message.contains("needs 2-D inputs") &&
                     message->message.contains(QString("1") + QChar(0xD7) + "28" + QChar(0xD7) + "28 images"),
                 qPrintable(message->message));
        QVERIFY(message->map.isNull());

        const Tensor five = Tensor::zeros(Shape{3, 5});
        data::PreparedData tabular;
        tabular.split.train = data::datasetFromTensors("table", five,
                                                       Tensor::fromVector(Shape{3}, {0, 1, 0}), 2);
        Network flat(ex.network, Shape{5}, 1);
        QVERIFY(capture(flat, tabular, LossKind::CrossEntropy)->message.contains("have 5 features"));
    }

    void viewIsPopulatedAndFollowsTraining() {
        ExperimentDocument document;
        Experiment ex = presetExperiment("spiral");
        ex.training.epochs = 100000;
        document.reset(ex);
        document.setPreparedData(prepare(ex.data.dump().c_str()));
        TrainingSession session(document);
        DecisionBoundaryView view(session);
        view.resize(900, 600);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        QTRY_VERIFY_WITH_TIMEOUT(view.shown() != nullptr, kTimeoutMs);
        const auto initial = view.shown();
        QCOMPARE(initial->step, int64_t{0});
        QVERIFY(view.message().isEmpty());
        QVERIFY(!initial->map.isNull());
        QCOMPARE(initial->classes.size(), static_cast<size_t>(initial->grid.size()));
        // The spiral MLP is too wide for neuron maps; the view says so instead.
        QVERIFY(initial->neurons.empty());
        QVERIFY(!initial->neuronNote.isEmpty());
        // The map is on screen, with the map's own colours (not the background).
        const QRect map = view.mapRect();
        QVERIFY(map.width() > 200 && map.height() > 200);
        const QImage shot = view.grab().toImage();
        const QPoint corner = map.topLeft() + QPoint(3, 3);  // the plane's margin: no points
        const size_t k = 0;
        QVERIFY(near(shot.pixel(corner), expectedTint(initial->classes[k], initial->confidence[k]), 12));

        session.train();
        QTRY_VERIFY_WITH_TIMEOUT(view.shown()->step > 0, kTimeoutMs);
        const int64_t firstLive = view.shown()->step;
        // Later captures keep coming while it trains, and the map changes as it learns.
        QTRY_VERIFY_WITH_TIMEOUT(view.shown()->step > firstLive && view.shown()->step >= 300,
                                 kTimeoutMs);
        const auto later = view.shown();
        int64_t changed = 0;
        for (size_t i = 0; i < later->classes.size(); ++i) {
            changed += later->classes[i] != initial->classes[i] ? 1 : 0;
        }
        QVERIFY2(changed > later->grid.size() / 20, qPrintable(QString::number(changed)));
        QVERIFY(later->map != initial->map);
        session.stop();

        // Presentation mode keeps a laid-out map.
        view.setPresentationMode(true);
        QVERIFY(!view.mapRect().isEmpty());
        // Hidden: the probe is gone, nothing is captured for it.
        view.hide();
        QVERIFY(!view.active());
    }

    void neuronTilesAreLaidOutBesideTheMap() {
        ExperimentDocument document;
        Experiment ex = presetExperiment("spiral");
        ex.network = parseExperiment(R"({"network": [{"type": "dense", "units": 8}, {"type": "tanh"},
                                                      {"type": "dense", "units": 4}, {"type": "tanh"},
                                                      {"type": "dense", "units": "classes"}]})")
                         .network;
        document.reset(ex);
        document.setPreparedData(prepare(ex.data.dump().c_str()));
        TrainingSession session(document);
        DecisionBoundaryView view(session);
        view.resize(1000, 640);
        view.show();
        QTRY_VERIFY_WITH_TIMEOUT(view.shown() != nullptr, kTimeoutMs);
        QCOMPARE(view.shown()->neurons.size(), size_t{2});
        const QRect map = view.mapRect();
        for (size_t l = 0; l < 2; ++l) {
            for (size_t n = 0; n < view.shown()->neurons[l].images.size(); ++n) {
                const QRect tile = view.neuronRect(l, n);
                QVERIFY(tile.width() >= 20);
                QVERIFY(tile.left() > map.right());  // beside the map
                QVERIFY(view.rect().contains(tile));  // not clipped
            }
        }
        // Layer 3's column is to the right of layer 1's.
        QVERIFY(view.neuronRect(1, 0).left() > view.neuronRect(0, 0).right());
        // Too narrow for both: the map keeps its room and the neurons go.
        view.resize(260, 600);
        QTRY_VERIFY(view.neuronRect(0, 0).isEmpty());
        QVERIFY(!view.mapRect().isEmpty());
    }

    void imageDataShowsWhyThereIsNoMap() {
        ExperimentDocument document;
        Experiment ex = presetExperiment("spiral");
        ex.network = parseExperiment(R"({"network": [{"type": "flatten"},
                                                      {"type": "dense", "units": "classes"}]})")
                         .network;
        document.reset(ex);
        document.setPreparedData(imageData());
        TrainingSession session(document);
        DecisionBoundaryView view(session);
        view.resize(700, 500);
        view.show();
        QTRY_VERIFY_WITH_TIMEOUT(view.message().contains("needs 2-D inputs"), kTimeoutMs);
        QVERIFY2(view.message().contains(QString("1") + QChar(0xD7) + "28" + QChar(0xD7) + "28"),
                 qPrintable(view.message()));
        QVERIFY(view.mapRect().isEmpty());
    }
};

QTEST_MAIN(DecisionBoundaryTest)
#include "DecisionBoundaryTest.moc"
