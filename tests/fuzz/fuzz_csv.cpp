// libFuzzer target: text through parseCsv. The first byte picks the options (bits 0-1:
// delimiter detected / ',' / '\t' / ';'; bits 2-3: label column detected / "0" / "-1" /
// "label"; bit 4: regression), the rest is the table. Every input must parse or throw
// std::runtime_error, and a parsed table must be consistent.

#include "datasets/Csv.h"

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size == 0) {
        return 0;
    }
    dlab::data::CsvOptions options;
    constexpr char kDelimiters[] = {0, ',', '\t', ';'};
    const char* const kLabels[] = {"", "0", "-1", "label"};
    options.delimiter = kDelimiters[data[0] & 3];
    options.labelColumn = kLabels[(data[0] >> 2) & 3];
    options.regression = (data[0] & 16) != 0;
    const std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
    try {
        const dlab::data::CsvResult result = dlab::data::parseCsv(text, options, "fuzz");
        const dlab::data::Dataset& d = result.dataset;
        const auto features = static_cast<size_t>(d.sampleShape().numel());
        if (d.size() <= 0 || d.store->size() != d.size() || d.targets.size() != d.rows.size() ||
            result.featureNames.size() != features || features == 0) {
            __builtin_trap();
        }
        if (!options.regression) {
            for (float t : d.targets) {
                if (!(t >= 0 && t < static_cast<float>(d.numClasses))) {
                    __builtin_trap();
                }
            }
            if (d.classNames.size() != static_cast<size_t>(d.numClasses)) {
                __builtin_trap();
            }
        }
    } catch (const std::runtime_error&) {
    }
    return 0;
}
