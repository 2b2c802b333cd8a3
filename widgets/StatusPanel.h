#pragma once
// StatusPanel: the status bar's view of the training run: what the run is doing, epoch
// and step, samples per second, elapsed and estimated remaining time, and the device
// (the CPU's matrix library; the GPU greyed out with the reason when it is not usable).
//
// It reads the session's progress when the session reports (metrics, state changes),
// at most a few times a second, plus once a second while a run is going so the clock
// moves during slow steps. GUI thread only; the session must outlive the panel.

#include <QTimer>
#include <QWidget>

class QLabel;

namespace dlab {
struct TrainResult;
}

namespace dlab::ui {

class TrainingSession;

class StatusPanel : public QWidget {
    Q_OBJECT
public:
    explicit StatusPanel(TrainingSession& session, QWidget* parent = nullptr);

    // The texts shown, for tests and screenshots.
    QString stateText() const;
    QString progressText() const;
    QString speedText() const;
    QString timeText() const;
    QString deviceText() const;

    // "0:42", "1:05:09"; "—" for a negative time.
    static QString formatDuration(double seconds);

protected:
    void resizeEvent(QResizeEvent* event) override;

private:
    // The device label says "CPU" alone when the full text would push the progress out of
    // a narrow status bar (presentation mode on a small screen); the tooltip keeps it all.
    void fitDeviceText();
    void refresh();
    void refreshSoon();
    void showResult(const dlab::TrainResult& result);

    TrainingSession& m_session;
    QLabel* m_state = nullptr;
    QLabel* m_progress = nullptr;
    QLabel* m_speed = nullptr;
    QLabel* m_time = nullptr;
    QLabel* m_device = nullptr;
    QString m_deviceText;  // the full text
    QLabel* m_gpu = nullptr;
    QString m_outcome;  // how the last run ended, until the next one starts
    QTimer m_clock;     // once a second while a run is going
    QTimer m_coalesce;  // single shot: the first report starts it, the rest wait for it
};

}  // namespace dlab::ui
