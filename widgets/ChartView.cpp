#include "widgets/ChartView.h"

#include <QChart>
#include <QMouseEvent>
#include <QPainter>
#include <QToolTip>

#include <algorithm>
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

void ChartView::drawBackground(QPainter* painter, const QRectF& rect) {
    QChartView::drawBackground(painter, rect);
    if (!toChart || !m_overlay.band) {
        return;
    }
    painter->save();
    painter->translate(chart()->pos());
    paintBand(*painter);
    painter->restore();
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

void ChartView::paintBand(QPainter& painter) const {
    const Band& band = *m_overlay.band;
    const QRectF area = chart()->plotArea();
    // toChart maps a value at or below 0 on the log axis under the plot area; the strip
    // is clipped to the area either way.
    const double top = toChart(QPointF(0.0, band.hi)).y();
    const double bottom = toChart(QPointF(0.0, band.lo)).y();
    const QRectF strip = QRectF(QPointF(area.left(), std::min(top, bottom)),
                                QPointF(area.right(), std::max(top, bottom)))
                             .intersected(area);
    if (strip.isEmpty()) {
        return;
    }
    painter.fillRect(strip, band.color);
}

// The band's label, over the series (on a backing, like the marker labels) so a curve
// that runs through the band cannot hide it.
void ChartView::paintBandLabel(QPainter& painter) const {
    const Band& band = *m_overlay.band;
    const QRectF area = chart()->plotArea();
    const double top = std::max(area.top(), toChart(QPointF(0.0, band.hi)).y());
    const double bottom = std::min(area.bottom(), toChart(QPointF(0.0, band.lo)).y());
    const QFont font = scaled(this->font(), 0.8 * m_overlay.scale);
    const QFontMetricsF metrics(font);
    if (band.label.isEmpty() || bottom - top < metrics.height()) {
        return;
    }
    // The band's own hue, opaque and halfway to the text colour, so it reads on the strip.
    const QColor text = palette().color(QPalette::Text);
    const QColor ink = QColor::fromRgbF(0.5f * (band.color.redF() + text.redF()),
                                        0.5f * (band.color.greenF() + text.greenF()),
                                        0.5f * (band.color.blueF() + text.blueF()));
    const double width = metrics.horizontalAdvance(band.label);
    // At the bottom left: curves usually come down into a band from above over a run.
    const QRectF box(area.left() + 4.0, bottom - metrics.height() - 4.0, width + 4.0,
                     metrics.height() + 2.0);
    painter.setPen(Qt::NoPen);
    painter.setBrush(withAlpha(palette().color(QPalette::Base), 0.65));
    painter.drawRect(box);
    painter.setFont(font);
    painter.setPen(ink);
    painter.drawText(QPointF(box.left() + 2.0, box.top() + 1.0 + metrics.ascent()), band.label);
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

    if (o.band) {
        paintBandLabel(painter);
    }

    painter.setFont(scaled(font(), 0.8 * o.scale));
    const QFontMetricsF metrics(painter.font());
    double labelEnd = -std::numeric_limits<double>::infinity();
    for (const Marker& marker : o.markers) {
        const double x = toChart(QPointF(marker.x, 1.0)).x();
        if (x < area.left() - 0.5 || x > area.right() + 0.5) {
            continue;
        }
        const QColor ink = marker.color.isValid() ? marker.color : text;
        painter.setPen(QPen(withAlpha(ink, marker.color.isValid() ? 0.7 : 0.45),
                            o.scale > 1.0 ? 2.0 : 1.0, Qt::DashLine));
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
            painter.setPen(marker.color.isValid() ? ink : withAlpha(text, 0.8));
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
