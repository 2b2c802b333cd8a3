// The dataset summary (sizes and class counts per split, shape, raw value range and
// per-channel mean/std on known data, regression target range) and the sample grid
// (per-class draws, raw pixels, determinism, nothing for feature data), both read through
// the store so a streaming store gives the same answers.

#include "datasets/Summary.h"
#include "datasets/Toy2d.h"

#include <QtTest>

#include <cmath>
#include <cstring>
#include <numeric>
#include <set>

using namespace dlab;
using namespace dlab::data;

namespace {

// Images (2, 1, 2): sample i has channel 0 = {i, i + 1}, channel 1 = {200, 200 + 2i};
// class i % 3.
Dataset images(int64_t n) {
    std::vector<uint8_t> pixels;
    Dataset data;
    data.name = "images";
    for (int64_t i = 0; i < n; ++i) {
        pixels.insert(pixels.end(), {uint8_t(i), uint8_t(i + 1), 200, uint8_t(200 + 2 * i)});
        data.rows.push_back(i);
        data.targets.push_back(float(i % 3));
    }
    data.store = MemoryStore::fromPixels({2, 1, 2}, std::move(pixels),
                                         {"a.png", "b.png", "c.png", "d.png", "e.png", "f.png"});
    data.numClasses = 3;
    data.classNames = {"x", "y", "z"};
    return data;
}

// The same pixels as `images`, but decoded on demand: stands in for a streaming store.
class OnDemandStore final : public SampleStore {
public:
    explicit OnDemandStore(std::shared_ptr<const SampleStore> inner) : m_inner(std::move(inner)) {}
    int64_t size() const override { return m_inner->size(); }
    Shape sampleShape() const override { return m_inner->sampleShape(); }
    SampleType type() const override { return SampleType::Pixels; }
    void readPixels(int64_t index, uint8_t* out) const override {
        ++m_reads;
        m_inner->readPixels(index, out);
    }
    mutable std::atomic<int64_t> m_reads{0};

private:
    std::shared_ptr<const SampleStore> m_inner;
};

}  // namespace

class SummaryTest : public QObject {
    Q_OBJECT
private slots:
    void countsShapeAndStatistics() {
        const Dataset all = images(6);
        Split split;
        split.train = all.subset({0, 1, 2, 3});
        split.validation = all.subset({4});
        split.test = all.subset({5});
        const DatasetSummary s = summarize(split);
        QCOMPARE(s.name, std::string("images"));
        QCOMPARE(s.inputShape, (Shape{2, 1, 2}));
        QVERIFY(s.isImage);
        QCOMPARE(s.numClasses, 3);
        QCOMPARE(s.classNames, all.classNames);
        QCOMPARE(s.splits.size(), size_t(3));
        QCOMPARE(s.splits[0].name, std::string("train"));
        QCOMPARE(s.splits[0].samples, int64_t(4));
        QCOMPARE(s.splits[0].classCounts, (std::vector<int64_t>{2, 1, 1}));
        QCOMPARE(s.splits[1].classCounts, (std::vector<int64_t>{0, 1, 0}));
        QCOMPARE(s.splits[2].name, std::string("test"));
        QCOMPARE(s.splits[2].classCounts, (std::vector<int64_t>{0, 0, 1}));
        // Training values: channel 0 = 0,1, 1,2, 2,3, 3,4 (mean 2, variance 1.5);
        // channel 1 = 200,200, 200,202, 200,204, 200,206 (mean 201.5, variance 4.75).
        QCOMPARE(s.statSamples, int64_t(4));
        QCOMPARE(s.minValue, 0.0f);
        QCOMPARE(s.maxValue, 206.0f);
        QCOMPARE(s.channelMean.size(), size_t(2));
        QVERIFY(std::abs(s.channelMean[0] - 2.0) < 1e-12);
        QVERIFY(std::abs(s.channelStd[0] - std::sqrt(1.5)) < 1e-12);
        QVERIFY(std::abs(s.channelMean[1] - 201.5) < 1e-12);
        QVERIFY(std::abs(s.channelStd[1] - std::sqrt(4.75)) < 1e-12);
    }

    void featuresAndRegression() {
        Toy2dOptions options;
        options.samples = 500;
        options.noise = 0.0;
        const Dataset plane = makePlane(options);
        Split split;
        split.train = plane;
        const DatasetSummary s = summarize(split);
        QVERIFY(!s.isImage);
        QCOMPARE(s.numClasses, 0);
        QVERIFY(s.splits[0].classCounts.empty());
        QCOMPARE(s.splits[1].samples, int64_t(0));
        QCOMPARE(s.channelMean.size(), size_t(2));  // one per feature
        // x uniform in [-1, 1]: mean about 0, std about 1/sqrt(3).
        for (size_t f = 0; f < 2; ++f) {
            QVERIFY(std::abs(s.channelMean[f]) < 0.1);
            QVERIFY(std::abs(s.channelStd[f] - 1.0 / std::sqrt(3.0)) < 0.05);
        }
        QVERIFY(s.minValue >= -1.0f && s.minValue < -0.95f);
        QVERIFY(s.maxValue <= 1.0f && s.maxValue > 0.95f);
        const auto [lo, hi] = std::minmax_element(plane.targets.begin(), plane.targets.end());
        QCOMPARE(s.targetMin, *lo);
        QCOMPARE(s.targetMax, *hi);
        QVERIFY(sampleGrid(plane, 4, 1).empty());  // no images to show
    }

    // Above maxStatSamples, statistics come from an evenly spaced sample; progress is
    // reported and can cancel.
    void limitsAndProgress() {
        Split split;
        split.train = images(6);
        auto store = std::make_shared<OnDemandStore>(split.train.store);
        split.train.store = store;
        int calls = 0;
        double last = -1.0;
        const DatasetSummary s =
            summarize(split, {.maxStatSamples = 3}, [&](double fraction, const std::string&) {
                ++calls;
                last = fraction;
                return true;
            });
        QCOMPARE(s.statSamples, int64_t(3));
        QCOMPARE(store->m_reads.load(), int64_t(3));  // samples 0, 2, 4
        QCOMPARE(s.minValue, 0.0f);
        QCOMPARE(s.maxValue, 208.0f);
        QVERIFY(calls >= 2);
        QCOMPARE(last, 1.0);
        QVERIFY_THROWS_EXCEPTION(LoadCancelled,
                                 summarize(split, {}, [](double, const std::string&) {
                                     return false;
                                 }));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, summarize(Split{}));
    }

    void gridDrawsPerClass() {
        const Dataset data = images(6).subset({5, 4, 3, 2, 1, 0});  // positions != rows
        const std::vector<SampleTile> tiles = sampleGrid(data, 2, 7);
        QCOMPARE(tiles.size(), size_t(6));  // 2 per class, each class has 2
        std::set<int64_t> rows;
        for (size_t i = 0; i < tiles.size(); ++i) {
            const SampleTile& tile = tiles[i];
            QCOMPARE(tile.label, int(i / 2));  // class by class
            QCOMPARE(tile.label, data.label(tile.position));
            QCOMPARE(tile.row, data.rows[size_t(tile.position)]);
            QCOMPARE(tile.shape, (Shape{2, 1, 2}));
            const std::vector<uint8_t> expected = {uint8_t(tile.row), uint8_t(tile.row + 1), 200,
                                                   uint8_t(200 + 2 * tile.row)};
            QCOMPARE(tile.pixels, expected);
            QCOMPARE(tile.name, std::string(1, char('a' + tile.row)) + ".png");
            rows.insert(tile.row);
        }
        QCOMPARE(rows.size(), size_t(6));

        QCOMPARE(sampleGrid(data, 1, 7).size(), size_t(3));
        QCOMPARE(sampleGrid(data, 10, 7).size(), size_t(6));  // up to perClass
        QVERIFY(sampleGrid(data, 0, 7).empty());
    }

    void gridIsDeterministicAndSeeded() {
        Dataset data = images(60);
        auto positions = [&](uint64_t seed) {
            std::vector<int64_t> out;
            for (const SampleTile& tile : sampleGrid(data, 5, seed)) {
                out.push_back(tile.position);
            }
            return out;
        };
        QCOMPARE(positions(3), positions(3));
        QVERIFY(positions(3) != positions(4));
        QCOMPARE(positions(3).size(), size_t(15));

        // Regression image data: one group, label -1.
        data.numClasses = 0;
        data.classNames.clear();
        const std::vector<SampleTile> tiles = sampleGrid(data, 4, 1);
        QCOMPARE(tiles.size(), size_t(4));
        QCOMPARE(tiles[0].label, -1);
    }

    // Reading through a store that decodes on demand gives the same summary and grid.
    void onDemandStoreGivesTheSameAnswers() {
        Split memory;
        memory.train = images(6);
        Split onDemand = memory;
        onDemand.train.store = std::make_shared<OnDemandStore>(memory.train.store);
        const DatasetSummary a = summarize(memory);
        const DatasetSummary b = summarize(onDemand);
        QCOMPARE(a.channelMean, b.channelMean);
        QCOMPARE(a.channelStd, b.channelStd);
        QCOMPARE(a.maxValue, b.maxValue);
        const std::vector<SampleTile> ta = sampleGrid(memory.train, 2, 5);
        const std::vector<SampleTile> tb = sampleGrid(onDemand.train, 2, 5);
        QCOMPARE(ta.size(), tb.size());
        for (size_t i = 0; i < ta.size(); ++i) {
            QCOMPARE(ta[i].row, tb[i].row);
            QCOMPARE(ta[i].pixels, tb[i].pixels);
        }
    }
};

QTEST_APPLESS_MAIN(SummaryTest)
#include "SummaryTest.moc"
