#pragma once
// AugmentPreview: one training image and `count` augmented versions of it, as a training
// run with these settings would show them in successive epochs (previewAugmentations).
// The augmentation runs on a worker thread, latest request wins; tiles are scaled up with
// nearest-neighbour sampling so small images show their pixels. The first tile, framed,
// is the original.
//
// GUI thread only. Its height follows its width (heightForWidth), for a scroll area.

#include "datasets/Augment.h"
#include "datasets/Prepare.h"
#include "widgets/BackgroundWorker.h"

#include <QImage>
#include <QWidget>

#include <memory>
#include <vector>

namespace dlab::ui {

class AugmentPreview : public QWidget {
    Q_OBJECT
public:
    explicit AugmentPreview(QWidget* parent = nullptr);

    // Image data to draw the sample from; null or feature data clears the preview.
    void setData(std::shared_ptr<const data::PreparedData> data);
    void setConfig(const data::AugmentConfig& config);
    // Another training image and other random draws.
    void shuffle();
    void setCount(int count);

    int count() const { return m_count; }
    // What is shown now: the original and the augmented versions (count() of them once
    // the worker has delivered).
    const QImage& original() const { return m_original; }
    const std::vector<QImage>& tiles() const { return m_tiles; }

    bool hasHeightForWidth() const override { return true; }
    int heightForWidth(int width) const override;
    QSize sizeHint() const override;

signals:
    // New tiles are shown.
    void updated();

protected:
    void paintEvent(QPaintEvent* event) override;

private:
    void refresh();
    int columnsFor(int width) const;

    BackgroundWorker m_worker;
    std::shared_ptr<const data::PreparedData> m_data;
    data::AugmentConfig m_config;
    int m_count = 8;
    uint64_t m_seed = 1;
    uint64_t m_generation = 0;
    QImage m_original;
    std::vector<QImage> m_tiles;
};

}  // namespace dlab::ui
