// The list of built-in layer kinds. One line per kind (or family).
#include "engine/Registry.h"
#include "engine/layers/Activation.h"
#include "engine/layers/BatchNorm.h"
#include "engine/layers/Conv2d.h"
#include "engine/layers/Dense.h"
#include "engine/layers/Dropout.h"
#include "engine/layers/Flatten.h"
#include "engine/layers/GlobalAvgPool.h"
#include "engine/layers/LayerNorm.h"
#include "engine/layers/Maxout.h"
#include "engine/layers/Pool2d.h"
#include "engine/layers/Residual.h"

namespace dlab {

void registerBuiltinLayers(LayerRegistry& registry) {
    registerDense(registry);
    registerFlatten(registry);
    registerActivations(registry);
    registerConv2d(registry);
    registerPool2d(registry);
    registerGlobalAvgPool(registry);
    registerDropout(registry);
    registerBatchNorm(registry);
    registerLayerNorm(registry);
    registerMaxout(registry);
    registerResidual(registry);
}

}  // namespace dlab
