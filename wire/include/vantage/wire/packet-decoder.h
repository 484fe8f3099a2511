// Bounds-checked decoding of one captured packet (shared by the exporter and the collector) into
// the fields a flow meter needs: Ethernet (802.1Q / QinQ), raw IP, Linux cooked capture (SLL,
// SLL2); IPv4 with options and fragments, IPv6 with extension headers; TCP, UDP, ICMP, ICMPv6, any
// other protocol.
//
//   PacketDecoder dec;
//   DecodedPacket p;
//   if (dec.Decode(LinkType::kEthernet, data, capLen, wireLen, p) == DecodeResult::kOk) ...
//
// Malformed or cut packets never throw: what is present is used and a named anomaly is
// counted ("decode.truncated_l4", "decode.bad_ipv4_header", ...).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include "vantage/core/anomaly.h"
#include "vantage/core/ip-address.h"
#include "vantage/wire/link-type.h"

namespace vantage::wire {

/// @brief The flow-relevant fields of one packet.
struct DecodedPacket {
  core::IpAddress src;
  core::IpAddress dst;
  uint8_t ipVersion = 0;
  uint8_t protocol = 0;
  uint8_t tos = 0;       ///< IPv4 TOS / IPv6 traffic class
  uint8_t ttl = 0;       ///< IPv4 TTL / IPv6 hop limit
  uint16_t srcPort = 0;  ///< 0 when not present (ICMP, non-first fragment, cut packet)
  uint16_t dstPort = 0;  ///< ICMP: type * 256 + code
  uint8_t tcpFlags = 0;
  uint8_t icmpType = 0;
  uint8_t icmpCode = 0;
  bool hasIcmp = false;
  uint16_t vlan = 0;  ///< outer 802.1Q / 802.1ad VLAN id, 0 if untagged
  bool hasMacs = false;
  std::array<uint8_t, 6> srcMac{};
  std::array<uint8_t, 6> dstMac{};
  uint32_t ipOctets = 0;       ///< IP-layer length: header total length, else wire length - L2
  bool fragment = false;       ///< part of a fragmented datagram
  bool firstFragment = false;  ///< fragment offset 0
  bool l4Present = false;      ///< transport header fields were read
};

enum class DecodeResult {
  kOk,       ///< an IP packet; fields filled
  kNotIp,    ///< a valid frame that carries no IP (ARP, LLDP, ...)
  kInvalid,  ///< no usable IP header (too short, bad version or header length)
};

/// @brief Stateless decoder with anomaly counters.
class PacketDecoder {
 public:
  DecodeResult Decode(LinkType link, const uint8_t* data, size_t capLen, size_t wireLen,
                      DecodedPacket& out);
  core::AnomalyCounters& Anomalies() { return m_anomalies; }
  const core::AnomalyCounters& Anomalies() const { return m_anomalies; }

 private:
  DecodeResult DecodeIp(const uint8_t* p, size_t len, size_t wireIpLen, DecodedPacket& out);
  DecodeResult DecodeIpv4(const uint8_t* p, size_t len, size_t wireIpLen, DecodedPacket& out);
  DecodeResult DecodeIpv6(const uint8_t* p, size_t len, size_t wireIpLen, DecodedPacket& out);
  void DecodeTransport(const uint8_t* p, size_t len, DecodedPacket& out);

  core::AnomalyCounters m_anomalies;
};

}  // namespace vantage::wire
