#include "engine/cpu/Blas.h"

#include <dlfcn.h>

#include <cstdlib>

namespace dlab::blas {
namespace {

struct Loaded {
    SgemmFn sgemm = nullptr;
    std::string status;
};

// The newest kernel family OpenBLAS 0.3.21 has that this CPU can run.
const char* coreTypeForThisCpu() {
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
        __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512dq")) {
        return "SkylakeX";
    }
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) {
        return "Haswell";
    }
    return nullptr;
}

Loaded load() {
    Loaded result;
    const char* chosen = std::getenv("OPENBLAS_CORETYPE");
    if (!chosen) {
        chosen = coreTypeForThisCpu();
        if (chosen) {
            setenv("OPENBLAS_CORETYPE", chosen, 0);
        }
    }
    void* lib = dlopen("libopenblas.so.0", RTLD_NOW | RTLD_LOCAL);
    if (!lib) {
        result.status = "Eigen GEMM (OpenBLAS not found: install libopenblas0-pthread)";
        return result;
    }
    result.sgemm = reinterpret_cast<SgemmFn>(dlsym(lib, "cblas_sgemm"));
    if (!result.sgemm) {
        result.status = "Eigen GEMM (libopenblas.so.0 has no cblas_sgemm)";
        return result;
    }
    using IntFn = int (*)();
    using TextFn = char* (*)();
    auto threads = reinterpret_cast<IntFn>(dlsym(lib, "openblas_get_num_threads"));
    auto core = reinterpret_cast<TextFn>(dlsym(lib, "openblas_get_corename"));
    result.status = std::string("OpenBLAS (") + (core ? core() : "?") + " kernels, " +
                    std::to_string(threads ? threads() : 1) + " threads)";
    return result;
}

const Loaded& loaded() {
    static const Loaded instance = load();
    return instance;
}

}  // namespace

SgemmFn sgemm() {
    return loaded().sgemm;
}

std::string status() {
    return loaded().status;
}

}  // namespace dlab::blas
