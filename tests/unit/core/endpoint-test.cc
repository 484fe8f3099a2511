// core::ParseEndpoint: the forms export and collect accept, and the errors with offsets.
#include "vantage/core/endpoint.h"

#include <gtest/gtest.h>

namespace vantage::core {
namespace {

TEST(Endpoint, ParsesTheForms) {
  auto a = ParseEndpoint("udp://127.0.0.1:4739");
  ASSERT_TRUE(a) << a.GetError().message;
  EXPECT_EQ(a->format, "");
  EXPECT_FALSE(a->Tcp());
  EXPECT_EQ(a->host, "127.0.0.1");
  EXPECT_EQ(a->port, 4739);

  auto b = ParseEndpoint("ipfix+tcp://[::1]:0");
  ASSERT_TRUE(b) << b.GetError().message;
  EXPECT_EQ(b->format, "ipfix");
  EXPECT_TRUE(b->Tcp());
  EXPECT_EQ(b->host, "::1");
  EXPECT_EQ(b->port, 0);
  EXPECT_EQ(b->ToString(), "ipfix+tcp://[::1]:0");

  auto c = ParseEndpoint("v9+udp://collector.example:2055");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->format, "v9");
  EXPECT_EQ(c->host, "collector.example");
  EXPECT_EQ(c->ToString(), "v9+udp://collector.example:2055");

  auto d = ParseEndpoint("ipfix+udp://[2001:db8::5]:65535");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->host, "2001:db8::5");
  EXPECT_EQ(d->port, 65535);
}

struct Bad {
  const char* text;
  const char* says;
  size_t offset;
};

TEST(Endpoint, BadInputSaysWhatAndWhere) {
  const Bad cases[] = {
      {"127.0.0.1:4739", "expected SCHEME://HOST:PORT", 0},
      {"sctp://1.2.3.4:5", "unknown transport 'sctp'", 0},
      {"ipfix+quic://1.2.3.4:5", "unknown transport 'quic'", 6},
      {"+udp://1.2.3.4:5", "empty format", 0},
      {"udp://1.2.3.4", "expected HOST:PORT", 6},
      {"udp://[::1:5", "expected [IPv6]:PORT", 6},
      {"udp://[::1]", "expected [IPv6]:PORT", 6},
      {"tcp://:4739", "empty host", 6},
      {"udp://1.2.3.4:99999", "out of range", 14},
      {"udp://1.2.3.4:", "bad port ''", 14},
      {"udp://1.2.3.4:12a", "bad port '12a'", 14},
      {"udp://1.2.3.4:-1", "bad port '-1'", 14},
      {"udp://1.2.3.4:000000004739", "bad port", 14},
      {"tcp://[::1]:x", "bad port 'x'", 12},
  };
  for (const auto& c : cases) {
    auto e = ParseEndpoint(c.text);
    ASSERT_FALSE(e) << c.text;
    EXPECT_EQ(e.GetError().code, ErrorCode::kParse);
    EXPECT_NE(e.GetError().message.find(c.says), std::string::npos)
        << c.text << ": " << e.GetError().message;
    EXPECT_EQ(e.GetError().offset, c.offset) << c.text;
  }
}

}  // namespace
}  // namespace vantage::core
