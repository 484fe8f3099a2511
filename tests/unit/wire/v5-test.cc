// NetFlow v5: a packet written by hand, encode/decode agreement, and broken packets.
#include <gtest/gtest.h>

#include "test-util.h"
#include "vantage/wire/v5/codec.h"

namespace vantage::wire::v5 {
namespace {

using core::ByteReader;

TEST(V5Test, DecodesHandWrittenPacket) {
  // header: version 5, count 1, sysUpTime 100000 ms, 1700000000 s + 500 ms, seq 77,
  // engine 1/2, sampling mode 1 interval 10
  auto pkt = test::Hex(
      "0005 0001 000186a0 6553f100 1dcd6500 0000004d 01 02 400a"
      "0a000001 c0000202 0a0000fe 0003 0007 0000000a 00000bb8 00015f90 000186a0"
      "a8ca 0050 00 1b 06 28 fde9 3b41 18 18 0000");
  Header h;
  std::vector<core::FlowRecord> out;
  core::AnomalyCounters a;
  auto st = Decode(ByteReader(pkt), h, out, &a);
  ASSERT_TRUE(st) << st.GetError().ToString();
  EXPECT_EQ(h.count, 1);
  EXPECT_EQ(h.sequence, 77u);
  EXPECT_EQ(h.engineType, 1);
  EXPECT_EQ(h.engineId, 2);
  ASSERT_EQ(out.size(), 1u);
  const auto& r = out[0];
  EXPECT_EQ(r.key.src.ToString(), "10.0.0.1");
  EXPECT_EQ(r.key.dst.ToString(), "192.0.2.2");
  EXPECT_EQ(r.nextHop.ToString(), "10.0.0.254");
  EXPECT_EQ(r.key.ingressInterface, 3u);
  EXPECT_EQ(r.egressInterface, 7u);
  EXPECT_EQ(r.packets, 10u);
  EXPECT_EQ(r.octets, 3000u);
  // first = 90000 ms uptime: 10 s before the export time
  EXPECT_EQ(r.start, core::Timestamp::FromMillis(1700000000500 - 10000));
  EXPECT_EQ(r.end, core::Timestamp::FromMillis(1700000000500));
  EXPECT_EQ(r.key.srcPort, 43210);
  EXPECT_EQ(r.key.dstPort, 80);
  EXPECT_EQ(r.tcpFlags, 0x1b);
  EXPECT_EQ(r.key.protocol, 6);
  EXPECT_EQ(r.key.tos, 0x28);
  EXPECT_EQ(r.srcAs, 65001u);
  EXPECT_EQ(r.dstAs, 15169u);
  EXPECT_EQ(r.samplingInterval, 10u);
  EXPECT_TRUE(a.Empty());
  // and encoding the decoded record gives the same bytes (masks are not kept: zero them)
  auto again = Encode(h, out);
  ASSERT_TRUE(again);
  pkt[24 + 44] = 0;
  pkt[24 + 45] = 0;
  EXPECT_EQ(*again, pkt);
}

TEST(V5Test, RoundTripThirtyRecords) {
  std::mt19937_64 rng(5);
  Header h;
  h.unixSeconds = 1700000000;
  h.unixNanos = 250000000;
  h.sysUpTimeMs = 3000000000u;
  h.sequence = 1234;
  std::vector<core::FlowRecord> in;
  for (int i = 0; i < 30; ++i) {
    core::FlowRecord r;
    auto u = [&rng](uint32_t max) { return std::uniform_int_distribution<uint32_t>(0, max)(rng); };
    r.key.src = core::IpAddress::V4(u(0xffffffff));
    r.key.dst = core::IpAddress::V4(u(0xffffffff));
    r.nextHop = core::IpAddress::V4(u(0xffffffff) | 1);
    r.key.protocol = i % 3 == 0 ? 1 : 17;
    if (r.key.protocol == 1) {
      r.icmpType = static_cast<uint8_t>(u(255));
      r.icmpCode = static_cast<uint8_t>(u(255));
      r.key.dstPort = static_cast<uint16_t>(r.icmpType << 8 | r.icmpCode);
    } else {
      r.key.srcPort = static_cast<uint16_t>(u(65535));
      r.key.dstPort = static_cast<uint16_t>(u(65535));
    }
    r.key.ingressInterface = u(65535);
    r.egressInterface = u(65535);
    r.packets = u(0xffffffff);
    r.octets = u(0xffffffff);
    r.start = core::Timestamp::FromMillis(1700000000250 - u(40000000));
    r.end = r.start + core::Duration::Millis(u(1000000));
    r.srcAs = u(65535);
    r.dstAs = u(65535);
    in.push_back(r);
  }
  auto pkt = Encode(h, in);
  ASSERT_TRUE(pkt);
  EXPECT_EQ(pkt->size(), kHeaderLength + 30 * kRecordLength);
  Header got;
  std::vector<core::FlowRecord> out;
  ASSERT_TRUE(Decode(ByteReader(*pkt), got, out));
  EXPECT_EQ(got.sysUpTimeMs, h.sysUpTimeMs);
  ASSERT_EQ(out.size(), in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    EXPECT_EQ(out[i].ToCanonicalString(), in[i].ToCanonicalString());
  }
}

TEST(V5Test, RefusesWhatItCannotEncode) {
  std::vector<core::FlowRecord> many(31);
  for (auto& r : many) r.key.src = r.key.dst = core::IpAddress::V4(1);
  EXPECT_EQ(Encode({}, many).GetError().code, core::ErrorCode::kLimit);
  std::vector<core::FlowRecord> v6(1);
  uint8_t b[16] = {0x20, 0x01};
  v6[0].key.src = v6[0].key.dst = core::IpAddress::V6Bytes(b);
  EXPECT_EQ(Encode({}, v6).GetError().code, core::ErrorCode::kUnsupported);
}

TEST(V5Test, BrokenPacketsAreErrorsWithOffsets) {
  Header h;
  std::vector<core::FlowRecord> out;
  core::AnomalyCounters a;
  auto st = Decode(ByteReader(test::Hex("0005 0001 0000")), h, out, &a);
  ASSERT_FALSE(st);
  EXPECT_EQ(a.Get("v5.truncated"), 1u);
  auto pkt = test::Hex("0005 0002 00000000 00000000 00000000 00000000 0000 0000");
  pkt.resize(24 + 48 + 10);
  st = Decode(ByteReader(pkt), h, out, &a);
  ASSERT_FALSE(st);
  EXPECT_EQ(st.GetError().offset, 72u);
  EXPECT_NE(st.GetError().message.find("record 1 of 2"), std::string::npos);
  EXPECT_EQ(out.size(), 1u);  // the whole first record is kept
  EXPECT_EQ(a.Get("v5.truncated"), 2u);
  pkt[3] = 31;
  EXPECT_FALSE(Decode(ByteReader(pkt), h, out, &a));
  EXPECT_EQ(a.Get("v5.bad_count"), 1u);
  pkt[1] = 9;
  EXPECT_EQ(Decode(ByteReader(pkt), h, out, &a).GetError().code, core::ErrorCode::kUnsupported);
  EXPECT_EQ(a.Get("v5.bad_version"), 1u);
}

}  // namespace
}  // namespace vantage::wire::v5
