#pragma once
// Portable seeded randomness for the data sets. The standard distributions
// (uniform_real_distribution, normal_distribution, shuffle) are implementation-defined
// algorithms, so the same seed could give different data on another standard library;
// these are written out so a seed names the same data set everywhere.

#include <cmath>
#include <cstdint>
#include <numbers>
#include <random>
#include <utility>
#include <vector>

namespace dlab::data {

using Rng = std::mt19937_64;

// Uniform in [0, 1) with 53 random bits.
inline double uniform01(Rng& rng) {
    return static_cast<double>(rng() >> 11) * 0x1.0p-53;
}

inline double uniform(Rng& rng, double low, double high) {
    return low + (high - low) * uniform01(rng);
}

// Standard normal through Box-Muller; the second value is dropped to keep the state simple.
inline double normal(Rng& rng) {
    const double u1 = 1.0 - uniform01(rng);  // (0, 1]: log(u1) is finite
    const double u2 = uniform01(rng);
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u2);
}

// Uniform in [0, n) without modulo bias, n > 0.
inline uint64_t uniformIndex(Rng& rng, uint64_t n) {
    const uint64_t limit = UINT64_MAX - UINT64_MAX % n;
    uint64_t x = rng();
    while (x >= limit) {
        x = rng();
    }
    return x % n;
}

// Fisher-Yates.
template <typename T>
void shuffle(std::vector<T>& values, Rng& rng) {
    for (size_t i = values.size(); i > 1; --i) {
        const auto j = static_cast<size_t>(uniformIndex(rng, i));
        std::swap(values[i - 1], values[j]);
    }
}

}  // namespace dlab::data
