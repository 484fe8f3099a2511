// Internal helpers shared by the detectors: finding construction with host names, grouping
// keys, windows.
#pragma once

#include <algorithm>
#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "vantage/detect/detectors.h"

namespace vantage::detect::detail {

inline constexpr int64_t kNsPerS = 1'000'000'000;

inline int64_t Ns(double seconds) {
  return static_cast<int64_t>(seconds * 1e9);
}

/// @brief Tumbling window index of a time, windows aligned to the data's first record.
inline int64_t WindowOf(int64_t tNs, int64_t originNs, double windowS) {
  int64_t w = std::max<int64_t>(1, Ns(windowS));
  return (tNs - originNs) / w;
}

/// @brief A finding with its hosts named through the context and its time span from the
/// connections behind it (their records become the finding's flows).
Finding MakeFinding(const DetectInput& in, const std::string& detector,
                    const std::vector<const Connection*>& conns,
                    const std::set<core::IpAddress>& sources,
                    const std::set<core::IpAddress>& destinations);

inline Severity SeverityOf(double value, double threshold) {
  return value >= 4 * threshold ? Severity::kHigh
         : value >= 2 * threshold ? Severity::kMedium
                                  : Severity::kLow;
}

std::string Fmt(double v);

}  // namespace vantage::detect::detail
