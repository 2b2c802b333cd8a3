#pragma once
// SampleGridView: example images of a dataset, one row per class with the class name on
// the left. The grid is painted off-thread (renderSampleGrid) at the data's resolution and
// scaled up here with nearest-neighbour sampling, so a 28×28 digit shows crisp pixels
// rather than a blur; the labels are drawn at screen resolution.
//
// GUI thread only. Its height follows its width (heightForWidth), for a scroll area.

#include "widgets/DataImages.h"

#include <QWidget>

namespace dlab::ui {

class SampleGridView : public QWidget {
    Q_OBJECT
public:
    explicit SampleGridView(QWidget* parent = nullptr);

    void setGrid(SampleGridImage grid);
    void clear();
    const SampleGridImage& grid() const { return m_grid; }

    bool hasHeightForWidth() const override { return true; }
    int heightForWidth(int width) const override;
    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

protected:
    void paintEvent(QPaintEvent* event) override;

private:
    struct Layout {
        int labelWidth = 0;
        double scale = 1.0;
        int noteHeight = 0;
    };
    Layout layoutFor(int width) const;

    SampleGridImage m_grid;
};

}  // namespace dlab::ui
