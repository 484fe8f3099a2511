// Small helpers shared by the report writers (internal).
#pragma once

#include <cstdio>
#include <string>

#include "vantage/core/percent.h"

namespace vantage::planner::detail {

inline std::string XmlEscape(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

/// printf-style formatting into a std::string.
template <typename... Args>
std::string Fmt(const char* fmt, Args... args) {
  char buf[512];
  std::snprintf(buf, sizeof buf, fmt, args...);
  return buf;
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
