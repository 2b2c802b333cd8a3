#pragma once
// SeriesData: the full data of one chart series, kept in our own vector (Qt Charts only
// ever sees a reduced copy), with running y statistics so that ranging an axis never
// rescans the data, the min/max-per-bucket reduction that makes the drawn copy, and the
// exact CSV rows an export writes.
//
// Contract: x does not decrease in append order (steps, epochs); the x lookups rely on
// it. Non-finite points (a diverged loss) are stored but never drawn or counted.

#include <QList>
#include <QPointF>
#include <QString>

class QTextStream;

#include <cstdint>
#include <span>
#include <utility>
#include <vector>

namespace dlab::ui {

class SeriesData {
public:
    void append(std::span<const QPointF> points);
    void assign(std::vector<QPointF> points);
    void clear();

    const std::vector<QPointF>& points() const { return m_points; }
    bool empty() const { return m_points.empty(); }
    // Statistics over the finite points; meaningless while finiteCount() == 0.
    int64_t finiteCount() const { return m_finite; }
    double yMin() const { return m_yMin; }
    double yMax() const { return m_yMax; }
    // The smallest y > 0, or 0 when there is none (what a log axis can show).
    double yMinPositive() const { return m_yMinPositive; }

    // One "chart,series,x,y" row per point (all of them, non-finite ones too), numbers
    // in exactNumber's form, text fields quoted when they hold a comma or a quote.
    void writeCsvRows(QTextStream& out, const QString& chart, const QString& series) const;

    // Indices [first, last) of the points with lo <= x < hi.
    std::pair<size_t, size_t> indicesOfX(double lo, double hi) const;

    // Min/max-per-bucket reduction of points sorted by x into at most 2·buckets points.
    // Each bucket is an equal share of [first x, last x]; its minimum and maximum are
    // kept in their original order, so spikes survive. Non-finite points are dropped,
    // and points with y <= 0 too when `positiveOnly` (for a log axis). Inputs of at most
    // 2·buckets points come back whole (minus the dropped ones).
    static QList<QPointF> downsample(const std::vector<QPointF>& points, int buckets,
                                     bool positiveOnly = false);

private:
    void count(const QPointF& p);

    std::vector<QPointF> m_points;
    int64_t m_finite = 0;
    double m_yMin = 0.0;
    double m_yMax = 0.0;
    double m_yMinPositive = 0.0;
};

bool isFinitePoint(const QPointF& p);
// The shortest text that reads back as the same double ("0.1", "2000", "1e-08"), so an
// export is exact and still short.
QString exactNumber(double v);

}  // namespace dlab::ui
