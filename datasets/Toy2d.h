#pragma once
// Generated 2-D sets, the kind TensorFlow Playground and CS231n draw.
//
// Every set is a Dataset over a MemoryStore of float features (2,) = (x1, x2), with
// name = the kind.
//
// Classification sets (circle, xor, blobs, spiral, moons): targets are class indices
// (targetSize 1), class names "class 0", "class 1", .... Points lie roughly in [-1, 1]²
// (moons in [-1.5, 1.5] × [-0.75, 0.75]) before noise. Samples are dealt to the classes
// as evenly as possible (counts differ by at most one) and come out in shuffled order. A
// label is the class a point was drawn for, so noise blurs the boundary without changing
// the class balance.
//
// Regression sets (plane, bump, sine): x1, x2 uniform in [-1, 1]², one real target per
// sample (targets (N, 1): targetSize 1, numClasses 0, no class names), y = f(x1, x2) +
// noise · N(0, 1). The noise goes on the target only; the inputs are exact.
//
// Deterministic: the same options (seed included) give the same data on every platform
// (mt19937_64 with the distributions written out, not the standard library's).

#include "datasets/Dataset.h"

#include <cstdint>
#include <string>
#include <vector>

namespace dlab::data {

// Upper bound on Toy2dOptions::samples, so a typo cannot ask for gigabytes.
inline constexpr int64_t kToy2dMaxSamples = 10'000'000;

struct Toy2dOptions {
    int64_t samples = 300;  // total over all classes, at least one per class
    double noise = 0.1;     // std of the Gaussian jitter on x and y; spiral: on the angle;
                            // regression sets: on the target
    int classes = 3;        // blobs and spiral (at least 2); circle, xor and moons have 2;
                            // ignored by the regression sets
    uint64_t seed = 1;
};

// Class 0 inside radius 0.5, class 1 on the ring 0.7 to 1 (radius drawn uniformly).
Dataset makeCircle(const Toy2dOptions& options);
// Points in the four quadrants, kept 0.06 off the axes: class 0 where x·y > 0 (first and
// third), class 1 where x·y < 0.
Dataset makeXor(const Toy2dOptions& options);
// `classes` Gaussian blobs of std `noise`, centred evenly on the circle of radius 0.7.
Dataset makeBlobs(const Toy2dOptions& options);
// CS231n's spiral: class j has r = linspace(0, 1), t = linspace(4j, 4(j + 1)) + noise·randn,
// point (r sin t, r cos t); the radius stays in [0, 1] whatever the noise.
Dataset makeSpiral(const Toy2dOptions& options);
// scikit-learn's two interleaving half circles, shifted by (-0.5, -0.25) to centre them:
// class 0 the upper arc, class 1 the lower one.
Dataset makeMoons(const Toy2dOptions& options);

// The regression surfaces, written out so tests and the GUI can draw the true function.
inline constexpr double kPlaneSlopeX1 = 0.8;
inline constexpr double kPlaneSlopeX2 = -0.5;
inline constexpr double kBumpSigma = 0.5;

// y = kPlaneSlopeX1 · x1 + kPlaneSlopeX2 · x2: a linear model fits it exactly.
Dataset makePlane(const Toy2dOptions& options);
// y = exp(-(x1² + x2²) / kBumpSigma²): 1 at the origin, near 0 at the corners.
Dataset makeBump(const Toy2dOptions& options);
// y = sin(π · x1) · cos(π · x2): a saddle pattern a linear model cannot follow.
Dataset makeSine(const Toy2dOptions& options);

// "circle", "xor", "blobs", "spiral", "moons", "plane", "bump", "sine".
std::vector<std::string> toy2dKinds();
// True for "plane", "bump" and "sine".
bool isToy2dRegression(const std::string& kind);
// One of toy2dKinds() by name. Throws std::invalid_argument for an unknown kind (listing
// the valid ones) or for options out of range (samples outside [classes,
// kToy2dMaxSamples] (regression: [1, kToy2dMaxSamples]), classes < 2 for blobs and
// spiral, noise negative or not finite).
Dataset makeToy2d(const std::string& kind, const Toy2dOptions& options);

}  // namespace dlab::data
