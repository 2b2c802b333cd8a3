#include "engine/Registry.h"

#include "engine/Init.h"

#include <cmath>
#include <sstream>
#include <stdexcept>

namespace dlab {
namespace {

std::string formatNumber(double v) {
    std::ostringstream out;
    out << v;
    return out.str();
}

bool parseDouble(const std::string& text, double& value) {
    if (text.empty()) {
        return false;
    }
    char* end = nullptr;
    value = std::strtod(text.c_str(), &end);
    return end && *end == '\0' && std::isfinite(value);
}

std::string typeWords(const SettingInfo& s) {
    switch (s.type) {
    case SettingType::Int: return "an integer";
    case SettingType::Float: return "a number";
    case SettingType::Bool: return "true or false";
    case SettingType::Choice: {
        std::string all;
        for (const auto& c : s.choices) {
            all += (all.empty() ? "" : ", ") + c;
        }
        return "one of " + all;
    }
    }
    return "a value";
}

std::string rangeWords(const SettingInfo& s) {
    const bool hasMin = s.min > -1e299, hasMax = s.max < 1e299;
    if (hasMin && hasMax) {
        return " in [" + formatNumber(s.min) + ", " + formatNumber(s.max) + "]";
    }
    if (hasMin) {
        return " ≥ " + formatNumber(s.min);
    }
    if (hasMax) {
        return " ≤ " + formatNumber(s.max);
    }
    return {};
}

std::string where(const LayerSpec& spec) {
    return spec.label.empty() ? spec.kind : spec.label;
}

void validate(const LayerSpec& spec, const LayerInfo& info) {
    for (const auto& [name, value] : spec.attrs) {
        const SettingInfo* setting = nullptr;
        for (const auto& s : info.settings) {
            if (s.name == name) {
                setting = &s;
            }
        }
        if (!setting) {
            std::string known;
            for (const auto& s : info.settings) {
                known += (known.empty() ? "" : ", ") + s.name;
            }
            throw std::invalid_argument(where(spec) + ": unknown setting '" + name + "'" +
                                        (known.empty() ? " (this kind has no settings)"
                                                       : " (settings: " + known + ")"));
        }
        bool ok = true;
        double v = 0.0;
        switch (setting->type) {
        case SettingType::Int:
            ok = parseDouble(value, v) && v == std::floor(v) && v >= setting->min &&
                 v <= setting->max;
            break;
        case SettingType::Float:
            ok = parseDouble(value, v) && v >= setting->min && v <= setting->max;
            break;
        case SettingType::Bool: ok = value == "true" || value == "false"; break;
        case SettingType::Choice: {
            ok = false;
            for (const auto& c : setting->choices) {
                ok = ok || c == value;
            }
            break;
        }
        }
        if (!ok) {
            throw std::invalid_argument(where(spec) + ": '" + name + "' must be " +
                                        typeWords(*setting) + rangeWords(*setting) + ", got '" +
                                        value + "'");
        }
    }
    for (const auto& s : info.settings) {
        if (s.defaultValue.empty() && !spec.attrs.count(s.name)) {
            throw std::invalid_argument(where(spec) + ": missing required setting '" + s.name +
                                        "' (" + s.help + ")");
        }
    }
    if (!info.hasBody && !spec.body.empty()) {
        throw std::invalid_argument(where(spec) + ": a " + spec.kind +
                                    " layer takes no nested layers");
    }
}

}  // namespace

LayerSpec& LayerSpec::set(const std::string& key, const std::string& value) {
    attrs[key] = value;
    return *this;
}

LayerSpec& LayerSpec::set(const std::string& key, double value) {
    attrs[key] = formatNumber(value);
    return *this;
}

LayerRegistry& LayerRegistry::instance() {
    static LayerRegistry* registry = [] {
        auto* r = new LayerRegistry;
        registerBuiltinLayers(*r);
        return r;
    }();
    return *registry;
}

void LayerRegistry::add(LayerInfo info) {
    std::string kind = info.kind;
    m_infos[kind] = std::move(info);
}

const LayerInfo* LayerRegistry::find(const std::string& kind) const {
    auto it = m_infos.find(kind);
    return it == m_infos.end() ? nullptr : &it->second;
}

std::vector<const LayerInfo*> LayerRegistry::all() const {
    std::vector<const LayerInfo*> out;
    for (const auto& [kind, info] : m_infos) {
        out.push_back(&info);
    }
    return out;
}

std::unique_ptr<Layer> LayerRegistry::create(const LayerSpec& spec, const Shape& input) const {
    const LayerInfo* info = find(spec.kind);
    if (!info) {
        std::string known;
        for (const auto& [kind, i] : m_infos) {
            known += (known.empty() ? "" : ", ") + kind;
        }
        throw std::invalid_argument(where(spec) + ": unknown layer kind '" + spec.kind +
                                    "' (known kinds: " + known + ")");
    }
    validate(spec, *info);
    try {
        return info->factory(spec, input);
    } catch (const std::invalid_argument& e) {
        // Errors of nested layers (a residual body) already start with this label.
        if (std::string(e.what()).rfind(where(spec), 0) == 0) {
            throw;
        }
        throw std::invalid_argument(where(spec) + ": " + e.what());
    }
}

std::string SpecReader::raw(const std::string& name) const {
    auto it = m_spec.attrs.find(name);
    if (it != m_spec.attrs.end()) {
        return it->second;
    }
    for (const auto& s : m_info.settings) {
        if (s.name == name) {
            return s.defaultValue;
        }
    }
    throw std::logic_error(m_info.kind + " reads unregistered setting '" + name + "'");
}

int64_t SpecReader::getInt(const std::string& name) const {
    return static_cast<int64_t>(std::stod(raw(name)));
}

float SpecReader::getFloat(const std::string& name) const {
    return static_cast<float>(std::stod(raw(name)));
}

std::string SpecReader::getString(const std::string& name) const {
    return raw(name);
}

bool SpecReader::getBool(const std::string& name) const {
    return raw(name) == "true";
}

std::vector<SettingInfo> weightInitSettings(const std::string& defaultInit) {
    SettingInfo init{"init", SettingType::Choice, defaultInit,
                     "How the weights start (see the initializers' help).", initKindNames()};
    return {
        init,
        {"init_std", SettingType::Float, "0.01", "σ of the 'normal' initializer.", {}, 0.0},
        {"init_limit", SettingType::Float, "0.05", "Limit of the 'uniform' initializer.", {}, 0.0},
        {"init_value", SettingType::Float, "0", "Value of the 'constant' initializer."},
        {"init_gain", SettingType::Float, "1", "Gain of the Xavier and orthogonal initializers.", {}, 0.0},
        {"bias", SettingType::Bool, "true", "Whether the layer adds a learned bias (zeros at init)."},
    };
}

InitSpec readInitSpec(const SpecReader& reader) {
    InitSpec spec;
    spec.kind = parseInitKind(reader.getString("init"));
    spec.std = reader.getFloat("init_std");
    spec.limit = reader.getFloat("init_limit");
    spec.value = reader.getFloat("init_value");
    spec.gain = reader.getFloat("init_gain");
    return spec;
}

int64_t Layer::parameterCount() {
    int64_t n = 0;
    for (Param* p : params()) {
        n += p->value.numel();
    }
    return n;
}

}  // namespace dlab
