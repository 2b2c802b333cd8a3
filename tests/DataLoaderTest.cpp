// The five normalization kinds on data small enough to check by hand, k-fold indices,
// and the DataLoader: batches in the trainer's order, normalized; the partial last
// batch; prefetching changes nothing (augmentation included); augmentation only for
// pixel samples in training passes; a pass abandoned half way; store errors surfacing
// from next(); loaders destroyed while their worker is busy.

#include "datasets/DataLoader.h"

#include <QElapsedTimer>
#include <QtTest>

#include <atomic>
#include <chrono>
#include <cmath>
#include <cstring>
#include <numeric>
#include <random>
#include <set>
#include <thread>

using namespace dlab;
using namespace dlab::data;

namespace {

// Two images (C, H, W) = (2, 1, 2). After /255:
//   sample 0: channel 0 {0, 0.2}, channel 1 {0.4, 1.0}
//   sample 1: channel 0 {0.4, 0.6}, channel 1 {0, 0.2}
Dataset knownImages() {
    Dataset data;
    data.name = "known";
    data.store = MemoryStore::fromPixels({2, 1, 2}, {0, 51, 102, 255, 102, 153, 0, 51});
    data.rows = {0, 1};
    data.targets = {0, 1};
    data.numClasses = 2;
    data.classNames = {"a", "b"};
    return data;
}

// Three samples of two features: (1, 10), (2, 20), (3, 60).
Dataset knownFeatures() {
    return datasetFromTensors("features", Tensor::fromVector({3, 2}, {1, 10, 2, 20, 3, 60}),
                              Tensor::fromVector({3}, {0, 1, 0}), 2);
}

// N samples whose features are (i, -i); classes 0..2 in proportions 5:3:2.
Dataset indexedDataset(int64_t n, int numClasses = 3) {
    std::vector<float> inputs;
    std::vector<float> targets;
    for (int64_t i = 0; i < n; ++i) {
        inputs.push_back(float(i));
        inputs.push_back(-float(i));
        const int64_t r = i % 10;
        targets.push_back(numClasses == 0 ? 0.5f * float(i) : r < 5 ? 0.0f : r < 8 ? 1.0f : 2.0f);
    }
    return datasetFromTensors("indexed", Tensor::fromVector({n, 2}, inputs),
                              Tensor::fromVector(numClasses == 0 ? Shape{n, 1} : Shape{n}, targets),
                              numClasses);
}

// `n` seeded random images (3, 5, 4) in four classes.
Dataset randomImages(int64_t n) {
    std::mt19937 gen(17);
    std::vector<uint8_t> pixels(size_t(n) * 60);
    for (uint8_t& p : pixels) {
        p = uint8_t(gen() % 256);
    }
    Dataset data;
    data.name = "random";
    data.store = MemoryStore::fromPixels({3, 5, 4}, std::move(pixels));
    data.rows.resize(size_t(n));
    std::iota(data.rows.begin(), data.rows.end(), int64_t{0});
    for (int64_t i = 0; i < n; ++i) {
        data.targets.push_back(float(i % 4));
    }
    data.numClasses = 4;
    data.classNames = {"a", "b", "c", "d"};
    return data;
}

// Images (1, 2, 2) whose pixels all equal index % 251; reading `badIndex` throws, and
// every read takes `delay` (a slow disk) so the worker is caught mid-batch.
class TestStore final : public SampleStore {
public:
    TestStore(int64_t size, int64_t badIndex, std::chrono::microseconds delay)
        : m_size(size), m_badIndex(badIndex), m_delay(delay) {}
    int64_t size() const override { return m_size; }
    Shape sampleShape() const override { return {1, 2, 2}; }
    SampleType type() const override { return SampleType::Pixels; }
    void readPixels(int64_t index, uint8_t* out) const override {
        if (m_delay.count() > 0) {
            std::this_thread::sleep_for(m_delay);
        }
        if (index == m_badIndex) {
            throw std::runtime_error("sample " + std::to_string(index) + " cannot be decoded");
        }
        std::memset(out, int(index % 251), 4);
    }

private:
    int64_t m_size;
    int64_t m_badIndex;
    std::chrono::microseconds m_delay;
};

Dataset testStoreDataset(int64_t n, int64_t badIndex = -1,
                         std::chrono::microseconds delay = std::chrono::microseconds(0)) {
    Dataset data;
    data.name = "test-store";
    data.store = std::make_shared<TestStore>(n, badIndex, delay);
    data.rows.resize(size_t(n));
    std::iota(data.rows.begin(), data.rows.end(), int64_t{0});
    data.targets.assign(size_t(n), 0.0f);
    data.numClasses = 1;
    return data;
}

struct Pass {
    std::vector<std::vector<float>> inputs;
    std::vector<std::vector<float>> targets;
    std::vector<Shape> shapes;
};

Pass runPass(BatchSource& source, const std::vector<int64_t>& order, int batchSize,
             bool training, int epoch) {
    source.beginPass(order, batchSize, training, epoch);
    Pass pass;
    const Tensor* x = nullptr;
    const Tensor* y = nullptr;
    while (source.next(x, y)) {
        pass.inputs.push_back(x->toVector());
        pass.targets.push_back(y->toVector());
        pass.shapes.push_back(x->shape());
    }
    return pass;
}

// Same values bit for bit (not merely ==, which would let -0 equal +0).
bool bitEqual(const Pass& a, const Pass& b) {
    if (a.inputs.size() != b.inputs.size() || a.shapes != b.shapes || a.targets != b.targets) {
        return false;
    }
    for (size_t i = 0; i < a.inputs.size(); ++i) {
        if (a.inputs[i].size() != b.inputs[i].size() ||
            std::memcmp(a.inputs[i].data(), b.inputs[i].data(),
                        a.inputs[i].size() * sizeof(float)) != 0) {
            return false;
        }
    }
    return true;
}

std::vector<int64_t> shuffledOrder(int64_t n, unsigned seed) {
    std::vector<int64_t> order(static_cast<size_t>(n));
    std::iota(order.begin(), order.end(), int64_t{0});
    std::shuffle(order.begin(), order.end(), std::mt19937(seed));
    return order;
}

// Adds seed % 7 to every pixel (saturating): an augmentation whose output shows its seed.
void addSeed(uint8_t* pixels, const Shape& chw, uint64_t seed) {
    const auto add = int(seed % 7);
    for (int64_t i = 0; i < chw.numel(); ++i) {
        pixels[i] = uint8_t(std::min(255, pixels[i] + add));
    }
}

// The batch of one pass over `data` in store order, no prefetch.
std::vector<float> loadAll(const Dataset& data, const Normalization& norm) {
    DataLoader loader(data, norm, {.prefetchBatches = 0});
    std::vector<int64_t> order(size_t(data.size()));
    std::iota(order.begin(), order.end(), int64_t{0});
    return runPass(loader, order, int(data.size()), false, 1).inputs.at(0);
}

void expectNear(const std::vector<float>& got, const std::vector<double>& want) {
    QCOMPARE(got.size(), want.size());
    for (size_t i = 0; i < want.size(); ++i) {
        QVERIFY2(std::abs(got[i] - want[i]) < 1e-5,
                 qPrintable(QString("value %1: got %2, want %3").arg(i).arg(got[i]).arg(want[i])));
    }
}

}  // namespace

class DataLoaderTest : public QObject {
    Q_OBJECT
private slots:
    void normalizationKindsOnImages() {
        const Dataset images = knownImages();
        auto fitted = [&](NormalizationKind kind) { return fitNormalization(images, kind); };
        expectNear(loadAll(images, fitted(NormalizationKind::None)),
                   {0, 51, 102, 255, 102, 153, 0, 51});
        expectNear(loadAll(images, fitted(NormalizationKind::Unit)),
                   {0, 0.2, 0.4, 1.0, 0.4, 0.6, 0, 0.2});
        // Mean image (0.2, 0.4, 0.2, 0.6).
        const Normalization meanImage = fitted(NormalizationKind::MeanImage);
        expectNear({meanImage.offset.begin(), meanImage.offset.end()}, {0.2, 0.4, 0.2, 0.6});
        expectNear(loadAll(images, meanImage), {-0.2, -0.2, 0.2, 0.4, 0.2, 0.2, -0.2, -0.4});
        // Channel means 0.3 and 0.4.
        expectNear(loadAll(images, fitted(NormalizationKind::ChannelMean)),
                   {-0.3, -0.1, 0, 0.6, 0.1, 0.3, -0.4, -0.2});
        // Channel stds sqrt(0.2 / 4) and sqrt(0.56 / 4).
        const double s0 = std::sqrt(0.05);
        const double s1 = std::sqrt(0.14);
        expectNear(loadAll(images, fitted(NormalizationKind::Standardize)),
                   {-0.3 / s0, -0.1 / s0, 0, 0.6 / s1, 0.1 / s0, 0.3 / s0, -0.4 / s1, -0.2 / s1});
    }

    void normalizationKindsOnFeatures() {
        const Dataset features = knownFeatures();
        auto fitted = [&](NormalizationKind kind) { return fitNormalization(features, kind); };
        expectNear(loadAll(features, fitted(NormalizationKind::None)), {1, 10, 2, 20, 3, 60});
        // Min-max per feature: (x - 1) / 2 and (x - 10) / 50.
        expectNear(loadAll(features, fitted(NormalizationKind::Unit)), {0, 0, 0.5, 0.2, 1, 1});
        // Feature means 2 and 30: the mean "image" and the per-channel mean agree here.
        const std::vector<double> centred = {-1, -20, 0, -10, 1, 30};
        expectNear(loadAll(features, fitted(NormalizationKind::MeanImage)), centred);
        expectNear(loadAll(features, fitted(NormalizationKind::ChannelMean)), centred);
        const double s0 = std::sqrt(2.0 / 3.0);
        const double s1 = std::sqrt(1400.0 / 3.0);
        expectNear(loadAll(features, fitted(NormalizationKind::Standardize)),
                   {-1 / s0, -20 / s1, 0, -10 / s1, 1 / s0, 30 / s1});
    }

    void kFoldCoversEverySampleOnce() {
        const Dataset data = indexedDataset(53);
        const std::vector<Fold> folds = kFoldIndices(data, 5, 3);
        QCOMPARE(folds.size(), size_t(5));
        std::vector<int64_t> heldOut;
        for (const Fold& fold : folds) {
            QVERIFY(fold.heldOut.size() == 10 || fold.heldOut.size() == 11);
            QCOMPARE(fold.train.size() + fold.heldOut.size(), size_t(53));
            std::vector<int64_t> both = fold.train;
            both.insert(both.end(), fold.heldOut.begin(), fold.heldOut.end());
            std::sort(both.begin(), both.end());
            QVERIFY(std::adjacent_find(both.begin(), both.end()) == both.end());
            heldOut.insert(heldOut.end(), fold.heldOut.begin(), fold.heldOut.end());
        }
        std::sort(heldOut.begin(), heldOut.end());
        std::vector<int64_t> all(53);
        std::iota(all.begin(), all.end(), int64_t{0});
        QCOMPARE(heldOut, all);
    }

    void kFoldIsStratified() {
        const Dataset data = indexedDataset(53);  // 27 / 16 / 10 per class
        const std::vector<int64_t> total = data.classCounts();
        for (const Fold& fold : kFoldIndices(data, 4, 9)) {
            const std::vector<int64_t> counts = data.subset(fold.heldOut).classCounts();
            for (size_t c = 0; c < 3; ++c) {
                QVERIFY2(counts[c] == total[c] / 4 || counts[c] == (total[c] + 3) / 4,
                         qPrintable(QString("class %1: %2 of %3").arg(c).arg(counts[c]).arg(total[c])));
            }
        }
    }

    void kFoldIsDeterministic() {
        const Dataset data = indexedDataset(40);
        const std::vector<Fold> a = kFoldIndices(data, 4, 1);
        const std::vector<Fold> b = kFoldIndices(data, 4, 1);
        const std::vector<Fold> c = kFoldIndices(data, 4, 2);
        bool differs = false;
        for (size_t f = 0; f < a.size(); ++f) {
            QCOMPARE(a[f].heldOut, b[f].heldOut);
            QCOMPARE(a[f].train, b[f].train);
            differs = differs || a[f].heldOut != c[f].heldOut;
        }
        QVERIFY(differs);
        const std::vector<Fold> regression = kFoldIndices(indexedDataset(10, 0), 3, 1);
        QCOMPARE(regression[0].heldOut.size() + regression[1].heldOut.size() +
                     regression[2].heldOut.size(),
                 size_t(10));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, kFoldIndices(data, 1, 1));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, kFoldIndices(data, 41, 1));
    }

    // Batches hold the samples at the given positions (of a subset, so positions and
    // store rows differ), in order, normalized, with their targets.
    void batchesFollowTheOrder_data() {
        QTest::addColumn<int>("prefetch");
        QTest::newRow("no prefetch") << 0;
        QTest::newRow("prefetch 2") << 2;
    }

    void batchesFollowTheOrder() {
        QFETCH(int, prefetch);
        const Dataset data = indexedDataset(20).subset({19, 3, 4, 10, 12, 0, 7, 15});
        const Normalization norm = fitNormalization(data, NormalizationKind::ChannelMean);
        QCOMPARE(norm.offset, (std::vector<float>{8.75f, -8.75f}));
        DataLoader loader(data, norm, {.prefetchBatches = prefetch});
        QCOMPARE(loader.size(), int64_t(8));
        QCOMPARE(loader.sampleShape(), (Shape{2}));
        QCOMPARE(loader.targetShape(), (Shape{}));
        const Pass pass = runPass(loader, {5, 0, 2, 7, 6}, 2, false, 1);
        QCOMPARE(pass.shapes, (std::vector<Shape>{{2, 2}, {2, 2}, {1, 2}}));
        // Positions 5, 0, 2, 7, 6 are store samples 0, 19, 4, 15, 7.
        QCOMPARE(pass.inputs[0], (std::vector<float>{-8.75f, 8.75f, 10.25f, -10.25f}));
        QCOMPARE(pass.inputs[1], (std::vector<float>{-4.75f, 4.75f, 6.25f, -6.25f}));
        QCOMPARE(pass.inputs[2], (std::vector<float>{-1.75f, 1.75f}));
        QCOMPARE(pass.targets[0], (std::vector<float>{0, 2}));
        QCOMPARE(pass.targets[1], (std::vector<float>{0, 1}));
        QCOMPARE(pass.targets[2], (std::vector<float>{1}));
    }

    void lastPartialBatchAndRegressionTargets() {
        const Dataset data = indexedDataset(10, 0);
        DataLoader loader(data, {}, {.prefetchBatches = 2});
        QCOMPARE(loader.targetShape(), (Shape{1}));
        const Pass pass = runPass(loader, shuffledOrder(10, 4), 4, true, 1);
        QCOMPARE(pass.shapes, (std::vector<Shape>{{4, 2}, {4, 2}, {2, 2}}));
        std::set<float> seen;
        for (size_t b = 0; b < pass.inputs.size(); ++b) {
            QCOMPARE(pass.targets[b].size(), pass.inputs[b].size() / 2);
            for (size_t i = 0; i < pass.targets[b].size(); ++i) {
                const float index = pass.inputs[b][2 * i];
                QCOMPARE(pass.targets[b][i], 0.5f * index);
                seen.insert(index);
            }
        }
        QCOMPARE(seen.size(), size_t(10));
        const Tensor* x = nullptr;
        const Tensor* y = nullptr;
        QVERIFY(!loader.next(x, y));  // stays finished
        QVERIFY_THROWS_EXCEPTION(std::out_of_range, loader.beginPass({10}, 4, false, 1));
    }

    // The worker thread changes when batches are made, never what they hold: augmented
    // training passes are bit-identical with and without prefetching, and across runs.
    void prefetchIsBitIdentical() {
        const Dataset data = randomImages(37);
        const Normalization norm = fitNormalization(data, NormalizationKind::Standardize);
        auto passes = [&](int prefetch, uint64_t seed) {
            DataLoader loader(data, norm, {.prefetchBatches = prefetch, .augment = addSeed,
                                           .seed = seed});
            std::vector<Pass> out;
            for (int epoch = 1; epoch <= 3; ++epoch) {
                out.push_back(runPass(loader, shuffledOrder(37, unsigned(epoch)), 5, true, epoch));
            }
            out.push_back(runPass(loader, shuffledOrder(37, 9), 8, false, 3));
            return out;
        };
        const std::vector<Pass> direct = passes(0, 11);
        const std::vector<Pass> prefetched = passes(2, 11);
        const std::vector<Pass> again = passes(2, 11);
        const std::vector<Pass> otherSeed = passes(2, 12);
        for (size_t p = 0; p < direct.size(); ++p) {
            QVERIFY2(bitEqual(direct[p], prefetched[p]), qPrintable(QString("pass %1").arg(p)));
            QVERIFY2(bitEqual(prefetched[p], again[p]), qPrintable(QString("pass %1").arg(p)));
        }
        QVERIFY(!bitEqual(direct[0], otherSeed[0]));
        QVERIFY(bitEqual(direct[3], otherSeed[3]));  // evaluation passes are not augmented
    }

    void augmentOnlyTrainingPixels() {
        const Dataset images = randomImages(12);
        std::atomic<int> calls{0};
        auto blackout = [&calls](uint8_t* pixels, const Shape& chw, uint64_t) {
            ++calls;
            std::memset(pixels, 0, size_t(chw.numel()));
        };
        const std::vector<int64_t> order = shuffledOrder(12, 2);
        DataLoader plain(images, {}, {.prefetchBatches = 0});
        DataLoader augmented(images, {}, {.prefetchBatches = 2, .augment = blackout});
        const Pass expected = runPass(plain, order, 5, false, 1);
        QVERIFY(bitEqual(runPass(augmented, order, 5, false, 1), expected));
        QCOMPARE(calls.load(), 0);
        const Pass trained = runPass(augmented, order, 5, true, 1);
        QCOMPARE(calls.load(), 12);
        for (const auto& batch : trained.inputs) {
            QVERIFY(std::all_of(batch.begin(), batch.end(), [](float v) { return v == 0.0f; }));
        }
        // The augmentation wrote into the loader's buffer, not into the store.
        QVERIFY(bitEqual(runPass(plain, order, 5, true, 1), expected));

        const Dataset features = indexedDataset(12);
        DataLoader featureLoader(features, {}, {.prefetchBatches = 2, .augment = blackout});
        DataLoader featurePlain(features, {}, {.prefetchBatches = 0});
        QVERIFY(bitEqual(runPass(featureLoader, order, 5, true, 1),
                         runPass(featurePlain, order, 5, true, 1)));
        QCOMPARE(calls.load(), 12);
    }

    // A new pass may start while the worker is still making batches of the last one;
    // the new pass is complete and the same as on a fresh loader.
    void beginPassMidPass() {
        const Dataset data = testStoreDataset(60, -1, std::chrono::microseconds(200));
        DataLoader loader(data, {}, {.prefetchBatches = 2, .augment = addSeed, .seed = 5});
        const Tensor* x = nullptr;
        const Tensor* y = nullptr;
        for (int abandon = 0; abandon < 4; ++abandon) {
            loader.beginPass(shuffledOrder(60, 1), 4, true, 1);
            for (int b = 0; b < abandon; ++b) {
                QVERIFY(loader.next(x, y));
            }
        }
        const std::vector<int64_t> order = shuffledOrder(60, 2);
        const Pass pass = runPass(loader, order, 4, true, 2);
        QCOMPARE(pass.inputs.size(), size_t(15));
        DataLoader fresh(data, {}, {.prefetchBatches = 0, .augment = addSeed, .seed = 5});
        QVERIFY(bitEqual(pass, runPass(fresh, order, 4, true, 2)));
    }

    // A sample that fails to decode throws from next(), after the batches before it, with
    // the store's message; the next pass starts cleanly.
    void storeErrorSurfacesFromNext_data() {
        QTest::addColumn<int>("prefetch");
        QTest::newRow("no prefetch") << 0;
        QTest::newRow("prefetch 2") << 2;
    }

    void storeErrorSurfacesFromNext() {
        QFETCH(int, prefetch);
        const Dataset data = testStoreDataset(20, 13);
        DataLoader loader(data, {}, {.prefetchBatches = prefetch});
        std::vector<int64_t> order(20);
        std::iota(order.begin(), order.end(), int64_t{0});
        loader.beginPass(order, 4, false, 1);
        const Tensor* x = nullptr;
        const Tensor* y = nullptr;
        for (int b = 0; b < 3; ++b) {
            QVERIFY(loader.next(x, y));
            QCOMPARE(x->at(0), float(4 * b));
        }
        QString message;
        try {
            loader.next(x, y);
        } catch (const std::runtime_error& e) {
            message = e.what();
        }
        QVERIFY2(message.contains("sample 13 cannot be decoded"), qPrintable(message));
        order.erase(order.begin() + 13);
        QCOMPARE(runPass(loader, order, 4, false, 1).inputs.size(), size_t(5));
    }

    // Destroying a loader whose worker is mid-pass, waiting for a free slot, or idle
    // returns promptly.
    void destructionDoesNotHang() {
        QElapsedTimer timer;
        timer.start();
        const Dataset slow = testStoreDataset(200, -1, std::chrono::microseconds(100));
        const Tensor* x = nullptr;
        const Tensor* y = nullptr;
        for (int i = 0; i < 60; ++i) {
            DataLoader loader(slow, {}, {.prefetchBatches = 1 + i % 3});
            if (i % 4 != 0) {
                loader.beginPass(shuffledOrder(200, unsigned(i)), 8, true, 1);
            }
            if (i % 4 == 2) {
                QVERIFY(loader.next(x, y));
            }
        }
        QVERIFY2(timer.elapsed() < 20000, qPrintable(QString::number(timer.elapsed()) + " ms"));
    }

    void rejectsMismatchedNormalization() {
        const Normalization norm = fitNormalization(knownFeatures(), NormalizationKind::Standardize);
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, DataLoader(knownImages(), norm));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, DataLoader(Dataset{}, {}));
    }
};

QTEST_APPLESS_MAIN(DataLoaderTest)
#include "DataLoaderTest.moc"
