#include "datasets/SampleStore.h"

#include <algorithm>
#include <cstring>

namespace dlab::data {

void SampleStore::readPixels(int64_t, uint8_t*) const {
    throw std::logic_error("readPixels on a store of float features");
}

void SampleStore::readFeatures(int64_t, float*) const {
    throw std::logic_error("readFeatures on a store of pixels");
}

void SampleStore::readFloat(int64_t index, float* out) const {
    if (type() == SampleType::Features) {
        readFeatures(index, out);
        return;
    }
    // Decode into the front of `out` as bytes, then widen from the back so no temporary
    // buffer is needed: byte i is read before float i overwrites it.
    const auto n = static_cast<size_t>(sampleNumel());
    auto* bytes = reinterpret_cast<uint8_t*>(out);
    readPixels(index, bytes);
    for (size_t i = n; i-- > 0;) {
        out[i] = static_cast<float>(bytes[i]);
    }
}

std::string SampleStore::sampleName(int64_t) const {
    return {};
}

std::shared_ptr<MemoryStore> MemoryStore::fromPixels(const Shape& sampleShape,
                                                     std::vector<uint8_t> pixels,
                                                     std::vector<std::string> names) {
    const int64_t per = sampleShape.numel();
    if (per <= 0 || static_cast<int64_t>(pixels.size()) % per != 0) {
        throw std::invalid_argument("MemoryStore: " + std::to_string(pixels.size()) +
                                    " bytes are not a whole number of " + sampleShape.str() +
                                    " images");
    }
    std::shared_ptr<MemoryStore> store(new MemoryStore);
    store->m_type = SampleType::Pixels;
    store->m_shape = sampleShape;
    store->m_size = static_cast<int64_t>(pixels.size()) / per;
    store->m_pixels = std::move(pixels);
    store->m_names = std::move(names);
    return store;
}

std::shared_ptr<MemoryStore> MemoryStore::fromFeatures(const Shape& sampleShape,
                                                       std::vector<float> features) {
    const int64_t per = sampleShape.numel();
    if (per <= 0 || static_cast<int64_t>(features.size()) % per != 0) {
        throw std::invalid_argument("MemoryStore: " + std::to_string(features.size()) +
                                    " values are not a whole number of " + sampleShape.str() +
                                    " samples");
    }
    std::shared_ptr<MemoryStore> store(new MemoryStore);
    store->m_type = SampleType::Features;
    store->m_shape = sampleShape;
    store->m_size = static_cast<int64_t>(features.size()) / per;
    store->m_features = std::move(features);
    return store;
}

void MemoryStore::readPixels(int64_t index, uint8_t* out) const {
    if (m_type != SampleType::Pixels) {
        SampleStore::readPixels(index, out);
    }
    const auto per = static_cast<size_t>(m_shape.numel());
    std::memcpy(out, m_pixels.data() + static_cast<size_t>(index) * per, per);
}

void MemoryStore::readFeatures(int64_t index, float* out) const {
    if (m_type != SampleType::Features) {
        SampleStore::readFeatures(index, out);
    }
    const auto per = static_cast<size_t>(m_shape.numel());
    std::memcpy(out, m_features.data() + static_cast<size_t>(index) * per, per * sizeof(float));
}

std::string MemoryStore::sampleName(int64_t index) const {
    return static_cast<size_t>(index) < m_names.size() ? m_names[static_cast<size_t>(index)]
                                                       : std::string();
}

}  // namespace dlab::data
