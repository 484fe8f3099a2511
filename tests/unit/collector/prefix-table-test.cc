// Enrichment prefix tables: CSV parsing, longest-prefix match, errors that name the line.
#include "vantage/collector/prefix-table.h"

#include <gtest/gtest.h>

namespace vantage::collector {
namespace {

core::IpAddress A(const char* s) {
  return *core::IpAddress::Parse(s);
}

TEST(PrefixTable, LongestPrefixWins) {
  auto t = PrefixTable::Parse(
      "prefix,value\n# comment\n10.0.0.0/8,64500\n10.1.0.0/16,64501\n2001:db8::/32,64502\n",
      "t.csv");
  ASSERT_TRUE(t) << t.GetError().message;
  EXPECT_EQ((*t)->Size(), 3u);
  ASSERT_NE((*t)->Lookup(A("10.2.3.4")), nullptr);
  EXPECT_EQ(*(*t)->Lookup(A("10.2.3.4")), "64500");
  EXPECT_EQ(*(*t)->Lookup(A("10.1.3.4")), "64501");
  EXPECT_EQ(*(*t)->Lookup(A("2001:db8::1")), "64502");
  EXPECT_EQ((*t)->Lookup(A("11.0.0.1")), nullptr);
  EXPECT_EQ((*t)->Lookup(A("2001:db9::1")), nullptr);
}

TEST(PrefixTable, ErrorsNameLine) {
  auto t = PrefixTable::Parse("10.0.0.0/8,1\nnot-a-prefix,2\n", "bad.csv");
  ASSERT_FALSE(t);
  EXPECT_NE(t.GetError().message.find("bad.csv:2"), std::string::npos) << t.GetError().message;
  auto u = PrefixTable::Parse("10.0.0.0/8\n", "x.csv");
  ASSERT_FALSE(u);
  EXPECT_NE(u.GetError().message.find("x.csv:1"), std::string::npos);
}

TEST(PrefixTable, ExampleTablesLoad) {
  auto as = PrefixTable::Load(std::string(VANTAGE_SOURCE_DIR) + "/tests/data/collector/as.csv");
  ASSERT_TRUE(as) << as.GetError().message;
  EXPECT_GT((*as)->Size(), 0u);
  auto cc =
      PrefixTable::Load(std::string(VANTAGE_SOURCE_DIR) + "/tests/data/collector/country.csv");
  ASSERT_TRUE(cc) << cc.GetError().message;
  ASSERT_NE((*cc)->Lookup(A("10.0.0.5")), nullptr);
}

}  // namespace
}  // namespace vantage::collector
