// The confusion view against the network it shows.
//
// (a) The probe's counts are the counts of an independent forward pass over the whole
//     validation set in one batch, classified and tallied here by hand; they sum to the
//     validation size; recall and accuracy follow from them.
// (b) Every gallery entry is truly wrong, they come most confident first, they are the
//     most confident mistakes of all, and their probabilities are the softmax of the
//     network's output for that sample; thumbnails are the sample's own pixels, feature
//     samples show their own values.
// (c) Through a real TrainingSession on the spiral set: one snapshot per epoch, the slider
//     ranges over them and follows the newest, the matrix is drawn; the row-percentage
//     toggle; a new run and reset weights clear the epochs; a regression loss gets a
//     message instead of a matrix.

#include <QCheckBox>
#include <QRegularExpression>
#include <QSlider>
#include <QtTest>
#include <algorithm>
#include <cmath>
#include <memory>
#include <set>

#include "datasets/Prepare.h"
#include "engine/Experiment.h"
#include "engine/Network.h"
#include "engine/Trainer.h"
#include "widgets/ConfusionCharts.h"
#include "widgets/ConfusionProbe.h"
#include "widgets/ConfusionView.h"
#include "widgets/ExperimentDocument.h"
#include "widgets/TrainingSession.h"

using namespace dlab;
using namespace dlab::ui;
using State = TrainingSession::State;

namespace {

constexpr int kTimeoutMs = 60000;

// The spiral preset with `samples` points (a tenth of them for validation).
Experiment spiralExperiment(int samples, int epochs) {
    Experiment ex = presetExperiment("spiral");
    ex.data["samples"] = samples;
    ex.training.epochs = epochs;
    return ex;
}

std::unique_ptr<Network> networkFor(const Experiment& ex, const data::PreparedData& prepared) {
    return std::make_unique<Network>(resolveNetwork(ex.network, prepared.split.train.numClasses),
                                     prepared.split.train.sampleShape(), ex.training.seed);
}

void train(Network& network, const Experiment& ex, const data::PreparedData& prepared) {
    Trainer trainer(network, ex.training);
    auto loader = data::makeLoader(prepared, prepared.split.train, true, ex.training.seed);
    trainer.fit(*loader, nullptr);
}

std::shared_ptr<const ConfusionSnapshot> capture(ConfusionProbe& probe, Network& network,
                                                 const data::PreparedData& prepared,
                                                 LossKind loss = LossKind::CrossEntropy) {
    InspectContext context{network, prepared, loss, 123, 4, true};
    probe.capture(context);
    return probe.latest.get();
}

// The network's outputs for the whole validation split in one forward pass: (N, K).
std::vector<float> validationOutputs(Network& network, const data::PreparedData& prepared) {
    Tensor inputs = prepared.split.validation.inputsTensor();
    data::applyNormalization(prepared.normalization, inputs);
    return network.forward(inputs, Mode::Eval).toVector();
}

// Checks (a) and (b) for one network.
void checkAgainstForwardPass(Network& network, const data::PreparedData& prepared) {
    ConfusionProbe probe;
    const auto snapshot = capture(probe, network, prepared);
    QVERIFY(snapshot);
    QVERIFY2(snapshot->unavailable.isEmpty(), qPrintable(snapshot->unavailable));
    const data::Dataset& validation = prepared.split.validation;
    const int k = validation.numClasses;
    const int64_t n = validation.size();
    QVERIFY(n > 0);
    QVERIFY(!snapshot->onTraining);
    QCOMPARE(snapshot->splitSize, n);
    QCOMPARE(snapshot->evaluated, n);
    QCOMPARE(snapshot->epoch, 4);
    QCOMPARE(snapshot->step, int64_t{123});
    QVERIFY(snapshot->epochEnd);
    QCOMPARE(snapshot->matrix.classes(), k);
    QCOMPARE(snapshot->classNames.size(), k);

    // The reference: one batch, argmax and softmax written out here.
    const std::vector<float> out = validationOutputs(network, prepared);
    QCOMPARE(static_cast<int64_t>(out.size()), n * k);
    std::vector<int64_t> counts(static_cast<size_t>(k * k), 0);
    std::vector<int> predicted(static_cast<size_t>(n));
    std::vector<std::vector<double>> softmax(static_cast<size_t>(n));
    struct Wrong {
        int64_t position;
        double p;
    };
    std::vector<Wrong> wrong;
    for (int64_t i = 0; i < n; ++i) {
        const float* z = &out[static_cast<size_t>(i * k)];
        int best = 0;
        double top = z[0];
        for (int c = 1; c < k; ++c) {
            if (z[c] > top) {
                top = z[c];
                best = c;
            }
        }
        double sum = 0.0;
        auto& p = softmax[static_cast<size_t>(i)];
        for (int c = 0; c < k; ++c) {
            p.push_back(std::exp(static_cast<double>(z[c]) - top));
            sum += p.back();
        }
        for (double& v : p) {
            v /= sum;
        }
        predicted[static_cast<size_t>(i)] = best;
        const int truth = validation.label(i);
        ++counts[static_cast<size_t>(truth * k + best)];
        if (best != truth) {
            wrong.push_back({i, p[static_cast<size_t>(best)]});
        }
    }

    // (a) counts, their sum, recall and accuracy.
    int64_t sum = 0;
    int64_t diagonal = 0;
    for (int t = 0; t < k; ++t) {
        int64_t row = 0;
        for (int c = 0; c < k; ++c) {
            const int64_t expected = counts[static_cast<size_t>(t * k + c)];
            QCOMPARE(snapshot->matrix.count(t, c), expected);
            row += expected;
        }
        sum += row;
        diagonal += counts[static_cast<size_t>(t * k + t)];
        if (row > 0) {
            QVERIFY(std::abs(snapshot->matrix.recall(t) -
                             static_cast<double>(counts[static_cast<size_t>(t * k + t)]) / row) <
                    1e-12);
        }
    }
    QCOMPARE(sum, n);
    QCOMPARE(snapshot->matrix.total(), n);
    QVERIFY(std::abs(snapshot->matrix.accuracy() - static_cast<double>(diagonal) / n) < 1e-12);
    QCOMPARE(snapshot->mistakesTotal, static_cast<int64_t>(wrong.size()));

    // (b) the gallery: truly wrong, softmax probabilities, most confident first, and the
    // most confident of all mistakes.
    const auto& gallery = snapshot->mistakes;
    QCOMPARE(gallery.size(), std::min<size_t>(wrong.size(), ConfusionProbe::kMaxMistakes));
    std::set<int64_t> shown;
    for (size_t i = 0; i < gallery.size(); ++i) {
        const Mistake& m = gallery[i].mistake;
        QVERIFY(m.position >= 0 && m.position < n);
        QCOMPARE(m.trueClass, validation.label(m.position));
        QCOMPARE(m.predicted, predicted[static_cast<size_t>(m.position)]);
        QVERIFY(m.predicted != m.trueClass);
        const auto& p = softmax[static_cast<size_t>(m.position)];
        QVERIFY2(
            std::abs(m.pPredicted - p[static_cast<size_t>(m.predicted)]) < 1e-5,
            qPrintable(
                QString("%1 vs %2").arg(m.pPredicted).arg(p[static_cast<size_t>(m.predicted)])));
        QVERIFY(std::abs(m.pTrue - p[static_cast<size_t>(m.trueClass)]) < 1e-5);
        if (i > 0) {
            QVERIFY(gallery[i - 1].mistake.pPredicted >= m.pPredicted);
        }
        shown.insert(m.position);
    }
    QCOMPARE(shown.size(), gallery.size());
    if (!gallery.empty()) {
        const double weakestShown = gallery.back().mistake.pPredicted;
        for (const Wrong& w : wrong) {
            if (!shown.count(w.position)) {
                QVERIFY2(w.p <= weakestShown + 1e-6,
                         qPrintable(QString("sample %1 (p %2) left out").arg(w.position).arg(w.p)));
            }
        }
    }
    // Feature data: each tile shows its own raw values.
    for (const auto& entry : gallery) {
        QVERIFY(entry.thumbnail.isNull());
        float raw[2];
        validation.store->readFeatures(validation.rows[static_cast<size_t>(entry.mistake.position)],
                                       raw);
        const QStringList parts = entry.features.mid(1, entry.features.size() - 2).split(", ");
        QCOMPARE(parts.size(), 2);
        QVERIFY(std::abs(parts[0].toDouble() - raw[0]) <= 0.0051);
        QVERIFY(std::abs(parts[1].toDouble() - raw[1]) <= 0.0051);
    }
}

// A tiny image set: 4×4 grey images of 3 classes (brightness by class, plus noise).
data::PreparedData imageData(double validationFraction) {
    const int64_t n = 120;
    std::vector<uint8_t> pixels;
    std::vector<float> targets;
    uint32_t state = 7;
    for (int64_t i = 0; i < n; ++i) {
        const int label = static_cast<int>(i % 3);
        for (int p = 0; p < 16; ++p) {
            state = state * 1664525u + 1013904223u;
            pixels.push_back(static_cast<uint8_t>(label * 80 + (state >> 24) % 90));
        }
        targets.push_back(static_cast<float>(label));
    }
    data::Dataset all;
    all.name = "blocks";
    all.store = data::MemoryStore::fromPixels(Shape{1, 4, 4}, std::move(pixels));
    for (int64_t i = 0; i < n; ++i) {
        all.rows.push_back(i);
    }
    all.targets = targets;
    all.numClasses = 3;
    all.classNames = {"dark", "middle", "bright"};
    data::PreparedData prepared;
    prepared.split = data::splitDataset(all, validationFraction, 0.0, 3);
    prepared.normalization =
        data::fitNormalization(prepared.split.train, data::NormalizationKind::Standardize);
    prepared.format = "test";
    return prepared;
}

// The document, session and view of a spiral run; the view is shown, so its probe is in.
struct Lab {
    explicit Lab(const Experiment& ex) {
        document.reset(ex);
        document.setPreparedData(std::make_shared<data::PreparedData>(
            data::prepareData(data::parseDataConfig(document.experiment().data))));
        view.resize(900, 700);
        view.show();
    }

    void runToEnd() {
        session.train();
        QTRY_VERIFY_WITH_TIMEOUT(session.state() == State::Finished, kTimeoutMs);
        session.waitForCaptures();
        QCoreApplication::processEvents();
    }

    std::vector<int> epochs() const {
        std::vector<int> out;
        for (const auto& s : view.snapshots()) {
            out.push_back(s->epoch);
        }
        return out;
    }

    ExperimentDocument document;
    TrainingSession session{document};
    ConfusionView view{session};
};

}  // namespace

class ConfusionViewTest : public QObject {
    Q_OBJECT

private slots:
    void countsAndGalleryMatchAForwardPass() {
        // 3000 points: 300 for validation, so an untrained network makes more mistakes
        // than the gallery holds and the selection is tested.
        const Experiment ex = spiralExperiment(3000, 2);
        const data::PreparedData prepared = data::prepareData(data::parseDataConfig(ex.data));
        QCOMPARE(prepared.split.validation.size(), int64_t{300});
        auto network = networkFor(ex, prepared);
        checkAgainstForwardPass(*network, prepared);
        if (QTest::currentTestFailed()) {
            return;
        }
        train(*network, ex, prepared);
        checkAgainstForwardPass(*network, prepared);
    }

    void captureLeavesGradientsZeroAndWeightsAlone() {
        const Experiment ex = spiralExperiment(900, 1);
        const data::PreparedData prepared = data::prepareData(data::parseDataConfig(ex.data));
        auto network = networkFor(ex, prepared);
        std::vector<std::vector<float>> before;
        for (const auto& p : network->params()) {
            before.push_back(p.param->value.toVector());
        }
        ConfusionProbe probe;
        capture(probe, *network, prepared);
        for (size_t i = 0; i < network->params().size(); ++i) {
            const auto& p = network->params()[i];
            QVERIFY(p.param->value.toVector() == before[i]);
            for (float g : p.param->grad.toVector()) {
                QCOMPARE(g, 0.0f);
            }
        }
    }

    void thumbnailsAreTheSamplesPixels() {
        const data::PreparedData prepared = imageData(0.5);
        Experiment ex = presetExperiment("linear");
        auto network = networkFor(ex, prepared);  // untrained: plenty of mistakes
        ConfusionProbe probe;
        const auto snapshot = capture(probe, *network, prepared);
        QVERIFY(snapshot->unavailable.isEmpty());
        QCOMPARE(snapshot->classNames, (QStringList{"dark", "middle", "bright"}));
        QVERIFY(!snapshot->mistakes.empty());
        const data::Dataset& validation = prepared.split.validation;
        for (const auto& entry : snapshot->mistakes) {
            QCOMPARE(entry.thumbnail.size(), QSize(4, 4));
            QVERIFY(entry.features.isEmpty());
            uint8_t raw[16];
            validation.store->readPixels(
                validation.rows[static_cast<size_t>(entry.mistake.position)], raw);
            for (int y = 0; y < 4; ++y) {
                for (int x = 0; x < 4; ++x) {
                    QCOMPARE(qGray(entry.thumbnail.pixel(x, y)), static_cast<int>(raw[y * 4 + x]));
                }
            }
        }
    }

    void withoutValidationTheTrainingSplitIsUsed() {
        const data::PreparedData prepared = imageData(0.0);
        QCOMPARE(prepared.split.validation.size(), int64_t{0});
        auto network = networkFor(presetExperiment("linear"), prepared);
        ConfusionProbe probe;
        const auto snapshot = capture(probe, *network, prepared);
        QVERIFY(snapshot->onTraining);
        QCOMPARE(snapshot->splitSize, prepared.split.train.size());
        QCOMPARE(snapshot->matrix.total(), prepared.split.train.size());
    }

    void regressionLossHasNoMatrix() {
        const Experiment ex = spiralExperiment(900, 1);
        const data::PreparedData prepared = data::prepareData(data::parseDataConfig(ex.data));
        auto network = networkFor(ex, prepared);
        ConfusionProbe probe;
        const auto snapshot = capture(probe, *network, prepared, LossKind::MSE);
        QVERIFY(snapshot->unavailable.contains("mse"));
        QCOMPARE(snapshot->matrix.total(), int64_t{0});
    }

    void largeSplitsAreEvaluatedEvenlySpread() {
        const auto positions = ConfusionProbe::evaluatedPositions(25000);
        QCOMPARE(static_cast<int64_t>(positions.size()), ConfusionProbe::kMaxEvaluated);
        QCOMPARE(positions.front(), int64_t{0});
        QVERIFY(positions.back() >= 25000 - 3);
        QVERIFY(std::adjacent_find(positions.begin(), positions.end(),
                                   [](int64_t a, int64_t b) { return b <= a; }) == positions.end());
        QCOMPARE(ConfusionProbe::evaluatedPositions(7),
                 (std::vector<int64_t>{0, 1, 2, 3, 4, 5, 6}));
    }

    void aRunGivesOneSnapshotPerEpoch() {
        Lab lab(spiralExperiment(900, 3));
        // Shown while idle: the view evaluates the untrained network.
        QTRY_VERIFY_WITH_TIMEOUT(!lab.view.snapshots().empty(), kTimeoutMs);
        QCOMPARE(lab.view.snapshots().front()->step, int64_t{0});
        QCOMPARE(ConfusionView::describe(*lab.view.snapshots().front()),
                 QString("at initialization"));

        lab.runToEnd();
        // The initialization (kept from before the run: the same network) and one per epoch.
        QCOMPARE(lab.epochs(), (std::vector<int>{0, 1, 2, 3}));
        QVERIFY(!lab.view.snapshots().front()->epochEnd);
        const int64_t validationSize = lab.document.preparedData()->split.validation.size();
        for (const auto& s : lab.view.snapshots()) {
            QVERIFY(s->epochEnd || s->step == 0);
            QCOMPARE(s->matrix.total(), validationSize);
        }
        QSlider* slider = lab.view.epochSlider();
        QCOMPARE(slider->minimum(), 0);
        QCOMPARE(slider->maximum(), 3);
        QCOMPARE(slider->value(), 3);  // follows the newest
        QVERIFY(slider->isEnabled());
        QCOMPARE(lab.view.shown()->epoch, 3);
        QVERIFY(lab.view.message().isEmpty());
        // The drawn matrix is the shown snapshot's.
        const auto& m = lab.view.shown()->matrix;
        for (int t = 0; t < m.classes(); ++t) {
            for (int c = 0; c < m.classes(); ++c) {
                QCOMPARE(lab.view.chart()->cellText(t, c), QString::number(m.count(t, c)));
            }
        }

        // Back to epoch 1; a continued run adds epochs 4-6 without moving the slider.
        slider->setValue(1);
        QCOMPARE(lab.view.shown()->epoch, 1);
        lab.runToEnd();
        QCOMPARE(lab.epochs(), (std::vector<int>{0, 1, 2, 3, 4, 5, 6}));
        QCOMPARE(slider->maximum(), 6);
        QCOMPARE(slider->value(), 1);
        QCOMPARE(lab.view.shown()->epoch, 1);
        slider->setValue(slider->maximum());  // follows again
        QCOMPARE(lab.view.shown()->epoch, 6);

        // Reset weights: the epochs go, the re-initialized network is evaluated.
        lab.session.resetWeights();
        lab.session.waitForCaptures();
        QTRY_COMPARE_WITH_TIMEOUT(lab.epochs(), (std::vector<int>{0}), kTimeoutMs);
        QCOMPARE(lab.view.shown()->step, int64_t{0});
        QVERIFY(!slider->isEnabled());
    }

    void rowPercentagesToggle() {
        Lab lab(spiralExperiment(900, 1));
        lab.runToEnd();
        const auto shown = lab.view.shown();
        QVERIFY(shown);
        QTest::mouseClick(lab.view.percentBox(), Qt::LeftButton);
        QVERIFY(lab.view.chart()->rowPercentages());
        const auto& m = shown->matrix;
        for (int t = 0; t < m.classes(); ++t) {
            const int64_t row = m.trueTotal(t);
            for (int c = 0; c < m.classes(); ++c) {
                const double percent = 100.0 * static_cast<double>(m.count(t, c)) / row;
                const QString text = lab.view.chart()->cellText(t, c);
                if (m.count(t, c) == 0) {
                    QCOMPARE(text, QString("0"));
                } else if (percent < 1.0) {
                    QCOMPARE(text, QString("<1"));
                } else {
                    QCOMPARE(text.toInt(), static_cast<int>(std::lround(percent)));
                }
            }
        }
    }

    void aNewNetworkStartsAfresh() {
        Lab lab(spiralExperiment(900, 3));
        lab.runToEnd();
        QCOMPARE(lab.epochs(), (std::vector<int>{0, 1, 2, 3}));
        // Another design, one epoch: the next run trains a new network, its epochs start
        // over and the old network's epochs 2 and 3 are gone.
        std::vector<LayerSpec> network = lab.document.network();
        network[0].set("units", "32");
        lab.document.reset([&] {
            Experiment ex = lab.document.experiment();
            ex.network = network;
            ex.training.epochs = 1;
            return ex;
        }());
        lab.document.setPreparedData(std::make_shared<data::PreparedData>(
            data::prepareData(data::parseDataConfig(lab.document.experiment().data))));
        // Idle, the session evaluates the new network at once: the trained epochs go.
        lab.session.waitForCaptures();
        QTRY_COMPARE_WITH_TIMEOUT(lab.view.snapshots().size(), size_t{1}, kTimeoutMs);
        QVERIFY(!lab.view.snapshots().front()->epochEnd);
        QCOMPARE(lab.view.label(lab.view.shown()), QString("now (network or data changed)"));
        lab.runToEnd();
        QCOMPARE(lab.epochs(), (std::vector<int>{0, 1}));
        QVERIFY(!lab.view.snapshots().front()->epochEnd);
        QVERIFY(lab.view.snapshots().back()->epochEnd);
    }

    void regressionLossShowsAMessage() {
        Experiment ex = spiralExperiment(900, 1);
        ex.training.loss = LossKind::MSE;
        Lab lab(ex);
        QTRY_VERIFY_WITH_TIMEOUT(!lab.view.message().isEmpty(), kTimeoutMs);
        QVERIFY(lab.view.message().contains("mse"));
        QVERIFY(lab.view.snapshots().empty());
    }
};

QTEST_MAIN(ConfusionViewTest)
#include "ConfusionViewTest.moc"
