#include "engine/Network.h"

#include "engine/Backend.h"

#include <stdexcept>

namespace dlab {

Sequential::Sequential(std::vector<std::unique_ptr<Layer>> layers)
    : m_layers(std::move(layers)), m_acts(m_layers.size() + 1), m_grads(m_layers.size() + 1) {}

std::string Sequential::describe() const {
    std::string text;
    for (const auto& layer : m_layers) {
        text += (text.empty() ? "" : " → ") + layer->describe();
    }
    return text;
}

Shape Sequential::outputShape(const Shape& input) const {
    Shape shape = input;
    for (const auto& layer : m_layers) {
        shape = layer->outputShape(shape);
    }
    return shape;
}

const Tensor& Sequential::run(const Tensor& x, Mode mode) {
    m_acts[0] = x;
    for (size_t i = 0; i < m_layers.size(); ++i) {
        m_layers[i]->forward(m_acts[i], m_acts[i + 1], mode);
    }
    return m_acts.back();
}

const Tensor& Sequential::runBackward(const Tensor& dy, bool needInputGrad) {
    if (m_layers.empty()) {
        m_grads[0] = dy;
        return m_grads[0];
    }
    m_grads.back() = dy;  // shares dy's storage; kept so gradient(last) answers too
    const Tensor* grad = &m_grads.back();
    for (size_t i = m_layers.size(); i-- > 0;) {
        const bool need = needInputGrad || i > 0;
        m_layers[i]->backward(m_acts[i], m_acts[i + 1], *grad, m_grads[i], need);
        grad = &m_grads[i];
    }
    return m_grads[0];
}

void Sequential::forward(const Tensor& x, Tensor& y, Mode mode) {
    const Tensor& out = run(x, mode);
    y.resize(out.shape());
    y.copyFrom(out);
}

void Sequential::backward(const Tensor&, const Tensor&, const Tensor& dy, Tensor& dx,
                          bool needInputGrad) {
    const Tensor& g = runBackward(dy, needInputGrad);
    if (needInputGrad) {
        dx.resize(g.shape());
        dx.copyFrom(g);
    }
}

std::vector<Param*> Sequential::params() {
    std::vector<Param*> out;
    for (auto& layer : m_layers) {
        for (Param* p : layer->params()) {
            out.push_back(p);
        }
    }
    return out;
}

std::vector<Buffer*> Sequential::buffers() {
    std::vector<Buffer*> out;
    for (auto& layer : m_layers) {
        for (Buffer* b : layer->buffers()) {
            out.push_back(b);
        }
    }
    return out;
}

void Sequential::initialize(Rng& rng) {
    for (auto& layer : m_layers) {
        layer->initialize(rng);
    }
}

void Sequential::setRng(Rng* rng) {
    for (auto& layer : m_layers) {
        layer->setRng(rng);
    }
}

std::vector<std::unique_ptr<Layer>> buildLayers(const std::vector<LayerSpec>& specs,
                                                const Shape& sampleShape,
                                                const std::string& labelPrefix) {
    std::vector<std::unique_ptr<Layer>> layers;
    Shape shape = sampleShape.withBatch(1);
    for (size_t i = 0; i < specs.size(); ++i) {
        LayerSpec spec = specs[i];
        spec.label = labelPrefix + std::to_string(i + 1) + " (" + spec.kind + ")";
        auto layer = LayerRegistry::instance().create(spec, shape);
        try {
            shape = layer->outputShape(shape);
        } catch (const std::invalid_argument& e) {
            throw std::invalid_argument(spec.label + ": " + e.what());
        }
        layers.push_back(std::move(layer));
    }
    return layers;
}

Network::Network(const std::vector<LayerSpec>& specs, const Shape& sampleShape, uint64_t seed)
    : m_specs(specs), m_inputShape(sampleShape),
      m_body(buildLayers(specs, sampleShape)), m_rng(seed) {
    if (specs.empty()) {
        throw std::invalid_argument("the network has no layers");
    }
    m_outputShape = m_body.outputShape(sampleShape.withBatch(1)).dropBatch();
    for (size_t i = 0; i < m_body.size(); ++i) {
        const std::string prefix = std::to_string(i + 1) + ".";
        for (Param* p : m_body.layer(i).params()) {
            m_params.push_back({prefix + p->name, p});
        }
        for (Buffer* b : m_body.layer(i).buffers()) {
            m_buffers.push_back({prefix + b->name, b});
        }
    }
    m_body.setRng(&m_rng);
    initialize(seed);
}

const Tensor& Network::forward(const Tensor& x, Mode mode) {
    if (x.rank() != m_inputShape.rank() + 1 || x.shape().dropBatch() != m_inputShape) {
        throw std::invalid_argument("network input: expected " +
                                    m_inputShape.withBatch(0).str() + " with N samples, got " +
                                    x.shape().str());
    }
    return m_body.run(x, mode);
}

void Network::backward(const Tensor& dy) {
    m_body.runBackward(dy, false);
}

void Network::zeroGrad() {
    for (auto& np : m_params) {
        Tensor& g = np.param->grad;
        backendFor(g.device()).fill(g.data(), static_cast<size_t>(g.numel()), 0.0f);
    }
}

void Network::initialize(uint64_t seed) {
    m_rng.seed(seed);
    m_body.initialize(m_rng);
    zeroGrad();
}

int64_t Network::parameterCount() const {
    int64_t n = 0;
    for (const auto& np : m_params) {
        n += np.param->value.numel();
    }
    return n;
}

std::vector<LayerSummary> Network::summary() const {
    std::vector<LayerSummary> rows;
    Shape shape = m_inputShape.withBatch(1);
    for (size_t i = 0; i < m_body.size(); ++i) {
        auto& layer = const_cast<Layer&>(m_body.layer(i));
        shape = layer.outputShape(shape);
        rows.push_back({layer.kind(), layer.describe(), shape.dropBatch(), layer.parameterCount()});
    }
    return rows;
}

}  // namespace dlab
