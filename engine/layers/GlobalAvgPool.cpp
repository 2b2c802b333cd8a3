#include "engine/layers/GlobalAvgPool.h"

#include "engine/Registry.h"

#include <stdexcept>

namespace dlab {

ConvGeometry GlobalAvgPool::geometry(const Shape& input) {
    ConvGeometry g;
    g.channels = 1;
    g.height = g.kernelH = static_cast<int>(input[2]);
    g.width = g.kernelW = static_cast<int>(input[3]);
    return g;
}

Shape GlobalAvgPool::outputShape(const Shape& input) const {
    if (input.rank() != 4 || input[2] < 1 || input[3] < 1) {
        throw std::invalid_argument("expected input (N, C, H, W), got " + input.str());
    }
    return {input[0], input[1]};
}

void GlobalAvgPool::forward(const Tensor& x, Tensor& y, Mode) {
    y.resize(outputShape(x.shape()));
    backendFor(x.device())
        .avgPoolForward(geometry(x.shape()), x.size(0) * x.size(1), x.data(), y.data());
}

void GlobalAvgPool::backward(const Tensor& x, const Tensor&, const Tensor& dy, Tensor& dx,
                             bool needInputGrad) {
    if (!needInputGrad) {
        return;
    }
    dx.resize(x.shape());
    Backend& be = backendFor(x.device());
    be.fill(dx.data(), static_cast<size_t>(dx.numel()), 0.0f);
    be.avgPoolBackward(geometry(x.shape()), x.size(0) * x.size(1), dy.data(), dx.data());
}

void registerGlobalAvgPool(LayerRegistry& registry) {
    LayerInfo info;
    info.kind = "global_avgpool";
    info.category = "convolution";
    info.help = "Global average pooling: averages each activation map over all its positions, "
                "(C, H, W) → (C). Used instead of big fully connected layers at the end of "
                "GoogLeNet and ResNet; no parameters.";
    info.factory = [](const LayerSpec&, const Shape& input) -> std::unique_ptr<Layer> {
        auto layer = std::make_unique<GlobalAvgPool>();
        layer->outputShape(input);
        return layer;
    };
    registry.add(std::move(info));
}

}  // namespace dlab
