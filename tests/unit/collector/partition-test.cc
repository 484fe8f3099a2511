// Time partitions of the store: one partition of flow blocks per interval of record time behind the
// `flows` view, roll-ups when a partition closes, block time bounds, Top-N from roll-ups equal to
// Top-N from the rows, retention, the bounded writer queue, and a version-1 store adopted.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include "test-util.h"
#include "vantage/collector/query.h"
#include "vantage/collector/store.h"
#include "vantage/test/child-process.h"

namespace vantage::collector {
namespace {

using test::QueryInt;
using test::TempPath;

constexpr int64_t kMinute = 60'000'000'000LL;

// Flow i starts at minute i / perMinute (from a round hour), from one of 37 sources.
core::FlowRecord Spread(uint32_t i, uint32_t perMinute) {
  core::FlowRecord r = test::MakeRecord(i);
  r.key.src = core::IpAddress::V4(0x0a000000u + (i * 7919u) % 37u);
  r.key.dstPort = static_cast<uint16_t>(i % 3 == 0 ? 53 : 443);
  r.key.protocol = static_cast<uint8_t>(r.key.dstPort == 53 ? 17 : 6);
  r.octets = 100 + (i * 31u) % 977u;
  const int64_t base = 1700000000LL / 3600 * 3600 * 1000000000LL;
  r.start = core::Timestamp::FromNanos(base + static_cast<int64_t>(i / perMinute) * kMinute +
                                       static_cast<int64_t>(i % perMinute) * 1000);
  r.end = r.start + core::Duration::Millis(200);
  return r;
}

StoreConfig FiveMinutes(bool async) {
  StoreConfig cfg;
  cfg.asyncWrite = async;
  cfg.batchSize = 97;
  cfg.partitionInterval = core::Duration::Seconds(300);
  return cfg;
}

TEST(StorePartitions, OnePartitionPerIntervalBehindTheFlowsView) {
  TempPath db("parts.sqlite");
  {
    auto s = Store::Open(db.str(), FiveMinutes(true));
    ASSERT_TRUE(s);
    for (uint32_t i = 0; i < 1500; ++i) ASSERT_TRUE((*s)->Insert(Spread(i, 100)));  // 15 min
    ASSERT_TRUE((*s)->Close());
  }
  EXPECT_EQ(QueryInt(db.str(), "SELECT count(*) FROM partitions"), 3);
  EXPECT_EQ(QueryInt(db.str(), "SELECT count(*) FROM flows"), 1500);
  EXPECT_EQ(QueryInt(db.str(), "SELECT count(*) FROM flow_store WHERE partition = 2"), 500);
  EXPECT_EQ(QueryInt(db.str(), "SELECT sum(rows) FROM partitions WHERE rolled_up AND indexed"),
            1500);
  // Each partition's blocks, with time bounds that hold their rows.
  EXPECT_EQ(QueryInt(db.str(), "SELECT sum(rows) FROM flow_blocks WHERE id >> 32 = 2"), 500);
  EXPECT_EQ(QueryInt(db.str(),
                     "SELECT count(*) FROM flow_store f JOIN flow_blocks b ON b.id >> 32 = "
                     "f.partition WHERE f.start_ns BETWEEN b.min_start_ns AND b.max_start_ns"),
            1500);
  // Every flow counted once per dimension in the per-minute roll-ups.
  EXPECT_EQ(QueryInt(db.str(), "SELECT sum(flows) FROM rollups WHERE dim = 'srcip'"), 1500);
  EXPECT_EQ(QueryInt(db.str(), "SELECT count(DISTINCT minute_ns) FROM rollups"), 15);
}

// Conditions on start_ns and end_ns skip blocks by their bounds; the answer must equal a scan
// of every row (`+start_ns` is an expression, so SQLite does not hand it to the table).
TEST(StorePartitions, TimeConditionsSkipBlocksWithoutLosingRows) {
  TempPath db("times.sqlite");
  StoreConfig cfg = FiveMinutes(false);
  cfg.batchSize = 37;  // many small blocks
  {
    auto s = Store::Open(db.str(), cfg);
    ASSERT_TRUE(s);
    for (uint32_t i = 0; i < 1500; ++i) ASSERT_TRUE((*s)->Insert(Spread(i, 100)));
    ASSERT_TRUE((*s)->Close());
  }
  ASSERT_GT(QueryInt(db.str(), "SELECT count(*) FROM flow_blocks"), 30);
  const int64_t t0 = QueryInt(db.str(), "SELECT min(start_ns) FROM flows");
  const int64_t t1 = QueryInt(db.str(), "SELECT max(end_ns) FROM flows");
  for (int k = 1; k < 8; ++k) {
    const std::string t = std::to_string(t0 + (t1 - t0) * k / 8);
    for (const char* op : {"<", "<=", "=", ">=", ">"}) {
      for (const char* col : {"start_ns", "end_ns"}) {
        const std::string cond = std::string(col) + " " + op + " " + t;
        const int64_t pruned = QueryInt(db.str(), "SELECT count(*) FROM flows WHERE " + cond);
        const int64_t scanned = QueryInt(db.str(), "SELECT count(*) FROM flows WHERE +" + cond);
        EXPECT_EQ(pruned, scanned) << cond;
      }
    }
    EXPECT_EQ(QueryInt(db.str(), "SELECT count(*) FROM flows WHERE start_ns >= " + t +
                                     ".5 AND start_ns < " + t + " + 60e9"),
              QueryInt(db.str(), "SELECT count(*) FROM flows WHERE +start_ns >= " + t +
                                     ".5 AND +start_ns < " + t + " + 60e9"));
  }
  EXPECT_EQ(QueryInt(db.str(), "SELECT count(*) FROM flow_store WHERE partition = 'x'"), 0);
}

// Other SQLite clients read the store through the loadable extension: the sqlite3 shell sees
// the same flows as the library.
TEST(StorePartitions, TheSqliteShellReadsFlowsThroughTheExtension) {
#ifndef VANTAGE_FLOW_STORE_EXTENSION
  GTEST_SKIP() << "the extension is not built under sanitizers";
#else
  int code = -1;
  vantage::test::RunCapture("sqlite3 -version", &code);
  if (code != 0) GTEST_SKIP() << "no sqlite3 shell (scripts/setup.sh installs it)";
  TempPath db("shell.sqlite");
  {
    auto s = Store::Open(db.str(), FiveMinutes(false));
    ASSERT_TRUE(s);
    for (uint32_t i = 0; i < 700; ++i) ASSERT_TRUE((*s)->Insert(Spread(i, 100)));
    ASSERT_TRUE((*s)->Close());
  }
  const std::string sql = "SELECT count(*), sum(octets), count(DISTINCT src) FROM flows";
  const std::string out = vantage::test::RunCapture("sqlite3 -bail -cmd '.load " +
                                                    std::string(VANTAGE_FLOW_STORE_EXTENSION) +
                                                    "' '" + db.str() + "' '" + sql + "' 2>&1");
  const std::string want = std::to_string(QueryInt(db.str(), "SELECT count(*) FROM flows")) + "|" +
                           std::to_string(QueryInt(db.str(), "SELECT sum(octets) FROM flows")) +
                           "|37\n";
  EXPECT_EQ(out, want);
  EXPECT_EQ(QueryInt(db.str(), "SELECT count(*) FROM flows"), 700);
  // Without the extension the shell names the missing module.
  const std::string bare =
      vantage::test::RunCapture("sqlite3 '" + db.str() + "' '" + sql + "' 2>&1");
  EXPECT_NE(bare.find("flow_store"), std::string::npos) << bare;
#endif
}

// A block changed behind the store's back fails the query and names the block and offset;
// the other tables stay readable.
TEST(StorePartitions, DamagedBlockIsAnErrorNamingTheBlock) {
  TempPath db("damaged.sqlite");
  {
    auto s = Store::Open(db.str(), FiveMinutes(false));
    ASSERT_TRUE(s);
    for (uint32_t i = 0; i < 50; ++i) ASSERT_TRUE((*s)->Insert(Spread(i, 100)));
    ASSERT_TRUE((*s)->Close());
  }
  ASSERT_EQ(test::ExecSql(db.str(),
                          "UPDATE flow_blocks SET data = substr(data, 1, "
                          "length(data) - 3)"),
            "");
  const std::string message = test::ExecSql(db.str(), "SELECT sum(octets) FROM flows");
  EXPECT_NE(message.find("block 0 of partition 1 is damaged at byte"), std::string::npos)
      << message;
  EXPECT_EQ(QueryInt(db.str(), "SELECT sum(rows) FROM partitions"), 50);
}

// The same Top-N through the roll-ups and through the rows (a condition that holds for every
// row forces the row path).
void ExpectSameTop(const std::string& db, const std::string& dim) {
  auto fast = RunQueryOnFile(db, "top 5 " + dim + " by bytes");
  auto rows = RunQueryOnFile(db, "top 5 " + dim + " by bytes where proto != 99");
  ASSERT_TRUE(fast) << fast.GetError().message;
  ASSERT_TRUE(rows) << rows.GetError().message;
  EXPECT_NE(fast->sql.find("rollups"), std::string::npos) << dim;
  EXPECT_EQ(rows->sql.find("rollups"), std::string::npos) << dim;
  EXPECT_EQ(fast->rows, rows->rows) << dim;
  EXPECT_FALSE(fast->rows.empty()) << dim;
}

TEST(StorePartitions, TopFromRollupsEqualsTopFromRowsWithAnOpenPartition) {
  TempPath db("top.sqlite");
  auto s = Store::Open(db.str(), FiveMinutes(true));
  ASSERT_TRUE(s);
  for (uint32_t i = 0; i < 1234; ++i) ASSERT_TRUE((*s)->Insert(Spread(i, 100)));
  ASSERT_TRUE((*s)->Flush());  // the last partition stays open: its rows are read as rows
  EXPECT_EQ(QueryInt(db.str(), "SELECT count(*) FROM partitions WHERE rolled_up = 0"), 1);
  for (const char* dim : {"srcip", "dstip", "srcport", "dstport", "proto", "app", "srcas"}) {
    ExpectSameTop(db.str(), dim);
  }
  ASSERT_TRUE((*s)->Close());
  ExpectSameTop(db.str(), "srcip");
  ExpectSameTop(db.str(), "app");
}

TEST(StorePartitions, RetentionDropsOldPartitionsAndTheirRollups) {
  TempPath db("retention.sqlite");
  StoreConfig cfg = FiveMinutes(false);
  cfg.retention = core::Duration::Seconds(600);
  {
    auto s = Store::Open(db.str(), cfg);
    ASSERT_TRUE(s);
    for (uint32_t i = 0; i < 3000; ++i) ASSERT_TRUE((*s)->Insert(Spread(i, 100)));  // 30 min
    ASSERT_TRUE((*s)->Close());
  }
  // Six partitions were made; those that ended more than 10 minutes before the last record
  // are gone, rows and roll-ups alike.
  const int64_t kept = QueryInt(db.str(), "SELECT count(*) FROM partitions");
  EXPECT_GE(kept, 2);
  EXPECT_LE(kept, 3);
  EXPECT_EQ(QueryInt(db.str(), "SELECT min(id) FROM partitions"), 7 - kept);
  EXPECT_EQ(QueryInt(db.str(), "SELECT count(*) FROM flows"), kept * 500);
  EXPECT_EQ(QueryInt(db.str(), "SELECT sum(flows) FROM rollups WHERE dim = 'dstport'"), kept * 500);
  EXPECT_EQ(QueryInt(db.str(), "SELECT count(*) FROM sqlite_master WHERE name = 'flows_p1'"), 0);
}

// The bound counts the flows waiting for the writer, the block being filled included: past it
// a flow is dropped before it is rolled up, so the roll-ups count exactly the flows stored.
TEST(StorePartitions, FullWriterQueueDropsAndCounts) {
  TempPath db("queue.sqlite");
  StoreConfig cfg = FiveMinutes(true);
  cfg.maxQueuedRows = 50;  // smaller than one block (97): a block never fills
  constexpr uint64_t kInserted = 3 * 97;
  {
    auto s = Store::Open(db.str(), cfg);
    ASSERT_TRUE(s);
    for (uint32_t i = 0; i < kInserted; ++i) ASSERT_TRUE((*s)->Insert(Spread(i, 100)));
    ASSERT_TRUE((*s)->Flush());
    EXPECT_EQ((*s)->DroppedRows(), kInserted - 50);
    EXPECT_EQ((*s)->RowCount(), 50u);
    ASSERT_TRUE((*s)->Close());
  }
  EXPECT_EQ(QueryInt(db.str(), "SELECT count(*) FROM flows"), 50);
  EXPECT_EQ(QueryInt(db.str(), "SELECT sum(flows) FROM rollups WHERE dim = 'srcip'"), 50);
  EXPECT_EQ(QueryInt(db.str(), "SELECT count FROM anomalies WHERE name = 'store.queue_full'"),
            static_cast<int64_t>(kInserted - 50));
}

// Wide rows (here 300 bytes of elements no column holds, as flow logs carry their native
// JSON) meet the queue's byte bound, 64 bytes per queued flow, before its row bound.
TEST(StorePartitions, FullWriterQueueIsBoundedInBytesToo) {
  TempPath db("bytes.sqlite");
  StoreConfig cfg = FiveMinutes(true);
  cfg.maxQueuedRows = 50;  // 50 narrow flows, or 3,200 bytes
  constexpr uint64_t kInserted = 40;
  uint64_t stored = 0;
  {
    auto s = Store::Open(db.str(), cfg);
    ASSERT_TRUE(s);
    for (uint32_t i = 0; i < kInserted; ++i) {
      core::FlowRecord r = Spread(i, 100);
      r.rawElements.push_back(core::RawElement{999, 0, std::vector<uint8_t>(150, 0xab)});
      ASSERT_TRUE((*s)->Insert(std::move(r)));
    }
    ASSERT_TRUE((*s)->Flush());
    stored = (*s)->RowCount();
    EXPECT_GT((*s)->DroppedRows(), 0u) << "40 rows of over 300 bytes pass 3,200 bytes";
    EXPECT_EQ(stored + (*s)->DroppedRows(), kInserted);
    ASSERT_TRUE((*s)->Close());
  }
  EXPECT_EQ(QueryInt(db.str(), "SELECT count(*) FROM flows"), static_cast<int64_t>(stored));
  EXPECT_EQ(QueryInt(db.str(), "SELECT sum(flows) FROM rollups WHERE dim = 'dstport'"),
            static_cast<int64_t>(stored));
}

TEST(StorePartitions, FullWriterQueueCanMakeTheProducerWait) {
  TempPath db("wait.sqlite");
  StoreConfig cfg = FiveMinutes(true);
  cfg.maxQueuedRows = 50;
  cfg.waitWhenFull = true;  // a file can wait: nothing is lost
  {
    auto s = Store::Open(db.str(), cfg);
    ASSERT_TRUE(s);
    for (uint32_t i = 0; i < 3 * 97; ++i) ASSERT_TRUE((*s)->Insert(Spread(i, 100)));
    ASSERT_TRUE((*s)->Close());
    EXPECT_EQ((*s)->DroppedRows(), 0u);
  }
  EXPECT_EQ(QueryInt(db.str(), "SELECT count(*) FROM flows"), 3 * 97);
}

TEST(StorePartitions, VersionOneStoreIsAdoptedAsPartitionZero) {
  TempPath db("v1.sqlite");
  {
    sqlite3* h = nullptr;
    ASSERT_EQ(sqlite3_open(db.str().c_str(), &h), SQLITE_OK);
    // The version-1 schema: one flows table.
    const char* v1 =
        "CREATE TABLE flows(start_ns INTEGER NOT NULL, end_ns INTEGER NOT NULL, ip_version "
        "INTEGER NOT NULL, src BLOB, dst BLOB, src_port INTEGER NOT NULL, dst_port INTEGER NOT "
        "NULL, protocol INTEGER NOT NULL, tos INTEGER NOT NULL, tcp_flags INTEGER NOT NULL, "
        "packets INTEGER NOT NULL, octets INTEGER NOT NULL, rev_packets INTEGER NOT NULL, "
        "rev_octets INTEGER NOT NULL, in_if INTEGER NOT NULL, out_if INTEGER NOT NULL, src_as "
        "INTEGER NOT NULL, dst_as INTEGER NOT NULL, icmp_type INTEGER NOT NULL, icmp_code "
        "INTEGER NOT NULL, vlan INTEGER NOT NULL, next_hop BLOB, min_ttl INTEGER NOT NULL, "
        "max_ttl INTEGER NOT NULL, src_mac BLOB, dst_mac BLOB, post_nat_src BLOB, post_nat_dst "
        "BLOB, post_nat_src_port INTEGER NOT NULL, post_nat_dst_port INTEGER NOT NULL, nat_event "
        "INTEGER NOT NULL, end_reason INTEGER NOT NULL, sampling INTEGER NOT NULL, exporter "
        "BLOB, obs_domain INTEGER NOT NULL, src_country TEXT, dst_country TEXT);"
        "INSERT INTO flows VALUES(1, 2, 4, x'0a000001', x'0a000002', 1, 2, 6, 0, 0, 3, 400, 0, "
        "0, 0, 0, 0, 0, 0, 0, 0, NULL, 0, 0, NULL, NULL, NULL, NULL, 0, 0, 0, 0, 0, NULL, 0, "
        "NULL, NULL);";
    ASSERT_EQ(sqlite3_exec(h, v1, nullptr, nullptr, nullptr), SQLITE_OK) << sqlite3_errmsg(h);
    sqlite3_close(h);
  }
  auto s = Store::Open(db.str(), FiveMinutes(false));
  ASSERT_TRUE(s) << s.GetError().message;
  ASSERT_TRUE((*s)->Close());
  EXPECT_EQ(QueryInt(db.str(), "SELECT rows FROM partitions WHERE table_name = 'flows_p0'"), 1);
  EXPECT_EQ(QueryInt(db.str(), "SELECT sum(octets) FROM flows"), 400);
  auto top = RunQueryOnFile(db.str(), "top 1 srcip by bytes");
  ASSERT_TRUE(top) << top.GetError().message;
  ASSERT_EQ(top->rows.size(), 1u);
  EXPECT_EQ(top->rows[0][0], "10.0.0.1");
}

}  // namespace
}  // namespace vantage::collector
