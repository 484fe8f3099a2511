// Sampled packet headers in flow records (see packet-section.h): RFC 5477 section 8.2
// (dataLinkFrameSection, ipHeaderPacketSection, ipPayloadPacketSection, sectionOffset,
// sectionExportedOctets, dataLinkFrameSize, dataLinkFrameType), decoded by PacketDecoder.
#include "vantage/wire/packet-section.h"

#include <string>
#include <vector>

#include "vantage/wire/packet-decoder.h"

namespace vantage::wire {
namespace {

using core::AnomalyCounters;
using core::FlowRecord;

void Count(AnomalyCounters* anomalies, const char* name) {
  if (anomalies != nullptr) anomalies->Count(name);
}

// The bytes of one section the decoder may read: sectionExportedOctets, when smaller, cuts
// the padding off; when larger, the record holds less than the exporter said.
size_t UsableLength(const PacketSection& s, size_t fieldLength, AnomalyCounters* anomalies) {
  if (!s.hasExportedOctets) return fieldLength;
  if (s.exportedOctets > fieldLength) {
    Count(anomalies, "section.longer_than_record");
    return fieldLength;
  }
  return s.exportedOctets;
}

// Fills the fields the record does not carry from the decoded packet.
void Fill(const DecodedPacket& p, uint64_t frameSize, FlowRecord& r) {
  auto& k = r.key;
  if (!k.src.IsSet() && !k.dst.IsSet()) {
    k.src = p.src;
    k.dst = p.dst;
  }
  if (k.protocol == 0) k.protocol = p.protocol;
  if (k.tos == 0) k.tos = p.tos;
  if (k.srcPort == 0 && k.dstPort == 0) {
    k.srcPort = p.srcPort;
    k.dstPort = p.dstPort;
  }
  if (k.vlan == 0) k.vlan = p.vlan;
  r.tcpFlags |= p.tcpFlags;
  if (p.hasIcmp && r.icmpType == 0 && r.icmpCode == 0) {
    r.icmpType = p.icmpType;
    r.icmpCode = p.icmpCode;
  }
  if (p.hasMacs && r.srcMac == std::array<uint8_t, 6>{} && r.dstMac == std::array<uint8_t, 6>{}) {
    r.srcMac = p.srcMac;
    r.dstMac = p.dstMac;
  }
  if (r.minTtl == 0 && r.maxTtl == 0) r.minTtl = r.maxTtl = p.ttl;
  if (!r.encap.Any()) r.encap = p.encap;  // MPLS labels of the sampled frame
  if (r.packets == 0) r.packets = 1;
  if (r.octets == 0) r.octets = frameSize != 0 ? frameSize : p.ipOctets;
  r.fromPacketSection = true;
}

// An ipPayloadPacketSection alone has no IP header: the record's protocol says what the
// payload is, and a minimal header in front lets the decoder read the transport fields.
std::vector<uint8_t> WithSyntheticHeader(const FlowRecord& r, const uint8_t* payload, size_t n) {
  std::vector<uint8_t> b;
  const bool v6 = r.key.protocol == 58 || r.key.src.family == 6;
  if (v6) {
    b.assign(40, 0);
    b[0] = 0x60;
    b[4] = static_cast<uint8_t>(n >> 8);
    b[5] = static_cast<uint8_t>(n);
    b[6] = r.key.protocol;
  } else {
    b.assign(20, 0);
    b[0] = 0x45;
    const size_t total = n + 20;
    b[2] = static_cast<uint8_t>(total >> 8);
    b[3] = static_cast<uint8_t>(total);
    b[9] = r.key.protocol;
  }
  b.insert(b.end(), payload, payload + n);
  return b;
}

void MergeDecoderAnomalies(const PacketDecoder& dec, AnomalyCounters* anomalies) {
  if (anomalies == nullptr) return;
  for (const auto& [name, n] : dec.Anomalies().All()) anomalies->Count("section." + name, n);
}

SectionOutcome DecodeBytes(LinkType link, const uint8_t* data, size_t n, uint64_t frameSize,
                           FlowRecord& r, AnomalyCounters* anomalies, bool transportOnly) {
  PacketDecoder dec;
  DecodedPacket p;
  const size_t wireLen = frameSize > n && link == LinkType::kEthernet ? frameSize : n;
  const DecodeResult res = dec.Decode(link, data, n, wireLen, p);
  MergeDecoderAnomalies(dec, anomalies);
  if (res == DecodeResult::kNotIp) {
    Count(anomalies, "section.not_ip");
    return SectionOutcome::kNotDecodable;
  }
  if (res != DecodeResult::kOk) {
    bool truncated = false;
    for (const auto& a : dec.Anomalies().All()) {
      truncated = truncated || a.first.find("truncated") != std::string::npos;
    }
    Count(anomalies, truncated ? "section.truncated" : "section.undecodable");
    return SectionOutcome::kNotDecodable;
  }
  if (transportOnly) {
    if (r.key.srcPort == 0 && r.key.dstPort == 0) {
      r.key.srcPort = p.srcPort;
      r.key.dstPort = p.dstPort;
    }
    r.tcpFlags |= p.tcpFlags;
    if (p.hasIcmp && r.icmpType == 0 && r.icmpCode == 0) {
      r.icmpType = p.icmpType;
      r.icmpCode = p.icmpCode;
    }
    return SectionOutcome::kDecoded;
  }
  Fill(p, frameSize, r);
  return SectionOutcome::kDecoded;
}

}  // namespace

SectionOutcome ApplyPacketSection(const PacketSection& s, FlowRecord& r,
                                  AnomalyCounters* anomalies) {
  if (!s.Any()) return SectionOutcome::kNone;
  if (s.sectionOffset != 0) {
    // The section starts inside the packet: no header to decode from.
    Count(anomalies, "section.offset_not_zero");
    return SectionOutcome::kNotDecodable;
  }
  if (s.frame != nullptr) {
    if (s.frameType != static_cast<uint16_t>(DataLinkFrameType::kEthernet)) {
      Count(anomalies, "section.unknown_frame_type");
      return SectionOutcome::kNotDecodable;
    }
    const size_t n = UsableLength(s, s.frameLength, anomalies);
    if (s.frameSize != 0 && s.frameSize < n) Count(anomalies, "section.frame_size_below_section");
    return DecodeBytes(LinkType::kEthernet, s.frame, n, s.frameSize, r, anomalies, false);
  }
  if (s.ipHeader != nullptr) {
    // An IP header section, with the payload section after it when the record has both.
    std::vector<uint8_t> packet(s.ipHeader, s.ipHeader + s.ipHeaderLength);
    if (s.ipPayload != nullptr)
      packet.insert(packet.end(), s.ipPayload, s.ipPayload + s.ipPayloadLength);
    const size_t n = UsableLength(s, packet.size(), anomalies);
    if (n == 0) {
      Count(anomalies, "section.truncated");
      return SectionOutcome::kNotDecodable;
    }
    return DecodeBytes(LinkType::kRawIp, packet.data(), n, s.frameSize, r, anomalies, false);
  }
  if (r.key.protocol == 0) {
    Count(anomalies, "section.payload_without_protocol");
    return SectionOutcome::kNotDecodable;
  }
  const size_t n = UsableLength(s, s.ipPayloadLength, anomalies);
  const std::vector<uint8_t> packet = WithSyntheticHeader(r, s.ipPayload, n);
  return DecodeBytes(LinkType::kRawIp, packet.data(), packet.size(), 0, r, anomalies, true);
}

}  // namespace vantage::wire
