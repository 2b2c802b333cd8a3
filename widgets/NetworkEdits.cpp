#include "widgets/NetworkEdits.h"

#include <algorithm>
#include <map>
#include <stdexcept>
#include <string>

namespace dlab::ui {
namespace {

void checkIndex(const LayerSpecs& list, int i) {
    if (i < 0 || i >= static_cast<int>(list.size())) {
        throw std::out_of_range("layer path index " + std::to_string(i) + " outside 0.." +
                                std::to_string(static_cast<int>(list.size()) - 1));
    }
}

bool startsWith(const LayerPath& path, const LayerPath& prefix) {
    return path.size() >= prefix.size() && std::equal(prefix.begin(), prefix.end(), path.begin());
}

}  // namespace

bool pathExists(const LayerSpecs& specs, const LayerPath& path) {
    const LayerSpecs* list = &specs;
    for (size_t depth = 0; depth < path.size(); ++depth) {
        const int i = path[depth];
        if (i < 0 || i >= static_cast<int>(list->size())) {
            return false;
        }
        list = &(*list)[static_cast<size_t>(i)].body;
    }
    return !path.empty();
}

const LayerSpec& layerAt(const LayerSpecs& specs, const LayerPath& path) {
    if (path.empty()) {
        throw std::out_of_range("empty layer path");
    }
    const LayerSpecs* list = &specs;
    for (size_t depth = 0; depth + 1 < path.size(); ++depth) {
        checkIndex(*list, path[depth]);
        list = &(*list)[static_cast<size_t>(path[depth])].body;
    }
    checkIndex(*list, path.back());
    return (*list)[static_cast<size_t>(path.back())];
}

LayerSpec& layerAt(LayerSpecs& specs, const LayerPath& path) {
    return const_cast<LayerSpec&>(layerAt(static_cast<const LayerSpecs&>(specs), path));
}

const LayerSpecs& childrenOf(const LayerSpecs& specs, const LayerPath& parent) {
    return parent.empty() ? specs : layerAt(specs, parent).body;
}

LayerSpecs& childrenOf(LayerSpecs& specs, const LayerPath& parent) {
    return parent.empty() ? specs : layerAt(specs, parent).body;
}

LayerPath insertLayer(LayerSpecs& specs, const LayerPath& parent, int row, LayerSpec layer) {
    LayerSpecs& list = childrenOf(specs, parent);
    const int size = static_cast<int>(list.size());
    const int at = row < 0 || row > size ? size : row;
    list.insert(list.begin() + at, std::move(layer));
    LayerPath path = parent;
    path.push_back(at);
    return path;
}

LayerSpec takeLayer(LayerSpecs& specs, const LayerPath& path) {
    layerAt(specs, path);
    LayerSpecs& list = childrenOf(specs, LayerPath(path.begin(), path.end() - 1));
    LayerSpec taken = std::move(list[static_cast<size_t>(path.back())]);
    list.erase(list.begin() + path.back());
    return taken;
}

LayerPath duplicateLayer(LayerSpecs& specs, const LayerPath& path) {
    LayerSpec copy = layerAt(specs, path);
    return insertLayer(specs, LayerPath(path.begin(), path.end() - 1), path.back() + 1,
                       std::move(copy));
}

std::optional<LayerPath> moveLayer(LayerSpecs& specs, const LayerPath& from,
                                   const LayerPath& toParent, int row) {
    layerAt(specs, from);
    if (startsWith(toParent, from)) {
        return std::nullopt;
    }
    const LayerPath fromParent(from.begin(), from.end() - 1);
    const int fromRow = from.back();
    int target = row < 0 ? static_cast<int>(childrenOf(specs, toParent).size()) : row;
    if (toParent == fromParent && (target == fromRow || target == fromRow + 1)) {
        return std::nullopt;
    }
    // Taking the layer out shifts what comes after it in its own list, which may be the
    // target row itself or a block on the way down to the target list.
    LayerPath parent = toParent;
    if (toParent == fromParent && target > fromRow) {
        --target;
    } else if (toParent.size() > fromParent.size() && startsWith(toParent, fromParent) &&
               toParent[fromParent.size()] > fromRow) {
        --parent[fromParent.size()];
    }
    LayerSpec layer = takeLayer(specs, from);
    return insertLayer(specs, parent, target, std::move(layer));
}

LayerSpec starterLayer(const LayerInfo& info, const std::optional<Shape>& input) {
    static const std::map<std::string, int> kStartingValues = {{"units", 64}, {"filters", 16}};
    LayerSpec spec(info.kind);
    for (const SettingInfo& s : info.settings) {
        if (!s.defaultValue.empty()) {
            continue;
        }
        const auto known = kStartingValues.find(s.name);
        const double value = known != kStartingValues.end() ? known->second : std::max(s.min, 1.0);
        spec.set(s.name, value);
    }
    if (info.hasBody) {
        if (input && input->rank() == 3) {
            const double channels = static_cast<double>((*input)[0]);
            for (int i = 0; i < 2; ++i) {
                spec.body.push_back(LayerSpec("conv2d")
                                        .set("filters", channels)
                                        .set("kernel", 3)
                                        .set("padding", 1));
                spec.body.emplace_back("batchnorm2d");
                if (i == 0) {
                    spec.body.emplace_back("relu");
                }
            }
        } else {
            const double features =
                input && input->rank() == 1 ? static_cast<double>((*input)[0]) : 64.0;
            spec.body.push_back(LayerSpec("dense").set("units", features));
            spec.body.emplace_back("relu");
            spec.body.push_back(LayerSpec("dense").set("units", features));
        }
    }
    return spec;
}

}  // namespace dlab::ui
