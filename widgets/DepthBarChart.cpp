#include "widgets/DepthBarChart.h"

#include <QEvent>
#include <QFontMetricsF>
#include <QHelpEvent>
#include <QPainter>
#include <QToolTip>
#include <algorithm>
#include <cmath>
#include <limits>

namespace dlab::ui {
namespace {

constexpr double kPresentationFont = 1.2;
constexpr double kPresentationWidth = 2.0;
constexpr double kBarShare = 0.7;  // of a bar's slot; the rest is the gap
constexpr double kMaxBarWidth = 90.0;

QColor mix(const QColor& a, const QColor& b, double t) {
    return QColor::fromRgbF(static_cast<float>(a.redF() * (1 - t) + b.redF() * t),
                            static_cast<float>(a.greenF() * (1 - t) + b.greenF() * t),
                            static_cast<float>(a.blueF() * (1 - t) + b.blueF() * t));
}

// As the line charts' log axes write them ("%g"): 0.001, 0.0001, 1e-05.
QString decadeLabel(int exponent) {
    return QString::number(std::pow(10.0, exponent), 'g', 6);
}

bool drawable(double value) {
    return std::isfinite(value) && value > 0.0;
}

}  // namespace

DepthBarChart::DepthBarChart(QWidget* parent) : QWidget(parent) {
    setMouseTracking(true);
    setAttribute(Qt::WA_OpaquePaintEvent);
}

void DepthBarChart::setBars(std::vector<Bar> bars) {
    m_bars = std::move(bars);
    updateRange();
    update();
}

void DepthBarChart::setTitle(const QString& title) {
    m_title = title;
    update();
}

void DepthBarChart::setAxisTitles(const QString& x, const QString& y) {
    m_xTitle = x;
    m_yTitle = y;
    update();
}

void DepthBarChart::setPlaceholderText(const QString& text) {
    m_placeholder = text;
    update();
}

void DepthBarChart::setPresentationMode(bool on) {
    m_presentation = on;
    updateGeometry();
    update();
}

QSize DepthBarChart::minimumSizeHint() const {
    return {200, 140};
}

QSize DepthBarChart::sizeHint() const {
    return {480, 260};
}

QFont DepthBarChart::scaledFont(double scale, bool bold) const {
    QFont f = font();
    const double size = f.pointSizeF() > 0 ? f.pointSizeF() : 9.0;
    f.setPointSizeF(size * scale * (m_presentation ? kPresentationFont : 1.0));
    f.setBold(bold);
    return f;
}

void DepthBarChart::updateRange() {
    double lo = std::numeric_limits<double>::infinity();
    double hi = -std::numeric_limits<double>::infinity();
    for (const Bar& b : m_bars) {
        if (drawable(b.value)) {
            lo = std::min(lo, b.value);
            hi = std::max(hi, b.value);
        }
    }
    if (!std::isfinite(lo)) {
        m_decadeLo = -3;
        m_decadeHi = 0;
        return;
    }
    m_decadeLo = static_cast<int>(std::floor(std::log10(lo)));
    m_decadeHi = static_cast<int>(std::ceil(std::log10(hi)));
    // A bar at the very bottom would be invisible: one decade of room below the smallest.
    if (std::log10(lo) - m_decadeLo < 0.3) {
        --m_decadeLo;
    }
    if (m_decadeHi <= m_decadeLo) {
        m_decadeHi = m_decadeLo + 1;
    }
}

DepthBarChart::Layout DepthBarChart::layout() const {
    Layout l;
    const QFontMetricsF titleMetrics(scaledFont(1.05, true));
    const QFontMetricsF labelMetrics(scaledFont(0.85));
    const QFontMetricsF axisMetrics(scaledFont(0.9));
    const QRectF all = QRectF(rect()).adjusted(6, 4, -10, -4);
    l.title = QRectF(all.left(), all.top(), all.width(),
                     m_title.isEmpty() ? 0.0 : titleMetrics.height() + 4);
    double labelsWidth = 0.0;
    for (int e = m_decadeLo; e <= m_decadeHi; ++e) {
        labelsWidth = std::max(labelsWidth, labelMetrics.horizontalAdvance(decadeLabel(e)));
    }
    const double left =
        all.left() + (m_yTitle.isEmpty() ? 0.0 : axisMetrics.height() + 4) + labelsWidth + 6;
    // Bar labels lie flat when they fit their slot, else they are turned by 45°.
    const double slot = m_bars.empty() ? 1.0 : (all.right() - left) / m_bars.size();
    double widest = 0.0;
    for (const Bar& b : m_bars) {
        widest = std::max(widest, labelMetrics.horizontalAdvance(b.label));
    }
    l.rotateLabels = widest + 6 > slot;
    const double labelsHeight =
        l.rotateLabels ? widest * 0.71 + labelMetrics.height() : labelMetrics.height() + 4;
    const double bottom =
        all.bottom() - (m_xTitle.isEmpty() ? 0.0 : axisMetrics.height() + 2) - labelsHeight - 4;
    // Room above the top bar for its value.
    l.plot = QRectF(QPointF(left, l.title.bottom() + labelMetrics.height() + 2),
                    QPointF(all.right(), bottom));
    return l;
}

double DepthBarChart::toY(double value, const QRectF& plot) const {
    const double t = (std::log10(value) - m_decadeLo) / (m_decadeHi - m_decadeLo);
    return plot.bottom() - std::clamp(t, 0.0, 1.0) * plot.height();
}

QRectF DepthBarChart::barRect(int i) const {
    if (i < 0 || i >= static_cast<int>(m_bars.size()) || !drawable(m_bars[i].value)) {
        return {};
    }
    const QRectF plot = layout().plot;
    const double slot = plot.width() / static_cast<double>(m_bars.size());
    const double width = std::min(slot * kBarShare, kMaxBarWidth);
    const double center = plot.left() + (i + 0.5) * slot;
    const double top = toY(m_bars[i].value, plot);
    return QRectF(QPointF(center - width / 2, top), QPointF(center + width / 2, plot.bottom()));
}

bool DepthBarChart::event(QEvent* event) {
    if (event->type() == QEvent::ToolTip) {
        const auto* help = static_cast<QHelpEvent*>(event);
        const QRectF plot = layout().plot;
        const double slot =
            m_bars.empty() ? 1.0 : plot.width() / static_cast<double>(m_bars.size());
        const int i = static_cast<int>(std::floor((help->pos().x() - plot.left()) / slot));
        if (!m_bars.empty() && i >= 0 && i < static_cast<int>(m_bars.size()) &&
            help->pos().y() >= plot.top()) {
            const Bar& b = m_bars[static_cast<size_t>(i)];
            QToolTip::showText(help->globalPos(),
                               b.toolTip.isEmpty() ? QStringLiteral("%1: %2").arg(
                                                         b.label, QString::number(b.value, 'g', 4))
                                                   : b.toolTip,
                               this);
        } else if (!toolTip().isEmpty()) {
            QToolTip::showText(help->globalPos(), toolTip(), this);
        } else {
            QToolTip::hideText();
        }
        return true;
    }
    return QWidget::event(event);
}

void DepthBarChart::paintEvent(QPaintEvent* /*event*/) {
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing);
    const QPalette pal = palette();
    const QColor background = pal.color(QPalette::Base);
    const QColor text = pal.color(QPalette::Text);
    p.fillRect(rect(), background);
    const Layout l = layout();
    const QRectF& plot = l.plot;
    const double widthScale = m_presentation ? kPresentationWidth : 1.0;

    if (!m_title.isEmpty()) {
        p.setFont(scaledFont(1.05, true));
        p.setPen(text);
        p.drawText(l.title, Qt::AlignHCenter | Qt::AlignTop, m_title);
    }
    if (plot.width() < 20 || plot.height() < 20) {
        return;
    }

    // Decade grid lines with their labels, and faint lines at 2..9 within each decade.
    const QFont labelFont = scaledFont(0.85);
    const QFontMetricsF labelMetrics(labelFont);
    p.setFont(labelFont);
    for (int e = m_decadeLo; e <= m_decadeHi; ++e) {
        const double y = toY(std::pow(10.0, e), plot);
        p.setPen(QPen(mix(background, text, 0.16), 1.0));
        p.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y));
        p.setPen(text);
        const QString label = decadeLabel(e);
        p.drawText(QPointF(plot.left() - 6 - labelMetrics.horizontalAdvance(label),
                           y + labelMetrics.ascent() / 2 - 1),
                   label);
        if (e < m_decadeHi) {
            p.setPen(QPen(mix(background, text, 0.06), 1.0));
            for (int k = 2; k <= 9; ++k) {
                const double ym = toY(k * std::pow(10.0, e), plot);
                p.drawLine(QPointF(plot.left(), ym), QPointF(plot.right(), ym));
            }
        }
    }
    const QFont axisFont = scaledFont(0.9);
    const QFontMetricsF axisMetrics(axisFont);
    p.setFont(axisFont);
    p.setPen(text);
    if (!m_yTitle.isEmpty()) {
        p.save();
        p.translate(rect().left() + 6 + axisMetrics.ascent(), plot.center().y());
        p.rotate(-90);
        p.drawText(
            QRectF(-plot.height() / 2, -axisMetrics.ascent(), plot.height(), axisMetrics.height()),
            Qt::AlignCenter, m_yTitle);
        p.restore();
    }
    if (!m_xTitle.isEmpty()) {
        p.drawText(QRectF(plot.left(), rect().bottom() - 4 - axisMetrics.height(), plot.width(),
                          axisMetrics.height()),
                   Qt::AlignCenter, m_xTitle);
    }

    if (m_bars.empty()) {
        if (!m_placeholder.isEmpty()) {
            QColor faint = text;
            faint.setAlphaF(0.55f);
            p.setFont(scaledFont(1.0));
            p.setPen(faint);
            p.drawText(plot.adjusted(12, 0, -12, 0), Qt::AlignCenter | Qt::TextWordWrap,
                       m_placeholder);
        }
    } else {
        const double slot = plot.width() / static_cast<double>(m_bars.size());
        const QFont valueFont = scaledFont(0.75);
        const QFontMetricsF valueMetrics(valueFont);
        for (size_t i = 0; i < m_bars.size(); ++i) {
            const Bar& b = m_bars[i];
            const double center = plot.left() + (static_cast<double>(i) + 0.5) * slot;
            const QRectF bar = barRect(static_cast<int>(i));
            if (!bar.isEmpty()) {
                p.setPen(QPen(b.color.darker(130), widthScale));
                QColor fill = b.color;
                fill.setAlphaF(0.85f);
                p.setBrush(fill);
                p.drawRect(bar);
                const QString value = QString::number(b.value, 'g', 2);
                if (valueMetrics.horizontalAdvance(value) <= slot) {
                    p.setFont(valueFont);
                    p.setPen(text);
                    p.drawText(QRectF(center - slot / 2, bar.top() - valueMetrics.height() - 1,
                                      slot, valueMetrics.height()),
                               Qt::AlignCenter, value);
                }
            } else {
                p.setFont(valueFont);
                p.setPen(text);
                p.drawText(QRectF(center - slot / 2, plot.bottom() - valueMetrics.height() - 2,
                                  slot, valueMetrics.height()),
                           Qt::AlignCenter,
                           std::isfinite(b.value) ? QStringLiteral("0") : QStringLiteral("—"));
            }
            p.setFont(labelFont);
            p.setPen(text);
            if (l.rotateLabels) {
                p.save();
                p.translate(center + labelMetrics.ascent() / 2, plot.bottom() + 6);
                p.rotate(-45);
                p.drawText(QPointF(-labelMetrics.horizontalAdvance(b.label), 0), b.label);
                p.restore();
            } else {
                p.drawText(
                    QRectF(center - slot / 2, plot.bottom() + 3, slot, labelMetrics.height()),
                    Qt::AlignHCenter | Qt::AlignTop, b.label);
            }
        }
    }
    p.setPen(QPen(mix(background, text, 0.4), widthScale));
    p.drawLine(plot.bottomLeft(), plot.bottomRight());
    p.drawLine(plot.bottomLeft(), plot.topLeft());
}

}  // namespace dlab::ui
