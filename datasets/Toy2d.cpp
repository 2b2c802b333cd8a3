#include "datasets/Toy2d.h"

#include "datasets/Random.h"

#include <cmath>
#include <numbers>
#include <stdexcept>

namespace dlab::data {

namespace {

constexpr double kPi = std::numbers::pi;

struct Point {
    double x = 0.0;
    double y = 0.0;
    int label = 0;
};

void checkOptions(const char* kind, const Toy2dOptions& options, int classes) {
    const std::string prefix = std::string(kind) + ": ";
    if (classes < 2) {
        throw std::invalid_argument(prefix + "needs at least 2 classes, got " +
                                    std::to_string(classes));
    }
    if (options.samples < classes || options.samples > kToy2dMaxSamples) {
        throw std::invalid_argument(prefix + "samples must be in [" + std::to_string(classes) +
                                    ", " + std::to_string(kToy2dMaxSamples) + "], got " +
                                    std::to_string(options.samples));
    }
    if (!(options.noise >= 0.0) || !std::isfinite(options.noise)) {
        throw std::invalid_argument(prefix + "noise must be a finite value >= 0, got " +
                                    std::to_string(options.noise));
    }
}

// Class j's share of `total` over `classes`: the first total % classes get one more.
int64_t classCount(int64_t total, int classes, int j) {
    return total / classes + (j < total % classes ? 1 : 0);
}

// linspace(low, high, count)[i], with a single point at `low`.
double linspace(double low, double high, int64_t count, int64_t i) {
    return count > 1 ? low + (high - low) * static_cast<double>(i) / static_cast<double>(count - 1)
                     : low;
}

void jitter(std::vector<Point>& points, double noise, Rng& rng) {
    for (Point& p : points) {
        p.x += noise * normal(rng);
        p.y += noise * normal(rng);
    }
}

// Shuffles the points into a Dataset; the shuffle draws from the same generator so a
// seed fixes the order too.
Dataset toDataset(const std::string& name, std::vector<Point> points, int classes, Rng& rng) {
    shuffle(points, rng);
    const auto n = static_cast<int64_t>(points.size());
    Dataset data;
    data.name = name;
    data.numClasses = classes;
    for (int c = 0; c < classes; ++c) {
        data.classNames.push_back("class " + std::to_string(c));
    }
    std::vector<float> xy(static_cast<size_t>(2 * n));  // (N, 2)
    data.targets.resize(static_cast<size_t>(n));         // (N,)
    data.rows.resize(static_cast<size_t>(n));
    for (int64_t i = 0; i < n; ++i) {
        const Point& p = points[static_cast<size_t>(i)];
        xy[static_cast<size_t>(2 * i)] = static_cast<float>(p.x);
        xy[static_cast<size_t>(2 * i + 1)] = static_cast<float>(p.y);
        data.targets[static_cast<size_t>(i)] = static_cast<float>(p.label);
        data.rows[static_cast<size_t>(i)] = i;
    }
    data.store = MemoryStore::fromFeatures({2}, std::move(xy));
    return data;
}

void checkRegressionOptions(const char* kind, const Toy2dOptions& options) {
    const std::string prefix = std::string(kind) + ": ";
    if (options.samples < 1 || options.samples > kToy2dMaxSamples) {
        throw std::invalid_argument(prefix + "samples must be in [1, " +
                                    std::to_string(kToy2dMaxSamples) + "], got " +
                                    std::to_string(options.samples));
    }
    if (!(options.noise >= 0.0) || !std::isfinite(options.noise)) {
        throw std::invalid_argument(prefix + "noise must be a finite value >= 0, got " +
                                    std::to_string(options.noise));
    }
}

// Points uniform in [-1, 1]² with targets f(x1, x2) + noise. Each sample draws x1, x2
// and then its noise, so the inputs of a seed do not depend on the noise level.
template <typename F>
Dataset regressionSet(const char* kind, const Toy2dOptions& options, F surface) {
    checkRegressionOptions(kind, options);
    Rng rng(options.seed);
    const int64_t n = options.samples;
    std::vector<float> xy(static_cast<size_t>(2 * n));  // (N, 2)
    Dataset data;
    data.name = kind;
    data.numClasses = 0;
    data.targetSize = 1;
    data.targets.resize(static_cast<size_t>(n));  // (N, 1)
    data.rows.resize(static_cast<size_t>(n));
    for (int64_t i = 0; i < n; ++i) {
        const double x1 = uniform(rng, -1.0, 1.0);
        const double x2 = uniform(rng, -1.0, 1.0);
        const double y = surface(x1, x2) + options.noise * normal(rng);
        xy[static_cast<size_t>(2 * i)] = static_cast<float>(x1);
        xy[static_cast<size_t>(2 * i + 1)] = static_cast<float>(x2);
        data.targets[static_cast<size_t>(i)] = static_cast<float>(y);
        data.rows[static_cast<size_t>(i)] = i;
    }
    data.store = MemoryStore::fromFeatures({2}, std::move(xy));
    return data;
}

}  // namespace

Dataset makeCircle(const Toy2dOptions& options) {
    checkOptions("circle", options, 2);
    Rng rng(options.seed);
    std::vector<Point> points;
    for (int c = 0; c < 2; ++c) {
        const double rMin = c == 0 ? 0.0 : 0.7;
        const double rMax = c == 0 ? 0.5 : 1.0;
        for (int64_t i = 0; i < classCount(options.samples, 2, c); ++i) {
            const double r = uniform(rng, rMin, rMax);
            const double angle = uniform(rng, 0.0, 2.0 * kPi);
            points.push_back({r * std::sin(angle), r * std::cos(angle), c});
        }
    }
    jitter(points, options.noise, rng);
    return toDataset("circle", std::move(points), 2, rng);
}

Dataset makeXor(const Toy2dOptions& options) {
    checkOptions("xor", options, 2);
    constexpr double kAxisGap = 0.06;  // Playground's 0.3 padding on its [-5, 5] square
    Rng rng(options.seed);
    std::vector<Point> points;
    for (int c = 0; c < 2; ++c) {
        for (int64_t i = 0; i < classCount(options.samples, 2, c); ++i) {
            const double signX = uniform01(rng) < 0.5 ? -1.0 : 1.0;
            const double signY = c == 0 ? signX : -signX;
            const double x = signX * uniform(rng, kAxisGap, 1.0);
            const double y = signY * uniform(rng, kAxisGap, 1.0);
            points.push_back({x, y, c});
        }
    }
    jitter(points, options.noise, rng);
    return toDataset("xor", std::move(points), 2, rng);
}

Dataset makeBlobs(const Toy2dOptions& options) {
    checkOptions("blobs", options, options.classes);
    constexpr double kCentreRadius = 0.7;
    Rng rng(options.seed);
    std::vector<Point> points;
    for (int c = 0; c < options.classes; ++c) {
        const double angle = 2.0 * kPi * c / options.classes;
        const double cx = kCentreRadius * std::cos(angle);
        const double cy = kCentreRadius * std::sin(angle);
        for (int64_t i = 0; i < classCount(options.samples, options.classes, c); ++i) {
            points.push_back({cx, cy, c});
        }
    }
    jitter(points, options.noise, rng);
    return toDataset("blobs", std::move(points), options.classes, rng);
}

Dataset makeSpiral(const Toy2dOptions& options) {
    checkOptions("spiral", options, options.classes);
    Rng rng(options.seed);
    std::vector<Point> points;
    for (int c = 0; c < options.classes; ++c) {
        const int64_t count = classCount(options.samples, options.classes, c);
        for (int64_t i = 0; i < count; ++i) {
            const double r = linspace(0.0, 1.0, count, i);
            const double t =
                linspace(4.0 * c, 4.0 * (c + 1), count, i) + options.noise * normal(rng);
            points.push_back({r * std::sin(t), r * std::cos(t), c});
        }
    }
    return toDataset("spiral", std::move(points), options.classes, rng);
}

Dataset makeMoons(const Toy2dOptions& options) {
    checkOptions("moons", options, 2);
    Rng rng(options.seed);
    std::vector<Point> points;
    const int64_t outer = options.samples / 2;
    const int64_t inner = options.samples - outer;
    for (int64_t i = 0; i < outer; ++i) {
        const double a = linspace(0.0, kPi, outer, i);
        points.push_back({std::cos(a) - 0.5, std::sin(a) - 0.25, 0});
    }
    for (int64_t i = 0; i < inner; ++i) {
        const double a = linspace(0.0, kPi, inner, i);
        points.push_back({1.0 - std::cos(a) - 0.5, 1.0 - std::sin(a) - 0.5 - 0.25, 1});
    }
    jitter(points, options.noise, rng);
    return toDataset("moons", std::move(points), 2, rng);
}

Dataset makePlane(const Toy2dOptions& options) {
    return regressionSet("plane", options, [](double x1, double x2) {
        return kPlaneSlopeX1 * x1 + kPlaneSlopeX2 * x2;
    });
}

Dataset makeBump(const Toy2dOptions& options) {
    return regressionSet("bump", options, [](double x1, double x2) {
        return std::exp(-(x1 * x1 + x2 * x2) / (kBumpSigma * kBumpSigma));
    });
}

Dataset makeSine(const Toy2dOptions& options) {
    return regressionSet("sine", options, [](double x1, double x2) {
        return std::sin(kPi * x1) * std::cos(kPi * x2);
    });
}

std::vector<std::string> toy2dKinds() {
    return {"circle", "xor", "blobs", "spiral", "moons", "plane", "bump", "sine"};
}

bool isToy2dRegression(const std::string& kind) {
    return kind == "plane" || kind == "bump" || kind == "sine";
}

Dataset makeToy2d(const std::string& kind, const Toy2dOptions& options) {
    if (kind == "circle") {
        return makeCircle(options);
    }
    if (kind == "xor") {
        return makeXor(options);
    }
    if (kind == "blobs") {
        return makeBlobs(options);
    }
    if (kind == "spiral") {
        return makeSpiral(options);
    }
    if (kind == "moons") {
        return makeMoons(options);
    }
    if (kind == "plane") {
        return makePlane(options);
    }
    if (kind == "bump") {
        return makeBump(options);
    }
    if (kind == "sine") {
        return makeSine(options);
    }
    const std::vector<std::string> kinds = toy2dKinds();
    std::string valid;
    for (const std::string& k : kinds) {
        if (!valid.empty()) {
            valid += ", ";
        }
        valid += k;
    }
    throw std::invalid_argument("unknown toy data set '" + kind + "'; valid kinds: " + valid);
}

}  // namespace dlab::data
