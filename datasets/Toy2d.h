#pragma once
// Generated 2-D classification sets, the kind TensorFlow Playground and CS231n draw.
//
// Every set is a Dataset with inputs (N, 2) float32 (x, y), targets (N,) class indices
// as floats, class names "class 0", "class 1", ..., pixelMax = 0, and name = the kind.
// Points lie roughly in [-1, 1]² (moons in [-1.5, 1.5] × [-0.75, 0.75]) before noise.
// Samples are dealt to the classes as evenly as possible (counts differ by at most one)
// and come out in shuffled order. A label is the class a point was drawn for, so noise
// blurs the boundary without changing the class balance.
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
    double noise = 0.1;     // std of the Gaussian jitter on x and y; spiral: on the angle
    int classes = 3;        // blobs and spiral (at least 2); circle, xor and moons have 2
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

// "circle", "xor", "blobs", "spiral", "moons".
std::vector<std::string> toy2dKinds();
// One of toy2dKinds() by name. Throws std::invalid_argument for an unknown kind (listing
// the valid ones) or for options out of range (samples outside [classes,
// kToy2dMaxSamples], classes < 2 for blobs and spiral, noise negative or not finite).
Dataset makeToy2d(const std::string& kind, const Toy2dOptions& options);

}  // namespace dlab::data
