// The store's `findings` table: one row per finding, so `vantage query DB "select * from
// findings"` reads them. Rows are appended per detector run (a `run` column tells runs apart),
// so findings already written survive a later failure.
//
//   auto w = FindingsTable::Open("flows.sqlite", "2026-01-05T08:00:00Z detect run-1");
//   w->Append(findings);
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "vantage/core/result.h"
#include "vantage/detect/finding.h"

struct sqlite3;

namespace vantage::detect {

class FindingsTable {
 public:
  ~FindingsTable();
  FindingsTable(const FindingsTable&) = delete;
  FindingsTable& operator=(const FindingsTable&) = delete;

  /// @brief Opens (or creates) the database and the findings table.
  static core::Result<std::unique_ptr<FindingsTable>> Open(const std::string& path,
                                                           const std::string& run);
  /// @brief Appends findings in one transaction; `set` maps flow indices to record refs.
  core::Status Append(const std::vector<Finding>& findings, const FlowSet* set);
  uint64_t Written() const { return m_written; }

 private:
  FindingsTable() = default;
  sqlite3* m_db = nullptr;
  std::string m_path, m_run;
  uint64_t m_written = 0;
};

/// @brief The CREATE TABLE statement (docs/detections.md shows it).
const char* FindingsTableSchema();

}  // namespace vantage::detect
