// Internal helpers shared by the detectors: finding construction with host names, grouping
// keys, windows.
#pragma once

#include <algorithm>
#include <cstdint>
#include <set>
#include <string>
#include <tuple>
#include <unordered_map>
#include <vector>

#include "vantage/detect/detectors.h"

namespace vantage::detect::detail {

inline constexpr int64_t kNsPerS = 1'000'000'000;

/// @brief Hash of grouping keys: addresses, integers, and pairs or tuples of them.
struct KeyHash {
  static size_t Mix(size_t h, size_t v) { return (h ^ v) * 0x9e3779b97f4a7c15ULL + (h >> 29); }
  size_t operator()(const core::IpAddress& a) const noexcept {
    return std::hash<core::IpAddress>()(a);
  }
  template <typename T>
  size_t operator()(const T& v) const noexcept {
    if constexpr (std::is_integral_v<T>) {
      return static_cast<size_t>(v) * 0x9e3779b97f4a7c15ULL;
    } else {
      size_t h = 0;
      std::apply([&](const auto&... x) { ((h = Mix(h, (*this)(x))), ...); }, v);
      return h;
    }
  }
};

/// @brief Unordered grouping (findings are sorted afterwards, so output stays deterministic).
template <typename K, typename V>
using HashMap = std::unordered_map<K, V, KeyHash>;

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
  return value >= 4 * threshold   ? Severity::kHigh
         : value >= 2 * threshold ? Severity::kMedium
                                  : Severity::kLow;
}

std::string Fmt(double v);

}  // namespace vantage::detect::detail
