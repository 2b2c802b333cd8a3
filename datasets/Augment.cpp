#include "datasets/Augment.h"

#include "datasets/Random.h"

#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

namespace dlab::data {

namespace {

uint64_t splitmix(uint64_t z) {
    z += 0x9e3779b97f4a7c15ULL;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

// Rounds half up and clamps to 0..255; floor(v + 0.5) does not depend on the current
// floating-point rounding mode, so bytes are the same everywhere.
uint8_t toByte(double v) {
    return static_cast<uint8_t>(std::clamp(std::floor(v + 0.5), 0.0, 255.0));
}

struct Dims {
    int channels, height, width;
    int64_t plane() const { return int64_t{height} * width; }
};

Dims checkShape(const Shape& chw) {
    if (chw.rank() != 3 || chw[0] <= 0 || chw[1] <= 0 || chw[2] <= 0) {
        throw std::invalid_argument("augmentation: expected an image shape (C, H, W), got " +
                                    chw.str());
    }
    return {static_cast<int>(chw[0]), static_cast<int>(chw[1]), static_cast<int>(chw[2])};
}

void checkProbability(double p, const char* name) {
    if (!(p >= 0.0 && p <= 1.0)) {
        throw std::invalid_argument(std::string("augmentation: ") + name +
                                    ".p must be in [0, 1], got " + std::to_string(p));
    }
}

void checkRange(double low, double high, const char* what) {
    if (!(low <= high)) {
        throw std::invalid_argument(std::string("augmentation: ") + what +
                                    ": minimum must not exceed maximum, got " +
                                    std::to_string(low) + " > " + std::to_string(high));
    }
}

void checkNonNegative(double v, const char* what) {
    if (!(v >= 0.0)) {
        throw std::invalid_argument(std::string("augmentation: ") + what + " must be >= 0, got " +
                                    std::to_string(v));
    }
}

// Jitter factor for strength s: uniform in [max(0, 1 - s), 1 + s].
double jitterFactor(Rng& rng, double strength) {
    if (strength <= 0.0) {
        return 1.0;
    }
    return uniform(rng, std::max(0.0, 1.0 - strength), 1.0 + strength);
}

void shift(uint8_t* pixels, const Dims& d, int dx, int dy) {
    std::vector<uint8_t> source(pixels, pixels + d.channels * d.plane());
    for (int c = 0; c < d.channels; ++c) {
        const uint8_t* in = source.data() + c * d.plane();
        uint8_t* out = pixels + c * d.plane();
        for (int y = 0; y < d.height; ++y) {
            const int sy = y - dy;
            for (int x = 0; x < d.width; ++x) {
                const int sx = x - dx;
                const bool inside = sy >= 0 && sy < d.height && sx >= 0 && sx < d.width;
                out[int64_t{y} * d.width + x] = inside ? in[int64_t{sy} * d.width + sx] : 0;
            }
        }
    }
}

void flipHorizontal(uint8_t* pixels, const Dims& d) {
    for (int64_t row = 0; row < int64_t{d.channels} * d.height; ++row) {
        std::reverse(pixels + row * d.width, pixels + (row + 1) * d.width);
    }
}

void flipVertical(uint8_t* pixels, const Dims& d) {
    for (int c = 0; c < d.channels; ++c) {
        uint8_t* plane = pixels + c * d.plane();
        for (int y = 0; y < d.height / 2; ++y) {
            std::swap_ranges(plane + int64_t{y} * d.width, plane + int64_t{y + 1} * d.width,
                             plane + int64_t{d.height - 1 - y} * d.width);
        }
    }
}

void warp(uint8_t* pixels, const Dims& d, const AugmentParams& params) {
    // The centre between the middle pixels, so a quarter turn of a square image maps
    // pixel centres onto pixel centres and needs no interpolation.
    const cv::Point2f centre(static_cast<float>(d.width - 1) / 2.0f,
                             static_cast<float>(d.height - 1) / 2.0f);
    cv::Mat matrix = cv::getRotationMatrix2D(centre, params.angleDegrees, params.scale);
    matrix.at<double>(0, 2) += params.translateX;
    matrix.at<double>(1, 2) += params.translateY;
    std::vector<cv::Mat> planes;
    for (int c = 0; c < d.channels; ++c) {
        planes.emplace_back(d.height, d.width, CV_8UC1, pixels + c * d.plane());
    }
    // One warp of the interleaved image costs about half of one warp per plane
    // (OpenCV's set-up dominates at these sizes); it takes up to 4 channels.
    const bool interleave = d.channels >= 2 && d.channels <= 4;
    cv::Mat source;
    cv::Mat warped;
    for (size_t c = 0; c < planes.size(); c += interleave ? planes.size() : 1) {
        if (interleave) {
            cv::merge(planes, source);
        } else {
            planes[c].copyTo(source);
        }
        cv::warpAffine(source, warped, matrix, source.size(), cv::INTER_LINEAR, cv::BORDER_CONSTANT,
                       cv::Scalar::all(0));
        if (interleave) {
            cv::split(warped, planes);  // into the wrapped planes: they have the right size
        } else {
            warped.copyTo(planes[c]);
        }
    }
}

// Grey level of an RGB pixel (ITU-R BT.601 weights, as OpenCV and torchvision use).
double grey(double r, double g, double b) {
    return 0.299 * r + 0.587 * g + 0.114 * b;
}

void jitterColor(uint8_t* pixels, const Dims& d, const AugmentParams& params) {
    const int64_t n = d.channels * d.plane();
    std::vector<double> v(pixels, pixels + n);
    const auto clamp255 = [](double x) { return std::clamp(x, 0.0, 255.0); };
    const bool rgb = d.channels == 3;
    const double* r = v.data();
    const double* g = v.data() + d.plane();
    const double* b = v.data() + 2 * d.plane();

    for (double& x : v) {
        x = clamp255(x * params.brightness);
    }
    if (params.contrast != 1.0) {
        double mean = 0.0;
        if (rgb) {
            for (int64_t i = 0; i < d.plane(); ++i) {
                mean += grey(r[i], g[i], b[i]);
            }
            mean /= static_cast<double>(d.plane());
        } else {
            for (double x : v) {
                mean += x;
            }
            mean /= static_cast<double>(n);
        }
        for (double& x : v) {
            x = clamp255(mean + params.contrast * (x - mean));
        }
    }
    if (rgb && params.saturation != 1.0) {
        for (int64_t i = 0; i < d.plane(); ++i) {
            const double level = grey(r[i], g[i], b[i]);
            for (int c = 0; c < 3; ++c) {
                double& x = v[static_cast<size_t>(c * d.plane() + i)];
                x = clamp255(level + params.saturation * (x - level));
            }
        }
    }
    for (int64_t i = 0; i < n; ++i) {
        pixels[i] = toByte(v[static_cast<size_t>(i)]);
    }
}

void addNoise(uint8_t* pixels, const Dims& d, double stdPx, uint64_t seed) {
    Rng rng(seed);
    const int64_t n = d.channels * d.plane();
    // Marsaglia's polar method: two independent normals per accepted pair, without the
    // sine and cosine of Box-Muller (the noise is the costliest transform per pixel).
    for (int64_t i = 0; i < n; i += 2) {
        double u = 0.0, v = 0.0, s = 0.0;
        do {
            u = 2.0 * uniform01(rng) - 1.0;
            v = 2.0 * uniform01(rng) - 1.0;
            s = u * u + v * v;
        } while (s >= 1.0 || s == 0.0);
        const double factor = stdPx * std::sqrt(-2.0 * std::log(s) / s);
        pixels[i] = toByte(pixels[i] + factor * u);
        if (i + 1 < n) {
            pixels[i + 1] = toByte(pixels[i + 1] + factor * v);
        }
    }
}

void erase(uint8_t* pixels, const Dims& d, const AugmentParams& params) {
    const int x0 = std::clamp(params.eraseX, 0, d.width);
    const int y0 = std::clamp(params.eraseY, 0, d.height);
    const int x1 = std::clamp(params.eraseX + params.eraseWidth, x0, d.width);
    const int y1 = std::clamp(params.eraseY + params.eraseHeight, y0, d.height);
    Rng rng(splitmix(params.pixelSeed ^ 0x5ca1ab1eULL));
    for (int c = 0; c < d.channels; ++c) {
        uint8_t* plane = pixels + c * d.plane();
        for (int y = y0; y < y1; ++y) {
            for (int x = x0; x < x1; ++x) {
                plane[int64_t{y} * d.width + x] =
                    params.eraseRandomFill ? static_cast<uint8_t>(uniformIndex(rng, 256)) : 0;
            }
        }
    }
}

void drawErasing(const AugmentConfig::Erasing& config, const Dims& d, Rng& rng,
                 AugmentParams& params) {
    const double area = static_cast<double>(d.plane());
    const double logMin = std::log(config.minAspect);
    const double logMax = std::log(config.maxAspect);
    // Like torchvision: a few tries for a rectangle that fits, with the area still in
    // range after rounding to whole pixels; a square of the last drawn area when none
    // does (tiny or very elongated images).
    double target = 0.0;
    for (int attempt = 0; attempt < 10; ++attempt) {
        target = area * uniform(rng, config.minArea, config.maxArea);
        const double aspect = std::exp(uniform(rng, logMin, logMax));
        const auto h = static_cast<int>(std::floor(std::sqrt(target * aspect) + 0.5));
        const auto w = static_cast<int>(std::floor(std::sqrt(target / aspect) + 0.5));
        const double covered = static_cast<double>(h) * w;
        if (h >= 1 && w >= 1 && h <= d.height && w <= d.width && covered >= config.minArea * area &&
            covered <= config.maxArea * area) {
            params.eraseHeight = h;
            params.eraseWidth = w;
            break;
        }
    }
    if (params.eraseWidth == 0) {
        params.eraseHeight =
            std::clamp(static_cast<int>(std::floor(std::sqrt(target) + 0.5)), 1, d.height);
        params.eraseWidth =
            std::clamp(static_cast<int>(std::floor(target / params.eraseHeight + 0.5)), 1, d.width);
    }
    params.eraseY = static_cast<int>(
        uniformIndex(rng, static_cast<uint64_t>(d.height - params.eraseHeight + 1)));
    params.eraseX =
        static_cast<int>(uniformIndex(rng, static_cast<uint64_t>(d.width - params.eraseWidth + 1)));
    params.eraseRandomFill = config.randomFill;
    params.erase = true;
}

}  // namespace

bool AugmentConfig::enabled() const {
    const auto on = [](const auto& t) { return t.enabled && t.p > 0.0; };
    return on(crop) || on(horizontalFlip) || on(verticalFlip) || on(rotation) || on(translation) ||
           on(scale) || on(colorJitter) || on(noise) || on(erasing);
}

void validateAugmentConfig(const AugmentConfig& c) {
    checkProbability(c.crop.p, "crop");
    checkProbability(c.horizontalFlip.p, "horizontal flip");
    checkProbability(c.verticalFlip.p, "vertical flip");
    checkProbability(c.rotation.p, "rotation");
    checkProbability(c.translation.p, "translation");
    checkProbability(c.scale.p, "scale");
    checkProbability(c.colorJitter.p, "colour jitter");
    checkProbability(c.noise.p, "noise");
    checkProbability(c.erasing.p, "erasing");
    checkNonNegative(c.crop.padPx, "crop padding");
    checkNonNegative(c.rotation.maxDegrees, "rotation angle");
    checkNonNegative(c.translation.maxFraction, "translation fraction");
    checkNonNegative(c.colorJitter.brightness, "brightness");
    checkNonNegative(c.colorJitter.contrast, "contrast");
    checkNonNegative(c.colorJitter.saturation, "saturation");
    checkNonNegative(c.noise.stdPx, "noise std");
    checkRange(c.scale.minScale, c.scale.maxScale, "scale");
    if (!(c.scale.minScale > 0.0)) {
        throw std::invalid_argument("augmentation: scale minimum must be > 0, got " +
                                    std::to_string(c.scale.minScale));
    }
    checkRange(c.erasing.minArea, c.erasing.maxArea, "erasing area");
    if (!(c.erasing.minArea > 0.0 && c.erasing.maxArea <= 1.0)) {
        throw std::invalid_argument("augmentation: erasing area must lie in (0, 1], got [" +
                                    std::to_string(c.erasing.minArea) + ", " +
                                    std::to_string(c.erasing.maxArea) + "]");
    }
    checkRange(c.erasing.minAspect, c.erasing.maxAspect, "erasing aspect ratio");
    if (!(c.erasing.minAspect > 0.0)) {
        throw std::invalid_argument("augmentation: erasing aspect ratio must be > 0, got " +
                                    std::to_string(c.erasing.minAspect));
    }
}

AugmentParams drawAugmentParams(const AugmentConfig& config, const Shape& chw, uint64_t seed) {
    const Dims d = checkShape(chw);
    Rng rng(seed);
    const auto fires = [&rng](bool enabled, double p) {
        return enabled && p > 0.0 && uniform01(rng) < p;
    };
    AugmentParams params;
    if (fires(config.crop.enabled, config.crop.p) && config.crop.padPx > 0) {
        const auto span = static_cast<uint64_t>(2 * config.crop.padPx + 1);
        params.shiftX = config.crop.padPx - static_cast<int>(uniformIndex(rng, span));
        params.shiftY = config.crop.padPx - static_cast<int>(uniformIndex(rng, span));
    }
    params.flipHorizontal = fires(config.horizontalFlip.enabled, config.horizontalFlip.p);
    params.flipVertical = fires(config.verticalFlip.enabled, config.verticalFlip.p);
    if (fires(config.rotation.enabled, config.rotation.p)) {
        params.angleDegrees = uniform(rng, -config.rotation.maxDegrees, config.rotation.maxDegrees);
        params.affine = true;
    }
    if (fires(config.translation.enabled, config.translation.p)) {
        const double f = config.translation.maxFraction;
        params.translateX = static_cast<int>(std::floor(uniform(rng, -f, f) * d.width + 0.5));
        params.translateY = static_cast<int>(std::floor(uniform(rng, -f, f) * d.height + 0.5));
        params.affine = true;
    }
    if (fires(config.scale.enabled, config.scale.p)) {
        params.scale = uniform(rng, config.scale.minScale, config.scale.maxScale);
        params.affine = true;
    }
    if (fires(config.colorJitter.enabled, config.colorJitter.p)) {
        params.brightness = jitterFactor(rng, config.colorJitter.brightness);
        params.contrast = jitterFactor(rng, config.colorJitter.contrast);
        params.saturation = jitterFactor(rng, config.colorJitter.saturation);
        params.colorJitter = true;
    }
    if (fires(config.noise.enabled, config.noise.p)) {
        params.noiseStdPx = config.noise.stdPx;
    }
    if (fires(config.erasing.enabled, config.erasing.p)) {
        drawErasing(config.erasing, d, rng, params);
    }
    params.pixelSeed = rng();
    return params;
}

void applyAugmentParams(const AugmentParams& params, uint8_t* pixels, const Shape& chw) {
    const Dims d = checkShape(chw);
    if (params.shiftX != 0 || params.shiftY != 0) {
        shift(pixels, d, params.shiftX, params.shiftY);
    }
    if (params.flipHorizontal) {
        flipHorizontal(pixels, d);
    }
    if (params.flipVertical) {
        flipVertical(pixels, d);
    }
    if (params.affine) {
        warp(pixels, d, params);
    }
    if (params.colorJitter) {
        jitterColor(pixels, d, params);
    }
    if (params.noiseStdPx > 0.0) {
        addNoise(pixels, d, params.noiseStdPx, params.pixelSeed);
    }
    if (params.erase) {
        erase(pixels, d, params);
    }
}

void augmentImage(const AugmentConfig& config, uint8_t* pixels, const Shape& chw, uint64_t seed) {
    applyAugmentParams(drawAugmentParams(config, chw, seed), pixels, chw);
}

std::vector<std::vector<uint8_t>> previewAugmentations(const AugmentConfig& config,
                                                       const Dataset& dataset, int64_t position,
                                                       int count, uint64_t seed) {
    if (!dataset.isImage()) {
        throw std::invalid_argument("augmentation preview: '" + dataset.name + "' holds no images");
    }
    if (position < 0 || position >= dataset.size()) {
        throw std::invalid_argument("augmentation preview: sample " + std::to_string(position) +
                                    " is outside 0.." + std::to_string(dataset.size() - 1));
    }
    const Shape chw = dataset.sampleShape();
    std::vector<uint8_t> original(static_cast<size_t>(chw.numel()));
    dataset.store->readPixels(dataset.rows[static_cast<size_t>(position)], original.data());
    std::vector<std::vector<uint8_t>> versions;
    versions.reserve(static_cast<size_t>(std::max(count, 0)));
    for (int i = 0; i < count; ++i) {
        versions.push_back(original);
        augmentImage(config, versions.back().data(), chw, sampleSeed(seed, i, position));
    }
    return versions;
}

uint64_t sampleSeed(uint64_t seed, int epoch, int64_t position) {
    uint64_t h = splitmix(seed);
    h = splitmix(h ^ static_cast<uint64_t>(static_cast<int64_t>(epoch)));
    return splitmix(h ^ static_cast<uint64_t>(position));
}

}  // namespace dlab::data
