// Fuzz target for core::CsvReader: never crash, hang or throw; every error names the input and
// an offset inside it; every record read writes back (AppendCsvRow) to text that reads as the
// same record; typed cells never throw.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "vantage/core/csv.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 64 * 1024) return 0;
  const std::string text(reinterpret_cast<const char*>(data), size);
  vantage::core::CsvLimits limits;
  limits.maxFields = 64;
  limits.maxFieldBytes = 4096;
  vantage::core::CsvReader reader(text, "fuzz.csv", limits);
  std::vector<std::string> cells, again, header;
  for (size_t records = 0;; ++records) {
    if (records > size) std::abort();  // every record consumes input
    auto more = reader.Next(cells);
    if (!more) {
      const auto& e = more.GetError();
      if (e.message.rfind("fuzz.csv:", 0) != 0 || e.offset > size) std::abort();
      break;
    }
    if (!*more) break;
    if (cells.empty() || cells.size() > limits.maxFields) std::abort();
    if (header.empty()) header = cells;
    std::string written;
    vantage::core::AppendCsvRow(written, cells);
    vantage::core::CsvReader back(written, "back.csv");
    auto ok = back.Next(again);
    // A record of one empty field writes as a blank line, which reads as no record.
    const bool blank = cells.size() == 1 && cells[0].empty();
    if (!ok || (!blank && (!*ok || again != cells))) std::abort();
    vantage::core::CsvColumns columns(header);
    vantage::core::CsvRow row(cells, columns, reader.Where());
    for (const auto& name : header) {
      (void)row.U64(name);
      (void)row.I64(name);
      (void)row.Port(name);
      (void)row.Ip(name, true);
    }
  }
  return 0;
}
