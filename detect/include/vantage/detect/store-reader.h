// Reading flow records out of a collector store (SQLite, schema in docs/collector.md) for the
// detectors, with the sampling interval each exporter announced in its options records.
//
//   auto set = ReadStore("flows.sqlite", {});
//   if (!set) std::cerr << set.GetError().message;   // not a store, missing table, ...
#pragma once

#include <cstdint>
#include <limits>
#include <string>

#include "vantage/core/result.h"
#include "vantage/detect/flows.h"

namespace vantage::detect {

struct ReadOptions {
  int64_t sinceNs = std::numeric_limits<int64_t>::min();  ///< records ending at or after
  int64_t untilNs = std::numeric_limits<int64_t>::max();  ///< records starting before
};

/// @brief Reads every flow in the window. Errors: not an SQLite file, no `flows` table (not a
/// collector store), unreadable columns; an empty store gives an empty set.
core::Result<FlowSet> ReadStore(const std::string& path, const ReadOptions& options);

/// @brief True if the file starts with the SQLite header.
bool LooksLikeSqlite(const std::string& path);

}  // namespace vantage::detect
