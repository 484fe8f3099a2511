// Field-exact goldens of the flow-log writers: each provider's file, each AWS default format
// version 2 to 5 and a custom field list, written from the records of flow-log-samples.h and
// compared byte for byte with the checked-in file; each golden also reads back cleanly.
// VANTAGE_UPDATE_GOLDENS=1 rewrites the golden files (review the diff).
#include <gtest/gtest.h>

#include "flow-log-samples.h"
#include "vantage/test/golden.h"

namespace vantage::wire::flowlog {
namespace {

using namespace testing;

void CheckGolden(const std::string& name, FileFormat format, const Settings& s,
                 const std::vector<FlowLogRecord>& records) {
  const std::string text = WriteFile(format, s, records);
  // Byte-stable: the same input writes the same bytes.
  ASSERT_EQ(text, WriteFile(format, s, records));
  test::CompareGolden(std::string(VANTAGE_GOLDEN_DIR) + "/" + name, text);
  ReadResult rr = ParseFile(format, text);
  EXPECT_EQ(rr.fatal, "");
  EXPECT_TRUE(rr.errors.empty()) << rr.errors.front().line << ": " << rr.errors.front().message;
}

TEST(FlowLogGolden, AwsVersion2) {
  CheckGolden("aws-v2.log", FileFormat::kAwsVpc, AwsSettings(2), AwsSamples());
}
TEST(FlowLogGolden, AwsVersion3) {
  CheckGolden("aws-v3.log", FileFormat::kAwsVpc, AwsSettings(3), AwsSamples());
}
TEST(FlowLogGolden, AwsVersion4) {
  CheckGolden("aws-v4.log", FileFormat::kAwsVpc, AwsSettings(4), AwsSamples());
}
TEST(FlowLogGolden, AwsVersion5) {
  CheckGolden("aws-v5.log", FileFormat::kAwsVpc, AwsSettings(5), AwsSamples());
}
TEST(FlowLogGolden, AwsCustomFields) {
  Settings s = AwsSettings(2);
  s.awsFields = {"interface-id",   "srcaddr",      "pkt-srcaddr", "dstaddr", "pkt-dstaddr",
                 "flow-direction", "traffic-path", "bytes",       "start",   "end",
                 "log-status"};
  CheckGolden("aws-custom.log", FileFormat::kAwsVpc, s, AwsSamples());
}
TEST(FlowLogGolden, GcpWithMetadata) {
  CheckGolden("gcp.jsonl", FileFormat::kGcpVpc, GcpSettings(true), GcpSamples());
}
TEST(FlowLogGolden, GcpWithoutMetadata) {
  CheckGolden("gcp-no-metadata.jsonl", FileFormat::kGcpVpc, GcpSettings(false), GcpSamples());
}
TEST(FlowLogGolden, AzureVersion4) {
  CheckGolden("azure.json", FileFormat::kAzureVnet, AzureSettings(), AzureSamples());
}

}  // namespace
}  // namespace vantage::wire::flowlog
