// The detectors on a simulated small office: recall 1.0 on an intrusion, few false positives
// on the same benign traffic alone, findings stored in the run's findings table.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "vantage/collector/query.h"
#include "vantage/model/scenario.h"
#include "vantage/model/topology.h"
#include "vantage/planner/detection.h"
#include "vantage/sim/simulation.h"

namespace vantage::planner {
namespace {

namespace fs = std::filesystem;

std::string Simulate(bool withBehaviours, const std::string& name) {
  model::Diagnostics diags;
  auto topo = model::LoadTopology("topologies/small-office.yaml", diags);
  EXPECT_TRUE(topo) << diags.ToString();
  auto sc = model::LoadScenario("tests/data/detect/small-office-intrusion.yaml", *topo, diags);
  EXPECT_TRUE(sc) << diags.ToString();
  if (!withBehaviours) sc->behaviours.clear();
  fs::path out =
      fs::temp_directory_path() / ("vantage-sim-detect-" + name + "-" + std::to_string(::getpid()));
  fs::remove_all(out);
  sim::RunOptions opt;
  opt.outDir = out.string();
  opt.topologyPath = "topologies/small-office.yaml";
  opt.fullCapture = false;
  auto run = sim::RunSimulation(*topo, *sc, opt);
  EXPECT_TRUE(run) << (run ? "" : run.GetError().message);
  return out.string();
}

void Clean(const std::string& dir) {
  if (std::getenv("VANTAGE_KEEP_TEST_OUTPUT") == nullptr) fs::remove_all(dir);
}

TEST(SimDetect, EveryInjectedBehaviourIsDetected) {
  std::string dir = Simulate(true, "intrusion");
  DetectRequest req;
  req.source = dir;
  req.truth = true;
  auto out = DetectSource(req);
  ASSERT_TRUE(out) << out.GetError().message;
  ASSERT_TRUE(out->truth);
  ASSERT_EQ(out->truth->behaviours.size(), 6u);
  for (const auto& b : out->truth->behaviours) {
    EXPECT_TRUE(b.detected) << b.label << " (" << b.kind << ") not detected";
    EXPECT_GE(b.timeToDetectS, 0) << b.label;
  }
  EXPECT_DOUBLE_EQ(out->truth->Recall(), 1.0);
  // Findings went to the run's findings database, readable by `vantage query`.
  EXPECT_EQ(out->findingsDb, (fs::path(dir) / "findings.sqlite").string());
  auto q = collector::RunQueryOnFile(out->findingsDb, "select count(*) from findings");
  ASSERT_TRUE(q) << q.GetError().message;
  EXPECT_EQ(q->rows[0][0], std::to_string(out->result.findings.size()));
  Clean(dir);
}

TEST(SimDetect, QuietTrafficRaisesFewFindings) {
  std::string dir = Simulate(false, "quiet");
  DetectRequest req;
  req.source = dir;
  req.findingsDb = "-";
  req.truth = true;
  auto out = DetectSource(req);
  ASSERT_TRUE(out) << out.GetError().message;
  EXPECT_LE(out->result.findings.size(), 5u) << detect::FormatFindings(out->result.findings);
  EXPECT_TRUE(out->truth->behaviours.empty());
  Clean(dir);
}

TEST(SimDetect, BadRunDirectories) {
  fs::path dir =
      fs::temp_directory_path() / ("vantage-sim-detect-bad-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  DetectRequest req;
  req.source = dir.string();
  auto a = DetectSource(req);
  ASSERT_FALSE(a);
  EXPECT_NE(a.GetError().message.find("not a run directory"), std::string::npos);
  // An interrupted run: INCOMPLETE present.
  std::ofstream(dir / "manifest.json") << R"({"status": "incomplete"})";
  std::ofstream(dir / "INCOMPLETE") << "";
  auto b = DetectSource(req);
  ASSERT_FALSE(b);
  EXPECT_NE(b.GetError().message.find("INCOMPLETE"), std::string::npos) << b.GetError().message;
  fs::remove_all(dir);
}

}  // namespace
}  // namespace vantage::planner
