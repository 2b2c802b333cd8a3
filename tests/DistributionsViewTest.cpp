// The Distributions tab as a student uses it: a real TrainingSession on the spiral set,
// the view shown at initialization, then during a short run; one row per activation
// layer (every layer once the box is unticked), each row's histograms filled from the
// probe batch, matching a copy of the session's network run here on the same samples;
// bars actually drawn; the probe removed when the view is hidden; a smaller probe batch
// for networks with wide layers.

#include "datasets/Prepare.h"
#include "engine/Experiment.h"
#include "engine/Network.h"
#include "widgets/DistributionsView.h"
#include "widgets/ExperimentDocument.h"
#include "widgets/TrainingSession.h"

#include <QCheckBox>
#include <QImage>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <memory>
#include <numeric>

using namespace dlab;
using namespace dlab::ui;

namespace {

constexpr int kTimeoutMs = 20000;

struct Lab {
    Lab() {
        Experiment ex = presetExperiment("spiral");
        ex.training.epochs = 100000;  // runs until stopped
        document.reset(ex);
        document.setPreparedData(std::make_shared<data::PreparedData>(
            data::prepareData(data::parseDataConfig(document.experiment().data))));
        view.resize(900, 600);
    }

    ExperimentDocument document;
    TrainingSession session{document};
    DistributionsView view{session};
};

// Mean and standard deviation of a CPU tensor, in double, computed here.
std::pair<double, double> meanAndStd(const Tensor& t) {
    const std::vector<float> v = t.toVector();
    double mean = 0.0;
    for (float e : v) {
        mean += e;
    }
    mean /= static_cast<double>(v.size());
    double squares = 0.0;
    for (float e : v) {
        squares += (e - mean) * (e - mean);
    }
    return {mean, std::sqrt(squares / static_cast<double>(v.size()))};
}

int64_t pixelsOf(const QImage& image, QRgb color) {
    int64_t n = 0;
    for (int y = 0; y < image.height(); ++y) {
        for (int x = 0; x < image.width(); ++x) {
            n += (image.pixel(x, y) & 0xffffff) == (color & 0xffffff) ? 1 : 0;
        }
    }
    return n;
}

}  // namespace

class DistributionsViewTest : public QObject {
    Q_OBJECT

private slots:
    void showsEveryLayerLiveDuringTraining() {
        Lab lab;
        lab.view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&lab.view));
        QVERIFY(lab.view.active());
        lab.session.waitForCaptures();

        // At initialization: the spiral MLP's two ReLU layers, the course's default view.
        QTRY_VERIFY_WITH_TIMEOUT(lab.view.shown() != nullptr, kTimeoutMs);
        QVERIFY2(lab.view.message().isEmpty(), qPrintable(lab.view.message()));
        auto shown = lab.view.shown();
        QCOMPARE(shown->step, int64_t{0});
        QCOMPARE(lab.view.rowCount(), 2);
        QCOMPARE(shown->layers[0].label, std::string("layer 2"));
        QCOMPARE(shown->layers[1].label, std::string("layer 4"));
        // The spiral's validation split has 90 samples, all of them in the probe batch.
        QCOMPARE(shown->samples, int64_t{90});
        QCOMPARE(shown->splitName, std::string("validation"));

        // A short run: snapshots of later steps arrive while it trains.
        lab.session.train();
        QTRY_VERIFY_WITH_TIMEOUT(lab.view.shown()->step > 0, kTimeoutMs);
        const int64_t firstLive = lab.view.shown()->step;
        QTRY_VERIFY_WITH_TIMEOUT(lab.view.shown()->step > firstLive, kTimeoutMs);
        QCOMPARE(lab.session.state(), TrainingSession::State::Running);
        lab.session.stop();

        // Every layer now: unticking the box asks for a capture of the stopped network.
        QTest::mouseClick(lab.view.activationOnlyBox(), Qt::LeftButton);
        QVERIFY(!lab.view.activationOnlyBox()->isChecked());
        lab.session.waitForCaptures();
        QTRY_COMPARE_WITH_TIMEOUT(lab.view.rowCount(), 5, kTimeoutMs);
        shown = lab.view.shown();
        QVERIFY(!shown->activationOnly);
        QVERIFY(shown->step >= firstLive);

        // What is drawn is what the network holds: a copy of the session's network, run
        // here on the same 90 normalized validation samples.
        const Network& trained = *lab.session.network();
        Network copy(trained.specs(), trained.inputShape(), 99);
        for (size_t i = 0; i < copy.params().size(); ++i) {
            copy.params()[i].param->value.copyFrom(trained.params()[i].param->value);
        }
        const auto prepared = lab.document.preparedData();
        std::vector<int64_t> positions(90);
        std::iota(positions.begin(), positions.end(), int64_t{0});
        copy.forward(normalizedSamples(*prepared, prepared->split.validation, positions),
                     Mode::Eval);
        const std::vector<int64_t> features = {64, 64, 64, 64, 3};
        for (size_t i = 0; i < shown->layers.size(); ++i) {
            const LayerDistribution& d = shown->layers[i];
            QCOMPARE(d.index, i);
            QCOMPARE(d.activation.total, 90 * features[i]);
            QCOMPARE(d.gradient.total, 90 * features[i]);
            QCOMPARE(
                std::accumulate(d.activation.counts.begin(), d.activation.counts.end(), int64_t{0}),
                d.activation.total);
            QVERIFY(d.gradient.std > 0.0);
            const auto [mean, std] = meanAndStd(copy.layers().activation(i));
            QVERIFY2(
                std::abs(d.activation.mean - mean) <= 1e-5 + 1e-4 * std::abs(mean),
                qPrintable(
                    QString("layer %1 mean %2 vs %3").arg(i + 1).arg(d.activation.mean).arg(mean)));
            QVERIFY2(
                std::abs(d.activation.std - std) <= 1e-5 + 1e-4 * std,
                qPrintable(
                    QString("layer %1 std %2 vs %3").arg(i + 1).arg(d.activation.std).arg(std)));
        }
        for (const auto& p : trained.params()) {
            const std::vector<float> g = p.param->grad.toVector();
            QVERIFY(std::all_of(g.begin(), g.end(), [](float v) { return v == 0.0f; }));
        }

        // The bars are painted: the whole list exported, also the rows scrolled out of
        // sight in a short view, both colours present.
        lab.view.resize(900, 250);
        QCoreApplication::processEvents();
        QTemporaryDir dir;
        const QString path = dir.filePath("distributions.png");
        QVERIFY(lab.view.exportPng(path));
        const QImage picture(path);
        QVERIFY(!picture.isNull());
        QVERIFY(picture.height() >= 5 * 5 * lab.view.fontMetrics().height());
        QVERIFY(pixelsOf(picture, qRgb(59, 111, 182)) > 100);
        QVERIFY(pixelsOf(picture, qRgb(217, 120, 38)) > 100);

        // Hidden, it costs nothing: its probe leaves the session.
        QCOMPARE(lab.session.inspector().size(), size_t{1});
        lab.view.hide();
        QCOMPARE(lab.session.inspector().size(), size_t{0});
    }

    void probeBatchShrinksForWideNetworks() {
        const auto build = [](const std::string& preset) {
            return Network(resolveNetwork(presetExperiment(preset).network, 10), Shape{1, 28, 28},
                           1);
        };
        // The deep tanh MLP puts out ~11k values per sample: the full 256.
        QCOMPARE(DistributionsProbe::sampleCount(build("tanh-init-small"), 6000), int64_t{256});
        QCOMPARE(DistributionsProbe::sampleCount(build("tanh-init-small"), 90), int64_t{90});
        // The small VGG puts out ~240k per sample: the floor.
        QCOMPARE(DistributionsProbe::sampleCount(build("vgg"), 6000),
                 DistributionsProbe::kMinSamples);
        // The small CNN: in between, and within the value budget.
        const Network cnn = build("cnn");
        const int64_t n = DistributionsProbe::sampleCount(cnn, 6000);
        int64_t perSample = 0;
        for (const auto& row : cnn.summary()) {
            perSample += row.outputShape.numel();
        }
        QVERIFY(n > DistributionsProbe::kMinSamples && n < DistributionsProbe::kProbeSamples);
        QVERIFY(n * perSample <= DistributionsProbe::kValueBudget);
        QVERIFY((n + 1) * perSample > DistributionsProbe::kValueBudget);
    }

    void sharedRangeBoxAsksForANewPicture() {
        Lab lab;
        lab.view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&lab.view));
        lab.session.waitForCaptures();
        QTRY_VERIFY_WITH_TIMEOUT(lab.view.shown() != nullptr, kTimeoutMs);
        QVERIFY(lab.view.shown()->sharedRange);
        const auto& both = lab.view.shown()->layers;
        QCOMPARE(both[0].activation.hi, both[1].activation.hi);

        QTest::mouseClick(lab.view.sharedRangeBox(), Qt::LeftButton);
        lab.session.waitForCaptures();
        QTRY_VERIFY_WITH_TIMEOUT(!lab.view.shown()->sharedRange, kTimeoutMs);
        const auto& own = lab.view.shown()->layers;
        // Each layer on its own range: the ends are its own extremes.
        for (const auto& d : own) {
            QCOMPARE(static_cast<double>(d.activation.lo), d.activation.min);
            QCOMPARE(static_cast<double>(d.activation.hi), d.activation.max);
        }
        QVERIFY(own[0].activation.hi != own[1].activation.hi);
    }
};

QTEST_MAIN(DistributionsViewTest)
#include "DistributionsViewTest.moc"
