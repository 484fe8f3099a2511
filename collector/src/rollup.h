// Per-minute roll-ups of one partition, accumulated in memory while its rows are written and
// stored (table `rollups`) when the partition closes: Top-N queries read these few rows
// instead of every flow.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>

#include "vantage/core/flow.h"

struct sqlite3;

namespace vantage::collector::detail {

/// @brief The dimensions rolled up, named as in the query language (`top 10 srcip ...`).
inline constexpr const char* kRollupDims[] = {"srcip",      "dstip",     "srcport", "dstport",
                                              "proto",      "app",       "srcas",   "dstas",
                                              "srccountry", "dstcountry"};
/// @brief True if `dim` (query-language name) has a roll-up.
bool HasRollup(const std::string& dim);

/// @brief Values of one stored row that the roll-ups group by (after ingest enrichment).
struct RollupRow {
  const core::FlowRecord* record = nullptr;
  uint32_t srcAs = 0;
  uint32_t dstAs = 0;
  const std::string* srcCountry = nullptr;  ///< nullptr: NULL in the row
  const std::string* dstCountry = nullptr;
};

class RollupBuilder {
 public:
  void Add(const RollupRow& row);
  /// @brief Inserts every group as rows of `rollups` for `partition` (inside the caller's
  /// transaction) and clears; false with `error` set on an SQLite failure.
  bool Write(sqlite3* db, int64_t partition, std::string& error);
  size_t Groups() const { return m_groups.size(); }
  void Clear() { m_groups.clear(); }

 private:
  struct Agg {
    uint64_t flows = 0, packets = 0, bytes = 0;
  };
  enum Kind : char { kNull = 'n', kInt = 'i', kBlob = 'b', kText = 't' };
  void Put(uint8_t dim, int64_t minute, Kind kind, const void* value, size_t n,
           const core::FlowRecord& r);
  void PutInt(uint8_t dim, int64_t minute, int64_t v, const core::FlowRecord& r);

  std::unordered_map<std::string, Agg> m_groups;
  std::string m_key;  ///< reused: no allocation per lookup
};

}  // namespace vantage::collector::detail
