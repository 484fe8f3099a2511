// Test helper: builds link-layer frames (Ethernet with VLAN tags, raw IP, SLL, SLL2) holding
// IPv4/IPv6 packets with TCP/UDP/ICMP/other payloads. No pcap: the exporter's packet-builder.h
// adds a pcap file writer on top.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "vantage/core/ip-address.h"
#include "vantage/wire/link-type.h"

namespace vantage::wire::testing {

/// @brief One encapsulation around the packet (see PacketSpec::tunnels).
struct TunnelSpec {
  enum class Kind {
    kGre,          ///< GRE, no optional fields
    kGreKeySeq,    ///< GRE with key and sequence number (RFC 2890)
    kGreEthernet,  ///< GRE carrying an Ethernet frame (0x6558)
    kVxlan,        ///< UDP 4789, VXLAN header, Ethernet frame
    kIpInIp,       ///< IP protocol 4 (IPv4 inside) or 41 (IPv6 inside)
    kGtpu,         ///< UDP 2152, GTPv1-U G-PDU
    kGtpuExt,      ///< GTPv1-U with sequence number and a PDU session container extension
  };
  Kind kind = Kind::kGre;
  std::string src = "192.0.2.1";  ///< outer addresses
  std::string dst = "192.0.2.2";
  bool v6 = false;  ///< outer IPv6
  uint32_t id = 0;  ///< GRE key, VXLAN VNI, GTP-U TEID
};

struct PacketSpec {
  LinkType link = LinkType::kEthernet;
  std::vector<uint16_t> vlans;  ///< outer first; first tag 0x88a8 if more than one
  bool v6 = false;
  std::string src = "10.0.0.1";
  std::string dst = "10.0.0.2";
  uint8_t protocol = 6;
  uint16_t srcPort = 1234;
  uint16_t dstPort = 80;
  uint8_t tcpFlags = 0x10;  ///< ACK
  uint8_t tos = 0;
  uint8_t ttl = 64;
  uint8_t icmpType = 8;
  uint8_t icmpCode = 0;
  size_t payload = 0;
  size_t ipv4OptionBytes = 0;  ///< multiple of 4
  uint16_t fragOffset = 0;     ///< in 8-byte units
  bool moreFragments = false;
  bool v6Fragment = false;            ///< add an IPv6 fragment header
  std::vector<uint8_t> v6ExtHeaders;  ///< 0, 43, 60 before the fragment/transport header
  uint32_t ipId = 0;  ///< IPv4 identification / IPv6 fragment id; 0: 0x1234 / 0x4242
  uint8_t srcMacLast = 1;
  uint8_t dstMacLast = 2;
  std::vector<uint8_t> rawPayload;  ///< transport payload bytes instead of `payload` counting bytes
  std::vector<uint32_t> mplsLabels;  ///< MPLS labels, top first (EtherType 0x8847)
  std::vector<TunnelSpec> tunnels;   ///< outermost first, around the packet above
};

inline void Put16(std::vector<uint8_t>& b, uint16_t v) {
  b.push_back(static_cast<uint8_t>(v >> 8));
  b.push_back(static_cast<uint8_t>(v));
}

/// @brief The IP-layer bytes of the packet (header + transport + payload).
inline std::vector<uint8_t> BuildIp(const PacketSpec& s) {
  std::vector<uint8_t> l4;
  bool first = s.fragOffset == 0;
  if (first) {
    if (s.protocol == 6) {
      Put16(l4, s.srcPort);
      Put16(l4, s.dstPort);
      for (int i = 0; i < 8; ++i) l4.push_back(0);  // seq, ack
      l4.push_back(0x50);                           // data offset 5
      l4.push_back(s.tcpFlags);
      Put16(l4, 65535);
      Put16(l4, 0);
      Put16(l4, 0);
    } else if (s.protocol == 17) {
      Put16(l4, s.srcPort);
      Put16(l4, s.dstPort);
      Put16(l4,
            static_cast<uint16_t>(8 + (s.rawPayload.empty() ? s.payload : s.rawPayload.size())));
      Put16(l4, 0);
    } else if (s.protocol == 1 || s.protocol == 58) {
      l4.push_back(s.icmpType);
      l4.push_back(s.icmpCode);
      Put16(l4, 0);
      Put16(l4, 1);
      Put16(l4, 1);
    }
  }
  if (s.rawPayload.empty()) {
    for (size_t i = 0; i < s.payload; ++i) l4.push_back(static_cast<uint8_t>(i));
  } else {
    l4.insert(l4.end(), s.rawPayload.begin(), s.rawPayload.end());
  }
  std::vector<uint8_t> ip;
  auto src = core::IpAddress::Parse(s.src);
  auto dst = core::IpAddress::Parse(s.dst);
  if (!s.v6) {
    size_t ihl = 20 + s.ipv4OptionBytes;
    ip.push_back(static_cast<uint8_t>(0x40 | (ihl / 4)));
    ip.push_back(s.tos);
    Put16(ip, static_cast<uint16_t>(ihl + l4.size()));
    Put16(ip, static_cast<uint16_t>(s.ipId != 0 ? s.ipId : 0x1234));
    Put16(ip, static_cast<uint16_t>((s.moreFragments ? 0x2000 : 0) | s.fragOffset));
    ip.push_back(s.ttl);
    ip.push_back(s.protocol);
    Put16(ip, 0);
    ip.insert(ip.end(), src->bytes.begin(), src->bytes.begin() + 4);
    ip.insert(ip.end(), dst->bytes.begin(), dst->bytes.begin() + 4);
    for (size_t i = 0; i < s.ipv4OptionBytes; ++i) ip.push_back(1);  // NOP options
  } else {
    std::vector<uint8_t> ext;
    std::vector<uint8_t> chain = s.v6ExtHeaders;
    if (s.v6Fragment) chain.push_back(44);
    chain.push_back(s.protocol);
    for (size_t i = 0; i + 1 < chain.size(); ++i) {
      if (chain[i] == 44) {
        ext.push_back(chain[i + 1]);
        ext.push_back(0);
        Put16(ext, static_cast<uint16_t>((s.fragOffset << 3) | (s.moreFragments ? 1 : 0)));
        const uint32_t id = s.ipId != 0 ? s.ipId : 0x4242;
        Put16(ext, static_cast<uint16_t>(id >> 16));
        Put16(ext, static_cast<uint16_t>(id));
      } else {
        ext.push_back(chain[i + 1]);
        ext.push_back(1);  // 16 bytes
        for (int k = 0; k < 14; ++k) ext.push_back(0);
      }
    }
    ip.push_back(static_cast<uint8_t>(0x60 | (s.tos >> 4)));
    ip.push_back(static_cast<uint8_t>(s.tos << 4));
    Put16(ip, 0);
    Put16(ip, static_cast<uint16_t>(ext.size() + l4.size()));
    ip.push_back(chain.front());
    ip.push_back(s.ttl);
    ip.insert(ip.end(), src->bytes.begin(), src->bytes.end());
    ip.insert(ip.end(), dst->bytes.begin(), dst->bytes.end());
    ip.insert(ip.end(), ext.begin(), ext.end());
  }
  ip.insert(ip.end(), l4.begin(), l4.end());
  return ip;
}

inline void PutEthernetHeader(std::vector<uint8_t>& f, uint16_t etherType) {
  for (int i = 0; i < 6; ++i) f.push_back(0x0a);
  for (int i = 0; i < 6; ++i) f.push_back(0x0b);
  Put16(f, etherType);
}

/// @brief The outer IP packet carrying `inner` (an IP packet of version 6 if innerV6) in t.
inline std::vector<uint8_t> Encapsulate(const TunnelSpec& t, const std::vector<uint8_t>& inner,
                                        bool innerV6) {
  using K = TunnelSpec::Kind;
  PacketSpec o;
  o.v6 = t.v6;
  o.src = t.src;
  o.dst = t.dst;
  o.ttl = 250;
  const uint16_t innerType = innerV6 ? 0x86dd : 0x0800;
  std::vector<uint8_t>& p = o.rawPayload;
  auto put32 = [&p](uint32_t v) {
    Put16(p, static_cast<uint16_t>(v >> 16));
    Put16(p, static_cast<uint16_t>(v));
  };
  switch (t.kind) {
    case K::kGre:
    case K::kGreKeySeq:
    case K::kGreEthernet:
      o.protocol = 47;
      Put16(p, t.kind == K::kGreKeySeq ? 0x3000 : 0x0000);
      Put16(p, t.kind == K::kGreEthernet ? 0x6558 : innerType);
      if (t.kind == K::kGreKeySeq) {
        put32(t.id);
        put32(7);  // sequence number
      }
      if (t.kind == K::kGreEthernet) PutEthernetHeader(p, innerType);
      break;
    case K::kVxlan:
      o.protocol = 17;
      o.srcPort = 49152;
      o.dstPort = 4789;
      put32(0x08000000);
      put32(t.id << 8);
      PutEthernetHeader(p, innerType);
      break;
    case K::kIpInIp:
      o.protocol = innerV6 ? 41 : 4;
      break;
    case K::kGtpu:
    case K::kGtpuExt: {
      o.protocol = 17;
      o.srcPort = 2152;
      o.dstPort = 2152;
      const bool ext = t.kind == K::kGtpuExt;
      p.push_back(ext ? 0x36 : 0x30);  // version 1, PT 1, (E and S)
      p.push_back(0xff);               // G-PDU
      Put16(p, static_cast<uint16_t>(inner.size() + (ext ? 8 : 0)));
      put32(t.id);
      if (ext) {
        Put16(p, 1);        // sequence number
        p.push_back(0);     // N-PDU number
        p.push_back(0x85);  // next: PDU session container
        p.push_back(1);     // 4 bytes
        p.push_back(0x00);
        p.push_back(0x09);  // QFI
        p.push_back(0x00);  // no further extension
      }
      break;
    }
  }
  p.insert(p.end(), inner.begin(), inner.end());
  return BuildIp(o);
}

/// @brief The whole frame for s.link.
inline std::vector<uint8_t> BuildFrame(const PacketSpec& s) {
  std::vector<uint8_t> ip = BuildIp(s);
  bool v6 = s.v6;
  for (auto t = s.tunnels.rbegin(); t != s.tunnels.rend(); ++t) {
    ip = Encapsulate(*t, ip, v6);
    v6 = t->v6;
  }
  uint16_t etherType = v6 ? 0x86dd : 0x0800;
  if (!s.mplsLabels.empty()) {
    std::vector<uint8_t> stack;
    for (size_t i = 0; i < s.mplsLabels.size(); ++i) {
      uint32_t e = s.mplsLabels[i] << 12 | (i + 1 == s.mplsLabels.size() ? 0x100u : 0u) | 64u;
      Put16(stack, static_cast<uint16_t>(e >> 16));
      Put16(stack, static_cast<uint16_t>(e));
    }
    ip.insert(ip.begin(), stack.begin(), stack.end());
    etherType = 0x8847;
  }
  // SLL and SLL2 with tags: the protocol field says 802.1Q and the tags follow the header.
  std::vector<uint8_t> tags;
  for (size_t i = 0; i < s.vlans.size(); ++i) {
    Put16(tags, s.vlans[i]);
    Put16(tags, i + 1 < s.vlans.size() ? 0x8100 : etherType);
  }
  std::vector<uint8_t> f;
  switch (s.link) {
    case LinkType::kRawIp:
      return ip;
    case LinkType::kEthernet: {
      for (int i = 0; i < 5; ++i) f.push_back(0x02);
      f.push_back(s.dstMacLast);
      for (int i = 0; i < 5; ++i) f.push_back(0x02);
      f.push_back(s.srcMacLast);
      for (size_t i = 0; i < s.vlans.size(); ++i) {
        Put16(f, (i == 0 && s.vlans.size() > 1) ? 0x88a8 : 0x8100);
        Put16(f, s.vlans[i]);
      }
      Put16(f, etherType);
      break;
    }
    case LinkType::kLinuxSll:
      Put16(f, 0);  // packet type: to us
      Put16(f, 1);  // ARPHRD_ETHER
      Put16(f, 6);
      for (int i = 0; i < 8; ++i) f.push_back(i < 6 ? 0x02 : 0);
      Put16(f, tags.empty() ? etherType : 0x8100);
      f.insert(f.end(), tags.begin(), tags.end());
      break;
    case LinkType::kLinuxSll2:
      Put16(f, tags.empty() ? etherType : 0x8100);
      Put16(f, 0);
      Put16(f, 0);
      Put16(f, 2);  // ifindex
      Put16(f, 1);  // ARPHRD_ETHER
      f.push_back(0);
      f.push_back(6);
      for (int i = 0; i < 8; ++i) f.push_back(i < 6 ? 0x02 : 0);
      f.insert(f.end(), tags.begin(), tags.end());
      break;
  }
  f.insert(f.end(), ip.begin(), ip.end());
  return f;
}

}  // namespace vantage::wire::testing
