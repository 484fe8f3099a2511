// Round-valued axis ticks.
#include "plot-ticks.h"

#include <algorithm>
#include <cmath>

#include "report-util.h"

namespace vantage::planner::detail {
namespace {

constexpr double kMantissas[] = {1, 2, 5};

// The 1-2-5 value at or below v (round down) or at or above it (round up).
double Round125(double v, bool up) {
  double decade = std::pow(10.0, std::floor(std::log10(v)));
  if (v >= 10 * decade * (1 - 1e-12)) decade *= 10;  // log10 rounding just below a power
  double best = up ? 10 * decade : decade;
  for (double m : kMantissas) {
    double c = m * decade;
    if (up && c >= v * (1 - 1e-12)) return c;
    if (!up && c <= v * (1 + 1e-12)) best = c;
  }
  return best;
}

}  // namespace

std::vector<double> LinearTicks(double max, double minStep, int maxTicks) {
  max = std::max(max, minStep);
  double step = std::max(minStep, Round125(max / std::max(1, maxTicks), true));
  std::vector<double> ticks;
  for (int i = 0;; ++i) {
    double v = step * i;
    ticks.push_back(v);
    if (v >= max * (1 - 1e-12)) break;
  }
  return ticks;
}

std::vector<double> LogTicks(double lo, double hi, int maxTicks) {
  if (lo <= 0 || hi <= 0) return {};
  lo = Round125(lo, false);
  hi = Round125(std::max(hi, lo), true);
  std::vector<double> all, decades;
  for (double e = std::floor(std::log10(lo)); e <= std::ceil(std::log10(hi)); e += 1) {
    for (double m : kMantissas) {
      double v = m * std::pow(10.0, e);
      if (v < lo * (1 - 1e-12) || v > hi * (1 + 1e-12)) continue;
      all.push_back(v);
      if (m == 1) decades.push_back(v);
    }
  }
  if (static_cast<int>(all.size()) <= maxTicks) return all;
  // Decades only, the axis widened to the decades around [lo, hi].
  double e0 = std::floor(std::log10(lo) + 1e-12), e1 = std::ceil(std::log10(hi) - 1e-12);
  decades.clear();
  for (double e = e0; e <= e1; e += 1) decades.push_back(std::pow(10.0, e));
  size_t every = (decades.size() + static_cast<size_t>(maxTicks) - 1) /
                 static_cast<size_t>(std::max(1, maxTicks));
  std::vector<double> out;
  for (size_t i = 0; i < decades.size(); i += std::max<size_t>(1, every)) out.push_back(decades[i]);
  if (out.back() < decades.back()) out.push_back(decades.back());
  return out;
}

std::string RoundBytes(double bytes) {
  const char* units[] = {"B", "kB", "MB", "GB", "TB", "PB", "EB"};
  int u = 0;
  while (std::fabs(bytes) >= 1000 && u < 6) {
    bytes /= 1000;
    ++u;
  }
  return Fmt("%g %s", bytes, units[u]);
}

}  // namespace vantage::planner::detail
