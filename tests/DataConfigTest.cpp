// The experiment's data section: augmentation and loader settings parse with errors
// that name the JSON path, round-trip through JSON, and fitted normalization statistics
// saved by a run are reused as they are.

#include "datasets/DataConfig.h"
#include "datasets/Idx.h"
#include "datasets/Prepare.h"

#include <QtTest>

#include <algorithm>

using namespace dlab;
using namespace dlab::data;

namespace {

QString errorOf(const char* json) {
    try {
        parseDataConfig(Json::parse(json));
    } catch (const ExperimentError& e) {
        return QString::fromStdString(e.what());
    }
    return {};
}

}  // namespace

class DataConfigTest : public QObject {
    Q_OBJECT
private slots:
    void augmentKeysEnableTransforms() {
        const DataConfig c = parseDataConfig(Json::parse(
            R"({"source": "fashion-mnist", "augment": {"crop": {"pad": 2}, "hflip": {},
                "rotation": {"p": 0.3, "degrees": 10}}})"));
        QVERIFY(c.augment.crop.enabled);
        QCOMPARE(c.augment.crop.padPx, 2);
        QVERIFY(c.augment.horizontalFlip.enabled);
        QVERIFY(!c.augment.verticalFlip.enabled);
        QCOMPARE(c.augment.rotation.p, 0.3);
        QCOMPARE(c.augment.rotation.maxDegrees, 10.0);
        QVERIFY(c.augment.enabled());
    }

    void errorsNameThePath_data() {
        QTest::addColumn<QString>("json");
        QTest::addColumn<QString>("expected");
        QTest::newRow("p out of range") << R"({"augment": {"hflip": {"p": 2}}})"
                                        << "data.augment.hflip.p";
        QTest::newRow("unknown transform") << R"({"augment": {"mixup": {}}})"
                                           << "data.augment.mixup";
        QTest::newRow("scale min > max") << R"({"augment": {"scale": {"min": 2, "max": 1}}})"
                                         << "data.augment";
        QTest::newRow("normalization") << R"({"normalization": "zscore"})"
                                       << "data.normalization";
        QTest::newRow("image size") << R"({"image_size": [0, 28]})" << "data.image_size";
        QTest::newRow("color") << R"({"color": "sepia"})" << "data.color";
        QTest::newRow("fractions") << R"({"validation": 0.5, "test": 0.5})" << "data";
        QTest::newRow("unknown key") << R"({"sorce": "spiral"})" << "data.sorce";
        QTest::newRow("stats lengths")
            << R"({"normalization_stats": {"kind": "standardize", "offset": [0, 1], "divisor": [1]}})"
            << "data.normalization_stats";
    }

    void errorsNameThePath() {
        QFETCH(QString, json);
        QFETCH(QString, expected);
        const QString error = errorOf(json.toUtf8().constData());
        QVERIFY2(error.contains(expected), qPrintable(error));
    }

    void roundTripsThroughJson() {
        const char* text = R"({"source": "path", "path": "/data/cats", "image_size": [32, 32],
            "color": "gray", "memory_budget_mb": 64, "normalization": "channel_mean",
            "augment": {"noise": {"std": 5}, "erasing": {"p": 0.25}}})";
        const DataConfig a = parseDataConfig(Json::parse(text));
        const DataConfig b = parseDataConfig(dataConfigToJson(a));
        QCOMPARE(dataConfigToJson(a).dump(), dataConfigToJson(b).dump());
        QCOMPARE(b.load.imageHeight, int64_t(32));
        QCOMPARE(b.load.memoryBudgetBytes, int64_t(64) << 20);
        QVERIFY(b.load.color == LoadOptions::ColorMode::Gray);
        QCOMPARE(b.augment.erasing.p, 0.25);
    }

    // Loading reports progress and stops when the callback says so.
    void loadingReportsProgressAndCancels() {
        const DataConfig config =
            parseDataConfig(Json::parse(R"({"source": "fashion-mnist", "limit": 100})"));
        if (!fashionMnistAvailable()) {
            QSKIP("Fashion-MNIST is not installed (dataset-fashion-mnist)");
        }
        std::vector<double> seen;
        prepareData(config, [&](double fraction, const std::string&) {
            seen.push_back(fraction);
            return true;
        });
        QVERIFY(seen.size() >= 3);
        QVERIFY(std::is_sorted(seen.begin(), seen.end()));
        QVERIFY_THROWS_EXCEPTION(LoadCancelled,
                                 prepareData(config, [](double fraction, const std::string&) {
                                     return fraction < 0.5;
                                 }));
    }

    // A run saves the statistics it fitted; a later run on that experiment uses them
    // unchanged instead of fitting new ones.
    void savedStatisticsAreReused() {
        DataConfig config = parseDataConfig(Json::parse(R"({"source": "spiral", "samples": 90})"));
        const PreparedData first = prepareData(config);
        QCOMPARE(first.normalization.offset.size(), size_t(2));

        Normalization saved = first.normalization;
        saved.offset = {0.5f, -0.25f};
        saved.divisor = {2.0f, 4.0f};
        config.fitted = saved;
        const DataConfig reread = parseDataConfig(dataConfigToJson(config));
        QVERIFY(reread.fitted.has_value());
        const PreparedData second = prepareData(reread);
        QCOMPARE(second.normalization.offset, saved.offset);
        QCOMPARE(second.normalization.divisor, saved.divisor);

        // The loader applies exactly those statistics.
        auto loader = makeLoader(second, second.split.train, false, 0);
        loader->beginPass({0}, 1, false, 1);
        const Tensor* x = nullptr;
        const Tensor* y = nullptr;
        QVERIFY(loader->next(x, y));
        std::vector<float> raw(2);
        second.split.train.store->readFloat(second.split.train.rows[0], raw.data());
        QCOMPARE(x->at(0), (raw[0] - 0.5f) / 2.0f);
        QCOMPARE(x->at(1), (raw[1] + 0.25f) / 4.0f);
    }
};

QTEST_APPLESS_MAIN(DataConfigTest)
#include "DataConfigTest.moc"
