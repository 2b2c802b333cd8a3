#include "widgets/FiltersView.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QPainter>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>

#include "widgets/TrainingSession.h"

namespace dlab::ui {
namespace {

QString modeName(KernelMode mode, bool isTemplate) {
    switch (mode) {
        case KernelMode::PerChannel:
            return isTemplate ? QObject::tr("each image channel")
                              : QObject::tr("each input channel");
        case KernelMode::Average:
            return QObject::tr("averaged over input channels");
        case KernelMode::Colour:
            return QObject::tr("in colour (R, G, B)");
    }
    return {};
}

QString noFiltersReason(const Network& network) {
    const Shape& input = network.inputShape();
    if (input.rank() != 3) {
        return QObject::tr(
                   "Filters are pictures of weights that look at an image, and these data are %1 "
                   "numbers per sample, not images.\nLoad image data (Fashion-MNIST, CIFAR-10, a "
                   "folder of images) and add a conv2d layer to see its filters here.")
            .arg(input.numel());
    }
    return QObject::tr(
        "This network has no conv2d layer, and no dense layer right after flattening the "
        "image, so there are no filters to draw.\nAdd a conv2d layer, or try the linear "
        "classifier (flatten → dense): its weights are one template per class.");
}

}  // namespace

// ---------------------------------------------------------------------------------------
// The probe (training thread)

void FiltersProbe::setRequest(const std::string& layerLabel, KernelMode mode, bool useDefaultMode) {
    {
        const std::lock_guard lock(m_mutex);
        m_layerLabel = layerLabel;
        m_mode = mode;
        m_defaultMode = useDefaultMode;
    }
    requestCapture();
}

void FiltersProbe::capture(InspectContext& context) {
    auto snapshot = std::make_shared<FiltersSnapshot>();
    snapshot->step = context.step;
    const std::vector<WeightLayer> layers = weightLayers(context.network);
    if (layers.empty()) {
        snapshot->unavailable = noFiltersReason(context.network);
        latest.publish(std::move(snapshot));
        return;
    }
    std::string label;
    KernelMode requested = KernelMode::PerChannel;
    bool useDefault = true;
    {
        const std::lock_guard lock(m_mutex);
        label = m_layerLabel;
        requested = m_mode;
        useDefault = m_defaultMode;
    }
    snapshot->layer = 0;
    for (size_t i = 0; i < layers.size(); ++i) {
        snapshot->layerLabels << QString::fromStdString(layers[i].label);
        snapshot->layerDescriptions << QString::fromStdString(layers[i].description);
        if (layers[i].label == label) {
            snapshot->layer = static_cast<int>(i);
        }
    }
    const WeightLayer& layer = layers[static_cast<size_t>(snapshot->layer)];
    const int64_t inputs = layer.kernelShape[1];
    if (layer.seesInput && inputs == 3) {
        snapshot->modes = {KernelMode::Colour, KernelMode::PerChannel, KernelMode::Average};
    } else if (inputs > 1) {
        snapshot->modes = {KernelMode::PerChannel, KernelMode::Average};
    } else {
        snapshot->modes = {KernelMode::PerChannel};
    }
    const bool offered = std::find(snapshot->modes.begin(), snapshot->modes.end(), requested) !=
                         snapshot->modes.end();
    snapshot->mode = useDefault || !offered ? snapshot->modes.front() : requested;
    snapshot->isTemplate = layer.isTemplate;

    const bool grid = snapshot->mode == KernelMode::PerChannel && inputs > 1;
    const KernelTiles kernels =
        kernelTiles(layer.weight->reshape(layer.kernelShape), snapshot->mode,
                    grid ? kMaxPerChannelFilters : kMaxFilters, kMaxPerChannelInputs);
    snapshot->filters = kernels.filters;
    snapshot->inputs = kernels.inputs;
    snapshot->totalFilters = kernels.totalFilters;
    snapshot->totalInputs = kernels.totalInputs;
    snapshot->fixedColumns = grid ? static_cast<int>(kernels.inputs) : 0;
    const int columns = grid ? static_cast<int>(kernels.inputs)
                             : static_cast<int>(std::ceil(std::sqrt(double(kernels.filters))));
    snapshot->grid = makeTileGrid(kernels.tiles, columns);
    snapshot->weightShape = QString::fromStdString(layer.weight->shape().str());

    // The output layer's templates are the classes; name them as the data does.
    const data::Dataset& train = context.data.split.train;
    if (layer.isTemplate && layer.isOutput && train.numClasses == kernels.totalFilters) {
        for (int64_t f = 0; f < kernels.filters; ++f) {
            const auto i = static_cast<size_t>(f);
            snapshot->titles << (i < train.classNames.size()
                                     ? QString::fromStdString(train.classNames[i])
                                     : QObject::tr("class %1").arg(f));
        }
    }
    latest.publish(std::move(snapshot));
}

// ---------------------------------------------------------------------------------------
// The canvas: tiles, then the scale and what the rows and columns are

class FiltersCanvas final : public QWidget {
public:
    explicit FiltersCanvas(QWidget* parent) : QWidget(parent) {
        setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
    }
    void setSnapshot(std::shared_ptr<const FiltersSnapshot> snapshot) {
        m_snapshot = std::move(snapshot);
        update();
    }
    void setPresentation(bool on) {
        m_presentation = on;
        update();
    }
    QSize minimumSizeHint() const override { return {200, 160}; }

protected:
    void paintEvent(QPaintEvent*) override;

private:
    // What the tiles are and how values map to grey, in sentences.
    QString notes() const;

    std::shared_ptr<const FiltersSnapshot> m_snapshot;
    bool m_presentation = false;
};

QString FiltersCanvas::notes() const {
    const FiltersSnapshot& s = *m_snapshot;
    QString what;
    if (s.isTemplate) {
        what = s.titles.isEmpty()
                   ? tr("Each tile: one unit's weights on the image pixels (its template).")
                   : tr("Each tile: one class's weights on the image pixels. Bright pixels "
                        "raise its score, dark pixels lower it.");
    } else if (s.fixedColumns > 0) {
        what = tr("Rows: filters · columns: the input channels they read.");
    } else if (s.mode == KernelMode::Average) {
        what = tr("Each tile: one filter, averaged over its %1 input channels.").arg(s.totalInputs);
    } else if (s.mode == KernelMode::Colour) {
        what = tr("Each tile: one filter, its red, green and blue kernels as one colour picture.");
    } else {
        what = tr("Each tile: one filter.");
    }
    QStringList capped;
    if (s.filters < s.totalFilters) {
        capped << tr("the first %1 of %2 %3")
                      .arg(s.filters)
                      .arg(s.totalFilters)
                      .arg(s.isTemplate ? tr("units") : tr("filters"));
    }
    if (s.fixedColumns > 0 && s.inputs < s.totalInputs) {
        capped << tr("the first %1 of %2 input channels").arg(s.inputs).arg(s.totalInputs);
    }
    if (!capped.isEmpty()) {
        what += QLatin1Char(' ') + tr("Shown: %1.").arg(capped.join(tr(", ")));
    }
    const QString scale = s.mode == KernelMode::Colour
                              ? tr("Per colour channel: grey = 0, darker = negative, brighter = "
                                   "positive; one scale for the whole layer, so tiles compare.")
                              : tr("Grey = 0, darker = negative, brighter = positive; one scale "
                                   "for the whole layer, so tiles compare.");
    return what + QLatin1Char(' ') + scale;
}

void FiltersCanvas::paintEvent(QPaintEvent*) {
    if (!m_snapshot || m_snapshot->grid.isNull()) {
        return;
    }
    const FiltersSnapshot& s = *m_snapshot;
    QPainter painter(this);
    painter.setPen(palette().color(QPalette::WindowText));
    const QFontMetrics metrics = painter.fontMetrics();
    const int margin = m_presentation ? 12 : 8;
    const int line = metrics.height();
    // The bottom band: the scale bar, then what the tiles are, wrapped to the width.
    const QString text = notes();
    const int textWidth = std::max(50, width() - 2 * margin);
    const QRect textBox =
        metrics.boundingRect(QRect(0, 0, textWidth, 10 * line), Qt::TextWordWrap, text);
    const int bottom = margin + line + 6 + textBox.height();
    const QRectF area(margin, margin, width() - 2 * margin, height() - margin - bottom);
    const int titleHeight = s.titles.isEmpty() ? 0 : line + 2;
    const double maxTile = m_presentation ? 240.0 : 160.0;
    // The gap grows with the tiles (about a tenth of one) so large tiles stay apart.
    TileLayout layout = fitTiles(s.grid, area.size(), s.fixedColumns, 3, titleHeight, maxTile);
    const int gap = std::clamp(static_cast<int>(layout.tileSize(s.grid).width() / 10), 3, 12);
    layout = fitTiles(s.grid, area.size(), s.fixedColumns, gap, titleHeight, maxTile);
    const QSizeF block = layout.size(s.grid);
    const QPointF origin(area.left() + std::max(0.0, (area.width() - block.width()) / 2.0),
                         area.top());
    paintTiles(painter, s.grid, layout, origin, s.titles);

    double y = std::min(area.top() + block.height(), area.bottom()) + 8;
    const double barWidth = m_presentation ? 180.0 : 120.0;
    paintScaleBar(painter, QRectF(margin, y, barWidth, line), s.grid.lo, s.grid.hi);
    y += line + 6;
    painter.drawText(QRectF(margin, y, textWidth, textBox.height()),
                     Qt::AlignLeft | Qt::AlignTop | Qt::TextWordWrap, text);
}

// ---------------------------------------------------------------------------------------
// The view

FiltersView::FiltersView(TrainingSession& session, QWidget* parent)
    : InspectView(session, parent), m_probe(std::make_shared<FiltersProbe>()) {
    setProbe(m_probe);
    m_layerBox = new QComboBox(this);
    m_layerBox->setToolTip(
        tr("The layer whose weights are drawn: conv layers, and a dense "
           "layer that reads the flattened image"));
    m_layerBox->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    m_modeBox = new QComboBox(this);
    m_modeBox->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    m_modeBox->setToolTip(
        tr("A filter has one kernel per input channel: draw each, their "
           "average, or (first layer on colour images) all three as colour"));
    m_caption = new QLabel(this);
    m_caption->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_canvas = new FiltersCanvas(this);

    auto* bar = new QHBoxLayout;
    bar->addWidget(new QLabel(tr("Layer:"), this));
    bar->addWidget(m_layerBox);
    bar->addSpacing(12);
    m_modeLabel = new QLabel(tr("Show:"), this);
    bar->addWidget(m_modeLabel);
    bar->addWidget(m_modeBox);
    bar->addStretch(1);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(bar);
    layout->addWidget(m_caption);
    layout->addWidget(m_canvas, 1);

    connect(m_layerBox, &QComboBox::currentIndexChanged, this, [this] {
        if (!m_filling) {
            m_probe->setRequest(m_layerBox->currentText().toStdString(), KernelMode::PerChannel,
                                true);
            requestCapture();
        }
    });
    connect(m_modeBox, &QComboBox::currentIndexChanged, this, [this] { sendRequest(); });
}

void FiltersView::sendRequest() {
    if (m_filling || m_modeBox->currentIndex() < 0) {
        return;
    }
    const auto mode = static_cast<KernelMode>(m_modeBox->currentData().toInt());
    m_probe->setRequest(m_layerBox->currentText().toStdString(), mode, false);
    requestCapture();
}

void FiltersView::fillChoosers(const FiltersSnapshot& snapshot) {
    m_filling = true;
    QStringList current;
    for (int i = 0; i < m_layerBox->count(); ++i) {
        current << m_layerBox->itemText(i);
    }
    if (current != snapshot.layerLabels) {
        m_layerBox->clear();
        m_layerBox->addItems(snapshot.layerLabels);
        for (int i = 0; i < snapshot.layerDescriptions.size(); ++i) {
            m_layerBox->setItemData(i, snapshot.layerDescriptions[i], Qt::ToolTipRole);
        }
    }
    m_layerBox->setCurrentIndex(snapshot.layer);
    m_modeBox->clear();
    for (KernelMode mode : snapshot.modes) {
        m_modeBox->addItem(modeName(mode, snapshot.isTemplate), static_cast<int>(mode));
    }
    m_modeBox->setCurrentIndex(m_modeBox->findData(static_cast<int>(snapshot.mode)));
    // One input channel: nothing to choose, so the chooser goes away.
    m_modeBox->setVisible(snapshot.modes.size() > 1);
    m_modeLabel->setVisible(snapshot.modes.size() > 1);
    m_filling = false;
}

void FiltersView::refresh() {
    std::shared_ptr<const FiltersSnapshot> snapshot = m_probe->latest.get();
    if (!snapshot || snapshot == m_shown) {
        if (m_shown && !m_shown->unavailable.isEmpty()) {
            setMessage(m_shown->unavailable);
        }
        return;
    }
    m_shown = snapshot;
    if (!snapshot->unavailable.isEmpty()) {
        setMessage(snapshot->unavailable);
        m_canvas->setSnapshot(nullptr);
        return;
    }
    fillChoosers(*snapshot);
    const int layer = snapshot->layer;
    m_caption->setText(tr("%1 · weights %2 · step %3")
                           .arg(snapshot->layerDescriptions.value(layer), snapshot->weightShape)
                           .arg(snapshot->step));
    m_canvas->setSnapshot(snapshot);
}

void FiltersView::setPresentationMode(bool on) {
    InspectView::setPresentationMode(on);
    m_canvas->setPresentation(on);
}

}  // namespace dlab::ui
