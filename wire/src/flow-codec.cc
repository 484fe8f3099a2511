// FlowRecord <-> Information Elements: the one mapping every v9 and IPFIX path uses.
// Times: RFC 7011 section 6.1.7-6.1.10 (dateTimeMicroseconds/Nanoseconds are NTP format);
// reduced-size encoding of unsigned fields: RFC 7011 section 6.2.
#include "vantage/wire/flow-codec.h"

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>

#include "flow-decode-scope.h"
#include "vantage/wire/packet-section.h"

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

// Hot on the export path: flattened so the byte appends are inlined whatever the caller count.
[[gnu::flatten]] void WriteUnsignedField(ByteWriter& out, uint16_t len, uint64_t v) {
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

// --- The field table: which element carries which FlowRecord member, and how ---

/// How a field's bytes relate to its FlowRecord member (one codec per kind, both directions).
enum class FieldKind : uint8_t {
  kUnsigned,              ///< integer member, reduced-size encoding (RFC 7011 section 6.2)
  kVlanId,                ///< as kUnsigned; decode keeps the 12-bit VLAN id
  kIpv4Address,           ///< IpAddress member, 4 bytes
  kIpv6Address,           ///< IpAddress member, 16 bytes
  kMacAddress,            ///< 6-byte array member
  kDateTimeSeconds,       ///< Timestamp member (RFC 7011 section 6.1.7)
  kDateTimeMilliseconds,  ///< section 6.1.8
  kDateTimeMicroseconds,  ///< NTP format, section 6.1.9
  kDateTimeNanoseconds,   ///< NTP format, section 6.1.10
  kSysUpTime,             ///< Timestamp member as milliseconds since boot (RFC 3954)
  kSystemInitTime,        ///< the boot time the sysUpTime fields of this record refer to
  kIcmpTypeCode,          ///< type * 256 + code, assembled with the two below after the walk
  kIcmpType,
  kIcmpCode,
  kMplsLabel,  ///< 3-octet label stack entry: FlowRecord::encap.mplsLabels[id - 70] (RFC 7012)
  // A sampled packet header and what describes it (PacketSection), decoded after the walk;
  // contiguous, as DecodeSectionField tests the range
  // kDataLinkFrameSection..kSectionExportedOctets.
  kDataLinkFrameSection,
  kIpHeaderSection,
  kIpPayloadSection,
  kDataLinkFrameSize,
  kDataLinkFrameType,
  kSectionOffset,
  kSectionExportedOctets,
};

/// Reaches one FlowRecord member; only the accessors of the field's kind are set.
template <typename T>
struct Ref {
  const T& (*get)(const FlowRecord&) = nullptr;
  T& (*set)(FlowRecord&) = nullptr;
};
struct Member {
  uint64_t (*getUnsigned)(const FlowRecord&) = nullptr;
  void (*setUnsigned)(FlowRecord&, uint64_t) = nullptr;
  Ref<IpAddress> address;
  Ref<std::array<uint8_t, 6>> mac;
  Ref<Timestamp> time;
  /// Where an unsigned member lies in a FlowRecord and its size, for the decode plan.
  uint16_t unsignedOffset = 0;
  uint8_t unsignedWidth = 0;
};

// A record to measure member offsets on (FlowRecord is not standard-layout, so no offsetof).
const FlowRecord& Probe() {
  static const FlowRecord kProbe;
  return kProbe;
}

// Byte offset of `member`, a member (or a member's member) of Probe().
uint16_t ProbeOffset(const void* member) {
  const auto offset =
      static_cast<const uint8_t*>(member) - reinterpret_cast<const uint8_t*>(&Probe());
  static_assert(sizeof(FlowRecord) <= 0xffff);
  return static_cast<uint16_t>(offset);
}

// A member path such as <&FlowRecord::key, &FlowKey::srcPort> (a fold over ".*").
template <auto... Path>
Member Unsigned() {
  Member m;
  m.getUnsigned = [](const FlowRecord& r) { return static_cast<uint64_t>((r.*....*Path)); };
  m.setUnsigned = [](FlowRecord& r, uint64_t v) {
    auto& dst = (r.*....*Path);
    dst = static_cast<std::remove_reference_t<decltype(dst)>>(v);
  };
  const FlowRecord& probe = Probe();
  using T = std::remove_cv_t<std::remove_reference_t<decltype((probe.*....*Path))>>;
  static_assert(std::is_integral_v<T> || std::is_enum_v<T>);
  m.unsignedOffset = ProbeOffset(&(probe.*....*Path));
  m.unsignedWidth = sizeof(T);
  return m;
}
template <typename T, auto... Path>
Ref<T> MakeRef() {
  Ref<T> ref;
  ref.get = [](const FlowRecord& r) -> const T& { return (r.*....*Path); };
  ref.set = [](FlowRecord& r) -> T& { return (r.*....*Path); };
  return ref;
}
template <auto... Path>
Member Address() {
  Member m;
  m.address = MakeRef<IpAddress, Path...>();
  return m;
}
template <auto... Path>
Member Mac() {
  Member m;
  m.mac = MakeRef<std::array<uint8_t, 6>, Path...>();
  return m;
}
template <auto... Path>
Member Time() {
  Member m;
  m.time = MakeRef<Timestamp, Path...>();
  return m;
}

/// One row: element (id, enterprise), the member it carries, and how.
struct FlowField {
  uint16_t id;
  uint32_t enterprise;
  FieldKind kind;
  Member member;
};

using K = FieldKind;
using core::FlowKey;

// Counters, the key, interfaces, AS, TTL, MACs, ICMP, NAT and sampling.
std::vector<FlowField> KeyAndCounterFields() {
  return {
      {ie::kOctetDeltaCount, 0, K::kUnsigned, Unsigned<&FlowRecord::octets>()},
      {ie::kOctetTotalCount, 0, K::kUnsigned, Unsigned<&FlowRecord::octets>()},
      {ie::kPacketDeltaCount, 0, K::kUnsigned, Unsigned<&FlowRecord::packets>()},
      {ie::kPacketTotalCount, 0, K::kUnsigned, Unsigned<&FlowRecord::packets>()},
      {ie::kOctetDeltaCount, kReversePen, K::kUnsigned, Unsigned<&FlowRecord::reverseOctets>()},
      {ie::kOctetTotalCount, kReversePen, K::kUnsigned, Unsigned<&FlowRecord::reverseOctets>()},
      {ie::kPacketDeltaCount, kReversePen, K::kUnsigned, Unsigned<&FlowRecord::reversePackets>()},
      {ie::kPacketTotalCount, kReversePen, K::kUnsigned, Unsigned<&FlowRecord::reversePackets>()},
      {ie::kProtocolIdentifier, 0, K::kUnsigned, Unsigned<&FlowRecord::key, &FlowKey::protocol>()},
      {ie::kIpClassOfService, 0, K::kUnsigned, Unsigned<&FlowRecord::key, &FlowKey::tos>()},
      {ie::kTcpControlBits, 0, K::kUnsigned, Unsigned<&FlowRecord::tcpFlags>()},
      {ie::kSourceTransportPort, 0, K::kUnsigned, Unsigned<&FlowRecord::key, &FlowKey::srcPort>()},
      {ie::kDestinationTransportPort, 0, K::kUnsigned,
       Unsigned<&FlowRecord::key, &FlowKey::dstPort>()},
      {ie::kSourceIPv4Address, 0, K::kIpv4Address, Address<&FlowRecord::key, &FlowKey::src>()},
      {ie::kDestinationIPv4Address, 0, K::kIpv4Address, Address<&FlowRecord::key, &FlowKey::dst>()},
      {ie::kSourceIPv6Address, 0, K::kIpv6Address, Address<&FlowRecord::key, &FlowKey::src>()},
      {ie::kDestinationIPv6Address, 0, K::kIpv6Address, Address<&FlowRecord::key, &FlowKey::dst>()},
      {ie::kIngressInterface, 0, K::kUnsigned,
       Unsigned<&FlowRecord::key, &FlowKey::ingressInterface>()},
      {ie::kEgressInterface, 0, K::kUnsigned, Unsigned<&FlowRecord::egressInterface>()},
      {ie::kIpNextHopIPv4Address, 0, K::kIpv4Address, Address<&FlowRecord::nextHop>()},
      {ie::kIpNextHopIPv6Address, 0, K::kIpv6Address, Address<&FlowRecord::nextHop>()},
      {ie::kBgpSourceAsNumber, 0, K::kUnsigned, Unsigned<&FlowRecord::srcAs>()},
      {ie::kBgpDestinationAsNumber, 0, K::kUnsigned, Unsigned<&FlowRecord::dstAs>()},
      {ie::kMinimumTTL, 0, K::kUnsigned, Unsigned<&FlowRecord::minTtl>()},
      {ie::kMaximumTTL, 0, K::kUnsigned, Unsigned<&FlowRecord::maxTtl>()},
      {ie::kSourceMacAddress, 0, K::kMacAddress, Mac<&FlowRecord::srcMac>()},
      {ie::kDestinationMacAddress, 0, K::kMacAddress, Mac<&FlowRecord::dstMac>()},
      {ie::kVlanId, 0, K::kVlanId, Unsigned<&FlowRecord::key, &FlowKey::vlan>()},
      {ie::kFlowEndReason, 0, K::kUnsigned, Unsigned<&FlowRecord::endReason>()},
      {ie::kIcmpTypeCodeIPv4, 0, K::kIcmpTypeCode, {}},
      {ie::kIcmpTypeCodeIPv6, 0, K::kIcmpTypeCode, {}},
      {ie::kIcmpTypeIPv4, 0, K::kIcmpType, {}},
      {ie::kIcmpTypeIPv6, 0, K::kIcmpType, {}},
      {ie::kIcmpCodeIPv4, 0, K::kIcmpCode, {}},
      {ie::kIcmpCodeIPv6, 0, K::kIcmpCode, {}},
      {ie::kPostNATSourceIPv4Address, 0, K::kIpv4Address, Address<&FlowRecord::postNatSrc>()},
      {ie::kPostNATDestinationIPv4Address, 0, K::kIpv4Address, Address<&FlowRecord::postNatDst>()},
      {ie::kPostNATSourceIPv6Address, 0, K::kIpv6Address, Address<&FlowRecord::postNatSrc>()},
      {ie::kPostNATDestinationIPv6Address, 0, K::kIpv6Address, Address<&FlowRecord::postNatDst>()},
      {ie::kPostNAPTSourceTransportPort, 0, K::kUnsigned, Unsigned<&FlowRecord::postNatSrcPort>()},
      {ie::kPostNAPTDestinationTransportPort, 0, K::kUnsigned,
       Unsigned<&FlowRecord::postNatDstPort>()},
      {ie::kNatEvent, 0, K::kUnsigned, Unsigned<&FlowRecord::natEvent>()},
      {ie::kSamplingInterval, 0, K::kUnsigned, Unsigned<&FlowRecord::samplingInterval>()},
      {ie::kSamplingPacketInterval, 0, K::kUnsigned, Unsigned<&FlowRecord::samplingInterval>()},
      {ie::kSamplerRandomInterval, 0, K::kUnsigned, Unsigned<&FlowRecord::samplingInterval>()},
      {ie::kSamplerId, 0, K::kUnsigned, Unsigned<&FlowRecord::selectorId>()},
      {ie::kSelectorId, 0, K::kUnsigned, Unsigned<&FlowRecord::selectorId>()},
  };
}

// Encapsulation (FlowRecord::encap): MPLS label stack, VXLAN segment, tunnel endpoints.
std::vector<FlowField> EncapsulationFields() {
  return {
      {ie::kMplsTopLabelStackSection, 0, K::kMplsLabel, {}},
      {ie::kMplsTopLabelStackSection + 1, 0, K::kMplsLabel, {}},
      {ie::kMplsTopLabelStackSection + 2, 0, K::kMplsLabel, {}},
      {ie::kMplsTopLabelStackSection + 3, 0, K::kMplsLabel, {}},
      {ie::kMplsTopLabelStackSection + 4, 0, K::kMplsLabel, {}},
      {ie::kMplsTopLabelStackSection + 5, 0, K::kMplsLabel, {}},
      {ie::kMplsTopLabelStackSection + 6, 0, K::kMplsLabel, {}},
      {ie::kMplsTopLabelStackSection + 7, 0, K::kMplsLabel, {}},
      {ie::kMplsTopLabelStackSection + 8, 0, K::kMplsLabel, {}},
      {ie::kMplsTopLabelStackSection + 9, 0, K::kMplsLabel, {}},
      {ie::kLayer2SegmentId, 0, K::kUnsigned,
       Unsigned<&FlowRecord::encap, &core::Encapsulation::layer2SegmentId>()},
      {vie::kTunnelSourceIPv4Address, kVantagePen, K::kIpv4Address,
       Address<&FlowRecord::encap, &core::Encapsulation::tunnelSrc>()},
      {vie::kTunnelDestinationIPv4Address, kVantagePen, K::kIpv4Address,
       Address<&FlowRecord::encap, &core::Encapsulation::tunnelDst>()},
      {vie::kTunnelSourceIPv6Address, kVantagePen, K::kIpv6Address,
       Address<&FlowRecord::encap, &core::Encapsulation::tunnelSrc>()},
      {vie::kTunnelDestinationIPv6Address, kVantagePen, K::kIpv6Address,
       Address<&FlowRecord::encap, &core::Encapsulation::tunnelDst>()},
  };
}

// Sampled packet headers (packet-section.h).
std::vector<FlowField> PacketSectionFields() {
  return {
      {ie::kDataLinkFrameSection, 0, K::kDataLinkFrameSection, {}},
      {ie::kIpHeaderPacketSection, 0, K::kIpHeaderSection, {}},
      {ie::kIpPayloadPacketSection, 0, K::kIpPayloadSection, {}},
      {ie::kDataLinkFrameSize, 0, K::kDataLinkFrameSize, {}},
      {ie::kDataLinkFrameType, 0, K::kDataLinkFrameType, {}},
      {ie::kSectionOffset, 0, K::kSectionOffset, {}},
      {ie::kSectionExportedOctets, 0, K::kSectionExportedOctets, {}},
  };
}

// Where the record came from, and its times in every resolution.
std::vector<FlowField> OriginAndTimeFields() {
  return {
      {ie::kExporterIPv4Address, 0, K::kIpv4Address, Address<&FlowRecord::exporter>()},
      {ie::kExporterIPv6Address, 0, K::kIpv6Address, Address<&FlowRecord::exporter>()},
      {ie::kObservationDomainId, 0, K::kUnsigned, Unsigned<&FlowRecord::observationDomain>()},
      {ie::kFlowStartSeconds, 0, K::kDateTimeSeconds, Time<&FlowRecord::start>()},
      {ie::kFlowEndSeconds, 0, K::kDateTimeSeconds, Time<&FlowRecord::end>()},
      {ie::kFlowStartMilliseconds, 0, K::kDateTimeMilliseconds, Time<&FlowRecord::start>()},
      {ie::kFlowEndMilliseconds, 0, K::kDateTimeMilliseconds, Time<&FlowRecord::end>()},
      {ie::kFlowStartMicroseconds, 0, K::kDateTimeMicroseconds, Time<&FlowRecord::start>()},
      {ie::kFlowEndMicroseconds, 0, K::kDateTimeMicroseconds, Time<&FlowRecord::end>()},
      {ie::kFlowStartNanoseconds, 0, K::kDateTimeNanoseconds, Time<&FlowRecord::start>()},
      {ie::kFlowEndNanoseconds, 0, K::kDateTimeNanoseconds, Time<&FlowRecord::end>()},
      {ie::kFlowStartSysUpTime, 0, K::kSysUpTime, Time<&FlowRecord::start>()},
      {ie::kFlowEndSysUpTime, 0, K::kSysUpTime, Time<&FlowRecord::end>()},
      {ie::kSystemInitTimeMilliseconds, 0, K::kSystemInitTime, {}},
  };
}

// Every element a FlowRecord maps to; elements not listed are written as zeros and skipped on
// decode (counted as "flow.unknown_ie" when the registry does not know them either).
const std::vector<FlowField>& FlowFields() {
  static const std::vector<FlowField> kFields = [] {
    std::vector<FlowField> all;
    for (auto section :
         {KeyAndCounterFields, EncapsulationFields, PacketSectionFields, OriginAndTimeFields}) {
      auto part = section();
      all.insert(all.end(), part.begin(), part.end());
    }
    return all;
  }();
  return kFields;
}

/// Direct index of the table by element id, IANA and RFC 5103 reverse elements apart.
class FlowFieldIndex {
 public:
  static constexpr size_t kIds = 512;
  FlowFieldIndex() {
    for (const auto& f : FlowFields()) {
      auto& slots = f.enterprise == 0             ? m_forward
                    : f.enterprise == kReversePen ? m_reverse
                                                  : m_vantage;
      if (slots[f.id] == nullptr) slots[f.id] = &f;
    }
  }
  const FlowField* Find(uint32_t enterprise, uint16_t id) const {
    if (id >= kIds) return nullptr;
    if (enterprise == 0) return m_forward[id];
    if (enterprise == kReversePen) return m_reverse[id];
    return enterprise == kVantagePen ? m_vantage[id] : nullptr;
  }

 private:
  std::array<const FlowField*, kIds> m_forward{};
  std::array<const FlowField*, kIds> m_reverse{};
  std::array<const FlowField*, kIds> m_vantage{};
};

const FlowFieldIndex& Index() {
  static const FlowFieldIndex kIndex;
  return kIndex;
}

// --- Encoding: one case per kind ---

void EncodeField(const FlowFieldIndex& index, const FieldSpec& f, const FlowRecord& r,
                 ByteWriter& out, const TimeContext& ctx) {
  auto u = [&](uint64_t v) { WriteUnsignedField(out, f.length, v); };
  const FlowField* field = index.Find(f.enterprise, f.id);
  if (field == nullptr) {
    // Unmapped reverse elements are unsigned counters: zero in an unsigned encoding.
    if (f.enterprise == kReversePen) return u(0);
    if (f.length == kVariableLength) return out.WriteU8(0);
    return out.WriteZeros(f.length);
  }
  const Member& m = field->member;
  switch (field->kind) {
    case K::kUnsigned:
    case K::kVlanId:
      return u(m.getUnsigned(r));
    case K::kIpv4Address:
      return WriteAddress(out, f.length, m.address.get(r), 4);
    case K::kIpv6Address:
      return WriteAddress(out, f.length, m.address.get(r), 6);
    case K::kMacAddress:
      return WriteFixedBytes(out, f.length, m.mac.get(r).data(), 6);
    case K::kDateTimeSeconds:
      return u(static_cast<uint64_t>(m.time.get(r).Seconds()));
    case K::kDateTimeMilliseconds:
      return u(static_cast<uint64_t>(m.time.get(r).Millis()));
    case K::kDateTimeMicroseconds:
      return u(Timestamp::FromMicros(m.time.get(r).Micros()).ToNtp64());
    case K::kDateTimeNanoseconds:
      return u(m.time.get(r).ToNtp64());
    case K::kSysUpTime:
      return u(ToSysUpTime(m.time.get(r), ctx));
    case K::kSystemInitTime:
      return u(static_cast<uint64_t>(ctx.systemInitTimeMs));
    case K::kIcmpTypeCode:
      return u(IcmpTypeCode(r));
    case K::kIcmpType:
      return u(IcmpTypeCode(r) >> 8);
    case K::kIcmpCode:
      return u(IcmpTypeCode(r) & 0xff);
    case K::kMplsLabel: {
      const core::Encapsulation& e = r.encap;
      const size_t i = f.id - ie::kMplsTopLabelStackSection;
      const uint32_t v = i < e.mplsLabelCount ? e.mplsLabels[i] : 0;
      const uint8_t b[3] = {static_cast<uint8_t>(v >> 16), static_cast<uint8_t>(v >> 8),
                            static_cast<uint8_t>(v)};
      return WriteFixedBytes(out, f.length, b, 3);
    }
    default:
      // Sampled packet headers are read, never written: an empty section or zero.
      if (f.length == kVariableLength) return out.WriteU8(0);
      return out.WriteZeros(f.length);
  }
}

// --- Decoding: one case per kind, then what needs the whole record ---

/// What a record walk collects besides the members it sets directly. Built per record, so
/// only the flags are initialised: `upTimes` is read below `upTimeCount`, the section exists
/// once a section element was seen (zeroing both cost a `rep stos` per record).
struct DecodeState {
  DecodeState(FlowRecord& record, core::AnomalyCounters* counters)
      : out(record), anomalies(counters) {}

  FlowRecord& out;
  core::AnomalyCounters* anomalies;
  struct UpTime {
    Timestamp* target;
    uint32_t value;
  };
  std::array<UpTime, 2> upTimes;  ///< sysUpTime fields, resolved once the base is known
  size_t upTimeCount = 0;
  bool haveInit = false;
  int64_t initMs = 0;
  bool haveIcmp = false;
  uint16_t icmp = 0;
  bool clamped = false;
  std::optional<PacketSection> section;

  void Count(const char* name) const {
    if (anomalies != nullptr) anomalies->Count(name);
  }
  void AddUpTime(Timestamp& target, uint32_t value) {
    for (size_t i = 0; i < upTimeCount; ++i) {
      if (upTimes[i].target == &target) {
        upTimes[i].value = value;
        return;
      }
    }
    if (upTimeCount < upTimes.size()) upTimes[upTimeCount++] = {&target, value};
  }
};

// Kinds whose value is a timestamp in NTP format or a count of time units.
void DecodeTime(const FlowField& field, size_t n, uint64_t x, DecodeState& s) {
  Timestamp& t = field.member.time.set(s.out);
  switch (field.kind) {
    case K::kDateTimeSeconds:
      t = Timestamp::FromMillis(SecondsToMillis(x, s.clamped));
      return;
    case K::kDateTimeMilliseconds:
      t = Timestamp::FromMillis(ClampMillis(x, s.clamped));
      return;
    case K::kDateTimeMicroseconds:
    case K::kDateTimeNanoseconds: {
      if (n != 8) return s.Count("flow.bad_length");
      Timestamp v = Timestamp::FromNtp64(x);
      // The low 11 bits of a microsecond fraction are not significant: round to microseconds.
      if (field.kind == K::kDateTimeMicroseconds)
        v = Timestamp::FromNanos((v.ns + 500) / 1000 * 1000);
      t = v;
      return;
    }
    default:
      s.AddUpTime(t, static_cast<uint32_t>(x));
      return;
  }
}

// Sections are octet arrays of any length; the fields describing them are unsigned.
bool DecodeSectionField(const FlowField& field, ByteReader v, bool isUnsigned, uint64_t x,
                        DecodeState& s) {
  if (field.kind < K::kDataLinkFrameSection || field.kind > K::kSectionExportedOctets) return false;
  if (!s.section) s.section.emplace();
  PacketSection& sec = *s.section;
  switch (field.kind) {
    case K::kDataLinkFrameSection:
      sec.frame = v.Data();
      sec.frameLength = v.Size();
      return true;
    case K::kIpHeaderSection:
      sec.ipHeader = v.Data();
      sec.ipHeaderLength = v.Size();
      return true;
    case K::kIpPayloadSection:
      sec.ipPayload = v.Data();
      sec.ipPayloadLength = v.Size();
      return true;
    case K::kDataLinkFrameSize:
    case K::kDataLinkFrameType:
    case K::kSectionOffset:
    case K::kSectionExportedOctets:
      break;
    default:
      return false;
  }
  if (!isUnsigned) {
    s.Count("flow.bad_length");
    return true;
  }
  const auto x16 = static_cast<uint16_t>(x > 0xffff ? 0xffff : x);
  if (field.kind == K::kDataLinkFrameSize) sec.frameSize = x;
  if (field.kind == K::kDataLinkFrameType) sec.frameType = x16;
  if (field.kind == K::kSectionOffset) sec.sectionOffset = x16;
  if (field.kind == K::kSectionExportedOctets) {
    sec.hasExportedOctets = true;
    sec.exportedOctets = x16;
  }
  return true;
}

void DecodeField(const FlowField& field, ByteReader v, DecodeState& s) {
  const size_t n = v.Size();
  uint64_t x = 0;
  const bool isUnsigned = n >= 1 && n <= 8 && v.ReadUnsigned(n, x);
  if (DecodeSectionField(field, v, isUnsigned, x, s)) return;
  const bool isTimeNtp =
      field.kind == K::kDateTimeMicroseconds || field.kind == K::kDateTimeNanoseconds;
  const bool isAddress = field.kind == K::kIpv4Address || field.kind == K::kIpv6Address ||
                         field.kind == K::kMacAddress || field.kind == K::kMplsLabel;
  if (!isAddress && !isTimeNtp && !isUnsigned) return s.Count("flow.bad_length");
  const Member& m = field.member;
  switch (field.kind) {
    case K::kUnsigned:
      return m.setUnsigned(s.out, x);
    case K::kVlanId:
      return m.setUnsigned(s.out, x & 0x0fff);
    case K::kIpv4Address:
    case K::kIpv6Address: {
      const size_t want = field.kind == K::kIpv4Address ? 4 : 16;
      if (n != want) return s.Count("flow.bad_length");
      m.address.set(s.out) =
          want == 4 ? IpAddress::V4Bytes(v.Data()) : IpAddress::V6Bytes(v.Data());
      return;
    }
    case K::kMacAddress:
      if (n != 6) return s.Count("flow.bad_length");
      std::copy(v.Data(), v.Data() + 6, m.mac.set(s.out).begin());
      return;
    case K::kMplsLabel: {
      if (n != 3) return s.Count("flow.bad_length");
      core::Encapsulation& e = s.out.encap;
      const size_t i = field.id - ie::kMplsTopLabelStackSection;
      const uint8_t* b = v.Data();
      e.mplsLabels[i] = static_cast<uint32_t>(b[0]) << 16 | static_cast<uint32_t>(b[1]) << 8 | b[2];
      if (e.mplsLabels[i] != 0 && e.mplsLabelCount <= i)
        e.mplsLabelCount = static_cast<uint8_t>(i + 1);
      return;
    }
    case K::kSystemInitTime:
      s.initMs = ClampMillis(x, s.clamped);
      s.haveInit = true;
      return;
    case K::kIcmpTypeCode:
      s.icmp = static_cast<uint16_t>(x);
      s.haveIcmp = true;
      return;
    case K::kIcmpType:
      s.icmp = static_cast<uint16_t>((s.icmp & 0x00ff) | ((x & 0xff) << 8));
      s.haveIcmp = true;
      return;
    case K::kIcmpCode:
      s.icmp = static_cast<uint16_t>((s.icmp & 0xff00) | (x & 0xff));
      s.haveIcmp = true;
      return;
    default:
      return DecodeTime(field, n, x, s);
  }
}

// sysUpTime fields: relative to the exporter's boot (RFC 3954 section 8; IPFIX uses
// systemInitTimeMilliseconds, IE 160, from the record or an options record).
void ResolveUpTimes(DecodeState& s, const TimeContext& ctx) {
  if (s.upTimeCount == 0) return;
  auto resolve = [&](uint32_t up) -> Timestamp {
    if (s.haveInit) return Timestamp::FromMillis(s.initMs + up);
    if (ctx.systemInitTimeMs != 0) {
      return Timestamp::FromMillis(ClampMillis(ctx.systemInitTimeMs, s.clamped) + up);
    }
    // Signed difference: a field slightly after the header's sysUpTime is not a wrap.
    const int64_t before = static_cast<int32_t>(ctx.sysUpTimeMs - up);
    return Timestamp::FromMillis(static_cast<int64_t>(ctx.exportTimeSeconds) * 1000 - before);
  };
  if (!s.haveInit && ctx.systemInitTimeMs == 0 && ctx.sysUpTimeMs == 0) {
    s.Count("flow.sysuptime_without_base");
  }
  for (size_t i = 0; i < s.upTimeCount; ++i) *s.upTimes[i].target = resolve(s.upTimes[i].value);
}

void ResolveIcmp(DecodeState& s) {
  FlowRecord& out = s.out;
  if (IsIcmp(out.key.protocol)) {
    if (s.haveIcmp) {
      out.key.dstPort = s.icmp;
    } else {
      s.icmp = out.key.dstPort;  // NetFlow convention: type * 256 + code in the port
    }
  } else if (!s.haveIcmp) {
    return;
  }
  out.icmpType = static_cast<uint8_t>(s.icmp >> 8);
  out.icmpCode = static_cast<uint8_t>(s.icmp & 0xff);
}

// The encapsulation fields (FlowRecord::encap) a template with these options carries.
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
  const FlowFieldIndex& index = Index();
  for (const auto& f : tmpl.fields) EncodeField(index, f, r, out, ctx);
}

namespace {

// An element no table row maps: kept as sent, padding apart.
void KeepRawBytes(const FieldSpec& spec, const uint8_t* p, size_t n, DecodeState& state) {
  if (spec.enterprise != 0 || spec.id != ie::kPaddingOctets) {
    state.out.rawElements.push_back(
        core::RawElement{spec.id, spec.enterprise, std::vector<uint8_t>(p, p + n)});
  }
}

// As KeepRawBytes; an element the registry does not know is also counted.
void KeepRawElement(const FieldSpec& spec, ByteReader v, DecodeState& state) {
  if (FindInformationElement(spec.enterprise, spec.id) == nullptr) state.Count("flow.unknown_ie");
  KeepRawBytes(spec, v.Data(), v.Size(), state);
}

/// How one field of a fixed plan is stored. The common kinds go straight into the FlowRecord
/// at the member's byte offset (a switch rather than an indirect call per field); the others
/// take DecodeField, which does the same for every kind, only slower.
enum class StepOp : uint8_t {
  kCopy1,         ///< big-endian integer into an integer member of the same width (1 byte)
  kCopy2,         ///< ... 2 bytes
  kCopy4,         ///< ... 4 bytes
  kCopy8,         ///< ... 8 bytes
  kUnsigned,      ///< big-endian integer of 1-8 bytes into an integer member of any width
  kVlan,          ///< as kUnsigned, keeping the 12-bit VLAN id
  kIpv4,          ///< 4 bytes into an IpAddress member
  kIpv6,          ///< 16 bytes into an IpAddress member
  kMillis,        ///< dateTimeMilliseconds of 1-8 bytes into a Timestamp member
  kIcmpTypeCode,  ///< type * 256 + code of 1-8 bytes, resolved after the walk
  kField,         ///< DecodeField
  kRaw,           ///< no table row, known to the registry: KeepRawBytes
  kRawUnknown,    ///< no table row, unknown to the registry: counted, then KeepRawBytes
};

/// A template without variable-length fields, resolved once: each field's offset in the
/// record, how to store it and where, so that its records decode without the field iterator,
/// the index lookups and the per-field indirect calls (most of the decode time in `perf`).
/// Steps of one op form a run, decoded by one loop: the op is dispatched once per run rather
/// than once per field (a mispredicted indirect jump per field was the next cost).
struct FixedPlan {
  struct Step {
    uint16_t offset;  ///< in the record; offset + length <= FixedPlan::length
    uint16_t length;
    StepOp op;
    uint8_t width;           ///< kUnsigned, kVlan: bytes of the member
    uint16_t target;         ///< kUnsigned .. kMillis: byte offset of the member in a FlowRecord
    const FlowField* field;  ///< nullptr: a raw element
    const FieldSpec* spec;   ///< into `tmpl.fields`
  };
  struct Run {
    StepOp op;
    uint16_t begin;  ///< steps[begin, end) have this op
    uint16_t end;
  };
  Template tmpl;  ///< what the plan was built from; a FlowDecodeScope hands it out
  size_t minLength = 0;
  bool variable = false;
  size_t length = 0;
  bool fixed = false;
  std::vector<Step> steps;
  std::vector<Run> runs;

  bool Matches(const Template& t) const {
    // FieldSpec has no padding, so comparing bytes is comparing fields.
    static_assert(std::has_unique_object_representations_v<FieldSpec>);
    return tmpl.id == t.id && tmpl.scopeFieldCount == t.scopeFieldCount &&
           tmpl.fields.size() == t.fields.size() &&
           (t.fields.empty() || std::memcmp(tmpl.fields.data(), t.fields.data(),
                                            t.fields.size() * sizeof(FieldSpec)) == 0);
  }

  void Build(const Template& t) {
    tmpl = t;
    minLength = tmpl.MinRecordLength();
    variable = tmpl.HasVariableLength();
    steps.clear();
    runs.clear();
    length = 0;
    fixed = true;
    for (const FieldSpec& f : tmpl.fields) {
      if (f.length == kVariableLength || length + f.length > 0xffff) {
        fixed = false;
        return;
      }
      Step step{static_cast<uint16_t>(length),    f.length, StepOp::kRaw, 0, 0,
                Index().Find(f.enterprise, f.id), &f};
      if (step.field != nullptr) {
        Resolve(step);
      } else if (FindInformationElement(f.enterprise, f.id) == nullptr) {
        step.op = StepOp::kRawUnknown;
      }
      length += f.length;
      // Padding leaves no trace in the record: no step.
      if (step.op == StepOp::kRaw && f.enterprise == 0 && f.id == ie::kPaddingOctets) continue;
      steps.push_back(step);
    }
    if (Independent()) {
      std::stable_sort(steps.begin(), steps.end(),
                       [](const Step& a, const Step& b) { return a.op < b.op; });
    }
    for (size_t i = 0; i < steps.size(); ++i) {
      if (runs.empty() || runs.back().op != steps[i].op) {
        runs.push_back(Run{steps[i].op, static_cast<uint16_t>(i), static_cast<uint16_t>(i)});
      }
      ++runs.back().end;
    }
  }

 private:
  // True if the steps may run in any order: each stores into its own bytes of the record and
  // nothing else (the ops before kField), so the template order cannot change the result.
  bool Independent() const {
    std::vector<bool> written(sizeof(FlowRecord) + 1);  // the last slot stands for the ICMP value
    for (const Step& step : steps) {
      size_t begin = step.target;
      size_t size = step.width;
      switch (step.op) {
        case StepOp::kField:
        case StepOp::kRaw:
        case StepOp::kRawUnknown:
          return false;
        case StepOp::kIpv4:
        case StepOp::kIpv6:
          size = sizeof(IpAddress);
          break;
        case StepOp::kMillis:
          size = sizeof(Timestamp);
          break;
        case StepOp::kIcmpTypeCode:
          begin = sizeof(FlowRecord);
          size = 1;
          break;
        default:
          break;
      }
      for (size_t i = begin; i < begin + size; ++i) {
        if (written[i]) return false;
        written[i] = true;
      }
    }
    return true;
  }

  static StepOp CopyOp(uint8_t width) {
    switch (width) {
      case 1:
        return StepOp::kCopy1;
      case 2:
        return StepOp::kCopy2;
      case 4:
        return StepOp::kCopy4;
      default:
        return StepOp::kCopy8;
    }
  }

  // Picks the op for a mapped field; the conditions are those under which DecodeField stores
  // the value without counting an anomaly.
  static void Resolve(Step& step) {
    const Member& m = step.field->member;
    const bool isUnsigned = step.length >= 1 && step.length <= 8;
    step.op = StepOp::kField;
    switch (step.field->kind) {
      case K::kUnsigned:
      case K::kVlanId:
        if (!isUnsigned) return;
        step.op = step.field->kind == K::kVlanId ? StepOp::kVlan : StepOp::kUnsigned;
        step.width = m.unsignedWidth;
        step.target = m.unsignedOffset;
        if (step.op == StepOp::kUnsigned && step.length == step.width) step.op = CopyOp(step.width);
        return;
      case K::kIpv4Address:
      case K::kIpv6Address: {
        const bool v4 = step.field->kind == K::kIpv4Address;
        if (step.length != (v4 ? 4 : 16)) return;
        step.op = v4 ? StepOp::kIpv4 : StepOp::kIpv6;
        step.target = ProbeOffset(&m.address.get(Probe()));
        return;
      }
      case K::kDateTimeMilliseconds:
        if (!isUnsigned) return;
        step.op = StepOp::kMillis;
        step.target = ProbeOffset(&m.time.get(Probe()));
        return;
      case K::kIcmpTypeCode:
        if (isUnsigned) step.op = StepOp::kIcmpTypeCode;
        return;
      default:
        return;
    }
  }
};

// The plan for `tmpl`, found by content among the last few templates this thread decoded
// (a template can be replaced under the same id, so its id or address is not the key). The
// plan that matched last is tried first: a data set's records share their template. A plan is
// never changed once built, so one a FlowDecodeScope holds stays valid when its slot is reused.
// The reference is valid until the next call.
const std::shared_ptr<const FixedPlan>& SharedPlanFor(const Template& tmpl) {
  constexpr size_t kPlans = 8;
  thread_local std::array<std::shared_ptr<const FixedPlan>, kPlans> plans;
  thread_local size_t last = 0;
  thread_local size_t next = 0;
  auto matches = [&tmpl](const std::shared_ptr<const FixedPlan>& p) {
    return p != nullptr && p->Matches(tmpl);
  };
  if (matches(plans[last])) return plans[last];
  for (size_t i = 0; i < kPlans; ++i) {
    if (matches(plans[i])) {
      last = i;
      return plans[i];
    }
  }
  auto plan = std::make_shared<FixedPlan>();
  plan->Build(tmpl);
  last = next;
  next = (next + 1) % kPlans;
  plans[last] = std::move(plan);
  return plans[last];
}

/// The template of the innermost FlowDecodeScope of this thread and its plan (plain
/// pointers: a thread_local without constructor needs no initialisation check per access).
struct ActivePlan {
  const Template* tmpl;
  const FixedPlan* plan;
};
thread_local ActivePlan tActivePlan{nullptr, nullptr};

const FixedPlan& PlanFor(const Template& tmpl) {
  if (tActivePlan.tmpl == &tmpl) return *tActivePlan.plan;
  return *SharedPlanFor(tmpl);
}

template <typename T>
T FromBigEndian(T v) {
  if constexpr (__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__ && sizeof(T) == 2) {
    return __builtin_bswap16(v);
  } else if constexpr (__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__ && sizeof(T) == 4) {
    return __builtin_bswap32(v);
  } else if constexpr (__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__ && sizeof(T) == 8) {
    return __builtin_bswap64(v);
  } else {
    return v;
  }
}

// The loads and stores below run once per field: always inlined into the plan's loops.

// Copies a big-endian integer of sizeof(T) bytes into a member of the same width.
template <typename T>
[[gnu::always_inline]] inline void CopyBigEndian(uint8_t* dst, const uint8_t* p) {
  T v;
  std::memcpy(&v, p, sizeof(T));
  v = FromBigEndian(v);
  std::memcpy(dst, &v, sizeof(T));
}

template <typename T>
[[gnu::always_inline]] inline uint64_t LoadBigEndian(const uint8_t* p) {
  T v;
  std::memcpy(&v, p, sizeof(T));
  return FromBigEndian(v);
}

// The unsigned value of the n (1-8) bytes at p, which the caller knows to be in the record:
// one load for the common widths (the byte loop was the hottest spot of the decode).
[[gnu::always_inline]] inline uint64_t LoadBigEndian(const uint8_t* p, size_t n) {
  switch (n) {
    case 1:
      return p[0];
    case 2:
      return LoadBigEndian<uint16_t>(p);
    case 4:
      return LoadBigEndian<uint32_t>(p);
    case 8:
      return LoadBigEndian<uint64_t>(p);
    default: {
      uint64_t x = 0;
      for (size_t i = 0; i < n; ++i) x = x << 8 | p[i];
      return x;
    }
  }
}

// Stores v in the integer (or enum) member of `width` bytes at dst, truncated as the member's
// static_cast would.
[[gnu::always_inline]] inline void StoreUnsigned(uint8_t* dst, uint8_t width, uint64_t v) {
  auto store = [dst](auto x) { std::memcpy(dst, &x, sizeof(x)); };
  switch (width) {
    case 1:
      return store(static_cast<uint8_t>(v));
    case 2:
      return store(static_cast<uint16_t>(v));
    case 4:
      return store(static_cast<uint32_t>(v));
    default:
      return store(v);
  }
}

// Fills the IpAddress at dst in place: a temporary copied as a whole stalled on store
// forwarding (`perf annotate`).
[[gnu::always_inline]] inline void StoreAddress(uint8_t* dst, uint8_t family, const uint8_t* p,
                                                size_t n) {
  static_assert(std::is_standard_layout_v<IpAddress> && std::is_trivially_copyable_v<IpAddress>);
  uint8_t* bytes = dst + offsetof(IpAddress, bytes);
  dst[offsetof(IpAddress, family)] = family;
  std::memcpy(bytes, p, n);
  std::memset(bytes + n, 0, sizeof(IpAddress::bytes) - n);
}

[[gnu::always_inline]] inline void StoreTime(uint8_t* dst, Timestamp t) {
  static_assert(std::is_trivially_copyable_v<Timestamp>);
  std::memcpy(dst, &t, sizeof(t));
}

// Decodes a record of exactly plan.length bytes at `in` (stream offset `offset`): every step
// reads inside it. Plain pointers rather than a ByteReader by value: copying the reader
// stalled on store forwarding at every call.
void DecodeFixed(const FixedPlan& plan, const uint8_t* in, size_t offset, DecodeState& s) {
  auto* out = reinterpret_cast<uint8_t*>(&s.out);
  const FixedPlan::Step* steps = plan.steps.data();
  for (const FixedPlan::Run& run : plan.runs) {
    // Calls fn(step, its bytes, its member) for every step of the run.
    auto each = [&](auto&& fn) {
      for (const FixedPlan::Step* st = steps + run.begin; st != steps + run.end; ++st)
        fn(*st, in + st->offset, out + st->target);
    };
    using Step = FixedPlan::Step;
    switch (run.op) {
      case StepOp::kCopy1:
        each([](const Step&, const uint8_t* p, uint8_t* dst) { *dst = *p; });
        break;
      case StepOp::kCopy2:
        each([](const Step&, const uint8_t* p, uint8_t* dst) { CopyBigEndian<uint16_t>(dst, p); });
        break;
      case StepOp::kCopy4:
        each([](const Step&, const uint8_t* p, uint8_t* dst) { CopyBigEndian<uint32_t>(dst, p); });
        break;
      case StepOp::kCopy8:
        each([](const Step&, const uint8_t* p, uint8_t* dst) { CopyBigEndian<uint64_t>(dst, p); });
        break;
      case StepOp::kUnsigned:
        each([](const Step& st, const uint8_t* p, uint8_t* dst) {
          StoreUnsigned(dst, st.width, LoadBigEndian(p, st.length));
        });
        break;
      case StepOp::kVlan:
        each([](const Step& st, const uint8_t* p, uint8_t* dst) {
          StoreUnsigned(dst, st.width, LoadBigEndian(p, st.length) & 0x0fff);
        });
        break;
      case StepOp::kIpv4:
        each([](const Step&, const uint8_t* p, uint8_t* dst) { StoreAddress(dst, 4, p, 4); });
        break;
      case StepOp::kIpv6:
        each([](const Step&, const uint8_t* p, uint8_t* dst) { StoreAddress(dst, 6, p, 16); });
        break;
      case StepOp::kMillis:
        each([&s](const Step& st, const uint8_t* p, uint8_t* dst) {
          StoreTime(dst,
                    Timestamp::FromMillis(ClampMillis(LoadBigEndian(p, st.length), s.clamped)));
        });
        break;
      case StepOp::kIcmpTypeCode:
        each([&s](const Step& st, const uint8_t* p, uint8_t*) {
          s.icmp = static_cast<uint16_t>(LoadBigEndian(p, st.length));
          s.haveIcmp = true;
        });
        break;
      case StepOp::kField:
        each([&s, offset](const Step& st, const uint8_t* p, uint8_t*) {
          DecodeField(*st.field, ByteReader(p, st.length, offset + st.offset), s);
        });
        break;
      case StepOp::kRaw:
        each([&s](const Step& st, const uint8_t* p, uint8_t*) {
          KeepRawBytes(*st.spec, p, st.length, s);
        });
        break;
      case StepOp::kRawUnknown:
        each([&s](const Step& st, const uint8_t* p, uint8_t*) {
          s.Count("flow.unknown_ie");
          KeepRawBytes(*st.spec, p, st.length, s);
        });
        break;
    }
  }
}

// After the walk, the same for both paths: times, ICMP, the sampled packet section.
void FinishRecord(DecodeState& state, const TimeContext& ctx, core::AnomalyCounters* anomalies) {
  ResolveUpTimes(state, ctx);
  if (state.clamped) state.Count("flow.time_out_of_range");
  ResolveIcmp(state);
  // The section fills only what the record's own elements left empty.
  if (state.section) (void)ApplyPacketSection(*state.section, state.out, anomalies);
}

}  // namespace

namespace detail {

FlowDecodeScope::FlowDecodeScope(const Template& tmpl)
    : m_outerTemplate(tActivePlan.tmpl), m_outerPlan(tActivePlan.plan) {
  std::shared_ptr<const FixedPlan> plan = SharedPlanFor(tmpl);
  m_template = &plan->tmpl;
  m_minRecordLength = plan->minLength;
  m_variableLength = plan->variable;
  tActivePlan = {m_template, plan.get()};
  m_plan = std::move(plan);
}

FlowDecodeScope::~FlowDecodeScope() {
  tActivePlan = {m_outerTemplate, static_cast<const FixedPlan*>(m_outerPlan)};
}

}  // namespace detail

namespace {

// Records of variable-length templates, and records whose length is not their fixed
// template's: field by field. Apart from DecodeFlowRecord so that the fixed path does not copy
// the reader.
[[gnu::noinline]] core::Status DecodeWalk(const Template& tmpl, const ByteReader& record,
                                          const TimeContext& ctx, FlowRecord& out,
                                          core::AnomalyCounters* anomalies) {
  DecodeState state{out, anomalies};
  RecordFieldIterator it(tmpl, record);
  const FieldSpec* spec = nullptr;
  ByteReader v;
  const FlowFieldIndex& index = Index();
  while (it.Next(spec, v)) {
    const FlowField* field = index.Find(spec->enterprise, spec->id);
    if (field != nullptr) {
      DecodeField(*field, v, state);
    } else {
      KeepRawElement(*spec, v, state);
    }
  }
  if (it.Failed()) {
    state.Count("flow.truncated_record");
    return it.GetError();
  }
  FinishRecord(state, ctx, anomalies);
  return {};
}

}  // namespace

core::Status DecodeFlowRecord(const Template& tmpl, ByteReader record, const TimeContext& ctx,
                              FlowRecord& out, core::AnomalyCounters* anomalies) {
  const FixedPlan& plan = PlanFor(tmpl);
  if (!plan.fixed || record.Size() != plan.length)
    return DecodeWalk(tmpl, record, ctx, out, anomalies);
  DecodeState state{out, anomalies};
  DecodeFixed(plan, record.Data(), record.Offset(), state);
  FinishRecord(state, ctx, anomalies);
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
