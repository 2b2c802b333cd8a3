#include "engine/layers/Flatten.h"

#include "engine/Registry.h"

#include <stdexcept>

namespace dlab {

Shape Flatten::outputShape(const Shape& input) const {
    if (input.rank() < 1) {
        throw std::invalid_argument("expected a batched input (N, ...), got " + input.str());
    }
    return {input[0], input.numelFrom(1)};
}

void Flatten::forward(const Tensor& x, Tensor& y, Mode) {
    y = x.reshape(outputShape(x.shape()));
}

void Flatten::backward(const Tensor& x, const Tensor&, const Tensor& dy, Tensor& dx,
                       bool needInputGrad) {
    if (needInputGrad) {
        dx = dy.reshape(x.shape());
    }
}

void registerFlatten(LayerRegistry& registry) {
    LayerInfo info;
    info.kind = "flatten";
    info.category = "core";
    info.help = "Flatten: turns an image tensor (C, H, W) into one long vector, as a dense "
                "layer needs.";
    info.factory = [](const LayerSpec&, const Shape&) -> std::unique_ptr<Layer> {
        return std::make_unique<Flatten>();
    };
    registry.add(std::move(info));
}

}  // namespace dlab
