#pragma once
// UpdateRatioView ("Update ratio" tab): how much each step changes each parameter tensor,
// relative to its size, ‖ΔW‖/‖W‖, over the steps of the run.
//
//   chart    log y, one series per weight tensor (biases and normalization γ/β behind a
//            checkbox), coloured by depth (ParamTracks::depthColor); the healthy band
//            around 1e-3 shaded; a marker in the layer's colour where its ratio leaves
//            the band ("2.weight ↑" too high, "2.weight ↓" too low), decided per tensor by
//            a BandTracker (moving median, transitions only), at most kMaxMarkers shown;
//            biases and γ/β, which start at 0 or 1, are drawn but not judged
//   table    one row per shown tensor: its latest ratio and, from the tracker, "ok",
//            "too low" or "too high" and what that means, in words and colour; with its
//            colour swatches it is the chart's legend
//
// Fed by TrainingSession::metrics (only the steps that carry StepRecord::params; the view
// asks for them while it is visible) and cleared by runStarted. Appends go to the chart
// in bulk, one call per series per batch; the chart coalesces its redraws.
// GUI thread only.

#include <vector>

#include "widgets/BandTracker.h"
#include "widgets/InspectView.h"
#include "widgets/ParamTracks.h"

#include <QTimer>

class QCheckBox;
class QTableWidget;

namespace dlab::ui {

class LineChart;

class UpdateRatioView : public InspectView {
    Q_OBJECT
public:
    // The healthy band: the course's rule of thumb is an update of about 1e-3 of the
    // weights per step; we accept half a decade either side (√10 ≈ 3.16, rounded to 3).
    static constexpr double kHealthyLo = 3e-4;
    static constexpr double kHealthyHi = 3e-3;
    static constexpr int kMaxMarkers = 12;      // drawn, the newest ones
    static constexpr int kMaxExcursions = 200;  // remembered (for the bias toggle)

    enum class Status { Unknown, TooLow, Ok, TooHigh };

    explicit UpdateRatioView(TrainingSession& session, QWidget* parent = nullptr);

    LineChart& chart() { return *m_chart; }
    const ParamTracks& tracks() const { return m_tracks; }
    // The chart series of a tensor ("3.weight"), or -1 when it is not drawn.
    int seriesOf(const QString& name) const;
    // The tracker's verdict for a weight tensor (Unknown for biases, γ/β and names it does
    // not know: the 1e-3 rule of thumb is about weights).
    Status status(const QString& name) const;
    // The status table's words for a tensor's row, status and meaning ("too high ↑ —
    // unstable"), empty when the tensor has no row.
    QString statusText(const QString& name) const;

    void setShowBiases(bool on);
    bool showBiases() const { return m_showBiases; }
    void setPresentationMode(bool on) override;
    bool exportPng(const QString& path) override;

public slots:
    void addMetrics(const dlab::ui::MetricsBatch& batch);
    void clear();

protected:
    void changeEvent(QEvent* event) override;

private:
    struct Excursion {
        double step = 0.0;
        size_t track = 0;
        BandTracker::Side side = BandTracker::Side::Unknown;
    };

    bool shown(size_t track) const;
    // Recreates the chart's series from the tracks (new network, bias toggle).
    void rebuildSeries();
    void updateMarkers();
    void updateTable();
    // The table follows the data at most 4 times a second; reading it flushes.
    void flushTable() const;
    void fitTableHeight();

    LineChart* m_chart = nullptr;
    QTableWidget* m_table = nullptr;
    QCheckBox* m_biasCheck = nullptr;
    ParamTracks m_tracks;
    std::vector<BandTracker> m_trackers;  // one per track
    std::vector<int> m_series;            // track → chart series, -1 when hidden
    std::vector<Excursion> m_excursions;  // oldest first, at most kMaxExcursions
    bool m_showBiases = false;
    mutable QTimer m_tableTimer;  // coalesces updateTable during training
};

}  // namespace dlab::ui
