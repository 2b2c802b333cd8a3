#pragma once
// DistributionsView ("Histograms" tab): per layer, the histogram of its activations
// and of the loss gradient with respect to them, on a fixed probe batch, live while the
// network trains. The course's initialization plots: with weights too small a deep tanh
// net's activations shrink to zero layer by layer, too large and they saturate at ±1,
// Xavier keeps them spread; vanishing gradients show as gradient histograms that narrow
// toward the input.
//
// DistributionsProbe (training or capture thread) runs the probe batch, the first up to
// kProbeSamples samples of probeSplit(), through engine/InspectDistributions.h and
// publishes the layers' histograms; the view (GUI thread) paints the small bar charts
// from those bins, one row per layer, in a scroll area.

#include "engine/InspectDistributions.h"
#include "widgets/InspectView.h"
#include "widgets/Inspection.h"

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

class QCheckBox;
class QLabel;
class QScrollArea;

namespace dlab::ui {

struct DistributionsSnapshot {
    std::vector<LayerDistribution> layers;
    int64_t samples = 0;    // size of the probe batch
    std::string splitName;  // "validation" or "training"
    int64_t step = 0;       // steps the network had trained (0: at initialization)
    int epoch = 0;
    bool activationOnly = false;  // what was asked for
    bool sharedRange = false;
    // Only activation-function layers were asked for, but the network has none, so
    // every layer is shown.
    bool noActivationLayers = false;
};

class DistributionsProbe final : public Probe {
public:
    // The probe batch: the first samples of probeSplit(), at most kProbeSamples, and fewer
    // for networks whose layers put out many values per sample (a VGG-style CNN), so one
    // capture stays around a tenth of a second and the view stays live: as many as keep
    // the layers' outputs together under kValueBudget values, but at least kMinSamples.
    // The count depends on the network only, so the batch stays the same while it trains.
    static constexpr int64_t kProbeSamples = 256;
    static constexpr int64_t kMinSamples = 32;
    static constexpr int64_t kValueBudget = int64_t{1} << 22;
    static constexpr int kBins = 48;

    static int64_t sampleCount(const Network& network, int64_t available);

    // Any thread; take effect at the next capture (the view asks for one).
    void setActivationOnly(bool on) { m_activationOnly.store(on); }
    void setSharedRange(bool on) { m_sharedRange.store(on); }
    bool activationOnly() const { return m_activationOnly.load(); }
    bool sharedRange() const { return m_sharedRange.load(); }

    void capture(InspectContext& context) override;

    Latest<DistributionsSnapshot> latest;

private:
    // The course's plot: activation layers only, on one range.
    std::atomic<bool> m_activationOnly{true};
    std::atomic<bool> m_sharedRange{true};
};

class DistributionsCanvas;
class DistributionsHeader;

class DistributionsView final : public InspectView {
    Q_OBJECT
public:
    explicit DistributionsView(TrainingSession& session, QWidget* parent = nullptr);

    // The snapshot drawn now (null before the first capture).
    std::shared_ptr<const DistributionsSnapshot> shown() const { return m_shown; }
    // Rows drawn: one per reported layer.
    int rowCount() const;
    QCheckBox* activationOnlyBox() const { return m_activationOnly; }
    QCheckBox* sharedRangeBox() const { return m_sharedRange; }
    // Every row, not only the scrolled-to part, under the column titles.
    bool exportPng(const QString& path) override;
    void setPresentationMode(bool on) override;

protected:
    void refresh() override;

private:
    void optionsChanged();

    std::shared_ptr<DistributionsProbe> m_probe;
    std::shared_ptr<const DistributionsSnapshot> m_shown;
    uint64_t m_shownVersion = 0;
    QCheckBox* m_activationOnly = nullptr;
    QCheckBox* m_sharedRange = nullptr;
    QLabel* m_info = nullptr;
    DistributionsHeader* m_header = nullptr;
    DistributionsCanvas* m_canvas = nullptr;
    QScrollArea* m_scroll = nullptr;
};

}  // namespace dlab::ui
