#pragma once
// CIFAR-10 and CIFAR-100, "binary version" (the files of cifar-10-binary.tar.gz and
// cifar-100-binary.tar.gz).
//
// Record layout, back to back, no header:
//   CIFAR-10   1 label byte (0..9)                      + 3072 pixel bytes   (3073 bytes)
//   CIFAR-100  1 coarse byte (0..19), 1 fine byte (0..99) + 3072 pixel bytes (3074 bytes)
// The pixels are three 32×32 planes, R then G then B, each row-major: exactly the
// (C, H, W) = (3, 32, 32) uint8 layout of a MemoryStore, so records are copied as is.
//
// Files:
//   CIFAR-10   data_batch_1.bin .. data_batch_5.bin (train), test_batch.bin (test),
//              batches.meta.txt (class names, one per line) beside them
//   CIFAR-100  train.bin, test.bin; fine_label_names.txt / coarse_label_names.txt
// Class names come from the name file when it is present and lists exactly the number
// of classes (otherwise a warning, and "class 0", "class 1", ...).
//
// Validation happens before anything is trusted: a file's size must be a non-zero
// multiple of the record size (checked before it is read), every label in range (both
// labels of a CIFAR-100 record, whichever is used), and the total within the memory
// budget. Errors are std::runtime_error whose message starts with the file's path and
// says what was expected, e.g.
//   ".../data_batch_1.bin: 30000000 bytes is not a multiple of the 3073-byte CIFAR-10
//    record (9762 whole records and 2574 bytes over)"
//   ".../test_batch.bin: record 17: label 12 is out of range for the 10 CIFAR-10 classes"
//
// Thread safety: the functions share no state; call them from any thread.

#include "datasets/Load.h"

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace dlab::data {

enum class CifarVariant { Cifar10, Cifar100 };

inline constexpr int64_t kCifarImageBytes = 3 * 32 * 32;

// Bytes per record: 3073 (CIFAR-10) or 3074 (CIFAR-100).
int64_t cifarRecordBytes(CifarVariant variant);

struct CifarRecords {
    int64_t count = 0;
    std::vector<uint8_t> pixels;  // count × 3072 bytes, (3, 32, 32) per record
    std::vector<uint8_t> labels;  // count: the CIFAR-10 label, or the chosen CIFAR-100 one
};

// Parses `size` bytes of records. `coarse` picks CIFAR-100's coarse labels (ignored for
// CIFAR-10). `source` starts every error message (a path, or a name for in-memory data).
// Throws std::runtime_error for empty data, a size that is not a multiple of the record
// size, or a label out of range; never reads outside [bytes, bytes + size).
CifarRecords parseCifarRecords(const uint8_t* bytes, size_t size, CifarVariant variant, bool coarse,
                               const std::string& source);

// Reads the named record files (their order is kept) into one dataset with a
// MemoryStore of (3, 32, 32) pixels. Class names as described above, looked for beside
// the first file; a warning goes to `warnings` when a name file does not fit.
// Throws std::runtime_error naming the file, LoadCancelled when `progress` says stop.
Dataset loadCifarFiles(const std::vector<std::string>& paths, CifarVariant variant,
                       const std::string& name, const LoadOptions& options,
                       const ProgressFn& progress, std::vector<std::string>& warnings);

// The standard files, dropped as a list or found in a folder: CIFAR-10 when any
// data_batch_*.bin or test_batch.bin is among `paths`, CIFAR-100 for train.bin /
// test.bin. Training files make `train`, the test file `test` (hasTest). When only a
// test file is given it becomes `train`, with a warning. Other paths are ignored.
// format is "cifar10" or "cifar100". Throws std::runtime_error when no CIFAR file is
// among `paths` or a file is malformed.
LoadResult loadCifar(const std::vector<std::string>& paths, const LoadOptions& options,
                     const ProgressFn& progress);

// What the name says about a file: CIFAR-10 for data_batch_<N>.bin and test_batch.bin,
// CIFAR-100 for train.bin and test.bin; false when the name is neither.
bool cifarVariantOfName(const std::string& path, CifarVariant& variant);

// Non-empty lines of a class-name file, trimmed (CR included). Empty when unreadable.
std::vector<std::string> readClassNameFile(const std::string& path);

}  // namespace dlab::data
