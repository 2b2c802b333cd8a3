#pragma once
// DataPanel: the Data dock. Choose a built-in set or open/drop files; see the summary and
// example images (or the scatter of 2-D points); set the split, the normalization and the
// augmentation with a live preview.
//
// Loading runs on the panel's worker thread (BackgroundWorker) with a progress bar and a
// Cancel button; the window never waits. A load the user asked for is committed only when
// it succeeds: then the data section is written to the document (one undoable edit) and
// the data handed over with setPreparedData. A load that fails or is cancelled leaves the
// document and the data loaded before untouched, and the error stays in the panel in words.
// Changes of the document from elsewhere (undo, redo, opening an experiment) are followed:
// the panel reloads what is needed (nothing for augmentation, a refit for the
// normalization, a full load otherwise).
//
// GUI thread only. Destroying the panel cancels a running load and waits for its thread.

#include "widgets/BackgroundWorker.h"
#include "widgets/DataLoadJob.h"

#include <QStringList>
#include <QWidget>

#include <functional>
#include <memory>
#include <optional>

class QLabel;
class QListWidget;
class QProgressBar;
class QPushButton;
class QToolButton;

namespace dlab::ui {

class AugmentBox;
class DataPrepBox;
class DataSourceBox;
class ExperimentDocument;
class SampleGridView;
class ScatterView;

class DataPanel : public QWidget {
    Q_OBJECT
public:
    DataPanel(ExperimentDocument& document, QWidget* parent = nullptr);
    ~DataPanel() override;

    // (Re)loads the document's current data section, unless that very load is running.
    void loadCurrent();

    bool isLoading() const { return m_pending.has_value(); }
    // The data shown (and handed to the document); null until a load succeeds.
    std::shared_ptr<const LoadedData> loaded() const { return m_loaded; }
    // The last error shown, empty when none.
    QString errorText() const;

public slots:
    // Files or a folder dropped on the window (or opened): loaded in the background.
    void loadPaths(const QStringList& paths);
    // Stops the running load; the data loaded before stays.
    void cancelLoad();

signals:
    // A line for the status bar.
    void message(const QString& text);
    // A load ended: true when its data is now in the document.
    void loadFinished(bool ok);

private:
    struct Pending {
        LoadRequest request;
        bool commit = false;  // write the data section into the document on success
    };
    using Work = std::function<LoadedData(const data::ProgressFn&)>;

    void buildUi();
    // The request that edits build on: the running one, or the document's data section.
    LoadRequest editRequest() const;
    // A user edit: decides between a full load, a refit and nothing, then commits on success.
    void request(LoadRequest request, const QString& what);
    void start(Pending pending, const QString& what, Work work);
    void startLoad(LoadRequest request, const QString& what, bool commit);
    void startRefit(const data::DataConfig& config, const QString& what, bool commit);
    void applyAugment(const data::AugmentConfig& augment, bool commit);

    void onDocumentConfigChanged();
    void onProgress(uint64_t generation, double fraction, const QString& what);
    void onLoaded(uint64_t generation, std::shared_ptr<const LoadedData> loaded,
                  const QString& what, bool commit);
    void onFailed(uint64_t generation, const QString& message);

    void showData(const LoadedData& data);
    void showError(const QString& message);
    void setProgressVisible(bool visible);
    void syncControls(const data::DataConfig& config);
    void commitConfig(const data::DataConfig& config, const QString& what);

    ExperimentDocument& m_document;
    std::shared_ptr<const LoadedData> m_loaded;
    std::optional<Pending> m_pending;
    uint64_t m_generation = 0;
    bool m_selfEdit = false;  // the document change under way is the panel's own

    DataSourceBox* m_source = nullptr;
    DataPrepBox* m_prep = nullptr;
    AugmentBox* m_augment = nullptr;
    QWidget* m_progressRow = nullptr;
    QLabel* m_progressLabel = nullptr;
    QProgressBar* m_progress = nullptr;
    QPushButton* m_cancel = nullptr;
    QLabel* m_error = nullptr;
    QLabel* m_warnings = nullptr;
    QToolButton* m_skippedToggle = nullptr;
    QListWidget* m_skipped = nullptr;
    QLabel* m_summary = nullptr;
    SampleGridView* m_grid = nullptr;
    ScatterView* m_scatter = nullptr;

    // Last member: destroyed first, so its thread is joined while the panel is whole.
    BackgroundWorker m_worker;
};

}  // namespace dlab::ui
