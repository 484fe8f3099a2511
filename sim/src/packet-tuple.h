// The transport tuple of a packet: from a buffer starting at the L4 header (what RouteInput
// sees), or at the IPv4 header (what the Ipv4 "Tx" trace sees).
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

/// Bytes of the L4 header ParseL4 reads (TCP up to its flags).
constexpr uint32_t kL4TupleBytes = 14;

/// @brief The tuple from the first `n` bytes (`b`) of the L4 header of a packet of `protocol`.
inline L4Info ParseL4Bytes(uint8_t protocol, bool laterFragment, const uint8_t* b, uint32_t n) {
  L4Info info;
  info.protocol = protocol;
  if (laterFragment) return info;  // later fragments carry no L4 header
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

inline L4Info ParseL4(const ns3::Packet& p, const ns3::Ipv4Header& h) {
  uint8_t b[kL4TupleBytes] = {};
  const uint32_t n = p.CopyData(b, sizeof(b));
  return ParseL4Bytes(h.GetProtocol(), h.GetFragmentOffset() != 0, b, n);
}

/// @brief The tuple of a packet whose buffer starts at its IPv4 header (what the Ipv4 "Tx"
/// trace sees), reading only the headers; false if it does not start with one.
inline bool ParseIpv4L4(const ns3::Packet& p, uint32_t* src, uint32_t* dst, L4Info* l4) {
  uint8_t b[60 + kL4TupleBytes] = {};  // the longest IPv4 header, then the L4 tuple
  const uint32_t n = p.CopyData(b, sizeof(b));
  const uint32_t ihl = (b[0] & 0x0fu) * 4u;
  if (n < 20 || (b[0] >> 4) != 4 || ihl < 20 || n < ihl) return false;
  auto u32 = [&b](uint32_t o) {
    return (uint32_t{b[o]} << 24) | (uint32_t{b[o + 1]} << 16) | (uint32_t{b[o + 2]} << 8) |
           b[o + 3];
  };
  *src = u32(12);
  *dst = u32(16);
  const bool laterFragment = ((b[6] & 0x1fu) << 8 | b[7]) != 0;
  *l4 = ParseL4Bytes(b[9], laterFragment, b + ihl, n - ihl);
  return true;
}

}  // namespace vantage::sim
