#include "engine/InspectImages.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>

#include "engine/layers/Activation.h"
#include "engine/layers/Residual.h"

namespace dlab {
namespace {

// A layer where it sits: its parent sequence and index there, and its number as the
// builder shows it ("3", nested "2.1").
struct Site {
    std::string number;
    Layer* layer = nullptr;
    Sequential* parent = nullptr;
    size_t index = 0;
    bool topLevel = false;
};

void collectSites(Sequential& sequence, const std::string& prefix, bool topLevel,
                  std::vector<Site>& out) {
    for (size_t i = 0; i < sequence.size(); ++i) {
        Layer& layer = sequence.layer(i);
        const std::string number = prefix + std::to_string(i + 1);
        out.push_back({number, &layer, &sequence, i, topLevel});
        if (auto* block = dynamic_cast<Residual*>(&layer)) {
            collectSites(block->body(), number + ".", false, out);
        }
    }
}

std::vector<Site> sites(Network& network) {
    std::vector<Site> out;
    collectSites(network.layers(), "", true, out);
    return out;
}

std::string labelOf(const std::string& number, const Layer& layer) {
    return "layer " + number + " (" + layer.kind() + ")";
}

// Layers that keep a conv output's shape and act per element or per channel: what the
// "after activation" maps pass through before the next stage.
bool followsPerElement(const Layer& layer) {
    const std::string kind = layer.kind();
    return kind == "batchnorm2d" || kind == "dropout" ||
           dynamic_cast<const Activation*>(&layer) != nullptr;
}

void mapTiles(const float* values, int64_t n, TileSet& tiles) {
    tiles.pixels.resize(static_cast<size_t>(n));
    for (int64_t i = 0; i < n; ++i) {
        tiles.pixels[static_cast<size_t>(i)] = toPixel(values[i], tiles.lo, tiles.hi);
    }
}

// lo/hi over the finite values (a diverged network's inf and NaN must not blank the rest).
void minMax(const std::vector<float>& values, TileSet& tiles) {
    bool any = false;
    for (float v : values) {
        if (!std::isfinite(v)) {
            continue;
        }
        tiles.lo = any ? std::min(tiles.lo, v) : v;
        tiles.hi = any ? std::max(tiles.hi, v) : v;
        any = true;
    }
}

}  // namespace

uint8_t toPixel(float value, float lo, float hi) {
    if (!(hi > lo) || std::isnan(value)) {
        return 128;
    }
    const double t =
        std::clamp((static_cast<double>(value) - lo) / (static_cast<double>(hi) - lo), 0.0, 1.0);
    return static_cast<uint8_t>(std::lround(t * 255.0));
}

KernelTiles kernelTiles(const Tensor& kernels, KernelMode mode, int64_t maxFilters,
                        int64_t maxInputs) {
    if (kernels.rank() != 4) {
        throw std::invalid_argument("kernels: expected (O, I, KH, KW), got " +
                                    kernels.shape().str());
    }
    const int64_t filters = kernels.size(0);
    const int64_t inputs = kernels.size(1);
    const int64_t plane = kernels.size(2) * kernels.size(3);
    if (mode == KernelMode::Colour && inputs != 3) {
        throw std::invalid_argument("colour kernels need 3 input channels (R, G, B), got " +
                                    std::to_string(inputs));
    }
    const Tensor host = kernels.to(Device::CPU);
    const float* w = host.data();

    KernelTiles out;
    out.totalFilters = filters;
    out.totalInputs = inputs;
    out.filters = std::min(filters, std::max<int64_t>(maxFilters, 1));
    out.inputs =
        mode == KernelMode::PerChannel ? std::min(inputs, std::max<int64_t>(maxInputs, 1)) : 1;
    TileSet& tiles = out.tiles;
    tiles.height = kernels.size(2);
    tiles.width = kernels.size(3);
    tiles.channels = mode == KernelMode::Colour ? 3 : 1;
    tiles.count = out.filters * out.inputs;

    // The values drawn, tile after tile in the TileSet's layout.
    std::vector<float> drawn;
    drawn.reserve(static_cast<size_t>(tiles.count * tiles.tileSize()));
    for (int64_t f = 0; f < out.filters; ++f) {
        const float* filter = w + f * inputs * plane;
        switch (mode) {
            case KernelMode::PerChannel:
                drawn.insert(drawn.end(), filter, filter + out.inputs * plane);
                break;
            case KernelMode::Colour:
                drawn.insert(drawn.end(), filter, filter + 3 * plane);  // planes R, G, B
                break;
            case KernelMode::Average:
                for (int64_t p = 0; p < plane; ++p) {
                    double sum = 0.0;
                    for (int64_t i = 0; i < inputs; ++i) {
                        sum += filter[i * plane + p];
                    }
                    drawn.push_back(static_cast<float>(sum / static_cast<double>(inputs)));
                }
                break;
        }
    }
    float m = 0.0f;
    for (float v : drawn) {
        if (std::isfinite(v)) {
            m = std::max(m, std::abs(v));
        }
    }
    tiles.lo = -m;
    tiles.hi = m;
    mapTiles(drawn.data(), static_cast<int64_t>(drawn.size()), tiles);
    return out;
}

std::vector<WeightLayer> weightLayers(Network& network) {
    std::vector<WeightLayer> out;
    const std::vector<Site> all = sites(network);
    const Shape& input = network.inputShape();
    const bool imageInput = input.rank() == 3;
    bool onlyFlattenSoFar = true;  // among the top-level layers before this one
    bool paramsSoFar = false;      // a layer with parameters came before this one
    for (size_t s = 0; s < all.size(); ++s) {
        const Site& site = all[s];
        Layer& layer = *site.layer;
        const std::string kind = layer.kind();
        const bool isConv = kind == "conv2d";
        const bool isTemplate = kind == "dense" && site.topLevel && imageInput && onlyFlattenSoFar;
        if (site.topLevel && kind != "flatten") {
            onlyFlattenSoFar = false;
        }
        // Pooling may come first; anything with parameters in between mixes the channels.
        const bool seesInput = !paramsSoFar && imageInput;
        if (layer.parameterCount() > 0) {
            paramsSoFar = true;
        }
        if (!isConv && !isTemplate) {
            continue;
        }
        const std::vector<Param*> params = layer.params();
        const auto weight = std::find_if(params.begin(), params.end(), [](const Param* p) {
            const std::string& name = p->name;
            return name.size() >= 6 && name.compare(name.size() - 6, 6, "weight") == 0;
        });
        if (weight == params.end()) {
            continue;
        }
        WeightLayer entry;
        entry.label = labelOf(site.number, layer);
        entry.description = layer.describe();
        entry.weight = &(*weight)->value;
        for (const NamedParam& named : network.params()) {
            if (named.param == *weight) {
                entry.paramName = named.name;
            }
        }
        const Shape& w = entry.weight->shape();
        entry.kernelShape = isConv ? w : Shape{w[0], input[0], input[1], input[2]};
        entry.isTemplate = isTemplate;
        entry.seesInput = seesInput && entry.kernelShape[1] == input[0];
        entry.isOutput = true;
        for (size_t later = s + 1; later < all.size(); ++later) {
            if (all[later].layer->parameterCount() > 0) {
                entry.isOutput = false;
            }
        }
        out.push_back(std::move(entry));
    }
    return out;
}

std::vector<ConvOutput> convOutputs(Network& network, bool afterActivation) {
    std::vector<ConvOutput> out;
    for (const Site& site : sites(network)) {
        if (site.layer->kind() != "conv2d") {
            continue;
        }
        size_t last = site.index;
        if (afterActivation) {
            while (last + 1 < site.parent->size() &&
                   followsPerElement(site.parent->layer(last + 1))) {
                ++last;
            }
        }
        ConvOutput entry;
        entry.label = labelOf(site.number, *site.layer);
        if (last != site.index) {
            const std::string prefix = site.number.substr(0, site.number.rfind('.') + 1);
            // rfind gives npos for top-level numbers; npos + 1 == 0 keeps the prefix empty.
            entry.label += " → " + prefix + std::to_string(last + 1) + " (" +
                           site.parent->layer(last).kind() + ")";
        }
        entry.description = site.layer->describe();
        entry.output = &site.parent->activation(last);
        out.push_back(std::move(entry));
    }
    return out;
}

TileSet channelTiles(const Tensor& maps, int64_t sample, int64_t maxChannels) {
    if (maps.rank() != 4 || sample < 0 || sample >= maps.size(0)) {
        throw std::invalid_argument("feature maps: expected (N, C, H, W) with sample " +
                                    std::to_string(sample) + " in range, got " +
                                    maps.shape().str());
    }
    TileSet tiles;
    tiles.channels = 1;
    tiles.height = maps.size(2);
    tiles.width = maps.size(3);
    tiles.count = std::min(maps.size(1), std::max<int64_t>(maxChannels, 1));
    const Tensor one = maps.slice(sample, sample + 1).to(Device::CPU);
    const std::vector<float> values(one.data(), one.data() + tiles.count * tiles.tileSize());
    minMax(values, tiles);
    mapTiles(values.data(), static_cast<int64_t>(values.size()), tiles);
    return tiles;
}

TileSet imageTile(const Tensor& images, int64_t sample) {
    if (images.rank() != 4 || sample < 0 || sample >= images.size(0)) {
        throw std::invalid_argument("images: expected (N, C, H, W) with sample " +
                                    std::to_string(sample) + " in range, got " +
                                    images.shape().str());
    }
    const int64_t c = images.size(1);
    TileSet tiles;
    tiles.channels = c == 3 ? 3 : 1;
    tiles.count = c == 3 ? 1 : c;
    tiles.height = images.size(2);
    tiles.width = images.size(3);
    const Tensor one = images.slice(sample, sample + 1).to(Device::CPU);
    const std::vector<float> values(one.data(), one.data() + one.numel());
    minMax(values, tiles);
    mapTiles(values.data(), static_cast<int64_t>(values.size()), tiles);
    return tiles;
}

std::vector<float> softmax(const float* logits, int64_t n) {
    std::vector<float> out(static_cast<size_t>(n));
    if (n == 0) {
        return out;
    }
    const float top = *std::max_element(logits, logits + n);
    double sum = 0.0;
    for (int64_t i = 0; i < n; ++i) {
        sum += std::exp(static_cast<double>(logits[i]) - top);
    }
    for (int64_t i = 0; i < n; ++i) {
        out[static_cast<size_t>(i)] =
            static_cast<float>(std::exp(static_cast<double>(logits[i]) - top) / sum);
    }
    return out;
}

std::vector<ClassScore> topK(const float* values, int64_t n, int k) {
    std::vector<int> order(static_cast<size_t>(n));
    std::iota(order.begin(), order.end(), 0);
    const auto count = static_cast<size_t>(std::clamp<int64_t>(k, 0, n));
    std::partial_sort(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(count),
                      order.end(), [values](int a, int b) {
                          return values[a] > values[b] || (values[a] == values[b] && a < b);
                      });
    std::vector<ClassScore> out;
    for (size_t i = 0; i < count; ++i) {
        out.push_back({order[i], values[order[i]]});
    }
    return out;
}

std::vector<ClassScore> topSoftmax(const float* logits, int64_t n, int k) {
    const std::vector<float> p = softmax(logits, n);
    return topK(p.data(), n, k);
}

}  // namespace dlab
