#include "widgets/ChartView.h"

#include <QChart>
#include <QMouseEvent>
#include <QPainter>
#include <QToolTip>

#include <limits>

namespace dlab::ui {
namespace {

QFont scaled(QFont font, double scale) {
    const double size = font.pointSizeF() > 0 ? font.pointSizeF() : 9.0;
    font.setPointSizeF(size * scale);
    return font;
}

QColor withAlpha(QColor color, double alpha) {
    color.setAlphaF(static_cast<float>(alpha));
    return color;
}

}  // namespace

ChartView::ChartView(QChart* chart, QWidget* parent) : QChartView(chart, parent) {
    setMouseTracking(true);
    setRenderHint(QPainter::Antialiasing);
    setFrameShape(QFrame::NoFrame);
}

void ChartView::updateOverlay() {
    viewport()->update();
}

void ChartView::mouseMoveEvent(QMouseEvent* event) {
    if (mouseMoved) {
        mouseMoved(event->position().toPoint(), event->globalPosition().toPoint());
    }
    QChartView::mouseMoveEvent(event);
}

void ChartView::leaveEvent(QEvent* event) {
    if (mouseLeft) {
        mouseLeft();
    }
    QChartView::leaveEvent(event);
}

bool ChartView::viewportEvent(QEvent* event) {
    if (event->type() == QEvent::ToolTip && m_overlay.hover && !m_overlay.hoverText.isEmpty()) {
        QToolTip::showText(static_cast<QHelpEvent*>(event)->globalPos(), m_overlay.hoverText,
                           this);
        return true;
    }
    return QChartView::viewportEvent(event);
}

void ChartView::drawForeground(QPainter* painter, const QRectF& rect) {
    QChartView::drawForeground(painter, rect);
    if (!toChart) {
        return;
    }
    painter->save();
    // The painter works in scene coordinates; the overlay in the chart's.
    painter->translate(chart()->pos());
    paintOverlay(*painter);
    painter->restore();
}

void ChartView::paintOverlay(QPainter& painter) const {
    const QRectF area = chart()->plotArea();
    const QColor text = palette().color(QPalette::Text);
    const Overlay& o = m_overlay;
    painter.setRenderHint(QPainter::Antialiasing);

    if (!o.placeholder.isEmpty()) {
        painter.setPen(withAlpha(text, 0.55));
        painter.setFont(scaled(font(), o.scale));
        painter.drawText(area.adjusted(12, 0, -12, 0), Qt::AlignCenter | Qt::TextWordWrap,
                         o.placeholder);
    }

    const QPen markerPen(withAlpha(text, 0.45), o.scale > 1.0 ? 2.0 : 1.0, Qt::DashLine);
    painter.setFont(scaled(font(), 0.8 * o.scale));
    const QFontMetricsF metrics(painter.font());
    double labelEnd = -std::numeric_limits<double>::infinity();
    for (const Marker& marker : o.markers) {
        const double x = toChart(QPointF(marker.x, 1.0)).x();
        if (x < area.left() - 0.5 || x > area.right() + 0.5) {
            continue;
        }
        painter.setPen(markerPen);
        painter.drawLine(QPointF(x, area.top()), QPointF(x, area.bottom()));
        // A label that would overlap the previous one is left out; its line still shows.
        const double width = metrics.horizontalAdvance(marker.label);
        if (o.markerLabels && !marker.label.isEmpty() && x + 3.0 > labelEnd) {
            // On a backing of the chart's background, so a curve under it cannot hide it.
            const double left = std::min(x + 3.0, area.right() - width - 2.0);
            const QRectF box(left - 2.0, area.top() + 1.0, width + 4.0, metrics.height() + 2.0);
            painter.setPen(Qt::NoPen);
            painter.setBrush(withAlpha(palette().color(QPalette::Base), 0.65));
            painter.drawRect(box);
            painter.setPen(withAlpha(text, 0.8));
            painter.drawText(QPointF(left, box.top() + 1.0 + metrics.ascent()), marker.label);
            labelEnd = box.right() + 6.0;
        }
    }

    if (o.hover) {
        painter.setPen(QPen(text, 1.5));
        painter.setBrush(o.hoverColor);
        const double r = 4.5 * o.scale;
        painter.drawEllipse(toChart(*o.hover), r, r);
    }
}

}  // namespace dlab::ui
