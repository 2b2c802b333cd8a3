#pragma once
// Tensor: a contiguous, row-major float32 array with a shape and a device.
//
// Storage is shared between a tensor and its views (reshape, slice along dim 0),
// like PyTorch's `view`. Copying a Tensor copies the handle, not the data; use
// clone() for a deep copy. A tensor is not thread-safe: one thread owns it at a time.
//
// The hot loop avoids allocation through resize(): it keeps the storage when the
// new shape fits in the existing capacity.

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <string>
#include <vector>

namespace dlab {

enum class Device { CPU, CUDA };

const char* deviceName(Device device);

// A tensor shape: sizes of each dimension, outermost first, e.g. (N, C, H, W).
class Shape {
public:
    Shape() = default;
    Shape(std::initializer_list<int64_t> dims) : m_dims(dims) {}
    explicit Shape(std::vector<int64_t> dims) : m_dims(std::move(dims)) {}

    int rank() const { return static_cast<int>(m_dims.size()); }
    int64_t operator[](int i) const { return m_dims[static_cast<size_t>(i)]; }
    int64_t& operator[](int i) { return m_dims[static_cast<size_t>(i)]; }
    int64_t numel() const;
    // Product of dims from `from` (inclusive) to the end: the size of one sample for from = 1.
    int64_t numelFrom(int from) const;
    const std::vector<int64_t>& dims() const { return m_dims; }
    // Same shape with dim 0 replaced, e.g. a batch shape from a sample shape.
    Shape withBatch(int64_t n) const;
    // Shape without dim 0.
    Shape dropBatch() const;

    bool operator==(const Shape& other) const { return m_dims == other.m_dims; }
    bool operator!=(const Shape& other) const { return !(*this == other); }
    // "(64, 1, 28, 28)"
    std::string str() const;

private:
    std::vector<int64_t> m_dims;
};

class Storage;

class Tensor {
public:
    Tensor() = default;
    explicit Tensor(const Shape& shape, Device device = Device::CPU);

    static Tensor zeros(const Shape& shape, Device device = Device::CPU);
    static Tensor full(const Shape& shape, float value, Device device = Device::CPU);
    // CPU tensor holding a copy of `values`; values.size() must equal shape.numel().
    static Tensor fromVector(const Shape& shape, const std::vector<float>& values);

    const Shape& shape() const { return m_shape; }
    int64_t numel() const { return m_shape.numel(); }
    int rank() const { return m_shape.rank(); }
    int64_t size(int dim) const { return m_shape[dim]; }
    Device device() const { return m_device; }
    bool defined() const { return m_storage != nullptr; }

    float* data();
    const float* data() const;

    // Element access for CPU tensors, row-major flat index. For tests and setup, not hot loops.
    float& at(int64_t flatIndex);
    float at(int64_t flatIndex) const;

    // Reallocates only when the new shape needs more elements than the storage holds.
    // Contents are unspecified afterwards.
    void resize(const Shape& shape);
    // A view with another shape and the same element count; shares storage.
    Tensor reshape(const Shape& shape) const;
    // A view of rows [begin, end) along dim 0; shares storage.
    Tensor slice(int64_t begin, int64_t end) const;
    Tensor clone() const;
    // Copies to a tensor on `device` (a handle to this one when already there).
    Tensor to(Device device) const;
    void copyFrom(const Tensor& other);
    std::vector<float> toVector() const;

private:
    std::shared_ptr<Storage> m_storage;
    int64_t m_offset = 0;
    Shape m_shape;
    Device m_device = Device::CPU;
};

}  // namespace dlab
