#pragma once
// Dropout: at training time each unit is kept with probability 1 - p and zeroed
// otherwise, drawing a fresh mask every forward pass. Any shape in, same shape out.
//
// Two formulations, chosen by `mode`:
//  - Inverted (the default, as in PyTorch): kept units are scaled by 1/(1-p) during
//    training, so the expected activation is unchanged and evaluation is the identity.
//  - ScaleAtTest (the course's original formulation): training only masks; at test
//    time every activation is multiplied by (1-p) to match the training expectation.
//
// In Eval mode with Inverted, y and dx are views of x and dy (no copy). Otherwise y
// and dx are handles to buffers this layer owns, so they stay valid until the next
// forward/backward of this layer and never alias a caller's storage.
// The mask comes from the generator given by setRng (the network's, so runs repeat);
// without one the layer uses its own generator seeded with 0.

#include "engine/Layer.h"

#include <vector>

namespace dlab {

class LayerRegistry;

enum class DropoutMode { Inverted, ScaleAtTest };

class Dropout final : public Layer {
public:
    // rate p in [0, 1): the probability of dropping a unit.
    Dropout(float rate, DropoutMode mode);

    std::string kind() const override { return "dropout"; }
    std::string describe() const override;
    Shape outputShape(const Shape& input) const override { return input; }
    void forward(const Tensor& x, Tensor& y, Mode mode) override;
    void backward(const Tensor& x, const Tensor& y, const Tensor& dy, Tensor& dx,
                  bool needInputGrad) override;
    void setRng(Rng* rng) override { m_rng = rng; }

    // While frozen, a training forward reuses the previous mask when the shape matches
    // (a fresh one is drawn otherwise). Gradient checks need this: finite differences
    // compare forward passes, which must see the same mask.
    void freezeMask(bool frozen) { m_frozen = frozen; }
    // (N, ...) multipliers of the last training forward: 0 for dropped units, else
    // 1/(1-p) (Inverted) or 1 (ScaleAtTest).
    const Tensor& mask() const { return m_mask; }

    float rate() const { return m_rate; }
    DropoutMode mode() const { return m_mode; }

private:
    void drawMask(const Shape& shape);

    float m_rate;
    DropoutMode m_mode;
    Rng* m_rng = nullptr;
    Rng m_ownRng{0};
    bool m_frozen = false;
    bool m_lastTrain = true;
    std::vector<float> m_hostMask;  // staging for the draw, reused across batches
    Tensor m_mask;
    Tensor m_out;
    Tensor m_grad;
};

// Names of the modes in experiment files: "inverted", "scale_at_test".
const std::vector<std::string>& dropoutModeNames();

void registerDropout(LayerRegistry& registry);

}  // namespace dlab
