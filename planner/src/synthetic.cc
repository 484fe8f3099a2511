// Synthetic placement problems for property tests and benchmarks.
#include <algorithm>
#include <random>
#include <set>

#include "vantage/planner/problem.h"

namespace vantage::planner {
namespace {

// Flow logs at about `share` of the points, from a generator of their own (the instances
// without flow logs stay as they were): most of a point's flows with a chance below 1
// (sampling, merging), some with a host the log cannot name, some unseen, and a few flows only
// the log shows (the tap missed them).
void AddSyntheticFlowLogs(Problem& p, uint64_t seed, double share) {
  std::mt19937_64 rng(seed ^ 0x9e3779b97f4a7c15ULL);
  auto uniform = [&](double a, double b) {
    return a + (b - a) * (static_cast<double>(rng() >> 11) / 9007199254740992.0);
  };
  auto chance = [&](double x) { return uniform(0, 1) < x; };
  for (auto& pt : p.points) {
    if (!chance(share)) continue;
    pt.canFlowLog = true;
    const double cost = std::floor(uniform(0, 3)) * 0.5;
    pt.flowLog.format = "aws-vpc";
    for (Hit& h : pt.hits) {
      if (!chance(0.8)) continue;
      h.flowLogProb = static_cast<float>(chance(0.5) ? 1.0 : uniform(0.2, 1.0));
      h.flowLogDirect = h.direct || chance(0.3);
      h.flowLogRecords = static_cast<uint16_t>(1 + rng() % 4);
    }
    for (int extra = 0; extra < 3; ++extra) {
      Hit h;
      h.flow = static_cast<uint32_t>(rng() % p.flows.size());
      bool known = std::any_of(pt.hits.begin(), pt.hits.end(),
                               [&](const Hit& x) { return x.flow == h.flow; });
      if (known) continue;
      h.tap = false;
      h.flowLogProb = 1.0f;
      h.flowLogDirect = true;
      h.flowLogRecords = 1;
      pt.hits.push_back(h);
    }
    std::sort(pt.hits.begin(), pt.hits.end(),
              [](const Hit& a, const Hit& b) { return a.flow < b.flow; });
    double records = 0;
    for (const Hit& h : pt.hits) records += h.flowLogRecords * p.flows[h.flow].weight;
    pt.flowLog.recordsPerDay = records * p.dayFactor;
    pt.flowLog.bytesPerRecord = 120;
    pt.flowLog.bytesPerDay = pt.flowLog.recordsPerDay * pt.flowLog.bytesPerRecord;
    // Priced so that the bill is `cost` units at the instance's retention.
    pt.flowLog.ingestUsdPerGb = 0.50;
    pt.flowLog.storageUsdPerGbMonth = 0.03;
    pt.flowLog.usdPerCostUnit = 0;
    Problem one;
    one.constraints = p.constraints;
    one.points = {pt};
    PriceFlowLogs(one);
    if (cost > 0 && one.points[0].flowLog.usdPerMonth > 0) {
      pt.flowLog.usdPerCostUnit = one.points[0].flowLog.usdPerMonth / cost;
    }
  }
  PriceFlowLogs(p);
}

}  // namespace

Problem MakeSyntheticProblem(size_t points, size_t flows, size_t hitsPerPoint, uint64_t seed,
                             double flowLogShare) {
  std::mt19937_64 rng(seed);
  auto uniform = [&](double a, double b) {
    return a + (b - a) * (static_cast<double>(rng() >> 11) / 9007199254740992.0);
  };
  auto chance = [&](double p) { return uniform(0, 1) < p; };
  Problem p;
  p.behaviours = {"c2_beacon", "exfiltration", "port_scan"};
  p.assets = {"git", "accounting"};
  p.dayFactor = 144;  // a 600 s window
  p.flows.resize(std::max<size_t>(flows, 1));
  for (auto& f : p.flows) {
    f.weight = std::floor(uniform(1, 40));
    f.bytes = std::exp(uniform(5, 14));
    f.northSouth = chance(0.4);
    f.natted = f.northSouth && chance(0.7);
    if (chance(0.1)) {
      f.asset = static_cast<int>(rng() % p.assets.size());
      f.criticality = std::floor(uniform(1, 6));
    }
    if (chance(0.05)) f.behaviour = static_cast<int>(rng() % p.behaviours.size());
  }
  double allStorage = 0;
  p.points.resize(points);
  for (size_t i = 0; i < points; ++i) {
    PointInfo& pt = p.points[i];
    pt.name = "p" + std::to_string(i);
    pt.node = "n" + std::to_string(i);
    pt.canFlow = chance(0.9);
    pt.canFull = chance(0.35) || !pt.canFlow;
    pt.sampledOnly = pt.canFlow && chance(0.1);
    pt.samplingRate = pt.sampledOnly ? 100 : 1;
    pt.costFlow = std::floor(uniform(1, 4));
    pt.costFull = std::floor(uniform(4, 12));
    size_t want =
        std::min(p.flows.size(),
                 static_cast<size_t>(uniform(0.5, 1.5) * static_cast<double>(hitsPerPoint)) + 1);
    // A contiguous window plus random extras: neighbouring points overlap, as on real paths.
    size_t start = static_cast<size_t>(rng() % p.flows.size());
    std::set<uint32_t> chosen;
    for (size_t k = 0; k < want / 2; ++k)
      chosen.insert(static_cast<uint32_t>((start + k) % p.flows.size()));
    while (chosen.size() < want) chosen.insert(static_cast<uint32_t>(rng() % p.flows.size()));
    double records = 0, bytes = 0;
    for (uint32_t f : chosen) {
      Hit h;
      h.flow = f;
      h.records = 1 + static_cast<uint32_t>(rng() % 3);
      h.direct = !p.flows[f].natted || chance(0.5);
      h.natLogged = !h.direct && chance(0.6);
      h.detectProb = pt.sampledOnly ? static_cast<float>(uniform(0.05, 0.9)) : 1.0f;
      pt.hits.push_back(h);
      records += h.records * p.flows[f].weight * h.detectProb;
      bytes += p.flows[f].bytes * p.flows[f].weight;
    }
    pt.recordsPerDay = records * p.dayFactor;
    pt.bytesPerRecord = uniform(45, 80);
    pt.flowBytesPerDay = pt.recordsPerDay * pt.bytesPerRecord;
    pt.pcapBytesPerDay = pt.canFull ? bytes * 1.05 * p.dayFactor : 0.0;
    allStorage += p.Storage(i, pt.canFlow && pt.canFull ? Mode::kBoth
                               : pt.canFull             ? Mode::kFull
                                                        : Mode::kFlow);
  }
  if (flowLogShare > 0) AddSyntheticFlowLogs(p, seed, flowLogShare);
  p.constraints.storageBytes = 0.3 * allStorage;
  p.constraints.maxDevices = static_cast<uint32_t>(std::max<size_t>(1, points / 2));
  return p;
}

}  // namespace vantage::planner
