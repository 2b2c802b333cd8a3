#include "engine/TensorBatchSource.h"

#include "engine/Backend.h"

#include <algorithm>
#include <stdexcept>

namespace dlab {

TensorBatchSource::TensorBatchSource(Tensor inputs, Tensor targets)
    : m_inputs(std::move(inputs)), m_targets(std::move(targets)) {
    if (!m_inputs.defined() || !m_targets.defined() || m_inputs.rank() < 1 ||
        m_targets.rank() < 1 || m_inputs.size(0) != m_targets.size(0)) {
        throw std::invalid_argument(
            "a data set needs inputs (N, ...) and targets (N, ...) with the same N, got " +
            (m_inputs.defined() ? m_inputs.shape().str() : std::string("nothing")) + " and " +
            (m_targets.defined() ? m_targets.shape().str() : std::string("nothing")));
    }
}

void TensorBatchSource::beginPass(const std::vector<int64_t>& order, int batchSize, bool,
                                  int) {
    m_order = order;
    m_batchSize = std::max(batchSize, 1);
    m_position = 0;
}

bool TensorBatchSource::next(const Tensor*& inputs, const Tensor*& targets) {
    if (m_position >= m_order.size()) {
        return false;
    }
    const size_t end = std::min(m_order.size(), m_position + static_cast<size_t>(m_batchSize));
    const auto n = static_cast<int64_t>(end - m_position);
    const int64_t sampleSize = m_inputs.shape().numelFrom(1);
    const int64_t targetSize = m_targets.shape().numelFrom(1);
    m_batchInputs.resize(sampleShape().withBatch(n));
    m_batchTargets.resize(targetShape().withBatch(n));
    Backend& be = backendFor(m_inputs.device());
    for (int64_t i = 0; i < n; ++i) {
        const int64_t src = m_order[m_position + static_cast<size_t>(i)];
        be.copy(m_batchInputs.data() + i * sampleSize, m_inputs.data() + src * sampleSize,
                static_cast<size_t>(sampleSize));
        be.copy(m_batchTargets.data() + i * targetSize, m_targets.data() + src * targetSize,
                static_cast<size_t>(targetSize));
    }
    m_position = end;
    inputs = &m_batchInputs;
    targets = &m_batchTargets;
    return true;
}

}  // namespace dlab
