// FlowRecord <-> IE mapping: every time form, reduced-size encoding, ICMP, biflow, errors.
#include "vantage/wire/flow-codec.h"

#include <gtest/gtest.h>

#include "test-util.h"

namespace vantage::wire {
namespace {

using core::ByteReader;
using core::ByteWriter;
using core::FlowRecord;
using core::IpAddress;
using core::Timestamp;

FlowRecord Decode(const Template& t, const std::vector<uint8_t>& bytes, const TimeContext& ctx,
                  core::AnomalyCounters* anomalies = nullptr) {
  FlowRecord r;
  auto st = DecodeFlowRecord(t, ByteReader(bytes), ctx, r, anomalies);
  EXPECT_TRUE(st) << st.GetError().ToString();
  return r;
}

TEST(FlowCodecTest, DefaultTemplateCarriesTheSevenKeyFields) {
  Template t = MakeFlowTemplate(300, {});
  EXPECT_EQ(t.id, 300);
  for (uint16_t id : {ie::kSourceIPv4Address, ie::kDestinationIPv4Address, ie::kSourceTransportPort,
                      ie::kDestinationTransportPort, ie::kProtocolIdentifier, ie::kIpClassOfService,
                      ie::kIngressInterface, ie::kPacketDeltaCount, ie::kOctetDeltaCount,
                      ie::kFlowStartMilliseconds}) {
    EXPECT_GE(t.FindField(id), 0) << id;
  }
  EXPECT_FALSE(t.HasVariableLength());
  FlowTemplateOptions o6;
  o6.ipv6 = true;
  o6.biflow = true;
  Template v6 = MakeFlowTemplate(301, o6);
  EXPECT_GE(v6.FindField(ie::kSourceIPv6Address), 0);
  EXPECT_LT(v6.FindField(ie::kSourceIPv4Address), 0);
  EXPECT_GE(v6.FindField(ie::kOctetDeltaCount, kReversePen), 0);
  EXPECT_GT(v6.MinRecordLength(), t.MinRecordLength());
}

TEST(FlowCodecTest, EncodeDecodeKeepsEveryField) {
  FlowTemplateOptions o;
  o.vlan = o.macs = o.nat = o.sampling = true;
  Template t = MakeFlowTemplate(256, o);
  FlowRecord r;
  r.key.src = IpAddress::V4(0x0a000001);
  r.key.dst = IpAddress::V4(0xc0000202);
  r.key.srcPort = 43210;
  r.key.dstPort = 443;
  r.key.protocol = 6;
  r.key.tos = 0x28;
  r.key.vlan = 42;
  r.key.ingressInterface = 3;
  r.egressInterface = 7;
  r.packets = 10;
  r.octets = 12345;
  r.start = Timestamp::FromMillis(1700000000123);
  r.end = Timestamp::FromMillis(1700000004567);
  r.tcpFlags = 0x1b;
  r.minTtl = 60;
  r.maxTtl = 64;
  r.srcAs = 65001;
  r.dstAs = 15169;
  r.nextHop = IpAddress::V4(0x0a0000fe);
  r.srcMac = {1, 2, 3, 4, 5, 6};
  r.dstMac = {6, 5, 4, 3, 2, 1};
  r.endReason = core::FlowEndReason::kEndOfFlow;
  r.postNatSrc = IpAddress::V4(0xcb007101);
  r.postNatDst = IpAddress::V4(0xc0000202);
  r.postNatSrcPort = 1025;
  r.postNatDstPort = 443;
  r.natEvent = core::NatEvent::kNat44SessionCreate;
  r.samplingInterval = 100;
  std::vector<uint8_t> bytes;
  ByteWriter w(bytes);
  EncodeFlowRecord(t, r, w);
  EXPECT_EQ(bytes.size(), t.MinRecordLength());
  FlowRecord back = Decode(t, bytes, {});
  EXPECT_EQ(back.ToCanonicalString(), r.ToCanonicalString());
}

TEST(FlowCodecTest, ReducedSizeEncodingIsAccepted) {
  // RFC 7011 section 6.2: octetDeltaCount in 4 bytes, packetDeltaCount in 2.
  Template t{256,
             {{ie::kOctetDeltaCount, 4}, {ie::kPacketDeltaCount, 2}, {ie::kTcpControlBits, 1}}};
  auto r = Decode(t, test::Hex("00 01 00 00  00 05  12"), {});
  EXPECT_EQ(r.octets, 65536u);
  EXPECT_EQ(r.packets, 5u);
  EXPECT_EQ(r.tcpFlags, 0x12);
  // and written in the same widths
  std::vector<uint8_t> bytes;
  ByteWriter w(bytes);
  EncodeFlowRecord(t, r, w);
  EXPECT_EQ(bytes, test::Hex("00 01 00 00  00 05  12"));
}

TEST(FlowCodecTest, EveryTimeFormDecodesToTimestamp) {
  const int64_t ms = 1700000000123;
  {
    Template t{256, {{ie::kFlowStartSeconds, 4}, {ie::kFlowEndSeconds, 4}}};
    auto r = Decode(t, test::Hex("6553f100 6553f101"), {});
    EXPECT_EQ(r.start, Timestamp::FromSeconds(0x6553f100));
    EXPECT_EQ(r.end, Timestamp::FromSeconds(0x6553f101));
  }
  {
    Template t{256, {{ie::kFlowStartMilliseconds, 8}, {ie::kFlowEndMilliseconds, 8}}};
    std::vector<uint8_t> b;
    ByteWriter w(b);
    w.WriteU64(ms);
    w.WriteU64(ms + 5);
    auto r = Decode(t, b, {});
    EXPECT_EQ(r.start, Timestamp::FromMillis(ms));
    EXPECT_EQ(r.end, Timestamp::FromMillis(ms + 5));
  }
  {
    // dateTimeMicroseconds / Nanoseconds are NTP timestamps (RFC 7011 6.1.9-6.1.10).
    const Timestamp t0 = Timestamp::FromNanos(1700000000123456789);
    Template t{256, {{ie::kFlowStartMicroseconds, 8}, {ie::kFlowEndNanoseconds, 8}}};
    std::vector<uint8_t> b;
    ByteWriter w(b);
    w.WriteU64(t0.ToNtp64());
    w.WriteU64(t0.ToNtp64());
    auto r = Decode(t, b, {});
    EXPECT_EQ(r.start, Timestamp::FromMicros(1700000000123457));  // rounded to microseconds
    EXPECT_EQ(r.end, t0);
    // NTP seconds field: 1900 epoch
    EXPECT_EQ(b[0] << 24 | b[1] << 16 | b[2] << 8 | b[3], 1700000000 + 2208988800u);
  }
  {
    // v9 style: sysUpTime fields relative to the header's export time and sysUpTime.
    Template t{256, {{ie::kFlowStartSysUpTime, 4}, {ie::kFlowEndSysUpTime, 4}}};
    TimeContext ctx{1700000000, 100000, 0};
    auto r = Decode(t, test::Hex("00 01 5f 90  00 01 86 a0"), ctx);  // 90000, 100000 ms
    EXPECT_EQ(r.start, Timestamp::FromMillis(1700000000000 - 10000));
    EXPECT_EQ(r.end, Timestamp::FromSeconds(1700000000));
    // IPFIX style: systemInitTimeMilliseconds from an options record
    TimeContext init{1, 0, ms};
    r = Decode(t, test::Hex("00 00 00 0a  00 00 00 14"), init);
    EXPECT_EQ(r.start, Timestamp::FromMillis(ms + 10));
    EXPECT_EQ(r.end, Timestamp::FromMillis(ms + 20));
    // sysUpTime wrapped past 2^32 since the flow started
    TimeContext wrap{1700000000, 1000, 0};
    r = Decode(t, test::Hex("ff ff ff f6  00 00 03 e8"), wrap);
    EXPECT_EQ(r.start, Timestamp::FromMillis(1700000000000 - 1010));
  }
  {
    // systemInitTimeMilliseconds inside the record itself
    Template t{256, {{ie::kSystemInitTimeMilliseconds, 8}, {ie::kFlowStartSysUpTime, 4}}};
    std::vector<uint8_t> b;
    ByteWriter w(b);
    w.WriteU64(ms);
    w.WriteU32(7);
    auto r = Decode(t, b, {});
    EXPECT_EQ(r.start, Timestamp::FromMillis(ms + 7));
  }
}

TEST(FlowCodecTest, SysUpTimeWithoutBaseIsCounted) {
  Template t{256, {{ie::kFlowStartSysUpTime, 4}}};
  core::AnomalyCounters a;
  (void)Decode(t, test::Hex("00000001"), {}, &a);
  EXPECT_EQ(a.Get("flow.sysuptime_without_base"), 1u);
}

TEST(FlowCodecTest, IcmpTypeCodeFillsTypeCodeAndPort) {
  Template t{256, {{ie::kProtocolIdentifier, 1}, {ie::kIcmpTypeCodeIPv4, 2}}};
  auto r = Decode(t, test::Hex("01 0303"), {});
  EXPECT_EQ(r.icmpType, 3);
  EXPECT_EQ(r.icmpCode, 3);
  EXPECT_EQ(r.key.dstPort, 3 * 256 + 3);
  Template v6{256, {{ie::kProtocolIdentifier, 1}, {ie::kIcmpTypeIPv6, 1}, {ie::kIcmpCodeIPv6, 1}}};
  r = Decode(v6, test::Hex("3a 80 00"), {});
  EXPECT_EQ(r.icmpType, 128);
  EXPECT_EQ(r.key.dstPort, 128 * 256);
  // NetFlow convention without an ICMP element: type and code from the destination port
  Template port{256, {{ie::kProtocolIdentifier, 1}, {ie::kDestinationTransportPort, 2}}};
  r = Decode(port, test::Hex("01 0800"), {});
  EXPECT_EQ(r.icmpType, 8);
  EXPECT_EQ(r.icmpCode, 0);
}

TEST(FlowCodecTest, BiflowUsesReversePen) {
  FlowTemplateOptions ob;
  ob.biflow = true;
  Template t = MakeFlowTemplate(256, ob);
  FlowRecord r;
  r.key.src = IpAddress::V4(1);
  r.key.dst = IpAddress::V4(2);
  r.packets = 3;
  r.reversePackets = 4;
  r.reverseOctets = 500;
  std::vector<uint8_t> b;
  ByteWriter w(b);
  EncodeFlowRecord(t, r, w);
  auto back = Decode(t, b, {});
  EXPECT_EQ(back.reversePackets, 4u);
  EXPECT_EQ(back.reverseOctets, 500u);
  EXPECT_EQ(back.packets, 3u);
}

TEST(FlowCodecTest, UnknownAndMalformedFieldsAreCountedNotFatal) {
  Template t{
      256, {{999, 2, 12345}, {ie::kSourceIPv4Address, 3}, {40000, 1}, {ie::kPacketDeltaCount, 8}}};
  core::AnomalyCounters a;
  auto r = Decode(t, test::Hex("ffff 0a0000 00  0000000000000009"), {}, &a);
  EXPECT_EQ(r.packets, 9u);
  EXPECT_FALSE(r.key.src.IsSet());
  EXPECT_EQ(a.Get("flow.unknown_ie"), 2u);
  EXPECT_EQ(a.Get("flow.bad_length"), 1u);
}

TEST(FlowCodecTest, TruncatedRecordNamesOffset) {
  Template t{256, {{ie::kSourceIPv4Address, 4}, {ie::kOctetDeltaCount, 8}}};
  std::vector<uint8_t> b = test::Hex("0a000001 0000");
  FlowRecord r;
  core::AnomalyCounters a;
  auto st = DecodeFlowRecord(t, ByteReader(b.data(), b.size(), 100), {}, r, &a);
  ASSERT_FALSE(st);
  EXPECT_EQ(st.GetError().code, core::ErrorCode::kTruncated);
  EXPECT_EQ(st.GetError().offset, 104u);
  EXPECT_NE(st.GetError().message.find("need 8"), std::string::npos) << st.GetError().message;
  EXPECT_EQ(a.Get("flow.truncated_record"), 1u);
}

TEST(FlowCodecTest, GenericRecordRoundTripWithVariableLength) {
  Template t{300,
             {{ie::kObservationDomainId, 4},
              {ie::kExportedMessageTotalCount, 8},
              {ie::kPaddingOctets, kVariableLength},
              {1000, kVariableLength, 6871}},
             1};
  std::vector<OptionValue> v(4);
  v[0].value = 7;
  v[1].value = 123456789012345;
  v[2].bytes.assign(3, 0xab);
  v[3].bytes.assign(300, 0x5a);  // long form: 255 then a 2-byte length
  std::vector<uint8_t> b;
  ByteWriter w(b);
  EncodeGenericRecord(t, v, w);
  EXPECT_EQ(b.size(), 4u + 8 + 1 + 3 + 3 + 300);
  auto back = DecodeGenericRecord(t, ByteReader(b));
  ASSERT_TRUE(back) << back.GetError().ToString();
  ASSERT_EQ(back->size(), 4u);
  EXPECT_EQ((*back)[0].value, 7u);
  EXPECT_EQ((*back)[1].value, 123456789012345u);
  EXPECT_EQ((*back)[2].bytes, v[2].bytes);
  EXPECT_EQ((*back)[3].bytes, v[3].bytes);
  EXPECT_EQ((*back)[3].spec, t.fields[3]);
  b.pop_back();
  EXPECT_FALSE(DecodeGenericRecord(t, ByteReader(b)));
}

}  // namespace
}  // namespace vantage::wire
