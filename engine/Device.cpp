// Backend dispatch: the one place that maps a Device to its Backend.
#include "engine/Backend.h"
#include "engine/cpu/Blas.h"
#include "engine/cpu/CpuBackend.h"

#ifdef DLAB_HAVE_CUDA
#include "engine/cuda/CudaProbe.h"
#endif

#include <stdexcept>

namespace dlab {

bool cudaAvailable() {
#ifdef DLAB_HAVE_CUDA
    static const bool available = cuda::probe().deviceCount > 0;
    return available;
#else
    return false;
#endif
}

std::string cpuStatus() {
    return blas::status();
}

std::string cudaStatus() {
#ifdef DLAB_HAVE_CUDA
    static const std::string status = cuda::probe().message;
    return status;
#else
    return "built without CUDA (no nvcc found at configure time)";
#endif
}

Backend& backendFor(Device device) {
    if (device == Device::CPU) {
        return cpuBackend();
    }
    if (!cudaAvailable()) {
        throw std::runtime_error("no usable GPU: " + cudaStatus() + "; train on the CPU");
    }
    // The probe proves the toolkit and a GPU work; the training kernels are the CUDA
    // backend's own issue, so until then GPU training is refused in words.
    throw std::runtime_error("GPU found (" + cudaStatus() +
                             ") but this build trains on the CPU only; choose device cpu");
}

}  // namespace dlab
