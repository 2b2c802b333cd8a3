// Experiment files and checkpoints: clear errors that say where the bad value is,
// round trips, every preset builds, and damaged or foreign checkpoints are refused
// without touching the network.

#include "engine/Checkpoint.h"
#include "engine/Experiment.h"

#include <QtTest>

#include <fstream>

using namespace dlab;

namespace {

const char* kValid = R"({
  "dlab_experiment": 1,
  "name": "test",
  "data": {"source": "spiral", "samples": 300, "noise": 0.1, "classes": 3},
  "network": [{"type": "dense", "units": 16, "init": "xavier_uniform"}, {"type": "tanh"},
              {"type": "dense", "units": "classes"}],
  "training": {"epochs": 3, "batch_size": 16, "loss": "cross_entropy",
               "optimizer": {"type": "sgd", "lr": 0.1, "momentum": 0.8},
               "schedule": {"type": "multistep", "milestones": [1, 2], "gamma": 0.5},
               "regularization": {"l2": 0.001}, "early_stopping": {"patience": 2}}
})";

QString errorOf(const std::string& json) {
    try {
        parseExperiment(json);
    } catch (const ExperimentError& e) {
        return QString::fromStdString(e.what());
    }
    return {};
}

std::string replaced(std::string text, const std::string& from, const std::string& to) {
    const auto pos = text.find(from);
    Q_ASSERT(pos != std::string::npos);
    return text.replace(pos, from.size(), to);
}

std::vector<char> readAll(const QString& path) {
    std::ifstream in(path.toStdString(), std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void writeAll(const QString& path, const std::vector<char>& bytes) {
    std::ofstream out(path.toStdString(), std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

}  // namespace

class ExperimentTest : public QObject {
    Q_OBJECT
private slots:
    void parsesAValidFile() {
        const Experiment ex = parseExperiment(kValid);
        QCOMPARE(ex.network.size(), size_t(3));
        QCOMPARE(ex.network[0].attrs.at("units"), std::string("16"));
        QCOMPARE(ex.training.optimizer.kind, kernels::OptKind::SGD);
        QCOMPARE(ex.training.optimizer.hyper.momentum, 0.8f);
        QCOMPARE(ex.training.schedule.milestones.size(), size_t(2));
        QCOMPARE(ex.training.earlyStoppingPatience, 2);
        QCOMPARE(ex.data["samples"].get<int64_t>(), int64_t(300));
    }

    void roundTripsThroughJson() {
        const Experiment a = parseExperiment(kValid);
        const Experiment b = parseExperiment(experimentToJson(a));
        QCOMPARE(experimentToJson(a), experimentToJson(b));
        QCOMPARE(b.network[2].attrs.at("units"), std::string("classes"));
        QCOMPARE(b.training.regularization.l2, 0.001);
    }

    void errorsNameTheBadValue_data() {
        QTest::addColumn<QString>("from");
        QTest::addColumn<QString>("to");
        QTest::addColumn<QString>("expected");
        QTest::newRow("lr not a number") << "\"lr\": 0.1" << "\"lr\": \"fast\""
                                         << "training.optimizer.lr";
        QTest::newRow("negative lr") << "\"lr\": 0.1" << "\"lr\": -1" << "training.optimizer.lr";
        QTest::newRow("unknown optimizer") << "\"sgd\"" << "\"sgdd\"" << "unknown";
        QTest::newRow("typo key") << "\"batch_size\"" << "\"batchsize\"" << "training.batchsize";
        QTest::newRow("bad epochs") << "\"epochs\": 3" << "\"epochs\": 0" << "training.epochs";
        QTest::newRow("layer without type") << "{\"type\": \"tanh\"}" << "{\"kind\": \"tanh\"}"
                                            << "network[1]";
        QTest::newRow("not json") << "\"name\": \"test\"," << "\"name\": \"test\"" << "JSON";
        QTest::newRow("data not an object") << "\"data\": {" << "\"data\": 3, \"x\": {"
                                            << "data";
        QTest::newRow("newer format") << "\"dlab_experiment\": 1" << "\"dlab_experiment\": 7"
                                      << "newer";
    }

    void errorsNameTheBadValue() {
        QFETCH(QString, from);
        QFETCH(QString, to);
        QFETCH(QString, expected);
        const QString error = errorOf(replaced(kValid, from.toStdString(), to.toStdString()));
        QVERIFY2(!error.isEmpty(), "expected an error");
        QVERIFY2(error.contains(expected), qPrintable(error));
    }

    void badLayerSettingsNameTheLayer() {
        const Experiment ex = parseExperiment(
            replaced(kValid, "\"units\": 16", "\"units\": 16, \"activation\": \"relu\""));
        try {
            Network net(resolveNetwork(ex.network, 3), Shape{2}, 1);
            QFAIL("expected an error");
        } catch (const std::invalid_argument& e) {
            QVERIFY2(QString(e.what()).contains("layer 1 (dense)") &&
                         QString(e.what()).contains("activation"),
                     e.what());
        }
    }

    void everyPresetBuildsOnItsData() {
        for (const auto& name : presetNames()) {
            const Experiment ex = presetExperiment(name);
            const Shape input = ex.data["source"] == "fashion-mnist" ? Shape{1, 28, 28} : Shape{2};
            Network net(resolveNetwork(ex.network, 10), input, 1);
            QCOMPARE(net.outputShape(), (Shape{10}));
            QVERIFY(!presetHelp(name).empty());
        }
        QVERIFY_THROWS_EXCEPTION(ExperimentError, presetExperiment("nope"));
    }

    void checkpointRoundTrip() {
        QTemporaryDir dir;
        const QString path = dir.filePath("w.dlab");
        const Experiment ex = parseExperiment(kValid);
        Network a(resolveNetwork(ex.network, 3), Shape{2}, 1);
        saveCheckpoint(path.toStdString(), a, "meta");
        Network b(resolveNetwork(ex.network, 3), Shape{2}, 2);
        QVERIFY(a.params()[0].param->value.toVector() != b.params()[0].param->value.toVector());
        QCOMPARE(loadCheckpoint(path.toStdString(), b), std::string("meta"));
        for (size_t i = 0; i < a.params().size(); ++i) {
            QVERIFY(a.params()[i].param->value.toVector() == b.params()[i].param->value.toVector());
        }
    }

    void damagedCheckpointsAreRefused() {
        QTemporaryDir dir;
        const QString path = dir.filePath("w.dlab");
        const Experiment ex = parseExperiment(kValid);
        Network a(resolveNetwork(ex.network, 3), Shape{2}, 1);
        saveCheckpoint(path.toStdString(), a);
        const std::vector<char> good = readAll(path);
        Network b(resolveNetwork(ex.network, 3), Shape{2}, 2);
        const auto before = b.params()[0].param->value.toVector();

        auto expectError = [&](const std::vector<char>& bytes, const QString& words) {
            writeAll(path, bytes);
            try {
                loadCheckpoint(path.toStdString(), b);
                QFAIL("expected an error");
            } catch (const CheckpointError& e) {
                QVERIFY2(QString(e.what()).contains(words), e.what());
                QVERIFY2(QString(e.what()).contains(path), e.what());
            }
            QVERIFY(b.params()[0].param->value.toVector() == before);
        };
        expectError(std::vector<char>(good.begin(), good.begin() + good.size() / 2), "truncated");
        std::vector<char> flipped = good;
        flipped[flipped.size() / 2] ^= 0x10;
        expectError(flipped, "damaged");
        expectError({'P', 'K', 3, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, "not a dlab checkpoint");
        expectError({}, "not a dlab checkpoint");

        // Another architecture: names the tensor and both shapes.
        Network other({LayerSpec("dense").set("units", 8), LayerSpec("tanh"),
                       LayerSpec("dense").set("units", 3)},
                      Shape{2}, 1);
        saveCheckpoint(path.toStdString(), other);
        try {
            loadCheckpoint(path.toStdString(), b);
            QFAIL("expected an error");
        } catch (const CheckpointError& e) {
            QVERIFY2(QString(e.what()).contains("(8, 2)") && QString(e.what()).contains("(16, 2)"),
                     e.what());
        }
        QVERIFY_THROWS_EXCEPTION(CheckpointError,
                                 loadCheckpoint(dir.filePath("missing").toStdString(), b));
    }
};

QTEST_APPLESS_MAIN(ExperimentTest)
#include "ExperimentTest.moc"
