#include "widgets/DecisionBoundaryProbe.h"

#include "widgets/DataImages.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>

namespace dlab::ui {
namespace {

// Everything the probe reads from the data in one pass over all splits.
struct PlaneData {
    std::vector<BoundaryPoint> points;  // thinned
    int64_t total = 0;
    double xMin = std::numeric_limits<double>::infinity();
    double xMax = -std::numeric_limits<double>::infinity();
    double yMin = std::numeric_limits<double>::infinity();
    double yMax = -std::numeric_limits<double>::infinity();
    float targetMin = std::numeric_limits<float>::infinity();
    float targetMax = -std::numeric_limits<float>::infinity();
};

PlaneData readPlaneData(const data::Split& split, int64_t maxPoints) {
    PlaneData out;
    const std::array<const data::Dataset*, 3> sets = {&split.train, &split.validation, &split.test};
    for (const data::Dataset* d : sets) {
        out.total += d->store ? d->size() : 0;
    }
    const int64_t stride = std::max<int64_t>(1, (out.total + maxPoints - 1) / maxPoints);
    out.points.reserve(static_cast<size_t>(out.total / stride + 1));
    int64_t seen = 0;
    float xy[2];
    for (const data::Dataset* d : sets) {
        if (!d->store || d->store->sampleNumel() != 2) {
            continue;
        }
        for (int64_t pos = 0; pos < d->size(); ++pos, ++seen) {
            d->store->readFeatures(d->rows[static_cast<size_t>(pos)], xy);
            const float value = d->targets[static_cast<size_t>(pos * d->targetSize)];
            if (!std::isfinite(xy[0]) || !std::isfinite(xy[1])) {
                continue;
            }
            // The plane covers every point, also those thinned out of the picture.
            out.xMin = std::min<double>(out.xMin, xy[0]);
            out.xMax = std::max<double>(out.xMax, xy[0]);
            out.yMin = std::min<double>(out.yMin, xy[1]);
            out.yMax = std::max<double>(out.yMax, xy[1]);
            if (std::isfinite(value)) {
                out.targetMin = std::min(out.targetMin, value);
                out.targetMax = std::max(out.targetMax, value);
            }
            if (seen % stride == 0) {
                out.points.push_back({xy[0], xy[1], value, d == &split.train});
            }
        }
    }
    return out;
}

Device deviceOf(Network& network) {
    const auto& params = network.params();
    return params.empty() ? Device::CPU : params.front().param->value.device();
}

QRgb toQRgb(Rgb8 c) {
    return qRgb(c.r, c.g, c.b);
}

Rgb8 toRgb8(const QColor& c) {
    return {static_cast<uint8_t>(c.red()), static_cast<uint8_t>(c.green()),
            static_cast<uint8_t>(c.blue())};
}

// Each neuron's values as a picture: the diverging map centred on 0, ±its largest |value|.
void paintNeurons(NeuronMaps& maps, const PlaneGrid& grid) {
    std::array<QRgb, 256> lut{};
    for (size_t k = 0; k < lut.size(); ++k) {
        lut[k] = divergingColor(static_cast<double>(k) / 255.0).rgb();
    }
    for (const std::vector<float>& values : maps.values) {
        float scale = 0.0f;
        for (float v : values) {
            if (std::isfinite(v)) {
                scale = std::max(scale, std::abs(v));
            }
        }
        maps.scales.push_back(scale);
        QImage image(grid.columns, grid.rows, QImage::Format_RGB32);
        const float inverse = scale > 0.0f ? 1.0f / scale : 0.0f;
        for (int r = 0; r < grid.rows; ++r) {
            auto* line = reinterpret_cast<QRgb*>(image.scanLine(r));
            for (int c = 0; c < grid.columns; ++c) {
                const float v = values[static_cast<size_t>(r) * grid.columns + c];
                const float t = std::isfinite(v) ? 0.5f + 0.5f * v * inverse : 0.5f;
                line[c] = lut[static_cast<size_t>(std::lround(std::clamp(t, 0.0f, 1.0f) * 255.0f))];
            }
        }
        maps.images.push_back(std::move(image));
    }
}

}  // namespace

QString boundaryUnavailableReason(const data::Dataset& train) {
    if (!train.store) {
        return QStringLiteral("No data is loaded yet.");
    }
    const Shape shape = train.sampleShape();
    if (!train.isImage() && shape.rank() == 1 && shape[0] == 2) {
        return {};
    }
    const QString why = QStringLiteral("The decision boundary needs 2-D inputs (two features, x1 "
                                       "and x2); this data set's samples ");
    if (!train.isImage() && shape.rank() == 1) {
        return why + QStringLiteral("have %1 features.").arg(shape[0]);
    }
    QStringList dims;
    for (int64_t d : shape.dims()) {
        dims << QString::number(d);
    }
    return why + QStringLiteral("are %1%2.")
                     .arg(dims.join(QChar(0x00D7)), train.isImage() ? " images" : "");
}

void DecisionBoundaryProbe::capture(InspectContext& context) {
    auto snapshot = std::make_shared<BoundarySnapshot>();
    snapshot->step = context.step;
    Network& network = context.network;
    const data::PreparedData& prepared = context.data;
    const data::Dataset& train = prepared.split.train;
    snapshot->message = boundaryUnavailableReason(train);
    if (snapshot->message.isEmpty() && network.outputShape().rank() != 1) {
        snapshot->message = QStringLiteral("The decision boundary needs one row of outputs per "
                                           "point; this network's outputs are %1.")
                                .arg(QString::fromStdString(network.outputShape().str()));
    }
    if (!snapshot->message.isEmpty()) {
        latest.publish(std::move(snapshot));
        return;
    }

    const PlaneData plane = readPlaneData(prepared.split, kMaxPoints);
    snapshot->points = plane.points;
    snapshot->totalPoints = plane.total;
    const PlaneGrid grid = plane.points.empty()
                               ? planeGridAround(-1.0, 1.0, -1.0, 1.0)
                               : planeGridAround(plane.xMin, plane.xMax, plane.yMin, plane.yMax);
    snapshot->grid = grid;
    snapshot->regression = train.numClasses == 0;
    const int64_t outputs = network.outputShape()[0];
    const int64_t n = grid.size();

    const NeuronPlan plan = planNeuronMaps(network.summary());
    snapshot->neuronNote = QString::fromStdString(plan.whyNot);
    for (const NeuronLayer& layer : plan.layers) {
        NeuronMaps maps;
        maps.outputLayer = layer.output;
        maps.title = QStringLiteral("layer %1").arg(layer.dense + 1);
        maps.activation = QString::fromStdString(layer.activation);
        maps.values.assign(static_cast<size_t>(layer.units), std::vector<float>(static_cast<size_t>(n)));
        snapshot->neurons.push_back(std::move(maps));
    }

    // The forward passes, kBatchRows grid points at a time.
    std::vector<float> output(static_cast<size_t>(n * outputs));
    const Device device = deviceOf(network);
    for (int64_t begin = 0; begin < n; begin += kBatchRows) {
        const int64_t end = std::min(n, begin + kBatchRows);
        Tensor x = grid.points(begin, end);
        data::applyNormalization(prepared.normalization, x);
        const Tensor y = network.forward(x.to(device), Mode::Eval).to(Device::CPU);
        std::copy(y.data(), y.data() + y.numel(), output.begin() + begin * outputs);
        for (NeuronMaps& maps : snapshot->neurons) {
            const Tensor a = network.layers().activation(maps.outputLayer).to(Device::CPU);
            const int64_t units = static_cast<int64_t>(maps.values.size());
            const float* src = a.data();
            for (int64_t r = 0; r < end - begin; ++r) {
                for (int64_t u = 0; u < units; ++u) {
                    maps.values[static_cast<size_t>(u)][static_cast<size_t>(begin + r)] =
                        src[r * units + u];
                }
            }
        }
    }

    snapshot->map = QImage(grid.columns, grid.rows, QImage::Format_RGB32);
    auto* pixels = reinterpret_cast<QRgb*>(snapshot->map.bits());
    if (snapshot->regression) {
        if (outputs > 1) {
            snapshot->outputNote = QStringLiteral("output 1 of %1 shown").arg(outputs);
        }
        snapshot->values.resize(static_cast<size_t>(n));
        float lo = plane.targetMin;
        float hi = plane.targetMax;
        for (int64_t i = 0; i < n; ++i) {
            const float v = output[static_cast<size_t>(i * outputs)];
            snapshot->values[static_cast<size_t>(i)] = v;
            if (std::isfinite(v)) {
                lo = std::min(lo, v);
                hi = std::max(hi, v);
            }
        }
        if (!(lo <= hi)) {
            lo = 0.0f;  // nothing finite at all (a diverged network and no targets)
            hi = 1.0f;
        }
        if (hi - lo < 1e-6f) {
            lo -= 0.5f;
            hi += 0.5f;
        }
        snapshot->valueMin = lo;
        snapshot->valueMax = hi;
        const float inverse = 1.0f / (hi - lo);
        for (int64_t i = 0; i < n; ++i) {
            pixels[i] = toQRgb(viridis((snapshot->values[static_cast<size_t>(i)] - lo) * inverse));
        }
    } else {
        snapshot->classes.resize(static_cast<size_t>(n));
        snapshot->confidence.resize(static_cast<size_t>(n));
        const Tensor all = Tensor::fromVector(Shape{n, outputs}, output);
        predictClasses(all, context.loss, snapshot->classes.data(), snapshot->confidence.data());
        const int colours = static_cast<int>(std::max<int64_t>(outputs, 2));
        std::vector<Rgb8> palette;
        for (int k = 0; k < colours; ++k) {
            palette.push_back(toRgb8(classColor(k)));
        }
        for (int64_t i = 0; i < n; ++i) {
            const size_t k = static_cast<size_t>(snapshot->classes[static_cast<size_t>(i)]);
            pixels[i] = toQRgb(towardsWhite(
                palette[k], kBoundaryMaxTint * snapshot->confidence[static_cast<size_t>(i)]));
        }
        for (int k = 0; k < train.numClasses; ++k) {
            snapshot->classNames << (static_cast<size_t>(k) < train.classNames.size()
                                         ? QString::fromStdString(train.classNames[static_cast<size_t>(k)])
                                         : QStringLiteral("class %1").arg(k));
        }
    }
    for (NeuronMaps& maps : snapshot->neurons) {
        paintNeurons(maps, grid);
    }
    latest.publish(std::move(snapshot));
}

}  // namespace dlab::ui
