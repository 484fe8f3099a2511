// Axis ticks at round values (1, 2 or 5 times a power of ten) for the report's plots (internal).
#pragma once

#include <string>
#include <vector>

namespace vantage::planner::detail {

/// Ticks of a linear axis from 0: a step of 1, 2 or 5 x 10^n, at least `minStep` (1 for whole
/// cost units), giving at most `maxTicks` intervals; the last tick is at or above `max`.
std::vector<double> LinearTicks(double max, double minStep, int maxTicks = 8);

/// Ticks of a logarithmic axis covering [lo, hi]: every 1, 2 and 5 x 10^n when that gives at
/// most `maxTicks` ticks, else decades only (every k-th decade if still too many). The first
/// tick is at or below `lo`, the last at or above `hi` (the axis spans them).
std::vector<double> LogTicks(double lo, double hi, int maxTicks = 8);

/// A round byte count in decimal units without spurious decimals: "2 TB", "500 GB".
std::string RoundBytes(double bytes);

}  // namespace vantage::planner::detail
