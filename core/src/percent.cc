// FormatPercent: percentages that never claim all or nothing when it is not so (see percent.h).
#include "vantage/core/percent.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace vantage::core {

namespace {

std::string Print(double percent, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f%%", decimals, percent);
  return buf;
}

/// The value `percent` shows as when printed with `decimals` decimals.
double Shown(double percent, int decimals) {
  return std::strtod(Print(percent, decimals).c_str(), nullptr);
}

}  // namespace

std::string FormatPercent(double share, int decimals) {
  if (std::isnan(share)) return "n/a";
  decimals = std::clamp(decimals, 0, 6);
  // Sums taken in different orders differ in the last bits: a share within 1e-9 of a bound is
  // that bound (no count this tool handles reaches 1e9).
  constexpr double kSlack = 1e-9;
  if (std::fabs(share - 1.0) < kSlack) share = 1.0;
  if (std::fabs(share) < kSlack) share = 0.0;
  const double percent = share * 100.0;
  const bool inside = share > 0.0 && share < 1.0;
  if (!inside) return Print(percent, decimals);
  const double shown = Shown(percent, decimals);
  if (shown > 0.0 && shown < 100.0) return Print(percent, decimals);
  const int more = decimals + 1;
  const double finer = Shown(percent, more);
  if (finer > 0.0 && finer < 100.0) return Print(percent, more);
  // Still rounds to a bound: step one unit of the last decimal toward the middle.
  const double unit = std::pow(10.0, -more);
  return Print(finer >= 100.0 ? 100.0 - unit : unit, more);
}

}  // namespace vantage::core
