#include "engine/cuda/CudaProbe.h"

#include "engine/kernels/KernelMath.h"

#include <cuda_runtime.h>

namespace dlab::cuda {
namespace {

__global__ void activationKernel(int act, float alpha, const float* x, float* y, int n) {
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n) {
        y[i] = kernels::activationForward(static_cast<kernels::Act>(act), x[i], alpha);
    }
}

std::string describe(cudaError_t err) {
    return std::string("CUDA runtime: ") + cudaGetErrorString(err);
}

}  // namespace

ProbeResult probe() {
    ProbeResult result;
    int count = 0;
    cudaError_t err = cudaGetDeviceCount(&count);
    if (err != cudaSuccess) {
        result.message = describe(err);
        cudaGetLastError();  // clear the sticky error so later calls start clean
        return result;
    }
    result.deviceCount = count;
    if (count == 0) {
        result.message = "CUDA runtime: no GPU found";
        return result;
    }
    cudaDeviceProp prop{};
    if (cudaGetDeviceProperties(&prop, 0) == cudaSuccess) {
        result.deviceName = prop.name;
        result.computeMajor = prop.major;
        result.computeMinor = prop.minor;
    }
    result.message = "GPU 0: " + result.deviceName;
    return result;
}

bool activationOnGpu(int act, float alpha, const std::vector<float>& x, std::vector<float>& y,
                     std::string& error) {
    const int n = static_cast<int>(x.size());
    y.assign(x.size(), 0.0f);
    float* dx = nullptr;
    float* dy = nullptr;
    cudaError_t err = cudaMalloc(&dx, sizeof(float) * x.size());
    if (err == cudaSuccess) {
        err = cudaMalloc(&dy, sizeof(float) * x.size());
    }
    if (err == cudaSuccess) {
        err = cudaMemcpy(dx, x.data(), sizeof(float) * x.size(), cudaMemcpyHostToDevice);
    }
    if (err == cudaSuccess) {
        activationKernel<<<(n + 255) / 256, 256>>>(act, alpha, dx, dy, n);
        err = cudaGetLastError();
    }
    if (err == cudaSuccess) {
        err = cudaMemcpy(y.data(), dy, sizeof(float) * x.size(), cudaMemcpyDeviceToHost);
    }
    cudaFree(dx);
    cudaFree(dy);
    if (err != cudaSuccess) {
        error = describe(err);
        cudaGetLastError();
        return false;
    }
    return true;
}

}  // namespace dlab::cuda
