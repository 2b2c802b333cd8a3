// CurvesPanel and LineChart: metrics become points in bulk, smoothing is debiased, the
// drawn view is a min/max reduction of the full data, the log toggle swaps the axis,
// CSV exports every point, learning-rate changes are marked.

#include "widgets/AxisRange.h"
#include "widgets/CurvesPanel.h"
#include "widgets/LineChart.h"

#include <QAbstractAxis>
#include <QChart>
#include <QChartView>
#include <QCheckBox>
#include <QDir>
#include <QFile>
#include <QImage>
#include <QSlider>
#include <QTemporaryDir>
#include <QTest>
#include <QToolTip>

#include <cmath>
#include <random>

using namespace dlab;
using namespace dlab::ui;

namespace {

StepRecord stepRecord(int64_t step, double loss, double accuracy, double lr,
                      int batchesPerEpoch = 100) {
    StepRecord r;
    r.step = step;
    r.epoch = static_cast<int>((step - 1) / batchesPerEpoch) + 1;
    r.batch = static_cast<int>((step - 1) % batchesPerEpoch) + 1;
    r.batches = batchesPerEpoch;
    r.loss = loss;
    r.accuracy = accuracy;
    r.learningRate = lr;
    return r;
}

// A decaying noisy loss over `steps` steps with per-epoch records, like a real run.
MetricsBatch syntheticRun(int steps, int batchesPerEpoch, int changeLrAt = -1) {
    std::mt19937 rng(7);
    std::normal_distribution<double> noise(0.0, 1.0);
    MetricsBatch batch;
    double lr = 1e-3;
    for (int s = 1; s <= steps; ++s) {
        const double t = s / static_cast<double>(steps);
        const double clean = 0.08 + 2.2 * std::exp(-5.0 * t);
        const double loss = std::max(0.01, clean * (1.0 + 0.25 * noise(rng)));
        const double acc = std::clamp(1.0 - 0.9 * std::exp(-5.0 * t) + 0.05 * noise(rng), 0.0, 1.0);
        StepRecord r = stepRecord(s, loss, acc, lr, batchesPerEpoch);
        if (s == changeLrAt) {
            lr = 3e-4;
            r.learningRate = lr;
            r.learningRateChanged = true;
        }
        batch.steps.push_back(r);
        if (s % batchesPerEpoch == 0) {
            EpochRecord e;
            e.epoch = s / batchesPerEpoch;
            e.trainLoss = clean;
            e.trainAccuracy = 1.0 - 0.85 * std::exp(-5.0 * t);
            e.valLoss = clean * 1.1 + 0.02 * t;
            e.valAccuracy = 1.0 - 0.9 * std::exp(-5.0 * t) - 0.02;
            e.learningRate = lr;
            batch.epochs.push_back(e);
        }
    }
    return batch;
}

QAbstractAxis* verticalAxis(LineChart& chart) {
    auto* view = chart.findChild<QChartView*>();
    for (QAbstractAxis* axis : view->chart()->axes(Qt::Vertical)) {
        if (axis->isVisible()) {
            return axis;
        }
    }
    return nullptr;
}

}  // namespace

class CurvesPanelTest : public QObject {
    Q_OBJECT
private slots:
    void metricsAddPointsInBulk() {
        CurvesPanel panel;
        MetricsBatch batch;
        batch.steps = {stepRecord(1, 2.3, 0.1, 0.01), stepRecord(2, 2.1, 0.2, 0.01),
                       stepRecord(3, 1.9, 0.3, 0.005)};
        EpochRecord e;
        e.epoch = 1;
        e.trainAccuracy = 0.25;
        e.valLoss = 1.95;
        e.valAccuracy = 0.3;
        batch.epochs = {e};
        panel.addMetrics(batch);
        panel.refreshNow();

        LineChart& loss = panel.lossChart();
        QCOMPARE(loss.points(CurvesPanel::kTrainLossRaw).size(), size_t(3));
        QCOMPARE(loss.points(CurvesPanel::kTrainLossRaw).back(), QPointF(3, 1.9));
        QCOMPARE(loss.displayedPoints(CurvesPanel::kTrainLossRaw).size(), 3);
        QCOMPARE(loss.points(CurvesPanel::kValLoss).size(), size_t(1));
        // The epoch's point sits at its last step.
        QCOMPARE(loss.points(CurvesPanel::kValLoss).back(), QPointF(3, 1.95));
        QCOMPARE(panel.accuracyChart().points(CurvesPanel::kValAccuracy).back().y(), 0.3);
        QCOMPARE(panel.learningRateChart().points(CurvesPanel::kLearningRate).back(),
                 QPointF(3, 0.005));

        // A second batch appends.
        MetricsBatch more;
        more.steps = {stepRecord(4, 1.7, 0.4, 0.005)};
        panel.addMetrics(more);
        QCOMPARE(loss.points(CurvesPanel::kTrainLossRaw).size(), size_t(4));
        QCOMPARE(loss.points(CurvesPanel::kTrainLossRaw).back().y(), 1.7);
    }

    void followsASession() {
        ExperimentDocument document;
        TrainingSession session(document);
        CurvesPanel panel;
        panel.connectSession(session);
        emit session.metrics(syntheticRun(50, 10));
        QCOMPARE(panel.lossChart().points(CurvesPanel::kTrainLossRaw).size(), size_t(50));
        emit session.runStarted();
        QVERIFY(panel.lossChart().points(CurvesPanel::kTrainLossRaw).empty());
        QVERIFY(panel.learningRateChart().points(CurvesPanel::kLearningRate).empty());
    }

    void redrawsAreCoalesced() {
        CurvesPanel panel;
        panel.resize(900, 700);
        panel.show();
        MetricsBatch one;
        one.steps = {stepRecord(1, 1.0, 0.5, 0.01)};
        panel.addMetrics(one);
        // Nothing is pushed to Qt Charts until the coalescing timer fires.
        QCOMPARE(panel.lossChart().displayedPoints(CurvesPanel::kTrainLossRaw).size(), 0);
        QTRY_COMPARE_WITH_TIMEOUT(
            panel.lossChart().displayedPoints(CurvesPanel::kTrainLossRaw).size(), 1, 1000);
    }

    void smoothingIsDebiased() {
        DebiasedEma ema(0.9);
        QCOMPARE(ema.add(5.0), 5.0);
        for (int i = 0; i < 50; ++i) {
            QVERIFY(std::abs(ema.add(5.0) - 5.0) < 1e-12);
        }

        CurvesPanel panel;
        panel.setSmoothing(0.95);
        MetricsBatch batch;
        for (int s = 1; s <= 20; ++s) {
            batch.steps.push_back(stepRecord(s, 0.7, 0.5, 0.01));
        }
        batch.steps[0].loss = 2.0;
        panel.addMetrics(batch);
        const auto& smoothed = panel.lossChart().points(CurvesPanel::kTrainLossSmoothed);
        QCOMPARE(smoothed.front().y(), 2.0);
        // Changing the weight recomputes from the raw data, still debiased.
        panel.setSmoothing(0.5);
        QCOMPARE(panel.lossChart().points(CurvesPanel::kTrainLossSmoothed).front().y(), 2.0);
        panel.setSmoothing(0.0);
        QCOMPARE(panel.lossChart().points(CurvesPanel::kTrainLossSmoothed),
                 panel.lossChart().points(CurvesPanel::kTrainLossRaw));
        // The slider follows.
        QCOMPARE(panel.findChild<QSlider*>("smoothingSlider")->value(), 0);
    }

    void constantInputSmoothsToTheConstant() {
        CurvesPanel panel;
        MetricsBatch batch;
        for (int s = 1; s <= 200; ++s) {
            batch.steps.push_back(stepRecord(s, 0.42, 0.8, 0.01));
        }
        panel.addMetrics(batch);
        for (const QPointF& p : panel.lossChart().points(CurvesPanel::kTrainLossSmoothed)) {
            QVERIFY(std::abs(p.y() - 0.42) < 1e-12);
        }
        for (const QPointF& p :
             panel.accuracyChart().points(CurvesPanel::kTrainAccuracySmoothed)) {
            QVERIFY(std::abs(p.y() - 0.8) < 1e-12);
        }
    }

    void downsamplingKeepsMinAndMaxPerBucket() {
        std::vector<QPointF> points;
        std::mt19937 rng(3);
        std::uniform_real_distribution<double> u(0.0, 1.0);
        for (int i = 0; i < 10000; ++i) {
            points.emplace_back(i, u(rng));
        }
        points[1234].setY(50.0);   // a spike
        points[8765].setY(-50.0);  // a dip
        const int buckets = 100;
        const QList<QPointF> view = SeriesData::downsample(points, buckets);
        QVERIFY(view.size() <= 2 * buckets);
        QVERIFY(view.contains(QPointF(1234, 50.0)));
        QVERIFY(view.contains(QPointF(8765, -50.0)));
        // Every bucket's extremes are in the view, and x stays in order.
        const double span = points.back().x() - points.front().x();
        for (int b = 0; b < buckets; ++b) {
            double lo = 1e9;
            double hi = -1e9;
            QPointF pLo;
            QPointF pHi;
            for (const QPointF& p : points) {
                const int pb = std::min(buckets - 1, static_cast<int>(p.x() / span * buckets));
                if (pb == b) {
                    if (p.y() < lo) {
                        lo = p.y();
                        pLo = p;
                    }
                    if (p.y() > hi) {
                        hi = p.y();
                        pHi = p;
                    }
                }
            }
            QVERIFY2(view.contains(pLo) && view.contains(pHi), qPrintable(QString::number(b)));
        }
        for (qsizetype i = 1; i < view.size(); ++i) {
            QVERIFY(view[i].x() > view[i - 1].x());
        }
        // Small inputs come back whole; the log view drops what a log axis cannot show.
        QCOMPARE(SeriesData::downsample({{0, 1}, {1, -1}, {2, 3}}, 10).size(), 3);
        QCOMPARE(SeriesData::downsample({{0, 1}, {1, -1}, {2, 3}}, 10, true).size(), 2);
    }

    void chartDrawsAReducedViewOfTheFullData() {
        CurvesPanel panel;
        panel.resize(900, 700);
        panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        panel.addMetrics(syntheticRun(20000, 500));
        panel.refreshNow();
        const LineChart& loss = panel.lossChart();
        QCOMPARE(loss.points(CurvesPanel::kTrainLossRaw).size(), size_t(20000));
        const int drawn = loss.displayedPoints(CurvesPanel::kTrainLossRaw).size();
        QVERIFY2(drawn > 100 && drawn <= 2 * (loss.width() + 64),
                 qPrintable(QString::number(drawn)));
        // The largest loss is drawn.
        double maxLoss = 0.0;
        for (const QPointF& p : loss.points(CurvesPanel::kTrainLossRaw)) {
            maxLoss = std::max(maxLoss, p.y());
        }
        bool found = false;
        for (const QPointF& p : loss.displayedPoints(CurvesPanel::kTrainLossRaw)) {
            found = found || p.y() == maxLoss;
        }
        QVERIFY(found);
    }

    void logToggleSwitchesTheAxis() {
        CurvesPanel panel;
        MetricsBatch batch;
        batch.steps = {stepRecord(1, 2.0, 0.1, 0.01), stepRecord(2, 0.0, 0.2, 0.01),
                       stepRecord(3, 0.5, 0.3, 0.01)};
        panel.addMetrics(batch);
        panel.refreshNow();
        QCOMPARE(verticalAxis(panel.lossChart())->type(), QAbstractAxis::AxisTypeValue);
        panel.findChild<QCheckBox*>("logScale")->click();
        QVERIFY(panel.logScale());
        QCOMPARE(verticalAxis(panel.lossChart())->type(), QAbstractAxis::AxisTypeLogValue);
        QCOMPARE(verticalAxis(panel.learningRateChart())->type(),
                 QAbstractAxis::AxisTypeLogValue);
        // Zero has no place on a log axis: it is left out of the view, not out of the data.
        QCOMPARE(panel.lossChart().displayedPoints(CurvesPanel::kTrainLossRaw).size(), 2);
        QCOMPARE(panel.lossChart().points(CurvesPanel::kTrainLossRaw).size(), size_t(3));
        panel.setLogScale(false);
        QCOMPARE(verticalAxis(panel.lossChart())->type(), QAbstractAxis::AxisTypeValue);
        QCOMPARE(panel.lossChart().displayedPoints(CurvesPanel::kTrainLossRaw).size(), 3);
    }

    void axesShowRoundNumbers() {
        const AxisRange x = niceRange(1, 2000, 6);
        QCOMPARE(x.lo, 0.0);
        QCOMPARE(x.hi, 2000.0);
        QCOMPARE(x.ticks, 5);  // 0, 500, ..., 2000
        // A loss never gets a negative axis; accuracy stays within [0, 1].
        const AxisRange loss = linearDataRange(0.05, 3.4, -1e300, 1e300, 6);
        QCOMPARE(loss.lo, 0.0);
        QCOMPARE(loss.hi, 4.0);
        const AxisRange accuracy = linearDataRange(0.05, 0.99, 0.0, 1.0, 6);
        QCOMPARE(accuracy.lo, 0.0);
        QCOMPARE(accuracy.hi, 1.0);
        QCOMPARE(accuracy.ticks, 6);
        // Whole decades on a log axis.
        const AxisRange log = logDataRange(0.03, 2.5);
        QVERIFY(std::abs(log.lo - 0.01) < 1e-9 && std::abs(log.hi - 10.0) < 1e-6);
        QCOMPARE(log.ticks, 4);
    }

    void csvExportWritesEveryPoint() {
        CurvesPanel panel;
        panel.addMetrics(syntheticRun(3000, 300));
        QTemporaryDir dir;
        const QString path = dir.filePath("curves.csv");
        QVERIFY(panel.exportCsv(path));
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly | QIODevice::Text));
        const QStringList lines = QString::fromUtf8(file.readAll()).split('\n', Qt::SkipEmptyParts);
        QCOMPARE(lines.front(), QString("chart,series,x,y"));
        // 3000 raw + 3000 smoothed + 10 val loss; 3000 + 10 accuracy; 3000 rates.
        QCOMPARE(lines.size() - 1, 3000 + 3000 + 10 + 3000 + 10 + 3000);
        // Numbers read back exactly.
        const double firstLoss = panel.lossChart().points(CurvesPanel::kTrainLossRaw).front().y();
        QCOMPARE(lines[1].section(',', 3).toDouble(), firstLoss);
        QVERIFY(lines[1].startsWith("Loss,training (per step),1,"));
    }

    void learningRateChangesAreMarked() {
        CurvesPanel panel;
        panel.addMetrics(syntheticRun(1000, 100, 600));
        for (LineChart* chart :
             {&panel.lossChart(), &panel.accuracyChart(), &panel.learningRateChart()}) {
            QCOMPARE(chart->markers().size(), size_t(1));
            QCOMPARE(chart->markers().front().x, 600.0);
            QVERIFY(chart->markers().front().label.contains("0.0003"));
        }
        panel.clear();
        QVERIFY(panel.lossChart().markers().empty());
        QVERIFY(panel.lossChart().points(CurvesPanel::kTrainLossRaw).empty());
    }

    void hoverFindsTheNearestPoint() {
        LineChart chart;
        chart.resize(600, 400);
        chart.show();
        QVERIFY(QTest::qWaitForWindowExposed(&chart));
        const int s = chart.addSeries("loss", Qt::blue);
        std::vector<QPointF> points;
        for (int i = 0; i <= 100; ++i) {
            points.emplace_back(i, 10.0 - 0.05 * i);
        }
        chart.append(s, points);
        chart.refreshNow();
        QCoreApplication::processEvents();
        chart.refreshNow();
        const QPointF at = chart.mapToWidget(QPointF(40, 8.0));
        const auto hit = chart.pointNear(at.toPoint());
        QVERIFY(hit.has_value());
        QCOMPARE(hit->value, QPointF(40, 8.0));
        QVERIFY(!chart.pointNear(QPoint(2, 2)).has_value());
        // Moving the mouse there shows the exact values.
        QWidget* viewport = chart.findChild<QChartView*>()->viewport();
        QTest::mouseMove(viewport, viewport->mapFrom(&chart, at.toPoint()));
        QTRY_VERIFY(QToolTip::text().contains("loss"));
        QVERIFY(QToolTip::text().contains("40"));
        QVERIFY(QToolTip::text().contains("8"));
    }

    void screenshot() {
        CurvesPanel panel;
        panel.resize(1100, 760);
        panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        panel.addMetrics(syntheticRun(2000, 200, 1200));
        panel.refreshNow();
        QCoreApplication::processEvents();
        panel.refreshNow();
        const QImage image = panel.grab().toImage();
        QVERIFY(image.save(QDir::temp().filePath("curves.png")));
        panel.setLogScale(true);
        panel.setPresentationMode(true);
        QPalette dark;
        dark.setColor(QPalette::Window, QColor(45, 45, 48));
        dark.setColor(QPalette::Base, QColor(30, 30, 32));
        dark.setColor(QPalette::Text, QColor(230, 230, 230));
        dark.setColor(QPalette::WindowText, QColor(230, 230, 230));
        panel.setPalette(dark);
        panel.refreshNow();
        QCoreApplication::processEvents();
        panel.refreshNow();
        QVERIFY(panel.grab().save(QDir::temp().filePath("curves_dark.png")));
        QTemporaryDir dir;
        QVERIFY(panel.exportPng(dir.filePath("export.png")));
        QVERIFY(QImage(dir.filePath("export.png")).width() > 100);
    }
};

QTEST_MAIN(CurvesPanelTest)
#include "CurvesPanelTest.moc"
