#pragma once
// Conv2d: 2-D convolution (cross-correlation, as in PyTorch) over square windows.
//   x (N, Cin, H, W), W (Cout, Cin, k, k), b (Cout), y (N, Cout, outH, outW)
//   outH = (H + 2·padding - k) / stride + 1, likewise outW.
// Built as im2col + GEMM per sample: the columns buffer (Cin·k·k, outH·outW) is a
// member, sized on the first batch and reused, so steady-state steps allocate nothing.
// backward recomputes each sample's columns rather than keeping N of them.

#include "engine/Backend.h"
#include "engine/Init.h"
#include "engine/Layer.h"

namespace dlab {

class LayerRegistry;

class Conv2d final : public Layer {
public:
    Conv2d(int64_t inChannels, int64_t filters, int kernel, int stride, int padding, bool bias,
           InitSpec init);

    std::string kind() const override { return "conv2d"; }
    std::string describe() const override;
    Shape outputShape(const Shape& input) const override;
    void forward(const Tensor& x, Tensor& y, Mode mode) override;
    void backward(const Tensor& x, const Tensor& y, const Tensor& dy, Tensor& dx,
                  bool needInputGrad) override;
    std::vector<Param*> params() override;
    void initialize(Rng& rng) override;

    Param& weight() { return m_weight; }
    Param& bias() { return m_bias; }

private:
    ConvGeometry geometry(const Shape& input) const;
    // 1×1, stride 1, no padding: one image (Cin, H·W) already is its columns matrix.
    bool columnsAreInput() const { return m_kernel == 1 && m_stride == 1 && m_padding == 0; }

    int64_t m_in;
    int64_t m_out;
    int m_kernel;
    int m_stride;
    int m_padding;
    bool m_hasBias;
    InitSpec m_init;
    Param m_weight{"weight", {}, {}, true};
    Param m_bias{"bias", {}, {}, false};
    Tensor m_columns;  // (Cin·k·k, outH·outW), one sample at a time
};

void registerConv2d(LayerRegistry& registry);

}  // namespace dlab
