#pragma once
// DecisionBoundaryView ("Boundary" tab): for 2-D data, what the network predicts
// at every point of the input plane, with the data on top, updated live while it trains.
//
//   classification  the region of each class in its colour (the Data panel's scatter
//                   colours), pale where the network is unsure;
//   regression      the output surface as a viridis heat map with a colour bar; the points
//                   are coloured by their target on the same scale, so a good fit makes
//                   them vanish into the surface.
// Training points are filled, validation and test points are rings. Axes x1 / x2 carry
// their ranges; the legend names the classes. For small MLPs (every hidden dense layer at
// most kMaxNeuronMapUnits units) each hidden neuron's output over the plane is drawn
// beside the map, one column per layer, as in TensorFlow Playground. Hovering the map
// tells the prediction at that point. Other data gets a message saying why.
//
// The pictures are computed off the GUI thread by DecisionBoundaryProbe; this view only
// scales them and draws points, axes and legends at screen resolution. GUI thread only.

#include "widgets/DecisionBoundaryProbe.h"
#include "widgets/InspectView.h"

#include <QPixmap>

#include <memory>
#include <vector>

namespace dlab::ui {

class DecisionBoundaryView : public InspectView {
    Q_OBJECT
public:
    explicit DecisionBoundaryView(TrainingSession& session, QWidget* parent = nullptr);

    void setPresentationMode(bool on) override;
    // The snapshot on screen (null before the first capture); for tests.
    std::shared_ptr<const BoundarySnapshot> shown() const { return m_shown; }
    // Where the map is drawn in widget coordinates (empty without a map); for tests.
    QRect mapRect() const { return m_layout.map; }
    // Where the neuron map of `neuron` of layer `layer` (indices into shown()->neurons)
    // is drawn; empty when it is not.
    QRect neuronRect(size_t layer, size_t neuron) const;

    QSize sizeHint() const override { return {720, 520}; }
    QSize minimumSizeHint() const override { return {320, 260}; }

protected:
    void refresh() override;
    void paintEvent(QPaintEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;

private:
    struct Layout {
        QRect map;
        QRect legend;
        int legendRows = 0;
        QRect neuronPanel;
        int tile = 0;       // neuron tile size; < kMinTile: no room for them
        int perColumn = 1;  // neuron tiles stacked per column
        std::vector<QRect> layerColumns;            // per neuron layer, below its title
        std::vector<std::vector<QRect>> neuronTiles;  // per layer, per neuron
    };
    void relayout();
    bool mapTooSmall() const;
    int legendRowsFor(int width) const;
    void paintAxes(QPainter& painter) const;
    void paintPoints(QPainter& painter) const;
    void paintLegend(QPainter& painter) const;
    void paintNeurons(QPainter& painter) const;
    QPointF toWidget(double x1, double x2) const;
    QString describePoint(const QPoint& pos) const;

    std::shared_ptr<DecisionBoundaryProbe> m_probe;
    std::shared_ptr<const BoundarySnapshot> m_shown;
    QPixmap m_map;
    std::vector<std::vector<QPixmap>> m_neuronPixmaps;
    Layout m_layout;
};

}  // namespace dlab::ui
