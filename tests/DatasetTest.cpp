// Toy 2-D sets (sizes, balance, determinism, geometry; the regression surfaces), the
// stratified split (sizes, proportions, disjoint and complete, deterministic, sharing the
// store) and normalization fitted on the training split only. The normalization kinds
// one by one, k-fold and the batch loader are in DataLoaderTest.

#include "datasets/Dataset.h"
#include "datasets/Toy2d.h"

#include <QtTest>

#include <algorithm>
#include <cmath>
#include <functional>
#include <numbers>
#include <numeric>
#include <set>

using namespace dlab;
using namespace dlab::data;

namespace {

// N samples whose features are (i, -i); classes 0..2 in proportions 5:3:2.
Dataset indexedDataset(int64_t n) {
    std::vector<float> inputs;
    std::vector<float> targets;
    for (int64_t i = 0; i < n; ++i) {
        inputs.push_back(float(i));
        inputs.push_back(-float(i));
        const int64_t r = i % 10;
        targets.push_back(r < 5 ? 0.0f : r < 8 ? 1.0f : 2.0f);
    }
    return datasetFromTensors("indexed", Tensor::fromVector({n, 2}, inputs),
                              Tensor::fromVector({n}, targets), 3, {"a", "b", "c"});
}

// An image dataset over a MemoryStore of `pixels`, one sample per sampleShape.numel()
// bytes, all of class 0.
Dataset pixelDataset(const Shape& sampleShape, std::vector<uint8_t> pixels) {
    Dataset data;
    data.name = "pixels";
    data.store = MemoryStore::fromPixels(sampleShape, std::move(pixels));
    data.rows.resize(size_t(data.store->size()));
    std::iota(data.rows.begin(), data.rows.end(), int64_t{0});
    data.targets.assign(data.rows.size(), 0.0f);
    data.numClasses = 1;
    data.classNames = {"only"};
    return data;
}

// The first feature of each sample, read through the store: the sample's index in
// indexedDataset.
std::vector<int64_t> indicesOf(const Dataset& part) {
    std::vector<int64_t> indices;
    float x[2];
    for (int64_t row : part.rows) {
        part.store->readFeatures(row, x);
        indices.push_back(int64_t(x[0]));
    }
    return indices;
}

struct Moments {
    double mean = 0.0;
    double std = 0.0;
};

// Mean and population std of channel `c` of an (N, C, H, W) or (N, F) tensor.
Moments channelMoments(const Tensor& x, int64_t c) {
    const int64_t channels = x.size(1);
    const int64_t inner = x.shape().numelFrom(2);
    std::vector<double> values;
    for (int64_t n = 0; n < x.size(0); ++n) {
        for (int64_t i = 0; i < inner; ++i) {
            values.push_back(x.at((n * channels + c) * inner + i));
        }
    }
    Moments m;
    for (double v : values) {
        m.mean += v / double(values.size());
    }
    for (double v : values) {
        m.std += (v - m.mean) * (v - m.mean) / double(values.size());
    }
    m.std = std::sqrt(m.std);
    return m;
}

bool throwsInvalidArgument(const std::function<void()>& f) {
    try {
        f();
    } catch (const std::invalid_argument&) {
        return true;
    }
    return false;
}

double regressionSurface(const std::string& kind, double x1, double x2) {
    if (kind == "plane") {
        return kPlaneSlopeX1 * x1 + kPlaneSlopeX2 * x2;
    }
    if (kind == "bump") {
        return std::exp(-(x1 * x1 + x2 * x2) / (kBumpSigma * kBumpSigma));
    }
    return std::sin(std::numbers::pi * x1) * std::cos(std::numbers::pi * x2);
}

}  // namespace

class DatasetTest : public QObject {
    Q_OBJECT
private slots:
    void toySizesAndBalance_data() {
        QTest::addColumn<QString>("kind");
        QTest::addColumn<int>("classes");
        QTest::newRow("circle") << "circle" << 2;
        QTest::newRow("xor") << "xor" << 2;
        QTest::newRow("blobs") << "blobs" << 4;
        QTest::newRow("spiral") << "spiral" << 3;
        QTest::newRow("moons") << "moons" << 2;
    }

    void toySizesAndBalance() {
        QFETCH(QString, kind);
        QFETCH(int, classes);
        Toy2dOptions options;
        options.classes = kind == "spiral" ? 3 : 4;
        options.samples = 301;
        const Dataset data = makeToy2d(kind.toStdString(), options);
        QCOMPARE(data.name, kind.toStdString());
        QCOMPARE(data.size(), int64_t(301));
        QCOMPARE(data.store->size(), int64_t(301));
        QVERIFY(data.store->type() == SampleType::Features);
        QCOMPARE(data.sampleShape(), (Shape{2}));
        QCOMPARE(data.inputsTensor().shape(), (Shape{301, 2}));
        QCOMPARE(data.targetsTensor().shape(), (Shape{301}));
        QCOMPARE(data.targetSize, 1);
        QCOMPARE(data.numClasses, classes);
        QCOMPARE(data.classNames.size(), size_t(classes));
        QCOMPARE(data.classNames[1], std::string("class 1"));
        QVERIFY(!data.isImage());
        QCOMPARE(data.pixelMax(), 0.0f);
        QVERIFY(!isToy2dRegression(kind.toStdString()));
        const std::vector<int64_t> counts = data.classCounts();
        const auto [lo, hi] = std::minmax_element(counts.begin(), counts.end());
        QVERIFY2(*hi - *lo <= 1, "classes differ by more than one sample");
        for (float v : data.inputsTensor().toVector()) {
            QVERIFY(std::isfinite(v));
        }
    }

    void toyDeterminism() {
        for (const std::string& kind : toy2dKinds()) {
            Toy2dOptions options;
            options.seed = 42;
            const Dataset a = makeToy2d(kind, options);
            const Dataset b = makeToy2d(kind, options);
            QCOMPARE(a.inputsTensor().toVector(), b.inputsTensor().toVector());
            QCOMPARE(a.targets, b.targets);
            options.seed = 43;
            const Dataset c = makeToy2d(kind, options);
            QVERIFY2(a.inputsTensor().toVector() != c.inputsTensor().toVector(), kind.c_str());
        }
    }

    void spiralGeometry() {
        Toy2dOptions options;
        options.samples = 600;
        options.noise = 0.3;
        const std::vector<float> xy = makeSpiral(options).inputsTensor().toVector();
        double maxRadius = 0.0;
        for (size_t i = 0; i < xy.size(); i += 2) {
            const double r = std::hypot(xy[i], xy[i + 1]);
            QVERIFY(r >= 0.0 && r <= 1.0 + 1e-6);
            maxRadius = std::max(maxRadius, r);
        }
        QVERIFY(maxRadius > 0.99);  // linspace(0, 1) reaches the rim
    }

    void noiseFreeShapes() {
        Toy2dOptions options;
        options.noise = 0.0;
        const Dataset circle = makeCircle(options);
        const std::vector<float> c = circle.inputsTensor().toVector();
        for (int64_t i = 0; i < circle.size(); ++i) {
            const double r = std::hypot(c[size_t(2 * i)], c[size_t(2 * i + 1)]);
            QVERIFY(circle.label(i) == 0 ? r <= 0.5 + 1e-6 : r >= 0.7 - 1e-6 && r <= 1.0 + 1e-6);
        }
        const Dataset xorSet = makeXor(options);
        const std::vector<float> x = xorSet.inputsTensor().toVector();
        for (int64_t i = 0; i < xorSet.size(); ++i) {
            const double product = double(x[size_t(2 * i)]) * x[size_t(2 * i + 1)];
            QVERIFY(xorSet.label(i) == 0 ? product > 0.0 : product < 0.0);
        }
        const Dataset moons = makeMoons(options);
        const std::vector<float> m = moons.inputsTensor().toVector();
        for (int64_t i = 0; i < moons.size(); ++i) {
            const double px = m[size_t(2 * i)];
            const double py = m[size_t(2 * i + 1)];
            const double r = moons.label(i) == 0 ? std::hypot(px + 0.5, py + 0.25)
                                                 : std::hypot(px - 0.5, py - 0.25);
            QVERIFY(std::abs(r - 1.0) < 1e-5);
        }
    }

    void regressionToys_data() {
        QTest::addColumn<QString>("kind");
        QTest::newRow("plane") << "plane";
        QTest::newRow("bump") << "bump";
        QTest::newRow("sine") << "sine";
    }

    // Shape of a regression set, the exact surface without noise, and noise of the
    // requested std added to the targets only (the inputs of a seed stay the same).
    void regressionToys() {
        QFETCH(QString, kind);
        const std::string name = kind.toStdString();
        QVERIFY(isToy2dRegression(name));
        Toy2dOptions options;
        options.samples = 2000;
        options.noise = 0.0;
        options.classes = 1;  // ignored by regression sets
        const Dataset exact = makeToy2d(name, options);
        QCOMPARE(exact.name, name);
        QCOMPARE(exact.size(), int64_t(2000));
        QCOMPARE(exact.numClasses, 0);
        QCOMPARE(exact.targetSize, 1);
        QVERIFY(exact.classNames.empty());
        QVERIFY(exact.classCounts().empty());
        QCOMPARE(exact.sampleShape(), (Shape{2}));
        QCOMPARE(exact.targetsTensor().shape(), (Shape{2000, 1}));
        const std::vector<float> xy = exact.inputsTensor().toVector();
        double lo = 1e9;
        double hi = -1e9;
        for (int64_t i = 0; i < exact.size(); ++i) {
            const double x1 = xy[size_t(2 * i)];
            const double x2 = xy[size_t(2 * i + 1)];
            QVERIFY(x1 >= -1.0 && x1 <= 1.0 && x2 >= -1.0 && x2 <= 1.0);
            const double y = exact.targets[size_t(i)];
            QVERIFY2(std::abs(y - regressionSurface(name, x1, x2)) < 1e-5,
                     qPrintable(QString("sample %1: %2").arg(i).arg(y)));
            lo = std::min(lo, y);
            hi = std::max(hi, y);
        }
        QVERIFY2(hi - lo > 0.8, "the targets barely vary");  // the surface is not flat

        options.noise = 0.3;
        const Dataset noisy = makeToy2d(name, options);
        QCOMPARE(noisy.inputsTensor().toVector(), xy);
        double sum = 0.0;
        double squares = 0.0;
        for (size_t i = 0; i < noisy.targets.size(); ++i) {
            const double residual = double(noisy.targets[i]) - exact.targets[i];
            sum += residual;
            squares += residual * residual;
        }
        const double mean = sum / 2000.0;
        const double sd = std::sqrt(squares / 2000.0 - mean * mean);
        QVERIFY2(std::abs(mean) < 0.03 && std::abs(sd - 0.3) < 0.03,
                 qPrintable(QString("noise mean %1 std %2").arg(mean).arg(sd)));
    }

    void regressionToySplitsAndStandardizes() {
        Toy2dOptions options;
        options.samples = 400;
        const Split split = splitDataset(makePlane(options), 0.25, 0.25, 4);
        QCOMPARE(split.train.size(), int64_t(200));
        QCOMPARE(split.validation.size(), int64_t(100));
        QCOMPARE(split.test.targetsTensor().shape(), (Shape{100, 1}));
        const Normalization norm = fitNormalization(split.train, NormalizationKind::Standardize);
        QCOMPARE(norm.offset.size(), size_t(2));
        Tensor x = split.train.inputsTensor();
        applyNormalization(norm, x);
        for (int64_t f = 0; f < 2; ++f) {
            const Moments m = channelMoments(x, f);
            QVERIFY(std::abs(m.mean) < 1e-5 && std::abs(m.std - 1.0) < 1e-5);
        }
    }

    void toyErrors() {
        const QString message = [] {
            try {
                makeToy2d("swirl", {});
            } catch (const std::invalid_argument& e) {
                return QString(e.what());
            }
            return QString();
        }();
        QVERIFY2(message.contains("swirl") &&
                     message.contains("circle, xor, blobs, spiral, moons, plane, bump, sine"),
                 qPrintable(message));
        QVERIFY(throwsInvalidArgument([] { makeSpiral({.samples = 0}); }));
        QVERIFY(throwsInvalidArgument([] { makeBlobs({.classes = 1}); }));
        QVERIFY(throwsInvalidArgument([] { makeMoons({.noise = -0.1}); }));
        QVERIFY(throwsInvalidArgument([] { makeCircle({.noise = std::nan("")}); }));
        QVERIFY(throwsInvalidArgument([] { makePlane({.samples = 0}); }));
        QVERIFY(throwsInvalidArgument([] { makeBump({.noise = -1.0}); }));
        QVERIFY(throwsInvalidArgument([] { makeSine({.noise = INFINITY}); }));
        QCOMPARE(makeSine({.samples = 1}).size(), int64_t(1));
        QCOMPARE(toy2dKinds().size(), size_t(8));
    }

    // A subset is a row list over the same store: samples are not copied, and changing
    // the subset's rows leaves the original alone.
    void subsetSharesTheStore() {
        const Dataset data = indexedDataset(10);
        Dataset part = data.subset({7, 2, 7});
        QCOMPARE(part.store.get(), data.store.get());
        QCOMPARE(part.rows, (std::vector<int64_t>{7, 2, 7}));
        QCOMPARE(indicesOf(part), (std::vector<int64_t>{7, 2, 7}));
        QCOMPARE(part.targets, (std::vector<float>{1, 0, 1}));
        QCOMPARE(part.inputsTensor().toVector(), (std::vector<float>{7, -7, 2, -2, 7, -7}));
        part.rows[0] = 0;
        QCOMPARE(data.rows[7], int64_t(7));
        QCOMPARE(part.subset({1}).rows, (std::vector<int64_t>{2}));  // positions, not rows
        QVERIFY_THROWS_EXCEPTION(std::out_of_range, data.subset({10}));
        QVERIFY_THROWS_EXCEPTION(std::out_of_range, data.subset({-1}));
    }

    void splitSizesAndStratification() {
        const Dataset data = indexedDataset(200);  // 100 / 60 / 40 per class
        const Split split = splitDataset(data, 0.2, 0.15, 7);
        QCOMPARE(split.validation.size(), int64_t(40));
        QCOMPARE(split.test.size(), int64_t(30));
        QCOMPARE(split.train.size(), int64_t(130));

        const std::vector<int64_t> all = data.classCounts();
        for (const auto& [part, fraction] :
             {std::pair{&split.validation, 0.2}, std::pair{&split.test, 0.15},
              std::pair{&split.train, 0.65}}) {
            const std::vector<int64_t> counts = part->classCounts();
            for (size_t c = 0; c < 3; ++c) {
                QVERIFY2(
                    std::abs(double(counts[c]) - fraction * double(all[c])) <= 1.0,
                    qPrintable(QString("class %1: %2 of %3").arg(c).arg(counts[c]).arg(all[c])));
            }
        }
        QCOMPARE(split.train.numClasses, 3);
        QCOMPARE(split.train.classNames, data.classNames);
    }

    // Every sample lands in exactly one split, with its own target and features, and
    // every split reads the one store the data came in (no sample is copied).
    void splitIsDisjointAndComplete() {
        const Dataset data = indexedDataset(97);
        const Split split = splitDataset(data, 0.3, 0.1, 3);
        std::vector<int64_t> seen;
        float x[2];
        for (const Dataset* part : {&split.train, &split.validation, &split.test}) {
            QCOMPARE(part->store.get(), data.store.get());
            const std::vector<int64_t> indices = indicesOf(*part);
            for (int64_t i = 0; i < part->size(); ++i) {
                const int64_t index = indices[size_t(i)];
                QCOMPARE(part->targets[size_t(i)], data.targets[size_t(index)]);
                part->store->readFeatures(part->rows[size_t(i)], x);
                QCOMPARE(x[1], -float(index));
            }
            seen.insert(seen.end(), indices.begin(), indices.end());
        }
        std::sort(seen.begin(), seen.end());
        std::vector<int64_t> expected(97);
        std::iota(expected.begin(), expected.end(), int64_t{0});
        QCOMPARE(seen, expected);
        QCOMPARE(data.store->size(), int64_t(97));  // the store did not grow
    }

    void splitIsDeterministic() {
        const Dataset data = indexedDataset(120);
        const Split a = splitDataset(data, 0.2, 0.2, 11);
        const Split b = splitDataset(data, 0.2, 0.2, 11);
        const Split c = splitDataset(data, 0.2, 0.2, 12);
        QCOMPARE(indicesOf(a.train), indicesOf(b.train));
        QCOMPARE(indicesOf(a.validation), indicesOf(b.validation));
        QCOMPARE(indicesOf(a.test), indicesOf(b.test));
        QVERIFY(indicesOf(a.validation) != indicesOf(c.validation));
    }

    void splitKeepsEveryClassInTraining() {
        Dataset data = indexedDataset(20);
        data.targets[8] = 0.0f;  // class 2 was samples 8, 9, 18, 19
        data.targets[9] = 0.0f;
        data.targets[18] = 0.0f;  // now class 2 has one sample
        const Split split = splitDataset(data, 0.4, 0.4, 5);
        QCOMPARE(split.train.classCounts()[2], int64_t(1));
        QCOMPARE(split.train.size() + split.validation.size() + split.test.size(), int64_t(20));
    }

    // A shipped test set becomes the test split as it is: same store, same rows; the
    // split holds its own row list, so changing it leaves the caller's set alone.
    void splitWithShippedTestSet() {
        const Dataset data = indexedDataset(50);
        const Dataset shipped = indexedDataset(8);
        Split split = splitDataset(data, 0.2, 0.9, 1, &shipped);  // testFraction ignored
        QCOMPARE(split.validation.size(), int64_t(10));
        QCOMPARE(split.train.size(), int64_t(40));
        QCOMPARE(split.test.size(), int64_t(8));
        QCOMPARE(split.test.store.get(), shipped.store.get());
        QCOMPARE(split.test.rows, shipped.rows);
        QCOMPARE(split.test.targets, shipped.targets);
        split.test.rows[0] = 5;
        QCOMPARE(shipped.rows[0], int64_t(0));
    }

    void splitRegressionShuffles() {
        Dataset data = indexedDataset(40);
        data.numClasses = 0;
        data.classNames.clear();
        data.targetSize = 3;
        data.targets.assign(40 * 3, 0.0f);
        const Split split = splitDataset(data, 0.25, 0.25, 9);
        QCOMPARE(split.train.size(), int64_t(20));
        QCOMPARE(split.validation.size(), int64_t(10));
        QCOMPARE(split.test.targetsTensor().shape(), (Shape{10, 3}));
        QCOMPARE(split.test.targets.size(), size_t(30));
        std::set<int64_t> seen;
        for (const Dataset* part : {&split.train, &split.validation, &split.test}) {
            for (int64_t index : indicesOf(*part)) {
                QVERIFY(seen.insert(index).second);
            }
        }
        QCOMPARE(seen.size(), size_t(40));
    }

    void splitRejectsBadFractions() {
        const Dataset data = indexedDataset(10);
        QVERIFY(throwsInvalidArgument([&] { splitDataset(data, 0.6, 0.5, 1); }));
        QVERIFY(throwsInvalidArgument([&] { splitDataset(data, 0.5, 0.5, 1); }));
        QVERIFY(throwsInvalidArgument([&] { splitDataset(data, 1.0, 0.0, 1); }));
        QVERIFY(throwsInvalidArgument([&] { splitDataset(data, -0.1, 0.0, 1); }));
        QVERIFY(throwsInvalidArgument([&] { splitDataset(data, std::nan(""), 0.0, 1); }));
        QVERIFY(throwsInvalidArgument([&] { splitDataset(Dataset{}, 0.1, 0.1, 1); }));
        try {
            splitDataset(data, 0.6, 0.5, 1);
        } catch (const std::invalid_argument& e) {
            QVERIFY2(QString(e.what()).contains("no training data"), e.what());
        }
    }

    void normalizationNames() {
        QCOMPARE(normalizationKindNames(),
                 (std::vector<std::string>{"none", "unit", "mean_image", "channel_mean",
                                           "standardize"}));
        for (const std::string& name : normalizationKindNames()) {
            QCOMPARE(normalizationKindName(parseNormalizationKind(name)), name);
        }
        QVERIFY(parseNormalizationKind("Standardize") == NormalizationKind::Standardize);
        QVERIFY(throwsInvalidArgument([] { parseNormalizationKind("zscore"); }));
    }

    // Unit scales pixels by 1/255 in the batch; the uint8 store keeps its bytes.
    void unitOnImagesDividesByPixelMax() {
        const Dataset images = pixelDataset({1, 1, 2}, {0, 255, 51, 102});
        QCOMPARE(images.pixelMax(), 255.0f);
        const Normalization norm = fitNormalization(images, NormalizationKind::Unit);
        QCOMPARE(norm.scale, 1.0f / 255.0f);
        QVERIFY(norm.offset.empty());
        Tensor x = images.inputsTensor();
        applyNormalization(norm, x);
        QCOMPARE(x.at(0), 0.0f);
        QCOMPARE(x.at(1), 1.0f);
        QVERIFY(std::abs(x.at(2) - 0.2f) < 1e-6f);
        uint8_t raw[2];
        images.store->readPixels(1, raw);
        QCOMPARE(int(raw[0]), 51);
        QCOMPARE(int(raw[1]), 102);
    }

    void unitOnFeaturesIsMinMaxFromTrain() {
        const Dataset train = datasetFromTensors(
            "t", Tensor::fromVector({3, 2}, {-1, 5, 1, 5, 3, 5}),  // feature 1 constant
            Tensor::fromVector({3}, {0, 0, 0}), 1);
        const Normalization norm = fitNormalization(train, NormalizationKind::Unit);
        QCOMPARE(norm.offset, (std::vector<float>{-1, 5}));
        QCOMPARE(norm.divisor, (std::vector<float>{4, 1}));
        Tensor other = Tensor::fromVector({1, 2}, {7, 6});
        applyNormalization(norm, other);
        QCOMPARE(other.toVector(), (std::vector<float>{2, 1}));  // outside [0, 1] is kept
    }

    void standardizeImagesUsesTrainStatsPerChannel() {
        // (N, C, H, W) = (2, 2, 1, 2). Channel 0 holds 0, 51, 102, 153 (0 .. 0.6 after
        // Unit: mean 0.3, std sqrt(0.05)); channel 1 is constant 255 (std 0 -> 1).
        const Dataset train = pixelDataset({2, 1, 2}, {0, 51, 255, 255, 102, 153, 255, 255});
        const Normalization norm = fitNormalization(train, NormalizationKind::Standardize);
        QCOMPARE(norm.offset.size(), size_t(2));
        QVERIFY(std::abs(norm.offset[0] - 0.3f) < 1e-6f);
        QVERIFY(std::abs(norm.divisor[0] - std::sqrt(0.05f)) < 1e-6f);
        QVERIFY(std::abs(norm.offset[1] - 1.0f) < 1e-6f);
        QCOMPARE(norm.divisor[1], 1.0f);

        const Dataset validation = pixelDataset({2, 1, 2}, {255, 0, 0, 255});
        Tensor v = validation.inputsTensor();
        applyNormalization(norm, v);
        QVERIFY(std::abs(v.at(0) - 0.7f / std::sqrt(0.05f)) < 1e-5f);
        QVERIFY(std::abs(v.at(1) + 0.3f / std::sqrt(0.05f)) < 1e-5f);
        QVERIFY(std::abs(v.at(2) + 1.0f) < 1e-6f);
        QVERIFY(std::abs(v.at(3)) < 1e-6f);

        Tensor t = train.inputsTensor();
        applyNormalization(norm, t);
        const Moments m = channelMoments(t, 0);
        QVERIFY(std::abs(m.mean) < 1e-6 && std::abs(m.std - 1.0) < 1e-5);
    }

    // Statistics come from the training rows only, validation batches are mapped with
    // them, and normalizing batches leaves the shared store as it was.
    void standardizeGivesZeroMeanUnitStdOnTrain() {
        Toy2dOptions options;
        options.samples = 500;
        options.noise = 0.4;
        const Split split = splitDataset(makeBlobs(options), 0.2, 0.0, 2);
        const Normalization norm = fitNormalization(split.train, NormalizationKind::Standardize);
        const std::vector<float> storedBefore = split.validation.inputsTensor().toVector();
        Tensor train = split.train.inputsTensor();
        Tensor validation = split.validation.inputsTensor();
        const Moments before = channelMoments(validation, 0);
        applyNormalization(norm, train);
        applyNormalization(norm, validation);
        for (int64_t f = 0; f < 2; ++f) {
            const Moments m = channelMoments(train, f);
            QVERIFY(std::abs(m.mean) < 1e-5);
            QVERIFY(std::abs(m.std - 1.0) < 1e-5);
        }
        const Moments after = channelMoments(validation, 0);
        QVERIFY(std::abs(after.mean - (before.mean - norm.offset[0]) / norm.divisor[0]) < 1e-5);
        QVERIFY(std::abs(after.mean) > 1e-4);
        QCOMPARE(split.validation.inputsTensor().toVector(), storedBefore);
    }

    // The fit reads only the dataset's rows, not the whole store it shares.
    void fitSeesOnlyItsRows() {
        const Dataset data = indexedDataset(10);  // feature 0 = 0..9
        const Normalization firstTwo =
            fitNormalization(data.subset({0, 1}), NormalizationKind::ChannelMean);
        QCOMPARE(firstTwo.offset, (std::vector<float>{0.5f, -0.5f}));
        const Normalization lastTwo =
            fitNormalization(data.subset({8, 9}), NormalizationKind::ChannelMean);
        QCOMPARE(lastTwo.offset, (std::vector<float>{8.5f, -8.5f}));
    }

    void normalizationErrors() {
        QVERIFY(
            throwsInvalidArgument([] { fitNormalization(Dataset{}, NormalizationKind::Unit); }));
        const Dataset train = datasetFromTensors("t", Tensor::fromVector({2, 2}, {1, 2, 3, 4}),
                                                 Tensor::fromVector({2}, {0, 1}), 2);
        QVERIFY(throwsInvalidArgument(
            [&] { fitNormalization(train.subset({}), NormalizationKind::Unit); }));
        const Normalization norm = fitNormalization(train, NormalizationKind::Standardize);
        Tensor wrong = Tensor::zeros({2, 3});
        QVERIFY(throwsInvalidArgument([&] { applyNormalization(norm, wrong); }));
        Tensor untouched = Tensor::fromVector({1, 2}, {8, 9});
        applyNormalization(fitNormalization(train, NormalizationKind::None), untouched);
        QCOMPARE(untouched.toVector(), (std::vector<float>{8, 9}));
    }
};

QTEST_APPLESS_MAIN(DatasetTest)
#include "DatasetTest.moc"
