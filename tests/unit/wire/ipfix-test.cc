// IPFIX messages (RFC 7011): bytes written by hand from the RFC, writer/reader agreement,
// size limits, sequence numbers, withdrawal, options, variable length, and hostile input.
#include <gtest/gtest.h>

#include "test-util.h"
#include "vantage/wire/ipfix/message-reader.h"
#include "vantage/wire/ipfix/message-writer.h"

namespace vantage::wire::ipfix {
namespace {

using core::ByteReader;
using core::ByteWriter;
using test::Hex;
using test::RecordingHandler;

// Wraps sets (hex) in a message header with the right length.
std::vector<uint8_t> Message(uint32_t domain, uint32_t sequence, const std::string& setsHex,
                             uint32_t exportTime = 1700000000) {
  std::vector<uint8_t> sets = Hex(setsHex);
  std::vector<uint8_t> out;
  ByteWriter w(out);
  w.WriteU16(10);
  w.WriteU16(static_cast<uint16_t>(16 + sets.size()));
  w.WriteU32(exportTime);
  w.WriteU32(sequence);
  w.WriteU32(domain);
  w.WriteBytes(sets.data(), sets.size());
  return out;
}

// RFC 7011 Appendix A.2: a template of five IEs with reduced-size (4-byte) counters, then a
// data set of three records.
const char* kRfcTemplateSet =
    "0002 001c  0100 0005  0008 0004  000c 0004  000f 0004  0002 0004  0001 0004";
const char* kRfcDataSet =
    "0100 0040"
    "c000020c c00002fe c0000201 00001391 00518c81"
    "c000021b c0000217 c0000202 000002ec 0005ef46"
    "c0000238 c0000241 c0000203 00000005 00001986";

TEST(IpfixSessionTest, DecodesRfc7011AppendixA) {
  auto msg = Message(0x1234, 0, std::string(kRfcTemplateSet) + kRfcDataSet);
  Session s;
  RecordingHandler h;
  auto st = s.Decode(ByteReader(msg), h);
  ASSERT_TRUE(st) << st.GetError().ToString();
  ASSERT_EQ(h.messages.size(), 1u);
  EXPECT_EQ(h.messages[0].observationDomain, 0x1234u);
  EXPECT_EQ(h.messages[0].exportTime, 1700000000u);
  ASSERT_EQ(h.templates.size(), 1u);
  EXPECT_EQ(h.templates[0].fields.size(), 5u);
  ASSERT_EQ(h.flows.size(), 3u);
  EXPECT_EQ(h.flows[0].key.src.ToString(), "192.0.2.12");
  EXPECT_EQ(h.flows[0].key.dst.ToString(), "192.0.2.254");
  EXPECT_EQ(h.flows[0].nextHop.ToString(), "192.0.2.1");
  EXPECT_EQ(h.flows[0].packets, 5009u);
  EXPECT_EQ(h.flows[0].octets, 5344385u);
  EXPECT_EQ(h.flows[1].packets, 748u);
  EXPECT_EQ(h.flows[1].octets, 388934u);
  EXPECT_EQ(h.flows[2].key.src.ToString(), "192.0.2.56");
  EXPECT_EQ(h.flows[2].octets, 6534u);
  EXPECT_TRUE(s.Anomalies().Empty());
  ASSERT_NE(s.FindTemplate(0x1234, 256), nullptr);
  EXPECT_EQ(s.FindTemplate(0x1235, 256), nullptr);  // templates are per domain
}

TEST(IpfixSessionTest, DataBeforeTemplateIsReportedMissing) {
  Session s;
  RecordingHandler h;
  auto msg = Message(1, 0, kRfcDataSet);
  EXPECT_TRUE(s.Decode(ByteReader(msg), h));
  EXPECT_EQ(h.missing, std::vector<uint16_t>{256});
  EXPECT_EQ(s.Anomalies().Get("ipfix.unknown_template"), 1u);
}

TEST(IpfixSessionTest, SetPaddingAndVariableLengthFields) {
  // Template 257: sourceIPv4Address, then a variable-length paddingOctets field.
  Session s;
  RecordingHandler h;
  auto msg = Message(1, 0,
                     "0002 0010 0101 0002 0008 0004 00d2 ffff"
                     // data set: record 1 (3 data bytes), record 2 (long form, 0 bytes),
                     // then 2 bytes of set padding
                     "0101 0015  0a000001 03 aabbcc  0a000002 ff 0000  0000");
  auto st = s.Decode(ByteReader(msg), h);
  ASSERT_TRUE(st) << st.GetError().ToString();
  ASSERT_EQ(h.rawRecords.size(), 2u);
  EXPECT_EQ(h.rawRecords[0].size(), 8u);
  EXPECT_EQ(h.rawRecords[1].size(), 7u);
  ASSERT_EQ(h.flows.size(), 2u);
  EXPECT_EQ(h.flows[1].key.src.ToString(), "10.0.0.2");
  EXPECT_TRUE(s.Anomalies().Empty());
}

TEST(IpfixSessionTest, VariableLengthCapIsEnforced) {
  DecoderLimits limits;
  limits.maxVariableLength = 2;
  Session s(limits);
  RecordingHandler h;
  auto msg = Message(1, 0,
                     "0002 000c 0101 0001 00d2 ffff"
                     "0101 000b  02 aabb  03 aabbcc");
  auto st = s.Decode(ByteReader(msg), h);
  ASSERT_FALSE(st);
  EXPECT_EQ(st.GetError().code, core::ErrorCode::kLimit);
  EXPECT_EQ(st.GetError().offset, 16u + 12 + 4 + 3);
  EXPECT_EQ(h.rawRecords.size(), 1u);
  EXPECT_EQ(s.Anomalies().Get("ipfix.variable_length_limit"), 1u);
}

TEST(IpfixSessionTest, EnterpriseFieldsKeepTheirNumber) {
  Session s;
  RecordingHandler h;
  auto msg = Message(1, 0,
                     "0002 0014 0100 0002 8001 0008 00007279 0002 0004"
                     "0100 0010 0000000000000007 00000009");
  ASSERT_TRUE(s.Decode(ByteReader(msg), h));
  const Template* t = s.FindTemplate(1, 256);
  ASSERT_NE(t, nullptr);
  EXPECT_EQ(t->fields[0], (FieldSpec{1, 8, kReversePen}));
  ASSERT_EQ(h.flows.size(), 1u);
  EXPECT_EQ(h.flows[0].reverseOctets, 7u);
  EXPECT_EQ(h.flows[0].packets, 9u);
}

TEST(IpfixSessionTest, WithdrawalOfOneAndOfAllTemplates) {
  Session s;
  RecordingHandler h;
  auto m1 =
      Message(1, 0, "0002 001c 0100 0001 0001 0008  0101 0001 0002 0008  0102 0001 0004 0001");
  ASSERT_TRUE(s.Decode(ByteReader(m1), h));
  EXPECT_EQ(s.TemplateCount(), 3u);
  auto m2 = Message(1, 0, "0002 0008 0100 0000");
  ASSERT_TRUE(s.Decode(ByteReader(m2), h));
  EXPECT_EQ(s.FindTemplate(1, 256), nullptr);
  EXPECT_NE(s.FindTemplate(1, 257), nullptr);
  EXPECT_EQ(h.withdrawn, std::vector<uint16_t>{256});
  // Template ID 2 with field count 0: all data templates of the domain (RFC 7011 8.1).
  auto m3 = Message(1, 0, "0002 0008 0002 0000");
  ASSERT_TRUE(s.Decode(ByteReader(m3), h));
  EXPECT_EQ(s.TemplateCount(), 0u);
  auto m4 = Message(1, 0, "0101 000c 0000000000000001");
  ASSERT_TRUE(s.Decode(ByteReader(m4), h));
  EXPECT_EQ(h.missing, std::vector<uint16_t>{257});
}

TEST(IpfixSessionTest, TemplateLimitsAreEnforcedAndCounted) {
  DecoderLimits limits;
  limits.maxTemplatesPerDomain = 2;
  limits.maxFieldsPerTemplate = 3;
  Session s(limits);
  RecordingHandler h;
  auto m = Message(1, 0, "0002 001c 0100 0001 0001 0008  0101 0001 0002 0008  0102 0001 0004 0001");
  auto st = s.Decode(ByteReader(m), h);
  ASSERT_FALSE(st);
  EXPECT_EQ(st.GetError().code, core::ErrorCode::kLimit);
  EXPECT_EQ(st.GetError().offset, 16u + 4 + 16);
  EXPECT_EQ(s.Anomalies().Get("ipfix.template_limit"), 1u);
  EXPECT_EQ(s.TemplateCount(), 2u);
  // Redefining an existing template is not a new one.
  auto again = Message(1, 0, "0002 000c 0100 0001 0001 0004");
  EXPECT_TRUE(s.Decode(ByteReader(again), h));
  // Another domain has its own budget.
  auto other = Message(2, 0, "0002 000c 0100 0001 0001 0004");
  EXPECT_TRUE(s.Decode(ByteReader(other), h));
  // Too many fields: refused, counted, and the set goes on.
  auto wide = Message(3, 0,
                      "0002 0020 0100 0004 0001 0008 0002 0008 0004 0001 0005 0001"
                      "0101 0001 0001 0008");
  st = s.Decode(ByteReader(wide), h);
  ASSERT_FALSE(st);
  EXPECT_EQ(s.Anomalies().Get("ipfix.template_too_many_fields"), 1u);
  EXPECT_EQ(s.FindTemplate(3, 256), nullptr);
  EXPECT_NE(s.FindTemplate(3, 257), nullptr);
}

TEST(IpfixSessionTest, ZeroLengthTemplateIsRefusedSoDataCannotLoop) {
  // The input that makes nfcapd write empty records forever (docs/peers.md).
  Session s;
  RecordingHandler h;
  auto m = Message(1, 0, "0002 0010 0100 0002 0001 0000 0002 0000  0100 0008 00000000");
  auto st = s.Decode(ByteReader(m), h);
  ASSERT_FALSE(st);
  EXPECT_EQ(s.Anomalies().Get("ipfix.zero_length_template"), 1u);
  EXPECT_EQ(s.Anomalies().Get("ipfix.unknown_template"), 1u);
  EXPECT_TRUE(h.rawRecords.empty());
}

TEST(IpfixSessionTest, MalformedHeadersAndSetsNameOffsets) {
  Session s;
  RecordingHandler h;
  auto bad = Message(1, 0, "");
  bad[1] = 9;
  auto st = s.Decode(ByteReader(bad), h);
  ASSERT_FALSE(st);
  EXPECT_EQ(st.GetError().code, core::ErrorCode::kUnsupported);
  EXPECT_EQ(s.Anomalies().Get("ipfix.bad_version"), 1u);

  auto longer = Message(1, 0, "0002 0010 0100 0001 0001 0008");
  longer[3] = 0x40;  // announces 64 bytes
  st = s.Decode(ByteReader(longer), h);
  ASSERT_FALSE(st);
  EXPECT_EQ(s.Anomalies().Get("ipfix.truncated_message"), 1u);

  auto setTooLong = Message(1, 0, "0002 0020 0100 0001 0001 0008");
  st = s.Decode(ByteReader(setTooLong), h);
  ASSERT_FALSE(st);
  EXPECT_EQ(st.GetError().offset, 16u);
  EXPECT_NE(st.GetError().message.find("set 2 length 32"), std::string::npos);
  EXPECT_EQ(s.Anomalies().Get("ipfix.set_too_long"), 1u);

  auto shortSet = Message(1, 0, "0100 0002");
  st = s.Decode(ByteReader(shortSet), h);
  ASSERT_FALSE(st);
  EXPECT_EQ(s.Anomalies().Get("ipfix.bad_set_length"), 1u);

  auto truncatedTemplate = Message(1, 0, "0002 000c 0100 0003 0001 0008");
  st = s.Decode(ByteReader(truncatedTemplate), h);
  ASSERT_FALSE(st);
  EXPECT_EQ(st.GetError().code, core::ErrorCode::kTruncated);
  EXPECT_EQ(s.Anomalies().Get("ipfix.truncated_template"), 1u);

  auto reserved = Message(1, 0, "0005 0004");
  EXPECT_FALSE(s.Decode(ByteReader(reserved), h));
  EXPECT_EQ(s.Anomalies().Get("ipfix.reserved_set_id"), 1u);

  auto badScope = Message(1, 0, "0003 000e 0100 0001 0000 0095 0004");
  EXPECT_FALSE(s.Decode(ByteReader(badScope), h));
  EXPECT_EQ(s.Anomalies().Get("ipfix.bad_scope_count"), 1u);

  // Variable-length record running past the set: error, not a read past the end.
  st = s.Decode(ByteReader(Message(1, 0, "0002 000c 0104 0001 00d2 ffff 0104 0008 05 aabbcc")), h);
  ASSERT_FALSE(st);
  EXPECT_EQ(s.Anomalies().Get("ipfix.truncated_record"), 1u);
}

TEST(IpfixSessionTest, PeekMessageLength) {
  auto m = Message(1, 0, "0002 000c 0100 0001 0001 0008");
  auto len = PeekMessageLength(ByteReader(m));
  ASSERT_TRUE(len);
  EXPECT_EQ(*len, m.size());
  m.pop_back();
  EXPECT_FALSE(PeekMessageLength(ByteReader(m)));
  EXPECT_FALSE(PeekMessageLength(ByteReader(Hex("000a 0010"))));
  auto small = Message(1, 0, "");
  small[3] = 8;
  EXPECT_FALSE(PeekMessageLength(ByteReader(small)));
}

std::vector<core::FlowRecord> SomeFlows(size_t n) {
  std::mt19937_64 rng(7);
  std::vector<core::FlowRecord> out;
  for (size_t i = 0; i < n; ++i) out.push_back(test::RandomRecord(rng, {}));
  return out;
}

TEST(IpfixWriterTest, HonoursMaxMessageSizeAndSequenceNumbers) {
  std::vector<std::vector<uint8_t>> msgs;
  WriterConfig cfg;
  cfg.observationDomain = 9;
  cfg.maxMessageSize = 512;
  MessageWriter w(cfg, [&](std::vector<uint8_t> m) { msgs.push_back(std::move(m)); });
  w.SetExportTime(1700000000);
  Template t = MakeFlowTemplate(256, {});
  ASSERT_TRUE(w.AddTemplate(t));
  auto flows = SomeFlows(200);
  for (const auto& f : flows) ASSERT_TRUE(w.AddFlowRecord(256, f));
  w.Flush();
  ASSERT_GT(msgs.size(), 10u);
  EXPECT_EQ(w.RecordsSent(), 200u);
  EXPECT_EQ(w.Sequence(), 200u);
  Session s;
  RecordingHandler h;
  uint64_t octets = 0;
  for (const auto& m : msgs) {
    EXPECT_LE(m.size(), 512u);
    octets += m.size();
    const size_t before = h.flows.size();
    auto st = s.Decode(ByteReader(m), h);
    ASSERT_TRUE(st) << st.GetError().ToString();
    // Sequence number = data records sent before this message (RFC 7011 section 3.1).
    EXPECT_EQ(h.messages.back().sequence, before);
    EXPECT_EQ(h.messages.back().observationDomain, 9u);
  }
  EXPECT_EQ(octets, w.OctetsSent());
  EXPECT_EQ(w.MessagesSent(), msgs.size());
  ASSERT_EQ(h.flows.size(), flows.size());
  for (size_t i = 0; i < flows.size(); ++i) {
    EXPECT_EQ(h.flows[i].ToCanonicalString(), flows[i].ToCanonicalString());
  }
}

TEST(IpfixWriterTest, PaddedSetsAreMultiplesOfFourAndDecode) {
  std::vector<std::vector<uint8_t>> msgs;
  WriterConfig cfg;
  cfg.padSets = true;
  MessageWriter w(cfg, [&](std::vector<uint8_t> m) { msgs.push_back(std::move(m)); });
  Template t{300, {{ie::kSourceIPv4Address, 4}, {ie::kProtocolIdentifier, 1}}};
  ASSERT_TRUE(w.AddTemplate(t));
  auto flows = SomeFlows(3);
  for (const auto& f : flows) ASSERT_TRUE(w.AddFlowRecord(300, f));
  w.Flush();
  ASSERT_EQ(msgs.size(), 1u);
  // walk the sets: each length is a multiple of 4
  ByteReader r(msgs[0]);
  ASSERT_TRUE(r.Skip(16));
  int sets = 0;
  while (!r.Empty()) {
    uint16_t id = 0, len = 0;
    ASSERT_TRUE(r.ReadU16(id) && r.ReadU16(len));
    EXPECT_EQ(len % 4, 0) << "set " << id;
    ASSERT_TRUE(r.Skip(len - 4u));
    ++sets;
  }
  EXPECT_EQ(sets, 2);
  Session s;
  RecordingHandler h;
  ASSERT_TRUE(s.Decode(ByteReader(msgs[0]), h));
  ASSERT_EQ(h.flows.size(), 3u);
  EXPECT_EQ(h.flows[2].key.src, flows[2].key.src);
  EXPECT_TRUE(s.Anomalies().Empty());
}

TEST(IpfixWriterTest, WithdrawalAndOptionsReachTheReader) {
  std::vector<std::vector<uint8_t>> msgs;
  MessageWriter w({}, [&](std::vector<uint8_t> m) { msgs.push_back(std::move(m)); });
  Template opts{400,
                {{ie::kObservationDomainId, 4},
                 {ie::kSystemInitTimeMilliseconds, 8},
                 {ie::kExportedFlowRecordTotalCount, 8}},
                1};
  ASSERT_TRUE(w.AddTemplate(opts));
  ASSERT_TRUE(w.AddTemplate(MakeFlowTemplate(256, {})));
  std::vector<OptionValue> v(3);
  v[0].value = 0;
  v[1].value = 1700000000000;
  v[2].value = 42;
  ASSERT_TRUE(w.AddOptionsRecord(400, v));
  w.WithdrawTemplate(256);
  EXPECT_FALSE(w.AddFlowRecord(256, core::FlowRecord{}));  // no longer registered
  w.Flush();
  Session s;
  RecordingHandler h;
  for (const auto& m : msgs) ASSERT_TRUE(s.Decode(ByteReader(m), h));
  ASSERT_EQ(h.options.size(), 1u);
  EXPECT_EQ(h.options[0][1].value, 1700000000000u);
  EXPECT_EQ(h.options[0][2].value, 42u);
  EXPECT_EQ(h.withdrawn, std::vector<uint16_t>{256});
  EXPECT_EQ(s.FindTemplate(0, 256), nullptr);
  ASSERT_NE(s.FindTemplate(0, 400), nullptr);
  EXPECT_TRUE(s.FindTemplate(0, 400)->IsOptions());
  EXPECT_EQ(w.Sequence(), 1u);  // options records are data records too
}

TEST(IpfixWriterTest, RefusesWhatItCannotEncode) {
  MessageWriter w({0, 64, false}, [](std::vector<uint8_t>) {});
  EXPECT_FALSE(w.AddTemplate(Template{12, {{1, 8}}}));
  EXPECT_FALSE(w.AddTemplate(Template{256, {}}));
  EXPECT_FALSE(w.AddTemplate(Template{256, {{1, 0}}}));
  auto st = w.AddTemplate(MakeFlowTemplate(256, {}));  // 64-byte messages are too small
  ASSERT_FALSE(st);
  EXPECT_EQ(st.GetError().code, core::ErrorCode::kLimit);
  EXPECT_EQ(w.AddFlowRecord(999, {}).GetError().code, core::ErrorCode::kNotFound);
}

TEST(IpfixWriterTest, ResendTemplatesRepeatsThem) {
  std::vector<std::vector<uint8_t>> msgs;
  MessageWriter w({}, [&](std::vector<uint8_t> m) { msgs.push_back(std::move(m)); });
  ASSERT_TRUE(w.AddTemplate(MakeFlowTemplate(256, {})));
  w.Flush();
  w.ResendTemplates();
  w.Flush();
  ASSERT_EQ(msgs.size(), 2u);
  EXPECT_EQ(msgs[0], msgs[1]);
}

}  // namespace
}  // namespace vantage::wire::ipfix
