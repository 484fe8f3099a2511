// The query language: parsing, errors with columns, Top-N, series, SQL, output formats.
#include "vantage/collector/query.h"

#include <gtest/gtest.h>

#include <map>

#include "test-util.h"
#include "vantage/collector/prefix-table.h"
#include "vantage/collector/store.h"

namespace vantage::collector {
namespace {

using test::TempPath;

class QueryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto s = Store::Open(m_db.str());
    ASSERT_TRUE(s);
    // 30 flows: src 10.0.0.(1 + i % 5), dst port 22 for even i, bytes 100 * (i + 1).
    for (uint32_t i = 0; i < 30; ++i) {
      core::FlowRecord r;
      r.key.src = core::IpAddress::V4(0x0a000001 + i % 5);
      r.key.dst = core::IpAddress::V4(0xc0a80001 + i % 3);
      r.key.protocol = i % 10 == 9 ? 17 : 6;
      r.key.srcPort = static_cast<uint16_t>(50000 + i);
      r.key.dstPort = i % 2 == 0 ? 22 : 443;
      r.packets = 1;
      r.octets = 100 * (i + 1);
      r.start = core::Timestamp::FromSeconds(1700000000 + 60 * i);
      r.end = r.start;
      m_bytesBySrc[i % 5] += r.octets;
      if (r.key.dstPort == 22) m_sshBytesBySrc[i % 5] += r.octets;
      ASSERT_TRUE((*s)->Insert(r));
    }
    ASSERT_TRUE((*s)->Close());
  }
  QueryTable Run(const std::string& q, const QueryOptions& o = {}) {
    auto r = RunQueryOnFile(m_db.str(), q, o);
    EXPECT_TRUE(r) << q << ": " << (r ? "" : r.GetError().message);
    return r ? *r : QueryTable{};
  }
  TempPath m_db{"query.sqlite"};
  std::map<uint32_t, uint64_t> m_bytesBySrc;
  std::map<uint32_t, uint64_t> m_sshBytesBySrc;
};

TEST_F(QueryTest, TopSrcIpByBytes) {
  auto t = Run("top 3 srcip by bytes");
  ASSERT_EQ(t.rows.size(), 3u);
  ASSERT_EQ(t.columns[0], "srcip");
  // Highest total: i % 5 == 4 (10.0.0.5).
  std::vector<std::pair<uint64_t, uint32_t>> want;
  for (auto [k, v] : m_bytesBySrc) want.emplace_back(v, k);
  std::sort(want.rbegin(), want.rend());
  for (size_t r = 0; r < 3; ++r) {
    EXPECT_EQ(t.rows[r][0], core::IpAddress::V4(0x0a000001 + want[r].second).ToString());
    EXPECT_EQ(t.rows[r][3], std::to_string(want[r].first));
  }
}

TEST_F(QueryTest, FiltersAndBetween) {
  auto t = Run("top 10 srcip by bytes where dstport = 22 and proto = tcp");
  uint64_t total = 0;
  for (const auto& row : t.rows) total += std::stoull(row[3]);
  uint64_t want = 0;
  for (uint32_t i = 0; i < 30; ++i) {
    if (i % 2 == 0 && i % 10 != 9) want += 100 * (i + 1);
  }
  EXPECT_EQ(total, want);
  // between: first 10 minutes -> flows 0..9.
  auto b = Run("top 100 dstport by flows between 2023-11-14T22:13:20Z and 1700000600");
  uint64_t flows = 0;
  for (const auto& row : b.rows) flows += std::stoull(row[1]);
  EXPECT_EQ(flows, 10u);
  auto p = Run("top 5 srcip by flows where srcip in 10.0.0.0/30");
  EXPECT_EQ(p.rows.size(), 3u);  // .1 .2 .3
  auto n = Run("top 5 srcip by flows where srcip != 10.0.0.1");
  EXPECT_EQ(n.rows.size(), 4u);
}

TEST_F(QueryTest, OtherDimensions) {
  auto proto = Run("top 5 proto by flows");
  ASSERT_EQ(proto.rows.size(), 2u);
  EXPECT_EQ(proto.rows[0][0], "tcp");
  EXPECT_EQ(proto.rows[0][1], "27");
  EXPECT_EQ(proto.rows[1][0], "udp");
  auto app = Run("top 5 app by flows where proto = tcp");
  ASSERT_EQ(app.rows.size(), 2u);
  std::set<std::string> apps = {app.rows[0][0], app.rows[1][0]};
  EXPECT_TRUE(apps.count("ssh"));
  EXPECT_TRUE(apps.count("https"));
  auto conv = Run("top 20 conversation by flows");
  EXPECT_EQ(conv.columns[0], "host_a");
  uint64_t f = 0;
  for (const auto& row : conv.rows) f += std::stoull(row[2]);
  EXPECT_EQ(f, 30u);
  QueryOptions o;
  o.countryTable = *PrefixTable::Parse("10.0.0.0/31,DE\n10.0.0.0/8,NL\n", "cc");
  auto cc = Run("top 5 srccountry by flows", o);
  ASSERT_EQ(cc.rows.size(), 2u);
  EXPECT_EQ(cc.rows[0][0], "NL");
  EXPECT_EQ(cc.rows[0][1], "24");
  EXPECT_EQ(cc.rows[1][0], "DE");
}

TEST_F(QueryTest, SeriesInBins) {
  auto t = Run("series flows every 10m");
  EXPECT_TRUE(t.timeSeries);
  ASSERT_EQ(t.rows.size(), 3u + 1);  // 30 minutes from 22:13:20 -> bins 22:10 .. 22:40
  uint64_t total = 0;
  for (const auto& row : t.rows) total += std::stoull(row[1]);
  EXPECT_EQ(total, 30u);
  auto svg = PlotSvg(t, "flows");
  EXPECT_NE(svg.find("<svg"), std::string::npos);
  EXPECT_NE(svg.find("<polyline"), std::string::npos);
}

TEST_F(QueryTest, PlainSqlAndFunctions) {
  auto t = Run("SELECT count(*), sum(octets) FROM flows");
  ASSERT_EQ(t.rows.size(), 1u);
  EXPECT_EQ(t.rows[0][0], "30");
  auto u = Run("select ipstr(src) from flows order by start_ns limit 1");
  ASSERT_EQ(u.rows.size(), 1u);
  EXPECT_EQ(u.rows[0][0], "10.0.0.1");
}

TEST_F(QueryTest, ErrorsSayWhereAndWhy) {
  auto bad = [&](const std::string& q, size_t column, const std::string& word) {
    auto r = RunQueryOnFile(m_db.str(), q);
    ASSERT_FALSE(r) << q;
    EXPECT_EQ(r.GetError().offset, column) << q << ": " << r.GetError().message;
    EXPECT_NE(r.GetError().message.find("column " + std::to_string(column)), std::string::npos)
        << r.GetError().message;
    EXPECT_NE(r.GetError().message.find(word), std::string::npos) << r.GetError().message;
  };
  bad("top 10 srcipp by bytes", 8, "unknown dimension");
  bad("top 10 srcip by bites", 17, "bytes, packets or flows");
  bad("top 10 srcip where dstprot = 22", 20, "unknown field");
  bad("top 10 srcip where dstport = abc", 30, "expected a number");
  bad("top 10 srcip where srcip = 10.0.0.300", 28, "bad address");
  bad("top 10 srcip between yesterday and 5", 22, "bad time");
  bad("bottom 10 srcip", 1, "expected 'top'");
  bad("series bytes every 5x", 21, "unknown duration unit");
  bad("SELECT nosuchcol FROM flows", 8, "no such column");
}

// The plot escapes its title, axis label and bin labels with the shared escaper (quotes
// included, which the plot's own escaper left raw), and keeps UTF-8.
TEST(Query, PlotEscapesText) {
  QueryTable t;
  t.columns = {"bin", "octets \"in\" <R&D>"};
  t.rows = {{"a'1", "5"}, {"Zürich", "7"}};
  std::string svg = PlotSvg(t, "flows of \"lab\" <R&D> 'x'");
  EXPECT_NE(svg.find("flows of &quot;lab&quot; &lt;R&amp;D&gt; &#39;x&#39;"), std::string::npos);
  EXPECT_NE(svg.find("octets &quot;in&quot; &lt;R&amp;D&gt;"), std::string::npos);
  EXPECT_NE(svg.find(">a&#39;1<"), std::string::npos);
  EXPECT_NE(svg.find(">Zürich<"), std::string::npos);
}

TEST(Query, FormatsAndApps) {
  QueryTable t;
  t.columns = {"a", "b"};
  t.rows = {{"x,y", "12"}, {"z", "3"}};
  EXPECT_EQ(FormatTable(t, OutputFormat::kCsv), "a,b\n\"x,y\",12\nz,3\n");
  auto json = FormatTable(t, OutputFormat::kJson);
  EXPECT_NE(json.find("\"b\": 12"), std::string::npos) << json;
  auto table = FormatTable(t, OutputFormat::kTable);
  EXPECT_NE(table.find("(2 rows)"), std::string::npos);
  EXPECT_EQ(AppName(6, 50000, 443), "https");
  EXPECT_EQ(AppName(6, 22, 50000), "ssh");
  EXPECT_EQ(AppName(17, 5000, 53), "dns");
  EXPECT_EQ(AppName(6, 50000, 50001), "tcp/50000");
  EXPECT_EQ(AppName(1, 0, 0), "icmp");
  EXPECT_EQ(*ParseTimeNs("1970-01-01T00:00:10Z"), 10'000'000'000);
  EXPECT_EQ(*ParseTimeNs("2024-01-02"), *ParseTimeNs("2024-01-02T00:00:00Z"));
  EXPECT_FALSE(ParseTimeNs("2024-13-01"));
}

}  // namespace
}  // namespace vantage::collector
