#pragma once
// OpenBLAS, loaded at run time.
//
// Debian's OpenBLAS picks its kernels from the CPU model at load time and falls back to
// its slowest generic kernel ("Prescott") on CPUs newer than it knows, which makes GEMM
// several times slower on recent Xeons. Loading it ourselves lets us first name the
// right kernel family from the CPU's features (OPENBLAS_CORETYPE), unless the user set
// it. When the library is absent, the CPU backend uses Eigen's GEMM instead.
//
// Thread safety: the first call loads the library (guarded by a static); later calls
// only read.

#include <string>

namespace dlab::blas {

// Row-major C(M,N) = alpha * op(A) * op(B) + beta * C, as cblas_sgemm with CblasRowMajor.
using SgemmFn = void (*)(int order, int transA, int transB, int M, int N, int K, float alpha,
                         const float* A, int lda, const float* B, int ldb, float beta, float* C,
                         int ldc);

// Call first thing in main(). OpenBLAS reads OPENBLAS_CORETYPE once, when it is loaded;
// a program that links OpenCV gets it loaded (through LAPACK) before main runs, too early
// for load() to name the kernels. Then this re-executes the program once with the
// variable set, which costs a few milliseconds at start-up. Returns when nothing needs
// doing (or the re-exec fails, leaving the slow kernels).
void ensureFastKernels(char** argv);

// Sets the number of threads OpenBLAS uses (no-op without OpenBLAS). The window keeps a
// core for itself so redrawing curves does not stall GEMM threads.
void setThreads(int threads);

// The loaded cblas_sgemm, or null when OpenBLAS is not available.
SgemmFn sgemm();
// "OpenBLAS 0.3.21 (SkylakeX kernels, 2 threads)" or why Eigen is used.
std::string status();

inline constexpr int kRowMajor = 101;
inline constexpr int kNoTrans = 111;
inline constexpr int kTrans = 112;

}  // namespace dlab::blas
