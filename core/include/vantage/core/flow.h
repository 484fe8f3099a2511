// Flow key and flow record: the metadata a flow exporter keeps and a collector stores.
//
// The default key is the seed article's (and NetFlow's) seven fields: ingress interface,
// source and destination address, source and destination port, protocol, type of service.
//
//   FlowKey k;
//   k.src = IpAddress::V4(0x0a000001); k.dst = ...; k.protocol = 6; k.srcPort = 43210;
//   FlowRecord r; r.key = k; r.packets = 3; r.octets = 180;
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "vantage/core/ip-address.h"
#include "vantage/core/time.h"

namespace vantage::core {

/// @brief flowEndReason values (IANA IE 136).
enum class FlowEndReason : uint8_t {
  kNone = 0,
  kIdleTimeout = 1,
  kActiveTimeout = 2,
  kEndOfFlow = 3,        ///< TCP FIN or RST seen
  kForcedEnd = 4,        ///< end of input, shutdown
  kLackOfResources = 5,  ///< cache full
};
const char* FlowEndReasonName(FlowEndReason r);

/// @brief natEvent values (IANA IE 230, RFC 8158).
enum class NatEvent : uint8_t {
  kNone = 0,
  kNat44SessionCreate = 4,
  kNat44SessionDelete = 5,
  kNat44BindingCreate = 10,
  kNat44BindingDelete = 11,
  kAddressesExhausted = 3,
  kPortsExhausted = 13,
};

/// @brief The fields that identify a flow. Fields not part of the configured key stay zero.
struct FlowKey {
  IpAddress src;
  IpAddress dst;
  uint16_t srcPort = 0;  ///< for ICMP: 0
  uint16_t dstPort = 0;  ///< for ICMP: type * 256 + code (NetFlow convention)
  uint8_t protocol = 0;
  uint8_t tos = 0;
  uint16_t vlan = 0;
  uint32_t ingressInterface = 0;

  friend bool operator==(const FlowKey& a, const FlowKey& b) {
    return a.srcPort == b.srcPort && a.dstPort == b.dstPort && a.protocol == b.protocol &&
           a.tos == b.tos && a.vlan == b.vlan && a.ingressInterface == b.ingressInterface &&
           a.src == b.src && a.dst == b.dst;
  }
  friend bool operator!=(const FlowKey& a, const FlowKey& b) { return !(a == b); }
  /// @brief The key of the opposite direction (addresses and ports swapped).
  FlowKey Reversed() const;
  /// @brief "6 10.0.0.1:1234 > 10.0.0.2:80" style text.
  std::string ToString() const;
};

/// @brief An element of a received record that no FlowRecord field holds, kept as sent.
struct RawElement {
  uint16_t id = 0;
  uint32_t enterprise = 0;  ///< 0 for IANA elements
  std::vector<uint8_t> bytes;

  friend bool operator==(const RawElement& a, const RawElement& b) {
    return a.id == b.id && a.enterprise == b.enterprise && a.bytes == b.bytes;
  }
};

/// @brief How a flow's packets were encapsulated (first packet of the flow): MPLS label stack,
/// VXLAN segment and the outermost tunnel endpoints. All zero for plain IP.
struct Encapsulation {
  static constexpr int kMaxMplsLabels = 10;  ///< IEs 70-79
  uint8_t mplsLabelCount = 0;
  /// Label stack entries without TTL, top first: label << 4 | traffic class << 1 | bottom bit
  /// (the 3-octet mplsTopLabelStackSection / mplsLabelStackSection2-10 value).
  std::array<uint32_t, kMaxMplsLabels> mplsLabels{};
  uint64_t layer2SegmentId = 0;  ///< IE 351: 0x01 << 56 | VXLAN VNI
  IpAddress tunnelSrc;           ///< outermost IP header of a decapsulated tunnel
  IpAddress tunnelDst;
  bool Any() const { return mplsLabelCount != 0 || layer2SegmentId != 0 || tunnelSrc.IsSet(); }
};

/// @brief What a cloud provider's flow log says beside the flow itself (AWS VPC, Google Cloud
/// VPC, Azure VNet flow logs; wire/flowlog reads them). Text as the provider writes it.
struct CloudFlowFields {
  std::string provider;      ///< "aws", "gcp", "azure"
  std::string action;        ///< "ACCEPT", "REJECT" ("" unknown)
  std::string logStatus;     ///< "OK", "NODATA", "SKIPDATA"
  std::string direction;     ///< "ingress", "egress" relative to the interface ("" unknown)
  IpAddress pktSrc, pktDst;  ///< AWS pkt-srcaddr / pkt-dstaddr (the packet's own addresses)
  std::string interfaceId;   ///< AWS interface-id, Google Cloud VM, Azure NIC MAC
  std::string nativeJson;    ///< the fields as read that no column holds, one JSON object
};

/// @brief One flow record: key, counters, times and the optional fields of the IE set we use.
struct FlowRecord {
  FlowKey key;
  uint64_t packets = 0;
  uint64_t octets = 0;   ///< IP layer bytes (IP header included)
  Timestamp start;       ///< first packet
  Timestamp end;         ///< last packet
  uint8_t tcpFlags = 0;  ///< OR of flags seen
  uint8_t minTtl = 0;
  uint8_t maxTtl = 0;
  uint32_t egressInterface = 0;
  uint8_t icmpType = 0;
  uint8_t icmpCode = 0;
  uint32_t srcAs = 0;
  uint32_t dstAs = 0;
  IpAddress nextHop;
  std::array<uint8_t, 6> srcMac{};
  std::array<uint8_t, 6> dstMac{};
  FlowEndReason endReason = FlowEndReason::kNone;

  // RFC 5103 biflow: counters of the reverse direction (zero for uniflows).
  uint64_t reversePackets = 0;
  uint64_t reverseOctets = 0;

  // NAT (RFC 8158 / IEs 225-228, 230).
  IpAddress postNatSrc;
  IpAddress postNatDst;
  uint16_t postNatSrcPort = 0;
  uint16_t postNatDstPort = 0;
  NatEvent natEvent = NatEvent::kNone;

  // Sampling: 1-in-N that applied to the counters (0 or 1: unsampled).
  uint32_t samplingInterval = 0;

  // Encapsulation (MPLS IEs 70-79, layer2SegmentId 351, tunnel endpoints: enterprise IEs).
  Encapsulation encap;

  // Where the record came from (filled by collectors).
  IpAddress exporter;
  uint32_t observationDomain = 0;

  // Sampled packet headers and sampler references (filled by collectors, IPFIX PSAMP).
  /// Built from a sampled packet header (dataLinkFrameSection and neighbours, IEs 313-315).
  bool fromPacketSection = false;
  /// The sampler or selector the record names (samplerId IE 48, selectorId IE 302); 0 none.
  uint64_t selectorId = 0;
  /// Known to be sampled (a packet header, a selector) but no rate was announced for it.
  bool samplingRateUnknown = false;
  /// Elements the record carried that no field above holds (kept so nothing is lost).
  std::vector<RawElement> rawElements;
  /// Set for records read from a cloud provider's flow log (null for NetFlow and IPFIX).
  std::shared_ptr<const CloudFlowFields> cloud;

  /// @brief Canonical one-line text of every field, stable across versions, for golden files
  /// and diffs: "proto=6 src=10.0.0.1:1234 dst=... pkts=3 octets=180 start=... end=... ...".
  /// Fields that are zero/unset are left out, so adding a field keeps old goldens valid.
  std::string ToCanonicalString() const;
};

}  // namespace vantage::core

template <>
struct std::hash<vantage::core::FlowKey> {
  size_t operator()(const vantage::core::FlowKey& k) const noexcept;
};
