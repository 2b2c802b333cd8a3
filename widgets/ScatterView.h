#pragma once
// ScatterView: the points of a 2-feature dataset coloured by class (or by target for
// regression), with a legend. The plot itself is painted off-thread (renderScatter) at
// about twice its on-screen size and scaled down here; the legend and the axis ranges are
// drawn at screen resolution.
//
// GUI thread only. Its height follows its width (heightForWidth), for a scroll area.

#include "widgets/DataImages.h"

#include <QWidget>

namespace dlab::ui {

class ScatterView : public QWidget {
    Q_OBJECT
public:
    explicit ScatterView(QWidget* parent = nullptr);

    void setScatter(ScatterImage scatter);
    void clear();
    const ScatterImage& scatter() const { return m_scatter; }

    bool hasHeightForWidth() const override { return true; }
    int heightForWidth(int width) const override;
    QSize sizeHint() const override;

protected:
    void paintEvent(QPaintEvent* event) override;

private:
    // Legend entries laid out in rows that fit `width`; returns the rows' count.
    int legendRows(int width) const;
    QString rangeText() const;

    ScatterImage m_scatter;
};

}  // namespace dlab::ui
