#pragma once
// The CPU backend: Eigen for maps, OpenBLAS for GEMM when it was found at configure
// time (DLAB_HAVE_OPENBLAS), Eigen's GEMM otherwise. It is the specification the CUDA
// backend is tested against.

#include "engine/Backend.h"

namespace dlab {

Backend& cpuBackend();

}  // namespace dlab
