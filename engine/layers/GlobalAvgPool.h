#pragma once
// GlobalAvgPool: the mean of each activation map, (N, C, H, W) -> (N, C).
// It replaces flatten + large dense layers at the end of modern CNNs (ResNet,
// GoogLeNet): one number per channel, no parameters, any H and W.

#include "engine/Backend.h"
#include "engine/Layer.h"

namespace dlab {

class LayerRegistry;

class GlobalAvgPool final : public Layer {
public:
    std::string kind() const override { return "global_avgpool"; }
    std::string describe() const override { return "Global average pool"; }
    Shape outputShape(const Shape& input) const override;
    void forward(const Tensor& x, Tensor& y, Mode mode) override;
    void backward(const Tensor& x, const Tensor& y, const Tensor& dy, Tensor& dx,
                  bool needInputGrad) override;

private:
    // One window covering the whole (H, W) plane.
    static ConvGeometry geometry(const Shape& input);
};

void registerGlobalAvgPool(LayerRegistry& registry);

}  // namespace dlab
