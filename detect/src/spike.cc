// Time-based spikes (the seed's third factor): connections a host starts per bucket, far above
// that host's own baseline (median + k * MAD, MAD scaled to a standard deviation).
#include <algorithm>
#include <cmath>
#include <map>

#include "detector-util.h"

namespace vantage::detect {

std::vector<Finding> DetectSpikes(const DetectInput& in) {
  const SpikeRules& r = in.rules->spike;
  int64_t bucketNs = std::max<int64_t>(1, detail::Ns(r.bucketS));
  int64_t origin = in.set->firstNs;
  auto buckets = static_cast<size_t>((in.set->lastNs - origin) / bucketNs + 1);
  if (buckets < r.minBuckets) return {};
  detail::HashMap<core::IpAddress, std::vector<const Connection*>> byHost;
  for (const auto& c : *in.conns) {
    if (c.clientInternal) byHost[c.client].push_back(&c);
  }
  std::vector<Finding> out;
  for (const auto& [host, conns] : byHost) {
    std::vector<double> counts(buckets, 0);
    for (const Connection* c : conns) {
      auto b = static_cast<size_t>((c->startNs - origin) / bucketNs);
      counts[std::min(b, buckets - 1)] += c->sampling;
    }
    auto [median, mad] = MedianMad(counts);
    // 1.4826 * MAD estimates the standard deviation of normal data (Leys et al. 2013).
    double limit = std::max({median + r.k * 1.4826 * mad, r.minRatio * median, r.minConnections});
    for (size_t b = 0; b < buckets; ++b) {
      if (counts[b] < limit) continue;
      size_t e = b;
      double peak = counts[b];
      while (e + 1 < buckets && counts[e + 1] >= limit) peak = std::max(peak, counts[++e]);
      int64_t from = origin + static_cast<int64_t>(b) * bucketNs;
      int64_t to = origin + static_cast<int64_t>(e + 1) * bucketNs;
      std::vector<const Connection*> inSpike;
      std::set<core::IpAddress> dsts;
      for (const Connection* c : conns) {
        if (c->startNs >= from && c->startNs < to) {
          inSpike.push_back(c);
          dsts.insert(c->server);
        }
      }
      Finding f = detail::MakeFinding(in, "spike", inSpike, {host}, dsts);
      f.score = peak;
      f.severity = detail::SeverityOf(peak, limit);
      f.detectedNs = to;
      f.what = "spike: " + detail::Fmt(peak) + " connections per " + detail::Fmt(r.bucketS) +
               " s against a median of " + detail::Fmt(median);
      f.evidence = {{"peak_per_bucket", peak},
                    {"median_per_bucket", median},
                    {"mad_per_bucket", mad},
                    {"limit", limit},
                    {"buckets", static_cast<double>(e - b + 1)}};
      out.push_back(std::move(f));
      b = e;
    }
  }
  return out;
}

}  // namespace vantage::detect
