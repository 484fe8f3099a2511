// Property: decode(encode(x)) == x for random records over every template shape, through the
// IPFIX and NetFlow v9 message writers and sessions (seeded, so failures reproduce).
#include <gtest/gtest.h>

#include "test-util.h"
#include "vantage/wire/ipfix/message-reader.h"
#include "vantage/wire/ipfix/message-writer.h"
#include "vantage/wire/v9/message-reader.h"
#include "vantage/wire/v9/message-writer.h"

namespace vantage::wire {
namespace {

std::string Describe(const FlowTemplateOptions& o) {
  return std::string("ipv6=") + (o.ipv6 ? "1" : "0") + " biflow=" + (o.biflow ? "1" : "0") +
         " vlan=" + (o.vlan ? "1" : "0") + " macs=" + (o.macs ? "1" : "0") +
         " nat=" + (o.nat ? "1" : "0") + " as=" + (o.asNumbers ? "1" : "0") +
         " ns=" + (o.nanoseconds ? "1" : "0") + " up=" + (o.sysUpTime ? "1" : "0") +
         " sampling=" + (o.sampling ? "1" : "0");
}

constexpr uint32_t kExportTime = 1700000000;
constexpr uint32_t kSysUpTime = 123456789;

core::FlowRecord Record(std::mt19937_64& rng, const FlowTemplateOptions& o) {
  auto r = test::RandomRecord(rng, o);
  if (o.sysUpTime) {
    // sysUpTime fields reach 49 days around the export time.
    const int64_t offset = std::uniform_int_distribution<int64_t>(0, 2000000000)(rng);
    r.start = core::Timestamp::FromMillis(int64_t{kExportTime} * 1000 - offset);
    r.end = r.start + core::Duration::Millis(offset / 2);
  }
  return r;
}

TEST(RoundTripTest, IpfixEveryTemplateShape) {
  std::mt19937_64 rng(20240101);
  for (const auto& o : test::AllTemplateShapes()) {
    if (o.sysUpTime) continue;  // IPFIX sysUpTime needs an init time: covered below
    SCOPED_TRACE(Describe(o));
    std::vector<std::vector<uint8_t>> msgs;
    ipfix::WriterConfig cfg;
    cfg.observationDomain = 77;
    cfg.maxMessageSize = 576;
    cfg.padSets = (rng() & 1) != 0;
    ipfix::MessageWriter w(cfg, [&](std::vector<uint8_t> m) { msgs.push_back(std::move(m)); });
    w.SetExportTime(kExportTime);
    ASSERT_TRUE(w.AddTemplate(MakeFlowTemplate(256, o)));
    std::vector<core::FlowRecord> in;
    for (int i = 0; i < 20; ++i) {
      in.push_back(Record(rng, o));
      ASSERT_TRUE(w.AddFlowRecord(256, in.back()));
    }
    w.Flush();
    ipfix::Session s;
    test::RecordingHandler h;
    for (const auto& m : msgs) {
      ASSERT_LE(m.size(), 576u);
      auto st = s.Decode(core::ByteReader(m), h);
      ASSERT_TRUE(st) << st.GetError().ToString();
    }
    ASSERT_EQ(h.flows.size(), in.size());
    for (size_t i = 0; i < in.size(); ++i) {
      ASSERT_EQ(h.flows[i].ToCanonicalString(), in[i].ToCanonicalString());
    }
    EXPECT_TRUE(s.Anomalies().Empty());
    EXPECT_TRUE(h.anomalies.Empty());
  }
}

TEST(RoundTripTest, V9EveryTemplateShape) {
  std::mt19937_64 rng(20240102);
  for (auto o : test::AllTemplateShapes()) {
    if (o.biflow) continue;  // v9 has no enterprise numbers
    SCOPED_TRACE(Describe(o));
    std::vector<std::vector<uint8_t>> pkts;
    v9::WriterConfig cfg;
    cfg.sourceId = 5;
    cfg.maxMessageSize = 1400;
    v9::MessageWriter w(cfg, [&](std::vector<uint8_t> m) { pkts.push_back(std::move(m)); });
    w.SetClock(kExportTime, kSysUpTime);
    ASSERT_TRUE(w.AddTemplate(MakeFlowTemplate(300, o)));
    std::vector<core::FlowRecord> in;
    for (int i = 0; i < 20; ++i) {
      in.push_back(Record(rng, o));
      ASSERT_TRUE(w.AddFlowRecord(300, in.back()));
    }
    w.Flush();
    v9::Session s;
    test::RecordingHandler h;
    for (const auto& p : pkts) {
      auto st = s.Decode(core::ByteReader(p), h);
      ASSERT_TRUE(st) << st.GetError().ToString();
    }
    ASSERT_EQ(h.flows.size(), in.size());
    for (size_t i = 0; i < in.size(); ++i) {
      ASSERT_EQ(h.flows[i].ToCanonicalString(), in[i].ToCanonicalString());
    }
    EXPECT_TRUE(s.Anomalies().Empty());
  }
}

TEST(RoundTripTest, FlowCodecSysUpTimeWithInitTime) {
  std::mt19937_64 rng(99);
  FlowTemplateOptions o;
  o.sysUpTime = true;
  Template t = MakeFlowTemplate(256, o);
  TimeContext ctx;
  ctx.exportTimeSeconds = kExportTime;
  ctx.systemInitTimeMs = int64_t{kExportTime} * 1000 - 1000000;
  for (int i = 0; i < 200; ++i) {
    auto r = Record(rng, o);
    r.start = core::Timestamp::FromMillis(
        ctx.systemInitTimeMs + std::uniform_int_distribution<int64_t>(0, 4000000000)(rng));
    r.end = r.start;
    std::vector<uint8_t> b;
    core::ByteWriter w(b);
    EncodeFlowRecord(t, r, w, ctx);
    core::FlowRecord back;
    ASSERT_TRUE(DecodeFlowRecord(t, core::ByteReader(b), ctx, back));
    ASSERT_EQ(back.ToCanonicalString(), r.ToCanonicalString());
  }
}

}  // namespace
}  // namespace vantage::wire
