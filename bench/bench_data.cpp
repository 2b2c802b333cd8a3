// bench_data: the data pipeline's figures, the C++ half of bench/run_data_bench.sh
// (bench/torch_data_bench.py is the PyTorch half, doing the same work).
//
//   bench_data [--part open|epoch|folder|all] [--data DIR] [--repeats R]
//              [--folder DIR] [--folder-images N]
//
// open    loads the Fashion-MNIST training and test sets (60 000 + 10 000 images, the
//         gzipped IDX files of DIR) into memory; best of R:
//           "open_fashion_mnist seconds=0.412 images=70000"
// epoch   one epoch of the 60 000 training images through DataLoader: shuffled, batches
//         of 64, augmented (random crop with 2 pixels of padding, horizontal flip with
//         p 0.5) and standardized with the training set's statistics (fitted before the
//         clock starts). Best of R epochs, for prefetchBatches 0 and 2, the best of both
//         on the first line:
//           "epoch_batches seconds=1.234 batches=938 prefetch=2"
// folder  makes (once, reused) a folder of N 28×28 grey PNGs in 10 class folders, then
//         opens it with loadImageFolder under a 16 MiB memory budget so it streams; the
//         peak resident memory (ru_maxrss) before and after opening, and after one pass
//         over every image through a DataLoader (32 MiB decode cache):
//           "image_folder_open seconds=0.9 images=100000 streaming=1 rss_before_mb=12.1
//            peak_rss_mb=40.2"
//           "image_folder_epoch seconds=6.1 batches=1563 peak_rss_mb=75.3"
//         Run it in a process of its own (run_data_bench.sh does) so the other parts do
//         not raise the peak.

#include "datasets/Augment.h"
#include "datasets/DataLoader.h"
#include "datasets/Idx.h"
#include "datasets/ImageFolder.h"

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>

#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <numeric>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

using namespace dlab;
namespace fs = std::filesystem;

constexpr int kBatchSize = 64;
constexpr int kFolderClasses = 10;
constexpr int kFolderImageSide = 28;
constexpr int64_t kStreamingBudgetBytes = int64_t{16} << 20;
constexpr int64_t kStreamingCacheBytes = int64_t{32} << 20;

struct Options {
    std::string part = "all";
    std::string dataDir = data::kFashionMnistDir;
    int repeats = 3;
    std::string folder = "/tmp/dlab_bench_image_folder";
    int64_t folderImages = 100000;
};

const char* kUsage =
    "usage: bench_data [--part open|epoch|folder|all] [--data DIR] [--repeats R]\n"
    "                  [--folder DIR] [--folder-images N]\n";

bool parseOptions(int argc, char** argv, Options& options) {
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg == "-h" || arg == "--help") {
            std::fputs(kUsage, stdout);
            std::exit(0);
        }
        if (i + 1 >= argc) {
            std::fprintf(stderr, "bench_data: '%s' needs a value\n%s", arg.c_str(), kUsage);
            return false;
        }
        const std::string value = argv[++i];
        if (arg == "--part" &&
            (value == "open" || value == "epoch" || value == "folder" || value == "all")) {
            options.part = value;
        } else if (arg == "--data") {
            options.dataDir = value;
        } else if (arg == "--repeats" && std::atoi(value.c_str()) > 0) {
            options.repeats = std::atoi(value.c_str());
        } else if (arg == "--folder") {
            options.folder = value;
        } else if (arg == "--folder-images" && std::atoll(value.c_str()) >= kFolderClasses) {
            options.folderImages = std::atoll(value.c_str());
        } else {
            std::fprintf(stderr, "bench_data: bad option '%s %s'\n%s", arg.c_str(),
                         value.c_str(), kUsage);
            return false;
        }
    }
    return true;
}

double secondsSince(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

double peakRssMb() {
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return static_cast<double>(usage.ru_maxrss) / 1024.0;  // Linux reports KiB
}

// Runs one pass and returns (seconds, batches). Touches every batch so nothing is
// skipped, the way a trainer would read it.
std::pair<double, int64_t> timePass(BatchSource& source, const std::vector<int64_t>& order,
                                    bool training, int epoch) {
    const auto start = std::chrono::steady_clock::now();
    source.beginPass(order, kBatchSize, training, epoch);
    const Tensor* x = nullptr;
    const Tensor* y = nullptr;
    int64_t batches = 0;
    volatile float sink = 0.0f;
    while (source.next(x, y)) {
        sink = sink + x->data()[0] + y->data()[0];
        ++batches;
    }
    return {secondsSince(start), batches};
}

std::vector<int64_t> shuffled(int64_t n, unsigned seed) {
    std::vector<int64_t> order(static_cast<size_t>(n));
    std::iota(order.begin(), order.end(), int64_t{0});
    std::shuffle(order.begin(), order.end(), std::mt19937(seed));
    return order;
}

void runOpen(const Options& options) {
    double best = 1e30;
    int64_t images = 0;
    for (int r = 0; r < options.repeats; ++r) {
        const auto start = std::chrono::steady_clock::now();
        const data::Dataset train = data::loadFashionMnist(options.dataDir, true);
        const data::Dataset test = data::loadFashionMnist(options.dataDir, false);
        best = std::min(best, secondsSince(start));
        images = train.size() + test.size();
    }
    std::printf("open_fashion_mnist seconds=%.4f images=%lld\n", best,
                static_cast<long long>(images));
    std::fflush(stdout);
}

// The fraction of samples an augmented training pass changes, against an evaluation pass
// in the same order: shows the timed epochs really augment (a crop with shift (0, 0) and
// no flip leaves a sample as it was, so this is below 1).
double changedFraction(const data::Dataset& train, const data::Normalization& norm,
                       const data::AugmentConfig& augment) {
    data::LoaderOptions options;
    options.prefetchBatches = 0;
    options.augment = [augment](uint8_t* pixels, const Shape& chw, uint64_t seed) {
        data::augmentImage(augment, pixels, chw, seed);
    };
    data::DataLoader augmented(train, norm, options);
    data::DataLoader plain(train, norm, {.prefetchBatches = 0});
    const std::vector<int64_t> order = shuffled(train.size(), 1);
    augmented.beginPass(order, kBatchSize, true, 1);
    plain.beginPass(order, kBatchSize, false, 1);
    const Tensor* a = nullptr;
    const Tensor* b = nullptr;
    const Tensor* targets = nullptr;
    const int64_t per = train.sampleShape().numel();
    int64_t changed = 0;
    while (augmented.next(a, targets) && plain.next(b, targets)) {
        for (int64_t i = 0; i < a->size(0); ++i) {
            changed += std::equal(a->data() + i * per, a->data() + (i + 1) * per,
                                  b->data() + i * per)
                           ? 0
                           : 1;
        }
    }
    return static_cast<double>(changed) / static_cast<double>(train.size());
}

void runEpoch(const Options& options) {
    const data::Dataset train = data::loadFashionMnist(options.dataDir, true);
    const data::Normalization norm =
        data::fitNormalization(train, data::NormalizationKind::Standardize);
    data::AugmentConfig augment;
    augment.crop.enabled = true;
    augment.crop.p = 1.0;
    augment.crop.padPx = 2;
    augment.horizontalFlip.enabled = true;
    augment.horizontalFlip.p = 0.5;
    data::validateAugmentConfig(augment);

    double bestOverall = 1e30;
    int bestPrefetch = 0;
    int64_t batches = 0;
    for (int prefetch : {0, 2}) {
        data::LoaderOptions loaderOptions;
        loaderOptions.prefetchBatches = prefetch;
        loaderOptions.seed = 1;
        loaderOptions.augment = [augment](uint8_t* pixels, const Shape& chw, uint64_t seed) {
            data::augmentImage(augment, pixels, chw, seed);
        };
        data::DataLoader loader(train, norm, loaderOptions);
        double best = 1e30;
        for (int epoch = 1; epoch <= options.repeats; ++epoch) {
            const auto [seconds, count] =
                timePass(loader, shuffled(train.size(), unsigned(epoch)), true, epoch);
            best = std::min(best, seconds);
            batches = count;
        }
        std::printf("# epoch_batches prefetch=%d seconds=%.4f\n", prefetch, best);
        if (best < bestOverall) {
            bestOverall = best;
            bestPrefetch = prefetch;
        }
    }
    std::printf("epoch_batches seconds=%.4f batches=%lld prefetch=%d\n", bestOverall,
                static_cast<long long>(batches), bestPrefetch);
    std::printf("# augmentation changed %.1f%% of the samples\n",
                100.0 * changedFraction(train, norm, augment));
    std::fflush(stdout);
}

// N images spread over 10 class folders: a class-dependent stripe pattern with a
// per-image offset, so the PNGs are not all alike. A marker file records a finished
// folder of that size; a folder without it is made again.
void makeFolder(const std::string& root, int64_t count) {
    const fs::path marker = fs::path(root) / (".complete-" + std::to_string(count));
    if (fs::exists(marker)) {
        return;
    }
    std::fprintf(stderr, "bench_data: writing %lld PNGs to %s (once)\n",
                 static_cast<long long>(count), root.c_str());
    fs::remove_all(root);
    for (int c = 0; c < kFolderClasses; ++c) {
        fs::create_directories(fs::path(root) / ("class_" + std::to_string(c)));
    }
    cv::Mat image(kFolderImageSide, kFolderImageSide, CV_8UC1);
    for (int64_t i = 0; i < count; ++i) {
        const int c = static_cast<int>(i % kFolderClasses);
        for (int y = 0; y < kFolderImageSide; ++y) {
            for (int x = 0; x < kFolderImageSide; ++x) {
                image.at<uint8_t>(y, x) =
                    static_cast<uint8_t>(((x * (c + 1) + y + i) % 17) * 15);
            }
        }
        const fs::path file = fs::path(root) / ("class_" + std::to_string(c)) /
                              ("img_" + std::to_string(i) + ".png");
        if (!cv::imwrite(file.string(), image)) {
            throw std::runtime_error(file.string() + ": cannot write the image");
        }
    }
    std::ofstream(marker) << count << "\n";
}

void runFolder(const Options& options) {
    makeFolder(options.folder, options.folderImages);
    const double rssBefore = peakRssMb();
    data::LoadOptions load;
    load.memoryBudgetBytes = kStreamingBudgetBytes;
    load.streamCacheBytes = kStreamingCacheBytes;
    const auto start = std::chrono::steady_clock::now();
    const data::LoadResult result = data::loadImageFolder(options.folder, load);
    const double openSeconds = secondsSince(start);
    const bool streaming =
        dynamic_cast<const data::StreamingImageStore*>(result.train.store.get()) != nullptr;
    std::printf("image_folder_open seconds=%.4f images=%lld streaming=%d rss_before_mb=%.1f "
                "peak_rss_mb=%.1f\n",
                openSeconds, static_cast<long long>(result.train.size() + result.test.size()),
                streaming ? 1 : 0, rssBefore, peakRssMb());
    std::fflush(stdout);

    data::DataLoader loader(result.train, {}, {.prefetchBatches = 2});
    const auto [seconds, batches] =
        timePass(loader, shuffled(result.train.size(), 1), false, 1);
    std::printf("image_folder_epoch seconds=%.4f batches=%lld peak_rss_mb=%.1f\n", seconds,
                static_cast<long long>(batches), peakRssMb());
    std::fflush(stdout);
}

}  // namespace

int main(int argc, char** argv) {
    Options options;
    if (!parseOptions(argc, argv, options)) {
        return 2;
    }
    try {
        if (options.part == "open" || options.part == "all") {
            runOpen(options);
        }
        if (options.part == "epoch" || options.part == "all") {
            runEpoch(options);
        }
        if (options.part == "folder" || options.part == "all") {
            runFolder(options);
        }
    } catch (const std::exception& e) {
        std::fprintf(stderr, "bench_data: %s\n", e.what());
        return 1;
    }
    return 0;
}
