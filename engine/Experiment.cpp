#include "engine/Experiment.h"
#include "engine/JsonReader.h"

#include <cmath>
#include <fstream>
#include <set>
#include <sstream>

namespace dlab {
namespace {

using ObjectReader = JsonReader;

std::string settingText(const Json& v, const std::string& path) {
    if (v.is_string()) {
        return v.get<std::string>();
    }
    if (v.is_boolean()) {
        return v.get<bool>() ? "true" : "false";
    }
    if (v.is_number()) {
        std::ostringstream out;
        out.precision(9);
        out << v.get<double>();
        return out.str();
    }
    ObjectReader::fail(path, "expected a number, string or true/false, got " + v.dump());
}

std::vector<LayerSpec> parseLayers(const Json& json, const std::string& path) {
    if (!json.is_array()) {
        ObjectReader::fail(path, "expected a list of layers [ {...}, ... ]");
    }
    std::vector<LayerSpec> specs;
    for (size_t i = 0; i < json.size(); ++i) {
        const std::string at = path + "[" + std::to_string(i) + "]";
        const Json& item = json[i];
        if (!item.is_object()) {
            ObjectReader::fail(at, "expected a layer object like {\"type\": \"dense\", ...}");
        }
        if (!item.contains("type") || !item["type"].is_string()) {
            ObjectReader::fail(at, "a layer needs \"type\" (a string such as \"dense\")");
        }
        LayerSpec spec(item["type"].get<std::string>());
        for (const auto& kv : item.items()) {
            if (kv.key() == "type") {
                continue;
            }
            if (kv.key() == "layers") {
                spec.body = parseLayers(kv.value(), at + ".layers");
                continue;
            }
            spec.attrs[kv.key()] = settingText(kv.value(), at + "." + kv.key());
        }
        specs.push_back(std::move(spec));
    }
    return specs;
}

Json layersToJson(const std::vector<LayerSpec>& specs) {
    Json list = Json::array();
    for (const auto& spec : specs) {
        Json layer;
        layer["type"] = spec.kind;
        for (const auto& [key, value] : spec.attrs) {
            char* end = nullptr;
            const double d = std::strtod(value.c_str(), &end);
            if (!value.empty() && end && *end == '\0') {
                if (d == std::floor(d) && std::fabs(d) < 1e15) {
                    layer[key] = static_cast<int64_t>(d);
                } else {
                    layer[key] = d;
                }
            } else if (value == "true" || value == "false") {
                layer[key] = value == "true";
            } else {
                layer[key] = value;
            }
        }
        if (!spec.body.empty()) {
            layer["layers"] = layersToJson(spec.body);
        }
        list.push_back(layer);
    }
    return list;
}

OptimizerConfig parseOptimizer(const Json& json) {
    ObjectReader r(json, "training.optimizer");
    OptimizerConfig c;
    c.kind = r.named("type", c.kind, parseOptKind);
    kernels::OptHyper& h = c.hyper;
    h.lr = static_cast<float>(r.number("lr", h.lr, 0.0, 1e6, true));
    h.momentum = static_cast<float>(r.number("momentum", h.momentum, 0.0, 1.0));
    h.beta1 = static_cast<float>(r.number("beta1", h.beta1, 0.0, 1.0));
    h.beta2 = static_cast<float>(r.number("beta2", h.beta2, 0.0, 1.0));
    h.decay = static_cast<float>(r.number("decay", h.decay, 0.0, 1.0));
    h.eps = static_cast<float>(r.number("eps", h.eps, 0.0, 1.0, true));
    h.weightDecay = static_cast<float>(r.number("weight_decay", h.weightDecay, 0.0, 10.0));
    r.rejectUnknown();
    return c;
}

ScheduleConfig parseSchedule(const Json& json) {
    ObjectReader r(json, "training.schedule");
    ScheduleConfig s;
    s.kind = r.named("type", s.kind, parseScheduleKind);
    s.stepEpochs = r.number("step_epochs", s.stepEpochs, 0.0, 1e9, true);
    s.gamma = r.number("gamma", s.gamma, 0.0, 10.0, true);
    s.warmupEpochs = r.number("warmup_epochs", s.warmupEpochs, 0.0, 1e9);
    s.minLr = r.number("min_lr", s.minLr, 0.0, 1e6);
    if (r.has("milestones")) {
        const Json& m = r.get("milestones");
        if (!m.is_array()) {
            ObjectReader::fail("training.schedule.milestones", "expected a list of epochs");
        }
        for (const auto& e : m) {
            if (!e.is_number() || e.get<double>() < 0) {
                ObjectReader::fail("training.schedule.milestones",
                                   "expected epochs ≥ 0, got " + e.dump());
            }
            s.milestones.push_back(e.get<double>());
        }
    }
    r.rejectUnknown();
    return s;
}

TrainConfig parseTraining(const Json& json) {
    ObjectReader r(json, "training");
    TrainConfig t;
    t.epochs = static_cast<int>(r.integer("epochs", t.epochs, 1, 1'000'000));
    t.batchSize = static_cast<int>(r.integer("batch_size", t.batchSize, 1, 1'000'000));
    t.shuffle = r.boolean("shuffle", t.shuffle);
    t.seed = static_cast<uint64_t>(r.integer("seed", static_cast<int64_t>(t.seed), 0, INT64_MAX));
    t.loss = r.named("loss", t.loss, parseLossKind);
    if (r.has("optimizer")) {
        t.optimizer = parseOptimizer(r.get("optimizer"));
    }
    if (r.has("schedule")) {
        t.schedule = parseSchedule(r.get("schedule"));
    }
    if (r.has("regularization")) {
        ObjectReader reg(r.get("regularization"), "training.regularization");
        t.regularization.l1 = reg.number("l1", 0.0, 0.0, 1e9);
        t.regularization.l2 = reg.number("l2", 0.0, 0.0, 1e9);
        if (reg.has("elastic_net")) {
            // Elastic net: one strength split between L1 and L2 by `l1_ratio`.
            const double strength = reg.number("elastic_net", 0.0, 0.0, 1e9);
            const double ratio = reg.number("l1_ratio", 0.5, 0.0, 1.0);
            t.regularization.l1 += strength * ratio;
            t.regularization.l2 += strength * (1.0 - ratio);
        } else {
            reg.number("l1_ratio", 0.5, 0.0, 1.0);
        }
        reg.rejectUnknown();
    }
    t.clipNorm = r.number("clip_norm", t.clipNorm, 0.0, 1e9);
    if (r.has("early_stopping")) {
        ObjectReader es(r.get("early_stopping"), "training.early_stopping");
        t.earlyStoppingPatience = static_cast<int>(es.integer("patience", 0, 0, 1'000'000));
        es.rejectUnknown();
    }
    t.divergenceFactor = r.number("divergence_factor", t.divergenceFactor, 1.0, 1e9, true);
    t.paramStatsInterval =
        static_cast<int>(r.integer("param_stats_interval", t.paramStatsInterval, 0, 1'000'000));
    r.rejectUnknown();
    return t;
}

}  // namespace

Experiment parseExperiment(const std::string& jsonText) {
    Json json;
    try {
        json = Json::parse(jsonText);
    } catch (const Json::parse_error& e) {
        throw ExperimentError(std::string("not valid JSON: ") + e.what());
    }
    ObjectReader r(json, "");
    Experiment ex;
    const int64_t version = r.integer("dlab_experiment", kExperimentVersion, 1, 1'000'000);
    if (version > kExperimentVersion) {
        ObjectReader::fail("dlab_experiment",
                           "written by a newer dlab (format " + std::to_string(version) +
                               ", this one reads up to " + std::to_string(kExperimentVersion) +
                               ")");
    }
    ex.name = r.text("name", ex.name);
    ex.description = r.text("description", ex.description);
    if (r.has("data")) {
        // The data section belongs to the data pipeline (datasets/DataConfig.h), which
        // checks it; here it only has to be an object.
        ex.data = r.get("data");
        if (!ex.data.is_object()) {
            ObjectReader::fail("data", "expected an object { ... }, got " + ex.data.dump());
        }
    }
    if (!r.has("network")) {
        ObjectReader::fail("network", "missing: the experiment needs a list of layers");
    }
    ex.network = parseLayers(r.get("network"), "network");
    if (ex.network.empty()) {
        ObjectReader::fail("network", "the network has no layers");
    }
    if (r.has("training")) {
        ex.training = parseTraining(r.get("training"));
    }
    ex.device = r.text("device", ex.device);
    if (ex.device != "cpu" && ex.device != "cuda") {
        ObjectReader::fail("device", "expected \"cpu\" or \"cuda\", got \"" + ex.device + "\"");
    }
    r.rejectUnknown();
    return ex;
}

Experiment loadExperiment(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        throw ExperimentError(path + ": cannot open the file");
    }
    std::ostringstream text;
    text << in.rdbuf();
    try {
        return parseExperiment(text.str());
    } catch (const ExperimentError& e) {
        throw ExperimentError(path + ": " + e.what());
    }
}

std::string experimentToJson(const Experiment& ex) {
    Json j;
    j["dlab_experiment"] = kExperimentVersion;
    j["name"] = ex.name;
    if (!ex.description.empty()) {
        j["description"] = ex.description;
    }
    j["data"] = ex.data;
    j["network"] = layersToJson(ex.network);

    const TrainConfig& t = ex.training;
    Json tr;
    tr["epochs"] = t.epochs;
    tr["batch_size"] = t.batchSize;
    tr["shuffle"] = t.shuffle;
    tr["seed"] = t.seed;
    tr["loss"] = lossKindName(t.loss);
    const kernels::OptHyper& h = t.optimizer.hyper;
    tr["optimizer"] = {{"type", optKindName(t.optimizer.kind)}, {"lr", h.lr},
                       {"momentum", h.momentum}, {"beta1", h.beta1}, {"beta2", h.beta2},
                       {"decay", h.decay}, {"eps", h.eps}, {"weight_decay", h.weightDecay}};
    const ScheduleConfig& s = t.schedule;
    tr["schedule"] = {{"type", scheduleKindName(s.kind)}, {"step_epochs", s.stepEpochs},
                      {"gamma", s.gamma}, {"milestones", s.milestones},
                      {"warmup_epochs", s.warmupEpochs}, {"min_lr", s.minLr}};
    tr["regularization"] = {{"l1", t.regularization.l1}, {"l2", t.regularization.l2}};
    tr["clip_norm"] = t.clipNorm;
    tr["early_stopping"] = {{"patience", t.earlyStoppingPatience}};
    tr["divergence_factor"] = t.divergenceFactor;
    tr["param_stats_interval"] = t.paramStatsInterval;
    j["training"] = tr;
    j["device"] = ex.device;
    return j.dump(2) + "\n";
}

void saveExperiment(const Experiment& experiment, const std::string& path) {
    const std::string text = experimentToJson(experiment);
    // Write to a temporary file first so a failed write never destroys the old file.
    const std::string tmp = path + ".tmp";
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        out << text;
        if (!out.flush()) {
            throw ExperimentError(path + ": cannot write the file");
        }
    }
    if (std::rename(tmp.c_str(), path.c_str()) != 0) {
        std::remove(tmp.c_str());
        throw ExperimentError(path + ": cannot replace the file");
    }
}

std::vector<LayerSpec> resolveNetwork(const std::vector<LayerSpec>& specs, int outputs) {
    std::vector<LayerSpec> out = specs;
    for (auto& spec : out) {
        for (auto& [key, value] : spec.attrs) {
            if (value == "classes") {
                value = std::to_string(outputs);
            }
        }
        spec.body = resolveNetwork(spec.body, outputs);
    }
    return out;
}

}  // namespace dlab
