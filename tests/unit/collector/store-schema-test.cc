// The store across schema changes and at scale: partition tables written before columns were
// added to kFlowColumns (or before the block store) are migrated when the store is reopened,
// and the `flows` view spans more of them than SQLite's 500-term compound SELECT allows in one
// statement.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <string>

#include "test-util.h"
#include "vantage/collector/query.h"
#include "vantage/collector/store.h"

namespace vantage::collector {
namespace {

using test::ExecSql;
using test::QueryInt;
using test::TempPath;

// The flow columns as the store wrote them before `sampling_unknown` and `raw_elements`.
constexpr const char* kOldColumns =
    "start_ns INTEGER NOT NULL, end_ns INTEGER NOT NULL, ip_version INTEGER NOT NULL, src BLOB, "
    "dst BLOB, src_port INTEGER NOT NULL, dst_port INTEGER NOT NULL, protocol INTEGER NOT NULL, "
    "tos INTEGER NOT NULL, tcp_flags INTEGER NOT NULL, packets INTEGER NOT NULL, octets INTEGER "
    "NOT NULL, rev_packets INTEGER NOT NULL, rev_octets INTEGER NOT NULL, in_if INTEGER NOT "
    "NULL, out_if INTEGER NOT NULL, src_as INTEGER NOT NULL, dst_as INTEGER NOT NULL, icmp_type "
    "INTEGER NOT NULL, icmp_code INTEGER NOT NULL, vlan INTEGER NOT NULL, next_hop BLOB, min_ttl "
    "INTEGER NOT NULL, max_ttl INTEGER NOT NULL, src_mac BLOB, dst_mac BLOB, post_nat_src BLOB, "
    "post_nat_dst BLOB, post_nat_src_port INTEGER NOT NULL, post_nat_dst_port INTEGER NOT NULL, "
    "nat_event INTEGER NOT NULL, end_reason INTEGER NOT NULL, sampling INTEGER NOT NULL, "
    "exporter BLOB, obs_domain INTEGER NOT NULL, src_country TEXT, dst_country TEXT";

constexpr const char* kOldRow =
    "(1, 2, 4, x'0a000001', x'0a000002', 1, 2, 6, 0, 0, 3, 400, 0, 0, 0, 0, 0, 0, 0, 0, 0, "
    "NULL, 0, 0, NULL, NULL, NULL, NULL, 0, 0, 0, 0, 0, NULL, 0, NULL, NULL";

// A store in the partitioned layout whose one closed partition has the old columns plus
// `extra` (column definitions appended after the old ones, or empty) and one row.
void MakeOldStore(const std::string& path, const std::string& extra,
                  const std::string& extraValues) {
  {
    auto s = Store::Open(path, StoreConfig{});  // today's bookkeeping tables
    ASSERT_TRUE(s);
    ASSERT_TRUE((*s)->Close());
  }
  ASSERT_EQ(
      ExecSql(path,
              std::string("DROP VIEW flows; CREATE TABLE flow_columns(") + kOldColumns +
                  ");CREATE TABLE flows_p1(" + kOldColumns + extra +
                  ");INSERT INTO flows_p1 VALUES" + kOldRow + extraValues +
                  ");INSERT INTO partitions(id, table_name, clock_start_ns, first_start_ns, "
                  "last_end_ns, rows, closed, indexed) VALUES(1, 'flows_p1', 0, 1, 2, 1, 1, 1);"
                  "CREATE VIEW flows AS SELECT * FROM flows_p1;"),
      "");
}

TEST(StoreSchema, PartitionWithoutNewColumnsIsMigratedOnReopen) {
  TempPath db("old-partition.sqlite");
  MakeOldStore(db.str(), "", "");
  {
    auto s = Store::Open(db.str(), StoreConfig{});
    ASSERT_TRUE(s) << s.GetError().message;
    core::FlowRecord r = test::MakeRecord(7);
    r.samplingRateUnknown = true;
    r.rawElements.push_back(core::RawElement{61, 0, {1}});
    ASSERT_TRUE((*s)->Insert(r));
    ASSERT_TRUE((*s)->Close()) << "new rows go to a new partition beside the old one";
  }
  EXPECT_EQ(QueryInt(db.str(), "SELECT count(*) FROM partitions"), 2);
  EXPECT_EQ(QueryInt(db.str(), "SELECT count(*) FROM flows"), 2);
  EXPECT_EQ(QueryInt(db.str(), "SELECT sampling_unknown FROM flows WHERE start_ns = 1"), 0);
  EXPECT_EQ(QueryInt(db.str(), "SELECT count(*) FROM flows WHERE raw_elements IS NULL"), 1);
  EXPECT_EQ(QueryInt(db.str(), "SELECT sum(sampling_unknown) FROM flows"), 1);
  auto top = RunQueryOnFile(db.str(), "top 5 srcip by bytes where proto = 6");
  ASSERT_TRUE(top) << top.GetError().message;
  EXPECT_EQ(top->rows.size(), 2u);
}

// An old table whose columns end in another order than kFlowColumns once the missing ones are
// appended: the view names the columns, so every value lands in its own column.
TEST(StoreSchema, MigratedColumnsInAnotherOrderKeepTheirValues) {
  TempPath db("reordered.sqlite");
  MakeOldStore(db.str(), ", raw_elements TEXT", ", '[\"kept\"]'");
  {
    auto s = Store::Open(db.str(), StoreConfig{});
    ASSERT_TRUE(s) << s.GetError().message;
    ASSERT_TRUE((*s)->Insert(test::MakeRecord(3)));
    ASSERT_TRUE((*s)->Close());
  }
  EXPECT_EQ(QueryInt(db.str(),
                     "SELECT count(*) FROM flows WHERE raw_elements = '[\"kept\"]' "
                     "AND sampling_unknown = 0 AND start_ns = 1"),
            1);
  EXPECT_EQ(QueryInt(db.str(), "SELECT count(*) FROM flows"), 2);
}

// 1,001 partitions written as tables by an older version (one row each): the view reaches
// every one of them (views of 400, 400 and 201 tables under `flows`) and the block partitions
// written after them, after a reopen too.
TEST(StoreSchema, FlowsViewSpansMoreThan500OlderPartitionTables) {
  TempPath db("many.sqlite");
  constexpr int kParts = 1001;
  {
    auto s = Store::Open(db.str(), StoreConfig{});  // today's bookkeeping tables
    ASSERT_TRUE(s);
    ASSERT_TRUE((*s)->Close());
  }
  // Tables with today's columns (one with old columns per table would test the migration's
  // 10,000 ALTER TABLEs, each of which re-reads the whole schema: that is the test above).
  std::string sql = "BEGIN;";
  for (int i = 1; i <= kParts; ++i) {
    const std::string t = "flows_p" + std::to_string(i);
    sql += "CREATE TABLE " + t + " AS SELECT * FROM flow_store WHERE 0;INSERT INTO " + t +
           "(start_ns, end_ns, ip_version, protocol, packets, octets) VALUES(1, 2, 4, 6, 3, 400);"
           "INSERT INTO partitions(id, table_name, clock_start_ns, first_start_ns, last_end_ns, "
           "rows, closed, indexed) VALUES(" +
           std::to_string(i) + ", '" + t + "', 0, 1, 2, 1, 1, 1);";
  }
  ASSERT_EQ(ExecSql(db.str(), sql + "COMMIT;"), "");
  StoreConfig cfg;
  cfg.partitionInterval = core::Duration::Seconds(1);
  {
    auto s = Store::Open(db.str(), cfg);
    ASSERT_TRUE(s) << s.GetError().message;
    for (uint32_t i = 0; i < 3; ++i) ASSERT_TRUE((*s)->Insert(test::MakeRecord(i)));
    ASSERT_TRUE((*s)->Close());
    EXPECT_EQ((*s)->PartitionCount(), 3u);
  }
  EXPECT_EQ(QueryInt(db.str(), "SELECT count(*) FROM partitions"), kParts + 3);
  EXPECT_EQ(QueryInt(db.str(), "SELECT count(*) FROM flows"), kParts + 3);
  EXPECT_EQ(QueryInt(db.str(), "SELECT count(*) FROM flows WHERE start_ns = 1"), kParts);
  EXPECT_EQ(QueryInt(db.str(), "SELECT count(*) FROM sqlite_master WHERE type = 'view'"), 4);
  {
    auto s = Store::Open(db.str(), cfg);  // one more partition after a reopen
    ASSERT_TRUE(s) << s.GetError().message;
    ASSERT_TRUE((*s)->Insert(test::MakeRecord(kParts + 5)));
    ASSERT_TRUE((*s)->Close());
  }
  EXPECT_EQ(QueryInt(db.str(), "SELECT count(*) FROM flows"), kParts + 4);
  auto series = RunQueryOnFile(db.str(), "series bytes every 1h where proto = tcp");
  ASSERT_TRUE(series) << series.GetError().message;
  EXPECT_FALSE(series->rows.empty());
}

}  // namespace
}  // namespace vantage::collector
