#include "widgets/SeriesData.h"

#include <QTextStream>

#include <algorithm>
#include <charconv>
#include <cmath>

namespace dlab::ui {

bool isFinitePoint(const QPointF& p) {
    return std::isfinite(p.x()) && std::isfinite(p.y());
}

QString exactNumber(double v) {
    char buffer[64];
    const auto result = std::to_chars(buffer, buffer + sizeof buffer, v);
    return QString::fromLatin1(buffer, static_cast<int>(result.ptr - buffer));
}

namespace {

QString csvField(const QString& text) {
    if (!text.contains(',') && !text.contains('"') && !text.contains('\n')) {
        return text;
    }
    QString quoted = text;
    quoted.replace("\"", "\"\"");
    return '"' + quoted + '"';
}

}  // namespace

void SeriesData::writeCsvRows(QTextStream& out, const QString& chart,
                              const QString& series) const {
    const QString prefix = csvField(chart) + ',' + csvField(series) + ',';
    for (const QPointF& p : m_points) {
        out << prefix << exactNumber(p.x()) << ',' << exactNumber(p.y()) << '\n';
    }
}

void SeriesData::count(const QPointF& p) {
    if (!isFinitePoint(p)) {
        return;
    }
    const double y = p.y();
    if (m_finite == 0) {
        m_yMin = m_yMax = y;
    } else {
        m_yMin = std::min(m_yMin, y);
        m_yMax = std::max(m_yMax, y);
    }
    if (y > 0.0 && (m_yMinPositive == 0.0 || y < m_yMinPositive)) {
        m_yMinPositive = y;
    }
    ++m_finite;
}

void SeriesData::append(std::span<const QPointF> points) {
    m_points.insert(m_points.end(), points.begin(), points.end());
    for (const QPointF& p : points) {
        count(p);
    }
}

void SeriesData::assign(std::vector<QPointF> points) {
    clear();
    m_points = std::move(points);
    for (const QPointF& p : m_points) {
        count(p);
    }
}

void SeriesData::clear() {
    m_points.clear();
    m_finite = 0;
    m_yMin = m_yMax = m_yMinPositive = 0.0;
}

std::pair<size_t, size_t> SeriesData::indicesOfX(double lo, double hi) const {
    const auto byX = [](const QPointF& p, double x) { return p.x() < x; };
    const auto first = std::lower_bound(m_points.begin(), m_points.end(), lo, byX);
    const auto last = std::lower_bound(first, m_points.end(), hi, byX);
    return {static_cast<size_t>(first - m_points.begin()),
            static_cast<size_t>(last - m_points.begin())};
}

QList<QPointF> SeriesData::downsample(const std::vector<QPointF>& points, int buckets,
                                      bool positiveOnly) {
    buckets = std::max(buckets, 1);
    const auto keep = [positiveOnly](const QPointF& p) {
        return isFinitePoint(p) && (!positiveOnly || p.y() > 0.0);
    };
    QList<QPointF> out;
    if (points.size() <= 2 * static_cast<size_t>(buckets)) {
        for (const QPointF& p : points) {
            if (keep(p)) {
                out.append(p);
            }
        }
        return out;
    }
    const auto first = std::find_if(points.begin(), points.end(), keep);
    if (first == points.end()) {
        return out;
    }
    const double x0 = first->x();
    const double span = std::find_if(points.rbegin(), points.rend(), keep)->x() - x0;
    out.reserve(2 * buckets);
    int bucket = -1;
    size_t iMin = 0;
    size_t iMax = 0;
    const auto flush = [&] {
        if (bucket >= 0) {
            out.append(points[std::min(iMin, iMax)]);
            if (iMin != iMax) {
                out.append(points[std::max(iMin, iMax)]);
            }
        }
    };
    for (size_t i = static_cast<size_t>(first - points.begin()); i < points.size(); ++i) {
        const QPointF& p = points[i];
        if (!keep(p)) {
            continue;
        }
        const int b = span > 0.0
                          ? std::clamp(static_cast<int>((p.x() - x0) / span * buckets), 0,
                                       buckets - 1)
                          : 0;
        if (b != bucket) {
            flush();
            bucket = b;
            iMin = iMax = i;
        } else if (p.y() < points[iMin].y()) {
            iMin = i;
        } else if (p.y() > points[iMax].y()) {
            iMax = i;
        }
    }
    flush();
    return out;
}

}  // namespace dlab::ui
