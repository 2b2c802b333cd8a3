#pragma once
// MainWindow: assembles the panels around one ExperimentDocument and one
// TrainingSession, and owns what belongs to the window itself: menus, drops, files,
// recent files, the modified marker, presentation mode, palette and saved layout.
// It holds no training or data logic of its own.

#include <QMainWindow>
#include <QStringList>

class QAction;
class QMenu;

namespace dlab::ui {

class BuilderPanel;
class ControlsBar;
class CurvesPanel;
class DataPanel;
class ExperimentDocument;
class InspectPanel;
class StatusPanel;
class TrainingSession;
class TrainingSettingsPanel;

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(QWidget* parent = nullptr);
    ~MainWindow() override;

    ExperimentDocument& document() { return *m_document; }
    TrainingSession& session() { return *m_session; }
    DataPanel& dataPanel() { return *m_dataPanel; }
    BuilderPanel& builderPanel() { return *m_builderPanel; }
    CurvesPanel& curvesPanel() { return *m_curvesPanel; }
    InspectPanel& inspectPanel() { return *m_inspectPanel; }
    ControlsBar& controls() { return *m_controls; }

    // Opens an experiment file; errors are shown in a message box and in the status bar,
    // and the current experiment stays. Returns whether it opened.
    bool openExperiment(const QString& path);
    bool saveExperimentAs(const QString& path);
    // Replaces the experiment with a built-in one (asks first when there are unsaved changes).
    void newFromPreset(const QString& name);
    void setPresentationMode(bool on);
    void setDarkPalette(bool on);
    bool presentationMode() const { return m_presentation; }

    // When set, closing with unsaved changes does not ask (tests, screenshots).
    void setAskBeforeDiscarding(bool ask) { m_askBeforeDiscarding = ask; }

protected:
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dropEvent(QDropEvent* event) override;
    void closeEvent(QCloseEvent* event) override;

private:
    void buildMenus();
    void open();
    bool save();
    bool saveAs();
    bool maybeSave();
    void addRecent(const QString& path);
    void rebuildRecentMenu();
    void updateTitle();
    void showMessage(const QString& text);

    ExperimentDocument* m_document = nullptr;
    TrainingSession* m_session = nullptr;
    DataPanel* m_dataPanel = nullptr;
    BuilderPanel* m_builderPanel = nullptr;
    TrainingSettingsPanel* m_settingsPanel = nullptr;
    CurvesPanel* m_curvesPanel = nullptr;
    InspectPanel* m_inspectPanel = nullptr;
    ControlsBar* m_controls = nullptr;
    StatusPanel* m_statusPanel = nullptr;
    QMenu* m_recentMenu = nullptr;
    QAction* m_presentationAction = nullptr;
    QAction* m_darkAction = nullptr;
    QStringList m_recent;
    bool m_presentation = false;
    bool m_askBeforeDiscarding = true;
    QFont m_normalFont;
};

}  // namespace dlab::ui
