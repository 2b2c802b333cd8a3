#include "widgets/StatusPanel.h"

#include "engine/Backend.h"
#include "widgets/TrainingSession.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>

#include <cmath>

namespace dlab::ui {
namespace {

// A status bar that changes text more often than this only flickers.
constexpr int kRefreshIntervalMs = 250;
constexpr int kClockIntervalMs = 1000;

QLabel* makeLabel(QWidget* parent, const QString& toolTip) {
    auto* label = new QLabel(parent);
    label->setToolTip(toolTip);
    label->setTextFormat(Qt::PlainText);
    return label;
}

}  // namespace

StatusPanel::StatusPanel(TrainingSession& session, QWidget* parent)
    : QWidget(parent), m_session(session) {
    m_state = makeLabel(this, tr("What the training run is doing."));
    m_progress = makeLabel(
        this, tr("Epoch: one pass over the training split. Batch: the mini-batch within the "
                 "epoch. Step: one update of the weights, counted since the weights were "
                 "initialized."));
    m_speed = makeLabel(this, tr("Training samples per second (forward, backward and update; "
                                 "validation not counted)."));
    m_time = makeLabel(this, tr("Training time of this run without pauses, and an estimate of "
                                "the time left from the pace so far."));
    const QString cpu = QString::fromStdString(cpuStatus());
    m_device = makeLabel(this, tr("Training runs on the CPU; matrix products use %1.").arg(cpu));
    m_deviceText = tr("CPU · %1").arg(cpu);
    m_device->setText(m_deviceText);
    m_gpu = makeLabel(this, QString());
    const QString gpuStatus = QString::fromStdString(cudaStatus());
    if (cudaAvailable()) {
        m_gpu->setText(tr("GPU available"));
        m_gpu->setToolTip(tr("A GPU can be used: %1").arg(gpuStatus));
    } else {
        m_gpu->setText(tr("GPU off"));
        m_gpu->setEnabled(false);  // greyed: it cannot be chosen, the tooltip says why
        m_gpu->setToolTip(tr("The GPU is not usable: %1").arg(gpuStatus));
    }

    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(4, 0, 4, 0);
    layout->setSpacing(16);
    layout->addWidget(m_state);
    layout->addWidget(m_progress);
    layout->addWidget(m_speed);
    layout->addWidget(m_time);
    layout->addStretch(1);
    layout->addWidget(m_device);
    layout->addWidget(m_gpu);

    m_clock.setInterval(kClockIntervalMs);
    connect(&m_clock, &QTimer::timeout, this, &StatusPanel::refresh);
    m_coalesce.setSingleShot(true);
    m_coalesce.setInterval(kRefreshIntervalMs);
    connect(&m_coalesce, &QTimer::timeout, this, &StatusPanel::refresh);

    connect(&m_session, &TrainingSession::metrics, this, &StatusPanel::refreshSoon);
    connect(&m_session, &TrainingSession::stateChanged, this, [this](TrainingSession::State state) {
        const bool active =
            state == TrainingSession::State::Running || state == TrainingSession::State::Paused;
        if (active) {
            m_outcome.clear();
            m_clock.start();
        } else {
            m_clock.stop();
        }
        refresh();
    });
    connect(&m_session, &TrainingSession::finished, this, &StatusPanel::showResult);
    connect(&m_session, &TrainingSession::failed, this, [this](const QString& message) {
        m_outcome = tr("Failed");
        m_state->setToolTip(message);
        refresh();
    });
    connect(&m_session, &TrainingSession::weightsReset, this, [this] {
        m_outcome = tr("Weights reset");
        refresh();
    });
    refresh();
}

QString StatusPanel::stateText() const {
    return m_state->text();
}

QString StatusPanel::progressText() const {
    return m_progress->text();
}

QString StatusPanel::speedText() const {
    return m_speed->text();
}

QString StatusPanel::timeText() const {
    return m_time->text();
}

QString StatusPanel::deviceText() const {
    return m_deviceText;
}

void StatusPanel::resizeEvent(QResizeEvent* event) {
    QWidget::resizeEvent(event);
    fitDeviceText();
}

void StatusPanel::fitDeviceText() {
    const auto* box = static_cast<QHBoxLayout*>(layout());
    const QMargins margins = box->contentsMargins();
    int needed = margins.left() + margins.right() + 5 * box->spacing();
    for (const QLabel* label : {m_state, m_progress, m_speed, m_time, m_gpu}) {
        needed += label->sizeHint().width();
    }
    needed += m_device->fontMetrics().horizontalAdvance(m_deviceText);
    const QString text = needed <= width() ? m_deviceText : tr("CPU");
    if (m_device->text() != text) {
        m_device->setText(text);
    }
}

QString StatusPanel::formatDuration(double seconds) {
    if (seconds < 0.0 || !std::isfinite(seconds)) {
        return QStringLiteral("—");
    }
    const auto total = static_cast<qint64>(std::llround(seconds));
    const qint64 h = total / 3600;
    const qint64 m = (total / 60) % 60;
    const qint64 s = total % 60;
    if (h > 0) {
        return QStringLiteral("%1:%2:%3")
            .arg(h)
            .arg(m, 2, 10, QChar('0'))
            .arg(s, 2, 10, QChar('0'));
    }
    return QStringLiteral("%1:%2").arg(m).arg(s, 2, 10, QChar('0'));
}

void StatusPanel::refreshSoon() {
    if (!m_coalesce.isActive()) {
        m_coalesce.start();
    }
}

void StatusPanel::showResult(const TrainResult& result) {
    switch (result.status) {
        case TrainStatus::Finished:
            m_outcome = tr("Finished");
            break;
        case TrainStatus::EarlyStopped:
            m_outcome = tr("Stopped early (best epoch %1)").arg(result.bestEpoch);
            break;
        case TrainStatus::Stopped:
            m_outcome = tr("Stopped");
            break;
        case TrainStatus::Diverged:
            m_outcome = tr("Diverged");
            break;
    }
    m_state->setToolTip(result.message.empty() ? tr("What the training run is doing.")
                                               : QString::fromStdString(result.message));
    refresh();
}

void StatusPanel::refresh() {
    using State = TrainingSession::State;
    const State state = m_session.state();
    const RunProgress p = m_session.progress();
    const QLocale locale;

    switch (state) {
        case State::Running:
            m_state->setText(tr("Training"));
            break;
        case State::Paused:
            m_state->setText(tr("Paused"));
            break;
        case State::Idle:
        case State::Finished:
        case State::Failed:
            m_state->setText(m_outcome.isEmpty() ? tr("Ready") : m_outcome);
            break;
    }

    if (p.step > 0) {
        m_progress->setText(tr("Epoch %1/%2 · batch %3/%4 · step %5")
                                .arg(p.epoch)
                                .arg(p.epochs)
                                .arg(p.batch)
                                .arg(p.batches)
                                .arg(locale.toString(static_cast<qlonglong>(p.step))));
    } else {
        m_progress->setText(tr("Epoch – · step –"));
    }

    m_speed->setText(
        p.samplesPerSecond > 0.0
            ? tr("%1 samples/s")
                  .arg(locale.toString(static_cast<qlonglong>(std::llround(p.samplesPerSecond))))
            : tr("– samples/s"));

    const bool active = state == State::Running || state == State::Paused;
    if (active) {
        m_time->setText(
            tr("%1 elapsed · %2 left")
                .arg(formatDuration(p.elapsedSeconds), formatDuration(p.remainingSeconds)));
    } else if (p.stepsDone > 0) {
        m_time->setText(tr("%1 elapsed").arg(formatDuration(p.elapsedSeconds)));
    } else {
        m_time->setText(tr("– elapsed"));
    }
    fitDeviceText();
}

}  // namespace dlab::ui
