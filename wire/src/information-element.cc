// The Information Element registry: the IANA IPFIX elements Vantage reads and writes
// (RFC 7012, https://www.iana.org/assignments/ipfix), checked against python3-ipfix's
// iana.iespec by tests/unit/wire/information-element-test.cc.
#include "vantage/wire/information-element.h"

#include <algorithm>
#include <cctype>
#include <string>

namespace vantage::wire {
namespace {

constexpr uint16_t kVar = kVariableLength;
constexpr bool R = true;   // reversible (RFC 5103 section 6.1)
constexpr bool F = false;  // not reversible (keys, identifiers, process statistics)

std::vector<InformationElement> BuildRegistry() {
  using T = IeType;
  std::vector<InformationElement> v = {
      {1, 0, "octetDeltaCount", T::kUnsigned64, 8, R},
      {2, 0, "packetDeltaCount", T::kUnsigned64, 8, R},
      {3, 0, "deltaFlowCount", T::kUnsigned64, 8, R},
      {4, 0, "protocolIdentifier", T::kUnsigned8, 1, R},
      {5, 0, "ipClassOfService", T::kUnsigned8, 1, R},
      {6, 0, "tcpControlBits", T::kUnsigned16, 2, R},
      {7, 0, "sourceTransportPort", T::kUnsigned16, 2, F},
      {8, 0, "sourceIPv4Address", T::kIpv4Address, 4, F},
      {9, 0, "sourceIPv4PrefixLength", T::kUnsigned8, 1, F},
      {10, 0, "ingressInterface", T::kUnsigned32, 4, R},
      {11, 0, "destinationTransportPort", T::kUnsigned16, 2, F},
      {12, 0, "destinationIPv4Address", T::kIpv4Address, 4, F},
      {13, 0, "destinationIPv4PrefixLength", T::kUnsigned8, 1, F},
      {14, 0, "egressInterface", T::kUnsigned32, 4, R},
      {15, 0, "ipNextHopIPv4Address", T::kIpv4Address, 4, R},
      {16, 0, "bgpSourceAsNumber", T::kUnsigned32, 4, F},
      {17, 0, "bgpDestinationAsNumber", T::kUnsigned32, 4, F},
      {18, 0, "bgpNextHopIPv4Address", T::kIpv4Address, 4, R},
      {21, 0, "flowEndSysUpTime", T::kUnsigned32, 4, R},
      {22, 0, "flowStartSysUpTime", T::kUnsigned32, 4, R},
      {23, 0, "postOctetDeltaCount", T::kUnsigned64, 8, R},
      {24, 0, "postPacketDeltaCount", T::kUnsigned64, 8, R},
      {27, 0, "sourceIPv6Address", T::kIpv6Address, 16, F},
      {28, 0, "destinationIPv6Address", T::kIpv6Address, 16, F},
      {29, 0, "sourceIPv6PrefixLength", T::kUnsigned8, 1, F},
      {30, 0, "destinationIPv6PrefixLength", T::kUnsigned8, 1, F},
      {31, 0, "flowLabelIPv6", T::kUnsigned32, 4, R},
      {32, 0, "icmpTypeCodeIPv4", T::kUnsigned16, 2, R},
      {34, 0, "samplingInterval", T::kUnsigned32, 4, R},
      {35, 0, "samplingAlgorithm", T::kUnsigned8, 1, R},
      {36, 0, "flowActiveTimeout", T::kUnsigned16, 2, F},
      {37, 0, "flowIdleTimeout", T::kUnsigned16, 2, F},
      {38, 0, "engineType", T::kUnsigned8, 1, F},
      {39, 0, "engineId", T::kUnsigned8, 1, F},
      {40, 0, "exportedOctetTotalCount", T::kUnsigned64, 8, F},
      {41, 0, "exportedMessageTotalCount", T::kUnsigned64, 8, F},
      {42, 0, "exportedFlowRecordTotalCount", T::kUnsigned64, 8, F},
      {48, 0, "samplerId", T::kUnsigned8, 1, F},
      {49, 0, "samplerMode", T::kUnsigned8, 1, F},
      {50, 0, "samplerRandomInterval", T::kUnsigned32, 4, F},
      {52, 0, "minimumTTL", T::kUnsigned8, 1, R},
      {53, 0, "maximumTTL", T::kUnsigned8, 1, R},
      {56, 0, "sourceMacAddress", T::kMacAddress, 6, F},
      {58, 0, "vlanId", T::kUnsigned16, 2, R},
      {60, 0, "ipVersion", T::kUnsigned8, 1, F},
      {61, 0, "flowDirection", T::kUnsigned8, 1, R},
      {62, 0, "ipNextHopIPv6Address", T::kIpv6Address, 16, R},
      {63, 0, "bgpNextHopIPv6Address", T::kIpv6Address, 16, R},
      {70, 0, "mplsTopLabelStackSection", T::kOctetArray, kVar, R},
      {71, 0, "mplsLabelStackSection2", T::kOctetArray, kVar, R},
      {72, 0, "mplsLabelStackSection3", T::kOctetArray, kVar, R},
      {73, 0, "mplsLabelStackSection4", T::kOctetArray, kVar, R},
      {74, 0, "mplsLabelStackSection5", T::kOctetArray, kVar, R},
      {75, 0, "mplsLabelStackSection6", T::kOctetArray, kVar, R},
      {76, 0, "mplsLabelStackSection7", T::kOctetArray, kVar, R},
      {77, 0, "mplsLabelStackSection8", T::kOctetArray, kVar, R},
      {78, 0, "mplsLabelStackSection9", T::kOctetArray, kVar, R},
      {79, 0, "mplsLabelStackSection10", T::kOctetArray, kVar, R},
      {80, 0, "destinationMacAddress", T::kMacAddress, 6, F},
      {84, 0, "samplerName", T::kString, kVar, F},
      {85, 0, "octetTotalCount", T::kUnsigned64, 8, R},
      {86, 0, "packetTotalCount", T::kUnsigned64, 8, R},
      {130, 0, "exporterIPv4Address", T::kIpv4Address, 4, F},
      {131, 0, "exporterIPv6Address", T::kIpv6Address, 16, F},
      {134, 0, "droppedOctetTotalCount", T::kUnsigned64, 8, R},
      {135, 0, "droppedPacketTotalCount", T::kUnsigned64, 8, R},
      {136, 0, "flowEndReason", T::kUnsigned8, 1, R},
      {138, 0, "observationPointId", T::kUnsigned64, 8, F},
      {139, 0, "icmpTypeCodeIPv6", T::kUnsigned16, 2, R},
      {144, 0, "exportingProcessId", T::kUnsigned32, 4, F},
      {148, 0, "flowId", T::kUnsigned64, 8, F},
      {149, 0, "observationDomainId", T::kUnsigned32, 4, F},
      {150, 0, "flowStartSeconds", T::kDateTimeSeconds, 4, R},
      {151, 0, "flowEndSeconds", T::kDateTimeSeconds, 4, R},
      {152, 0, "flowStartMilliseconds", T::kDateTimeMilliseconds, 8, R},
      {153, 0, "flowEndMilliseconds", T::kDateTimeMilliseconds, 8, R},
      {154, 0, "flowStartMicroseconds", T::kDateTimeMicroseconds, 8, R},
      {155, 0, "flowEndMicroseconds", T::kDateTimeMicroseconds, 8, R},
      {156, 0, "flowStartNanoseconds", T::kDateTimeNanoseconds, 8, R},
      {157, 0, "flowEndNanoseconds", T::kDateTimeNanoseconds, 8, R},
      {160, 0, "systemInitTimeMilliseconds", T::kDateTimeMilliseconds, 8, F},
      {161, 0, "flowDurationMilliseconds", T::kUnsigned32, 4, R},
      {162, 0, "flowDurationMicroseconds", T::kUnsigned32, 4, R},
      {163, 0, "observedFlowTotalCount", T::kUnsigned64, 8, F},
      {164, 0, "ignoredPacketTotalCount", T::kUnsigned64, 8, F},
      {165, 0, "ignoredOctetTotalCount", T::kUnsigned64, 8, F},
      {166, 0, "notSentFlowTotalCount", T::kUnsigned64, 8, F},
      {167, 0, "notSentPacketTotalCount", T::kUnsigned64, 8, F},
      {168, 0, "notSentOctetTotalCount", T::kUnsigned64, 8, F},
      {176, 0, "icmpTypeIPv4", T::kUnsigned8, 1, R},
      {177, 0, "icmpCodeIPv4", T::kUnsigned8, 1, R},
      {178, 0, "icmpTypeIPv6", T::kUnsigned8, 1, R},
      {179, 0, "icmpCodeIPv6", T::kUnsigned8, 1, R},
      {210, 0, "paddingOctets", T::kOctetArray, kVar, F},
      {225, 0, "postNATSourceIPv4Address", T::kIpv4Address, 4, F},
      {226, 0, "postNATDestinationIPv4Address", T::kIpv4Address, 4, F},
      {227, 0, "postNAPTSourceTransportPort", T::kUnsigned16, 2, F},
      {228, 0, "postNAPTDestinationTransportPort", T::kUnsigned16, 2, F},
      {230, 0, "natEvent", T::kUnsigned8, 1, F},
      {281, 0, "postNATSourceIPv6Address", T::kIpv6Address, 16, F},
      {282, 0, "postNATDestinationIPv6Address", T::kIpv6Address, 16, F},
      {302, 0, "selectorId", T::kUnsigned64, 8, F},
      {304, 0, "selectorAlgorithm", T::kUnsigned16, 2, F},
      {305, 0, "samplingPacketInterval", T::kUnsigned32, 4, F},
      {306, 0, "samplingPacketSpace", T::kUnsigned32, 4, F},
      {309, 0, "samplingSize", T::kUnsigned32, 4, F},
      {310, 0, "samplingPopulation", T::kUnsigned32, 4, F},
      {311, 0, "samplingProbability", T::kFloat64, 8, F},
      {312, 0, "dataLinkFrameSize", T::kUnsigned16, 2, F},
      {313, 0, "ipHeaderPacketSection", T::kOctetArray, kVar, F},
      {314, 0, "ipPayloadPacketSection", T::kOctetArray, kVar, F},
      {315, 0, "dataLinkFrameSection", T::kOctetArray, kVar, F},
      {318, 0, "selectorIdTotalPktsObserved", T::kUnsigned64, 8, F},
      {319, 0, "selectorIdTotalPktsSelected", T::kUnsigned64, 8, F},
      {351, 0, "layer2SegmentId", T::kUnsigned64, 8, F},
      {408, 0, "dataLinkFrameType", T::kUnsigned16, 2, F},
      {409, 0, "sectionOffset", T::kUnsigned16, 2, F},
      {410, 0, "sectionExportedOctets", T::kUnsigned16, 2, F},
  };
  std::sort(v.begin(), v.end(),
            [](const InformationElement& a, const InformationElement& b) { return a.id < b.id; });
  return v;
}

}  // namespace

const std::vector<InformationElement>& AllInformationElements() {
  static const std::vector<InformationElement> kRegistry = BuildRegistry();
  return kRegistry;
}

const std::vector<InformationElement>& VantageInformationElements() {
  // The outer endpoints of a tunnel the exporter opened (--tunnels inner): the IANA registry
  // has tunnelTechnology (289) and pseudowire / MPLS endpoints, but nothing for these.
  static const std::vector<InformationElement> kElements = {
      {vie::kTunnelSourceIPv4Address, kVantagePen, "tunnelSourceIPv4Address", IeType::kIpv4Address,
       4, false},
      {vie::kTunnelDestinationIPv4Address, kVantagePen, "tunnelDestinationIPv4Address",
       IeType::kIpv4Address, 4, false},
      {vie::kTunnelSourceIPv6Address, kVantagePen, "tunnelSourceIPv6Address", IeType::kIpv6Address,
       16, false},
      {vie::kTunnelDestinationIPv6Address, kVantagePen, "tunnelDestinationIPv6Address",
       IeType::kIpv6Address, 16, false},
  };
  return kElements;
}

const InformationElement* FindInformationElement(uint32_t enterprise, uint16_t id) {
  if (enterprise == kVantagePen) {
    for (const auto& e : VantageInformationElements()) {
      if (e.id == id) return &e;
    }
    return nullptr;
  }
  if (enterprise != 0 && enterprise != kReversePen) return nullptr;
  const auto& all = AllInformationElements();
  auto it = std::lower_bound(all.begin(), all.end(), id,
                             [](const InformationElement& e, uint16_t v) { return e.id < v; });
  if (it == all.end() || it->id != id) return nullptr;
  if (enterprise == kReversePen && !it->reversible) return nullptr;
  return &*it;
}

const InformationElement* FindInformationElementByName(std::string_view name) {
  for (const auto& e : AllInformationElements()) {
    if (e.name == name) return &e;
  }
  return nullptr;
}

std::string ReverseName(const InformationElement& ie) {
  std::string s = "reverse";
  s += ie.name;
  if (s.size() > 7) s[7] = static_cast<char>(std::toupper(static_cast<unsigned char>(s[7])));
  return s;
}

}  // namespace vantage::wire
