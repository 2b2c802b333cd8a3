#pragma once
// DepthBarChart: one bar per layer, left to right from the input to the output, on a
// logarithmic y axis of whole decades, so values that differ by factors (gradient norms
// that vanish toward the input) read at a glance.
//
// Painted by hand rather than with Qt Charts, whose bar series cannot start a bar on a log
// axis. Bars with a value that is not > 0 (or not finite) are left out and marked "0" or
// "—" at the axis. Colours follow the widget's palette; bar colours are the caller's.
// Hovering a bar shows its tool tip. GUI thread only.

#include <QColor>
#include <QRectF>
#include <QString>
#include <QWidget>
#include <vector>

namespace dlab::ui {

class DepthBarChart : public QWidget {
    Q_OBJECT
public:
    struct Bar {
        QString label;  // under the bar ("1", "3.shortcut")
        double value = 0.0;
        QColor color;
        QString toolTip;  // on hover; empty: label and value
    };

    explicit DepthBarChart(QWidget* parent = nullptr);

    void setBars(std::vector<Bar> bars);
    const std::vector<Bar>& bars() const { return m_bars; }
    void setTitle(const QString& title);
    void setAxisTitles(const QString& x, const QString& y);
    void setPlaceholderText(const QString& text);
    // Larger fonts and thicker lines for a projector.
    void setPresentationMode(bool on);

    // The decades the y axis spans now: [10^lo, 10^hi].
    int decadeLo() const { return m_decadeLo; }
    int decadeHi() const { return m_decadeHi; }
    // Where bar i is drawn in widget coordinates (empty when it is not drawn).
    QRectF barRect(int i) const;

    QSize minimumSizeHint() const override;
    QSize sizeHint() const override;

protected:
    bool event(QEvent* event) override;
    void paintEvent(QPaintEvent* event) override;

private:
    struct Layout {
        QRectF plot;
        QRectF title;
        bool rotateLabels = false;
    };
    Layout layout() const;
    QFont scaledFont(double scale, bool bold = false) const;
    double toY(double value, const QRectF& plot) const;
    void updateRange();

    std::vector<Bar> m_bars;
    QString m_title;
    QString m_xTitle;
    QString m_yTitle;
    QString m_placeholder;
    bool m_presentation = false;
    int m_decadeLo = -3;
    int m_decadeHi = 0;
};

}  // namespace dlab::ui
