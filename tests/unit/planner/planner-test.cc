// Metrics on hand-built observation sets with known answers, and record matching with NAT.
#include <gtest/gtest.h>

#include "test-util.h"
#include "vantage/planner/metrics.h"
#include "vantage/planner/observations.h"

namespace vantage::planner {
namespace {

using test::HandProblem;

TEST(PlannerMetrics, FlowExportAtOnePoint) {
  Problem p = HandProblem();
  Metrics m = Evaluate(p, {Mode::kFlow, Mode::kNone});
  EXPECT_DOUBLE_EQ(m.flowVisibility, 4.0 / 8.0);
  EXPECT_DOUBLE_EQ(m.flowVisibilityUnweighted, 3.0 / 4.0);
  EXPECT_DOUBLE_EQ(m.byteVisibility, 1300.0 / 5300.0);
  EXPECT_DOUBLE_EQ(m.northSouthVisibility, 1.0);
  EXPECT_DOUBLE_EQ(m.eastWestVisibility, 2.0 / 6.0);
  EXPECT_DOUBLE_EQ(m.criticalCoverage, 1.0);
  EXPECT_DOUBLE_EQ(m.criticalFullShare, 0.0);
  EXPECT_DOUBLE_EQ(m.behaviourVisibility.at("c2_beacon"), 1.0);
  // f0 and f2 are seen only after NAT; the log recovers f0.
  EXPECT_DOUBLE_EQ(m.natLossWithoutLog, 2.0 / 4.0);
  EXPECT_DOUBLE_EQ(m.natLossWithLog, 1.0 / 4.0);
  EXPECT_DOUBLE_EQ(m.duplicateRecordsPerDay, 0.0);
  EXPECT_DOUBLE_EQ(m.flowBytesPerDay, 500);
  EXPECT_DOUBLE_EQ(m.fullBytesPerDay, 0);
  EXPECT_DOUBLE_EQ(m.storageRequired, 500.0 * 100);
  EXPECT_DOUBLE_EQ(m.flowRetentionFitDays, 1e6 / 500);
  EXPECT_TRUE(m.flowRetentionMet);
  EXPECT_EQ(m.devices, 1u);
  EXPECT_DOUBLE_EQ(m.cost, 1);
  // Objective: f0 1*0.9 + f1 2*(1+2)*1 + f2 1*(1+1)*0.5.
  EXPECT_NEAR(m.objective, 0.9 + 6 + 1, 1e-12);
}

TEST(PlannerMetrics, FullCaptureAddsCriticalPayload) {
  Problem p = HandProblem();
  Metrics m = Evaluate(p, {Mode::kFull, Mode::kNone});
  EXPECT_DOUBLE_EQ(m.flowVisibility, 0.5);
  EXPECT_DOUBLE_EQ(m.criticalFullShare, 1.0);
  EXPECT_DOUBLE_EQ(m.fullBytesPerDay, 2000);
  EXPECT_DOUBLE_EQ(m.flowBytesPerDay, 0);
  // Full capture alone gives flow history for 10 of 100 days, plus the payload bonus.
  EXPECT_NEAR(m.objective, 0.1 * (0.9 + 6 + 1) + 2 * 2, 1e-12);
}

TEST(PlannerMetrics, DuplicationAndNatAcrossPoints) {
  Problem p = HandProblem();
  Metrics m = Evaluate(p, {Mode::kFlow, Mode::kFlow});
  EXPECT_DOUBLE_EQ(m.flowVisibility, 1.0);
  EXPECT_DOUBLE_EQ(m.eastWestVisibility, 1.0);
  EXPECT_DOUBLE_EQ(m.natLossWithoutLog, 1.0 / 8.0);  // only f2 stays unattributed
  EXPECT_DOUBLE_EQ(m.natLossWithLog, 1.0 / 8.0);
  // f0: records 2 at A and 1 at B -> 1 duplicate (weight 1); f1: 1 and 1 -> 1 (weight 2).
  EXPECT_DOUBLE_EQ(m.duplicateRecordsPerDay, 3.0);
  EXPECT_DOUBLE_EQ(m.duplicateBytesPerDay, 150.0);
  EXPECT_DOUBLE_EQ(m.recordsPerDay, 30.0);
  EXPECT_DOUBLE_EQ(m.duplicateShare, 0.1);
  EXPECT_EQ(m.devices, 2u);
  EXPECT_DOUBLE_EQ(m.cost, 3);
}

TEST(PlannerMetrics, RetentionAgainstBudget) {
  Problem p = HandProblem();
  Metrics m = Evaluate(p, {Mode::kBoth, Mode::kNone});
  EXPECT_DOUBLE_EQ(m.storageRequired, 500.0 * 100 + 2000.0 * 10);
  EXPECT_DOUBLE_EQ(m.flowRetentionFitDays, (1e6 - 20000) / 500);
  EXPECT_DOUBLE_EQ(m.fullRetentionFitDays, (1e6 - 50000) / 2000);
  EXPECT_TRUE(m.withinBudget);
  p.constraints.storageBytes = 60000;
  m = Evaluate(p, {Mode::kBoth, Mode::kNone});
  EXPECT_FALSE(m.withinBudget);
  EXPECT_DOUBLE_EQ(m.flowRetentionFitDays, 80);
  EXPECT_DOUBLE_EQ(m.fullRetentionFitDays, 5);
  EXPECT_FALSE(m.flowRetentionMet);
  EXPECT_FALSE(m.fullRetentionMet);
}

TEST(PlannerMetrics, EmptyPlacementSeesNothing) {
  Problem p = HandProblem();
  Metrics m = Evaluate(p, {Mode::kNone, Mode::kNone});
  EXPECT_EQ(m.flowVisibility, 0);
  EXPECT_EQ(m.objective, 0);
  EXPECT_EQ(m.devices, 0u);
  EXPECT_TRUE(m.withinBudget);
}

// Record matching on a small NAT network: 10.0.0.5 behind a NAT with public 198.51.100.1.
class NatMatching : public ::testing::Test {
 protected:
  void SetUp() override {
    run.manifest.durationS = 600;
    run.manifest.representsS = 86400;
    auto ip = [](const char* s) { return *core::IpAddress::Parse(s); };
    GroundTruthFlow f;
    f.id = 1;
    f.srcIp = ip("10.0.0.5");
    f.srcPort = 40000;
    f.dstIp = ip("203.0.113.9");
    f.dstPort = 443;
    f.protocol = 6;
    f.natIp = ip("198.51.100.1");
    f.natPort = 1024;
    f.startNs = 1'000'000'000'000;
    f.endNs = 1'000'500'000'000;
    run.flows.push_back(f);
    GroundTruthFlow g = f;  // second flow: its binding is not in the log
    g.id = 2;
    g.srcPort = 40001;
    g.natPort = 1025;
    run.flows.push_back(g);
    GroundTruthFlow h = f;  // internal flow, no NAT
    h.id = 3;
    h.dstIp = ip("10.0.1.7");
    h.dstPort = 22;
    h.natIp = {};
    h.natPort = 0;
    run.flows.push_back(h);
    NatEventRow e;
    e.timeNs = f.startNs;
    e.node = "nat1";
    e.event = 10;
    e.protocol = 6;
    e.insideIp = f.srcIp;
    e.insidePort = f.srcPort;
    e.outsideIp = f.natIp;
    e.outsidePort = f.natPort;
    run.natEvents.push_back(e);
  }

  core::FlowRecord Record(const char* src, uint16_t sp, const char* dst, uint16_t dp,
                          int64_t startNs) {
    core::FlowRecord r;
    r.key.src = *core::IpAddress::Parse(src);
    r.key.dst = *core::IpAddress::Parse(dst);
    r.key.srcPort = sp;
    r.key.dstPort = dp;
    r.key.protocol = 6;
    r.start = core::Timestamp::FromNanos(startNs);
    r.end = core::Timestamp::FromNanos(startNs + 1'000'000'000);
    r.packets = 3;
    r.octets = 180;
    return r;
  }

  RunData run;
};

TEST_F(NatMatching, AttributionBeforeAndAfterNat) {
  MatchIndex index(run);
  int64_t t = 1'000'100'000'000;
  std::vector<core::FlowRecord> inside = {Record("10.0.0.5", 40000, "203.0.113.9", 443, t),
                                          Record("203.0.113.9", 443, "10.0.0.5", 40000, t)};
  PointObservation in = MatchPoint(run, index, "inside", inside);
  ASSERT_EQ(in.matches.size(), 1u);
  EXPECT_EQ(in.matches[0].flow, 0u);
  EXPECT_EQ(in.matches[0].records, 2u);  // both directions
  EXPECT_EQ(in.matches[0].GetAttribution(), Attribution::kDirect);

  std::vector<core::FlowRecord> outside = {
      Record("198.51.100.1", 1024, "203.0.113.9", 443, t),  // flow 0, binding logged
      Record("203.0.113.9", 443, "198.51.100.1", 1025, t),  // flow 1, reverse, not logged
      Record("198.51.100.1", 1026, "203.0.113.9", 443, t),  // nobody
      Record("198.51.100.1", 1024, "203.0.113.9", 443, t + 3'600'000'000'000),  // too late
  };
  PointObservation out = MatchPoint(run, index, "outside", outside);
  ASSERT_EQ(out.matches.size(), 2u);
  EXPECT_EQ(out.unmatchedRecords, 2u);
  EXPECT_EQ(out.matches[0].GetAttribution(), Attribution::kNatLog);
  EXPECT_EQ(out.matches[1].GetAttribution(), Attribution::kLost);
}

TEST_F(NatMatching, NoEventLogMeansLost) {
  run.natEvents.clear();
  MatchIndex index(run);
  int64_t t = 1'000'100'000'000;
  PointObservation out =
      MatchPoint(run, index, "outside", {Record("198.51.100.1", 1024, "203.0.113.9", 443, t)});
  ASSERT_EQ(out.matches.size(), 1u);
  EXPECT_EQ(out.matches[0].GetAttribution(), Attribution::kLost);
  // A flow that never crossed NAT is always direct.
  PointObservation internal =
      MatchPoint(run, index, "core", {Record("10.0.1.7", 22, "10.0.0.5", 40000, t)});
  ASSERT_EQ(internal.matches.size(), 1u);
  EXPECT_EQ(internal.matches[0].flow, 2u);
  EXPECT_EQ(internal.matches[0].GetAttribution(), Attribution::kDirect);
}

}  // namespace
}  // namespace vantage::planner
