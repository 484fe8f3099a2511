// Google Cloud (Cloud Logging JSON lines) and Azure (VNet flow log version 4) readers and
// writers: hand-written entries in the providers' documented layout, write -> read round
// trips, and bad input (truncated JSON, foreign files, numbers out of range, unknown values).
#include <gtest/gtest.h>

#include "flow-log-samples.h"

namespace vantage::wire::flowlog {
namespace {

using namespace testing;

std::string Native(const FlowLogRecord& r, const std::string& name) {
  for (const auto& [k, v] : r.native) {
    if (k == name) return v;
  }
  return "(absent)";
}

// An entry as Cloud Logging exports it (about-flow-logs-records: IpConnection, int64 counters
// as strings, RFC 3339 times with nanoseconds).
const char kGcpEntry[] =
    R"({"insertId":"1x8c3k8f2w0z9q","jsonPayload":{"bytes_sent":"1260","connection":)"
    R"({"dest_ip":"10.128.0.9","dest_port":5432,"protocol":6,"src_ip":"10.128.0.7",)"
    R"("src_port":48812},"dest_instance":{"project_id":"lab","region":"europe-west1",)"
    R"("vm_name":"db-1","zone":"europe-west1-b"},"dest_vpc":{"project_id":"lab",)"
    R"("subnetwork_name":"data","vpc_name":"prod"},"end_time":"2024-03-01T10:00:04.5Z",)"
    R"("packets_sent":"9","reporter":"DEST","rtt_msec":"3","start_time":)"
    R"("2024-03-01T10:00:00.25+01:00"},"logName":)"
    R"("projects/lab/logs/compute.googleapis.com%2Fvpc_flows","receiveTimestamp":)"
    R"("2024-03-01T10:00:09.000000001Z","resource":{"labels":{"location":"europe-west1-b",)"
    R"("project_id":"lab","subnetwork_id":"123","subnetwork_name":"data"},"type":)"
    R"("gce_subnetwork"},"timestamp":"2024-03-01T10:00:04.5Z"})";

TEST(GcpFlowLog, ReadsACloudLoggingEntry) {
  ReadResult rr = ParseFile(FileFormat::kGcpVpc, std::string(kGcpEntry) + "\n");
  ASSERT_EQ(rr.fatal, "");
  ASSERT_TRUE(rr.errors.empty()) << rr.errors[0].message;
  ASSERT_EQ(rr.records.size(), 1u);
  const auto& r = rr.records[0];
  EXPECT_EQ(r.provider, Provider::kGcp);
  EXPECT_EQ(r.src, Ip("10.128.0.7"));
  EXPECT_EQ(r.dst, Ip("10.128.0.9"));
  EXPECT_EQ(r.srcPort, 48812);
  EXPECT_EQ(r.dstPort, 5432);
  EXPECT_EQ(r.protocol, 6);
  EXPECT_EQ(r.octets, 1260u);
  EXPECT_EQ(r.packets, 9u);
  // 10:00:00.25 at +01:00 is 09:00:00.25 UTC.
  EXPECT_EQ(r.start, core::Timestamp::FromMillis(1709283600250LL));
  EXPECT_EQ(r.end, core::Timestamp::FromMillis(1709287204500LL));
  EXPECT_EQ(r.delivered, core::Timestamp::FromNanos(1709287209000000001LL));
  EXPECT_EQ(r.reporter, "DEST");
  EXPECT_EQ(r.direction, Direction::kIngress);
  EXPECT_EQ(r.interfaceId, "db-1");
  EXPECT_EQ(r.zone, "europe-west1-b");
  EXPECT_EQ(r.subnetId, "data");
  EXPECT_EQ(Native(r, "jsonPayload.rtt_msec"), "3");
  EXPECT_EQ(Native(r, "resource.labels.subnetwork_id"), "123");
  EXPECT_EQ(Native(r, "insertId"), "1x8c3k8f2w0z9q");
}

TEST(GcpFlowLog, RoundTripsWithAndWithoutMetadata) {
  const auto records = GcpSamples();
  for (bool metadata : {true, false}) {
    SCOPED_TRACE(metadata);
    std::string text = WriteFile(FileFormat::kGcpVpc, GcpSettings(metadata), records);
    ReadResult rr = ParseFile(FileFormat::kGcpVpc, text);
    ASSERT_EQ(rr.fatal, "");
    ASSERT_TRUE(rr.errors.empty());
    ASSERT_EQ(rr.records.size(), records.size());
    for (size_t i = 0; i < records.size(); ++i) {
      const auto &a = records[i], &b = rr.records[i];
      EXPECT_EQ(a.src, b.src);
      EXPECT_EQ(a.dst, b.dst);
      EXPECT_EQ(a.srcPort, b.srcPort);
      EXPECT_EQ(a.dstPort, b.dstPort);
      EXPECT_EQ(a.protocol, b.protocol);
      EXPECT_EQ(a.packets, b.packets);
      EXPECT_EQ(a.octets, b.octets);
      EXPECT_EQ(a.start, b.start);
      EXPECT_EQ(a.end, b.end);
      EXPECT_EQ(a.reporter, b.reporter);
      EXPECT_EQ(a.direction, b.direction);
      EXPECT_EQ(metadata ? a.interfaceId : "", b.interfaceId);
      EXPECT_EQ(metadata ? a.zone : "", b.zone);
    }
    // Delivery: the record's own time, else the window's end plus the settings' delay.
    EXPECT_EQ(rr.records[0].delivered, records[0].delivered);
    EXPECT_EQ(rr.records[2].delivered.ns, records[2].end.ns + 5000000000LL);
  }
}

void ExpectGcpLineError(const std::string& bad, const std::string& fragment) {
  SCOPED_TRACE(bad);
  std::string good = WriteFile(FileFormat::kGcpVpc, GcpSettings(true), GcpSamples());
  std::string first = good.substr(0, good.find('\n') + 1);
  ReadResult rr = ParseFile(FileFormat::kGcpVpc, first + bad + "\n" + first);
  ASSERT_EQ(rr.fatal, "");
  EXPECT_EQ(rr.records.size(), 2u);
  ASSERT_EQ(rr.errors.size(), 1u);
  EXPECT_EQ(rr.errors[0].line, 2u);
  EXPECT_NE(rr.errors[0].message.find(fragment), std::string::npos) << rr.errors[0].message;
}

std::string WithPayload(const std::string& payload) {
  return R"({"insertId":"x","jsonPayload":)" + payload + "}";
}

const char kConn[] = R"("connection":{"src_ip":"10.0.0.1","dest_ip":"10.0.0.2","protocol":6,)";
const char kTimes[] = R"("start_time":"2024-01-01T00:00:00Z","end_time":"2024-01-01T00:00:05Z")";

TEST(GcpFlowLog, BadLinesAreNamedAndSkipped) {
  std::string entry = std::string(kGcpEntry);
  ExpectGcpLineError(entry.substr(0, entry.size() / 2), "not a JSON object (truncated?)");
  ExpectGcpLineError("[1,2,3]", "not a JSON object");
  ExpectGcpLineError(R"({"insertId":"x"})", "no jsonPayload");
  ExpectGcpLineError(WithPayload(std::string("{") + kTimes + "}"), "connection missing");
  ExpectGcpLineError(WithPayload(std::string("{") + kConn + R"("src_port":70000},)" + kTimes + "}"),
                     "src_port: 70000 is above 65535");
  ExpectGcpLineError(WithPayload(std::string("{") + kConn + R"("src_port":-1},)" + kTimes + "}"),
                     "src_port: -1 is not a number from 0 to 65535");
  ExpectGcpLineError(
      WithPayload(R"({"connection":{"src_ip":"10.0.0.1","dest_ip":"10.0.0.2","protocol":"TCP"},)" +
                  std::string(kTimes) + "}"),
      "protocol: 'TCP' is not a number from 0 to 255");
  ExpectGcpLineError(WithPayload(std::string("{") + kConn + R"("src_port":1},)" + kTimes +
                                 R"(,"bytes_sent":"99999999999999999999"})"),
                     "bytes_sent");
  ExpectGcpLineError(WithPayload(std::string("{") + kConn +
                                 R"("src_port":1},"start_time":"yesterday","end_time":"x"})"),
                     "start_time 'yesterday' is not an RFC 3339 time");
  ExpectGcpLineError(WithPayload(std::string("{") + kConn + R"("src_port":1},)" + kTimes +
                                 R"(,"reporter":"MIDDLE"})"),
                     "reporter 'MIDDLE'");
  ExpectGcpLineError(
      WithPayload(R"({"connection":{"src_ip":"10.0.0","dest_ip":"10.0.0.2","protocol":6},)" +
                  std::string(kTimes) + "}"),
      "connection.src_ip '10.0.0' is not an IP address");
}

TEST(GcpFlowLog, ForeignFilesAreFatal) {
  for (const std::string& text :
       {std::string("srcaddr,dstaddr\n10.0.0.1,10.0.0.2\n"),
        std::string("\x00\x0a\x00\x30\x65\x53", 6), std::string(R"({"records":[]})"),
        std::string("version account-id interface-id\n")}) {
    size_t handed = 0;
    ReadResult rr = ParseFile(FileFormat::kGcpVpc, text, [&](FlowLogRecord&) { ++handed; });
    EXPECT_NE(rr.fatal.find("line 1: not a Google Cloud VPC flow log"), std::string::npos)
        << rr.fatal;
    EXPECT_EQ(handed, 0u);
  }
  EXPECT_EQ(ParseFile(FileFormat::kGcpVpc, "").fatal, "");  // a window without flows
}

// --- Azure

// A document in the layout of Microsoft's "Log format" section (version 4).
const char kAzureDoc[] = R"({
  "records": [
    {
      "time": "2022-09-14T09:00:52.5625085Z",
      "flowLogVersion": 4,
      "flowLogGUID": "66aa66aa-bb77-cc88-dd99-00ee00ee00ee",
      "macAddress": "112233445566",
      "category": "FlowLogFlowEvent",
      "flowLogResourceID": "/SUBSCRIPTIONS/S/RESOURCEGROUPS/NETWORKWATCHERRG/PROVIDERS/MICROSOFT.NETWORK/NETWORKWATCHERS/NETWORKWATCHER_EASTUS2EUAP/FLOWLOGS/VNETFLOWLOG",
      "targetResourceID": "/subscriptions/S/resourceGroups/RG/providers/Microsoft.Network/virtualNetworks/myVNet",
      "operationName": "FlowLogFlowEvent",
      "flowRecords": {
        "flows": [
          {
            "aclID": "00aa00aa-bb11-cc22-dd33-44ee44ee44ee",
            "flowGroups": [
              {
                "rule": "DefaultRule_AllowInternetOutBound",
                "flowTuples": [
                  "1663146003599,10.0.0.6,192.0.2.180,23956,443,6,O,B,NX,0,0,0,0",
                  "1663146003606,10.0.0.6,192.0.2.180,23956,443,6,O,E,NX,3,767,2,1580",
                  "1663146003637,10.0.0.6,203.0.113.17,22730,443,6,O,B,NX,0,0,0,0"
                ]
              }
            ]
          },
          {
            "aclID": "01bb01bb-cc22-dd33-ee44-55ff55ff55ff",
            "flowGroups": [
              {
                "rule": "BlockHighRiskTCPPortsFromInternet",
                "flowTuples": [
                  "1663145998065,101.33.218.153,10.0.0.6,55188,22,6,I,D,NX,0,0,0,0"
                ]
              }
            ]
          }
        ]
      }
    }
  ]
})";

TEST(AzureFlowLog, ReadsTheDocumentedLayout) {
  ReadResult rr = ParseFile(FileFormat::kAzureVnet, kAzureDoc);
  ASSERT_EQ(rr.fatal, "");
  ASSERT_TRUE(rr.errors.empty()) << rr.errors[0].message;
  ASSERT_EQ(rr.records.size(), 4u);
  const auto& end = rr.records[1];
  EXPECT_EQ(end.provider, Provider::kAzure);
  EXPECT_EQ(end.start, core::Timestamp::FromMillis(1663146003606LL));
  EXPECT_EQ(end.src, Ip("10.0.0.6"));
  EXPECT_EQ(end.dst, Ip("192.0.2.180"));
  EXPECT_EQ(end.srcPort, 23956);
  EXPECT_EQ(end.dstPort, 443);
  EXPECT_EQ(end.protocol, 6);
  EXPECT_EQ(end.direction, Direction::kEgress);
  EXPECT_EQ(end.azureState, 'E');
  EXPECT_EQ(end.action, Action::kAccept);
  EXPECT_EQ(end.packets, 3u);
  EXPECT_EQ(end.octets, 767u);
  EXPECT_EQ(end.reversePackets, 2u);
  EXPECT_EQ(end.reverseOctets, 1580u);
  EXPECT_EQ(end.interfaceId, "112233445566");
  EXPECT_EQ(end.rule, "DefaultRule_AllowInternetOutBound");
  EXPECT_EQ(end.aclId, "00aa00aa-bb11-cc22-dd33-44ee44ee44ee");
  EXPECT_EQ(Native(end, "flowLogGUID"), "66aa66aa-bb77-cc88-dd99-00ee00ee00ee");
  EXPECT_EQ(Native(end, "flowTuple"),
            "1663146003606,10.0.0.6,192.0.2.180,23956,443,6,O,E,NX,3,767,2,1580");
  const auto& deny = rr.records[3];
  EXPECT_EQ(deny.action, Action::kReject);
  EXPECT_EQ(deny.direction, Direction::kIngress);
  EXPECT_EQ(deny.rule, "BlockHighRiskTCPPortsFromInternet");
}

TEST(AzureFlowLog, RoundTrips) {
  const auto records = AzureSamples();
  std::string text = WriteFile(FileFormat::kAzureVnet, AzureSettings(), records);
  ReadResult rr = ParseFile(FileFormat::kAzureVnet, text);
  ASSERT_EQ(rr.fatal, "");
  ASSERT_TRUE(rr.errors.empty());
  ASSERT_EQ(rr.records.size(), records.size());
  // Records come back grouped by NIC and minute, then ACL and rule: match by tuple time.
  for (const auto& a : records) {
    auto it = std::find_if(rr.records.begin(), rr.records.end(),
                           [&](const FlowLogRecord& b) { return b.start == a.start; });
    ASSERT_NE(it, rr.records.end());
    EXPECT_EQ(a.src, it->src);
    EXPECT_EQ(a.dst, it->dst);
    EXPECT_EQ(a.srcPort, it->srcPort);
    EXPECT_EQ(a.dstPort, it->dstPort);
    EXPECT_EQ(a.protocol, it->protocol);
    EXPECT_EQ(a.packets, it->packets);
    EXPECT_EQ(a.octets, it->octets);
    EXPECT_EQ(a.reversePackets, it->reversePackets);
    EXPECT_EQ(a.reverseOctets, it->reverseOctets);
    EXPECT_EQ(a.direction, it->direction);
    EXPECT_EQ(a.azureState, it->azureState);
    EXPECT_EQ(a.action, it->action);
    EXPECT_EQ(a.interfaceId, it->interfaceId);
    EXPECT_EQ(a.rule, it->rule);
    EXPECT_EQ(a.aclId, it->aclId);
  }
}

std::string AzureWithTuple(const std::string& tuple) {
  return "{\"records\":[\n{\"flowLogVersion\":4,\"macAddress\":\"AA\",\"flowRecords\":{\"flows\":"
         "[{\"aclID\":\"a\",\"flowGroups\":[{\"rule\":\"r\",\"flowTuples\":[\n"
         "\"1663146003599,10.0.0.6,192.0.2.180,23956,443,6,O,B,NX,0,0,0,0\",\n\"" +
         tuple + "\"\n]}]}]}}\n]}\n";
}

void ExpectAzureTupleError(const std::string& tuple, const std::string& fragment) {
  SCOPED_TRACE(tuple);
  ReadResult rr = ParseFile(FileFormat::kAzureVnet, AzureWithTuple(tuple));
  ASSERT_EQ(rr.fatal, "");
  EXPECT_EQ(rr.records.size(), 1u);
  ASSERT_EQ(rr.errors.size(), 1u);
  EXPECT_EQ(rr.errors[0].line, 4u);  // the line of the tuple in the document
  EXPECT_NE(rr.errors[0].message.find("record 0 flow 0 group 0 tuple 1: " + fragment),
            std::string::npos)
      << rr.errors[0].message;
}

TEST(AzureFlowLog, BadTuplesAreNamedWithRecordFlowAndLine) {
  ExpectAzureTupleError("1663146003599,10.0.0.6,192.0.2.180,23956", "flow tuple has 4 fields");
  ExpectAzureTupleError("1663146003599,10.0.0.6,192.0.2.180,23956,443,6,O,B,NX,0,0,0,0,9",
                        "flow tuple has 14 fields");
  ExpectAzureTupleError("1663146003599,10.0.0.6,192.0.2.180,23956,443,T,O,B,NX,0,0,0,0",
                        "protocol 'T'");
  ExpectAzureTupleError("1663146003599,10.0.0.6,192.0.2.180,23956,65536,6,O,B,NX,0,0,0,0",
                        "destination port '65536'");
  ExpectAzureTupleError("1663146003599,10.0.0.6,192.0.2.1800,23956,443,6,O,B,NX,0,0,0,0",
                        "address '192.0.2.1800'");
  ExpectAzureTupleError("1663146003599,10.0.0.6,192.0.2.180,23956,443,6,X,B,NX,0,0,0,0",
                        "direction 'X'");
  ExpectAzureTupleError("1663146003599,10.0.0.6,192.0.2.180,23956,443,6,O,A,NX,0,0,0,0",
                        "flow state 'A'");
  ExpectAzureTupleError("99999999999999999,10.0.0.6,192.0.2.180,23956,443,6,O,B,NX,0,0,0,0",
                        "time");
  ExpectAzureTupleError("1663146003599,10.0.0.6,192.0.2.180,23956,443,6,O,C,NX,1,-5,0,0",
                        "bytes '-5'");
}

TEST(AzureFlowLog, BadRecordsAreNamedAndTheRestRead) {
  std::string doc = AzureWithTuple("1663146003600,10.0.0.6,192.0.2.1,1,2,17,O,C,NX,1,2,3,4");
  doc.insert(doc.find('\n') + 1,
             "{\"flowLogVersion\":2,\"flowRecords\":{\"flows\":[]}},\n"
             "{\"flowRecords\":{\"flows\":[{\"flowGroups\":7}]}},\n");
  ReadResult rr = ParseFile(FileFormat::kAzureVnet, doc);
  ASSERT_EQ(rr.fatal, "");
  EXPECT_EQ(rr.records.size(), 2u);
  ASSERT_EQ(rr.errors.size(), 2u);
  EXPECT_NE(rr.errors[0].message.find("record 0: flowLogVersion is not 4"), std::string::npos);
  EXPECT_EQ(rr.errors[0].line, 2u);
  EXPECT_NE(rr.errors[1].message.find("record 1 flow 0: no flowGroups"), std::string::npos);
  EXPECT_EQ(rr.errors[1].line, 3u);
}

TEST(AzureFlowLog, TruncatedAndForeignDocumentsAreFatal) {
  std::string doc = WriteFile(FileFormat::kAzureVnet, AzureSettings(), AzureSamples());
  for (const auto& [text, fragment] : std::vector<std::pair<std::string, std::string>>{
           {doc.substr(0, doc.size() / 2), "not a complete JSON document"},
           {"", "line 1: not a complete JSON document"},
           {"srcaddr,dstaddr\n10.0.0.1,10.0.0.2\n", "line 1: not a complete JSON document"},
           {std::string("\x00\x0a\x00\x30", 4), "not a complete JSON document"},
           {"{\"entries\":[]}", "no \"records\" array"},
           {"[1,2]", "no \"records\" array"}}) {
    size_t handed = 0;
    ReadResult rr = ParseFile(FileFormat::kAzureVnet, text, [&](FlowLogRecord&) { ++handed; });
    EXPECT_NE(rr.fatal.find(fragment), std::string::npos) << rr.fatal;
    EXPECT_EQ(handed, 0u);
  }
  // The truncation is named at its line: the document is cut on line 3 of 5.
  std::string cut = doc.substr(0, doc.find('\n', doc.find('\n', doc.find('\n') + 1) + 1) + 20);
  EXPECT_EQ(ParseFile(FileFormat::kAzureVnet, cut).fatal.rfind("line 4:", 0), 0u)
      << ParseFile(FileFormat::kAzureVnet, cut).fatal;
}

}  // namespace
}  // namespace vantage::wire::flowlog
