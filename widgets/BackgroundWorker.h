#pragma once
// BackgroundWorker: one owned thread that runs "latest wins" jobs for a view or panel.
//
// A job runs on the worker thread and returns a continuation, which the worker then runs
// on the GUI thread (queued to this object). At most one job waits: submitting replaces
// the waiting one and asks the running one to stop through its std::stop_token, so a
// burst of requests (a slider dragged, files dropped twice) computes only the last.
// A job that was asked to stop may still return a continuation; the caller decides in it
// whether the result is stale (a generation number is the usual way).
//
// Exceptions escaping a job are swallowed by the worker (a job should catch its own and
// turn them into a message); they never end the process.
//
// Thread safety: submit(), cancel() and the destructor are GUI-thread only. post() may be
// called from the job (the worker thread): the function runs later on the GUI thread,
// or never when the worker is destroyed first. The destructor asks the running job to
// stop and joins, so a job's continuation or posts never outlive the worker.

#include <QObject>

#include <condition_variable>
#include <functional>
#include <mutex>
#include <optional>
#include <stop_token>
#include <thread>

namespace dlab::ui {

class BackgroundWorker : public QObject {
    Q_OBJECT
public:
    using Continuation = std::function<void()>;
    using Job = std::function<Continuation(std::stop_token)>;

    explicit BackgroundWorker(QObject* parent = nullptr);
    ~BackgroundWorker() override;

    void submit(Job job);
    // Asks the running job to stop and drops the waiting one.
    void cancel();
    // Runs `fn` on the GUI thread; callable from the worker thread.
    void post(std::function<void()> fn);

private:
    void run(std::stop_token workerStop);

    std::mutex m_mutex;
    std::condition_variable_any m_wake;
    std::optional<Job> m_waiting;
    std::stop_source m_runningStop;
    std::jthread m_thread;
};

}  // namespace dlab::ui
