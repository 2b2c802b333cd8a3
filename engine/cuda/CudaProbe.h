#pragma once
// The first CUDA translation unit: asks the runtime for a GPU and runs one kernel
// (the shared activation math) so the build proves nvcc, cudart and our
// __host__ __device__ functions fit together. Compiled only when DLAB_HAVE_CUDA.
//
// No function here throws or aborts when there is no driver or GPU: "no GPU" is an
// ordinary answer, reported in `message`.

#include <string>
#include <vector>

namespace dlab::cuda {

struct ProbeResult {
    int deviceCount = 0;
    std::string deviceName;      // of device 0, when there is one
    int computeMajor = 0, computeMinor = 0;
    std::string message;         // "CUDA runtime: no CUDA-capable device is detected", ...
};

ProbeResult probe();

// Applies the activation with index `act` (kernels::Act) on device 0 and copies the
// result back. Returns false with `error` set when no GPU can run it.
bool activationOnGpu(int act, float alpha, const std::vector<float>& x, std::vector<float>& y,
                     std::string& error);

}  // namespace dlab::cuda
