// CSV (RFC 4180) as the run directory and the enrichment tables use it: a writer that quotes
// only where a field needs it, a bounds-checked reader that never throws and names the line of
// every problem, and typed cell access by header name.
//
//   std::string out;
//   core::AppendCsvRow(out, {"id", "label"});          // "id,label\n"
//   core::CsvReader reader(text, "ground_truth.csv");
//   std::vector<std::string> cells;
//   while (true) {
//     auto more = reader.Next(cells);                 // error: "ground_truth.csv:7: ..."
//     if (!more) return more.GetError();
//     if (!*more) break;
//   }
#pragma once

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "vantage/core/ip-address.h"
#include "vantage/core/result.h"

namespace vantage::core {

/// @brief The field as RFC 4180 writes it: quoted (quotes doubled) only if it holds a comma,
/// quote, CR or LF.
std::string CsvQuote(std::string_view field);
/// @brief Appends the fields, quoted where needed, comma-separated, and a '\n'.
void AppendCsvRow(std::string& out, std::initializer_list<std::string_view> fields);
void AppendCsvRow(std::string& out, const std::vector<std::string>& fields);

/// @brief What a reader accepts before it refuses the input.
struct CsvLimits {
  size_t maxFields = 1024;           ///< fields in one record
  size_t maxFieldBytes = 64 * 1024;  ///< bytes in one field
};

/// @brief Reads records from CSV text. Quoted fields may hold commas, doubled quotes and line
/// breaks; CR outside quotes is dropped; blank lines are skipped. Errors (kParse) read
/// "NAME:LINE: what (at column C)".
class CsvReader {
 public:
  CsvReader(std::string_view text, std::string name, CsvLimits limits = {});
  /// @brief The next record into `fields`; false at the end of the text.
  Result<bool> Next(std::vector<std::string>& fields);
  /// @brief Line (1-based) where the last record returned by Next starts.
  size_t Line() const { return m_recordLine; }
  /// @brief "NAME:LINE" of the last record.
  std::string Where() const { return m_name + ":" + std::to_string(m_recordLine); }
  const std::string& Name() const { return m_name; }

 private:
  Error Fail(const std::string& what) const;

  std::string_view m_text;
  std::string m_name;
  CsvLimits m_limits;
  size_t m_pos = 0;
  size_t m_line = 1;
  size_t m_column = 1;
  size_t m_recordLine = 0;
};

/// @brief Column index by header name, so column order does not matter.
class CsvColumns {
 public:
  explicit CsvColumns(const std::vector<std::string>& header);
  /// @brief The column's index, or -1.
  int Find(const std::string& name) const;

 private:
  std::map<std::string, size_t> m_index;
};

/// @brief Typed access to one record's cells by column name. The first problem is kept (with
/// "NAME:LINE: column X: ..."); an absent column or empty cell reads as empty / 0.
class CsvRow {
 public:
  CsvRow(const std::vector<std::string>& cells, const CsvColumns& columns, std::string where)
      : m_cells(cells), m_columns(columns), m_where(std::move(where)) {}
  std::string Str(const std::string& column) const;
  uint64_t U64(const std::string& column);
  int64_t I64(const std::string& column);
  /// @brief An unsigned value no larger than `max`.
  uint64_t Bounded(const std::string& column, uint64_t max);
  uint16_t Port(const std::string& column);
  /// @brief An address; empty is an error unless `optional` (then unset).
  IpAddress Ip(const std::string& column, bool optional);
  /// @brief Records a problem of this row (kept if it is the first).
  void Fail(const std::string& column, const std::string& what);
  bool Ok() const { return m_error.empty(); }
  const std::string& ErrorText() const { return m_error; }

 private:
  const std::vector<std::string>& m_cells;
  const CsvColumns& m_columns;
  std::string m_where;
  std::string m_error;
};

}  // namespace vantage::core
