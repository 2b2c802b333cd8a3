#include "engine/InspectGrid.h"

#include "engine/layers/Activation.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <stdexcept>

namespace dlab {
namespace {

// matplotlib's viridis at t = 0, 0.1, ..., 1.
constexpr std::array<Rgb8, 11> kViridis = {{{0x44, 0x01, 0x54},
                                            {0x48, 0x24, 0x75},
                                            {0x41, 0x44, 0x87},
                                            {0x35, 0x5f, 0x8d},
                                            {0x2a, 0x78, 0x8e},
                                            {0x21, 0x91, 0x8c},
                                            {0x22, 0xa8, 0x84},
                                            {0x44, 0xbf, 0x70},
                                            {0x7a, 0xd1, 0x51},
                                            {0xbd, 0xdf, 0x26},
                                            {0xfd, 0xe7, 0x25}}};

uint8_t channel(double v) {
    return static_cast<uint8_t>(std::lround(std::clamp(v, 0.0, 255.0)));
}

float sigmoid(float z) {
    return 1.0f / (1.0f + std::exp(-z));
}

bool isActivation(const std::string& kind) {
    const auto& names = activationNames();
    return std::find(names.begin(), names.end(), kind) != names.end();
}

// Layers that keep an MLP's rows flat and neuron-wise.
bool isMlpLayer(const std::string& kind) {
    return kind == "dense" || kind == "dropout" || kind == "batchnorm1d" ||
           kind == "layernorm" || kind == "flatten" || isActivation(kind);
}

}  // namespace

Tensor PlaneGrid::points(int64_t begin, int64_t end) const {
    if (begin < 0 || end > size() || begin > end) {
        throw std::invalid_argument("PlaneGrid::points: range [" + std::to_string(begin) + ", " +
                                    std::to_string(end) + ") outside the grid's " +
                                    std::to_string(size()) + " points");
    }
    Tensor out(Shape{end - begin, 2});
    float* p = out.data();
    for (int64_t i = begin; i < end; ++i) {
        const int row = static_cast<int>(i / columns);
        const int column = static_cast<int>(i % columns);
        *p++ = static_cast<float>(x(column));
        *p++ = static_cast<float>(y(row));
    }
    return out;
}

PlaneGrid planeGridAround(double xMin, double xMax, double yMin, double yMax, int resolution,
                          double margin) {
    if (resolution < 2) {
        throw std::invalid_argument("planeGridAround: resolution must be at least 2, got " +
                                    std::to_string(resolution));
    }
    double cx = 0.5 * (xMin + xMax);
    double cy = 0.5 * (yMin + yMax);
    double w = (xMax - xMin) * (1.0 + 2.0 * margin);
    double h = (yMax - yMin) * (1.0 + 2.0 * margin);
    if (!(w > 0.0) && !(h > 0.0)) {
        w = 1.0;  // one point (or none): a unit plane around it
        h = 1.0;
    }
    if (!std::isfinite(cx) || !std::isfinite(cy)) {
        cx = 0.0;
        cy = 0.0;
    }
    w = std::max(w, h / kPlaneGridMaxAspect);
    h = std::max(h, w / kPlaneGridMaxAspect);
    PlaneGrid grid;
    grid.xMin = cx - 0.5 * w;
    grid.xMax = cx + 0.5 * w;
    grid.yMin = cy - 0.5 * h;
    grid.yMax = cy + 0.5 * h;
    if (w >= h) {
        grid.columns = resolution;
        grid.rows = std::max(2, static_cast<int>(std::lround(resolution * h / w)));
    } else {
        grid.rows = resolution;
        grid.columns = std::max(2, static_cast<int>(std::lround(resolution * w / h)));
    }
    // Square cells: the shorter side takes the extent its rounded count of cells covers.
    const double cell = std::max(w / grid.columns, h / grid.rows);
    grid.xMin = cx - 0.5 * cell * grid.columns;
    grid.xMax = cx + 0.5 * cell * grid.columns;
    grid.yMin = cy - 0.5 * cell * grid.rows;
    grid.yMax = cy + 0.5 * cell * grid.rows;
    return grid;
}

void predictClasses(const Tensor& output, LossKind loss, int* classes, float* confidence) {
    if (output.rank() != 2 || output.size(1) < 1) {
        throw std::invalid_argument("predictClasses: expected outputs (N, C), got " +
                                    output.shape().str());
    }
    const int64_t n = output.size(0);
    const int64_t c = output.size(1);
    const float* data = output.data();
    const float chance = 1.0f / static_cast<float>(std::max<int64_t>(c, 2));
    auto probability = [loss](float z) {
        if (loss == LossKind::BCEWithLogits) {
            return sigmoid(z);
        }
        return std::clamp(z, 0.0f, 1.0f);
    };
    const bool softmax = loss == LossKind::CrossEntropy || loss == LossKind::Hinge;
    for (int64_t i = 0; i < n; ++i) {
        const float* row = data + i * c;
        float p = 0.0f;
        int best = 0;
        if (c == 1) {
            const float p1 = softmax ? sigmoid(row[0]) : probability(row[0]);
            best = p1 >= 0.5f ? 1 : 0;
            p = best == 1 ? p1 : 1.0f - p1;
        } else {
            for (int64_t j = 1; j < c; ++j) {
                if (row[j] > row[best]) {
                    best = static_cast<int>(j);
                }
            }
            if (softmax) {
                double sum = 0.0;
                for (int64_t j = 0; j < c; ++j) {
                    sum += std::exp(static_cast<double>(row[j]) - row[best]);
                }
                p = static_cast<float>(1.0 / sum);
            } else {
                p = probability(row[best]);
            }
        }
        classes[i] = best;
        const float sure = (p - chance) / (1.0f - chance);
        confidence[i] = sure > 0.0f ? std::min(sure, 1.0f) : 0.0f;  // NaN (diverged): 0
    }
}

Rgb8 viridis(double t) {
    if (!(t > 0.0)) {
        return kViridis.front();  // also NaN
    }
    if (t >= 1.0) {
        return kViridis.back();
    }
    const double scaled = t * static_cast<double>(kViridis.size() - 1);
    const size_t i = static_cast<size_t>(scaled);
    const double f = scaled - static_cast<double>(i);
    const Rgb8 a = kViridis[i];
    const Rgb8 b = kViridis[i + 1];
    return {channel(a.r + (b.r - a.r) * f), channel(a.g + (b.g - a.g) * f),
            channel(a.b + (b.b - a.b) * f)};
}

Rgb8 towardsWhite(Rgb8 colour, double strength) {
    const double s = strength > 0.0 ? std::min(strength, 1.0) : 0.0;  // NaN: white
    return {channel(255.0 + (colour.r - 255.0) * s), channel(255.0 + (colour.g - 255.0) * s),
            channel(255.0 + (colour.b - 255.0) * s)};
}

NeuronPlan planNeuronMaps(const std::vector<LayerSummary>& layers, int64_t maxUnits) {
    NeuronPlan plan;
    std::vector<size_t> dense;
    for (size_t i = 0; i < layers.size(); ++i) {
        if (!isMlpLayer(layers[i].kind)) {
            plan.whyNot = "Neuron maps are drawn for MLPs (dense and activation layers); layer " +
                          std::to_string(i + 1) + " is " + layers[i].kind + ".";
            return plan;
        }
        if (layers[i].kind == "dense") {
            dense.push_back(i);
        }
    }
    if (dense.size() < 2) {
        plan.whyNot = "No hidden layer: every class score is a linear function of x1 and x2.";
        return plan;
    }
    for (size_t k = 0; k + 1 < dense.size(); ++k) {
        const LayerSummary& d = layers[dense[k]];
        const int64_t units = d.outputShape.numel();
        if (units > maxUnits) {
            plan.layers.clear();
            plan.whyNot = "Neuron maps are drawn when every hidden dense layer has at most " +
                          std::to_string(maxUnits) + " units; layer " +
                          std::to_string(dense[k] + 1) + " has " + std::to_string(units) + ".";
            return plan;
        }
        NeuronLayer layer;
        layer.dense = dense[k];
        layer.output = dense[k + 1] - 1;
        layer.units = units;
        for (size_t j = dense[k] + 1; j < dense[k + 1]; ++j) {
            if (isActivation(layers[j].kind)) {
                layer.activation = layers[j].kind;
            }
        }
        plan.layers.push_back(layer);
    }
    return plan;
}

}  // namespace dlab
