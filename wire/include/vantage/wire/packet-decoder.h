// Bounds-checked decoding of one captured packet (shared by the exporter and the collector) into
// the fields a flow meter needs: Ethernet, Linux cooked capture (SLL, SLL2) and raw IP; 802.1Q /
// QinQ tags and MPLS label stacks (with Ethernet pseudowires behind a control word) after any of
// them; IPv4 with options and fragments, IPv6 with extension headers; TCP, UDP, ICMP, ICMPv6, any
// other protocol. With TunnelMode::kInner, GRE, VXLAN, IP-in-IP, IPv6-in-IPv4 and GTP-U tunnels are
// opened and the innermost IP packet is reported, with the outermost endpoints kept in `encap`.
//
//   PacketDecoder dec;                       // or PacketDecoder dec(TunnelMode::kInner);
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
#include "vantage/core/flow.h"
#include "vantage/core/ip-address.h"
#include "vantage/wire/link-type.h"

namespace vantage::wire {

/// @brief Which IP packet of a tunnelled packet is metered.
enum class TunnelMode {
  kOuter,  ///< the outermost IP packet, as routers export (tunnels are not opened)
  kInner,  ///< the innermost IP packet; the outermost endpoints go to `encap`
};

/// Tunnels opened at most (nested deeper: the packet at this depth is reported, counted as
/// "decode.tunnel_too_deep").
inline constexpr int kMaxTunnelDepth = 4;

/// @brief The flow-relevant fields of one packet (without encapsulation).
struct PacketFields {
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
  uint32_t ipOctets = 0;        ///< IP-layer length: header total length, else wire length - L2
  bool fragment = false;        ///< part of a fragmented datagram
  bool firstFragment = false;   ///< fragment offset 0
  bool moreFragments = false;   ///< MF flag (IPv4) / M flag (IPv6 fragment header)
  uint32_t fragmentId = 0;      ///< IPv4 identification / IPv6 fragment identification
  uint32_t fragmentOffset = 0;  ///< in bytes
  uint32_t fragmentLength = 0;  ///< bytes of the datagram this fragment carries
  bool l4Present = false;       ///< transport header fields were read
  uint8_t tunnelDepth = 0;      ///< tunnels opened (TunnelMode::kInner)
};

/// @brief The flow-relevant fields of one packet and how it was encapsulated.
struct DecodedPacket : PacketFields {
  core::Encapsulation encap;  ///< MPLS labels, VXLAN segment, outer tunnel endpoints; 0 if none
};

enum class DecodeResult {
  kOk,       ///< an IP packet; fields filled
  kNotIp,    ///< a valid frame that carries no IP (ARP, LLDP, ...)
  kInvalid,  ///< no usable IP header (too short, bad version or header length)
};

/// @brief Stateless decoder with anomaly counters.
class PacketDecoder {
 public:
  explicit PacketDecoder(TunnelMode tunnels = TunnelMode::kOuter) : m_tunnels(tunnels) {}
  DecodeResult Decode(LinkType link, const uint8_t* data, size_t capLen, size_t wireLen,
                      DecodedPacket& out);
  core::AnomalyCounters& Anomalies() { return m_anomalies; }
  const core::AnomalyCounters& Anomalies() const { return m_anomalies; }

 private:
  /// Where the transport header of the last decoded IP packet starts (unfragmented only).
  struct Payload {
    const uint8_t* data = nullptr;
    size_t capLen = 0;   ///< captured bytes, not past the datagram's end
    size_t wireLen = 0;  ///< bytes of the datagram from here on
  };

  DecodeResult DecodeEther(uint16_t etherType, const uint8_t* data, size_t pos, size_t capLen,
                           size_t wireLen, DecodedPacket& out);
  DecodeResult DecodeMpls(const uint8_t* p, size_t len, size_t wireLen, DecodedPacket& out);
  DecodeResult DecodePseudowire(const uint8_t* p, size_t len, size_t wireLen, DecodedPacket& out);
  DecodeResult DecodeIp(const uint8_t* p, size_t len, size_t wireIpLen, DecodedPacket& out);
  DecodeResult DecodeIpv4(const uint8_t* p, size_t len, size_t wireIpLen, DecodedPacket& out);
  DecodeResult DecodeIpv6(const uint8_t* p, size_t len, size_t wireIpLen, DecodedPacket& out);
  bool WalkIpv6Extensions(const uint8_t* p, size_t end, size_t& pos, uint8_t& next,
                          DecodedPacket& out);
  void DecodeTransport(const uint8_t* p, size_t len, size_t wireLen, DecodedPacket& out);
  void NoteFragment(uint16_t offsetUnits, uint32_t length, DecodedPacket& out);
  void OpenTunnels(DecodedPacket& out);
  DecodeResult OpenTunnel(const DecodedPacket& outer, DecodedPacket& inner);
  DecodeResult OpenIpInIp(const Payload& ip, uint8_t version, DecodedPacket& inner);
  DecodeResult OpenGre(const Payload& gre, DecodedPacket& inner);
  DecodeResult OpenVxlan(const Payload& udp, DecodedPacket& inner);
  DecodeResult OpenGtpu(const Payload& udp, DecodedPacket& inner);

  /// Ethernet pseudowires inside Ethernet pseudowires opened at most in one packet.
  static constexpr int kMaxPseudowireDepth = 2;
  TunnelMode m_tunnels;
  Payload m_payload;
  int m_pseudowireDepth = 0;
  core::AnomalyCounters m_anomalies;
};

}  // namespace vantage::wire
