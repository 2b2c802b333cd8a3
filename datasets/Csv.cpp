#include "datasets/Csv.h"

#include "datasets/CsvRows.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <numeric>
#include <optional>
#include <stdexcept>
#include <system_error>
#include <unordered_map>
#include <utility>

namespace dlab::data {

namespace {

namespace fs = std::filesystem;

constexpr int64_t kProgressEveryRows = 65536;
constexpr size_t kQuotedCellChars = 40;
constexpr size_t kReadChunkBytes = size_t{1} << 22;

[[noreturn]] void fail(const std::string& source, int64_t line, const std::string& what) {
    throw std::runtime_error(source + " line " + std::to_string(line) + ": " + what);
}

[[noreturn]] void failCell(const std::string& source, int64_t line, size_t column,
                           const std::string& name, const std::string& what) {
    throw std::runtime_error(source + " line " + std::to_string(line) + ", column " +
                             std::to_string(column + 1) + " (\"" + name + "\"): " + what);
}

std::string_view trimView(std::string_view s) {
    const auto isSpace = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
    while (!s.empty() && isSpace(s.front())) {
        s.remove_prefix(1);
    }
    while (!s.empty() && isSpace(s.back())) {
        s.remove_suffix(1);
    }
    return s;
}

std::string lower(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

// A cell as it appears in a message: quoted, cut short when long.
std::string cellText(std::string_view cell) {
    std::string text(1, '"');
    text.append(cell.substr(0, kQuotedCellChars));
    text.append(cell.size() > kQuotedCellChars ? "...\"" : "\"");
    return text;
}

// A finite number, surrounding blanks allowed; nullopt for anything else.
std::optional<double> parseNumber(std::string_view cell) {
    cell = trimView(cell);
    if (!cell.empty() && cell.front() == '+') {
        cell.remove_prefix(1);
    }
    if (cell.empty()) {
        return std::nullopt;
    }
    double value = 0.0;
    const auto [end, ec] = std::from_chars(cell.data(), cell.data() + cell.size(), value);
    if (ec != std::errc() || end != cell.data() + cell.size() || !std::isfinite(value)) {
        return std::nullopt;
    }
    return value;
}

bool isHeader(const std::vector<std::string>& first, const std::vector<std::string>* second) {
    // A ragged second row says nothing about the first; it is reported when read.
    if (!second || second->size() != first.size()) {
        return std::none_of(first.begin(), first.end(),
                            [](const std::string& cell) { return parseNumber(cell).has_value(); });
    }
    for (size_t c = 0; c < first.size() && c < second->size(); ++c) {
        if (!parseNumber(first[c]) && parseNumber((*second)[c])) {
            return true;
        }
    }
    return false;
}

size_t chooseLabelColumn(const std::vector<std::string>& names, bool hasHeader,
                         const CsvOptions& options, const std::string& source) {
    const size_t columns = names.size();
    const std::string& wanted = options.labelColumn;
    if (!wanted.empty()) {
        if (hasHeader) {
            for (size_t c = 0; c < columns; ++c) {
                if (names[c] == wanted) {
                    return c;
                }
            }
            for (size_t c = 0; c < columns; ++c) {
                if (lower(names[c]) == lower(trimView(wanted))) {
                    return c;
                }
            }
        }
        const std::string_view text = trimView(wanted);
        long long index = 0;
        const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), index);
        if (ec == std::errc() && end == text.data() + text.size() && !text.empty()) {
            const long long n = static_cast<long long>(columns);
            const long long resolved = index < 0 ? n + index : index;
            if (resolved >= 0 && resolved < n) {
                return static_cast<size_t>(resolved);
            }
        }
        std::string list;
        for (size_t c = 0; c < columns; ++c) {
            list += (c ? ", " : "") + names[c];
        }
        throw std::runtime_error(source + ": no label column " + cellText(wanted) +
                                 " (columns: " + list + "; or give a 0-based index below " +
                                 std::to_string(columns) + ")");
    }
    if (hasHeader) {
        static const std::array<const char*, 8> kLabelNames = {
            "label", "labels", "class", "classes", "class_label", "target", "targets", "y"};
        for (const char* candidate : kLabelNames) {
            for (size_t c = 0; c < columns; ++c) {
                if (lower(trimView(names[c])) == candidate) {
                    return c;
                }
            }
        }
    }
    return columns - 1;
}

// Turns the distinct label strings into classes: fills targets (from each row's index
// into `distinct`), numClasses and classNames.
void assignClasses(const std::vector<std::string>& distinct, const std::vector<int32_t>& rowLabel,
                   const std::string& source, const std::string& labelName, CsvResult& result) {
    Dataset& data = result.dataset;
    std::vector<double> values(distinct.size());
    bool allNumbers = true;
    bool allIntegers = true;
    for (size_t i = 0; i < distinct.size() && allNumbers; ++i) {
        const std::optional<double> v = parseNumber(distinct[i]);
        allNumbers = v.has_value();
        allIntegers = allNumbers && allIntegers && *v == std::floor(*v);
        values[i] = v.value_or(0.0);
    }
    std::vector<int> classOf(distinct.size());
    if (allNumbers && !allIntegers) {
        const auto at =
            std::find_if(values.begin(), values.end(), [](double v) { return v != std::floor(v); });
        throw std::runtime_error(
            source + ": label column \"" + labelName + "\" holds non-integer numbers (such as " +
            cellText(distinct[static_cast<size_t>(at - values.begin())]) +
            "): load it as a regression target, or choose another label column");
    }
    const double maxValue = allNumbers ? *std::max_element(values.begin(), values.end()) : 0.0;
    const double minValue = allNumbers ? *std::min_element(values.begin(), values.end()) : 0.0;
    if (allNumbers && minValue >= 0.0 && maxValue < kCsvMaxClasses) {
        data.numClasses = static_cast<int>(maxValue) + 1;
        for (size_t i = 0; i < distinct.size(); ++i) {
            classOf[i] = static_cast<int>(values[i]);
        }
        for (int c = 0; c < data.numClasses; ++c) {
            data.classNames.push_back("class " + std::to_string(c));
        }
        std::vector<bool> used(static_cast<size_t>(data.numClasses), false);
        for (int c : classOf) {
            used[static_cast<size_t>(c)] = true;
        }
        const auto empty = std::count(used.begin(), used.end(), false);
        if (empty > 0) {
            result.warnings.push_back(source + ": integer labels are used as class indices 0.." +
                                      std::to_string(data.numClasses - 1) + "; " +
                                      std::to_string(empty) + " of these " +
                                      std::to_string(data.numClasses) + " classes have no samples");
        }
    } else {
        // Text labels (or integers that are not small class indices): the sorted distinct
        // values, compared as numbers when they are numbers.
        std::vector<size_t> order(distinct.size());
        std::iota(order.begin(), order.end(), size_t{0});
        std::sort(order.begin(), order.end(), [&](size_t a, size_t b) {
            return allNumbers ? values[a] < values[b] : distinct[a] < distinct[b];
        });
        for (size_t k = 0; k < order.size(); ++k) {
            classOf[order[k]] = static_cast<int>(k);
            data.classNames.push_back(std::string(trimView(distinct[order[k]])));
        }
        data.numClasses = static_cast<int>(distinct.size());
    }
    data.targets.resize(rowLabel.size());
    for (size_t r = 0; r < rowLabel.size(); ++r) {
        data.targets[r] = static_cast<float>(classOf[static_cast<size_t>(rowLabel[r])]);
    }
}

}  // namespace

CsvOptions csvOptionsFrom(const LoadOptions& options) {
    CsvOptions csv;
    csv.labelColumn = options.csvLabelColumn;
    csv.regression = options.regression;
    csv.memoryBudgetBytes = options.memoryBudgetBytes;
    return csv;
}

CsvResult parseCsv(std::string_view text, const CsvOptions& options, const std::string& source,
                   const ProgressFn& progress) {
    if (options.maxBytes > 0 && static_cast<int64_t>(text.size()) > options.maxBytes) {
        throw std::runtime_error(source + ": " + std::to_string(text.size()) +
                                 " bytes, more than the " + std::to_string(options.maxBytes) +
                                 "-byte limit for tables");
    }
    CsvResult result;
    result.delimiter =
        options.delimiter ? options.delimiter : detectCsvDelimiter(text, options.maxColumns);
    CsvRowReader reader(text, result.delimiter, std::max<int64_t>(options.maxColumns, 2), source);
    std::vector<std::string> first, second, fields;
    int64_t firstLine = 0, secondLine = 0, line = 0;
    if (!reader.next(first, firstLine)) {
        throw std::runtime_error(source + ": empty file");
    }
    const bool haveSecond = reader.next(second, secondLine);
    const size_t columns = first.size();
    if (columns < 2) {
        fail(source, firstLine,
             "one column only (no comma, tab or semicolon between fields): a table needs "
             "feature columns and a label column");
    }
    result.hasHeader = isHeader(first, haveSecond ? &second : nullptr);
    std::vector<std::string> names(columns);
    for (size_t c = 0; c < columns; ++c) {
        const std::string_view name = result.hasHeader ? trimView(first[c]) : std::string_view();
        names[c] = name.empty() ? "column " + std::to_string(c + 1) : std::string(name);
    }
    const size_t labelColumn = chooseLabelColumn(names, result.hasHeader, options, source);
    result.labelName = names[labelColumn];
    for (size_t c = 0; c < columns; ++c) {
        if (c != labelColumn) {
            result.featureNames.push_back(names[c]);
        }
    }
    const size_t featureCount = columns - 1;

    std::vector<float> features;
    std::vector<float> regressionTargets;
    std::vector<int32_t> rowLabel;
    std::vector<std::string> distinct;
    std::unordered_map<std::string, int32_t> labelIndex;
    int64_t rows = 0;
    const auto addRow = [&](const std::vector<std::string>& row, int64_t at) {
        if (row.size() != columns) {
            fail(source, at,
                 std::to_string(row.size()) + " columns, expected " + std::to_string(columns));
        }
        if (rows >= options.maxRows) {
            fail(source, at, "more than " + std::to_string(options.maxRows) + " data rows");
        }
        const auto featureBytes =
            static_cast<int64_t>((features.size() + featureCount) * sizeof(float));
        if (options.memoryBudgetBytes > 0 && featureBytes > options.memoryBudgetBytes) {
            fail(source, at,
                 "the features need more than the memory budget of " +
                     std::to_string(options.memoryBudgetBytes) + " bytes");
        }
        for (size_t c = 0; c < columns; ++c) {
            const std::string& cell = row[c];
            if (c == labelColumn) {
                continue;
            }
            const std::optional<double> value = parseNumber(cell);
            if (!value) {
                failCell(
                    source, at, c, names[c],
                    trimView(cell).empty() ? "empty cell" : cellText(cell) + " is not a number");
            }
            const auto f = static_cast<float>(*value);
            if (!std::isfinite(f)) {
                failCell(source, at, c, names[c],
                         cellText(cell) + " is out of the range of 32-bit floats");
            }
            features.push_back(f);
        }
        const std::string_view label = trimView(row[labelColumn]);
        if (label.empty()) {
            failCell(source, at, labelColumn, names[labelColumn], "empty label");
        }
        if (options.regression) {
            const std::optional<double> value = parseNumber(label);
            if (!value || !std::isfinite(static_cast<float>(*value))) {
                failCell(source, at, labelColumn, names[labelColumn],
                         cellText(label) + " is not a number (the regression target)");
            }
            regressionTargets.push_back(static_cast<float>(*value));
        } else {
            auto it = labelIndex.find(std::string(label));
            if (it == labelIndex.end()) {
                if (distinct.size() >= static_cast<size_t>(kCsvMaxClasses)) {
                    failCell(source, at, labelColumn, names[labelColumn],
                             "more than " + std::to_string(kCsvMaxClasses) +
                                 " distinct labels: is it a numeric target? Load it as regression");
                }
                it = labelIndex.emplace(std::string(label), static_cast<int32_t>(distinct.size()))
                         .first;
                distinct.emplace_back(label);
            }
            rowLabel.push_back(it->second);
        }
        ++rows;
        if (rows % kProgressEveryRows == 0) {
            reportProgress(progress, static_cast<double>(reader.position()) / text.size(),
                           "reading row " + std::to_string(rows));
        }
    };
    if (!result.hasHeader) {
        addRow(first, firstLine);
    }
    if (haveSecond) {
        addRow(second, secondLine);
    }
    while (reader.next(fields, line)) {
        addRow(fields, line);
    }
    if (rows == 0) {
        throw std::runtime_error(
            source + (result.hasHeader ? ": a header but no data rows" : ": no data rows"));
    }

    Dataset& data = result.dataset;
    data.name = source;
    data.store =
        MemoryStore::fromFeatures(Shape{static_cast<int64_t>(featureCount)}, std::move(features));
    data.rows.resize(static_cast<size_t>(rows));
    std::iota(data.rows.begin(), data.rows.end(), int64_t{0});
    data.targetSize = 1;
    if (options.regression) {
        data.numClasses = 0;
        data.targets = std::move(regressionTargets);
    } else {
        assignClasses(distinct, rowLabel, source, result.labelName, result);
        std::vector<bool> present(static_cast<size_t>(data.numClasses), false);
        for (float t : data.targets) {
            present[static_cast<size_t>(t)] = true;
        }
        if (std::count(present.begin(), present.end(), true) < 2) {
            throw std::runtime_error(source + ": the label column \"" + result.labelName +
                                     "\" holds one class only (" + cellText(distinct.front()) +
                                     "): a classifier needs at least two; choose another "
                                     "label column, or load it as regression");
        }
    }
    reportProgress(progress, 1.0, "read " + std::to_string(rows) + " rows");
    return result;
}

CsvResult loadCsv(const std::string& path, const CsvOptions& options, const ProgressFn& progress) {
    std::error_code ec;
    const fs::file_status status = fs::status(path, ec);
    if (ec || !fs::exists(status)) {
        throw std::runtime_error(path + ": cannot open: no such file");
    }
    if (!fs::is_regular_file(status)) {
        throw std::runtime_error(path + ": cannot open: not a regular file");
    }
    const uint64_t size = fs::file_size(path, ec);
    if (ec) {
        throw std::runtime_error(path + ": cannot read its size: " + ec.message());
    }
    if (options.maxBytes > 0 && size > static_cast<uint64_t>(options.maxBytes)) {
        throw std::runtime_error(path + ": " + std::to_string(size) + " bytes, more than the " +
                                 std::to_string(options.maxBytes) + "-byte limit for tables");
    }
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        throw std::runtime_error(path + ": cannot open for reading");
    }
    // Reading is a fifth of the work, parsing the rest.
    constexpr double kReadShare = 0.2;
    const std::string what = "reading " + fs::path(path).filename().string();
    std::string text(static_cast<size_t>(size), '\0');
    size_t have = 0;
    while (have < text.size()) {
        reportProgress(progress, kReadShare * static_cast<double>(have) / text.size(), what);
        const size_t want = std::min(kReadChunkBytes, text.size() - have);
        in.read(text.data() + have, static_cast<std::streamsize>(want));
        const auto got = static_cast<size_t>(in.gcount());
        have += got;
        if (got < want) {
            text.resize(have);
            break;
        }
    }
    ProgressFn parseProgress;
    if (progress) {
        parseProgress = [&progress](double f, const std::string& w) {
            return progress(kReadShare + (1.0 - kReadShare) * f, w);
        };
    }
    CsvResult result = parseCsv(text, options, path, parseProgress);
    result.dataset.name = fs::path(path).stem().string();
    return result;
}

}  // namespace dlab::data
