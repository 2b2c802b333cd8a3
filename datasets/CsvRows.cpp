#include "datasets/CsvRows.h"

#include <algorithm>
#include <array>
#include <stdexcept>
#include <utility>

namespace dlab::data {

namespace {

constexpr size_t kDelimiterSampleRows = 20;

[[noreturn]] void fail(const std::string& source, int64_t line, const std::string& what) {
    throw std::runtime_error(source + " line " + std::to_string(line) + ": " + what);
}

bool isBlank(std::string_view s) {
    return s.find_first_not_of(" \t\r\n") == std::string_view::npos;
}

// Field counts of the first rows when split at `delimiter`; empty when they cannot be
// split (an unclosed quote, too many columns).
std::vector<size_t> sampleWidths(std::string_view text, char delimiter, int64_t maxColumns) {
    std::vector<size_t> widths;
    try {
        CsvRowReader reader(text, delimiter, maxColumns, std::string());
        std::vector<std::string> fields;
        int64_t line = 0;
        while (widths.size() < kDelimiterSampleRows && reader.next(fields, line)) {
            widths.push_back(fields.size());
        }
    } catch (const std::runtime_error&) {
        widths.clear();
    }
    return widths;
}

}  // namespace

CsvRowReader::CsvRowReader(std::string_view text, char delimiter, int64_t maxColumns,
                           std::string source)
    : m_text(text), m_delimiter(delimiter), m_maxColumns(maxColumns), m_source(std::move(source)) {
    if (m_text.starts_with("\xEF\xBB\xBF")) {
        m_pos = 3;
    }
}

bool CsvRowReader::next(std::vector<std::string>& fields, int64_t& line) {
    while (m_pos < m_text.size()) {
        line = m_line;
        size_t count = 0;
        bool anyQuoted = false;
        bool endOfRow = false;
        while (!endOfRow) {
            if (static_cast<int64_t>(count) >= m_maxColumns) {
                fail(m_source, line, "more than " + std::to_string(m_maxColumns) + " columns");
            }
            if (count == fields.size()) {
                fields.emplace_back();
            }
            std::string& field = fields[count++];
            field.clear();
            anyQuoted = readField(field, endOfRow) || anyQuoted;
        }
        if (count == 1 && !anyQuoted && isBlank(fields[0])) {
            continue;
        }
        fields.resize(count);
        return true;
    }
    return false;
}

// Consumes a line break at m_pos (LF, CRLF or CR) when there is one.
bool CsvRowReader::takeLineBreak() {
    if (m_pos >= m_text.size()) {
        return false;
    }
    if (m_text[m_pos] == '\n') {
        ++m_pos;
    } else if (m_text[m_pos] == '\r') {
        ++m_pos;
        if (m_pos < m_text.size() && m_text[m_pos] == '\n') {
            ++m_pos;
        }
    } else {
        return false;
    }
    ++m_line;
    return true;
}

// Reads one field and what ends it; returns whether it was quoted.
bool CsvRowReader::readField(std::string& field, bool& endOfRow) {
    size_t start = m_pos;
    while (start < m_text.size() && m_text[start] == ' ') {
        ++start;
    }
    if (start < m_text.size() && m_text[start] == '"') {
        readQuoted(start + 1, field);
        endOfRow = finishQuoted();
        return true;
    }
    while (m_pos < m_text.size()) {
        const char c = m_text[m_pos];
        if (c == m_delimiter) {
            ++m_pos;
            endOfRow = false;
            return false;
        }
        if (c == '\n' || c == '\r') {
            takeLineBreak();
            endOfRow = true;
            return false;
        }
        field.push_back(c);
        ++m_pos;
    }
    endOfRow = true;
    return false;
}

void CsvRowReader::readQuoted(size_t from, std::string& field) {
    const int64_t openedOn = m_line;
    m_pos = from;
    while (m_pos < m_text.size()) {
        const char c = m_text[m_pos];
        if (c == '"') {
            if (m_pos + 1 < m_text.size() && m_text[m_pos + 1] == '"') {
                field.push_back('"');
                m_pos += 2;
                continue;
            }
            ++m_pos;
            return;
        }
        if (c == '\n' || (c == '\r' && !(m_pos + 1 < m_text.size() && m_text[m_pos + 1] == '\n'))) {
            ++m_line;
        }
        field.push_back(c);
        ++m_pos;
    }
    fail(m_source, openedOn, "a quoted field opened on this line is never closed");
}

// After a closing quote: blanks, then a delimiter, a line break or the end.
bool CsvRowReader::finishQuoted() {
    while (m_pos < m_text.size() && m_text[m_pos] == ' ') {
        ++m_pos;
    }
    if (m_pos >= m_text.size()) {
        return true;
    }
    if (m_text[m_pos] == m_delimiter) {
        ++m_pos;
        return false;
    }
    if (takeLineBreak()) {
        return true;
    }
    fail(m_source, m_line,
         std::string("unexpected character '") + m_text[m_pos] + "' after a closing quote");
}

char detectCsvDelimiter(std::string_view text, int64_t maxColumns) {
    constexpr std::array<char, 3> kCandidates = {'\t', ';', ','};
    char widest = ',';
    size_t widestCount = 1;
    for (char candidate : kCandidates) {
        const std::vector<size_t> widths = sampleWidths(text, candidate, maxColumns);
        if (widths.empty()) {
            continue;
        }
        const bool consistent =
            std::all_of(widths.begin(), widths.end(), [&](size_t w) { return w == widths[0]; });
        if (consistent && widths[0] > 1) {
            return candidate;
        }
        if (widths[0] > widestCount) {
            widest = candidate;
            widestCount = widths[0];
        }
    }
    // No delimiter splits the sample evenly: take the one that splits the first row the
    // most, so a ragged row is reported as such rather than as a one-column table.
    return widest;
}

}  // namespace dlab::data
