// The flow-log mode in the optimiser: chosen where it is cheap and sufficient, a packet-level
// exporter where the log is blind; exact search = enumeration, bound >= optimum >= greedy and a
// local search that never loses value on instances with flow logs; flow logs use no device.
#include <gtest/gtest.h>

#include <random>

#include "vantage/planner/bound.h"
#include "vantage/planner/knee.h"
#include "vantage/planner/metrics.h"
#include "vantage/planner/multi-seed.h"
#include "vantage/planner/optimiser.h"
#include "vantage/planner/problem.h"

namespace vantage::planner {
namespace {

// Two cloud points, each with a packet-level exporter (3 cost units) and a flow log (0.2).
//   "vpc-a": its log shows every flow the exporter sees, each on its own: cheap and sufficient.
//   "vpc-b": its log misses the DNS tunnel (the provider's resolver) and the beacon's flows
//            merge in one window: there the exporter is worth its price.
Problem TwoCloudPoints() {
  Problem p;
  p.behaviours = {"dns_tunnel", "c2_beacon"};
  p.dayFactor = 1;
  // weight, bytes, north-south, criticality, asset, behaviour, natted
  p.flows = {{1, 100, true, 0, -1, -1, false}, {1, 100, false, 0, -1, -1, false},
             {1, 100, true, 0, -1, -1, false}, {1, 100, false, 0, -1, 0, false},
             {1, 100, false, 0, -1, 1, false}, {1, 100, false, 0, -1, 1, false}};
  auto point = [](const char* name, std::vector<Hit> hits) {
    PointInfo pt;
    pt.name = name;
    pt.node = name;
    pt.canFlow = true;
    pt.costFlow = 3;
    pt.canFlowLog = true;
    pt.costFlowLog = 0.2;
    pt.hits = std::move(hits);
    pt.recordsPerDay = 100;
    pt.bytesPerRecord = 50;
    pt.flowBytesPerDay = 5000;
    return pt;
  };
  auto hit = [](uint32_t flow, float logProb) {
    Hit h;
    h.flow = flow;
    h.records = 1;
    h.flowLogProb = logProb;
    h.flowLogDirect = true;
    h.flowLogRecords = logProb > 0 ? 1 : 0;
    return h;
  };
  p.points = {point("vpc-a", {hit(0, 1), hit(1, 1), hit(2, 1)}),
              point("vpc-b", {hit(3, 0), hit(4, 0.5f), hit(5, 0.5f)})};
  p.constraints.storageBytes = 1e9;
  p.constraints.maxCost = 3.5;
  return p;
}

TEST(PlannerFlowLogOptimiser, FlowLogWhereSufficientExporterWhereBlind) {
  Problem p = TwoCloudPoints();
  const Placement want = {Mode::kFlowLog, Mode::kFlow};
  EXPECT_EQ(Objective(p, want), 9.0);
  EXPECT_TRUE(Feasible(p, p.constraints, want));
  const char* names[] = {"exhaustive", "exact", "greedy", "planner"};
  int k = 0;
  for (const Solution& s : {ExhaustiveOptimise(p, p.constraints), *ExactOptimise(p, p.constraints),
                            GreedyOptimise(p, p.constraints), Optimise(p, p.constraints).best}) {
    const char* name = names[k++];
    EXPECT_EQ(s.modes, want) << name << ": " << ModeName(s.modes[0]) << ", "
                             << ModeName(s.modes[1]);
    EXPECT_NEAR(s.cost, 3.2, 1e-12);
  }
  Metrics m = Evaluate(p, want);
  EXPECT_EQ(m.flowVisibility, 1.0);
  EXPECT_EQ(m.devices, 1u);  // the flow log needs none
  EXPECT_EQ(m.points, 2u);
  // Under a limit that no exporter fits, both logs are the best plan.
  Constraints c = p.constraints;
  c.maxCost = 1;
  EXPECT_EQ(ExhaustiveOptimise(p, c).modes, Placement({Mode::kFlowLog, Mode::kFlowLog}));
  EXPECT_EQ(Optimise(p, c).best.modes, Placement({Mode::kFlowLog, Mode::kFlowLog}));
}

TEST(PlannerFlowLogOptimiser, FlowLogsNeedNoDevice) {
  Problem p = TwoCloudPoints();
  Constraints c = p.constraints;
  c.maxCost = 0;
  c.maxDevices = 1;
  Solution s = ExhaustiveOptimise(p, c);
  EXPECT_TRUE(Feasible(p, c, {Mode::kFlowLog, Mode::kFlow}));
  EXPECT_FALSE(Feasible(p, c, {Mode::kFlow, Mode::kFlow}));
  // One device (the exporter at vpc-b, where the log is blind) and the other point's log.
  EXPECT_EQ(s.modes, Placement({Mode::kFlowLog, Mode::kFlow}));
  EXPECT_EQ(Optimise(p, c).best.modes, s.modes);
  Certificate cert = CertifyPlan(p, c, Placement(2, Mode::kNone));
  EXPECT_GE(cert.bound, s.objective - 1e-12);
}

TEST(PlannerFlowLogOptimiser, WithoutFlowLogsNothingChanges) {
  // The flow-log generator draws from a generator of its own: the rest of the instance is the
  // same, and with every log's capability removed so are the plan and its value.
  for (uint64_t seed = 1; seed <= 20; ++seed) {
    Problem plain = MakeSyntheticProblem(6, 40, 12, seed);
    Problem logged = MakeSyntheticProblem(6, 40, 12, seed, 0.6);
    for (auto& pt : logged.points) pt.canFlowLog = false;
    Solution a = ExhaustiveOptimise(plain, plain.constraints);
    Solution b = ExhaustiveOptimise(logged, logged.constraints);
    EXPECT_EQ(a.modes, b.modes) << "seed " << seed;
    EXPECT_NEAR(a.objective, b.objective, 1e-9 * std::max(1.0, a.objective)) << "seed " << seed;
  }
}

Constraints Seeded(const Problem& p, uint64_t seed) {
  std::mt19937_64 rng(seed * 31 + 7);
  double all = 0;
  for (size_t i = 0; i < p.points.size(); ++i) all += p.Storage(i, Mode::kBoth);
  Constraints c = p.constraints;
  c.storageBytes = all * static_cast<double>(rng() % 1001) / 1000.0;
  c.maxDevices = rng() % 2 ? 1 + static_cast<uint32_t>(rng() % p.points.size()) : 0;
  c.maxCost = rng() % 2 ? 1 + static_cast<double>(rng() % 15) : 0;
  return c;
}

TEST(PlannerFlowLogOptimiser, ExactBoundAndGreedyOnRandomInstancesWithFlowLogs) {
  int chosen = 0;
  for (uint64_t seed = 1; seed <= 120; ++seed) {
    size_t points = 1 + seed % 6, flows = 6 + seed % 25;
    Problem p = MakeSyntheticProblem(points, flows, std::max<size_t>(2, flows / 3), seed, 0.6);
    Constraints c = Seeded(p, seed);
    Solution brute = ExhaustiveOptimise(p, c);
    const double tol = 1e-9 * std::max(1.0, brute.objective);
    auto exact = ExactOptimise(p, c);
    ASSERT_TRUE(exact);
    EXPECT_NEAR(exact->objective, brute.objective, tol) << "seed " << seed;
    EXPECT_TRUE(Feasible(p, c, exact->modes)) << "seed " << seed;
    Solution greedy = GreedyOptimise(p, c);
    EXPECT_TRUE(Feasible(p, c, greedy.modes)) << "seed " << seed;
    EXPECT_LE(greedy.objective, brute.objective + tol) << "seed " << seed;
    for (const Placement& at : {greedy.modes, Placement(points, Mode::kNone), brute.modes}) {
      Certificate cert = CertifyPlan(p, c, at);
      EXPECT_GE(cert.bound, brute.objective - tol) << "seed " << seed << " " << cert.binding;
    }
    EXPECT_NEAR(Objective(p, brute.modes), Evaluate(p, brute.modes).objective, tol);
    for (Mode m : brute.modes) chosen += m == Mode::kFlowLog ? 1 : 0;
  }
  EXPECT_GT(chosen, 0) << "no optimal plan used a flow log: the instances test nothing";
}

TEST(PlannerFlowLogOptimiser, TighteningAndKneeHandleFlowLogs) {
  int knees = 0;
  for (uint64_t seed = 1; seed <= 4; ++seed) {
    Problem p = MakeSyntheticProblem(12, 120, 20, seed + 700, 0.5);
    Constraints c = p.constraints;
    c.maxCost = 12;
    Solution greedy = GreedyOptimise(p, c);
    TightenOptions opt;
    opt.seconds = 5;
    opt.gapThreshold = 0;
    Certificate cert;
    Solution s = Tighten(p, c, greedy, opt, cert);
    EXPECT_TRUE(Feasible(p, c, s.modes)) << "seed " << seed;
    EXPECT_GE(s.objective, greedy.objective - 1e-9) << "seed " << seed;
    EXPECT_NEAR(s.objective, Objective(p, s.modes), 1e-6 * std::max(1.0, s.objective));
    Knee k = FindKnee(p, c, Optimise(p, c).best, CostParetoFront(p, 8), 0.01);
    if (k.found) {
      ++knees;
      EXPECT_TRUE(Feasible(p, c, k.plan.modes)) << "seed " << seed;
    }
  }
  EXPECT_GT(knees, 0) << "no instance had a knee: the knee check above never ran";
}

TEST(PlannerFlowLogOptimiser, MultiSeedKeepsFlowLogs) {
  Problem a = MakeSyntheticProblem(5, 30, 10, 3, 1.0);
  Problem b = MakeSyntheticProblem(5, 30, 10, 3, 1.0);
  auto combined = CombineProblems({a, b});
  ASSERT_TRUE(combined);
  for (size_t i = 0; i < a.points.size(); ++i) {
    EXPECT_TRUE(combined->points[i].canFlowLog);
    EXPECT_NEAR(combined->points[i].flowLog.bytesPerDay, a.points[i].flowLog.bytesPerDay, 1e-6);
  }
  Placement logs(a.points.size(), Mode::kFlowLog);
  EXPECT_NEAR(Objective(*combined, logs), 2 * Objective(a, logs), 1e-9);
}

}  // namespace
}  // namespace vantage::planner
