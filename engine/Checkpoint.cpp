#include "engine/Checkpoint.h"

#include <zlib.h>

#include <cstring>
#include <fstream>
#include <iterator>
#include <vector>

namespace dlab {
namespace {

constexpr char kMagic[8] = {'D', 'L', 'A', 'B', 'C', 'K', 'P', 'T'};

struct Entry {
    std::string name;
    const Tensor* tensor;
};

std::vector<Entry> entriesOf(const Network& network) {
    std::vector<Entry> entries;
    for (const auto& p : network.params()) {
        entries.push_back({p.name, &p.param->value});
    }
    for (const auto& b : network.buffers()) {
        entries.push_back({b.name, &b.buffer->value});
    }
    return entries;
}

template <typename T>
void put(std::vector<char>& out, T value) {
    const char* p = reinterpret_cast<const char*>(&value);
    out.insert(out.end(), p, p + sizeof(T));
}

// Reads from a byte buffer, refusing to read past its end.
class Cursor {
public:
    Cursor(const std::vector<char>& data, size_t end, const std::string& path)
        : m_data(data), m_end(end), m_path(path) {}
    template <typename T>
    T get() {
        T value;
        need(sizeof(T));
        std::memcpy(&value, m_data.data() + m_pos, sizeof(T));
        m_pos += sizeof(T);
        return value;
    }
    const char* bytes(size_t n) {
        need(n);
        const char* p = m_data.data() + m_pos;
        m_pos += n;
        return p;
    }
    bool atEnd() const { return m_pos == m_end; }

private:
    void need(size_t n) const {
        if (n > m_end - m_pos) {
            throw CheckpointError(m_path + ": the file ends early (corrupt checkpoint)");
        }
    }
    const std::vector<char>& m_data;
    size_t m_end;
    size_t m_pos = sizeof(kMagic);
    std::string m_path;
};

uint32_t crcOf(const std::vector<char>& data, size_t n) {
    return static_cast<uint32_t>(
        crc32(0L, reinterpret_cast<const Bytef*>(data.data()), static_cast<uInt>(n)));
}

}  // namespace

void saveCheckpoint(const std::string& path, const Network& network,
                    const std::string& metadata) {
    std::vector<char> out(kMagic, kMagic + sizeof(kMagic));
    put<uint32_t>(out, kCheckpointVersion);
    const auto entries = entriesOf(network);
    put<uint32_t>(out, static_cast<uint32_t>(entries.size()));
    for (const auto& e : entries) {
        put<uint32_t>(out, static_cast<uint32_t>(e.name.size()));
        out.insert(out.end(), e.name.begin(), e.name.end());
        put<uint32_t>(out, static_cast<uint32_t>(e.tensor->rank()));
        for (int64_t d : e.tensor->shape().dims()) {
            put<int64_t>(out, d);
        }
        const std::vector<float> values = e.tensor->toVector();
        const char* p = reinterpret_cast<const char*>(values.data());
        out.insert(out.end(), p, p + values.size() * sizeof(float));
    }
    put<uint32_t>(out, static_cast<uint32_t>(metadata.size()));
    out.insert(out.end(), metadata.begin(), metadata.end());
    put<uint32_t>(out, crcOf(out, out.size()));

    const std::string tmp = path + ".tmp";
    {
        std::ofstream file(tmp, std::ios::binary | std::ios::trunc);
        file.write(out.data(), static_cast<std::streamsize>(out.size()));
        if (!file.flush()) {
            throw CheckpointError(path + ": cannot write the checkpoint");
        }
    }
    if (std::rename(tmp.c_str(), path.c_str()) != 0) {
        std::remove(tmp.c_str());
        throw CheckpointError(path + ": cannot replace the checkpoint");
    }
}

std::string loadCheckpoint(const std::string& path, Network& network) {
    std::ifstream file(path, std::ios::binary);
    if (!file) {
        throw CheckpointError(path + ": cannot open the file");
    }
    const std::vector<char> data((std::istreambuf_iterator<char>(file)),
                                 std::istreambuf_iterator<char>());
    if (data.size() < sizeof(kMagic) || std::memcmp(data.data(), kMagic, sizeof(kMagic)) != 0) {
        throw CheckpointError(path + ": not a dlab checkpoint (wrong magic bytes)");
    }
    if (data.size() < sizeof(kMagic) + 12) {
        throw CheckpointError(path + ": the file ends early (corrupt checkpoint)");
    }
    uint32_t version = 0;
    std::memcpy(&version, data.data() + sizeof(kMagic), sizeof(version));
    if (version == 0 || version > kCheckpointVersion) {
        throw CheckpointError(path + ": checkpoint format " + std::to_string(version) +
                              " is not supported (this dlab reads up to " +
                              std::to_string(kCheckpointVersion) + ")");
    }
    const size_t body = data.size() - sizeof(uint32_t);
    uint32_t stored = 0;
    std::memcpy(&stored, data.data() + body, sizeof(stored));
    if (stored != crcOf(data, body)) {
        throw CheckpointError(path + ": checksum mismatch: the file is truncated or damaged");
    }

    Cursor in(data, body, path);
    in.get<uint32_t>();  // version, checked above
    const auto entries = entriesOf(network);
    const auto count = in.get<uint32_t>();
    if (count != entries.size()) {
        throw CheckpointError(path + ": holds " + std::to_string(count) +
                              " tensors, the network has " + std::to_string(entries.size()) +
                              " (a different architecture)");
    }
    // Parse everything first; copy into the network only when all of it matched.
    std::vector<std::vector<float>> values(entries.size());
    for (size_t i = 0; i < entries.size(); ++i) {
        const auto nameLen = in.get<uint32_t>();
        const std::string name(in.bytes(nameLen), nameLen);
        const auto rank = in.get<uint32_t>();
        if (rank > 8) {
            throw CheckpointError(path + ": tensor '" + name + "' has an invalid rank");
        }
        std::vector<int64_t> dims(rank);
        for (auto& d : dims) {
            d = in.get<int64_t>();
        }
        const Shape shape(dims);
        const Entry& e = entries[i];
        if (name != e.name || shape != e.tensor->shape()) {
            throw CheckpointError(path + ": tensor " + std::to_string(i + 1) + " is '" + name +
                                  "' " + shape.str() + ", the network expects '" + e.name +
                                  "' " + e.tensor->shape().str());
        }
        values[i].resize(static_cast<size_t>(shape.numel()));
        std::memcpy(values[i].data(), in.bytes(values[i].size() * sizeof(float)),
                    values[i].size() * sizeof(float));
    }
    const auto metaLen = in.get<uint32_t>();
    std::string metadata(in.bytes(metaLen), metaLen);
    if (!in.atEnd()) {
        throw CheckpointError(path + ": unexpected bytes after the last tensor");
    }
    for (size_t i = 0; i < entries.size(); ++i) {
        const_cast<Tensor*>(entries[i].tensor)
            ->copyFrom(Tensor::fromVector(entries[i].tensor->shape(), values[i]));
    }
    return metadata;
}

}  // namespace dlab
