// The transport tuple of a packet whose buffer starts at the L4 header (what RouteInput sees).
#pragma once

#include <ns3/ipv4-header.h>
#include <ns3/packet.h>

#include <cstdint>

namespace vantage::sim {

struct L4Info {
  uint8_t protocol = 0;
  uint16_t srcPort = 0;  ///< TCP/UDP source port; ICMP echo identifier
  uint16_t dstPort = 0;  ///< TCP/UDP destination port; ICMP echo identifier
  uint8_t tcpFlags = 0;
  uint8_t icmpType = 0;
  bool isEcho = false;  ///< ICMP echo request (8) or reply (0)
  bool ok = false;      ///< enough bytes for the fields above
};

inline L4Info ParseL4(const ns3::Packet& p, const ns3::Ipv4Header& h) {
  L4Info info;
  info.protocol = h.GetProtocol();
  uint8_t b[14] = {};
  uint32_t n = p.CopyData(b, sizeof(b));
  if (h.GetFragmentOffset() != 0) return info;  // later fragments carry no L4 header
  switch (info.protocol) {
    case 6:
      if (n < 14) return info;
      info.srcPort = static_cast<uint16_t>((b[0] << 8) | b[1]);
      info.dstPort = static_cast<uint16_t>((b[2] << 8) | b[3]);
      info.tcpFlags = b[13];
      info.ok = true;
      break;
    case 17:
      if (n < 8) return info;
      info.srcPort = static_cast<uint16_t>((b[0] << 8) | b[1]);
      info.dstPort = static_cast<uint16_t>((b[2] << 8) | b[3]);
      info.ok = true;
      break;
    case 1:
      if (n < 8) return info;
      info.icmpType = b[0];
      info.isEcho = b[0] == 8 || b[0] == 0;
      if (info.isEcho) {
        info.srcPort = info.dstPort = static_cast<uint16_t>((b[4] << 8) | b[5]);
      }
      info.ok = true;
      break;
    default:
      info.ok = true;
      break;
  }
  return info;
}

}  // namespace vantage::sim
