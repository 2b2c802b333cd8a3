#include "engine/layers/Pool2d.h"

#include "engine/Registry.h"

#include <stdexcept>

namespace dlab {

Pool2d::Pool2d(PoolKind pool, int kernel, int stride, int padding)
    : m_pool(pool), m_kernel(kernel), m_stride(stride > 0 ? stride : kernel), m_padding(padding) {
    // A window lying entirely in the padding would have no input cell to pick or average.
    if (2 * m_padding > m_kernel) {
        throw std::invalid_argument("padding " + std::to_string(m_padding) +
                                    " must be at most half the kernel (" +
                                    std::to_string(m_kernel) + ")");
    }
}

std::string Pool2d::kind() const {
    return m_pool == PoolKind::Max ? "maxpool2d" : "avgpool2d";
}

std::string Pool2d::describe() const {
    const std::string k = std::to_string(m_kernel);
    std::string text = std::string(m_pool == PoolKind::Max ? "MaxPool " : "AvgPool ") + k + "×" +
                       k + ", stride " + std::to_string(m_stride);
    if (m_padding > 0) {
        text += ", pad " + std::to_string(m_padding);
    }
    return text;
}

ConvGeometry Pool2d::geometry(const Shape& input) const {
    ConvGeometry g;
    g.channels = 1;
    g.height = static_cast<int>(input[2]);
    g.width = static_cast<int>(input[3]);
    g.kernelH = g.kernelW = m_kernel;
    g.strideH = g.strideW = m_stride;
    g.padH = g.padW = m_padding;
    return g;
}

Shape Pool2d::outputShape(const Shape& input) const {
    if (input.rank() != 4) {
        throw std::invalid_argument("expected input (N, C, H, W), got " + input.str());
    }
    const int64_t spanH = input[2] + 2 * m_padding - m_kernel;
    const int64_t spanW = input[3] + 2 * m_padding - m_kernel;
    if (spanH < 0 || spanW < 0) {
        const std::string k = std::to_string(m_kernel);
        throw std::invalid_argument("input " + input.str() + " is too small for a " + k + "×" +
                                    k + " pooling window with padding " +
                                    std::to_string(m_padding) + ": H and W must be at least " +
                                    std::to_string(m_kernel - 2 * m_padding));
    }
    return {input[0], input[1], spanH / m_stride + 1, spanW / m_stride + 1};
}

void Pool2d::forward(const Tensor& x, Tensor& y, Mode) {
    const Shape out = outputShape(x.shape());
    y.resize(out);
    const ConvGeometry g = geometry(x.shape());
    const int64_t planes = x.size(0) * x.size(1);
    Backend& be = backendFor(x.device());
    if (m_pool == PoolKind::Max) {
        m_argmax.resize(out);
        be.maxPoolForward(g, planes, x.data(), y.data(), m_argmax.data());
    } else {
        be.avgPoolForward(g, planes, x.data(), y.data());
    }
}

void Pool2d::backward(const Tensor& x, const Tensor&, const Tensor& dy, Tensor& dx,
                      bool needInputGrad) {
    if (!needInputGrad) {
        return;
    }
    dx.resize(x.shape());
    const ConvGeometry g = geometry(x.shape());
    const int64_t planes = x.size(0) * x.size(1);
    Backend& be = backendFor(x.device());
    // Both primitives scatter with `+=`, since overlapping windows share input cells.
    be.fill(dx.data(), static_cast<size_t>(dx.numel()), 0.0f);
    if (m_pool == PoolKind::Max) {
        be.maxPoolBackward(g, planes, dy.data(), m_argmax.data(), dx.data());
    } else {
        be.avgPoolBackward(g, planes, dy.data(), dx.data());
    }
}

void registerPool2d(LayerRegistry& registry) {
    const std::vector<SettingInfo> settings = {
        {"kernel", SettingType::Int, "2", "Spatial extent F of each pooling window (F×F).", {}, 1,
         64},
        {"stride", SettingType::Int, "0",
         "Stride S between windows; 0 means S = F (non-overlapping, the common F = 2, S = 2).",
         {}, 0, 64},
        {"padding", SettingType::Int, "0", "Padding P around the border, at most F/2.", {}, 0,
         32},
    };
    const struct {
        const char* kind;
        PoolKind pool;
        const char* help;
    } kinds[] = {
        {"maxpool2d", PoolKind::Max,
         "Max pooling: downsamples each activation map on its own by keeping the largest value "
         "in every window; makes the representation smaller and adds a little translation "
         "invariance. No parameters; the gradient flows only to each window's maximum."},
        {"avgpool2d", PoolKind::Avg,
         "Average pooling: downsamples each activation map by averaging every window (LeNet's "
         "subsampling). Padded cells count as zeros in the average. No parameters."},
    };
    for (const auto& k : kinds) {
        LayerInfo info;
        info.kind = k.kind;
        info.category = "convolution";
        info.help = k.help;
        info.settings = settings;
        const PoolKind pool = k.pool;
        info.factory = [&registry, pool](const LayerSpec& spec,
                                         const Shape& input) -> std::unique_ptr<Layer> {
            SpecReader r(spec, *registry.find(spec.kind));
            auto layer = std::make_unique<Pool2d>(pool, static_cast<int>(r.getInt("kernel")),
                                                  static_cast<int>(r.getInt("stride")),
                                                  static_cast<int>(r.getInt("padding")));
            layer->outputShape(input);
            return layer;
        };
        registry.add(std::move(info));
    }
}

}  // namespace dlab
