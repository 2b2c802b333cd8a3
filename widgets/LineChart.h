#pragma once
// LineChart: the one small chart interface the window uses, so Qt Charts stays behind it
// (Qt Charts is deprecated upstream from 6.10; a swap to another library stays in
// LineChart.cpp).
//
// Data model: every series keeps its FULL data in our own SeriesData, in append order,
// and x must not decrease within a series (steps, epochs). What Qt Charts gets is a
// downsampled view (SeriesData::downsample: min and max of each two-pixel-wide bucket, so
// spikes survive), pushed with one QXYSeries::replace per series when the chart
// refreshes. Appends only mark the chart dirty and start a coalescing timer, so the chart
// redraws at most ~10 times a second however often data arrives; refreshNow() pushes
// immediately (tests, export).
//
// Axes range themselves over all data. The log-scale Y axis drops non-positive values
// from the view (they have no place on it) but keeps them in the data and the CSV.
// Markers are vertical lines at an x value with a short label (learning-rate changes), in
// the text colour or a colour of their own.
// A band is a shaded horizontal strip between two y values (a healthy range), painted
// behind the grid and the series and counted in the y range, so it is always in view; on
// the log axis its edges sit where those values are drawn.
// Colours for text, grid and background come from the widget's palette, so the chart
// follows light and dark palettes; series colours are the caller's.
//
// GUI thread only.

#include "widgets/SeriesData.h"

#include <QColor>
#include <QList>
#include <QPointF>
#include <QString>
#include <QWidget>

#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <vector>

class QAbstractAxis;
class QChart;
class QLineSeries;
class QTimer;

namespace dlab::ui {

class ChartView;

class LineChart : public QWidget {
    Q_OBJECT
public:
    struct Marker {
        double x = 0.0;
        QString label;
        QColor color;  // invalid: the text colour
    };
    struct Band {
        double lo = 0.0;
        double hi = 0.0;
        QColor color;   // drawn as is: give it the alpha it should have
        QString label;  // drawn inside the band, at its top left
    };
    // A data point found under the mouse.
    struct Hit {
        int series = -1;
        QPointF value;
    };

    explicit LineChart(QWidget* parent = nullptr);
    ~LineChart() override;

    // Adds a series and returns its index (0, 1, ...). `width` is the pen width in
    // pixels in normal mode; presentation mode doubles it. `showPoints` draws a dot at
    // every displayed point (for per-epoch series with few points).
    int addSeries(const QString& name, const QColor& color, double width = 2.0,
                  bool showPoints = false);
    int seriesCount() const { return static_cast<int>(m_series.size()); }
    QString seriesName(int series) const;

    void append(int series, double x, double y);
    void append(int series, std::span<const QPointF> points);
    // Replaces a series' whole data (a smoothed curve recomputed with a new weight).
    void setPoints(int series, std::vector<QPointF> points);
    // The full data of a series, as appended.
    const std::vector<QPointF>& points(int series) const;
    // What the chart currently draws for a series (after the last refresh).
    QList<QPointF> displayedPoints(int series) const;

    void addMarker(double x, const QString& label, const QColor& color = QColor());
    // Replaces all markers (a caller that keeps their number bounded).
    void setMarkers(std::vector<Marker> markers);
    const std::vector<Marker>& markers() const { return m_markers; }

    // One shaded band at most; setBand replaces it. lo < hi; on the log axis both > 0.
    void setBand(double lo, double hi, const QColor& color, const QString& label = {});
    void clearBand();
    const std::optional<Band>& band() const { return m_band; }

    // Removes all points and markers; the series (and the band) stay.
    void clear();
    // Removes the series too (a new network has other layers); indices start again at 0.
    void removeAllSeries();

    void setTitle(const QString& title);
    QString title() const { return m_title; }
    void setAxisTitles(const QString& x, const QString& y);
    // Text drawn in the middle while there is no data ("Press Train to see curves").
    void setPlaceholderText(const QString& text);
    void setLegendVisible(bool visible);
    // Small margins and fonts for a thumbnail plot inside a form.
    void setCompact(bool compact);

    // Auto-ranging never goes beyond [lo, hi] on a linear axis (accuracy: [0, 1]).
    void setYLimits(double lo, double hi);
    void setLogY(bool on);
    bool logY() const { return m_logY; }
    // Thicker lines and larger fonts for a projector.
    void setPresentationMode(bool on);
    bool presentationMode() const { return m_presentation; }

    // The coalescing interval of redraws (default ~10 a second); charts that are looked
    // at rather than watched (the inspection views) redraw less often.
    void setRefreshIntervalMs(int intervalMs);
    // Pushes the downsampled views and ranges to the chart now.
    void refreshNow();
    // The nearest data point within `maxPixels` of a position in this widget's
    // coordinates (what the hover tooltip shows).
    std::optional<Hit> pointNear(const QPoint& position, double maxPixels = 16.0) const;
    // Where a value is drawn, in this widget's coordinates.
    QPointF mapToWidget(const QPointF& value) const;

    // The chart as a picture (what you see, at device pixel ratio).
    bool exportPng(const QString& path);
    // Every point of every series, full data: header "chart,series,x,y", one row per
    // point, numbers in shortest round-trip form.
    bool exportCsv(const QString& path) const;
    static bool writeCsv(const QString& path, const std::vector<const LineChart*>& charts);

protected:
    void changeEvent(QEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;

private:
    struct Series {
        QString name;
        QColor color;
        double width = 2.0;
        bool showPoints = false;
        SeriesData data;
        QLineSeries* line = nullptr;  // owned by m_chart
        bool dirty = false;          // data changed since the last refresh
    };

    void scheduleRefresh();
    void switchYAxis();
    void applyStyle();
    void updateRanges();
    int bucketCount() const;
    void updateOverlay();
    void onMouseMoved(const QPoint& viewportPosition, const QPoint& globalPosition);
    QString hoverText(const Hit& hit) const;
    // Where a value is drawn, in chart coordinates, from the axis ranges of the last
    // refresh (the same linear or logarithmic map Qt Charts uses).
    QPointF toChart(const QPointF& value) const;
    void setHover(std::optional<Hit> hit);

    QChart* m_chart = nullptr;  // owned by m_view
    ChartView* m_view = nullptr;
    QAbstractAxis* m_xAxis = nullptr;
    QAbstractAxis* m_yAxis = nullptr;  // the active one of the two below
    QAbstractAxis* m_linearAxis = nullptr;
    QAbstractAxis* m_logAxis = nullptr;
    QTimer* m_refreshTimer = nullptr;
    std::vector<Series> m_series;
    std::vector<Marker> m_markers;  // the view's overlay draws a copy
    std::optional<Band> m_band;
    std::optional<Hit> m_hover;
    QString m_title;
    QString m_xTitle;
    QString m_yTitle;
    QString m_placeholder;
    bool m_logY = false;
    bool m_presentation = false;
    bool m_compact = false;
    bool m_styling = false;  // applyStyle's own changes re-enter changeEvent
    int m_lastBuckets = 0;
    double m_xMin = 0.0;
    double m_xMax = 1.0;
    double m_yMin = 0.0;
    double m_yMax = 1.0;
    double m_yLimitLo = -std::numeric_limits<double>::infinity();
    double m_yLimitHi = std::numeric_limits<double>::infinity();
};

}  // namespace dlab::ui
