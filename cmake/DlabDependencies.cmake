# Finds what dlab builds on. Required: Eigen, nlohmann_json, zlib, OpenCV. Optional, detected:
# CUDA (GPU probe now, GPU backend later), Qt 6 Test (tests).

find_package(Eigen3 3.3 REQUIRED NO_MODULE)
find_package(nlohmann_json 3 REQUIRED)
find_package(ZLIB REQUIRED)
# Image decoding, resizing and augmentation in datasets/ (Debian: libopencv-dev).
find_package(OpenCV REQUIRED COMPONENTS core imgproc imgcodecs)
find_package(Threads REQUIRED)

# OpenBLAS is loaded at run time (engine/cpu/Blas.cpp explains why), so it is not a
# build dependency; without it GEMM runs on Eigen.

set(DLAB_HAVE_CUDA OFF)
if(NOT DLAB_CUDA STREQUAL "OFF")
  if(NOT CMAKE_CUDA_COMPILER AND EXISTS /usr/local/cuda/bin/nvcc)
    set(CMAKE_CUDA_COMPILER /usr/local/cuda/bin/nvcc)
  endif()
  include(CheckLanguage)
  check_language(CUDA)
  if(CMAKE_CUDA_COMPILER)
    if(NOT DEFINED CMAKE_CUDA_ARCHITECTURES)
      # CUDA 13 dropped pre-Turing GPUs; H100/H200 are sm_90.
      set(CMAKE_CUDA_ARCHITECTURES 75 80 86 89 90)
    endif()
    enable_language(CUDA)
    find_package(CUDAToolkit REQUIRED)
    set(DLAB_HAVE_CUDA ON)
    message(STATUS "dlab: CUDA parts enabled (nvcc ${CMAKE_CUDA_COMPILER_VERSION})")
  elseif(DLAB_CUDA STREQUAL "ON")
    message(FATAL_ERROR "DLAB_CUDA=ON but no CUDA compiler was found (install the CUDA toolkit "
                        "at /usr/local/cuda or pass -DCMAKE_CUDA_COMPILER)")
  else()
    message(STATUS "dlab: no CUDA compiler found, building CPU only")
  endif()
endif()

if(DLAB_BUILD_APP)
  find_package(Qt6 COMPONENTS Widgets Charts Svg)
  if(NOT Qt6Widgets_FOUND OR NOT Qt6Charts_FOUND)
    message(WARNING "dlab: Qt 6 Widgets/Charts not found (qt6-base-dev, qt6-charts-dev, "
                    "libqt6opengl6-dev, libxkbcommon-dev), the lab window is not built")
    set(DLAB_BUILD_APP OFF)
  endif()
endif()

if(DLAB_BUILD_TESTS)
  find_package(Qt6 COMPONENTS Core Test)
  if(NOT Qt6Test_FOUND)
    message(WARNING "dlab: Qt 6 Test not found (qt6-base-dev), tests are not built")
    set(DLAB_BUILD_TESTS OFF)
  endif()
endif()
