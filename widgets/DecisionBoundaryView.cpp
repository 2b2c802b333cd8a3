#include "widgets/DecisionBoundaryView.h"

#include "widgets/DataImages.h"

#include <QLinearGradient>
#include <QMouseEvent>
#include <QPainter>
#include <QToolTip>

#include <algorithm>
#include <cmath>

namespace dlab::ui {
namespace {

// Share of the width the neuron maps get when the main map is limited by the width.
constexpr double kNeuronShare = 0.42;
// Neuron tiles in pixels: as large as fits, within these.
constexpr int kMaxTile = 96;
constexpr int kMinTile = 20;
constexpr int kTileGap = 4;
// The map gives up width for neuron tiles until they are this large (or two text lines).
constexpr int kGoodTile = 40;
// Below this the map is not drawn at all.
constexpr int kMinMapSide = 40;
// The neuron colour key's gradient in the legend.
constexpr int kNeuronKeyWidth = 48;
constexpr int kTickLength = 4;
constexpr int kSwatchGap = 6;
constexpr int kEntryGap = 16;
// Presentation mode: points and lines this much larger.
constexpr double kPresentationScale = 1.3;

QString number(double v) {
    return QString::number(v, 'g', 3);
}

// About `count` round tick values (1, 2 or 5 times a power of ten apart) within [lo, hi].
std::vector<double> niceTicks(double lo, double hi, int count) {
    const double span = hi - lo;
    if (!(span > 0.0) || count < 1) {
        return {};
    }
    const double raw = span / count;
    const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
    double step = 10.0 * magnitude;
    for (const double m : {1.0, 2.0, 5.0}) {
        if (m * magnitude >= raw) {
            step = m * magnitude;
            break;
        }
    }
    std::vector<double> ticks;
    for (double t = std::ceil(lo / step) * step; t <= hi + 1e-9 * span; t += step) {
        ticks.push_back(std::abs(t) < 1e-9 * span ? 0.0 : t);
    }
    return ticks;
}

QColor rgb(Rgb8 c) {
    return QColor(c.r, c.g, c.b);
}

struct TileFit {
    int tile = 0;       // pixels; 0 when not even kMinTile fits
    int perColumn = 1;  // tiles stacked in one column of a layer
};

// The largest tile with which every layer's `units` neurons fit `height` (in as few
// side-by-side columns as that takes) and all layers together, each at least as wide as
// its title, fit `width`.
TileFit fitTiles(const std::vector<int>& units, const std::vector<int>& titleWidths, int width,
                 int height, int layerGap) {
    for (int t = kMaxTile; t >= kMinTile; --t) {
        const int perColumn = std::max(1, (height + kTileGap) / (t + kTileGap));
        if (t > height) {
            continue;
        }
        int needed = -layerGap;
        for (size_t l = 0; l < units.size(); ++l) {
            const int columns = (units[l] + perColumn - 1) / perColumn;
            needed += std::max(columns * (t + kTileGap) - kTileGap, titleWidths[l]) + layerGap;
        }
        if (needed <= width) {
            return {t, perColumn};
        }
    }
    return {};
}

// A legend entry: a class swatch, a marker (training dot, held-out ring) or the colour bar.
struct LegendEntry {
    enum class Kind { Swatch, Dot, Ring, Bar, Neurons };
    Kind kind;
    QColor colour;
    QString text;
};

// The colour bar's gradient for a legend `width` wide with this label, at most 260 px.
int colourBarWidth(const QString& label, const QFontMetrics& metrics, int width,
                   const BoundarySnapshot& s) {
    return std::clamp(width - metrics.horizontalAdvance(label + "  " + number(s.valueMin)) -
                          metrics.horizontalAdvance(number(s.valueMax)) - 2 * kSwatchGap,
                      40, 260);
}

std::vector<LegendEntry> legendEntries(const BoundarySnapshot& s, const QFontMetrics& metrics,
                                       int width) {
    std::vector<LegendEntry> entries;
    const QColor neutral(0x80, 0x80, 0x80);
    if (s.regression) {
        // A narrow legend gets the short label, so the bar keeps a readable length.
        QString label = QObject::tr("prediction and target");
        if (colourBarWidth(label, metrics, width, s) < 100) {
            label = QObject::tr("value");
        }
        entries.push_back({LegendEntry::Kind::Bar, {}, label});
    } else {
        for (int i = 0; i < s.classNames.size(); ++i) {
            entries.push_back({LegendEntry::Kind::Swatch, classColor(i), s.classNames[i]});
        }
    }
    entries.push_back({LegendEntry::Kind::Dot, neutral, QObject::tr("training")});
    entries.push_back({LegendEntry::Kind::Ring, neutral, QObject::tr("validation / test")});
    if (!s.neurons.empty()) {
        entries.push_back({LegendEntry::Kind::Neurons, {}, QObject::tr("neurons")});
    }
    return entries;
}

// The width an entry takes in a legend `width` wide.
int entryWidth(const LegendEntry& e, const QFontMetrics& metrics, int width,
               const BoundarySnapshot& s) {
    const int swatch = metrics.height() * 2 / 3;
    if (e.kind == LegendEntry::Kind::Neurons) {
        return metrics.horizontalAdvance(e.text + "  − ") + kNeuronKeyWidth +
               metrics.horizontalAdvance(" +");
    }
    if (e.kind == LegendEntry::Kind::Bar) {
        const int bar = colourBarWidth(e.text, metrics, width, s);
        return metrics.horizontalAdvance(e.text + "  " + number(s.valueMin)) + 2 * kSwatchGap +
               bar + metrics.horizontalAdvance(number(s.valueMax));
    }
    return swatch + kSwatchGap + metrics.horizontalAdvance(e.text);
}

}  // namespace

DecisionBoundaryView::DecisionBoundaryView(TrainingSession& session, QWidget* parent)
    : InspectView(session, parent) {
    m_probe = std::make_shared<DecisionBoundaryProbe>();
    setProbe(m_probe);
    setMouseTracking(true);
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
}

void DecisionBoundaryView::setPresentationMode(bool on) {
    InspectView::setPresentationMode(on);
    relayout();
    update();
}

QRect DecisionBoundaryView::neuronRect(size_t layer, size_t neuron) const {
    if (layer >= m_layout.neuronTiles.size() || neuron >= m_layout.neuronTiles[layer].size()) {
        return {};
    }
    return m_layout.neuronTiles[layer][neuron];
}

void DecisionBoundaryView::refresh() {
    const std::shared_ptr<const BoundarySnapshot> snapshot = m_probe->latest.get();
    if (!snapshot) {
        return;
    }
    if (!snapshot->message.isEmpty()) {
        setMessage(snapshot->message);
    }
    if (snapshot == m_shown) {
        return;
    }
    m_shown = snapshot;
    m_map = snapshot->map.isNull() ? QPixmap() : QPixmap::fromImage(snapshot->map);
    m_neuronPixmaps.clear();
    for (const NeuronMaps& maps : snapshot->neurons) {
        std::vector<QPixmap> pixmaps;
        for (const QImage& image : maps.images) {
            pixmaps.push_back(QPixmap::fromImage(image));
        }
        m_neuronPixmaps.push_back(std::move(pixmaps));
    }
    relayout();
    update();
}

void DecisionBoundaryView::resizeEvent(QResizeEvent* event) {
    InspectView::resizeEvent(event);
    relayout();
}

int DecisionBoundaryView::legendRowsFor(int width) const {
    const QFontMetrics metrics(font());
    int rows = 1;
    int x = 0;
    for (const LegendEntry& e : legendEntries(*m_shown, metrics, width)) {
        const int w = entryWidth(e, metrics, width, *m_shown);
        if (x > 0 && x + w > width) {
            ++rows;
            x = 0;
        }
        x += w + kEntryGap;
    }
    return rows;
}

void DecisionBoundaryView::relayout() {
    m_layout = {};
    if (!m_shown || !m_shown->message.isEmpty() || m_shown->map.isNull()) {
        return;
    }
    const BoundarySnapshot& s = *m_shown;
    const QFontMetrics metrics(font());
    const int line = metrics.height();
    const int pad = line / 2;
    const QRect area = rect().adjusted(pad, pad, -pad, -pad);

    int tickWidth = 0;
    for (double t : niceTicks(s.grid.yMin, s.grid.yMax, 5)) {
        tickWidth = std::max(tickWidth, metrics.horizontalAdvance(number(t)));
    }
    const int leftAxis = line + pad + tickWidth + kTickLength + 2;
    const int bottomAxis = kTickLength + 2 * line + pad / 2;
    const int titleHeight = line + pad;
    const QString note = (s.outputNote + " " + s.neuronNote).trimmed();
    const int fullWidth = area.width() - leftAxis;

    // Neuron layers to the right of the map, Playground-style: the map as large as it can
    // be while the neuron tiles stay at least kGoodTile (or two lines of text) large.
    std::vector<int> units;
    std::vector<int> titleWidths;
    bool activations = false;
    for (const NeuronMaps& maps : s.neurons) {
        units.push_back(static_cast<int>(maps.images.size()));
        titleWidths.push_back(std::max(metrics.horizontalAdvance(maps.title),
                                       metrics.horizontalAdvance(maps.activation)));
        activations = activations || !maps.activation.isEmpty();
    }
    const int layerGap = line;
    const int panelGap = 2 * line;
    // Above each layer's tiles: "layer 1" and its activation.
    const int columnTitle = (activations ? 2 : 1) * line;
    const int tilesTop = area.top() + titleHeight + columnTitle + 4;
    const int tilesHeight = area.bottom() - tilesTop;
    const int goodTile = std::max(kGoodTile, 2 * line);

    int legendWidth = units.empty() ? fullWidth : fullWidth / 2;
    for (int pass = 0; pass < 2; ++pass) {
        m_layout.legendRows = legendRowsFor(legendWidth);
        int noteHeight = 0;
        if (!note.isEmpty()) {
            noteHeight = metrics.boundingRect(QRect(0, 0, legendWidth, 10 * line),
                                              Qt::TextWordWrap, note).height() + pad / 2;
        }
        const int legendHeight = m_layout.legendRows * (line + 4) + noteHeight;
        const int boxHeight = area.height() - titleHeight - bottomAxis - legendHeight;
        const double scale = std::min(static_cast<double>(fullWidth) / s.grid.columns,
                                      static_cast<double>(boxHeight) / s.grid.rows);
        int mapWidth = static_cast<int>(scale * s.grid.columns);
        TileFit fit;
        if (!units.empty()) {
            // Shrink the map until the neurons get good tiles, down to half the width;
            // when not even small tiles fit then, the map keeps the whole width.
            const int widest = mapWidth;
            const int smallest = std::min(mapWidth, fullWidth / 2);
            for (int w = widest; w >= smallest; w -= 4) {
                fit = fitTiles(units, titleWidths, fullWidth - w - panelGap, tilesHeight, layerGap);
                mapWidth = w;
                if (fit.tile >= goodTile) {
                    break;
                }
            }
            if (fit.tile < kMinTile) {
                mapWidth = widest;
            }
        }
        const bool beside = fit.tile >= kMinTile;
        const int mapHeight = static_cast<int>(
            std::lround(static_cast<double>(mapWidth) * s.grid.rows / s.grid.columns));
        const int left = area.left() + leftAxis + (beside ? 0 : (fullWidth - mapWidth) / 2);
        m_layout.map = QRect(left, area.top() + titleHeight, mapWidth, mapHeight);
        m_layout.legend = QRect(left, m_layout.map.bottom() + 1 + bottomAxis,
                                beside ? mapWidth : std::max(mapWidth, fullWidth / 2),
                                legendHeight);
        m_layout.tile = fit.tile;
        m_layout.perColumn = fit.perColumn;
        if (m_layout.legend.width() == legendWidth) {
            break;
        }
        legendWidth = m_layout.legend.width();
    }
    if (mapTooSmall()) {
        m_layout = {};
        return;
    }
    if (m_layout.tile < kMinTile) {
        return;  // no neurons, or no room for them: paintNeurons says so
    }
    m_layout.neuronPanel = QRect(m_layout.map.right() + 1 + panelGap, area.top(), 0, area.height());
    m_layout.neuronPanel.setRight(area.right());
    const int tile = m_layout.tile;
    const int perColumn = m_layout.perColumn;
    int x = m_layout.neuronPanel.left();
    for (size_t l = 0; l < units.size(); ++l) {
        // As many columns as the height needs, filled evenly (16 in two: 8 and 8).
        const int columns = (units[l] + perColumn - 1) / perColumn;
        const int rows = (units[l] + columns - 1) / columns;
        // A short column sits centred against the map, as in Playground.
        const int height = rows * (tile + kTileGap) - kTileGap;
        const int top = tilesTop + std::max(0, (m_layout.map.bottom() - tilesTop - height) / 2);
        std::vector<QRect> tiles;
        for (int i = 0; i < units[l]; ++i) {
            tiles.emplace_back(x + (i / rows) * (tile + kTileGap),
                               top + (i % rows) * (tile + kTileGap), tile, tile);
        }
        const int width = std::max(columns * (tile + kTileGap) - kTileGap, titleWidths[l]);
        m_layout.layerColumns.emplace_back(x, tilesTop - columnTitle - 4, width, columnTitle);
        m_layout.neuronTiles.push_back(std::move(tiles));
        x += width + layerGap;
    }
}

bool DecisionBoundaryView::mapTooSmall() const {
    return m_layout.map.width() < kMinMapSide || m_layout.map.height() < kMinMapSide / 2;
}

QPointF DecisionBoundaryView::toWidget(double x1, double x2) const {
    const PlaneGrid& g = m_shown->grid;
    const QRectF r(m_layout.map);
    return {r.left() + (x1 - g.xMin) / (g.xMax - g.xMin) * r.width(),
            r.top() + (g.yMax - x2) / (g.yMax - g.yMin) * r.height()};
}

void DecisionBoundaryView::paintEvent(QPaintEvent*) {
    QPainter painter(this);
    const QFontMetrics metrics(font());
    if (!m_shown) {
        painter.setPen(palette().color(QPalette::PlaceholderText));
        painter.drawText(rect(), Qt::AlignCenter, tr("Computing the map…"));
        return;
    }
    if (m_layout.map.isEmpty()) {
        return;
    }
    const BoundarySnapshot& s = *m_shown;
    painter.setRenderHint(QPainter::Antialiasing);
    painter.setRenderHint(QPainter::SmoothPixmapTransform);

    const QString when = s.step == 0 ? tr("at initialization") : tr("at step %1").arg(s.step);
    QString title = s.regression ? tr("Predicted value %1").arg(when)
                                 : tr("Predicted class %1, pale where unsure").arg(when);
    const int titleRight = m_layout.neuronPanel.isValid() ? m_layout.neuronPanel.left() - metrics.height()
                                                          : width() - metrics.height() / 2;
    const QRect titleRect(m_layout.map.left(), m_layout.map.top() - metrics.height() - 4,
                          titleRight - m_layout.map.left(), metrics.height());
    if (metrics.horizontalAdvance(title) > titleRect.width()) {
        title = s.step == 0 ? tr("Initialization") : tr("Step %1").arg(s.step);
    }
    painter.setPen(palette().color(QPalette::WindowText));
    painter.drawText(titleRect, Qt::AlignLeft | Qt::AlignVCenter,
                     metrics.elidedText(title, Qt::ElideRight, titleRect.width()));

    painter.drawPixmap(m_layout.map, m_map);
    paintPoints(painter);
    paintAxes(painter);
    paintLegend(painter);
    paintNeurons(painter);
}

void DecisionBoundaryView::paintAxes(QPainter& painter) const {
    const BoundarySnapshot& s = *m_shown;
    const QFontMetrics metrics(font());
    const int line = metrics.height();
    const QRect& map = m_layout.map;
    const double scale = presentationMode() ? kPresentationScale : 1.0;
    const QColor text = palette().color(QPalette::WindowText);
    painter.setPen(QPen(QColor(0x90, 0x90, 0x90), scale));
    painter.setBrush(Qt::NoBrush);
    painter.drawRect(QRectF(map).adjusted(0.5, 0.5, -0.5, -0.5));

    const int xCount = std::clamp(map.width() / (metrics.horizontalAdvance("-0.00") * 2), 2, 8);
    for (double t : niceTicks(s.grid.xMin, s.grid.xMax, xCount)) {
        const int x = static_cast<int>(std::lround(toWidget(t, s.grid.yMin).x()));
        painter.setPen(QPen(text, scale));
        painter.drawLine(x, map.bottom() + 1, x, map.bottom() + kTickLength);
        const QString label = number(t);
        const int w = metrics.horizontalAdvance(label);
        painter.drawText(QRect(x - w, map.bottom() + kTickLength + 1, 2 * w, line),
                         Qt::AlignCenter, label);
    }
    const int yCount = std::clamp(map.height() / (line * 3), 2, 8);
    int labelsLeft = map.left();
    for (double t : niceTicks(s.grid.yMin, s.grid.yMax, std::min(yCount, 5))) {
        const int y = static_cast<int>(std::lround(toWidget(s.grid.xMin, t).y()));
        painter.setPen(QPen(text, scale));
        painter.drawLine(map.left() - kTickLength, y, map.left() - 1, y);
        const QString label = number(t);
        const int w = metrics.horizontalAdvance(label);
        const QRect r(map.left() - kTickLength - 2 - w, y - line / 2, w, line);
        painter.drawText(r, Qt::AlignRight | Qt::AlignVCenter, label);
        labelsLeft = std::min(labelsLeft, r.left());
    }
    QFont bold = font();
    bold.setItalic(true);
    painter.setFont(bold);
    painter.drawText(QRect(map.left(), map.bottom() + kTickLength + line, map.width(), line),
                     Qt::AlignCenter, QStringLiteral("x1"));
    painter.save();
    painter.translate(labelsLeft - line / 2 - 2, map.center().y());
    painter.rotate(-90.0);
    painter.drawText(QRect(-map.height() / 2, -line / 2, map.height(), line), Qt::AlignCenter,
                     QStringLiteral("x2"));
    painter.restore();
    painter.setFont(font());
}

void DecisionBoundaryView::paintPoints(QPainter& painter) const {
    const BoundarySnapshot& s = *m_shown;
    const QRect& map = m_layout.map;
    // Dots shrink as the cloud gets denser, so thousands of points stay a readable cloud.
    const double density = std::sqrt(1000.0 / std::max<double>(1000.0, static_cast<double>(s.points.size())));
    const double scale = presentationMode() ? kPresentationScale : 1.0;
    const double radius = std::clamp(map.width() / 140.0 * density, 2.0, 5.0) * scale;
    const double span = std::max(1e-12f, s.valueMax - s.valueMin);
    const QColor edge(Qt::white);
    painter.save();
    painter.setClipRect(map);
    // Held-out rings first, so the training dots they surround stay visible.
    for (const bool train : {false, true}) {
        for (const BoundaryPoint& p : s.points) {
            if (p.train != train) {
                continue;
            }
            const QColor colour = s.regression ? rgb(viridis((p.value - s.valueMin) / span))
                                               : classColor(static_cast<int>(p.value));
            const QPointF at = toWidget(p.x1, p.x2);
            if (train) {
                painter.setPen(QPen(edge, std::max(0.75, radius / 4.0)));
                painter.setBrush(colour);
                painter.drawEllipse(at, radius, radius);
            } else {
                // A coloured ring on a contrasting one, readable on any background.
                const double width = std::max(1.5, radius * 0.55);
                painter.setBrush(Qt::NoBrush);
                painter.setPen(QPen(edge, width + scale));
                painter.drawEllipse(at, radius, radius);
                painter.setPen(QPen(colour, width));
                painter.drawEllipse(at, radius, radius);
            }
        }
    }
    painter.restore();
}

void DecisionBoundaryView::paintLegend(QPainter& painter) const {
    const BoundarySnapshot& s = *m_shown;
    const QFontMetrics metrics(font());
    const int line = metrics.height();
    const int swatch = line * 2 / 3;
    const QRect& legend = m_layout.legend;
    const double scale = presentationMode() ? kPresentationScale : 1.0;
    const QColor text = palette().color(QPalette::WindowText);
    int x = legend.left();
    int y = legend.top();
    for (const LegendEntry& e : legendEntries(s, metrics, legend.width())) {
        const int w = entryWidth(e, metrics, legend.width(), s);
        if (x > legend.left() && x - legend.left() + w > legend.width()) {
            x = legend.left();
            y += line + 4;
        }
        const QRect swatchRect(x, y + (line - swatch) / 2, swatch, swatch);
        switch (e.kind) {
        case LegendEntry::Kind::Swatch:
            painter.setPen(Qt::NoPen);
            painter.setBrush(e.colour);
            painter.drawRect(swatchRect);
            break;
        case LegendEntry::Kind::Dot:
            painter.setPen(QPen(text, scale));
            painter.setBrush(e.colour);
            painter.drawEllipse(swatchRect);
            break;
        case LegendEntry::Kind::Ring:
            painter.setPen(QPen(e.colour, std::max(2.0, swatch / 4.0)));
            painter.setBrush(Qt::NoBrush);
            painter.drawEllipse(QRectF(swatchRect).adjusted(1.5, 1.5, -1.5, -1.5));
            break;
        case LegendEntry::Kind::Bar: {
            const int bar = colourBarWidth(e.text, metrics, legend.width(), s);
            const QString low = e.text + "  " + number(s.valueMin);
            const int x0 = x + metrics.horizontalAdvance(low) + kSwatchGap;
            painter.setPen(text);
            painter.drawText(QRect(x, y, w, line), Qt::AlignLeft | Qt::AlignVCenter, low);
            QLinearGradient gradient(x0, 0, x0 + bar, 0);
            for (int i = 0; i <= 10; ++i) {
                gradient.setColorAt(i / 10.0, rgb(viridis(i / 10.0)));
            }
            painter.fillRect(QRect(x0, y + line / 5, bar, line * 3 / 5), gradient);
            painter.drawText(QRect(x0 + bar + kSwatchGap, y, w, line),
                             Qt::AlignLeft | Qt::AlignVCenter, number(s.valueMax));
            x += w + kEntryGap;
            continue;
        }
        case LegendEntry::Kind::Neurons: {
            // Each neuron map runs from blue (most negative) through grey (0) to red.
            const QString low = e.text + "  − ";
            const int x0 = x + metrics.horizontalAdvance(low);
            painter.setPen(text);
            painter.drawText(QRect(x, y, w, line), Qt::AlignLeft | Qt::AlignVCenter, low);
            QLinearGradient gradient(x0, 0, x0 + kNeuronKeyWidth, 0);
            for (int i = 0; i <= 4; ++i) {
                gradient.setColorAt(i / 4.0, divergingColor(i / 4.0));
            }
            painter.fillRect(QRect(x0, y + line / 5, kNeuronKeyWidth, line * 3 / 5), gradient);
            painter.drawText(QRect(x0 + kNeuronKeyWidth, y, w, line), Qt::AlignLeft | Qt::AlignVCenter,
                             QStringLiteral(" +"));
            x += w + kEntryGap;
            continue;
        }
        }
        painter.setPen(text);
        painter.drawText(QRect(x + swatch + kSwatchGap, y, w, line), Qt::AlignLeft | Qt::AlignVCenter,
                         e.text);
        x += w + kEntryGap;
    }
    const QString note = (s.outputNote + " " + s.neuronNote).trimmed();
    if (!note.isEmpty()) {
        y += line + 4;
        painter.setPen(palette().color(QPalette::PlaceholderText));
        painter.drawText(QRect(legend.left(), y, legend.width(), legend.bottom() - y + line),
                         Qt::TextWordWrap | Qt::AlignLeft | Qt::AlignTop, note);
    }
}

void DecisionBoundaryView::paintNeurons(QPainter& painter) const {
    const BoundarySnapshot& s = *m_shown;
    if (s.neurons.empty()) {
        return;
    }
    const QFontMetrics metrics(font());
    const int line = metrics.height();
    const QRect& panel = m_layout.neuronPanel;
    if (m_layout.neuronTiles.empty()) {
        painter.setPen(palette().color(QPalette::PlaceholderText));
        painter.drawText(m_layout.legend.adjusted(0, m_layout.legend.height(), 0, 2 * line),
                         Qt::AlignLeft | Qt::AlignTop | Qt::TextWordWrap,
                         tr("Widen the view to see the hidden neurons."));
        return;
    }
    const QString heading = tr("Hidden neurons");
    painter.setPen(palette().color(QPalette::WindowText));
    painter.drawText(QRect(panel.left(), m_layout.map.top() - line - 4, panel.width(), line),
                     Qt::AlignLeft | Qt::AlignVCenter,
                     metrics.elidedText(heading, Qt::ElideRight, panel.width()));
    const QColor frame(0x90, 0x90, 0x90);
    for (size_t l = 0; l < m_layout.neuronTiles.size(); ++l) {
        const QRect& column = m_layout.layerColumns[l];
        painter.setPen(palette().color(QPalette::PlaceholderText));
        painter.drawText(column, Qt::AlignLeft | Qt::AlignTop,
                         s.neurons[l].title + "\n" + s.neurons[l].activation);
        painter.setPen(QPen(frame, 1.0));
        painter.setBrush(Qt::NoBrush);
        for (size_t i = 0; i < m_layout.neuronTiles[l].size(); ++i) {
            const QRect& tile = m_layout.neuronTiles[l][i];
            painter.drawPixmap(tile, m_neuronPixmaps[l][i]);
            painter.drawRect(QRectF(tile).adjusted(-0.5, -0.5, 0.5, 0.5));
        }
    }
}

QString DecisionBoundaryView::describePoint(const QPoint& pos) const {
    if (!m_shown || m_layout.map.isEmpty()) {
        return {};
    }
    const BoundarySnapshot& s = *m_shown;
    const PlaneGrid& g = s.grid;
    auto cellAt = [&](const QRect& r, int& column, int& row) {
        if (!r.contains(pos)) {
            return false;
        }
        column = std::clamp((pos.x() - r.left()) * g.columns / std::max(1, r.width()), 0, g.columns - 1);
        row = std::clamp((pos.y() - r.top()) * g.rows / std::max(1, r.height()), 0, g.rows - 1);
        return true;
    };
    int column = 0;
    int row = 0;
    auto where = [&] {
        return tr("x1 = %1, x2 = %2").arg(number(g.x(column)), number(g.y(row)));
    };
    if (cellAt(m_layout.map, column, row)) {
        const size_t i = static_cast<size_t>(row) * g.columns + column;
        if (s.regression) {
            return tr("%1: prediction %2").arg(where(), number(s.values[i]));
        }
        const int c = s.classes[i];
        const QString name = c < s.classNames.size() ? s.classNames[c] : tr("class %1").arg(c);
        return tr("%1: %2, confidence %3").arg(where(), name, number(s.confidence[i]));
    }
    for (size_t l = 0; l < m_layout.neuronTiles.size(); ++l) {
        for (size_t n = 0; n < m_layout.neuronTiles[l].size(); ++n) {
            if (cellAt(m_layout.neuronTiles[l][n], column, row)) {
                const NeuronMaps& maps = s.neurons[l];
                const size_t i = static_cast<size_t>(row) * g.columns + column;
                return tr("%1 %2, neuron %3 at %4: %5 (colours span ±%6)")
                    .arg(maps.title, maps.activation)
                    .arg(n + 1)
                    .arg(where(), number(maps.values[n][i]), number(maps.scales[n]));
            }
        }
    }
    return {};
}

void DecisionBoundaryView::mouseMoveEvent(QMouseEvent* event) {
    const QString text = describePoint(event->position().toPoint());
    if (text.isEmpty()) {
        QToolTip::hideText();
    } else {
        QToolTip::showText(event->globalPosition().toPoint(), text, this);
    }
    InspectView::mouseMoveEvent(event);
}

}  // namespace dlab::ui
