#include "widgets/AugmentPreview.h"

#include "datasets/Random.h"
#include "widgets/DataImages.h"

#include <QPainter>

#include <algorithm>
#include <cmath>

namespace dlab::ui {
namespace {

constexpr int kGap = 6;
// Tiles are at least this wide on screen, so a 380 px dock shows three per row.
constexpr int kMinTilePixels = 88;
constexpr int kMaxTilePixels = 160;

}  // namespace

AugmentPreview::AugmentPreview(QWidget* parent) : QWidget(parent) {
    QSizePolicy policy(QSizePolicy::Preferred, QSizePolicy::Preferred);
    policy.setHeightForWidth(true);
    setSizePolicy(policy);
    setToolTip(tr("The framed image is a training sample as loaded; the others are what the "
                  "network may see instead, one per epoch, with these augmentation settings."));
}

void AugmentPreview::setData(std::shared_ptr<const data::PreparedData> data) {
    m_data = data && data->split.train.isImage() && data->split.train.size() > 0 ? std::move(data)
                                                                                  : nullptr;
    refresh();
}

void AugmentPreview::setConfig(const data::AugmentConfig& config) {
    m_config = config;
    refresh();
}

void AugmentPreview::shuffle() {
    m_seed = data::sampleSeed(m_seed, 1, 7);
    refresh();
}

void AugmentPreview::setCount(int count) {
    m_count = std::max(1, count);
    refresh();
}

void AugmentPreview::refresh() {
    const uint64_t generation = ++m_generation;
    if (!m_data) {
        m_original = QImage();
        m_tiles.clear();
        updateGeometry();
        update();
        return;
    }
    m_worker.submit([this, generation, data = m_data, config = m_config, count = m_count,
                     seed = m_seed](std::stop_token) -> BackgroundWorker::Continuation {
        const data::Dataset& train = data->split.train;
        const auto position = static_cast<int64_t>(seed % static_cast<uint64_t>(train.size()));
        const Shape shape = train.sampleShape();
        std::vector<uint8_t> pixels(static_cast<size_t>(shape.numel()));
        train.store->readPixels(train.rows[static_cast<size_t>(position)], pixels.data());
        QImage original = sampleImage(pixels.data(), shape);
        std::vector<QImage> tiles;
        for (const auto& version : data::previewAugmentations(config, train, position, count, seed)) {
            tiles.push_back(sampleImage(version.data(), shape));
        }
        return [this, generation, original = std::move(original), tiles = std::move(tiles)] {
            if (generation != m_generation) {
                return;
            }
            m_original = original;
            m_tiles = tiles;
            updateGeometry();
            update();
            emit updated();
        };
    });
}

int AugmentPreview::columnsFor(int width) const {
    const int total = m_count + 1;
    const int fit = std::max(1, (width + kGap) / (kMinTilePixels + kGap));
    // Rows of equal length: 9 tiles become 3 × 3 rather than 4 + 4 + 1.
    const int rows = (total + fit - 1) / fit;
    return (total + rows - 1) / rows;
}

int AugmentPreview::heightForWidth(int width) const {
    if (m_original.isNull()) {
        return 0;
    }
    const int columns = columnsFor(width);
    const int rows = (m_count + 1 + columns - 1) / columns;
    const int tile = std::min(kMaxTilePixels, (width - (columns - 1) * kGap) / columns);
    const int tileHeight = tile * m_original.height() / std::max(1, m_original.width());
    return rows * tileHeight + (rows - 1) * kGap;
}

QSize AugmentPreview::sizeHint() const {
    return {340, heightForWidth(340)};
}

void AugmentPreview::paintEvent(QPaintEvent*) {
    if (m_original.isNull()) {
        return;
    }
    QPainter painter(this);
    const int columns = columnsFor(width());
    const int tile = std::min(kMaxTilePixels, (width() - (columns - 1) * kGap) / columns);
    const int tileHeight = tile * m_original.height() / std::max(1, m_original.width());
    painter.setRenderHint(QPainter::SmoothPixmapTransform, tile < m_original.width());
    for (int i = 0; i <= static_cast<int>(m_tiles.size()); ++i) {
        const QImage& image = i == 0 ? m_original : m_tiles[static_cast<size_t>(i - 1)];
        const QRect rect((i % columns) * (tile + kGap), (i / columns) * (tileHeight + kGap), tile,
                         tileHeight);
        painter.drawImage(rect, image);
        if (i == 0) {
            painter.setPen(QPen(palette().color(QPalette::Highlight), 3));
            painter.drawRect(rect.adjusted(1, 1, -2, -2));
        }
    }
}

}  // namespace dlab::ui
