// Augmentation: determinism with a seed, the geometry of each transform on synthetic
// images with a marked pixel (flips, crop with padding, a quarter turn, translation,
// erasing), the photometric transforms through simple statistics, p = 0 as the identity,
// drawn parameters within their configured ranges, and the GUI preview.

#include "datasets/Augment.h"
#include "datasets/Random.h"

#include <QtTest>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <set>

using namespace dlab;
using namespace dlab::data;

namespace {

constexpr uint8_t kMark = 200;

std::vector<uint8_t> blank(const Shape& chw, uint8_t value = 0) {
    return std::vector<uint8_t>(static_cast<size_t>(chw.numel()), value);
}

uint8_t& at(std::vector<uint8_t>& pixels, const Shape& chw, int64_t c, int64_t y, int64_t x) {
    return pixels[static_cast<size_t>((c * chw[1] + y) * chw[2] + x)];
}

// (y, x) of every pixel of channel 0 equal to kMark.
std::vector<std::pair<int64_t, int64_t>> marks(std::vector<uint8_t>& pixels, const Shape& chw) {
    std::vector<std::pair<int64_t, int64_t>> found;
    for (int64_t y = 0; y < chw[1]; ++y) {
        for (int64_t x = 0; x < chw[2]; ++x) {
            if (at(pixels, chw, 0, y, x) == kMark) {
                found.emplace_back(y, x);
            }
        }
    }
    return found;
}

std::vector<uint8_t> randomImage(const Shape& chw, uint64_t seed) {
    Rng rng(seed);
    std::vector<uint8_t> pixels = blank(chw);
    for (uint8_t& v : pixels) {
        v = static_cast<uint8_t>(uniformIndex(rng, 256));
    }
    return pixels;
}

double mean(const std::vector<uint8_t>& v) {
    return std::accumulate(v.begin(), v.end(), 0.0) / static_cast<double>(v.size());
}

double stddev(const std::vector<uint8_t>& v) {
    const double m = mean(v);
    double sum = 0.0;
    for (uint8_t x : v) {
        sum += (x - m) * (x - m);
    }
    return std::sqrt(sum / static_cast<double>(v.size()));
}

AugmentConfig everything() {
    AugmentConfig config;
    config.crop.enabled = true;
    config.horizontalFlip.enabled = true;
    config.verticalFlip.enabled = true;
    config.rotation.enabled = true;
    config.translation.enabled = true;
    config.scale.enabled = true;
    config.colorJitter.enabled = true;
    config.noise.enabled = true;
    config.erasing.enabled = true;
    return config;
}

}  // namespace

class AugmentTest : public QObject {
    Q_OBJECT

private slots:
    void offByDefault() {
        const AugmentConfig config;
        QVERIFY(!config.enabled());
        const Shape chw{3, 8, 8};
        const std::vector<uint8_t> original = randomImage(chw, 1);
        std::vector<uint8_t> pixels = original;
        augmentImage(config, pixels.data(), chw, 42);
        QVERIFY(pixels == original);
        QVERIFY(everything().enabled());
    }

    void zeroProbabilityIsIdentity() {
        AugmentConfig config = everything();
        config.crop.p = config.horizontalFlip.p = config.verticalFlip.p = 0.0;
        config.rotation.p = config.translation.p = config.scale.p = 0.0;
        config.colorJitter.p = config.noise.p = config.erasing.p = 0.0;
        QVERIFY(!config.enabled());
        const Shape chw{3, 16, 12};
        const std::vector<uint8_t> original = randomImage(chw, 2);
        for (uint64_t seed = 0; seed < 20; ++seed) {
            std::vector<uint8_t> pixels = original;
            augmentImage(config, pixels.data(), chw, seed);
            QVERIFY(pixels == original);
        }
    }

    void sameSeedSameBytes() {
        const AugmentConfig config = everything();
        const Shape chw{3, 24, 20};
        const std::vector<uint8_t> original = randomImage(chw, 3);
        std::vector<uint8_t> a = original;
        std::vector<uint8_t> b = original;
        std::vector<uint8_t> c = original;
        augmentImage(config, a.data(), chw, 1234);
        augmentImage(config, b.data(), chw, 1234);
        augmentImage(config, c.data(), chw, 1235);
        QVERIFY(a == b);
        QVERIFY(a != c);
        QVERIFY(a != original);
    }

    void horizontalFlipMirrorsColumns() {
        AugmentConfig config;
        config.horizontalFlip.enabled = true;
        config.horizontalFlip.p = 1.0;
        const Shape chw{2, 4, 5};
        std::vector<uint8_t> pixels = blank(chw);
        at(pixels, chw, 0, 1, 0) = kMark;
        at(pixels, chw, 1, 3, 1) = 7;
        augmentImage(config, pixels.data(), chw, 9);
        QCOMPARE(int(at(pixels, chw, 0, 1, 4)), int(kMark));
        QCOMPARE(int(at(pixels, chw, 1, 3, 3)), 7);
        QCOMPARE(marks(pixels, chw).size(), size_t(1));
    }

    void verticalFlipMirrorsRows() {
        AugmentConfig config;
        config.verticalFlip.enabled = true;
        config.verticalFlip.p = 1.0;
        const Shape chw{1, 5, 4};
        std::vector<uint8_t> pixels = blank(chw);
        at(pixels, chw, 0, 0, 2) = kMark;
        augmentImage(config, pixels.data(), chw, 9);
        QCOMPARE(int(at(pixels, chw, 0, 4, 2)), int(kMark));
        QCOMPARE(marks(pixels, chw).size(), size_t(1));
    }

    void cropWithPaddingShiftsByAtMostPad() {
        AugmentConfig config;
        config.crop.enabled = true;
        config.crop.padPx = 3;
        const Shape chw{1, 11, 11};
        std::set<std::pair<int64_t, int64_t>> shifts;
        for (uint64_t seed = 0; seed < 200; ++seed) {
            std::vector<uint8_t> pixels = blank(chw);
            at(pixels, chw, 0, 5, 5) = kMark;
            augmentImage(config, pixels.data(), chw, seed);
            const auto found = marks(pixels, chw);
            QCOMPARE(found.size(), size_t(1));
            const int64_t dy = found[0].first - 5;
            const int64_t dx = found[0].second - 5;
            QVERIFY(std::abs(dy) <= 3 && std::abs(dx) <= 3);
            shifts.emplace(dy, dx);
        }
        QVERIFY(shifts.size() > 30);  // of the 49 possible shifts
    }

    void cropFillsUncoveredPixelsWithZero() {
        AugmentParams params;
        params.shiftX = 2;
        params.shiftY = -1;
        const Shape chw{1, 4, 4};
        std::vector<uint8_t> pixels = blank(chw, 9);
        applyAugmentParams(params, pixels.data(), chw);
        for (int64_t y = 0; y < 4; ++y) {
            for (int64_t x = 0; x < 4; ++x) {
                const bool covered = x >= 2 && y <= 2;
                QCOMPARE(int(at(pixels, chw, 0, y, x)), covered ? 9 : 0);
            }
        }
    }

    void quarterTurnMapsCorners() {
        AugmentParams params;
        params.affine = true;
        params.angleDegrees = 90.0;
        const Shape chw{3, 7, 7};
        std::vector<uint8_t> pixels = blank(chw);
        for (int64_t c = 0; c < 3; ++c) {
            at(pixels, chw, c, 0, 0) = kMark;
            at(pixels, chw, c, 0, 6) = 50;
        }
        applyAugmentParams(params, pixels.data(), chw);
        // Counter-clockwise on screen: top-left → bottom-left, top-right → top-left.
        for (int64_t c = 0; c < 3; ++c) {
            QCOMPARE(int(at(pixels, chw, c, 6, 0)), int(kMark));
            QCOMPARE(int(at(pixels, chw, c, 0, 0)), 50);
        }
        QCOMPARE(marks(pixels, chw).size(), size_t(1));
    }

    void translationShiftsByWholePixels() {
        AugmentParams params;
        params.affine = true;
        params.translateX = 3;
        params.translateY = -2;
        const Shape chw{1, 8, 10};
        std::vector<uint8_t> pixels = blank(chw);
        at(pixels, chw, 0, 4, 2) = kMark;
        applyAugmentParams(params, pixels.data(), chw);
        const auto found = marks(pixels, chw);
        QCOMPARE(found.size(), size_t(1));
        QCOMPARE(found[0], std::make_pair(int64_t{2}, int64_t{5}));
    }

    void drawnGeometryStaysInRange() {
        AugmentConfig config;
        config.rotation.enabled = config.translation.enabled = config.scale.enabled = true;
        config.rotation.p = config.translation.p = config.scale.p = 1.0;
        config.rotation.maxDegrees = 30.0;
        config.translation.maxFraction = 0.2;
        config.scale.minScale = 0.8;
        config.scale.maxScale = 1.25;
        const Shape chw{1, 20, 30};
        double lowestAngle = 0.0, highestAngle = 0.0;
        for (uint64_t seed = 0; seed < 500; ++seed) {
            const AugmentParams params = drawAugmentParams(config, chw, seed);
            QVERIFY(params.affine);
            QVERIFY(std::abs(params.angleDegrees) <= 30.0);
            QVERIFY(std::abs(params.translateX) <= 6 && std::abs(params.translateY) <= 4);
            QVERIFY(params.scale >= 0.8 && params.scale <= 1.25);
            lowestAngle = std::min(lowestAngle, params.angleDegrees);
            highestAngle = std::max(highestAngle, params.angleDegrees);
        }
        QVERIFY(lowestAngle < -25.0 && highestAngle > 25.0);
    }

    void scaleEnlargesAboutTheCentre() {
        AugmentParams params;
        params.affine = true;
        params.scale = 2.0;
        const Shape chw{1, 9, 9};
        std::vector<uint8_t> pixels = blank(chw);
        for (int64_t y = 3; y <= 5; ++y) {
            for (int64_t x = 3; x <= 5; ++x) {
                at(pixels, chw, 0, y, x) = 255;
            }
        }
        applyAugmentParams(params, pixels.data(), chw);
        // The 3×3 block around the centre becomes about 6×6; its middle stays bright.
        QCOMPARE(int(at(pixels, chw, 0, 4, 4)), 255);
        QCOMPARE(int(at(pixels, chw, 0, 2, 4)), 255);
        QCOMPARE(int(at(pixels, chw, 0, 4, 6)), 255);
        QCOMPARE(int(at(pixels, chw, 0, 0, 0)), 0);
    }

    void erasingSetsARectangleInTheAreaRange() {
        AugmentConfig config;
        config.erasing.enabled = true;
        config.erasing.p = 1.0;
        config.erasing.minArea = 0.1;
        config.erasing.maxArea = 0.2;
        config.erasing.randomFill = false;
        const Shape chw{3, 32, 32};
        for (uint64_t seed = 0; seed < 100; ++seed) {
            std::vector<uint8_t> pixels = blank(chw, 255);
            augmentImage(config, pixels.data(), chw, seed);
            int64_t top = 32, bottom = -1, left = 32, right = -1, zeros = 0;
            for (int64_t y = 0; y < 32; ++y) {
                for (int64_t x = 0; x < 32; ++x) {
                    if (at(pixels, chw, 0, y, x) == 0) {
                        ++zeros;
                        top = std::min(top, y);
                        bottom = std::max(bottom, y);
                        left = std::min(left, x);
                        right = std::max(right, x);
                    }
                    QCOMPARE(at(pixels, chw, 1, y, x), at(pixels, chw, 0, y, x));
                    QCOMPARE(at(pixels, chw, 2, y, x), at(pixels, chw, 0, y, x));
                }
            }
            QCOMPARE(zeros, (bottom - top + 1) * (right - left + 1));  // one solid rectangle
            const double fraction = double(zeros) / (32.0 * 32.0);
            QVERIFY2(fraction >= 0.1 && fraction <= 0.2, qPrintable(QString::number(fraction)));
        }
    }

    void randomErasingLeavesTheRestAlone() {
        AugmentParams params;
        params.erase = true;
        params.eraseRandomFill = true;
        params.eraseX = 2;
        params.eraseY = 1;
        params.eraseWidth = 4;
        params.eraseHeight = 3;
        params.pixelSeed = 77;
        const Shape chw{1, 8, 8};
        std::vector<uint8_t> pixels = blank(chw, kMark);
        applyAugmentParams(params, pixels.data(), chw);
        int changed = 0;
        for (int64_t y = 0; y < 8; ++y) {
            for (int64_t x = 0; x < 8; ++x) {
                const bool inside = x >= 2 && x < 6 && y >= 1 && y < 4;
                if (!inside) {
                    QCOMPARE(int(at(pixels, chw, 0, y, x)), int(kMark));
                }
                changed += at(pixels, chw, 0, y, x) != kMark ? 1 : 0;
            }
        }
        QVERIFY(changed >= 10);  // 12 random bytes, hardly any equal to the mark
    }

    void brightnessScalesTheMean() {
        AugmentConfig config;
        config.colorJitter.enabled = true;
        config.colorJitter.p = 1.0;
        config.colorJitter.brightness = 0.5;
        config.colorJitter.contrast = 0.0;
        config.colorJitter.saturation = 0.0;
        const Shape chw{1, 8, 8};
        bool raised = false, lowered = false;
        for (uint64_t seed = 0; seed < 50; ++seed) {
            const AugmentParams params = drawAugmentParams(config, chw, seed);
            QVERIFY(params.brightness >= 0.5 && params.brightness <= 1.5);
            std::vector<uint8_t> pixels = blank(chw, 100);
            augmentImage(config, pixels.data(), chw, seed);
            const double expected = std::floor(100.0 * params.brightness + 0.5);
            QCOMPARE(mean(pixels), expected);
            raised = raised || (params.brightness > 1.01 && mean(pixels) > 100.0);
            lowered = lowered || (params.brightness < 0.99 && mean(pixels) < 100.0);
        }
        QVERIFY(raised && lowered);
    }

    void contrastAndSaturation() {
        const Shape chw{3, 2, 2};
        std::vector<uint8_t> pixels = {200, 200, 200, 200,  // R
                                       90,  90,  90,  90,   // G
                                       0,   0,   0,   0};   // B
        AugmentParams params;
        params.colorJitter = true;
        params.saturation = 0.0;
        applyAugmentParams(params, pixels.data(), chw);
        const int grey = int(std::floor(0.299 * 200 + 0.587 * 90 + 0.5));
        for (uint8_t v : pixels) {
            QCOMPARE(int(v), grey);
        }

        const Shape plane{1, 1, 4};
        std::vector<uint8_t> values = {50, 100, 150, 200};
        params = {};
        params.colorJitter = true;
        params.contrast = 0.0;
        applyAugmentParams(params, values.data(), plane);
        QVERIFY(values == std::vector<uint8_t>(4, 125));
    }

    void noiseHasTheConfiguredStd() {
        AugmentConfig config;
        config.noise.enabled = true;
        config.noise.p = 1.0;
        config.noise.stdPx = 10.0;
        const Shape chw{1, 64, 64};
        std::vector<uint8_t> pixels = blank(chw, 128);
        augmentImage(config, pixels.data(), chw, 5);
        QVERIFY2(std::abs(stddev(pixels) - 10.0) < 0.6,
                 qPrintable(QString::number(stddev(pixels))));
        QVERIFY(std::abs(mean(pixels) - 128.0) < 0.6);
    }

    void previewReturnsCountVersions() {
        const Shape chw{1, 6, 6};
        std::vector<uint8_t> bytes;
        for (int s = 0; s < 3; ++s) {
            const std::vector<uint8_t> image = randomImage(chw, 10 + s);
            bytes.insert(bytes.end(), image.begin(), image.end());
        }
        Dataset data;
        data.name = "tiny";
        data.store = MemoryStore::fromPixels(chw, bytes);
        data.rows = {2, 0, 1};
        data.targets = {0, 1, 0};
        data.numClasses = 2;

        AugmentConfig config;
        config.noise.enabled = true;
        config.noise.p = 1.0;
        const auto versions = previewAugmentations(config, data, 1, 5, 99);
        QCOMPARE(versions.size(), size_t(5));
        for (size_t i = 0; i < versions.size(); ++i) {
            for (size_t j = i + 1; j < versions.size(); ++j) {
                QVERIFY(versions[i] != versions[j]);
            }
        }
        // Version i is what epoch i of a run seeded with 99 gives the sample at position 1
        // (store row 0).
        for (int i = 0; i < 5; ++i) {
            std::vector<uint8_t> expected(bytes.begin(), bytes.begin() + 36);
            augmentImage(config, expected.data(), chw, sampleSeed(99, i, 1));
            QVERIFY(versions[static_cast<size_t>(i)] == expected);
        }
        QVERIFY(previewAugmentations(config, data, 1, 5, 99) == versions);
        QVERIFY(previewAugmentations(config, data, 0, 0, 99).empty());
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument,
                                 previewAugmentations(config, data, 3, 1, 99));
        const Dataset points = datasetFromTensors("points", Tensor::zeros({4, 2}),
                                                  Tensor::fromVector({4}, {0, 1, 0, 1}), 2);
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument,
                                 previewAugmentations(config, points, 0, 1, 99));
    }

    void sampleSeedsAreDistinct() {
        std::set<uint64_t> seeds;
        for (int epoch = 0; epoch < 50; ++epoch) {
            for (int64_t position = 0; position < 200; ++position) {
                seeds.insert(sampleSeed(7, epoch, position));
            }
        }
        QCOMPARE(seeds.size(), size_t(50 * 200));
        QVERIFY(sampleSeed(7, 0, 0) != sampleSeed(8, 0, 0));
        QVERIFY(sampleSeed(1, 0, 0) != sampleSeed(0, 1, 0));
        QCOMPARE(sampleSeed(7, 3, 11), sampleSeed(7, 3, 11));
    }

    void badConfigsAreNamed() {
        AugmentConfig config;
        validateAugmentConfig(config);
        config.rotation.p = 1.5;
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, validateAugmentConfig(config));
        config = {};
        config.scale.minScale = 1.2;
        config.scale.maxScale = 1.1;
        try {
            validateAugmentConfig(config);
            QFAIL("expected an error");
        } catch (const std::invalid_argument& e) {
            QVERIFY2(QString(e.what()).contains("scale"), e.what());
        }
        config = {};
        config.erasing.maxArea = 1.5;
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, validateAugmentConfig(config));
        std::vector<uint8_t> pixels(8);
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument,
                                 augmentImage(everything(), pixels.data(), Shape{8}, 1));
    }
};

QTEST_APPLESS_MAIN(AugmentTest)
#include "AugmentTest.moc"
