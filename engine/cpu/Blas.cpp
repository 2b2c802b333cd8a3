#include "engine/cpu/Blas.h"

#include <dlfcn.h>
#include <unistd.h>

#include <cstdlib>

namespace dlab::blas {
namespace {

struct Loaded {
    SgemmFn sgemm = nullptr;
    void (*setThreads)(int) = nullptr;
    int (*getThreads)() = nullptr;
    std::string status;  // without the thread count, which can change
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
    result.setThreads = reinterpret_cast<void (*)(int)>(dlsym(lib, "openblas_set_num_threads"));
    result.getThreads = reinterpret_cast<int (*)()>(dlsym(lib, "openblas_get_num_threads"));
    using TextFn = char* (*)();
    auto core = reinterpret_cast<TextFn>(dlsym(lib, "openblas_get_corename"));
    result.status = std::string("OpenBLAS (") + (core ? core() : "?") + " kernels";
    return result;
}

const Loaded& loaded() {
    static const Loaded instance = load();
    return instance;
}

}  // namespace

void ensureFastKernels(char** argv) {
    if (std::getenv("OPENBLAS_CORETYPE") || std::getenv("DLAB_BLAS_REEXEC")) {
        return;
    }
    const char* core = coreTypeForThisCpu();
    if (!core) {
        return;
    }
    setenv("OPENBLAS_CORETYPE", core, 0);
    void* loaded = dlopen("libopenblas.so.0", RTLD_NOW | RTLD_NOLOAD);
    if (!loaded) {
        return;  // not loaded yet: load() will see the variable in time
    }
    dlclose(loaded);
    setenv("DLAB_BLAS_REEXEC", "1", 1);
    execv("/proc/self/exe", argv);
}

SgemmFn sgemm() {
    return loaded().sgemm;
}

void setThreads(int threads) {
    if (loaded().setThreads && threads > 0) {
        loaded().setThreads(threads);
    }
}

std::string status() {
    const Loaded& l = loaded();
    if (!l.sgemm) {
        return l.status;
    }
    const int threads = l.getThreads ? l.getThreads() : 1;
    return l.status + ", " + std::to_string(threads) + (threads == 1 ? " thread)" : " threads)");
}

}  // namespace dlab::blas
