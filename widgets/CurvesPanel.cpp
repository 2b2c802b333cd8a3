#include "widgets/CurvesPanel.h"

#include "widgets/LineChart.h"

#include <QCheckBox>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QLabel>
#include <QMessageBox>
#include <QPixmap>
#include <QSlider>
#include <QSplitter>
#include <QToolButton>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

namespace dlab::ui {
namespace {

// Colours that read on light and dark backgrounds alike (Tableau 10).
const QColor kTrainColor(31, 119, 180);
const QColor kValColor(255, 127, 14);
const QColor kRateColor(148, 103, 189);

QColor faded(QColor color, double alpha) {
    color.setAlphaF(static_cast<float>(alpha));
    return color;
}

constexpr int kSliderSteps = 99;  // slider value / 100 = weight, up to kMaxSmoothing

}  // namespace

double DebiasedEma::add(double value) {
    m_biased = m_weight * m_biased + (1.0 - m_weight) * value;
    m_weightPower *= m_weight;
    const double correction = 1.0 - m_weightPower;
    // With weight 0 the correction is 1 from the first value on.
    return correction > 0.0 ? m_biased / correction : value;
}

void DebiasedEma::reset() {
    m_biased = 0.0;
    m_weightPower = 1.0;
}

CurvesPanel::CurvesPanel(QWidget* parent) : QWidget(parent) {
    m_loss = new LineChart;
    m_loss->setObjectName("lossChart");
    m_loss->setTitle(tr("Loss"));
    m_loss->setAxisTitles(tr("step"), tr("loss"));
    m_loss->addSeries(tr("training (per step)"), faded(kTrainColor, 0.3), 1.0);
    m_loss->addSeries(tr("training (smoothed)"), kTrainColor, 2.0);
    m_loss->addSeries(tr("validation (per epoch)"), kValColor, 2.0, true);
    m_loss->setPlaceholderText(tr("Press Train: the loss of every mini-batch appears here."));

    m_accuracy = new LineChart;
    m_accuracy->setObjectName("accuracyChart");
    m_accuracy->setTitle(tr("Accuracy"));
    m_accuracy->setAxisTitles(tr("step"), tr("accuracy"));
    m_accuracy->setYLimits(0.0, 1.0);
    // Two short entries: this chart shares its row, and a narrow legend elides. The
    // epoch means of training accuracy would only retrace the smoothed curve.
    m_accuracy->addSeries(tr("training (smoothed)"), kTrainColor, 1.5);
    m_accuracy->addSeries(tr("validation"), kValColor, 2.0, true);

    m_rate = new LineChart;
    m_rate->setObjectName("learningRateChart");
    m_rate->setTitle(tr("Learning rate"));
    m_rate->setAxisTitles(tr("step"), tr("learning rate"));
    m_rate->addSeries(tr("learning rate"), kRateColor, 2.0);
    m_rate->setLegendVisible(false);

    m_loss->setToolTip(tr("The loss of every mini-batch (faint) and its moving average. "
                          "Validation loss rising while training loss falls is overfitting."));
    m_accuracy->setToolTip(tr("Fraction of samples classified correctly. A large gap between "
                              "training and validation accuracy means overfitting."));
    m_rate->setToolTip(tr("The learning rate the optimizer used at each step, after the "
                          "schedule. Dashed lines mark changes made by hand."));

    auto* smoothingLabel = new QLabel(tr("Smoothing"));
    m_smoothingSlider = new QSlider(Qt::Horizontal);
    m_smoothingSlider->setObjectName("smoothingSlider");
    m_smoothingSlider->setRange(0, kSliderSteps);
    m_smoothingSlider->setValue(static_cast<int>(std::lround(m_smoothing * 100)));
    m_smoothingSlider->setMinimumWidth(90);
    m_smoothingSlider->setMaximumWidth(200);
    const QString smoothingHelp =
        tr("Exponential moving average of the per-step values: 0 shows the raw values, 0.99 "
           "averages over about the last 100 steps. Bias-corrected like Adam's moments, so "
           "the curve starts at the first value rather than near zero.");
    m_smoothingSlider->setToolTip(smoothingHelp);
    smoothingLabel->setToolTip(smoothingHelp);
    m_smoothingValue = new QLabel(QString::number(m_smoothing, 'f', 2));
    connect(m_smoothingSlider, &QSlider::valueChanged, this,
            [this](int value) { setSmoothing(value / 100.0); });

    m_logCheck = new QCheckBox(tr("Log scale"));
    m_logCheck->setObjectName("logScale");
    m_logCheck->setToolTip(tr("Logarithmic y axis for the loss and the learning rate: equal "
                              "distances are equal factors, so late progress stays visible."));
    connect(m_logCheck, &QCheckBox::toggled, this, &CurvesPanel::setLogScale);

    auto* pngButton = new QToolButton;
    pngButton->setText(tr("Export PNG…"));
    pngButton->setToolTip(tr("Save the charts as a picture."));
    connect(pngButton, &QToolButton::clicked, this, &CurvesPanel::chooseAndExportPng);
    auto* csvButton = new QToolButton;
    csvButton->setText(tr("Export CSV…"));
    csvButton->setToolTip(tr("Save every point of every curve (not only the ones drawn) as "
                             "chart, series, x, y rows."));
    connect(csvButton, &QToolButton::clicked, this, &CurvesPanel::chooseAndExportCsv);

    auto* bar = new QHBoxLayout;
    bar->addWidget(smoothingLabel);
    bar->addWidget(m_smoothingSlider);
    bar->addWidget(m_smoothingValue);
    bar->addSpacing(12);
    bar->addWidget(m_logCheck);
    bar->addStretch(1);
    bar->addWidget(pngButton);
    bar->addWidget(csvButton);

    auto* lower = new QSplitter(Qt::Horizontal);
    lower->addWidget(m_accuracy);
    lower->addWidget(m_rate);
    lower->setChildrenCollapsible(false);
    auto* splitter = new QSplitter(Qt::Vertical);
    splitter->addWidget(m_loss);
    splitter->addWidget(lower);
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 2);
    splitter->setChildrenCollapsible(false);
    m_chartsArea = splitter;

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addLayout(bar);
    layout->addWidget(splitter, 1);
}

void CurvesPanel::connectSession(TrainingSession& session) {
    connect(&session, &TrainingSession::metrics, this, &CurvesPanel::addMetrics);
    connect(&session, &TrainingSession::runStarted, this, &CurvesPanel::clear);
}

void CurvesPanel::addMetrics(const MetricsBatch& batch) {
    std::vector<QPointF> raw;
    std::vector<QPointF> smoothed;
    std::vector<QPointF> accuracy;
    std::vector<QPointF> rates;
    raw.reserve(batch.steps.size());
    smoothed.reserve(batch.steps.size());
    rates.reserve(batch.steps.size());
    for (const StepRecord& r : batch.steps) {
        const double x = static_cast<double>(r.step);
        raw.emplace_back(x, r.loss);
        // One non-finite loss would poison every later average; the raw curve shows it.
        if (std::isfinite(r.loss)) {
            smoothed.emplace_back(x, m_lossEma.add(r.loss));
        }
        rates.emplace_back(x, r.learningRate);
        if (r.accuracy >= 0.0) {
            m_rawAccuracy.emplace_back(x, r.accuracy);
            accuracy.emplace_back(x, m_accuracyEma.add(r.accuracy));
        }
        if (r.learningRateChanged) {
            const QString label = tr("lr → %1").arg(QString::number(r.learningRate, 'g', 3));
            for (LineChart* chart : {m_loss, m_accuracy, m_rate}) {
                chart->addMarker(x, label);
            }
        }
        int64_t& last = m_epochLastStep[r.epoch];
        last = std::max(last, r.step);
        m_batchesPerEpoch = std::max(m_batchesPerEpoch, r.batches);
    }

    std::vector<QPointF> valLoss;
    std::vector<QPointF> valAccuracy;
    for (const EpochRecord& r : batch.epochs) {
        const double x = epochEndStep(r);
        if (r.valLoss >= 0.0) {
            valLoss.emplace_back(x, r.valLoss);
        }
        if (r.valAccuracy >= 0.0) {
            valAccuracy.emplace_back(x, r.valAccuracy);
        }
    }

    m_loss->append(kTrainLossRaw, raw);
    m_loss->append(kTrainLossSmoothed, smoothed);
    m_loss->append(kValLoss, valLoss);
    m_accuracy->append(kTrainAccuracySmoothed, accuracy);
    m_accuracy->append(kValAccuracy, valAccuracy);
    m_rate->append(kLearningRate, rates);

    if (!accuracy.empty() || !valAccuracy.empty()) {
        m_hasAccuracy = true;
    }
    // Regression losses report no accuracy; an empty chart would only puzzle.
    const bool showAccuracy = m_hasAccuracy || m_loss->points(kTrainLossRaw).empty();
    if (m_accuracy->isHidden() == showAccuracy) {
        m_accuracy->setVisible(showAccuracy);
    }
}

double CurvesPanel::epochEndStep(const EpochRecord& record) const {
    const auto it = m_epochLastStep.find(record.epoch);
    if (it != m_epochLastStep.end()) {
        return static_cast<double>(it->second);
    }
    // Steps count across epochs, so an epoch ends at epoch × batches.
    return static_cast<double>(record.epoch) * std::max(m_batchesPerEpoch, 1);
}

void CurvesPanel::clear() {
    for (LineChart* chart : {m_loss, m_accuracy, m_rate}) {
        chart->clear();
    }
    m_lossEma.reset();
    m_accuracyEma.reset();
    m_rawAccuracy.clear();
    m_epochLastStep.clear();
    m_batchesPerEpoch = 0;
    m_hasAccuracy = false;
    m_accuracy->setVisible(true);
}

void CurvesPanel::setSmoothing(double weight) {
    weight = std::clamp(weight, 0.0, kMaxSmoothing);
    if (weight == m_smoothing) {
        return;
    }
    m_smoothing = weight;
    m_smoothingValue->setText(QString::number(weight, 'f', 2));
    const int sliderValue = static_cast<int>(std::lround(weight * 100));
    if (m_smoothingSlider->value() != sliderValue) {
        const QSignalBlocker block(m_smoothingSlider);
        m_smoothingSlider->setValue(sliderValue);
    }
    recomputeSmoothed();
}

void CurvesPanel::recomputeSmoothed() {
    auto smooth = [this](const std::vector<QPointF>& raw, DebiasedEma& ema) {
        ema = DebiasedEma(m_smoothing);
        std::vector<QPointF> out;
        out.reserve(raw.size());
        for (const QPointF& p : raw) {
            if (std::isfinite(p.y())) {
                out.emplace_back(p.x(), ema.add(p.y()));
            }
        }
        return out;
    };
    m_loss->setPoints(kTrainLossSmoothed, smooth(m_loss->points(kTrainLossRaw), m_lossEma));
    m_accuracy->setPoints(kTrainAccuracySmoothed, smooth(m_rawAccuracy, m_accuracyEma));
}

void CurvesPanel::setLogScale(bool on) {
    m_logScale = on;
    if (m_logCheck->isChecked() != on) {
        const QSignalBlocker block(m_logCheck);
        m_logCheck->setChecked(on);
    }
    m_loss->setLogY(on);
    m_rate->setLogY(on);
}

void CurvesPanel::setPresentationMode(bool on) {
    for (LineChart* chart : {m_loss, m_accuracy, m_rate}) {
        chart->setPresentationMode(on);
    }
}

void CurvesPanel::refreshNow() {
    for (LineChart* chart : {m_loss, m_accuracy, m_rate}) {
        chart->refreshNow();
    }
}

bool CurvesPanel::exportPng(const QString& path) {
    refreshNow();
    return m_chartsArea->grab().save(path, "PNG");
}

bool CurvesPanel::exportCsv(const QString& path) const {
    return LineChart::writeCsv(path, {m_loss, m_accuracy, m_rate});
}

void CurvesPanel::chooseAndExportPng() {
    const QString path = QFileDialog::getSaveFileName(this, tr("Export the curves as a picture"),
                                                      "curves.png", tr("PNG images (*.png)"));
    if (!path.isEmpty() && !exportPng(path)) {
        QMessageBox::warning(this, tr("Export failed"),
                             tr("Could not write %1. Is the folder writable?").arg(path));
    }
}

void CurvesPanel::chooseAndExportCsv() {
    const QString path = QFileDialog::getSaveFileName(this, tr("Export the curves as CSV"),
                                                      "curves.csv", tr("CSV files (*.csv)"));
    if (!path.isEmpty() && !exportCsv(path)) {
        QMessageBox::warning(this, tr("Export failed"),
                             tr("Could not write %1. Is the folder writable?").arg(path));
    }
}

}  // namespace dlab::ui
