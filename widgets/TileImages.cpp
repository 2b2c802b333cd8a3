#include "widgets/TileImages.h"

#include <QFontMetrics>
#include <QLinearGradient>
#include <QPainter>
#include <algorithm>
#include <cmath>

namespace dlab::ui {

QRect TileGrid::source(int i) const {
    const int columnCount = std::max(columns, 1);
    return {(i % columnCount) * tileWidth, (i / columnCount) * tileHeight, tileWidth, tileHeight};
}

TileGrid makeTileGrid(const TileSet& tiles, int columns) {
    TileGrid grid;
    if (tiles.count <= 0 || tiles.width <= 0 || tiles.height <= 0) {
        return grid;
    }
    grid.count = static_cast<int>(tiles.count);
    grid.columns = std::clamp(columns, 1, grid.count);
    grid.tileWidth = static_cast<int>(tiles.width);
    grid.tileHeight = static_cast<int>(tiles.height);
    grid.lo = tiles.lo;
    grid.hi = tiles.hi;
    const int rows = (grid.count + grid.columns - 1) / grid.columns;
    const bool colour = tiles.channels == 3;
    grid.image = QImage(grid.columns * grid.tileWidth, rows * grid.tileHeight,
                        colour ? QImage::Format_RGB888 : QImage::Format_Grayscale8);
    grid.image.fill(Qt::black);
    const int64_t plane = tiles.height * tiles.width;
    for (int i = 0; i < grid.count; ++i) {
        const uint8_t* tile = tiles.tile(i);
        const QRect at = grid.source(i);
        for (int y = 0; y < grid.tileHeight; ++y) {
            uchar* line = grid.image.scanLine(at.top() + y);
            for (int x = 0; x < grid.tileWidth; ++x) {
                const int64_t p = static_cast<int64_t>(y) * tiles.width + x;
                if (colour) {
                    uchar* px = line + 3 * (at.left() + x);
                    px[0] = tile[p];
                    px[1] = tile[plane + p];
                    px[2] = tile[2 * plane + p];
                } else {
                    line[at.left() + x] = tile[p];
                }
            }
        }
    }
    return grid;
}

QSizeF TileLayout::tileSize(const TileGrid& grid) const {
    return {grid.tileWidth * scale, grid.tileHeight * scale};
}

QSizeF TileLayout::size(const TileGrid& grid) const {
    if (grid.isNull()) {
        return {};
    }
    const int cols = std::min(columns, grid.count);
    const int rows = (grid.count + columns - 1) / columns;
    const QSizeF tile = tileSize(grid);
    return {cols * tile.width() + (cols - 1) * gap,
            rows * (tile.height() + titleHeight) + (rows - 1) * gap};
}

QRectF TileLayout::target(const TileGrid& grid, int i) const {
    const QSizeF tile = tileSize(grid);
    const int column = i % columns;
    const int row = i / columns;
    return {column * (tile.width() + gap), row * (tile.height() + titleHeight + gap), tile.width(),
            tile.height()};
}

TileLayout fitTiles(const TileGrid& grid, QSizeF area, int fixedColumns, int gap, int titleHeight,
                    double maxTilePx) {
    TileLayout best;
    best.gap = gap;
    best.titleHeight = titleHeight;
    if (grid.isNull()) {
        return best;
    }
    const int first = fixedColumns > 0 ? std::min(fixedColumns, grid.count) : 1;
    const int last = fixedColumns > 0 ? first : grid.count;
    double bestScale = -1.0;
    int bestEmpty = 0;
    for (int columns = first; columns <= last; ++columns) {
        const int rows = (grid.count + columns - 1) / columns;
        const double across = (area.width() - (columns - 1) * gap) / (columns * grid.tileWidth);
        const double down =
            (area.height() - rows * titleHeight - (rows - 1) * gap) / (rows * grid.tileHeight);
        double scale = std::min(across, down);
        scale = std::min(scale, maxTilePx / std::max(grid.tileWidth, grid.tileHeight));
        if (scale >= 1.0) {
            scale = std::floor(scale);
        }
        // Equal sizes: the grid with the fewest empty places (10 tiles: 5 × 2, not 4 + 4 + 2).
        const int empty = rows * columns - grid.count;
        if (scale > bestScale || (scale == bestScale && empty < bestEmpty)) {
            bestScale = scale;
            bestEmpty = empty;
            best.columns = columns;
        }
    }
    // Tiles never vanish: a crowded grid gets small tiles and the view scrolls or clips.
    best.scale = std::max(bestScale, 0.25);
    return best;
}

void paintTiles(QPainter& painter, const TileGrid& grid, const TileLayout& layout, QPointF origin,
                const QStringList& titles) {
    if (grid.isNull()) {
        return;
    }
    painter.save();
    painter.setRenderHint(QPainter::SmoothPixmapTransform, layout.scale < 1.0);
    const QFontMetrics metrics = painter.fontMetrics();
    for (int i = 0; i < grid.count; ++i) {
        const QRectF at = layout.target(grid, i).translated(origin);
        painter.drawImage(at, grid.image, grid.source(i));
        if (layout.titleHeight > 0 && i < titles.size()) {
            const QRectF below(at.left() - layout.gap / 2.0, at.bottom(), at.width() + layout.gap,
                               layout.titleHeight);
            const QString text =
                metrics.elidedText(titles[i], Qt::ElideRight, static_cast<int>(below.width()));
            painter.drawText(below, Qt::AlignHCenter | Qt::AlignTop, text);
        }
    }
    painter.restore();
}

double paintScaleBar(QPainter& painter, QRectF bar, float lo, float hi) {
    const QFontMetrics metrics = painter.fontMetrics();
    const QString left = formatValue(lo, lo < 0.0f && hi > 0.0f);
    const QString right = formatValue(hi, lo < 0.0f && hi > 0.0f);
    const double leftWidth = metrics.horizontalAdvance(left) + 6;
    const QRectF leftRect(bar.left(), bar.top(), leftWidth, bar.height());
    const QRectF gradientRect(bar.left() + leftWidth, bar.top(), bar.width(), bar.height());
    QLinearGradient gradient(gradientRect.topLeft(), gradientRect.topRight());
    gradient.setColorAt(0.0, Qt::black);
    gradient.setColorAt(1.0, Qt::white);
    painter.save();
    painter.drawText(leftRect, Qt::AlignVCenter | Qt::AlignLeft, left);
    painter.setPen(QPen(painter.pen().color(), 1));
    painter.setBrush(gradient);
    painter.drawRect(gradientRect);
    painter.restore();
    const double rightWidth = metrics.horizontalAdvance(right) + 6;
    painter.drawText(QRectF(gradientRect.right() + 6, bar.top(), rightWidth, bar.height()),
                     Qt::AlignVCenter | Qt::AlignLeft, right);
    return leftWidth + bar.width() + 6 + rightWidth;
}

QString formatValue(float value, bool signedPlus) {
    const double a = std::abs(static_cast<double>(value));
    QString text;
    if (a == 0.0) {
        return QStringLiteral("0");
    }
    if (a >= 10.0) {
        text = QString::number(a, 'f', 0);
    } else if (a >= 1.0) {
        text = QString::number(a, 'f', 1);
    } else {
        text = QString::number(a, 'g', 2);
    }
    if (value < 0.0f) {
        return QChar(0x2212) + text;
    }
    return signedPlus ? QLatin1Char('+') + text : text;
}

}  // namespace dlab::ui
