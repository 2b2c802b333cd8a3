#pragma once
// GradientFlowView ("Gradients" tab): how large the gradient ‖∂L/∂W‖ of each weight
// tensor is, over the steps and along the depth of the network.
//
//   chart    log y, one series per weight tensor (coloured by depth, blue at the input,
//            red at the output, ParamTracks::depthColor): gradients that shrink or blow
//            up over the run
//   bars     the latest gradient norm of each weight tensor from the input (left) to the
//            output (right) on a log axis: vanishing gradients are a staircase down
//            toward the input
//   verdict  one line comparing the first and the last weight tensor: vanishing when
//            the gradient at the input side is kFlowFactor times smaller than at the
//            output, growing toward the input (exploding) when kFlowFactor times larger
//
// Fed by TrainingSession::metrics (the steps that carry StepRecord::params; the view
// asks for them while it is visible), cleared by runStarted; appends in bulk, the chart
// coalesces its redraws. GUI thread only.

#include <vector>

#include <QTimer>

#include "widgets/InspectView.h"
#include "widgets/ParamTracks.h"

class QLabel;

namespace dlab::ui {

class DepthBarChart;
class LineChart;

class GradientFlowView : public InspectView {
    Q_OBJECT
public:
    // A factor of 100 between the first and the last layer's gradient is beyond what
    // differences in layer size explain: the signal is lost (or amplified) on the way.
    static constexpr double kFlowFactor = 100.0;

    explicit GradientFlowView(TrainingSession& session, QWidget* parent = nullptr);

    LineChart& chart() { return *m_chart; }
    // The bars and the verdict follow the data at most 4 times a second; reading them
    // brings them up to date first.
    DepthBarChart& bars() {
        flushBars();
        return *m_bars;
    }
    const ParamTracks& tracks() const { return m_tracks; }
    // The chart series of a weight tensor ("3.weight"), or -1.
    int seriesOf(const QString& name) const;
    // The verdict line under the bars.
    QString verdict() const;

    void setPresentationMode(bool on) override;
    bool exportPng(const QString& path) override;

public slots:
    void addMetrics(const dlab::ui::MetricsBatch& batch);
    void clear();

private:
    void rebuildSeries();
    void updateBars() const;
    void flushBars() const;

    LineChart* m_chart = nullptr;
    DepthBarChart* m_bars = nullptr;
    QLabel* m_verdict = nullptr;
    mutable QTimer m_barsTimer;  // coalesces updateBars
    ParamTracks m_tracks;
    std::vector<int> m_series;  // track → chart series; -1 for biases and γ/β
};

}  // namespace dlab::ui
