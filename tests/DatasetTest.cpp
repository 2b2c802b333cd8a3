// Toy 2-D sets (sizes, balance, determinism, geometry), the stratified split (sizes,
// proportions, disjoint and complete, deterministic) and normalization fitted on the
// training split only.

#include "datasets/Dataset.h"
#include "datasets/Toy2d.h"

#include <QtTest>

#include <algorithm>
#include <cmath>
#include <functional>
#include <numeric>
#include <set>

using namespace dlab;
using namespace dlab::data;

namespace {

std::vector<int64_t> classCounts(const Dataset& data) {
    std::vector<int64_t> counts(size_t(data.numClasses), 0);
    for (float t : data.targets.toVector()) {
        ++counts[size_t(t)];
    }
    return counts;
}

// N samples whose first input is the sample index; classes 0..2 in proportions 5:3:2.
Dataset indexedDataset(int64_t n) {
    Dataset data;
    data.name = "indexed";
    data.numClasses = 3;
    data.classNames = {"a", "b", "c"};
    std::vector<float> inputs;
    std::vector<float> targets;
    for (int64_t i = 0; i < n; ++i) {
        inputs.push_back(float(i));
        inputs.push_back(-float(i));
        const int64_t r = i % 10;
        targets.push_back(r < 5 ? 0.0f : r < 8 ? 1.0f : 2.0f);
    }
    data.inputs = Tensor::fromVector({n, 2}, inputs);
    data.targets = Tensor::fromVector({n}, targets);
    return data;
}

std::vector<int64_t> indicesOf(const Dataset& part) {
    std::vector<int64_t> indices;
    for (int64_t i = 0; i < part.size(); ++i) {
        indices.push_back(int64_t(part.inputs.at(2 * i)));
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
        options.classes = 4;
        if (kind == "spiral") {
            options.classes = 3;
        }
        options.samples = 301;
        const Dataset data = makeToy2d(kind.toStdString(), options);
        QCOMPARE(data.name, kind.toStdString());
        QCOMPARE(data.size(), int64_t(301));
        QCOMPARE(data.inputs.shape(), (Shape{301, 2}));
        QCOMPARE(data.targets.shape(), (Shape{301}));
        QCOMPARE(data.numClasses, classes);
        QCOMPARE(data.classNames.size(), size_t(classes));
        QCOMPARE(data.classNames[1], std::string("class 1"));
        QCOMPARE(data.pixelMax, 0.0f);
        const std::vector<int64_t> counts = classCounts(data);
        const auto [lo, hi] = std::minmax_element(counts.begin(), counts.end());
        QVERIFY2(*hi - *lo <= 1, "classes differ by more than one sample");
        for (float v : data.inputs.toVector()) {
            QVERIFY(std::isfinite(v));
        }
    }

    void toyDeterminism() {
        for (const std::string& kind : toy2dKinds()) {
            Toy2dOptions options;
            options.seed = 42;
            const Dataset a = makeToy2d(kind, options);
            const Dataset b = makeToy2d(kind, options);
            QCOMPARE(a.inputs.toVector(), b.inputs.toVector());
            QCOMPARE(a.targets.toVector(), b.targets.toVector());
            options.seed = 43;
            const Dataset c = makeToy2d(kind, options);
            QVERIFY2(a.inputs.toVector() != c.inputs.toVector(), kind.c_str());
        }
    }

    void spiralGeometry() {
        Toy2dOptions options;
        options.samples = 600;
        options.noise = 0.3;
        const Dataset data = makeSpiral(options);
        double maxRadius = 0.0;
        for (int64_t i = 0; i < data.size(); ++i) {
            const double r = std::hypot(data.inputs.at(2 * i), data.inputs.at(2 * i + 1));
            QVERIFY(r >= 0.0 && r <= 1.0 + 1e-6);
            maxRadius = std::max(maxRadius, r);
        }
        QVERIFY(maxRadius > 0.99);  // linspace(0, 1) reaches the rim
    }

    void noiseFreeShapes() {
        Toy2dOptions options;
        options.noise = 0.0;
        const Dataset circle = makeCircle(options);
        for (int64_t i = 0; i < circle.size(); ++i) {
            const double r = std::hypot(circle.inputs.at(2 * i), circle.inputs.at(2 * i + 1));
            QVERIFY(circle.targets.at(i) == 0.0f ? r <= 0.5 + 1e-6
                                                 : r >= 0.7 - 1e-6 && r <= 1.0 + 1e-6);
        }
        const Dataset xorSet = makeXor(options);
        for (int64_t i = 0; i < xorSet.size(); ++i) {
            const double product = xorSet.inputs.at(2 * i) * xorSet.inputs.at(2 * i + 1);
            QVERIFY(xorSet.targets.at(i) == 0.0f ? product > 0.0 : product < 0.0);
        }
        const Dataset moons = makeMoons(options);
        for (int64_t i = 0; i < moons.size(); ++i) {
            const double x = moons.inputs.at(2 * i);
            const double y = moons.inputs.at(2 * i + 1);
            const double r = moons.targets.at(i) == 0.0f ? std::hypot(x + 0.5, y + 0.25)
                                                         : std::hypot(x - 0.5, y - 0.25);
            QVERIFY(std::abs(r - 1.0) < 1e-5);
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
        QVERIFY2(message.contains("swirl") && message.contains("circle, xor, blobs, spiral, moons"),
                 qPrintable(message));
        QVERIFY(throwsInvalidArgument([] { makeSpiral({.samples = 0}); }));
        QVERIFY(throwsInvalidArgument([] { makeBlobs({.classes = 1}); }));
        QVERIFY(throwsInvalidArgument([] { makeMoons({.noise = -0.1}); }));
        QVERIFY(throwsInvalidArgument([] { makeCircle({.noise = std::nan("")}); }));
        QCOMPARE(toy2dKinds().size(), size_t(5));
    }

    void subsetCopiesInOrder() {
        const Dataset data = indexedDataset(10);
        Dataset part = data.subset({7, 2, 7});
        QCOMPARE(indicesOf(part), (std::vector<int64_t>{7, 2, 7}));
        QCOMPARE(part.targets.toVector(), (std::vector<float>{1, 0, 1}));
        part.inputs.at(0) = 99.0f;
        QCOMPARE(data.inputs.at(14), 7.0f);
        QVERIFY_THROWS_EXCEPTION(std::out_of_range, data.subset({10}));
    }

    void splitSizesAndStratification() {
        const Dataset data = indexedDataset(200);  // 100 / 60 / 40 per class
        const Split split = splitDataset(data, 0.2, 0.15, 7);
        QCOMPARE(split.validation.size(), int64_t(40));
        QCOMPARE(split.test.size(), int64_t(30));
        QCOMPARE(split.train.size(), int64_t(130));

        const std::vector<int64_t> all = classCounts(data);
        for (const auto& [part, fraction] :
             {std::pair{&split.validation, 0.2}, std::pair{&split.test, 0.15},
              std::pair{&split.train, 0.65}}) {
            const std::vector<int64_t> counts = classCounts(*part);
            for (size_t c = 0; c < 3; ++c) {
                QVERIFY2(
                    std::abs(double(counts[c]) - fraction * double(all[c])) <= 1.0,
                    qPrintable(QString("class %1: %2 of %3").arg(c).arg(counts[c]).arg(all[c])));
            }
        }
        QCOMPARE(split.train.numClasses, 3);
        QCOMPARE(split.train.classNames, data.classNames);
    }

    void splitIsDisjointAndComplete() {
        const Dataset data = indexedDataset(97);
        const Split split = splitDataset(data, 0.3, 0.1, 3);
        std::vector<int64_t> seen;
        for (const Dataset* part : {&split.train, &split.validation, &split.test}) {
            const std::vector<int64_t> indices = indicesOf(*part);
            for (int64_t i = 0; i < part->size(); ++i) {
                const int64_t index = indices[size_t(i)];
                QCOMPARE(part->targets.at(i), data.targets.at(index));
                QCOMPARE(part->inputs.at(2 * i + 1), -float(index));
            }
            seen.insert(seen.end(), indices.begin(), indices.end());
        }
        std::sort(seen.begin(), seen.end());
        std::vector<int64_t> expected(97);
        std::iota(expected.begin(), expected.end(), int64_t{0});
        QCOMPARE(seen, expected);
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
        data.targets.at(19) = 2.0f;  // class 2: samples 8, 9, 18, 19
        data.targets.at(8) = 0.0f;
        data.targets.at(9) = 0.0f;
        data.targets.at(18) = 0.0f;  // now class 2 has one sample
        const Split split = splitDataset(data, 0.4, 0.4, 5);
        QCOMPARE(classCounts(split.train)[2], int64_t(1));
        QCOMPARE(split.train.size() + split.validation.size() + split.test.size(), int64_t(20));
    }

    void splitWithShippedTestSet() {
        const Dataset data = indexedDataset(50);
        const Dataset shipped = indexedDataset(8);
        Split split = splitDataset(data, 0.2, 0.9, 1, &shipped);  // testFraction ignored
        QCOMPARE(split.validation.size(), int64_t(10));
        QCOMPARE(split.train.size(), int64_t(40));
        QCOMPARE(split.test.size(), int64_t(8));
        split.test.inputs.at(0) = 123.0f;
        QCOMPARE(shipped.inputs.at(0), 0.0f);  // the caller's test set is not shared
    }

    void splitRegressionShuffles() {
        Dataset data = indexedDataset(40);
        data.numClasses = 0;
        data.classNames.clear();
        data.targets = Tensor::zeros({40, 3});
        const Split split = splitDataset(data, 0.25, 0.25, 9);
        QCOMPARE(split.train.size(), int64_t(20));
        QCOMPARE(split.validation.size(), int64_t(10));
        QCOMPARE(split.test.targets.shape(), (Shape{10, 3}));
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
        for (auto kind :
             {NormalizationKind::None, NormalizationKind::Unit, NormalizationKind::Standardize}) {
            QVERIFY(parseNormalizationKind(normalizationKindName(kind)) == kind);
        }
        QVERIFY(parseNormalizationKind("Standardize") == NormalizationKind::Standardize);
        QVERIFY(throwsInvalidArgument([] { parseNormalizationKind("zscore"); }));
    }

    void unitOnImagesDividesByPixelMax() {
        Dataset images;
        images.pixelMax = 255.0f;
        images.inputs = Tensor::fromVector({2, 1, 1, 2}, {0, 255, 51, 102});
        const Normalization norm = fitNormalization(images, NormalizationKind::Unit);
        QCOMPARE(norm.scale, 1.0f / 255.0f);
        applyNormalization(norm, images);
        QCOMPARE(images.inputs.at(0), 0.0f);
        QCOMPARE(images.inputs.at(1), 1.0f);
        QVERIFY(std::abs(images.inputs.at(2) - 0.2f) < 1e-6f);
    }

    void unitOnFeaturesIsMinMaxFromTrain() {
        Dataset train;
        train.inputs = Tensor::fromVector({3, 2}, {-1, 5, 1, 5, 3, 5});  // feature 1 constant
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
        Dataset train;
        train.pixelMax = 255.0f;
        train.inputs = Tensor::fromVector({2, 2, 1, 2}, {0, 51, 255, 255, 102, 153, 255, 255});
        const Normalization norm = fitNormalization(train, NormalizationKind::Standardize);
        QCOMPARE(norm.offset.size(), size_t(2));
        QVERIFY(std::abs(norm.offset[0] - 0.3f) < 1e-6f);
        QVERIFY(std::abs(norm.divisor[0] - std::sqrt(0.05f)) < 1e-6f);
        QVERIFY(std::abs(norm.offset[1] - 1.0f) < 1e-6f);
        QCOMPARE(norm.divisor[1], 1.0f);

        Dataset validation;
        validation.pixelMax = 255.0f;
        validation.inputs = Tensor::fromVector({1, 2, 1, 2}, {255, 0, 0, 255});
        applyNormalization(norm, validation);
        QVERIFY(std::abs(validation.inputs.at(0) - 0.7f / std::sqrt(0.05f)) < 1e-5f);
        QVERIFY(std::abs(validation.inputs.at(1) + 0.3f / std::sqrt(0.05f)) < 1e-5f);
        QVERIFY(std::abs(validation.inputs.at(2) + 1.0f) < 1e-6f);
        QVERIFY(std::abs(validation.inputs.at(3)) < 1e-6f);

        applyNormalization(norm, train);
        const Moments m = channelMoments(train.inputs, 0);
        QVERIFY(std::abs(m.mean) < 1e-6 && std::abs(m.std - 1.0) < 1e-5);
    }

    void standardizeGivesZeroMeanUnitStdOnTrain() {
        Toy2dOptions options;
        options.samples = 500;
        options.noise = 0.4;
        const Split split = splitDataset(makeBlobs(options), 0.2, 0.0, 2);
        Dataset train = split.train;
        Dataset validation = split.validation;
        const Normalization norm = fitNormalization(train, NormalizationKind::Standardize);
        const Moments before = channelMoments(validation.inputs, 0);
        applyNormalization(norm, train);
        applyNormalization(norm, validation);
        for (int64_t f = 0; f < 2; ++f) {
            const Moments m = channelMoments(train.inputs, f);
            QVERIFY(std::abs(m.mean) < 1e-5);
            QVERIFY(std::abs(m.std - 1.0) < 1e-5);
        }
        // Validation was mapped with the training statistics, not its own.
        const Moments after = channelMoments(validation.inputs, 0);
        QVERIFY(std::abs(after.mean - (before.mean - norm.offset[0]) / norm.divisor[0]) < 1e-5);
        QVERIFY(std::abs(after.mean) > 1e-4);
    }

    void normalizationErrors() {
        QVERIFY(
            throwsInvalidArgument([] { fitNormalization(Dataset{}, NormalizationKind::Unit); }));
        Dataset train;
        train.inputs = Tensor::fromVector({2, 2}, {1, 2, 3, 4});
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
