// The knee of the cost curve: the cheapest plan within a coverage threshold of the best one.
#include "vantage/planner/knee.h"

#include <algorithm>

#include "vantage/planner/metrics.h"

namespace vantage::planner {
namespace {

constexpr double kEps = 1e-12;

Solution SolutionOf(const Problem& p, const Placement& modes) {
  Solution s;
  s.modes = modes;
  s.objective = Objective(p, modes);
  for (size_t i = 0; i < modes.size(); ++i) {
    s.storage += p.Storage(i, modes[i]);
    s.cost += p.points[i].Cost(modes[i]);
    s.devices += modes[i] != Mode::kNone ? 1 : 0;  // points used
  }
  return s;
}

// Cheaper by cost, then by storage.
bool Cheaper(const Solution& a, const Solution& b) {
  constexpr double kTol = 1e-9;
  if (a.cost < b.cost - kTol * std::max(1.0, b.cost)) return true;
  if (a.cost > b.cost + kTol * std::max(1.0, b.cost)) return false;
  return a.storage < b.storage * (1 - kTol);
}

// The planner's best plan under `c` (the exact search where the instance is small).
Solution Probe(const Problem& p, const Constraints& c) {
  Solution s = GreedyOptimise(p, c);
  if (p.points.size() <= 20) {
    auto e = ExactOptimise(p, c, 50'000'000);
    if (e && e->objective > s.objective) s = *e;
  }
  return s;
}

// Bisection on one limit between `lo` (known to fall short of the target) and the knee's own
// value of that limit; every probe that reaches the target and is cheaper becomes the knee.
void Refine(const Problem& p, const Constraints& c, double target, double maxObj, double lo,
            bool costLimit, Solution& knee) {
  for (int iter = 0; iter < 8; ++iter) {
    double hi = costLimit ? knee.cost : knee.storage;
    if (hi - lo <= 1e-3 * hi) break;
    double mid = (lo + hi) / 2;
    Constraints cc = c;
    if (costLimit) {
      cc.maxCost = mid;
    } else {
      cc.maxCost = knee.cost;
      cc.storageBytes = mid;
    }
    if (mid <= 0 || cc.maxCost <= 0) break;  // 0 would mean "no limit"
    Solution s = Probe(p, cc);
    if (s.objective >= target * maxObj - kEps && Cheaper(s, knee)) {
      knee = s;
    } else {
      lo = mid;
    }
  }
}

}  // namespace

Knee FindKnee(const Problem& problem, const Constraints& c, const Solution& best,
              const std::vector<TradeOff>& paretoFront, double threshold) {
  Problem p = problem;
  p.constraints = c;
  Knee k;
  k.threshold = threshold;
  double maxObj = MaxObjective(p);
  if (maxObj <= 0 || best.devices == 0) return k;
  k.best = best;
  k.bestShare = best.objective / maxObj;
  double target = k.bestShare - threshold;
  // The best plan and every front point that fits these constraints.
  std::vector<Solution> candidates = {best};
  for (const auto& t : paretoFront) {
    if (Feasible(p, c, t.modes)) candidates.push_back(SolutionOf(p, t.modes));
  }
  Solution knee = best;
  for (const auto& s : candidates) {
    if (s.objective >= target * maxObj - kEps && Cheaper(s, knee)) knee = s;
  }
  // The dearest candidate that falls short and is cheaper than the knee bounds the search.
  double lo = 0;
  for (const auto& s : candidates) {
    if (s.objective < target * maxObj - kEps && s.cost < knee.cost) lo = std::max(lo, s.cost);
  }
  Refine(p, c, target, maxObj, lo, true, knee);
  Refine(p, c, target, maxObj, 0, false, knee);
  k.found = true;
  k.plan = knee;
  k.share = knee.objective / maxObj;
  k.isBest = knee.modes == best.modes;
  k.coverageGivenUp = std::max(0.0, k.bestShare - k.share);
  k.costSaved = best.cost - knee.cost;
  k.storageSaved = best.storage - knee.storage;
  return k;
}

void PreferKnee(const Problem& problem, const Constraints& c, const Knee& knee, PlanResult& plan) {
  if (!knee.found || knee.isBest) return;
  plan.best = knee.plan;
  plan.lowPriority = LowPriorityPoints(problem, c, knee.plan.modes);
}

}  // namespace vantage::planner
