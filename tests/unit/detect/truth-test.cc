// Scoring findings against a hand-built run's ground truth: the numbers are checked by hand.
#include <gtest/gtest.h>

#include "test-flows.h"
#include "vantage/planner/detectability.h"
#include "vantage/planner/detection.h"

namespace vantage::planner {
namespace {

using detect::test::AddConn;
using detect::test::ConnSpec;
using detect::test::Ip;
using detect::test::kT0;

GroundTruthFlow Truth(const ConnSpec& c, uint64_t id, const std::string& label,
                      const std::string& behaviour) {
  GroundTruthFlow g;
  g.id = id;
  g.label = label;
  g.behaviour = behaviour;
  g.srcIp = Ip(c.client);
  g.dstIp = Ip(c.server);
  g.srcHost = c.client == "10.1.0.5" ? "admin-1" : "staff-1";
  g.dstHost = c.server == "10.2.0.9" ? "accounting" : "ad";
  g.srcGroup = g.srcHost;
  g.dstGroup = g.dstHost;
  g.srcPort = c.clientPort;
  g.dstPort = c.serverPort;
  g.protocol = c.protocol;
  g.startNs = kT0 + static_cast<int64_t>(c.startS * 1e9);
  g.endNs = g.startNs + static_cast<int64_t>(c.durationS * 1e9);
  return g;
}

TEST(DetectTruth, HandCheckedRun) {
  RunData run;
  std::vector<core::FlowRecord> records;
  // The behaviour: a scan of 20 ports, one probe a second from t = 10 s.
  for (int i = 0; i < 20; ++i) {
    ConnSpec p = detect::test::Probe("10.1.0.5", "10.2.0.9", static_cast<uint16_t>(100 + i), 10 + i,
                                     static_cast<uint16_t>(40000 + i));
    AddConn(records, p);
    run.flows.push_back(Truth(p, run.flows.size(), "recon", "port_scan"));
  }
  // Benign DNS with requests big enough to look like a tunnel: 30 queries (a false positive).
  for (int i = 0; i < 30; ++i) {
    ConnSpec c;
    c.client = "10.1.0.6";
    c.server = "10.2.0.53";
    c.clientPort = static_cast<uint16_t>(30000 + i);
    c.serverPort = 53;
    c.protocol = 17;
    c.startS = i * 5;
    c.durationS = 0.01;
    c.packetsOut = c.packetsIn = 1;
    c.bytesOut = 150;
    c.bytesIn = 300;
    AddConn(records, c);
    run.flows.push_back(Truth(c, run.flows.size(), "dns", ""));
  }
  // A labelled behaviour nobody detects.
  ConnSpec quiet;
  quiet.client = "10.1.0.5";
  quiet.server = "198.51.100.1";
  quiet.startS = 50;
  run.flows.push_back(Truth(quiet, run.flows.size(), "quiet-c2", "c2_beacon"));
  AddConn(records, quiet);

  detect::FlowSet set = detect::test::SetOf(records);
  auto result = detect::RunDetectors(set, detect::test::TestContext(), detect::Rules{});
  ASSERT_EQ(result.findings.size(), 2u);
  TruthScore s = ScoreAgainstTruth(run, set, result.findings);

  ASSERT_EQ(s.behaviours.size(), 2u);
  const BehaviourScore& recon =
      s.behaviours[0].label == "recon" ? s.behaviours[0] : s.behaviours[1];
  const BehaviourScore& c2 = s.behaviours[0].label == "recon" ? s.behaviours[1] : s.behaviours[0];
  EXPECT_TRUE(recon.detected);
  EXPECT_EQ(recon.detectors, std::vector<std::string>{"port_scan"});
  // The 15th distinct port is probed at t = 24 s; the scan started at 10 s.
  EXPECT_NEAR(recon.timeToDetectS, 14.0, 1e-9);
  EXPECT_FALSE(c2.detected);
  EXPECT_DOUBLE_EQ(s.Recall(), 0.5);
  EXPECT_DOUBLE_EQ(s.Precision(), 0.5);
  ASSERT_EQ(s.falsePositives.size(), 1u);
  EXPECT_EQ(result.findings[s.falsePositives[0].finding].detector, "dns_tunnel");
  ASSERT_EQ(s.falsePositives[0].labels.size(), 1u);
  EXPECT_EQ(s.falsePositives[0].labels[0], (std::pair<std::string, uint32_t>{"dns", 30}));
  EXPECT_EQ(s.falsePositives[0].examples[0], "staff-1 -> ad udp/53 dns");
  for (const auto& d : s.detectors) {
    EXPECT_EQ(d.Precision(), d.detector == "port_scan" ? 1.0 : 0.0) << d.detector;
  }
  auto j = ToJson(s);
  EXPECT_EQ(j["recall"], 0.5);
  EXPECT_EQ(j["false_positives"].size(), 1u);
}

}  // namespace
}  // namespace vantage::planner

namespace vantage::planner {
namespace {

TEST(DetectObjective, VisibleButNotDetectedLosesTheBehaviourBonus) {
  // One labelled flow and one benign flow, seen at two points; only "b" detects the behaviour.
  RunData run;
  run.flows.resize(2);
  run.flows[0].label = "recon";
  run.flows[0].behaviour = "port_scan";
  run.flows[1].label = "web";
  Problem p;
  p.behaviours = {"port_scan"};
  p.flows.resize(2);
  p.flows[0].behaviour = 0;
  for (const char* name : {"a", "b"}) {
    PointInfo pt;
    pt.name = name;
    pt.hits = {Hit{0, 1, true, false, 1.0f}, Hit{1, 1, true, false, 1.0f}};
    p.points.push_back(pt);
  }
  Detectability d;
  d.computed = true;
  d.points.resize(2);
  d.points[0].point = "a";
  d.points[0].behaviours = {{"recon", "port_scan", false, {}, -1}};
  d.points[1].point = "b";
  d.points[1].behaviours = {{"recon", "port_scan", true, {"port_scan"}, 3}};
  ApplyDetectObjective(p, d, run);
  // Value with the bonus is 1 + 1 = 2, without it 1: at "a" the hit keeps half its quality.
  EXPECT_FLOAT_EQ(p.points[0].hits[0].detectProb, 0.5f);
  EXPECT_FLOAT_EQ(p.points[1].hits[0].detectProb, 1.0f);
  EXPECT_FLOAT_EQ(p.points[0].hits[1].detectProb, 1.0f);  // benign flows unchanged

  Placement onlyA = {Mode::kFlow, Mode::kNone};
  CombineForPlan(d, p, onlyA);
  ASSERT_EQ(d.plan.size(), 1u);
  EXPECT_FALSE(d.plan[0].detected);
  CombineForPlan(d, p, {Mode::kNone, Mode::kFull});
  EXPECT_TRUE(d.plan[0].detected);
  EXPECT_DOUBLE_EQ(d.plan[0].timeToDetectS, 3);
  Metrics m;
  m.behaviourVisibility["port_scan"] = 1.0;
  CombineForPlan(d, p, onlyA);
  EXPECT_EQ(DetectabilityJson(d, m)["plan"][0]["visible_but_not_detected"], true);
  EXPECT_NE(DetectabilityMarkdown(d, m).find("**yes**"), std::string::npos);
}

}  // namespace
}  // namespace vantage::planner
