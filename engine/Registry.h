#pragma once
// The layer registry: kind name -> factory, with a description of every setting.
//
// It is what makes networks data: the experiment file, the command-line presets and
// the GUI builder all construct layers through it, and the builder lists kinds and
// their settings from it. Each layer's source registers itself with a
// register function next to its class (e.g. registerDense), listed once in
// engine/layers/BuiltinLayers.cpp, so adding a kind touches one file pair and one line.

#include "engine/Layer.h"

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace dlab {

// One layer as written in an experiment: a kind, its settings as text (numbers are
// parsed and range-checked by the factory), and nested layers for blocks (residual).
struct LayerSpec {
    std::string kind;
    std::map<std::string, std::string> attrs;
    std::vector<LayerSpec> body;
    std::string label;  // "layer 3 (conv2d)", filled by the network for messages

    // Builder helpers: spec("dense").set("units", 64).
    explicit LayerSpec(std::string k = {}) : kind(std::move(k)) {}
    LayerSpec& set(const std::string& key, const std::string& value);
    LayerSpec& set(const std::string& key, double value);
};

enum class SettingType { Int, Float, Choice, Bool };

struct SettingInfo {
    std::string name;
    SettingType type = SettingType::Int;
    std::string defaultValue;          // empty: required
    std::string help;                  // in the course's words
    std::vector<std::string> choices;  // for Choice
    double min = -1e300, max = 1e300;  // inclusive range for Int/Float
};

// Builds a layer for a given input shape (batched, N = 1). Throws std::invalid_argument
// when the input does not fit ("expected (N, C, H, W), got (N, 784)").
using LayerFactory = std::function<std::unique_ptr<Layer>(const LayerSpec&, const Shape& input)>;

struct LayerInfo {
    std::string kind;
    std::string category;  // "core", "convolution", "activation", "normalization", "block"
    std::string help;
    std::vector<SettingInfo> settings;
    LayerFactory factory;
    bool hasBody = false;  // takes nested layers
};

class LayerRegistry {
public:
    static LayerRegistry& instance();

    void add(LayerInfo info);
    const LayerInfo* find(const std::string& kind) const;
    std::vector<const LayerInfo*> all() const;

    // Validates spec.attrs against the kind's settings (unknown names, types, ranges,
    // choices) and builds the layer. Errors name spec.label, e.g.
    // "layer 3 (conv2d): 'kernel' must be an integer ≥ 1, got 'abc'".
    std::unique_ptr<Layer> create(const LayerSpec& spec, const Shape& input) const;

private:
    std::map<std::string, LayerInfo> m_infos;
};

// Typed, validated access to a spec's settings inside a factory. Missing settings take
// the registered default.
class SpecReader {
public:
    SpecReader(const LayerSpec& spec, const LayerInfo& info) : m_spec(spec), m_info(info) {}
    int64_t getInt(const std::string& name) const;
    float getFloat(const std::string& name) const;
    std::string getString(const std::string& name) const;
    bool getBool(const std::string& name) const;
    const LayerSpec& spec() const { return m_spec; }

private:
    std::string raw(const std::string& name) const;
    const LayerSpec& m_spec;
    const LayerInfo& m_info;
};

// Common settings of layers with weights: "init", "init_std", "init_value",
// "init_limit", "init_gain", "bias".
std::vector<SettingInfo> weightInitSettings(const std::string& defaultInit);
struct InitSpec;
InitSpec readInitSpec(const SpecReader& reader);

// Registers every built-in kind; called once by LayerRegistry::instance().
void registerBuiltinLayers(LayerRegistry& registry);

}  // namespace dlab
