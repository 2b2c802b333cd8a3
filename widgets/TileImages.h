#pragma once
// Tiles of pixels (kernels, templates, feature maps) as one QImage, and how the image
// views lay them out on screen: each tile scaled with nearest-neighbour sampling (a 3×3
// kernel stays nine crisp squares), a gap between tiles, an optional title under each,
// and the colour scale that says which value black and white stand for.
//
// Thread safety: makeTileGrid is a pure function (the probes call it on the training
// thread, it paints into a QImage only); the paint helpers are for the GUI thread.

#include <QImage>
#include <QRect>
#include <QSizeF>
#include <QStringList>

#include "engine/InspectImages.h"

class QPainter;
class QFontMetrics;

namespace dlab::ui {

// The tiles of a TileSet side by side in a grid, at data resolution, no gaps: tile i at
// column i % columns, row i / columns. Grey tiles are Format_Grayscale8, colour tiles
// Format_RGB888 (a pixel's red, green and blue are the tile's planes 0, 1, 2).
struct TileGrid {
    QImage image;
    int count = 0;
    int columns = 0;
    int tileWidth = 0;
    int tileHeight = 0;
    float lo = 0.0f;  // the value drawn black
    float hi = 0.0f;  // the value drawn white

    bool isNull() const { return image.isNull() || count == 0; }
    // Where tile i lies in `image`.
    QRect source(int i) const;
};

TileGrid makeTileGrid(const TileSet& tiles, int columns);

// Where the tiles go on screen: `columns` per row, each tile `scale` screen pixels per data
// pixel, `gap` pixels apart, and `titleHeight` pixels under each row for titles.
struct TileLayout {
    int columns = 1;
    double scale = 1.0;
    int gap = 2;
    int titleHeight = 0;

    QSizeF tileSize(const TileGrid& grid) const;
    QSizeF size(const TileGrid& grid) const;           // the whole block
    QRectF target(const TileGrid& grid, int i) const;  // tile i, relative to the block
};

// The layout that makes the tiles largest inside `area`, with `columns` fixed when > 0 or
// chosen otherwise. Scales of 1 and more are whole numbers (every data pixel the same
// size on screen); `maxTilePx` caps the tile's longer side.
TileLayout fitTiles(const TileGrid& grid, QSizeF area, int fixedColumns, int gap, int titleHeight,
                    double maxTilePx);

// Draws the tiles of `grid` with `layout`, the block's top-left at `origin`; titles (one
// per tile, may be empty) centred under the tiles, elided to the tile's width.
void paintTiles(QPainter& painter, const TileGrid& grid, const TileLayout& layout, QPointF origin,
                const QStringList& titles = {});

// A horizontal black-to-white bar in `bar` with the values of its ends written beside it
// ("−0.31" left, "+0.31" right), the way every tile of the view maps values to grey.
// Returns the width used, labels included.
double paintScaleBar(QPainter& painter, QRectF bar, float lo, float hi);

// "−0.31", "+0.31", "0": a value with 2 significant digits, a real minus sign, and a
// plus sign when `signedPlus`.
QString formatValue(float value, bool signedPlus);

}  // namespace dlab::ui
