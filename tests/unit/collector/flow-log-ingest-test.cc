// Cloud flow logs into the store: write -> collect -> query equals the records for each
// provider, the query language on cloud rows, malformed lines counted, refused files leaving
// what the store held, and a store written before the flow-log columns existed.
#include "vantage/collector/flow-log-ingest.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <nlohmann/json.hpp>

#include "flow-log-samples.h"
#include "test-util.h"
#include "vantage/collector/query.h"

namespace vantage::collector {
namespace {

using namespace wire::flowlog;
using test::QueryInt;
using test::TempPath;
namespace samples = wire::flowlog::testing;

const char kColumns[] =
    "SELECT ipstr(src), ipstr(dst), src_port, dst_port, protocol, packets, octets, rev_packets, "
    "rev_octets, start_ns, end_ns, tcp_flags, provider, coalesce(action, '-'), log_status, "
    "coalesce(flow_direction, '-'), coalesce(ipstr(pkt_src), '-'), interface_id, native "
    "FROM flows ORDER BY rowid";

std::string Text(const core::IpAddress& a) {
  return a.IsSet() ? a.ToString() : "";
}

// What the store must hold for a record, in the order of kColumns.
std::vector<std::string> Expected(const FlowLogRecord& r) {
  const char* action = r.action == Action::kAccept   ? "ACCEPT"
                       : r.action == Action::kReject ? "REJECT"
                                                     : "-";
  const char* status = r.logStatus == LogStatus::kNoData     ? "NODATA"
                       : r.logStatus == LogStatus::kSkipData ? "SKIPDATA"
                                                             : "OK";
  const char* dir = r.direction == Direction::kIngress  ? "ingress"
                    : r.direction == Direction::kEgress ? "egress"
                                                        : "-";
  return {Text(r.src),
          Text(r.dst),
          std::to_string(r.srcPort),
          std::to_string(r.dstPort),
          std::to_string(r.protocol),
          std::to_string(r.packets),
          std::to_string(r.octets),
          std::to_string(r.reversePackets),
          std::to_string(r.reverseOctets),
          std::to_string(r.start.ns),
          std::to_string(r.end.ns),
          std::to_string(r.tcpFlags),
          ProviderName(r.provider),
          action,
          status,
          dir};
}

std::vector<std::vector<std::string>> Rows(const std::string& db) {
  auto q = RunQueryOnFile(db, kColumns);
  EXPECT_TRUE(q) << q.GetError().message;
  return q ? q->rows : std::vector<std::vector<std::string>>{};
}

void ExpectRoundTrip(FileFormat format, const Settings& s, std::vector<FlowLogRecord> records) {
  TempPath db("cloud.sqlite");
  auto store = Store::Open(db.str());
  ASSERT_TRUE(store);
  const std::string text = WriteFile(format, s, records);
  auto report = IngestFlowLogText(**store, text, format, "test.log");
  ASSERT_TRUE(report) << report.GetError().message;
  EXPECT_EQ(report->records, records.size());
  EXPECT_EQ(report->malformed, 0u);
  ASSERT_TRUE((*store)->Close());
  auto rows = Rows(db.str());
  ASSERT_EQ(rows.size(), records.size());
  // Azure files group tuples by NIC and minute: compare in start order there.
  if (format == FileFormat::kAzureVnet) {
    std::stable_sort(records.begin(), records.end(),
                     [](const auto& a, const auto& b) { return a.start < b.start; });
    std::stable_sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) {
      return std::stoll(a[9]) < std::stoll(b[9]);
    });
  }
  for (size_t i = 0; i < records.size(); ++i) {
    SCOPED_TRACE(i);
    FlowLogRecord carried = records[i];  // what the format version can say
    if (format == FileFormat::kAwsVpc && s.awsVersion < 3) carried.tcpFlags = 0;
    if (format == FileFormat::kAwsVpc && s.awsVersion < 5) carried.direction = Direction::kUnknown;
    auto want = Expected(carried);
    EXPECT_EQ(std::vector<std::string>(rows[i].begin(), rows[i].begin() + 16), want);
    const auto& r = records[i];
    if (format == FileFormat::kAwsVpc && s.awsVersion >= 3 && r.logStatus == LogStatus::kOk) {
      EXPECT_EQ(rows[i][16], Text(r.pktSrc.IsSet() ? r.pktSrc : r.src));
    }
    if (format != FileFormat::kGcpVpc || s.includeMetadata) {
      EXPECT_EQ(rows[i][17], r.interfaceId);
    }
    // The fields as read that no column holds, as one JSON object.
    auto native = nlohmann::json::parse(rows[i][18], nullptr, false);
    ASSERT_TRUE(native.is_object()) << rows[i][18];
    if (format == FileFormat::kAwsVpc) {
      EXPECT_EQ(native.value("account-id", ""), "123456789010");
      EXPECT_FALSE(native.contains("srcaddr"));
      EXPECT_FALSE(native.contains("bytes"));
      if (s.awsVersion >= 3) {
        EXPECT_EQ(native.value("vpc-id", ""), "vpc-0f00ba11c0ffee123");
      }
    } else if (format == FileFormat::kGcpVpc) {
      EXPECT_EQ(native.value("logName", ""),
                "projects/vantage-lab/logs/compute.googleapis.com%2Fvpc_flows");
      EXPECT_FALSE(native.contains("jsonPayload.connection.src_ip"));
    } else {
      EXPECT_EQ(native.value("category", ""), "FlowLogFlowEvent");
      EXPECT_EQ(native.value("rule", ""), r.rule);
    }
  }
}

TEST(FlowLogIngest, AwsEveryVersionRoundTrips) {
  for (int v = 2; v <= 5; ++v) {
    SCOPED_TRACE(v);
    ExpectRoundTrip(FileFormat::kAwsVpc, samples::AwsSettings(v), samples::AwsSamples());
  }
}

TEST(FlowLogIngest, GcpRoundTrips) {
  ExpectRoundTrip(FileFormat::kGcpVpc, samples::GcpSettings(true), samples::GcpSamples());
  ExpectRoundTrip(FileFormat::kGcpVpc, samples::GcpSettings(false), samples::GcpSamples());
}

TEST(FlowLogIngest, AzureRoundTrips) {
  ExpectRoundTrip(FileFormat::kAzureVnet, samples::AzureSettings(), samples::AzureSamples());
}

// The query language works on cloud rows beside IPFIX rows: one store, both kinds.
TEST(FlowLogIngest, QueryLanguageSeesCloudAndOnPremisesRecords) {
  TempPath db("mixed.sqlite");
  {
    auto store = Store::Open(db.str());
    ASSERT_TRUE(store);
    core::FlowRecord ipfix = test::MakeRecord(1);
    ipfix.key.src = samples::Ip("172.31.16.139");  // the same host seen on premises
    ipfix.octets = 1000;
    ASSERT_TRUE((*store)->Insert(ipfix));
    auto report = IngestFlowLogText(
        **store, WriteFile(FileFormat::kAwsVpc, samples::AwsSettings(5), samples::AwsSamples()),
        FileFormat::kAwsVpc, "vpc.log");
    ASSERT_TRUE(report);
    ASSERT_TRUE((*store)->Close());
  }
  auto top = RunQueryOnFile(db.str(), "top 1 srcip by bytes");
  ASSERT_TRUE(top) << top.GetError().message;
  ASSERT_EQ(top->rows.size(), 1u);
  EXPECT_EQ(top->rows[0][0], "172.31.16.139");
  EXPECT_EQ(top->rows[0][1], "2");                          // flows: one IPFIX, one flow log
  EXPECT_EQ(top->rows[0][3], std::to_string(1000 + 4249));  // bytes
  auto rejected = RunQueryOnFile(db.str(), "top 5 dstport by flows where dstport = 3389");
  ASSERT_TRUE(rejected);
  ASSERT_EQ(rejected->rows.size(), 1u);
  EXPECT_EQ(QueryInt(db.str(), "SELECT count(*) FROM flows WHERE provider IS NULL"), 1);
  EXPECT_EQ(QueryInt(db.str(), "SELECT count(*) FROM flows WHERE action = 'REJECT'"), 1);
  EXPECT_EQ(QueryInt(db.str(), "SELECT count(*) FROM flows WHERE log_status = 'NODATA'"), 1);
}

// Native text with quotes, backslashes, control characters and UTF-8 stays valid JSON.
TEST(FlowLogIngest, NativeFieldsAreEscaped) {
  TempPath db("escape.sqlite");
  auto store = Store::Open(db.str());
  ASSERT_TRUE(store);
  auto records = samples::GcpSamples();
  records.resize(1);
  records[0].instanceId = "vm \"caf\xc3\xa9\" \\ \t";
  ASSERT_TRUE(IngestFlowLogText(**store,
                                WriteFile(FileFormat::kGcpVpc, samples::GcpSettings(true), records),
                                FileFormat::kGcpVpc, "gcp.jsonl"));
  ASSERT_TRUE((*store)->Close());
  auto rows = Rows(db.str());
  ASSERT_EQ(rows.size(), 1u);
  auto native = nlohmann::json::parse(rows[0][18], nullptr, false);
  ASSERT_TRUE(native.is_object()) << rows[0][18];
  EXPECT_EQ(native.value("jsonPayload.src_instance.vm_name", ""), records[0].instanceId);
  EXPECT_EQ(rows[0][17], records[0].instanceId);
}

TEST(FlowLogIngest, MalformedLinesAreCountedAndTheRestStored) {
  TempPath db("bad-lines.sqlite");
  auto store = Store::Open(db.str());
  ASSERT_TRUE(store);
  std::string text = WriteFile(FileFormat::kAwsVpc, samples::AwsSettings(2), samples::AwsSamples());
  text.insert(text.find('\n') + 1, "2 1 eni-a 10.0.0.1 10.0.0.2 1\n");  // line 2: too short
  text += "2 1 eni-a 10.0.0.1 10.0.0.2 1 2 tcp 1 40 10 20 ACCEPT OK\n";
  FlowLogIngestOptions opts;
  opts.maxErrors = 1;
  auto report = IngestFlowLogText(**store, text, FileFormat::kAwsVpc, "vpc.log", opts);
  ASSERT_TRUE(report) << report.GetError().message;
  EXPECT_EQ(report->records, samples::AwsSamples().size());
  EXPECT_EQ(report->malformed, 2u);
  ASSERT_EQ(report->errors.size(), 1u);  // the first maxErrors are kept, all are counted
  EXPECT_EQ(report->errors[0].line, 2u);
  ASSERT_TRUE((*store)->Flush());
  EXPECT_EQ(QueryInt(db.str(), "SELECT count FROM anomalies WHERE name='flowlog.malformed_line'"),
            2);
  ASSERT_TRUE(IngestFlowLogText(**store, text, FileFormat::kAwsVpc, "again.log"));
  EXPECT_EQ(QueryInt(db.str(), "SELECT count FROM anomalies WHERE name='flowlog.malformed_line'"),
            4);
  ASSERT_TRUE((*store)->Close());
}

// A store that already holds records, then files that are not flow logs of that format: each
// is refused naming the file and line, and every record already stored is still there.
TEST(FlowLogIngest, RefusedFilesLoseNothing) {
  TempPath db("refuse.sqlite");
  {
    auto store = Store::Open(db.str());
    ASSERT_TRUE(store);
    for (uint32_t i = 0; i < 10; ++i) ASSERT_TRUE((*store)->Insert(test::MakeRecord(i)));
    ASSERT_TRUE((*store)->Close());
  }
  auto store = Store::Open(db.str());
  ASSERT_TRUE(store);
  std::string v5 = WriteFile(FileFormat::kAwsVpc, samples::AwsSettings(5), samples::AwsSamples());
  std::string v2Header = AwsDefaultFields(2)[0];
  for (const auto& f : AwsDefaultFields(2)) {
    if (f != v2Header) v2Header += " " + f;
  }
  std::string azure =
      WriteFile(FileFormat::kAzureVnet, samples::AzureSettings(), samples::AzureSamples());
  struct Case {
    FileFormat format;
    std::string text;
    std::string message;
  };
  for (const auto& c : std::vector<Case>{
           {FileFormat::kAwsVpc, "time,src,dst\n1,2,3\n", "a.csv: line 1: not an AWS"},
           {FileFormat::kAwsVpc, v2Header + "\n" + v5.substr(v5.find('\n') + 1),
            "a.csv: line 2: the header names 14 fields but the lines have 29"},
           {FileFormat::kGcpVpc, v5, "a.csv: line 1: not a Google Cloud VPC flow log"},
           {FileFormat::kAzureVnet, azure.substr(0, azure.size() - 10),
            "a.csv: line 4: not a complete JSON document"}}) {
    auto r = IngestFlowLogText(**store, c.text, c.format, "a.csv");
    ASSERT_FALSE(r);
    EXPECT_EQ(r.GetError().message.rfind(c.message, 0), 0u) << r.GetError().message;
  }
  auto missing = IngestFlowLogFile(**store, "/nonexistent/vpc.log", FileFormat::kAwsVpc);
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.GetError().message.find("/nonexistent/vpc.log"), std::string::npos);
  ASSERT_TRUE((*store)->Close());
  EXPECT_EQ(QueryInt(db.str(), "SELECT count(*) FROM flows"), 10);
  EXPECT_EQ(QueryInt(db.str(), "SELECT count(*) FROM flows WHERE provider IS NOT NULL"), 0);
}

// A store written before the flow-log columns existed gets them on open; its rows are kept.
TEST(FlowLogIngest, OlderStoresGainTheFlowLogColumns) {
  TempPath db("old.sqlite");
  {
    auto store = Store::Open(db.str());
    ASSERT_TRUE(store);
    for (uint32_t i = 0; i < 5; ++i) ASSERT_TRUE((*store)->Insert(test::MakeRecord(i)));
    ASSERT_TRUE((*store)->Close());
  }
  {
    // The partition as a table of its own (as stores were before the block store), without
    // the flow-log columns.
    std::string sql =
        "DROP VIEW flows; CREATE TABLE flows_p1 AS SELECT * FROM flow_store; DELETE FROM "
        "flow_blocks; UPDATE partitions SET table_name = 'flows_p1' WHERE id = 1;";
    for (const char* c : {"provider", "action", "log_status", "flow_direction", "pkt_src",
                          "pkt_dst", "interface_id", "native"}) {
      sql += std::string("ALTER TABLE flows_p1 DROP COLUMN ") + c + ";";
    }
    sql += "CREATE VIEW flows AS SELECT * FROM flows_p1;";
    ASSERT_EQ(test::ExecSql(db.str(), sql), "");
  }
  EXPECT_EQ(QueryInt(db.str(), "SELECT count(*) FROM pragma_table_info('flows_p1')"), 39);
  auto store = Store::Open(db.str());
  ASSERT_TRUE(store) << store.GetError().message;
  ASSERT_TRUE(IngestFlowLogText(
      **store, WriteFile(FileFormat::kAwsVpc, samples::AwsSettings(3), samples::AwsSamples()),
      FileFormat::kAwsVpc, "vpc.log"));
  ASSERT_TRUE((*store)->Close());
  EXPECT_EQ(QueryInt(db.str(), "SELECT count(*) FROM pragma_table_info('flows_p1')"), 47);
  EXPECT_EQ(QueryInt(db.str(), "SELECT count(*) FROM flows"),
            5 + static_cast<int64_t>(samples::AwsSamples().size()));
  EXPECT_EQ(QueryInt(db.str(), "SELECT count(*) FROM flows WHERE provider = 'aws'"),
            static_cast<int64_t>(samples::AwsSamples().size()));
}

}  // namespace
}  // namespace vantage::collector
