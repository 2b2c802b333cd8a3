#pragma once
// SampleStore: index -> sample, the storage under every dataset.
//
// Images are kept as uint8 pixels (C, H, W) until a batch is made (a quarter of the
// memory of floats); tabular and generated data as float features (F,). A store may
// hold everything in memory (MemoryStore) or decode from disk on demand (the streaming
// image-folder store). Datasets and their splits are index lists over one shared store,
// so splitting copies no samples.
//
// Thread safety: every read method may be called from several threads at once (the
// prefetching loader and the GUI read while the trainer runs). Stores are immutable
// after construction.

#include "engine/Tensor.h"

#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace dlab::data {

enum class SampleType {
    Pixels,    // uint8 0..255, sample shape (C, H, W)
    Features,  // float, sample shape (F,) (or any shape)
};

class SampleStore {
public:
    virtual ~SampleStore() = default;

    virtual int64_t size() const = 0;
    virtual Shape sampleShape() const = 0;
    virtual SampleType type() const = 0;

    // Pixels stores: copies sample i's C*H*W bytes. Others throw std::logic_error.
    virtual void readPixels(int64_t index, uint8_t* out) const;
    // Features stores: copies sample i's values. Others throw std::logic_error.
    virtual void readFeatures(int64_t index, float* out) const;
    // Any store: sample i as floats, pixels as 0..255.
    void readFloat(int64_t index, float* out) const;
    // Where the sample came from (a file name for image folders), for error lists and
    // the GUI; empty when it has no name.
    virtual std::string sampleName(int64_t index) const;

    int64_t sampleNumel() const { return sampleShape().numel(); }
};

// Everything in memory.
class MemoryStore final : public SampleStore {
public:
    // `pixels` holds size × C·H·W bytes; throws std::invalid_argument when it does not.
    static std::shared_ptr<MemoryStore> fromPixels(const Shape& sampleShape,
                                                   std::vector<uint8_t> pixels,
                                                   std::vector<std::string> names = {});
    // `features` holds size × numel(sampleShape) floats.
    static std::shared_ptr<MemoryStore> fromFeatures(const Shape& sampleShape,
                                                     std::vector<float> features);

    int64_t size() const override { return m_size; }
    Shape sampleShape() const override { return m_shape; }
    SampleType type() const override { return m_type; }
    void readPixels(int64_t index, uint8_t* out) const override;
    void readFeatures(int64_t index, float* out) const override;
    std::string sampleName(int64_t index) const override;

    const uint8_t* pixelData() const { return m_pixels.data(); }
    const float* featureData() const { return m_features.data(); }

private:
    MemoryStore() = default;
    SampleType m_type = SampleType::Features;
    Shape m_shape;
    int64_t m_size = 0;
    std::vector<uint8_t> m_pixels;
    std::vector<float> m_features;
    std::vector<std::string> m_names;
};

}  // namespace dlab::data
