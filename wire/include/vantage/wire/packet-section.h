// Sampled packet headers carried in flow records (PSAMP, RFC 5476/5477; IANA IEs 312-315 and
// 408-410): the first bytes of a sampled frame or IP packet, which routers export instead of
// counters and addresses. They are decoded with the same PacketDecoder the exporter meters with,
// so a frame means the same thing on both sides.
//
//   PacketSection s;
//   s.frame = bytes; s.frameLength = n; s.frameSize = 1514;
//   SectionOutcome o = ApplyPacketSection(s, record, &anomalies);  // fills what the record lacks
#pragma once

#include <cstddef>
#include <cstdint>

#include "vantage/core/anomaly.h"
#include "vantage/core/flow.h"

namespace vantage::wire {

/// @brief dataLinkFrameType values (IANA IE 408).
enum class DataLinkFrameType : uint16_t {
  kEthernet = 0x01,   ///< IEEE 802.3 Ethernet (the default when the record does not say)
  kIeee80211 = 0x02,  ///< IEEE 802.11 MAC frame (not decoded)
};

/// @brief What one record said about its sampled packet. Pointers refer to the record's bytes.
struct PacketSection {
  const uint8_t* frame = nullptr;  ///< dataLinkFrameSection (315)
  size_t frameLength = 0;
  const uint8_t* ipHeader = nullptr;  ///< ipHeaderPacketSection (313)
  size_t ipHeaderLength = 0;
  const uint8_t* ipPayload = nullptr;  ///< ipPayloadPacketSection (314)
  size_t ipPayloadLength = 0;
  uint64_t frameSize = 0;  ///< dataLinkFrameSize (312): the frame's length on the wire, 0 unknown
  uint16_t frameType = static_cast<uint16_t>(DataLinkFrameType::kEthernet);  ///< 408
  uint16_t sectionOffset = 0;                                                ///< 409
  bool hasExportedOctets = false;                                            ///< 410 present
  uint16_t exportedOctets = 0;  ///< 410: section bytes before any padding

  bool Any() const { return frame != nullptr || ipHeader != nullptr || ipPayload != nullptr; }
};

/// @brief What became of a record's packet section.
enum class SectionOutcome {
  kNone,          ///< the record carries no section
  kDecoded,       ///< an IP packet was decoded; the record holds its fields
  kNotDecodable,  ///< counted under a "section.*" anomaly; the record is unchanged
};

/// @brief Decodes the section and fills the record fields it does not carry yet: addresses,
/// ports, protocol, ToS, TCP flags, ICMP, VLAN, MACs, TTL, MPLS labels; one packet of the frame's
/// size (dataLinkFrameSize, else the IP length). Bad sections are counted ("section.truncated",
/// "section.longer_than_record", "section.unknown_frame_type", "section.offset_not_zero",
/// "section.not_ip", "section.undecodable", and the decoder's own as "section.decode.*").
SectionOutcome ApplyPacketSection(const PacketSection& section, core::FlowRecord& r,
                                  core::AnomalyCounters* anomalies);

}  // namespace vantage::wire
