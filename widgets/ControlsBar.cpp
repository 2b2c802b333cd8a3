#include "widgets/ControlsBar.h"

#include "widgets/ExperimentDocument.h"
#include "widgets/TrainingSession.h"

#include <QDoubleSpinBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QSignalBlocker>
#include <QStyle>
#include <QToolButton>

#include <algorithm>
#include <cmath>

namespace dlab::ui {
namespace {

constexpr double kMinLearningRate = 1e-7;
constexpr double kMaxLearningRate = 10.0;

// Learning rates span orders of magnitude, so the box reads and writes them as numbers
// ("1e-3", "0.0005") rather than a fixed number of decimals, and its arrows walk the
// 1-2-5 ladder that people try by hand.
class LearningRateBox final : public QDoubleSpinBox {
public:
    explicit LearningRateBox(QWidget* parent) : QDoubleSpinBox(parent) {
        // Enough decimals that the spin box's own rounding never changes a rate we allow.
        setDecimals(12);
        setRange(kMinLearningRate, kMaxLearningRate);
        // One committed value per edit (Enter, focus out, an arrow), not one per keystroke:
        // each is an undoable edit and, while training, a mark on the curves.
        setKeyboardTracking(false);
        setAccelerated(false);
    }

    QString textFromValue(double value) const override {
        return QLocale::c().toString(value, 'g', 6);
    }

    double valueFromText(const QString& text) const override {
        return QLocale::c().toDouble(text.trimmed());
    }

    QValidator::State validate(QString& text, int& pos) const override {
        (void)pos;
        const QString t = text.trimmed();
        bool ok = false;
        const double value = QLocale::c().toDouble(t, &ok);
        if (ok && value >= kMinLearningRate && value <= kMaxLearningRate) {
            return QValidator::Acceptable;
        }
        // Half-typed numbers ("", "1e", "0.") may still become valid.
        for (const QChar c : t) {
            if (!c.isDigit() && c != '.' && c != 'e' && c != 'E' && c != '-' && c != '+') {
                return QValidator::Invalid;
            }
        }
        return QValidator::Intermediate;
    }

    void fixup(QString& text) const override { text = textFromValue(value()); }

    void stepBy(int steps) override {
        double v = value();
        for (int i = 0; i < std::abs(steps); ++i) {
            v = nextOnLadder(v, steps > 0);
        }
        setValue(std::clamp(v, kMinLearningRate, kMaxLearningRate));
        selectAll();
    }

private:
    static double nextOnLadder(double v, bool up) {
        const int exponent = static_cast<int>(std::floor(std::log10(v)));
        double best = v;
        for (int e = exponent - 1; e <= exponent + 1; ++e) {
            for (const double mantissa : {1.0, 2.0, 5.0}) {
                // Through the text form so 2e-3 is exactly what typing "2e-3" gives.
                const double c = QString::number(mantissa * std::pow(10.0, e), 'g', 6).toDouble();
                if (up && c > v * (1.0 + 1e-9) && (best == v || c < best)) {
                    best = c;
                } else if (!up && c < v * (1.0 - 1e-9) && (best == v || c > best)) {
                    best = c;
                }
            }
        }
        return best;
    }
};

QToolButton* makeButton(QWidget* parent, const QString& text, QStyle::StandardPixmap icon,
                        const QString& toolTip) {
    auto* button = new QToolButton(parent);
    button->setText(text);
    button->setIcon(parent->style()->standardIcon(icon));
    button->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    button->setToolTip(toolTip);
    button->setAutoRaise(true);
    return button;
}

const char* kTrainTip =
    "Train the network on the training split with the current settings: mini-batch after "
    "mini-batch of forward pass, loss, backward pass (backpropagation) and optimizer update, "
    "with a validation pass after each epoch. After Stop, Train continues from the current "
    "weights.";
const char* kPauseTip =
    "Pause between two mini-batches; the weights and the optimizer's state stay as they are. "
    "Resume goes on from exactly there.";
const char* kResumeTip = "Resume training from where it was paused.";
const char* kStepTip =
    "Run exactly one mini-batch: forward, backward, update. Starts a paused run when none is "
    "going, and pauses a running one first.";
const char* kStopTip =
    "End the run after the current mini-batch. The weights are kept: Train continues from "
    "them, Reset weights starts over.";
const char* kResetTip =
    "Re-initialize every weight from the training seed, as before the first step (each "
    "layer's initializer, e.g. He: N(0, 2/n_in) for ReLU layers). The curves start over.";
const char* kLearningRateTip =
    "Learning rate η: the step size of gradient descent, w ← w − η·∇L. Too high and the loss "
    "jumps or diverges; too low and it barely moves. Type a value such as 1e-3 or use the "
    "arrows (…, 1e-3, 2e-3, 5e-3, 1e-2, …). While training, the new rate applies from the "
    "next mini-batch and is marked on the curves; the schedule still applies on top.";

}  // namespace

ControlsBar::ControlsBar(ExperimentDocument& document, TrainingSession& session, QWidget* parent)
    : QWidget(parent), m_document(document), m_session(session) {
    m_train = makeButton(this, tr("Train"), QStyle::SP_MediaPlay, tr(kTrainTip));
    m_train->setObjectName("trainButton");
    m_pause = makeButton(this, tr("Pause"), QStyle::SP_MediaPause, tr(kPauseTip));
    m_pause->setObjectName("pauseButton");
    m_pause->setCheckable(true);
    m_step = makeButton(this, tr("Step"), QStyle::SP_MediaSkipForward, tr(kStepTip));
    m_step->setObjectName("stepButton");
    m_stop = makeButton(this, tr("Stop"), QStyle::SP_MediaStop, tr(kStopTip));
    m_stop->setObjectName("stopButton");
    m_reset = makeButton(this, tr("Reset weights"), QStyle::SP_BrowserReload, tr(kResetTip));
    m_reset->setObjectName("resetButton");

    auto* lrLabel = new QLabel(tr("Learning rate"), this);
    lrLabel->setToolTip(tr(kLearningRateTip));
    m_learningRate = new LearningRateBox(this);
    m_learningRate->setObjectName("learningRateBox");
    m_learningRate->setToolTip(tr(kLearningRateTip));
    lrLabel->setBuddy(m_learningRate);

    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    for (QWidget* w : {static_cast<QWidget*>(m_train), static_cast<QWidget*>(m_pause),
                       static_cast<QWidget*>(m_step), static_cast<QWidget*>(m_stop),
                       static_cast<QWidget*>(m_reset)}) {
        layout->addWidget(w);
    }
    layout->addSpacing(12);
    layout->addWidget(lrLabel);
    layout->addWidget(m_learningRate);
    layout->addStretch(1);

    connect(m_train, &QToolButton::clicked, &m_session, &TrainingSession::train);
    connect(m_pause, &QToolButton::clicked, this, [this] {
        if (m_session.state() == TrainingSession::State::Paused) {
            m_session.resume();
        } else {
            m_session.pause();
        }
        updateControls();  // the toggle's checked state follows the session, not the click
    });
    connect(m_step, &QToolButton::clicked, &m_session, &TrainingSession::step);
    connect(m_stop, &QToolButton::clicked, &m_session, &TrainingSession::stop);
    connect(m_reset, &QToolButton::clicked, &m_session, &TrainingSession::resetWeights);
    connect(m_learningRate, &QDoubleSpinBox::valueChanged, this, &ControlsBar::applyLearningRate);

    connect(&m_session, &TrainingSession::stateChanged, this, &ControlsBar::updateControls);
    connect(&m_session, &TrainingSession::weightsReset, this, &ControlsBar::updateControls);
    connect(&m_document, &ExperimentDocument::networkChanged, this, &ControlsBar::updateControls);
    connect(&m_document, &ExperimentDocument::dataLoaded, this, &ControlsBar::updateControls);
    connect(&m_document, &ExperimentDocument::dataConfigChanged, this,
            &ControlsBar::updateControls);
    connect(&m_document, &ExperimentDocument::trainingChanged, this, [this] {
        showDocumentLearningRate();
        updateControls();
    });
    showDocumentLearningRate();
    updateControls();
}

void ControlsBar::updateControls() {
    using State = TrainingSession::State;
    const State state = m_session.state();
    const bool active = state == State::Running || state == State::Paused;
    const QString reason = m_session.cannotTrainReason();

    m_train->setEnabled(reason.isEmpty());
    m_train->setToolTip(reason.isEmpty()
                            ? tr(kTrainTip)
                            : tr("%1\n\nNot possible now: %2").arg(tr(kTrainTip), reason));

    m_pause->setEnabled(active);
    {
        const QSignalBlocker blocker(m_pause);
        m_pause->setChecked(state == State::Paused);
    }
    m_pause->setText(state == State::Paused ? tr("Resume") : tr("Pause"));
    m_pause->setIcon(style()->standardIcon(state == State::Paused ? QStyle::SP_MediaPlay
                                                                  : QStyle::SP_MediaPause));
    const QString noRun = tr("\n\nNot possible now: no training run is going.");
    m_pause->setToolTip(state == State::Paused ? tr(kResumeTip)
                                               : tr(kPauseTip) + (active ? QString() : noRun));

    // A step is possible in a run, or where a new run could start.
    const bool canStep = active || reason.isEmpty();
    m_step->setEnabled(canStep);
    m_step->setToolTip(canStep ? tr(kStepTip)
                               : tr("%1\n\nNot possible now: %2").arg(tr(kStepTip), reason));

    m_stop->setEnabled(active);
    m_stop->setToolTip(tr(kStopTip) + (active ? QString() : noRun));
    const bool hasWeights = m_session.network() != nullptr;
    m_reset->setEnabled(hasWeights);
    m_reset->setToolTip(hasWeights
                            ? tr(kResetTip)
                            : tr("%1\n\nNot possible now: there are no weights yet; they are "
                                 "made when training starts.")
                                  .arg(tr(kResetTip)));
}

void ControlsBar::showDocumentLearningRate() {
    const float lr = m_document.training().optimizer.hyper.lr;
    if (static_cast<float>(m_learningRate->value()) == lr) {
        return;  // keep the value as typed rather than its float rounding
    }
    // The document keeps a float; its shortest decimal form is what a person wrote (0.005,
    // not 0.004999999888).
    const QSignalBlocker blocker(m_learningRate);
    m_learningRate->setValue(QString::number(lr, 'g', 7).toDouble());
}

void ControlsBar::applyLearningRate(double lr) {
    const auto state = m_session.state();
    if (state == TrainingSession::State::Running || state == TrainingSession::State::Paused) {
        m_session.setLearningRate(lr);
    }
    // The document is the truth: the next run, the settings panel and the saved file all
    // take the rate from there.
    TrainConfig training = m_document.training();
    if (training.optimizer.hyper.lr == static_cast<float>(lr)) {
        return;
    }
    training.optimizer.hyper.lr = static_cast<float>(lr);
    m_document.setTraining(
        training, tr("Set the learning rate to %1").arg(QLocale::c().toString(lr, 'g', 6)));
}

}  // namespace dlab::ui
