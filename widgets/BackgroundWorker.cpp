#include "widgets/BackgroundWorker.h"

#include <QMetaObject>

namespace dlab::ui {

BackgroundWorker::BackgroundWorker(QObject* parent) : QObject(parent) {
    m_thread = std::jthread([this](std::stop_token stop) { run(stop); });
}

BackgroundWorker::~BackgroundWorker() {
    {
        std::lock_guard lock(m_mutex);
        m_waiting.reset();
        m_runningStop.request_stop();
    }
    m_thread.request_stop();
    // Joined here, before QObject's destructor drops what the job posted meanwhile.
    m_thread.join();
}

void BackgroundWorker::submit(Job job) {
    {
        std::lock_guard lock(m_mutex);
        m_waiting = std::move(job);
        m_runningStop.request_stop();
    }
    m_wake.notify_one();
}

void BackgroundWorker::cancel() {
    std::lock_guard lock(m_mutex);
    m_waiting.reset();
    m_runningStop.request_stop();
}

void BackgroundWorker::post(std::function<void()> fn) {
    QMetaObject::invokeMethod(this, std::move(fn), Qt::QueuedConnection);
}

void BackgroundWorker::run(std::stop_token workerStop) {
    for (;;) {
        Job job;
        std::stop_token jobStop;
        {
            std::unique_lock lock(m_mutex);
            if (!m_wake.wait(lock, workerStop, [this] { return m_waiting.has_value(); })) {
                return;
            }
            job = std::move(*m_waiting);
            m_waiting.reset();
            m_runningStop = std::stop_source();
            jobStop = m_runningStop.get_token();
        }
        Continuation continuation;
        try {
            continuation = job(jobStop);
        } catch (...) {
            continuation = nullptr;
        }
        if (continuation) {
            post(std::move(continuation));
        }
    }
}

}  // namespace dlab::ui
