// NetFlow v9 (RFC 3954): a packet written by hand after the RFC's section 5 layout,
// writer/reader agreement, header count and sequence, options templates, bad input.
#include <gtest/gtest.h>

#include "test-util.h"
#include "vantage/wire/v9/message-reader.h"
#include "vantage/wire/v9/message-writer.h"

namespace vantage::wire::v9 {
namespace {

using core::ByteReader;
using core::ByteWriter;
using test::Hex;
using test::RecordingHandler;

std::vector<uint8_t> Packet(uint16_t count, uint32_t sourceId, const std::string& flowSets) {
  std::vector<uint8_t> sets = Hex(flowSets);
  std::vector<uint8_t> out;
  ByteWriter w(out);
  w.WriteU16(9);
  w.WriteU16(count);
  w.WriteU32(100000);      // sysUpTime
  w.WriteU32(1700000000);  // unix seconds
  w.WriteU32(12);          // sequence
  w.WriteU32(sourceId);
  w.WriteBytes(sets.data(), sets.size());
  return out;
}

TEST(V9SessionTest, DecodesHandWrittenPacket) {
  // Template FlowSet (id 0) with template 256: IN_BYTES(1)/4, IN_PKTS(2)/4, PROTOCOL(4)/1,
  // L4_SRC_PORT(7)/2, IPV4_SRC_ADDR(8)/4, FIRST_SWITCHED(22)/4, LAST_SWITCHED(21)/4;
  // data FlowSet with two 23-byte records and 2 bytes of padding.
  auto pkt = Packet(3, 7,
                    "0000 0024 0100 0007 0001 0004 0002 0004 0004 0001 0007 0002 0008 0004"
                    "0016 0004 0015 0004"
                    "0100 0034"
                    "000003e8 0000000a 06 1f90 0a000001 00015f90 000186a0"
                    "00000040 00000001 11 0035 0a000002 000182b8 000182b8"
                    "0000");
  Session s;
  RecordingHandler h;
  auto st = s.Decode(ByteReader(pkt), h);
  ASSERT_TRUE(st) << st.GetError().ToString();
  ASSERT_EQ(h.messages.size(), 1u);
  EXPECT_EQ(h.messages[0].version, 9);
  EXPECT_EQ(h.messages[0].observationDomain, 7u);
  EXPECT_EQ(h.messages[0].sequence, 12u);
  EXPECT_EQ(h.messages[0].sysUpTimeMs, 100000u);
  ASSERT_EQ(h.flows.size(), 2u);
  EXPECT_EQ(h.flows[0].octets, 1000u);
  EXPECT_EQ(h.flows[0].packets, 10u);
  EXPECT_EQ(h.flows[0].key.srcPort, 8080);
  EXPECT_EQ(h.flows[0].key.src.ToString(), "10.0.0.1");
  EXPECT_EQ(h.flows[0].start, core::Timestamp::FromMillis(1700000000000 - 10000));
  EXPECT_EQ(h.flows[0].end, core::Timestamp::FromSeconds(1700000000));
  EXPECT_EQ(h.flows[1].key.protocol, 17);
  EXPECT_EQ(h.flows[1].start, core::Timestamp::FromMillis(1700000000000 - 1000));
  EXPECT_TRUE(s.Anomalies().Empty());
  EXPECT_NE(s.FindTemplate(7, 256), nullptr);
  EXPECT_EQ(s.FindTemplate(8, 256), nullptr);
}

TEST(V9SessionTest, WrongCountIsCountedButSoftflowdStyleIsAccepted) {
  const std::string sets = "0000 000c 0100 0001 0001 0004  0100 0008 00000005";
  Session s;
  RecordingHandler h;
  ASSERT_TRUE(s.Decode(ByteReader(Packet(1, 1, sets)), h));  // data records only
  EXPECT_EQ(s.Anomalies().Get("v9.bad_count"), 0u);
  ASSERT_TRUE(s.Decode(ByteReader(Packet(5, 1, sets)), h));
  EXPECT_EQ(s.Anomalies().Get("v9.bad_count"), 1u);
}

TEST(V9SessionTest, OptionsTemplateWithScope) {
  // Options template 257: scope System(1)/4; options SAMPLING_INTERVAL(34)/4,
  // SAMPLING_ALGORITHM(35)/1; padded to 4 bytes.
  auto pkt = Packet(2, 1,
                    "0001 0018 0101 0004 0008 0001 0004 0022 0004 0023 0001 0000"
                    "0101 0010 0a000001 00000064 02 000000");
  Session s;
  RecordingHandler h;
  auto st = s.Decode(ByteReader(pkt), h);
  ASSERT_TRUE(st) << st.GetError().ToString();
  ASSERT_EQ(h.templates.size(), 1u);
  EXPECT_EQ(h.templates[0].scopeFieldCount, 1);
  ASSERT_EQ(h.options.size(), 1u);
  EXPECT_EQ(h.options[0][1].value, 100u);
  EXPECT_EQ(h.options[0][2].value, 2u);
}

TEST(V9SessionTest, BadInputIsCountedWithOffsets) {
  Session s;
  RecordingHandler h;
  auto st = s.Decode(ByteReader(Hex("0009 0001 0000")), h);
  ASSERT_FALSE(st);
  EXPECT_EQ(s.Anomalies().Get("v9.truncated"), 1u);
  auto wrong = Packet(0, 1, "");
  wrong[1] = 10;
  EXPECT_EQ(s.Decode(ByteReader(wrong), h).GetError().code, core::ErrorCode::kUnsupported);
  EXPECT_EQ(s.Anomalies().Get("v9.bad_version"), 1u);
  st = s.Decode(ByteReader(Packet(1, 1, "0000 0030 0100 0001 0001 0004")), h);
  ASSERT_FALSE(st);
  EXPECT_EQ(st.GetError().offset, 20u);
  EXPECT_EQ(s.Anomalies().Get("v9.set_too_long"), 1u);
  // empty template and all-zero-length template: refused and counted
  st = s.Decode(ByteReader(Packet(2, 1,
                                  "0000 0014 0100 0000 0101 0002 0001 0000 0002 0000"
                                  "0101 0008 00000000")),
                h);
  ASSERT_FALSE(st);
  EXPECT_EQ(s.Anomalies().Get("v9.empty_template"), 1u);
  EXPECT_EQ(s.Anomalies().Get("v9.zero_length_template"), 1u);
  EXPECT_EQ(s.Anomalies().Get("v9.unknown_template"), 1u);
  EXPECT_EQ(s.TemplateCount(), 0u);
  st = s.Decode(ByteReader(Packet(1, 1, "0001 000c 0102 0003 0004 0000")), h);
  ASSERT_FALSE(st);
  EXPECT_EQ(s.Anomalies().Get("v9.bad_options_template"), 1u);
  st = s.Decode(ByteReader(Packet(1, 1, "0000 000c 0100 0002 0001 0004")), h);
  EXPECT_EQ(s.Anomalies().Get("v9.truncated_template"), 1u);
  DecoderLimits limits;
  limits.maxTemplatesPerDomain = 1;
  Session small(limits);
  st = small.Decode(ByteReader(Packet(2, 1, "0000 0014 0100 0001 0001 0004 0101 0001 0001 0004")),
                    h);
  ASSERT_FALSE(st);
  EXPECT_EQ(st.GetError().code, core::ErrorCode::kLimit);
  EXPECT_EQ(small.Anomalies().Get("v9.template_limit"), 1u);
}

TEST(V9WriterTest, CountSequenceSizeAndRoundTrip) {
  std::vector<std::vector<uint8_t>> pkts;
  WriterConfig cfg;
  cfg.sourceId = 3;
  cfg.maxMessageSize = 400;
  MessageWriter w(cfg, [&](std::vector<uint8_t> p) { pkts.push_back(std::move(p)); });
  w.SetClock(1700000000, 5000000);
  FlowTemplateOptions o;
  o.sysUpTime = true;
  Template t = MakeFlowTemplate(256, o);
  ASSERT_TRUE(w.AddTemplate(t));
  Template opts{257, {{1, 4}, {ie::kSamplingInterval, 4}}, 1};
  ASSERT_TRUE(w.AddTemplate(opts));
  std::vector<OptionValue> ov(2);
  ov[1].value = 64;
  ASSERT_TRUE(w.AddOptionsRecord(257, ov));
  std::mt19937_64 rng(3);
  std::vector<core::FlowRecord> flows;
  for (int i = 0; i < 50; ++i) {
    auto r = test::RandomRecord(rng, o);
    r.start = core::Timestamp::FromMillis(1700000000000 - 1000 * i);
    r.end = r.start + core::Duration::Millis(500);
    flows.push_back(r);
    ASSERT_TRUE(w.AddFlowRecord(256, r));
  }
  w.Flush();
  EXPECT_EQ(w.Sequence(), pkts.size());
  Session s;
  RecordingHandler h;
  for (size_t i = 0; i < pkts.size(); ++i) {
    EXPECT_LE(pkts[i].size(), 400u);
    EXPECT_EQ(pkts[i].size() % 4, 0u);
    auto st = s.Decode(ByteReader(pkts[i]), h);
    ASSERT_TRUE(st) << st.GetError().ToString();
    EXPECT_EQ(h.messages.back().sequence, i);
    EXPECT_EQ(h.messages.back().observationDomain, 3u);
  }
  EXPECT_EQ(s.Anomalies().Get("v9.bad_count"), 0u);  // count includes template records
  uint32_t totalCount = 0;
  for (const auto& m : h.messages) totalCount += m.count;
  EXPECT_EQ(totalCount, 2u + 1 + 50);
  ASSERT_EQ(h.options.size(), 1u);
  EXPECT_EQ(h.options[0][1].value, 64u);
  ASSERT_EQ(h.flows.size(), flows.size());
  for (size_t i = 0; i < flows.size(); ++i) {
    EXPECT_EQ(h.flows[i].ToCanonicalString(), flows[i].ToCanonicalString());
  }
}

TEST(V9WriterTest, RefusesWhatV9CannotCarry) {
  MessageWriter w({}, [](std::vector<uint8_t>) {});
  FlowTemplateOptions o;
  o.biflow = true;
  EXPECT_EQ(w.AddTemplate(MakeFlowTemplate(256, o)).GetError().code, core::ErrorCode::kUnsupported);
  EXPECT_FALSE(w.AddTemplate(Template{256, {{ie::kPaddingOctets, kVariableLength}}}));
  EXPECT_FALSE(w.AddTemplate(Template{255, {{1, 4}}}));
  EXPECT_EQ(w.AddFlowRecord(256, {}).GetError().code, core::ErrorCode::kNotFound);
}

}  // namespace
}  // namespace vantage::wire::v9
