// The numbers behind the Filters and Feature maps views (engine/InspectImages.h), checked
// against the network itself: every tile pixel is recomputed here from the weights that
// Network::params() holds (by name), or from a convolution written out in loops, with the
// documented mapping pixel = round(clamp((v - lo) / (hi - lo), 0, 1) · 255).

#include <QtTest>
#include <algorithm>
#include <cmath>
#include <random>

#include "engine/InspectImages.h"
#include "engine/Network.h"

using namespace dlab;

namespace {

// The documented mapping, written out again so that the test does not trust the engine's.
int expectedPixel(double v, double lo, double hi) {
    if (!(hi > lo)) {
        return 128;
    }
    const double t = std::min(1.0, std::max(0.0, (v - lo) / (hi - lo)));
    return static_cast<int>(std::lround(t * 255.0));
}

LayerSpec conv(int filters, int kernel, int padding = 0) {
    return LayerSpec("conv2d")
        .set("filters", filters)
        .set("kernel", kernel)
        .set("padding", padding);
}

const Tensor& param(const Network& network, const std::string& name) {
    for (const NamedParam& p : network.params()) {
        if (p.name == name) {
            return p.param->value;
        }
    }
    throw std::runtime_error("no parameter " + name);
}

float maxAbs(const std::vector<float>& values) {
    float m = 0.0f;
    for (float v : values) {
        m = std::max(m, std::abs(v));
    }
    return m;
}

Tensor randomTensor(const Shape& shape, uint64_t seed) {
    std::mt19937_64 rng(seed);
    std::normal_distribution<float> normal(0.0f, 1.0f);
    Tensor t(shape);
    for (int64_t i = 0; i < t.numel(); ++i) {
        t.at(i) = normal(rng);
    }
    return t;
}

// conv(3→4, 3×3) → relu → conv(4→5, 3×3) → flatten → dense(3) on (3, 8, 8) images.
Network smallCnn() {
    return Network({conv(4, 3), LayerSpec("relu"), conv(5, 3), LayerSpec("flatten"),
                    LayerSpec("dense").set("units", 3)},
                   Shape{3, 8, 8}, 7);
}

}  // namespace

class InspectImagesTest : public QObject {
    Q_OBJECT

private slots:
    void pixelMappingIsTheDocumentedOne() {
        QCOMPARE(int(toPixel(0.0f, -1.0f, 1.0f)), 128);  // symmetric: 0 is mid grey
        QCOMPARE(int(toPixel(-1.0f, -1.0f, 1.0f)), 0);
        QCOMPARE(int(toPixel(1.0f, -1.0f, 1.0f)), 255);
        QCOMPARE(int(toPixel(0.5f, 0.0f, 2.0f)), expectedPixel(0.5, 0.0, 2.0));
        QCOMPARE(int(toPixel(7.0f, 0.0f, 2.0f)), 255);  // clamped
        QCOMPARE(int(toPixel(-7.0f, 0.0f, 2.0f)), 0);
        QCOMPARE(int(toPixel(3.0f, 1.0f, 1.0f)), 128);  // no range: all grey
        QCOMPARE(int(toPixel(std::nanf(""), -1.0f, 1.0f)), 128);
    }

    void listsConvLayersWithTheirParameterNames() {
        Network net = smallCnn();
        const std::vector<WeightLayer> layers = weightLayers(net);
        QCOMPARE(layers.size(), size_t(2));  // the dense layer reads conv features, not pixels
        QCOMPARE(layers[0].label, std::string("layer 1 (conv2d)"));
        QCOMPARE(layers[0].paramName, std::string("1.weight"));
        QCOMPARE(layers[1].label, std::string("layer 3 (conv2d)"));
        QCOMPARE(layers[1].paramName, std::string("3.weight"));
        QCOMPARE(layers[0].weight, &param(net, "1.weight"));
        QCOMPARE(layers[1].kernelShape, (Shape{5, 4, 3, 3}));
        QVERIFY(layers[0].seesInput);
        QVERIFY(!layers[1].seesInput);
        QVERIFY(!layers[0].isTemplate);
    }

    void perChannelTilesAreTheKernelsOnOneScale() {
        Network net = smallCnn();
        const std::vector<float> w = param(net, "3.weight").toVector();  // (5, 4, 3, 3)
        const float m = maxAbs(w);
        const KernelTiles k = kernelTiles(param(net, "3.weight"), KernelMode::PerChannel, 99, 99);
        QCOMPARE(k.filters, int64_t(5));
        QCOMPARE(k.inputs, int64_t(4));
        QCOMPARE(k.tiles.count, int64_t(20));
        QCOMPARE(k.tiles.channels, 1);
        QCOMPARE(k.tiles.lo, -m);
        QCOMPARE(k.tiles.hi, m);
        for (int f = 0; f < 5; ++f) {
            for (int i = 0; i < 4; ++i) {
                const uint8_t* tile = k.tiles.tile(f * 4 + i);
                for (int p = 0; p < 9; ++p) {
                    const float v = w[static_cast<size_t>(((f * 4) + i) * 9 + p)];
                    QCOMPARE(int(tile[p]), expectedPixel(v, -m, m));
                }
            }
        }
    }

    void colourTilesAreRedGreenBluePlanes() {
        Network net = smallCnn();
        const std::vector<float> w = param(net, "1.weight").toVector();  // (4, 3, 3, 3)
        const float m = maxAbs(w);
        const KernelTiles k = kernelTiles(param(net, "1.weight"), KernelMode::Colour, 99, 99);
        QCOMPARE(k.tiles.count, int64_t(4));
        QCOMPARE(k.tiles.channels, 3);
        for (int f = 0; f < 4; ++f) {
            const uint8_t* tile = k.tiles.tile(f);
            for (int c = 0; c < 3; ++c) {  // plane c of the tile is input channel c: R, G, B
                for (int p = 0; p < 9; ++p) {
                    const float v = w[static_cast<size_t>((f * 3 + c) * 9 + p)];
                    QCOMPARE(int(tile[c * 9 + p]), expectedPixel(v, -m, m));
                }
            }
        }
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument,
                                 kernelTiles(param(net, "3.weight"), KernelMode::Colour, 9, 9));
    }

    void averagedTilesUseTheRangeOfTheAverages() {
        Network net = smallCnn();
        const std::vector<float> w = param(net, "3.weight").toVector();
        std::vector<float> mean(5 * 9, 0.0f);
        for (int f = 0; f < 5; ++f) {
            for (int p = 0; p < 9; ++p) {
                double sum = 0.0;
                for (int i = 0; i < 4; ++i) {
                    sum += w[static_cast<size_t>((f * 4 + i) * 9 + p)];
                }
                mean[static_cast<size_t>(f * 9 + p)] = static_cast<float>(sum / 4.0);
            }
        }
        const float m = maxAbs(mean);
        const KernelTiles k = kernelTiles(param(net, "3.weight"), KernelMode::Average, 99, 99);
        QCOMPARE(k.tiles.count, int64_t(5));
        QCOMPARE(k.tiles.hi, m);
        for (int f = 0; f < 5; ++f) {
            for (int p = 0; p < 9; ++p) {
                QCOMPARE(int(k.tiles.tile(f)[p]),
                         expectedPixel(mean[static_cast<size_t>(f * 9 + p)], -m, m));
            }
        }
    }

    void capsDrawTheFirstFiltersAndChannels() {
        Network net = smallCnn();
        const std::vector<float> w = param(net, "3.weight").toVector();
        const KernelTiles k = kernelTiles(param(net, "3.weight"), KernelMode::PerChannel, 2, 3);
        QCOMPARE(k.filters, int64_t(2));
        QCOMPARE(k.inputs, int64_t(3));
        QCOMPARE(k.totalFilters, int64_t(5));
        QCOMPARE(k.totalInputs, int64_t(4));
        QCOMPARE(k.tiles.count, int64_t(6));
        // The scale covers what is drawn: filters 0-1, input channels 0-2.
        std::vector<float> drawn;
        for (int f = 0; f < 2; ++f) {
            for (int i = 0; i < 3; ++i) {
                for (int p = 0; p < 9; ++p) {
                    drawn.push_back(w[static_cast<size_t>((f * 4 + i) * 9 + p)]);
                }
            }
        }
        const float m = maxAbs(drawn);
        QCOMPARE(k.tiles.hi, m);
        for (int p = 0; p < 9; ++p) {  // filter 1, input channel 2 is tile 1·3 + 2
            QCOMPARE(int(k.tiles.tile(5)[p]),
                     expectedPixel(w[static_cast<size_t>((1 * 4 + 2) * 9 + p)], -m, m));
        }
    }

    void denseLayerOnTheImageGivesTemplates() {
        // The linear classifier on RGB images: flatten → dense(4).
        Network net({LayerSpec("flatten"), LayerSpec("dense").set("units", 4)}, Shape{3, 4, 5}, 3);
        const std::vector<WeightLayer> layers = weightLayers(net);
        QCOMPARE(layers.size(), size_t(1));
        const WeightLayer& layer = layers[0];
        QVERIFY(layer.isTemplate);
        QVERIFY(layer.isOutput);
        QVERIFY(layer.seesInput);
        QCOMPARE(layer.paramName, std::string("2.weight"));
        QCOMPARE(layer.kernelShape, (Shape{4, 3, 4, 5}));
        const std::vector<float> w = param(net, "2.weight").toVector();  // (4, 60)
        const float m = maxAbs(w);
        const KernelTiles k =
            kernelTiles(layer.weight->reshape(layer.kernelShape), KernelMode::Colour, 99, 99);
        QCOMPARE(k.tiles.count, int64_t(4));
        QCOMPARE(k.tiles.height, int64_t(4));
        QCOMPARE(k.tiles.width, int64_t(5));
        for (int u = 0; u < 4; ++u) {
            for (int c = 0; c < 3; ++c) {
                for (int y = 0; y < 4; ++y) {
                    for (int x = 0; x < 5; ++x) {
                        // Unit u's weight on pixel (c, y, x) of the flattened image.
                        const float v = w[static_cast<size_t>(u * 60 + c * 20 + y * 5 + x)];
                        QCOMPARE(int(k.tiles.tile(u)[c * 20 + y * 5 + x]), expectedPixel(v, -m, m));
                    }
                }
            }
        }
    }

    void onlyTheFirstDenseOfAnMlpIsATemplate() {
        Network net({LayerSpec("flatten"), LayerSpec("dense").set("units", 6), LayerSpec("relu"),
                     LayerSpec("dense").set("units", 3)},
                    Shape{1, 4, 4}, 3);
        const std::vector<WeightLayer> layers = weightLayers(net);
        QCOMPARE(layers.size(), size_t(1));
        QCOMPARE(layers[0].label, std::string("layer 2 (dense)"));
        QVERIFY(layers[0].isTemplate);
        QVERIFY(!layers[0].isOutput);  // hidden units: no class names
        // Pooling first: the dense layer no longer reads pixels, and nothing is drawable.
        Network pooled(
            {LayerSpec("maxpool2d"), LayerSpec("flatten"), LayerSpec("dense").set("units", 3)},
            Shape{1, 4, 4}, 3);
        QVERIFY(weightLayers(pooled).empty());
        Network points({LayerSpec("dense").set("units", 3)}, Shape{2}, 3);
        QVERIFY(weightLayers(points).empty());
    }

    void convLayersInsideResidualBlocksAreReached() {
        LayerSpec block("residual");
        block.body = {conv(4, 3, 1), LayerSpec("relu"), conv(4, 3, 1)};
        Network net(
            {conv(4, 3, 1), block, LayerSpec("global_avgpool"), LayerSpec("dense").set("units", 2)},
            Shape{1, 6, 6}, 5);
        const std::vector<WeightLayer> layers = weightLayers(net);
        QCOMPARE(layers.size(), size_t(3));
        QCOMPARE(layers[1].label, std::string("layer 2.1 (conv2d)"));
        QCOMPARE(layers[1].paramName, std::string("2.body.1.weight"));
        QCOMPARE(layers[1].weight, &param(net, "2.body.1.weight"));
        QCOMPARE(layers[2].label, std::string("layer 2.3 (conv2d)"));
        QCOMPARE(layers[2].weight, &param(net, "2.body.3.weight"));

        // Their outputs after a forward: the nested block's own activations.
        const Tensor x = randomTensor(Shape{1, 1, 6, 6}, 11);
        net.forward(x, Mode::Eval);
        const std::vector<ConvOutput> maps = convOutputs(net, true);
        QCOMPARE(maps.size(), size_t(3));
        QCOMPARE(maps[1].label, std::string("layer 2.1 (conv2d) → 2.2 (relu)"));
        QCOMPARE(maps[2].label, std::string("layer 2.3 (conv2d)"));
        QCOMPARE(maps[1].output->shape(), (Shape{1, 4, 6, 6}));
        // Layer 2.2 is a ReLU: nothing negative.
        const std::vector<float> relu = maps[1].output->toVector();
        QVERIFY(*std::min_element(relu.begin(), relu.end()) >= 0.0f);
    }

    void featureMapsAreTheConvolutionOfTheInput() {
        Network net = smallCnn();
        const Tensor x = randomTensor(Shape{2, 3, 8, 8}, 21);
        net.forward(x, Mode::Eval);
        const std::vector<ConvOutput> raw = convOutputs(net, false);
        QCOMPARE(raw.size(), size_t(2));
        QCOMPARE(raw[0].label, std::string("layer 1 (conv2d)"));
        QCOMPARE(raw[0].output->shape(), (Shape{2, 4, 6, 6}));

        // Layer 1 written out: y[o][i][j] = b[o] + Σ w[o][c][u][v] · x[c][i+u][j+v], sample 1.
        const std::vector<float> w = param(net, "1.weight").toVector();
        const std::vector<float> b = param(net, "1.bias").toVector();
        const std::vector<float> in = x.toVector();
        std::vector<float> y(4 * 36);
        for (int o = 0; o < 4; ++o) {
            for (int i = 0; i < 6; ++i) {
                for (int j = 0; j < 6; ++j) {
                    double sum = b[static_cast<size_t>(o)];
                    for (int c = 0; c < 3; ++c) {
                        for (int u = 0; u < 3; ++u) {
                            for (int v = 0; v < 3; ++v) {
                                sum +=
                                    double(w[static_cast<size_t>(((o * 3 + c) * 3 + u) * 3 + v)]) *
                                    in[static_cast<size_t>(192 + c * 64 + (i + u) * 8 + j + v)];
                            }
                        }
                    }
                    y[static_cast<size_t>(o * 36 + i * 6 + j)] = static_cast<float>(sum);
                }
            }
        }
        const std::vector<float> got = raw[0].output->slice(1, 2).toVector();
        for (size_t i = 0; i < y.size(); ++i) {
            QVERIFY2(std::abs(got[i] - y[i]) < 1e-4f, qPrintable(QString::number(i)));
        }

        // The tiles: the first 3 channels of sample 1, min–max over those three.
        const TileSet tiles = channelTiles(*raw[0].output, 1, 3);
        QCOMPARE(tiles.count, int64_t(3));
        const auto [lo, hi] = std::minmax_element(got.begin(), got.begin() + 3 * 36);
        QCOMPARE(tiles.lo, *lo);
        QCOMPARE(tiles.hi, *hi);
        for (int i = 0; i < 3 * 36; ++i) {
            QCOMPARE(int(tiles.pixels[static_cast<size_t>(i)]),
                     expectedPixel(got[static_cast<size_t>(i)], *lo, *hi));
        }

        // After the activation: layer 1's maps are those of the ReLU that follows it.
        const std::vector<ConvOutput> activated = convOutputs(net, true);
        QCOMPARE(activated[0].label, std::string("layer 1 (conv2d) → 2 (relu)"));
        const std::vector<float> relu = activated[0].output->slice(1, 2).toVector();
        for (size_t i = 0; i < y.size(); ++i) {
            QCOMPARE(relu[i], std::max(got[i], 0.0f));
        }
        QCOMPARE(activated[1].label, std::string("layer 3 (conv2d)"));  // flatten follows
    }

    void inputTileIsTheSampleInColour() {
        const Tensor x = randomTensor(Shape{2, 3, 4, 5}, 5);
        const TileSet tile = imageTile(x, 1);
        QCOMPARE(tile.count, int64_t(1));
        QCOMPARE(tile.channels, 3);
        const std::vector<float> v = x.slice(1, 2).toVector();
        const auto [lo, hi] = std::minmax_element(v.begin(), v.end());
        for (size_t i = 0; i < v.size(); ++i) {  // planes R, G, B in the data's order
            QCOMPARE(int(tile.pixels[i]), expectedPixel(v[i], *lo, *hi));
        }
        const TileSet grey = imageTile(randomTensor(Shape{1, 1, 3, 3}, 2), 0);
        QCOMPARE(grey.channels, 1);
        QCOMPARE(grey.count, int64_t(1));
    }

    void topClassesAreTheSortedSoftmax() {
        const std::vector<float> logits = {1.0f, 3.0f, 2.0f, 3.0f, -1.0f, 0.5f};
        double sum = 0.0;
        for (float z : logits) {
            sum += std::exp(double(z));
        }
        const std::vector<ClassScore> top = topSoftmax(logits.data(), 6, 5);
        QCOMPARE(top.size(), size_t(5));
        const std::vector<int> order = {1, 3, 2, 0, 5};  // ties: the lower index first
        for (size_t i = 0; i < top.size(); ++i) {
            QCOMPARE(top[i].index, order[i]);
            QVERIFY(std::abs(top[i].value - std::exp(double(logits[size_t(order[i])])) / sum) <
                    1e-6);
            if (i > 0) {
                QVERIFY(top[i].value <= top[i - 1].value);
            }
        }
        // Large logits do not overflow.
        const std::vector<float> big = {1000.0f, 999.0f};
        const std::vector<float> p = softmax(big.data(), 2);
        QVERIFY(std::abs(p[0] - 1.0 / (1.0 + std::exp(-1.0))) < 1e-6);
        QCOMPARE(topK(big.data(), 2, 9).size(), size_t(2));
    }
};

QTEST_APPLESS_MAIN(InspectImagesTest)
#include "InspectImagesTest.moc"
