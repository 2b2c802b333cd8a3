#pragma once
// ConfusionView (tab "Confusion"): which classes the network mixes up. The confusion
// matrix on the validation split after every epoch (ConfusionProbe), an epoch slider to
// go back through the run, and a gallery of the most confident mistakes with their true
// and predicted classes and probabilities.
//
// The view keeps one snapshot per epoch: the epoch-end evaluation, or the latest
// requested one of an epoch still under way (when the view appears, "Evaluate now").
// A new run (TrainingSession::runStarted) or reset weights clear them, and so does a
// capture that finds another network or data set under the same training step (the
// network rebuilt or loaded, the data reloaded while idle). While the view is hidden its
// probe is not run, so the epochs that end meanwhile are missing from the slider.
// The slider follows the newest snapshot until the student moves it back; moving it to
// the end follows again. Long runs keep at most kMaxKept snapshots, thinning the older
// ones evenly.
//
// Regression data or a loss that is not a classifier's: a message says why there is no
// matrix. GUI thread only.

#include <map>
#include <memory>
#include <vector>

#include "widgets/InspectView.h"

class QCheckBox;
class QLabel;
class QPushButton;
class QSlider;
class QSplitter;

namespace dlab::ui {

class ConfusionMatrixChart;
class ConfusionProbe;
class MistakeGallery;
struct ConfusionSnapshot;

class ConfusionView : public InspectView {
    Q_OBJECT
public:
    static constexpr size_t kMaxKept = 200;
    // Width / height above which the gallery goes beside the matrix rather than under it.
    static constexpr double kSideBySideAspect = 1.25;

    explicit ConfusionView(TrainingSession& session, QWidget* parent = nullptr);
    ~ConfusionView() override;

    // The kept snapshots, oldest first (the slider's positions).
    std::vector<std::shared_ptr<const ConfusionSnapshot>> snapshots() const;
    // The snapshot shown now, or null.
    std::shared_ptr<const ConfusionSnapshot> shown() const { return m_shown; }
    // What the slider's position says of a snapshot ("after epoch 3").
    static QString describe(const ConfusionSnapshot& snapshot);
    // describe(), or "now (network or data changed)" for a capture that found other weights
    // or data under the same step (the network was rebuilt or loaded, the data reloaded).
    QString label(const std::shared_ptr<const ConfusionSnapshot>& snapshot) const;

    QSlider* epochSlider() const { return m_slider; }
    QCheckBox* percentBox() const { return m_percent; }
    QPushButton* evaluateButton() const { return m_evaluate; }
    ConfusionMatrixChart* chart() const { return m_chart; }
    MistakeGallery* gallery() const { return m_gallery; }
    ConfusionProbe& confusionProbe() const { return *m_probe; }

    void setPresentationMode(bool on) override;

protected:
    void refresh() override;
    void resizeEvent(QResizeEvent* event) override;

private:
    // Orientation and sizes of the matrix/gallery splitter for the view's size (once per
    // orientation, so the student's own dragging stays; `force`: again, fonts changed).
    void placeSplitter(bool force);
    void clearHistory();
    void keep(std::shared_ptr<const ConfusionSnapshot> snapshot);
    void updateSlider();
    void showSelected();

    std::shared_ptr<ConfusionProbe> m_probe;
    std::map<int, std::shared_ptr<const ConfusionSnapshot>> m_byEpoch;
    std::shared_ptr<const ConfusionSnapshot> m_shown;
    QString m_unavailable;                               // why the newest capture has no matrix
    std::shared_ptr<const ConfusionSnapshot> m_changed;  // started the history afresh
    bool m_follow = true;                                // the slider follows the newest snapshot
    bool m_splitterPlaced = false;                       // the splitter's first sizes were set

    QSlider* m_slider = nullptr;
    QLabel* m_epochLabel = nullptr;
    QCheckBox* m_percent = nullptr;
    QPushButton* m_evaluate = nullptr;
    QLabel* m_summary = nullptr;
    QSplitter* m_splitter = nullptr;
    ConfusionMatrixChart* m_chart = nullptr;
    QLabel* m_galleryTitle = nullptr;
    MistakeGallery* m_gallery = nullptr;
};

}  // namespace dlab::ui
