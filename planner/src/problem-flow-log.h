// The flow-log side of BuildProblem (internal).
#pragma once

#include "vantage/model/topology.h"
#include "vantage/planner/observations.h"
#include "vantage/planner/problem.h"

namespace vantage::planner::detail {

/// Gives `pt` the flow log `obs` observed (capability, per-hit chance and attribution, records
/// and bytes per day, prices from `budget` or the provider's list price). Call PriceFlowLogs
/// afterwards. A point without a flow log is left as it is.
void AddFlowLog(const Problem& p, PointInfo& pt, const PointObservation& obs, const RunData& run,
                const model::Budget& budget);

}  // namespace vantage::planner::detail
