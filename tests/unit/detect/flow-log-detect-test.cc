// Detections on cloud flow logs: the same scan stored once as on-premises records and once as
// an AWS VPC flow log (written, then collected) gives the same finding from both stores.
#include <gtest/gtest.h>

#include <filesystem>

#include "test-flows.h"
#include "vantage/collector/flow-log-ingest.h"
#include "vantage/collector/store.h"
#include "vantage/detect/store-reader.h"

namespace vantage::detect {
namespace {

namespace fs = std::filesystem;
namespace fl = wire::flowlog;

std::string TempStore(const std::string& name) {
  fs::path p = fs::temp_directory_path() / ("vantage-detect-fl-" + std::to_string(::getpid()));
  fs::create_directories(p);
  fs::remove(p / name);
  return (p / name).string();
}

// What the VPC's flow log says of a record (times in whole seconds, as AWS writes them).
fl::FlowLogRecord AsFlowLog(const core::FlowRecord& r) {
  fl::FlowLogRecord f;
  f.SetKey(r.key);
  f.packets = r.packets;
  f.octets = r.octets;
  f.start = core::Timestamp::FromSeconds(r.start.Seconds());
  f.end = core::Timestamp::FromSeconds(r.end.Seconds());
  f.tcpFlags = r.tcpFlags;
  f.action = fl::Action::kAccept;
  f.interfaceId = "eni-0123456789abcdef0";
  return f;
}

std::vector<Finding> DetectIn(const std::string& path) {
  auto set = ReadStore(path, {});
  EXPECT_TRUE(set) << set.GetError().message;
  return set ? RunDetectors(*set, NetworkContext(), Rules{}).findings : std::vector<Finding>{};
}

TEST(DetectFlowLog, ScanFoundInAnAwsFlowLogAsOnPremises) {
  std::vector<core::FlowRecord> records;
  for (int i = 0; i < 20; ++i) {
    test::AddConn(records, test::Probe("10.1.0.5", "10.2.0.9", static_cast<uint16_t>(i + 1), i));
  }
  const std::string onPrem = TempStore("on-prem.sqlite");
  const std::string cloud = TempStore("cloud.sqlite");
  {
    auto store = collector::Store::Open(onPrem);
    ASSERT_TRUE(store);
    for (const auto& r : records) ASSERT_TRUE((*store)->Insert(r));
    ASSERT_TRUE((*store)->Close());
  }
  {
    std::vector<fl::FlowLogRecord> logged;
    for (const auto& r : records) logged.push_back(AsFlowLog(r));
    fl::Settings s = fl::Settings::Defaults(fl::Provider::kAws);
    s.awsVersion = 5;
    auto store = collector::Store::Open(cloud);
    ASSERT_TRUE(store);
    auto report =
        collector::IngestFlowLogText(**store, fl::WriteFile(fl::FileFormat::kAwsVpc, s, logged),
                                     fl::FileFormat::kAwsVpc, "vpc.log");
    ASSERT_TRUE(report) << report.GetError().message;
    ASSERT_EQ(report->records, records.size());
    ASSERT_TRUE((*store)->Close());
  }
  auto a = DetectIn(onPrem);
  auto b = DetectIn(cloud);
  ASSERT_EQ(a.size(), 1u);
  ASSERT_EQ(b.size(), 1u);
  EXPECT_EQ(a[0].detector, "port_scan");
  EXPECT_EQ(b[0].detector, a[0].detector);
  EXPECT_EQ(b[0].sources, a[0].sources);
  EXPECT_EQ(b[0].destinations, a[0].destinations);
  fs::remove_all(fs::path(cloud).parent_path());
}

}  // namespace
}  // namespace vantage::detect
