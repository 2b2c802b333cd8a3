#include "datasets/DataConfig.h"

#include "datasets/Toy2d.h"

#include <algorithm>

namespace dlab::data {
namespace {

double probability(JsonReader& r, double def) {
    return r.number("p", def, 0.0, 1.0);
}

// Each transform is an object under "augment"; its presence enables it.
void parseAugment(const Json& json, AugmentConfig& a) {
    JsonReader r(json, "data.augment");
    auto section = [&](const char* key, auto read) {
        if (r.has(key)) {
            JsonReader s(r.get(key), std::string("data.augment.") + key);
            read(s);
            s.rejectUnknown();
        }
    };
    section("crop", [&](JsonReader& s) {
        a.crop.enabled = true;
        a.crop.p = probability(s, a.crop.p);
        a.crop.padPx = static_cast<int>(s.integer("pad", a.crop.padPx, 0, 1024));
    });
    section("hflip", [&](JsonReader& s) {
        a.horizontalFlip.enabled = true;
        a.horizontalFlip.p = probability(s, a.horizontalFlip.p);
    });
    section("vflip", [&](JsonReader& s) {
        a.verticalFlip.enabled = true;
        a.verticalFlip.p = probability(s, a.verticalFlip.p);
    });
    section("rotation", [&](JsonReader& s) {
        a.rotation.enabled = true;
        a.rotation.p = probability(s, a.rotation.p);
        a.rotation.maxDegrees = s.number("degrees", a.rotation.maxDegrees, 0.0, 180.0);
    });
    section("translation", [&](JsonReader& s) {
        a.translation.enabled = true;
        a.translation.p = probability(s, a.translation.p);
        a.translation.maxFraction = s.number("fraction", a.translation.maxFraction, 0.0, 1.0);
    });
    section("scale", [&](JsonReader& s) {
        a.scale.enabled = true;
        a.scale.p = probability(s, a.scale.p);
        a.scale.minScale = s.number("min", a.scale.minScale, 0.05, 20.0);
        a.scale.maxScale = s.number("max", a.scale.maxScale, 0.05, 20.0);
    });
    section("color_jitter", [&](JsonReader& s) {
        a.colorJitter.enabled = true;
        a.colorJitter.p = probability(s, a.colorJitter.p);
        a.colorJitter.brightness = s.number("brightness", a.colorJitter.brightness, 0.0, 10.0);
        a.colorJitter.contrast = s.number("contrast", a.colorJitter.contrast, 0.0, 10.0);
        a.colorJitter.saturation = s.number("saturation", a.colorJitter.saturation, 0.0, 10.0);
    });
    section("noise", [&](JsonReader& s) {
        a.noise.enabled = true;
        a.noise.p = probability(s, a.noise.p);
        a.noise.stdPx = s.number("std", a.noise.stdPx, 0.0, 255.0);
    });
    section("erasing", [&](JsonReader& s) {
        a.erasing.enabled = true;
        a.erasing.p = probability(s, a.erasing.p);
        a.erasing.minArea = s.number("min_area", a.erasing.minArea, 0.0, 1.0, true);
        a.erasing.maxArea = s.number("max_area", a.erasing.maxArea, 0.0, 1.0, true);
        a.erasing.randomFill = s.boolean("random_fill", a.erasing.randomFill);
    });
    r.rejectUnknown();
    try {
        validateAugmentConfig(a);
    } catch (const std::invalid_argument& e) {
        JsonReader::fail("data.augment", e.what());
    }
}

Json augmentToJson(const AugmentConfig& a) {
    Json j = Json::object();
    if (a.crop.enabled) j["crop"] = {{"p", a.crop.p}, {"pad", a.crop.padPx}};
    if (a.horizontalFlip.enabled) j["hflip"] = {{"p", a.horizontalFlip.p}};
    if (a.verticalFlip.enabled) j["vflip"] = {{"p", a.verticalFlip.p}};
    if (a.rotation.enabled) j["rotation"] = {{"p", a.rotation.p}, {"degrees", a.rotation.maxDegrees}};
    if (a.translation.enabled) {
        j["translation"] = {{"p", a.translation.p}, {"fraction", a.translation.maxFraction}};
    }
    if (a.scale.enabled) {
        j["scale"] = {{"p", a.scale.p}, {"min", a.scale.minScale}, {"max", a.scale.maxScale}};
    }
    if (a.colorJitter.enabled) {
        j["color_jitter"] = {{"p", a.colorJitter.p}, {"brightness", a.colorJitter.brightness},
                             {"contrast", a.colorJitter.contrast},
                             {"saturation", a.colorJitter.saturation}};
    }
    if (a.noise.enabled) j["noise"] = {{"p", a.noise.p}, {"std", a.noise.stdPx}};
    if (a.erasing.enabled) {
        j["erasing"] = {{"p", a.erasing.p}, {"min_area", a.erasing.minArea},
                        {"max_area", a.erasing.maxArea}, {"random_fill", a.erasing.randomFill}};
    }
    return j;
}

Normalization parseFitted(const Json& json) {
    const std::string where = "data.normalization_stats";
    JsonReader r(json, where);
    Normalization norm;
    try {
        norm.kind = parseNormalizationKind(r.text("kind", "none"));
    } catch (const std::invalid_argument& e) {
        JsonReader::fail(where + ".kind", e.what());
    }
    norm.scale = static_cast<float>(r.number("scale", 1.0, 0.0, 1e9, true));
    auto floats = [&](const char* key) {
        std::vector<float> out;
        if (!r.has(key)) {
            return out;
        }
        const Json& list = r.get(key);
        if (!list.is_array()) {
            JsonReader::fail(where + "." + key, "expected a list of numbers");
        }
        for (const auto& v : list) {
            if (!v.is_number()) {
                JsonReader::fail(where + "." + key, "expected numbers, got " + v.dump());
            }
            out.push_back(v.get<float>());
        }
        return out;
    };
    norm.offset = floats("offset");
    norm.divisor = floats("divisor");
    std::vector<int64_t> dims;
    for (float d : floats("sample_shape")) {
        dims.push_back(static_cast<int64_t>(d));
    }
    norm.sampleShape = Shape(dims);
    r.rejectUnknown();
    const bool divisorsPositive =
        std::all_of(norm.divisor.begin(), norm.divisor.end(), [](float d) { return d > 0.0f; });
    if (norm.offset.size() != norm.divisor.size() || !divisorsPositive) {
        JsonReader::fail(where, "offset and divisor must have the same length, divisors > 0");
    }
    return norm;
}

Json fittedToJson(const Normalization& norm) {
    return {{"kind", normalizationKindName(norm.kind)},
            {"scale", norm.scale},
            {"offset", norm.offset},
            {"divisor", norm.divisor},
            {"sample_shape", norm.sampleShape.dims()}};
}

}  // namespace

DataConfig parseDataConfig(const Json& json) {
    JsonReader r(json, "data");
    DataConfig d;
    d.source = r.text("source", d.source);
    d.path = r.text("path", d.path);
    d.labels = r.text("labels", d.labels);
    d.testPath = r.text("test_path", d.testPath);
    d.testLabels = r.text("test_labels", d.testLabels);
    d.samples = r.integer("samples", d.samples, 4, kToy2dMaxSamples);
    d.noise = r.number("noise", d.noise, 0.0, 100.0);
    d.classes = static_cast<int>(r.integer("classes", d.classes, 2, 1000));
    d.seed = static_cast<uint64_t>(r.integer("seed", static_cast<int64_t>(d.seed), 0, INT64_MAX));
    d.validation = r.number("validation", d.validation, 0.0, 0.9);
    d.test = r.number("test", d.test, 0.0, 0.9);
    d.normalization = r.text("normalization", d.normalization);
    try {
        parseNormalizationKind(d.normalization);
    } catch (const std::invalid_argument& e) {
        JsonReader::fail("data.normalization", e.what());
    }
    d.limit = r.integer("limit", d.limit, 0, INT64_MAX);
    if (r.has("image_size")) {
        const Json& size = r.get("image_size");
        if (!size.is_array() || size.size() != 2 || !size[0].is_number_integer() ||
            !size[1].is_number_integer() || size[0].get<int64_t>() < 1 ||
            size[1].get<int64_t>() < 1 || size[0].get<int64_t>() > 4096 ||
            size[1].get<int64_t>() > 4096) {
            JsonReader::fail("data.image_size",
                             "expected [height, width] in pixels (1 to 4096), got " + size.dump());
        }
        d.load.imageHeight = size[0].get<int64_t>();
        d.load.imageWidth = size[1].get<int64_t>();
    }
    const std::string color = r.text("color", "keep");
    if (color == "keep") {
        d.load.color = LoadOptions::ColorMode::Keep;
    } else if (color == "gray") {
        d.load.color = LoadOptions::ColorMode::Gray;
    } else if (color == "color") {
        d.load.color = LoadOptions::ColorMode::Color;
    } else {
        JsonReader::fail("data.color", "expected \"keep\", \"gray\" or \"color\", got \"" + color + "\"");
    }
    d.load.csvLabelColumn = r.text("label_column", d.load.csvLabelColumn);
    d.load.regression = r.boolean("regression", d.load.regression);
    d.load.memoryBudgetBytes =
        r.integer("memory_budget_mb", d.load.memoryBudgetBytes >> 20, 1, 1 << 24) << 20;
    if (r.has("augment")) {
        parseAugment(r.get("augment"), d.augment);
    }
    if (r.has("normalization_stats")) {
        d.fitted = parseFitted(r.get("normalization_stats"));
    }
    if (d.validation + d.test >= 0.95) {
        JsonReader::fail("data", "validation + test fractions leave no training data");
    }
    r.rejectUnknown();
    return d;
}

Json dataConfigToJson(const DataConfig& d) {
    Json data;
    data["source"] = d.source;
    if (!d.path.empty()) data["path"] = d.path;
    if (!d.labels.empty()) data["labels"] = d.labels;
    if (!d.testPath.empty()) data["test_path"] = d.testPath;
    if (!d.testLabels.empty()) data["test_labels"] = d.testLabels;
    data["samples"] = d.samples;
    data["noise"] = d.noise;
    data["classes"] = d.classes;
    data["seed"] = d.seed;
    data["validation"] = d.validation;
    data["test"] = d.test;
    data["normalization"] = d.normalization;
    if (d.limit) data["limit"] = d.limit;
    if (d.load.imageHeight > 0) data["image_size"] = {d.load.imageHeight, d.load.imageWidth};
    if (d.load.color != LoadOptions::ColorMode::Keep) {
        data["color"] = d.load.color == LoadOptions::ColorMode::Gray ? "gray" : "color";
    }
    if (!d.load.csvLabelColumn.empty()) data["label_column"] = d.load.csvLabelColumn;
    if (d.load.regression) data["regression"] = true;
    if (d.load.memoryBudgetBytes != (2LL << 30)) data["memory_budget_mb"] = d.load.memoryBudgetBytes >> 20;
    if (d.augment.enabled()) data["augment"] = augmentToJson(d.augment);
    if (d.fitted) data["normalization_stats"] = fittedToJson(*d.fitted);
    return data;
}

}  // namespace dlab::data
