#pragma once
// ControlsBar: Train, Pause/Resume, Step, Stop, Reset weights and the learning rate, in
// one row for the window's tool bar.
//
// The buttons follow the session's state: a button that cannot act now is disabled, and
// Train's tooltip then says why (the session's cannotTrainReason: no data, an invalid
// layer, a run already going). The learning-rate box writes the document's training
// settings (one undoable edit per committed value); while a run is going the session
// also applies the new rate from the next mini-batch on.
//
// GUI thread only. The document and the session must outlive the bar.

#include <QWidget>

class QDoubleSpinBox;
class QToolButton;

namespace dlab::ui {

class ExperimentDocument;
class TrainingSession;

class ControlsBar : public QWidget {
    Q_OBJECT
public:
    ControlsBar(ExperimentDocument& document, TrainingSession& session, QWidget* parent = nullptr);

    // The controls, for the window's shortcuts and for tests that click them.
    QToolButton* trainButton() const { return m_train; }
    QToolButton* pauseButton() const { return m_pause; }
    QToolButton* stepButton() const { return m_step; }
    QToolButton* stopButton() const { return m_stop; }
    QToolButton* resetButton() const { return m_reset; }
    // Accepts typed values such as "1e-3" or "0.001"; the arrows walk 1, 2, 5, 10, ...
    QDoubleSpinBox* learningRateBox() const { return m_learningRate; }

private:
    void updateControls();
    void showDocumentLearningRate();
    void applyLearningRate(double lr);

    ExperimentDocument& m_document;
    TrainingSession& m_session;
    QToolButton* m_train = nullptr;
    QToolButton* m_pause = nullptr;
    QToolButton* m_step = nullptr;
    QToolButton* m_stop = nullptr;
    QToolButton* m_reset = nullptr;
    QDoubleSpinBox* m_learningRate = nullptr;
};

}  // namespace dlab::ui
