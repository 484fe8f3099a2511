// Beacon detection, RITA-style (docs/detections.md): per client-server pair, the regularity of
// connection inter-arrival times and of sizes (Bowley skewness and MAD), and how much of the
// data's span the pair covers.
#include <algorithm>
#include <map>

#include "detector-util.h"

namespace vantage::detect {

BeaconScore ScoreBeacon(const std::vector<int64_t>& startsNs, const std::vector<double>& bytes,
                        int64_t dataSpanNs, const BeaconRules& rules) {
  BeaconScore b;
  std::vector<int64_t> ts = startsNs;
  std::sort(ts.begin(), ts.end());
  std::vector<double> intervals;
  for (size_t i = 1; i < ts.size(); ++i) {
    if (ts[i] > ts[i - 1]) intervals.push_back(static_cast<double>(ts[i] - ts[i - 1]) / 1e9);
  }
  if (intervals.size() < 3 || bytes.size() < 3) return b;
  // RITA: the skew counts only when the quartiles are 10 units apart. RITA's timestamps have
  // whole seconds, so it scores a median interval under one second 1; flow records have
  // milliseconds and such a pair is high-rate traffic, not a beacon: it scores 0 here.
  b.ts = ScoreRegularity(intervals, 10, 0);
  b.ds = ScoreRegularity(bytes, 10, 0);
  if (dataSpanNs > 0 && ts.size() > 1) {
    b.duration = std::min(
        1.0, static_cast<double>(ts.back() - ts.front()) / static_cast<double>(dataSpanNs));
  }
  b.score =
      rules.tsWeight * b.ts.score + rules.dsWeight * b.ds.score + rules.durWeight * b.duration;
  return b;
}

std::vector<Finding> DetectBeacons(const DetectInput& in) {
  const BeaconRules& rules = in.rules->beacon;
  using Pair = std::pair<core::IpAddress, core::IpAddress>;
  auto eligible = [&](const Connection& c) {
    if (c.protocol != 6 && c.protocol != 17) return false;
    return !rules.outboundOnly || (c.clientInternal && !c.serverInternal);
  };
  // Count first, so only pairs with enough connections are gathered.
  detail::HashMap<Pair, double> counts;
  for (const auto& c : *in.conns) {
    if (eligible(c)) counts[{c.client, c.server}] += c.sampling;
  }
  detail::HashMap<Pair, std::vector<const Connection*>> pairs;
  for (const auto& c : *in.conns) {
    if (!eligible(c)) continue;
    auto it = counts.find({c.client, c.server});
    if (it != counts.end() && it->second >= rules.minConnections) pairs[it->first].push_back(&c);
  }
  std::vector<Finding> out;
  int64_t span = in.set->lastNs - in.set->firstNs;
  for (const auto& [pair, conns] : pairs) {
    // Sampling drops whole connections and scales counts: a pair's estimated count decides
    // whether it is analysed, its timing comes from what was kept.
    double estimated = 0;
    for (const Connection* c : conns) estimated += c->sampling;
    if (estimated < rules.minConnections || conns.size() < 4) continue;
    std::vector<int64_t> starts;
    std::vector<double> sizes;
    for (const Connection* c : conns) {
      starts.push_back(c->startNs);
      sizes.push_back(c->bytesOut / c->sampling);
    }
    BeaconScore s = ScoreBeacon(starts, sizes, span, rules);
    if (s.score < rules.threshold || s.ts.score < rules.minTimestampScore) continue;
    Finding f = detail::MakeFinding(in, "beacon", conns, {pair.first}, {pair.second});
    f.score = s.score;
    f.severity = s.score >= 0.9   ? Severity::kHigh
                 : s.score >= 0.8 ? Severity::kMedium
                                  : Severity::kLow;
    size_t nth = std::min<size_t>(conns.size(), rules.minConnections) - 1;
    f.detectedNs = conns[nth]->startNs;
    f.what = "beacon: " + std::to_string(conns.size()) + " connections every " +
             detail::Fmt(s.ts.median) + " s (MAD " + detail::Fmt(s.ts.mad) + " s), " +
             detail::Fmt(s.ds.median) + " bytes each";
    f.evidence = {{"connections", static_cast<double>(conns.size())},
                  {"interval_median_s", s.ts.median},
                  {"interval_mad_s", s.ts.mad},
                  {"interval_skew", s.ts.skew},
                  {"ts_score", s.ts.score},
                  {"size_median_bytes", s.ds.median},
                  {"size_mad_bytes", s.ds.mad},
                  {"size_skew", s.ds.skew},
                  {"ds_score", s.ds.score},
                  {"duration_score", s.duration},
                  {"score", s.score}};
    out.push_back(std::move(f));
  }
  return out;
}

}  // namespace vantage::detect
