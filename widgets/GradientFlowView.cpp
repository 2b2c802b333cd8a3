#include "widgets/GradientFlowView.h"

#include <QLabel>
#include <QLocale>
#include <QVBoxLayout>
#include <cmath>

#include "widgets/DepthBarChart.h"
#include "widgets/LineChart.h"

namespace dlab::ui {
namespace {

constexpr int kChartRefreshMs = 250;

// "3.weight" → "3", "4.shortcut.weight" → "4.shortcut": the bar's label names the layer.
QString layerLabel(const QString& name) {
    return name.endsWith(QLatin1String(".weight")) ? name.chopped(7) : name;
}

// A factor ≥ 1 as "2.5×" or "12,000×" (in the locale's digit grouping).
QString factorText(double factor) {
    return factor < 10.0
               ? QStringLiteral("%1×").arg(QLocale().toString(factor, 'f', 1))
               : QStringLiteral("%1×").arg(QLocale().toString(std::round(factor), 'f', 0));
}

}  // namespace

GradientFlowView::GradientFlowView(TrainingSession& session, QWidget* parent)
    : InspectView(session, parent) {
    setWantsParamStats(true);

    m_chart = new LineChart;
    // Its lines grow every kParamStatsInterval steps: 4 redraws a second keep it live at a
    // third of the curves' drawing cost.
    m_chart->setRefreshIntervalMs(kChartRefreshMs);
    m_barsTimer.setSingleShot(true);
    m_barsTimer.setInterval(kChartRefreshMs);
    connect(&m_barsTimer, &QTimer::timeout, this, [this] { updateBars(); });
    m_chart->setObjectName("gradientNormChart");
    m_chart->setTitle(tr("Gradient norm of each layer's weights"));
    m_chart->setAxisTitles(tr("step"), tr("‖∂L/∂W‖"));
    m_chart->setLogY(true);
    m_chart->setPlaceholderText(
        tr("Press Train: the size of every weight tensor's gradient appears here."));
    m_chart->setToolTip(
        tr("‖∂L/∂W‖: how strongly the loss pulls on each layer's weights, step by step "
           "(blue: near the input, red: near the output). Curves that fall toward 0 for the "
           "first layers are vanishing gradients; curves that shoot up are exploding "
           "gradients: lower the learning rate or clip the gradient."));

    m_bars = new DepthBarChart;
    m_bars->setObjectName("gradientDepthBars");
    m_bars->setTitle(tr("Latest gradient norm by depth"));
    m_bars->setAxisTitles(tr("layer: input → output"), tr("‖∂L/∂W‖"));
    m_bars->setPlaceholderText(tr("One bar per layer, input on the left."));
    m_bars->setToolTip(
        tr("The gradient reaching each layer, input on the left. Backpropagation multiplies "
           "by every layer's local gradient on the way back: with sigmoid or tanh those are "
           "below 1 and the bars fall toward the input (vanishing gradients, the first layers "
           "hardly learn). ReLU, He/Xavier initialization, batch normalization and residual "
           "connections keep the bars level."));

    m_verdict = new QLabel;
    m_verdict->setObjectName("gradientVerdict");
    m_verdict->setWordWrap(true);
    m_verdict->setToolTip(m_bars->toolTip());

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addWidget(m_chart, 3);
    layout->addWidget(m_bars, 2);
    layout->addWidget(m_verdict);

    connect(&session, &TrainingSession::metrics, this, &GradientFlowView::addMetrics);
    connect(&session, &TrainingSession::runStarted, this, &GradientFlowView::clear);
    updateBars();
}

int GradientFlowView::seriesOf(const QString& name) const {
    for (size_t i = 0; i < m_tracks.tracks().size(); ++i) {
        if (m_tracks.tracks()[i].name == name) {
            return m_series[i];
        }
    }
    return -1;
}

QString GradientFlowView::verdict() const {
    flushBars();
    return m_verdict->text();
}

void GradientFlowView::flushBars() const {
    if (m_barsTimer.isActive()) {
        m_barsTimer.stop();
        updateBars();
    }
}

void GradientFlowView::addMetrics(const MetricsBatch& batch) {
    const ParamTracks::Change change = m_tracks.add(batch);
    if (change == ParamTracks::Change::None) {
        return;
    }
    if (change == ParamTracks::Change::Layout) {
        rebuildSeries();
    } else {
        for (size_t i = 0; i < m_tracks.tracks().size(); ++i) {
            if (m_series[i] >= 0) {
                m_chart->append(m_series[i], m_tracks.newGradNorms(i));
            }
        }
    }
    if (!m_barsTimer.isActive()) {
        m_barsTimer.start();
    }
}

void GradientFlowView::clear() {
    m_tracks.clear();
    m_series.clear();
    m_chart->removeAllSeries();
    m_barsTimer.stop();
    updateBars();
}

void GradientFlowView::rebuildSeries() {
    m_chart->removeAllSeries();
    const auto& tracks = m_tracks.tracks();
    m_series.assign(tracks.size(), -1);
    for (size_t i = 0; i < tracks.size(); ++i) {
        if (tracks[i].weight) {
            // Named by layer, like the bars: a legend row elides "4.body.1.weight".
            m_series[i] = m_chart->addSeries(layerLabel(tracks[i].name), tracks[i].color, 2.0);
            m_chart->setPoints(m_series[i], tracks[i].gradNorm);
        }
    }
}

void GradientFlowView::updateBars() const {
    std::vector<DepthBarChart::Bar> bars;
    const ParamTracks::Track* first = nullptr;
    const ParamTracks::Track* last = nullptr;
    for (const ParamTracks::Track& t : m_tracks.tracks()) {
        if (!t.weight || t.gradNorm.empty()) {
            continue;
        }
        const double value = t.gradNorm.back().y();
        bars.push_back({layerLabel(t.name), value, t.color,
                        tr("%1: ‖∂L/∂W‖ = %2 at step %3")
                            .arg(t.name, QString::number(value, 'g', 3))
                            .arg(t.gradNorm.back().x())});
        first = first ? first : &t;
        last = &t;
    }
    m_bars->setBars(std::move(bars));

    if (!first) {
        m_verdict->setText(tr("Vanishing gradients show as bars falling toward the input."));
        return;
    }
    if (first == last) {
        m_verdict->setText(tr("One weight layer: nothing to compare along the depth."));
        return;
    }
    const double in = first->gradNorm.back().y();
    const double out = last->gradNorm.back().y();
    const QString inName = layerLabel(first->name);
    const QString outName = layerLabel(last->name);
    if (!std::isfinite(in) || !std::isfinite(out)) {
        m_verdict->setText(
            tr("A gradient is not finite: training diverged (exploding gradients)."));
    } else if (in <= 0.0 && out > 0.0) {
        m_verdict->setText(tr("No gradient reaches layer %1 at the input: it has stopped "
                              "learning (vanished, or dead units).")
                               .arg(inName));
    } else if (out <= 0.0) {
        m_verdict->setText(tr("No gradient at the output layer %1.").arg(outName));
    } else if (in * kFlowFactor < out) {
        m_verdict->setText(tr("Vanishing: the gradient at layer %1 (input side) is %2 smaller "
                              "than at layer %3 (output side). The first layers barely learn.")
                               .arg(inName, factorText(out / in), outName));
    } else if (in > kFlowFactor * out) {
        m_verdict->setText(tr("Growing toward the input: the gradient at layer %1 is %2 larger "
                              "than at layer %3. Exploding gradients make training unstable.")
                               .arg(inName, factorText(in / out), outName));
    } else {
        m_verdict->setText(
            (in >= out ? tr("The gradient flows: at layer %1 (input side) it is %2 larger than at "
                            "layer %3 (output side), within the factor %4 that is still healthy.")
                       : tr("The gradient flows: at layer %1 (input side) it is %2 smaller than "
                            "at layer %3 (output side), within the factor %4 that is still "
                            "healthy."))
                .arg(inName, factorText(in >= out ? in / out : out / in), outName,
                     QString::number(kFlowFactor)));
    }
}

void GradientFlowView::setPresentationMode(bool on) {
    InspectView::setPresentationMode(on);
    m_chart->setPresentationMode(on);
    m_bars->setPresentationMode(on);
}

bool GradientFlowView::exportPng(const QString& path) {
    m_chart->refreshNow();
    return grab().save(path, "PNG");
}

}  // namespace dlab::ui
