// The reference model on hand-computed cases: each expiry rule, direction modes, octet layers.
#include "vantage/conformance/reference-model.h"

#include <gtest/gtest.h>

namespace vantage::conformance {
namespace {

using core::FlowEndReason;

wire::DecodedPacket Pkt(uint32_t src, uint32_t dst, uint16_t sp, uint16_t dp, uint8_t proto = 17,
                        uint8_t flags = 0, uint32_t octets = 100) {
  wire::DecodedPacket p;
  p.src = core::IpAddress::V4(src);
  p.dst = core::IpAddress::V4(dst);
  p.srcPort = sp;
  p.dstPort = dp;
  p.protocol = proto;
  p.tcpFlags = flags;
  p.ipOctets = octets;
  p.ipVersion = 4;
  return p;
}

core::Timestamp At(double s) {
  return core::Timestamp::FromNanos(static_cast<int64_t>(1.7e18 + s * 1e9));
}

Declaration Decl(double active, double idle) {
  Declaration d = DefaultDeclaration();
  d.activeTimeout = core::Duration::Seconds(active);
  d.inactiveTimeout = core::Duration::Seconds(idle);
  d.cacheSize = 0;
  return d;
}

std::vector<ExpectedRecord> Model(const Declaration& d,
                                  const std::vector<std::pair<double, wire::DecodedPacket>>& in) {
  ReferenceModel m(d);
  for (const auto& [t, p] : in) m.OnPacket(At(t), p, p.ipOctets + 14);
  m.Finish();
  return m.TakeRecords();
}

TEST(ReferenceModel, IdleGapLongerThanTimeoutStartsANewRecord) {
  auto a = Pkt(1, 2, 1000, 53);
  auto r = Model(Decl(1800, 15), {{0, a}, {10, a}, {26, a}, {41, a}});
  // 10 -> 26 is 16 s (> 15): cut; 26 -> 41 is exactly 15 s: not idle (strictly longer only).
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[0].record.packets, 2u);
  EXPECT_EQ(r[0].record.endReason, FlowEndReason::kIdleTimeout);
  EXPECT_EQ(r[0].record.start, At(0));
  EXPECT_EQ(r[0].record.end, At(10));
  EXPECT_EQ(r[0].maxGapNs, 10000000000);
  EXPECT_EQ(r[1].record.packets, 2u);
  EXPECT_EQ(r[1].record.endReason, FlowEndReason::kForcedEnd);
  EXPECT_EQ(r[1].record.start, At(26));
}

TEST(ReferenceModel, AnotherFlowsPacketEndsIdleRecordsWithTheSameContent) {
  auto a = Pkt(1, 2, 1000, 53), b = Pkt(3, 4, 1000, 53);
  auto r = Model(Decl(1800, 15), {{0, a}, {20, b}, {21, a}});
  ASSERT_EQ(r.size(), 3u);
  EXPECT_EQ(r[0].record.key.src, a.src);  // ended by b's packet at 20 s
  EXPECT_EQ(r[0].record.packets, 1u);
  EXPECT_EQ(r[0].record.endReason, FlowEndReason::kIdleTimeout);
}

TEST(ReferenceModel, ActiveTimeoutCutsLongFlows) {
  auto a = Pkt(1, 2, 1000, 53);
  std::vector<std::pair<double, wire::DecodedPacket>> in;
  for (int t = 0; t <= 100; t += 10) in.push_back({t, a});
  auto r = Model(Decl(30, 15), in);
  // 30 - 0 = 30 is not over 30: t=30 stays; 40 - 0 > 30 cuts before 40; 80 - 40 > 30 likewise.
  ASSERT_EQ(r.size(), 3u);
  EXPECT_EQ(r[0].record.packets, 4u);
  EXPECT_EQ(r[0].record.endReason, FlowEndReason::kActiveTimeout);
  EXPECT_EQ(r[1].record.packets, 4u);
  EXPECT_EQ(r[1].record.start, At(40));
  EXPECT_EQ(r[1].record.endReason, FlowEndReason::kActiveTimeout);
  EXPECT_EQ(r[2].record.packets, 3u);
  EXPECT_EQ(r[2].record.endReason, FlowEndReason::kForcedEnd);
}

TEST(ReferenceModel, TcpFinEndsTheRecordWithThatPacket) {
  auto syn = Pkt(1, 2, 1000, 80, 6, 0x02), fin = Pkt(1, 2, 1000, 80, 6, 0x11),
       ack = Pkt(1, 2, 1000, 80, 6, 0x10), rst = Pkt(1, 2, 1000, 80, 6, 0x04);
  auto r = Model(Decl(1800, 15), {{0, syn}, {1, ack}, {2, fin}, {3, ack}, {4, rst}});
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[0].record.packets, 3u);
  EXPECT_EQ(r[0].record.tcpFlags, 0x13);
  EXPECT_EQ(r[0].record.endReason, FlowEndReason::kEndOfFlow);
  EXPECT_EQ(r[1].record.packets, 2u);  // the ACK after the FIN, then the RST
  EXPECT_EQ(r[1].record.endReason, FlowEndReason::kEndOfFlow);

  Declaration none = Decl(1800, 15);
  none.tcpEnd = TcpEnd::kNone;
  auto n = Model(none, {{0, syn}, {1, ack}, {2, fin}, {3, ack}, {4, rst}});
  ASSERT_EQ(n.size(), 1u);
  EXPECT_EQ(n[0].record.packets, 5u);
}

TEST(ReferenceModel, FullCacheEvictsTheLeastRecentlySeenFlow) {
  Declaration d = Decl(1800, 15);
  d.cacheSize = 2;
  auto a = Pkt(1, 9, 1, 1), b = Pkt(2, 9, 1, 1), c = Pkt(3, 9, 1, 1);
  // a, b, a again, then c: b is least recently seen (not a, the oldest).
  auto r = Model(d, {{0, a}, {1, b}, {2, a}, {3, c}, {4, b}});
  ASSERT_GE(r.size(), 2u);
  EXPECT_EQ(r[0].record.key.src, b.src);
  EXPECT_EQ(r[0].record.endReason, FlowEndReason::kLackOfResources);
  EXPECT_EQ(r[1].record.key.src, a.src);  // b's return evicts a (seen at 2 s, before c at 3 s)
  EXPECT_EQ(r[1].record.endReason, FlowEndReason::kLackOfResources);
  EXPECT_EQ(r[1].record.packets, 2u);
  EXPECT_EQ(r.size(), 4u);  // then c and the second b at the end of input
}

TEST(ReferenceModel, BiflowAndPerDirection) {
  auto fwd = Pkt(1, 2, 1000, 53, 17, 0, 60), rev = Pkt(2, 1, 53, 1000, 17, 0, 200);
  Declaration bi = Decl(1800, 15);
  bi.direction = Direction::kBiflow;
  auto r = Model(bi, {{0, fwd}, {1, rev}, {2, rev}});
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].record.packets, 1u);
  EXPECT_EQ(r[0].record.reversePackets, 2u);
  EXPECT_EQ(r[0].record.reverseOctets, 400u);

  Declaration per = bi;
  per.direction = Direction::kPerDirection;
  auto p = Model(per, {{0, fwd}, {1, rev}, {2, rev}});
  ASSERT_EQ(p.size(), 2u);
  EXPECT_EQ(p[1].record.key.src, rev.src);
  EXPECT_EQ(p[1].record.packets, 2u);
  EXPECT_EQ(p[0].record.start, p[1].record.start);  // both carry the conversation's times
  EXPECT_EQ(p[0].record.end, At(2));

  auto u = Model(Decl(1800, 15), {{0, fwd}, {1, rev}, {2, rev}});
  EXPECT_EQ(u.size(), 2u);
  EXPECT_EQ(u[0].record.end, At(0));
}

TEST(ReferenceModel, FrameOctetsCountTheWholeFrame) {
  Declaration d = Decl(1800, 15);
  d.octets = OctetLayer::kFrame;
  auto r = Model(d, {{0, Pkt(1, 2, 1, 1, 17, 0, 30)}});
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].record.octets, 44u);  // Model() passes ipOctets + 14 as the frame length
}

TEST(ReferenceModel, NoIdleTimeoutKeepsRecordsOpen) {
  Declaration d = Decl(1800, 0);
  auto a = Pkt(1, 2, 1000, 53);
  auto r = Model(d, {{0, a}, {500, a}});
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].record.packets, 2u);
}

}  // namespace
}  // namespace vantage::conformance
