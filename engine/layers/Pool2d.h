#pragma once
// Pool2d: max or average pooling over square windows, each channel on its own.
//   x (N, C, H, W) -> y (N, C, outH, outW), outH = (H + 2·padding - kernel) / stride + 1.
// Max pooling routes the gradient to the winner of each window (its argmax is kept
// from forward); average pooling spreads it evenly and counts padded cells in the
// divisor (PyTorch's count_include_pad=True). No parameters.

#include "engine/Backend.h"
#include "engine/Layer.h"

namespace dlab {

class LayerRegistry;

enum class PoolKind { Max, Avg };

class Pool2d final : public Layer {
public:
    // stride 0 means "same as kernel" (non-overlapping windows).
    Pool2d(PoolKind pool, int kernel, int stride, int padding);

    std::string kind() const override;
    std::string describe() const override;
    Shape outputShape(const Shape& input) const override;
    void forward(const Tensor& x, Tensor& y, Mode mode) override;
    void backward(const Tensor& x, const Tensor& y, const Tensor& dy, Tensor& dx,
                  bool needInputGrad) override;

private:
    ConvGeometry geometry(const Shape& input) const;

    PoolKind m_pool;
    int m_kernel;
    int m_stride;
    int m_padding;
    Tensor m_argmax;  // (N, C, outH, outW), flat index of each window's winner in its plane
};

void registerPool2d(LayerRegistry& registry);

}  // namespace dlab
