#include "datasets/Detect.h"

#include "datasets/Cifar.h"
#include "datasets/Csv.h"
#include "datasets/Idx.h"
#include "datasets/ImageFolder.h"

#include <zlib.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <system_error>

namespace dlab::data {

namespace {

namespace fs = std::filesystem;

// How far a folder holding a single sub-folder and nothing else is followed.
constexpr int kMaxWrapperDepth = 3;
// How much of a .txt file is looked at to decide whether it is a table.
constexpr size_t kTableSniffBytes = 4096;

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

std::string fileName(const std::string& path) {
    return fs::path(path).filename().string();
}

std::string extensionOf(const std::string& path) {
    return lower(fs::path(path).extension().string());
}

std::string joinNames(const std::vector<std::string>& paths) {
    std::string text;
    for (const std::string& p : paths) {
        text += (text.empty() ? "" : ", ") + fileName(p);
    }
    return text;
}

bool isClassNameFile(const std::string& path) {
    const std::string name = lower(fileName(path));
    return name == "batches.meta.txt" || name == "fine_label_names.txt" ||
           name == "coarse_label_names.txt";
}

// A .txt file is taken for a table when its first line has a delimiter and no byte
// that text never holds.
bool looksLikeTable(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::string head(kTableSniffBytes, '\0');
    in.read(head.data(), static_cast<std::streamsize>(head.size()));
    head.resize(static_cast<size_t>(in.gcount()));
    if (head.find('\0') != std::string::npos) {
        return false;
    }
    size_t start = head.find_first_not_of("\r\n");
    if (start == std::string::npos) {
        return false;
    }
    const std::string line = head.substr(start, head.find_first_of("\r\n", start) - start);
    return line.find_first_of(",\t;") != std::string::npos;
}

struct Classified {
    std::vector<std::string> idx, cifar, csv, images, other;
};

Classified classify(const std::vector<std::string>& files) {
    Classified c;
    for (const std::string& file : files) {
        CifarVariant variant{};
        int rank = 0;
        const std::string ext = extensionOf(file);
        if (cifarVariantOfName(file, variant)) {
            // "train.bin" is a common name: a file that is no whole number of records but
            // starts with an IDX header is IDX; any other goes to CIFAR to be reported.
            std::error_code ec;
            const uintmax_t size = fs::file_size(file, ec);
            const bool wholeRecords =
                !ec && size > 0 && size % static_cast<uintmax_t>(cifarRecordBytes(variant)) == 0;
            (!wholeRecords && isIdxFile(file, rank) ? c.idx : c.cifar).push_back(file);
        } else if (hasImageExtension(file)) {
            c.images.push_back(file);
        } else if (ext == ".csv" || ext == ".tsv") {
            c.csv.push_back(file);
        } else if (ext == ".txt") {
            (!isClassNameFile(file) && looksLikeTable(file) ? c.csv : c.other).push_back(file);
        } else if (isIdxFile(file, rank)) {
            c.idx.push_back(file);
        } else {
            c.other.push_back(file);
        }
    }
    return c;
}

// The first format found among `c` (IDX, CIFAR, CSV); false when none.
bool pickFileFormat(Classified& c, DroppedInput& out) {
    std::vector<std::string>* chosen = nullptr;
    if (!c.idx.empty()) {
        out.format = DroppedFormat::Idx;
        chosen = &c.idx;
    } else if (!c.cifar.empty()) {
        out.format = DroppedFormat::Cifar;
        chosen = &c.cifar;
    } else if (!c.csv.empty()) {
        out.format = DroppedFormat::Csv;
        chosen = &c.csv;
    } else {
        return false;
    }
    out.files = *chosen;
    for (std::vector<std::string>* rest : {&c.idx, &c.cifar, &c.csv, &c.images, &c.other}) {
        if (rest != chosen) {
            out.ignored.insert(out.ignored.end(), rest->begin(), rest->end());
        }
    }
    return true;
}

DroppedInput detectInFolder(const fs::path& dir, int depth) {
    std::vector<std::string> files;
    std::vector<fs::path> subdirs;
    std::error_code ec;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
        const std::string name = it->path().filename().string();
        if (name.starts_with(".")) {
            continue;
        }
        std::error_code typeError;
        if (it->is_directory(typeError)) {
            subdirs.push_back(it->path());
        } else if (it->is_regular_file(typeError)) {
            files.push_back(it->path().string());
        }
    }
    if (ec) {
        throw std::runtime_error(dir.string() + ": cannot list the folder: " + ec.message());
    }
    std::sort(files.begin(), files.end());
    std::sort(subdirs.begin(), subdirs.end());

    Classified c = classify(files);
    DroppedInput input;
    // Class folders outrank a table beside them (a Kaggle-style folder of images often
    // carries a CSV of file names or a submission template).
    const bool binary = !c.idx.empty() || !c.cifar.empty();
    if (!binary && looksLikeImageFolder(dir.string())) {
        input.format = DroppedFormat::ImageFolder;
        input.root = dir.string();
        return input;
    }
    if (pickFileFormat(c, input)) {
        // Other files in a dropped folder (readme, checksums) are expected, not news.
        input.ignored.clear();
        return input;
    }
    if (subdirs.empty() && c.images.size() == 1) {
        input.format = DroppedFormat::Image;
        input.files = c.images;
        return input;
    }
    if (subdirs.empty() && c.images.size() > 1) {
        throw std::runtime_error(dir.string() + ": holds " + std::to_string(c.images.size()) +
                                 " images but no class sub-folders: put each class's images "
                                 "in a sub-folder named after the class");
    }
    if (subdirs.size() == 1 && depth < kMaxWrapperDepth) {
        return detectInFolder(subdirs.front(), depth + 1);
    }
    throw std::runtime_error(dir.string() +
                             ": no dataset found: expected IDX files, CIFAR .bin files "
                             "(data_batch_N.bin, test_batch.bin, train.bin, test.bin), a CSV "
                             "or TSV file, or one sub-folder of images per class");
}

std::string idxKey(const std::string& path) {
    std::string name = lower(fileName(path));
    if (name.ends_with(".gz")) {
        name.resize(name.size() - 3);
    }
    return (fs::path(path).parent_path() / name).string();
}

void replaceAll(std::string& s, const std::string& from, const std::string& to) {
    for (size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size())) {
        s.replace(at, from.size(), to);
    }
}

// The label file's key an image file asks for: "image" -> "label", "idx3" -> "idx1".
std::string partnerKey(const std::string& imagesPath) {
    std::string name = lower(fileName(imagesPath));
    if (name.ends_with(".gz")) {
        name.resize(name.size() - 3);
    }
    replaceAll(name, "image", "label");
    replaceAll(name, "idx3", "idx1");
    return (fs::path(imagesPath).parent_path() / name).string();
}

bool isTestSetName(const std::string& path) {
    const std::string name = lower(fileName(path));
    return name.starts_with("t10k") || name.find("test") != std::string::npos;
}

LoadResult loadIdxFiles(const std::vector<std::string>& files, const ProgressFn& progress) {
    const std::vector<IdxFilePair> pairs = pairIdxFiles(files);
    std::vector<IdxFilePair> train, test;
    for (const IdxFilePair& pair : pairs) {
        (pair.test ? test : train).push_back(pair);
    }
    for (const auto* group : {&train, &test}) {
        if (group->size() > 1) {
            std::string list;
            for (const IdxFilePair& pair : *group) {
                list += (list.empty() ? "" : ", ") + fileName(pair.images);
            }
            throw std::runtime_error("several IDX " +
                                     std::string(group == &train ? "training" : "test") +
                                     " sets were given (" + list + "): drop the files of one");
        }
    }
    LoadResult result;
    result.format = "idx";
    std::error_code ec;
    const fs::path folder = fs::path(pairs.front().images).parent_path();
    const bool fashion = fs::equivalent(folder, kFashionMnistDir, ec);
    const std::vector<std::string> names =
        fashion ? fashionMnistClassNames() : std::vector<std::string>{};
    const std::string base = fashion ? "Fashion-MNIST" : folder.filename().string();
    const std::string title = base.empty() ? "IDX" : base;

    if (train.empty()) {
        result.warnings.push_back("only the test set (" + fileName(test.front().images) +
                                  ") was given; it is loaded as the dataset");
        train.swap(test);
    }
    reportProgress(progress, 0.0, "reading " + fileName(train.front().images));
    result.train =
        loadIdxPair(train.front().images, train.front().labels, title + " (train)", names);
    if (test.empty()) {
        reportProgress(progress, 1.0, "done");
        return result;
    }
    reportProgress(progress, 0.8, "reading " + fileName(test.front().images));
    result.test = loadIdxPair(test.front().images, test.front().labels, title + " (test)", names);
    result.hasTest = true;
    if (result.test.sampleShape() != result.train.sampleShape()) {
        throw std::runtime_error(test.front().images + ": images are " +
                                 result.test.sampleShape().str() + ", the training images " +
                                 result.train.sampleShape().str());
    }
    // Without names the class count comes from the largest label of each file; a test
    // set that lacks the last class must still agree with the training set.
    if (names.empty() && result.train.numClasses != result.test.numClasses) {
        const int classes = std::max(result.train.numClasses, result.test.numClasses);
        for (Dataset* set : {&result.train, &result.test}) {
            set->numClasses = classes;
            set->classNames.clear();
            for (int k = 0; k < classes; ++k) {
                set->classNames.push_back("class " + std::to_string(k));
            }
        }
    }
    reportProgress(progress, 1.0, "done");
    return result;
}

// One table, or a training and a test table whose classes are mapped onto the training
// table's.
LoadResult loadCsvFiles(const std::vector<std::string>& files, const LoadOptions& options,
                        const ProgressFn& progress) {
    std::string trainFile = files.front();
    std::string testFile;
    if (files.size() == 2) {
        const bool firstTest = isTestSetName(files[0]);
        const bool secondTest = isTestSetName(files[1]);
        if (firstTest != secondTest) {
            trainFile = firstTest ? files[1] : files[0];
            testFile = firstTest ? files[0] : files[1];
        }
    }
    if (files.size() > 2 || (files.size() == 2 && testFile.empty())) {
        throw std::runtime_error("several tables were given (" + joinNames(files) +
                                 "): drop one, or a training and a test table with \"train\" "
                                 "and \"test\" in their names");
    }
    const CsvOptions csvOptions = csvOptionsFrom(options);
    LoadResult result;
    result.format = "csv";
    ProgressFn first = progress;
    if (progress && !testFile.empty()) {
        first = [&progress](double f, const std::string& w) { return progress(0.8 * f, w); };
    }
    CsvResult train = loadCsv(trainFile, csvOptions, first);
    result.train = std::move(train.dataset);
    result.warnings = std::move(train.warnings);
    if (testFile.empty()) {
        return result;
    }
    ProgressFn second;
    if (progress) {
        second = [&progress](double f, const std::string& w) { return progress(0.8 + 0.2 * f, w); };
    }
    CsvResult test = loadCsv(testFile, csvOptions, second);
    result.warnings.insert(result.warnings.end(), test.warnings.begin(), test.warnings.end());
    if (test.featureNames.size() != train.featureNames.size()) {
        throw std::runtime_error(testFile + ": " + std::to_string(test.featureNames.size()) +
                                 " feature columns, " + trainFile + " has " +
                                 std::to_string(train.featureNames.size()));
    }
    Dataset& t = test.dataset;
    if (!options.regression) {
        for (float& target : t.targets) {
            const std::string& name = t.classNames[static_cast<size_t>(target)];
            const auto& trainNames = result.train.classNames;
            const auto at = std::find(trainNames.begin(), trainNames.end(), name);
            if (at == trainNames.end()) {
                throw std::runtime_error(testFile + ": class \"" + name + "\" does not occur in " +
                                         trainFile);
            }
            target = static_cast<float>(at - trainNames.begin());
        }
        t.classNames = result.train.classNames;
        t.numClasses = result.train.numClasses;
    }
    result.test = std::move(t);
    result.hasTest = true;
    return result;
}

}  // namespace

bool isIdxFile(const std::string& path, int& rank) {
    gzFile file = gzopen(path.c_str(), "rb");
    if (!file) {
        return false;
    }
    std::array<uint8_t, 4> magic{};
    const int got = gzread(file, magic.data(), static_cast<unsigned>(magic.size()));
    gzclose(file);
    // The element types of the IDX specification; readIdx explains the ones it refuses.
    constexpr std::array<uint8_t, 6> kTypes = {0x08, 0x09, 0x0B, 0x0C, 0x0D, 0x0E};
    if (got != 4 || magic[0] != 0 || magic[1] != 0 ||
        std::find(kTypes.begin(), kTypes.end(), magic[2]) == kTypes.end() || magic[3] < 1 ||
        magic[3] > 4) {
        return false;
    }
    rank = magic[3];
    return true;
}

std::vector<IdxFilePair> pairIdxFiles(const std::vector<std::string>& files) {
    std::vector<std::string> images, labels;
    for (const std::string& file : files) {
        int rank = 0;
        if (!isIdxFile(file, rank)) {
            throw std::runtime_error(file + ": not an IDX file");
        }
        if (rank != 1 && rank != 3) {
            throw std::runtime_error(file + ": an IDX file of " + std::to_string(rank) +
                                     " dimensions; expected images (N, H, W) or labels (N,)");
        }
        (rank == 3 ? images : labels).push_back(file);
    }
    std::vector<IdxFilePair> pairs;
    std::vector<std::string> lonelyImages;
    std::vector<bool> labelUsed(labels.size(), false);
    for (const std::string& image : images) {
        const std::string wanted = partnerKey(image);
        bool found = false;
        for (size_t l = 0; l < labels.size() && !found; ++l) {
            if (!labelUsed[l] && idxKey(labels[l]) == wanted) {
                labelUsed[l] = true;
                pairs.push_back({image, labels[l], isTestSetName(image)});
                found = true;
            }
        }
        if (!found) {
            lonelyImages.push_back(image);
        }
    }
    std::vector<std::string> lonelyLabels;
    for (size_t l = 0; l < labels.size(); ++l) {
        if (!labelUsed[l]) {
            lonelyLabels.push_back(labels[l]);
        }
    }
    // One images file and one labels file belong together whatever their names.
    if (lonelyImages.size() == 1 && lonelyLabels.size() == 1) {
        pairs.push_back({lonelyImages[0], lonelyLabels[0], isTestSetName(lonelyImages[0])});
        return pairs;
    }
    if (!lonelyImages.empty()) {
        throw std::runtime_error(
            lonelyImages.front() + ": no labels file for these images (looked for " +
            fileName(partnerKey(lonelyImages.front())) + ", raw or .gz, beside it)");
    }
    if (!lonelyLabels.empty()) {
        std::string wanted = lower(fileName(idxKey(lonelyLabels.front())));
        replaceAll(wanted, "label", "image");
        replaceAll(wanted, "idx1", "idx3");
        throw std::runtime_error(lonelyLabels.front() +
                                 ": no images file for these labels (looked for " + wanted +
                                 ", raw or .gz, beside it)");
    }
    if (pairs.empty()) {
        throw std::runtime_error("no IDX files were given");
    }
    return pairs;
}

DroppedInput detectDropped(const std::vector<std::string>& paths) {
    if (paths.empty()) {
        throw std::runtime_error("nothing was dropped");
    }
    std::vector<std::string> files, folders;
    for (const std::string& path : paths) {
        std::error_code ec;
        const fs::file_status status = fs::status(path, ec);
        if (ec || !fs::exists(status)) {
            throw std::runtime_error(path + ": no such file or folder");
        }
        (fs::is_directory(status) ? folders : files).push_back(path);
    }
    if (!folders.empty()) {
        if (folders.size() == 1 && files.empty()) {
            return detectInFolder(folders.front(), 0);
        }
        throw std::runtime_error("several items were dropped with a folder among them (" +
                                 joinNames(paths) + "): drop one folder, or files");
    }
    Classified c = classify(files);
    DroppedInput input;
    if (pickFileFormat(c, input)) {
        return input;
    }
    if (c.images.size() == 1) {
        input.format = DroppedFormat::Image;
        input.files = c.images;
        input.ignored = c.other;
        return input;
    }
    if (c.images.size() > 1) {
        throw std::runtime_error(std::to_string(c.images.size()) +
                                 " images were dropped: drop one image to run the network on "
                                 "it, or a folder with one sub-folder of images per class to "
                                 "make a dataset");
    }
    throw std::runtime_error("none of the dropped files is a dataset (" + joinNames(files) +
                             "): expected IDX files, CIFAR .bin files, a CSV or TSV file, "
                             "an image, or a folder");
}

LoadResult loadDropped(const std::vector<std::string>& paths, const LoadOptions& options,
                       const ProgressFn& progress) {
    const DroppedInput input = detectDropped(paths);
    LoadResult result;
    switch (input.format) {
        case DroppedFormat::Idx:
            result = loadIdxFiles(input.files, progress);
            break;
        case DroppedFormat::Cifar:
            result = loadCifar(input.files, options, progress);
            break;
        case DroppedFormat::Csv:
            result = loadCsvFiles(input.files, options, progress);
            break;
        case DroppedFormat::ImageFolder:
            result = loadImageFolder(input.root, options, progress);
            result.format = "image-folder";
            break;
        case DroppedFormat::Image:
            if (!looksDecodable(input.files.front())) {
                throw std::runtime_error(input.files.front() +
                                         ": not an image that can be read (its first bytes "
                                         "match none of the image formats)");
            }
            result.kind = LoadResult::Kind::SingleImage;
            result.format = "image";
            result.imagePath = input.files.front();
            break;
    }
    if (!input.ignored.empty()) {
        result.warnings.push_back("ignored " + std::to_string(input.ignored.size()) +
                                  (input.ignored.size() == 1 ? " file" : " files") +
                                  " that belong to no " + result.format +
                                  " data: " + joinNames(input.ignored));
    }
    return result;
}

}  // namespace dlab::data
