#include "app/MainWindow.h"

#include "engine/Experiment.h"
#include "widgets/BuilderPanel.h"
#include "widgets/ConfusionView.h"
#include "widgets/ControlsBar.h"
#include "widgets/CurvesPanel.h"
#include "widgets/DataPanel.h"
#include "widgets/DecisionBoundaryView.h"
#include "widgets/DistributionsView.h"
#include "widgets/ExperimentDocument.h"
#include "widgets/FeatureMapView.h"
#include "widgets/FiltersView.h"
#include "widgets/GradientFlowView.h"
#include "widgets/InspectPanel.h"
#include "widgets/StatusPanel.h"
#include "widgets/TrainingSession.h"
#include "widgets/TrainingSettingsPanel.h"
#include "widgets/UpdateRatioView.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QDockWidget>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QSettings>
#include <QStatusBar>
#include <QStyle>
#include <QStyleFactory>
#include <QToolBar>
#include <QUndoStack>

#include <memory>

namespace dlab::ui {
namespace {

constexpr int kMaxRecent = 8;

// The weights travel next to the experiment file: mine.json + mine.dlab.
QString weightsPathFor(const QString& experimentPath) {
    QString base = experimentPath;
    if (base.endsWith(".json", Qt::CaseInsensitive)) {
        base.chop(5);
    }
    return base + ".dlab";
}
constexpr double kPresentationFontScale = 1.6;

QDockWidget* dock(QMainWindow* window, const QString& title, const QString& objectName,
                  QWidget* content, Qt::DockWidgetArea area) {
    auto* d = new QDockWidget(title, window);
    d->setObjectName(objectName);  // saveState needs stable names
    d->setWidget(content);
    d->setFeatures(QDockWidget::DockWidgetMovable | QDockWidget::DockWidgetFloatable);
    window->addDockWidget(area, d);
    return d;
}

}  // namespace

MainWindow::MainWindow(QWidget* parent) : QMainWindow(parent) {
    setAcceptDrops(true);
    m_normalFont = QApplication::font();
    m_document = new ExperimentDocument(this);
    m_session = new TrainingSession(*m_document, this);

    m_curvesPanel = new CurvesPanel(this);
    m_curvesPanel->connectSession(*m_session);
    m_inspectPanel = new InspectPanel(m_curvesPanel, this);
    // Course order: what the network does, then how it learns, then what it learned.
    m_inspectPanel->addView(new DecisionBoundaryView(*m_session, this), tr("Boundary"),
                            tr("Decision boundary, for 2-D data: the class the network predicts "
                               "at every point of the plane, and what each hidden neuron "
                               "computes"));
    m_inspectPanel->addView(new ConfusionView(*m_session, this), tr("Confusion"),
                            tr("Which classes the network mixes up: the confusion matrix on the "
                               "validation set after every epoch, and its most confident mistakes"));
    m_inspectPanel->addView(new DistributionsView(*m_session, this), tr("Histograms"),
                            tr("Histograms of each layer's activations and gradients: watch "
                               "them collapse, saturate or stay spread as in the course's "
                               "initialization experiment"));
    m_inspectPanel->addView(new UpdateRatioView(*m_session, this), tr("Update ratio"),
                            tr("How much each step changes each layer's weights, ‖ΔW‖/‖W‖: "
                               "about 1e-3 is healthy"));
    m_inspectPanel->addView(new GradientFlowView(*m_session, this), tr("Gradients"),
                            tr("Gradient flow: the gradient of each layer over the steps and "
                               "along the depth, where vanishing and exploding gradients show"));
    m_inspectPanel->addView(new FiltersView(*m_session, this), tr("Filters"),
                            tr("Each conv filter's weights as a picture: what it looks for"));
    m_inspectPanel->addView(new FeatureMapView(*m_session, this), tr("Feature maps"),
                            tr("What each conv layer makes of one image, and the prediction"));
    setCentralWidget(m_inspectPanel);

    m_builderPanel = new BuilderPanel(*m_document, this);
    m_dataPanel = new DataPanel(*m_document, this);
    m_settingsPanel = new TrainingSettingsPanel(*m_document, this);
    QDockWidget* builderDock =
        dock(this, tr("Network"), "networkDock", m_builderPanel, Qt::LeftDockWidgetArea);
    QDockWidget* dataDock = dock(this, tr("Data"), "dataDock", m_dataPanel, Qt::RightDockWidgetArea);
    QDockWidget* settingsDock =
        dock(this, tr("Training"), "trainingDock", m_settingsPanel, Qt::RightDockWidgetArea);
    tabifyDockWidget(dataDock, settingsDock);
    dataDock->raise();

    m_controls = new ControlsBar(*m_document, *m_session, this);
    auto* controlsBar = new QToolBar(tr("Controls"), this);
    controlsBar->setObjectName("controlsToolBar");
    controlsBar->setMovable(false);
    controlsBar->addWidget(m_controls);
    addToolBar(Qt::TopToolBarArea, controlsBar);

    m_statusPanel = new StatusPanel(*m_session, this);
    statusBar()->addPermanentWidget(m_statusPanel, 1);

    connect(m_dataPanel, &DataPanel::message, this, &MainWindow::showMessage);
    connect(m_settingsPanel, &TrainingSettingsPanel::deviceChosen, this,
            [this](const QString& device) { m_document->setDevice(device, tr("Change device")); });
    connect(m_session, &TrainingSession::failed, this, &MainWindow::showMessage);
    connect(m_session, &TrainingSession::finished, this, [this](const TrainResult& result) {
        if (result.status == TrainStatus::Diverged || result.status == TrainStatus::EarlyStopped) {
            showMessage(QString::fromStdString(result.message));
        }
    });
    connect(m_document, &ExperimentDocument::modifiedChanged, this, &MainWindow::updateTitle);
    connect(m_document, &ExperimentDocument::fileChanged, this, &MainWindow::updateTitle);
    connect(m_document, &ExperimentDocument::nameChanged, this, &MainWindow::updateTitle);

    buildMenus();
    (void)builderDock;

    QSettings settings;
    m_recent = settings.value("recentFiles").toStringList();
    rebuildRecentMenu();
    resize(1360, 860);
    restoreGeometry(settings.value("window/geometry").toByteArray());
    restoreState(settings.value("window/state").toByteArray());
    setDarkPalette(settings.value("view/dark", false).toBool());
    setPresentationMode(settings.value("view/presentation", false).toBool());
    updateTitle();

    // The default experiment is ready to train as soon as its data is in.
    m_dataPanel->loadCurrent();
}

MainWindow::~MainWindow() = default;

void MainWindow::buildMenus() {
    QMenu* file = menuBar()->addMenu(tr("&File"));
    QMenu* presets = file->addMenu(tr("&New from preset"));
    for (const auto& name : presetNames()) {
        const QString qname = QString::fromStdString(name);
        QAction* a = presets->addAction(qname, this, [this, qname] { newFromPreset(qname); });
        a->setToolTip(QString::fromStdString(presetHelp(name)));
    }
    presets->setToolTipsVisible(true);
    file->addAction(tr("&Open experiment…"), QKeySequence::Open, this, &MainWindow::open);
    m_recentMenu = file->addMenu(tr("Open &recent"));
    file->addAction(tr("Open &data…"), this, [this] {
        const QString path = QFileDialog::getOpenFileName(
            this, tr("Open a data file (IDX, CIFAR, CSV, image)"));
        if (!path.isEmpty()) {
            m_dataPanel->loadPaths({path});
        }
    });
    file->addAction(tr("&Save"), QKeySequence::Save, this, &MainWindow::save);
    file->addAction(tr("Save &as…"), QKeySequence::SaveAs, this, &MainWindow::saveAs);
    file->addSeparator();
    file->addAction(tr("&Quit"), QKeySequence::Quit, this, &QWidget::close);

    QMenu* edit = menuBar()->addMenu(tr("&Edit"));
    QAction* undo = m_document->undoStack()->createUndoAction(this, tr("&Undo"));
    undo->setShortcut(QKeySequence::Undo);
    QAction* redo = m_document->undoStack()->createRedoAction(this, tr("&Redo"));
    redo->setShortcut(QKeySequence::Redo);
    edit->addAction(undo);
    edit->addAction(redo);

    QMenu* view = menuBar()->addMenu(tr("&View"));
    m_presentationAction = view->addAction(tr("&Presentation mode"));
    m_presentationAction->setCheckable(true);
    m_presentationAction->setShortcut(QKeySequence(Qt::Key_F5));
    m_presentationAction->setToolTip(
        tr("Large fonts and thick lines for a lecture hall (F5 toggles)"));
    connect(m_presentationAction, &QAction::toggled, this, &MainWindow::setPresentationMode);
    m_darkAction = view->addAction(tr("&Dark palette"));
    m_darkAction->setCheckable(true);
    connect(m_darkAction, &QAction::toggled, this, &MainWindow::setDarkPalette);
    view->addSeparator();
    for (QDockWidget* d : findChildren<QDockWidget*>()) {
        view->addAction(d->toggleViewAction());
    }

    QMenu* help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&About dlab"), this, [this] {
        QMessageBox::about(this, tr("About dlab"),
                           tr("<b>dlab</b> — the Deep Learning Lab.<br>Build a network, drop a "
                              "data set on the window, press Train and watch it learn."));
    });
}

void MainWindow::newFromPreset(const QString& name) {
    if (!maybeSave()) {
        return;
    }
    Experiment experiment;
    try {
        experiment = presetExperiment(name.toStdString());
    } catch (const std::exception& e) {
        showMessage(QString::fromStdString(e.what()));
        return;
    }
    m_session->stop();
    m_document->reset(experiment);
    m_dataPanel->loadCurrent();
    showMessage(tr("New experiment from the %1 preset").arg(name));
}

void MainWindow::open() {
    if (!maybeSave()) {
        return;
    }
    const QString path = QFileDialog::getOpenFileName(this, tr("Open experiment"), QString(),
                                                      tr("dlab experiments (*.json)"));
    if (!path.isEmpty()) {
        openExperiment(path);
    }
}

bool MainWindow::openExperiment(const QString& path) {
    try {
        m_session->stop();
        m_document->load(path);
    } catch (const std::exception& e) {
        const QString message = QString::fromStdString(e.what());
        showMessage(message);
        if (m_askBeforeDiscarding) {
            QMessageBox::warning(this, tr("Cannot open the experiment"), message);
        }
        return false;
    }
    addRecent(path);
    const QString weights = weightsPathFor(path);
    if (QFileInfo::exists(weights)) {
        // The weights need the data's shape: load them once the data is in.
        auto connection = std::make_shared<QMetaObject::Connection>();
        *connection = connect(m_document, &ExperimentDocument::dataLoaded, this,
                              [this, weights, connection] {
                                  disconnect(*connection);
                                  const QString error = m_session->loadWeights(weights);
                                  showMessage(error.isEmpty()
                                                  ? tr("Loaded the saved weights: Train resumes "
                                                       "from them")
                                                  : tr("Could not load the saved weights: %1")
                                                        .arg(error));
                              });
    }
    m_dataPanel->loadCurrent();
    showMessage(tr("Opened %1").arg(QFileInfo(path).fileName()));
    return true;
}

bool MainWindow::save() {
    if (m_document->filePath().isEmpty()) {
        return saveAs();
    }
    return saveExperimentAs(m_document->filePath());
}

bool MainWindow::saveAs() {
    QString path = QFileDialog::getSaveFileName(this, tr("Save experiment"),
                                                m_document->filePath(),
                                                tr("dlab experiments (*.json)"));
    if (path.isEmpty()) {
        return false;
    }
    if (!path.endsWith(".json")) {
        path += ".json";
    }
    return saveExperimentAs(path);
}

bool MainWindow::saveExperimentAs(const QString& path) {
    try {
        m_document->save(path);
    } catch (const std::exception& e) {
        const QString message = QString::fromStdString(e.what());
        showMessage(message);
        if (m_askBeforeDiscarding) {
            QMessageBox::warning(this, tr("Cannot save the experiment"), message);
        }
        return false;
    }
    addRecent(path);
    QString saved = tr("Saved %1").arg(QFileInfo(path).fileName());
    if (m_session->network()) {
        const QString error = m_session->saveWeights(weightsPathFor(path));
        saved += error.isEmpty() ? tr(" with its weights (%1)").arg(QFileInfo(weightsPathFor(path)).fileName())
                                 : tr(" without weights: %1").arg(error);
    }
    showMessage(saved);
    return true;
}

bool MainWindow::maybeSave() {
    if (!m_document->isModified() || !m_askBeforeDiscarding) {
        return true;
    }
    const auto answer = QMessageBox::question(
        this, tr("Unsaved changes"), tr("The experiment has unsaved changes. Save them?"),
        QMessageBox::Save | QMessageBox::Discard | QMessageBox::Cancel);
    if (answer == QMessageBox::Save) {
        return save();
    }
    return answer == QMessageBox::Discard;
}

void MainWindow::addRecent(const QString& path) {
    const QString absolute = QFileInfo(path).absoluteFilePath();
    m_recent.removeAll(absolute);
    m_recent.prepend(absolute);
    while (m_recent.size() > kMaxRecent) {
        m_recent.removeLast();
    }
    QSettings().setValue("recentFiles", m_recent);
    rebuildRecentMenu();
}

void MainWindow::rebuildRecentMenu() {
    m_recentMenu->clear();
    for (const QString& path : m_recent) {
        m_recentMenu->addAction(QFileInfo(path).fileName(), this,
                                [this, path] {
                                    if (maybeSave()) {
                                        openExperiment(path);
                                    }
                                })
            ->setToolTip(path);
    }
    m_recentMenu->setEnabled(!m_recent.isEmpty());
}

void MainWindow::updateTitle() {
    const QString name = QString::fromStdString(m_document->experiment().name);
    const QString file = m_document->filePath().isEmpty()
                             ? QString()
                             : QStringLiteral(" (%1)").arg(QFileInfo(m_document->filePath()).fileName());
    setWindowTitle(QStringLiteral("%1%2[*] — dlab").arg(name, file));
    setWindowModified(m_document->isModified());
}

void MainWindow::showMessage(const QString& text) {
    statusBar()->showMessage(text, 8000);
}

void MainWindow::setPresentationMode(bool on) {
    m_presentation = on;
    QFont font = m_normalFont;
    if (on) {
        const qreal size = m_normalFont.pointSizeF() > 0 ? m_normalFont.pointSizeF() : 10.0;
        font.setPointSizeF(size * kPresentationFontScale);
    }
    QApplication::setFont(font);
    m_curvesPanel->setPresentationMode(on);
    m_inspectPanel->setPresentationMode(on);
    if (m_presentationAction && m_presentationAction->isChecked() != on) {
        m_presentationAction->setChecked(on);
    }
    QSettings().setValue("view/presentation", on);
}

void MainWindow::setDarkPalette(bool on) {
    QApplication::setStyle(QStyleFactory::create("Fusion"));
    QPalette palette = QApplication::style()->standardPalette();
    if (on) {
        const QColor window(45, 45, 48), base(30, 30, 32), text(230, 230, 230);
        palette.setColor(QPalette::Window, window);
        palette.setColor(QPalette::WindowText, text);
        palette.setColor(QPalette::Base, base);
        palette.setColor(QPalette::AlternateBase, window);
        palette.setColor(QPalette::Text, text);
        palette.setColor(QPalette::Button, window);
        palette.setColor(QPalette::ButtonText, text);
        palette.setColor(QPalette::ToolTipBase, base);
        palette.setColor(QPalette::ToolTipText, text);
        palette.setColor(QPalette::Highlight, QColor(42, 130, 218));
        palette.setColor(QPalette::HighlightedText, Qt::white);
        palette.setColor(QPalette::Disabled, QPalette::Text, QColor(120, 120, 120));
        palette.setColor(QPalette::Disabled, QPalette::ButtonText, QColor(120, 120, 120));
    }
    QApplication::setPalette(palette);
    if (m_darkAction && m_darkAction->isChecked() != on) {
        m_darkAction->setChecked(on);
    }
    QSettings().setValue("view/dark", on);
}

void MainWindow::dragEnterEvent(QDragEnterEvent* event) {
    if (event->mimeData()->hasUrls()) {
        event->acceptProposedAction();
    }
}

void MainWindow::dropEvent(QDropEvent* event) {
    QStringList paths;
    for (const QUrl& url : event->mimeData()->urls()) {
        if (url.isLocalFile()) {
            paths << url.toLocalFile();
        }
    }
    if (paths.isEmpty()) {
        return;
    }
    event->acceptProposedAction();
    // A single experiment file opens; anything else is data.
    if (paths.size() == 1 && paths.front().endsWith(".json", Qt::CaseInsensitive)) {
        if (maybeSave()) {
            openExperiment(paths.front());
        }
        return;
    }
    m_dataPanel->loadPaths(paths);
}

void MainWindow::closeEvent(QCloseEvent* event) {
    if (!maybeSave()) {
        event->ignore();
        return;
    }
    m_session->stop();
    QSettings settings;
    settings.setValue("window/geometry", saveGeometry());
    settings.setValue("window/state", saveState());
    event->accept();
}

}  // namespace dlab::ui
