#include "widgets/InspectPanel.h"

#include "widgets/CurvesPanel.h"
#include "widgets/InspectView.h"

#include <QFileDialog>
#include <QMessageBox>
#include <QTabBar>
#include <QToolButton>

namespace dlab::ui {

InspectPanel::InspectPanel(CurvesPanel* curves, QWidget* parent)
    : QTabWidget(parent), m_curves(curves) {
    setDocumentMode(true);
    addTab(curves, tr("Curves"));
    setTabToolTip(0, tr("Loss, accuracy and learning rate over the steps of the run"));
    m_export = new QToolButton(this);
    m_export->setText(tr("Export PNG…"));
    m_export->setToolTip(tr("Save the view in this tab as a PNG picture"));
    m_export->setAutoRaise(true);
    connect(m_export, &QToolButton::clicked, this, &InspectPanel::chooseAndExport);
    setCornerWidget(m_export, Qt::TopRightCorner);
    // The curves have their own PNG and CSV buttons.
    m_export->setVisible(false);
    connect(this, &QTabWidget::currentChanged, this,
            [this] { m_export->setVisible(currentWidget() != m_curves); });
}

void InspectPanel::addView(InspectView* view, const QString& title, const QString& toolTip) {
    const int index = addTab(view, title);
    setTabToolTip(index, toolTip);
    view->setObjectName(title);
    m_views.push_back(view);
}

InspectView* InspectPanel::view(const QString& title) const {
    for (InspectView* v : m_views) {
        if (tabText(indexOf(v)) == title) {
            return v;
        }
    }
    return nullptr;
}

void InspectPanel::setPresentationMode(bool on) {
    for (InspectView* v : m_views) {
        v->setPresentationMode(on);
    }
}

bool InspectPanel::exportCurrentPng(const QString& path) {
    if (currentWidget() == m_curves) {
        return m_curves->exportPng(path);
    }
    for (InspectView* v : m_views) {
        if (v == currentWidget()) {
            return v->exportPng(path);
        }
    }
    return false;
}

void InspectPanel::chooseAndExport() {
    QString name = tabText(currentIndex()).toLower().replace(' ', '_').remove('&');
    const QString path = QFileDialog::getSaveFileName(
        this, tr("Export the view as a picture"), name + ".png", tr("PNG images (*.png)"));
    if (!path.isEmpty() && !exportCurrentPng(path)) {
        QMessageBox::warning(this, tr("Export failed"),
                             tr("Could not write %1. Is the folder writable?").arg(path));
    }
}

}  // namespace dlab::ui
