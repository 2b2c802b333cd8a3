#include "widgets/ParamTracks.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <map>

namespace dlab::ui {
namespace {

// Hues that stay distinct from each other and readable on light and dark backgrounds.
constexpr std::array<QRgb, 5> kRamp = {qRgb(48, 96, 200), qRgb(23, 160, 176), qRgb(58, 163, 58),
                                       qRgb(224, 138, 0), qRgb(214, 39, 40)};

QString layerOf(const QString& name) {
    const qsizetype dot = name.lastIndexOf('.');
    return dot < 0 ? QString() : name.left(dot);
}

}  // namespace

bool ParamTracks::isWeightName(const QString& name) {
    return name == QLatin1String("weight") || name.endsWith(QLatin1String(".weight"));
}

QColor ParamTracks::depthColor(int index, int count) {
    const double t =
        count > 1 ? std::clamp(static_cast<double>(index) / (count - 1), 0.0, 1.0) : 0.0;
    const double at = t * (kRamp.size() - 1);
    const auto lo = static_cast<size_t>(std::floor(at));
    const size_t hi = std::min(lo + 1, kRamp.size() - 1);
    const double f = at - static_cast<double>(lo);
    const QColor a(kRamp[lo]);
    const QColor b(kRamp[hi]);
    return QColor::fromRgbF(static_cast<float>(a.redF() * (1 - f) + b.redF() * f),
                            static_cast<float>(a.greenF() * (1 - f) + b.greenF() * f),
                            static_cast<float>(a.blueF() * (1 - f) + b.blueF() * f));
}

ParamTracks::Change ParamTracks::add(const MetricsBatch& batch) {
    Change change = Change::None;
    for (Track& t : m_tracks) {
        t.firstNew = t.updateRatio.size();
    }
    for (const StepRecord& r : batch.steps) {
        if (r.params.empty()) {
            continue;
        }
        bool same = r.params.size() == m_tracks.size();
        for (size_t i = 0; same && i < r.params.size(); ++i) {
            same = m_tracks[i].name == QString::fromStdString(r.params[i].name);
        }
        if (!same) {
            rebuild(r.params);
            change = Change::Layout;
        } else if (change == Change::None) {
            change = Change::Points;
        }
        const auto x = static_cast<double>(r.step);
        for (size_t i = 0; i < r.params.size(); ++i) {
            m_tracks[i].updateRatio.emplace_back(x, r.params[i].updateRatio);
            m_tracks[i].gradNorm.emplace_back(x, r.params[i].gradNorm);
        }
    }
    return change;
}

void ParamTracks::rebuild(const std::vector<ParamStats>& params) {
    m_tracks.clear();
    m_tracks.reserve(params.size());
    m_weightCount = 0;
    for (const ParamStats& p : params) {
        Track t;
        t.name = QString::fromStdString(p.name);
        t.weight = isWeightName(t.name);
        if (t.weight) {
            ++m_weightCount;
        }
        m_tracks.push_back(std::move(t));
    }
    // A bias takes its layer's weight colour; a tensor of a layer without weights (a
    // norm's γ and β) the colour of the weight before it.
    std::map<QString, int> weightOfLayer;
    int ordinal = -1;
    for (Track& t : m_tracks) {
        if (t.weight) {
            t.depth = ++ordinal;
            weightOfLayer[layerOf(t.name)] = ordinal;
        }
    }
    ordinal = 0;
    for (Track& t : m_tracks) {
        if (t.weight) {
            ordinal = t.depth;
            continue;
        }
        const auto it = weightOfLayer.find(layerOf(t.name));
        t.depth = it != weightOfLayer.end() ? it->second : ordinal;
    }
    for (Track& t : m_tracks) {
        t.color = depthColor(t.depth, m_weightCount);
    }
}

void ParamTracks::clear() {
    m_tracks.clear();
    m_weightCount = 0;
}

std::span<const QPointF> ParamTracks::newRatios(size_t i) const {
    const Track& t = m_tracks.at(i);
    return std::span<const QPointF>(t.updateRatio).subspan(t.firstNew);
}

std::span<const QPointF> ParamTracks::newGradNorms(size_t i) const {
    const Track& t = m_tracks.at(i);
    return std::span<const QPointF>(t.gradNorm).subspan(t.firstNew);
}

}  // namespace dlab::ui
