// The Filters and Feature maps views: what their probes draw is what the network holds.
// Filter pixels are recomputed from Network::params() (by name) with the documented
// mapping (engine/InspectImages.h); feature maps and predictions from a separate network
// with the same weights, run here on the input normalized by hand. Then the real views on
// a TrainingSession: populated while a small CNN trains on generated images, following the
// layer and sample the user picks, taking a dropped image file, and saying why when the
// data are not images.

#include <QComboBox>
#include <QImage>
#include <QMimeData>
#include <QPushButton>
#include <QSpinBox>
#include <QTemporaryDir>
#include <QUrl>
#include <QtTest>
#include <algorithm>
#include <cmath>
#include <memory>
#include <numeric>
#include <random>

#include "datasets/Dataset.h"
#include "datasets/Prepare.h"
#include "engine/Experiment.h"
#include "engine/Network.h"
#include "widgets/ExperimentDocument.h"
#include "widgets/FeatureMapView.h"
#include "widgets/FiltersView.h"
#include "widgets/TrainingSession.h"

using namespace dlab;
using namespace dlab::ui;

namespace {

constexpr int kTimeoutMs = 30000;
constexpr int kSide = 8;

int expectedPixel(double v, double lo, double hi) {
    if (!(hi > lo)) {
        return 128;
    }
    const double t = std::min(1.0, std::max(0.0, (v - lo) / (hi - lo)));
    return static_cast<int>(std::lround(t * 255.0));
}

float maxAbs(const std::vector<float>& values) {
    float m = 0.0f;
    for (float v : values) {
        m = std::max(m, std::abs(v));
    }
    return m;
}

const Tensor& param(const Network& network, const std::string& name) {
    for (const NamedParam& p : network.params()) {
        if (p.name == name) {
            return p.param->value;
        }
    }
    throw std::runtime_error("no parameter " + name);
}

// Grey value of pixel (x, y) of tile `tile` of a grid.
int grey(const TileGrid& grid, int tile, int x, int y) {
    const QRect at = grid.source(tile);
    return grid.image.pixelColor(at.x() + x, at.y() + y).red();
}

QColor colour(const TileGrid& grid, int tile, int x, int y) {
    const QRect at = grid.source(tile);
    return grid.image.pixelColor(at.x() + x, at.y() + y);
}

// Generated kSide × kSide images of bars: class 0 horizontal, 1 vertical, 2 diagonal, at
// random positions over noise; `channels` 1 (grey) or 3 (each bar in its own colour).
std::shared_ptr<data::PreparedData> barImages(int channels, int perClass = 40) {
    const std::vector<std::string> names = {"horizontal", "vertical", "diagonal"};
    std::mt19937_64 rng(4);
    std::uniform_int_distribution<int> noise(0, 60);
    std::uniform_int_distribution<int> where(1, kSide - 2);
    const int64_t plane = kSide * kSide;
    std::vector<uint8_t> pixels;
    std::vector<float> targets;
    for (int k = 0; k < 3; ++k) {
        for (int n = 0; n < perClass; ++n) {
            std::vector<uint8_t> image(static_cast<size_t>(channels * plane));
            for (auto& p : image) {
                p = static_cast<uint8_t>(noise(rng));
            }
            const int at = where(rng);
            for (int i = 0; i < kSide; ++i) {
                const int y = k == 0 ? at : i;
                const int x = k == 1 ? at : (k == 0 ? i : (i + at) % kSide);
                const int c = channels == 3 ? k : 0;
                image[static_cast<size_t>(c * plane + y * kSide + x)] = 230;
            }
            pixels.insert(pixels.end(), image.begin(), image.end());
            targets.push_back(static_cast<float>(k));
        }
    }
    data::Dataset all;
    all.name = "bars";
    all.store = data::MemoryStore::fromPixels(Shape{channels, kSide, kSide}, std::move(pixels));
    all.rows.resize(targets.size());
    std::iota(all.rows.begin(), all.rows.end(), int64_t{0});
    all.targets = targets;
    all.numClasses = 3;
    all.classNames = names;
    auto prepared = std::make_shared<data::PreparedData>();
    prepared->split = data::splitDataset(all, 0.25, 0.0, 1);
    prepared->normalization =
        data::fitNormalization(prepared->split.train, data::NormalizationKind::Standardize);
    prepared->format = "bars";
    return prepared;
}

// Two 2-D points per class: data that are not images.
std::shared_ptr<data::PreparedData> points() {
    const Tensor x = Tensor::fromVector(Shape{4, 2}, {0, 0, 1, 1, 2, 2, 3, 3});
    const Tensor y = Tensor::fromVector(Shape{4}, {0, 0, 1, 1});
    auto prepared = std::make_shared<data::PreparedData>();
    prepared->split.train = data::datasetFromTensors("points", x, y, 2);
    prepared->split.validation = prepared->split.train;
    return prepared;
}

LayerSpec conv(int filters) {
    return LayerSpec("conv2d").set("filters", filters).set("kernel", 3).set("padding", 1);
}

// conv(4) → batchnorm → relu → maxpool → conv(6) → relu → flatten → dense(3).
std::vector<LayerSpec> cnnSpecs() {
    return {conv(4),
            LayerSpec("batchnorm2d"),
            LayerSpec("relu"),
            LayerSpec("maxpool2d"),
            conv(6),
            LayerSpec("relu"),
            LayerSpec("flatten"),
            LayerSpec("dense").set("units", 3)};
}

// A network whose batchnorm is not the identity in Eval mode, so the maps test sees it.
std::unique_ptr<Network> cnn(int channels) {
    auto net = std::make_unique<Network>(cnnSpecs(), Shape{channels, kSide, kSide}, 9);
    for (const NamedBuffer& b : net->buffers()) {
        for (int64_t c = 0; c < b.buffer->value.numel(); ++c) {
            b.buffer->value.at(c) = b.name == "2.running_mean" ? 0.2f * float(c) : 0.5f + float(c);
        }
    }
    return net;
}

// Another network with the same weights and statistics, copied by name.
std::unique_ptr<Network> copyOf(const Network& source, const std::vector<LayerSpec>& specs) {
    auto copy = std::make_unique<Network>(specs, source.inputShape(), 12345);
    for (const NamedParam& p : copy->params()) {
        p.param->value.copyFrom(param(source, p.name));
    }
    for (const NamedBuffer& b : copy->buffers()) {
        for (const NamedBuffer& s : source.buffers()) {
            if (s.name == b.name) {
                b.buffer->value.copyFrom(s.buffer->value);
            }
        }
    }
    return copy;
}

// Validation sample `index`, normalized by hand: x' = (x · scale - offset[c]) / divisor[c].
std::vector<float> normalizedByHand(const data::PreparedData& prepared, int64_t index) {
    const data::Dataset& split = prepared.split.validation;
    const Shape shape = split.sampleShape();
    std::vector<float> x(static_cast<size_t>(shape.numel()));
    split.store->readFloat(split.rows[static_cast<size_t>(index)], x.data());
    const data::Normalization& n = prepared.normalization;
    const int64_t plane = shape[1] * shape[2];
    for (size_t i = 0; i < x.size(); ++i) {
        const auto c = static_cast<size_t>(static_cast<int64_t>(i) / plane);
        x[i] = (x[i] * n.scale - n.offset[c]) / n.divisor[c];
    }
    return x;
}

InspectContext contextFor(Network& network, const data::PreparedData& prepared) {
    return InspectContext{network, prepared, LossKind::CrossEntropy, 0, 0, false};
}

// The small CNN as an experiment, its data generated above.
Experiment barsExperiment() {
    return parseExperiment(R"({"name": "bars",
        "network": [{"type": "conv2d", "filters": 4, "kernel": 3, "padding": 1},
                    {"type": "batchnorm2d"}, {"type": "relu"}, {"type": "maxpool2d"},
                    {"type": "conv2d", "filters": 6, "kernel": 3, "padding": 1},
                    {"type": "relu"}, {"type": "flatten"},
                    {"type": "dense", "units": "classes"}],
        "training": {"epochs": 100000, "batch_size": 8, "loss": "cross_entropy",
                     "optimizer": {"type": "adam", "lr": 0.01}}})");
}

QString writePng(const QString& dir, const QString& name, const std::vector<QColor>& pixels) {
    QImage image(kSide, kSide, QImage::Format_RGB888);
    for (int y = 0; y < kSide; ++y) {
        for (int x = 0; x < kSide; ++x) {
            image.setPixelColor(x, y, pixels[static_cast<size_t>(y * kSide + x)]);
        }
    }
    const QString path = dir + "/" + name;
    image.save(path, "PNG");
    return path;
}

}  // namespace

class ImageViewsTest : public QObject {
    Q_OBJECT

private slots:
    void colourFiltersAreTheFirstLayersKernels() {
        const auto prepared = barImages(3);
        auto net = cnn(3);
        InspectContext context = contextFor(*net, *prepared);
        FiltersProbe probe;
        probe.capture(context);
        const auto s = probe.latest.get();
        QVERIFY(s && s->unavailable.isEmpty());
        QCOMPARE(s->layerLabels, QStringList({"layer 1 (conv2d)", "layer 5 (conv2d)"}));
        QCOMPARE(s->layer, 0);
        QCOMPARE(s->mode, KernelMode::Colour);  // an RGB input layer starts in colour
        QCOMPARE(s->grid.count, 4);
        QCOMPARE(s->weightShape, QString("(4, 3, 3, 3)"));
        const std::vector<float> w = param(*net, "1.weight").toVector();  // (4, 3, 3, 3)
        const float m = maxAbs(w);
        QCOMPARE(s->grid.hi, m);
        for (int f = 0; f < 4; ++f) {
            for (int y = 0; y < 3; ++y) {
                for (int x = 0; x < 3; ++x) {
                    const QColor px = colour(s->grid, f, x, y);
                    const int rgb[3] = {px.red(), px.green(), px.blue()};
                    for (int c = 0; c < 3; ++c) {  // red is input channel 0, blue channel 2
                        const float v = w[static_cast<size_t>(((f * 3 + c) * 3 + y) * 3 + x)];
                        QCOMPARE(rgb[c], expectedPixel(v, -m, m));
                    }
                }
            }
        }

        // Each input channel: one row per filter, one column per channel, same scale.
        probe.setRequest("layer 1 (conv2d)", KernelMode::PerChannel, false);
        probe.capture(context);
        const auto g = probe.latest.get();
        QCOMPARE(g->mode, KernelMode::PerChannel);
        QCOMPARE(g->fixedColumns, 3);
        QCOMPARE(g->grid.count, 12);
        for (int f = 0; f < 4; ++f) {
            for (int c = 0; c < 3; ++c) {
                const float v = w[static_cast<size_t>(((f * 3 + c) * 3 + 2) * 3 + 1)];
                QCOMPARE(grey(g->grid, f * 3 + c, 1, 2), expectedPixel(v, -m, m));
            }
        }
    }

    void deeperLayersAverageOverTheirInputs() {
        const auto prepared = barImages(3);
        auto net = cnn(3);
        InspectContext context = contextFor(*net, *prepared);
        FiltersProbe probe;
        probe.setRequest("layer 5 (conv2d)", KernelMode::Colour, false);
        probe.capture(context);
        auto s = probe.latest.get();
        QCOMPARE(s->layer, 1);
        // Colour makes no sense on 4 feature channels: not offered, per channel instead.
        QCOMPARE(s->modes, (std::vector<KernelMode>{KernelMode::PerChannel, KernelMode::Average}));
        QCOMPARE(s->mode, KernelMode::PerChannel);
        QCOMPARE(s->grid.count, 6 * 4);

        probe.setRequest("layer 5 (conv2d)", KernelMode::Average, false);
        probe.capture(context);
        s = probe.latest.get();
        QCOMPARE(s->mode, KernelMode::Average);
        QCOMPARE(s->fixedColumns, 0);
        const std::vector<float> w = param(*net, "5.weight").toVector();  // (6, 4, 3, 3)
        std::vector<float> mean(6 * 9);
        for (int f = 0; f < 6; ++f) {
            for (int p = 0; p < 9; ++p) {
                double sum = 0.0;
                for (int i = 0; i < 4; ++i) {
                    sum += w[static_cast<size_t>((f * 4 + i) * 9 + p)];
                }
                mean[static_cast<size_t>(f * 9 + p)] = static_cast<float>(sum / 4.0);
            }
        }
        const float m = maxAbs(mean);
        for (int f = 0; f < 6; ++f) {
            for (int p = 0; p < 9; ++p) {
                QCOMPARE(grey(s->grid, f, p % 3, p / 3),
                         expectedPixel(mean[static_cast<size_t>(f * 9 + p)], -m, m));
            }
        }

        // A label the network no longer has: the first layer again, in its default mode.
        probe.setRequest("layer 9 (conv2d)", KernelMode::Average, true);
        probe.capture(context);
        QCOMPARE(probe.latest.get()->layer, 0);
        QCOMPARE(probe.latest.get()->mode, KernelMode::Colour);
    }

    void linearClassifierTemplatesAreItsWeightsPerClass() {
        const auto prepared = barImages(1);
        Network net({LayerSpec("flatten"), LayerSpec("dense").set("units", 3)},
                    Shape{1, kSide, kSide}, 2);
        InspectContext context = contextFor(net, *prepared);
        FiltersProbe probe;
        probe.capture(context);
        const auto s = probe.latest.get();
        QCOMPARE(s->layerLabels, QStringList({"layer 2 (dense)"}));
        QVERIFY(s->isTemplate);
        QCOMPARE(s->titles, QStringList({"horizontal", "vertical", "diagonal"}));
        QCOMPARE(s->grid.tileWidth, kSide);
        QCOMPARE(s->grid.tileHeight, kSide);
        const std::vector<float> w = param(net, "2.weight").toVector();  // (3, 64)
        const float m = maxAbs(w);
        for (int u = 0; u < 3; ++u) {
            for (int y = 0; y < kSide; ++y) {
                for (int x = 0; x < kSide; ++x) {
                    const float v = w[static_cast<size_t>(u * kSide * kSide + y * kSide + x)];
                    QCOMPARE(grey(s->grid, u, x, y), expectedPixel(v, -m, m));
                }
            }
        }
    }

    void featureMapsAreTheLayerOutputsForTheSample() {
        const auto prepared = barImages(3);
        auto net = cnn(3);
        InspectContext context = contextFor(*net, *prepared);
        FeatureMapProbe probe;
        probe.setSample(2);
        probe.capture(context);
        const auto s = probe.latest.get();
        QVERIFY(s && s->unavailable.isEmpty());
        QCOMPARE(s->index, int64_t(2));
        QCOMPARE(s->splitSize, prepared->split.validation.size());
        QCOMPARE(s->trueClass, prepared->split.validation.label(2));

        // The input: normalized as the data are, and drawn min–max in colour.
        const std::vector<float> x = normalizedByHand(*prepared, 2);
        const std::vector<float> input = s->input.toVector();
        QCOMPARE(input.size(), x.size());
        for (size_t i = 0; i < x.size(); ++i) {
            QVERIFY(std::abs(input[i] - x[i]) < 1e-5f);
        }
        const auto [lo, hi] = std::minmax_element(input.begin(), input.end());
        for (int y = 0; y < kSide; ++y) {
            for (int xx = 0; xx < kSide; ++xx) {
                const QColor px = colour(s->inputGrid, 0, xx, y);
                const int rgb[3] = {px.red(), px.green(), px.blue()};
                for (int c = 0; c < 3; ++c) {
                    QCOMPARE(rgb[c],
                             expectedPixel(input[static_cast<size_t>(c * 64 + y * kSide + xx)], *lo,
                                           *hi));
                }
            }
        }

        // The maps: a separate network with the same weights, run here.
        auto separate = copyOf(*net, cnnSpecs());
        const Tensor batch = Tensor::fromVector(Shape{1, 3, kSide, kSide}, x);
        const std::vector<float> logits = separate->forward(batch, Mode::Eval).toVector();
        QCOMPARE(s->layers.size(), size_t(2));
        QCOMPARE(s->layers[0].label, QString("layer 1 (conv2d) → 3 (relu)"));
        QCOMPARE(s->layers[1].label, QString("layer 5 (conv2d) → 6 (relu)"));
        const size_t after[2] = {2, 5};  // the relu after each conv
        for (size_t l = 0; l < 2; ++l) {
            const FeatureMapLayer& maps = s->layers[l];
            const std::vector<float> a = separate->layers().activation(after[l]).toVector();
            const int64_t side = maps.shape[1];
            QCOMPARE(maps.grid.count, int(maps.channels));
            const auto [mlo, mhi] = std::minmax_element(a.begin(), a.end());
            for (int c = 0; c < maps.grid.count; ++c) {
                for (int64_t y = 0; y < side; ++y) {
                    for (int64_t xx = 0; xx < side; ++xx) {
                        const float v = a[static_cast<size_t>((c * side + y) * side + xx)];
                        QCOMPARE(grey(maps.grid, c, int(xx), int(y)), expectedPixel(v, *mlo, *mhi));
                    }
                }
            }
        }

        // The prediction: softmax of the separate network's output, largest first.
        QVERIFY(s->probabilities);
        QCOMPARE(s->top.size(), size_t(3));
        double sum = 0.0;
        for (float z : logits) {
            sum += std::exp(double(z));
        }
        std::vector<int> order = {0, 1, 2};
        std::sort(order.begin(), order.end(),
                  [&](int a, int b) { return logits[size_t(a)] > logits[size_t(b)]; });
        for (size_t i = 0; i < 3; ++i) {
            QCOMPARE(s->top[i].index, order[i]);
            QVERIFY(std::abs(s->top[i].value - std::exp(double(logits[size_t(order[i])])) / sum) <
                    1e-5);
            QCOMPARE(s->top[i].name,
                     QString::fromStdString(prepared->split.train.classNames[size_t(order[i])]));
        }

        // The convolutions' own outputs.
        probe.setAfterActivation(false);
        probe.capture(context);
        const auto raw = probe.latest.get();
        QCOMPARE(raw->layers[0].label, QString("layer 1 (conv2d)"));
        const std::vector<float> a = separate->layers().activation(0).toVector();
        const auto [rlo, rhi] = std::minmax_element(a.begin(), a.end());
        QCOMPARE(grey(raw->layers[0].grid, 3, 5, 4),
                 expectedPixel(a[(3 * 8 + 4) * 8 + 5], *rlo, *rhi));
        QVERIFY(*rlo < 0.0f);  // before the ReLU: negative values exist, drawn darker than 0
    }

    void aDroppedFileIsDecodedAndNormalizedLikeTheData() {
        const auto prepared = barImages(3);
        auto net = cnn(3);
        InspectContext context = contextFor(*net, *prepared);
        QTemporaryDir dir;
        std::vector<QColor> pixels;
        for (int i = 0; i < kSide * kSide; ++i) {
            pixels.emplace_back(i * 4 % 256, 255 - i * 3, (i * 37) % 256);
        }
        const QString path = writePng(dir.path(), "shoe.png", pixels);
        FeatureMapProbe probe;
        probe.setFile(path.toStdString());
        probe.capture(context);
        const auto s = probe.latest.get();
        QCOMPARE(s->index, int64_t(-1));
        QCOMPARE(s->source, QString("shoe.png"));
        QCOMPARE(s->trueClass, -1);
        QVERIFY(s->note.isEmpty());
        const data::Normalization& n = prepared->normalization;
        const std::vector<float> input = s->input.toVector();
        for (int i = 0; i < kSide * kSide; ++i) {
            const int rgb[3] = {pixels[size_t(i)].red(), pixels[size_t(i)].green(),
                                pixels[size_t(i)].blue()};
            for (int c = 0; c < 3; ++c) {
                const float expected =
                    (float(rgb[c]) * n.scale - n.offset[size_t(c)]) / n.divisor[size_t(c)];
                QVERIFY(std::abs(input[size_t(c * 64 + i)] - expected) < 1e-5f);
            }
        }
        QCOMPARE(s->layers.size(), size_t(2));

        // A file that is no image: said so, and the data's sample is shown instead.
        probe.setFile((dir.path() + "/missing.png").toStdString());
        probe.capture(context);
        const auto bad = probe.latest.get();
        QVERIFY2(bad->note.contains("missing.png"), qPrintable(bad->note));
        QVERIFY(bad->index >= 0);
    }

    void viewsSayWhyWhenThereIsNothingToDraw() {
        // Not images.
        const auto spiral = points();
        Network mlp({LayerSpec("dense").set("units", 2)}, Shape{2}, 1);
        InspectContext context = contextFor(mlp, *spiral);
        FiltersProbe filters;
        filters.capture(context);
        QVERIFY2(filters.latest.get()->unavailable.contains("not images"),
                 qPrintable(filters.latest.get()->unavailable));
        FeatureMapProbe maps;
        maps.capture(context);
        QVERIFY(maps.latest.get()->unavailable.contains("not images"));

        // Images, but no conv layer and no dense layer on the pixels.
        const auto images = barImages(1);
        Network pooled(
            {LayerSpec("maxpool2d"), LayerSpec("flatten"), LayerSpec("dense").set("units", 3)},
            Shape{1, kSide, kSide}, 1);
        InspectContext imageContext = contextFor(pooled, *images);
        filters.capture(imageContext);
        QVERIFY(filters.latest.get()->unavailable.contains("no conv2d layer"));
        maps.capture(imageContext);
        const auto s = maps.latest.get();
        QVERIFY(s->unavailable.isEmpty());  // input and prediction are still worth showing
        QVERIFY(s->layers.empty());
        QVERIFY(s->noMapsReason.contains("no conv2d layer"));
        QCOMPARE(s->top.size(), size_t(3));
    }

    void viewsFollowTrainingAndTheUsersChoices() {
        ExperimentDocument document;
        document.reset(barsExperiment());
        const auto prepared = barImages(3);
        document.setPreparedData(prepared);
        TrainingSession session(document);
        FiltersView filters(session);
        filters.resize(760, 520);
        filters.show();
        FeatureMapView maps(session);
        maps.resize(760, 620);
        maps.show();
        QVERIFY(filters.active() && maps.active());

        // At initialization (the session builds the network to show it).
        QTRY_VERIFY_WITH_TIMEOUT(filters.shown() && maps.shown(), kTimeoutMs);
        QCOMPARE(filters.layerBox()->count(), 2);
        QCOMPARE(filters.layerBox()->itemText(1), QString("layer 5 (conv2d)"));
        QCOMPARE(filters.modeBox()->currentText(), QString("in colour (R, G, B)"));
        QVERIFY(filters.message().isEmpty());
        QCOMPARE(maps.sampleBox()->maximum(), int(prepared->split.validation.size() - 1));
        const QString shots = QString::fromLocal8Bit(qgetenv("DLAB_VIEW_SHOTS"));
        if (!shots.isEmpty()) {  // pictures to look at, when asked for
            filters.exportPng(shots + "/filters_colour.png");
        }

        // Live while training: the snapshots come from later steps.
        session.train();
        QTRY_VERIFY_WITH_TIMEOUT(filters.shown()->step > 0 && maps.shown()->step > 0, kTimeoutMs);
        filters.layerBox()->setCurrentIndex(1);
        QTRY_VERIFY_WITH_TIMEOUT(filters.shown()->layer == 1, kTimeoutMs);
        QCOMPARE(filters.shown()->fixedColumns, 4);  // 6 filters × 4 input channels
        maps.sampleBox()->setValue(5);
        QTRY_VERIFY_WITH_TIMEOUT(maps.shown()->index == 5, kTimeoutMs);
        QCOMPARE(maps.shown()->layers.size(), size_t(2));
        QCOMPARE(maps.shown()->top.size(), size_t(3));
        const int before = maps.sampleBox()->value();
        QTest::mouseClick(maps.randomButton(), Qt::LeftButton);
        QVERIFY(maps.sampleBox()->value() != before);
        QTRY_VERIFY_WITH_TIMEOUT(maps.shown()->index == maps.sampleBox()->value(), kTimeoutMs);

        maps.stageBox()->setCurrentIndex(1);  // before activation: the conv outputs
        QTRY_VERIFY_WITH_TIMEOUT(!maps.shown()->afterActivation, kTimeoutMs);
        QCOMPARE(maps.shown()->layers[0].label, QString("layer 1 (conv2d)"));

        // Stopped: the last capture shows the weights the run ended with.
        session.stop();
        session.waitForCaptures();
        QTRY_VERIFY_WITH_TIMEOUT(filters.shown()->step == session.progress().step, kTimeoutMs);
        const std::vector<float> w = param(*session.network(), "5.weight").toVector();
        const float m = maxAbs(w);
        QVERIFY(session.progress().step > 0);
        for (int f = 0; f < 6; ++f) {
            for (int i = 0; i < 4; ++i) {
                const float v = w[static_cast<size_t>(((f * 4 + i) * 3 + 1) * 3 + 0)];
                QCOMPARE(grey(filters.shown()->grid, f * 4 + i, 0, 1), expectedPixel(v, -m, m));
            }
        }

        // A dropped image file: the maps of that image.
        QTemporaryDir dir;
        const QString png = writePng(dir.path(), "drop.png",
                                     std::vector<QColor>(kSide * kSide, QColor(200, 40, 90)));
        QMimeData mime;
        mime.setUrls({QUrl::fromLocalFile(png)});
        QDragEnterEvent enter(QPoint(20, 20), Qt::CopyAction, &mime, Qt::LeftButton,
                              Qt::NoModifier);
        QApplication::sendEvent(&maps, &enter);
        QVERIFY(enter.isAccepted());
        QDropEvent drop(QPointF(20, 20), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
        QApplication::sendEvent(&maps, &drop);
        QTRY_VERIFY_WITH_TIMEOUT(maps.shown()->source == "drop.png", kTimeoutMs);
        QCOMPARE(maps.shown()->index, int64_t(-1));
        QMimeData text;
        text.setUrls({QUrl::fromLocalFile(dir.path() + "/experiment.json")});
        QDragEnterEvent other(QPoint(20, 20), Qt::CopyAction, &text, Qt::LeftButton,
                              Qt::NoModifier);
        QApplication::sendEvent(&maps, &other);
        QVERIFY(!other.isAccepted());  // left to the window (experiments, data)

        // Exported as shown, and in presentation mode.
        filters.setPresentationMode(true);
        maps.setPresentationMode(true);
        const QString filtersPng = dir.path() + "/filters.png";
        QVERIFY(filters.exportPng(filtersPng));
        QCOMPARE(QImage(filtersPng).size(), filters.size());
        QVERIFY(maps.exportPng(dir.path() + "/maps.png"));
        QVERIFY(!QImage(dir.path() + "/maps.png").isNull());
        if (!shots.isEmpty()) {
            filters.exportPng(shots + "/filters_layer5.png");
            maps.exportPng(shots + "/maps_drop.png");
        }
    }

    void viewsShowTheReasonForPointData() {
        ExperimentDocument document;
        Experiment ex = presetExperiment("spiral");
        document.reset(ex);
        document.setPreparedData(points());
        TrainingSession session(document);
        FiltersView filters(session);
        filters.show();
        FeatureMapView maps(session);
        maps.show();
        QTRY_VERIFY_WITH_TIMEOUT(filters.message().contains("not images"), kTimeoutMs);
        QTRY_VERIFY_WITH_TIMEOUT(maps.message().contains("not images"), kTimeoutMs);
    }
};

QTEST_MAIN(ImageViewsTest)
#include "ImageViewsTest.moc"
