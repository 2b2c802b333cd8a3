#pragma once
// TrainingSettingsPanel: the form for the document's TrainConfig: loss, optimizer and the
// hyperparameters that optimizer uses, learning rate and schedule (with a plot of the
// rate over the whole run), batches and epochs, regularization, clipping, early
// stopping, seed and device.
//
// The document is the only truth: every edit becomes one undoable
// ExperimentDocument::setTraining command named after the setting ("Change learning
// rate", through SettingsBinder), and the controls are rewritten from the document on
// trainingChanged (with their own handlers muted, so a sync never becomes an edit). An
// edit that would not change the value pushes nothing. Numbers accept scientific
// notation ("3e-4"); text that is not a valid value is refused with a message under the
// form and the field shows the document's value again.
//
// Hyperparameter rows appear only for the optimizer and schedule that use them.
// The device choice is not part of TrainConfig; the panel shows the experiment's device
// and reports a choice through deviceChosen. GUI thread only.

#include "engine/Trainer.h"

#include <QPointF>
#include <QString>
#include <QWidget>

#include <vector>

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QFormLayout;
class QLabel;
class QLineEdit;
class QSpinBox;

namespace dlab::ui {

class ExperimentDocument;
class LineChart;
class SettingsBinder;

class TrainingSettingsPanel : public QWidget {
    Q_OBJECT
public:
    explicit TrainingSettingsPanel(ExperimentDocument& document, QWidget* parent = nullptr);

    // The schedule plot's points: (epoch, learning rate) at evenly spaced fractional
    // epochs over [0, epochs] that include every whole epoch, each equal to
    // scheduledLearningRate at that epoch. Empty when the schedule is invalid.
    static std::vector<QPointF> schedulePoints(const TrainConfig& config);

signals:
    // The user picked "cpu" or "cuda" (only offered when a GPU is usable).
    void deviceChosen(const QString& device);

private:
    void syncFromDocument();
    void updateRowVisibility();
    void updateSchedulePlot();
    void showMessage(const QString& text);
    void alignLabelColumns();

    QWidget* buildOptimizerGroup();
    QWidget* buildScheduleGroup();
    QWidget* buildRunGroup();
    QWidget* buildRegularizationGroup();

    ExperimentDocument& m_document;
    SettingsBinder* m_binder = nullptr;
    std::vector<QFormLayout*> m_forms;

    QComboBox* m_loss = nullptr;
    QComboBox* m_optimizer = nullptr;
    QLineEdit* m_learningRate = nullptr;
    QDoubleSpinBox* m_momentum = nullptr;
    QDoubleSpinBox* m_beta1 = nullptr;
    QDoubleSpinBox* m_beta2 = nullptr;
    QDoubleSpinBox* m_rmsDecay = nullptr;
    QLineEdit* m_eps = nullptr;
    QLineEdit* m_weightDecay = nullptr;
    QFormLayout* m_optimizerForm = nullptr;

    QComboBox* m_schedule = nullptr;
    QSpinBox* m_stepEpochs = nullptr;
    QDoubleSpinBox* m_gamma = nullptr;
    QLineEdit* m_milestones = nullptr;
    QDoubleSpinBox* m_warmupEpochs = nullptr;
    QLineEdit* m_minLr = nullptr;
    QFormLayout* m_scheduleForm = nullptr;
    LineChart* m_schedulePlot = nullptr;

    QSpinBox* m_batchSize = nullptr;
    QSpinBox* m_epochs = nullptr;
    QCheckBox* m_shuffle = nullptr;
    QSpinBox* m_seed = nullptr;
    QComboBox* m_device = nullptr;

    QLineEdit* m_l1 = nullptr;
    QLineEdit* m_l2 = nullptr;
    QLabel* m_penaltyKind = nullptr;
    QDoubleSpinBox* m_clipNorm = nullptr;
    QSpinBox* m_patience = nullptr;

    QLabel* m_message = nullptr;
};

}  // namespace dlab::ui
