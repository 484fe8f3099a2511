// The scorer: a perfect copy conforms; each fault is caught by its own metric; the sampling
// bound; regression against a baseline; the declaration's contradictions.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <fstream>

#include "vantage/conformance/conformance.h"
#include "vantage/conformance/score.h"

namespace vantage::conformance {
namespace {

core::Timestamp At(double s) {
  return core::Timestamp::FromNanos(static_cast<int64_t>(1.7e18 + s * 1e9));
}

ExpectedRecord Rec(uint32_t src, double start, double end, uint64_t packets, uint64_t octets) {
  ExpectedRecord e;
  auto& r = e.record;
  r.key.src = core::IpAddress::V4(0x0a000000 | src);
  r.key.dst = core::IpAddress::V4(0x0a0000ff);
  r.key.protocol = 17;
  r.key.srcPort = 1000;
  r.key.dstPort = 53;
  r.start = At(start);
  r.end = At(end);
  r.packets = packets;
  r.octets = octets;
  r.endReason = core::FlowEndReason::kIdleTimeout;
  e.maxGapNs = static_cast<int64_t>((end - start) * 1e9);
  return e;
}

ExpectedSet Expected(int n) {
  ExpectedSet s;
  for (int i = 0; i < n; ++i)
    s.records.push_back(Rec(static_cast<uint32_t>(i + 1), i, i + 5, 10, 1000));
  s.input.name = "test";
  return s;
}

std::vector<core::FlowRecord> Exported(const ExpectedSet& s) {
  std::vector<core::FlowRecord> out;
  for (const auto& e : s.records) {
    core::FlowRecord r = e.record;
    r.start.ns -= r.start.ns % 1000000;  // millisecond truncation, as on the wire
    r.end.ns -= r.end.ns % 1000000;
    out.push_back(r);
  }
  return out;
}

TEST(Scorer, FaithfulExportConforms) {
  auto exp = Expected(20);
  Score s = ScoreRecords(exp, Exported(exp), DefaultDeclaration());
  EXPECT_TRUE(s.conforms) << (s.failures.empty() ? "" : s.failures[0]);
  EXPECT_EQ(s.matched, 20u);
  EXPECT_EQ(s.totals.PacketError(), 0.0);
  EXPECT_EQ(s.fields["packets"].checked, 20u);
}

TEST(Scorer, MiscountIsACounterError) {
  auto exp = Expected(20);
  auto act = Exported(exp);
  act[3].packets += 1;
  Score s = ScoreRecords(exp, act, DefaultDeclaration());
  EXPECT_FALSE(s.conforms);
  EXPECT_EQ(s.counterErrors, 1u);
  EXPECT_EQ(s.fields["packets"].failed, 1u);
  EXPECT_EQ(s.missing + s.unexpected + s.split + s.merged, 0u);
  EXPECT_GT(s.totals.PacketError(), 0.0);
}

TEST(Scorer, DroppedRecordIsMissing) {
  auto exp = Expected(20);
  auto act = Exported(exp);
  act.erase(act.begin() + 7);
  Score s = ScoreRecords(exp, act, DefaultDeclaration());
  EXPECT_EQ(s.missing, 1u);
  EXPECT_EQ(s.counterErrors + s.unexpected + s.split + s.merged, 0u);
  EXPECT_NEAR(s.totals.FlowError(), -0.05, 1e-12);
  EXPECT_FALSE(s.conforms);
}

TEST(Scorer, SplitAndMergedRecords) {
  auto exp = Expected(3);
  auto act = Exported(exp);
  core::FlowRecord second = act[1];
  act[1].packets = 4;
  act[1].octets = 400;
  act[1].end = At(2);
  second.packets = 6;
  second.octets = 600;
  second.start = At(4);
  act.push_back(second);
  Score s = ScoreRecords(exp, act, DefaultDeclaration());
  EXPECT_EQ(s.split, 1u);
  EXPECT_EQ(s.counterErrors, 0u);  // the pieces add up
  EXPECT_EQ(s.matched, 2u);

  ExpectedSet two;
  two.records = {Rec(1, 0, 1, 2, 200), Rec(1, 1.2, 2, 3, 300)};
  core::FlowRecord merged = two.records[0].record;
  merged.end = At(2);
  merged.packets = 5;
  merged.octets = 500;
  Score m = ScoreRecords(two, {merged}, DefaultDeclaration());
  EXPECT_EQ(m.merged, 2u);
  EXPECT_FALSE(m.conforms);
}

TEST(Scorer, DelayIsATimestampError) {
  auto exp = Expected(10);
  auto act = Exported(exp);
  for (auto& r : act) {
    r.start.ns += 250000000;
    r.end.ns += 250000000;
  }
  Score s = ScoreRecords(exp, act, DefaultDeclaration());
  EXPECT_EQ(s.matched, 10u);
  EXPECT_EQ(s.counterErrors, 0u);
  EXPECT_EQ(s.startError.outOfTolerance, 10u);
  EXPECT_NEAR(s.startError.p50, 250.0, 1.0);
  EXPECT_EQ(s.fields["start"].failed, 10u);
  EXPECT_FALSE(s.conforms);
}

TEST(Scorer, UnexpectedRecord) {
  auto exp = Expected(5);
  auto act = Exported(exp);
  core::FlowRecord extra = act[0];
  extra.key.dstPort = 9999;
  act.push_back(extra);
  Score s = ScoreRecords(exp, act, DefaultDeclaration());
  EXPECT_EQ(s.unexpected, 1u);
  EXPECT_EQ(s.matched, 5u);
}

TEST(Scorer, SamplingBound) {
  // One flow of 10000 packets, 1-in-10: the estimate N * k has standard deviation
  // sqrt(n (N - 1)) = 300; the bound is 4 sd + N = 1210 packets.
  ExpectedSet exp;
  exp.records = {Rec(1, 0, 100, 10000, 1000000)};
  Declaration d = DefaultDeclaration();
  d.samplingInterval = 10;
  auto sampled = [&](uint64_t k) {
    core::FlowRecord r = exp.records[0].record;
    r.packets = k;
    r.octets = k * 100;
    return ScoreRecords(exp, {r}, d);
  };
  EXPECT_EQ(sampled(900).counterErrors, 0u);   // 9000: 1000 off, inside 1210
  EXPECT_EQ(sampled(1100).counterErrors, 0u);  // 11000
  EXPECT_EQ(sampled(870).counterErrors, 1u);   // 8700: 1300 off
  EXPECT_NEAR(sampled(1000).packetBound, 1210.0, 1e-9);

  // Missing records allowed: 50 one-packet flows each unseen with probability 0.9.
  ExpectedSet many;
  for (uint32_t i = 0; i < 50; ++i) many.records.push_back(Rec(i + 1, i, i, 1, 100));
  Score none = ScoreRecords(many, {}, d);
  EXPECT_NEAR(none.allowedMissing, 45 + 4 * std::sqrt(50 * 0.9 * 0.1) + 1, 1e-9);
  EXPECT_LE(static_cast<double>(none.missing), none.allowedMissing);
  Declaration unsampled = DefaultDeclaration();
  EXPECT_FALSE(ScoreRecords(many, {}, unsampled).conforms);
}

TEST(Scorer, BaselineRegression) {
  auto exp = Expected(20);
  auto act = Exported(exp);
  Score good = ScoreRecords(exp, act, DefaultDeclaration());
  EXPECT_TRUE(CompareWithBaseline(good, good).empty());
  nlohmann::json j = good;
  Score back = j.get<Score>();
  EXPECT_TRUE(CompareWithBaseline(good, back).empty());
  act.erase(act.begin());
  Score worse = ScoreRecords(exp, act, DefaultDeclaration());
  auto reg = CompareWithBaseline(worse, back);
  ASSERT_FALSE(reg.empty());
  bool sawMissing = false;
  for (const auto& r : reg) sawMissing = sawMissing || r.metric == "records.missing";
  EXPECT_TRUE(sawMissing);
  EXPECT_TRUE(CompareWithBaseline(good, worse).empty());  // better is not a regression
}

TEST(Declaration, ParsesAndRoundTrips) {
  auto d = ParseDeclaration(
      "exporter: x\nactive_timeout: 60\ninactive_timeout: none\ntcp_end: none\n"
      "cache: {size: 100}\ndirection: per-direction\nfields: [packets, octets]\n"
      "timestamp_resolution: 0.001\n",
      "t.yaml");
  ASSERT_TRUE(d) << d.GetError().message;
  EXPECT_EQ(d->inactiveTimeout.ns, 0);
  EXPECT_EQ(d->direction, Direction::kPerDirection);
  auto again = ParseDeclaration(DeclarationToYaml(*d), "again.yaml");
  ASSERT_TRUE(again) << again.GetError().message;
  EXPECT_EQ(DeclarationToYaml(*again), DeclarationToYaml(*d));
}

TEST(Declaration, ContradictionsAndTyposAreNamed) {
  auto d = ParseDeclaration("active_timeout: 10\ninactive_timeout: 30\n", "c.yaml");
  ASSERT_FALSE(d);
  EXPECT_NE(d.GetError().message.find("inactive_timeout is longer"), std::string::npos);
  auto t = ParseDeclaration("exporter: x\nactive_timout: 10\n", "t.yaml");
  ASSERT_FALSE(t);
  EXPECT_NE(t.GetError().message.find("t.yaml:2:1: unknown key 'active_timout'"), std::string::npos)
      << t.GetError().message;
  auto s = ParseDeclaration("sampling: {interval: 1, scaled: true}\n", "s.yaml");
  ASSERT_FALSE(s);
  auto y = ParseDeclaration("a: [\n", "y.yaml");
  ASSERT_FALSE(y);
  EXPECT_NE(y.GetError().message.find("y.yaml:"), std::string::npos);
}

}  // namespace
}  // namespace vantage::conformance

namespace vantage::conformance {
namespace {

TEST(GroundTruth, ClassesByApplicationInBothDirectionsAndAfterNat) {
  char tmpl[] = "/tmp/vantage-gt-XXXXXX";
  int fd = mkstemp(tmpl);
  ASSERT_GE(fd, 0);
  close(fd);
  std::ofstream(tmpl) << "id,label,src_ip,src_port,dst_ip,dst_port,protocol,nat_ip,nat_port\n"
                         "1,dns,10.0.0.1,5000,10.0.0.9,53,17,,\n"
                         "2,web,10.0.0.2,40000,198.51.100.1,443,6,203.0.113.1,61000\n"
                         "3,broken,10.0.0.x,1,10.0.0.9,53,17,,\n";
  uint64_t bad = 0;
  auto c = GroundTruthClassifier(tmpl, &bad);
  std::remove(tmpl);
  ASSERT_TRUE(c) << c.GetError().message;
  EXPECT_EQ(bad, 1u);
  auto key = [](const char* s, uint16_t sp, const char* d, uint16_t dp, uint8_t p) {
    core::FlowKey k;
    k.src = *core::IpAddress::Parse(s);
    k.dst = *core::IpAddress::Parse(d);
    k.srcPort = sp;
    k.dstPort = dp;
    k.protocol = p;
    k.tos = 0x10;  // not part of the lookup
    return k;
  };
  EXPECT_EQ((*c)(key("10.0.0.1", 5000, "10.0.0.9", 53, 17)), "dns");
  EXPECT_EQ((*c)(key("10.0.0.9", 53, "10.0.0.1", 5000, 17)), "dns");
  EXPECT_EQ((*c)(key("198.51.100.1", 443, "203.0.113.1", 61000, 6)), "web");
  EXPECT_EQ((*c)(key("10.0.0.1", 5001, "10.0.0.9", 53, 17)), "");

  ExpectedSet exp;
  exp.records.push_back({});
  exp.records[0].record.key = key("10.0.0.1", 5000, "10.0.0.9", 53, 17);
  exp.records[0].record.packets = 1;
  Score s = ScoreRecords(exp, {exp.records[0].record}, DefaultDeclaration(), nullptr, *c);
  EXPECT_EQ(s.classes["app:dns"].expectedFlows, 1u);
  EXPECT_EQ(s.classes["app:dns"].actualFlows, 1u);

  EXPECT_FALSE(GroundTruthClassifier("/nonexistent/ground_truth.csv", &bad));
}

}  // namespace
}  // namespace vantage::conformance
