// Per-minute roll-ups of one partition, accumulated in memory while its rows are written and
// stored (table `rollups`) when the partition closes: Top-N queries read these few rows
// instead of every flow.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

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
  size_t Groups() const { return m_count; }
  void Clear();

 private:
  enum Kind : uint8_t { kNull, kInt, kBlob, kText, kApp, kLongText };
  /// A group: minute, dimension, value (an integer, up to 16 bytes of address or text, or the
  /// hash of a longer text kept in m_longText).
  struct Key {
    int64_t minute = 0;
    uint8_t dim = 0, kind = 0, len = 0;
    std::array<uint8_t, 16> value{};
    bool operator==(const Key& o) const {
      return minute == o.minute && dim == o.dim && kind == o.kind && len == o.len &&
             value == o.value;
    }
  };
  struct Slot {
    Key key;
    uint64_t flows = 0, packets = 0, bytes = 0;  ///< flows == 0: empty slot
  };
  void Put(const Key& key, uint64_t hash, const core::FlowRecord& r);
  static Key IntKey(uint8_t dim, int64_t minute, int64_t v);
  Key BytesKey(uint8_t dim, int64_t minute, Kind kind, const void* p, size_t n);
  void Grow();
  static uint64_t Hash(const Key& key);

  // Open addressing with linear probing: one cache line per group, no allocation per record.
  std::vector<Slot> m_slots;
  size_t m_count = 0;
  std::unordered_map<uint64_t, std::string> m_longText;
};

}  // namespace vantage::collector::detail
