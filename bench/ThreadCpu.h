#pragma once
// CPU time of the calling thread, for the window benchmarks: how much of a core the GUI
// thread took while training ran on the others. Linux (getrusage RUSAGE_THREAD).

#include <sys/resource.h>

namespace dlab::bench {

// User + system CPU seconds of the calling thread so far.
inline double threadCpuSeconds() {
    rusage usage{};
    getrusage(RUSAGE_THREAD, &usage);
    return static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
           static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

}  // namespace dlab::bench
