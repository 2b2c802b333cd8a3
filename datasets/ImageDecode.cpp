#include "datasets/ImageDecode.h"

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <array>
#include <cctype>
#include <filesystem>
#include <stdexcept>
#include <string_view>

namespace dlab::data {

namespace {

// What Debian's OpenCV 4.6 imgcodecs is built to read.
constexpr std::array<std::string_view, 18> kExtensions = {
    "png", "jpg", "jpeg", "jpe", "bmp", "dib", "tif", "tiff", "webp",
    "pbm", "pgm", "ppm",  "pnm", "pxm", "sr",  "ras", "jp2",  "pfm"};

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

cv::Mat toEightBit(const cv::Mat& image) {
    switch (image.depth()) {
        case CV_8U:
            return image;
        case CV_16U: {
            cv::Mat out;
            image.convertTo(out, CV_8U, 1.0 / 257.0);
            return out;
        }
        case CV_32F:
        case CV_64F: {
            cv::Mat out;
            image.convertTo(out, CV_8U, 255.0);
            return out;
        }
        default: {
            cv::Mat out;
            image.convertTo(out, CV_8U);
            return out;
        }
    }
}

// BGR(A) or grey(+alpha) → BGR or grey.
cv::Mat dropAlpha(const cv::Mat& image) {
    if (image.channels() == 2 || image.channels() == 4) {
        cv::Mat out;
        const int keep = image.channels() == 2 ? 1 : 3;
        std::vector<cv::Mat> planes;
        cv::split(image, planes);
        planes.resize(static_cast<size_t>(keep));
        cv::merge(planes, out);
        return out;
    }
    return image;
}

}  // namespace

bool hasImageExtension(const std::string& path) {
    std::string ext = lower(std::filesystem::path(path).extension().string());
    if (ext.size() < 2) {
        return false;
    }
    ext.erase(0, 1);
    return std::find(kExtensions.begin(), kExtensions.end(), ext) != kExtensions.end();
}

std::string imageExtensionList() {
    std::string list;
    for (std::string_view ext : kExtensions) {
        list += list.empty() ? "" : ", ";
        list += ext;
    }
    return list;
}

bool looksDecodable(const std::string& path) {
    try {
        return cv::haveImageReader(path);
    } catch (const cv::Exception&) {
        return false;
    }
}

DecodedImage decodeImage(const std::string& path, int64_t height, int64_t width) {
    if (!std::filesystem::is_regular_file(path)) {
        throw std::runtime_error(path + ": no such file");
    }
    cv::Mat image;
    try {
        image = cv::imread(path, cv::IMREAD_ANYCOLOR | cv::IMREAD_ANYDEPTH);
    } catch (const cv::Exception&) {
        image.release();
    }
    if (image.empty() || image.dims != 2) {
        throw std::runtime_error(path + ": cannot decode the image (damaged, or not a format " +
                                 "OpenCV reads: " + imageExtensionList() + ")");
    }
    image = dropAlpha(toEightBit(image));
    if (image.channels() != 1 && image.channels() != 3) {
        throw std::runtime_error(path + ": unsupported image with " +
                                 std::to_string(image.channels()) + " channels");
    }

    DecodedImage decoded;
    decoded.channels = image.channels();
    decoded.sourceHeight = image.rows;
    decoded.sourceWidth = image.cols;
    decoded.height = height > 0 ? height : image.rows;
    decoded.width = width > 0 ? width : image.cols;
    if (decoded.height != image.rows || decoded.width != image.cols) {
        const bool shrinking = decoded.height <= image.rows && decoded.width <= image.cols;
        cv::Mat resized;
        cv::resize(image, resized,
                   cv::Size(static_cast<int>(decoded.width), static_cast<int>(decoded.height)), 0,
                   0, shrinking ? cv::INTER_AREA : cv::INTER_LINEAR);
        image = resized;
    }

    const int64_t plane = decoded.height * decoded.width;
    decoded.pixels.resize(static_cast<size_t>(plane * decoded.channels));
    if (decoded.channels == 1) {
        for (int y = 0; y < image.rows; ++y) {
            std::copy_n(image.ptr<uint8_t>(y), image.cols,
                        decoded.pixels.data() + int64_t{y} * image.cols);
        }
    } else {
        // OpenCV holds BGR interleaved; dlab holds RGB planes.
        uint8_t* r = decoded.pixels.data();
        uint8_t* g = r + plane;
        uint8_t* b = g + plane;
        for (int y = 0; y < image.rows; ++y) {
            const uint8_t* row = image.ptr<uint8_t>(y);
            for (int x = 0; x < image.cols; ++x) {
                const int64_t i = int64_t{y} * image.cols + x;
                b[i] = row[3 * x];
                g[i] = row[3 * x + 1];
                r[i] = row[3 * x + 2];
            }
        }
    }
    return decoded;
}

void convertChannels(const uint8_t* in, int inChannels, uint8_t* out, int outChannels,
                     int64_t planeSize) {
    if (inChannels == outChannels) {
        std::copy_n(in, inChannels * planeSize, out);
    } else if (inChannels == 1 && outChannels == 3) {
        for (int c = 0; c < 3; ++c) {
            std::copy_n(in, planeSize, out + c * planeSize);
        }
    } else if (inChannels == 3 && outChannels == 1) {
        const uint8_t* r = in;
        const uint8_t* g = in + planeSize;
        const uint8_t* b = in + 2 * planeSize;
        for (int64_t i = 0; i < planeSize; ++i) {
            // 0.299, 0.587, 0.114 in units of 2^-14; the weights sum to exactly 2^14, so
            // a grey pixel stays the same grey.
            out[i] = static_cast<uint8_t>((4899 * r[i] + 9617 * g[i] + 1868 * b[i] + 8192) >> 14);
        }
    } else {
        throw std::invalid_argument("convertChannels: expected 1 or 3 channels, got " +
                                    std::to_string(inChannels) + " → " +
                                    std::to_string(outChannels));
    }
}

void decodeImageInto(const std::string& path, const Shape& chw, uint8_t* out) {
    if (chw.rank() != 3 || (chw[0] != 1 && chw[0] != 3) || chw[1] <= 0 || chw[2] <= 0) {
        throw std::invalid_argument("expected an image shape (C, H, W) with C 1 or 3, got " +
                                    chw.str());
    }
    const DecodedImage decoded = decodeImage(path, chw[1], chw[2]);
    convertChannels(decoded.pixels.data(), decoded.channels, out, static_cast<int>(chw[0]),
                    chw[1] * chw[2]);
}

Tensor loadImageForInference(const std::string& path, const Shape& chw) {
    std::vector<uint8_t> pixels(static_cast<size_t>(chw.rank() == 3 ? chw.numel() : 0));
    decodeImageInto(path, chw, pixels.data());
    Tensor image(Shape{1, chw[0], chw[1], chw[2]});
    std::transform(pixels.begin(), pixels.end(), image.data(),
                   [](uint8_t v) { return static_cast<float>(v); });
    return image;
}

}  // namespace dlab::data
