#pragma once
// DecisionBoundaryProbe: what the network predicts over the whole input plane of 2-D data.
//
// capture() lays a PlaneGrid (engine/InspectGrid.h) over the raw data range of all splits
// plus a margin, normalizes the grid points as the network's inputs were, runs them
// through the network in Mode::Eval in batches of kBatchRows, and paints the map:
//   classification  each pixel the predicted class's colour (classColor, as in the Data
//                   panel's scatter), faded towards white as the confidence drops
//                   (towardsWhite(colour, kBoundaryMaxTint · confidence)), so the
//                   boundary and the network's doubt both show;
//   regression      (numClasses == 0) the first output as a viridis heat map over
//                   [valueMin, valueMax], the range of the surface and the targets.
// For small MLPs (planNeuronMaps) it also keeps each hidden neuron's output over the
// plane and paints it with the diverging map, centred on 0 and scaled per neuron by its
// largest |value|. The data points (thinned to kMaxPoints) travel in the snapshot; the
// view draws them on top at screen resolution.
//
// Data that is not 2-D features, or a network whose output is not flat, gives a snapshot
// with only `message` set.
//
// Thread safety: capture() on the training or capture thread (Probe's contract); the
// snapshot is immutable once published.

#include "engine/InspectGrid.h"
#include "widgets/Inspection.h"

#include <QImage>
#include <QString>
#include <QStringList>

#include <vector>

namespace dlab::ui {

struct BoundaryPoint {
    float x1 = 0.0f;
    float x2 = 0.0f;
    float value = 0.0f;  // class index, or the (first) regression target
    bool train = true;   // false: validation or test
};

struct NeuronMaps {
    QString title;           // "layer 1": the dense layer, numbered as in the builder
    QString activation;      // "tanh", or empty when no activation follows it
    size_t outputLayer = 0;  // top-level layer whose output these are (NeuronLayer::output)
    std::vector<QImage> images;              // one per neuron, grid.columns × grid.rows
    std::vector<std::vector<float>> values;  // per neuron, one value per grid point
    std::vector<float> scales;               // per neuron: the largest |value| (map's ±end)
};

struct BoundarySnapshot {
    QString message;  // non-empty: there is no map, and why
    int64_t step = 0;
    PlaneGrid grid;
    QImage map;  // grid.columns × grid.rows, pixel (c, r) = grid point r · columns + c
    bool regression = false;
    // Classification: per grid point, the predicted class and the confidence in [0, 1].
    std::vector<int> classes;
    std::vector<float> confidence;
    QStringList classNames;
    // Regression: the network's first output per grid point, and the colour bar's range.
    std::vector<float> values;
    float valueMin = 0.0f;
    float valueMax = 1.0f;
    QString outputNote;  // e.g. "output 1 of 3 shown"; may be empty
    std::vector<BoundaryPoint> points;
    int64_t totalPoints = 0;  // before thinning
    std::vector<NeuronMaps> neurons;
    QString neuronNote;  // why there are no neuron maps (empty when there are)
};

class DecisionBoundaryProbe final : public Probe {
public:
    // Grid points per forward pass: bounds the activation memory of a big MLP.
    static constexpr int64_t kBatchRows = 4096;
    // Points handed to the view at most (larger sets are thinned evenly).
    static constexpr int64_t kMaxPoints = 4000;

    void capture(InspectContext& context) override;

    Latest<BoundarySnapshot> latest;
};

// Why these samples cannot be drawn on a plane ("... this data set's samples are
// 1×28×28"), or empty for 2-feature data.
QString boundaryUnavailableReason(const data::Dataset& train);

}  // namespace dlab::ui
