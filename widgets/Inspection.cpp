#include "widgets/Inspection.h"

#include <algorithm>
#include <exception>

namespace dlab::ui {

using Clock = std::chrono::steady_clock;

void Inspector::add(std::shared_ptr<Probe> probe) {
    const std::lock_guard lock(m_mutex);
    if (std::find(m_probes.begin(), m_probes.end(), probe) == m_probes.end()) {
        m_probes.push_back(std::move(probe));
    }
}

void Inspector::remove(const Probe* probe) {
    const std::lock_guard lock(m_mutex);
    std::erase_if(m_probes, [probe](const auto& p) { return p.get() == probe; });
}

bool Inspector::empty() const {
    const std::lock_guard lock(m_mutex);
    return m_probes.empty();
}

size_t Inspector::size() const {
    const std::lock_guard lock(m_mutex);
    return m_probes.size();
}

bool Inspector::anyRequested() const {
    const std::lock_guard lock(m_mutex);
    return std::any_of(m_probes.begin(), m_probes.end(),
                       [](const auto& p) { return p->requested(); });
}

bool Inspector::anyWantsEpochEnd() const {
    const std::lock_guard lock(m_mutex);
    return std::any_of(m_probes.begin(), m_probes.end(),
                       [](const auto& p) { return p->wantsEpochEnd(); });
}

void Inspector::requestAll() {
    const std::lock_guard lock(m_mutex);
    for (const auto& p : m_probes) {
        p->requestCapture();
    }
}

void Inspector::startRun() {
    m_nextPeriodic = Clock::now() + std::chrono::milliseconds(kMinIntervalMs);
}

bool Inspector::afterStep(InspectContext& context) {
    if (Clock::now() >= m_nextPeriodic) {
        return run(context, Which::Periodic);
    }
    return anyRequested() && run(context, Which::Requested);
}

bool Inspector::afterEpoch(InspectContext& context) {
    return run(context, Which::EpochEnd);
}

bool Inspector::requestedOnly(InspectContext& context) {
    return anyRequested() && run(context, Which::Requested);
}

bool Inspector::all(InspectContext& context) {
    return run(context, Which::All);
}

double Inspector::captureSeconds() const {
    return m_totalSeconds.load();
}

bool Inspector::run(InspectContext& context, Which which) {
    std::vector<std::shared_ptr<Probe>> probes;
    {
        const std::lock_guard lock(m_mutex);
        probes = m_probes;  // a view may hide (and remove its probe) while we capture
    }
    const auto start = Clock::now();
    bool any = false;
    for (const auto& probe : probes) {
        const bool asked = probe->takeRequest();
        bool run = asked || which == Which::All;
        if (which == Which::Periodic) {
            run = run || probe->wantsPeriodic();
        } else if (which == Which::EpochEnd) {
            run = run || probe->wantsEpochEnd();
        }
        if (!run) {
            continue;
        }
        try {
            probe->capture(context);
            probe->setError({});
        } catch (const std::exception& e) {
            probe->setError(e.what());
        }
        // A probe must leave the gradients zero; make sure a failed one does too.
        context.network.zeroGrad();
        any = true;
    }
    const auto end = Clock::now();
    const double cost = std::chrono::duration<double>(end - start).count();
    if (any) {
        m_totalSeconds.store(m_totalSeconds.load() + cost);
        m_captured.store(true);
    }
    if (which == Which::Periodic) {
        // Keep capturing at most kMaxShare of the time: after a capture that took c, wait
        // at least c·(1 - share)/share before the next periodic one.
        const double waitSeconds =
            std::max(kMinIntervalMs / 1000.0, cost * (1.0 - kMaxShare) / kMaxShare);
        m_nextPeriodic = end + std::chrono::duration_cast<Clock::duration>(
                                   std::chrono::duration<double>(waitSeconds));
    }
    return any;
}

Tensor normalizedSamples(const data::PreparedData& prepared, const data::Dataset& split,
                         const std::vector<int64_t>& positions) {
    Tensor inputs = split.subset(positions).inputsTensor();
    data::applyNormalization(prepared.normalization, inputs);
    return inputs;
}

const data::Dataset& probeSplit(const data::PreparedData& prepared) {
    return prepared.split.validation.size() > 0 ? prepared.split.validation
                                                : prepared.split.train;
}

}  // namespace dlab::ui
