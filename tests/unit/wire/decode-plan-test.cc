// The fixed-length decode plan (flow-codec.cc) against the field-by-field walk: a record given
// exactly decodes through the plan, the same bytes with one trailing byte through the walk;
// both must give the same record, raw elements and anomaly counts, for every template shape.
#include <gtest/gtest.h>

#include <vector>

#include "vantage/wire/flow-codec.h"

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

}  // namespace
}  // namespace vantage::wire
