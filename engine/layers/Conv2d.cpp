#include "engine/layers/Conv2d.h"

#include "engine/Registry.h"

#include <stdexcept>

namespace dlab {

Conv2d::Conv2d(int64_t inChannels, int64_t filters, int kernel, int stride, int padding,
               bool bias, InitSpec init)
    : m_in(inChannels), m_out(filters), m_kernel(kernel), m_stride(stride), m_padding(padding),
      m_hasBias(bias), m_init(init) {
    const Shape wShape{m_out, m_in, m_kernel, m_kernel};
    m_weight.value = Tensor::zeros(wShape);
    m_weight.grad = Tensor::zeros(wShape);
    if (m_hasBias) {
        m_bias.value = Tensor::zeros({m_out});
        m_bias.grad = Tensor::zeros({m_out});
    }
}

std::string Conv2d::describe() const {
    const std::string k = std::to_string(m_kernel);
    return "Conv2d " + std::to_string(m_in) + "→" + std::to_string(m_out) + ", " + k + "×" + k +
           ", stride " + std::to_string(m_stride) + ", pad " + std::to_string(m_padding) +
           (m_hasBias ? "" : " (no bias)");
}

ConvGeometry Conv2d::geometry(const Shape& input) const {
    ConvGeometry g;
    g.channels = static_cast<int>(m_in);
    g.height = static_cast<int>(input[2]);
    g.width = static_cast<int>(input[3]);
    g.kernelH = g.kernelW = m_kernel;
    g.strideH = g.strideW = m_stride;
    g.padH = g.padW = m_padding;
    return g;
}

Shape Conv2d::outputShape(const Shape& input) const {
    if (input.rank() != 4) {
        throw std::invalid_argument("expected input (N, C, H, W), got " + input.str() +
                                    (input.rank() == 2 ? "; a conv2d layer needs images, not "
                                                         "flattened features"
                                                       : ""));
    }
    if (input[1] != m_in) {
        throw std::invalid_argument("expected input (N, " + std::to_string(m_in) +
                                    ", H, W), got " + input.str());
    }
    // Integer division truncates toward zero, so test the numerator before dividing.
    const int64_t spanH = input[2] + 2 * m_padding - m_kernel;
    const int64_t spanW = input[3] + 2 * m_padding - m_kernel;
    if (spanH < 0 || spanW < 0) {
        const std::string k = std::to_string(m_kernel);
        throw std::invalid_argument(
            "input " + input.str() + " is too small for a " + k + "×" + k +
            " kernel with padding " + std::to_string(m_padding) + ": H and W must be at least " +
            std::to_string(m_kernel - 2 * m_padding) + ", or the output (N, " +
            std::to_string(m_out) + ", outH, outW) would have no pixels");
    }
    return {input[0], m_out, spanH / m_stride + 1, spanW / m_stride + 1};
}

void Conv2d::initialize(Rng& rng) {
    const int64_t area = static_cast<int64_t>(m_kernel) * m_kernel;
    initializeTensor(m_weight.value, m_init, m_in * area, m_out * area, rng);
    if (m_hasBias) {
        backendFor(m_bias.value.device()).fill(m_bias.value.data(), static_cast<size_t>(m_out),
                                               0.0f);
    }
}

std::vector<Param*> Conv2d::params() {
    if (m_hasBias) {
        return {&m_weight, &m_bias};
    }
    return {&m_weight};
}

void Conv2d::forward(const Tensor& x, Tensor& y, Mode) {
    const Shape out = outputShape(x.shape());
    y.resize(out);
    const ConvGeometry g = geometry(x.shape());
    const int64_t n = x.size(0);
    const auto rows = static_cast<int>(m_in * m_kernel * m_kernel);  // Cin·k·k
    const auto pixels = static_cast<int>(out[2] * out[3]);           // outH·outW
    const int64_t inSize = x.shape().numelFrom(1);
    const int64_t outSize = out.numelFrom(1);
    Backend& be = backendFor(x.device());
    if (!columnsAreInput()) {
        m_columns.resize({rows, pixels});
    }
    for (int64_t i = 0; i < n; ++i) {
        const float* image = x.data() + i * inSize;
        const float* columns = image;
        if (!columnsAreInput()) {
            be.im2col(g, image, m_columns.data());
            columns = m_columns.data();
        }
        // y_i (Cout, outH·outW) = W (Cout, Cin·k·k) · columns (Cin·k·k, outH·outW)
        be.gemm(false, false, static_cast<int>(m_out), pixels, rows, 1.0f,
                m_weight.value.data(), columns, 0.0f, y.data() + i * outSize);
    }
    if (m_hasBias) {
        be.addChannelBias(y.data(), m_bias.value.data(), n, m_out, out[2] * out[3]);
    }
}

void Conv2d::backward(const Tensor& x, const Tensor&, const Tensor& dy, Tensor& dx,
                      bool needInputGrad) {
    const ConvGeometry g = geometry(x.shape());
    const int64_t n = x.size(0);
    const auto rows = static_cast<int>(m_in * m_kernel * m_kernel);
    const auto pixels = g.outHeight() * g.outWidth();
    const int64_t inSize = x.shape().numelFrom(1);
    const int64_t outSize = m_out * pixels;
    Backend& be = backendFor(x.device());
    if (m_hasBias) {
        be.channelSum(dy.data(), m_bias.grad.data(), n, m_out, pixels);
    }
    if (needInputGrad) {
        dx.resize(x.shape());
    }
    if (!columnsAreInput()) {
        m_columns.resize({rows, pixels});
    }
    for (int64_t i = 0; i < n; ++i) {
        const float* image = x.data() + i * inSize;
        const float* dyi = dy.data() + i * outSize;
        const float* columns = image;
        if (!columnsAreInput()) {
            be.im2col(g, image, m_columns.data());
            columns = m_columns.data();
        }
        // dW (Cout, Cin·k·k) += dy_i (Cout, outH·outW) · columnsᵀ (outH·outW, Cin·k·k)
        be.gemm(false, true, static_cast<int>(m_out), rows, pixels, 1.0f, dyi, columns, 1.0f,
                m_weight.grad.data());
        if (!needInputGrad) {
            continue;
        }
        float* dxi = dx.data() + i * inSize;
        // dcolumns (Cin·k·k, outH·outW) = Wᵀ · dy_i. The columns of this sample are no
        // longer needed, so their buffer takes the result; col2im then scatters it back
        // onto the (zeroed) image, summing where windows overlap.
        if (columnsAreInput()) {
            be.gemm(true, false, rows, pixels, static_cast<int>(m_out), 1.0f,
                    m_weight.value.data(), dyi, 0.0f, dxi);
            continue;
        }
        be.gemm(true, false, rows, pixels, static_cast<int>(m_out), 1.0f,
                m_weight.value.data(), dyi, 0.0f, m_columns.data());
        be.fill(dxi, static_cast<size_t>(inSize), 0.0f);
        be.col2im(g, m_columns.data(), dxi);
    }
}

void registerConv2d(LayerRegistry& registry) {
    LayerInfo info;
    info.kind = "conv2d";
    info.category = "convolution";
    info.help = "Convolution: slides each of `filters` small filters (kernel×kernel, through "
                "the full input depth) over the image and takes a dot product at every "
                "position plus a bias, giving one activation map per filter. Weights are "
                "shared across positions (local connectivity, parameter sharing). Output size "
                "(W - F + 2P)/S + 1.";
    info.settings = {
        {"filters", SettingType::Int, "", "Number of filters K: the depth of the output volume.",
         {}, 1, 1 << 16},
        {"kernel", SettingType::Int, "3", "Spatial extent F of each filter (F×F).", {}, 1, 64},
        {"stride", SettingType::Int, "1", "Stride S: how many pixels the filter moves per step.",
         {}, 1, 64},
        {"padding", SettingType::Int, "0",
         "Zero-padding P around the border; P = (F - 1)/2 with stride 1 keeps the size.", {}, 0,
         64},
    };
    for (auto& s : weightInitSettings("he_normal")) {
        info.settings.push_back(s);
    }
    info.factory = [&registry](const LayerSpec& spec,
                               const Shape& input) -> std::unique_ptr<Layer> {
        if (input.rank() != 4) {
            throw std::invalid_argument("expected input (N, C, H, W), got " + input.str());
        }
        SpecReader r(spec, *registry.find("conv2d"));
        auto layer = std::make_unique<Conv2d>(
            input[1], r.getInt("filters"), static_cast<int>(r.getInt("kernel")),
            static_cast<int>(r.getInt("stride")), static_cast<int>(r.getInt("padding")),
            r.getBool("bias"), readInitSpec(r));
        layer->outputShape(input);
        return layer;
    };
    registry.add(std::move(info));
}

}  // namespace dlab
