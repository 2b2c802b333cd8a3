#include "widgets/SampleGridView.h"

#include <QPainter>

#include <algorithm>
#include <cmath>

namespace dlab::ui {
namespace {

constexpr int kLabelGap = 8;
// Upscaling stops here: beyond it a handful of tiles would fill a whole wide dock.
constexpr double kMaxScale = 6.0;

}  // namespace

SampleGridView::SampleGridView(QWidget* parent) : QWidget(parent) {
    QSizePolicy policy(QSizePolicy::Preferred, QSizePolicy::Preferred);
    policy.setHeightForWidth(true);
    setSizePolicy(policy);
}

void SampleGridView::setGrid(SampleGridImage grid) {
    m_grid = std::move(grid);
    updateGeometry();
    update();
}

void SampleGridView::clear() {
    setGrid({});
}

SampleGridView::Layout SampleGridView::layoutFor(int width) const {
    Layout layout;
    if (m_grid.isNull()) {
        return layout;
    }
    const QFontMetricsF metrics(font());
    int widest = 0;
    for (const QString& label : m_grid.rowLabels) {
        widest = std::max(widest, static_cast<int>(std::ceil(metrics.horizontalAdvance(label))) + 1);
    }
    // Names may take at most a third of the width; longer ones are elided.
    layout.labelWidth = widest > 0 ? std::min(widest + kLabelGap, width / 3) : 0;
    const int available = std::max(1, width - layout.labelWidth);
    layout.scale = std::min(kMaxScale, static_cast<double>(available) / m_grid.image.width());
    layout.noteHeight = m_grid.note.isEmpty() ? 0 : static_cast<int>(std::ceil(metrics.height())) + 4;
    return layout;
}

int SampleGridView::heightForWidth(int width) const {
    if (m_grid.isNull()) {
        return 0;
    }
    const Layout layout = layoutFor(width);
    const int rowHeight = std::max(static_cast<int>(std::ceil(m_grid.image.height() * layout.scale)),
                                   fontMetrics().height() * m_grid.rows());
    return rowHeight + layout.noteHeight;
}

QSize SampleGridView::sizeHint() const {
    const int width = 340;
    return {width, heightForWidth(width)};
}

QSize SampleGridView::minimumSizeHint() const {
    return {120, m_grid.isNull() ? 0 : heightForWidth(120)};
}

void SampleGridView::paintEvent(QPaintEvent*) {
    if (m_grid.isNull()) {
        return;
    }
    QPainter painter(this);
    const Layout layout = layoutFor(width());
    const double scale = layout.scale;
    const QSizeF target(m_grid.image.width() * scale, m_grid.image.height() * scale);
    const double rowHeight = target.height() / m_grid.rows();
    // Rows may be taller than the tiles when the font is large (presentation mode).
    const double rowPitch = std::max(rowHeight, static_cast<double>(fontMetrics().height()));
    painter.setRenderHint(QPainter::SmoothPixmapTransform, scale < 1.0);
    const int tileRowPixels = m_grid.tileHeight + m_grid.gap;
    for (int r = 0; r < m_grid.rows(); ++r) {
        const double top = r * rowPitch;
        const int sourceTop = r * tileRowPixels;
        const int sourceHeight = std::min(m_grid.tileHeight, m_grid.image.height() - sourceTop);
        const QRectF source(0, sourceTop, m_grid.image.width(), sourceHeight);
        const QRectF dest(layout.labelWidth, top, target.width(), sourceHeight * scale);
        painter.drawImage(dest, m_grid.image, source);
        if (layout.labelWidth > 0) {
            const QRectF labelRect(0, top, layout.labelWidth - kLabelGap, sourceHeight * scale);
            const QString text = fontMetrics().elidedText(m_grid.rowLabels[r], Qt::ElideRight,
                                                          static_cast<int>(labelRect.width()));
            painter.setPen(palette().color(QPalette::WindowText));
            painter.drawText(labelRect, Qt::AlignVCenter | Qt::AlignRight, text);
        }
    }
    if (layout.noteHeight > 0) {
        painter.setPen(palette().color(QPalette::PlaceholderText));
        painter.drawText(QRectF(0, height() - layout.noteHeight, width(), layout.noteHeight),
                         Qt::AlignLeft | Qt::AlignVCenter, m_grid.note);
    }
}

}  // namespace dlab::ui
