// Packet decoder: every link type and decoder path, cut and malformed packets.
#include "vantage/wire/packet-decoder.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

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

// --- Encapsulation: VLAN tags in cooked captures, MPLS, tunnels, fragment fields.

using testing::TunnelSpec;
using TK = TunnelSpec::Kind;

DecodedPacket DecodeOk(const PacketSpec& s, PacketDecoder& d) {
  DecodedPacket p;
  auto f = BuildFrame(s);
  EXPECT_EQ(d.Decode(s.link, f.data(), f.size(), f.size(), p), DecodeResult::kOk);
  return p;
}

TEST(PacketDecoder, SllAndSll2WithVlanTags) {
  for (LinkType link : {LinkType::kLinuxSll, LinkType::kLinuxSll2}) {
    for (bool v6 : {false, true}) {
      PacketSpec s;
      s.link = link;
      s.v6 = v6;
      if (v6) {
        s.src = "2001:db8::1";
        s.dst = "2001:db8::2";
      }
      s.vlans = {42};
      s.payload = 7;
      PacketDecoder d;
      DecodedPacket p = DecodeOk(s, d);
      EXPECT_EQ(p.vlan, 42) << LinkTypeName(link);
      EXPECT_EQ(p.ipVersion, v6 ? 6 : 4);
      EXPECT_EQ(p.srcPort, 1234);
      EXPECT_EQ(p.ipOctets, (v6 ? 40u : 20u) + 20u + 7u);
      s.vlans = {42, 43};  // stacked tags: the first is the flow's
      p = DecodeOk(s, d);
      EXPECT_EQ(p.vlan, 42);
      EXPECT_EQ(p.dstPort, 80);
      EXPECT_TRUE(d.Anomalies().Empty());
    }
  }
}

TEST(PacketDecoder, MplsSingleAndDoubleLabel) {
  PacketSpec s;
  s.protocol = 17;
  s.payload = 30;
  s.mplsLabels = {16001};
  PacketDecoder d;
  DecodedPacket p = DecodeOk(s, d);
  EXPECT_EQ(p.srcPort, 1234);
  EXPECT_EQ(p.ipOctets, 20u + 8u + 30u);  // labels are not IP bytes
  ASSERT_EQ(p.encap.mplsLabelCount, 1);
  EXPECT_EQ(p.encap.mplsLabels[0], (16001u << 4) | 1u);  // bottom of stack
  s.mplsLabels = {24000, 300};
  s.vlans = {5};
  s.v6 = true;
  s.src = "2001:db8::1";
  s.dst = "2001:db8::2";
  p = DecodeOk(s, d);
  EXPECT_EQ(p.vlan, 5);
  EXPECT_EQ(p.ipVersion, 6);
  ASSERT_EQ(p.encap.mplsLabelCount, 2);
  EXPECT_EQ(p.encap.mplsLabels[0], 24000u << 4);
  EXPECT_EQ(p.encap.mplsLabels[1], (300u << 4) | 1u);
  EXPECT_TRUE(d.Anomalies().Empty());
}

TEST(PacketDecoder, MalformedMplsCounted) {
  PacketSpec s;
  s.mplsLabels = {100, 200};
  auto f = BuildFrame(s);
  PacketDecoder d;
  DecodedPacket p;
  EXPECT_EQ(d.Decode(s.link, f.data(), 14 + 6, f.size(), p), DecodeResult::kInvalid);
  EXPECT_EQ(d.Anomalies().Get("decode.truncated_mpls"), 1u);
  s.mplsLabels.assign(11, 7);  // no bottom of stack within the 10 labels IEs 70-79 carry
  f = BuildFrame(s);
  for (size_t i = 0; i < 11; ++i) f[14 + 4 * i + 2] &= 0xfe;
  EXPECT_EQ(d.Decode(s.link, f.data(), f.size(), f.size(), p), DecodeResult::kInvalid);
  EXPECT_EQ(d.Anomalies().Get("decode.mpls_stack_too_deep"), 1u);
  s.mplsLabels = {100};
  f = BuildFrame(s);
  f[18] = 0x00;  // a pseudowire control word, not IP
  EXPECT_EQ(d.Decode(s.link, f.data(), f.size(), f.size(), p), DecodeResult::kNotIp);
}

PacketSpec Tunnelled(TK kind, bool innerV6 = false) {
  PacketSpec s;
  s.protocol = 6;
  s.payload = 100;
  s.srcPort = 40000;
  s.dstPort = 443;
  if (innerV6) {
    s.v6 = true;
    s.src = "2001:db8::a";
    s.dst = "2001:db8::b";
  }
  TunnelSpec t;
  t.kind = kind;
  t.id = 5001;
  s.tunnels = {t};
  return s;
}

TEST(PacketDecoder, TunnelsOuterModeMetersTheOuterPacket) {
  PacketDecoder d;  // TunnelMode::kOuter
  DecodedPacket p = DecodeOk(Tunnelled(TK::kVxlan), d);
  EXPECT_EQ(p.src.ToString(), "192.0.2.1");
  EXPECT_EQ(p.protocol, 17);
  EXPECT_EQ(p.dstPort, 4789);
  EXPECT_EQ(p.ipOctets, 20u + 8u + 8u + 14u + 20u + 20u + 100u);
  EXPECT_FALSE(p.encap.Any());
}

TEST(PacketDecoder, TunnelsInnerModeMetersTheInnerPacket) {
  const size_t innerV4 = 20 + 20 + 100;
  for (TK kind : {TK::kGre, TK::kGreKeySeq, TK::kGreEthernet, TK::kVxlan, TK::kIpInIp, TK::kGtpu,
                  TK::kGtpuExt}) {
    for (bool innerV6 : {false, true}) {
      SCOPED_TRACE(static_cast<int>(kind) * 2 + innerV6);
      PacketDecoder d(TunnelMode::kInner);
      DecodedPacket p = DecodeOk(Tunnelled(kind, innerV6), d);
      EXPECT_EQ(p.ipVersion, innerV6 ? 6 : 4);
      EXPECT_EQ(p.src.ToString(), innerV6 ? "2001:db8::a" : "10.0.0.1");
      EXPECT_EQ(p.protocol, 6);
      EXPECT_EQ(p.srcPort, 40000);
      EXPECT_EQ(p.dstPort, 443);
      EXPECT_EQ(p.ipOctets, innerV6 ? innerV4 + 20 : innerV4);
      EXPECT_EQ(p.ttl, 64);  // the inner packet's, not the tunnel's 250
      EXPECT_EQ(p.encap.tunnelSrc.ToString(), "192.0.2.1");
      EXPECT_EQ(p.encap.tunnelDst.ToString(), "192.0.2.2");
      EXPECT_EQ(p.tunnelDepth, 1);
      EXPECT_EQ(p.encap.layer2SegmentId, kind == TK::kVxlan ? (1ull << 56 | 5001u) : 0u);
      EXPECT_TRUE(d.Anomalies().Empty());
    }
  }
}

TEST(PacketDecoder, Ipv6InIpv4AndIpv6Outer) {
  PacketSpec s = Tunnelled(TK::kIpInIp, true);  // 6in4, protocol 41
  PacketDecoder d(TunnelMode::kInner);
  DecodedPacket p = DecodeOk(s, d);
  EXPECT_EQ(p.src.ToString(), "2001:db8::a");
  EXPECT_EQ(p.encap.tunnelSrc.ToString(), "192.0.2.1");
  s.tunnels[0].v6 = true;  // GRE over IPv6 with an IPv4 packet inside
  s.tunnels[0].kind = TK::kGre;
  s.tunnels[0].src = "2001:db8:ffff::1";
  s.tunnels[0].dst = "2001:db8:ffff::2";
  s.v6 = false;
  s.src = "10.0.0.1";
  s.dst = "10.0.0.2";
  p = DecodeOk(s, d);
  EXPECT_EQ(p.src.ToString(), "10.0.0.1");
  EXPECT_EQ(p.encap.tunnelSrc.ToString(), "2001:db8:ffff::1");
}

TEST(PacketDecoder, NestedTunnelsToTheDepthLimit) {
  PacketSpec s = Tunnelled(TK::kGre);
  const TK kinds[] = {TK::kVxlan, TK::kGre, TK::kIpInIp, TK::kGtpu, TK::kGreKeySeq};
  s.tunnels.clear();
  for (int i = 0; i < kMaxTunnelDepth; ++i) {
    TunnelSpec t;
    t.kind = kinds[i];
    t.src = "192.0.2." + std::to_string(2 * i + 1);
    t.dst = "192.0.2." + std::to_string(2 * i + 2);
    s.tunnels.push_back(t);
  }
  PacketDecoder d(TunnelMode::kInner);
  DecodedPacket p = DecodeOk(s, d);
  EXPECT_EQ(p.tunnelDepth, kMaxTunnelDepth);
  EXPECT_EQ(p.src.ToString(), "10.0.0.1");
  EXPECT_EQ(p.encap.tunnelSrc.ToString(), "192.0.2.1");  // the outermost endpoints
  EXPECT_EQ(d.Anomalies().Get("decode.tunnel_too_deep"), 0u);
  TunnelSpec extra;
  extra.kind = TK::kGre;
  extra.src = "198.51.100.1";
  extra.dst = "198.51.100.2";
  s.tunnels.push_back(extra);  // one level over the limit
  p = DecodeOk(s, d);
  EXPECT_EQ(p.tunnelDepth, kMaxTunnelDepth);
  EXPECT_EQ(p.src.ToString(), "198.51.100.1");  // the deepest packet opened: the extra tunnel
  EXPECT_EQ(p.protocol, 47);
  EXPECT_EQ(d.Anomalies().Get("decode.tunnel_too_deep"), 1u);
}

// A malformed encapsulation leaves the outer packet metered and names the problem.
void ExpectOuterWithAnomaly(std::vector<uint8_t> f, const char* anomaly, size_t cap = SIZE_MAX) {
  SCOPED_TRACE(anomaly);
  PacketDecoder d(TunnelMode::kInner);
  DecodedPacket p;
  ASSERT_EQ(d.Decode(LinkType::kEthernet, f.data(), std::min(cap, f.size()), f.size(), p),
            DecodeResult::kOk);
  EXPECT_EQ(p.src.ToString(), "192.0.2.1");
  EXPECT_EQ(p.tunnelDepth, 0);
  EXPECT_FALSE(p.encap.Any());
  EXPECT_EQ(d.Anomalies().Get(anomaly), 1u);
}

TEST(PacketDecoder, MalformedTunnelsCountedOuterKept) {
  const size_t l4 = 14 + 20;  // GRE / UDP header offset in the frame
  auto f = BuildFrame(Tunnelled(TK::kGre));
  f[l4] = 0x40;  // RFC 1701 routing present
  ExpectOuterWithAnomaly(f, "decode.gre_unknown_flags");
  f = BuildFrame(Tunnelled(TK::kGre));
  f[l4 + 1] = 0x01;  // version 1 (PPTP)
  ExpectOuterWithAnomaly(f, "decode.gre_unsupported_version");
  ExpectOuterWithAnomaly(BuildFrame(Tunnelled(TK::kGreKeySeq)), "decode.truncated_gre", l4 + 10);
  f = BuildFrame(Tunnelled(TK::kVxlan));
  f[l4 + 8] = 0x00;  // I flag clear
  ExpectOuterWithAnomaly(f, "decode.vxlan_bad_flags");
  ExpectOuterWithAnomaly(BuildFrame(Tunnelled(TK::kVxlan)), "decode.vxlan_short_inner_frame",
                         l4 + 16 + 10);
  ExpectOuterWithAnomaly(BuildFrame(Tunnelled(TK::kVxlan)), "decode.truncated_ipv4_header",
                         l4 + 16 + 14 + 12);
  f = BuildFrame(Tunnelled(TK::kGtpu));
  f[l4 + 8] = 0x50;  // GTP version 2
  ExpectOuterWithAnomaly(f, "decode.gtpu_bad_version");
  f = BuildFrame(Tunnelled(TK::kGtpuExt));
  f[l4 + 8 + 12] = 0;  // extension header of length 0
  ExpectOuterWithAnomaly(f, "decode.truncated_gtpu");
  f = BuildFrame(Tunnelled(TK::kIpInIp));
  f[l4] = 0x65;  // protocol 4 announces IPv4, version 6 inside
  ExpectOuterWithAnomaly(f, "decode.ip_in_ip_version_mismatch");
  // GTP-U echo request: a valid message that carries no user packet, not an anomaly.
  f = BuildFrame(Tunnelled(TK::kGtpu));
  f[l4 + 9] = 1;
  PacketDecoder d(TunnelMode::kInner);
  DecodedPacket p;
  ASSERT_EQ(d.Decode(LinkType::kEthernet, f.data(), f.size(), f.size(), p), DecodeResult::kOk);
  EXPECT_EQ(p.dstPort, 2152);
  EXPECT_TRUE(d.Anomalies().Empty());
}

TEST(PacketDecoder, FragmentFields) {
  PacketSpec s;
  s.protocol = 17;
  s.payload = 1472;
  s.moreFragments = true;
  PacketDecoder d;
  DecodedPacket p = DecodeOk(s, d);
  EXPECT_TRUE(p.firstFragment);
  EXPECT_EQ(p.fragmentId, 0x1234u);
  EXPECT_EQ(p.fragmentOffset, 0u);
  EXPECT_EQ(p.fragmentLength, 1480u);
  s.fragOffset = 8189;  // 65512 + 100 bytes: past the largest datagram
  s.payload = 100;
  s.moreFragments = false;
  p = DecodeOk(s, d);
  EXPECT_EQ(p.fragmentOffset, 65512u);
  EXPECT_FALSE(p.moreFragments);
  EXPECT_EQ(d.Anomalies().Get("decode.fragment_beyond_64k"), 1u);
  s.v6 = true;
  s.src = "2001:db8::1";
  s.dst = "2001:db8::2";
  s.v6Fragment = true;
  s.fragOffset = 10;
  s.payload = 64;
  p = DecodeOk(s, d);
  EXPECT_EQ(p.fragmentId, 0x4242u);
  EXPECT_EQ(p.fragmentOffset, 80u);
  EXPECT_EQ(p.fragmentLength, 64u);
}

}  // namespace
}  // namespace vantage::wire
