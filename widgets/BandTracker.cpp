#include "widgets/BandTracker.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <vector>

namespace dlab::ui {

BandTracker::BandTracker(double lo, double hi) : m_lo(lo), m_hi(hi) {
    if (!(lo > 0.0 && hi > lo)) {
        throw std::invalid_argument("BandTracker: expected 0 < lo < hi");
    }
}

void BandTracker::reset() {
    m_window.clear();
    m_side = Side::Unknown;
}

double BandTracker::median() const {
    if (m_window.empty()) {
        return std::numeric_limits<double>::quiet_NaN();
    }
    std::vector<double> sorted(m_window.begin(), m_window.end());
    std::sort(sorted.begin(), sorted.end());
    const size_t n = sorted.size();
    return n % 2 == 1 ? sorted[n / 2] : 0.5 * (sorted[n / 2 - 1] + sorted[n / 2]);
}

bool BandTracker::add(double value) {
    if (!std::isfinite(value)) {
        return false;
    }
    m_window.push_back(value);
    if (m_window.size() > kWindow) {
        m_window.pop_front();
    }
    if (m_window.size() < kMinValues) {
        return false;
    }
    const double m = median();
    Side next = m < m_lo ? Side::Below : (m > m_hi ? Side::Above : Side::Inside);
    // Back inside only when clearly inside: an edge value keeps the excursion going.
    if (next == Side::Inside && m_side == Side::Above && m > m_hi / kHysteresis) {
        next = Side::Above;
    } else if (next == Side::Inside && m_side == Side::Below && m < m_lo * kHysteresis) {
        next = Side::Below;
    }
    const bool excursion = next != m_side && next != Side::Inside && m_side != Side::Unknown;
    m_side = next;
    return excursion;
}

}  // namespace dlab::ui
