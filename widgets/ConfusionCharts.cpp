#include "widgets/ConfusionCharts.h"

#include <QHelpEvent>
#include <QPainter>
#include <QToolTip>
#include <algorithm>
#include <cmath>
#include <numbers>

namespace dlab::ui {
namespace {

constexpr int kGap = 6;
// Cells grow with the space up to this many text lines, then the matrix stays centred.
constexpr double kMaxCellLines = 5.0;
// Long class names are cut to about this many characters on the axes (tooltip: all).
constexpr int kMaxNameChars = 14;
// Cell text below this pixel size is left out (hovering still tells the numbers).
constexpr int kMinCellFontPx = 7;
// The size hint before the first snapshot assumes this many classes.
constexpr int kTypicalClasses = 10;
const QColor kDiagonal(0x2F6DB5);
const QColor kOffDiagonal(0xE0662C);
const QColor kWrong(0xC0392B);

QColor mix(const QColor& a, const QColor& b, double t) {
    t = std::clamp(t, 0.0, 1.0);
    return QColor::fromRgbF(static_cast<float>(a.redF() + (b.redF() - a.redF()) * t),
                            static_cast<float>(a.greenF() + (b.greenF() - a.greenF()) * t),
                            static_cast<float>(a.blueF() + (b.blueF() - a.blueF()) * t));
}

// Share of the row on a square-root scale: small confusions stay visible.
double shade(int64_t count, int64_t rowTotal) {
    return rowTotal > 0 ? std::sqrt(static_cast<double>(count) / static_cast<double>(rowTotal))
                        : 0.0;
}

QString percentText(double share) {
    if (share <= 0.0) {
        return QStringLiteral("0");
    }
    if (share < 0.01) {
        return QStringLiteral("<1");
    }
    return QString::number(std::lround(share * 100.0));
}

QString ratioText(double share) {
    return share < 0.0 ? QStringLiteral("–") : QStringLiteral("%1 %").arg(percentText(share));
}

QString sourceName(const ConfusionSnapshot& s) {
    return s.onTraining ? QStringLiteral("training") : QStringLiteral("validation");
}

}  // namespace

// ---------------------------------------------------------------------------------------
// ConfusionMatrixChart

ConfusionMatrixChart::ConfusionMatrixChart(QWidget* parent) : QWidget(parent) {
    setMouseTracking(true);
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
}

void ConfusionMatrixChart::setSnapshot(std::shared_ptr<const ConfusionSnapshot> snapshot) {
    m_snapshot = std::move(snapshot);
    update();
}

void ConfusionMatrixChart::setPlaceholder(const QString& text) {
    m_placeholder = text;
    update();
}

void ConfusionMatrixChart::setRowPercentages(bool on) {
    m_percent = on;
    update();
}

QSize ConfusionMatrixChart::sizeHint() const {
    // Comfortable: cells of 1.5 lines, so that every name and number is readable.
    const QFontMetricsF fm(font());
    const double h = fm.height();
    const int k = m_snapshot && m_snapshot->matrix.classes() > 0 ? m_snapshot->matrix.classes()
                                                                 : kTypicalClasses;
    double name = fm.averageCharWidth() * kMaxNameChars;
    if (m_snapshot) {
        double widest = 0.0;
        for (const QString& n : m_snapshot->classNames) {
            widest = std::max(widest, fm.horizontalAdvance(n));
        }
        name = std::min(name, widest);
    }
    const double grid = k * 1.5 * h;
    const double width = h + name + fm.horizontalAdvance(QStringLiteral("100 %")) + grid + 6 * kGap;
    const double height =
        2 * h + std::sin(std::numbers::pi / 4) * (name + h) + grid + 1.5 * h + 5 * kGap;
    return {static_cast<int>(std::ceil(width)), static_cast<int>(std::ceil(height))};
}

QSize ConfusionMatrixChart::minimumSizeHint() const {
    const int h = fontMetrics().height();
    return {h * 16, h * 14};
}

QString ConfusionMatrixChart::elidedName(int k, double width) const {
    const QString& name = m_snapshot->classNames[k];
    return fontMetrics().elidedText(name, Qt::ElideRight, static_cast<int>(width));
}

ConfusionMatrixChart::Layout ConfusionMatrixChart::layout() const {
    Layout l;
    if (!m_snapshot || m_snapshot->matrix.classes() == 0) {
        return l;
    }
    const QFontMetricsF fm(font());
    const double h = fm.height();
    const int k = m_snapshot->matrix.classes();
    const double maxName = fm.averageCharWidth() * kMaxNameChars;
    double widest = 0.0;
    for (const QString& name : m_snapshot->classNames) {
        widest = std::max(widest, fm.horizontalAdvance(name));
    }
    const double nameLength = std::min(widest, maxName) + 2.0;
    l.labelWidth =
        std::min(std::max(nameLength, fm.horizontalAdvance(QStringLiteral("precision")) + 2.0),
                 width() * 0.3);
    l.columnLabelLength = std::min(nameLength, maxName);
    const double recallWidth = fm.horizontalAdvance(QStringLiteral("100 %")) + 2 * kGap;

    // Left: the axis title (rotated) and the names; top: the title and the slanted names;
    // bottom: the precision row; right: the recall column, and room for the last name.
    const double left = h + kGap + l.labelWidth + kGap;
    const double bottom = kGap + h * 1.5 + kGap;
    // Column names rise at 45° where the cells are wide enough for that (neighbours are
    // cell·sin 45° apart across the text), else they stand upright, which needs only a
    // cell as wide as a line but more height.
    auto fit = [&](double degrees) {
        Layout candidate = l;
        const double rad = degrees * std::numbers::pi / 180.0;
        candidate.columnAngle = degrees;
        candidate.columnBand = l.columnLabelLength * std::sin(rad) + h * std::cos(rad) + kGap;
        const double top = h + kGap + candidate.columnBand;
        double cell = 0.0;
        double right = kGap + recallWidth + kGap;
        for (int pass = 0; pass < 2; ++pass) {
            cell = std::min((width() - left - right) / k, (height() - top - bottom) / k);
            cell = std::clamp(cell, 1.0, h * kMaxCellLines);
            right = std::max(kGap + recallWidth + kGap,
                             l.columnLabelLength * std::cos(rad) - cell / 2.0 + kGap);
        }
        candidate.cell = cell;
        const double blockWidth = left + k * cell + right;
        const double blockHeight = top + k * cell + bottom;
        const double x0 = std::max(0.0, (width() - blockWidth) / 2.0);
        // Top-aligned (under the summary line); a little air when there is room.
        const double y0 = std::clamp((height() - blockHeight) / 2.0, 0.0, h);
        candidate.grid = QRectF(x0 + left, y0 + top, k * cell, k * cell);
        // Names need about a line of height across the text; closer ones skip some.
        candidate.rowStep = std::max(1, static_cast<int>(std::ceil(h * 0.95 / cell)));
        candidate.columnStep =
            std::max(1, static_cast<int>(std::ceil(h * 0.95 / (cell * std::sin(rad)))));
        return candidate;
    };
    l = fit(45.0);
    if (l.columnStep > 1) {
        const Layout upright = fit(90.0);
        if (upright.columnStep < l.columnStep) {
            l = upright;
        }
    }
    const double cell = l.cell;

    // The cell font: as large as the app font, shrunk until the widest text fits.
    QString widestText = QStringLiteral("100");
    for (int64_t c : m_snapshot->matrix.counts()) {
        const QString t = QString::number(c);
        if (t.size() > widestText.size()) {
            widestText = t;
        }
    }
    QFont f = font();
    const double basePx = QFontInfo(f).pixelSize();
    const QFontMetricsF baseMetrics(f);
    const double fitWidth = cell * 0.84 / std::max(1.0, baseMetrics.horizontalAdvance(widestText));
    const double fitHeight = cell * 0.62 / std::max(1.0, baseMetrics.height());
    const double px = std::floor(basePx * std::min({1.0, fitWidth, fitHeight}));
    l.cellText = px >= kMinCellFontPx;
    f.setPixelSize(std::max(1, static_cast<int>(px)));
    l.cellFont = f;
    return l;
}

QString ConfusionMatrixChart::cellText(int trueClass, int predicted) const {
    if (!m_snapshot || !layout().cellText) {
        return {};
    }
    const ConfusionMatrix& m = m_snapshot->matrix;
    const int64_t count = m.count(trueClass, predicted);
    if (!m_percent) {
        return QString::number(count);
    }
    const int64_t row = m.trueTotal(trueClass);
    return row > 0 ? percentText(static_cast<double>(count) / static_cast<double>(row))
                   : QStringLiteral("–");
}

QPoint ConfusionMatrixChart::cellAt(const QPoint& pos) const {
    const Layout l = layout();
    if (!m_snapshot || l.cell <= 0.0 || !l.grid.contains(pos)) {
        return {-1, -1};
    }
    const int k = m_snapshot->matrix.classes();
    const int column = std::min(k - 1, static_cast<int>((pos.x() - l.grid.left()) / l.cell));
    const int row = std::min(k - 1, static_cast<int>((pos.y() - l.grid.top()) / l.cell));
    return {row, column};
}

void ConfusionMatrixChart::paintEvent(QPaintEvent*) {
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing);
    p.setRenderHint(QPainter::TextAntialiasing);
    const QColor text = palette().color(QPalette::WindowText);
    const QColor faint = palette().color(QPalette::PlaceholderText);
    const QColor base = palette().color(QPalette::Base);
    if (!m_snapshot || m_snapshot->matrix.classes() == 0) {
        p.setPen(faint);
        p.drawText(rect(), Qt::AlignCenter | Qt::TextWordWrap, m_placeholder);
        return;
    }
    const Layout l = layout();
    const ConfusionMatrix& m = m_snapshot->matrix;
    const int k = m.classes();
    const QFontMetricsF fm(font());
    const double h = fm.height();
    const QRectF& g = l.grid;

    // Cells.
    p.setPen(Qt::NoPen);
    for (int t = 0; t < k; ++t) {
        const int64_t row = m.trueTotal(t);
        for (int c = 0; c < k; ++c) {
            const QRectF cell(g.left() + c * l.cell, g.top() + t * l.cell, l.cell, l.cell);
            const double s = shade(m.count(t, c), row);
            p.fillRect(cell, mix(base, t == c ? kDiagonal : kOffDiagonal, s));
        }
    }
    // Thin separators in the background colour, only where they stay thin next to a cell.
    if (l.cell >= 6.0) {
        p.setPen(QPen(palette().color(QPalette::Window), 1.0));
        for (int i = 1; i < k; ++i) {
            p.drawLine(QPointF(g.left() + i * l.cell, g.top()),
                       QPointF(g.left() + i * l.cell, g.bottom()));
            p.drawLine(QPointF(g.left(), g.top() + i * l.cell),
                       QPointF(g.right(), g.top() + i * l.cell));
        }
    }
    p.setPen(QPen(faint, 1.0));
    p.setBrush(Qt::NoBrush);
    p.drawRect(g);

    if (l.cellText) {
        p.setFont(l.cellFont);
        for (int t = 0; t < k; ++t) {
            const int64_t row = m.trueTotal(t);
            for (int c = 0; c < k; ++c) {
                const QRectF cell(g.left() + c * l.cell, g.top() + t * l.cell, l.cell, l.cell);
                const int64_t count = m.count(t, c);
                const double s = shade(count, row);
                p.setPen(count == 0 ? faint : (s > 0.62 ? QColor(Qt::white) : text));
                p.drawText(cell, Qt::AlignCenter, cellText(t, c));
            }
        }
        p.setFont(font());
    }

    // Row names (true class), right-aligned beside the rows.
    p.setPen(text);
    for (int t = 0; t < k; t += l.rowStep) {
        const QRectF r(g.left() - kGap - l.labelWidth, g.top() + t * l.cell + (l.cell - h) / 2.0,
                       l.labelWidth, h);
        p.drawText(r, Qt::AlignRight | Qt::AlignVCenter, elidedName(t, l.labelWidth));
    }
    // Column names (predicted class), rising from the top of their column; the anchor is
    // moved so that the middle of the text line starts at the column's centre.
    const double lineMiddle = (fm.ascent() - fm.descent()) / 2.0;
    const double rad = l.columnAngle * std::numbers::pi / 180.0;
    for (int c = 0; c < k; c += l.columnStep) {
        p.save();
        p.translate(g.left() + (c + 0.5) * l.cell + lineMiddle * std::sin(rad),
                    g.top() - kGap / 2.0);
        p.rotate(-l.columnAngle);
        p.drawText(QPointF(0.0, 0.0), elidedName(c, l.columnLabelLength));
        p.restore();
    }
    // Axis titles.
    QFont bold = font();
    bold.setBold(true);
    p.setFont(bold);
    const double titleTop = g.top() - l.columnBand - kGap - h;
    p.drawText(QRectF(g.left(), titleTop, g.width(), h), Qt::AlignHCenter | Qt::AlignVCenter,
               QStringLiteral("predicted class"));
    p.save();
    p.translate(g.left() - kGap - l.labelWidth - kGap - h, g.center().y());
    p.rotate(-90.0);
    p.drawText(QRectF(-g.height() / 2.0, 0.0, g.height(), h), Qt::AlignCenter,
               QStringLiteral("true class"));
    p.restore();

    // Recall beside each row, precision under each column, with a bar for the share.
    const double recallLeft = g.right() + kGap;
    const double recallWidth = fm.horizontalAdvance(QStringLiteral("100 %")) + 2 * kGap;
    p.drawText(QRectF(recallLeft, g.top() - h - 2, recallWidth, h), Qt::AlignCenter,
               QStringLiteral("recall"));
    p.setFont(font());
    const QColor bar = mix(base, kDiagonal, 0.25);
    const bool rowText = l.cell >= h * 0.95;
    for (int t = 0; t < k; ++t) {
        const double r = m.recall(t);
        const QRectF cell(recallLeft, g.top() + t * l.cell, recallWidth, l.cell);
        if (r > 0.0) {
            p.fillRect(QRectF(cell.left(), cell.top() + 1, cell.width() * r, cell.height() - 2),
                       bar);
        }
        if (rowText) {
            p.setPen(text);
            p.drawText(cell, Qt::AlignCenter, ratioText(r));
        }
    }
    const double precisionTop = g.bottom() + kGap;
    const double precisionHeight = h * 1.5;
    p.setPen(text);
    p.drawText(QRectF(g.left() - kGap - l.labelWidth, precisionTop, l.labelWidth, precisionHeight),
               Qt::AlignRight | Qt::AlignVCenter, QStringLiteral("precision"));
    // "89 %" when it fits under a column, else "89" (the recall column shows the unit), in
    // the cells' smaller font when the normal one is too wide.
    const bool columnUnit = fm.horizontalAdvance(QStringLiteral("100 %")) <= l.cell * 0.95;
    const bool normalFits = fm.horizontalAdvance(QStringLiteral("100")) <= l.cell * 0.95;
    const bool columnText = normalFits || l.cellText;
    if (!normalFits) {
        p.setFont(l.cellFont);
    }
    for (int c = 0; c < k; ++c) {
        const double r = m.precision(c);
        const QRectF cell(g.left() + c * l.cell, precisionTop, l.cell, precisionHeight);
        if (r > 0.0) {
            // Horizontal like the recall bars, so both read the same way.
            p.fillRect(QRectF(cell.left() + 1, cell.top(), (cell.width() - 2) * r, cell.height()),
                       bar);
        }
        if (columnText) {
            p.setPen(text);
            p.drawText(cell, Qt::AlignCenter,
                       columnUnit || r < 0.0 ? ratioText(r) : percentText(r));
        }
    }
}

bool ConfusionMatrixChart::event(QEvent* event) {
    if (event->type() != QEvent::ToolTip || !m_snapshot || m_snapshot->matrix.classes() == 0) {
        return QWidget::event(event);
    }
    auto* help = static_cast<QHelpEvent*>(event);
    const Layout l = layout();
    const ConfusionMatrix& m = m_snapshot->matrix;
    const int k = m.classes();
    const QPointF pos = help->pos();
    const QString split = sourceName(*m_snapshot);
    QString tip;
    const QPoint cell = cellAt(help->pos());
    if (cell.x() >= 0) {
        const int t = cell.x();
        const int c = cell.y();
        const int64_t row = m.trueTotal(t);
        const double share = row > 0 ? static_cast<double>(m.count(t, c)) / row : 0.0;
        tip = QStringLiteral("true: %1 · predicted: %2\n%3 samples, %4 % of the %5 %1 samples")
                  .arg(m_snapshot->classNames[t], m_snapshot->classNames[c])
                  .arg(m.count(t, c))
                  .arg(QString::number(share * 100.0, 'f', 1))
                  .arg(row);
    } else if (pos.y() >= l.grid.top() && pos.y() < l.grid.bottom()) {
        const int t = std::min(k - 1, static_cast<int>((pos.y() - l.grid.top()) / l.cell));
        if (pos.x() > l.grid.right()) {
            tip = QStringLiteral("recall of %1: %2 of its %3 %4 samples predicted as %1")
                      .arg(m_snapshot->classNames[t])
                      .arg(m.count(t, t))
                      .arg(m.trueTotal(t))
                      .arg(split);
        } else {
            tip = m_snapshot->classNames[t];
        }
    } else if (pos.x() >= l.grid.left() && pos.x() < l.grid.right()) {
        const int c = std::min(k - 1, static_cast<int>((pos.x() - l.grid.left()) / l.cell));
        if (pos.y() > l.grid.bottom()) {
            tip = QStringLiteral("precision of %1: of the %2 samples predicted as %1, %3 are %1")
                      .arg(m_snapshot->classNames[c])
                      .arg(m.predictedTotal(c))
                      .arg(m.count(c, c));
        } else {
            tip = m_snapshot->classNames[c];
        }
    }
    if (tip.isEmpty()) {
        QToolTip::hideText();
    } else {
        QToolTip::showText(help->globalPos(), tip, this);
    }
    return true;
}

// ---------------------------------------------------------------------------------------
// MistakeGallery

MistakeGallery::MistakeGallery(QWidget* parent) : QWidget(parent) {
    QSizePolicy policy(QSizePolicy::Preferred, QSizePolicy::Preferred);
    policy.setHeightForWidth(true);
    setSizePolicy(policy);
    setMouseTracking(true);
}

void MistakeGallery::setSnapshot(std::shared_ptr<const ConfusionSnapshot> snapshot) {
    m_snapshot = std::move(snapshot);
    updateGeometry();
    update();
}

void MistakeGallery::setPresentationMode(bool on) {
    m_presentation = on;
    updateGeometry();
    update();
}

QStringList MistakeGallery::caption(size_t i) const {
    if (!m_snapshot || i >= m_snapshot->mistakes.size()) {
        return {};
    }
    const Mistake& m = m_snapshot->mistakes[i].mistake;
    return {QStringLiteral("true: %1").arg(m_snapshot->classNames[m.trueClass]),
            QString::number(m.pTrue, 'f', 2),
            QStringLiteral("predicted: %1").arg(m_snapshot->classNames[m.predicted]),
            QString::number(m.pPredicted, 'f', 2)};
}

int MistakeGallery::pictureHeight() const {
    const int h = fontMetrics().height();
    if (m_snapshot && !m_snapshot->mistakes.empty() &&
        m_snapshot->mistakes.front().thumbnail.isNull()) {
        return h + kGap;  // feature values: one line
    }
    return std::max(m_presentation ? 96 : 64, static_cast<int>(h * 3.6));
}

QSize MistakeGallery::tileSize() const {
    const QFontMetrics fm = fontMetrics();
    // Wide enough for "predicted: <longest class name> 0.83", names cut at kMaxNameChars.
    int widestName = 0;
    if (m_snapshot) {
        for (const QString& name : m_snapshot->classNames) {
            widestName = std::max(widestName, fm.horizontalAdvance(name));
        }
    }
    widestName = std::min(widestName, fm.averageCharWidth() * kMaxNameChars);
    const int captionWidth =
        fm.horizontalAdvance(QStringLiteral("predicted:  0.00")) + widestName + kGap * 2;
    const int width = std::max(pictureHeight(), captionWidth);
    return {width, pictureHeight() + kGap / 2 + 2 * fm.height() + kGap};
}

int MistakeGallery::columnsFor(int width) const {
    const int tile = tileSize().width();
    return std::max(1, (width + kGap) / (tile + kGap));
}

int MistakeGallery::rowHeight() const {
    return tileSize().height() + kGap;
}

int MistakeGallery::stretchedWidth(int columns) const {
    // The row fills the width: no ragged gap on the right.
    return std::max(tileSize().width(), (width() + kGap) / std::max(1, columns) - kGap);
}

int MistakeGallery::heightForWidth(int width) const {
    if (!m_snapshot || m_snapshot->mistakes.empty()) {
        return fontMetrics().height() * 2;
    }
    const int n = static_cast<int>(m_snapshot->mistakes.size());
    const int columns = columnsFor(width);
    const int rows = (n + columns - 1) / columns;
    return rows * (tileSize().height() + kGap);
}

QSize MistakeGallery::sizeHint() const {
    const int width = 3 * (tileSize().width() + kGap);
    return {width, heightForWidth(width)};
}

QSize MistakeGallery::minimumSizeHint() const {
    return {tileSize().width(), fontMetrics().height() * 2};
}

int MistakeGallery::tileAt(const QPoint& pos) const {
    if (!m_snapshot) {
        return -1;
    }
    const QSize tile = tileSize();
    const int columns = columnsFor(width());
    const int tileWidth = stretchedWidth(columns);
    const int column = pos.x() / (tileWidth + kGap);
    const int row = pos.y() / (tile.height() + kGap);
    if (column >= columns || pos.x() % (tileWidth + kGap) >= tileWidth) {
        return -1;
    }
    const int index = row * columns + column;
    return index < static_cast<int>(m_snapshot->mistakes.size()) ? index : -1;
}

void MistakeGallery::paintEvent(QPaintEvent*) {
    QPainter p(this);
    const QColor text = palette().color(QPalette::WindowText);
    const QColor faint = palette().color(QPalette::PlaceholderText);
    if (!m_snapshot || m_snapshot->mistakes.empty()) {
        if (m_snapshot && m_snapshot->matrix.total() > 0) {
            p.setPen(faint);
            p.drawText(rect(), Qt::AlignLeft | Qt::AlignTop | Qt::TextWordWrap,
                       QStringLiteral("No mistakes: every sample is classified correctly."));
        }
        return;
    }
    const QFontMetrics fm = fontMetrics();
    const QSize tile = tileSize();
    const int picture = pictureHeight();
    const int columns = columnsFor(width());
    const int tileWidth = stretchedWidth(columns);
    for (size_t i = 0; i < m_snapshot->mistakes.size(); ++i) {
        const auto& entry = m_snapshot->mistakes[i];
        const int column = static_cast<int>(i) % columns;
        const int row = static_cast<int>(i) / columns;
        const QRect box(column * (tileWidth + kGap), row * (tile.height() + kGap), tileWidth,
                        tile.height());
        p.fillRect(box, palette().color(QPalette::AlternateBase));
        const QRect pictureRect(box.left(), box.top(), box.width(), picture);
        if (!entry.thumbnail.isNull()) {
            // Nearest-neighbour upscaling keeps a 28×28 image's pixels crisp.
            const QSize size =
                entry.thumbnail.size().scaled(pictureRect.size(), Qt::KeepAspectRatio);
            const QRect target(pictureRect.left() + (pictureRect.width() - size.width()) / 2,
                               pictureRect.top(), size.width(), size.height());
            p.setRenderHint(QPainter::SmoothPixmapTransform,
                            size.width() < entry.thumbnail.width());
            p.drawImage(target, entry.thumbnail);
        } else {
            p.setPen(text);
            p.drawText(pictureRect.adjusted(kGap / 2, 0, -kGap / 2, 0), Qt::AlignCenter,
                       fm.elidedText(entry.features, Qt::ElideRight, box.width() - kGap));
        }
        const QStringList lines = caption(i);
        for (int line = 0; line < 2; ++line) {
            const QRect r(box.left() + kGap / 2,
                          box.top() + picture + kGap / 2 + line * fm.height(), box.width() - kGap,
                          fm.height());
            const QString& number = lines[2 * line + 1];
            const int numberWidth = fm.horizontalAdvance(number);
            p.setPen(line == 0 ? text : kWrong);
            p.drawText(r, Qt::AlignRight | Qt::AlignVCenter, number);
            p.drawText(
                r.adjusted(0, 0, -numberWidth - kGap / 2, 0), Qt::AlignLeft | Qt::AlignVCenter,
                fm.elidedText(lines[2 * line], Qt::ElideRight, r.width() - numberWidth - kGap / 2));
        }
    }
}

bool MistakeGallery::event(QEvent* event) {
    if (event->type() != QEvent::ToolTip) {
        return QWidget::event(event);
    }
    auto* help = static_cast<QHelpEvent*>(event);
    const int i = tileAt(help->pos());
    if (i < 0) {
        QToolTip::hideText();
        return true;
    }
    const auto& entry = m_snapshot->mistakes[static_cast<size_t>(i)];
    const Mistake& m = entry.mistake;
    QString tip =
        QStringLiteral("Sample %1 of the %2 split").arg(m.position).arg(sourceName(*m_snapshot));
    if (!entry.name.isEmpty()) {
        tip += QStringLiteral(" (%1)").arg(entry.name);
    }
    if (!entry.features.isEmpty()) {
        tip += QStringLiteral("\nfeatures: %1").arg(entry.features);
    }
    tip += QStringLiteral("\ntrue: %1, p = %2\npredicted: %3, p = %4")
               .arg(m_snapshot->classNames[m.trueClass])
               .arg(QString::number(m.pTrue, 'f', 3))
               .arg(m_snapshot->classNames[m.predicted])
               .arg(QString::number(m.pPredicted, 'f', 3));
    if (m_snapshot->softmaxOfScores) {
        tip += QStringLiteral("\n(softmax of the scores: this loss does not train probabilities)");
    }
    QToolTip::showText(help->globalPos(), tip, this);
    return true;
}

}  // namespace dlab::ui
