// libFuzzer target: bytes as an IDX file, raw or gzip, through readIdxFromMemory (the
// code path of readIdx). Every input must parse or throw std::runtime_error; a crash, a
// sanitizer report, another exception, a hang or a huge allocation is a finding.

#include "datasets/Idx.h"

#include <cstddef>
#include <cstdint>
#include <stdexcept>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    try {
        const dlab::data::IdxArray array = dlab::data::readIdxFromMemory(data, size, "fuzz");
        // What parsed must be what the header declares.
        uint64_t declared = array.dims.empty() ? 0 : 1;
        for (int64_t d : array.dims) {
            declared *= static_cast<uint64_t>(d);
        }
        if (array.dims.empty() || array.dims.size() > 4 || declared != array.data.size()) {
            __builtin_trap();
        }
    } catch (const std::runtime_error&) {
    }
    return 0;
}
