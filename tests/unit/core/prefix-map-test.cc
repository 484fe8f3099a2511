// core::PrefixMap (longest-prefix match) and ParsePrefixLines (the AS/country table format).
#include "vantage/core/prefix-map.h"

#include <gtest/gtest.h>

#include <map>
#include <string>

namespace vantage::core {
namespace {

IpPrefix P(const char* s) {
  return *IpPrefix::Parse(s, true);
}
IpAddress A(const char* s) {
  return *IpAddress::Parse(s);
}

TEST(PrefixMap, LongestPrefixWinsPerFamily) {
  PrefixMap<int> m;
  EXPECT_TRUE(m.Add(P("10.0.0.0/8"), 8));
  EXPECT_TRUE(m.Add(P("10.1.0.0/16"), 16));
  EXPECT_TRUE(m.Add(P("10.1.2.3/32"), 32));
  EXPECT_TRUE(m.Add(P("2001:db8::/32"), 6));
  EXPECT_TRUE(m.Add(P("0.0.0.0/0"), 0));
  EXPECT_FALSE(m.Add(P("10.1.0.0/16"), 17));  // replaces
  EXPECT_EQ(m.Size(), 5u);
  EXPECT_EQ(*m.Lookup(A("10.1.2.3")), 32);
  EXPECT_EQ(*m.Lookup(A("10.1.9.9")), 17);
  EXPECT_EQ(*m.Lookup(A("10.200.0.1")), 8);
  EXPECT_EQ(*m.Lookup(A("192.0.2.1")), 0);
  EXPECT_EQ(*m.Lookup(A("2001:db8::1")), 6);
  EXPECT_EQ(m.Lookup(A("2001:db9::1")), nullptr);  // no ::/0 for IPv6
  EXPECT_EQ(m.Lookup(IpAddress{}), nullptr);
}

TEST(PrefixMap, OddLengthsMaskInsideAByte) {
  PrefixMap<int> m;
  m.Add(P("192.168.0.0/21"), 21);  // 192.168.0.0 - 192.168.7.255
  EXPECT_EQ(*m.Lookup(A("192.168.7.255")), 21);
  EXPECT_EQ(m.Lookup(A("192.168.8.0")), nullptr);
}

TEST(PrefixLines, ReadsTheFormat) {
  std::map<std::string, std::string> got;
  auto st = ParsePrefixLines(
      "prefix,value\n# comment\n\n10.0.0.0/8, 64512 # trailing\n\"2001:db8::/32\",\"DE\",x\r\n",
      "t.csv", [&](const IpPrefix& p, const std::string& v, const std::string&) -> Status {
        got[p.ToString()] = v;
        return {};
      });
  ASSERT_TRUE(st) << st.GetError().message;
  EXPECT_EQ(got.size(), 2u);
  EXPECT_EQ(got["10.0.0.0/8"], "64512");
  EXPECT_EQ(got["2001:db8::/32"], "DE");
}

TEST(PrefixLines, ErrorsNameTheLine) {
  auto none = [](const IpPrefix&, const std::string&, const std::string&) -> Status { return {}; };
  auto st = ParsePrefixLines("10.0.0.0/8,1\n\nnocomma\n", "t.csv", none);
  ASSERT_FALSE(st);
  EXPECT_NE(st.GetError().message.find("t.csv:3: expected 'prefix,value'"), std::string::npos)
      << st.GetError().message;
  st = ParsePrefixLines("10.0.0.300/8,1\n", "t.csv", none);
  ASSERT_FALSE(st);
  EXPECT_NE(st.GetError().message.find("t.csv:1: bad prefix '10.0.0.300/8'"), std::string::npos);
  // The callback's error stops the reading, with its where.
  st = ParsePrefixLines("10.0.0.0/8,1\n11.0.0.0/8,bad\n", "t.csv",
                        [](const IpPrefix&, const std::string& v, const std::string& where) {
                          return v == "bad" ? Status(MakeError(ErrorCode::kParse, where + ": bad"))
                                            : Status();
                        });
  ASSERT_FALSE(st);
  EXPECT_EQ(st.GetError().message, "t.csv:2: bad");
}

}  // namespace
}  // namespace vantage::core
