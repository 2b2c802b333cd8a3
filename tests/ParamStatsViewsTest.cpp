// The views fed by per-parameter statistics ("Update ratio", "Gradients"):
//   - what they draw equals ‖ΔW‖/‖W‖ and ‖∂L/∂W‖ computed here from the weights before
//     and after one real trainer step and from our own forward/backward pass;
//   - the healthy band is drawn where its values lie on the log axis (also in the PNG);
//   - a layer that leaves the band gets exactly one marker per excursion, ↑ or ↓, noise
//     and edge-hovering do not add more, and the markers stay bounded;
//   - shown next to a real TrainingSession on the spiral set, both views ask for the
//     statistics and fill with a point every kParamStatsInterval steps for every weight
//     tensor; a new run clears them.

#include <QImage>
#include <QTemporaryDir>
#include <QtTest>
#include <cmath>
#include <random>

#include "datasets/Prepare.h"
#include "engine/Experiment.h"
#include "engine/Loss.h"
#include "engine/Network.h"
#include "engine/Trainer.h"
#include "widgets/BandTracker.h"
#include "widgets/DepthBarChart.h"
#include "widgets/ExperimentDocument.h"
#include "widgets/GradientFlowView.h"
#include "widgets/LineChart.h"
#include "widgets/TrainingSession.h"
#include "widgets/UpdateRatioView.h"

using namespace dlab;
using namespace dlab::ui;
using Side = BandTracker::Side;

namespace {

constexpr int kTimeoutMs = 30000;

Tensor gaussian(const Shape& shape, double std, uint64_t seed) {
    std::mt19937_64 rng(seed);
    std::normal_distribution<double> dist(0.0, std);
    std::vector<float> v(static_cast<size_t>(shape.numel()));
    for (float& x : v) {
        x = static_cast<float>(dist(rng));
    }
    return Tensor::fromVector(shape, v);
}

double norm(const std::vector<float>& v) {
    double sum = 0.0;
    for (float x : v) {
        sum += static_cast<double>(x) * x;
    }
    return std::sqrt(sum);
}

bool near(double actual, double expected, double relative = 1e-4) {
    return std::fabs(actual - expected) <= relative * std::fabs(expected) + 1e-12;
}

// One step record carrying the given ratios (and gradient norms 1) for named tensors.
StepRecord statsStep(int64_t step, const std::vector<std::pair<std::string, double>>& ratios) {
    StepRecord r;
    r.step = step;
    for (const auto& [name, ratio] : ratios) {
        ParamStats s;
        s.name = name;
        s.weightNorm = 1.0;
        s.gradNorm = 1.0;
        s.updateRatio = ratio;
        r.params.push_back(s);
    }
    return r;
}

// An excursion story for one series: in the band, one spike, up and out (noisy at the
// edge on the way back), in again, down and out (to a dead 0), and straight across to
// above. Three excursions: ↑, ↓, ↑.
std::vector<double> excursionStory() {
    std::vector<double> v;
    auto add = [&v](double value, int times) {
        v.insert(v.end(), static_cast<size_t>(times), value);
    };
    add(1e-3, 6);
    add(1e-1, 1);  // one noisy step: the median ignores it
    add(1e-3, 4);
    add(1e-2, 6);  // ↑
    for (int i = 0; i < 8; ++i) {
        v.push_back(i % 2 == 0 ? 2.6e-3 : 3.4e-3);  // hovering at the upper edge
    }
    add(1e-3, 6);
    add(1e-5, 4);  // ↓
    add(0.0, 3);
    add(1e-1, 6);  // ↑ straight across
    return v;
}

bool sameColor(const QColor& a, const QColor& b, int tolerance = 6) {
    return std::abs(a.red() - b.red()) <= tolerance &&
           std::abs(a.green() - b.green()) <= tolerance &&
           std::abs(a.blue() - b.blue()) <= tolerance;
}

// Whether the band's colour is painted at a widget position `dy` pixels below where
// `value` is drawn: any of the pixel and its vertical neighbours (a one-pixel grid line
// may cross the exact spot).
bool bandAt(const QImage& image, const LineChart& chart, const QPointF& value, const QColor& band,
            double dy = 0.0) {
    const QPointF at = (chart.mapToWidget(value) + QPointF(0.0, dy)) * image.devicePixelRatio();
    for (int k = -1; k <= 1; ++k) {
        if (sameColor(image.pixelColor(at.toPoint() + QPoint(0, k)), band)) {
            return true;
        }
    }
    return false;
}

std::shared_ptr<const data::PreparedData> loadData(const ExperimentDocument& document) {
    return std::make_shared<data::PreparedData>(
        data::prepareData(data::parseDataConfig(document.experiment().data)));
}

}  // namespace

class ParamStatsViewsTest : public QObject {
    Q_OBJECT

private slots:
    // (a) One real trainer step; the test keeps the weights before and after and computes
    // the gradient with its own forward/backward at the starting weights.
    void drawnValuesAreTheNetworks() {
        const std::vector<LayerSpec> specs = {LayerSpec("dense").set("units", 8), LayerSpec("tanh"),
                                              LayerSpec("dense").set("units", 6), LayerSpec("relu"),
                                              LayerSpec("dense").set("units", 3)};
        Network net(specs, Shape{4}, 11);
        const int64_t n = 24;
        const Tensor x = gaussian({n, 4}, 1.0, 5);
        std::vector<float> labels;
        for (int64_t i = 0; i < n; ++i) {
            labels.push_back(static_cast<float>(i % 3));
        }
        const Tensor y = Tensor::fromVector({n}, labels);

        std::vector<std::vector<float>> before;
        std::vector<double> gradNorms;
        {
            auto loss = makeLoss(LossKind::CrossEntropy);
            net.zeroGrad();
            const Tensor& out = net.forward(x, Mode::Train);
            Tensor dOut;
            loss->compute(out, y, &dOut);
            net.backward(dOut);
            for (const auto& np : net.params()) {
                before.push_back(np.param->value.toVector());
                gradNorms.push_back(norm(np.param->grad.toVector()));
            }
            net.zeroGrad();
        }

        struct Recorder final : TrainerObserver {
            std::vector<StepRecord> steps;
            void onStep(const StepRecord& r) override { steps.push_back(r); }
        } recorder;
        TrainConfig config;
        config.epochs = 1;
        config.batchSize = static_cast<int>(n);
        config.shuffle = false;
        config.paramStatsInterval = 1;
        config.optimizer.kind = kernels::OptKind::SGD;
        config.optimizer.hyper.lr = 0.05f;
        Trainer trainer(net, config);
        trainer.fit(DataView{x, y}, DataView{}, &recorder);
        QCOMPARE(recorder.steps.size(), size_t{1});

        std::vector<double> ratios;
        for (size_t i = 0; i < net.params().size(); ++i) {
            const std::vector<float> after = net.params()[i].param->value.toVector();
            std::vector<float> delta(after.size());
            for (size_t j = 0; j < after.size(); ++j) {
                delta[j] = after[j] - before[i][j];
            }
            ratios.push_back(norm(delta) / norm(after));
            QVERIFY(ratios.back() > 0.0);
        }

        ExperimentDocument document;
        TrainingSession session(document);
        UpdateRatioView ratioView(session);
        GradientFlowView flowView(session);
        MetricsBatch batch;
        batch.steps = recorder.steps;
        ratioView.addMetrics(batch);
        flowView.addMetrics(batch);
        ratioView.chart().refreshNow();
        flowView.chart().refreshNow();

        int weights = 0;
        for (size_t i = 0; i < net.params().size(); ++i) {
            const QString name = QString::fromStdString(net.params()[i].name);
            const bool weight = name.endsWith(".weight");
            const int ratioSeries = ratioView.seriesOf(name);
            const int gradSeries = flowView.seriesOf(name);
            if (!weight) {
                QCOMPARE(ratioSeries, -1);  // biases are hidden by default
                QCOMPARE(gradSeries, -1);
                continue;
            }
            QVERIFY2(ratioSeries >= 0 && gradSeries >= 0, qPrintable(name));
            const QList<QPointF> drawnRatio = ratioView.chart().displayedPoints(ratioSeries);
            QCOMPARE(drawnRatio.size(), 1);
            QCOMPARE(drawnRatio.front().x(), 1.0);
            QVERIFY2(near(drawnRatio.front().y(), ratios[i]),
                     qPrintable(QString("%1: drawn %2, computed %3")
                                    .arg(name)
                                    .arg(drawnRatio.front().y())
                                    .arg(ratios[i])));
            const QList<QPointF> drawnGrad = flowView.chart().displayedPoints(gradSeries);
            QCOMPARE(drawnGrad.size(), 1);
            QVERIFY2(near(drawnGrad.front().y(), gradNorms[i]),
                     qPrintable(QString("%1: drawn %2, computed %3")
                                    .arg(name)
                                    .arg(drawnGrad.front().y())
                                    .arg(gradNorms[i])));
            // The bars, input to output, one per weight tensor.
            const auto& bars = flowView.bars().bars();
            QVERIFY(weights < static_cast<int>(bars.size()));
            QCOMPARE(bars[static_cast<size_t>(weights)].label, name.chopped(7));
            QVERIFY(near(bars[static_cast<size_t>(weights)].value, gradNorms[i]));
            ++weights;
        }
        QCOMPARE(weights, 3);
        QCOMPARE(flowView.bars().bars().size(), size_t{3});
        QCOMPARE(ratioView.chart().seriesCount(), 3);

        // The checkbox brings the biases in, with their own ratios.
        ratioView.setShowBiases(true);
        ratioView.chart().refreshNow();
        QCOMPARE(ratioView.chart().seriesCount(), static_cast<int>(net.params().size()));
        for (size_t i = 0; i < net.params().size(); ++i) {
            const int series = ratioView.seriesOf(QString::fromStdString(net.params()[i].name));
            QVERIFY(series >= 0);
            QVERIFY(near(ratioView.chart().displayedPoints(series).front().y(), ratios[i]));
        }
    }

    // The band lies where its values are drawn on the log axis, behind the data, counts
    // in the y range (data far above it still shows it), and is in the exported PNG.
    void bandIsDrawnOnTheLogAxis() {
        LineChart chart;
        chart.resize(480, 360);
        chart.setLogY(true);
        const int s = chart.addSeries("far above", Qt::black, 2.0);
        const std::vector<QPointF> data = {QPointF(0, 0.5), QPointF(10, 0.2)};
        chart.append(s, data);
        const QColor bandColor(255, 0, 255);
        chart.setBand(UpdateRatioView::kHealthyLo, UpdateRatioView::kHealthyHi, bandColor,
                      "healthy");
        QVERIFY(chart.band().has_value());
        QCOMPARE(chart.band()->lo, 3e-4);
        chart.show();
        QVERIFY(QTest::qWaitForWindowExposed(&chart));
        chart.refreshNow();
        QApplication::processEvents();
        chart.refreshNow();

        const QImage image = chart.grab().toImage();
        const double lo = UpdateRatioView::kHealthyLo;
        const double hi = UpdateRatioView::kHealthyHi;
        // Inside the band, and well outside it above and below.
        QVERIFY(bandAt(image, chart, {7.3, 1.6e-3}, bandColor));
        QVERIFY(bandAt(image, chart, {7.3, 5.5e-4}, bandColor));
        QVERIFY(!bandAt(image, chart, {7.3, 6e-3}, bandColor));
        QVERIFY(!bandAt(image, chart, {7.3, 1.5e-4}, bandColor));
        // Its edges sit where its values are drawn: 4 pixels in is band, 4 pixels out is not.
        QVERIFY(bandAt(image, chart, {7.3, hi}, bandColor, 4.0));
        QVERIFY(!bandAt(image, chart, {7.3, hi}, bandColor, -4.0));
        QVERIFY(bandAt(image, chart, {7.3, lo}, bandColor, -4.0));
        QVERIFY(!bandAt(image, chart, {7.3, lo}, bandColor, 4.0));
        // Behind the data: where the series runs, its colour wins.
        const int t = chart.addSeries("through the band", Qt::black, 3.0);
        const std::vector<QPointF> through = {QPointF(0, 1e-3), QPointF(10, 1e-3)};
        chart.append(t, through);
        chart.refreshNow();
        QApplication::processEvents();
        const QImage withLine = chart.grab().toImage();
        const QPoint onLine =
            (chart.mapToWidget({5.2, 1e-3}) * withLine.devicePixelRatio()).toPoint();
        QVERIFY(withLine.pixelColor(onLine).lightness() < 80);

        QTemporaryDir dir;
        const QString path = dir.filePath("band.png");
        QVERIFY(chart.exportPng(path));
        const QImage exported(path);
        QVERIFY(bandAt(exported, chart, {7.3, 1.6e-3}, bandColor));

        chart.clearBand();
        chart.refreshNow();
        QApplication::processEvents();
        QVERIFY(!bandAt(chart.grab().toImage(), chart, {7.3, 1.6e-3}, bandColor));
    }

    // (b) The tracker on its own: one excursion each time the median leaves the band.
    void trackerMarksEachExcursionOnce() {
        BandTracker tracker(UpdateRatioView::kHealthyLo, UpdateRatioView::kHealthyHi);
        std::vector<Side> excursions;
        for (double v : excursionStory()) {
            if (tracker.add(v)) {
                excursions.push_back(tracker.side());
            }
        }
        QCOMPARE(excursions, (std::vector<Side>{Side::Above, Side::Below, Side::Above}));
        QCOMPARE(tracker.side(), Side::Above);

        // Starting outside is the starting state, not an excursion.
        BandTracker high(UpdateRatioView::kHealthyLo, UpdateRatioView::kHealthyHi);
        int marks = 0;
        for (int i = 0; i < 10; ++i) {
            marks += high.add(2e-2) ? 1 : 0;
        }
        QCOMPARE(marks, 0);
        QCOMPARE(high.side(), Side::Above);
        // Non-finite values change nothing.
        QVERIFY(!high.add(std::nan("")));
        QCOMPARE(high.side(), Side::Above);
    }

    // (b) Through the view: the markers in the layer's colour, ↑ and ↓, the status table,
    // biases drawn only when shown and never judged, and a bounded number of markers.
    void viewMarksExcursionsAndStatus() {
        ExperimentDocument document;
        TrainingSession session(document);
        UpdateRatioView view(session);
        const std::vector<double> story = excursionStory();
        MetricsBatch first;
        MetricsBatch second;
        std::vector<double> expectedSteps;
        BandTracker reference(UpdateRatioView::kHealthyLo, UpdateRatioView::kHealthyHi);
        for (size_t i = 0; i < story.size(); ++i) {
            const auto step = static_cast<int64_t>(5 * (i + 1));
            // The bias leaves the band in the first half: biases are not judged.
            const double bias = i >= 8 && i < 20 ? 1e-6 : 1e-3;
            StepRecord r = statsStep(
                step,
                {{"1.weight", story[i]}, {"1.bias", bias}, {"3.weight", 1e-3}, {"3.bias", 1e-3}});
            (i < story.size() / 2 ? first : second).steps.push_back(r);
            if (reference.add(story[i])) {
                expectedSteps.push_back(static_cast<double>(step));
            }
            // Steps without statistics in between are skipped.
            StepRecord plain;
            plain.step = step + 1;
            (i < story.size() / 2 ? first : second).steps.push_back(plain);
        }
        view.addMetrics(first);
        view.addMetrics(second);

        const auto& markers = view.chart().markers();
        QCOMPARE(markers.size(), size_t{3});
        QCOMPARE(markers[0].label, QString("1.weight ↑"));
        QCOMPARE(markers[1].label, QString("1.weight ↓"));
        QCOMPARE(markers[2].label, QString("1.weight ↑"));
        for (size_t i = 0; i < markers.size(); ++i) {
            QCOMPARE(markers[i].x, expectedSteps[i]);
            QCOMPARE(markers[i].color, view.tracks().tracks()[0].color);
        }
        QCOMPARE(view.status("1.weight"), UpdateRatioView::Status::TooHigh);
        QCOMPARE(view.status("3.weight"), UpdateRatioView::Status::Ok);
        QCOMPARE(view.status("1.bias"), UpdateRatioView::Status::Unknown);
        QVERIFY(view.statusText("1.weight").contains("too high"));
        QVERIFY(view.statusText("1.weight").contains("unstable"));
        QVERIFY(view.statusText("3.weight").startsWith("ok"));
        QVERIFY(view.statusText("1.bias").isEmpty());  // no row while biases are hidden
        // Every point of the story is on the chart, at its step.
        const auto& points = view.chart().points(view.seriesOf("1.weight"));
        QCOMPARE(points.size(), story.size());
        QCOMPARE(points.back(), QPointF(5.0 * story.size(), story.back()));

        view.setShowBiases(true);
        QVERIFY(view.seriesOf("1.bias") >= 0);
        QCOMPARE(view.chart().points(view.seriesOf("1.bias")).size(), story.size());
        QCOMPARE(view.chart().markers().size(), size_t{3});
        QVERIFY(view.statusText("1.bias").contains("rule is for weights"));
        QVERIFY(view.statusText("1.weight").contains("too high"));
        view.setShowBiases(false);
        QCOMPARE(view.seriesOf("1.bias"), -1);
        QCOMPARE(view.chart().markers().size(), size_t{3});

        // A layer that flips between too high and too low again and again: the chart keeps
        // the newest kMaxMarkers markers.
        MetricsBatch flips;
        int64_t step = 5 * static_cast<int64_t>(story.size());
        for (int flip = 0; flip < 30; ++flip) {
            for (int k = 0; k < 4; ++k) {
                step += 5;
                flips.steps.push_back(statsStep(step, {{"1.weight", flip % 2 == 0 ? 1e-5 : 1e-1},
                                                       {"1.bias", 1e-3},
                                                       {"3.weight", 1e-3},
                                                       {"3.bias", 1e-3}}));
            }
        }
        view.addMetrics(flips);
        QCOMPARE(view.chart().markers().size(), size_t{UpdateRatioView::kMaxMarkers});
        QCOMPARE(view.chart().markers().back().label, QString("1.weight ↑"));
        QVERIFY(view.chart().markers().back().x > view.chart().markers().front().x);

        // A new run clears everything.
        view.clear();
        QCOMPARE(view.chart().seriesCount(), 0);
        QVERIFY(view.chart().markers().empty());
        QVERIFY(view.statusText("1.weight").isEmpty());
    }

    // The gradient-flow verdict compares the input side with the output side.
    void flowVerdictNamesVanishing() {
        ExperimentDocument document;
        TrainingSession session(document);
        GradientFlowView view(session);
        auto step = [](int64_t at, const std::vector<double>& grads) {
            StepRecord r;
            r.step = at;
            for (size_t i = 0; i < grads.size(); ++i) {
                ParamStats s;
                s.name = std::to_string(2 * i + 1) + ".weight";
                s.gradNorm = grads[i];
                r.params.push_back(s);
            }
            return r;
        };
        MetricsBatch vanishing;
        vanishing.steps = {step(5, {1e-6, 1e-4, 1e-2, 1e-1})};
        view.addMetrics(vanishing);
        QVERIFY2(view.verdict().startsWith("Vanishing"), qPrintable(view.verdict()));
        QVERIFY(view.verdict().contains("100,000×") || view.verdict().contains("100000×") ||
                view.verdict().contains("100 000×"));
        QCOMPARE(view.bars().bars().size(), size_t{4});
        QVERIFY(view.bars().decadeLo() <= -6 && view.bars().decadeHi() >= -1);
        // Later steps replace the bars with the latest values.
        MetricsBatch flowing;
        flowing.steps = {step(10, {0.3, 0.5, 0.4, 0.6})};
        view.addMetrics(flowing);
        QVERIFY2(view.verdict().startsWith("The gradient flows"), qPrintable(view.verdict()));
        QCOMPARE(view.bars().bars()[0].value, 0.3);
        QCOMPARE(view.chart().points(view.seriesOf("1.weight")).size(), size_t{2});
        MetricsBatch exploding;
        exploding.steps = {step(15, {50.0, 1.0, 0.1, 0.2})};
        view.addMetrics(exploding);
        QVERIFY2(view.verdict().startsWith("Growing toward the input"), qPrintable(view.verdict()));
    }

    // (c) A real session on the spiral set: visible views ask for the statistics, every
    // weight tensor gets a point every kParamStatsInterval steps, a new run clears them.
    void viewsFillDuringARealRun() {
        ExperimentDocument document;
        Experiment ex = presetExperiment("spiral");
        ex.training.epochs = 3;
        document.reset(ex);
        document.setPreparedData(loadData(document));
        TrainingSession session(document);
        UpdateRatioView ratios(session);
        GradientFlowView flow(session);
        QCOMPARE(session.paramStatsInterval(), 0);
        ratios.resize(800, 600);
        flow.resize(800, 600);
        ratios.show();
        flow.show();
        QVERIFY(QTest::qWaitForWindowExposed(&ratios));
        QCOMPARE(session.paramStatsInterval(), TrainingSession::kParamStatsInterval);

        int64_t lastStep = 0;
        connect(&session, &TrainingSession::metrics, this, [&lastStep](const MetricsBatch& b) {
            if (!b.steps.empty()) {
                lastStep = b.steps.back().step;
            }
        });
        session.train();
        QTRY_VERIFY_WITH_TIMEOUT(session.state() == TrainingSession::State::Finished, kTimeoutMs);
        QTRY_VERIFY_WITH_TIMEOUT(lastStep >= 3 * 20, kTimeoutMs);

        const std::vector<QString> weights = {"1.weight", "3.weight", "5.weight"};
        const auto expectedPoints =
            static_cast<size_t>(lastStep / TrainingSession::kParamStatsInterval);
        QCOMPARE(ratios.chart().seriesCount(), 3);
        QCOMPARE(flow.chart().seriesCount(), 3);
        for (const QString& name : weights) {
            const auto& ratioPoints = ratios.chart().points(ratios.seriesOf(name));
            const auto& gradPoints = flow.chart().points(flow.seriesOf(name));
            QCOMPARE(ratioPoints.size(), expectedPoints);
            QCOMPARE(gradPoints.size(), expectedPoints);
            for (size_t i = 0; i < ratioPoints.size(); ++i) {
                QCOMPARE(ratioPoints[i].x(),
                         static_cast<double>((i + 1) * TrainingSession::kParamStatsInterval));
                QVERIFY(ratioPoints[i].y() > 0.0 && std::isfinite(ratioPoints[i].y()));
                QVERIFY(gradPoints[i].y() > 0.0 && std::isfinite(gradPoints[i].y()));
            }
            QVERIFY(ratios.status(name) != UpdateRatioView::Status::Unknown);
            QVERIFY(!ratios.statusText(name).isEmpty());
        }
        QCOMPARE(flow.bars().bars().size(), size_t{3});
        QVERIFY(!flow.verdict().isEmpty());

        QTemporaryDir dir;
        QVERIFY(ratios.exportPng(dir.filePath("ratios.png")));
        QVERIFY(flow.exportPng(dir.filePath("flow.png")));
        QVERIFY(!QImage(dir.filePath("flow.png")).isNull());

        // Hidden, they stop asking; a new network's run clears them.
        ratios.hide();
        QCOMPARE(session.paramStatsInterval(), TrainingSession::kParamStatsInterval);
        flow.hide();
        QCOMPARE(session.paramStatsInterval(), 0);
        session.resetWeights();
        session.train();
        QCOMPARE(ratios.chart().seriesCount(), 0);
        QCOMPARE(flow.chart().seriesCount(), 0);
        QVERIFY(flow.bars().bars().empty());
        session.stop();
        QTRY_VERIFY_WITH_TIMEOUT(session.state() != TrainingSession::State::Running, kTimeoutMs);
    }
};

QTEST_MAIN(ParamStatsViewsTest)
#include "ParamStatsViewsTest.moc"
