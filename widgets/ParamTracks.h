#pragma once
// ParamTracks: the per-parameter statistics of a run (StepRecord::params) gathered into
// one track per parameter tensor, for the views that plot them over the steps (update
// ratios, gradient flow).
//
// Only some steps carry statistics (every TrainingSession::kParamStatsInterval steps while
// a view wants them), so a track's x values are the steps that had them. Tracks are in
// the network's parameter order, which is depth order: the first tensor is nearest the
// input. When a batch names other tensors than the tracks hold (a new network), the
// tracks start over with the new ones and add() says so.
//
// Also the colours the two views share: one per weight tensor along a blue (input) → red
// (output) ramp, so depth reads the same in every chart.
//
// GUI thread only (plain data; no signals).

#include <QColor>
#include <QPointF>
#include <QString>
#include <cstddef>
#include <span>
#include <vector>

#include "widgets/TrainingSession.h"

namespace dlab::ui {

class ParamTracks {
public:
    struct Track {
        QString name;         // "3.weight", "4.1.bias", "2.gamma"
        bool weight = false;  // a weight matrix or kernel, not a bias or a norm's γ/β
        int depth = 0;        // ordinal of its weight tensor (biases: their layer's)
        QColor color;         // depthColor of its weight tensor
        std::vector<QPointF> updateRatio;  // (step, ‖ΔW‖/‖W‖ of that step's update)
        std::vector<QPointF> gradNorm;     // (step, ‖∂L/∂W‖ at that step)
        size_t firstNew = 0;               // points appended by the last add() start here
    };
    enum class Change {
        None,    // the batch had no per-parameter statistics
        Points,  // points were appended to the existing tracks
        Layout,  // the tracks were (re)created: every point is new
    };

    Change add(const MetricsBatch& batch);
    void clear();

    const std::vector<Track>& tracks() const { return m_tracks; }
    bool empty() const { return m_tracks.empty(); }
    int weightCount() const { return m_weightCount; }
    // What the last add() appended to track `i`.
    std::span<const QPointF> newRatios(size_t i) const;
    std::span<const QPointF> newGradNorms(size_t i) const;

    // Whether a parameter name is a weight tensor: its last component is "weight".
    static bool isWeightName(const QString& name);
    // Colour `index` of `count` along the depth ramp (blue → teal → green → orange → red).
    static QColor depthColor(int index, int count);

private:
    void rebuild(const std::vector<ParamStats>& params);

    std::vector<Track> m_tracks;
    int m_weightCount = 0;
};

}  // namespace dlab::ui
