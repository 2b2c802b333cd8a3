#pragma once
// Image folders: one sub-folder per class, the folder's name the class name.
//
//   root/cats/a.png, root/dogs/b.jpg, ...                  one set (the caller splits it)
//   root/train/cats/..., root/test/cats/... (or val/)      a training and a test set
//
// Class folders may hold sub-folders (searched recursively); hidden entries and files
// without an image extension (ImageDecode.h) are ignored. Classes are the training
// class folders with at least one image, sorted by name; a test folder may lack some
// classes but must not add new ones.
//
// Samples are uint8 (C, H, W), RGB or grey (ImageDecode.h for the conversions):
//   size    options.imageHeight/Width, or else the first readable image's size; images
//           of another size are resized (with a warning when no size was chosen)
//   colour  options.color; Keep gives 3 channels when any image has colour, else 1
// Files that cannot be decoded are skipped and listed in LoadResult::skippedFiles.
//
// Memory: when count × C×H×W bytes exceed options.memoryBudgetBytes the images are not
// decoded up front: the result's store is a StreamingImageStore (the folders are listed
// and only the first image is decoded, to learn the size), with
// options.streamCacheBytes of decode cache. It gives the same bytes as the in-memory
// store for every readable file; a damaged file is found only when it is read, where
// readPixels throws naming it. Keep colour then follows the first image (a warning says so).
//
// Train and test share one store (training files first). Errors (missing or empty
// folder, no class folders, fewer than 2 classes, no readable image) are
// std::runtime_error naming the folder. progress is called with the fraction of files
// handled; returning false stops loading with LoadCancelled.

#include "datasets/ImageDecode.h"
#include "datasets/Load.h"
#include "datasets/StreamingImageStore.h"

#include <string>

namespace dlab::data {

LoadResult loadImageFolder(const std::string& root, const LoadOptions& options,
                           const ProgressFn& progress = {});

// Quick check for format detection: a folder with at least one non-hidden sub-folder
// holding an image file (at its top level, or one level down for train/test layouts).
bool looksLikeImageFolder(const std::string& path);

}  // namespace dlab::data
