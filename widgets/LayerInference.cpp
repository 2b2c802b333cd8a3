#include "widgets/LayerInference.h"

#include "engine/Experiment.h"
#include "engine/Layer.h"

#include <stdexcept>

namespace dlab::ui {
namespace {

// Checks `specs` on a batched input shape; returns the first error (empty when none)
// and the output shape through `shape`.
std::string checkList(const std::vector<LayerSpec>& specs, Shape& shape,
                      const std::string& labelPrefix, std::vector<LayerCheck>& out) {
    const LayerRegistry& registry = LayerRegistry::instance();
    std::string firstError;
    out.resize(specs.size());
    for (size_t i = 0; i < specs.size(); ++i) {
        if (!firstError.empty()) {
            continue;
        }
        LayerSpec spec = specs[i];
        spec.label = labelPrefix + std::to_string(i + 1) + " (" + spec.kind + ")";
        LayerCheck& check = out[i];
        const LayerInfo* info = registry.find(spec.kind);
        if (info && info->hasBody) {
            // The nested layers see the block's input; their own results are what the
            // builder shows indented under the block.
            Shape bodyShape = shape;
            checkList(spec.body, bodyShape, spec.label + " / layer ", check.body);
        }
        try {
            auto layer = registry.create(spec, shape);
            try {
                shape = layer->outputShape(shape);
            } catch (const std::invalid_argument& e) {
                throw std::invalid_argument(spec.label + ": " + e.what());
            }
            check.output = shape.dropBatch();
            check.parameters = layer->parameterCount();
        } catch (const std::exception& e) {
            check.error = e.what();
            firstError = check.error;
        }
    }
    return firstError;
}

}  // namespace

NetworkCheck checkNetwork(const std::vector<LayerSpec>& specs, const Shape& sampleShape,
                          int outputs) {
    NetworkCheck result;
    Shape shape = sampleShape.withBatch(1);
    result.error = checkList(resolveNetwork(specs, outputs), shape, "layer ", result.layers);
    for (const LayerCheck& layer : result.layers) {
        result.totalParameters += layer.parameters;
    }
    if (result.error.empty() && !specs.empty()) {
        result.output = shape.dropBatch();
    }
    return result;
}

std::string shapeText(const Shape& shape) {
    std::string text;
    for (int i = 0; i < shape.rank(); ++i) {
        text += (i == 0 ? "" : "×") + std::to_string(shape[i]);
    }
    return text.empty() ? "scalar" : text;
}

}  // namespace dlab::ui
