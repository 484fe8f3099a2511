// Small helpers shared by the report writers (internal).
#pragma once

#include <fmt/printf.h>

#include <string>

#include "vantage/core/percent.h"
#include "vantage/core/svg-writer.h"

namespace vantage::planner::detail {

using core::XmlEscape;

/// printf-style formatting into a std::string of any length (fmt's printf, which checks the
/// arguments' types and never cuts long text).
template <typename... Args>
std::string Fmt(const char* format, const Args&... args) {
  return fmt::sprintf(format, args...);
}

/// Percentages in every report and printed summary: never "100%" when something is missed,
/// never "0%" when something happened (see vantage/core/percent.h).
inline std::string Pct(double share) {
  return core::FormatPercent(share, 0);
}
inline std::string Pct1(double share) {
  return core::FormatPercent(share, 1);
}

inline const char* ColourHex(const std::string& colour) {
  if (colour == "green") return "#2e9d4a";
  if (colour == "red") return "#d0312d";
  if (colour == "amber") return "#f0a30a";
  return "#9e9e9e";
}

}  // namespace vantage::planner::detail
