#include "engine/layers/Residual.h"

#include "engine/Backend.h"
#include "engine/Registry.h"
#include "engine/layers/Activation.h"
#include "engine/layers/Conv2d.h"
#include "engine/layers/Dense.h"

#include <stdexcept>

namespace dlab {
namespace {

const std::vector<std::string>& shortcutNames() {
    static const std::vector<std::string> names = {"auto", "identity", "projection"};
    return names;
}

// The learned shortcut from the block's input to the body's output (batched shapes).
std::unique_ptr<Layer> makeProjection(const Shape& in, const Shape& out) {
    if (in.rank() == 2 && out.rank() == 2) {
        return std::make_unique<Dense>(in[1], out[1], false, InitSpec{});
    }
    if (in.rank() == 4 && out.rank() == 4) {
        // A 1×1 convolution with stride s maps H to (H - 1)/s + 1; the smallest s that
        // can reach the body's size is ceil(H / H').
        const int64_t stride = (in[2] + out[2] - 1) / out[2];
        if ((in[2] - 1) / stride + 1 == out[2] && (in[3] - 1) / stride + 1 == out[3]) {
            return std::make_unique<Conv2d>(in[1], out[1], 1, static_cast<int>(stride), 0, false,
                                            InitSpec{});
        }
    }
    throw std::invalid_argument("no projection shortcut maps the input " + in.str() +
                                " onto the body's output " + out.str() +
                                ": a 1×1 convolution needs one stride for H and W, a dense "
                                "projection needs (N, F) on both sides");
}

}  // namespace

Residual::Residual(std::vector<std::unique_ptr<Layer>> body, std::unique_ptr<Layer> shortcut,
                   std::unique_ptr<Layer> activation)
    : m_body(std::move(body)), m_shortcut(std::move(shortcut)),
      m_activation(std::move(activation)) {
    // Names are prefixed once here; a block nested in this body has already prefixed its
    // own, so names compose ("body.2.body.1.weight").
    for (size_t i = 0; i < m_body.size(); ++i) {
        const std::string prefix = "body." + std::to_string(i + 1) + ".";
        for (Param* p : m_body.layer(i).params()) {
            p->name = prefix + p->name;
        }
        for (Buffer* b : m_body.layer(i).buffers()) {
            b->name = prefix + b->name;
        }
    }
    if (m_shortcut) {
        for (Param* p : m_shortcut->params()) {
            p->name = "shortcut." + p->name;
        }
    }
}

std::string Residual::describe() const {
    return "Residual [" + m_body.describe() + "] + " +
           (m_shortcut ? m_shortcut->describe() : std::string("identity")) +
           (m_activation ? " → " + m_activation->describe() : std::string());
}

Shape Residual::outputShape(const Shape& input) const {
    const Shape out = m_body.outputShape(input);
    const Shape shortcut = m_shortcut ? m_shortcut->outputShape(input) : input;
    if (shortcut != out) {
        throw std::invalid_argument("the body turns " + input.str() + " into " + out.str() +
                                    ", which cannot be added to the " +
                                    (m_shortcut ? "projected " : "identity ") + "shortcut " +
                                    shortcut.str());
    }
    return out;
}

void Residual::forward(const Tensor& x, Tensor& y, Mode mode) {
    const Tensor& body = m_body.run(x, mode);
    const Tensor* shortcut = &x;
    if (m_shortcut) {
        m_shortcut->forward(x, m_short, mode);
        shortcut = &m_short;
    }
    // The factory checked the shapes for one image size; another size can still break
    // the match (a projection's stride is fixed).
    if (body.shape() != shortcut->shape()) {
        outputShape(x.shape());
    }
    Tensor& sum = m_activation ? m_sum : y;
    sum.resize(body.shape());
    backendFor(x.device())
        .add(sum.data(), body.data(), shortcut->data(), static_cast<size_t>(body.numel()));
    if (m_activation) {
        m_activation->forward(m_sum, y, mode);
    }
}

void Residual::backward(const Tensor& x, const Tensor& y, const Tensor& dy, Tensor& dx,
                        bool needInputGrad) {
    const Tensor* dsum = &dy;
    if (m_activation) {
        m_activation->backward(m_sum, y, dy, m_dsum, true);
        dsum = &m_dsum;
    }
    const Tensor& dbody = m_body.runBackward(*dsum, needInputGrad);
    const Tensor* dshortcut = dsum;
    if (m_shortcut) {
        m_shortcut->backward(x, m_short, *dsum, m_dshort, needInputGrad);
        dshortcut = &m_dshort;
    }
    if (needInputGrad) {
        dx.resize(x.shape());
        backendFor(x.device())
            .add(dx.data(), dbody.data(), dshortcut->data(), static_cast<size_t>(x.numel()));
    }
}

std::vector<Param*> Residual::params() {
    std::vector<Param*> out = m_body.params();
    if (m_shortcut) {
        for (Param* p : m_shortcut->params()) {
            out.push_back(p);
        }
    }
    return out;
}

std::vector<Buffer*> Residual::buffers() {
    return m_body.buffers();
}

void Residual::initialize(Rng& rng) {
    m_body.initialize(rng);
    if (m_shortcut) {
        m_shortcut->initialize(rng);
    }
}

void Residual::setRng(Rng* rng) {
    m_body.setRng(rng);
}

void registerResidual(LayerRegistry& registry) {
    LayerInfo info;
    info.kind = "residual";
    info.category = "block";
    info.hasBody = true;
    info.help = "Residual block (ResNet): the nested layers learn a residual F(x) that is added "
                "to the block's input, y = activation(F(x) + x). The addition passes gradients "
                "straight through, which is what lets very deep networks train; with zero "
                "weights the block starts as (almost) the identity.";
    info.settings = {
        {"shortcut", SettingType::Choice, "auto",
         "How x reaches the sum. identity: x itself (the body must keep its shape). "
         "projection: a learned 1×1 convolution (or dense layer) without bias that matches "
         "the body's channels and size. auto: identity when the shapes match, else projection.",
         shortcutNames()},
        {"activation", SettingType::Choice, "relu",
         "Nonlinearity applied after the addition (ResNet uses ReLU); identity for none.",
         activationNames()},
    };
    info.factory = [&registry](const LayerSpec& spec,
                               const Shape& input) -> std::unique_ptr<Layer> {
        if (spec.body.empty()) {
            throw std::invalid_argument("a residual block needs at least one nested layer");
        }
        SpecReader r(spec, *registry.find("residual"));
        const std::string where = spec.label.empty() ? spec.kind : spec.label;
        auto body = buildLayers(spec.body, input.dropBatch(), where + " / layer ");
        Shape out = input;
        for (const auto& layer : body) {
            out = layer->outputShape(out);
        }
        const std::string shortcut = r.getString("shortcut");
        std::unique_ptr<Layer> projection;
        if (shortcut == "projection" || (shortcut == "auto" && out != input)) {
            projection = makeProjection(input, out);
        } else if (out != input) {
            throw std::invalid_argument("identity shortcut: the body turns " + input.str() +
                                        " into " + out.str() +
                                        ", so x cannot be added; use a projection shortcut");
        }
        std::unique_ptr<Layer> activation;
        if (r.getString("activation") != "identity") {
            activation = registry.create(LayerSpec(r.getString("activation")), out);
        }
        return std::make_unique<Residual>(std::move(body), std::move(projection),
                                          std::move(activation));
    };
    registry.add(std::move(info));
}

}  // namespace dlab
