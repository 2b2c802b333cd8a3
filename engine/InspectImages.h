#pragma once
// What the image views draw, as plain numbers: the kernels of a conv layer and the
// "templates" of a dense layer on the flattened image as tiles of 8-bit pixels, the
// feature maps of every conv layer for one input, the input itself, and the top classes
// of a prediction. The widgets (FiltersView, FeatureMapView) turn these into QImages;
// nothing here knows Qt.
//
// One pixel mapping serves every tile (and is what the tests recompute):
//   pixel(v) = round(clamp((v - lo) / (hi - lo), 0, 1) · 255),   128 when hi <= lo.
// Weights use a symmetric range per layer, lo = -m and hi = +m with m the largest |value|
// drawn for that layer, so 0 is mid grey (128) and every tile of the layer shares one
// scale: tiles compare. Feature maps and the input use lo = min and hi = max of the values
// drawn (per layer for maps, per picture for the input).
//
// Thread safety: pure functions, except that the Network& overloads read the network,
// which the caller must own for the call (the training thread between steps).

#include <cstdint>
#include <string>
#include <vector>

#include "engine/Network.h"
#include "engine/Tensor.h"

namespace dlab {

// Tiles of equal size, each 1 (grey) or 3 (R, G, B) planes of 8-bit pixels.
struct TileSet {
    int64_t count = 0;
    int channels = 1;
    int64_t height = 0;
    int64_t width = 0;
    std::vector<uint8_t> pixels;  // count × (channels, height, width), tile after tile
    float lo = 0.0f;              // the value drawn black (0)
    float hi = 0.0f;              // the value drawn white (255)

    int64_t tileSize() const { return channels * height * width; }
    const uint8_t* tile(int64_t i) const { return pixels.data() + i * tileSize(); }
};

// The mapping above, for one value.
uint8_t toPixel(float value, float lo, float hi);

// ---------------------------------------------------------------------------------------
// Weights as pictures

enum class KernelMode {
    PerChannel,  // one grey tile per (filter, input channel): tile f·inputs + i
    Average,     // one grey tile per filter: its kernel averaged over the input channels
    Colour,      // one RGB tile per filter; needs exactly 3 input channels (R, G, B)
};

struct KernelTiles {
    TileSet tiles;             // lo = -m, hi = +m (symmetric, see above)
    int64_t filters = 0;       // filters drawn (the first ones)
    int64_t inputs = 1;        // tiles per filter: input channels drawn (PerChannel), else 1
    int64_t totalFilters = 0;  // O
    int64_t totalInputs = 0;   // I
};

// kernels: (O, I, KH, KW) on any device (a dense layer's weight reshaped to
// (O, C, H, W) draws its templates). Draws the first min(O, maxFilters) filters and, per
// channel, the first min(I, maxInputs) input channels. Throws std::invalid_argument
// for another rank, or Colour without 3 input channels.
KernelTiles kernelTiles(const Tensor& kernels, KernelMode mode, int64_t maxFilters,
                        int64_t maxInputs);

// A layer whose weights the Filters view can draw.
struct WeightLayer {
    std::string label;               // "layer 1 (conv2d)", nested in a block "layer 2.1 (conv2d)"
    std::string description;         // the layer's describe(), "Conv2d 1→16, 3×3, ..."
    std::string paramName;           // its weight's name in Network::params(), "2.body.1.weight"
    const Tensor* weight = nullptr;  // conv2d (O, I, k, k); dense (O, C·H·W)
    Shape kernelShape;               // the weight as kernels (O, I, KH, KW); dense: (O, C, H, W)
    bool isTemplate = false;         // a dense layer right after the flatten of image input
    // It reads the network's input, so its input channels are the image's (R, G, B tiles).
    bool seesInput = false;
    bool isOutput = false;  // no layer with parameters follows it (its units are the outputs)
};

// Every conv2d layer (top level and inside residual blocks, in order of computation) and
// every dense layer whose input is the image flattened (only flatten layers before it,
// input (C, H, W)). Pointers stay valid while the network lives.
std::vector<WeightLayer> weightLayers(Network& network);

// ---------------------------------------------------------------------------------------
// Feature maps and predictions

// The conv layers' outputs of the network's last forward pass.
struct ConvOutput {
    std::string label;  // "layer 1 (conv2d)"; with the activation "layer 1 (conv2d) → 3 (relu)"
    std::string description;         // the conv layer's describe()
    const Tensor* output = nullptr;  // (N, C, H, W), valid until the next forward
};

// Every conv2d layer, top level and nested, in order of computation. With
// `afterActivation` each one's output is taken after the layers that directly follow it
// and keep its shape per element (batchnorm, activations, dropout), i.e. what the next
// stage sees; otherwise the convolution's own output. Call after Network::forward.
std::vector<ConvOutput> convOutputs(Network& network, bool afterActivation);

// Grey tiles of the first min(C, maxChannels) channels of sample `sample` of a
// (N, C, H, W) tensor; lo/hi = min/max over those tiles.
TileSet channelTiles(const Tensor& maps, int64_t sample, int64_t maxChannels);

// Sample `sample` of a (N, C, H, W) input as one picture: RGB when C is 3, grey when C is
// 1 (other C: every channel a grey tile); lo/hi = min/max over the sample.
TileSet imageTile(const Tensor& images, int64_t sample);

struct ClassScore {
    int index = 0;
    float value = 0.0f;  // a probability (topSoftmax) or the raw score (topK)
};

// softmax(logits) over n values, computed stably (the largest logit subtracted first).
std::vector<float> softmax(const float* logits, int64_t n);
// The k largest of n values, largest first (ties: lower index first).
std::vector<ClassScore> topK(const float* values, int64_t n, int k);
// topK of softmax(logits).
std::vector<ClassScore> topSoftmax(const float* logits, int64_t n, int k);

}  // namespace dlab
