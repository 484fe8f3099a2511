// Run-directory checks: missing, incomplete, made from other inputs, malformed; parsing and
// scaling of a good one.
#include "vantage/planner/run-directory.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include "test-util.h"

namespace vantage::planner {
namespace {

using test::TempDir;

const char* kGroundTruth =
    "id,label,behaviour,src_host,dst_host,src_group,dst_group,src_ip,src_port,dst_ip,dst_port,"
    "protocol,nat_ip,nat_port,start_ns,end_ns,packets_fwd,bytes_fwd,packets_rev,bytes_rev,"
    "critical_asset\n"
    "1,web,,staff-1,inet,staff,inet,10.0.0.5,40000,203.0.113.9,443,6,198.51.100.1,1024,"
    "1000,2000,3,180,2,1200,\n"
    "2,c2,c2_beacon,staff-2,git,staff,git,10.0.0.6,40001,10.1.0.2,22,6,,,1000,2000,1,60,1,60,"
    "git\n";

std::string Manifest(const std::string& status, const std::string& topoSha = "") {
  return R"({"vantage_version":"0.1.0","status":")" + status +
         R"(","topology":{"path":"t.yaml","sha256":")" + topoSha +
         R"("},"scenario":{"path":"s.yaml","sha256":""},"seed":3,
  "window":{"start_unix_ns":0,"duration_s":600,"represents_s":3600},
  "scale":{"staff":40.0},
  "points":[{"name":"edge","node":"fw1","interfaces":["outside"],"ipfix":"points/edge.ipfix",
  "flows":10,"ipfix_bytes":1000,"pcap_bytes":5000,
  "export":{"mode":"udp","messages":10,"bytes":900,"received":9,"lost":1}}],
  "counters":{"ground_truth_flows":2}})";
}

TEST(PlannerRunDirectory, LoadsACompleteRun) {
  TempDir d("good");
  d.Write("manifest.json", Manifest("complete"));
  d.Write("ground_truth.csv", kGroundTruth);
  d.Write("nat_events.csv",
          "time_ns,node,event,protocol,inside_ip,inside_port,outside_ip,outside_port\n"
          "1000,nat1,10,6,10.0.0.5,40000,198.51.100.1,1024\n");
  auto run = LoadRunDirectory(d.Path());
  ASSERT_TRUE(run) << run.GetError().message;
  ASSERT_EQ(run->flows.size(), 2u);
  EXPECT_EQ(run->flows[0].natPort, 1024);
  EXPECT_TRUE(run->flows[0].Natted());
  EXPECT_FALSE(run->flows[1].Natted());
  EXPECT_EQ(run->flows[1].behaviour, "c2_beacon");
  EXPECT_EQ(run->flows[1].criticalAsset, "git");
  EXPECT_EQ(run->flows[0].bytesRev, 1200u);
  ASSERT_EQ(run->natEvents.size(), 1u);
  EXPECT_EQ(run->natEvents[0].outsidePort, 1024);
  EXPECT_DOUBLE_EQ(run->GroupScale("staff"), 40.0);
  EXPECT_DOUBLE_EQ(run->GroupScale("unknown"), 1.0);
  // 600 s stand for an hour; a day is 24 of them: 6 * 24 = 144 windows.
  EXPECT_DOUBLE_EQ(run->DayFactor(), 144.0);
  ASSERT_EQ(run->manifest.points.size(), 1u);
  EXPECT_EQ(run->manifest.points[0].exportStats.lost, 1u);
  EXPECT_FALSE(run->hasSqlite);
}

// A collector store's flows are counted from its partition catalogue, not from its largest
// table (here the roll-ups, which outnumber the flows).
TEST(PlannerRunDirectory, CountsACollectorStoreFromItsPartitions) {
  TempDir d("store");
  d.Write("manifest.json", Manifest("complete"));
  d.Write("ground_truth.csv", kGroundTruth);
  const std::string db = d.Path() + "/collector.sqlite";
  sqlite3* h = nullptr;
  ASSERT_EQ(sqlite3_open(db.c_str(), &h), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(h,
                         "CREATE TABLE partitions(id INTEGER PRIMARY KEY, rows INTEGER);"
                         "INSERT INTO partitions VALUES(1, 30), (2, 12);"
                         "CREATE TABLE rollups(k);"
                         "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE "
                         "i < 100) INSERT INTO rollups SELECT i FROM n;",
                         nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(h);
  auto run = LoadRunDirectory(d.Path());
  ASSERT_TRUE(run) << run.GetError().message;
  EXPECT_TRUE(run->hasSqlite);
  EXPECT_EQ(run->sqliteRecords, 42u);
}

TEST(PlannerRunDirectory, MissingDirectory) {
  auto run = LoadRunDirectory("/nonexistent/vantage-run");
  ASSERT_FALSE(run);
  EXPECT_EQ(run.GetError().code, core::ErrorCode::kNotFound);
  EXPECT_NE(run.GetError().message.find("missing"), std::string::npos);
}

TEST(PlannerRunDirectory, IncompleteMarkerPresent) {
  TempDir d("incomplete");
  d.Write("manifest.json", Manifest("complete"));
  d.Write("ground_truth.csv", kGroundTruth);
  d.Write("INCOMPLETE", "");
  auto run = LoadRunDirectory(d.Path());
  ASSERT_FALSE(run);
  EXPECT_NE(run.GetError().message.find("incomplete"), std::string::npos);
  EXPECT_NE(run.GetError().message.find("INCOMPLETE"), std::string::npos);
}

TEST(PlannerRunDirectory, StatusNotComplete) {
  TempDir d("running");
  d.Write("manifest.json", Manifest("running"));
  d.Write("ground_truth.csv", kGroundTruth);
  auto run = LoadRunDirectory(d.Path());
  ASSERT_FALSE(run);
  EXPECT_NE(run.GetError().message.find("incomplete"), std::string::npos);
  EXPECT_NE(run.GetError().message.find("running"), std::string::npos);
}

TEST(PlannerRunDirectory, OtherInputs) {
  TempDir d("hash");
  d.Write("topo.yaml", "name: a\n");
  auto sha = Sha256File(d.File("topo.yaml"));
  ASSERT_TRUE(sha);
  EXPECT_EQ(sha->size(), 64u);
  d.Write("manifest.json", Manifest("complete", *sha));
  d.Write("ground_truth.csv", kGroundTruth);
  RunCheck check{d.File("topo.yaml"), ""};
  EXPECT_TRUE(LoadRunDirectory(d.Path(), check));
  d.Write("topo.yaml", "name: b\n");
  auto run = LoadRunDirectory(d.Path(), check);
  ASSERT_FALSE(run);
  EXPECT_NE(run.GetError().message.find("other inputs"), std::string::npos);
  EXPECT_NE(run.GetError().message.find("topology"), std::string::npos);
}

TEST(PlannerRunDirectory, MissingGroundTruthAndMalformedRows) {
  TempDir d("bad");
  d.Write("manifest.json", Manifest("complete"));
  auto run = LoadRunDirectory(d.Path());
  ASSERT_FALSE(run);
  EXPECT_NE(run.GetError().message.find("ground_truth.csv"), std::string::npos);
  d.Write("ground_truth.csv", std::string(kGroundTruth) +
                                  "3,web,,a,b,staff,x,10.0.0.300,1,10.0.0.1,2,6,,,1,2,1,1,1,1,\n");
  run = LoadRunDirectory(d.Path());
  ASSERT_FALSE(run);
  EXPECT_NE(run.GetError().message.find("ground_truth.csv:4"), std::string::npos)
      << run.GetError().message;
  d.Write("manifest.json", "{not json");
  run = LoadRunDirectory(d.Path());
  ASSERT_FALSE(run);
  EXPECT_NE(run.GetError().message.find("manifest.json"), std::string::npos);
}

TEST(PlannerRunDirectory, MissingManifest) {
  TempDir d("nomanifest");
  auto run = LoadRunDirectory(d.Path());
  ASSERT_FALSE(run);
  EXPECT_NE(run.GetError().message.find("manifest.json"), std::string::npos);
}

}  // namespace
}  // namespace vantage::planner
