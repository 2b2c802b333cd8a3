#include "datasets/Cifar.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <numeric>
#include <stdexcept>
#include <system_error>

namespace dlab::data {

namespace {

namespace fs = std::filesystem;

// Files are read in pieces so a cancel request is seen within a fraction of a second.
constexpr size_t kReadChunkBytes = size_t{1} << 22;

[[noreturn]] void fail(const std::string& source, const std::string& what) {
    throw std::runtime_error(source + ": " + what);
}

const char* variantName(CifarVariant variant) {
    return variant == CifarVariant::Cifar10 ? "CIFAR-10" : "CIFAR-100";
}

int classCount(CifarVariant variant, bool coarse) {
    if (variant == CifarVariant::Cifar10) {
        return 10;
    }
    return coarse ? 20 : 100;
}

// The complaint about a size that is not a whole number of records, with a hint when
// the size fits the other variant's records (the commonest mix-up).
std::string sizeProblem(uint64_t size, CifarVariant variant) {
    const auto record = static_cast<uint64_t>(cifarRecordBytes(variant));
    if (size == 0) {
        return std::string("empty file: a ") + variantName(variant) + " file holds " +
               std::to_string(record) + "-byte records";
    }
    if (size % record == 0) {
        return {};
    }
    std::string text = std::to_string(size) + " bytes is not a multiple of the " +
                       std::to_string(record) + "-byte " + variantName(variant) + " record (" +
                       std::to_string(size / record) + " whole records and " +
                       std::to_string(size % record) + " bytes over)";
    const CifarVariant other =
        variant == CifarVariant::Cifar10 ? CifarVariant::Cifar100 : CifarVariant::Cifar10;
    if (size % static_cast<uint64_t>(cifarRecordBytes(other)) == 0) {
        text += std::string("; it is a whole number of ") + variantName(other) +
                " records: is it a " + variantName(other) + " file?";
    }
    return text;
}

void checkLabel(const std::string& source, int64_t record, const char* which, int label,
                int classes, const char* classesName) {
    if (label >= classes) {
        fail(source, "record " + std::to_string(record) + ": " + which + std::to_string(label) +
                         " is out of range for the " + std::to_string(classes) + " " + classesName +
                         " classes");
    }
}

// Appends the records in [bytes, bytes + size) to `out`; the size has been checked.
void appendRecords(const uint8_t* bytes, size_t size, CifarVariant variant, bool coarse,
                   const std::string& source, CifarRecords& out) {
    const auto record = static_cast<size_t>(cifarRecordBytes(variant));
    const size_t count = size / record;
    const size_t labelBytes = record - static_cast<size_t>(kCifarImageBytes);
    const size_t pixelStart = out.pixels.size();
    out.pixels.resize(pixelStart + count * static_cast<size_t>(kCifarImageBytes));
    out.labels.reserve(out.labels.size() + count);
    for (size_t i = 0; i < count; ++i) {
        const uint8_t* r = bytes + i * record;
        const auto index = static_cast<int64_t>(i);
        if (variant == CifarVariant::Cifar10) {
            checkLabel(source, index, "label ", r[0], 10, "CIFAR-10");
            out.labels.push_back(r[0]);
        } else {
            checkLabel(source, index, "coarse label ", r[0], 20, "CIFAR-100 coarse");
            checkLabel(source, index, "fine label ", r[1], 100, "CIFAR-100 fine");
            out.labels.push_back(coarse ? r[0] : r[1]);
        }
        std::memcpy(out.pixels.data() + pixelStart + i * static_cast<size_t>(kCifarImageBytes),
                    r + labelBytes, static_cast<size_t>(kCifarImageBytes));
    }
    out.count += static_cast<int64_t>(count);
}

std::string trim(const std::string& s) {
    const char* space = " \t\r\n\f\v";
    const size_t first = s.find_first_not_of(space);
    if (first == std::string::npos) {
        return {};
    }
    return s.substr(first, s.find_last_not_of(space) - first + 1);
}

std::string fileName(const std::string& path) {
    return fs::path(path).filename().string();
}

std::vector<std::string> defaultClassNames(int classes) {
    std::vector<std::string> names;
    for (int c = 0; c < classes; ++c) {
        names.push_back("class " + std::to_string(c));
    }
    return names;
}

// The names from the variant's name file beside `firstFile`, or "class k" with a warning
// when the file is there but lists the wrong number of names.
std::vector<std::string> classNamesFor(const std::string& firstFile, CifarVariant variant,
                                       bool coarse, std::vector<std::string>& warnings) {
    const int classes = classCount(variant, coarse);
    const char* file = variant == CifarVariant::Cifar10 ? "batches.meta.txt"
                       : coarse                         ? "coarse_label_names.txt"
                                                        : "fine_label_names.txt";
    const fs::path path = fs::path(firstFile).parent_path() / file;
    std::error_code ec;
    if (!fs::is_regular_file(path, ec)) {
        return defaultClassNames(classes);
    }
    std::vector<std::string> names = readClassNameFile(path.string());
    if (static_cast<int>(names.size()) != classes) {
        const std::string warning = path.string() + ": lists " + std::to_string(names.size()) +
                                    " class names, expected " + std::to_string(classes) +
                                    "; using \"class 0\", \"class 1\", ...";
        // The training and the test set read the same file: say it once.
        if (std::find(warnings.begin(), warnings.end(), warning) == warnings.end()) {
            warnings.push_back(warning);
        }
        return defaultClassNames(classes);
    }
    return names;
}

// Sort key of a CIFAR-10 training file: the batch number, so data_batch_10 follows
// data_batch_9.
long batchNumber(const std::string& path) {
    const std::string name = fileName(path);
    const size_t start = std::string("data_batch_").size();
    long number = 0;
    for (size_t i = start; i < name.size() && name[i] >= '0' && name[i] <= '9'; ++i) {
        number = std::min(number * 10 + (name[i] - '0'), 1'000'000L);
    }
    return number;
}

bool isTestName(const std::string& path) {
    const std::string name = fileName(path);
    return name == "test_batch.bin" || name == "test.bin";
}

}  // namespace

int64_t cifarRecordBytes(CifarVariant variant) {
    return kCifarImageBytes + (variant == CifarVariant::Cifar10 ? 1 : 2);
}

CifarRecords parseCifarRecords(const uint8_t* bytes, size_t size, CifarVariant variant, bool coarse,
                               const std::string& source) {
    const std::string problem = sizeProblem(size, variant);
    if (!problem.empty()) {
        fail(source, problem);
    }
    CifarRecords records;
    appendRecords(bytes, size, variant, coarse, source, records);
    return records;
}

Dataset loadCifarFiles(const std::vector<std::string>& paths, CifarVariant variant,
                       const std::string& name, const LoadOptions& options,
                       const ProgressFn& progress, std::vector<std::string>& warnings) {
    if (paths.empty()) {
        throw std::runtime_error(std::string("no ") + variantName(variant) + " files given");
    }
    // Every size is checked before any file is read, so a bad last batch fails at once.
    std::vector<uint64_t> sizes;
    uint64_t total = 0;
    for (const std::string& path : paths) {
        std::error_code ec;
        const fs::file_status status = fs::status(path, ec);
        if (ec || !fs::exists(status)) {
            fail(path, "cannot open: no such file");
        }
        if (!fs::is_regular_file(status)) {
            fail(path, "cannot open: not a regular file");
        }
        const uint64_t size = fs::file_size(path, ec);
        if (ec) {
            fail(path, "cannot read its size: " + ec.message());
        }
        const std::string problem = sizeProblem(size, variant);
        if (!problem.empty()) {
            fail(path, problem);
        }
        sizes.push_back(size);
        total += size;
    }
    const uint64_t records = total / static_cast<uint64_t>(cifarRecordBytes(variant));
    const uint64_t pixelBytes = records * static_cast<uint64_t>(kCifarImageBytes);
    if (options.memoryBudgetBytes > 0 &&
        pixelBytes > static_cast<uint64_t>(options.memoryBudgetBytes)) {
        fail(paths.front(), std::to_string(records) + " images need " + std::to_string(pixelBytes) +
                                " bytes, more than the memory budget of " +
                                std::to_string(options.memoryBudgetBytes) + " bytes");
    }

    CifarRecords all;
    all.pixels.reserve(static_cast<size_t>(pixelBytes));
    all.labels.reserve(static_cast<size_t>(records));
    std::vector<uint8_t> buffer;
    uint64_t done = 0;
    for (size_t f = 0; f < paths.size(); ++f) {
        const std::string& path = paths[f];
        std::ifstream in(path, std::ios::binary);
        if (!in) {
            fail(path, "cannot open: " + std::string(std::strerror(errno)));
        }
        buffer.resize(static_cast<size_t>(sizes[f]));
        size_t have = 0;
        while (have < buffer.size()) {
            reportProgress(progress, total ? static_cast<double>(done + have) / total : 0.0,
                           "reading " + fileName(path));
            const size_t want = std::min(kReadChunkBytes, buffer.size() - have);
            in.read(reinterpret_cast<char*>(buffer.data() + have),
                    static_cast<std::streamsize>(want));
            const auto got = static_cast<size_t>(in.gcount());
            have += got;
            if (got < want) {
                fail(path, "read error: the file ended after " + std::to_string(have) + " of " +
                               std::to_string(buffer.size()) + " bytes (changed while reading?)");
            }
        }
        appendRecords(buffer.data(), buffer.size(), variant, options.cifar100Coarse, path, all);
        done += sizes[f];
    }
    reportProgress(progress, 1.0, "read " + std::to_string(all.count) + " images");

    Dataset data;
    data.name = name;
    data.store = MemoryStore::fromPixels(Shape{3, 32, 32}, std::move(all.pixels));
    data.rows.resize(static_cast<size_t>(all.count));
    std::iota(data.rows.begin(), data.rows.end(), int64_t{0});
    data.targets.assign(all.labels.begin(), all.labels.end());
    data.targetSize = 1;
    data.numClasses = classCount(variant, options.cifar100Coarse);
    data.classNames = classNamesFor(paths.front(), variant, options.cifar100Coarse, warnings);
    return data;
}

bool cifarVariantOfName(const std::string& path, CifarVariant& variant) {
    const std::string name = fileName(path);
    const std::string prefix = "data_batch_";
    const std::string suffix = ".bin";
    if (name == "test_batch.bin") {
        variant = CifarVariant::Cifar10;
        return true;
    }
    if (name == "train.bin" || name == "test.bin") {
        variant = CifarVariant::Cifar100;
        return true;
    }
    if (name.size() > prefix.size() + suffix.size() && name.starts_with(prefix) &&
        name.ends_with(suffix)) {
        const std::string digits =
            name.substr(prefix.size(), name.size() - prefix.size() - suffix.size());
        if (std::all_of(digits.begin(), digits.end(),
                        [](char c) { return c >= '0' && c <= '9'; })) {
            variant = CifarVariant::Cifar10;
            return true;
        }
    }
    return false;
}

std::vector<std::string> readClassNameFile(const std::string& path) {
    std::vector<std::string> names;
    std::ifstream in(path);
    std::string line;
    while (std::getline(in, line)) {
        line = trim(line);
        if (!line.empty()) {
            names.push_back(line);
        }
    }
    return names;
}

LoadResult loadCifar(const std::vector<std::string>& paths, const LoadOptions& options,
                     const ProgressFn& progress) {
    std::vector<std::string> train10, test10, train100, test100;
    for (const std::string& path : paths) {
        CifarVariant variant{};
        if (!cifarVariantOfName(path, variant)) {
            continue;
        }
        const bool test = isTestName(path);
        if (variant == CifarVariant::Cifar10) {
            (test ? test10 : train10).push_back(path);
        } else {
            (test ? test100 : train100).push_back(path);
        }
    }
    const bool has10 = !train10.empty() || !test10.empty();
    const bool has100 = !train100.empty() || !test100.empty();
    if (!has10 && !has100) {
        throw std::runtime_error(
            "no CIFAR files given: expected data_batch_N.bin / test_batch.bin (CIFAR-10) or "
            "train.bin / test.bin (CIFAR-100)");
    }
    if (has10 && has100) {
        throw std::runtime_error(
            "both CIFAR-10 files (data_batch_N.bin, test_batch.bin) and CIFAR-100 files "
            "(train.bin, test.bin) were given: load one set at a time");
    }
    const CifarVariant variant = has10 ? CifarVariant::Cifar10 : CifarVariant::Cifar100;
    std::vector<std::string>& train = has10 ? train10 : train100;
    std::vector<std::string>& test = has10 ? test10 : test100;
    std::stable_sort(train.begin(), train.end(), [](const std::string& a, const std::string& b) {
        return batchNumber(a) < batchNumber(b);
    });

    LoadResult result;
    result.kind = LoadResult::Kind::Dataset;
    result.format = has10 ? "cifar10" : "cifar100";
    std::string title = variantName(variant);
    if (variant == CifarVariant::Cifar100) {
        title += options.cifar100Coarse ? " coarse" : "";
    }
    // Progress is shared between the two sets in proportion to their sizes.
    auto bytesOf = [](const std::vector<std::string>& files) {
        uint64_t sum = 0;
        for (const std::string& f : files) {
            std::error_code ec;
            const uint64_t size = fs::file_size(f, ec);
            sum += ec ? 0 : size;
        }
        return static_cast<double>(sum);
    };
    const double trainBytes = bytesOf(train);
    const double testBytes = bytesOf(test);
    const double trainShare =
        trainBytes + testBytes > 0 && !test.empty() ? trainBytes / (trainBytes + testBytes) : 1.0;
    auto scaled = [&](double from, double span) -> ProgressFn {
        if (!progress) {
            return {};
        }
        return [&progress, from, span](double f, const std::string& what) {
            return progress(from + span * f, what);
        };
    };
    if (train.empty()) {
        result.warnings.push_back("only the test set (" + fileName(test.front()) +
                                  ") was given; it is loaded as the dataset");
        result.train =
            loadCifarFiles(test, variant, title + " (test)", options, progress, result.warnings);
        return result;
    }
    result.train = loadCifarFiles(train, variant, title + " (train)", options,
                                  scaled(0.0, trainShare), result.warnings);
    if (!test.empty()) {
        result.test = loadCifarFiles(test, variant, title + " (test)", options,
                                     scaled(trainShare, 1.0 - trainShare), result.warnings);
        result.hasTest = true;
    }
    return result;
}

}  // namespace dlab::data
