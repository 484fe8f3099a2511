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
  uint8_t srcMacLast = 1;
  uint8_t dstMacLast = 2;
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
      Put16(l4, static_cast<uint16_t>(8 + s.payload));
      Put16(l4, 0);
    } else if (s.protocol == 1 || s.protocol == 58) {
      l4.push_back(s.icmpType);
      l4.push_back(s.icmpCode);
      Put16(l4, 0);
      Put16(l4, 1);
      Put16(l4, 1);
    }
  }
  for (size_t i = 0; i < s.payload; ++i) l4.push_back(static_cast<uint8_t>(i));
  std::vector<uint8_t> ip;
  auto src = core::IpAddress::Parse(s.src);
  auto dst = core::IpAddress::Parse(s.dst);
  if (!s.v6) {
    size_t ihl = 20 + s.ipv4OptionBytes;
    ip.push_back(static_cast<uint8_t>(0x40 | (ihl / 4)));
    ip.push_back(s.tos);
    Put16(ip, static_cast<uint16_t>(ihl + l4.size()));
    Put16(ip, 0x1234);
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
        Put16(ext, 0);
        Put16(ext, 0x4242);
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

/// @brief The whole frame for s.link.
inline std::vector<uint8_t> BuildFrame(const PacketSpec& s) {
  std::vector<uint8_t> ip = BuildIp(s);
  uint16_t etherType = s.v6 ? 0x86dd : 0x0800;
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
      Put16(f, etherType);
      break;
    case LinkType::kLinuxSll2:
      Put16(f, etherType);
      Put16(f, 0);
      Put16(f, 0);
      Put16(f, 2);  // ifindex
      Put16(f, 1);  // ARPHRD_ETHER
      f.push_back(0);
      f.push_back(6);
      for (int i = 0; i < 8; ++i) f.push_back(i < 6 ? 0x02 : 0);
      break;
  }
  f.insert(f.end(), ip.begin(), ip.end());
  return f;
}

}  // namespace vantage::wire::testing
