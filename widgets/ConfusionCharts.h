#pragma once
// The two painted parts of the ConfusionView.
//
// ConfusionMatrixChart: the K×K matrix as a heat map, rows the true class and columns the
// predicted class, with the counts (or the row's percentages) in the cells, the class
// names on both axes (column names slanted, long names elided, the full name in the
// tooltip), recall on the right of each row and precision under each column. A cell's
// colour is its share of the row (blue on the diagonal, orange off it, on a square-root
// scale so that a 5 % confusion is visible next to a 90 % diagonal). Cell text shrinks to
// fit and is left out when the cells are too small (many classes); hovering tells.
//
// MistakeGallery: the snapshot's most confident mistakes as a grid of tiles, each the
// sample (thumbnail scaled with crisp pixels, or its feature values) and "true: Shirt /
// predicted: T-shirt / p 0.83 · true 0.05". Its height follows its width, for a scroll
// area.
//
// GUI thread only. Both paint a shared immutable snapshot and keep it alive.

#include <QWidget>
#include <memory>

#include "widgets/ConfusionProbe.h"

namespace dlab::ui {

class ConfusionMatrixChart : public QWidget {
    Q_OBJECT
public:
    explicit ConfusionMatrixChart(QWidget* parent = nullptr);

    // Null clears; `placeholder` is shown while there is nothing to draw.
    void setSnapshot(std::shared_ptr<const ConfusionSnapshot> snapshot);
    void setPlaceholder(const QString& text);
    // Cells show the percentage of the true class instead of the count.
    void setRowPercentages(bool on);
    bool rowPercentages() const { return m_percent; }

    // The text a cell shows now ("" when cells are too small for text); for tests.
    QString cellText(int trueClass, int predicted) const;
    // The cell under a widget position as (true, predicted), or (-1, -1).
    QPoint cellAt(const QPoint& pos) const;

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

protected:
    void paintEvent(QPaintEvent* event) override;
    bool event(QEvent* event) override;

private:
    struct Layout {
        QRectF grid;                     // the K×K cells
        double cell = 0.0;               // side of one cell
        double labelWidth = 0.0;         // row names, left of the grid
        double columnLabelLength = 0.0;  // column names, along the text
        double columnAngle = 45.0;       // degrees above the horizontal
        double columnBand = 0.0;         // height of the column names above the grid
        QFont cellFont;
        bool cellText = false;
        // Every rowStep-th / columnStep-th name is drawn (1 when all fit).
        int rowStep = 1;
        int columnStep = 1;
    };
    Layout layout() const;
    QString elidedName(int k, double width) const;

    std::shared_ptr<const ConfusionSnapshot> m_snapshot;
    QString m_placeholder;
    bool m_percent = false;
};

class MistakeGallery : public QWidget {
    Q_OBJECT
public:
    explicit MistakeGallery(QWidget* parent = nullptr);

    void setSnapshot(std::shared_ptr<const ConfusionSnapshot> snapshot);
    // The caption lines of tile i (tests, and what is painted).
    QStringList caption(size_t i) const;
    // Height of one row of tiles, gap included.
    int rowHeight() const;
    // Larger tiles for a projector.
    void setPresentationMode(bool on);

    bool hasHeightForWidth() const override { return true; }
    int heightForWidth(int width) const override;
    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

protected:
    void paintEvent(QPaintEvent* event) override;
    bool event(QEvent* event) override;

private:
    QSize tileSize() const;
    int pictureHeight() const;
    int columnsFor(int width) const;
    // Tile width when `columns` tiles share the widget's width.
    int stretchedWidth(int columns) const;
    // Index of the tile at `pos`, or -1.
    int tileAt(const QPoint& pos) const;

    std::shared_ptr<const ConfusionSnapshot> m_snapshot;
    bool m_presentation = false;
};

}  // namespace dlab::ui
