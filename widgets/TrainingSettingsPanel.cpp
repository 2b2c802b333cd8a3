#include "widgets/TrainingSettingsPanel.h"

#include "engine/Backend.h"
#include "widgets/ExperimentDocument.h"
#include "widgets/LineChart.h"
#include "widgets/SettingsBinder.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QLabel>
#include <QLineEdit>
#include <QRegularExpression>
#include <QScrollArea>
#include <QSpinBox>
#include <QStandardItemModel>
#include <QVBoxLayout>

#include <algorithm>
#include <climits>
#include <cmath>
#include <optional>
#include <stdexcept>

namespace dlab::ui {
namespace {

using kernels::OptKind;

std::optional<std::vector<double>> parseMilestones(const QString& text) {
    std::vector<double> out;
    for (const QString& part : text.split(QRegularExpression("[,;\\s]+"), Qt::SkipEmptyParts)) {
        const auto v = parseSettingNumber(part);
        if (!v || *v < 0.0 || (!out.empty() && *v <= out.back())) {
            return std::nullopt;
        }
        out.push_back(*v);
    }
    return out;
}

QString milestonesText(const std::vector<double>& milestones) {
    QStringList parts;
    for (double m : milestones) {
        parts << formatSettingNumber(m);
    }
    return parts.join(", ");
}

QFormLayout* newForm(QGroupBox* group) {
    auto* form = new QFormLayout(group);
    form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    form->setRowWrapPolicy(QFormLayout::DontWrapRows);
    return form;
}

}  // namespace

TrainingSettingsPanel::TrainingSettingsPanel(ExperimentDocument& document, QWidget* parent)
    : QWidget(parent), m_document(document) {
    auto* content = new QWidget;
    auto* column = new QVBoxLayout(content);
    column->setContentsMargins(6, 6, 6, 6);

    m_binder = new SettingsBinder(m_document, this);
    connect(m_binder, &SettingsBinder::rejected, this, [this](const QString& message) {
        showMessage(message);
        syncFromDocument();
    });
    connect(m_binder, &SettingsBinder::edited, this, [this] { m_message->hide(); });

    column->addWidget(buildOptimizerGroup());
    column->addWidget(buildScheduleGroup());
    column->addWidget(buildRunGroup());
    column->addWidget(buildRegularizationGroup());
    m_message = new QLabel;
    m_message->setObjectName("message");
    m_message->setWordWrap(true);
    m_message->setStyleSheet("color: #c0392b;");
    m_message->hide();
    column->addWidget(m_message);
    column->addStretch(1);

    auto* scroll = new QScrollArea;
    scroll->setWidget(content);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(scroll);

    connect(&m_document, &ExperimentDocument::trainingChanged, this,
            &TrainingSettingsPanel::syncFromDocument);
    syncFromDocument();
    alignLabelColumns();
}

QWidget* TrainingSettingsPanel::buildOptimizerGroup() {
    auto* group = new QGroupBox(tr("Loss and optimizer"));
    m_optimizerForm = newForm(group);
    m_forms.push_back(m_optimizerForm);
    m_loss = m_binder->choiceBox(
        "loss", lossKindNames(),
        [](const std::string& n) { return lossKindHelp(parseLossKind(n)); }, tr("Change loss"),
        [](TrainConfig& c, const std::string& n) {
            return assignIfChanged(c.loss, parseLossKind(n));
        });
    m_optimizer = m_binder->choiceBox(
        "optimizer", optKindNames(),
        [](const std::string& n) { return optKindHelp(parseOptKind(n)); },
        tr("Change optimizer"), [](TrainConfig& c, const std::string& n) {
            return assignIfChanged(c.optimizer.kind, parseOptKind(n));
        });
    m_learningRate = m_binder->numberField(
        "learningRate",
        tr("Learning rate: how far each step moves against the gradient. Too high and the loss "
           "explodes or oscillates, too low and it barely moves. Type 0.001 or 1e-3; Adam "
           "likes 1e-3 to 5e-4, SGD 0.01 to 0.1. A change during training takes effect at "
           "the next step and is marked on the curves."),
        0.0, false, tr("Change learning rate"), [](TrainConfig& c, double v) {
            return assignIfChanged(c.optimizer.hyper.lr, static_cast<float>(v));
        });
    m_momentum = m_binder->decimalBox(
        "momentum",
        tr("Momentum ρ: the fraction of the previous velocity kept each step, v = ρ·v + dW. "
           "0.9 is the course's default; 0.99 carries further."),
        0.0, 0.9999, 4, 0.01, tr("Change momentum"), [](TrainConfig& c, double v) {
            return assignIfChanged(c.optimizer.hyper.momentum, static_cast<float>(v));
        });
    m_beta1 = m_binder->decimalBox(
        "beta1",
        tr("β1: decay of Adam's first moment, the momentum part. 0.9 is the course's "
           "default."),
        0.0, 0.9999, 4, 0.01, tr("Change β1"), [](TrainConfig& c, double v) {
            return assignIfChanged(c.optimizer.hyper.beta1, static_cast<float>(v));
        });
    m_beta2 = m_binder->decimalBox(
        "beta2",
        tr("β2: decay of Adam's second moment, the RMSProp part (the running mean of dW²). "
           "0.999 is the course's default."),
        0.0, 0.99999, 5, 0.001, tr("Change β2"), [](TrainConfig& c, double v) {
            return assignIfChanged(c.optimizer.hyper.beta2, static_cast<float>(v));
        });
    m_rmsDecay = m_binder->decimalBox(
        "rmsDecay",
        tr("Decay rate of RMSProp's moving average of squared gradients. 0.99 is the "
           "course's default; smaller forgets faster."),
        0.0, 0.9999, 4, 0.01, tr("Change RMSProp decay"), [](TrainConfig& c, double v) {
            return assignIfChanged(c.optimizer.hyper.decay, static_cast<float>(v));
        });
    m_eps = m_binder->numberField(
        "eps",
        tr("ε: added to the root of the squared-gradient average before dividing, so the step "
           "never divides by zero. 1e-8 is the usual value."),
        0.0, false, tr("Change ε"), [](TrainConfig& c, double v) {
            return assignIfChanged(c.optimizer.hyper.eps, static_cast<float>(v));
        });
    m_weightDecay = m_binder->numberField(
        "weightDecay",
        tr("Weight decay: shrinks the weights towards zero every step. Added to the gradient "
           "(like an L2 penalty) for SGD to Adam; applied directly to the weights for AdamW. "
           "0 turns it off; 1e-4 to 5e-4 is typical."),
        0.0, true, tr("Change weight decay"), [](TrainConfig& c, double v) {
            return assignIfChanged(c.optimizer.hyper.weightDecay, static_cast<float>(v));
        });
    m_optimizerForm->addRow(tr("Loss"), m_loss);
    m_optimizerForm->addRow(tr("Optimizer"), m_optimizer);
    m_optimizerForm->addRow(tr("Learning rate"), m_learningRate);
    m_optimizerForm->addRow(tr("Momentum ρ"), m_momentum);
    m_optimizerForm->addRow(tr("β1"), m_beta1);
    m_optimizerForm->addRow(tr("β2"), m_beta2);
    m_optimizerForm->addRow(tr("Decay"), m_rmsDecay);
    m_optimizerForm->addRow(tr("ε"), m_eps);
    m_optimizerForm->addRow(tr("Weight decay"), m_weightDecay);
    return group;
}

QWidget* TrainingSettingsPanel::buildScheduleGroup() {
    auto* group = new QGroupBox(tr("Learning-rate schedule"));
    m_scheduleForm = newForm(group);
    m_forms.push_back(m_scheduleForm);
    m_schedule = m_binder->choiceBox(
        "schedule", scheduleKindNames(),
        [](const std::string& n) { return scheduleKindHelp(parseScheduleKind(n)); },
        tr("Change schedule"), [](TrainConfig& c, const std::string& n) {
            return assignIfChanged(c.schedule.kind, parseScheduleKind(n));
        });
    m_stepEpochs = m_binder->integerBox(
        "stepEpochs", tr("Multiply the learning rate by γ every this many epochs."), 1, 100000,
        tr("Change step size"), [](TrainConfig& c, int v) {
            return assignIfChanged(c.schedule.stepEpochs, static_cast<double>(v));
        });
    m_gamma = m_binder->decimalBox(
        "gamma",
        tr("γ: the factor the learning rate is multiplied by at each step or milestone (0.1 "
           "divides it by ten), or every epoch for exponential decay (e.g. 0.95)."),
        0.0001, 1.0, 4, 0.05, tr("Change γ"),
        [](TrainConfig& c, double v) { return assignIfChanged(c.schedule.gamma, v); });
    m_milestones = new QLineEdit;
    m_milestones->setObjectName("milestones");
    m_milestones->setPlaceholderText("30, 60, 90");
    m_milestones->setToolTip(tr("Epochs at which the learning rate is multiplied by γ, in "
                                "increasing order, separated by commas (ResNet: 30, 60, 90)."));
    connect(m_milestones, &QLineEdit::editingFinished, this, [this] {
        if (m_binder->syncing() || !m_milestones->isModified()) {
            return;
        }
        m_milestones->setModified(false);
        const auto milestones = parseMilestones(m_milestones->text());
        if (!milestones) {
            showMessage(tr("Milestones: expected increasing epochs separated by commas, such as "
                           "\"30, 60, 90\", got \"%1\".")
                            .arg(m_milestones->text()));
            syncFromDocument();
            return;
        }
        m_binder->edit(tr("Change milestones"), [&](TrainConfig& c) {
            return assignIfChanged(c.schedule.milestones, *milestones);
        });
    });
    m_warmupEpochs = m_binder->decimalBox(
        "warmupEpochs",
        tr("Epochs over which the learning rate climbs linearly from 0 to its base value "
           "before the cosine takes over."),
        0.0, 100000.0, 1, 1.0, tr("Change warmup"),
        [](TrainConfig& c, double v) { return assignIfChanged(c.schedule.warmupEpochs, v); });
    m_minLr = m_binder->numberField(
        "minLr", tr("The floor the cosine ends at, at the last epoch. 0 decays all the way."),
        0.0, true, tr("Change minimum learning rate"),
        [](TrainConfig& c, double v) { return assignIfChanged(c.schedule.minLr, v); });

    m_schedulePlot = new LineChart;
    m_schedulePlot->setObjectName("schedulePlot");
    m_schedulePlot->setCompact(true);
    m_schedulePlot->setAxisTitles(tr("epoch"), QString());
    m_schedulePlot->addSeries(tr("learning rate"), QColor(148, 103, 189), 2.0);
    m_schedulePlot->setFixedHeight(140);
    m_schedulePlot->setToolTip(tr("The learning rate over the whole run, as the schedule will "
                                  "set it. Hover for exact values."));

    m_scheduleForm->addRow(tr("Schedule"), m_schedule);
    m_scheduleForm->addRow(tr("Every (epochs)"), m_stepEpochs);
    m_scheduleForm->addRow(tr("Milestones"), m_milestones);
    m_scheduleForm->addRow(tr("γ"), m_gamma);
    m_scheduleForm->addRow(tr("Warmup (epochs)"), m_warmupEpochs);
    m_scheduleForm->addRow(tr("Minimum rate"), m_minLr);
    m_scheduleForm->addRow(m_schedulePlot);
    return group;
}

QWidget* TrainingSettingsPanel::buildRunGroup() {
    auto* group = new QGroupBox(tr("Batches, epochs and device"));
    auto* form = newForm(group);
    m_forms.push_back(form);
    m_batchSize = m_binder->integerBox(
        "batchSize",
        tr("Samples per mini-batch: one gradient step averages over this many. Larger batches "
           "give smoother but fewer steps per epoch; 32 to 256 is usual."),
        1, 1 << 20, tr("Change batch size"),
        [](TrainConfig& c, int v) { return assignIfChanged(c.batchSize, v); });
    m_epochs = m_binder->integerBox(
        "epochs", tr("Passes over the whole training set."), 1, 1000000, tr("Change epochs"),
        [](TrainConfig& c, int v) { return assignIfChanged(c.epochs, v); });
    m_shuffle = new QCheckBox(tr("Shuffle every epoch"));
    m_shuffle->setObjectName("shuffle");
    m_shuffle->setToolTip(tr("Visit the training samples in a new random order every epoch, so "
                             "mini-batches differ from epoch to epoch."));
    connect(m_shuffle, &QCheckBox::toggled, this, [this](bool on) {
        m_binder->edit(tr("Change shuffling"),
                       [on](TrainConfig& c) { return assignIfChanged(c.shuffle, on); });
    });
    m_seed = m_binder->integerBox(
        "seed",
        tr("Seed of the random numbers for initialization, shuffling and dropout: the same seed "
           "gives the same run, number for number."),
        0, INT_MAX, tr("Change seed"), [](TrainConfig& c, int v) {
            return assignIfChanged(c.seed, static_cast<uint64_t>(v));
        });

    m_device = new QComboBox;
    m_device->setObjectName("device");
    m_device->addItem(tr("CPU"), QStringLiteral("cpu"));
    m_device->addItem(tr("GPU (CUDA)"), QStringLiteral("cuda"));
    QString deviceHelp = tr("Where the arithmetic runs. The CPU always works; the GPU runs the "
                            "same operations, checked against the CPU, much faster on large "
                            "networks.");
    if (!cudaAvailable()) {
        const QString reason = QString::fromStdString(cudaStatus());
        auto* model = qobject_cast<QStandardItemModel*>(m_device->model());
        QStandardItem* gpu = model->item(1);
        gpu->setEnabled(false);
        gpu->setToolTip(tr("Not available: %1").arg(reason));
        deviceHelp += "\n\n" + tr("GPU not available: %1").arg(reason);
    }
    m_device->setToolTip(deviceHelp);
    connect(m_device, &QComboBox::currentIndexChanged, this, [this] {
        if (!m_binder->syncing()) {
            emit deviceChosen(m_device->currentData().toString());
        }
    });

    form->addRow(tr("Batch size"), m_batchSize);
    form->addRow(tr("Epochs"), m_epochs);
    form->addRow(QString(), m_shuffle);
    form->addRow(tr("Seed"), m_seed);
    form->addRow(tr("Device"), m_device);
    return group;
}

QWidget* TrainingSettingsPanel::buildRegularizationGroup() {
    auto* group = new QGroupBox(tr("Regularization and stopping"));
    auto* form = newForm(group);
    m_forms.push_back(form);
    m_l1 = m_binder->numberField(
        "l1",
        tr("L1 strength λ: adds λ·Σ|W| to the loss, pushing weights to exactly zero (sparse "
           "weights). Set both L1 and L2 for elastic net. 0 turns it off."),
        0.0, true, tr("Change L1 strength"),
        [](TrainConfig& c, double v) { return assignIfChanged(c.regularization.l1, v); });
    m_l2 = m_binder->numberField(
        "l2",
        tr("L2 strength λ: adds ½·λ·ΣW² to the loss, preferring small, spread-out weights. Set "
           "both L1 and L2 for elastic net. 0 turns it off."),
        0.0, true, tr("Change L2 strength"),
        [](TrainConfig& c, double v) { return assignIfChanged(c.regularization.l2, v); });
    m_penaltyKind = new QLabel;
    m_penaltyKind->setObjectName("penaltyKind");
    m_penaltyKind->setToolTip(tr("Which penalty the strengths above add to the loss. Biases and "
                                 "normalization scales are never penalized."));
    m_clipNorm = m_binder->decimalBox(
        "clipNorm",
        tr("Gradient clipping: when the norm of all gradients together exceeds this, scale them "
           "down to it. Keeps one bad batch from throwing the weights far away. Off at 0."),
        0.0, 1.0e6, 2, 0.5, tr("Change gradient clipping"),
        [](TrainConfig& c, double v) { return assignIfChanged(c.clipNorm, v); });
    m_clipNorm->setSpecialValueText(tr("off"));
    m_patience = m_binder->integerBox(
        "patience",
        tr("Early stopping: stop when the validation loss has not improved for this many "
           "epochs, and keep the best weights. Off at 0."),
        0, 100000, tr("Change early stopping"),
        [](TrainConfig& c, int v) { return assignIfChanged(c.earlyStoppingPatience, v); });
    m_patience->setSpecialValueText(tr("off"));
    m_patience->setSuffix(tr(" epochs"));

    form->addRow(tr("L1 λ"), m_l1);
    form->addRow(tr("L2 λ"), m_l2);
    form->addRow(tr("Penalty"), m_penaltyKind);
    form->addRow(tr("Gradient clipping"), m_clipNorm);
    form->addRow(tr("Early stopping"), m_patience);
    return group;
}

// The groups are separate forms; one label width for all keeps their fields in one column.
void TrainingSettingsPanel::alignLabelColumns() {
    int widest = 0;
    std::vector<QWidget*> labels;
    for (QFormLayout* form : m_forms) {
        for (int row = 0; row < form->rowCount(); ++row) {
            if (QLayoutItem* item = form->itemAt(row, QFormLayout::LabelRole)) {
                if (QWidget* label = item->widget()) {
                    labels.push_back(label);
                    widest = std::max(widest, label->sizeHint().width());
                }
            }
        }
    }
    for (QWidget* label : labels) {
        label->setMinimumWidth(widest);
    }
}

void TrainingSettingsPanel::showMessage(const QString& text) {
    m_message->setText(text);
    m_message->show();
}

void TrainingSettingsPanel::syncFromDocument() {
    std::optional<SettingsBinder::SyncScope> muted(std::in_place, *m_binder);
    const TrainConfig& c = m_document.training();
    const kernels::OptHyper& h = c.optimizer.hyper;
    selectSettingChoice(m_loss, lossKindName(c.loss), tr("What the network minimizes."));
    selectSettingChoice(m_optimizer, optKindName(c.optimizer.kind),
               tr("How the weights move, given the gradient."));
    showSettingNumber(m_learningRate, h.lr);
    m_momentum->setValue(h.momentum);
    m_beta1->setValue(h.beta1);
    m_beta2->setValue(h.beta2);
    m_rmsDecay->setValue(h.decay);
    showSettingNumber(m_eps, h.eps);
    showSettingNumber(m_weightDecay, h.weightDecay);

    selectSettingChoice(m_schedule, scheduleKindName(c.schedule.kind),
               tr("How the learning rate changes over the run."));
    m_stepEpochs->setValue(static_cast<int>(std::lround(c.schedule.stepEpochs)));
    m_gamma->setValue(c.schedule.gamma);
    m_milestones->setText(milestonesText(c.schedule.milestones));
    m_warmupEpochs->setValue(c.schedule.warmupEpochs);
    showSettingNumber(m_minLr, c.schedule.minLr);

    m_batchSize->setValue(c.batchSize);
    m_epochs->setValue(c.epochs);
    m_shuffle->setChecked(c.shuffle);
    m_seed->setValue(static_cast<int>(std::min<uint64_t>(c.seed, INT_MAX)));
    m_device->setCurrentIndex(m_document.experiment().device == "cuda" ? 1 : 0);

    showSettingNumber(m_l1, c.regularization.l1);
    showSettingNumber(m_l2, c.regularization.l2);
    const bool l1 = c.regularization.l1 > 0.0;
    const bool l2 = c.regularization.l2 > 0.0;
    m_penaltyKind->setText(l1 && l2 ? tr("elastic net (L1 + L2)")
                           : l1     ? tr("L1 (lasso)")
                           : l2     ? tr("L2 (ridge)")
                                    : tr("none"));
    m_clipNorm->setValue(c.clipNorm);
    m_patience->setValue(c.earlyStoppingPatience);
    muted.reset();

    updateRowVisibility();
    updateSchedulePlot();
}

void TrainingSettingsPanel::updateRowVisibility() {
    const TrainConfig& c = m_document.training();
    const OptKind o = c.optimizer.kind;
    const bool adam = o == OptKind::Adam || o == OptKind::AdamW;
    m_optimizerForm->setRowVisible(m_momentum, o == OptKind::Momentum || o == OptKind::Nesterov);
    m_optimizerForm->setRowVisible(m_beta1, adam);
    m_optimizerForm->setRowVisible(m_beta2, adam);
    m_optimizerForm->setRowVisible(m_rmsDecay, o == OptKind::RMSProp);
    m_optimizerForm->setRowVisible(m_eps, adam || o == OptKind::AdaGrad || o == OptKind::RMSProp);

    const ScheduleKind s = c.schedule.kind;
    const bool cosine = s == ScheduleKind::Cosine || s == ScheduleKind::WarmupCosine;
    m_scheduleForm->setRowVisible(m_stepEpochs, s == ScheduleKind::Step);
    m_scheduleForm->setRowVisible(m_milestones, s == ScheduleKind::MultiStep);
    m_scheduleForm->setRowVisible(m_gamma, s == ScheduleKind::Step ||
                                               s == ScheduleKind::MultiStep ||
                                               s == ScheduleKind::Exponential);
    m_scheduleForm->setRowVisible(m_warmupEpochs, s == ScheduleKind::WarmupCosine);
    m_scheduleForm->setRowVisible(m_minLr, cosine);
}

std::vector<QPointF> TrainingSettingsPanel::schedulePoints(const TrainConfig& config) {
    // Enough samples for smooth cosines and near-vertical steps, with every whole epoch
    // among them so step-wise schedules change exactly where the run changes them.
    constexpr int kTargetSamples = 400;
    const int epochs = std::max(config.epochs, 1);
    const int perEpoch = epochs >= kTargetSamples ? 1 : (kTargetSamples + epochs - 1) / epochs;
    const int samples = epochs * perEpoch;
    std::vector<QPointF> points;
    points.reserve(static_cast<size_t>(samples) + 1);
    try {
        for (int i = 0; i <= samples; ++i) {
            const double epoch = static_cast<double>(i) / perEpoch;
            points.emplace_back(epoch, scheduledLearningRate(config.schedule,
                                                             config.optimizer.hyper.lr, epoch,
                                                             config.epochs));
        }
    } catch (const std::invalid_argument&) {
        points.clear();
    }
    return points;
}

void TrainingSettingsPanel::updateSchedulePlot() {
    m_schedulePlot->setPoints(0, schedulePoints(m_document.training()));
}

}  // namespace dlab::ui
