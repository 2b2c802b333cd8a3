#include "widgets/DataLoadJob.h"

#include "datasets/Detect.h"
#include "datasets/Toy2d.h"

#include <QFileInfo>

#include <algorithm>
#include <filesystem>
#include <stdexcept>

namespace dlab::ui {
namespace {

namespace fs = std::filesystem;

// Progress shares of the job's stages.
constexpr double kPrepareShare = 0.85;
constexpr double kSummaryShare = 0.12;
// The example grid: samples per class (fewer when there are many classes), rows at most.
constexpr int kGridPerClass = 6;
constexpr int kGridPerClassMany = 5;
constexpr int kGridMaxRows = 20;
// Value statistics read at most this many training samples (a streamed folder decodes
// each one from disk).
constexpr int64_t kStatSamples = 5000;
// The scatter plot is painted at about twice the dock's width, then scaled down.
constexpr int kScatterPixels = 720;
// Classes listed one per line in the summary; beyond this only the first ones.
constexpr size_t kClassLines = 12;

data::ProgressFn scaled(const data::ProgressFn& progress, double from, double span) {
    if (!progress) {
        return {};
    }
    return [progress, from, span](double f, const std::string& what) {
        return progress(from + span * std::clamp(f, 0.0, 1.0), what);
    };
}

// Three significant digits: enough to compare, few enough to read at a glance.
QString num(double v) {
    return QString::number(v, 'g', 3);
}

QString datasetTitle(const data::DataConfig& config) {
    if (config.source == "fashion-mnist") {
        return QStringLiteral("Fashion-MNIST");
    }
    if (config.source == "path" || config.source == "idx") {
        return QFileInfo(QString::fromStdString(config.path)).fileName();
    }
    QString title = QString::fromStdString(config.source);
    if (!title.isEmpty()) {
        title[0] = title[0].toUpper();
    }
    return title;
}

QString inputText(const data::DatasetSummary& s) {
    const Shape& shape = s.inputShape;
    if (s.isImage && shape.rank() == 3) {
        return QStringLiteral("%1 × %2 × %3 (%4 images)")
            .arg(shape[0])
            .arg(shape[1])
            .arg(shape[2])
            .arg(shape[0] == 3 ? QStringLiteral("colour") : QStringLiteral("grey"));
    }
    return QStringLiteral("%1 features").arg(shape.numel());
}

QString spreadText(const data::DatasetSummary& s) {
    const auto& mean = s.channelMean;
    const auto& sd = s.channelStd;
    if (mean.empty()) {
        return {};
    }
    if (mean.size() == 1) {
        return QStringLiteral("mean %1, std %2").arg(num(mean[0]), num(sd[0]));
    }
    QStringList parts;
    if (s.isImage && mean.size() == 3) {
        const char* names[] = {"R", "G", "B"};
        for (size_t c = 0; c < 3; ++c) {
            parts << QStringLiteral("%1 %2 ± %3").arg(names[c], num(mean[c]), num(sd[c]));
        }
        return parts.join(QStringLiteral(", "));
    }
    if (mean.size() <= 4) {
        for (size_t c = 0; c < mean.size(); ++c) {
            parts << QStringLiteral("%1%2: mean %3, std %4")
                         .arg(s.isImage ? "channel " : "x")
                         .arg(c + 1)
                         .arg(num(mean[c]), num(sd[c]));
        }
        return parts.join(QStringLiteral("<br>"));
    }
    const auto [mlo, mhi] = std::minmax_element(mean.begin(), mean.end());
    const auto [slo, shi] = std::minmax_element(sd.begin(), sd.end());
    return QStringLiteral("means %1 to %2, stds %3 to %4")
        .arg(num(*mlo), num(*mhi), num(*slo), num(*shi));
}

QString row(const QString& key, const QString& value) {
    return QStringLiteral("<tr><td style='padding-right:8px'><b>%1</b></td><td>%2</td></tr>")
        .arg(key, value);
}

QString classTable(const data::DatasetSummary& s) {
    QString html = QStringLiteral(
        "<table cellspacing='0' cellpadding='1' style='margin-top:4px'>"
        "<tr><th align='left' style='padding-right:10px'>Class</th><th align='right'>train</th>"
        "<th align='right'>&nbsp;val</th><th align='right'>&nbsp;test</th></tr>");
    const size_t shown = std::min(static_cast<size_t>(s.numClasses), kClassLines);
    for (size_t c = 0; c < shown; ++c) {
        const QString name = c < s.classNames.size() ? QString::fromStdString(s.classNames[c])
                                                     : QStringLiteral("class %1").arg(c);
        html += QStringLiteral("<tr><td style='padding-right:10px'>%1</td>").arg(name.toHtmlEscaped());
        for (const auto& split : s.splits) {
            const int64_t count = c < split.classCounts.size() ? split.classCounts[c] : 0;
            html += QStringLiteral("<td align='right'>&nbsp;%1</td>").arg(count);
        }
        html += QStringLiteral("</tr>");
    }
    html += QStringLiteral("</table>");
    if (shown < static_cast<size_t>(s.numClasses)) {
        html += QStringLiteral("<div>… and %1 more classes</div>").arg(s.numClasses - static_cast<int>(shown));
    }
    return html;
}

QString summaryHtml(const LoadedData& d) {
    const data::DatasetSummary& s = d.summary;
    const QString kind = s.numClasses > 0 ? QStringLiteral("%1 classes").arg(s.numClasses)
                                          : QStringLiteral("regression, %1 target%2")
                                                .arg(s.targetSize)
                                                .arg(s.targetSize == 1 ? "" : "s");
    QString html = QStringLiteral("<div style='font-size:large'><b>%1</b> — %2</div>")
                       .arg(d.title.toHtmlEscaped(), kind);
    html += QStringLiteral("<table cellspacing='0' cellpadding='1'>");
    QStringList counts;
    for (const auto& split : s.splits) {
        counts << QStringLiteral("%1 %2").arg(split.samples).arg(QString::fromStdString(split.name));
    }
    html += row(QStringLiteral("Samples"), counts.join(QStringLiteral(" · ")));
    html += row(QStringLiteral("Input"), inputText(s));
    html += row(QStringLiteral("Format"), QString::fromStdString(d.prepared->format).toHtmlEscaped());
    QString values = QStringLiteral("%1 to %2").arg(num(s.minValue), num(s.maxValue));
    const QString spread = spreadText(s);
    if (!spread.isEmpty()) {
        values += QStringLiteral("<br>") + spread;
    }
    if (s.statSamples < s.splits.front().samples) {
        values += QStringLiteral("<br><i>(from %1 training samples)</i>").arg(s.statSamples);
    }
    html += row(QStringLiteral("Values"), values);
    if (s.numClasses == 0) {
        html += row(QStringLiteral("Target"),
                    QStringLiteral("%1 to %2").arg(num(s.targetMin), num(s.targetMax)));
    }
    html += QStringLiteral("</table>");
    if (s.numClasses > 0) {
        html += classTable(s);
    }
    return html;
}

bool sameFileNames(std::vector<std::string> a, std::vector<std::string> b) {
    auto names = [](std::vector<std::string>& v) {
        for (auto& p : v) {
            p = fs::path(p).filename().string();
        }
        std::sort(v.begin(), v.end());
    };
    names(a);
    names(b);
    return a == b;
}

}  // namespace

data::DataConfig resolveDroppedPaths(const std::vector<std::string>& paths,
                                     data::DataConfig config) {
    config.labels.clear();
    config.testPath.clear();
    config.testLabels.clear();
    if (paths.size() == 1) {
        config.source = "path";
        config.path = paths.front();
        return config;
    }
    const data::DroppedInput input = data::detectDropped(paths);
    const fs::path folder = fs::path(paths.front()).parent_path();
    const bool oneFolder = std::all_of(paths.begin(), paths.end(), [&](const std::string& p) {
        return fs::path(p).parent_path() == folder;
    });
    if (oneFolder && input.format != data::DroppedFormat::ImageFolder) {
        try {
            const data::DroppedInput whole = data::detectDropped({folder.string()});
            if (whole.format == input.format && sameFileNames(whole.files, input.files)) {
                config.source = "path";
                config.path = folder.string();
                return config;
            }
        } catch (const std::runtime_error&) {
            // The folder alone is not recognised; the files may still form an IDX pair.
        }
    }
    if (input.format == data::DroppedFormat::Idx) {
        const std::vector<data::IdxFilePair> pairs = data::pairIdxFiles(input.files);
        const data::IdxFilePair* train = nullptr;
        const data::IdxFilePair* test = nullptr;
        for (const auto& pair : pairs) {
            (pair.test ? test : train) = &pair;
        }
        if (pairs.size() > 2 || (pairs.size() == 2 && (!train || !test))) {
            throw std::runtime_error("several IDX image files were dropped; drop one images/labels "
                                     "pair (and its test pair), or the folder holding them");
        }
        if (!train) {
            std::swap(train, test);
        }
        config.source = "idx";
        config.path = train->images;
        config.labels = train->labels;
        if (test) {
            config.testPath = test->images;
            config.testLabels = test->labels;
        }
        return config;
    }
    throw std::runtime_error("these files cannot be kept together in an experiment: drop the "
                             "folder that holds them" +
                             (oneFolder ? " (" + folder.string() + ")" : std::string()) +
                             ", or one file");
}

LoadedData loadData(const LoadRequest& request, const data::ProgressFn& progress) {
    LoadedData out;
    out.config = request.paths.empty() ? request.config
                                       : resolveDroppedPaths(request.paths, request.config);
    data::reportProgress(progress, 0.0, "opening");
    auto prepared = std::make_shared<data::PreparedData>(
        data::prepareData(out.config, scaled(progress, 0.0, kPrepareShare)));
    data::SummaryOptions options;
    options.maxStatSamples = kStatSamples;
    out.summary = data::summarize(prepared->split, options,
                                  scaled(progress, kPrepareShare, kSummaryShare));
    out.title = datasetTitle(out.config);
    data::reportProgress(progress, kPrepareShare + kSummaryShare, "drawing examples");
    const data::Dataset& train = prepared->split.train;
    if (train.isImage()) {
        const int perClass = train.numClasses > 10 ? kGridPerClassMany : kGridPerClass;
        out.grid = renderSampleGrid(train, perClass, kGridMaxRows, out.config.seed);
    } else {
        out.scatter = renderScatter(prepared->split, kScatterPixels);
    }
    out.prepared = std::move(prepared);
    out.summaryHtml = summaryHtml(out);
    data::reportProgress(progress, 1.0, "done");
    return out;
}

LoadedData refitNormalization(const LoadedData& base, const data::DataConfig& config) {
    LoadedData out = base;
    out.config = config;
    auto prepared = std::make_shared<data::PreparedData>(*base.prepared);
    const data::Dataset& train = prepared->split.train;
    if (config.fitted && config.fitted->sampleShape == train.sampleShape()) {
        prepared->normalization = *config.fitted;
    } else {
        prepared->normalization =
            data::fitNormalization(train, data::parseNormalizationKind(config.normalization));
    }
    prepared->augment = config.augment;
    const std::string before = ", normalization " + base.config.normalization;
    const size_t at = prepared->summary.find(before);
    if (at != std::string::npos) {
        prepared->summary.replace(at, before.size(), ", normalization " + config.normalization);
    }
    out.prepared = std::move(prepared);
    return out;
}

LoadedData withAugment(const LoadedData& base, const data::AugmentConfig& augment) {
    LoadedData out = base;
    out.config.augment = augment;
    auto prepared = std::make_shared<data::PreparedData>(*base.prepared);
    prepared->augment = augment;
    out.prepared = std::move(prepared);
    return out;
}

ConfigChange configChange(const data::DataConfig& from, const data::DataConfig& to) {
    Json a = data::dataConfigToJson(from);
    Json b = data::dataConfigToJson(to);
    if (a == b) {
        return ConfigChange::None;
    }
    a.erase("augment");
    b.erase("augment");
    if (a == b) {
        return ConfigChange::Augment;
    }
    for (const char* key : {"normalization", "normalization_stats"}) {
        a.erase(key);
        b.erase(key);
    }
    return a == b ? ConfigChange::Normalization : ConfigChange::Reload;
}

}  // namespace dlab::ui
