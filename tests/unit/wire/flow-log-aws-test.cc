// AWS VPC Flow Logs reader and writer: the documented example records, every format version,
// write -> read round trips, and every kind of bad input (line errors and fatal files).
#include <gtest/gtest.h>

#include "flow-log-samples.h"

namespace vantage::wire::flowlog {
namespace {

using namespace testing;

const char kV2Header[] =
    "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes "
    "start end action log-status\n";

// The records of AWS's "Flow log record examples" page, in its default (version 2) layout.
TEST(AwsFlowLog, ReadsTheDocumentedExamples) {
  std::string text = std::string(kV2Header) +
                     "2 123456789010 eni-1235b8ca123456789 172.31.16.139 172.31.16.21 20641 22 6 "
                     "20 4249 1418530010 1418530070 ACCEPT OK\n"
                     "2 123456789010 eni-1235b8ca123456789 172.31.9.69 172.31.9.12 49761 3389 6 "
                     "20 4249 1418530010 1418530070 REJECT OK\n"
                     "2 123456789010 eni-1235b8ca123456789 - - - - - - - 1431280876 1431280934 - "
                     "NODATA\n"
                     "2 123456789010 eni-11111111aaaaaaaaa - - - - - - - 1431280876 1431280934 - "
                     "SKIPDATA\n";
  ReadResult rr = ParseFile(FileFormat::kAwsVpc, text);
  ASSERT_EQ(rr.fatal, "");
  EXPECT_TRUE(rr.errors.empty());
  EXPECT_EQ(rr.lines, 5u);
  ASSERT_EQ(rr.records.size(), 4u);
  const auto& ssh = rr.records[0];
  EXPECT_EQ(ssh.provider, Provider::kAws);
  EXPECT_EQ(ssh.src, Ip("172.31.16.139"));
  EXPECT_EQ(ssh.dst, Ip("172.31.16.21"));
  EXPECT_EQ(ssh.srcPort, 20641);
  EXPECT_EQ(ssh.dstPort, 22);
  EXPECT_EQ(ssh.protocol, 6);
  EXPECT_EQ(ssh.packets, 20u);
  EXPECT_EQ(ssh.octets, 4249u);
  EXPECT_EQ(ssh.start, Sec(1418530010));
  EXPECT_EQ(ssh.end, Sec(1418530070));
  EXPECT_EQ(ssh.action, Action::kAccept);
  EXPECT_EQ(ssh.logStatus, LogStatus::kOk);
  EXPECT_EQ(ssh.interfaceId, "eni-1235b8ca123456789");
  ASSERT_EQ(ssh.native.size(), 14u);
  EXPECT_EQ(ssh.native[1], (std::pair<std::string, std::string>("account-id", "123456789010")));
  EXPECT_EQ(rr.records[1].action, Action::kReject);
  EXPECT_EQ(rr.records[2].logStatus, LogStatus::kNoData);
  EXPECT_FALSE(rr.records[2].src.IsSet());
  EXPECT_EQ(rr.records[2].action, Action::kNone);
  EXPECT_EQ(rr.records[3].logStatus, LogStatus::kSkipData);
}

// A custom format in any order; the reader takes the order from the header.
TEST(AwsFlowLog, ReadsACustomFieldOrder) {
  std::string text =
      "traffic-path flow-direction pkt-dstaddr dstaddr pkt-srcaddr srcaddr tcp-flags\n"
      "8 egress 203.0.113.5 203.0.113.5 10.40.1.175 10.40.2.236 3\n";
  ReadResult rr = ParseFile(FileFormat::kAwsVpc, text);
  ASSERT_EQ(rr.fatal, "");
  ASSERT_EQ(rr.records.size(), 1u);
  const auto& r = rr.records[0];
  EXPECT_EQ(r.trafficPath, 8);
  EXPECT_EQ(r.direction, Direction::kEgress);
  EXPECT_EQ(r.src, Ip("10.40.2.236"));
  EXPECT_EQ(r.pktSrc, Ip("10.40.1.175"));
  EXPECT_EQ(r.pktDst, Ip("203.0.113.5"));
  EXPECT_EQ(r.tcpFlags, 3);
}

TEST(AwsFlowLog, DefaultFieldsPerVersion) {
  EXPECT_EQ(AwsDefaultFields(2).size(), 14u);
  EXPECT_EQ(AwsDefaultFields(3).size(), 21u);
  EXPECT_EQ(AwsDefaultFields(4).size(), 25u);
  EXPECT_EQ(AwsDefaultFields(5).size(), 29u);
  EXPECT_TRUE(AwsDefaultFields(1).empty());
  EXPECT_TRUE(AwsDefaultFields(6).empty());
  EXPECT_EQ(AwsFieldNames(), AwsDefaultFields(5));
  EXPECT_EQ(AwsDefaultFields(5).back(), "traffic-path");
}

// The normalised fields a format version carries survive write -> read.
void ExpectSameFlow(const FlowLogRecord& a, const FlowLogRecord& b, int version) {
  EXPECT_EQ(a.logStatus, b.logStatus);
  EXPECT_EQ(a.start, b.start);
  EXPECT_EQ(a.end, b.end);
  EXPECT_EQ(a.interfaceId, b.interfaceId);
  if (a.logStatus != LogStatus::kOk) return;
  EXPECT_EQ(a.src, b.src);
  EXPECT_EQ(a.dst, b.dst);
  EXPECT_EQ(a.srcPort, b.srcPort);
  EXPECT_EQ(a.dstPort, b.dstPort);
  EXPECT_EQ(a.protocol, b.protocol);
  EXPECT_EQ(a.packets, b.packets);
  EXPECT_EQ(a.octets, b.octets);
  EXPECT_EQ(a.action, b.action);
  if (version >= 3) {
    EXPECT_EQ(a.tcpFlags, b.tcpFlags);
    EXPECT_EQ(a.subnetId, b.subnetId);
    EXPECT_EQ(a.instanceId, b.instanceId);
    EXPECT_EQ(a.pktSrc.IsSet() ? a.pktSrc : a.src, b.pktSrc);
  }
  if (version >= 4) {
    EXPECT_EQ(a.zone, b.zone);
  }
  if (version >= 5) {
    EXPECT_EQ(a.direction, b.direction);
    EXPECT_EQ(a.trafficPath, b.trafficPath);
    EXPECT_EQ(a.pktDstAwsService, b.pktDstAwsService);
  }
}

TEST(AwsFlowLog, RoundTripsEveryVersion) {
  const auto records = AwsSamples();
  for (int version = 2; version <= 5; ++version) {
    SCOPED_TRACE(version);
    std::string text = WriteFile(FileFormat::kAwsVpc, AwsSettings(version), records);
    ReadResult rr = ParseFile(FileFormat::kAwsVpc, text);
    ASSERT_EQ(rr.fatal, "");
    ASSERT_TRUE(rr.errors.empty());
    ASSERT_EQ(rr.records.size(), records.size());
    for (size_t i = 0; i < records.size(); ++i) ExpectSameFlow(records[i], rr.records[i], version);
    // The version field is the highest version of the fields written.
    EXPECT_EQ(rr.records[0].native[0].second, std::to_string(version));
  }
}

TEST(AwsFlowLog, StreamingHandsOverTheSameRecordsWithoutNative) {
  std::string text = WriteFile(FileFormat::kAwsVpc, AwsSettings(5), AwsSamples());
  std::vector<FlowLogRecord> got;
  ParseOptions opts;
  opts.keepNative = false;
  ReadResult rr = ParseFile(
      FileFormat::kAwsVpc, text, [&got](FlowLogRecord& r) { got.push_back(r); }, opts);
  EXPECT_TRUE(rr.records.empty());
  ASSERT_EQ(got.size(), AwsSamples().size());
  EXPECT_TRUE(got[0].native.empty());
  ExpectSameFlow(AwsSamples()[2], got[2], 5);
}

// --- bad input: one bad line is named and skipped, the rest is read

ReadResult ParseV2Body(const std::string& body) {
  return ParseFile(FileFormat::kAwsVpc, std::string(kV2Header) +
                                            "2 1 eni-a 10.0.0.1 10.0.0.2 1 2 6 1 40 10 20 ACCEPT "
                                            "OK\n" +
                                            body +
                                            "2 1 eni-a 10.0.0.1 10.0.0.3 1 2 6 1 40 10 20 ACCEPT "
                                            "OK\n");
}

void ExpectOneBadLine(const std::string& body, const std::string& fragment) {
  SCOPED_TRACE(body);
  ReadResult rr = ParseV2Body(body);
  ASSERT_EQ(rr.fatal, "");
  EXPECT_EQ(rr.records.size(), 2u);
  ASSERT_EQ(rr.errors.size(), 1u);
  EXPECT_EQ(rr.errors[0].line, 3u);
  EXPECT_NE(rr.errors[0].message.find(fragment), std::string::npos) << rr.errors[0].message;
}

TEST(AwsFlowLog, BadLinesAreNamedAndSkipped) {
  ExpectOneBadLine("2 1 eni-a 10.0.0.1 10.0.0.2 1 2 6 1\n", "9 fields, the header names 14");
  ExpectOneBadLine("2 1 eni-a 10.0.0.1 10.0.0.2 1 2 6 1 40 10 20 ACCEPT OK extra\n", "15 fields");
  ExpectOneBadLine("2 1 eni-a 10.0.0.1 10.0.0.2 1 70000 6 1 40 10 20 ACCEPT OK\n", "dstport");
  ExpectOneBadLine("2 1 eni-a 10.0.0.1 10.0.0.2 1 2 tcp 1 40 10 20 ACCEPT OK\n", "protocol 'tcp'");
  ExpectOneBadLine("2 1 eni-a 10.0.0.1 10.0.0.2 1 2 256 1 40 10 20 ACCEPT OK\n", "protocol");
  ExpectOneBadLine("2 1 eni-a 10.0.0.1 10.0.0.2 1 2 6 1 18446744073709551616 10 20 ACCEPT OK\n",
                   "bytes");
  ExpectOneBadLine("2 1 eni-a 10.0.0.1 10.0.0.2 1 2 6 -1 40 10 20 ACCEPT OK\n", "packets");
  ExpectOneBadLine("2 1 eni-a 10.0.0.999 10.0.0.2 1 2 6 1 40 10 20 ACCEPT OK\n", "srcaddr");
  ExpectOneBadLine("2 1 eni-a 10.0.0.1 10.0.0.2 1 2 6 1 40 99999999999 20 ACCEPT OK\n", "start");
  ExpectOneBadLine("2 1 eni-a 10.0.0.1 10.0.0.2 1 2 6 1 40 10 20 ALLOW OK\n", "action 'ALLOW'");
  ExpectOneBadLine("2 1 eni-a 10.0.0.1 10.0.0.2 1 2 6 1 40 10 20 ACCEPT MAYBE\n", "log-status");
}

TEST(AwsFlowLog, BadValuesOfLaterVersionsAreNamed) {
  std::string header = "srcaddr tcp-flags type flow-direction traffic-path\n";
  std::string text = header +
                     "10.0.0.1 300 IPv4 egress 1\n"
                     "10.0.0.1 2 IPv5 egress 1\n"
                     "10.0.0.1 2 IPv4 sideways 1\n"
                     "10.0.0.1 2 IPv4 egress 9\n"
                     "10.0.0.1 2 IPv4 egress 0\n"
                     "10.0.0.1 2 IPv4 egress 1\n";
  ReadResult rr = ParseFile(FileFormat::kAwsVpc, text);
  ASSERT_EQ(rr.fatal, "");
  EXPECT_EQ(rr.records.size(), 1u);
  ASSERT_EQ(rr.errors.size(), 5u);
  EXPECT_EQ(rr.errors[0].line, 2u);
  EXPECT_NE(rr.errors[0].message.find("tcp-flags"), std::string::npos);
  EXPECT_NE(rr.errors[1].message.find("type"), std::string::npos);
  EXPECT_NE(rr.errors[2].message.find("flow-direction"), std::string::npos);
  EXPECT_NE(rr.errors[3].message.find("traffic-path"), std::string::npos);
  EXPECT_EQ(rr.errors[4].line, 6u);
}

TEST(AwsFlowLog, ToleratesCrlfBlankLinesAndAMissingLastNewline) {
  std::string text = "srcaddr dstaddr bytes\r\n10.0.0.1 10.0.0.2 5\r\n\r\n   \n10.0.0.1 10.0.0.2 7";
  ReadResult rr = ParseFile(FileFormat::kAwsVpc, text);
  ASSERT_EQ(rr.fatal, "");
  EXPECT_TRUE(rr.errors.empty());
  ASSERT_EQ(rr.records.size(), 2u);
  EXPECT_EQ(rr.records[1].octets, 7u);
  EXPECT_EQ(rr.lines, 5u);
}

// --- fatal files: nothing is handed over

void ExpectFatal(const std::string& text, const std::string& fragment) {
  SCOPED_TRACE(fragment);
  size_t handed = 0;
  ReadResult rr = ParseFile(FileFormat::kAwsVpc, text, [&handed](FlowLogRecord&) { ++handed; });
  EXPECT_NE(rr.fatal.find(fragment), std::string::npos) << rr.fatal;
  EXPECT_EQ(handed, 0u);
}

TEST(AwsFlowLog, ForeignAndMismatchedFilesAreFatal) {
  ExpectFatal("", "empty file");
  ExpectFatal("\n2 1 eni-a\n", "line 1: empty");
  ExpectFatal("srcaddr,dstaddr,bytes\n10.0.0.1,10.0.0.2,5\n", "line 1: not an AWS VPC flow log");
  // An IPFIX file (RFC 5655): version 10, length, export time... as bytes.
  ExpectFatal(std::string("\x00\x0a\x00\x30\x65\x53\xf1\x00\x00\x00\x00\x01", 12),
              "unknown field name '\\x00'");
  // A CloudWatch Logs export has no header: the first line is a record.
  ExpectFatal("2 123456789010 eni-a 10.0.0.1 10.0.0.2 1 2 6 1 40 10 20 ACCEPT OK\n",
              "unknown field name '2'");
  ExpectFatal("srcaddr dstaddr srcaddr\n", "named twice");
  // A version 2 header on version 5 lines.
  std::string v5 = WriteFile(FileFormat::kAwsVpc, AwsSettings(5), AwsSamples());
  std::string mismatched = kV2Header + v5.substr(v5.find('\n') + 1);
  ExpectFatal(mismatched, "line 2: the header names 14 fields but the lines have 29");
}

TEST(AwsFlowLog, AHeaderAloneIsAnEmptyLog) {
  ReadResult rr = ParseFile(FileFormat::kAwsVpc, kV2Header);
  EXPECT_EQ(rr.fatal, "");
  EXPECT_TRUE(rr.records.empty());
  EXPECT_TRUE(rr.errors.empty());
}

TEST(AwsFlowLog, NamesRoundTrip) {
  for (Provider p : {Provider::kAws, Provider::kGcp, Provider::kAzure}) {
    EXPECT_EQ(ProviderFromName(ProviderName(p)), p);
    EXPECT_EQ(FileFormatFromName(FileFormatName(FileFormatOf(p))), FileFormatOf(p));
  }
  EXPECT_FALSE(ProviderFromName("ibm"));
  EXPECT_FALSE(FileFormatFromName("aws"));
  EXPECT_EQ(Settings::Defaults(Provider::kAws).aggregationIntervalS, 600u);
  EXPECT_EQ(Settings::Defaults(Provider::kGcp).aggregationIntervalS, 5u);
  EXPECT_EQ(Settings::Defaults(Provider::kGcp).sampleRate, 0.5);
  EXPECT_EQ(Settings::Defaults(Provider::kAzure).aggregationIntervalS, 60u);
  EXPECT_EQ(Settings::Defaults(Provider::kAws).awsVersion, 2);
  EXPECT_EQ(Settings::Defaults(Provider::kAws).trafficType, TrafficType::kAll);
}

TEST(FlowLogExclusions, EachProviderLeavesOutItsOwnServices) {
  auto ip = [](const char* s) { return *core::IpAddress::Parse(s); };
  const core::IpAddress vm = ip("10.0.1.10");
  auto reason = [&](Provider p, const char* dst, uint16_t dstPort, uint8_t proto) {
    const char* r = UnloggedReason(p, vm, ip(dst), 40000, dstPort, proto);
    return std::string(r == nullptr ? "logged" : r);
  };
  EXPECT_EQ(reason(Provider::kAws, "169.254.169.254", 80, 6), "metadata-service");
  EXPECT_EQ(reason(Provider::kAws, "169.254.169.123", 123, 17), "time-service");
  EXPECT_EQ(reason(Provider::kAws, "169.254.169.253", 53, 17), "provider-dns");
  EXPECT_EQ(reason(Provider::kAws, "169.254.169.250", 1688, 6), "link-local");
  EXPECT_EQ(reason(Provider::kAws, "168.63.129.16", 53, 17), "logged");
  EXPECT_EQ(reason(Provider::kGcp, "169.254.169.254", 53, 17), "provider-dns");
  EXPECT_EQ(reason(Provider::kGcp, "169.254.169.123", 123, 17), "logged");
  EXPECT_EQ(reason(Provider::kAzure, "168.63.129.16", 80, 6), "metadata-service");
  EXPECT_EQ(reason(Provider::kAzure, "8.8.8.8", 53, 17), "logged");
  // Either end may be the service: the reply is left out too.
  EXPECT_STREQ(UnloggedReason(Provider::kAws, ip("169.254.169.254"), vm, 80, 40000, 6),
               "metadata-service");
  // DHCP: UDP between ports 67 and 68 only.
  EXPECT_STREQ(UnloggedReason(Provider::kGcp, vm, ip("10.0.1.1"), 68, 67, 17), "dhcp");
  EXPECT_EQ(UnloggedReason(Provider::kGcp, vm, ip("10.0.1.1"), 40000, 67, 17), nullptr);
  EXPECT_EQ(UnloggedReason(Provider::kGcp, vm, ip("10.0.1.1"), 68, 67, 6), nullptr);
}

}  // namespace
}  // namespace vantage::wire::flowlog
