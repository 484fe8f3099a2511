// Robust statistics shared by the detectors, and finding helpers (see detector-util.h).
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "detector-util.h"

namespace vantage::detect {

double Quantile(const std::vector<double>& sorted, double q) {
  if (sorted.empty()) return 0;
  double pos = q * static_cast<double>(sorted.size() - 1);
  auto lo = static_cast<size_t>(std::floor(pos));
  size_t hi = std::min(lo + 1, sorted.size() - 1);
  double frac = pos - static_cast<double>(lo);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * frac;
}

std::pair<double, double> MedianMad(std::vector<double> values) {
  if (values.empty()) return {0, 0};
  std::sort(values.begin(), values.end());
  double median = Quantile(values, 0.5);
  for (auto& v : values) v = std::fabs(v - median);
  std::sort(values.begin(), values.end());
  return {median, Quantile(values, 0.5)};
}

RegularityScore ScoreRegularity(std::vector<double> values, double minIqr, double defaultMadScore) {
  RegularityScore r;
  if (values.size() < 3) return r;
  std::sort(values.begin(), values.end());
  double q1 = Quantile(values, 0.25), q2 = Quantile(values, 0.5), q3 = Quantile(values, 0.75);
  double den = q3 - q1;
  // RITA sets the skew to zero when the spread is too small to mean anything.
  if (den >= minIqr && q2 != q1 && q2 != q3) r.skew = (q1 + q3 - 2 * q2) / den;
  r.skewScore = 1.0 - std::fabs(r.skew);
  auto [median, mad] = MedianMad(values);
  r.median = median;
  r.mad = mad;
  r.madScore = median >= 1 ? (median - mad) / median : defaultMadScore;
  if (!(r.madScore >= 0)) r.madScore = 0;
  r.score = (r.skewScore + r.madScore) / 2.0;
  return r;
}

namespace detail {

Finding MakeFinding(const DetectInput& in, const std::string& detector,
                    const std::vector<const Connection*>& conns,
                    const std::set<core::IpAddress>& sources,
                    const std::set<core::IpAddress>& destinations) {
  Finding f;
  f.detector = detector;
  for (const auto& a : sources) {
    f.sources.push_back(a);
    f.sourceNames.push_back(in.ctx->Name(a));
  }
  for (const auto& a : destinations) {
    f.destinations.push_back(a);
    f.destinationNames.push_back(in.ctx->Name(a));
  }
  bool first = true;
  for (const Connection* c : conns) {
    f.startNs = first ? c->startNs : std::min(f.startNs, c->startNs);
    f.endNs = first ? c->endNs : std::max(f.endNs, c->endNs);
    first = false;
    f.sampled = f.sampled || c->sampling > 1;
    f.flows.insert(f.flows.end(), c->flows.begin(), c->flows.end());
  }
  std::sort(f.flows.begin(), f.flows.end());
  f.detectedNs = f.endNs;
  return f;
}

std::string Fmt(double v) {
  char buf[32];
  if (std::fabs(v - std::round(v)) < 1e-9 && std::fabs(v) < 1e15) {
    std::snprintf(buf, sizeof buf, "%.0f", v);
  } else {
    std::snprintf(buf, sizeof buf, "%.3g", v);
  }
  return buf;
}

}  // namespace detail
}  // namespace vantage::detect
