// The multi-seed objective: the combined problem's objective is the sum of the per-seed
// objectives, and the exact search on it still equals brute force.
#include "vantage/planner/multi-seed.h"

#include <gtest/gtest.h>

#include <random>

#include "vantage/planner/metrics.h"
#include "vantage/planner/optimiser.h"
#include "vantage/sweep/robust-plan.h"

namespace vantage::sweep {
namespace {

using planner::Mode;
using planner::Placement;
using planner::Problem;

// Seeds of one topology: the same points and capabilities, different flows and hits.
std::vector<Problem> SeedProblems(size_t points, size_t flows, size_t seeds, uint64_t base) {
  std::vector<Problem> out;
  for (size_t s = 0; s < seeds; ++s) {
    Problem p = planner::MakeSyntheticProblem(points, flows + 3 * s, flows / 3 + 2, base + s);
    if (!out.empty()) {
      for (size_t i = 0; i < points; ++i) {
        auto hits = p.points[i].hits;
        double flowBytes = p.points[i].flowBytesPerDay, pcap = p.points[i].pcapBytesPerDay;
        p.points[i] = out[0].points[i];
        p.points[i].hits = hits;
        p.points[i].flowBytesPerDay = flowBytes;
        p.points[i].pcapBytesPerDay = out[0].points[i].canFull ? pcap : 0.0;
      }
      p.constraints = out[0].constraints;
    }
    out.push_back(p);
  }
  return out;
}

Placement RandomPlacement(const Problem& p, std::mt19937_64& rng) {
  Placement x(p.points.size(), Mode::kNone);
  for (size_t i = 0; i < x.size(); ++i) {
    Mode m = static_cast<Mode>(rng() % 4);
    x[i] = p.points[i].Allows(m) ? m : Mode::kNone;
  }
  return x;
}

TEST(MultiSeed, ObjectiveIsTheSumOfPerSeedObjectives) {
  std::mt19937_64 rng(11);
  for (uint64_t base = 0; base < 20; ++base) {
    auto seeds = SeedProblems(6, 30, 1 + base % 5, base * 17);
    auto combined = planner::CombineProblems(seeds);
    ASSERT_TRUE(combined) << combined.GetError().message;
    for (int k = 0; k < 20; ++k) {
      Placement x = RandomPlacement(*combined, rng);
      double sum = 0;
      for (const auto& s : seeds) sum += planner::Objective(s, x);
      EXPECT_NEAR(planner::Objective(*combined, x), sum, 1e-9 * (1 + sum));
    }
    double maxSum = 0;
    for (const auto& s : seeds) maxSum += planner::MaxObjective(s);
    EXPECT_NEAR(planner::MaxObjective(*combined), maxSum, 1e-9 * (1 + maxSum));
  }
}

TEST(MultiSeed, StorageIsTheMeanAcrossSeeds) {
  auto seeds = SeedProblems(5, 20, 3, 99);
  auto combined = planner::CombineProblems(seeds);
  ASSERT_TRUE(combined);
  for (size_t i = 0; i < 5; ++i) {
    double mean = 0;
    for (const auto& s : seeds) mean += s.points[i].flowBytesPerDay / 3.0;
    EXPECT_NEAR(combined->points[i].flowBytesPerDay, mean, 1e-9 * (1 + mean));
  }
}

TEST(MultiSeed, ExactSearchStillEqualsBruteForce) {
  for (uint64_t base = 0; base < 12; ++base) {
    auto seeds = SeedProblems(3 + base % 4, 24, 2 + base % 3, 300 + base * 7);
    auto combined = planner::CombineProblems(seeds);
    ASSERT_TRUE(combined);
    const auto& c = combined->constraints;
    auto exact = planner::ExactOptimise(*combined, c);
    ASSERT_TRUE(exact);
    planner::Solution brute = planner::ExhaustiveOptimise(*combined, c);
    EXPECT_NEAR(exact->objective, brute.objective, 1e-9 * (1 + brute.objective)) << base;
    EXPECT_TRUE(planner::Feasible(*combined, c, exact->modes));
  }
}

TEST(MultiSeed, RefusesRunsOfOtherPoints) {
  auto seeds = SeedProblems(4, 20, 2, 5);
  seeds[1].points[2].name = "elsewhere";
  auto combined = planner::CombineProblems(seeds);
  ASSERT_FALSE(combined);
  EXPECT_NE(combined.GetError().message.find("other candidate points"), std::string::npos);
  EXPECT_FALSE(planner::CombineProblems({}));
}

TEST(MultiSeed, PlanAcrossSeedsSummarisesAndChecksOutOfSample) {
  auto seeds = SeedProblems(6, 40, 4, 42);
  auto r = PlanAcrossSeeds(seeds, {1, 2, 3, 4}, seeds[0].constraints);
  ASSERT_TRUE(r) << r.GetError().message;
  const Summary& fv = r->perMetric.at("flow_visibility");
  EXPECT_EQ(fv.n, 4u);
  EXPECT_LE(fv.ciLow, fv.mean);
  EXPECT_GE(fv.ciHigh, fv.mean);
  double direct = 0;
  for (const auto& s : seeds) direct += planner::Evaluate(s, r->plan.best.modes).flowVisibility;
  EXPECT_NEAR(fv.mean, direct / 4, 1e-12);
  ASSERT_TRUE(r->outOfSample);
  EXPECT_EQ(r->outOfSample->chosenOn, (std::vector<uint64_t>{1, 2}));
  EXPECT_EQ(r->outOfSample->evaluatedOn, (std::vector<uint64_t>{3, 4}));
  // A plan chosen on the second half does at least as well there when the search is exact.
  EXPECT_GE(r->outOfSample->secondHalfBest + 1e-9, r->outOfSample->outOfSample);
}

}  // namespace
}  // namespace vantage::sweep
