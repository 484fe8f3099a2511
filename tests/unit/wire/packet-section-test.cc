// Sampled packet headers in flow records (IEs 312-315, 408-410) decoded with the shared packet
// decoder: Ethernet, 802.1Q, QinQ, IPv6 with an SRv6 header, IP header and payload sections,
// and bad sections counted under named anomalies without filling the record.
#include "vantage/wire/packet-section.h"

#include <gtest/gtest.h>

#include "psamp-builder.h"
#include "test-util.h"
#include "vantage/wire/ipfix/message-reader.h"

namespace vantage::wire {
namespace {

using testing::Bytes;
using testing::PacketSpec;
using testing::Spec;

constexpr uint16_t kVar = kVariableLength;

// ingressInterface, dataLinkFrameSize, dataLinkFrameSection: what such routers send.
const std::vector<Spec> kFrameFields = {
    {ie::kIngressInterface, 4}, {ie::kDataLinkFrameSize, 2}, {ie::kDataLinkFrameSection, kVar}};

// Decodes one message holding template 256 with `fields` and one record.
test::RecordingHandler DecodeOne(const std::vector<Spec>& fields, const Bytes& record) {
  ipfix::Session s;
  test::RecordingHandler h;
  auto msg = testing::IpfixMessage(
      1, 0, {testing::Set(2, testing::IpfixTemplate(256, fields)), testing::Set(256, record)});
  auto st = s.Decode(core::ByteReader(msg), h);
  EXPECT_TRUE(st) << st.GetError().ToString();
  return h;
}

Bytes FrameRecord(const Bytes& frame, uint16_t frameSize = 1514) {
  Bytes r;
  testing::Put32(r, 7);
  testing::Put16(r, frameSize);
  testing::PutVar(r, frame);
  return r;
}

TEST(PacketSectionTest, EthernetIpv4TcpFillsKeyAndCountsOnePacketOfTheFrameSize) {
  PacketSpec spec;
  spec.src = "10.1.2.3";
  spec.dst = "192.0.2.7";
  spec.srcPort = 43210;
  spec.dstPort = 443;
  spec.tcpFlags = 0x12;
  spec.tos = 0x28;
  spec.ttl = 61;
  auto h = DecodeOne(kFrameFields, FrameRecord(testing::Frame(spec)));
  ASSERT_EQ(h.flows.size(), 1u);
  const auto& r = h.flows[0];
  EXPECT_EQ(r.key.src.ToString(), "10.1.2.3");
  EXPECT_EQ(r.key.dst.ToString(), "192.0.2.7");
  EXPECT_EQ(r.key.srcPort, 43210);
  EXPECT_EQ(r.key.dstPort, 443);
  EXPECT_EQ(r.key.protocol, 6);
  EXPECT_EQ(r.key.tos, 0x28);
  EXPECT_EQ(r.tcpFlags, 0x12);
  EXPECT_EQ(r.minTtl, 61);
  EXPECT_EQ(r.key.ingressInterface, 7u);
  EXPECT_EQ(r.packets, 1u);
  EXPECT_EQ(r.octets, 1514u);
  EXPECT_EQ(r.srcMac[5], 1);
  EXPECT_EQ(r.dstMac[5], 2);
  EXPECT_TRUE(r.fromPacketSection);
  EXPECT_TRUE(r.rawElements.empty());
  EXPECT_EQ(h.anomalies.Total(), 0u);
}

TEST(PacketSectionTest, VlanAndQinQTagsAreRead) {
  PacketSpec spec;
  spec.vlans = {100};
  auto h = DecodeOne(kFrameFields, FrameRecord(testing::Frame(spec)));
  ASSERT_EQ(h.flows.size(), 1u);
  EXPECT_EQ(h.flows[0].key.vlan, 100);
  spec.vlans = {200, 300};
  h = DecodeOne(kFrameFields, FrameRecord(testing::Frame(spec)));
  ASSERT_EQ(h.flows.size(), 1u);
  EXPECT_EQ(h.flows[0].key.vlan, 200);  // the outer tag
  EXPECT_EQ(h.flows[0].key.srcPort, 1234);
}

TEST(PacketSectionTest, Ipv6WithSrv6RoutingHeaderReachesTcp) {
  Bytes frame = testing::EthernetHeader({}, 0x86dd);
  testing::Append(frame,
                  testing::Srv6Packet("2001:db8::1", {"fc00:1::e", "fc00:2::d6", "fc00:3::1"}));
  auto h = DecodeOne(kFrameFields, FrameRecord(frame, 0));
  ASSERT_EQ(h.flows.size(), 1u);
  const auto& r = h.flows[0];
  EXPECT_EQ(r.key.src.ToString(), "2001:db8::1");
  EXPECT_EQ(r.key.dst.ToString(), "fc00:1::e");
  EXPECT_EQ(r.key.protocol, 6);
  EXPECT_EQ(r.key.srcPort, 40000);
  EXPECT_EQ(r.key.dstPort, 443);
  EXPECT_EQ(r.tcpFlags, 0x02);
  EXPECT_EQ(r.octets, 40u + 8 + 48 + 20);  // no frame size: the IPv6 length
  EXPECT_EQ(h.anomalies.Total(), 0u);
}

TEST(PacketSectionTest, RecordElementsWinOverTheSection) {
  PacketSpec spec;
  Bytes r;
  testing::Put32(r, 7);
  testing::PutN(r, 8, 5);  // packetDeltaCount
  testing::PutVar(r, testing::Frame(spec));
  auto h = DecodeOne(
      {{ie::kIngressInterface, 4}, {ie::kPacketDeltaCount, 8}, {ie::kDataLinkFrameSection, kVar}},
      r);
  ASSERT_EQ(h.flows.size(), 1u);
  EXPECT_EQ(h.flows[0].packets, 5u);
  EXPECT_EQ(h.flows[0].key.src.ToString(), "10.0.0.1");
}

TEST(PacketSectionTest, IpHeaderAndPayloadSections) {
  PacketSpec spec;
  spec.link = LinkType::kRawIp;
  spec.protocol = 17;
  spec.srcPort = 5353;
  spec.dstPort = 53;
  Bytes ip = testing::Frame(spec);
  Bytes header(ip.begin(), ip.begin() + 20), payload(ip.begin() + 20, ip.end());
  // 313 alone: addresses and protocol, no ports (they are in the payload).
  Bytes r;
  testing::PutVar(r, header);
  auto h = DecodeOne({{ie::kIpHeaderPacketSection, kVar}}, r);
  ASSERT_EQ(h.flows.size(), 1u);
  EXPECT_EQ(h.flows[0].key.dst.ToString(), "10.0.0.2");
  EXPECT_EQ(h.flows[0].key.protocol, 17);
  EXPECT_EQ(h.flows[0].key.srcPort, 0);
  // 313 + 314: the whole packet.
  testing::PutVar(r, payload);
  h = DecodeOne({{ie::kIpHeaderPacketSection, kVar}, {ie::kIpPayloadPacketSection, kVar}}, r);
  ASSERT_EQ(h.flows.size(), 1u);
  EXPECT_EQ(h.flows[0].key.srcPort, 5353);
  EXPECT_EQ(h.flows[0].key.dstPort, 53);
  // 314 with the record's own addresses and protocol: the ports come from the payload.
  r.clear();
  testing::Put32(r, 0x0a000063);
  testing::Put8(r, 17);
  testing::PutVar(r, payload);
  h = DecodeOne({{ie::kSourceIPv4Address, 4},
                 {ie::kProtocolIdentifier, 1},
                 {ie::kIpPayloadPacketSection, kVar}},
                r);
  ASSERT_EQ(h.flows.size(), 1u);
  EXPECT_EQ(h.flows[0].key.src.ToString(), "10.0.0.99");
  EXPECT_EQ(h.flows[0].key.dstPort, 53);
}

TEST(PacketSectionTest, PaddingAfterSectionExportedOctetsIsIgnored) {
  PacketSpec spec;
  Bytes frame = testing::Frame(spec);
  const auto real = static_cast<uint16_t>(frame.size());
  frame.resize(frame.size() + 6, 0xee);  // padding the exporter added
  Bytes r;
  testing::Put16(r, real);
  testing::PutVar(r, frame);
  auto h = DecodeOne({{ie::kSectionExportedOctets, 2}, {ie::kDataLinkFrameSection, kVar}}, r);
  ASSERT_EQ(h.flows.size(), 1u);
  EXPECT_EQ(h.flows[0].key.dstPort, 80);
  EXPECT_EQ(h.anomalies.Total(), 0u);
}

// Every bad section is counted by name and leaves the record without a key.
struct BadCase {
  const char* name;
  std::vector<Spec> fields;
  Bytes record;
  const char* anomaly;
};

std::vector<BadCase> BadCases() {
  PacketSpec spec;
  const Bytes frame = testing::Frame(spec);
  std::vector<BadCase> cases;
  Bytes r;
  testing::PutVar(r, Bytes(frame.begin(), frame.begin() + 20));  // cut inside the IPv4 header
  cases.push_back({"truncated", {{ie::kDataLinkFrameSection, kVar}}, r, "section.truncated"});
  r.clear();
  testing::Put16(r, 2);  // IEEE 802.11
  testing::PutVar(r, frame);
  cases.push_back({"802.11",
                   {{ie::kDataLinkFrameType, 2}, {ie::kDataLinkFrameSection, kVar}},
                   r,
                   "section.unknown_frame_type"});
  r.clear();
  testing::Put16(r, 14);
  testing::PutVar(r, frame);
  cases.push_back({"offset",
                   {{ie::kSectionOffset, 2}, {ie::kDataLinkFrameSection, kVar}},
                   r,
                   "section.offset_not_zero"});
  r.clear();
  Bytes arp = testing::EthernetHeader({}, 0x0806);
  arp.resize(42, 0);
  testing::PutVar(r, arp);
  cases.push_back({"arp", {{ie::kDataLinkFrameSection, kVar}}, r, "section.not_ip"});
  r.clear();
  Bytes badVersion = testing::EthernetHeader({}, 0x0800);
  badVersion.resize(60, 0x77);
  testing::PutVar(r, badVersion);
  cases.push_back({"not ip inside", {{ie::kDataLinkFrameSection, kVar}}, r, "section.undecodable"});
  return cases;
}

TEST(PacketSectionTest, BadSectionsAreCountedAndFillNothing) {
  for (const auto& c : BadCases()) {
    SCOPED_TRACE(c.name);
    auto h = DecodeOne(c.fields, c.record);
    ASSERT_EQ(h.flows.size(), 1u);
    EXPECT_EQ(h.anomalies.Get(c.anomaly), 1u);
    EXPECT_FALSE(h.flows[0].key.src.IsSet());
    EXPECT_FALSE(h.flows[0].key.dst.IsSet());
    EXPECT_EQ(h.flows[0].packets, 0u);
    EXPECT_FALSE(h.flows[0].fromPacketSection);
  }
}

TEST(PacketSectionTest, SectionLongerThanItsRecordIsCountedAndDecodedAsFarAsPresent) {
  PacketSpec spec;
  Bytes frame = testing::Frame(spec);
  Bytes r;
  testing::Put16(r, static_cast<uint16_t>(frame.size() + 100));
  testing::PutVar(r, frame);
  auto h = DecodeOne({{ie::kSectionExportedOctets, 2}, {ie::kDataLinkFrameSection, kVar}}, r);
  ASSERT_EQ(h.flows.size(), 1u);
  EXPECT_EQ(h.anomalies.Get("section.longer_than_record"), 1u);
  EXPECT_EQ(h.flows[0].key.dstPort, 80);
  // A variable-length field longer than the set: the record is cut, nothing decoded.
  Bytes cut;
  testing::Put8(cut, 200);
  testing::Append(cut, frame);
  ipfix::Session s;
  test::RecordingHandler h2;
  auto msg = testing::IpfixMessage(
      1, 0,
      {testing::Set(2, testing::IpfixTemplate(256, {{ie::kDataLinkFrameSection, kVar}})),
       testing::Set(256, cut)});
  (void)s.Decode(core::ByteReader(msg), h2);
  EXPECT_TRUE(h2.flows.empty());
  EXPECT_EQ(s.Anomalies().Get("ipfix.truncated_record"), 1u);
}

TEST(PacketSectionTest, UnknownElementsAreKeptRaw) {
  Bytes r;
  testing::Put8(r, 1);                       // flowDirection: registered, no FlowRecord field
  testing::Put32(r, 0xdeadbeef);             // an enterprise element
  testing::PutVar(r, Bytes{'a', 'b', 'c'});  // an unregistered IANA element
  testing::Put32(r, 0x0a000001);
  auto h = DecodeOne(
      {{ie::kFlowDirection, 1}, {12, 4, 9999}, {999, kVar}, {ie::kSourceIPv4Address, 4}}, r);
  ASSERT_EQ(h.flows.size(), 1u);
  const auto& raw = h.flows[0].rawElements;
  ASSERT_EQ(raw.size(), 3u);
  EXPECT_EQ(raw[0], (core::RawElement{ie::kFlowDirection, 0, {1}}));
  EXPECT_EQ(raw[1], (core::RawElement{12, 9999, {0xde, 0xad, 0xbe, 0xef}}));
  EXPECT_EQ(raw[2], (core::RawElement{999, 0, {'a', 'b', 'c'}}));
  EXPECT_EQ(h.anomalies.Get("flow.unknown_ie"), 2u);  // the registry knows flowDirection
}

}  // namespace
}  // namespace vantage::wire

namespace vantage::wire {
namespace {

TEST(PacketSectionTest, MplsWithAndWithoutThePseudowireControlWord) {
  PacketSpec ip;
  ip.link = LinkType::kRawIp;
  ip.src = "10.5.5.5";
  ip.dstPort = 8080;
  // L3VPN: two labels, then IPv4.
  auto h = DecodeOne(kFrameFields,
                     FrameRecord(testing::MplsFrame({16001, 24}, false, testing::Frame(ip))));
  ASSERT_EQ(h.flows.size(), 1u);
  EXPECT_EQ(h.flows[0].key.src.ToString(), "10.5.5.5");
  EXPECT_EQ(h.flows[0].key.dstPort, 8080);
  ASSERT_EQ(h.flows[0].encap.mplsLabelCount, 2);
  EXPECT_EQ(h.flows[0].encap.mplsLabels[0] >> 4, 16001u);
  EXPECT_EQ(h.flows[0].encap.mplsLabels[1] >> 4, 24u);
  // Ethernet over MPLS: one label, the control word, the customer's tagged Ethernet frame.
  PacketSpec customer;
  customer.vlans = {42};
  customer.src = "172.16.0.1";
  customer.dstPort = 22;
  h = DecodeOne(kFrameFields,
                FrameRecord(testing::MplsFrame({299776}, true, testing::Frame(customer))));
  ASSERT_EQ(h.flows.size(), 1u);
  EXPECT_EQ(h.flows[0].key.src.ToString(), "172.16.0.1");
  EXPECT_EQ(h.flows[0].key.dstPort, 22);
  EXPECT_EQ(h.flows[0].key.vlan, 42);
  EXPECT_EQ(h.flows[0].encap.mplsLabels[0] >> 4, 299776u);
  EXPECT_EQ(h.anomalies.Total(), 0u);
  // The control word with no frame behind it; an associated channel (first nibble 1).
  h = DecodeOne(kFrameFields, FrameRecord(testing::MplsFrame({299776}, true, Bytes(6, 0x02))));
  EXPECT_EQ(h.anomalies.Get("section.decode.truncated_pseudowire"), 1u);
  EXPECT_FALSE(h.flows[0].key.src.IsSet());
  h = DecodeOne(kFrameFields, FrameRecord(testing::MplsFrame({13}, false, Bytes(40, 0x10))));
  EXPECT_EQ(h.anomalies.Get("section.not_ip"), 1u);
}

TEST(PacketSectionTest, NestedPseudowiresAreBounded) {
  PacketSpec customer;
  Bytes frame = testing::Frame(customer);
  for (int i = 0; i < 5; ++i) frame = testing::MplsFrame({100u + i}, true, frame);
  auto h = DecodeOne(kFrameFields, FrameRecord(frame));
  ASSERT_EQ(h.flows.size(), 1u);
  EXPECT_EQ(h.anomalies.Get("section.decode.pseudowire_too_deep"), 1u);
  EXPECT_FALSE(h.flows[0].key.src.IsSet());
}

}  // namespace
}  // namespace vantage::wire
