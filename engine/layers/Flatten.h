#pragma once
// Flatten: (N, d1, d2, ...) -> (N, d1·d2·...). A view: no copy either way.

#include "engine/Layer.h"

namespace dlab {

class LayerRegistry;

class Flatten final : public Layer {
public:
    std::string kind() const override { return "flatten"; }
    std::string describe() const override { return "Flatten"; }
    Shape outputShape(const Shape& input) const override;
    void forward(const Tensor& x, Tensor& y, Mode mode) override;
    void backward(const Tensor& x, const Tensor& y, const Tensor& dy, Tensor& dx,
                  bool needInputGrad) override;
};

void registerFlatten(LayerRegistry& registry);

}  // namespace dlab
