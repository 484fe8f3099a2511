// The knee of the cost curve against exhaustive enumeration on small seeded instances, the
// threshold option, and --prefer knee.
#include "vantage/planner/knee.h"

#include <gtest/gtest.h>

#include <functional>

#include "test-util.h"
#include "vantage/planner/metrics.h"

namespace vantage::planner {
namespace {

// Every feasible placement, by enumeration.
void ForEachFeasible(const Problem& p, const Constraints& c,
                     const std::function<void(const Placement&)>& visit) {
  Placement cur(p.points.size(), Mode::kNone);
  std::function<void(size_t)> rec = [&](size_t k) {
    if (k == cur.size()) {
      if (Feasible(p, c, cur)) visit(cur);
      return;
    }
    for (Mode m : {Mode::kNone, Mode::kFlow, Mode::kFull, Mode::kBoth}) {
      if (!p.points[k].Allows(m)) continue;
      cur[k] = m;
      rec(k + 1);
    }
    cur[k] = Mode::kNone;
  };
  rec(0);
}

double PlanCost(const Problem& p, const Placement& pl) {
  double c = 0;
  for (size_t i = 0; i < pl.size(); ++i) c += p.points[i].Cost(pl[i]);
  return c;
}

TEST(PlannerKnee, IsTheCheapestPlanWithinTheThreshold) {
  int belowBest = 0;
  for (uint64_t seed = 1; seed <= 40; ++seed) {
    Problem p = MakeSyntheticProblem(2 + seed % 5, 20 + seed % 15, 8, seed + 7000);
    const Constraints& c = p.constraints;
    for (double threshold : {0.0, 0.01, 0.05}) {
      PlanResult r = Optimise(p, c);
      Knee k = FindKnee(p, c, r.best, CostParetoFront(p, 8), threshold);
      if (r.best.devices == 0) {
        EXPECT_FALSE(k.found);
        continue;
      }
      ASSERT_TRUE(k.found) << "seed " << seed;
      double maxObj = MaxObjective(p);
      double target = (r.best.objective / maxObj - threshold) * maxObj;
      double cheapest = 1e300;
      ForEachFeasible(p, c, [&](const Placement& pl) {
        if (Objective(p, pl) >= target - 1e-9) cheapest = std::min(cheapest, PlanCost(p, pl));
      });
      EXPECT_TRUE(Feasible(p, c, k.plan.modes)) << "seed " << seed;
      EXPECT_GE(k.plan.objective, target - 1e-9) << "seed " << seed;
      EXPECT_NEAR(k.plan.cost, cheapest, 1e-9) << "seed " << seed << " threshold " << threshold;
      EXPECT_LE(k.plan.cost, r.best.cost + 1e-9);
      EXPECT_NEAR(k.share, k.plan.objective / maxObj, 1e-12);
      EXPECT_NEAR(k.costSaved, r.best.cost - k.plan.cost, 1e-9);
      EXPECT_NEAR(k.storageSaved, r.best.storage - k.plan.storage, 1e-3);
      EXPECT_LE(k.coverageGivenUp, threshold + 1e-12);
      EXPECT_EQ(k.isBest, k.plan.modes == r.best.modes);
      belowBest += k.plan.cost < r.best.cost - 1e-9 ? 1 : 0;
    }
  }
  EXPECT_GT(belowBest, 0) << "the knee was never cheaper than the best plan";
}

TEST(PlannerKnee, PreferKneeMakesItTheRecommendedPlan) {
  // HandProblem (values by hand, of 16 for everything): A both + B flow (cost 8) covers all;
  // A flow + B flow (cost 3) 12; B flow alone (cost 2) 11; A flow alone (cost 1) 7.9.
  Problem p = test::HandProblem();
  const Constraints& c = p.constraints;
  PlanResult r = Optimise(p, c);
  ASSERT_NEAR(r.best.objective, 16.0, 1e-9);
  auto front = CostParetoFront(p);
  Knee tight = FindKnee(p, c, r.best, front, 0.01);
  ASSERT_TRUE(tight.found);
  EXPECT_TRUE(tight.isBest);
  EXPECT_DOUBLE_EQ(tight.costSaved, 0);
  // 30 points: down to 70%, which A flow + B flow (75%) reach and B alone (68.75%) does not.
  Knee k30 = FindKnee(p, c, r.best, front, 0.30);
  ASSERT_TRUE(k30.found);
  EXPECT_EQ(k30.plan.modes, (Placement{Mode::kFlow, Mode::kFlow}));
  EXPECT_DOUBLE_EQ(k30.costSaved, 5);
  EXPECT_NEAR(k30.coverageGivenUp, 0.25, 1e-12);
  // 35 points: B alone is enough and cheaper.
  Knee k35 = FindKnee(p, c, r.best, front, 0.35);
  ASSERT_TRUE(k35.found);
  EXPECT_FALSE(k35.isBest);
  EXPECT_EQ(k35.plan.modes, (Placement{Mode::kNone, Mode::kFlow}));
  EXPECT_DOUBLE_EQ(k35.costSaved, 6);
  EXPECT_NEAR(k35.coverageGivenUp, 5.0 / 16.0, 1e-12);
  PreferKnee(p, c, k35, r);
  EXPECT_EQ(r.best.modes, k35.plan.modes);
  ASSERT_EQ(r.lowPriority.size(), p.points.size());
  EXPECT_FALSE(r.lowPriority[1]);  // B alone is the whole plan: not lower priority
}

}  // namespace
}  // namespace vantage::planner
