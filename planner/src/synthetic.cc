// Synthetic placement problems for property tests and benchmarks.
#include <algorithm>
#include <random>
#include <set>

#include "vantage/planner/problem.h"

namespace vantage::planner {

Problem MakeSyntheticProblem(size_t points, size_t flows, size_t hitsPerPoint, uint64_t seed) {
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
  p.constraints.storageBytes = 0.3 * allStorage;
  p.constraints.maxDevices = static_cast<uint32_t>(std::max<size_t>(1, points / 2));
  return p;
}

}  // namespace vantage::planner
