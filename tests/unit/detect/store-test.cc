// Reading flows from a collector store, the findings table, and bad stores.
#include "vantage/collector/store.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "test-flows.h"
#include "vantage/collector/query.h"
#include "vantage/detect/findings-table.h"
#include "vantage/detect/store-reader.h"
#include "vantage/planner/detection.h"

namespace vantage::detect {
namespace {

namespace fs = std::filesystem;

std::string TempPath(const std::string& name) {
  fs::path p = fs::temp_directory_path() / ("vantage-detect-" + std::to_string(::getpid()));
  fs::create_directories(p);
  return (p / name).string();
}

TEST(DetectStore, ReadsFlowsWithAnnouncedSampling) {
  std::string path = TempPath("flows.sqlite");
  fs::remove(path);
  {
    auto store = collector::Store::Open(path);
    ASSERT_TRUE(store);
    std::vector<core::FlowRecord> records;
    for (int i = 0; i < 20; ++i) {
      test::AddConn(records, test::Probe("10.1.0.5", "10.2.0.9", static_cast<uint16_t>(i + 1), i));
    }
    for (auto& r : records) {
      r.exporter = test::Ip("10.9.9.9");
      r.observationDomain = 3;
      ASSERT_TRUE((*store)->Insert(r));
    }
    collector::ExporterOptions opts;
    opts.exporter = test::Ip("10.9.9.9");
    opts.observationDomain = 3;
    opts.samplingInterval = 4;
    ASSERT_TRUE((*store)->SaveExporterOptions(opts));
    ASSERT_TRUE((*store)->Close());
  }
  auto set = ReadStore(path, {});
  ASSERT_TRUE(set) << set.GetError().message;
  ASSERT_EQ(set->flows.size(), 40u);
  EXPECT_EQ(set->MaxSampling(), 4u);
  ReadOptions window;
  window.untilNs = test::kT0 + 10'000'000'000LL;  // probes at 0..9 s
  EXPECT_EQ(ReadStore(path, window)->flows.size(), 20u);

  auto r = RunDetectors(*set, NetworkContext(), Rules{});
  ASSERT_EQ(r.findings.size(), 1u);
  auto table = FindingsTable::Open(path, "test");
  ASSERT_TRUE(table);
  ASSERT_TRUE((*table)->Append(r.findings, &*set));
  auto q = collector::RunQueryOnFile(path, "select detector, records from findings");
  ASSERT_TRUE(q) << q.GetError().message;
  ASSERT_EQ(q->rows.size(), 1u);
  EXPECT_EQ(q->rows[0][0], "port_scan");
  EXPECT_EQ(q->rows[0][1].front(), '[');
  fs::remove(path);
}

TEST(DetectStore, BadStores) {
  std::string text = TempPath("not-a-store.txt");
  std::ofstream(text) << "hello, not sqlite\n";
  auto a = ReadStore(text, {});
  ASSERT_FALSE(a);
  EXPECT_NE(a.GetError().message.find("not an SQLite database"), std::string::npos);

  std::string other = TempPath("other.sqlite");
  fs::remove(other);
  ASSERT_TRUE(FindingsTable::Open(other, "x"));  // an SQLite file with only a findings table
  auto b = ReadStore(other, {});
  ASSERT_FALSE(b);
  EXPECT_NE(b.GetError().message.find("no 'flows' table"), std::string::npos);

  std::string empty = TempPath("empty.sqlite");
  fs::remove(empty);
  ASSERT_TRUE(collector::Store::Open(empty));
  auto c = ReadStore(empty, {});
  ASSERT_TRUE(c);
  EXPECT_TRUE(c->flows.empty());
  // The whole command's pipeline refuses each of them with a message.
  for (const auto& [path, why] : {std::pair{text, "not an SQLite"},
                                  {other, "no 'flows' table"},
                                  {empty, "no flow records"}}) {
    planner::DetectRequest req;
    req.source = path;
    req.findingsDb = "-";
    auto out = planner::DetectSource(req);
    ASSERT_FALSE(out) << path;
    EXPECT_NE(out.GetError().message.find(why), std::string::npos) << out.GetError().message;
  }
  for (const auto& p : {text, other, empty}) fs::remove(p);
}

}  // namespace
}  // namespace vantage::detect
