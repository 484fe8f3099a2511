// The optimiser against exhaustive search on small random instances (seeded property test),
// budget monotonicity, constraint handling and the impossible-budget answer.
#include "vantage/planner/optimiser.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "test-util.h"
#include "vantage/planner/metrics.h"

namespace vantage::planner {
namespace {

// Random constraints for instance `seed`: storage between 0 and everything, sometimes a
// device or cost limit.
Constraints RandomConstraints(const Problem& p, uint64_t seed, bool onlyStorage) {
  std::mt19937_64 rng(seed * 7919 + 1);
  double all = 0;
  for (size_t i = 0; i < p.points.size(); ++i) all += p.Storage(i, Mode::kBoth);
  Constraints c = p.constraints;
  c.storageBytes = all * static_cast<double>(rng() % 1001) / 1000.0;
  c.maxDevices = 0;
  c.maxCost = 0;
  if (!onlyStorage) {
    if (rng() % 2) c.maxDevices = 1 + static_cast<uint32_t>(rng() % p.points.size());
    if (rng() % 2) c.maxCost = 1 + static_cast<double>(rng() % 20);
  }
  return c;
}

TEST(PlannerOptimiser, ExactEqualsExhaustiveOnRandomInstances) {
  for (uint64_t seed = 1; seed <= 150; ++seed) {
    size_t points = 1 + seed % 7;
    size_t flows = 5 + seed % 25;
    Problem p = MakeSyntheticProblem(points, flows, std::max<size_t>(2, flows / 3), seed);
    Constraints c = RandomConstraints(p, seed, false);
    Solution brute = ExhaustiveOptimise(p, c);
    auto exact = ExactOptimise(p, c);
    ASSERT_TRUE(exact.has_value()) << "seed " << seed;
    EXPECT_NEAR(exact->objective, brute.objective, 1e-9 * std::max(1.0, brute.objective))
        << "seed " << seed;
    EXPECT_TRUE(Feasible(p, c, exact->modes)) << "seed " << seed;
    PlanResult r = Optimise(p, c);
    EXPECT_NEAR(r.best.objective, brute.objective, 1e-9 * std::max(1.0, brute.objective));
    EXPECT_TRUE(r.exactComplete);
    EXPECT_GE(r.greedyGap, 0.0);
  }
}

TEST(PlannerOptimiser, GreedyIsFeasibleAndWithinItsGuarantee) {
  const double guarantee = (1 - 1 / std::exp(1.0)) / 2;
  for (uint64_t seed = 1; seed <= 150; ++seed) {
    size_t points = 2 + seed % 6;
    size_t flows = 8 + seed % 20;
    Problem p = MakeSyntheticProblem(points, flows, std::max<size_t>(2, flows / 3), seed + 1000);
    // The guarantee holds for one knapsack (storage) constraint.
    Constraints c = RandomConstraints(p, seed, true);
    Solution brute = ExhaustiveOptimise(p, c);
    Solution greedy = GreedyOptimise(p, c);
    EXPECT_TRUE(Feasible(p, c, greedy.modes)) << "seed " << seed;
    EXPECT_LE(greedy.objective, brute.objective + 1e-9) << "seed " << seed;
    EXPECT_GE(greedy.objective, guarantee * brute.objective - 1e-9) << "seed " << seed;
    // Other constraints: still feasible.
    Constraints c2 = RandomConstraints(p, seed, false);
    EXPECT_TRUE(Feasible(p, c2, GreedyOptimise(p, c2).modes)) << "seed " << seed;
  }
}

TEST(PlannerOptimiser, MoreBudgetNeverGivesLowerCoverage) {
  for (uint64_t seed = 1; seed <= 40; ++seed) {
    Problem p = MakeSyntheticProblem(3 + seed % 6, 40, 12, seed + 5000);
    double all = 0;
    for (size_t i = 0; i < p.points.size(); ++i) all += p.Storage(i, Mode::kBoth);
    double previous = -1;
    for (int step = 0; step <= 20; ++step) {
      Constraints c = p.constraints;
      c.storageBytes = all * step / 20.0;
      c.maxDevices = 0;
      double v = Optimise(p, c).best.objective;
      EXPECT_GE(v, previous - 1e-9) << "seed " << seed << " step " << step;
      previous = v;
    }
    auto sweep = StorageSweep(p, 12);
    for (size_t i = 1; i < sweep.size(); ++i) {
      EXPECT_GE(sweep[i].objectiveShare, sweep[i - 1].objectiveShare - 1e-12);
      EXPECT_LE(sweep[i].storage, sweep[i].budget * (1 + 1e-9));
    }
  }
}

TEST(PlannerOptimiser, ParetoFrontIsNonDominated) {
  Problem p = MakeSyntheticProblem(8, 60, 15, 77);
  auto front = CostParetoFront(p, 12);
  ASSERT_FALSE(front.empty());
  for (size_t i = 1; i < front.size(); ++i) {
    EXPECT_GT(front[i].cost, front[i - 1].cost - 1e-12);
    EXPECT_GT(front[i].objectiveShare, front[i - 1].objectiveShare);
  }
}

TEST(PlannerOptimiser, RespectsCapabilities) {
  Problem p = test::HandProblem();
  PlanResult r = Optimise(p, p.constraints);
  // B cannot capture packets: never full or both there.
  EXPECT_FALSE(HasFull(r.best.modes[1]));
  // Budget is ample: both points are used and A keeps full capture for the critical flow.
  EXPECT_EQ(r.best.modes[0], Mode::kBoth);
  EXPECT_EQ(r.best.modes[1], Mode::kFlow);
}

TEST(PlannerOptimiser, DeviceLimit) {
  Problem p = test::HandProblem();
  Constraints c = p.constraints;
  c.maxDevices = 1;
  PlanResult r = Optimise(p, c);
  EXPECT_EQ(r.best.devices, 1u);
}

TEST(PlannerOptimiser, ImpossibleBudgetNamesTheCheapestPlacement) {
  Problem p = test::HandProblem();
  Constraints c = p.constraints;
  // Cheapest useful: full capture at A, 2000 B/day * 10 days (flows at A need 50000).
  c.storageBytes = 1000;
  PlanResult r = Optimise(p, c);
  EXPECT_EQ(r.best.devices, 0u);
  CheapestUseful cu = FindCheapestUseful(p, c);
  ASSERT_TRUE(cu.found);
  EXPECT_EQ(cu.point, "A");
  EXPECT_EQ(cu.mode, Mode::kFull);
  EXPECT_DOUBLE_EQ(cu.storage, 20000);
  EXPECT_NE(cu.why.find("budget"), std::string::npos) << cu.why;
}

TEST(PlannerOptimiser, LowPriorityFlowExportIsRedundant) {
  Problem p = test::HandProblem();
  // A third point that sees only what B sees: adding it changes nothing.
  PointInfo c = p.points[1];
  c.name = "C";
  c.costFlow = 0.001;
  c.flowBytesPerDay = 1;
  p.points.push_back(c);
  Placement plan = {Mode::kBoth, Mode::kFlow, Mode::kFlow};
  EXPECT_NEAR(Objective(p, plan), Objective(p, {Mode::kBoth, Mode::kFlow, Mode::kNone}), 1e-12);
  // B and C each add nothing the other does not see: both are lower priority (amber); the
  // point seeing more than flows is never amber.
  EXPECT_EQ(LowPriorityPoints(p, p.constraints, plan), (std::vector<bool>{false, true, true}));
  // Without C, B's flows are its own: not lower priority.
  EXPECT_EQ(LowPriorityPoints(p, p.constraints, {Mode::kBoth, Mode::kFlow, Mode::kNone}),
            (std::vector<bool>{false, false, false}));
}

}  // namespace
}  // namespace vantage::planner
