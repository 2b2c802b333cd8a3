#pragma once
// The Qt-free half of the decision-boundary view: a grid of points over the input plane
// of 2-D data, how a network's outputs at those points become a class and a confidence,
// the colour maps of the pictures, and which layers of a small MLP have neurons worth
// drawing one by one (TensorFlow Playground's hidden-unit maps).
//
// Coordinates are raw feature units (x1, x2) as the data set stores them; the caller
// normalizes grid points the way the network's inputs were (data::applyNormalization)
// before a forward pass. Pure functions and values: any thread.

#include "engine/Loss.h"
#include "engine/Network.h"
#include "engine/Tensor.h"

#include <cstdint>
#include <string>
#include <vector>

namespace dlab {

// Grid points along the longer side of the plane; the shorter side gets proportionally
// fewer, so every grid cell is square in data units.
inline constexpr int kPlaneGridResolution = 150;
// Empty border around the data, as a fraction of its extent, on every side.
inline constexpr double kPlaneGridMargin = 0.1;
// The plane's sides keep a ratio of at most this (a thin cloud still gets a plane).
inline constexpr double kPlaneGridMaxAspect = 2.0;

// A rows × columns grid of points over [xMin, xMax] × [yMin, yMax]. Point (row, column)
// is the centre of that cell; row 0 is the top (largest x2), as in an image, so grid
// point i = row · columns + column is pixel (column, row) of a columns × rows picture.
struct PlaneGrid {
    double xMin = 0.0;
    double xMax = 1.0;
    double yMin = 0.0;
    double yMax = 1.0;
    int columns = 0;
    int rows = 0;

    int64_t size() const { return static_cast<int64_t>(columns) * rows; }
    double x(int column) const { return xMin + (column + 0.5) * (xMax - xMin) / columns; }
    double y(int row) const { return yMax - (row + 0.5) * (yMax - yMin) / rows; }
    // Raw coordinates of grid points [begin, end): (end - begin, 2), CPU.
    Tensor points(int64_t begin, int64_t end) const;
};

// The grid over the bounding box [xMin, xMax] × [yMin, yMax] of some data, widened by
// `margin` of its extent on every side and then, around its centre, until neither side is
// more than kPlaneGridMaxAspect times the other. A box of zero extent gets a unit plane.
// `resolution` points go along the longer side.
PlaneGrid planeGridAround(double xMin, double xMax, double yMin, double yMax,
                          int resolution = kPlaneGridResolution, double margin = kPlaneGridMargin);

// The predicted class of each row of `output` (N, C) (CPU) and how sure the network is:
//   p = the class's probability: softmax of the row for cross-entropy and hinge, the
//       sigmoid of its output for bce_logits, the output clamped to [0, 1] for mse / l1
//       (they fit one-hot targets). One output column z (C = 1: a binary classifier)
//       gives p(class 1) = σ(z) (cross-entropy, hinge: the two-way softmax of (0, z);
//       bce_logits) or z clamped (mse, l1), and class 1 when p(class 1) ≥ 0.5.
//   confidence = (p - 1/K) / (1 - 1/K) clamped to [0, 1], K = max(C, 2) classes: 0 when
//       the network is no surer than a uniform guess (or its output is not finite), 1
//       when certain.
// `classes` and `confidence` receive N values each.
void predictClasses(const Tensor& output, LossKind loss, int* classes, float* confidence);

struct Rgb8 {
    uint8_t r = 0;
    uint8_t g = 0;
    uint8_t b = 0;
    bool operator==(const Rgb8&) const = default;
};

// matplotlib's viridis (dark blue → green → yellow), perceptually even and readable in
// grey; t clamped to [0, 1], linear between 11 stops.
Rgb8 viridis(double t);
// `colour` faded towards white: white + (colour - white) · strength, rounded to nearest;
// strength clamped to [0, 1] (0: white, 1: the colour).
Rgb8 towardsWhite(Rgb8 colour, double strength);
// A class region's tint at full confidence, so the data points (full colour) stand out.
inline constexpr double kBoundaryMaxTint = 0.6;

// Hidden-unit maps are drawn when every hidden dense layer has at most this many units.
inline constexpr int64_t kMaxNeuronMapUnits = 16;

// A hidden dense layer whose neurons are drawn: top-level layer indices (from 0) of the
// dense layer and of the layer whose output is the neurons' values (the last layer before
// the next dense one: its activation, after any dropout or normalization).
struct NeuronLayer {
    size_t dense = 0;
    size_t output = 0;
    int64_t units = 0;
    std::string activation;  // the activation's kind, or "" when none follows
};

struct NeuronPlan {
    std::vector<NeuronLayer> layers;  // empty when none are drawn
    std::string whyNot;              // then the reason, in the course's words
};

// Which neurons of a network (its Network::summary()) get maps: the hidden dense layers
// (every dense layer but the last) of an MLP on flat inputs, i.e. a network of dense,
// activation, dropout, batchnorm1d and layernorm layers only, when each hidden dense
// layer has at most `maxUnits` units.
NeuronPlan planNeuronMaps(const std::vector<LayerSummary>& layers,
                          int64_t maxUnits = kMaxNeuronMapUnits);

}  // namespace dlab
