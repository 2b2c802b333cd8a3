// libFuzzer target: CIFAR records through parseCifarRecords. The first byte picks the
// variant (bit 0: CIFAR-100) and the label set (bit 1: coarse), the rest are the
// records. Every input must parse or throw std::runtime_error.

#include "datasets/Cifar.h"

#include <cstddef>
#include <cstdint>
#include <stdexcept>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size == 0) {
        return 0;
    }
    using dlab::data::CifarVariant;
    const CifarVariant variant = (data[0] & 1) ? CifarVariant::Cifar100 : CifarVariant::Cifar10;
    const bool coarse = (data[0] & 2) != 0;
    try {
        const dlab::data::CifarRecords records =
            dlab::data::parseCifarRecords(data + 1, size - 1, variant, coarse, "fuzz");
        const int classes = variant == CifarVariant::Cifar10 ? 10 : coarse ? 20 : 100;
        if (records.count <= 0 ||
            records.pixels.size() !=
                static_cast<size_t>(records.count * dlab::data::kCifarImageBytes) ||
            records.labels.size() != static_cast<size_t>(records.count)) {
            __builtin_trap();
        }
        for (uint8_t label : records.labels) {
            if (label >= classes) {
                __builtin_trap();
            }
        }
    } catch (const std::runtime_error&) {
    }
    return 0;
}
