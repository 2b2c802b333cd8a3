#pragma once
// What a user drops on the window (one file, several files, or one folder) -> the right
// loader. Detection looks at names, sizes and the first bytes only; loading is done by
// the format's loader (Idx.h, Cifar.h, Csv.h, ImageFolder.h).
//
// Detected, in this order of precedence:
//   IDX          files whose first bytes are an IDX header (00 00 <type> <rank>), raw or
//                gzip, whatever their names. Images (rank 3) are paired with labels
//                (rank 1) by name: "images" <-> "labels" and "idx3" <-> "idx1", ".gz"
//                ignored, e.g. train-images-idx3-ubyte.gz with train-labels-idx1-ubyte,
//                or digits-images.idx3 with digits-labels.idx1; a lone pair is paired
//                whatever its names. A pair whose name starts with "t10k" or holds
//                "test" is the shipped test set.
//   CIFAR        data_batch_<N>.bin / test_batch.bin (CIFAR-10), train.bin / test.bin
//                (CIFAR-100); a file so named that is no whole number of records but
//                starts with an IDX header is taken for IDX (the CIFAR loader checks
//                the sizes of the others)
//   CSV / TSV    *.csv, *.tsv, and *.txt files whose first line is split by a comma, tab
//                or semicolon (class-name files such as batches.meta.txt excepted); one
//                file, or two whose names hold "train" and "test"
//   image folder a folder with class sub-folders of images, or train/ and test/ (or
//                val/) above them (ImageFolder.h loads it)
//   image        one image file (an extension OpenCV decodes, ImageDecode.h):
//                LoadResult::Kind::SingleImage with imagePath, for inference
// In a dropped folder, class sub-folders of images outrank a table beside them. A folder
// holding nothing recognisable but exactly one sub-folder is looked into (the CIFAR
// tarballs unpack into cifar-10-batches-bin/), up to three levels deep.
//
// Errors are std::runtime_error naming the file or folder and saying what was expected;
// LoadCancelled when `progress` asks to stop. Thread safety: no shared state.

#include "datasets/Load.h"

#include <string>
#include <vector>

namespace dlab::data {

enum class DroppedFormat { Idx, Cifar, Csv, ImageFolder, Image };

struct DroppedInput {
    DroppedFormat format = DroppedFormat::Idx;
    std::vector<std::string> files;    // the format's files (IDX, CIFAR, CSV, the image)
    std::string root;                  // ImageFolder: the folder given to the loader
    std::vector<std::string> ignored;  // dropped files that belong to no detected format
};

// Decides what `paths` hold without loading it. Throws std::runtime_error when nothing
// is recognised, when several folders (or folders and files) are dropped together, or
// when several images are dropped as files.
DroppedInput detectDropped(const std::vector<std::string>& paths);

// Detects and loads. Options apply where they mean something: imageHeight/Width and
// color to image folders, csvLabelColumn and regression to CSV, cifar100Coarse to
// CIFAR-100, memoryBudgetBytes to image folders, CIFAR and CSV (IDX files have their own
// bound, kIdxMaxBytes). Dropped files that were ignored are listed in `warnings`.
LoadResult loadDropped(const std::vector<std::string>& paths, const LoadOptions& options,
                       const ProgressFn& progress);

struct IdxFilePair {
    std::string images;
    std::string labels;
    bool test = false;  // the shipped test set (t10k-*, *test*)
};

// Pairs IDX image and label files as described above. Throws std::runtime_error naming
// a file left without its partner (and the name looked for).
std::vector<IdxFilePair> pairIdxFiles(const std::vector<std::string>& files);

// True when the file starts with an IDX header (through gzip when compressed); `rank`
// receives the header's rank.
bool isIdxFile(const std::string& path, int& rank);

}  // namespace dlab::data
