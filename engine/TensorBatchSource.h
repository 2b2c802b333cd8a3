#pragma once
// A BatchSource over tensors already in memory (inputs (N, ...), targets (N,) or (N, T)):
// gathers each batch's rows into reused buffers. No augmentation, no extra thread.

#include "engine/BatchSource.h"

namespace dlab {

class TensorBatchSource final : public BatchSource {
public:
    // Shares storage with the given tensors; they must outlive the source.
    TensorBatchSource(Tensor inputs, Tensor targets);

    int64_t size() const override { return m_inputs.size(0); }
    Shape sampleShape() const override { return m_inputs.shape().dropBatch(); }
    Shape targetShape() const override { return m_targets.shape().dropBatch(); }
    void beginPass(const std::vector<int64_t>& order, int batchSize, bool training,
                   int epoch) override;
    bool next(const Tensor*& inputs, const Tensor*& targets) override;

private:
    Tensor m_inputs;
    Tensor m_targets;
    std::vector<int64_t> m_order;
    int m_batchSize = 1;
    size_t m_position = 0;
    Tensor m_batchInputs;
    Tensor m_batchTargets;
};

}  // namespace dlab
