#pragma once
// IDX files: the format of MNIST, Fashion-MNIST, EMNIST and KMNIST.
//
// Layout (big-endian): 00 00 <type> <rank>, then <rank> uint32 sizes, then the
// elements row-major. dlab reads type 0x08 (unsigned byte), rank 1 to 4. Files may be
// raw or gzip-compressed; a name ending in ".gz" must hold gzip data.
//
// The header is checked before it is trusted: magic, type, rank, a size bound
// (kIdxMaxBytes) checked before anything is allocated, and the data must be exactly the
// declared size, neither shorter nor longer. Every error is a std::runtime_error whose
// message starts with the file's path, e.g.
//   ".../train-images-idx3-ubyte.gz: truncated: header declares 60000×28×28 = 47040000
//    bytes of data, file has 1234"

#include "datasets/Dataset.h"

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace dlab::data {

// Largest data block readIdx accepts (2 GiB); larger headers are refused unread.
inline constexpr int64_t kIdxMaxBytes = int64_t{1} << 31;

struct IdxArray {
    std::vector<int64_t> dims;  // outermost first, e.g. (N, H, W) for images, (N,) for labels
    std::vector<uint8_t> data;  // row-major, product(dims) bytes
};

// Reads one IDX file, raw or gzip. Throws std::runtime_error naming the file.
IdxArray readIdx(const std::string& path);

// The same checks on IDX bytes in memory, raw or gzip (recognised by its 1f 8b
// signature); `source` starts the error messages. Never reads outside the bytes given;
// the fuzz target's entry point.
IdxArray readIdxFromMemory(const uint8_t* bytes, size_t size, const std::string& source);

// An image file (N, H, W) and a label file (N,) as a classification dataset:
//   store   a MemoryStore of N uint8 samples (1, H, W), the file's bytes as they are
//   rows    0..N-1
//   targets N class indices as floats
// numClasses is classNames.size() when names are given (every label must be below it),
// otherwise the largest label + 1 with names "class 0", "class 1", ...
// Throws std::runtime_error naming the file on a bad file, on a shape other than the
// above, when the two files disagree on N, or on a label out of range.
Dataset loadIdxPair(const std::string& imagesPath, const std::string& labelsPath,
                    const std::string& name, const std::vector<std::string>& classNames = {});

// Where Debian's dataset-fashion-mnist package installs the four files.
inline constexpr const char* kFashionMnistDir = "/usr/share/datasets/fashion-mnist";

// "T-shirt/top", "Trouser", ..., "Ankle boot": the label order of the files.
const std::vector<std::string>& fashionMnistClassNames();

// The 60k training set (train = true) or the 10k test set from `dir`, which holds
// {train,t10k}-{images-idx3,labels-idx1}-ubyte, each gzipped (.gz, preferred) or raw.
// 10 classes, samples (1, 28, 28). Throws std::runtime_error when a file is missing,
// saying where it was looked for, or is malformed.
Dataset loadFashionMnist(const std::string& dir, bool train);

// True when all four files are present in `dir` (their contents are not checked).
bool fashionMnistAvailable(const std::string& dir = kFashionMnistDir);

}  // namespace dlab::data
