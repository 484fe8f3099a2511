// CSV writer, reader and typed cells (see csv.h).
#include "vantage/core/csv.h"

#include <cerrno>
#include <cstdlib>

namespace vantage::core {

std::string CsvQuote(std::string_view field) {
  if (field.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(field);
  std::string out = "\"";
  for (char c : field) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

namespace {
template <typename Fields>
void AppendRow(std::string& out, const Fields& fields) {
  bool first = true;
  for (const auto& f : fields) {
    if (!first) out += ',';
    first = false;
    out += CsvQuote(f);
  }
  out += '\n';
}
}  // namespace

void AppendCsvRow(std::string& out, std::initializer_list<std::string_view> fields) {
  AppendRow(out, fields);
}

void AppendCsvRow(std::string& out, const std::vector<std::string>& fields) {
  AppendRow(out, fields);
}

CsvReader::CsvReader(std::string_view text, std::string name, CsvLimits limits)
    : m_text(text), m_name(std::move(name)), m_limits(limits) {}

Error CsvReader::Fail(const std::string& what) const {
  return MakeError(ErrorCode::kParse,
                   m_name + ":" + std::to_string(m_line) + ": " + what + " (at column " +
                       std::to_string(m_column) + ")",
                   m_pos);
}

Result<bool> CsvReader::Next(std::vector<std::string>& fields) {
  fields.clear();
  // Blank lines (and lone CRs) between records are skipped.
  while (m_pos < m_text.size() && (m_text[m_pos] == '\n' || m_text[m_pos] == '\r')) {
    if (m_text[m_pos] == '\n') ++m_line;
    ++m_pos;
  }
  if (m_pos >= m_text.size()) return false;
  m_recordLine = m_line;
  m_column = 1;
  std::string cur;
  bool quoted = false;     // inside a quoted field
  bool wasQuoted = false;  // the current field was quoted and has closed
  while (m_pos < m_text.size()) {
    const char c = m_text[m_pos];
    if (quoted) {
      if (c == '"' && m_pos + 1 < m_text.size() && m_text[m_pos + 1] == '"') {
        cur += '"';
        ++m_pos;
        ++m_column;
      } else if (c == '"') {
        quoted = false;
        wasQuoted = true;
      } else {
        if (c == '\n') {
          ++m_line;
          m_column = 0;
        }
        cur += c;
      }
    } else if (c == '\n') {
      ++m_pos;
      ++m_line;
      break;
    } else if (c == ',') {
      if (fields.size() + 1 >= m_limits.maxFields) return Fail("too many fields");
      fields.push_back(std::move(cur));
      cur.clear();
      wasQuoted = false;
    } else if (c == '"') {
      if (!cur.empty() || wasQuoted) return Fail("quote inside an unquoted field");
      quoted = true;
    } else if (c != '\r') {
      if (wasQuoted) return Fail("expected ',' after a closing quote");
      cur += c;
    }
    if (cur.size() > m_limits.maxFieldBytes) return Fail("field longer than the limit");
    ++m_pos;
    ++m_column;
  }
  if (quoted) return Fail("quoted field not closed at the end of the input");
  fields.push_back(std::move(cur));
  return true;
}

CsvColumns::CsvColumns(const std::vector<std::string>& header) {
  for (size_t i = 0; i < header.size(); ++i) m_index.emplace(header[i], i);
}

int CsvColumns::Find(const std::string& name) const {
  auto it = m_index.find(name);
  return it == m_index.end() ? -1 : static_cast<int>(it->second);
}

std::string CsvRow::Str(const std::string& column) const {
  int i = m_columns.Find(column);
  return i >= 0 && static_cast<size_t>(i) < m_cells.size() ? m_cells[static_cast<size_t>(i)]
                                                           : std::string();
}

void CsvRow::Fail(const std::string& column, const std::string& what) {
  if (m_error.empty()) m_error = m_where + ": column " + column + ": " + what;
}

uint64_t CsvRow::U64(const std::string& column) {
  const std::string s = Str(column);
  if (s.empty()) return 0;
  char* end = nullptr;
  errno = 0;
  unsigned long long v = std::strtoull(s.c_str(), &end, 10);
  if (errno != 0 || end != s.c_str() + s.size() || s[0] == '-' || s[0] == '+' || s[0] == ' ') {
    Fail(column, "not an unsigned integer: '" + s + "'");
    return 0;
  }
  return v;
}

int64_t CsvRow::I64(const std::string& column) {
  const std::string s = Str(column);
  if (s.empty()) return 0;
  char* end = nullptr;
  errno = 0;
  long long v = std::strtoll(s.c_str(), &end, 10);
  if (errno != 0 || end != s.c_str() + s.size() || s[0] == ' ') {
    Fail(column, "not an integer: '" + s + "'");
    return 0;
  }
  return v;
}

uint64_t CsvRow::Bounded(const std::string& column, uint64_t max) {
  uint64_t v = U64(column);
  if (v > max) {
    Fail(column, "out of range (at most " + std::to_string(max) + "): " + std::to_string(v));
    return 0;
  }
  return v;
}

uint16_t CsvRow::Port(const std::string& column) {
  uint64_t v = U64(column);
  if (v > 65535) {
    Fail(column, "port out of range");
    return 0;
  }
  return static_cast<uint16_t>(v);
}

IpAddress CsvRow::Ip(const std::string& column, bool optional) {
  const std::string s = Str(column);
  if (s.empty()) {
    if (!optional) Fail(column, "empty address");
    return {};
  }
  auto a = IpAddress::Parse(s);
  if (!a) {
    Fail(column, "bad address '" + s + "'");
    return {};
  }
  return *a;
}

}  // namespace vantage::core
