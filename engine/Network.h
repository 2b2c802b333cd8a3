#pragma once
// Sequential: layers applied in order, itself a Layer so blocks (residual) nest it.
// Network: a Sequential built from specs for a given sample shape, with named
// parameters, a seeded generator, and the per-layer summary the builder shows.
//
// Activation buffers are owned here and reused across steps: after the first batch of
// a given size, forward and backward allocate nothing.

#include "engine/Layer.h"
#include "engine/Registry.h"

#include <memory>
#include <string>
#include <vector>

namespace dlab {

class Sequential final : public Layer {
public:
    Sequential() = default;
    explicit Sequential(std::vector<std::unique_ptr<Layer>> layers);

    std::string kind() const override { return "sequential"; }
    std::string describe() const override;
    Shape outputShape(const Shape& input) const override;
    void forward(const Tensor& x, Tensor& y, Mode mode) override;
    void backward(const Tensor& x, const Tensor& y, const Tensor& dy, Tensor& dx,
                  bool needInputGrad) override;
    std::vector<Param*> params() override;
    std::vector<Buffer*> buffers() override;
    void initialize(Rng& rng) override;
    void setRng(Rng* rng) override;

    // Forward without the copy into an outside buffer: returns the last activation,
    // valid until the next run.
    const Tensor& run(const Tensor& x, Mode mode);
    // Backward after run(); returns dL/dx (undefined when !needInputGrad and empty).
    const Tensor& runBackward(const Tensor& dy, bool needInputGrad);

    size_t size() const { return m_layers.size(); }
    Layer& layer(size_t i) { return *m_layers[i]; }
    const Layer& layer(size_t i) const { return *m_layers[i]; }
    // Output of layer i from the last run (for the inspection views).
    const Tensor& activation(size_t i) const { return m_acts[i + 1]; }
    // The network's input of the last run.
    const Tensor& input() const { return m_acts[0]; }
    // dL/d(output of layer i) from the last runBackward (for the inspection views).
    const Tensor& gradient(size_t i) const { return m_grads[i + 1]; }

private:
    std::vector<std::unique_ptr<Layer>> m_layers;
    std::vector<Tensor> m_acts;   // m_acts[0] = input, m_acts[i+1] = output of layer i
    std::vector<Tensor> m_grads;  // m_grads[i] = dL/d m_acts[i]
};

// Builds layers from specs, checking each one's input shape; errors name the layer
// ("layer 4 (dense): expected input (N, F), got (N, 16, 7, 7)"). `sampleShape` has no
// batch dim. Labels are set as "layer K (kind)" counting from 1, nested as "layer 2.1".
std::vector<std::unique_ptr<Layer>> buildLayers(const std::vector<LayerSpec>& specs,
                                                const Shape& sampleShape,
                                                const std::string& labelPrefix = "layer ");

struct NamedParam {
    std::string name;  // "3.weight": layer index (from 1) and the parameter's name
    Param* param;
};

struct NamedBuffer {
    std::string name;
    Buffer* buffer;
};

struct LayerSummary {
    std::string kind;
    std::string description;
    Shape outputShape;  // per sample, no batch dim
    int64_t parameters = 0;
};

class Network {
public:
    // Throws std::invalid_argument with the offending layer named.
    Network(const std::vector<LayerSpec>& specs, const Shape& sampleShape, uint64_t seed);

    const Shape& inputShape() const { return m_inputShape; }
    const Shape& outputShape() const { return m_outputShape; }

    // x: (N, ...sampleShape). Returns the output (N, ...outputShape), valid until next call.
    const Tensor& forward(const Tensor& x, Mode mode);
    // dy: gradient of the loss w.r.t. the last forward's output. Accumulates into grads.
    void backward(const Tensor& dy);
    void zeroGrad();
    // Re-initializes every parameter from `seed` ("reset weights").
    void initialize(uint64_t seed);

    const std::vector<NamedParam>& params() const { return m_params; }
    const std::vector<NamedBuffer>& buffers() const { return m_buffers; }
    int64_t parameterCount() const;
    std::vector<LayerSummary> summary() const;
    const std::vector<LayerSpec>& specs() const { return m_specs; }
    Sequential& layers() { return m_body; }
    Rng& rng() { return m_rng; }

private:
    std::vector<LayerSpec> m_specs;
    Shape m_inputShape;
    Shape m_outputShape;
    Sequential m_body;
    Rng m_rng;
    std::vector<NamedParam> m_params;
    std::vector<NamedBuffer> m_buffers;
};

}  // namespace dlab
