#include "widgets/DataImages.h"

#include <QPainter>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>

namespace dlab::ui {
namespace {

constexpr std::array<QRgb, 10> kTableau10 = {0x4E79A7, 0xF28E2B, 0xE15759, 0x76B7B2, 0x59A14F,
                                             0xEDC948, 0xB07AA1, 0xFF9DA7, 0x9C755F, 0xBAB0AC};
// Scatter plots thin larger sets evenly; beyond this the picture no longer changes.
constexpr int64_t kMaxScatterPoints = 20000;
// Regression image data: rows of examples shown.
constexpr int kRegressionRows = 3;

struct Point {
    float x;
    float y;
    float value;  // class index or regression target
};

QColor mix(const QColor& a, const QColor& b, double t) {
    return QColor::fromRgbF(static_cast<float>(a.redF() + (b.redF() - a.redF()) * t),
                            static_cast<float>(a.greenF() + (b.greenF() - a.greenF()) * t),
                            static_cast<float>(a.blueF() + (b.blueF() - a.blueF()) * t));
}

std::vector<Point> collectPoints(const data::Split& split) {
    int64_t total = 0;
    for (const data::Dataset* d : {&split.train, &split.validation, &split.test}) {
        total += d->size();
    }
    const int64_t stride = std::max<int64_t>(1, (total + kMaxScatterPoints - 1) / kMaxScatterPoints);
    std::vector<Point> points;
    points.reserve(static_cast<size_t>(total / stride + 1));
    int64_t seen = 0;
    float xy[2];
    for (const data::Dataset* d : {&split.train, &split.validation, &split.test}) {
        if (!d->store || d->store->sampleNumel() != 2) {
            continue;
        }
        for (int64_t pos = 0; pos < d->size(); ++pos, ++seen) {
            if (seen % stride != 0) {
                continue;
            }
            d->store->readFeatures(d->rows[static_cast<size_t>(pos)], xy);
            const float value = d->targets[static_cast<size_t>(pos * d->targetSize)];
            points.push_back({xy[0], xy[1], value});
        }
    }
    return points;
}

// Data bounds with a margin, widened so both axes use the same units and the aspect
// (height / width) stays between 1/2 and 1.
QRectF plotBounds(const std::vector<Point>& points) {
    float x0 = points.front().x, x1 = x0, y0 = points.front().y, y1 = y0;
    for (const Point& p : points) {
        x0 = std::min(x0, p.x);
        x1 = std::max(x1, p.x);
        y0 = std::min(y0, p.y);
        y1 = std::max(y1, p.y);
    }
    double w = std::max<double>(x1 - x0, 1e-6) * 1.08;
    double h = std::max<double>(y1 - y0, 1e-6) * 1.08;
    const double cx = 0.5 * (x0 + x1);
    const double cy = 0.5 * (y0 + y1);
    w = std::max(w, h);
    h = std::max(h, 0.5 * w);
    return QRectF(cx - 0.5 * w, cy - 0.5 * h, w, h);
}

}  // namespace

QColor classColor(int index) {
    return QColor(kTableau10[static_cast<size_t>(std::max(index, 0)) % kTableau10.size()]);
}

QColor divergingColor(double t) {
    static const QColor low(0x3B6FB6);
    static const QColor middle(0xE8E8E8);
    static const QColor high(0xC8413B);
    t = std::clamp(t, 0.0, 1.0);
    return t < 0.5 ? mix(low, middle, t * 2.0) : mix(middle, high, (t - 0.5) * 2.0);
}

QImage sampleImage(const uint8_t* pixels, const Shape& chw) {
    if (chw.rank() != 3 || chw.numel() <= 0) {
        return {};
    }
    const int c = static_cast<int>(chw[0]);
    const int h = static_cast<int>(chw[1]);
    const int w = static_cast<int>(chw[2]);
    const size_t plane = static_cast<size_t>(h) * static_cast<size_t>(w);
    if (c == 3) {
        QImage image(w, h, QImage::Format_RGB888);
        for (int y = 0; y < h; ++y) {
            uchar* line = image.scanLine(y);
            for (int x = 0; x < w; ++x) {
                const size_t i = static_cast<size_t>(y) * static_cast<size_t>(w) + static_cast<size_t>(x);
                line[3 * x] = pixels[i];
                line[3 * x + 1] = pixels[plane + i];
                line[3 * x + 2] = pixels[2 * plane + i];
            }
        }
        return image;
    }
    QImage image(w, h, QImage::Format_Grayscale8);
    for (int y = 0; y < h; ++y) {
        std::memcpy(image.scanLine(y), pixels + static_cast<size_t>(y) * static_cast<size_t>(w),
                    static_cast<size_t>(w));
    }
    return image;
}

SampleGridImage renderSampleGrid(const data::Dataset& dataset, int perClass, int maxRows,
                                 uint64_t seed) {
    SampleGridImage out;
    if (!dataset.isImage() || dataset.size() == 0 || perClass <= 0 || maxRows <= 0) {
        return out;
    }
    const bool classes = dataset.numClasses > 0;
    std::vector<data::SampleTile> tiles;
    int rows = 0;
    if (classes) {
        rows = std::min(dataset.numClasses, maxRows);
        if (rows < dataset.numClasses) {
            // Only the classes shown are drawn from, so a 100-class streamed folder does
            // not decode 100 rows of examples.
            std::vector<int64_t> shown;
            for (int64_t pos = 0; pos < dataset.size(); ++pos) {
                if (dataset.label(pos) < rows) {
                    shown.push_back(pos);
                }
            }
            tiles = data::sampleGrid(dataset.subset(shown), perClass, seed);
            out.note = QStringLiteral("first %1 of %2 classes shown").arg(rows).arg(dataset.numClasses);
        } else {
            tiles = data::sampleGrid(dataset, perClass, seed);
        }
    } else {
        tiles = data::sampleGrid(dataset, perClass * kRegressionRows, seed);
        rows = static_cast<int>((tiles.size() + static_cast<size_t>(perClass) - 1) /
                                static_cast<size_t>(perClass));
    }
    if (tiles.empty() || rows == 0) {
        return out;
    }
    const Shape shape = tiles.front().shape;
    out.columns = perClass;
    out.tileHeight = static_cast<int>(shape[1]);
    out.tileWidth = static_cast<int>(shape[2]);
    out.gap = std::max(1, out.tileWidth / 14);
    out.image = QImage(perClass * out.tileWidth + (perClass - 1) * out.gap,
                       rows * out.tileHeight + (rows - 1) * out.gap,
                       QImage::Format_ARGB32_Premultiplied);
    out.image.fill(Qt::transparent);
    for (int r = 0; r < rows; ++r) {
        out.rowLabels << (classes && r < static_cast<int>(dataset.classNames.size())
                              ? QString::fromStdString(dataset.classNames[static_cast<size_t>(r)])
                              : QString());
    }
    QPainter painter(&out.image);
    std::vector<int> filled(static_cast<size_t>(rows), 0);
    for (size_t i = 0; i < tiles.size(); ++i) {
        const data::SampleTile& tile = tiles[i];
        const int row = classes ? tile.label : static_cast<int>(i) / perClass;
        if (row < 0 || row >= rows) {
            continue;
        }
        const int column = filled[static_cast<size_t>(row)]++;
        painter.drawImage(column * (out.tileWidth + out.gap), row * (out.tileHeight + out.gap),
                          sampleImage(tile.pixels.data(), tile.shape));
    }
    return out;
}

ScatterImage renderScatter(const data::Split& split, int sizePx) {
    ScatterImage out;
    const data::Dataset& train = split.train;
    if (!train.store || train.isImage() || train.sampleShape().numel() != 2 || sizePx < 16) {
        return out;
    }
    const std::vector<Point> points = collectPoints(split);
    if (points.empty()) {
        return out;
    }
    out.regression = train.numClasses == 0;
    for (const auto& name : train.classNames) {
        out.classNames << QString::fromStdString(name);
    }
    if (out.regression) {
        const auto [lo, hi] = std::minmax_element(points.begin(), points.end(),
            [](const Point& a, const Point& b) { return a.value < b.value; });
        out.targetMin = lo->value;
        out.targetMax = hi->value;
    }
    out.bounds = plotBounds(points);
    out.points = static_cast<int>(points.size());
    const int height = std::max(1, static_cast<int>(std::lround(sizePx * out.bounds.height() /
                                                                out.bounds.width())));
    out.image = QImage(sizePx, height, QImage::Format_ARGB32_Premultiplied);
    out.image.fill(QColor(0xFAFAFA));

    QPainter painter(&out.image);
    painter.setRenderHint(QPainter::Antialiasing);
    const double sx = sizePx / out.bounds.width();
    const double sy = height / out.bounds.height();
    auto toImage = [&](double x, double y) {
        return QPointF((x - out.bounds.left()) * sx, (out.bounds.bottom() - y) * sy);
    };
    painter.setPen(QPen(QColor(0xDDDDDD), std::max(1.0, sizePx / 360.0)));
    if (out.bounds.left() < 0.0 && out.bounds.right() > 0.0) {
        painter.drawLine(toImage(0.0, out.bounds.top()), toImage(0.0, out.bounds.bottom()));
    }
    if (out.bounds.top() < 0.0 && out.bounds.bottom() > 0.0) {
        painter.drawLine(toImage(out.bounds.left(), 0.0), toImage(out.bounds.right(), 0.0));
    }

    // Dots shrink as the cloud gets denser, so thousands of points stay a readable cloud.
    const double density = std::sqrt(2000.0 / std::max<double>(2000.0, static_cast<double>(points.size())));
    const double radius = std::max(1.5, sizePx / 140.0 * density);
    const double span = std::max(1e-12f, out.targetMax - out.targetMin);
    painter.setPen(QPen(QColor(255, 255, 255, 200), std::max(0.5, radius / 4.0)));
    for (const Point& p : points) {
        const QColor colour = out.regression ? divergingColor((p.value - out.targetMin) / span)
                                             : classColor(static_cast<int>(p.value));
        painter.setBrush(colour);
        painter.drawEllipse(toImage(p.x, p.y), radius, radius);
    }
    painter.setPen(QPen(QColor(0xB0B0B0), std::max(1.0, sizePx / 360.0)));
    painter.setBrush(Qt::NoBrush);
    painter.drawRect(QRectF(0.5, 0.5, sizePx - 1.0, height - 1.0));
    return out;
}

}  // namespace dlab::ui
