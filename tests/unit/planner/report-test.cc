// Report files: produced, well formed (SVG and HTML parse), self-contained, and an impossible
// budget explained.
#include "vantage/planner/report.h"

#include <gtest/gtest.h>

#include <cstring>
#include <nlohmann/json.hpp>

#include "test-util.h"
#include "xml-check.h"

namespace vantage::planner {
namespace {

model::Topology SmallTopology() {
  model::Topology t;
  t.name = "tiny <office>";
  model::Zone inet;
  inet.name = "internet";
  inet.kind = model::ZoneKind::kInternet;
  model::Zone lan;
  lan.name = "lan";
  lan.kind = model::ZoneKind::kAccess;
  t.zones = {inet, lan};
  auto node = [](const char* name, model::NodeKind kind, const char* zone) {
    model::Node n;
    n.name = name;
    n.kind = kind;
    n.zone = zone;
    return n;
  };
  t.nodes = {node("inet", model::NodeKind::kInternet, "internet"),
             node("fw", model::NodeKind::kFirewall, "lan"),
             node("core", model::NodeKind::kL3Switch, "lan"),
             node("git", model::NodeKind::kServer, "lan"),
             node("staff", model::NodeKind::kHostGroup, "lan")};
  model::Link l1;
  l1.name = "up";
  l1.endpoints = {"inet", "fw"};
  model::Link l2;
  l2.name = "lan0";
  l2.kind = model::LinkKind::kLan;
  l2.endpoints = {"fw", "core", "git", "staff"};
  t.links = {l1, l2};
  model::CriticalAsset a;
  a.name = "git";
  a.node = "git";
  t.criticalAssets = {a};
  return t;
}

ReportInput MakeInput(const Problem& p, const model::Topology* t) {
  ReportInput in;
  in.topology = t;
  in.problem = &p;
  in.plan = Optimise(p, p.constraints);
  in.metrics = Evaluate(p, in.plan.best.modes);
  in.storageSweep = StorageSweep(p, 8);
  in.paretoFront = CostParetoFront(p, 8);
  in.cheapest = FindCheapestUseful(p, p.constraints);
  in.topologyPath = "topologies/tiny.yaml";
  in.scenarioPath = "scenarios/tiny.yaml";
  in.runDir = "run";
  in.verification.note = "--no-verify";
  return in;
}

void ExpectSelfContained(const std::string& html) {
  for (const char* bad : {"http://", "https://", "src=", "href=", "url("}) {
    EXPECT_EQ(html.find(bad), std::string::npos) << "report.html contains " << bad;
  }
}

TEST(PlannerReport, FilesProducedAndWellFormed) {
  Problem p = test::HandProblem();
  model::Topology t = SmallTopology();
  ReportInput in = MakeInput(p, &t);
  test::TempDir d("report");
  ASSERT_TRUE(WriteReport(d.Path(), in));
  std::string map = test::ReadFile(d.File("map.svg"));
  std::string coverage = test::ReadFile(d.File("coverage.svg"));
  std::string html = test::ReadFile(d.File("report.html"));
  std::string md = test::ReadFile(d.File("report.md"));
  std::string json = test::ReadFile(d.File("plan.json"));
  EXPECT_EQ(test::CheckXml(map), "");
  EXPECT_EQ(test::CheckXml(coverage), "");
  EXPECT_EQ(test::CheckHtml(html), "");
  ExpectSelfContained(html);
  EXPECT_NE(html.find("<svg"), std::string::npos);  // the map and the plot are inline
  // The map colours A red (both) and B green (flow export). B carries a share of its own, so
  // no point is lower priority (the legend names amber whatever the plan).
  EXPECT_NE(map.find("#d0312d"), std::string::npos);
  EXPECT_NE(map.find("#2e9d4a"), std::string::npos);
  EXPECT_EQ(map.find("flows (lower priority)"), std::string::npos);
  auto j = nlohmann::json::parse(json);
  ASSERT_EQ(j["points"].size(), 2u);
  EXPECT_EQ(j["points"][0]["mode"], "both");
  EXPECT_EQ(j["points"][0]["colour"], "red");
  EXPECT_EQ(j["points"][1]["colour"], "green");
  EXPECT_TRUE(j["feasible"].get<bool>());
  EXPECT_DOUBLE_EQ(j["metrics"]["flow_visibility"].get<double>(), 1.0);
  // Words architects look for.
  for (const char* word : {"green", "red", "centres of gravity", "NAT", "directionality",
                           "time-based analysis", "compliance"}) {
    EXPECT_NE(md.find(word), std::string::npos) << word;
  }
  // Every point is explained.
  EXPECT_NE(md.find("**A**"), std::string::npos);
  EXPECT_NE(md.find("**B**"), std::string::npos);
}

// A flow-only point whose own share is under 5% is amber: its colour, plan.json and its
// explanation; the same point without the flag is green.
TEST(PlannerReport, LowPriorityPointIsAmber) {
  Problem p = test::HandProblem();
  PointInfo c = p.points[1];  // C sees what B sees: each of the two adds nothing of its own
  c.name = "C";
  p.points.push_back(c);
  ReportInput in = MakeInput(p, nullptr);
  in.plan.best.modes = {Mode::kBoth, Mode::kFlow, Mode::kFlow};
  in.plan.lowPriority = LowPriorityPoints(p, p.constraints, in.plan.best.modes);
  ASSERT_EQ(in.plan.lowPriority, (std::vector<bool>{false, true, true}));
  EXPECT_EQ(PointColour(in, 0), "red");
  EXPECT_EQ(PointColour(in, 1), "amber");
  EXPECT_EQ(PointColour(in, 2), "amber");
  auto j = nlohmann::json::parse(RenderPlanJson(in));
  EXPECT_EQ(j["points"][1]["colour"], "amber");
  EXPECT_NE(RenderMarkdown(in).find("Lower priority:"), std::string::npos);
  in.plan.lowPriority = {false, false, false};
  EXPECT_EQ(PointColour(in, 1), "green");
  EXPECT_EQ(RenderMarkdown(in).find("Lower priority:"), std::string::npos);
}

TEST(PlannerReport, DeterministicOutput) {
  Problem p = test::HandProblem();
  model::Topology t = SmallTopology();
  ReportInput a = MakeInput(p, &t), b = MakeInput(p, &t);
  EXPECT_EQ(RenderHtml(a), RenderHtml(b));
  EXPECT_EQ(RenderPlanJson(a), RenderPlanJson(b));
}

TEST(PlannerReport, ImpossibleBudgetIsExplained) {
  Problem p = test::HandProblem();
  p.constraints.storageBytes = 100;
  ReportInput in = MakeInput(p, nullptr);
  EXPECT_EQ(in.plan.best.devices, 0u);
  std::string md = RenderMarkdown(in);
  EXPECT_NE(md.find("Nothing fits"), std::string::npos);
  EXPECT_NE(md.find("full at A"), std::string::npos) << md.substr(0, 600);
  auto j = nlohmann::json::parse(RenderPlanJson(in));
  EXPECT_FALSE(j["feasible"].get<bool>());
  EXPECT_EQ(j["cheapest_useful"]["point"], "A");
  EXPECT_EQ(test::CheckXml(RenderMapSvg(in, true)), "");
  EXPECT_EQ(test::CheckHtml(RenderHtml(in)), "");
  ExpectSelfContained(RenderHtml(in));
}

TEST(PlannerReport, SyntheticProblemWithoutTopology) {
  Problem p = MakeSyntheticProblem(30, 200, 40, 9);
  ReportInput in = MakeInput(p, nullptr);
  EXPECT_EQ(test::CheckXml(RenderMapSvg(in, true)), "");
  EXPECT_EQ(test::CheckXml(RenderCoverageSvg(in, true)), "");
  EXPECT_EQ(test::CheckHtml(RenderHtml(in)), "");
  EXPECT_FALSE(SummaryTable(in).empty());
}

// One point that misses 2 of 20,000 flows (one north-south flow to the critical asset, one
// east-west flow): no report, summary or explanation may claim it sees 100% of anything.
TEST(PlannerReport, NearlyAllIsNeverPrintedAsAll) {
  Problem p;
  p.assets = {"git"};
  p.dayFactor = 1;
  PointInfo a;
  a.name = "A";
  a.node = "fw";
  a.canFull = true;
  a.recordsPerDay = 20000;
  a.bytesPerRecord = 50;
  a.flowBytesPerDay = 1e6;
  a.pcapBytesPerDay = 1e7;
  for (uint32_t i = 0; i < 20000; ++i) {
    const bool critical = i % 2 == 0;
    p.flows.push_back({1, 100, i % 4 == 0, critical ? 1.0 : 0.0, critical ? 0 : -1, -1, false});
    if (i > 1) a.hits.push_back({i, 1, true, false, 1.0f});
  }
  p.points = {a};
  p.constraints.storageBytes = 1e12;
  p.constraints.flowRetentionDays = 10;
  p.constraints.fullRetentionDays = 1;
  model::Topology t = SmallTopology();
  ReportInput in = MakeInput(p, &t);
  ASSERT_EQ(in.plan.best.devices, 1u);
  ASSERT_LT(in.metrics.criticalCoverage, 1.0);
  ASSERT_GE(in.metrics.criticalCoverage, 0.9999);
  const std::string md = RenderMarkdown(in);
  const std::string html = RenderHtml(in);
  const std::string summary = SummaryTable(in);
  const std::string explanation =
      nlohmann::json::parse(RenderPlanJson(in))["points"][0]["explanation"].get<std::string>();
  const std::string map = RenderMapSvg(in, true);
  // "100% of X" only where it is exact: the greedy reaching the optimum.
  auto claimsAll = [](const std::string& text) {
    for (const char* all : {"100% of", "100.0% of"}) {
      for (size_t at = text.find(all); at != std::string::npos; at = text.find(all, at + 1)) {
        if (text.compare(at, std::strlen(all) + 12, std::string(all) + " the optimum") != 0) {
          return true;
        }
      }
    }
    return false;
  };
  for (const std::string* text : {&md, &html, &summary, &explanation, &map}) {
    EXPECT_FALSE(claimsAll(*text)) << *text;
  }
  // One more decimal where it tells the difference, else rounded down.
  EXPECT_NE(summary.find("critical-asset coverage 99.99%"), std::string::npos) << summary;
  EXPECT_NE(summary.find("east-west 99.99%"), std::string::npos) << summary;
  EXPECT_NE(md.find("| critical-asset coverage (weighted by criticality; git) | 99.99% |"),
            std::string::npos);
  EXPECT_NE(md.find("| east-west visibility (internal) | 99.99% |"), std::string::npos);
  EXPECT_NE(html.find("99.99%"), std::string::npos);
  EXPECT_NE(explanation.find("It sees 99.9% of all flows on its own (99.9% of north-south, 99.9% "
                             "of east-west, 99.9% of flows touching"),
            std::string::npos)
      << explanation;
  EXPECT_NE(map.find("sees 99.9% of flows, 99.9% of centre-of-gravity flows (99.9% under"),
            std::string::npos);
}

TEST(PlannerReport, XmlCheckerRejectsBrokenSvg) {
  EXPECT_NE(test::CheckXml("<svg><g></svg>"), "");
  EXPECT_NE(test::CheckXml("<svg a=b></svg>"), "");
  EXPECT_NE(test::CheckXml("<svg>&nbsp;</svg>"), "");
  EXPECT_EQ(test::CheckXml("<svg><g a=\"1\"/></svg>"), "");
}

// A long point name used to be cut at a 512-byte formatting buffer in the printed summary;
// every output now carries it whole, escaped where it is markup.
TEST(PlannerReport, LongPointNamesAreNotCut) {
  Problem p = test::HandProblem();
  std::string name = std::string(600, 'p') + "<&>-end";
  p.points[0].name = name;
  model::Topology t = SmallTopology();
  ReportInput in = MakeInput(p, &t);
  EXPECT_NE(SummaryTable(in).find(name + " "), std::string::npos);
  EXPECT_NE(RenderMarkdown(in).find("| " + name + " |"), std::string::npos);
  EXPECT_NE(RenderHtml(in).find(std::string(600, 'p') + "&lt;&amp;&gt;-end"), std::string::npos);
  EXPECT_EQ(test::CheckHtml(RenderHtml(in)), "");
}

}  // namespace
}  // namespace vantage::planner
