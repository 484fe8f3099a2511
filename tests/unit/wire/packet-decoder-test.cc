// Packet decoder: every link type and decoder path, cut and malformed packets.
#include "vantage/wire/packet-decoder.h"

#include <gtest/gtest.h>

#include "frame-builder.h"

namespace vantage::wire {
namespace {

using testing::BuildFrame;
using testing::PacketSpec;

DecodeResult DecodeSpec(const PacketSpec& s, DecodedPacket& p, size_t cut = SIZE_MAX,
                        PacketDecoder* dec = nullptr) {
  PacketDecoder local;
  PacketDecoder& d = dec ? *dec : local;
  auto f = BuildFrame(s);
  size_t cap = cut < f.size() ? cut : f.size();
  return d.Decode(s.link, f.data(), cap, f.size(), p);
}

TEST(PacketDecoder, EthernetIpv4Tcp) {
  PacketSpec s;
  s.tcpFlags = 0x12;
  s.tos = 0x20;
  s.ttl = 33;
  s.payload = 10;
  DecodedPacket p;
  ASSERT_EQ(DecodeSpec(s, p), DecodeResult::kOk);
  EXPECT_EQ(p.ipVersion, 4);
  EXPECT_EQ(p.src.ToString(), "10.0.0.1");
  EXPECT_EQ(p.dst.ToString(), "10.0.0.2");
  EXPECT_EQ(p.protocol, 6);
  EXPECT_EQ(p.srcPort, 1234);
  EXPECT_EQ(p.dstPort, 80);
  EXPECT_EQ(p.tcpFlags, 0x12);
  EXPECT_EQ(p.tos, 0x20);
  EXPECT_EQ(p.ttl, 33);
  EXPECT_EQ(p.ipOctets, 20u + 20u + 10u);
  EXPECT_TRUE(p.hasMacs);
  EXPECT_EQ(p.srcMac[5], 1);
  EXPECT_EQ(p.dstMac[5], 2);
  EXPECT_EQ(p.vlan, 0);
  EXPECT_FALSE(p.fragment);
}

TEST(PacketDecoder, VlanAndQinQ) {
  PacketSpec s;
  s.protocol = 17;
  s.vlans = {100};
  DecodedPacket p;
  ASSERT_EQ(DecodeSpec(s, p), DecodeResult::kOk);
  EXPECT_EQ(p.vlan, 100);
  EXPECT_EQ(p.dstPort, 80);
  s.vlans = {200, 300};
  ASSERT_EQ(DecodeSpec(s, p), DecodeResult::kOk);
  EXPECT_EQ(p.vlan, 200);  // the outer (service) tag
  EXPECT_EQ(p.protocol, 17);
  EXPECT_EQ(p.srcPort, 1234);
}

TEST(PacketDecoder, RawSllSll2) {
  for (LinkType link : {LinkType::kRawIp, LinkType::kLinuxSll, LinkType::kLinuxSll2}) {
    for (bool v6 : {false, true}) {
      PacketSpec s;
      s.link = link;
      s.v6 = v6;
      if (v6) {
        s.src = "2001:db8::1";
        s.dst = "2001:db8::2";
      }
      s.protocol = 17;
      s.payload = 5;
      DecodedPacket p;
      ASSERT_EQ(DecodeSpec(s, p), DecodeResult::kOk) << LinkTypeName(link);
      EXPECT_EQ(p.ipVersion, v6 ? 6 : 4);
      EXPECT_EQ(p.src.ToString(), s.src);
      EXPECT_EQ(p.dstPort, 80);
      EXPECT_EQ(p.ipOctets, (v6 ? 40u : 20u) + 8u + 5u);
      EXPECT_FALSE(p.hasMacs);
    }
  }
}

TEST(PacketDecoder, Ipv4OptionsSkipped) {
  PacketSpec s;
  s.ipv4OptionBytes = 8;
  s.protocol = 17;
  s.srcPort = 53;
  DecodedPacket p;
  ASSERT_EQ(DecodeSpec(s, p), DecodeResult::kOk);
  EXPECT_EQ(p.srcPort, 53);
  EXPECT_EQ(p.ipOctets, 28u + 8u);
}

TEST(PacketDecoder, Ipv4Fragments) {
  PacketSpec s;
  s.protocol = 17;
  s.moreFragments = true;
  s.payload = 100;
  DecodedPacket p;
  ASSERT_EQ(DecodeSpec(s, p), DecodeResult::kOk);
  EXPECT_TRUE(p.fragment);
  EXPECT_TRUE(p.firstFragment);
  EXPECT_EQ(p.srcPort, 1234);  // first fragment carries the ports
  s.fragOffset = 14;
  s.moreFragments = false;
  ASSERT_EQ(DecodeSpec(s, p), DecodeResult::kOk);
  EXPECT_TRUE(p.fragment);
  EXPECT_FALSE(p.firstFragment);
  EXPECT_EQ(p.srcPort, 0);  // non-first fragment: no ports (documented attribution)
  EXPECT_EQ(p.dstPort, 0);
  EXPECT_EQ(p.protocol, 17);
  EXPECT_EQ(p.ipOctets, 20u + 100u);
}

TEST(PacketDecoder, Ipv6ExtensionHeaders) {
  PacketSpec s;
  s.v6 = true;
  s.src = "2001:db8::1";
  s.dst = "2001:db8::2";
  s.v6ExtHeaders = {0, 43, 60};
  s.tcpFlags = 0x02;
  DecodedPacket p;
  ASSERT_EQ(DecodeSpec(s, p), DecodeResult::kOk);
  EXPECT_EQ(p.protocol, 6);
  EXPECT_EQ(p.srcPort, 1234);
  EXPECT_EQ(p.tcpFlags, 0x02);
  EXPECT_EQ(p.ipOctets, 40u + 48u + 20u);
}

TEST(PacketDecoder, Ipv6Fragments) {
  PacketSpec s;
  s.v6 = true;
  s.src = "2001:db8::1";
  s.dst = "2001:db8::2";
  s.protocol = 17;
  s.v6Fragment = true;
  s.moreFragments = true;
  s.payload = 64;
  DecodedPacket p;
  ASSERT_EQ(DecodeSpec(s, p), DecodeResult::kOk);
  EXPECT_TRUE(p.firstFragment);
  EXPECT_EQ(p.protocol, 17);
  EXPECT_EQ(p.srcPort, 1234);
  s.fragOffset = 9;
  s.moreFragments = false;
  ASSERT_EQ(DecodeSpec(s, p), DecodeResult::kOk);
  EXPECT_TRUE(p.fragment);
  EXPECT_FALSE(p.firstFragment);
  EXPECT_EQ(p.protocol, 17);
  EXPECT_EQ(p.srcPort, 0);
}

TEST(PacketDecoder, IcmpAndIcmpv6) {
  PacketSpec s;
  s.protocol = 1;
  s.icmpType = 3;
  s.icmpCode = 1;
  DecodedPacket p;
  ASSERT_EQ(DecodeSpec(s, p), DecodeResult::kOk);
  EXPECT_TRUE(p.hasIcmp);
  EXPECT_EQ(p.icmpType, 3);
  EXPECT_EQ(p.icmpCode, 1);
  EXPECT_EQ(p.dstPort, 3 * 256 + 1);
  EXPECT_EQ(p.srcPort, 0);
  s.v6 = true;
  s.src = "fe80::1";
  s.dst = "ff02::1";
  s.protocol = 58;
  s.icmpType = 135;
  s.icmpCode = 0;
  ASSERT_EQ(DecodeSpec(s, p), DecodeResult::kOk);
  EXPECT_EQ(p.icmpType, 135);
  EXPECT_EQ(p.dstPort, 135 * 256);
}

TEST(PacketDecoder, OtherProtocol) {
  PacketSpec s;
  s.protocol = 47;  // GRE
  s.payload = 20;
  DecodedPacket p;
  ASSERT_EQ(DecodeSpec(s, p), DecodeResult::kOk);
  EXPECT_EQ(p.protocol, 47);
  EXPECT_EQ(p.srcPort, 0);
  EXPECT_EQ(p.dstPort, 0);
  EXPECT_EQ(p.ipOctets, 40u);
}

TEST(PacketDecoder, SnapLengthCutCountsWhatIsPresent) {
  PacketSpec s;
  s.payload = 1000;
  s.tcpFlags = 0x18;
  DecodedPacket p;
  // 14 Ethernet + 20 IP + 4 bytes of TCP: ports present, flags cut.
  PacketDecoder dec;
  ASSERT_EQ(DecodeSpec(s, p, 38, &dec), DecodeResult::kOk);
  EXPECT_EQ(p.srcPort, 1234);
  EXPECT_EQ(p.tcpFlags, 0);
  EXPECT_EQ(p.ipOctets, 20u + 20u + 1000u);  // the IP header tells the datagram length
  EXPECT_EQ(dec.Anomalies().Get("decode.truncated_l4"), 1u);
  // Cut inside the IP header: not a usable packet.
  EXPECT_EQ(DecodeSpec(s, p, 30, &dec), DecodeResult::kInvalid);
  EXPECT_EQ(dec.Anomalies().Get("decode.truncated_ipv4_header"), 1u);
}

TEST(PacketDecoder, EthernetPaddingNotCounted) {
  PacketSpec s;
  s.payload = 0;
  auto f = BuildFrame(s);
  f.resize(60, 0);  // minimum Ethernet frame with padding
  PacketDecoder dec;
  DecodedPacket p;
  ASSERT_EQ(dec.Decode(LinkType::kEthernet, f.data(), f.size(), f.size(), p), DecodeResult::kOk);
  EXPECT_EQ(p.ipOctets, 40u);
}

TEST(PacketDecoder, NotIpAndGarbage) {
  std::vector<uint8_t> arp(42, 0);
  arp[12] = 0x08;
  arp[13] = 0x06;
  PacketDecoder dec;
  DecodedPacket p;
  EXPECT_EQ(dec.Decode(LinkType::kEthernet, arp.data(), arp.size(), arp.size(), p),
            DecodeResult::kNotIp);
  std::vector<uint8_t> junk = {0x55, 1, 2, 3};
  EXPECT_EQ(dec.Decode(LinkType::kRawIp, junk.data(), junk.size(), junk.size(), p),
            DecodeResult::kInvalid);
  EXPECT_EQ(dec.Decode(LinkType::kEthernet, junk.data(), junk.size(), junk.size(), p),
            DecodeResult::kInvalid);
  EXPECT_EQ(dec.Decode(LinkType::kRawIp, junk.data(), 0, 0, p), DecodeResult::kInvalid);
  EXPECT_GE(dec.Anomalies().Total(), 3u);
}

TEST(PacketDecoder, LinkTypeMapping) {
  for (LinkType l :
       {LinkType::kEthernet, LinkType::kRawIp, LinkType::kLinuxSll, LinkType::kLinuxSll2}) {
    auto back = LinkTypeFromDlt(LinkTypeToDlt(l));
    ASSERT_TRUE(back.Ok());
    EXPECT_EQ(*back, l);
  }
  EXPECT_EQ(*LinkTypeFromDlt(12), LinkType::kRawIp);
  EXPECT_FALSE(LinkTypeFromDlt(105).Ok());
}

}  // namespace
}  // namespace vantage::wire
