// The IPFIX information model (RFC 7012, IANA registry): the Information Elements Vantage
// reads and writes, with their abstract data types and default lengths.
//
//   const InformationElement* ie = FindInformationElement(0, ie::kOctetDeltaCount);
//   // ie->name == "octetDeltaCount", ie->type == IeType::kUnsigned64
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace vantage::wire {

/// @brief Abstract data types (RFC 7012 section 3.1).
enum class IeType : uint8_t {
  kOctetArray,
  kUnsigned8,
  kUnsigned16,
  kUnsigned32,
  kUnsigned64,
  kSigned8,
  kSigned16,
  kSigned32,
  kSigned64,
  kFloat32,
  kFloat64,
  kBoolean,
  kMacAddress,
  kString,
  kDateTimeSeconds,
  kDateTimeMilliseconds,
  kDateTimeMicroseconds,
  kDateTimeNanoseconds,
  kIpv4Address,
  kIpv6Address,
  kBasicList,
  kSubTemplateList,
  kSubTemplateMultiList,
};

/// Field length meaning "variable length" in a template (RFC 7011 section 7).
inline constexpr uint16_t kVariableLength = 65535;
/// Private Enterprise Number of RFC 5103 reverse elements.
inline constexpr uint32_t kReversePen = 29305;

/// Private Enterprise Number of Vantage's own elements (docs/wire.md, "Enterprise elements").
/// Vantage has no PEN of its own registered with IANA yet: 32473 is the number RFC 5612
/// reserves for documentation and examples, never assigned to anyone. Replace it here once a
/// PEN is registered.
inline constexpr uint32_t kVantagePen = 32473;

/// @brief One Information Element of the registry.
struct InformationElement {
  uint16_t id;
  uint32_t enterprise;  ///< 0 for IANA
  std::string_view name;
  IeType type;
  uint16_t defaultLength;  ///< kVariableLength for strings and octet arrays
  bool reversible;         ///< may appear with kReversePen (RFC 5103 section 6.1)
};

/// @brief Looks up an element; for enterprise kReversePen, returns the forward element
/// of a reversible IE (its name is reported with the "reverse" prefix by ReverseName).
const InformationElement* FindInformationElement(uint32_t enterprise, uint16_t id);
/// @brief Vantage's enterprise elements (kVantagePen): the outer tunnel endpoints, for which
/// IANA has no element.
const std::vector<InformationElement>& VantageInformationElements();
/// @brief Looks up by IANA name, e.g. "sourceIPv4Address".
const InformationElement* FindInformationElementByName(std::string_view name);
/// @brief The whole registry, sorted by id.
const std::vector<InformationElement>& AllInformationElements();
/// @brief RFC 5103 name of the reverse element, e.g. "reverseOctetDeltaCount".
std::string ReverseName(const InformationElement& ie);

/// IANA element identifiers used by Vantage (names as in the IANA registry).
namespace ie {
inline constexpr uint16_t kOctetDeltaCount = 1;
inline constexpr uint16_t kPacketDeltaCount = 2;
inline constexpr uint16_t kDeltaFlowCount = 3;
inline constexpr uint16_t kProtocolIdentifier = 4;
inline constexpr uint16_t kIpClassOfService = 5;
inline constexpr uint16_t kTcpControlBits = 6;
inline constexpr uint16_t kSourceTransportPort = 7;
inline constexpr uint16_t kSourceIPv4Address = 8;
inline constexpr uint16_t kSourceIPv4PrefixLength = 9;
inline constexpr uint16_t kIngressInterface = 10;
inline constexpr uint16_t kDestinationTransportPort = 11;
inline constexpr uint16_t kDestinationIPv4Address = 12;
inline constexpr uint16_t kDestinationIPv4PrefixLength = 13;
inline constexpr uint16_t kEgressInterface = 14;
inline constexpr uint16_t kIpNextHopIPv4Address = 15;
inline constexpr uint16_t kBgpSourceAsNumber = 16;
inline constexpr uint16_t kBgpDestinationAsNumber = 17;
inline constexpr uint16_t kFlowEndSysUpTime = 21;
inline constexpr uint16_t kFlowStartSysUpTime = 22;
inline constexpr uint16_t kSourceIPv6Address = 27;
inline constexpr uint16_t kDestinationIPv6Address = 28;
inline constexpr uint16_t kIcmpTypeCodeIPv4 = 32;
inline constexpr uint16_t kSamplingInterval = 34;   // deprecated, v9 compatible
inline constexpr uint16_t kSamplingAlgorithm = 35;  // deprecated, v9 compatible
inline constexpr uint16_t kFlowActiveTimeout = 36;
inline constexpr uint16_t kFlowIdleTimeout = 37;
inline constexpr uint16_t kExportedOctetTotalCount = 40;
inline constexpr uint16_t kExportedMessageTotalCount = 41;
inline constexpr uint16_t kExportedFlowRecordTotalCount = 42;
inline constexpr uint16_t kSamplerId = 48;              // deprecated, v9 FLOW_SAMPLER_ID
inline constexpr uint16_t kSamplerMode = 49;            // deprecated, v9 FLOW_SAMPLER_MODE
inline constexpr uint16_t kSamplerRandomInterval = 50;  // deprecated, v9 compatible
inline constexpr uint16_t kMinimumTTL = 52;
inline constexpr uint16_t kMaximumTTL = 53;
inline constexpr uint16_t kSourceMacAddress = 56;
inline constexpr uint16_t kVlanId = 58;
inline constexpr uint16_t kIpVersion = 60;
inline constexpr uint16_t kFlowDirection = 61;
inline constexpr uint16_t kIpNextHopIPv6Address = 62;
inline constexpr uint16_t kIcmpTypeCodeIPv6 = 139;
inline constexpr uint16_t kDestinationMacAddress = 80;
inline constexpr uint16_t kOctetTotalCount = 85;
inline constexpr uint16_t kPacketTotalCount = 86;
inline constexpr uint16_t kExporterIPv4Address = 130;
inline constexpr uint16_t kExporterIPv6Address = 131;
inline constexpr uint16_t kDroppedOctetTotalCount = 134;
inline constexpr uint16_t kDroppedPacketTotalCount = 135;
inline constexpr uint16_t kFlowEndReason = 136;
inline constexpr uint16_t kObservationDomainId = 149;
inline constexpr uint16_t kFlowStartSeconds = 150;
inline constexpr uint16_t kFlowEndSeconds = 151;
inline constexpr uint16_t kFlowStartMilliseconds = 152;
inline constexpr uint16_t kFlowEndMilliseconds = 153;
inline constexpr uint16_t kFlowStartMicroseconds = 154;
inline constexpr uint16_t kFlowEndMicroseconds = 155;
inline constexpr uint16_t kFlowStartNanoseconds = 156;
inline constexpr uint16_t kFlowEndNanoseconds = 157;
inline constexpr uint16_t kSystemInitTimeMilliseconds = 160;
inline constexpr uint16_t kIcmpTypeIPv4 = 176;
inline constexpr uint16_t kIcmpCodeIPv4 = 177;
inline constexpr uint16_t kIcmpTypeIPv6 = 178;
inline constexpr uint16_t kIcmpCodeIPv6 = 179;
inline constexpr uint16_t kPostNATSourceIPv4Address = 225;
inline constexpr uint16_t kPostNATDestinationIPv4Address = 226;
inline constexpr uint16_t kPostNAPTSourceTransportPort = 227;
inline constexpr uint16_t kPostNAPTDestinationTransportPort = 228;
inline constexpr uint16_t kNatEvent = 230;
inline constexpr uint16_t kPostNATSourceIPv6Address = 281;
inline constexpr uint16_t kPostNATDestinationIPv6Address = 282;
inline constexpr uint16_t kSamplerName = 84;
inline constexpr uint16_t kSelectorId = 302;
inline constexpr uint16_t kSelectorAlgorithm = 304;
inline constexpr uint16_t kSamplingPacketInterval = 305;
inline constexpr uint16_t kSamplingPacketSpace = 306;
inline constexpr uint16_t kSamplingSize = 309;
inline constexpr uint16_t kSamplingPopulation = 310;
inline constexpr uint16_t kSamplingProbability = 311;
// Sampled packet headers (RFC 5477, RFC 7133 section 8): the frame or IP packet bytes themselves.
inline constexpr uint16_t kDataLinkFrameSize = 312;
inline constexpr uint16_t kIpHeaderPacketSection = 313;
inline constexpr uint16_t kIpPayloadPacketSection = 314;
inline constexpr uint16_t kDataLinkFrameSection = 315;
inline constexpr uint16_t kDataLinkFrameType = 408;
inline constexpr uint16_t kSectionOffset = 409;
inline constexpr uint16_t kSectionExportedOctets = 410;
inline constexpr uint16_t kSelectorIdTotalPktsObserved = 318;
inline constexpr uint16_t kSelectorIdTotalPktsSelected = 319;
inline constexpr uint16_t kObservationPointId = 138;
inline constexpr uint16_t kExportingProcessId = 144;
inline constexpr uint16_t kPaddingOctets = 210;
inline constexpr uint16_t kIgnoredPacketTotalCount = 164;
inline constexpr uint16_t kNotSentFlowTotalCount = 166;
inline constexpr uint16_t kNotSentPacketTotalCount = 167;
// Encapsulation (MPLS label stack, VXLAN segment).
inline constexpr uint16_t kMplsTopLabelStackSection = 70;  // 71-79: mplsLabelStackSection2-10
inline constexpr uint16_t kLayer2SegmentId = 351;
}  // namespace ie

/// Vantage enterprise element identifiers (with kVantagePen).
namespace vie {
inline constexpr uint16_t kTunnelSourceIPv4Address = 1;
inline constexpr uint16_t kTunnelDestinationIPv4Address = 2;
inline constexpr uint16_t kTunnelSourceIPv6Address = 3;
inline constexpr uint16_t kTunnelDestinationIPv6Address = 4;
}  // namespace vie

}  // namespace vantage::wire
