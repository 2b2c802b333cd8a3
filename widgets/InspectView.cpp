#include "widgets/InspectView.h"

#include "widgets/Inspection.h"
#include "widgets/TrainingSession.h"

#include <QLabel>
#include <QPixmap>
#include <QResizeEvent>

namespace dlab::ui {

InspectView::InspectView(TrainingSession& session, QWidget* parent)
    : QWidget(parent), m_session(session) {
    m_message = new QLabel(this);
    m_message->setAlignment(Qt::AlignCenter);
    m_message->setWordWrap(true);
    m_message->setAttribute(Qt::WA_TransparentForMouseEvents);
    m_message->setAutoFillBackground(true);
    m_message->hide();
    connect(&m_session, &TrainingSession::inspected, this, &InspectView::onInspected);
    // A network rebuilt or data reloaded while idle: the session captures anew; a view
    // without a network learns why.
    connect(&m_session, &TrainingSession::inspectionUnavailable, this, [this](const QString& why) {
        if (m_active && m_probe) {
            setMessage(why);
        }
    });
}

InspectView::~InspectView() {
    activate(false);
}

bool InspectView::exportPng(const QString& path) {
    return grab().save(path, "PNG");
}

QString InspectView::message() const {
    return m_message->isHidden() ? QString() : m_message->text();
}

void InspectView::setProbe(std::shared_ptr<Probe> probe) {
    m_probe = std::move(probe);
}

void InspectView::requestCapture() {
    if (m_probe && m_active) {
        m_session.requestCapture(m_probe.get());
    }
}

void InspectView::setMessage(const QString& text) {
    if (m_collecting) {
        m_collected = text;
        return;
    }
    if (text == m_message->text() && m_message->isHidden() == text.isEmpty()) {
        return;
    }
    m_message->setText(text);
    m_message->setVisible(!text.isEmpty());
    if (!text.isEmpty()) {
        m_message->setGeometry(rect());
        m_message->raise();
    }
}

void InspectView::showEvent(QShowEvent* event) {
    QWidget::showEvent(event);
    activate(true);
}

void InspectView::hideEvent(QHideEvent* event) {
    QWidget::hideEvent(event);
    activate(false);
}

void InspectView::resizeEvent(QResizeEvent* event) {
    QWidget::resizeEvent(event);
    m_message->setGeometry(rect());
}

void InspectView::activate(bool on) {
    if (on == m_active) {
        return;
    }
    m_active = on;
    if (m_wantsParamStats) {
        if (on) {
            m_session.addParamStatsUser();
        } else {
            m_session.removeParamStatsUser();
        }
    }
    if (!m_probe) {
        if (on) {
            refresh();
        }
        return;
    }
    if (on) {
        m_probe->requestCapture();
        m_session.addProbe(m_probe);
        // What was captured before the view was hidden is still worth showing meanwhile.
        onInspected();
    } else {
        m_session.removeProbe(m_probe.get());
    }
}

void InspectView::onInspected() {
    if (!m_active) {
        return;
    }
    if (m_probe) {
        const std::string error = m_probe->error();
        if (!error.empty()) {
            setMessage(QString::fromStdString(error));
            return;
        }
    }
    // No message unless refresh() sets one (again).
    m_collecting = true;
    m_collected.clear();
    refresh();
    m_collecting = false;
    setMessage(m_collected);
}

}  // namespace dlab::ui
