#pragma once
// Pictures of a dataset for the Data panel, painted off the GUI thread into QImage (never
// QPixmap, which belongs to the GUI thread): the grid of example images per class and the
// scatter plot of 2-D feature data. The views scale them on screen; labels and legends
// are drawn by the views at screen resolution so that text stays sharp.
//
// Thread safety: pure functions of their arguments; call them from a loading thread.

#include "datasets/Dataset.h"
#include "datasets/Summary.h"

#include <QColor>
#include <QImage>
#include <QRectF>
#include <QStringList>

#include <vector>

namespace dlab::ui {

// The colour of class `index` in every data view (Tableau 10, repeated).
QColor classColor(int index);

// A uint8 sample (C, H, W) as an image: one channel grey, three channels RGB; other
// channel counts show their first channel in grey. `pixels` holds C·H·W bytes.
QImage sampleImage(const uint8_t* pixels, const Shape& chw);

struct SampleGridImage {
    QImage image;           // rows × columns tiles with `gap` pixels between, data resolution
    QStringList rowLabels;  // one per row: the class name ("" for regression rows)
    int columns = 0;
    int tileWidth = 0;
    int tileHeight = 0;
    int gap = 0;
    QString note;           // e.g. "first 20 of 100 classes shown"; may be empty

    bool isNull() const { return image.isNull(); }
    int rows() const { return static_cast<int>(rowLabels.size()); }
};

// `perClass` examples of each class of an image dataset (sampleGrid with `seed`), one row
// per class, at most `maxRows` rows; regression data fills rows of `perClass` with
// examples. Null for feature data or an empty dataset.
SampleGridImage renderSampleGrid(const data::Dataset& dataset, int perClass, int maxRows,
                                 uint64_t seed);

struct ScatterImage {
    QImage image;         // the plot area only, `sizePx` wide
    QRectF bounds;        // data coordinates of the image: x1 left→right, x2 bottom→top
    QStringList classNames;  // legend; empty for regression
    bool regression = false;
    float targetMin = 0.0f;  // regression colour scale
    float targetMax = 0.0f;
    int points = 0;       // points drawn (large sets are thinned evenly)

    bool isNull() const { return image.isNull(); }
};

// Regression colour scale: blue (low) through light grey to red (high), t in [0, 1].
QColor divergingColor(double t);

// All points of a 2-feature split (train, validation and test) coloured by class, or by
// target for regression; equal units on both axes where the aspect allows. Null unless
// the samples are 2 float features.
ScatterImage renderScatter(const data::Split& split, int sizePx);

}  // namespace dlab::ui
