#pragma once
// StreamingImageStore: image files decoded on demand, for folders too big to hold decoded.
//
// Keeps only the file list; readPixels decodes the file (ImageDecode.h: converted and
// resized to the store's (C, H, W)), giving exactly the bytes the in-memory image folder
// holds for the same file and shape. Recently read samples stay in an LRU cache bounded
// in bytes, so repeated reads (the GUI's sample grid, a small validation split) do not
// decode again, and memory use stays near cacheBytes whatever the number of files.
//
// Thread safety: readPixels may be called from several threads at once; decoding runs
// outside the lock, so threads decode in parallel (two threads may decode the same file
// once each). A file that cannot be decoded when read throws std::runtime_error naming it.

#include "datasets/SampleStore.h"

#include <cstdint>
#include <list>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

namespace dlab::data {

class StreamingImageStore final : public SampleStore {
public:
    static constexpr int64_t kDefaultCacheBytes = int64_t{256} << 20;

    // Sample i is files[i] as chw = (C, H, W), C 1 or 3 (throws std::invalid_argument
    // otherwise). cacheBytes 0 turns the cache off.
    StreamingImageStore(std::vector<std::string> files, const Shape& chw,
                        int64_t cacheBytes = kDefaultCacheBytes);

    int64_t size() const override { return static_cast<int64_t>(m_files.size()); }
    Shape sampleShape() const override { return m_shape; }
    SampleType type() const override { return SampleType::Pixels; }
    void readPixels(int64_t index, uint8_t* out) const override;
    // The file's path.
    std::string sampleName(int64_t index) const override;

    int64_t cacheBytes() const { return m_cacheBytes; }
    // Bytes of decoded samples held now (at most cacheBytes()).
    int64_t cachedBytes() const;
    // Reads answered from the cache / by decoding, since construction.
    int64_t cacheHits() const;
    int64_t decodes() const;

private:
    using Entry = std::pair<int64_t, std::vector<uint8_t>>;

    std::vector<std::string> m_files;
    Shape m_shape;
    int64_t m_sampleBytes = 0;
    int64_t m_cacheBytes = 0;
    size_t m_capacity = 0;  // samples the cache holds

    mutable std::mutex m_mutex;
    mutable std::list<Entry> m_lru;  // most recently used first
    mutable std::unordered_map<int64_t, std::list<Entry>::iterator> m_index;
    mutable int64_t m_hits = 0;
    mutable int64_t m_decodes = 0;
};

}  // namespace dlab::data
