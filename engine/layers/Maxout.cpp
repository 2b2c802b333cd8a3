#include "engine/layers/Maxout.h"

#include "engine/Backend.h"
#include "engine/Registry.h"

#include <stdexcept>

namespace dlab {

Maxout::Maxout(int64_t pieces) : m_pieces(pieces) {}

std::string Maxout::describe() const {
    return "Maxout, " + std::to_string(m_pieces) + " pieces";
}

Shape Maxout::outputShape(const Shape& input) const {
    if (input.rank() < 2) {
        throw std::invalid_argument("expected input (N, C·k, ...), got " + input.str());
    }
    if (input[1] % m_pieces != 0) {
        throw std::invalid_argument("input " + input.str() + ": dim 1 (" +
                                    std::to_string(input[1]) + ") is not divisible by " +
                                    std::to_string(m_pieces) + " pieces");
    }
    Shape out = input;
    out[1] = input[1] / m_pieces;
    return out;
}

void Maxout::forward(const Tensor& x, Tensor& y, Mode) {
    const Shape out = outputShape(x.shape());
    y.resize(out);
    m_argmax.resize(out);
    backendFor(x.device())
        .maxoutForward(x.data(), y.data(), m_argmax.data(), x.size(0), out[1], m_pieces,
                       x.shape().numelFrom(2));
}

void Maxout::backward(const Tensor& x, const Tensor& y, const Tensor& dy, Tensor& dx,
                      bool needInputGrad) {
    if (!needInputGrad) {
        return;
    }
    dx.resize(x.shape());
    backendFor(x.device())
        .maxoutBackward(dy.data(), m_argmax.data(), dx.data(), x.size(0), y.size(1), m_pieces,
                        x.shape().numelFrom(2));
}

void registerMaxout(LayerRegistry& registry) {
    LayerInfo info;
    info.kind = "maxout";
    info.category = "activation";
    info.help = "Maxout: each unit outputs the maximum of k linear pieces, max(w1ᵀx + b1, ..., "
                "wkᵀx + bk), taken over groups of k consecutive inputs (put a dense or conv "
                "layer with k times the units before it). Generalizes ReLU and leaky ReLU, "
                "never saturates or dies, but multiplies the parameter count by k.";
    info.settings = {{"pieces", SettingType::Int, "2",
                      "k: how many inputs compete for each output unit.", {}, 1, 64}};
    info.factory = [&registry](const LayerSpec& spec,
                               const Shape& input) -> std::unique_ptr<Layer> {
        SpecReader r(spec, *registry.find("maxout"));
        auto layer = std::make_unique<Maxout>(r.getInt("pieces"));
        layer->outputShape(input);
        return layer;
    };
    registry.add(std::move(info));
}

}  // namespace dlab
