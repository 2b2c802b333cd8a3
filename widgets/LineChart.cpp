#include "widgets/LineChart.h"

#include "widgets/AxisRange.h"
#include "widgets/ChartView.h"

#include <QChart>
#include <QEvent>
#include <QFontMetricsF>
#include <QFile>
#include <QLegend>
#include <QLineSeries>
#include <QLogValueAxis>
#include <QPixmap>
#include <QTextStream>
#include <QTimer>
#include <QToolTip>
#include <QVBoxLayout>
#include <QValueAxis>

#include <algorithm>
#include <cmath>
#include <limits>

namespace dlab::ui {
namespace {

// ~10 redraws a second at most, however often data arrives: a curve moving 10 times a
// second looks live, and each Qt Charts redraw (it re-strokes every series to find its
// shape) costs milliseconds of a core that training could use (bench_session reports the
// GUI thread's share).
constexpr int kRefreshIntervalMs = 100;
// Pixels per min/max bucket: two points per bucket, so one point per pixel.
constexpr int kPixelsPerBucket = 2;
// Bucket counts are rounded up to this step so that a plot area that changes by a pixel
// (axis labels growing) does not force every series to be reduced again.
constexpr int kBucketStep = 32;
constexpr int kMinPixelsPerDot = 10;
constexpr double kPresentationWidth = 2.0;
constexpr double kPresentationFont = 1.2;
constexpr double kCompactFont = 0.85;

QColor mix(const QColor& a, const QColor& b, double t) {
    return QColor::fromRgbF(static_cast<float>(a.redF() * (1 - t) + b.redF() * t),
                            static_cast<float>(a.greenF() * (1 - t) + b.greenF() * t),
                            static_cast<float>(a.blueF() * (1 - t) + b.blueF() * t));
}

QFont scaledFont(QFont font, double scale, bool bold = false) {
    const double size = font.pointSizeF() > 0 ? font.pointSizeF() : 9.0;
    font.setPointSizeF(size * scale);
    font.setBold(bold);
    return font;
}

}  // namespace

LineChart::LineChart(QWidget* parent) : QWidget(parent) {
    m_chart = new QChart;
    m_chart->setAnimationOptions(QChart::NoAnimation);
    m_chart->setBackgroundRoundness(0);
    m_chart->setDropShadowEnabled(false);
    m_chart->legend()->setAlignment(Qt::AlignTop);
    // A narrow chart elides legend entries; the full name is then a hover away.
    m_chart->legend()->setShowToolTips(true);
    m_chart->legend()->setMarkerShape(QLegend::MarkerShapeFromSeries);
    m_view = new ChartView(m_chart, this);
    m_view->toChart = [this](const QPointF& value) { return toChart(value); };
    m_view->mouseMoved = [this](const QPoint& at, const QPoint& global) {
        onMouseMoved(at, global);
    };
    m_view->mouseLeft = [this] {
        setHover(std::nullopt);
        QToolTip::hideText();
    };

    auto* x = new QValueAxis;
    x->setLabelFormat("%g");
    m_xAxis = x;
    m_chart->addAxis(m_xAxis, Qt::AlignBottom);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_view);

    m_refreshTimer = new QTimer(this);
    m_refreshTimer->setSingleShot(true);
    m_refreshTimer->setInterval(kRefreshIntervalMs);
    connect(m_refreshTimer, &QTimer::timeout, this, &LineChart::refreshNow);

    auto* linear = new QValueAxis;
    linear->setLabelFormat("%g");
    m_linearAxis = linear;
    auto* log = new QLogValueAxis;
    log->setBase(10.0);
    log->setLabelFormat("%g");
    log->setMinorTickCount(8);
    m_logAxis = log;
    for (QAbstractAxis* axis : {m_linearAxis, m_logAxis}) {
        m_chart->addAxis(axis, Qt::AlignLeft);
        axis->setVisible(false);
    }
    switchYAxis();
    applyStyle();
    setMinimumSize(160, 120);
}

LineChart::~LineChart() = default;

int LineChart::addSeries(const QString& name, const QColor& color, double width, bool showPoints) {
    Series s;
    s.name = name;
    s.color = color;
    s.width = width;
    s.showPoints = showPoints;
    s.line = new QLineSeries;
    s.line->setName(name);
    m_chart->addSeries(s.line);
    s.line->attachAxis(m_xAxis);
    s.line->attachAxis(m_yAxis);
    m_series.push_back(std::move(s));
    applyStyle();
    return static_cast<int>(m_series.size()) - 1;
}

QString LineChart::seriesName(int series) const {
    return m_series.at(static_cast<size_t>(series)).name;
}

void LineChart::append(int series, double x, double y) {
    const QPointF p(x, y);
    append(series, std::span<const QPointF>(&p, 1));
}

void LineChart::append(int series, std::span<const QPointF> points) {
    Series& s = m_series.at(static_cast<size_t>(series));
    s.data.append(points);
    s.dirty = true;
    scheduleRefresh();
}

void LineChart::setPoints(int series, std::vector<QPointF> points) {
    Series& s = m_series.at(static_cast<size_t>(series));
    s.data.assign(std::move(points));
    s.dirty = true;
    scheduleRefresh();
}

const std::vector<QPointF>& LineChart::points(int series) const {
    return m_series.at(static_cast<size_t>(series)).data.points();
}

QList<QPointF> LineChart::displayedPoints(int series) const {
    return m_series.at(static_cast<size_t>(series)).line->points();
}

void LineChart::addMarker(double x, const QString& label, const QColor& color) {
    m_markers.push_back({x, label, color});
    scheduleRefresh();
}

void LineChart::setMarkers(std::vector<Marker> markers) {
    m_markers = std::move(markers);
    scheduleRefresh();
}

void LineChart::setBand(double lo, double hi, const QColor& color, const QString& label) {
    m_band = Band{lo, hi, color, label};
    scheduleRefresh();
}

void LineChart::clearBand() {
    m_band.reset();
    scheduleRefresh();
}

void LineChart::clear() {
    for (Series& s : m_series) {
        s.data.clear();
        s.dirty = true;
    }
    m_markers.clear();
    m_hover.reset();
    scheduleRefresh();
}

void LineChart::removeAllSeries() {
    for (Series& s : m_series) {
        m_chart->removeSeries(s.line);
        delete s.line;
    }
    m_series.clear();
    m_markers.clear();
    m_hover.reset();
    scheduleRefresh();
}

void LineChart::setTitle(const QString& title) {
    m_title = title;
    m_chart->setTitle(title);
}

void LineChart::setAxisTitles(const QString& x, const QString& y) {
    m_xTitle = x;
    m_yTitle = y;
    m_xAxis->setTitleText(x);
    m_linearAxis->setTitleText(y);
    m_logAxis->setTitleText(y);
}

void LineChart::setPlaceholderText(const QString& text) {
    m_placeholder = text;
    updateOverlay();
}

void LineChart::setLegendVisible(bool visible) {
    m_chart->legend()->setVisible(visible);
}

void LineChart::setCompact(bool compact) {
    m_compact = compact;
    applyStyle();
}

void LineChart::setYLimits(double lo, double hi) {
    m_yLimitLo = lo;
    m_yLimitHi = hi;
    scheduleRefresh();
}

void LineChart::setLogY(bool on) {
    if (on == m_logY) {
        return;
    }
    m_logY = on;
    switchYAxis();
    applyStyle();
    refreshNow();
}

void LineChart::setPresentationMode(bool on) {
    m_presentation = on;
    applyStyle();
    refreshNow();
}

// Qt Charts cannot switch an axis between linear and logarithmic, so the chart holds one
// of each and the series move between them. The idle one stays in the chart, hidden:
// removing an axis defers the deletion of its graphics to the event loop, and a picture
// taken before that would show both.
void LineChart::switchYAxis() {
    QAbstractAxis* previous = m_yAxis;
    m_yAxis = m_logY ? m_logAxis : m_linearAxis;
    for (Series& s : m_series) {
        if (previous) {
            s.line->detachAxis(previous);
        }
        s.line->attachAxis(m_yAxis);
        s.dirty = true;
    }
    if (previous) {
        previous->setVisible(false);
    }
    m_yAxis->setVisible(true);
}

void LineChart::applyStyle() {
    if (m_styling || !m_view) {
        return;
    }
    // Setting fonts and brushes on the chart sends change events back to this widget.
    m_styling = true;
    const QPalette pal = palette();
    const QColor background = pal.color(QPalette::Base);
    const QColor text = pal.color(QPalette::Text);
    const QColor grid = mix(background, text, 0.14);
    const QColor minorGrid = mix(background, text, 0.06);
    const double fontScale = (m_presentation ? kPresentationFont : 1.0) *
                             (m_compact ? kCompactFont : 1.0);
    const QFont base = font();

    // The view paints the background (and a band on it, ChartView::drawBackground); the
    // chart's own background would cover both.
    m_chart->setBackgroundVisible(false);
    m_chart->setPlotAreaBackgroundVisible(false);
    m_chart->setTitleBrush(text);
    m_chart->setTitleFont(scaledFont(base, 1.05 * fontScale, true));
    m_chart->setMargins(m_compact ? QMargins(0, 0, 2, 0) : QMargins(4, 4, 8, 4));
    m_chart->legend()->setLabelColor(text);
    m_chart->legend()->setFont(scaledFont(base, 0.9 * fontScale));
    if (m_compact) {
        m_chart->legend()->setVisible(false);
    }
    m_view->setBackgroundBrush(background);

    for (QAbstractAxis* axis : {m_xAxis, m_linearAxis, m_logAxis}) {
        axis->setLabelsBrush(text);
        axis->setTitleBrush(text);
        axis->setLabelsFont(scaledFont(base, 0.85 * fontScale));
        axis->setTitleFont(scaledFont(base, 0.9 * fontScale));
        axis->setLinePenColor(mix(background, text, 0.4));
        axis->setGridLineColor(grid);
        axis->setMinorGridLineColor(minorGrid);
        axis->setTitleVisible(!m_compact || !axis->titleText().isEmpty());
    }

    const double widthScale = m_presentation ? kPresentationWidth : 1.0;
    for (Series& s : m_series) {
        QPen pen(s.color, s.width * widthScale);
        // Round caps and joins make the stroker build arcs at each of the ~2 points per
        // pixel of a long series; that was most of a redraw, and a redraw during training
        // preempts an OpenBLAS thread. Bevel joins look the same at these widths.
        pen.setCapStyle(Qt::FlatCap);
        pen.setJoinStyle(Qt::BevelJoin);
        s.line->setPen(pen);
        s.line->setMarkerSize(m_presentation ? 5.0 : 3.5);
    }
    m_styling = false;
    updateOverlay();
}

void LineChart::changeEvent(QEvent* event) {
    QWidget::changeEvent(event);
    switch (event->type()) {
    case QEvent::PaletteChange:
    case QEvent::FontChange:
    case QEvent::ApplicationFontChange:
    case QEvent::StyleChange: applyStyle(); break;
    default: break;
    }
}

void LineChart::resizeEvent(QResizeEvent* event) {
    QWidget::resizeEvent(event);
    scheduleRefresh();
}

void LineChart::scheduleRefresh() {
    if (!m_refreshTimer->isActive()) {
        m_refreshTimer->start();
    }
}

void LineChart::setRefreshIntervalMs(int intervalMs) {
    m_refreshTimer->setInterval(std::max(1, intervalMs));
}

int LineChart::bucketCount() const {
    int pixels = static_cast<int>(m_chart->plotArea().width());
    if (pixels < 16) {
        pixels = std::max(width(), 640);
    }
    const int buckets = std::max(1, pixels / kPixelsPerBucket);
    return (buckets + kBucketStep - 1) / kBucketStep * kBucketStep;
}

void LineChart::refreshNow() {
    m_refreshTimer->stop();
    const int buckets = bucketCount();
    const bool all = buckets != m_lastBuckets;
    m_lastBuckets = buckets;
    for (Series& s : m_series) {
        if (s.dirty || all) {
            s.line->replace(SeriesData::downsample(s.data.points(), buckets, m_logY));
            s.dirty = false;
            // Dots closer than a few pixels merge into a thick line; show the line alone.
            s.line->setPointsVisible(s.showPoints &&
                                     s.line->count() * kMinPixelsPerDot <= m_lastBuckets);
        }
    }
    updateRanges();
    updateOverlay();
}

void LineChart::updateRanges() {
    constexpr double kInf = std::numeric_limits<double>::infinity();
    double xMin = kInf;
    double xMax = -kInf;
    double yMin = kInf;
    double yMax = -kInf;
    double yMinPositive = kInf;
    for (const Series& s : m_series) {
        if (s.data.finiteCount() == 0) {
            continue;
        }
        for (const QPointF& p : {s.data.points().front(), s.data.points().back()}) {
            if (std::isfinite(p.x())) {
                xMin = std::min(xMin, p.x());
                xMax = std::max(xMax, p.x());
            }
        }
        yMin = std::min(yMin, s.data.yMin());
        yMax = std::max(yMax, s.data.yMax());
        if (s.data.yMinPositive() > 0.0) {
            yMinPositive = std::min(yMinPositive, s.data.yMinPositive());
        }
    }
    if (!std::isfinite(xMin)) {
        xMin = 0.0;
        xMax = 1.0;
    }
    if (m_band) {
        yMin = std::min(yMin, m_band->lo);
        yMax = std::max(yMax, m_band->hi);
        if (m_band->lo > 0.0) {
            yMinPositive = std::min(yMinPositive, m_band->lo);
        }
    }
    // As many ticks as fit without labels running into each other.
    const QRectF area = m_chart->plotArea();
    const QFontMetricsF metrics(m_xAxis->labelsFont());
    const double labelWidth = 2.0 * metrics.horizontalAdvance("0000");
    const double labelHeight = 2.5 * metrics.height();
    const int xTicks =
        area.width() > 0.0 ? std::clamp(static_cast<int>(area.width() / labelWidth), 3, 8) : 6;
    const int yTicks =
        area.height() > 0.0 ? std::clamp(static_cast<int>(area.height() / labelHeight), 3, 7) : 6;
    const AxisRange xRange = niceRange(xMin, xMax, xTicks);
    auto* x = static_cast<QValueAxis*>(m_xAxis);
    x->setRange(xRange.lo, xRange.hi);
    x->setTickCount(xRange.ticks);
    m_xMin = xRange.lo;
    m_xMax = xRange.hi;

    AxisRange yRange;
    if (m_logY) {
        yRange = std::isfinite(yMinPositive) ? logDataRange(yMinPositive, yMax)
                                             : logDataRange(0.01, 1.0);
        static_cast<QLogValueAxis*>(m_yAxis)->setRange(yRange.lo, yRange.hi);
    } else {
        yRange = std::isfinite(yMin)
                     ? linearDataRange(yMin, yMax, m_yLimitLo, m_yLimitHi, yTicks)
                     : niceRange(0.0, 1.0, yTicks);
        auto* y = static_cast<QValueAxis*>(m_yAxis);
        y->setRange(yRange.lo, yRange.hi);
        y->setTickCount(yRange.ticks);
    }
    m_yMin = yRange.lo;
    m_yMax = yRange.hi;
}

QPointF LineChart::toChart(const QPointF& value) const {
    const QRectF area = m_chart->plotArea();
    const double tx = m_xMax > m_xMin ? (value.x() - m_xMin) / (m_xMax - m_xMin) : 0.0;
    double ty = 0.0;
    if (m_logY) {
        const double lo = std::log(m_yMin);
        const double hi = std::log(m_yMax);
        ty = value.y() > 0.0 && hi > lo ? (std::log(value.y()) - lo) / (hi - lo) : -1.0;
    } else if (m_yMax > m_yMin) {
        ty = (value.y() - m_yMin) / (m_yMax - m_yMin);
    }
    return {area.left() + tx * area.width(), area.bottom() - ty * area.height()};
}

QPointF LineChart::mapToWidget(const QPointF& value) const {
    const QPointF scene = m_chart->mapToScene(toChart(value));
    const QPointF inViewport = m_view->viewportTransform().map(scene);
    return inViewport + QPointF(m_view->viewport()->mapTo(this, QPoint(0, 0)));
}

std::optional<LineChart::Hit> LineChart::pointNear(const QPoint& position,
                                                   double maxPixels) const {
    const QRectF area = m_chart->plotArea();
    if (area.width() <= 0.0 || m_xMax <= m_xMin) {
        return std::nullopt;
    }
    const QPointF origin = mapToWidget(QPointF(m_xMin, m_yMin));
    const double xPerPixel = (m_xMax - m_xMin) / area.width();
    const double mouseX = m_xMin + (position.x() - origin.x()) * xPerPixel;
    const double reach = maxPixels * xPerPixel;
    // The window can hold many points per pixel; look at a bounded, evenly spread subset.
    constexpr size_t kMaxCandidates = 4096;

    std::optional<Hit> best;
    double bestDistance = maxPixels;
    for (size_t si = 0; si < m_series.size(); ++si) {
        const Series& s = m_series[si];
        const auto [first, last] = s.data.indicesOfX(mouseX - reach, mouseX + reach + xPerPixel);
        const size_t stride = std::max<size_t>(1, (last - first) / kMaxCandidates);
        for (size_t i = first; i < last; i += stride) {
            const QPointF& p = s.data.points()[i];
            if (!isFinitePoint(p) || (m_logY && p.y() <= 0.0)) {
                continue;
            }
            const QPointF at = mapToWidget(p);
            const double d = std::hypot(at.x() - position.x(), at.y() - position.y());
            if (d <= bestDistance) {
                bestDistance = d;
                best = Hit{static_cast<int>(si), p};
            }
        }
    }
    return best;
}

void LineChart::setHover(std::optional<Hit> hit) {
    const bool changed = hit.has_value() != m_hover.has_value() ||
                         (hit && (hit->series != m_hover->series || hit->value != m_hover->value));
    m_hover = hit;
    if (changed) {
        updateOverlay();
    }
}

void LineChart::updateOverlay() {
    ChartView::Overlay& o = m_view->overlay();
    o.markers.clear();
    for (const Marker& m : m_markers) {
        o.markers.push_back({m.x, m.label, m.color});
    }
    o.band.reset();
    if (m_band) {
        o.band = ChartView::Band{m_band->lo, m_band->hi, m_band->color, m_band->label};
    }
    const bool empty = std::all_of(m_series.begin(), m_series.end(),
                                   [](const Series& s) { return s.data.empty(); });
    o.placeholder = empty ? m_placeholder : QString();
    o.hover.reset();
    if (m_hover && m_hover->series < seriesCount()) {
        o.hover = m_hover->value;
        o.hoverColor = m_series[static_cast<size_t>(m_hover->series)].color;
        o.hoverColor.setAlpha(255);
        o.hoverText = hoverText(*m_hover);
    }
    o.scale = m_presentation ? kPresentationFont : 1.0;
    o.markerLabels = !m_compact;
    m_view->updateOverlay();
}

void LineChart::onMouseMoved(const QPoint& viewportPosition, const QPoint& globalPosition) {
    const std::optional<Hit> hit = pointNear(m_view->viewport()->mapTo(this, viewportPosition));
    setHover(hit);
    if (!hit) {
        QToolTip::hideText();
        return;
    }
    QToolTip::showText(globalPosition, hoverText(*hit), m_view);
}

QString LineChart::hoverText(const Hit& hit) const {
    const QString x = m_xTitle.isEmpty() ? QStringLiteral("x") : m_xTitle;
    const QString y = m_yTitle.isEmpty() ? QStringLiteral("y") : m_yTitle;
    return QStringLiteral("%1\n%2: %3\n%4: %5")
        .arg(m_series[static_cast<size_t>(hit.series)].name, x,
             QString::number(hit.value.x(), 'g', 10), y, QString::number(hit.value.y(), 'g', 7));
}

bool LineChart::exportPng(const QString& path) {
    refreshNow();
    return grab().save(path, "PNG");
}

bool LineChart::exportCsv(const QString& path) const {
    return writeCsv(path, {this});
}

bool LineChart::writeCsv(const QString& path, const std::vector<const LineChart*>& charts) {
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate | QIODevice::Text)) {
        return false;
    }
    QTextStream out(&file);
    out << "chart,series,x,y\n";
    for (const LineChart* chart : charts) {
        for (const Series& s : chart->m_series) {
            s.data.writeCsvRows(out, chart->title(), s.name);
        }
    }
    out.flush();
    return file.error() == QFile::NoError;
}

}  // namespace dlab::ui
