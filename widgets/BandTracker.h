#pragma once
// BandTracker: whether a noisy series sits below, inside or above a band [lo, hi], and
// when it leaves it, decided on the median of its last few values so that one noisy step
// neither marks an excursion nor ends one.
//
// A series starts Unknown until kMinValues values have come; the first side it is then
// found on is its starting state and is not an excursion (a layer that starts too high
// is reported by its status, not by a marker at step 1). From then on, moving from the
// band (or from the other side) to below or above it is one excursion. Going back needs
// the median to be inside the band by the factor kHysteresis, so a median that hovers at
// an edge does not flap in and out and mark the same excursion again and again.
// Non-finite values are ignored; 0 (a dead layer's ratio) is below any positive band.
//
// Plain C++ with no Qt; not thread-safe (one owner).

#include <cstddef>
#include <deque>

namespace dlab::ui {

class BandTracker {
public:
    enum class Side { Unknown, Below, Inside, Above };

    static constexpr size_t kWindow = 5;     // values in the moving median
    static constexpr size_t kMinValues = 3;  // before the first decision
    static constexpr double kHysteresis = 1.25;

    // 0 < lo < hi (a log-scale band; the hysteresis is a factor).
    BandTracker(double lo, double hi);

    // Adds a value. True when it starts an excursion: side() is then Below or Above.
    bool add(double value);
    void reset();

    Side side() const { return m_side; }
    // The median of the last kWindow values; NaN while there are none.
    double median() const;

private:
    double m_lo;
    double m_hi;
    std::deque<double> m_window;
    Side m_side = Side::Unknown;
};

}  // namespace dlab::ui
