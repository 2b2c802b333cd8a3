#include "widgets/DistributionsView.h"

#include <QCheckBox>
#include <QEvent>
#include <QHBoxLayout>
#include <QHelpEvent>
#include <QLabel>
#include <QPainter>
#include <QPixmap>
#include <QScrollArea>
#include <QToolTip>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>

namespace dlab::ui {

// ---------------------------------------------------------------------------------------
// Probe (training or capture thread)

int64_t DistributionsProbe::sampleCount(const Network& network, int64_t available) {
    int64_t valuesPerSample = 0;
    for (const LayerSummary& row : network.summary()) {
        valuesPerSample += row.outputShape.numel();
    }
    const int64_t affordable =
        std::max(kMinSamples, kValueBudget / std::max(int64_t{1}, valuesPerSample));
    return std::min({kProbeSamples, affordable, available});
}

void DistributionsProbe::capture(InspectContext& context) {
    const data::Dataset& split = probeSplit(context.data);
    const int64_t count = sampleCount(context.network, split.size());
    if (count == 0) {
        throw std::runtime_error("The data has no samples to look at.");
    }
    std::vector<int64_t> positions(static_cast<size_t>(count));
    std::iota(positions.begin(), positions.end(), int64_t{0});
    const Tensor inputs = normalizedSamples(context.data, split, positions);
    const Tensor targets = split.subset(positions).targetsTensor();

    auto snapshot = std::make_shared<DistributionsSnapshot>();
    snapshot->samples = count;
    snapshot->splitName = &split == &context.data.split.validation ? "validation" : "training";
    snapshot->step = context.step;
    snapshot->epoch = context.epoch;
    snapshot->activationOnly = activationOnly();
    snapshot->sharedRange = sharedRange();

    DistributionOptions options;
    options.bins = kBins;
    options.sharedRange = snapshot->sharedRange;
    if (snapshot->activationOnly) {
        options.layers = activationLayerIndices(context.network);
        snapshot->noActivationLayers = options.layers.empty();
    }
    snapshot->layers = layerDistributions(context.network, context.loss, inputs, targets, options);
    latest.publish(std::move(snapshot));
}

// ---------------------------------------------------------------------------------------
// Painting (GUI thread, from the snapshot's bins)

namespace {

const QColor kActivationColor(59, 111, 182);
const QColor kGradientColor(217, 120, 38);
const QColor kWarningColor(200, 40, 40);
// Above this saturated share a tanh/sigmoid layer passes almost no gradient: say so in red.
constexpr double kSaturationWarning = 0.5;

// Three significant digits, exponents written short ("3.1e-5", not "3.1e-05").
QString number(double v) {
    QString text = QString::number(v, 'g', 3);
    text.replace(QStringLiteral("e+0"), QStringLiteral("e"));
    text.replace(QStringLiteral("e-0"), QStringLiteral("e-"));
    text.replace(QStringLiteral("e+"), QStringLiteral("e"));
    return text;
}

// "output 500", "output 16×14×14": the per-sample shape as the builder lists it.
QString shapeText(const Shape& shape) {
    QStringList dims;
    for (int64_t d : shape.dims()) {
        dims << QString::number(d);
    }
    return QObject::tr("output %1").arg(dims.join(QStringLiteral("×")));
}

// Axis labels: at most about six characters ("0.903", "-1.3e-4", "5.8e3"), so both ends
// of a narrow histogram fit.
QString axisNumber(double v) {
    const double magnitude = std::abs(v);
    if (magnitude >= 100.0 && magnitude < 1e4) {
        return QString::number(v, 'f', 0);
    }
    if (magnitude == 0.0 || (magnitude >= 1e-2 && magnitude < 1e4)) {
        return QString::number(v, 'g', 3);
    }
    const int exponent = static_cast<int>(std::floor(std::log10(magnitude)));
    double mantissa = v / std::pow(10.0, exponent);
    QString text = QString::number(mantissa, 'f', 1);
    if (text == QStringLiteral("10.0") || text == QStringLiteral("-10.0")) {
        mantissa /= 10.0;
        text = QString::number(mantissa, 'f', 1);
        return text + QStringLiteral("e") + QString::number(exponent + 1);
    }
    return text + QStringLiteral("e") + QString::number(exponent);
}

// The first of `candidates` that fits in `width`, else the last one elided.
QString fitting(const QFontMetrics& metrics, const QStringList& candidates, int width) {
    for (const QString& text : candidates) {
        if (metrics.horizontalAdvance(text) <= width) {
            return text;
        }
    }
    return metrics.elidedText(candidates.back(), Qt::ElideRight, width);
}

QString percent(double share) {
    return QString::number(100.0 * share, 'f', share < 0.1 ? 1 : 0) + " %";
}

}  // namespace

// The column titles above the rows; they stay in place while the rows scroll.
class DistributionsHeader final : public QWidget {
public:
    DistributionsHeader(DistributionsCanvas* canvas, QWidget* parent)
        : QWidget(parent), m_canvas(canvas) {}

    QSize sizeHint() const override { return {400, fontMetrics().height() * 3 / 2}; }
    QSize minimumSizeHint() const override { return sizeHint(); }

protected:
    void paintEvent(QPaintEvent*) override;

private:
    DistributionsCanvas* m_canvas;
};

// Every row, painted in one widget whose height grows with the rows (in a scroll area).
class DistributionsCanvas final : public QWidget {
public:
    struct Columns {
        QRect info;
        QRect activation;
        QRect gradient;
    };

    explicit DistributionsCanvas(QWidget* parent) : QWidget(parent) {
        setAttribute(Qt::WA_OpaquePaintEvent);
        setAutoFillBackground(false);
    }

    void setHeader(DistributionsHeader* header) { m_header = header; }
    void setSnapshot(std::shared_ptr<const DistributionsSnapshot> snapshot) {
        m_snapshot = std::move(snapshot);
        relayout();
    }
    void setPresentation(bool on) {
        m_presentation = on;
        relayout();
    }
    int rows() const { return m_snapshot ? static_cast<int>(m_snapshot->layers.size()) : 0; }
    // Height of all rows (the widget may be taller: it fills the scroll area).
    int contentHeight() const { return std::max(rowHeight(), rows() * rowHeight()); }

    // Where the columns are for this width; the header uses it too, so titles sit above
    // their columns.
    Columns columns() const {
        const QFontMetrics metrics(font());
        const int pad = metrics.height() / 2;
        int infoWidth = metrics.horizontalAdvance(QObject::tr("saturated %1").arg("100 %"));
        if (m_snapshot) {
            QFont bold = font();
            bold.setBold(true);
            const QFontMetrics boldMetrics(bold);
            for (const LayerDistribution& d : m_snapshot->layers) {
                infoWidth = std::max({infoWidth,
                                      boldMetrics.horizontalAdvance(QString::fromStdString(d.kind)),
                                      metrics.horizontalAdvance(QString::fromStdString(d.label)),
                                      metrics.horizontalAdvance(shapeText(d.outputShape))});
            }
        }
        infoWidth += 2 * pad;
        const int rest = std::max(2 * 80, width() - infoWidth - 2 * pad);
        const int each = (rest - pad) / 2;
        Columns c;
        c.info = QRect(0, 0, infoWidth, 0);
        c.activation = QRect(infoWidth, 0, each, 0);
        c.gradient = QRect(infoWidth + each + pad, 0, each, 0);
        return c;
    }

    int rowHeight() const {
        // Caption line, bars of 2.5 lines, axis line, and a quarter line above and below;
        // the info column's four lines fit in the same height.
        return fontMetrics().height() * 5;
    }

    // The layer under a point, or -1.
    int rowAt(QPoint p) const {
        const int row = p.y() / rowHeight();
        return p.y() >= 0 && row < rows() ? row : -1;
    }

    QSize sizeHint() const override { return {600, contentHeight()}; }

protected:
    void paintEvent(QPaintEvent* event) override;
    bool event(QEvent* e) override {
        if (e->type() == QEvent::ToolTip) {
            showToolTip(static_cast<QHelpEvent*>(e));
            return true;
        }
        if (e->type() == QEvent::FontChange) {
            relayout();
        }
        return QWidget::event(e);
    }
    void resizeEvent(QResizeEvent* e) override {
        QWidget::resizeEvent(e);
        if (m_header) {
            m_header->update();
        }
    }

private:
    void relayout() {
        setMinimumHeight(contentHeight());
        updateGeometry();
        update();
        if (m_header) {
            m_header->updateGeometry();
            m_header->update();
        }
    }

    void paintRow(QPainter& p, const LayerDistribution& d, int top, const Columns& c) const;
    void paintHistogram(QPainter& p, const Histogram& h, const QRect& cell,
                        const QColor& color) const;
    void showToolTip(QHelpEvent* e);

    std::shared_ptr<const DistributionsSnapshot> m_snapshot;
    DistributionsHeader* m_header = nullptr;
    bool m_presentation = false;

    friend class DistributionsHeader;
};

void DistributionsHeader::paintEvent(QPaintEvent*) {
    QPainter p(this);
    p.fillRect(rect(), palette().window());
    QFont bold = font();
    bold.setBold(true);
    p.setFont(bold);
    p.setPen(palette().color(QPalette::WindowText));
    const DistributionsCanvas::Columns c = m_canvas->columns();
    const int pad = fontMetrics().height() / 2;
    auto title = [&](const QRect& column, int indent, const QStringList& texts) {
        const QRect r(column.left() + indent, 0, column.width() - indent, height());
        p.drawText(r, Qt::AlignLeft | Qt::AlignVCenter, fitting(p.fontMetrics(), texts, r.width()));
    };
    title(c.info, pad, {tr("Layer")});
    title(c.activation, 0, {tr("Activations (the layer's output)"), tr("Activations")});
    title(c.gradient, 0, {tr("Gradients dL/d(output)"), tr("Gradients")});
    p.setPen(palette().color(QPalette::Mid));
    p.drawLine(0, height() - 1, width(), height() - 1);
}

void DistributionsCanvas::paintEvent(QPaintEvent* event) {
    QPainter p(this);
    p.fillRect(event->rect(), palette().base());
    if (!m_snapshot) {
        return;
    }
    p.setRenderHint(QPainter::Antialiasing, false);
    const Columns c = columns();
    const int height = rowHeight();
    const int first = std::max(0, event->rect().top() / height);
    const int last = std::min(rows() - 1, event->rect().bottom() / height);
    for (int row = first; row <= last; ++row) {
        const int top = row * height;
        if (row % 2 == 1) {
            p.fillRect(QRect(0, top, width(), height), palette().alternateBase());
        }
        paintRow(p, m_snapshot->layers[static_cast<size_t>(row)], top, c);
    }
}

void DistributionsCanvas::paintRow(QPainter& p, const LayerDistribution& d, int top,
                                   const Columns& c) const {
    const QFontMetrics metrics(font());
    const int line = metrics.height();
    const int pad = line / 2;
    const int y = top + line / 4;
    const QColor text = palette().color(QPalette::Text);

    // Info column: the kind, which layer, its output shape, and how saturated it is.
    QFont bold = font();
    bold.setBold(true);
    p.setFont(bold);
    p.setPen(text);
    const int infoLeft = c.info.left() + pad;
    const int infoWidth = c.info.width() - pad;
    const auto infoLine = [&](int index, const QString& content) {
        p.drawText(QRect(infoLeft, y + index * line, infoWidth, line),
                   Qt::AlignLeft | Qt::AlignVCenter, content);
    };
    infoLine(0, QString::fromStdString(d.kind));
    p.setFont(font());
    infoLine(1, QString::fromStdString(d.label));
    infoLine(2, shapeText(d.outputShape));
    if (d.saturation >= 0.0) {
        p.setPen(d.saturation > kSaturationWarning ? kWarningColor : text);
        infoLine(3, QObject::tr("saturated %1").arg(percent(d.saturation)));
    }

    const int rowHeightPx = rowHeight();
    const QRect activationCell(c.activation.left(), y, c.activation.width(),
                               rowHeightPx - line / 2);
    const QRect gradientCell(c.gradient.left(), y, c.gradient.width(), rowHeightPx - line / 2);
    paintHistogram(p, d.activation, activationCell, kActivationColor);
    paintHistogram(p, d.gradient, gradientCell, kGradientColor);
}

void DistributionsCanvas::paintHistogram(QPainter& p, const Histogram& h, const QRect& cell,
                                         const QColor& color) const {
    const QFontMetrics metrics(font());
    const int line = metrics.height();
    const QColor text = palette().color(QPalette::Text);
    const QColor faint = palette().color(QPalette::Mid);

    // Caption: the statistics (the spread first when both do not fit), and a warning when
    // values are not finite any more.
    const QString std = QObject::tr("std %1").arg(number(h.std));
    QStringList captions = {QObject::tr("mean %1   %2").arg(number(h.mean), std), std};
    if (h.nonFinite > 0) {
        const QString bad = QObject::tr("NaN/inf: %1").arg(h.nonFinite);
        captions = {captions.front() + QStringLiteral("   ") + bad,
                    std + QStringLiteral("   ") + bad, bad};
    }
    p.setPen(h.nonFinite > 0 ? kWarningColor : text);
    p.drawText(QRect(cell.left(), cell.top(), cell.width(), line), Qt::AlignLeft | Qt::AlignVCenter,
               fitting(metrics, captions, cell.width()));

    const QRect bars(cell.left(), cell.top() + line, cell.width(), cell.height() - 2 * line);
    p.setPen(faint);
    p.drawLine(bars.bottomLeft(), bars.bottomRight());
    const int64_t peak = h.peak();
    if (peak > 0 && bars.height() > 2) {
        const double binWidth = static_cast<double>(bars.width()) / h.bins();
        for (int b = 0; b < h.bins(); ++b) {
            const int64_t n = h.counts[static_cast<size_t>(b)];
            if (n == 0) {
                continue;
            }
            const int x0 = bars.left() + static_cast<int>(b * binWidth);
            const int x1 = bars.left() + static_cast<int>((b + 1) * binWidth);
            // At least one pixel, so a lone value in a bin is still seen.
            const int height = std::max(
                1, static_cast<int>(std::lround(bars.height() * static_cast<double>(n) / peak)));
            p.fillRect(QRect(x0, bars.bottom() - height + 1, std::max(1, x1 - x0 - 1), height),
                       color);
        }
    }

    // Zero, where it lies inside the range: where a collapsing layer ends up.
    const double span = static_cast<double>(h.hi) - h.lo;
    int zeroX = -1;
    if (h.lo < 0.0f && h.hi > 0.0f) {
        zeroX = bars.left() + static_cast<int>(std::lround(-h.lo / span * bars.width()));
        QPen pen(faint, m_presentation ? 2 : 1, Qt::DashLine);
        p.setPen(pen);
        p.drawLine(zeroX, bars.top(), zeroX, bars.bottom());
    }

    // Axis: the range's ends, and 0 when there is room for it between them. A symmetric
    // range too narrow for both ends is written once, as ±hi.
    p.setPen(text);
    const QRect axis(cell.left(), bars.bottom() + 1, cell.width(), line);
    const QString lo = axisNumber(h.lo);
    const QString hi = axisNumber(h.hi);
    const int gap = metrics.horizontalAdvance(QStringLiteral("  "));
    int leftEnd = axis.left();
    int rightEnd = axis.right();
    if (metrics.horizontalAdvance(lo) + metrics.horizontalAdvance(hi) + gap <= axis.width()) {
        p.drawText(axis, Qt::AlignLeft | Qt::AlignVCenter, lo);
        p.drawText(axis, Qt::AlignRight | Qt::AlignVCenter, hi);
        leftEnd += metrics.horizontalAdvance(lo) + gap;
        rightEnd -= metrics.horizontalAdvance(hi) + gap;
    } else {
        const QString both =
            h.lo == -h.hi ? QStringLiteral("±") + hi : lo + QStringLiteral("…") + hi;
        p.drawText(axis, Qt::AlignRight | Qt::AlignVCenter, both);
        rightEnd -= metrics.horizontalAdvance(both) + gap;
    }
    if (zeroX >= 0) {
        const int half = metrics.horizontalAdvance(QStringLiteral("0")) / 2;
        if (zeroX - half > leftEnd && zeroX + half < rightEnd) {
            p.drawText(QRect(zeroX - 2 * half, axis.top(), 4 * half, line), Qt::AlignCenter,
                       QStringLiteral("0"));
        }
    }
}

void DistributionsCanvas::showToolTip(QHelpEvent* e) {
    const int row = rowAt(e->pos());
    if (row < 0) {
        QToolTip::hideText();
        e->ignore();
        return;
    }
    const LayerDistribution& d = m_snapshot->layers[static_cast<size_t>(row)];
    auto describe = [](const Histogram& h) {
        return QObject::tr("%1 values from %2 to %3, mean %4, std %5")
            .arg(h.total)
            .arg(number(h.min), number(h.max), number(h.mean), number(h.std));
    };
    QString text = QStringLiteral("<b>%1</b>: %2<br>")
                       .arg(QString::fromStdString(d.label).toHtmlEscaped(),
                            QString::fromStdString(d.description).toHtmlEscaped());
    text += QObject::tr("Activations: %1").arg(describe(d.activation));
    if (d.saturation >= 0.0) {
        text += QObject::tr(" — %1 saturated, where almost no gradient passes")
                    .arg(percent(d.saturation));
    }
    text += QStringLiteral("<br>") + QObject::tr("Gradients: %1").arg(describe(d.gradient));
    QToolTip::showText(e->globalPos(), text, this);
}

// ---------------------------------------------------------------------------------------
// The view

DistributionsView::DistributionsView(TrainingSession& session, QWidget* parent)
    : InspectView(session, parent) {
    m_probe = std::make_shared<DistributionsProbe>();
    setProbe(m_probe);

    m_activationOnly = new QCheckBox(tr("Activation layers only"), this);
    m_activationOnly->setObjectName("activationOnly");
    m_activationOnly->setChecked(m_probe->activationOnly());
    m_activationOnly->setToolTip(
        tr("Show only the outputs of activation functions (tanh, ReLU, …), as in the course's "
           "plots. Untick to see every layer's output (dense, convolution, pooling, …)."));
    m_sharedRange = new QCheckBox(tr("Same range for all layers"), this);
    m_sharedRange->setObjectName("sharedRange");
    m_sharedRange->setChecked(m_probe->sharedRange());
    m_sharedRange->setToolTip(
        tr("Draw every layer on one x range (one for the activations, one for the gradients), "
           "so a layer whose values collapse toward zero looks narrow next to the first. "
           "Untick to let each histogram span its own values."));
    m_info = new QLabel(tr("Running the probe batch through the network…"), this);
    m_info->setObjectName("distributionsInfo");
    m_info->setWordWrap(true);
    m_info->setTextInteractionFlags(Qt::TextSelectableByMouse);

    m_scroll = new QScrollArea(this);
    m_scroll->setFrameShape(QFrame::NoFrame);
    m_scroll->setWidgetResizable(true);
    m_scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    m_canvas = new DistributionsCanvas(m_scroll);
    m_scroll->setWidget(m_canvas);
    m_header = new DistributionsHeader(m_canvas, this);
    m_canvas->setHeader(m_header);

    auto* options = new QHBoxLayout;
    options->addWidget(m_activationOnly);
    options->addSpacing(12);
    options->addWidget(m_sharedRange);
    options->addStretch(1);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(options);
    layout->addWidget(m_info);
    layout->addWidget(m_header);
    layout->addWidget(m_scroll, 1);

    connect(m_activationOnly, &QCheckBox::toggled, this, &DistributionsView::optionsChanged);
    connect(m_sharedRange, &QCheckBox::toggled, this, &DistributionsView::optionsChanged);
}

int DistributionsView::rowCount() const {
    return m_canvas->rows();
}

void DistributionsView::optionsChanged() {
    m_probe->setActivationOnly(m_activationOnly->isChecked());
    m_probe->setSharedRange(m_sharedRange->isChecked());
    requestCapture();
}

void DistributionsView::refresh() {
    const uint64_t version = m_probe->latest.version();
    const auto snapshot = m_probe->latest.get();
    if (!snapshot || (snapshot == m_shown && version == m_shownVersion)) {
        return;
    }
    m_shown = snapshot;
    m_shownVersion = version;
    m_canvas->setSnapshot(snapshot);

    QString text =
        tr("%1 %2 samples").arg(snapshot->samples).arg(QString::fromStdString(snapshot->splitName));
    text += snapshot->step == 0
                ? tr(", at initialization")
                : tr(", after step %1 (epoch %2)").arg(snapshot->step).arg(snapshot->epoch);
    text += tr("; forward in evaluation mode, gradients of the mean loss.");
    if (snapshot->noActivationLayers) {
        text += tr(" This network has no activation-function layers, so every layer is shown.");
    }
    m_info->setText(text);
}

bool DistributionsView::exportPng(const QString& path) {
    // The whole list, not just the part scrolled to: titles above all the rows.
    const QSize headerSize(m_canvas->width(), m_header->height());
    const QSize rowsSize(m_canvas->width(), m_canvas->contentHeight());
    QPixmap picture(m_canvas->width(), m_info->height() + headerSize.height() + rowsSize.height());
    picture.fill(palette().color(QPalette::Window));
    QPainter p(&picture);
    m_info->render(&p, QPoint(0, 0));
    m_header->render(&p, QPoint(0, m_info->height()), QRegion(QRect(QPoint(0, 0), headerSize)));
    m_canvas->render(&p, QPoint(0, m_info->height() + headerSize.height()),
                     QRegion(QRect(QPoint(0, 0), rowsSize)));
    p.end();
    return picture.save(path, "PNG");
}

void DistributionsView::setPresentationMode(bool on) {
    InspectView::setPresentationMode(on);
    m_canvas->setPresentation(on);
}

}  // namespace dlab::ui
