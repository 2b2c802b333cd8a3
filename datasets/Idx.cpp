#include "datasets/Idx.h"

#include <zlib.h>

#include <algorithm>
#include <numeric>
#include <array>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <memory>
#include <optional>
#include <stdexcept>
#include <system_error>

namespace dlab::data {

namespace {

namespace fs = std::filesystem;

constexpr uint8_t kTypeUnsignedByte = 0x08;
constexpr int kMaxRank = 4;
// One gzread call takes an unsigned int; large blocks are read in pieces.
constexpr size_t kReadChunkBytes = size_t{1} << 24;

[[noreturn]] void fail(const std::string& path, const std::string& what) {
    throw std::runtime_error(path + ": " + what);
}

bool endsWith(const std::string& s, const std::string& suffix) {
    return s.size() >= suffix.size() &&
           s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::string hexByte(uint8_t b) {
    static const char* digits = "0123456789abcdef";
    return {digits[b >> 4], digits[b & 0xf]};
}

const char* typeName(uint8_t type) {
    switch (type) {
        case 0x08:
            return "unsigned byte";
        case 0x09:
            return "signed byte";
        case 0x0B:
            return "int16";
        case 0x0C:
            return "int32";
        case 0x0D:
            return "float32";
        case 0x0E:
            return "float64";
        default:
            return nullptr;
    }
}

// zlib's gz* functions read gzip files and, transparently, plain files; one reader
// serves both. Errors carry the path.
class GzReader {
public:
    explicit GzReader(const std::string& path) : m_path(path) {
        std::error_code ec;
        const fs::file_status status = fs::status(path, ec);
        if (ec || !fs::exists(status)) {
            fail(path, "cannot open: no such file");
        }
        if (!fs::is_regular_file(status)) {
            fail(path, "cannot open: not a regular file");
        }
        errno = 0;
        m_file = gzopen(path.c_str(), "rb");
        if (!m_file) {
            fail(path,
                 std::string("cannot open: ") + (errno ? std::strerror(errno) : "out of memory"));
        }
    }
    ~GzReader() { gzclose(m_file); }
    GzReader(const GzReader&) = delete;
    GzReader& operator=(const GzReader&) = delete;

    // Reads up to `count` bytes; fewer only at the end of the data. A gzip stream that
    // ends early is remembered (streamCutShort) rather than thrown, so the caller can
    // report it together with the sizes.
    size_t read(uint8_t* dst, size_t count) {
        size_t total = 0;
        while (total < count) {
            const auto want = static_cast<unsigned>(std::min(count - total, kReadChunkBytes));
            const int got = gzread(m_file, dst + total, want);
            if (got < 0) {
                int code = 0;
                const char* message = gzerror(m_file, &code);
                fail(m_path,
                     std::string(direct() ? "read error: " : "corrupt gzip data: ") + message);
            }
            if (got == 0) {
                break;
            }
            total += static_cast<size_t>(got);
        }
        return total;
    }

    bool direct() { return gzdirect(m_file) != 0; }

    // A plain file's size (known without reading it); nullopt for gzip or when unknown.
    std::optional<uint64_t> plainSize() {
        std::error_code ec;
        const uint64_t bytes = fs::file_size(m_path, ec);
        if (!direct() || ec) {
            return std::nullopt;
        }
        return bytes;
    }

    bool streamCutShort() {
        int code = 0;
        gzerror(m_file, &code);
        return code == Z_BUF_ERROR;
    }

private:
    std::string m_path;
    gzFile m_file = nullptr;
};

// The same interface over bytes in memory: plain, or gzip when they start with 1f 8b
// (inflated as read, so memory follows what the stream really holds). Like gzread,
// members that follow one another are read as one stream and trailing bytes that are
// not a gzip member are ignored.
class MemoryReader {
public:
    MemoryReader(const uint8_t* bytes, size_t size, const std::string& source)
        : m_bytes(bytes), m_size(size), m_source(source),
          m_gzip(size >= 2 && bytes[0] == 0x1f && bytes[1] == 0x8b) {
        if (m_gzip) {
            if (inflateInit2(&m_stream, 16 + MAX_WBITS) != Z_OK) {
                fail(source, "cannot start gzip decoding (out of memory)");
            }
            feed();
        }
    }
    ~MemoryReader() {
        if (m_gzip) {
            inflateEnd(&m_stream);
        }
    }
    MemoryReader(const MemoryReader&) = delete;
    MemoryReader& operator=(const MemoryReader&) = delete;

    size_t read(uint8_t* dst, size_t count) {
        if (!m_gzip) {
            const size_t n = std::min(count, m_size - m_pos);
            if (n > 0) {
                std::memcpy(dst, m_bytes + m_pos, n);
            }
            m_pos += n;
            return n;
        }
        size_t total = 0;
        while (total < count && !m_ended) {
            if (m_stream.avail_in == 0 && !feed()) {
                m_cutShort = true;
                break;
            }
            const auto room = static_cast<uInt>(std::min(count - total, kReadChunkBytes));
            m_stream.next_out = dst + total;
            m_stream.avail_out = room;
            const int rc = inflate(&m_stream, Z_NO_FLUSH);
            total += room - m_stream.avail_out;
            if (rc == Z_STREAM_END) {
                nextMember();
            } else if (rc == Z_BUF_ERROR && m_stream.avail_in == 0 && m_pos >= m_size) {
                m_cutShort = true;
                break;
            } else if (rc != Z_OK) {
                fail(m_source, std::string("corrupt gzip data: ") +
                                   (m_stream.msg ? m_stream.msg : "inflate failed"));
            }
        }
        return total;
    }

    bool direct() const { return !m_gzip; }
    std::optional<uint64_t> plainSize() const {
        return m_gzip ? std::nullopt : std::optional<uint64_t>(m_size);
    }
    bool streamCutShort() const { return m_cutShort; }

private:
    // Hands zlib the next piece of input; false when none is left.
    bool feed() {
        if (m_pos >= m_size) {
            return false;
        }
        const size_t n = std::min(m_size - m_pos, kReadChunkBytes);
        m_stream.next_in = const_cast<Bytef*>(m_bytes + m_pos);
        m_stream.avail_in = static_cast<uInt>(n);
        m_pos += n;
        return true;
    }

    void nextMember() {
        const size_t left = m_stream.avail_in + (m_size - m_pos);
        const uint8_t* next = m_stream.avail_in ? m_stream.next_in : m_bytes + m_pos;
        if (left >= 2 && next[0] == 0x1f && next[1] == 0x8b) {
            inflateReset(&m_stream);
        } else {
            m_ended = true;
        }
    }

    const uint8_t* m_bytes;
    size_t m_size;
    std::string m_source;
    bool m_gzip;
    z_stream m_stream{};
    size_t m_pos = 0;
    bool m_ended = false;
    bool m_cutShort = false;
};

// Reads and counts everything left, without keeping it.
template <class Reader>
uint64_t skipRest(Reader& reader) {
    std::array<uint8_t, 65536> scratch{};
    uint64_t total = 0;
    for (size_t got = reader.read(scratch.data(), scratch.size()); got > 0;
         got = reader.read(scratch.data(), scratch.size())) {
        total += got;
    }
    return total;
}

// "60000×28×28"
std::string dimsText(const std::vector<int64_t>& dims) {
    std::string text;
    for (size_t i = 0; i < dims.size(); ++i) {
        if (i > 0) {
            text += "×";
        }
        text += std::to_string(dims[i]);
    }
    return text;
}

// "60000×28×28 = 47040000 bytes", or "60000 bytes" for one dimension.
std::string describeDims(const std::vector<int64_t>& dims, uint64_t bytes) {
    const std::string product = dims.size() > 1 ? dimsText(dims) + " = " : std::string();
    return product + std::to_string(bytes) + " bytes";
}

std::string shapeText(const std::vector<int64_t>& dims) {
    return Shape(dims).str();
}

}  // namespace

namespace {

// The IDX checks over any reader; `path` names the data in messages, `namedGz` says the
// name promises gzip data.
template <class Reader>
IdxArray parseIdx(Reader& reader, const std::string& path, bool namedGz) {

    std::array<uint8_t, 4> magic{};
    const size_t gotMagic = reader.read(magic.data(), magic.size());
    const bool direct = reader.direct();
    if (gotMagic < magic.size() && reader.streamCutShort()) {
        fail(path, "truncated gzip stream: it ends after " + std::to_string(gotMagic) +
                       " bytes of data, inside the IDX header");
    }
    if (gotMagic == 0) {
        fail(path, direct ? "empty file" : "empty: the gzip stream holds no data");
    }
    if (namedGz && direct) {
        fail(path,
             "not a gzip file: the name ends in .gz but the data does not start with "
             "the gzip signature 1f 8b");
    }
    if (gotMagic < magic.size()) {
        fail(path,
             "truncated: " + std::to_string(gotMagic) + " bytes, an IDX header needs at least 4");
    }
    if (magic[0] != 0 || magic[1] != 0) {
        std::string got;
        for (uint8_t b : magic) {
            if (!got.empty()) {
                got += ' ';
            }
            got += hexByte(b);
        }
        fail(path, "bad magic: expected 00 00 08 0N (an IDX file), got " + got);
    }
    if (magic[2] != kTypeUnsignedByte) {
        const char* name = typeName(magic[2]);
        fail(path, name ? "element type 0x" + hexByte(magic[2]) + " (" + name +
                              ") is not supported; dlab reads unsigned-byte IDX files (0x08)"
                        : "unknown IDX element type 0x" + hexByte(magic[2]) +
                              "; dlab reads unsigned-byte IDX files (0x08)");
    }
    const int rank = magic[3];
    if (rank < 1 || rank > kMaxRank) {
        fail(path, "header declares " + std::to_string(rank) + " dimensions; dlab reads 1 to 4");
    }

    std::array<uint8_t, 4 * kMaxRank> sizeBytes{};
    const auto sizeLength = static_cast<size_t>(4 * rank);
    const size_t gotSizes = reader.read(sizeBytes.data(), sizeLength);
    if (gotSizes < sizeLength) {
        fail(path, "truncated: the header declares " + std::to_string(rank) +
                       " dimensions but the file ends inside them");
    }
    IdxArray array;
    bool anyZero = false;
    for (int i = 0; i < rank; ++i) {
        const uint8_t* p = sizeBytes.data() + 4 * i;
        const uint32_t size = (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) |
                              (uint32_t{p[2]} << 8) | uint32_t{p[3]};
        array.dims.push_back(size);
        anyZero = anyZero || size == 0;
    }
    // Bound the product before multiplying it out: four uint32 sizes overflow 64 bits.
    uint64_t declared = anyZero ? 0 : 1;
    for (int64_t d : array.dims) {
        if (anyZero) {
            break;
        }
        if (declared > static_cast<uint64_t>(kIdxMaxBytes) / static_cast<uint64_t>(d)) {
            fail(path, "header declares " + dimsText(array.dims) +
                           " bytes of data, more than the " + std::to_string(kIdxMaxBytes) +
                           "-byte limit (a corrupt header?)");
        }
        declared *= static_cast<uint64_t>(d);
    }
    const uint64_t headerBytes = 4 + sizeLength;
    const std::string declaredText =
        "header declares " + describeDims(array.dims, declared) + " of data";

    if (direct) {
        // A plain file's size is known up front: refuse a mismatch before allocating.
        const std::optional<uint64_t> fileBytes = reader.plainSize();
        if (fileBytes && *fileBytes != headerBytes + declared) {
            const uint64_t dataBytes = *fileBytes - headerBytes;
            if (dataBytes < declared) {
                fail(path,
                     "truncated: " + declaredText + ", file has " + std::to_string(dataBytes));
            }
            fail(path, "size mismatch: " + declaredText + ", file has " +
                           std::to_string(dataBytes) + " (" + std::to_string(dataBytes - declared) +
                           " bytes of trailing data)");
        }
    }

    // A gzip stream's true length is only known by inflating it, so grow in chunks: a
    // corrupt header over a short stream then costs memory in proportion to the stream.
    uint64_t have = 0;
    while (have < declared) {
        const uint64_t step = std::min<uint64_t>(declared - have, kReadChunkBytes);
        array.data.resize(static_cast<size_t>(have + step));
        const size_t got = reader.read(array.data.data() + have, static_cast<size_t>(step));
        have += got;
        if (got < step) {
            fail(path, "truncated: " + declaredText + ", file has " + std::to_string(have) +
                           (reader.streamCutShort() ? " (the gzip stream ends early)" : ""));
        }
    }
    const uint64_t extra = skipRest(reader);
    if (extra > 0) {
        fail(path, "size mismatch: " + declaredText + ", file has " +
                       std::to_string(declared + extra) + " (" + std::to_string(extra) +
                       " bytes of trailing data)");
    }
    if (reader.streamCutShort()) {
        fail(path, "truncated gzip stream: it ends before its end marker");
    }
    return array;
}

}  // namespace

IdxArray readIdx(const std::string& path) {
    GzReader reader(path);
    return parseIdx(reader, path, endsWith(path, ".gz"));
}

IdxArray readIdxFromMemory(const uint8_t* bytes, size_t size, const std::string& source) {
    MemoryReader reader(bytes, size, source);
    return parseIdx(reader, source, false);
}

Dataset loadIdxPair(const std::string& imagesPath, const std::string& labelsPath,
                    const std::string& name, const std::vector<std::string>& classNames) {
    IdxArray images = readIdx(imagesPath);
    if (images.dims.size() != 3) {
        fail(imagesPath, "expected images as (N, H, W), got " + shapeText(images.dims));
    }
    const IdxArray labels = readIdx(labelsPath);
    if (labels.dims.size() != 1) {
        fail(labelsPath, "expected labels as (N,), got " + shapeText(labels.dims));
    }
    const int64_t n = images.dims[0];
    const int64_t height = images.dims[1];
    const int64_t width = images.dims[2];
    if (n != labels.dims[0]) {
        throw std::runtime_error(imagesPath + " and " + labelsPath +
                                 " disagree: " + std::to_string(n) + " images but " +
                                 std::to_string(labels.dims[0]) + " labels");
    }
    if (n == 0) {
        fail(imagesPath, "holds no images");
    }
    if (height == 0 || width == 0) {
        fail(imagesPath, "images are " + std::to_string(height) + "×" + std::to_string(width) +
                             " pixels; both sizes must be positive");
    }

    Dataset data;
    data.name = name;
    const int maxLabel = *std::max_element(labels.data.begin(), labels.data.end());
    if (!classNames.empty()) {
        data.numClasses = static_cast<int>(classNames.size());
        data.classNames = classNames;
        if (maxLabel >= data.numClasses) {
            const auto at = std::find_if(labels.data.begin(), labels.data.end(),
                                         [&](uint8_t l) { return l >= data.numClasses; });
            fail(labelsPath, "label " + std::to_string(int{*at}) + " of sample " +
                                 std::to_string(at - labels.data.begin()) +
                                 " is out of range for " + std::to_string(data.numClasses) +
                                 " classes");
        }
    } else {
        data.numClasses = maxLabel + 1;
        for (int c = 0; c < data.numClasses; ++c) {
            data.classNames.push_back("class " + std::to_string(c));
        }
    }

    data.store = MemoryStore::fromPixels({1, height, width}, std::move(images.data));
    data.rows.resize(static_cast<size_t>(n));
    std::iota(data.rows.begin(), data.rows.end(), int64_t{0});
    data.targets.assign(labels.data.begin(), labels.data.end());
    return data;
}

const std::vector<std::string>& fashionMnistClassNames() {
    static const std::vector<std::string> names = {
        "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
        "Sandal",      "Shirt",   "Sneaker",  "Bag",   "Ankle boot"};
    return names;
}

namespace {

// dir/base.gz when present, else dir/base, else empty.
std::string findIdxFile(const std::string& dir, const std::string& base) {
    const fs::path gz = fs::path(dir) / (base + ".gz");
    const fs::path raw = fs::path(dir) / base;
    std::error_code ec;
    if (fs::is_regular_file(gz, ec)) {
        return gz.string();
    }
    if (fs::is_regular_file(raw, ec)) {
        return raw.string();
    }
    return {};
}

std::string fashionFileBase(bool train, bool images) {
    return std::string(train ? "train" : "t10k") + (images ? "-images-idx3" : "-labels-idx1") +
           "-ubyte";
}

}  // namespace

Dataset loadFashionMnist(const std::string& dir, bool train) {
    auto locate = [&](bool images) {
        const std::string base = fashionFileBase(train, images);
        std::string path = findIdxFile(dir, base);
        if (path.empty()) {
            throw std::runtime_error(
                "Fashion-MNIST not found: " + (fs::path(dir) / (base + ".gz")).string() +
                " does not exist (install Debian's dataset-fashion-mnist package, or put the "
                "four IDX files, gzipped or not, in " +
                dir + ")");
        }
        return path;
    };
    const std::string imagesPath = locate(true);
    const std::string labelsPath = locate(false);
    return loadIdxPair(imagesPath, labelsPath,
                       train ? "Fashion-MNIST (train)" : "Fashion-MNIST (test)",
                       fashionMnistClassNames());
}

bool fashionMnistAvailable(const std::string& dir) {
    for (bool train : {true, false}) {
        for (bool images : {true, false}) {
            if (findIdxFile(dir, fashionFileBase(train, images)).empty()) {
                return false;
            }
        }
    }
    return true;
}

}  // namespace dlab::data
