#include "widgets/UpdateRatioView.h"

#include <QCheckBox>
#include <QEvent>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPixmap>
#include <QTableWidget>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>

#include "widgets/LineChart.h"

namespace dlab::ui {
namespace {

constexpr int kChartRefreshMs = 250;

const QColor kBandColor(46, 160, 67, 48);
const QColor kOkColor(46, 139, 58);
const QColor kLowColor(200, 120, 0);
const QColor kHighColor(214, 39, 40);
constexpr int kMaxTableRows = 6;  // more scroll: the chart keeps most of the height

enum Column { kTensorColumn, kRatioColumn, kStatusColumn, kMeaningColumn, kColumns };

UpdateRatioView::Status statusOf(BandTracker::Side side) {
    switch (side) {
        case BandTracker::Side::Below:
            return UpdateRatioView::Status::TooLow;
        case BandTracker::Side::Inside:
            return UpdateRatioView::Status::Ok;
        case BandTracker::Side::Above:
            return UpdateRatioView::Status::TooHigh;
        case BandTracker::Side::Unknown:
            break;
    }
    return UpdateRatioView::Status::Unknown;
}

QPixmap swatch(const QColor& color, int size) {
    QPixmap pixmap(size, size);
    pixmap.fill(color);
    return pixmap;
}

}  // namespace

UpdateRatioView::UpdateRatioView(TrainingSession& session, QWidget* parent)
    : InspectView(session, parent) {
    setWantsParamStats(true);

    m_chart = new LineChart;
    m_chart->setObjectName("updateRatioChart");
    m_chart->setTitle(tr("Update ratio per step"));
    m_chart->setAxisTitles(tr("step"), tr("‖ΔW‖ / ‖W‖"));
    m_chart->setLogY(true);
    // Its lines grow every kParamStatsInterval steps: 4 redraws a second keep it live at a
    // third of the curves' drawing cost.
    m_chart->setRefreshIntervalMs(kChartRefreshMs);
    m_tableTimer.setSingleShot(true);
    m_tableTimer.setInterval(kChartRefreshMs);
    connect(&m_tableTimer, &QTimer::timeout, this, [this] { updateTable(); });
    // The table under the chart is its legend (a swatch per tensor), and it does not elide
    // the long names of residual blocks ("4.body.1.weight") the way a legend row would.
    m_chart->setLegendVisible(false);
    m_chart->setBand(kHealthyLo, kHealthyHi, kBandColor, tr("healthy ≈ 1e-3"));
    m_chart->setPlaceholderText(
        tr("Press Train: how much each step changes every weight tensor, relative to its "
           "size, appears here."));
    m_chart->setToolTip(
        tr("‖ΔW‖/‖W‖: the size of one step's update of a layer's weights relative to the "
           "weights themselves. A rule of thumb is about 1e-3 (shaded). Much lower: the "
           "learning rate is too small or the layer is dead; much higher: training is "
           "unstable. A marker shows where a layer leaves the band (↑ too high, ↓ too low)."));

    m_biasCheck = new QCheckBox(tr("Show biases"));
    m_biasCheck->setObjectName("showBiases");
    m_biasCheck->setToolTip(
        tr("Also draw the biases and the normalization scales γ and shifts "
           "β. They start at 0 or 1, so their ratios are often far from "
           "1e-3 without anything being wrong."));
    connect(m_biasCheck, &QCheckBox::toggled, this, &UpdateRatioView::setShowBiases);
    auto* hint =
        new QLabel(tr("Shaded: healthy, about 1e-3 per step. A marker shows where a "
                      "layer leaves it: ↑ too high, ↓ too low."));
    hint->setWordWrap(true);
    hint->setToolTip(m_chart->toolTip());

    m_table = new QTableWidget(0, kColumns);
    m_table->setObjectName("updateRatioTable");
    m_table->setHorizontalHeaderLabels({tr("Tensor"), tr("‖ΔW‖/‖W‖"), tr("Status"), tr("Meaning")});
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->horizontalHeader()->setSectionResizeMode(kTensorColumn, QHeaderView::ResizeToContents);
    m_table->horizontalHeader()->setSectionResizeMode(kRatioColumn, QHeaderView::ResizeToContents);
    m_table->horizontalHeader()->setSectionResizeMode(kStatusColumn, QHeaderView::ResizeToContents);
    m_table->horizontalHeader()->setDefaultAlignment(Qt::AlignLeft | Qt::AlignVCenter);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setSelectionMode(QAbstractItemView::NoSelection);
    m_table->setFocusPolicy(Qt::NoFocus);
    m_table->setShowGrid(false);
    m_table->setAlternatingRowColors(true);
    m_table->setToolTip(
        tr("The update ratio of every shown tensor: the median of its last few values, "
           "so one noisy step does not change it, and what it means."));

    auto* bar = new QHBoxLayout;
    bar->addWidget(m_biasCheck);
    bar->addSpacing(12);
    bar->addWidget(hint, 1);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addLayout(bar);
    layout->addWidget(m_chart, 1);
    layout->addWidget(m_table);
    fitTableHeight();

    connect(&session, &TrainingSession::metrics, this, &UpdateRatioView::addMetrics);
    connect(&session, &TrainingSession::runStarted, this, &UpdateRatioView::clear);
}

int UpdateRatioView::seriesOf(const QString& name) const {
    for (size_t i = 0; i < m_tracks.tracks().size(); ++i) {
        if (m_tracks.tracks()[i].name == name) {
            return m_series[i];
        }
    }
    return -1;
}

UpdateRatioView::Status UpdateRatioView::status(const QString& name) const {
    for (size_t i = 0; i < m_tracks.tracks().size(); ++i) {
        if (m_tracks.tracks()[i].name == name) {
            return statusOf(m_trackers[i].side());
        }
    }
    return Status::Unknown;
}

void UpdateRatioView::flushTable() const {
    if (m_tableTimer.isActive()) {
        m_tableTimer.stop();
        const_cast<UpdateRatioView*>(this)->updateTable();
    }
}

QString UpdateRatioView::statusText(const QString& name) const {
    flushTable();
    const auto items = m_table->findItems(name, Qt::MatchExactly);
    for (const QTableWidgetItem* item : items) {
        if (item->column() == kTensorColumn) {
            return m_table->item(item->row(), kStatusColumn)->text() + QStringLiteral(" — ") +
                   m_table->item(item->row(), kMeaningColumn)->text();
        }
    }
    return {};
}

bool UpdateRatioView::shown(size_t track) const {
    return m_showBiases || m_tracks.tracks()[track].weight;
}

void UpdateRatioView::addMetrics(const MetricsBatch& batch) {
    const ParamTracks::Change change = m_tracks.add(batch);
    if (change == ParamTracks::Change::None) {
        return;
    }
    const auto& tracks = m_tracks.tracks();
    if (change == ParamTracks::Change::Layout) {
        m_trackers.assign(tracks.size(), BandTracker(kHealthyLo, kHealthyHi));
        m_excursions.clear();
        rebuildSeries();
    } else {
        for (size_t i = 0; i < tracks.size(); ++i) {
            if (m_series[i] >= 0) {
                m_chart->append(m_series[i], m_tracks.newRatios(i));
            }
        }
    }
    bool marked = false;
    for (size_t i = 0; i < tracks.size(); ++i) {
        // The 1e-3 rule is about weights: a bias starts at 0 (its first ratios are huge)
        // and a norm's γ at 1, so they get no verdict and no markers.
        if (!tracks[i].weight) {
            continue;
        }
        for (const QPointF& p : m_tracks.newRatios(i)) {
            if (m_trackers[i].add(p.y())) {
                m_excursions.push_back({p.x(), i, m_trackers[i].side()});
                marked = true;
            }
        }
    }
    if (marked) {
        // Within a batch the excursions come track by track; the chart wants x in order.
        std::stable_sort(m_excursions.begin(), m_excursions.end(),
                         [](const Excursion& a, const Excursion& b) { return a.step < b.step; });
        if (m_excursions.size() > static_cast<size_t>(kMaxExcursions)) {
            m_excursions.erase(m_excursions.begin(),
                               m_excursions.end() - static_cast<ptrdiff_t>(kMaxExcursions));
        }
        updateMarkers();
    }
    if (!m_tableTimer.isActive()) {
        m_tableTimer.start();
    }
}

void UpdateRatioView::clear() {
    m_tableTimer.stop();
    m_tracks.clear();
    m_trackers.clear();
    m_series.clear();
    m_excursions.clear();
    m_chart->removeAllSeries();
    updateTable();
}

void UpdateRatioView::setShowBiases(bool on) {
    if (m_biasCheck->isChecked() != on) {
        const QSignalBlocker block(m_biasCheck);
        m_biasCheck->setChecked(on);
    }
    if (on == m_showBiases) {
        return;
    }
    m_showBiases = on;
    rebuildSeries();
}

void UpdateRatioView::rebuildSeries() {
    m_chart->removeAllSeries();
    const auto& tracks = m_tracks.tracks();
    m_series.assign(tracks.size(), -1);
    for (size_t i = 0; i < tracks.size(); ++i) {
        if (!shown(i)) {
            continue;
        }
        const ParamTracks::Track& t = tracks[i];
        QColor color = t.color;
        if (!t.weight) {
            color.setAlphaF(0.55f);
        }
        m_series[i] = m_chart->addSeries(t.name, color, t.weight ? 2.0 : 1.0);
        m_chart->setPoints(m_series[i], t.updateRatio);
    }
    updateMarkers();
    updateTable();
}

void UpdateRatioView::updateMarkers() {
    std::vector<LineChart::Marker> markers;
    for (auto it = m_excursions.rbegin();
         it != m_excursions.rend() && markers.size() < static_cast<size_t>(kMaxMarkers); ++it) {
        if (!shown(it->track)) {
            continue;
        }
        const ParamTracks::Track& t = m_tracks.tracks()[it->track];
        const QString arrow =
            it->side == BandTracker::Side::Above ? QStringLiteral(" ↑") : QStringLiteral(" ↓");
        markers.push_back({it->step, t.name + arrow, t.color});
    }
    std::reverse(markers.begin(), markers.end());
    m_chart->setMarkers(std::move(markers));
}

void UpdateRatioView::updateTable() {
    const auto& tracks = m_tracks.tracks();
    int rows = 0;
    for (size_t i = 0; i < tracks.size(); ++i) {
        rows += shown(i) ? 1 : 0;
    }
    const bool resized = m_table->rowCount() != rows;
    m_table->setRowCount(rows);
    const int swatchSize = std::max(8, fontMetrics().height() * 2 / 3);
    int row = 0;
    for (size_t i = 0; i < tracks.size(); ++i) {
        if (!shown(i)) {
            continue;
        }
        const ParamTracks::Track& t = tracks[i];
        auto cell = [this, row](int column) {
            QTableWidgetItem* item = m_table->item(row, column);
            if (!item) {
                item = new QTableWidgetItem;
                m_table->setItem(row, column, item);
            }
            return item;
        };
        QTableWidgetItem* name = cell(kTensorColumn);
        if (resized || name->text() != t.name) {
            name->setText(t.name);
            name->setIcon(QIcon(swatch(t.color, swatchSize)));
        }
        // The value the status is judged on (the recent median), so the two never
        // disagree; the latest raw value is the line's end.
        const double median = t.weight ? m_trackers[i].median() : NAN;
        const double latest = std::isfinite(median)
                                  ? median
                                  : (t.updateRatio.empty() ? NAN : t.updateRatio.back().y());
        cell(kRatioColumn)
            ->setText(std::isfinite(latest) ? QString::number(latest, 'e', 1)
                                            : QStringLiteral("—"));
        cell(kRatioColumn)->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);

        QTableWidgetItem* verdict = cell(kStatusColumn);
        QString text;
        QString meaning;
        QString help;
        QColor color = palette().color(QPalette::Text);
        const Status status = statusOf(m_trackers[i].side());
        switch (t.weight ? status : Status::Unknown) {
            case Status::Ok:
                text = tr("ok");
                meaning = tr("healthy");
                help = tr("Within the healthy band around 1e-3.");
                color = kOkColor;
                break;
            case Status::TooLow:
                text = tr("too low ↓");
                meaning = tr("learning rate too small or the layer is dead");
                help =
                    tr("The weights barely change. Raise the learning rate, or look for dead "
                       "units (ReLUs that never fire) and vanishing gradients.");
                color = kLowColor;
                break;
            case Status::TooHigh:
                text = tr("too high ↑");
                meaning = tr("unstable");
                help =
                    tr("Each step changes the weights by more than a few thousandths of their "
                       "size: training is unstable. Lower the learning rate.");
                color = kHighColor;
                break;
            case Status::Unknown:
                if (t.weight) {
                    text = tr("…");
                    meaning = tr("a few more steps");
                    help = tr("A few more steps are needed to judge.");
                } else {
                    text = tr("—");
                    meaning = tr("the 1e-3 rule is for weights");
                    help =
                        tr("Biases start at 0 and normalization scales at 1, so their update "
                           "ratios say little about the learning rate.");
                }
                color.setAlphaF(0.7f);
                break;
        }
        verdict->setText(text);
        verdict->setToolTip(help);
        verdict->setForeground(color);
        QTableWidgetItem* explained = cell(kMeaningColumn);
        explained->setText(meaning);
        explained->setToolTip(help);
        explained->setForeground(color);
        ++row;
    }
    if (resized) {
        fitTableHeight();
    }
}

void UpdateRatioView::fitTableHeight() {
    m_table->resizeRowsToContents();
    const int rowHeight =
        m_table->rowCount() > 0 ? m_table->rowHeight(0) : fontMetrics().height() + 8;
    const int rows = std::clamp(m_table->rowCount(), 1, kMaxTableRows);
    const int height = m_table->horizontalHeader()->sizeHint().height() + rows * rowHeight +
                       2 * m_table->frameWidth() + 2;
    m_table->setFixedHeight(height);
}

void UpdateRatioView::setPresentationMode(bool on) {
    InspectView::setPresentationMode(on);
    m_chart->setPresentationMode(on);
    fitTableHeight();
}

void UpdateRatioView::changeEvent(QEvent* event) {
    InspectView::changeEvent(event);
    if (event->type() == QEvent::FontChange) {
        fitTableHeight();
    }
}

bool UpdateRatioView::exportPng(const QString& path) {
    m_chart->refreshNow();
    return grab().save(path, "PNG");
}

}  // namespace dlab::ui
