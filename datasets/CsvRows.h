#pragma once
// The lexical half of the CSV reader (Csv.h states the rules): quote-aware splitting of
// text into rows of fields with physical line numbers, and delimiter detection.
// Separate from Csv.cpp, which turns the rows into a dataset.
//
// Errors are std::runtime_error "<source> line <n>: <what>" (an unclosed quote, a
// character after a closing quote, more than maxColumns fields in a row).
// Thread safety: a reader belongs to one thread; the text must outlive it.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace dlab::data {

class CsvRowReader {
public:
    // A UTF-8 byte-order mark at the start of `text` is skipped.
    CsvRowReader(std::string_view text, char delimiter, int64_t maxColumns, std::string source);

    // The next non-blank row into `fields` (its strings are reused) and the line it
    // starts on; false at the end of the text.
    bool next(std::vector<std::string>& fields, int64_t& line);

    // Bytes consumed so far, for progress.
    size_t position() const { return m_pos; }

private:
    bool takeLineBreak();
    bool readField(std::string& field, bool& endOfRow);
    void readQuoted(size_t from, std::string& field);
    bool finishQuoted();

    std::string_view m_text;
    char m_delimiter;
    int64_t m_maxColumns;
    std::string m_source;
    size_t m_pos = 0;
    int64_t m_line = 1;
};

// Tab, semicolon or comma: the first (in that order) that splits each of the first 20
// rows into the same number (> 1) of fields; otherwise the one that splits the first row
// most (so a ragged row is reported as ragged), comma when none splits it.
char detectCsvDelimiter(std::string_view text, int64_t maxColumns);

}  // namespace dlab::data
