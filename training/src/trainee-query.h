// Internal: a trainee's query against their own store, opened read-only, one statement, no
// ATTACH or PRAGMA, interrupted after a time limit, with a row limit.
#pragma once

#include <string>
#include <vector>

#include "vantage/collector/query.h"
#include "vantage/core/result.h"
#include "vantage/training/grading.h"

namespace vantage::training::detail {

struct QueryLimits {
  int timeoutMs = 2000;
  size_t rowLimit = 1000;
};

/// @brief Runs a query-language statement or a single SELECT; `truncated` tells if rows were cut.
core::Result<collector::QueryTable> RunTraineeQuery(const std::string& storePath,
                                                    const std::string& text,
                                                    const QueryLimits& limits, bool& truncated);

/// @brief The flows of the store matching a query-language condition ("dstport = 443 and
/// srcip = 10.0.0.5"), as tuples for flow-set grading.
core::Result<std::vector<FlowTuple>> FlowsMatching(const std::string& storePath,
                                                   const std::string& condition,
                                                   const QueryLimits& limits);

}  // namespace vantage::training::detail
