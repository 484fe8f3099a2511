// Per-minute roll-ups of one partition, accumulated in memory while its rows are written and
// stored (table `rollups`) when the partition closes: Top-N queries read these few rows
// instead of every flow.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "vantage/core/flow.h"

struct sqlite3;

namespace vantage::collector::detail {

/// @brief The dimensions rolled up, named as in the query language (`top 10 srcip ...`).
inline constexpr const char* kRollupDims[] = {"srcip",      "dstip",     "srcport", "dstport",
                                              "proto",      "app",       "srcas",   "dstas",
                                              "srccountry", "dstcountry"};
/// @brief True if `dim` (query-language name) has a roll-up.
bool HasRollup(const std::string& dim);

/// @brief AppPort(protocol, srcPort, dstPort) from a table of known ports built once: the
/// same value without its two map lookups per call (see query.h).
uint16_t CachedAppPort(uint8_t protocol, uint16_t srcPort, uint16_t dstPort);

/// @brief Values of one stored row that the roll-ups group by (after ingest enrichment).
struct RollupRow {
  const core::FlowRecord* record = nullptr;
  uint32_t srcAs = 0;
  uint32_t dstAs = 0;
  const std::string* srcCountry = nullptr;  ///< nullptr: NULL in the row
  const std::string* dstCountry = nullptr;
};

/// @brief Flows, packets and bytes per (dimension, minute, value) of the rows added.
///
/// One small hash table per dimension, so the small ones (protocol, application, AS,
/// country, destination port) stay in L1/L2 and only addresses and source ports miss; a
/// value that fits 32 bits (IPv4, ports, AS, texts up to 4 bytes, NULL) is one 8-byte key.
/// Rows are applied a few Adds late, after their slots were prefetched, so the misses of
/// consecutive rows overlap. Usage:
///   RollupBuilder b;  for (each row) b.Add(row);  b.Write(db, partition, error);
class RollupBuilder {
 public:
  RollupBuilder();
  ~RollupBuilder();
  RollupBuilder(RollupBuilder&&) noexcept;
  RollupBuilder& operator=(RollupBuilder&&) noexcept;

  void Add(const RollupRow& row);
  /// @brief Inserts every group as rows of `rollups` for `partition` (inside the caller's
  /// transaction) and clears; false with `error` set on an SQLite failure.
  bool Write(sqlite3* db, int64_t partition, std::string& error);
  /// @brief Groups so far (rows Write would insert).
  size_t Groups() const;
  void Clear();

 private:
  class Impl;
  std::unique_ptr<Impl> m_impl;  ///< behind a pointer: Groups() applies pending rows
};

}  // namespace vantage::collector::detail
