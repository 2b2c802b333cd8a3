#pragma once
// CurvesPanel: the live training curves.
//
//   loss chart       training loss per step (raw, faint) and smoothed; validation loss
//                    per epoch (a dot at the epoch's last step)
//   accuracy chart   training accuracy per step (smoothed); validation accuracy per
//                    epoch. Hidden while a run reports no accuracy (regression losses).
//   rate chart       the learning rate of every step
//
// Every chart counts steps on its x axis and marks a hand-made learning-rate change with
// a vertical line. Smoothing is an exponential moving average with bias correction
// (TensorBoard's, Adam's): the first smoothed value equals the first raw one instead of
// starting near zero. The log-scale toggle applies to the loss and rate charts.
//
// Data arrives in bulk through addMetrics (one call per TrainingSession::metrics
// signal); the charts coalesce their redraws to at most ~10 a second. runStarted clears
// everything. GUI thread only.

#include "widgets/TrainingSession.h"

#include <QPointF>
#include <QWidget>

#include <cstdint>
#include <map>
#include <vector>

class QCheckBox;
class QLabel;
class QSlider;

namespace dlab::ui {

class LineChart;

// Exponential moving average with bias correction: after n values,
// biased = w·biased + (1 - w)·x and the result is biased / (1 - wⁿ).
class DebiasedEma {
public:
    explicit DebiasedEma(double weight = 0.0) : m_weight(weight) {}
    double add(double value);
    void reset();

private:
    double m_weight;
    double m_biased = 0.0;
    double m_weightPower = 1.0;  // wⁿ
};

class CurvesPanel : public QWidget {
    Q_OBJECT
public:
    // Series indices in each chart.
    enum LossSeries { kTrainLossRaw, kTrainLossSmoothed, kValLoss };
    enum AccuracySeries { kTrainAccuracySmoothed, kValAccuracy };
    enum RateSeries { kLearningRate };

    static constexpr double kDefaultSmoothing = 0.9;
    static constexpr double kMaxSmoothing = 0.99;

    explicit CurvesPanel(QWidget* parent = nullptr);

    // Feeds this panel from a session: metrics → addMetrics, runStarted → clear.
    void connectSession(TrainingSession& session);

    // Smoothing weight in [0, 0.99]; 0 draws the raw values. Recomputes the smoothed
    // curves from the raw data.
    void setSmoothing(double weight);
    double smoothing() const { return m_smoothing; }
    void setLogScale(bool on);
    bool logScale() const { return m_logScale; }
    void setPresentationMode(bool on);

    // The three charts side by side as one picture / all their series as one CSV
    // (LineChart::writeCsv's format). False when the file cannot be written.
    bool exportPng(const QString& path);
    bool exportCsv(const QString& path) const;

    // Pushes pending points to the charts now instead of at the next coalesced redraw.
    void refreshNow();

    LineChart& lossChart() { return *m_loss; }
    LineChart& accuracyChart() { return *m_accuracy; }
    LineChart& learningRateChart() { return *m_rate; }

public slots:
    void addMetrics(const dlab::ui::MetricsBatch& batch);
    void clear();

private:
    void recomputeSmoothed();
    void chooseAndExportPng();
    void chooseAndExportCsv();
    double epochEndStep(const EpochRecord& record) const;

    LineChart* m_loss = nullptr;
    LineChart* m_accuracy = nullptr;
    LineChart* m_rate = nullptr;
    QWidget* m_chartsArea = nullptr;
    QSlider* m_smoothingSlider = nullptr;
    QLabel* m_smoothingValue = nullptr;
    QCheckBox* m_logCheck = nullptr;

    double m_smoothing = kDefaultSmoothing;
    bool m_logScale = false;
    bool m_hasAccuracy = false;
    DebiasedEma m_lossEma{kDefaultSmoothing};
    DebiasedEma m_accuracyEma{kDefaultSmoothing};
    std::vector<QPointF> m_rawAccuracy;   // per step, for re-smoothing
    std::map<int, int64_t> m_epochLastStep;  // epoch → its last step seen
    int m_batchesPerEpoch = 0;
};

}  // namespace dlab::ui
