#pragma once
// DataLoader: the trainer's BatchSource over a Dataset.
//
// For each batch it reads the samples in the trainer's order from the store, augments
// pixel samples (training passes only), converts to float and normalizes. With
// prefetchBatches > 0 a worker thread prepares up to that many batches ahead while the
// trainer works on the current one, so data preparation does not stall training; with
// 0 batches are made on the calling thread (cheaper for small in-memory sets).
//
// Reproducibility: a sample's augmentation is seeded from (seed, epoch, its place in the
// pass), never from timing, so prefetching changes nothing in the results.
//
// Threading: beginPass/next are called by one thread (the trainer's). Errors in the
// worker (a file that fails to decode) are re-thrown from next().

#include "datasets/Dataset.h"
#include "engine/BatchSource.h"

#include <condition_variable>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>

namespace dlab::data {

// Augments one image in place: pixels (C, H, W) uint8, deterministic for a seed.
using PixelAugment = std::function<void(uint8_t* pixels, const Shape& chw, uint64_t seed)>;

struct LoaderOptions {
    int prefetchBatches = 2;  // 0: no worker thread
    PixelAugment augment;     // applied to pixel samples in training passes when set
    uint64_t seed = 0;
};

class DataLoader final : public BatchSource {
public:
    DataLoader(Dataset data, Normalization normalization, LoaderOptions options = {});
    ~DataLoader() override;
    DataLoader(const DataLoader&) = delete;
    DataLoader& operator=(const DataLoader&) = delete;

    int64_t size() const override { return m_data.size(); }
    Shape sampleShape() const override { return m_data.sampleShape(); }
    Shape targetShape() const override;
    void beginPass(const std::vector<int64_t>& order, int batchSize, bool training,
                   int epoch) override;
    bool next(const Tensor*& inputs, const Tensor*& targets) override;

    const Dataset& dataset() const { return m_data; }

private:
    struct Slot {
        Tensor inputs;
        Tensor targets;
        std::vector<uint8_t> pixels;  // one decoded sample, reused
    };

    void fill(Slot& slot, int64_t batch);
    void workerLoop();

    Dataset m_data;
    Normalization m_norm;
    LoaderOptions m_options;

    std::vector<int64_t> m_order;
    int m_batchSize = 1;
    bool m_training = false;
    int m_epoch = 0;
    int64_t m_batches = 0;

    std::vector<Slot> m_slots;  // ring: batch b lives in slot b % size
    int64_t m_produced = 0;     // batches ready (worker) / made (no worker)
    int64_t m_consumed = 0;     // batches handed to the trainer

    // Worker state, guarded by m_mutex.
    std::mutex m_mutex;
    std::condition_variable m_changed;
    uint64_t m_generation = 0;  // bumped by beginPass: the worker drops a stale pass
    bool m_hasJob = false;
    bool m_workerBusy = false;
    bool m_stop = false;
    std::exception_ptr m_error;
    std::thread m_worker;
};

}  // namespace dlab::data
