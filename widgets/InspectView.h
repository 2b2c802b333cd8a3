#pragma once
// InspectView: the base of the views that look inside the network (Inspect dock).
//
// While the view is visible its probe is registered with the session; hidden (another
// tab, a closed dock) it is removed, so the view costs nothing. When the session reports
// a capture, refresh() is called on the GUI thread; the subclass takes its probe's newest
// snapshot there and repaints (cheap: snapshots carry finished QImages and small
// arrays). A probe error or the session's reason why there is no network yet is shown
// as a message in place of the view's content (message()).
//
// Views that live on the step metrics instead of a probe (update ratios, gradient flow)
// call setWantsParamStats(true): the session then asks the trainer for per-parameter
// statistics while the view is visible.
//
// GUI thread only.

#include <QWidget>

#include <memory>

class QLabel;

namespace dlab::ui {

class Probe;
class TrainingSession;

class InspectView : public QWidget {
    Q_OBJECT
public:
    explicit InspectView(TrainingSession& session, QWidget* parent = nullptr);
    ~InspectView() override;

    // The view as shown, as a PNG; false when the file cannot be written.
    virtual bool exportPng(const QString& path);
    // Whether the probe is registered now (visible).
    bool active() const { return m_active; }
    // The text shown instead of the content (empty when the content is shown).
    QString message() const;
    Probe* probe() const { return m_probe.get(); }
    // Larger fonts and thicker lines for a projector (subclasses override to restyle).
    virtual void setPresentationMode(bool on) { m_presentation = on; }
    bool presentationMode() const { return m_presentation; }

protected:
    TrainingSession& session() { return m_session; }
    // Set once by the subclass constructor.
    void setProbe(std::shared_ptr<Probe> probe);
    void setWantsParamStats(bool wants) { m_wantsParamStats = wants; }
    // Capture soon (the view's request changed); while idle the session captures now.
    void requestCapture();
    // GUI thread, after a capture (or when the view becomes visible): take the probe's
    // newest snapshot and repaint. The base shows the probe's error, if any.
    virtual void refresh() {}
    // Shows `text` over the view (empty: hide it). Subclasses use it for "no conv layer".
    void setMessage(const QString& text);

    void showEvent(QShowEvent* event) override;
    void hideEvent(QHideEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;

private:
    void activate(bool on);
    void onInspected();

    TrainingSession& m_session;
    std::shared_ptr<Probe> m_probe;
    QLabel* m_message = nullptr;
    bool m_active = false;
    // During onInspected, messages are collected and applied once at the end, so a view
    // that keeps showing the same message is not hidden and shown (repainted) every time.
    bool m_collecting = false;
    QString m_collected;
    bool m_wantsParamStats = false;
    bool m_presentation = false;
};

}  // namespace dlab::ui
