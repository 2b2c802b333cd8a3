#include "engine/Tensor.h"

#include "engine/Backend.h"

#include <sstream>
#include <stdexcept>

namespace dlab {

const char* deviceName(Device device) {
    return device == Device::CPU ? "cpu" : "cuda";
}

int64_t Shape::numel() const {
    return numelFrom(0);
}

int64_t Shape::numelFrom(int from) const {
    int64_t n = 1;
    for (size_t i = static_cast<size_t>(from); i < m_dims.size(); ++i) {
        n *= m_dims[i];
    }
    return n;
}

Shape Shape::withBatch(int64_t n) const {
    std::vector<int64_t> dims;
    dims.reserve(m_dims.size() + 1);
    dims.push_back(n);
    dims.insert(dims.end(), m_dims.begin(), m_dims.end());
    return Shape(std::move(dims));
}

Shape Shape::dropBatch() const {
    if (m_dims.empty()) {
        return {};
    }
    return Shape(std::vector<int64_t>(m_dims.begin() + 1, m_dims.end()));
}

std::string Shape::str() const {
    std::ostringstream out;
    out << '(';
    for (size_t i = 0; i < m_dims.size(); ++i) {
        out << (i ? ", " : "") << m_dims[i];
    }
    out << (m_dims.size() == 1 ? ",)" : ")");
    return out.str();
}

// Owns one device allocation.
class Storage {
public:
    Storage(size_t count, Device device)
        : m_backend(&backendFor(device)), m_count(count),
          m_data(count ? m_backend->allocate(count) : nullptr) {}
    ~Storage() {
        if (m_data) {
            m_backend->release(m_data);
        }
    }
    Storage(const Storage&) = delete;
    Storage& operator=(const Storage&) = delete;

    float* data() { return m_data; }
    size_t count() const { return m_count; }

private:
    Backend* m_backend;
    size_t m_count;
    float* m_data;
};

Tensor::Tensor(const Shape& shape, Device device)
    : m_storage(std::make_shared<Storage>(static_cast<size_t>(shape.numel()), device)),
      m_shape(shape), m_device(device) {
    for (int64_t d : shape.dims()) {
        if (d < 0) {
            throw std::invalid_argument("negative dimension in shape " + shape.str());
        }
    }
}

Tensor Tensor::zeros(const Shape& shape, Device device) {
    return full(shape, 0.0f, device);
}

Tensor Tensor::full(const Shape& shape, float value, Device device) {
    Tensor t(shape, device);
    backendFor(device).fill(t.data(), static_cast<size_t>(t.numel()), value);
    return t;
}

Tensor Tensor::fromVector(const Shape& shape, const std::vector<float>& values) {
    if (static_cast<int64_t>(values.size()) != shape.numel()) {
        throw std::invalid_argument("fromVector: shape " + shape.str() + " needs " +
                                    std::to_string(shape.numel()) + " values, got " +
                                    std::to_string(values.size()));
    }
    Tensor t(shape);
    std::copy(values.begin(), values.end(), t.data());
    return t;
}

float* Tensor::data() {
    return m_storage ? m_storage->data() + m_offset : nullptr;
}

const float* Tensor::data() const {
    return m_storage ? m_storage->data() + m_offset : nullptr;
}

float& Tensor::at(int64_t flatIndex) {
    return data()[flatIndex];
}

float Tensor::at(int64_t flatIndex) const {
    return data()[flatIndex];
}

void Tensor::resize(const Shape& shape) {
    const auto needed = static_cast<size_t>(shape.numel());
    if (!m_storage || m_offset != 0 || m_storage->count() < needed) {
        m_storage = std::make_shared<Storage>(needed, m_device);
        m_offset = 0;
    }
    m_shape = shape;
}

Tensor Tensor::reshape(const Shape& shape) const {
    if (shape.numel() != numel()) {
        throw std::invalid_argument("reshape: cannot view " + m_shape.str() + " as " +
                                    shape.str());
    }
    Tensor view = *this;
    view.m_shape = shape;
    return view;
}

Tensor Tensor::slice(int64_t begin, int64_t end) const {
    if (rank() == 0 || begin < 0 || end > m_shape[0] || begin > end) {
        throw std::out_of_range("slice [" + std::to_string(begin) + ", " + std::to_string(end) +
                                ") of " + m_shape.str());
    }
    Tensor view = *this;
    view.m_offset += begin * m_shape.numelFrom(1);
    view.m_shape[0] = end - begin;
    return view;
}

Tensor Tensor::clone() const {
    Tensor t(m_shape, m_device);
    t.copyFrom(*this);
    return t;
}

Tensor Tensor::to(Device device) const {
    if (device == m_device) {
        return *this;
    }
    Tensor t(m_shape, device);
    const auto n = static_cast<size_t>(numel());
    if (device == Device::CPU) {
        backendFor(m_device).toHost(t.data(), data(), n);
    } else {
        backendFor(device).fromHost(t.data(), data(), n);
    }
    return t;
}

void Tensor::copyFrom(const Tensor& other) {
    if (other.numel() != numel()) {
        throw std::invalid_argument("copyFrom: " + other.shape().str() + " into " +
                                    m_shape.str());
    }
    const auto n = static_cast<size_t>(numel());
    if (other.device() == m_device) {
        backendFor(m_device).copy(data(), other.data(), n);
    } else if (m_device == Device::CPU) {
        backendFor(other.device()).toHost(data(), other.data(), n);
    } else {
        backendFor(m_device).fromHost(data(), other.data(), n);
    }
}

std::vector<float> Tensor::toVector() const {
    Tensor host = to(Device::CPU);
    return std::vector<float>(host.data(), host.data() + numel());
}

}  // namespace dlab
