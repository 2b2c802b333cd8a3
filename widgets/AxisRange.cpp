#include "widgets/AxisRange.h"

#include <algorithm>
#include <cmath>

namespace dlab::ui {

AxisRange niceRange(double lo, double hi, int targetTicks) {
    if (!(hi > lo)) {
        const double pad = lo != 0.0 ? std::abs(lo) * 0.1 : 0.5;
        lo -= pad;
        hi += pad;
    }
    const double raw = (hi - lo) / std::max(targetTicks - 1, 1);
    const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
    double step = 10.0 * magnitude;
    for (double factor : {1.0, 2.0, 2.5, 5.0}) {
        if (factor * magnitude >= raw * (1.0 - 1e-9)) {
            step = factor * magnitude;
            break;
        }
    }
    AxisRange r;
    r.lo = std::floor(lo / step + 1e-9) * step;
    r.hi = std::ceil(hi / step - 1e-9) * step;
    r.ticks = static_cast<int>(std::lround((r.hi - r.lo) / step)) + 1;
    return r;
}

AxisRange linearDataRange(double yMin, double yMax, double limitLo, double limitHi,
                          int targetTicks) {
    const double span = yMax > yMin ? yMax - yMin : (yMax != 0.0 ? std::abs(yMax) * 0.2 : 1.0);
    double lo = yMin - 0.05 * span;
    double hi = yMax + 0.05 * span;
    // Losses and rates never go below zero; neither should their axis.
    if (yMin >= 0.0) {
        lo = std::max(lo, 0.0);
    }
    AxisRange r = niceRange(std::max(lo, limitLo), std::min(hi, limitHi), targetTicks);
    r.lo = std::max(r.lo, limitLo);
    r.hi = std::min(r.hi, limitHi);
    return r;
}

AxisRange logDataRange(double minPositive, double max) {
    const double lo = std::pow(10.0, std::floor(std::log10(minPositive)));
    const double hi = std::pow(10.0, std::ceil(std::log10(std::max(max, minPositive))));
    // Qt places labels at the powers inside the range, computed as log(x) / log(10), which
    // lands a hair inside a decade bound; a hair more room keeps both end labels.
    return {lo * (1.0 - 1e-9), std::max(hi, lo * 10.0) * (1.0 + 1e-9),
            static_cast<int>(std::lround(std::log10(std::max(hi, lo * 10.0) / lo))) + 1};
}

}  // namespace dlab::ui
