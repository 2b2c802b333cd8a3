#pragma once
// ChartView: the Qt Charts view inside LineChart. It paints what Qt Charts does not
// over the chart (vertical marker lines with labels, a dot on the hovered point, a
// placeholder while there is no data), a shaded band under it (behind the grid and the
// series: the chart's own background must be hidden) and reports the mouse to its owner.
//
// While the mouse rests on a point, its values stay up as the tooltip rather than the
// chart's general one. Overlay positions are data values; `toChart` (set by the owner)
// maps them to chart coordinates at paint time, so the overlay follows resizes and axis
// changes without being recomputed. GUI thread only.

#include <QChartView>
#include <QColor>
#include <QPointF>
#include <QString>

#include <functional>
#include <optional>
#include <vector>

namespace dlab::ui {

class ChartView : public QChartView {
public:
    struct Marker {
        double x = 0.0;
        QString label;
        QColor color;  // invalid: the text colour
    };
    // A horizontal strip between two data values of y.
    struct Band {
        double lo = 0.0;
        double hi = 0.0;
        QColor color;
        QString label;
    };
    struct Overlay {
        std::vector<Marker> markers;
        std::optional<Band> band;
        QString placeholder;           // drawn only while it is not empty
        std::optional<QPointF> hover;  // a data value
        QColor hoverColor;
        QString hoverText;             // the tooltip while the mouse rests on it
        double scale = 1.0;            // line and font scale (presentation mode)
        bool markerLabels = true;
    };

    // Takes ownership of `chart`.
    ChartView(QChart* chart, QWidget* parent);

    Overlay& overlay() { return m_overlay; }
    const Overlay& overlay() const { return m_overlay; }
    // Repaints after the overlay changed.
    void updateOverlay();

    std::function<QPointF(const QPointF&)> toChart;
    // Viewport position and global position of the mouse.
    std::function<void(const QPoint&, const QPoint&)> mouseMoved;
    std::function<void()> mouseLeft;

protected:
    void mouseMoveEvent(QMouseEvent* event) override;
    void leaveEvent(QEvent* event) override;
    bool viewportEvent(QEvent* event) override;
    void drawBackground(QPainter* painter, const QRectF& rect) override;
    void drawForeground(QPainter* painter, const QRectF& rect) override;

private:
    void paintBand(QPainter& painter) const;
    void paintBandLabel(QPainter& painter) const;
    void paintOverlay(QPainter& painter) const;

    Overlay m_overlay;
};

}  // namespace dlab::ui
