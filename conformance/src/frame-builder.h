// Internal: builds Ethernet frames (802.1Q / QinQ) carrying IPv4 (options, fragments) or IPv6
// (extension headers, fragment header) with TCP, UDP, ICMP or ICMPv6, for traffic profiles.
#pragma once

#include <cstdint>
#include <vector>

#include "vantage/core/ip-address.h"

namespace vantage::conformance::detail {

struct FrameSpec {
  core::IpAddress src;
  core::IpAddress dst;
  uint8_t protocol = 17;
  uint16_t srcPort = 0;
  uint16_t dstPort = 0;
  uint8_t tcpFlags = 0x10;
  uint8_t icmpType = 0;
  uint8_t icmpCode = 0;
  uint8_t tos = 0;
  uint8_t ttl = 64;
  size_t payload = 0;
  std::vector<uint16_t> vlans;  ///< outer first; QinQ when two (outer TPID 0x88a8)
  size_t ipv4OptionWords = 0;   ///< 4-byte words of NOP options
  uint16_t fragOffset = 0;      ///< in 8-byte units
  bool moreFragments = false;
  bool fragmentHeader = false;      ///< IPv6: add a fragment header
  std::vector<uint8_t> extensions;  ///< IPv6: 0 (hop-by-hop), 60 (destination), 43 (routing)
  bool padToMinimum = false;        ///< pad the frame to 60 bytes (Ethernet minimum, no FCS)
};

/// @brief The whole Ethernet frame.
std::vector<uint8_t> BuildFrame(const FrameSpec& spec);

}  // namespace vantage::conformance::detail
