// Whole runs: run directory, exporter records against ground truth, live export to the
// collector, determinism, incomplete marking.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "test-topologies.h"
#include "vantage/collector/collecting-process.h"
#include "vantage/collector/flow-store-module.h"
#include "vantage/collector/store.h"
#include "vantage/sim/simulation.h"

namespace vantage::sim {
namespace {

namespace fs = std::filesystem;

std::string Slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

fs::path TempDir(const std::string& name) {
  fs::path d =
      fs::temp_directory_path() / ("vantage-sim-net-" + name + "-" + std::to_string(::getpid()));
  fs::remove_all(d);
  return d;
}

struct FileTotals {
  uint64_t records = 0, packets = 0, octets = 0;
};

FileTotals ReadIpfix(const fs::path& p) {
  FileTotals t;
  collector::CollectingProcess cp(nullptr);
  cp.SetRecordCallback([&t](const core::FlowRecord& r) {
    ++t.records;
    t.packets += r.packets;
    t.octets += r.octets;
  });
  auto st = cp.ReadIpfixFile(p.string());
  EXPECT_TRUE(st) << st.GetError().message;
  return t;
}

/// Removes a test's output unless VANTAGE_KEEP_TEST_OUTPUT is set (to inspect it).
void Cleanup(const fs::path& d) {
  if (std::getenv("VANTAGE_KEEP_TEST_OUTPUT") == nullptr) fs::remove_all(d);
}

uint64_t StoredFlows(const fs::path& db) {
  sqlite3* h = nullptr;
  uint64_t n = 0;
  collector::EnableFlowStoreModule();
  if (sqlite3_open_v2(db.string().c_str(), &h, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(h, "SELECT COUNT(*) FROM flows", -1, &st, nullptr) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW) {
      n = static_cast<uint64_t>(sqlite3_column_int64(st, 0));
    }
    sqlite3_finalize(st);
  }
  sqlite3_close(h);
  return n;
}

RunOptions Options(const fs::path& dir) {
  RunOptions o;
  o.outDir = dir.string();
  return o;
}

TEST(SimRun, WritesRunDirectoryAndExporterMatchesGroundTruth) {
  const fs::path dir = TempDir("run");
  auto topo = test::RunTopology();
  auto sc = test::RunScenario();
  auto res = RunSimulation(topo, sc, Options(dir));
  ASSERT_TRUE(res) << res.GetError().message;
  EXPECT_FALSE(fs::exists(dir / "INCOMPLETE"));
  for (const char* f :
       {"manifest.json", "ground_truth.csv", "nat_events.csv", "firewall.log",
        "points/core-rtr.ipfix", "points/core-rtr.pcap", "points/office-sw.ipfix"}) {
    EXPECT_TRUE(fs::exists(dir / f)) << f;
  }
  EXPECT_FALSE(fs::exists(dir / "points/office-sw.pcap"));  // cannot host full capture
  EXPECT_NE(Slurp(dir / "manifest.json").find("\"status\": \"complete\""), std::string::npos);
  ASSERT_GT(res->groundTruthFlows, 10u);
  ASSERT_EQ(res->points.size(), 2u);

  // Every flow crosses the core router: its records carry every ground-truth packet.
  uint64_t truthPackets = 0;
  {
    std::ifstream in(dir / "ground_truth.csv");
    std::string line;
    std::getline(in, line);
    std::vector<std::string> header;
    {
      std::stringstream hs(line);
      std::string c;
      while (std::getline(hs, c, ',')) header.push_back(c);
    }
    auto col = [&](const std::string& n) {
      return static_cast<size_t>(std::find(header.begin(), header.end(), n) - header.begin());
    };
    const size_t pf = col("packets_fwd"), pr = col("packets_rev");
    ASSERT_LT(pr, header.size());
    while (std::getline(in, line)) {
      std::vector<std::string> cells;
      std::stringstream ls(line);
      std::string c;
      while (std::getline(ls, c, ',')) cells.push_back(c);
      ASSERT_GT(cells.size(), pr);
      truthPackets += std::stoull(cells[pf]) + std::stoull(cells[pr]);
    }
  }
  const FileTotals core = ReadIpfix(dir / "points/core-rtr.ipfix");
  EXPECT_EQ(core.records, res->points[0].flows);
  EXPECT_EQ(core.packets, res->points[0].packets);
  EXPECT_EQ(core.packets, truthPackets);
  // The switch sees the office side of the same packets (ingress on its ports).
  const FileTotals sw = ReadIpfix(dir / "points/office-sw.ipfix");
  EXPECT_EQ(sw.packets, truthPackets);
  EXPECT_GT(res->points[0].pcapBytes, 24u);
  Cleanup(dir);
}

TEST(SimRun, LiveExportReachesCollectorStore) {
  const fs::path dir = TempDir("live");
  auto topo = test::RunTopology();
  auto sc = test::RunScenario();
  RunOptions o = Options(dir);
  o.liveExportPoints = {"core-rtr", "office-sw"};  // a router and an L2 switch (no IP stack)
  o.fullCapture = false;
  auto res = RunSimulation(topo, sc, o);
  ASSERT_TRUE(res) << res.GetError().message;
  const PointSummary& p = res->points[0];
  EXPECT_EQ(p.name, "core-rtr");
  EXPECT_GT(p.exportMessages, 0u);
  EXPECT_EQ(p.exportReceived, p.exportMessages);
  EXPECT_EQ(p.exportLost, 0u);
  const PointSummary& q = res->points[1];
  EXPECT_EQ(q.name, "office-sw");
  EXPECT_GT(q.exportMessages, 0u);
  EXPECT_EQ(q.exportReceived, q.exportMessages);
  const FileTotals file = ReadIpfix(dir / "points/core-rtr.ipfix");
  const FileTotals fileSw = ReadIpfix(dir / "points/office-sw.ipfix");
  EXPECT_EQ(StoredFlows(dir / "collector.sqlite"), file.records + fileSw.records);
  EXPECT_GT(file.records, 0u);
  Cleanup(dir);
}

TEST(SimRun, SameSeedGivesIdenticalOutput) {
  const fs::path a = TempDir("det-a"), b = TempDir("det-b");
  auto topo = test::RunTopology();
  auto sc = test::RunScenario();
  ASSERT_TRUE(RunSimulation(topo, sc, Options(a)));
  ASSERT_TRUE(RunSimulation(topo, sc, Options(b)));
  for (const char* f : {"ground_truth.csv", "points/core-rtr.ipfix", "points/office-sw.ipfix",
                        "points/core-rtr.pcap"}) {
    const std::string x = Slurp(a / f), y = Slurp(b / f);
    EXPECT_FALSE(x.empty()) << f;
    EXPECT_TRUE(x == y) << f << " differs between two runs with the same seed";
  }
  RunOptions other = Options(b);
  other.seed = 99;
  ASSERT_TRUE(RunSimulation(topo, sc, other));
  EXPECT_NE(Slurp(a / "ground_truth.csv"), Slurp(b / "ground_truth.csv"));
  Cleanup(a);
  Cleanup(b);
}

TEST(SimRun, InterruptedRunStaysIncomplete) {
  const fs::path dir = TempDir("stop");
  auto topo = test::RunTopology();
  auto sc = test::RunScenario();
  RunOptions o = Options(dir);
  o.shouldStop = [] { return true; };
  auto res = RunSimulation(topo, sc, o);
  EXPECT_FALSE(res);
  EXPECT_TRUE(fs::exists(dir / "INCOMPLETE"));
  EXPECT_NE(Slurp(dir / "manifest.json").find("\"status\": \"incomplete\""), std::string::npos);
  Cleanup(dir);
}

TEST(SimRun, UnbuildableTopologyFailsBeforeRunning) {
  const fs::path dir = TempDir("bad");
  auto topo = test::RunTopology();
  topo.links.push_back(
      test::MakeLink("bad", model::LinkKind::kPointToPoint, {"core", "nowhere"}, "core"));
  auto res = RunSimulation(topo, test::RunScenario(), Options(dir));
  ASSERT_FALSE(res);
  EXPECT_NE(res.GetError().message.find("nowhere"), std::string::npos);
  EXPECT_TRUE(fs::exists(dir / "INCOMPLETE"));
  Cleanup(dir);
}

}  // namespace
}  // namespace vantage::sim
