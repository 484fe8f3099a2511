// The online bound (Leskovec et al. 2007): on the optimiser's 150 seeded instances it is never
// below the exact optimum, which is never below the greedy; on a hand-made instance it equals a
// value computed by hand; the tightening step never loses value and keeps the bound valid.
#include "vantage/planner/bound.h"

#include <gtest/gtest.h>

#include <random>

#include "test-util.h"
#include "vantage/planner/metrics.h"
#include "vantage/planner/optimiser.h"

namespace vantage::planner {
namespace {

// The same instances and constraints as PlannerOptimiser.ExactEqualsExhaustiveOnRandomInstances.
Constraints SeededConstraints(const Problem& p, uint64_t seed) {
  std::mt19937_64 rng(seed * 7919 + 1);
  double all = 0;
  for (size_t i = 0; i < p.points.size(); ++i) all += p.Storage(i, Mode::kBoth);
  Constraints c = p.constraints;
  c.storageBytes = all * static_cast<double>(rng() % 1001) / 1000.0;
  c.maxDevices = 0;
  c.maxCost = 0;
  if (rng() % 2) c.maxDevices = 1 + static_cast<uint32_t>(rng() % p.points.size());
  if (rng() % 2) c.maxCost = 1 + static_cast<double>(rng() % 20);
  return c;
}

Problem SeededProblem(uint64_t seed) {
  size_t points = 1 + seed % 7;
  size_t flows = 5 + seed % 25;
  return MakeSyntheticProblem(points, flows, std::max<size_t>(2, flows / 3), seed);
}

TEST(PlannerBound, BoundIsAtLeastTheOptimumWhichIsAtLeastTheGreedy) {
  for (uint64_t seed = 1; seed <= 150; ++seed) {
    Problem p = SeededProblem(seed);
    Constraints c = SeededConstraints(p, seed);
    const double opt = ExhaustiveOptimise(p, c).objective;
    const double tol = 1e-9 * std::max(1.0, opt);
    Solution greedy = GreedyOptimise(p, c);
    Certificate cg = CertifyPlan(p, c, greedy.modes);
    EXPECT_GE(cg.bound, opt - tol) << "seed " << seed << " (" << cg.binding << ")";
    EXPECT_GE(opt, greedy.objective - tol) << "seed " << seed;
    EXPECT_NEAR(cg.value, greedy.objective, tol) << "seed " << seed;
    EXPECT_GE(cg.gap, 0.0);
    EXPECT_LE(cg.gap, 1.0);
    // From any plan, even the empty one, the bound holds.
    Certificate ce = CertifyPlan(p, c, Placement(p.points.size(), Mode::kNone));
    EXPECT_GE(ce.bound, opt - tol) << "seed " << seed << " (" << ce.binding << ")";
    // Other plans' bounds, feasible or not, sharpen it and stay valid.
    Placement richest(p.points.size(), Mode::kNone);
    for (size_t i = 0; i < richest.size(); ++i) {
      for (Mode m : {Mode::kFlow, Mode::kFull, Mode::kBoth}) {
        if (p.points[i].Allows(m)) richest[i] = m;
      }
    }
    Certificate cs =
        Sharpen(p, c, cg, {richest, greedy.modes, Placement(p.points.size(), Mode::kNone)});
    EXPECT_LE(cs.bound, std::min(cg.bound, ce.bound) + tol) << "seed " << seed;
    EXPECT_GE(cs.bound, opt - tol) << "seed " << seed;
    EXPECT_DOUBLE_EQ(cs.value, cg.value);
    PlanResult r = Optimise(p, c);
    EXPECT_GE(r.certificate.bound, opt - tol) << "seed " << seed;
    EXPECT_NEAR(r.certificate.value, r.best.objective, tol) << "seed " << seed;
    if (r.certificate.bound > 0) {
      EXPECT_NEAR(r.certificate.gap, 1 - r.best.objective / r.certificate.bound, 1e-9)
          << "seed " << seed;
    } else {
      EXPECT_EQ(r.certificate.gap, 0.0) << "seed " << seed;  // nothing fits: nothing to gain
    }
  }
}

TEST(PlannerBound, SweepAndParetoPointsCarryAValidBound) {
  for (uint64_t seed = 1; seed <= 20; ++seed) {
    Problem p = MakeSyntheticProblem(3 + seed % 5, 30, 10, seed + 9000);
    for (const auto& curve : {StorageSweep(p, 6), CostParetoFront(p, 6)}) {
      ASSERT_FALSE(curve.empty());
      for (const auto& t : curve) {
        // The exact search ran (few candidates): its optimum is below the bound.
        EXPECT_GE(t.boundShare, t.objectiveShare - 1e-12) << "seed " << seed;
        EXPECT_LE(t.boundShare, 1.0 + 1e-12);
        EXPECT_NEAR(t.gapCertified, 1 - t.objectiveShare / t.boundShare, 1e-9);
      }
    }
  }
}

// HandProblem with flow export at A (value 7.9). Marginal gains with respect to it, by hand
// (flow values 1, 6, 2, 4; full-capture bonus 4 for f1; full capture alone gives 10/100 of the
// flow history):
//   A full: 4 (payload of f1 only)    storage 20,000  cost 5
//   A both: 4                          storage 70,000  cost 6
//   B flow: 0.1 (f0 direct) + 4 (f3)  storage 100,000 cost 2
// Everything (A both, B flow) is worth 16.
TEST(PlannerBound, HandInstanceMatchesHandComputation) {
  Problem p = test::HandProblem();
  Placement plan = {Mode::kFlow, Mode::kNone};
  Constraints c = p.constraints;
  c.storageBytes = 100000;
  // Storage alone: A full (4 per 20,000) first, then 80,000 of B's 100,000: 4 + 0.8 * 4.1.
  Certificate s = CertifyPlan(p, c, plan);
  EXPECT_NEAR(s.value, 7.9, 1e-12);
  // (The capacity carries the optimiser's feasibility tolerance, 1e-9 relative: hence 1e-7.)
  EXPECT_NEAR(s.bound, 7.9 + 4 + 0.8 * 4.1, 1e-7);
  EXPECT_EQ(s.binding, "storage");
  EXPECT_NEAR(s.gap, 1 - 7.9 / 15.18, 1e-7);
  // Cost 6 alone would give B (2.05 per unit) then 4 of A full's 5 units: 4.1 + 0.8 * 4 = 7.3,
  // with storage plentiful.
  c.storageBytes = 1e6;
  c.maxCost = 6;
  Certificate k = CertifyPlan(p, c, plan);
  EXPECT_NEAR(k.bound, 7.9 + 4.1 + 3.2, 1e-7);
  EXPECT_EQ(k.binding, "cost");
  // One device: the best single gain, B's 4.1, and the optimum (A both, 11.9) is below.
  c.maxDevices = 1;
  Certificate d = CertifyPlan(p, c, plan);
  EXPECT_NEAR(d.bound, 12.0, 1e-9);
  EXPECT_EQ(d.binding, "devices");
  EXPECT_GE(d.bound, ExhaustiveOptimise(p, c).objective);
  // No limit that binds: the value of everything (equal here to 7.9 + every gain).
  c.maxDevices = 0;
  c.maxCost = 0;
  EXPECT_NEAR(CertifyPlan(p, c, plan).bound, 16.0, 1e-9);
}

TEST(PlannerBound, CombineKeepsTheSmallerBound) {
  Certificate a{5, 10, 0.5, "storage"}, b{8, 9, 1 - 8.0 / 9, "cost"};
  Certificate c = Combine(a, b);
  EXPECT_DOUBLE_EQ(c.bound, 9);
  EXPECT_DOUBLE_EQ(c.value, 8);
  EXPECT_EQ(c.binding, "cost");
  EXPECT_NEAR(c.gap, 1 - 8.0 / 9, 1e-12);
}

TEST(PlannerBound, TighteningNeverLosesValueAndStaysFeasible) {
  int ran = 0, proved = 0;
  for (uint64_t seed = 1; seed <= 6; ++seed) {
    Problem p = MakeSyntheticProblem(14, 150, 25, seed + 300);  // small: the exact search ends
    Constraints c = p.constraints;
    c.maxCost = 25;
    Solution greedy = GreedyOptimise(p, c);
    TightenOptions opt;
    opt.seconds = 5;
    opt.gapThreshold = 0;  // search until a local optimum
    Certificate cert;
    Tightening t;
    Solution s = Tighten(p, c, greedy, opt, cert, &t);
    EXPECT_TRUE(t.ran);
    EXPECT_TRUE(Feasible(p, c, s.modes)) << "seed " << seed;
    EXPECT_GE(s.objective, greedy.objective - 1e-9) << "seed " << seed;
    EXPECT_NEAR(s.objective, Objective(p, s.modes), 1e-6 * s.objective);
    EXPECT_NEAR(t.valueAfter, s.objective, 1e-9 * s.objective);
    EXPECT_LE(t.gapAfter, t.gapBefore + 1e-12);
    EXPECT_GE(cert.bound, s.objective);
    EXPECT_NEAR(cert.gap, 1 - s.objective / cert.bound, 1e-9);
    // The bound stays at least the best value the exact search finds (when it finishes).
    auto exact = ExactOptimise(p, c, 5'000'000);
    if (exact) {
      EXPECT_GE(cert.bound, exact->objective * (1 - 1e-9)) << "seed " << seed;
      EXPECT_LE(s.objective, exact->objective * (1 + 1e-9)) << "seed " << seed;
      ++proved;
    }
    ran += t.moves > 0 ? 1 : 0;
  }
  EXPECT_GT(ran, 0) << "the local search never improved a greedy plan";
  EXPECT_GT(proved, 0) << "the exact search never finished: nothing checked the bound";
}

TEST(PlannerBound, OptimiseTightensLargeInstancesWithLargeGaps) {
  Problem p = MakeSyntheticProblem(40, 600, 60, 4242);
  Constraints c = p.constraints;
  c.maxCost = 30;
  PlanResult r = Optimise(p, c);
  EXPECT_FALSE(r.exactRan);
  Certificate greedyCert = CertifyPlan(p, c, r.greedy.modes);
  if (greedyCert.gap > 0.01) {
    EXPECT_TRUE(r.tightening.ran);
    EXPECT_NEAR(r.tightening.gapBefore, greedyCert.gap, 1e-9);
    EXPECT_GE(r.best.objective, r.greedy.objective);
    EXPECT_LE(r.certificate.gap, greedyCert.gap + 1e-12);
  } else {
    EXPECT_FALSE(r.tightening.ran);
  }
  EXPECT_TRUE(Feasible(p, c, r.best.modes));
}

}  // namespace
}  // namespace vantage::planner
