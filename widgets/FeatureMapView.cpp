#include "widgets/FeatureMapView.h"

#include <QComboBox>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QMimeData>
#include <QPainter>
#include <QPushButton>
#include <QRandomGenerator>
#include <QScrollArea>
#include <QSpinBox>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>

#include "datasets/ImageDecode.h"
#include "widgets/TrainingSession.h"

namespace dlab::ui {
namespace {

QString className(const data::Dataset& data, int index) {
    const auto i = static_cast<size_t>(index);
    if (i < data.classNames.size() && !data.classNames[i].empty()) {
        return QString::fromStdString(data.classNames[i]);
    }
    return QObject::tr("class %1").arg(index);
}

QString shapeText(const Shape& shape) {
    QStringList dims;
    for (int64_t d : shape.dims()) {
        dims << QString::number(d);
    }
    return dims.join(QStringLiteral(" × "));
}

// The local image file a drag carries, or empty.
QString droppedImage(const QMimeData* mime) {
    if (!mime || !mime->hasUrls() || mime->urls().isEmpty()) {
        return {};
    }
    const QString path = mime->urls().front().toLocalFile();
    return !path.isEmpty() && data::hasImageExtension(path.toStdString()) ? path : QString();
}

}  // namespace

// ---------------------------------------------------------------------------------------
// The probe (training thread)

void FeatureMapProbe::setSample(int64_t index) {
    {
        const std::lock_guard lock(m_mutex);
        m_index = index;
        m_file.clear();
    }
    requestCapture();
}

void FeatureMapProbe::setFile(const std::string& path) {
    {
        const std::lock_guard lock(m_mutex);
        m_file = path;
    }
    requestCapture();
}

void FeatureMapProbe::setAfterActivation(bool on) {
    {
        const std::lock_guard lock(m_mutex);
        m_afterActivation = on;
    }
    requestCapture();
}

void FeatureMapProbe::capture(InspectContext& context) {
    auto snapshot = std::make_shared<FeatureMapSnapshot>();
    snapshot->step = context.step;
    Network& network = context.network;
    const Shape& inputShape = network.inputShape();
    if (inputShape.rank() != 3) {
        snapshot->unavailable =
            QObject::tr(
                "Feature maps are the pictures a conv layer makes of an image, and "
                "these data are %1 numbers per sample, not images.\nLoad image data "
                "(Fashion-MNIST, CIFAR-10, a folder of images) and add conv2d layers "
                "to see them here.")
                .arg(inputShape.numel());
        latest.publish(std::move(snapshot));
        return;
    }
    int64_t index = 0;
    std::string file;
    {
        const std::lock_guard lock(m_mutex);
        index = m_index;
        file = m_file;
        snapshot->afterActivation = m_afterActivation;
    }

    const data::Dataset& split = probeSplit(context.data);
    snapshot->splitSize = split.size();
    snapshot->splitName = &split == &context.data.split.validation ? QObject::tr("validation")
                                                                   : QObject::tr("training");
    Tensor input;
    if (!file.empty()) {
        if (file != m_loadedPath || inputShape != m_loadedShape) {
            m_loadedPath = file;
            m_loadedShape = inputShape;
            m_loadError.clear();
            m_loaded = Tensor();
            try {
                m_loaded = data::loadImageForInference(file, inputShape);
            } catch (const std::exception& e) {
                m_loadError = e.what();
            }
        }
        if (m_loaded.defined()) {
            input = m_loaded.clone();
            data::applyNormalization(context.data.normalization, input);
            snapshot->source = QFileInfo(QString::fromStdString(file)).fileName();
        } else {
            snapshot->note = QObject::tr("Could not use the dropped file: %1")
                                 .arg(QString::fromStdString(m_loadError));
        }
    }
    if (!input.defined()) {
        if (split.size() == 0) {
            snapshot->unavailable = QObject::tr("There are no samples to show yet.");
            latest.publish(std::move(snapshot));
            return;
        }
        index = std::clamp<int64_t>(index, 0, split.size() - 1);
        input = normalizedSamples(context.data, split, {index});
        snapshot->index = index;
        snapshot->source = QObject::tr("%1 sample %2").arg(snapshot->splitName).arg(index);
        if (split.numClasses > 0) {
            snapshot->trueClass = split.label(index);
            snapshot->trueName = className(split, snapshot->trueClass);
        }
    }
    snapshot->input = input.clone();
    snapshot->inputGrid = makeTileGrid(imageTile(input, 0), 4);

    const Tensor& output = network.forward(input, Mode::Eval);
    snapshot->output = output.to(Device::CPU).clone();
    for (const ConvOutput& conv : convOutputs(network, snapshot->afterActivation)) {
        FeatureMapLayer layer;
        layer.label = QString::fromStdString(conv.label);
        layer.description = QString::fromStdString(conv.description);
        layer.shape = conv.output->shape().dropBatch();
        layer.channels = layer.shape[0];
        const TileSet tiles = channelTiles(*conv.output, 0, kMaxChannels);
        layer.grid = makeTileGrid(tiles, static_cast<int>(tiles.count));
        snapshot->layers.push_back(std::move(layer));
    }
    if (snapshot->layers.empty()) {
        snapshot->noMapsReason = QObject::tr(
            "This network has no conv2d layer, so there are no feature maps: it "
            "flattens the image and looks at all pixels at once. Add conv2d "
            "layers (or pick the CNN preset) to see what they detect.");
    }

    // Predictions: the output row as classes.
    const std::vector<float> values = snapshot->output.toVector();
    const auto n = static_cast<int64_t>(values.size());
    const bool classes = split.numClasses > 0 && n == split.numClasses && n > 1;
    std::vector<ClassScore> scores;
    if (classes && context.loss == LossKind::CrossEntropy) {
        snapshot->probabilities = true;
        const std::vector<float> p = softmax(values.data(), n);
        scores = topK(p.data(), n, kTopClasses);
        if (snapshot->trueClass >= 0) {
            snapshot->trueValue = p[static_cast<size_t>(snapshot->trueClass)];
        }
    } else {
        scores = topK(values.data(), n, kTopClasses);
        if (snapshot->trueClass >= 0 && snapshot->trueClass < n) {
            snapshot->trueValue = values[static_cast<size_t>(snapshot->trueClass)];
        }
    }
    for (const ClassScore& s : scores) {
        snapshot->top.push_back(
            {s.index,
             classes ? className(split, s.index) : QObject::tr("output %1").arg(s.index + 1),
             s.value});
    }
    latest.publish(std::move(snapshot));
}

// ---------------------------------------------------------------------------------------
// The canvas: input and prediction, then one block per conv layer

class FeatureMapCanvas final : public QWidget {
public:
    explicit FeatureMapCanvas(QWidget* parent) : QWidget(parent) {
        QSizePolicy policy(QSizePolicy::Preferred, QSizePolicy::Preferred);
        policy.setHeightForWidth(true);
        setSizePolicy(policy);
    }
    void setSnapshot(std::shared_ptr<const FeatureMapSnapshot> snapshot) {
        m_snapshot = std::move(snapshot);
        updateGeometry();
        update();
    }
    void setPresentation(bool on) {
        m_presentation = on;
        updateGeometry();
        update();
    }
    bool hasHeightForWidth() const override { return true; }
    int heightForWidth(int width) const override {
        return static_cast<int>(std::ceil(layoutFor(width).height));
    }
    QSize sizeHint() const override { return {600, heightForWidth(600)}; }

protected:
    void paintEvent(QPaintEvent*) override;

private:
    struct LayerPlace {
        double top = 0.0;  // the header's first line
        TileLayout tiles;
        QPointF origin;
    };
    struct Layout {
        TileLayout input;
        QPointF inputOrigin;
        double inputBottom = 0.0;  // below the input picture: scale and source lines
        QPointF predictions;       // top-left of the prediction list
        double reasonTop = 0.0;    // the "no conv layer" paragraph
        std::vector<LayerPlace> layers;
        double height = 0.0;
    };
    Layout layoutFor(int width) const;
    int margin() const { return m_presentation ? 14 : 10; }
    int line() const { return fontMetrics().height(); }
    double predictionsWidth() const;
    static QString sourceLine(const FeatureMapSnapshot& s) {
        return s.trueClass >= 0 ? s.source + tr(" · label: %1").arg(s.trueName) : s.source;
    }
    void paintPredictions(QPainter& painter, QPointF at) const;

    std::shared_ptr<const FeatureMapSnapshot> m_snapshot;
    bool m_presentation = false;
};

double FeatureMapCanvas::predictionsWidth() const {
    return m_presentation ? 480.0 : 340.0;
}

FeatureMapCanvas::Layout FeatureMapCanvas::layoutFor(int width) const {
    Layout layout;
    if (!m_snapshot || m_snapshot->inputGrid.isNull()) {
        return layout;
    }
    const FeatureMapSnapshot& s = *m_snapshot;
    const int m = margin();
    const int h = line();
    const double available = std::max(40, width - 2 * m);
    double y = m + h + 4;  // the "Input" title

    // The input, about 140 px (200 in presentation), in whole screen pixels per data pixel.
    const TileGrid& in = s.inputGrid;
    const double target = m_presentation ? 200.0 : 140.0;
    layout.input.columns = in.columns;
    layout.input.gap = 4;
    layout.input.scale = std::max(1.0, std::floor(target / std::max(in.tileWidth, in.tileHeight)));
    while (layout.input.scale > 1.0 && layout.input.size(in).width() > available / 2) {
        layout.input.scale -= 1.0;
    }
    layout.inputOrigin = QPointF(m, y);
    const QSizeF inputSize = layout.input.size(in);
    layout.inputBottom = y + inputSize.height() + 6;
    // Below the picture: its scale, where it came from, a note, the drop hint.
    double inputBlockBottom = layout.inputBottom + 3 * h + (s.note.isEmpty() ? 0 : h) + 4;
    const QFontMetrics metrics = fontMetrics();
    const double inputBlockWidth = std::max(
        {inputSize.width(), static_cast<double>(metrics.horizontalAdvance(sourceLine(s))),
         static_cast<double>(metrics.horizontalAdvance(tr("Input, as the network sees it")))});

    // The prediction beside the input when there is room, else below it.
    const double rows = static_cast<double>(s.top.size()) + 2.0;
    const double predictionsHeight = rows * (h + 6);
    if (m + inputBlockWidth + 24 + predictionsWidth() <= width - m) {
        layout.predictions = QPointF(m + inputBlockWidth + 24, m);
        y = std::max(inputBlockBottom, m + predictionsHeight);
    } else {
        layout.predictions = QPointF(m, inputBlockBottom + 8);
        y = layout.predictions.y() + predictionsHeight;
    }
    y += 16;
    if (!s.noMapsReason.isEmpty()) {
        layout.reasonTop = y;
        y += 4 * h;
    }

    // The maps: tiles about 44 px (64) high, as many per row as fit.
    const int gap = m_presentation ? 4 : 3;
    const double tileTarget = m_presentation ? 64.0 : 44.0;
    for (const FeatureMapLayer& maps : s.layers) {
        LayerPlace place;
        place.top = y;
        y += 2 * h + 6;
        TileLayout tiles;
        tiles.gap = gap;
        tiles.scale = std::ceil(tileTarget / std::max(1, maps.grid.tileHeight));
        while (tiles.scale > 1.0 && maps.grid.tileWidth * tiles.scale > available) {
            tiles.scale -= 1.0;
        }
        const double pitch = maps.grid.tileWidth * tiles.scale + gap;
        tiles.columns = std::clamp(static_cast<int>((available + gap) / pitch), 1,
                                   std::max(1, maps.grid.count));
        place.tiles = tiles;
        place.origin = QPointF(m, y);
        y += tiles.size(maps.grid).height() + 18;
        layout.layers.push_back(place);
    }
    layout.height = y + m;
    return layout;
}

void FeatureMapCanvas::paintPredictions(QPainter& painter, QPointF at) const {
    const FeatureMapSnapshot& s = *m_snapshot;
    const int h = line();
    const QFontMetrics metrics = fontMetrics();
    QFont bold = font();
    bold.setBold(true);
    painter.setFont(bold);
    painter.setPen(palette().color(QPalette::WindowText));
    painter.drawText(QPointF(at.x(), at.y() + metrics.ascent()),
                     s.probabilities ? tr("Prediction (softmax of the output)")
                                     : tr("Largest outputs (the loss is not a softmax)"));
    painter.setFont(font());
    const double nameWidth = m_presentation ? 200.0 : 140.0;
    const double barWidth =
        predictionsWidth() - nameWidth - metrics.horizontalAdvance("100.0 %") - 20;
    const QColor right(60, 160, 90);
    const QColor wrong(210, 85, 70);
    double y = at.y() + h + 8;
    float largest = 0.0f;
    for (const Prediction& p : s.top) {
        largest = std::max(largest, std::abs(p.value));
    }
    for (size_t i = 0; i < s.top.size(); ++i) {
        const Prediction& p = s.top[i];
        const bool isTrue = p.index == s.trueClass;
        QString name = p.name;
        if (isTrue) {
            name = QStringLiteral("✓ ") + name;
        }
        painter.setPen(palette().color(QPalette::WindowText));
        painter.drawText(QRectF(at.x(), y, nameWidth - 8, h), Qt::AlignVCenter | Qt::AlignRight,
                         metrics.elidedText(name, Qt::ElideRight, static_cast<int>(nameWidth - 8)));
        const double fraction =
            s.probabilities ? p.value : (largest > 0.0f ? std::abs(p.value) / largest : 0.0);
        QColor colour = palette().color(QPalette::Highlight);
        if (s.trueClass >= 0) {
            colour = isTrue ? right : (i == 0 ? wrong : colour);
        }
        const QRectF bar(at.x() + nameWidth, y + 3, std::max(1.0, barWidth * fraction), h - 6);
        painter.fillRect(QRectF(at.x() + nameWidth, y + 3, barWidth, h - 6),
                         palette().color(QPalette::AlternateBase));
        painter.fillRect(bar, colour);
        const QString value = s.probabilities ? QString::number(100.0 * p.value, 'f', 1) + " %"
                                              : formatValue(p.value, false);
        painter.drawText(QRectF(at.x() + nameWidth + barWidth + 8, y, 100, h),
                         Qt::AlignVCenter | Qt::AlignLeft, value);
        y += h + 6;
    }
    if (s.trueClass >= 0) {
        const bool listed = std::any_of(s.top.begin(), s.top.end(), [&](const Prediction& p) {
            return p.index == s.trueClass;
        });
        QString text = tr("True class: %1").arg(s.trueName);
        if (!listed) {
            text += s.probabilities ? tr(" (%1 %, not among the top %2)")
                                          .arg(QString::number(100.0 * s.trueValue, 'f', 1))
                                          .arg(s.top.size())
                                    : tr(" (not among the top %1)").arg(s.top.size());
        }
        painter.setPen(s.top.empty() || s.top.front().index != s.trueClass ? wrong : right);
        painter.drawText(QRectF(at.x(), y, predictionsWidth(), h), Qt::AlignVCenter | Qt::AlignLeft,
                         text);
    }
}

void FeatureMapCanvas::paintEvent(QPaintEvent*) {
    if (!m_snapshot || m_snapshot->inputGrid.isNull()) {
        return;
    }
    const FeatureMapSnapshot& s = *m_snapshot;
    const Layout layout = layoutFor(width());
    QPainter painter(this);
    const QColor text = palette().color(QPalette::WindowText);
    const QColor quiet = palette().color(QPalette::PlaceholderText);
    const int m = margin();
    const int h = line();
    const QFontMetrics metrics = fontMetrics();
    QFont bold = font();
    bold.setBold(true);

    painter.setPen(text);
    painter.setFont(bold);
    painter.drawText(QPointF(m, m + metrics.ascent()), tr("Input, as the network sees it"));
    painter.setFont(font());
    paintTiles(painter, s.inputGrid, layout.input, layout.inputOrigin);
    double y = layout.inputBottom;
    const double bar = m_presentation ? 120.0 : 80.0;
    const double used =
        paintScaleBar(painter, QRectF(m, y, bar, h), s.inputGrid.lo, s.inputGrid.hi);
    painter.setPen(quiet);
    painter.drawText(QRectF(m + used + 8, y, width(), h), Qt::AlignVCenter | Qt::AlignLeft,
                     tr("after normalization"));
    y += h + 2;
    painter.setPen(text);
    painter.drawText(QRectF(m, y, width() - 2 * m, h), Qt::AlignVCenter | Qt::AlignLeft,
                     sourceLine(s));
    y += h;
    if (!s.note.isEmpty()) {
        painter.setPen(QColor(210, 85, 70));
        painter.drawText(QRectF(m, y, width() - 2 * m, h), Qt::AlignVCenter | Qt::AlignLeft,
                         metrics.elidedText(s.note, Qt::ElideRight, width() - 2 * m));
        y += h;
    }
    painter.setPen(quiet);
    painter.drawText(QRectF(m, y, width() - 2 * m, h), Qt::AlignVCenter | Qt::AlignLeft,
                     metrics.elidedText(tr("Drop an image file here to try your own."),
                                        Qt::ElideRight, width() - 2 * m));
    paintPredictions(painter, layout.predictions);

    if (!s.noMapsReason.isEmpty()) {
        painter.setPen(text);
        painter.drawText(QRectF(m, layout.reasonTop, width() - 2 * m, 4 * h),
                         Qt::AlignLeft | Qt::AlignTop | Qt::TextWordWrap, s.noMapsReason);
    }
    for (size_t i = 0; i < s.layers.size(); ++i) {
        const FeatureMapLayer& maps = s.layers[i];
        const LayerPlace& place = layout.layers[i];
        QString header = maps.label + QStringLiteral("   ") + shapeText(maps.shape);
        if (maps.grid.count < maps.channels) {
            header +=
                tr("   (first %1 of %2 channels shown)").arg(maps.grid.count).arg(maps.channels);
        }
        painter.setPen(text);
        painter.setFont(bold);
        painter.drawText(QRectF(m, place.top, width() - 2 * m, h), Qt::AlignVCenter | Qt::AlignLeft,
                         metrics.elidedText(header, Qt::ElideRight, width() - 2 * m));
        painter.setFont(font());
        const double barUsed = paintScaleBar(painter, QRectF(m, place.top + h + 2, bar, h),
                                             maps.grid.lo, maps.grid.hi);
        painter.setPen(quiet);
        painter.drawText(
            QRectF(m + barUsed + 8, place.top + h + 2, width() - barUsed - 2 * m - 8, h),
            Qt::AlignVCenter | Qt::AlignLeft,
            metrics.elidedText(maps.description, Qt::ElideRight,
                               static_cast<int>(width() - barUsed - 2 * m - 8)));
        painter.setPen(text);
        paintTiles(painter, maps.grid, place.tiles, place.origin);
    }
}

// ---------------------------------------------------------------------------------------
// The view

FeatureMapView::FeatureMapView(TrainingSession& session, QWidget* parent)
    : InspectView(session, parent), m_probe(std::make_shared<FeatureMapProbe>()) {
    setProbe(m_probe);
    setAcceptDrops(true);
    m_sample = new QSpinBox(this);
    m_sample->setRange(0, 0);
    m_sample->setToolTip(tr("Which validation image to send through the network"));
    m_sampleRange = new QLabel(this);
    m_random = new QPushButton(tr("Random"), this);
    m_random->setToolTip(tr("Pick another validation image at random"));
    m_stage = new QComboBox(this);
    m_stage->addItem(tr("after activation"), true);
    m_stage->addItem(tr("before activation"), false);
    m_stage->setToolTip(
        tr("Each conv layer's maps after the batchnorm and activation that "
           "follow it (what the next layer sees), or before them: straight "
           "out of the convolution"));

    auto* bar = new QHBoxLayout;
    bar->addWidget(new QLabel(tr("Sample:"), this));
    bar->addWidget(m_sample);
    bar->addWidget(m_sampleRange);
    bar->addWidget(m_random);
    bar->addWidget(m_stage);
    bar->addStretch(1);

    m_canvas = new FeatureMapCanvas(this);
    m_scroll = new QScrollArea(this);
    m_scroll->setWidgetResizable(true);
    m_scroll->setFrameShape(QFrame::NoFrame);
    m_scroll->setWidget(m_canvas);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(bar);
    layout->addWidget(m_scroll, 1);

    connect(m_sample, &QSpinBox::valueChanged, this, [this](int value) {
        if (!m_filling) {
            m_probe->setSample(value);
            requestCapture();
        }
    });
    connect(m_random, &QPushButton::clicked, this, [this] {
        const int count = m_sample->maximum() + 1;
        if (count > 1) {
            int next = m_sample->value();
            while (next == m_sample->value()) {
                next = static_cast<int>(QRandomGenerator::global()->bounded(count));
            }
            m_sample->setValue(next);
        }
    });
    connect(m_stage, &QComboBox::currentIndexChanged, this, [this] {
        m_probe->setAfterActivation(m_stage->currentData().toBool());
        requestCapture();
    });
}

void FeatureMapView::showFile(const QString& path) {
    m_probe->setFile(path.toStdString());
    requestCapture();
}

void FeatureMapView::dragEnterEvent(QDragEnterEvent* event) {
    if (!droppedImage(event->mimeData()).isEmpty()) {
        event->acceptProposedAction();
    } else {
        event->ignore();  // experiment and data files go on to the window
    }
}

void FeatureMapView::dropEvent(QDropEvent* event) {
    const QString path = droppedImage(event->mimeData());
    if (path.isEmpty()) {
        event->ignore();
        return;
    }
    event->acceptProposedAction();
    showFile(path);
}

void FeatureMapView::refresh() {
    std::shared_ptr<const FeatureMapSnapshot> snapshot = m_probe->latest.get();
    if (!snapshot) {
        return;
    }
    if (!snapshot->unavailable.isEmpty()) {
        setMessage(snapshot->unavailable);
        m_shown = snapshot;
        m_canvas->setSnapshot(nullptr);
        return;
    }
    if (snapshot == m_shown) {
        return;
    }
    m_shown = snapshot;
    m_filling = true;
    const int last = static_cast<int>(std::max<int64_t>(snapshot->splitSize - 1, 0));
    m_sample->setRange(0, last);
    if (snapshot->index >= 0) {
        m_sample->setValue(static_cast<int>(snapshot->index));
    }
    m_filling = false;
    m_sampleRange->setText(tr("of %1").arg(snapshot->splitSize));
    m_sampleRange->setToolTip(tr("Samples of the %1 split").arg(snapshot->splitName));
    m_random->setEnabled(snapshot->splitSize > 1);
    m_canvas->setSnapshot(snapshot);
}

bool FeatureMapView::exportPng(const QString& path) {
    if (!m_canvas->isVisible() || !message().isEmpty()) {
        return InspectView::exportPng(path);
    }
    return m_canvas->grab().save(path, "PNG");
}

void FeatureMapView::setPresentationMode(bool on) {
    InspectView::setPresentationMode(on);
    m_canvas->setPresentation(on);
}

}  // namespace dlab::ui
