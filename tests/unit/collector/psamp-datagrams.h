// The datagrams of real exporters that send sampled packet headers and sampler options
// instead of counters (issue 17), written byte by byte: used by the collector unit tests, the
// tshark interop test (which decodes the same bytes) and the collector fuzz corpus.
#pragma once

#include <string>
#include <vector>

#include "../wire/psamp-builder.h"
#include "vantage/wire/information-element.h"

namespace vantage::collector::test {

using wire::testing::Bytes;
using wire::testing::Spec;
namespace ie = wire::ie;
namespace wt = wire::testing;

inline constexpr uint16_t kVar = wire::kVariableLength;
inline constexpr uint16_t kFrameTemplate = 256;     // ingress, frame size, frame section
inline constexpr uint16_t kSelectorTemplate = 257;  // selector id, ingress, frame size, section
inline constexpr uint16_t kSelectorOptions = 258;   // scope selector id; interval, space
inline constexpr uint16_t kRawTemplate = 259;       // addresses, counters, unmapped elements
inline constexpr uint16_t kNoKeyTemplate = 260;     // interface and counters only
inline constexpr uint16_t kIpHeaderTemplate = 261;  // ipHeaderPacketSection

/// @brief Ethernet, IPv4 10.1.2.3:43210 > 192.0.2.7:443 TCP SYN-ACK, ToS 0x28, TTL 61.
inline Bytes EthIpv4Tcp() {
  wt::PacketSpec s;
  s.src = "10.1.2.3";
  s.dst = "192.0.2.7";
  s.srcPort = 43210;
  s.dstPort = 443;
  s.tcpFlags = 0x12;
  s.tos = 0x28;
  s.ttl = 61;
  return wt::Frame(s);
}

/// @brief Ethernet, 802.1Q VLAN 100, IPv4 10.9.9.9:5353 > 10.8.8.8:53 UDP.
inline Bytes VlanIpv4Udp() {
  wt::PacketSpec s;
  s.vlans = {100};
  s.src = "10.9.9.9";
  s.dst = "10.8.8.8";
  s.protocol = 17;
  s.srcPort = 5353;
  s.dstPort = 53;
  s.payload = 12;
  return wt::Frame(s);
}

/// @brief Ethernet, IPv6 2001:db8::1 > fc00:1::e with an SRv6 header (3 segments), TCP 443.
inline Bytes Ipv6Srv6Tcp() {
  Bytes f = wt::EthernetHeader({}, 0x86dd);
  wt::Append(f, wt::Srv6Packet("2001:db8::1", {"fc00:1::e", "fc00:2::d6", "fc00:3::1"}));
  return f;
}

/// @brief Not a frame the decoder can read (an IPv4 ethertype with version 7 inside).
inline Bytes Undecodable() {
  Bytes f = wt::EthernetHeader({}, 0x0800);
  f.resize(60, 0x77);
  return f;
}

/// @brief Ethernet, MPLS labels 16001/24, IPv4 10.5.5.5:2000 > 10.6.6.6:80 TCP (L3VPN).
inline Bytes MplsIpv4Tcp() {
  wt::PacketSpec s;
  s.link = wire::LinkType::kRawIp;
  s.src = "10.5.5.5";
  s.dst = "10.6.6.6";
  s.srcPort = 2000;
  s.dstPort = 80;
  return wt::MplsFrame({16001, 24}, false, wt::Frame(s));
}

/// @brief Ethernet over MPLS (RFC 4448): label 299776, the pseudowire control word, then the
/// customer's Ethernet frame with IPv4 172.16.0.1:3333 > 172.16.0.2:22 TCP.
inline Bytes MplsPseudowireTcp() {
  wt::PacketSpec s;
  s.src = "172.16.0.1";
  s.dst = "172.16.0.2";
  s.srcPort = 3333;
  s.dstPort = 22;
  return wt::MplsFrame({299776}, true, wt::Frame(s));
}

inline Bytes FrameRecord(const Bytes& frame, uint32_t ingress = 7) {
  Bytes r;
  wt::Put32(r, ingress);
  wt::Put16(r, static_cast<uint16_t>(frame.size() + 100));  // the frame on the wire was longer
  wt::PutVar(r, frame);
  return r;
}

inline Bytes FrameTemplateSet() {
  return wt::Set(2, wt::IpfixTemplate(kFrameTemplate, {{ie::kIngressInterface, 4},
                                                       {ie::kDataLinkFrameSize, 2},
                                                       {ie::kDataLinkFrameSection, kVar}}));
}

inline Bytes SelectorTemplateSet() {
  return wt::Set(2, wt::IpfixTemplate(kSelectorTemplate, {{ie::kSelectorId, 8},
                                                          {ie::kIngressInterface, 4},
                                                          {ie::kDataLinkFrameSize, 2},
                                                          {ie::kDataLinkFrameSection, kVar}}));
}

inline Bytes SelectorRecord(uint64_t selector, const Bytes& frame) {
  Bytes r;
  wt::PutN(r, 8, selector);
  wt::Append(r, FrameRecord(frame));
  return r;
}

/// @brief PSAMP selector report: selector `id` takes 1 packet in every `rate`.
inline std::vector<Bytes> SelectorOptionsSets(uint64_t selector, uint32_t rate) {
  Bytes rec;
  wt::PutN(rec, 8, selector);
  wt::Put32(rec, 1);
  wt::Put32(rec, rate - 1);
  return {wt::Set(3, wt::IpfixTemplate(kSelectorOptions,
                                       {{ie::kSelectorId, 8},
                                        {ie::kSamplingPacketInterval, 4},
                                        {ie::kSamplingPacketSpace, 4}},
                                       1)),
          wt::Set(kSelectorOptions, rec)};
}

/// @brief Template then frame sections: TCP, 802.1Q UDP, IPv6 with SRv6, one undecodable.
inline Bytes FrameSectionsMessage(uint32_t sequence = 0) {
  Bytes data = FrameRecord(EthIpv4Tcp());
  wt::Append(data, FrameRecord(VlanIpv4Udp(), 8));
  wt::Append(data, FrameRecord(Ipv6Srv6Tcp(), 9));
  wt::Append(data, FrameRecord(Undecodable(), 10));
  return wt::IpfixMessage(1, sequence, {FrameTemplateSet(), wt::Set(kFrameTemplate, data)});
}

/// @brief MPLS frame sections: an L3VPN packet and an Ethernet-over-MPLS pseudowire.
inline Bytes MplsMessage() {
  Bytes data = FrameRecord(MplsIpv4Tcp(), 11);
  wt::Append(data, FrameRecord(MplsPseudowireTcp(), 12));
  return wt::IpfixMessage(1, 0, {FrameTemplateSet(), wt::Set(kFrameTemplate, data)});
}

/// @brief A frame section cut inside its IPv4 header.
inline Bytes ShortSectionMessage() {
  Bytes frame = EthIpv4Tcp();
  frame.resize(24);
  return wt::IpfixMessage(1, 0, {FrameTemplateSet(), wt::Set(kFrameTemplate, FrameRecord(frame))});
}

/// @brief The data set first, its template after it, in one message (some Cisco exporters).
inline Bytes DataBeforeTemplateMessage() {
  return wt::IpfixMessage(1, 0,
                          {wt::Set(kFrameTemplate, FrameRecord(EthIpv4Tcp())), FrameTemplateSet()});
}

/// @brief Sampler options, then records naming the sampler, in one message.
inline Bytes OptionsThenDataMessage(uint64_t selector, uint32_t rate) {
  auto sets = SelectorOptionsSets(selector, rate);
  sets.push_back(SelectorTemplateSet());
  sets.push_back(wt::Set(kSelectorTemplate, SelectorRecord(selector, EthIpv4Tcp())));
  return wt::IpfixMessage(1, 0, sets);
}

/// @brief Records naming a sampler whose rate comes in a later message.
inline Bytes DataNamingSelectorMessage(uint64_t selector, uint32_t sequence = 0) {
  return wt::IpfixMessage(
      1, sequence,
      {SelectorTemplateSet(), wt::Set(kSelectorTemplate, SelectorRecord(selector, VlanIpv4Udp()))});
}
inline Bytes SelectorOptionsMessage(uint64_t selector, uint32_t rate, uint32_t sequence) {
  return wt::IpfixMessage(1, sequence, SelectorOptionsSets(selector, rate));
}

/// @brief A flow record with elements no FlowRecord field holds: flowDirection, an enterprise
/// element (PEN 9999) and an unregistered IANA element.
inline Bytes UnknownElementsMessage() {
  Bytes r;
  wt::Put32(r, 0x0a000001);
  wt::Put32(r, 0x0a000002);
  wt::Put8(r, 6);
  wt::PutN(r, 8, 3);
  wt::PutN(r, 8, 180);
  wt::Put8(r, 1);
  wt::Put32(r, 0xdeadbeef);
  wt::PutVar(r, Bytes{'h', 'i'});
  return wt::IpfixMessage(
      1, 0,
      {wt::Set(2, wt::IpfixTemplate(kRawTemplate, {{ie::kSourceIPv4Address, 4},
                                                   {ie::kDestinationIPv4Address, 4},
                                                   {ie::kProtocolIdentifier, 1},
                                                   {ie::kPacketDeltaCount, 8},
                                                   {ie::kOctetDeltaCount, 8},
                                                   {ie::kFlowDirection, 1},
                                                   {12, 4, 9999},
                                                   {999, kVar}})),
       wt::Set(kRawTemplate, r)});
}

/// @brief A record with only an interface and counters: no flow key can be built.
inline Bytes NoKeyMessage() {
  Bytes r;
  wt::Put32(r, 3);
  wt::PutN(r, 8, 10);
  return wt::IpfixMessage(
      1, 0,
      {wt::Set(2, wt::IpfixTemplate(kNoKeyTemplate,
                                    {{ie::kIngressInterface, 4}, {ie::kPacketDeltaCount, 8}})),
       wt::Set(kNoKeyTemplate, r)});
}

/// @brief NetFlow v9 sampled NetFlow (Cisco style): sampler options (FLOW_SAMPLER_ID 48,
/// FLOW_SAMPLER_MODE 49, FLOW_SAMPLER_RANDOM_INTERVAL 50, scoped to the system) and flow
/// records naming sampler 2.
inline Bytes V9SamplerPacket(uint32_t rate) {
  Bytes opt;
  wt::Put32(opt, 0);  // scope: system
  wt::Put8(opt, 2);
  wt::Put8(opt, 2);  // random sampling
  wt::Put32(opt, rate);
  opt.push_back(0);  // FlowSet padding to 4 bytes
  opt.push_back(0);
  Bytes data;
  wt::Put32(data, 0x0a000101);
  wt::Put32(data, 0x0a000202);
  wt::Put8(data, 17);
  wt::Put16(data, 1000);
  wt::Put16(data, 53);
  wt::Put32(data, 2);
  wt::Put32(data, 150);
  wt::Put8(data, 2);
  data.push_back(0);  // FlowSet padding to 4 bytes
  data.push_back(0);
  return wt::V9Packet(5, 0, 4,
                      {wt::Set(1, wt::V9OptionsTemplate(300, {{1, 4}},
                                                        {{ie::kSamplerId, 1},
                                                         {ie::kSamplerMode, 1},
                                                         {ie::kSamplerRandomInterval, 4}})),
                       wt::Set(300, opt),
                       wt::Set(0, wt::V9Template(301, {{ie::kSourceIPv4Address, 4},
                                                       {ie::kDestinationIPv4Address, 4},
                                                       {ie::kProtocolIdentifier, 1},
                                                       {ie::kSourceTransportPort, 2},
                                                       {ie::kDestinationTransportPort, 2},
                                                       {ie::kPacketDeltaCount, 4},
                                                       {ie::kOctetDeltaCount, 4},
                                                       {ie::kSamplerId, 1}})),
                       wt::Set(301, data)});
}

}  // namespace vantage::collector::test
