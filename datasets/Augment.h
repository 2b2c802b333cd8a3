#pragma once
// Image augmentation for uint8 pixel samples (C, H, W), planar as a SampleStore keeps them.
//
// Each transform has its own switch (`enabled`), probability `p` and parameters; all are
// off by default. They run in a fixed order:
//   crop with padding → horizontal flip → vertical flip → rotation/translation/scale
//   (one affine warp) → colour jitter → Gaussian noise → random erasing
// Geometric transforms fill uncovered pixels with 0.
//
// Determinism: one call draws everything from a std::mt19937_64 seeded with `seed`
// through the written-out distributions of datasets/Random.h, so the same seed gives the
// same bytes on every standard library. The data loader seeds each sample with
// sampleSeed(seed, epoch, position), which does not depend on thread timing.
//
// Thread safety: all functions are pure; call them from any number of threads.

#include "datasets/Dataset.h"

#include <cstdint>
#include <vector>

namespace dlab::data {

struct AugmentConfig {
    // Pads `padPx` zero pixels on every side, then crops a random H×W window: the content
    // moves by up to padPx pixels in x and y.
    struct Crop {
        bool enabled = false;
        double p = 1.0;
        int padPx = 4;
    };
    struct Flip {
        bool enabled = false;
        double p = 0.5;
    };
    // Rotation about the image centre by an angle uniform in [-maxDegrees, maxDegrees]
    // (positive = counter-clockwise).
    struct Rotation {
        bool enabled = false;
        double p = 0.5;
        double maxDegrees = 15.0;
    };
    // Shift uniform in [-maxFraction, maxFraction] of the width (x) and height (y),
    // rounded to whole pixels.
    struct Translation {
        bool enabled = false;
        double p = 0.5;
        double maxFraction = 0.1;
    };
    // Zoom about the centre by a factor uniform in [minScale, maxScale] (> 1 enlarges).
    struct Scale {
        bool enabled = false;
        double p = 0.5;
        double minScale = 0.9;
        double maxScale = 1.1;
    };
    // Each strength s draws a factor uniform in [max(0, 1 - s), 1 + s]; 0 leaves that
    // property alone. Brightness multiplies the pixels; contrast scales the distance to
    // the image's mean grey level; saturation the distance to each pixel's grey level
    // (3-channel images only, in RGB order as the loaders store them).
    struct ColorJitter {
        bool enabled = false;
        double p = 0.8;
        double brightness = 0.2;
        double contrast = 0.2;
        double saturation = 0.2;
    };
    // Adds independent N(0, stdPx²) noise to every pixel value, stdPx in 0..255 units.
    struct Noise {
        bool enabled = false;
        double p = 0.5;
        double stdPx = 10.0;
    };
    // Erases one rectangle covering a fraction of the image uniform in
    // [minArea, maxArea], with aspect ratio (height / width) log-uniform in
    // [minAspect, maxAspect]; filled with random values (randomFill) or zeros.
    struct Erasing {
        bool enabled = false;
        double p = 0.5;
        double minArea = 0.02;
        double maxArea = 0.33;
        double minAspect = 0.3;
        double maxAspect = 3.3;
        bool randomFill = true;
    };

    Crop crop;
    Flip horizontalFlip;
    Flip verticalFlip;
    Rotation rotation;
    Translation translation;
    Scale scale;
    ColorJitter colorJitter;
    Noise noise;
    Erasing erasing;

    // True when at least one transform is enabled with p > 0.
    bool enabled() const;
};

// Throws std::invalid_argument naming the field when a value is out of range
// (p outside [0, 1], negative sizes, min > max, areas outside (0, 1]).
void validateAugmentConfig(const AugmentConfig& config);

// What one call decided: the random draws made concrete. applyAugmentParams with these
// gives exactly what augmentImage gives for the seed they were drawn with; tests and the
// GUI can also build them by hand.
struct AugmentParams {
    int shiftX = 0;  // crop with padding: content moves by (shiftX, shiftY) pixels
    int shiftY = 0;
    bool flipHorizontal = false;
    bool flipVertical = false;
    bool affine = false;        // warp with the three values below
    double angleDegrees = 0.0;  // counter-clockwise
    double scale = 1.0;
    int translateX = 0;  // pixels, applied after rotation and scale
    int translateY = 0;
    bool colorJitter = false;
    double brightness = 1.0;  // factors
    double contrast = 1.0;
    double saturation = 1.0;
    double noiseStdPx = 0.0;  // 0: no noise
    bool erase = false;
    int eraseX = 0;  // rectangle: top-left column/row and size in pixels
    int eraseY = 0;
    int eraseWidth = 0;
    int eraseHeight = 0;
    bool eraseRandomFill = false;
    uint64_t pixelSeed = 0;  // seeds the per-pixel draws (noise, random fill)
};

// Draws the parameters for an image of shape (C, H, W).
AugmentParams drawAugmentParams(const AugmentConfig& config, const Shape& chw, uint64_t seed);
// Applies them in place to `pixels`, C·H·W bytes. Throws std::invalid_argument unless
// chw has rank 3 with positive sizes.
void applyAugmentParams(const AugmentParams& params, uint8_t* pixels, const Shape& chw);

// drawAugmentParams + applyAugmentParams: augments one image in place.
void augmentImage(const AugmentConfig& config, uint8_t* pixels, const Shape& chw, uint64_t seed);

// `count` augmented versions of sample `position` of an image dataset, each C·H·W bytes;
// version i uses sampleSeed(seed, i, position), i.e. what epoch i of a training run
// seeded with `seed` would show if the sample held that position. Throws
// std::invalid_argument for a non-image dataset or a position out of range.
std::vector<std::vector<uint8_t>> previewAugmentations(const AugmentConfig& config,
                                                       const Dataset& dataset, int64_t position,
                                                       int count, uint64_t seed);

// A well-mixed seed for one sample of one epoch (splitmix64 finalizer over the three).
uint64_t sampleSeed(uint64_t seed, int epoch, int64_t position);

}  // namespace dlab::data
