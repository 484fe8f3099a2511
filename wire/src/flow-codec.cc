// FlowRecord <-> Information Elements: the one mapping every v9 and IPFIX path uses.
// Times: RFC 7011 section 6.1.7-6.1.10 (dateTimeMicroseconds/Nanoseconds are NTP format);
// reduced-size encoding of unsigned fields: RFC 7011 section 6.2.
#include "vantage/wire/flow-codec.h"

#include <algorithm>
#include <cstdint>
#include <string>

namespace vantage::wire {
namespace {

using core::ByteReader;
using core::ByteWriter;
using core::FlowRecord;
using core::IpAddress;
using core::Timestamp;

bool IsIcmp(uint8_t protocol) {
  return protocol == 1 || protocol == 58;
}

// Milliseconds that a Timestamp (int64 nanoseconds) can hold, with room for a 32-bit offset.
constexpr int64_t kMaxMillis = INT64_MAX / 1000000 - (int64_t{1} << 33);

int64_t ClampMillis(uint64_t ms, bool& clamped) {
  if (ms > static_cast<uint64_t>(kMaxMillis)) {
    clamped = true;
    return kMaxMillis;
  }
  return static_cast<int64_t>(ms);
}

int64_t SecondsToMillis(uint64_t s, bool& clamped) {
  if (s > static_cast<uint64_t>(kMaxMillis / 1000)) {
    clamped = true;
    return kMaxMillis;
  }
  return static_cast<int64_t>(s) * 1000;
}

int64_t ClampMillis(int64_t ms, bool& clamped) {
  if (ms > kMaxMillis || ms < -kMaxMillis) {
    clamped = true;
    return ms > 0 ? kMaxMillis : -kMaxMillis;
  }
  return ms;
}

void WriteUnsignedField(ByteWriter& out, uint16_t len, uint64_t v) {
  if (len == kVariableLength) {
    // An unsigned value in a variable-length field: write it in 8 bytes.
    out.WriteU8(8);
    out.WriteU64(v);
  } else if (len <= 8) {
    out.WriteUnsigned(len, v);
  } else {
    out.WriteZeros(len - 8u);
    out.WriteU64(v);
  }
}

void WriteFixedBytes(ByteWriter& out, uint16_t len, const uint8_t* p, size_t n) {
  if (len == kVariableLength) {
    out.WriteU8(static_cast<uint8_t>(n));
    out.WriteBytes(p, n);
  } else if (len == n) {
    out.WriteBytes(p, n);
  } else {
    out.WriteZeros(len);
  }
}

void WriteAddress(ByteWriter& out, uint16_t len, const IpAddress& a, uint8_t family) {
  size_t n = family == 4 ? 4 : 16;
  if (a.family == family) {
    WriteFixedBytes(out, len, a.bytes.data(), n);
  } else {
    uint8_t zeros[16] = {};
    WriteFixedBytes(out, len, zeros, n);
  }
}

// Milliseconds since the exporter booted for absolute time t (RFC 3954 sysUpTime fields).
uint32_t ToSysUpTime(Timestamp t, const TimeContext& ctx) {
  int64_t base;
  if (ctx.systemInitTimeMs != 0) {
    base = ctx.systemInitTimeMs;
  } else {
    base = static_cast<int64_t>(ctx.exportTimeSeconds) * 1000 - ctx.sysUpTimeMs;
  }
  // Unsigned: the field is the low 32 bits of the difference (sysUpTime wraps).
  return static_cast<uint32_t>(static_cast<uint64_t>(t.Millis()) - static_cast<uint64_t>(base));
}

uint16_t IcmpTypeCode(const FlowRecord& r) {
  if (r.icmpType != 0 || r.icmpCode != 0)
    return static_cast<uint16_t>(r.icmpType << 8 | r.icmpCode);
  if (IsIcmp(r.key.protocol)) return r.key.dstPort;
  return 0;
}

// --- Encapsulation fields (FlowRecord::encap): MPLS label stack entries (IEs 70-79, 3 octets
// each, RFC 7012 mplsTopLabelStackSection), VXLAN segment (IE 351) and the outer tunnel
// endpoints (kVantagePen 1-4). One group so that each case can become a row of a field table.

bool IsMplsSection(const FieldSpec& f) {
  return f.enterprise == 0 && f.id >= ie::kMplsTopLabelStackSection &&
         f.id < ie::kMplsTopLabelStackSection + core::Encapsulation::kMaxMplsLabels;
}

/// @brief Writes f if it is an encapsulation field; false otherwise.
bool EncodeEncapField(const FieldSpec& f, const FlowRecord& r, ByteWriter& out) {
  const core::Encapsulation& e = r.encap;
  if (IsMplsSection(f)) {
    const size_t i = f.id - ie::kMplsTopLabelStackSection;
    const uint32_t v = i < e.mplsLabelCount ? e.mplsLabels[i] : 0;
    const uint8_t b[3] = {static_cast<uint8_t>(v >> 16), static_cast<uint8_t>(v >> 8),
                          static_cast<uint8_t>(v)};
    WriteFixedBytes(out, f.length, b, 3);
    return true;
  }
  if (f.enterprise == 0 && f.id == ie::kLayer2SegmentId) {
    WriteUnsignedField(out, f.length, e.layer2SegmentId);
    return true;
  }
  if (f.enterprise != kVantagePen) return false;
  switch (f.id) {
    case vie::kTunnelSourceIPv4Address:
      WriteAddress(out, f.length, e.tunnelSrc, 4);
      return true;
    case vie::kTunnelDestinationIPv4Address:
      WriteAddress(out, f.length, e.tunnelDst, 4);
      return true;
    case vie::kTunnelSourceIPv6Address:
      WriteAddress(out, f.length, e.tunnelSrc, 6);
      return true;
    case vie::kTunnelDestinationIPv6Address:
      WriteAddress(out, f.length, e.tunnelDst, 6);
      return true;
    default:
      return false;
  }
}

/// @brief Reads an encapsulation field into out.encap; false if spec is not one.
bool DecodeEncapField(const FieldSpec& spec, const ByteReader& v, bool isUnsigned, uint64_t x,
                      FlowRecord& out, core::AnomalyCounters* anomalies) {
  auto count = [anomalies](const char* name) {
    if (anomalies != nullptr) anomalies->Count(name);
  };
  core::Encapsulation& e = out.encap;
  const size_t n = v.Size();
  if (IsMplsSection(spec)) {
    if (n != 3) {
      count("flow.bad_length");
      return true;
    }
    const size_t i = spec.id - ie::kMplsTopLabelStackSection;
    const uint8_t* b = v.Data();
    e.mplsLabels[i] = static_cast<uint32_t>(b[0]) << 16 | static_cast<uint32_t>(b[1]) << 8 | b[2];
    if (e.mplsLabels[i] != 0 && e.mplsLabelCount <= i)
      e.mplsLabelCount = static_cast<uint8_t>(i + 1);
    return true;
  }
  if (spec.enterprise == 0 && spec.id == ie::kLayer2SegmentId) {
    if (isUnsigned) {
      e.layer2SegmentId = x;
    } else {
      count("flow.bad_length");
    }
    return true;
  }
  if (spec.enterprise != kVantagePen) return false;
  const bool v4 =
      spec.id == vie::kTunnelSourceIPv4Address || spec.id == vie::kTunnelDestinationIPv4Address;
  const bool v6 =
      spec.id == vie::kTunnelSourceIPv6Address || spec.id == vie::kTunnelDestinationIPv6Address;
  if (!v4 && !v6) {
    count("flow.unknown_ie");
    return true;
  }
  if (n != (v4 ? 4u : 16u)) {
    count("flow.bad_length");
    return true;
  }
  const bool src =
      spec.id == vie::kTunnelSourceIPv4Address || spec.id == vie::kTunnelSourceIPv6Address;
  (src ? e.tunnelSrc : e.tunnelDst) =
      v4 ? IpAddress::V4Bytes(v.Data()) : IpAddress::V6Bytes(v.Data());
  return true;
}

/// @brief The encapsulation fields a template with these options carries.
void AddEncapFields(const FlowTemplateOptions& o, Template& t) {
  const int labels = std::min<int>(o.mplsLabels, core::Encapsulation::kMaxMplsLabels);
  for (int i = 0; i < labels; ++i) {
    t.fields.push_back(FieldSpec{static_cast<uint16_t>(ie::kMplsTopLabelStackSection + i), 3, 0});
  }
  if (o.sysUpTime) return;  // NetFlow v9: no enterprise elements, no IE 351
  if (o.layer2Segment) t.fields.push_back(FieldSpec{ie::kLayer2SegmentId, 8, 0});
  if (o.tunnelFamily == 4) {
    t.fields.push_back(FieldSpec{vie::kTunnelSourceIPv4Address, 4, kVantagePen});
    t.fields.push_back(FieldSpec{vie::kTunnelDestinationIPv4Address, 4, kVantagePen});
  } else if (o.tunnelFamily == 6) {
    t.fields.push_back(FieldSpec{vie::kTunnelSourceIPv6Address, 16, kVantagePen});
    t.fields.push_back(FieldSpec{vie::kTunnelDestinationIPv6Address, 16, kVantagePen});
  }
}
// --- end of encapsulation fields

void EncodeField(const FieldSpec& f, const FlowRecord& r, ByteWriter& out, const TimeContext& ctx) {
  auto u = [&](uint64_t v) { WriteUnsignedField(out, f.length, v); };
  if (f.enterprise == kReversePen) {
    switch (f.id) {
      case ie::kOctetDeltaCount:
      case 85:
        return u(r.reverseOctets);
      case ie::kPacketDeltaCount:
      case 86:
        return u(r.reversePackets);
      default:
        return u(0);
    }
  }
  if (f.enterprise != 0) {
    if (EncodeEncapField(f, r, out)) return;
    return f.length == kVariableLength ? out.WriteU8(0) : out.WriteZeros(f.length);
  }
  switch (f.id) {
    case ie::kOctetDeltaCount:
    case 85:
      return u(r.octets);
    case ie::kPacketDeltaCount:
    case 86:
      return u(r.packets);
    case ie::kProtocolIdentifier:
      return u(r.key.protocol);
    case ie::kIpClassOfService:
      return u(r.key.tos);
    case ie::kTcpControlBits:
      return u(r.tcpFlags);
    case ie::kSourceTransportPort:
      return u(r.key.srcPort);
    case ie::kDestinationTransportPort:
      return u(r.key.dstPort);
    case ie::kSourceIPv4Address:
      return WriteAddress(out, f.length, r.key.src, 4);
    case ie::kDestinationIPv4Address:
      return WriteAddress(out, f.length, r.key.dst, 4);
    case ie::kSourceIPv6Address:
      return WriteAddress(out, f.length, r.key.src, 6);
    case ie::kDestinationIPv6Address:
      return WriteAddress(out, f.length, r.key.dst, 6);
    case ie::kIngressInterface:
      return u(r.key.ingressInterface);
    case ie::kEgressInterface:
      return u(r.egressInterface);
    case ie::kIpNextHopIPv4Address:
      return WriteAddress(out, f.length, r.nextHop, 4);
    case ie::kIpNextHopIPv6Address:
      return WriteAddress(out, f.length, r.nextHop, 6);
    case ie::kBgpSourceAsNumber:
      return u(r.srcAs);
    case ie::kBgpDestinationAsNumber:
      return u(r.dstAs);
    case ie::kMinimumTTL:
      return u(r.minTtl);
    case ie::kMaximumTTL:
      return u(r.maxTtl);
    case ie::kSourceMacAddress:
      return WriteFixedBytes(out, f.length, r.srcMac.data(), 6);
    case ie::kDestinationMacAddress:
      return WriteFixedBytes(out, f.length, r.dstMac.data(), 6);
    case ie::kVlanId:
      return u(r.key.vlan);
    case ie::kFlowEndReason:
      return u(static_cast<uint8_t>(r.endReason));
    case ie::kIcmpTypeCodeIPv4:
    case ie::kIcmpTypeCodeIPv6:
      return u(IcmpTypeCode(r));
    case ie::kIcmpTypeIPv4:
    case ie::kIcmpTypeIPv6:
      return u(IcmpTypeCode(r) >> 8);
    case ie::kIcmpCodeIPv4:
    case ie::kIcmpCodeIPv6:
      return u(IcmpTypeCode(r) & 0xff);
    case ie::kPostNATSourceIPv4Address:
      return WriteAddress(out, f.length, r.postNatSrc, 4);
    case ie::kPostNATDestinationIPv4Address:
      return WriteAddress(out, f.length, r.postNatDst, 4);
    case ie::kPostNATSourceIPv6Address:
      return WriteAddress(out, f.length, r.postNatSrc, 6);
    case ie::kPostNATDestinationIPv6Address:
      return WriteAddress(out, f.length, r.postNatDst, 6);
    case ie::kPostNAPTSourceTransportPort:
      return u(r.postNatSrcPort);
    case ie::kPostNAPTDestinationTransportPort:
      return u(r.postNatDstPort);
    case ie::kNatEvent:
      return u(static_cast<uint8_t>(r.natEvent));
    case ie::kSamplingInterval:
    case ie::kSamplingPacketInterval:
      return u(r.samplingInterval);
    case ie::kExporterIPv4Address:
      return WriteAddress(out, f.length, r.exporter, 4);
    case ie::kExporterIPv6Address:
      return WriteAddress(out, f.length, r.exporter, 6);
    case ie::kObservationDomainId:
      return u(r.observationDomain);
    case ie::kFlowStartSeconds:
      return u(static_cast<uint64_t>(r.start.Seconds()));
    case ie::kFlowEndSeconds:
      return u(static_cast<uint64_t>(r.end.Seconds()));
    case ie::kFlowStartMilliseconds:
      return u(static_cast<uint64_t>(r.start.Millis()));
    case ie::kFlowEndMilliseconds:
      return u(static_cast<uint64_t>(r.end.Millis()));
    case ie::kFlowStartMicroseconds:
      return u(Timestamp::FromMicros(r.start.Micros()).ToNtp64());
    case ie::kFlowEndMicroseconds:
      return u(Timestamp::FromMicros(r.end.Micros()).ToNtp64());
    case ie::kFlowStartNanoseconds:
      return u(r.start.ToNtp64());
    case ie::kFlowEndNanoseconds:
      return u(r.end.ToNtp64());
    case ie::kFlowStartSysUpTime:
      return u(ToSysUpTime(r.start, ctx));
    case ie::kFlowEndSysUpTime:
      return u(ToSysUpTime(r.end, ctx));
    case ie::kSystemInitTimeMilliseconds:
      return u(static_cast<uint64_t>(ctx.systemInitTimeMs));
    default:
      if (EncodeEncapField(f, r, out)) return;
      if (f.length == kVariableLength) return out.WriteU8(0);
      return out.WriteZeros(f.length);
  }
}

}  // namespace

Template MakeFlowTemplate(uint16_t id, const FlowTemplateOptions& o) {
  Template t;
  t.id = id;
  auto add = [&t](uint16_t ieId, uint16_t len, uint32_t pen = 0) {
    t.fields.push_back(FieldSpec{ieId, len, pen});
  };
  if (o.ipv6) {
    add(ie::kSourceIPv6Address, 16);
    add(ie::kDestinationIPv6Address, 16);
  } else {
    add(ie::kSourceIPv4Address, 4);
    add(ie::kDestinationIPv4Address, 4);
  }
  add(ie::kSourceTransportPort, 2);
  add(ie::kDestinationTransportPort, 2);
  add(ie::kProtocolIdentifier, 1);
  add(ie::kIpClassOfService, 1);
  // NetFlow v9 defines TCP_FLAGS as one byte; IPFIX's tcpControlBits is unsigned16.
  add(ie::kTcpControlBits, o.sysUpTime ? 1 : 2);
  add(ie::kIngressInterface, 4);
  add(ie::kEgressInterface, 4);
  add(ie::kPacketDeltaCount, 8);
  add(ie::kOctetDeltaCount, 8);
  if (o.sysUpTime) {
    add(ie::kFlowStartSysUpTime, 4);
    add(ie::kFlowEndSysUpTime, 4);
  } else if (o.nanoseconds) {
    add(ie::kFlowStartNanoseconds, 8);
    add(ie::kFlowEndNanoseconds, 8);
  } else {
    add(ie::kFlowStartMilliseconds, 8);
    add(ie::kFlowEndMilliseconds, 8);
  }
  add(ie::kMinimumTTL, 1);
  add(ie::kMaximumTTL, 1);
  add(o.ipv6 ? ie::kIcmpTypeCodeIPv6 : ie::kIcmpTypeCodeIPv4, 2);
  if (o.ipv6) {
    add(ie::kIpNextHopIPv6Address, 16);
  } else {
    add(ie::kIpNextHopIPv4Address, 4);
  }
  if (o.asNumbers) {
    add(ie::kBgpSourceAsNumber, 4);
    add(ie::kBgpDestinationAsNumber, 4);
  }
  if (o.endReason) add(ie::kFlowEndReason, 1);
  if (o.vlan) add(ie::kVlanId, 2);
  if (o.macs) {
    add(ie::kSourceMacAddress, 6);
    add(ie::kDestinationMacAddress, 6);
  }
  if (o.nat) {
    if (o.ipv6) {
      add(ie::kPostNATSourceIPv6Address, 16);
      add(ie::kPostNATDestinationIPv6Address, 16);
    } else {
      add(ie::kPostNATSourceIPv4Address, 4);
      add(ie::kPostNATDestinationIPv4Address, 4);
    }
    add(ie::kPostNAPTSourceTransportPort, 2);
    add(ie::kPostNAPTDestinationTransportPort, 2);
    add(ie::kNatEvent, 1);
  }
  if (o.sampling) add(o.sysUpTime ? ie::kSamplingInterval : ie::kSamplingPacketInterval, 4);
  if (o.biflow) {
    add(ie::kPacketDeltaCount, 8, kReversePen);
    add(ie::kOctetDeltaCount, 8, kReversePen);
  }
  AddEncapFields(o, t);
  return t;
}

void EncodeFlowRecord(const Template& tmpl, const FlowRecord& r, ByteWriter& out,
                      const TimeContext& ctx) {
  for (const auto& f : tmpl.fields) EncodeField(f, r, out, ctx);
}

core::Status DecodeFlowRecord(const Template& tmpl, ByteReader record, const TimeContext& ctx,
                              FlowRecord& out, core::AnomalyCounters* anomalies) {
  auto count = [anomalies](const char* name) {
    if (anomalies != nullptr) anomalies->Count(name);
  };
  RecordFieldIterator it(tmpl, record);
  const FieldSpec* spec = nullptr;
  ByteReader v;
  bool haveUpStart = false, haveUpEnd = false, haveInit = false, haveIcmp = false;
  uint32_t upStart = 0, upEnd = 0;
  int64_t initMs = 0;
  uint16_t icmp = 0;
  bool clamped = false;
  while (it.Next(spec, v)) {
    const size_t n = v.Size();
    uint64_t x = 0;
    const bool isUnsigned = n >= 1 && n <= 8 && v.ReadUnsigned(n, x);
    auto needU = [&]() {
      if (!isUnsigned) count("flow.bad_length");
      return isUnsigned;
    };
    auto addr = [&](IpAddress& dst, size_t want) {
      if (n != want) {
        count("flow.bad_length");
        return;
      }
      dst = want == 4 ? IpAddress::V4Bytes(v.Data()) : IpAddress::V6Bytes(v.Data());
    };
    auto mac = [&](std::array<uint8_t, 6>& dst) {
      if (n != 6) {
        count("flow.bad_length");
        return;
      }
      std::copy(v.Data(), v.Data() + 6, dst.begin());
    };
    if (spec->enterprise == kReversePen) {
      if (FindInformationElement(kReversePen, spec->id) == nullptr) count("flow.unknown_ie");
      if ((spec->id == 1 || spec->id == 85) && needU()) out.reverseOctets = x;
      if ((spec->id == 2 || spec->id == 86) && needU()) out.reversePackets = x;
      continue;
    }
    if (spec->enterprise != 0) {
      if (!DecodeEncapField(*spec, v, isUnsigned, x, out, anomalies)) count("flow.unknown_ie");
      continue;
    }
    switch (spec->id) {
      case ie::kOctetDeltaCount:
      case 85:
        if (needU()) out.octets = x;
        break;
      case ie::kPacketDeltaCount:
      case 86:
        if (needU()) out.packets = x;
        break;
      case ie::kProtocolIdentifier:
        if (needU()) out.key.protocol = static_cast<uint8_t>(x);
        break;
      case ie::kIpClassOfService:
        if (needU()) out.key.tos = static_cast<uint8_t>(x);
        break;
      case ie::kTcpControlBits:
        if (needU()) out.tcpFlags = static_cast<uint8_t>(x);
        break;
      case ie::kSourceTransportPort:
        if (needU()) out.key.srcPort = static_cast<uint16_t>(x);
        break;
      case ie::kDestinationTransportPort:
        if (needU()) out.key.dstPort = static_cast<uint16_t>(x);
        break;
      case ie::kSourceIPv4Address:
        addr(out.key.src, 4);
        break;
      case ie::kDestinationIPv4Address:
        addr(out.key.dst, 4);
        break;
      case ie::kSourceIPv6Address:
        addr(out.key.src, 16);
        break;
      case ie::kDestinationIPv6Address:
        addr(out.key.dst, 16);
        break;
      case ie::kIngressInterface:
        if (needU()) out.key.ingressInterface = static_cast<uint32_t>(x);
        break;
      case ie::kEgressInterface:
        if (needU()) out.egressInterface = static_cast<uint32_t>(x);
        break;
      case ie::kIpNextHopIPv4Address:
        addr(out.nextHop, 4);
        break;
      case ie::kIpNextHopIPv6Address:
        addr(out.nextHop, 16);
        break;
      case ie::kBgpSourceAsNumber:
        if (needU()) out.srcAs = static_cast<uint32_t>(x);
        break;
      case ie::kBgpDestinationAsNumber:
        if (needU()) out.dstAs = static_cast<uint32_t>(x);
        break;
      case ie::kMinimumTTL:
        if (needU()) out.minTtl = static_cast<uint8_t>(x);
        break;
      case ie::kMaximumTTL:
        if (needU()) out.maxTtl = static_cast<uint8_t>(x);
        break;
      case ie::kSourceMacAddress:
        mac(out.srcMac);
        break;
      case ie::kDestinationMacAddress:
        mac(out.dstMac);
        break;
      case ie::kVlanId:
        if (needU()) out.key.vlan = static_cast<uint16_t>(x & 0x0fff);
        break;
      case ie::kFlowEndReason:
        if (needU()) out.endReason = static_cast<core::FlowEndReason>(x);
        break;
      case ie::kIcmpTypeCodeIPv4:
      case ie::kIcmpTypeCodeIPv6:
        if (needU()) {
          icmp = static_cast<uint16_t>(x);
          haveIcmp = true;
        }
        break;
      case ie::kIcmpTypeIPv4:
      case ie::kIcmpTypeIPv6:
        if (needU()) {
          icmp = static_cast<uint16_t>((icmp & 0x00ff) | ((x & 0xff) << 8));
          haveIcmp = true;
        }
        break;
      case ie::kIcmpCodeIPv4:
      case ie::kIcmpCodeIPv6:
        if (needU()) {
          icmp = static_cast<uint16_t>((icmp & 0xff00) | (x & 0xff));
          haveIcmp = true;
        }
        break;
      case ie::kPostNATSourceIPv4Address:
        addr(out.postNatSrc, 4);
        break;
      case ie::kPostNATDestinationIPv4Address:
        addr(out.postNatDst, 4);
        break;
      case ie::kPostNATSourceIPv6Address:
        addr(out.postNatSrc, 16);
        break;
      case ie::kPostNATDestinationIPv6Address:
        addr(out.postNatDst, 16);
        break;
      case ie::kPostNAPTSourceTransportPort:
        if (needU()) out.postNatSrcPort = static_cast<uint16_t>(x);
        break;
      case ie::kPostNAPTDestinationTransportPort:
        if (needU()) out.postNatDstPort = static_cast<uint16_t>(x);
        break;
      case ie::kNatEvent:
        if (needU()) out.natEvent = static_cast<core::NatEvent>(x);
        break;
      case ie::kSamplingInterval:
      case ie::kSamplingPacketInterval:
        if (needU()) out.samplingInterval = static_cast<uint32_t>(x);
        break;
      case ie::kExporterIPv4Address:
        addr(out.exporter, 4);
        break;
      case ie::kExporterIPv6Address:
        addr(out.exporter, 16);
        break;
      case ie::kObservationDomainId:
        if (needU()) out.observationDomain = static_cast<uint32_t>(x);
        break;
      case ie::kFlowStartSeconds:
        if (needU()) out.start = Timestamp::FromMillis(SecondsToMillis(x, clamped));
        break;
      case ie::kFlowEndSeconds:
        if (needU()) out.end = Timestamp::FromMillis(SecondsToMillis(x, clamped));
        break;
      case ie::kFlowStartMilliseconds:
        if (needU()) out.start = Timestamp::FromMillis(ClampMillis(x, clamped));
        break;
      case ie::kFlowEndMilliseconds:
        if (needU()) out.end = Timestamp::FromMillis(ClampMillis(x, clamped));
        break;
      case ie::kFlowStartMicroseconds:
      case ie::kFlowEndMicroseconds:
      case ie::kFlowStartNanoseconds:
      case ie::kFlowEndNanoseconds: {
        if (n != 8) {
          count("flow.bad_length");
          break;
        }
        Timestamp t = Timestamp::FromNtp64(x);
        if (spec->id == ie::kFlowStartMicroseconds || spec->id == ie::kFlowEndMicroseconds) {
          // The low 11 bits of the fraction are not significant: round to microseconds.
          t = Timestamp::FromNanos((t.ns + 500) / 1000 * 1000);
        }
        (spec->id == ie::kFlowStartMicroseconds || spec->id == ie::kFlowStartNanoseconds
             ? out.start
             : out.end) = t;
        break;
      }
      case ie::kFlowStartSysUpTime:
        if (needU()) {
          upStart = static_cast<uint32_t>(x);
          haveUpStart = true;
        }
        break;
      case ie::kFlowEndSysUpTime:
        if (needU()) {
          upEnd = static_cast<uint32_t>(x);
          haveUpEnd = true;
        }
        break;
      case ie::kSystemInitTimeMilliseconds:
        if (needU()) {
          initMs = ClampMillis(x, clamped);
          haveInit = true;
        }
        break;
      default:
        if (DecodeEncapField(*spec, v, isUnsigned, x, out, anomalies)) break;
        // A registered element FlowRecord does not carry is skipped; others are counted.
        if (FindInformationElement(0, spec->id) == nullptr) count("flow.unknown_ie");
        break;
    }
  }
  if (it.Failed()) {
    count("flow.truncated_record");
    return it.GetError();
  }
  if (haveUpStart || haveUpEnd) {
    // sysUpTime fields: relative to the exporter's boot (RFC 3954 section 8; IPFIX uses
    // systemInitTimeMilliseconds, IE 160, from the record or an options record).
    auto resolve = [&](uint32_t up) -> Timestamp {
      if (haveInit) return Timestamp::FromMillis(initMs + up);
      if (ctx.systemInitTimeMs != 0) {
        return Timestamp::FromMillis(ClampMillis(ctx.systemInitTimeMs, clamped) + up);
      }
      // Signed difference: a field slightly after the header's sysUpTime is not a wrap.
      const int64_t before = static_cast<int32_t>(ctx.sysUpTimeMs - up);
      return Timestamp::FromMillis(static_cast<int64_t>(ctx.exportTimeSeconds) * 1000 - before);
    };
    if (!haveInit && ctx.systemInitTimeMs == 0 && ctx.sysUpTimeMs == 0) {
      count("flow.sysuptime_without_base");
    }
    if (haveUpStart) out.start = resolve(upStart);
    if (haveUpEnd) out.end = resolve(upEnd);
  }
  if (clamped) count("flow.time_out_of_range");
  if (IsIcmp(out.key.protocol)) {
    if (haveIcmp) {
      out.key.dstPort = icmp;
    } else {
      icmp = out.key.dstPort;  // NetFlow convention: type * 256 + code in the port
    }
    out.icmpType = static_cast<uint8_t>(icmp >> 8);
    out.icmpCode = static_cast<uint8_t>(icmp & 0xff);
  } else if (haveIcmp) {
    out.icmpType = static_cast<uint8_t>(icmp >> 8);
    out.icmpCode = static_cast<uint8_t>(icmp & 0xff);
  }
  return {};
}

core::Result<std::vector<OptionValue>> DecodeGenericRecord(const Template& tmpl,
                                                           ByteReader record) {
  std::vector<OptionValue> values;
  values.reserve(tmpl.fields.size());
  RecordFieldIterator it(tmpl, record);
  const FieldSpec* spec = nullptr;
  ByteReader v;
  while (it.Next(spec, v)) {
    OptionValue ov;
    ov.spec = *spec;
    const size_t n = v.Size();
    if (spec->length != kVariableLength && n >= 1 && n <= 8) {
      (void)v.ReadUnsigned(n, ov.value);
    } else {
      ov.bytes.assign(v.Data(), v.Data() + n);
    }
    values.push_back(std::move(ov));
  }
  if (it.Failed()) return it.GetError();
  return values;
}

void EncodeGenericRecord(const Template& tmpl, const std::vector<OptionValue>& values,
                         ByteWriter& out) {
  for (size_t i = 0; i < tmpl.fields.size(); ++i) {
    const FieldSpec& f = tmpl.fields[i];
    static const OptionValue kEmpty;
    const OptionValue& v = i < values.size() ? values[i] : kEmpty;
    if (f.length == kVariableLength) {
      size_t n = std::min<size_t>(v.bytes.size(), 65535);
      if (n < 255) {
        out.WriteU8(static_cast<uint8_t>(n));
      } else {
        out.WriteU8(255);
        out.WriteU16(static_cast<uint16_t>(n));
      }
      out.WriteBytes(v.bytes.data(), n);
    } else if (v.bytes.empty()) {
      WriteUnsignedField(out, f.length, v.value);
    } else {
      size_t n = std::min<size_t>(v.bytes.size(), f.length);
      out.WriteBytes(v.bytes.data(), n);
      out.WriteZeros(f.length - n);
    }
  }
}

}  // namespace vantage::wire
