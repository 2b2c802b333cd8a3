#include "datasets/ImageFolder.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <system_error>
#include <utility>

namespace dlab::data {

namespace fs = std::filesystem;

namespace {

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

bool isHidden(const fs::path& path) {
    const std::string name = path.filename().string();
    return !name.empty() && name.front() == '.';
}

std::string sizeText(int64_t height, int64_t width) {
    return std::to_string(width) + "×" + std::to_string(height);
}

std::string mebibytes(int64_t bytes) {
    return std::to_string((bytes + (int64_t{1} << 19)) >> 20) + " MiB";
}

// Non-hidden entries of `dir`, sorted by name so sample order does not depend on the
// file system.
std::vector<fs::directory_entry> sortedChildren(const fs::path& dir) {
    std::vector<fs::directory_entry> children;
    for (const fs::directory_entry& entry : fs::directory_iterator(dir)) {
        if (!isHidden(entry.path())) {
            children.push_back(entry);
        }
    }
    std::sort(children.begin(), children.end(),
              [](const auto& a, const auto& b) { return a.path() < b.path(); });
    return children;
}

struct ClassFolder {
    std::string name;
    fs::path dir;
    std::vector<std::string> files;  // sorted
};

struct Listing {
    std::vector<ClassFolder> classes;  // every sub-folder, including empty ones
    int64_t looseImages = 0;           // image files directly in the folder
    int64_t ignoredFiles = 0;          // files without an image extension
    bool empty = true;
};

void listImagesUnder(const fs::path& dir, ClassFolder& folder, int64_t& ignored) {
    const auto options = fs::directory_options::skip_permission_denied;
    for (auto it = fs::recursive_directory_iterator(dir, options);
         it != fs::recursive_directory_iterator(); ++it) {
        if (isHidden(it->path())) {
            if (it->is_directory()) {
                it.disable_recursion_pending();
            }
            continue;
        }
        if (!it->is_regular_file()) {
            continue;
        }
        if (hasImageExtension(it->path().string())) {
            folder.files.push_back(it->path().string());
        } else {
            ++ignored;
        }
    }
    std::sort(folder.files.begin(), folder.files.end());
}

Listing listClassFolders(const fs::path& dir, const ProgressFn& progress) {
    Listing listing;
    for (const fs::directory_entry& entry : sortedChildren(dir)) {
        listing.empty = false;
        if (entry.is_directory()) {
            ClassFolder folder{entry.path().filename().string(), entry.path(), {}};
            reportProgress(progress, 0.0, "listing " + folder.name);
            listImagesUnder(entry.path(), folder, listing.ignoredFiles);
            listing.classes.push_back(std::move(folder));
        } else if (entry.is_regular_file()) {
            if (hasImageExtension(entry.path().string())) {
                ++listing.looseImages;
            } else {
                ++listing.ignoredFiles;
            }
        }
    }
    return listing;
}

enum class Role { None, Train, Test, Validation };

Role roleOf(const fs::path& dir) {
    const std::string name = lower(dir.filename().string());
    if (name == "train" || name == "training") {
        return Role::Train;
    }
    if (name == "test" || name == "testing") {
        return Role::Test;
    }
    if (name == "val" || name == "valid" || name == "validation") {
        return Role::Validation;
    }
    return Role::None;
}

struct Layout {
    fs::path trainDir;
    fs::path testDir;  // empty: no test set
    std::vector<std::string> warnings;
};

// train/ and test/ (or val/) above the class folders when the root holds a train folder
// and nothing but split folders; otherwise the root's sub-folders are the classes.
Layout findLayout(const fs::path& root) {
    Layout layout;
    fs::path train, test, validation;
    bool onlySplits = true;
    for (const fs::directory_entry& entry : sortedChildren(root)) {
        if (!entry.is_directory()) {
            continue;
        }
        switch (roleOf(entry.path())) {
            case Role::Train:
                train = entry.path();
                break;
            case Role::Test:
                test = entry.path();
                break;
            case Role::Validation:
                validation = entry.path();
                break;
            case Role::None:
                onlySplits = false;
                break;
        }
    }
    if (train.empty() || !onlySplits) {
        layout.trainDir = root;
        return layout;
    }
    layout.trainDir = train;
    layout.testDir = test.empty() ? validation : test;
    if (!test.empty() && !validation.empty()) {
        layout.warnings.push_back(validation.string() + ": ignored; the test set is taken from " +
                                  test.string() +
                                  " and the validation split from the training images");
    }
    return layout;
}

// The training classes: folders with at least one image. Throws when there are fewer
// than two.
std::vector<std::string> trainingClasses(const fs::path& dir, const Listing& listing,
                                         std::vector<std::string>& warnings) {
    const std::string where = dir.string() + ": ";
    if (listing.empty) {
        throw std::runtime_error(where + "the folder is empty");
    }
    std::vector<std::string> names;
    for (const ClassFolder& folder : listing.classes) {
        if (folder.files.empty()) {
            warnings.push_back(folder.dir.string() + ": no images, not used as a class");
        } else {
            names.push_back(folder.name);
        }
    }
    if (names.empty()) {
        if (listing.looseImages > 0) {
            throw std::runtime_error(
                where + "found " + std::to_string(listing.looseImages) +
                " images but no class folders: put each class's images in a sub-folder "
                "named after the class");
        }
        throw std::runtime_error(where + "no images found in " +
                                 (listing.classes.empty() ? "the folder" : "its sub-folders") +
                                 " (looked for " + imageExtensionList() + ")");
    }
    if (names.size() == 1) {
        throw std::runtime_error(where +
                                 "a classifier needs at least 2 classes, found 1 (folder '" +
                                 names.front() + "')");
    }
    if (listing.looseImages > 0) {
        warnings.push_back(where + std::to_string(listing.looseImages) +
                           " images outside the class folders are ignored");
    }
    return names;
}

struct ImageFile {
    std::string path;
    int label = 0;
    bool test = false;
};

void addFiles(const Listing& listing, const std::vector<std::string>& classNames, bool test,
              std::vector<ImageFile>& files) {
    for (const ClassFolder& folder : listing.classes) {
        const auto found = std::find(classNames.begin(), classNames.end(), folder.name);
        if (found == classNames.end()) {
            if (test && !folder.files.empty()) {
                throw std::runtime_error(folder.dir.string() + ": class '" + folder.name +
                                         "' has no folder with images in the training set");
            }
            continue;
        }
        const auto label = static_cast<int>(found - classNames.begin());
        for (const std::string& path : folder.files) {
            files.push_back({path, label, test});
        }
    }
}

std::string datasetName(const fs::path& root) {
    const fs::path normal = root.lexically_normal();
    const fs::path name =
        normal.has_filename() ? normal.filename() : normal.parent_path().filename();
    return name.empty() ? std::string("images") : name.string();
}

// Appends one image's bytes as `channels` channels. In Keep mode the first colour image
// turns the grey samples held so far into RGB, exactly as streaming converts them.
void appendSample(std::vector<uint8_t>& pixels, int& channels, const DecodedImage& image,
                  bool keepColour) {
    const int64_t plane = image.height * image.width;
    if (keepColour && image.channels == 3 && channels == 1) {
        std::vector<uint8_t> rgb(pixels.size() * 3);
        for (size_t i = 0; i * static_cast<size_t>(plane) < pixels.size(); ++i) {
            convertChannels(pixels.data() + i * static_cast<size_t>(plane), 1,
                            rgb.data() + i * 3 * static_cast<size_t>(plane), 3, plane);
        }
        pixels = std::move(rgb);
        channels = 3;
    }
    const size_t at = pixels.size();
    pixels.resize(at + static_cast<size_t>(channels * plane));
    convertChannels(image.pixels.data(), image.channels, pixels.data() + at, channels, plane);
}

}  // namespace

LoadResult loadImageFolder(const std::string& root, const LoadOptions& options,
                           const ProgressFn& progress) {
    const fs::path rootPath(root);
    std::error_code error;
    if (!fs::exists(rootPath, error)) {
        throw std::runtime_error(root + ": no such folder");
    }
    if (!fs::is_directory(rootPath, error)) {
        throw std::runtime_error(root + ": not a folder");
    }
    if (options.imageHeight < 0 || options.imageWidth < 0) {
        throw std::invalid_argument("image folder: image size must be positive (0 keeps it), got " +
                                    sizeText(options.imageHeight, options.imageWidth));
    }

    LoadResult result;
    result.format = "image-folder";
    reportProgress(progress, 0.0, "listing " + root);
    Layout layout = findLayout(rootPath);
    result.warnings = std::move(layout.warnings);
    const Listing trainListing = listClassFolders(layout.trainDir, progress);
    const std::vector<std::string> classNames =
        trainingClasses(layout.trainDir, trainListing, result.warnings);
    std::vector<ImageFile> files;
    addFiles(trainListing, classNames, false, files);
    int64_t ignored = trainListing.ignoredFiles;
    if (!layout.testDir.empty()) {
        const Listing testListing = listClassFolders(layout.testDir, progress);
        addFiles(testListing, classNames, true, files);
        ignored += testListing.ignoredFiles;
    }
    if (ignored > 0) {
        result.warnings.push_back(root + ": " + std::to_string(ignored) +
                                  " files without an image extension ignored");
    }

    // The first readable image sets the size (unless chosen) and, for Keep, the colour.
    size_t first = 0;
    DecodedImage firstImage;
    for (; first < files.size(); ++first) {
        try {
            firstImage = decodeImage(files[first].path);
            break;
        } catch (const std::runtime_error&) {
            result.skippedFiles.push_back(files[first].path);
        }
    }
    if (first == files.size()) {
        throw std::runtime_error(root + ": none of the " + std::to_string(files.size()) +
                                 " image files could be read");
    }
    const bool sizeChosen = options.imageHeight > 0 && options.imageWidth > 0;
    const int64_t height = options.imageHeight > 0 ? options.imageHeight : firstImage.sourceHeight;
    const int64_t width = options.imageWidth > 0 ? options.imageWidth : firstImage.sourceWidth;
    const bool keepColour = options.color == LoadOptions::ColorMode::Keep;
    int channels = options.color == LoadOptions::ColorMode::Gray    ? 1
                   : options.color == LoadOptions::ColorMode::Color ? 3
                                                                    : firstImage.channels;
    const auto candidates = static_cast<int64_t>(files.size() - first);
    const int64_t estimate = candidates * channels * height * width;
    const bool streaming = estimate > options.memoryBudgetBytes;

    std::vector<ImageFile> kept;
    kept.reserve(files.size() - first);
    std::shared_ptr<const SampleStore> store;
    if (streaming) {
        // Listing only: even reading each file's first bytes would cost seconds per
        // 10 000 files on a cold disk.
        kept.assign(std::make_move_iterator(files.begin() + static_cast<std::ptrdiff_t>(first)),
                    std::make_move_iterator(files.end()));
        std::vector<std::string> paths;
        paths.reserve(kept.size());
        for (const ImageFile& file : kept) {
            paths.push_back(file.path);
        }
        store = std::make_shared<StreamingImageStore>(
            std::move(paths), Shape{channels, height, width}, options.streamCacheBytes);
        result.warnings.push_back(
            root + ": " + std::to_string(kept.size()) + " images, " + mebibytes(estimate) +
            " decoded, exceed the memory budget of " + mebibytes(options.memoryBudgetBytes) +
            ": streamed from disk with a " + mebibytes(options.streamCacheBytes) +
            " cache; a damaged image is found only when it is read, and stops training with "
            "its name");
        if (!sizeChosen) {
            result.warnings.push_back(root + ": image sizes are not checked when streaming; " +
                                      "every image is resized to " + sizeText(height, width));
        }
        if (keepColour) {
            result.warnings.push_back(
                root + ": when streaming, the colour mode follows the first image (" +
                (channels == 3 ? "colour" : "grey") + "); choose it in the options if the " +
                "images differ");
        }
    } else {
        const size_t step = std::max<size_t>(1, files.size() / 200);
        std::vector<uint8_t> pixels;
        pixels.reserve(static_cast<size_t>(estimate));
        std::vector<std::string> names;
        int64_t resized = 0;
        std::string example;
        for (size_t i = first; i < files.size(); ++i) {
            if (i % step == 0) {
                reportProgress(progress, static_cast<double>(i) / static_cast<double>(files.size()),
                               "reading " + files[i].path);
            }
            DecodedImage image;
            try {
                image = decodeImage(files[i].path, height, width);
            } catch (const std::runtime_error&) {
                result.skippedFiles.push_back(files[i].path);
                continue;
            }
            if (image.sourceHeight != firstImage.sourceHeight ||
                image.sourceWidth != firstImage.sourceWidth) {
                if (resized++ == 0) {
                    example =
                        files[i].path + " is " + sizeText(image.sourceHeight, image.sourceWidth);
                }
            }
            appendSample(pixels, channels, image, keepColour);
            names.push_back(files[i].path);
            kept.push_back(std::move(files[i]));
        }
        if (resized > 0 && !sizeChosen) {
            result.warnings.push_back(root + ": " + std::to_string(resized) +
                                      " images differ in size from the first one (" + example +
                                      "): all resized to " + sizeText(height, width));
        }
        store = MemoryStore::fromPixels(Shape{channels, height, width}, std::move(pixels),
                                        std::move(names));
    }
    if (!result.skippedFiles.empty()) {
        result.warnings.push_back(root + ": " + std::to_string(result.skippedFiles.size()) +
                                  " files could not be read and were skipped");
    }

    Dataset train;
    train.name = datasetName(rootPath);
    train.store = store;
    train.numClasses = static_cast<int>(classNames.size());
    train.classNames = classNames;
    Dataset test = train;
    for (size_t row = 0; row < kept.size(); ++row) {
        Dataset& target = kept[row].test ? test : train;
        target.rows.push_back(static_cast<int64_t>(row));
        target.targets.push_back(static_cast<float>(kept[row].label));
    }
    if (train.size() == 0) {
        throw std::runtime_error(layout.trainDir.string() +
                                 ": none of the training images could be read");
    }
    const std::vector<int64_t> counts = train.classCounts();
    for (size_t c = 0; c < counts.size(); ++c) {
        if (counts[c] == 0) {
            result.warnings.push_back(root + ": class '" + classNames[c] +
                                      "' has no readable training image");
        }
    }
    result.train = std::move(train);
    result.hasTest = test.size() > 0;
    if (result.hasTest) {
        result.test = std::move(test);
    } else if (!layout.testDir.empty()) {
        result.warnings.push_back(layout.testDir.string() + ": no readable images, no test set");
    }
    reportProgress(progress, 1.0, "read " + std::to_string(kept.size()) + " images");
    return result;
}

bool looksLikeImageFolder(const std::string& path) {
    std::error_code error;
    if (!fs::is_directory(path, error)) {
        return false;
    }
    try {
        // Unsorted: the first image found is enough, and class folders can be huge.
        const auto hasImage = [](const fs::path& dir) {
            for (const fs::directory_entry& entry : fs::directory_iterator(dir)) {
                if (entry.is_regular_file() && hasImageExtension(entry.path().string())) {
                    return true;
                }
            }
            return false;
        };
        for (const fs::directory_entry& child : sortedChildren(path)) {
            if (!child.is_directory()) {
                continue;
            }
            if (hasImage(child.path())) {
                return true;
            }
            for (const fs::directory_entry& grandchild : sortedChildren(child.path())) {
                if (grandchild.is_directory() && hasImage(grandchild.path())) {
                    return true;
                }
            }
        }
    } catch (const fs::filesystem_error&) {
        return false;
    }
    return false;
}

}  // namespace dlab::data
