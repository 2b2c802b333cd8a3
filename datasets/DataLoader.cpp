#include "datasets/DataLoader.h"

#include "datasets/Augment.h"

#include <algorithm>

namespace dlab::data {

DataLoader::DataLoader(Dataset data, Normalization normalization, LoaderOptions options)
    : m_data(std::move(data)), m_norm(std::move(normalization)), m_options(std::move(options)) {
    if (!m_data.store) {
        throw std::invalid_argument("DataLoader: the dataset has no samples");
    }
    if (m_norm.kind != NormalizationKind::None && m_norm.sampleShape != m_data.sampleShape()) {
        throw std::invalid_argument("DataLoader: normalization fitted on " +
                                    m_norm.sampleShape.str() + ", samples are " +
                                    m_data.sampleShape().str());
    }
    const int depth = std::max(m_options.prefetchBatches, 0);
    // One slot more than the prefetch depth: the trainer holds the last batch it got.
    m_slots.resize(static_cast<size_t>(depth + 1));
    if (depth > 0) {
        m_worker = std::thread([this] { workerLoop(); });
    }
}

DataLoader::~DataLoader() {
    if (m_worker.joinable()) {
        {
            std::lock_guard lock(m_mutex);
            m_stop = true;
            ++m_generation;
        }
        m_changed.notify_all();
        m_worker.join();
    }
}

Shape DataLoader::targetShape() const {
    if (m_data.numClasses > 0 && m_data.targetSize == 1) {
        return {};
    }
    return {m_data.targetSize};
}

void DataLoader::beginPass(const std::vector<int64_t>& order, int batchSize, bool training,
                           int epoch) {
    for (int64_t pos : order) {
        if (pos < 0 || pos >= size()) {
            throw std::out_of_range("DataLoader: position " + std::to_string(pos) +
                                    " outside a dataset of " + std::to_string(size()));
        }
    }
    std::unique_lock lock(m_mutex);
    ++m_generation;
    m_changed.notify_all();
    m_changed.wait(lock, [this] { return !m_workerBusy; });
    m_order = order;
    m_batchSize = std::max(batchSize, 1);
    m_training = training;
    m_epoch = epoch;
    m_batches = (static_cast<int64_t>(order.size()) + m_batchSize - 1) / m_batchSize;
    m_produced = 0;
    m_consumed = 0;
    m_error = nullptr;
    m_hasJob = m_worker.joinable();
    m_changed.notify_all();
}

bool DataLoader::next(const Tensor*& inputs, const Tensor*& targets) {
    if (m_consumed >= m_batches) {
        return false;
    }
    Slot& slot = m_slots[static_cast<size_t>(m_consumed) % m_slots.size()];
    if (!m_worker.joinable()) {
        fill(slot, m_consumed);
    } else {
        std::unique_lock lock(m_mutex);
        m_changed.wait(lock, [this] { return m_produced > m_consumed || m_error; });
        // Batches made before the failing one are handed out first, so the error comes
        // at the same batch with and without prefetching.
        if (m_produced == m_consumed) {
            std::rethrow_exception(m_error);
        }
    }
    {
        std::lock_guard lock(m_mutex);
        ++m_consumed;
    }
    m_changed.notify_all();
    inputs = &slot.inputs;
    targets = &slot.targets;
    return true;
}

void DataLoader::fill(Slot& slot, int64_t batch) {
    const auto begin = static_cast<size_t>(batch * m_batchSize);
    const size_t end = std::min(m_order.size(), begin + static_cast<size_t>(m_batchSize));
    const auto n = static_cast<int64_t>(end - begin);
    const Shape sample = m_data.sampleShape();
    const int64_t per = sample.numel();
    const auto width = static_cast<size_t>(m_data.targetSize);
    slot.inputs.resize(sample.withBatch(n));
    slot.targets.resize(targetShape().withBatch(n));
    const SampleStore& store = *m_data.store;
    const bool augment = m_training && m_options.augment && m_data.isImage();
    for (int64_t i = 0; i < n; ++i) {
        const size_t k = begin + static_cast<size_t>(i);
        const int64_t pos = m_order[k];
        const int64_t row = m_data.rows[static_cast<size_t>(pos)];
        float* out = slot.inputs.data() + i * per;
        if (augment) {
            slot.pixels.resize(static_cast<size_t>(per));
            store.readPixels(row, slot.pixels.data());
            // The same seed the GUI's preview uses for this epoch and place in the pass.
            const uint64_t seed = sampleSeed(m_options.seed, m_epoch, static_cast<int64_t>(k));
            m_options.augment(slot.pixels.data(), sample, seed);
            std::transform(slot.pixels.begin(), slot.pixels.end(), out,
                           [](uint8_t v) { return static_cast<float>(v); });
        } else {
            store.readFloat(row, out);
        }
        std::copy_n(m_data.targets.begin() + static_cast<std::ptrdiff_t>(static_cast<size_t>(pos) * width),
                    width, slot.targets.data() + static_cast<size_t>(i) * width);
    }
    applyNormalization(m_norm, slot.inputs.data(), n);
}

void DataLoader::workerLoop() {
    std::unique_lock lock(m_mutex);
    while (true) {
        m_changed.wait(lock, [this] { return m_hasJob || m_stop; });
        if (m_stop) {
            return;
        }
        m_hasJob = false;
        m_workerBusy = true;
        const uint64_t generation = m_generation;
        const auto depth = static_cast<int64_t>(m_slots.size());
        for (int64_t b = 0; b < m_batches; ++b) {
            // Slot b % depth is free once the trainer has moved past the batch it held.
            m_changed.wait(lock, [&] {
                return b < m_consumed + depth - 1 || generation != m_generation || m_stop;
            });
            if (generation != m_generation || m_stop) {
                break;
            }
            lock.unlock();
            std::exception_ptr error;
            try {
                fill(m_slots[static_cast<size_t>(b % depth)], b);
            } catch (...) {
                error = std::current_exception();
            }
            lock.lock();
            if (generation != m_generation) {
                break;
            }
            if (error) {
                m_error = error;
                m_changed.notify_all();
                break;
            }
            m_produced = b + 1;
            m_changed.notify_all();
        }
        m_workerBusy = false;
        m_changed.notify_all();
    }
}

}  // namespace dlab::data
