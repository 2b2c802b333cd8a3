#pragma once
// AxisRange: where a chart axis starts and ends and how many ticks it has, from the data
// it must show. Pure arithmetic, so the rules (round tick labels, no negative loss axis,
// whole decades on a log axis) are testable without a widget.

namespace dlab::ui {

struct AxisRange {
    double lo = 0.0;
    double hi = 1.0;
    int ticks = 2;
};

// Widens [lo, hi] to multiples of a 1-2-2.5-5 step with about `targetTicks` ticks, so tick
// labels are round numbers (0, 0.5, 1, ...). An empty span is widened around its value.
AxisRange niceRange(double lo, double hi, int targetTicks);

// A linear axis over data in [yMin, yMax]: 5 % room on each side, never below 0 when
// the data is not, never outside [limitLo, limitHi], then rounded by niceRange.
AxisRange linearDataRange(double yMin, double yMax, double limitLo, double limitHi,
                          int targetTicks);

// A log axis over positive data in [minPositive, max]: whole decades, at least one.
AxisRange logDataRange(double minPositive, double max);

}  // namespace dlab::ui
