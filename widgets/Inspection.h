#pragma once
// Inspection: how the views that look inside the network get their data.
//
// A visible view hands the TrainingSession a Probe. Between training steps, at a
// bounded rate, the training thread calls each probe's capture() with the network and
// the prepared data; the probe computes what its view draws (numbers, and finished
// QImages: painting off the GUI thread goes into QImage only) and publishes it as an
// immutable snapshot in a Latest<T>. The session then emits `inspected`, and the view
// takes the newest snapshot on the GUI thread. Nothing heavy runs on the GUI thread, and
// a hidden view removes its probe, so it costs nothing.
//
// When no run is under way, the session runs requested captures on a short-lived thread
// of its own (a view appeared, its request changed, the network was rebuilt, reset or
// loaded, a run ended), so the views also show the network at initialization.
//
// Rate: a periodic capture happens at most every kMinIntervalMs and never more often than
// keeps capturing below ~3 % of the training time (Inspector::afterStep). A probe whose
// request changed (another layer, another sample) is captured at the next step, or within
// milliseconds while paused.

#include "datasets/Prepare.h"
#include "engine/Loss.h"
#include "engine/Network.h"

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace dlab::ui {

// What a capture may look at. Valid only during the capture() call.
struct InspectContext {
    Network& network;
    const data::PreparedData& data;
    LossKind loss = LossKind::CrossEntropy;
    int64_t step = 0;       // steps this network has trained (0 at initialization)
    int epoch = 0;          // the epoch of that step (the one just ended when epochEnd)
    bool epochEnd = false;  // called right after an epoch (and its validation) ended
    // At epoch ends, when a probe wants them: the trainer's own outputs (N, ...) for the
    // whole validation split, in its order, from the validation pass it just made (the
    // same forward in Mode::Eval a probe would run). Null otherwise: evaluate yourself.
    const Tensor* validationOutputs = nullptr;
};

class Probe {
public:
    virtual ~Probe() = default;

    // Training thread or the session's capture thread, between steps; never two at once
    // for one session. May run forward passes in Mode::Eval (they touch no weights, no
    // running statistics and no random state) and backward passes, but must leave every
    // parameter gradient at zero (Network::zeroGrad) and change no weight.
    // Exceptions are caught by the caller and published as the view's error text.
    virtual void capture(InspectContext& context) = 0;
    // Whether capture() wants to run after every epoch regardless of the rate bound
    // (the confusion matrix).
    virtual bool wantsEpochEnd() const { return false; }
    // Whether periodic captures are useful (false: only when requested and at epoch ends).
    virtual bool wantsPeriodic() const { return true; }

    // Any thread: capture at the next opportunity (the view's request changed).
    void requestCapture() { m_requested.store(true); }
    bool takeRequest() { return m_requested.exchange(false); }
    bool requested() const { return m_requested.load(); }

    // Why the last capture failed, or empty after a good one; any thread.
    std::string error() const {
        const std::lock_guard lock(m_errorMutex);
        return m_error;
    }
    void setError(std::string error) {
        const std::lock_guard lock(m_errorMutex);
        m_error = std::move(error);
    }

private:
    std::atomic<bool> m_requested{true};  // a new probe wants its first picture
    mutable std::mutex m_errorMutex;
    std::string m_error;
};

// The newest value published by a probe ("latest wins"); any thread.
template <class T>
class Latest {
public:
    void publish(std::shared_ptr<const T> value) {
        const std::lock_guard lock(m_mutex);
        m_value = std::move(value);
        ++m_version;
    }
    std::shared_ptr<const T> get() const {
        const std::lock_guard lock(m_mutex);
        return m_value;
    }
    // Grows with every publish; a view redraws when it differs from what it drew.
    uint64_t version() const {
        const std::lock_guard lock(m_mutex);
        return m_version;
    }

private:
    mutable std::mutex m_mutex;
    std::shared_ptr<const T> m_value;
    uint64_t m_version = 0;
};

// The probes of one session and the rate bound. Thread-safe: the GUI thread adds and
// removes probes, the training (or capture) thread runs them.
class Inspector {
public:
    static constexpr int kMinIntervalMs = 200;
    // Capturing may take at most this share of the time between periodic captures.
    static constexpr double kMaxShare = 0.03;

    void add(std::shared_ptr<Probe> probe);
    void remove(const Probe* probe);
    bool empty() const;
    size_t size() const;
    // Whether a probe asked to be captured.
    bool anyRequested() const;
    // Asks every probe for a capture (the network changed under all of them).
    void requestAll();
    // Whether a probe wants epoch ends (and so the validation outputs).
    bool anyWantsEpochEnd() const;

    // A run starts: the views show the network as it is now (captured while idle), so
    // the first periodic capture waits one interval. Call while no capture runs.
    void startRun();
    // After a training step: captures the probes that asked, or all periodic ones when
    // the interval has passed. Returns whether anything was captured.
    bool afterStep(InspectContext& context);
    // After an epoch: the probes that want epoch ends, and those that asked.
    bool afterEpoch(InspectContext& context);
    // While paused or idle: only the probes that asked.
    bool requestedOnly(InspectContext& context);
    // Every probe, now (tests).
    bool all(InspectContext& context);

    // Whether something was captured since the last call (the GUI's drain asks).
    bool takeCaptured() { return m_captured.exchange(false); }
    // Seconds spent capturing so far (for the cost measurement).
    double captureSeconds() const;

private:
    enum class Which { Requested, Periodic, EpochEnd, All };
    bool run(InspectContext& context, Which which);

    mutable std::mutex m_mutex;  // guards m_probes (copied before running them)
    std::vector<std::shared_ptr<Probe>> m_probes;
    std::chrono::steady_clock::time_point m_nextPeriodic{};
    std::atomic<double> m_totalSeconds{0.0};
    std::atomic<bool> m_captured{false};
};

// Normalized inputs of the samples at `positions` of `split`, as the network sees them
// in evaluation (no augmentation): (positions.size(), ...sampleShape).
Tensor normalizedSamples(const data::PreparedData& prepared, const data::Dataset& split,
                         const std::vector<int64_t>& positions);

// The split the views probe: validation when it has samples, else training.
const data::Dataset& probeSplit(const data::PreparedData& prepared);

}  // namespace dlab::ui
