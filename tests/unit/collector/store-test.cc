// The SQLite store: every field stored and read back, enrichment, bookkeeping tables, bad
// paths, async writes, and a killed writer leaving a consistent database.
#include "vantage/collector/store.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include "test-util.h"
#include "vantage/collector/collecting-process.h"
#include "vantage/collector/flow-store-module.h"
#include "vantage/collector/prefix-table.h"

namespace vantage::collector {
namespace {

using test::QueryInt;
using test::TempPath;

core::FlowRecord FullRecord() {
  core::FlowRecord r = test::MakeRecord(3);
  r.key.src = *core::IpAddress::Parse("2001:db8::1");
  r.key.dst = *core::IpAddress::Parse("2001:db8::2");
  r.key.vlan = 42;
  r.key.protocol = 58;
  r.key.dstPort = 0x8000;
  r.icmpType = 128;
  r.icmpCode = 0;
  r.nextHop = *core::IpAddress::Parse("2001:db8::fe");
  r.srcMac = {1, 2, 3, 4, 5, 6};
  r.dstMac = {6, 5, 4, 3, 2, 1};
  r.reversePackets = 7;
  r.reverseOctets = 700;
  r.postNatSrc = *core::IpAddress::Parse("2001:db8:1::1");
  r.postNatDst = *core::IpAddress::Parse("2001:db8:1::2");
  r.postNatSrcPort = 1111;
  r.postNatDstPort = 2222;
  r.natEvent = core::NatEvent::kNat44SessionCreate;
  r.samplingInterval = 10;
  r.exporter = core::IpAddress::V4(0x7f000001);
  r.observationDomain = 99;
  r.endReason = core::FlowEndReason::kIdleTimeout;
  return r;
}

std::string Hex(const std::string& db, const std::string& col) {
  EnableFlowStoreModule();
  sqlite3* h = nullptr;
  sqlite3_open_v2(db.c_str(), &h, SQLITE_OPEN_READONLY, nullptr);
  sqlite3_stmt* st = nullptr;
  std::string out;
  std::string sql = "SELECT hex(" + col + ") FROM flows LIMIT 1";
  if (sqlite3_prepare_v2(h, sql.c_str(), -1, &st, nullptr) == SQLITE_OK &&
      sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0)) {
    out = reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
  }
  sqlite3_finalize(st);
  sqlite3_close(h);
  return out;
}

std::string HexOf(const uint8_t* p, size_t n) {
  static const char* k = "0123456789ABCDEF";
  std::string s;
  for (size_t i = 0; i < n; ++i) {
    s += k[p[i] >> 4];
    s += k[p[i] & 15];
  }
  return s;
}

TEST(Store, EveryFieldStored) {
  TempPath db("fields.sqlite");
  auto r = FullRecord();
  {
    auto s = Store::Open(db.str());
    ASSERT_TRUE(s) << s.GetError().message;
    ASSERT_TRUE((*s)->Insert(r));
    ASSERT_TRUE((*s)->Close());
  }
  auto q = [&](const char* col) {
    return QueryInt(db.str(), std::string("SELECT ") + col + " FROM flows LIMIT 1");
  };
  EXPECT_EQ(QueryInt(db.str(), "SELECT count(*) FROM flows"), 1);
  EXPECT_EQ(q("start_ns"), r.start.ns);
  EXPECT_EQ(q("end_ns"), r.end.ns);
  EXPECT_EQ(q("ip_version"), 6);
  EXPECT_EQ(Hex(db.str(), "src"), HexOf(r.key.src.bytes.data(), 16));
  EXPECT_EQ(Hex(db.str(), "dst"), HexOf(r.key.dst.bytes.data(), 16));
  EXPECT_EQ(q("src_port"), r.key.srcPort);
  EXPECT_EQ(q("dst_port"), r.key.dstPort);
  EXPECT_EQ(q("protocol"), 58);
  EXPECT_EQ(q("tos"), r.key.tos);
  EXPECT_EQ(q("tcp_flags"), r.tcpFlags);
  EXPECT_EQ(q("packets"), static_cast<int64_t>(r.packets));
  EXPECT_EQ(q("octets"), static_cast<int64_t>(r.octets));
  EXPECT_EQ(q("rev_packets"), 7);
  EXPECT_EQ(q("rev_octets"), 700);
  EXPECT_EQ(q("in_if"), 3);
  EXPECT_EQ(q("out_if"), 4);
  EXPECT_EQ(q("src_as"), 64512);
  EXPECT_EQ(q("dst_as"), 64513);
  EXPECT_EQ(q("icmp_type"), 128);
  EXPECT_EQ(q("icmp_code"), 0);
  EXPECT_EQ(q("vlan"), 42);
  EXPECT_EQ(Hex(db.str(), "next_hop"), HexOf(r.nextHop.bytes.data(), 16));
  EXPECT_EQ(q("min_ttl"), 60);
  EXPECT_EQ(q("max_ttl"), 64);
  EXPECT_EQ(Hex(db.str(), "src_mac"), "010203040506");
  EXPECT_EQ(Hex(db.str(), "dst_mac"), "060504030201");
  EXPECT_EQ(Hex(db.str(), "post_nat_src"), HexOf(r.postNatSrc.bytes.data(), 16));
  EXPECT_EQ(Hex(db.str(), "post_nat_dst"), HexOf(r.postNatDst.bytes.data(), 16));
  EXPECT_EQ(q("post_nat_src_port"), 1111);
  EXPECT_EQ(q("post_nat_dst_port"), 2222);
  EXPECT_EQ(q("nat_event"), 4);
  EXPECT_EQ(q("end_reason"), 1);
  EXPECT_EQ(q("sampling"), 10);
  EXPECT_EQ(Hex(db.str(), "exporter"), "7F000001");
  EXPECT_EQ(q("obs_domain"), 99);
  // One block, its partition closed.
  EXPECT_EQ(QueryInt(db.str(), "SELECT count(*) FROM flow_blocks"), 1);
  EXPECT_EQ(QueryInt(db.str(), "SELECT closed + rolled_up + indexed FROM partitions"), 3);
  EXPECT_EQ(QueryInt(db.str(), "SELECT value FROM meta WHERE key='schema_version'"),
            kStoreSchemaVersion);
}

TEST(Store, IpfixFieldsEndToEnd) {
  // Every field the IPFIX flow template carries survives writer -> collector -> store.
  TempPath db("e2e.sqlite");
  auto r = test::MakeRecord(5);
  r.key.vlan = 12;
  r.srcMac = {1, 2, 3, 4, 5, 6};
  r.postNatSrc = core::IpAddress::V4(0x64400001);
  r.postNatDst = core::IpAddress::V4(0x64400002);
  r.postNatSrcPort = 3333;
  r.postNatDstPort = 4444;
  r.natEvent = core::NatEvent::kNat44SessionCreate;
  r.reversePackets = 3;
  r.reverseOctets = 333;
  test::Sink sink;
  wire::ipfix::MessageWriter w(test::IpfixCfg(4), sink.Fn());
  auto t = wire::MakeFlowTemplate(256, test::RichOpts());
  ASSERT_TRUE(w.AddTemplate(t));
  ASSERT_TRUE(w.AddFlowRecord(256, r));
  w.Flush();
  {
    auto s = Store::Open(db.str());
    ASSERT_TRUE(s);
    CollectingProcess cp(s->get());
    for (const auto& m : sink.messages) {
      cp.OnDatagram(core::IpAddress::V4(0x7f000002), 9999, m.data(), m.size(),
                    core::Timestamp::FromSeconds(1700000000));
    }
    cp.Flush();
    ASSERT_TRUE((*s)->Close());
  }
  auto q = [&](const char* col) {
    return QueryInt(db.str(), std::string("SELECT ") + col + " FROM flows LIMIT 1");
  };
  EXPECT_EQ(q("count(*)"), 1);
  EXPECT_EQ(Hex(db.str(), "src"), HexOf(r.key.src.bytes.data(), 4));
  EXPECT_EQ(q("packets"), static_cast<int64_t>(r.packets));
  EXPECT_EQ(q("octets"), static_cast<int64_t>(r.octets));
  EXPECT_EQ(q("start_ns"), r.start.ns);
  EXPECT_EQ(q("end_ns"), r.end.ns);
  EXPECT_EQ(q("vlan"), 12);
  EXPECT_EQ(q("tcp_flags"), r.tcpFlags);
  EXPECT_EQ(q("src_as"), 64512);
  EXPECT_EQ(q("rev_packets"), 3);
  EXPECT_EQ(q("rev_octets"), 333);
  EXPECT_EQ(q("post_nat_src_port"), 3333);
  EXPECT_EQ(q("nat_event"), 4);
  EXPECT_EQ(Hex(db.str(), "post_nat_src"), "64400001");
  EXPECT_EQ(Hex(db.str(), "src_mac"), "010203040506");
  EXPECT_EQ(q("end_reason"), 3);
  EXPECT_EQ(Hex(db.str(), "exporter"), "7F000002");
  EXPECT_EQ(q("obs_domain"), 4);
  EXPECT_EQ(QueryInt(db.str(), "SELECT received FROM loss"), 1);
  EXPECT_EQ(QueryInt(db.str(), "SELECT lost FROM loss"), 0);
  EXPECT_EQ(QueryInt(db.str(), "SELECT port FROM loss"), 9999);
}

TEST(Store, EnrichmentAtIngest) {
  TempPath db("enrich.sqlite");
  StoreConfig cfg;
  cfg.asTable = *PrefixTable::Parse("10.0.0.0/8,65001\n", "as");
  cfg.countryTable = *PrefixTable::Parse("10.0.0.0/8,NL\n192.168.0.0/16,FR\n", "cc");
  auto r = test::MakeRecord(1);
  r.srcAs = 0;
  r.dstAs = 7;
  {
    auto s = Store::Open(db.str(), cfg);
    ASSERT_TRUE(s);
    ASSERT_TRUE((*s)->Insert(r));
    ASSERT_TRUE((*s)->Close());
  }
  EXPECT_EQ(QueryInt(db.str(), "SELECT src_as FROM flows"), 65001);
  EXPECT_EQ(QueryInt(db.str(), "SELECT dst_as FROM flows"), 7);  // exporter's value kept
  EXPECT_EQ(
      QueryInt(db.str(), "SELECT count(*) FROM flows WHERE src_country='NL' AND dst_country='FR'"),
      1);
}

TEST(Store, AsyncWritesEverything) {
  TempPath db("async.sqlite");
  StoreConfig cfg;
  cfg.asyncWrite = true;
  cfg.batchSize = 1000;
  {
    auto s = Store::Open(db.str(), cfg);
    ASSERT_TRUE(s);
    for (uint32_t i = 0; i < 12345; ++i) ASSERT_TRUE((*s)->Insert(test::MakeRecord(i)));
    EXPECT_EQ((*s)->RowCount(), 12345u);
    ASSERT_TRUE((*s)->Flush());
    EXPECT_EQ(QueryInt(db.str(), "SELECT count(*) FROM flows"), 12345);
    ASSERT_TRUE((*s)->Close());
  }
  EXPECT_EQ(QueryInt(db.str(), "SELECT sum(packets) FROM flows"),
            static_cast<int64_t>(12345) * 10 + static_cast<int64_t>(12344) * 12345 / 2);
}

TEST(Store, UnwritablePathIsAClearError) {
  auto s = Store::Open("/nonexistent-dir/sub/flows.sqlite");
  ASSERT_FALSE(s);
  EXPECT_NE(s.GetError().message.find("/nonexistent-dir/sub/flows.sqlite"), std::string::npos);
}

TEST(Store, KilledWriterLeavesConsistentDatabase) {
  TempPath db("killed.sqlite");
  StoreConfig cfg;
  cfg.batchSize = 100;
  pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    auto s = Store::Open(db.str(), cfg);
    if (!s) _exit(3);
    for (uint32_t i = 0; i < 1050; ++i) (void)(*s)->Insert(test::MakeRecord(i));
    _exit(0);  // no Flush, no Close: as if killed
  }
  int status = 0;
  waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFEXITED(status));
  ASSERT_EQ(WEXITSTATUS(status), 0);
  sqlite3* h = nullptr;
  ASSERT_EQ(sqlite3_open(db.str().c_str(), &h), SQLITE_OK);
  sqlite3_stmt* st = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(h, "PRAGMA integrity_check", -1, &st, nullptr), SQLITE_OK);
  ASSERT_EQ(sqlite3_step(st), SQLITE_ROW);
  EXPECT_STREQ(reinterpret_cast<const char*>(sqlite3_column_text(st, 0)), "ok");
  sqlite3_finalize(st);
  sqlite3_close(h);
  // Whole batches only.
  EXPECT_EQ(QueryInt(db.str(), "SELECT count(*) FROM flows"), 1000);
}

TEST(Store, BookkeepingTables) {
  TempPath db("book.sqlite");
  {
    auto s = Store::Open(db.str());
    ASSERT_TRUE(s);
    LossReport l;
    l.exporter = core::IpAddress::V4(0x01020304);
    l.port = 2055;
    l.observationDomain = 3;
    l.version = 9;
    l.unit = "messages";
    l.expected = 100;
    l.received = 90;
    l.lost = 10;
    ASSERT_TRUE((*s)->SaveLoss({l}));
    l.received = 95;
    l.lost = 5;
    ASSERT_TRUE((*s)->SaveLoss({l}));  // replaces
    ExporterOptions o;
    o.exporter = l.exporter;
    o.samplingInterval = 64;
    ASSERT_TRUE((*s)->SaveExporterOptions(o));
    ASSERT_TRUE((*s)->SaveAnomalies({{"ipfix.truncated_set", 3}}));
    ASSERT_TRUE((*s)->Close());
  }
  EXPECT_EQ(QueryInt(db.str(), "SELECT count(*) FROM loss"), 1);
  EXPECT_EQ(QueryInt(db.str(), "SELECT lost FROM loss"), 5);
  EXPECT_EQ(QueryInt(db.str(), "SELECT sampling_interval FROM exporter_options"), 64);
  EXPECT_EQ(QueryInt(db.str(), "SELECT count FROM anomalies WHERE name='ipfix.truncated_set'"), 3);
}

}  // namespace
}  // namespace vantage::collector
