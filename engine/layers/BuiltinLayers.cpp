// The list of built-in layer kinds. One line per kind (or family).
#include "engine/Registry.h"
#include "engine/layers/Activation.h"
#include "engine/layers/Dense.h"
#include "engine/layers/Flatten.h"

namespace dlab {

void registerBuiltinLayers(LayerRegistry& registry) {
    registerDense(registry);
    registerFlatten(registry);
    registerActivations(registry);
}

}  // namespace dlab
