#include "widgets/ScatterView.h"

#include <QLinearGradient>
#include <QPainter>

#include <algorithm>

namespace dlab::ui {
namespace {

// The plot never grows wider than this; a wide dock gets a centred plot.
constexpr int kMaxPlotWidth = 520;
constexpr int kSwatchGap = 6;
constexpr int kEntryGap = 14;

QString number(double v) {
    return QString::number(v, 'g', 3);
}

}  // namespace

ScatterView::ScatterView(QWidget* parent) : QWidget(parent) {
    QSizePolicy policy(QSizePolicy::Preferred, QSizePolicy::Preferred);
    policy.setHeightForWidth(true);
    setSizePolicy(policy);
}

void ScatterView::setScatter(ScatterImage scatter) {
    m_scatter = std::move(scatter);
    updateGeometry();
    update();
}

void ScatterView::clear() {
    setScatter({});
}

QString ScatterView::rangeText() const {
    const QRectF& b = m_scatter.bounds;
    return tr("x1: %1 to %2   x2: %3 to %4")
        .arg(number(b.left()), number(b.right()), number(b.top()), number(b.bottom()));
}

int ScatterView::legendRows(int width) const {
    if (m_scatter.regression) {
        return 1;
    }
    width = std::min(width, kMaxPlotWidth);
    const QFontMetrics metrics(font());
    const int swatch = metrics.height() * 2 / 3;
    int rows = 1;
    int x = 0;
    for (const QString& name : m_scatter.classNames) {
        const int entry = swatch + kSwatchGap + metrics.horizontalAdvance(name);
        if (x > 0 && x + entry > width) {
            ++rows;
            x = 0;
        }
        x += entry + kEntryGap;
    }
    return rows;
}

int ScatterView::heightForWidth(int width) const {
    if (m_scatter.isNull()) {
        return 0;
    }
    const int plotWidth = std::min(width, kMaxPlotWidth);
    const int plotHeight = plotWidth * m_scatter.image.height() / m_scatter.image.width();
    const int line = fontMetrics().height();
    return plotHeight + 4 + line + 4 + legendRows(width) * (line + 2);
}

QSize ScatterView::sizeHint() const {
    return {340, heightForWidth(340)};
}

void ScatterView::paintEvent(QPaintEvent*) {
    if (m_scatter.isNull()) {
        return;
    }
    QPainter painter(this);
    painter.setRenderHint(QPainter::Antialiasing);
    painter.setRenderHint(QPainter::SmoothPixmapTransform);
    const int plotWidth = std::min(width(), kMaxPlotWidth);
    const int plotHeight = plotWidth * m_scatter.image.height() / m_scatter.image.width();
    const int left = (width() - plotWidth) / 2;
    painter.drawImage(QRect(left, 0, plotWidth, plotHeight), m_scatter.image);

    const QFontMetrics metrics(font());
    const int line = metrics.height();
    int y = plotHeight + 4;
    painter.setPen(palette().color(QPalette::PlaceholderText));
    painter.drawText(QRect(left, y, plotWidth, line), Qt::AlignHCenter | Qt::AlignVCenter,
                     rangeText());
    y += line + 4;

    painter.setPen(palette().color(QPalette::WindowText));
    if (m_scatter.regression) {
        const QString low = number(m_scatter.targetMin);
        const QString high = number(m_scatter.targetMax);
        const QString title = tr("target");
        const int x0 = left + metrics.horizontalAdvance(title + "  " + low) + kSwatchGap;
        const int x1 = left + plotWidth - metrics.horizontalAdvance(high) - kSwatchGap;
        painter.drawText(QRect(left, y, plotWidth, line), Qt::AlignLeft | Qt::AlignVCenter,
                         title + "  " + low);
        painter.drawText(QRect(left, y, plotWidth, line), Qt::AlignRight | Qt::AlignVCenter, high);
        if (x1 > x0) {
            QLinearGradient gradient(x0, 0, x1, 0);
            for (int i = 0; i <= 4; ++i) {
                gradient.setColorAt(i / 4.0, divergingColor(i / 4.0));
            }
            painter.fillRect(QRect(x0, y + line / 4, x1 - x0, line / 2), gradient);
        }
        return;
    }
    const int swatch = line * 2 / 3;
    int x = left;
    for (int i = 0; i < m_scatter.classNames.size(); ++i) {
        const QString& name = m_scatter.classNames[i];
        const int entry = swatch + kSwatchGap + metrics.horizontalAdvance(name);
        if (x > left && x - left + entry > plotWidth) {
            x = left;
            y += line + 2;
        }
        painter.setPen(Qt::NoPen);
        painter.setBrush(classColor(i));
        painter.drawEllipse(QRect(x, y + (line - swatch) / 2, swatch, swatch));
        painter.setPen(palette().color(QPalette::WindowText));
        painter.drawText(QRect(x + swatch + kSwatchGap, y, entry, line),
                         Qt::AlignLeft | Qt::AlignVCenter, name);
        x += entry + kEntryGap;
    }
}

}  // namespace dlab::ui
