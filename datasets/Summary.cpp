#include "datasets/Summary.h"

#include "datasets/Random.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace dlab::data {
namespace {

SplitSummary summarizeSplit(const std::string& name, const Dataset& data) {
    SplitSummary out;
    out.name = name;
    out.samples = data.size();
    out.classCounts = data.classCounts();
    return out;
}

// Channel statistics over the raw values of some samples. Sums are taken around the
// first value seen in each channel: pixel channels have large means, and a plain sum of
// squares minus the squared mean would cancel.
class ChannelAccumulator {
public:
    ChannelAccumulator(int64_t channels, int64_t inner)
        : m_inner(inner),
          m_shift(static_cast<size_t>(channels), 0.0),
          m_sum(static_cast<size_t>(channels), 0.0),
          m_squares(static_cast<size_t>(channels), 0.0) {}

    void add(const float* sample) {
        for (size_t c = 0; c < m_sum.size(); ++c) {
            const float* p = sample + static_cast<int64_t>(c) * m_inner;
            if (m_count == 0) {
                m_shift[c] = p[0];
            }
            for (int64_t i = 0; i < m_inner; ++i) {
                const double d = p[i] - m_shift[c];
                m_sum[c] += d;
                m_squares[c] += d * d;
                m_min = std::min(m_min, p[i]);
                m_max = std::max(m_max, p[i]);
            }
        }
        ++m_count;
    }

    void finish(DatasetSummary& out) const {
        out.statSamples = m_count;
        out.minValue = m_count > 0 ? m_min : 0.0f;
        out.maxValue = m_count > 0 ? m_max : 0.0f;
        out.channelMean.assign(m_sum.size(), 0.0);
        out.channelStd.assign(m_sum.size(), 0.0);
        if (m_count == 0) {
            return;
        }
        const double n = static_cast<double>(m_count) * static_cast<double>(m_inner);
        for (size_t c = 0; c < m_sum.size(); ++c) {
            const double shiftedMean = m_sum[c] / n;
            const double variance = std::max(m_squares[c] / n - shiftedMean * shiftedMean, 0.0);
            out.channelMean[c] = m_shift[c] + shiftedMean;
            out.channelStd[c] = std::sqrt(variance);
        }
    }

private:
    int64_t m_inner;
    int64_t m_count = 0;
    float m_min = std::numeric_limits<float>::infinity();
    float m_max = -std::numeric_limits<float>::infinity();
    std::vector<double> m_shift;
    std::vector<double> m_sum;
    std::vector<double> m_squares;
};

}  // namespace

DatasetSummary summarize(const Split& split, const SummaryOptions& options,
                         const ProgressFn& progress) {
    const Dataset& train = split.train;
    if (!train.store) {
        throw std::invalid_argument("summarize: the training split '" + train.name +
                                    "' has no samples");
    }
    DatasetSummary out;
    out.name = train.name;
    out.inputShape = train.sampleShape();
    out.isImage = train.isImage();
    out.numClasses = train.numClasses;
    out.targetSize = train.targetSize;
    out.classNames = train.classNames;
    out.splits = {summarizeSplit("train", train), summarizeSplit("validation", split.validation),
                  summarizeSplit("test", split.test)};

    if (train.numClasses == 0 && !train.targets.empty()) {
        const auto [lo, hi] = std::minmax_element(train.targets.begin(), train.targets.end());
        out.targetMin = *lo;
        out.targetMax = *hi;
    }

    // Images group by channel (C, H·W); features are one channel each (F, 1).
    const Shape shape = out.inputShape;
    const int64_t per = shape.numel();
    const int64_t channels = out.isImage && shape.rank() > 0 ? shape[0] : per;
    ChannelAccumulator accumulator(channels, channels > 0 ? per / channels : 0);
    const int64_t n = train.size();
    const int64_t count =
        options.maxStatSamples > 0 ? std::min(n, options.maxStatSamples) : n;
    const int64_t reportEvery = std::max<int64_t>(count / 100, 1);
    std::vector<float> sample(static_cast<size_t>(per));
    for (int64_t i = 0; i < count; ++i) {
        if (i % reportEvery == 0) {
            reportProgress(progress, static_cast<double>(i) / static_cast<double>(count),
                           "value statistics");
        }
        const int64_t pos = i * n / count;  // evenly spaced when count < n
        train.store->readFloat(train.rows[static_cast<size_t>(pos)], sample.data());
        accumulator.add(sample.data());
    }
    accumulator.finish(out);
    reportProgress(progress, 1.0, "value statistics");
    return out;
}

std::vector<SampleTile> sampleGrid(const Dataset& data, int perClass, uint64_t seed) {
    std::vector<SampleTile> tiles;
    if (!data.isImage() || perClass <= 0 || data.size() == 0) {
        return tiles;
    }
    std::vector<std::vector<int64_t>> groups(
        static_cast<size_t>(data.numClasses > 0 ? data.numClasses : 1));
    for (int64_t pos = 0; pos < data.size(); ++pos) {
        const int c = data.numClasses > 0 ? data.label(pos) : 0;
        if (c >= 0 && c < static_cast<int>(groups.size())) {
            groups[static_cast<size_t>(c)].push_back(pos);
        }
    }
    const Shape shape = data.sampleShape();
    Rng rng(seed);
    for (size_t c = 0; c < groups.size(); ++c) {
        std::vector<int64_t>& group = groups[c];
        const size_t take = std::min(group.size(), static_cast<size_t>(perClass));
        // Partial Fisher-Yates: the first `take` entries become a uniform draw.
        for (size_t i = 0; i < take; ++i) {
            const auto j = i + static_cast<size_t>(uniformIndex(rng, group.size() - i));
            std::swap(group[i], group[j]);
        }
        for (size_t i = 0; i < take; ++i) {
            SampleTile tile;
            tile.label = data.numClasses > 0 ? static_cast<int>(c) : -1;
            tile.position = group[i];
            tile.row = data.rows[static_cast<size_t>(tile.position)];
            tile.name = data.store->sampleName(tile.row);
            tile.shape = shape;
            tile.pixels.resize(static_cast<size_t>(shape.numel()));
            data.store->readPixels(tile.row, tile.pixels.data());
            tiles.push_back(std::move(tile));
        }
    }
    return tiles;
}

}  // namespace dlab::data
