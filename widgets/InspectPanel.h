#pragma once
// InspectPanel: the window's central tabs: the training curves first, then the views
// that look inside the network (each an InspectView). Only the current tab is visible,
// so only its probe runs. A corner button exports the current tab as a PNG.
// GUI thread only.

#include <QTabWidget>

#include <vector>

class QToolButton;

namespace dlab::ui {

class CurvesPanel;
class InspectView;

class InspectPanel : public QTabWidget {
    Q_OBJECT
public:
    explicit InspectPanel(CurvesPanel* curves, QWidget* parent = nullptr);

    // Appends a view as a tab; the panel takes ownership.
    void addView(InspectView* view, const QString& title, const QString& toolTip);
    const std::vector<InspectView*>& views() const { return m_views; }
    // The view of that title, or null.
    InspectView* view(const QString& title) const;
    void setPresentationMode(bool on);
    // The current tab as a picture; false when it cannot be written.
    bool exportCurrentPng(const QString& path);

private:
    void chooseAndExport();

    CurvesPanel* m_curves;
    std::vector<InspectView*> m_views;
    QToolButton* m_export = nullptr;
};

}  // namespace dlab::ui
