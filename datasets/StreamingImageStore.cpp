#include "datasets/StreamingImageStore.h"

#include "datasets/ImageDecode.h"

#include <algorithm>
#include <stdexcept>

namespace dlab::data {

StreamingImageStore::StreamingImageStore(std::vector<std::string> files, const Shape& chw,
                                         int64_t cacheBytes)
    : m_files(std::move(files)), m_shape(chw), m_cacheBytes(std::max<int64_t>(cacheBytes, 0)) {
    if (chw.rank() != 3 || (chw[0] != 1 && chw[0] != 3) || chw[1] <= 0 || chw[2] <= 0) {
        throw std::invalid_argument(
            "StreamingImageStore: expected an image shape (C, H, W) with C 1 or 3, got " +
            chw.str());
    }
    m_sampleBytes = chw.numel();
    m_capacity = static_cast<size_t>(m_cacheBytes / m_sampleBytes);
}

void StreamingImageStore::readPixels(int64_t index, uint8_t* out) const {
    if (index < 0 || index >= size()) {
        throw std::out_of_range("StreamingImageStore: sample " + std::to_string(index) + " of " +
                                std::to_string(size()));
    }
    {
        std::lock_guard lock(m_mutex);
        const auto found = m_index.find(index);
        if (found != m_index.end()) {
            m_lru.splice(m_lru.begin(), m_lru, found->second);
            std::copy(found->second->second.begin(), found->second->second.end(), out);
            ++m_hits;
            return;
        }
        ++m_decodes;
    }

    decodeImageInto(m_files[static_cast<size_t>(index)], m_shape, out);
    if (m_capacity == 0) {
        return;
    }

    std::lock_guard lock(m_mutex);
    if (m_index.count(index) != 0) {
        return;  // another thread decoded it meanwhile
    }
    std::vector<uint8_t> bytes;
    if (m_lru.size() >= m_capacity) {
        // Reuse the evicted sample's buffer: same size, no allocation.
        bytes = std::move(m_lru.back().second);
        m_index.erase(m_lru.back().first);
        m_lru.pop_back();
    }
    bytes.assign(out, out + m_sampleBytes);
    m_lru.emplace_front(index, std::move(bytes));
    m_index[index] = m_lru.begin();
}

std::string StreamingImageStore::sampleName(int64_t index) const {
    if (index < 0 || index >= size()) {
        return {};
    }
    return m_files[static_cast<size_t>(index)];
}

int64_t StreamingImageStore::cachedBytes() const {
    std::lock_guard lock(m_mutex);
    return static_cast<int64_t>(m_lru.size()) * m_sampleBytes;
}

int64_t StreamingImageStore::cacheHits() const {
    std::lock_guard lock(m_mutex);
    return m_hits;
}

int64_t StreamingImageStore::decodes() const {
    std::lock_guard lock(m_mutex);
    return m_decodes;
}

}  // namespace dlab::data
