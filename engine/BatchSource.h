#pragma once
// BatchSource: where the trainer gets its mini-batches.
//
// The trainer decides the order of the samples (its seeded shuffle) and hands it over at
// the start of each pass; the source then yields batches in that order. A source may
// prepare batches ahead on its own thread (the data pipeline's prefetching loader) as
// long as what it yields is a function of (order, epoch) only, so runs stay reproducible.
//
// Tensors handed out by next() stay valid until the following next() or beginPass().
// A source is driven by one thread (the training thread).

#include "engine/Tensor.h"

#include <cstdint>
#include <vector>

namespace dlab {

class BatchSource {
public:
    virtual ~BatchSource() = default;

    virtual int64_t size() const = 0;
    // One sample's input shape, without the batch dim.
    virtual Shape sampleShape() const = 0;
    // One sample's target shape: () for class indices, (T,) for regression targets.
    virtual Shape targetShape() const = 0;

    // Starts a pass over `order` (positions in [0, size()), each at most once) in batches
    // of `batchSize`. `training` is true for passes that update weights: sources apply
    // augmentation only then. `epoch` (1-based) seeds per-epoch randomness.
    virtual void beginPass(const std::vector<int64_t>& order, int batchSize, bool training,
                           int epoch) = 0;
    // The next batch: inputs (B, ...sampleShape), targets (B, ...targetShape). Returns
    // false after the last batch of the pass.
    virtual bool next(const Tensor*& inputs, const Tensor*& targets) = 0;
};

}  // namespace dlab
