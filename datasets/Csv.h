#pragma once
// CSV / TSV tables: numeric feature columns and one label column.
//
// Reading rules:
//   delimiter   tab, semicolon or comma, detected from the first rows (the first of the
//               three, in that order, that splits every sampled row into the same number
//               (> 1) of fields), unless CsvOptions::delimiter is set
//   quoting     RFC 4180: "a, b" is one field, "" inside quotes is a quote, a quoted
//               field may span lines
//   lines       LF, CRLF or CR; blank lines are skipped; a UTF-8 byte-order mark is ignored
//   header      the first row is a header when one of its cells is not a number while the
//               cell below it is (when no second row of the same width follows: when no
//               cell of the first row is a number)
//   label       CsvOptions::labelColumn (a header name, or a 0-based index, -1 = last);
//               otherwise the first column named label, labels, class, classes,
//               class_label, target, targets or y (case-insensitive); otherwise the last
//   features    every other column; each cell a finite number ("+1.5e3", " 2 " are fine;
//               empty, "nan", "inf" and text are errors)
//   classes     text labels: the sorted distinct names are the classes; integer labels
//               0..K-1 (at most kCsvMaxClasses): the label is the class index; other
//               integers: the sorted distinct values; non-integer numbers are refused
//               (they are a regression target)
//   regression  CsvOptions::regression: the label must be numeric, numClasses = 0
//
// Output: a MemoryStore of float features (F,), targets (N,) with targetSize 1, the
// feature columns' names (header names, or "column k", 1-based) beside the dataset.
//
// Bounds, so a hostile file fails before it allocates much: the text size (maxBytes,
// checked before a file is read), the column count (checked while the row is split),
// the row count, the feature memory (memoryBudgetBytes) and kCsvMaxClasses distinct
// labels. Every error is a std::runtime_error starting with the source and the line,
// e.g. "data.csv line 17: 5 columns, expected 4" or
// "data.csv line 3, column 2 (\"width\"): \"abc\" is not a number".
//
// Thread safety: the functions share no state.

#include "datasets/Load.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace dlab::data {

inline constexpr int kCsvMaxClasses = 10'000;

struct CsvOptions {
    std::string labelColumn;  // empty: detect
    bool regression = false;
    char delimiter = 0;  // ',', '\t' or ';'; 0 detects
    int64_t maxColumns = 100'000;
    int64_t maxRows = 100'000'000;
    int64_t maxBytes = int64_t{1} << 30;           // text size
    int64_t memoryBudgetBytes = int64_t{2} << 30;  // features, 4 bytes a cell
};

// The CSV settings of the loader options (label column, regression, memory budget).
CsvOptions csvOptionsFrom(const LoadOptions& options);

struct CsvResult {
    Dataset dataset;
    std::vector<std::string> featureNames;  // F names, in column order
    std::string labelName;
    bool hasHeader = false;
    char delimiter = ',';
    std::vector<std::string> warnings;
};

// Parses a whole table from memory. `source` starts every error message and names the
// dataset. Throws std::runtime_error, or LoadCancelled when `progress` says stop.
CsvResult parseCsv(std::string_view text, const CsvOptions& options, const std::string& source,
                   const ProgressFn& progress = {});

// Reads `path` (size checked against maxBytes first) and parses it; the dataset is named
// after the file. Throws std::runtime_error naming the file.
CsvResult loadCsv(const std::string& path, const CsvOptions& options,
                  const ProgressFn& progress = {});

}  // namespace dlab::data
