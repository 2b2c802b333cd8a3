#pragma once
// Image files to dlab pixels: decoded with OpenCV, to 8 bits, 1 (grey) or 3 (RGB)
// channels, planar (C, H, W), resized. One code path serves the in-memory image folder,
// the streaming store and inference, so all three give the same bytes for a file.
//
// Conversions, in this order:
//   depth     16-bit divided by 257, floating point (0..1) times 255, others saturated
//   channels  grey+alpha → grey, BGRA → RGB, BGR → RGB (alpha dropped, not blended)
//   size      INTER_AREA when shrinking both sides, INTER_LINEAR otherwise
//   C         RGB → grey with BT.601 weights in 14-bit fixed point (as OpenCV's
//             cvtColor), grey → RGB by copying the plane
// EXIF orientation in JPEG files is applied.
//
// Thread safety: all functions may be called from several threads at once.

#include "engine/Tensor.h"

#include <cstdint>
#include <string>
#include <vector>

namespace dlab::data {

// True when the file name ends in an extension OpenCV decodes (.png, .jpg, .jpeg, .bmp,
// .tif, .webp, .pgm, ..., any case).
bool hasImageExtension(const std::string& path);
// "png, jpg, jpeg, bmp, ...": for messages.
std::string imageExtensionList();
// Cheap check of the file's first bytes against the decoders' signatures; a file that
// passes may still be truncated.
bool looksDecodable(const std::string& path);

struct DecodedImage {
    int channels = 0;    // 1 or 3, as the file holds it
    int64_t height = 0;  // after resizing
    int64_t width = 0;
    int64_t sourceHeight = 0;  // as stored in the file
    int64_t sourceWidth = 0;
    std::vector<uint8_t> pixels;  // (channels, height, width)
};

// Decodes `path`, resized to height × width (0 keeps the file's size in that dimension).
// Throws std::runtime_error naming the file when it is missing or cannot be decoded.
DecodedImage decodeImage(const std::string& path, int64_t height = 0, int64_t width = 0);

// Planar pixels of one image from `inChannels` to `outChannels` (each 1 or 3);
// planeSize = H·W. `in` and `out` must not overlap.
void convertChannels(const uint8_t* in, int inChannels, uint8_t* out, int outChannels,
                     int64_t planeSize);

// decodeImage + convertChannels: the file as exactly chw = (C, H, W) bytes, C 1 or 3.
// Throws std::invalid_argument for another shape, std::runtime_error for a bad file.
void decodeImageInto(const std::string& path, const Shape& chw, uint8_t* out);

// One image file as a network input: raw floats 0..255, shape (1, C, H, W), converted
// and resized to chw = (C, H, W) like the training images (normalization is the
// caller's). Throws std::runtime_error naming the file when it is missing or unreadable.
Tensor loadImageForInference(const std::string& path, const Shape& chw);

}  // namespace dlab::data
