// The fixed-length decode plan (flow-codec.cc) against the field-by-field walk: a record given
// exactly decodes through the plan, the same bytes with one trailing byte through the walk;
// both must give the same record, raw elements and anomaly counts, for every template shape.
#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

#include "test-util.h"
#include "vantage/wire/flow-codec.h"
#include "vantage/wire/ipfix/message-reader.h"

namespace vantage::wire {
namespace {

using core::ByteReader;
using core::ByteWriter;
using core::FlowRecord;

// Bytes of a record under `t` whose every field has arbitrary content (seeded).
std::vector<uint8_t> Arbitrary(const Template& t, uint64_t seed) {
  std::vector<uint8_t> out;
  for (const FieldSpec& f : t.fields) {
    for (uint16_t i = 0; i < f.length; ++i) {
      seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
      out.push_back(static_cast<uint8_t>(seed >> 56));
    }
  }
  return out;
}

std::vector<uint8_t> Reencode(const Template& t, const FlowRecord& r, const TimeContext& ctx) {
  std::vector<uint8_t> b;
  ByteWriter w(b);
  EncodeFlowRecord(t, r, w, ctx);
  return b;
}

void ExpectSameDecode(const Template& t, const std::vector<uint8_t>& bytes,
                      const TimeContext& ctx) {
  FlowRecord viaPlan, viaWalk;
  core::AnomalyCounters planAnomalies, walkAnomalies;
  std::vector<uint8_t> longer = bytes;
  longer.push_back(0xee);  // not the plan's length: the walk decodes it
  ASSERT_TRUE(DecodeFlowRecord(t, ByteReader(bytes), ctx, viaPlan, &planAnomalies));
  ASSERT_TRUE(DecodeFlowRecord(t, ByteReader(longer.data(), bytes.size() + 1), ctx, viaWalk,
                               &walkAnomalies));
  EXPECT_EQ(Reencode(t, viaPlan, ctx), Reencode(t, viaWalk, ctx));
  EXPECT_EQ(viaPlan.key, viaWalk.key);
  EXPECT_EQ(viaPlan.start.ns, viaWalk.start.ns);
  EXPECT_EQ(viaPlan.end.ns, viaWalk.end.ns);
  EXPECT_EQ(viaPlan.icmpType, viaWalk.icmpType);
  EXPECT_EQ(viaPlan.rawElements, viaWalk.rawElements);
  EXPECT_EQ(planAnomalies.All(), walkAnomalies.All());
}

TEST(DecodePlan, SameRecordsAsTheFieldWalkForEveryTemplateShape) {
  std::vector<FlowTemplateOptions> shapes(6);
  shapes[1].ipv6 = shapes[1].biflow = shapes[1].nat = true;
  shapes[2].sysUpTime = shapes[2].sampling = true;
  shapes[3].nanoseconds = shapes[3].vlan = shapes[3].macs = true;
  shapes[4].mplsLabels = 3;
  shapes[4].tunnelFamily = 4;
  shapes[4].layer2Segment = true;
  shapes[5].nat = shapes[5].sampling = true;
  TimeContext ctx;
  ctx.exportTimeSeconds = 1700000000;
  ctx.sysUpTimeMs = 123456;
  uint16_t id = 256;
  for (const auto& o : shapes) {
    Template t = MakeFlowTemplate(id++, o);
    t.fields.push_back(FieldSpec{ie::kPaddingOctets, 2, 0});
    t.fields.push_back(FieldSpec{7, 3, 12345});                   // unknown enterprise element
    t.fields.push_back(FieldSpec{ie::kOctetDeltaCount, 4, 0});    // reduced size, repeated
    t.fields.push_back(FieldSpec{ie::kSourceIPv4Address, 3, 0});  // bad length: counted
    for (uint64_t seed = 1; seed <= 200; ++seed) ExpectSameDecode(t, Arbitrary(t, seed), ctx);
  }
}

// Templates whose fields all store into distinct members (padding aside): the plan decodes them
// grouped by kind rather than in template order, which must not change the record.
TEST(DecodePlan, GroupedPlansGiveTheSameRecordsAsTheFieldWalk) {
  std::vector<FlowTemplateOptions> shapes(4);
  shapes[1].ipv6 = shapes[1].biflow = shapes[1].nat = shapes[1].vlan = shapes[1].macs = true;
  shapes[2].sampling = shapes[2].asNumbers = true;
  shapes[3].layer2Segment = true;
  shapes[3].tunnelFamily = 6;
  TimeContext ctx;
  ctx.exportTimeSeconds = 1700000000;
  uint16_t id = 300;
  for (const auto& o : shapes) {
    Template t = MakeFlowTemplate(id++, o);
    for (uint64_t seed = 1; seed <= 200; ++seed) ExpectSameDecode(t, Arbitrary(t, seed), ctx);
    t.fields.insert(t.fields.begin() + 2, FieldSpec{ie::kPaddingOctets, 3, 0});  // no trace
    for (uint64_t seed = 1; seed <= 50; ++seed) ExpectSameDecode(t, Arbitrary(t, seed), ctx);
  }
}

// Appends one set (id, body) to `out`.
void AppendSet(std::vector<uint8_t>& out, uint16_t setId, const std::vector<uint8_t>& body) {
  ByteWriter w(out);
  w.WriteU16(setId);
  w.WriteU16(static_cast<uint16_t>(4 + body.size()));
  w.WriteBytes(body.data(), body.size());
}

std::vector<uint8_t> TemplateRecord(const Template& t) {
  std::vector<uint8_t> b;
  ByteWriter w(b);
  w.WriteU16(t.id);
  w.WriteU16(static_cast<uint16_t>(t.fields.size()));
  for (const FieldSpec& f : t.fields) {
    w.WriteU16(f.id);
    w.WriteU16(f.length);
  }
  return b;
}

// A template redefined between two data sets of one message, to the same fields in another
// order (so the same record length): the second set's records are decoded with the new
// definition, although the walk holds each set's template at the same place.
TEST(DecodePlan, TemplateRedefinedWithinAMessageDecodesWithTheNewDefinition) {
  const Template t4 = MakeFlowTemplate(256, FlowTemplateOptions{});
  Template t6 = t4;  // reordered
  std::reverse(t6.fields.begin(), t6.fields.end());
  FlowRecord a, b;
  a.key.src = core::IpAddress::V4(0x0a000001);
  a.key.dst = core::IpAddress::V4(0x0a000002);
  a.packets = 3;
  b.key.src = core::IpAddress::V4(0xc0a80001);
  b.key.dst = core::IpAddress::V4(0xc0a80002);
  b.packets = 7;
  b.octets = 1234;
  std::vector<uint8_t> sets;
  AppendSet(sets, 2, TemplateRecord(t4));
  AppendSet(sets, 256, Reencode(t4, a, {}));
  AppendSet(sets, 2, TemplateRecord(t6));
  AppendSet(sets, 256, Reencode(t6, b, {}));
  std::vector<uint8_t> msg;
  ByteWriter w(msg);
  w.WriteU16(10);
  w.WriteU16(static_cast<uint16_t>(16 + sets.size()));
  w.WriteU32(1700000000);
  w.WriteU32(0);
  w.WriteU32(1);
  w.WriteBytes(sets.data(), sets.size());

  ipfix::Session session;
  test::RecordingHandler h;
  ASSERT_TRUE(session.Decode(ByteReader(msg), h));
  ASSERT_EQ(h.flows.size(), 2u);
  EXPECT_EQ(h.flows[0].key.src, a.key.src);
  EXPECT_EQ(h.flows[0].key.dst, a.key.dst);
  EXPECT_EQ(h.flows[0].packets, 3u);
  EXPECT_EQ(h.flows[1].key.src, b.key.src);
  EXPECT_EQ(h.flows[1].key.dst, b.key.dst);
  EXPECT_EQ(h.flows[1].packets, 7u);
  EXPECT_EQ(h.flows[1].octets, 1234u);
  EXPECT_TRUE(h.errors.empty());
}

}  // namespace
}  // namespace vantage::wire
