#pragma once
// JsonReader: typed, range-checked reading of one JSON object for the experiment file,
// with the JSON path of every bad value in the error ("training.optimizer.lr: ...").
// Shared by the engine's sections and the data pipeline's data section.

#include <nlohmann/json.hpp>

#include <cmath>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>

namespace dlab {

// A bad experiment file or section, with where and what.
class ExperimentError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

using Json = nlohmann::ordered_json;

// Reads one JSON object, checking types and ranges and remembering its path so every
// error says where the bad value is. Unknown keys are errors: a typo must not be
// silently ignored.
class JsonReader {
public:
    JsonReader(const Json& json, std::string path) : m_json(json), m_path(std::move(path)) {
        if (!m_json.is_object()) {
            fail(m_path, "expected an object { ... }, got " + m_json.dump());
        }
    }

    [[noreturn]] static void fail(const std::string& path, const std::string& what) {
        throw ExperimentError((path.empty() ? std::string("experiment") : path) + ": " + what);
    }

    std::string at(const std::string& key) const {
        return m_path.empty() ? key : m_path + "." + key;
    }
    bool has(const std::string& key) {
        m_known.insert(key);
        return m_json.contains(key);
    }
    const Json& get(const std::string& key) {
        m_known.insert(key);
        return m_json.at(key);
    }

    double number(const std::string& key, double def, double min, double max,
                  bool minExclusive = false) {
        if (!has(key)) {
            return def;
        }
        const Json& v = get(key);
        if (!v.is_number()) {
            fail(at(key), "expected a number, got " + v.dump());
        }
        const double d = v.get<double>();
        if (!std::isfinite(d) || d < min || d > max || (minExclusive && d == min)) {
            std::ostringstream range;
            range << (minExclusive ? "> " : "≥ ") << min;
            if (max < 1e300) {
                range << " and ≤ " << max;
            }
            fail(at(key), "expected a number " + range.str() + ", got " + v.dump());
        }
        return d;
    }
    int64_t integer(const std::string& key, int64_t def, int64_t min, int64_t max) {
        if (!has(key)) {
            return def;
        }
        const Json& v = get(key);
        if (!v.is_number_integer() || v.get<int64_t>() < min || v.get<int64_t>() > max) {
            fail(at(key), "expected an integer in [" + std::to_string(min) + ", " +
                              std::to_string(max) + "], got " + v.dump());
        }
        return v.get<int64_t>();
    }
    bool boolean(const std::string& key, bool def) {
        if (!has(key)) {
            return def;
        }
        const Json& v = get(key);
        if (!v.is_boolean()) {
            fail(at(key), "expected true or false, got " + v.dump());
        }
        return v.get<bool>();
    }
    std::string text(const std::string& key, const std::string& def) {
        if (!has(key)) {
            return def;
        }
        const Json& v = get(key);
        if (!v.is_string()) {
            fail(at(key), "expected a string, got " + v.dump());
        }
        return v.get<std::string>();
    }
    // Calls parse(value) and turns its std::invalid_argument into an error at `key`.
    template <typename T, typename Parse>
    T named(const std::string& key, T def, Parse parse) {
        if (!has(key)) {
            return def;
        }
        const std::string value = text(key, "");
        try {
            return parse(value);
        } catch (const std::invalid_argument& e) {
            fail(at(key), e.what());
        }
    }

    void rejectUnknown() const {
        for (const auto& item : m_json.items()) {
            if (!m_known.count(item.key())) {
                std::string known;
                for (const auto& k : m_known) {
                    known += (known.empty() ? "" : ", ") + k;
                }
                fail(at(item.key()), "unknown key (known here: " + known + ")");
            }
        }
    }

private:
    const Json& m_json;
    std::string m_path;
    std::set<std::string> m_known;
};

}  // namespace dlab
