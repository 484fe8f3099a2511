// Flow cache expiry rules, LRU eviction, biflow, conservation; sampler modes.
#include "vantage/exporter/flow-cache.h"

#include <gtest/gtest.h>

#include <random>

namespace vantage::exporter {
namespace {

using core::Duration;
using core::FlowEndReason;
using core::Timestamp;

core::FlowKey Key(uint32_t src, uint16_t sport, uint8_t proto = 17) {
  core::FlowKey k;
  k.src = core::IpAddress::V4(src);
  k.dst = core::IpAddress::V4(0x0a000002);
  k.srcPort = sport;
  k.dstPort = 80;
  k.protocol = proto;
  return k;
}

wire::DecodedPacket Pkt(uint32_t octets = 100, uint8_t flags = 0, uint8_t ttl = 64) {
  wire::DecodedPacket p;
  p.ipOctets = octets;
  p.tcpFlags = flags;
  p.ttl = ttl;
  return p;
}

struct Collect {
  std::vector<core::FlowRecord> records;
  FlowCache::Sink Sink() {
    return [this](const core::FlowRecord& r) { records.push_back(r); };
  }
};

CacheConfig Cfg(size_t cap = 100, double active = 1800, double inactive = 15) {
  CacheConfig c;
  c.capacity = cap;
  c.activeTimeout = Duration::Seconds(active);
  c.inactiveTimeout = Duration::Seconds(inactive);
  return c;
}

TEST(FlowCache, AggregatesPacketsOfOneFlow) {
  Collect c;
  FlowCache cache(Cfg(), false, c.Sink());
  cache.Update(Timestamp::FromSeconds(10), Key(1, 1), Pkt(100, 0, 60));
  cache.Update(Timestamp::FromSeconds(11), Key(1, 1), Pkt(200, 0, 70));
  cache.Update(Timestamp::FromSeconds(12), Key(1, 1), Pkt(50, 0, 50));
  EXPECT_EQ(cache.Size(), 1u);
  cache.Finish();
  ASSERT_EQ(c.records.size(), 1u);
  const auto& r = c.records[0];
  EXPECT_EQ(r.packets, 3u);
  EXPECT_EQ(r.octets, 350u);
  EXPECT_EQ(r.start, Timestamp::FromSeconds(10));
  EXPECT_EQ(r.end, Timestamp::FromSeconds(12));
  EXPECT_EQ(r.minTtl, 50);
  EXPECT_EQ(r.maxTtl, 70);
  EXPECT_EQ(r.endReason, FlowEndReason::kForcedEnd);
}

TEST(FlowCache, IdleTimeoutByPacketClock) {
  Collect c;
  FlowCache cache(Cfg(100, 1800, 15), false, c.Sink());
  cache.Update(Timestamp::FromSeconds(0), Key(1, 1), Pkt());
  cache.Update(Timestamp::FromSeconds(15), Key(2, 1), Pkt());  // exactly 15 s: not yet idle
  EXPECT_TRUE(c.records.empty());
  cache.Update(Timestamp::FromSeconds(16), Key(2, 1), Pkt());  // > 15 s since flow 1's packet
  ASSERT_EQ(c.records.size(), 1u);
  EXPECT_EQ(c.records[0].key, Key(1, 1));
  EXPECT_EQ(c.records[0].endReason, FlowEndReason::kIdleTimeout);
  // Advance without packets expires too.
  cache.Advance(Timestamp::FromSeconds(40));
  ASSERT_EQ(c.records.size(), 2u);
  EXPECT_EQ(c.records[1].packets, 2u);
  EXPECT_EQ(c.records[1].endReason, FlowEndReason::kIdleTimeout);
  EXPECT_EQ(cache.Size(), 0u);
}

TEST(FlowCache, ActiveTimeoutSplitsLongFlow) {
  Collect c;
  FlowCache cache(Cfg(100, 60, 15), false, c.Sink());
  for (int t = 0; t <= 130; t += 5) cache.Update(Timestamp::FromSeconds(t), Key(1, 1), Pkt());
  cache.Finish();
  ASSERT_EQ(c.records.size(), 3u);
  EXPECT_EQ(c.records[0].endReason, FlowEndReason::kActiveTimeout);
  EXPECT_EQ(c.records[0].start, Timestamp::FromSeconds(0));
  EXPECT_EQ(c.records[0].end, Timestamp::FromSeconds(60));
  EXPECT_EQ(c.records[1].endReason, FlowEndReason::kActiveTimeout);
  EXPECT_EQ(c.records[1].start, Timestamp::FromSeconds(65));
  EXPECT_EQ(c.records[2].endReason, FlowEndReason::kForcedEnd);
  uint64_t total = 0;
  for (auto& r : c.records) total += r.packets;
  EXPECT_EQ(total, 27u);
}

TEST(FlowCache, TcpFinAndRstEndFlow) {
  for (uint8_t flag : {uint8_t{0x01}, uint8_t{0x04}}) {
    Collect c;
    FlowCache cache(Cfg(), false, c.Sink());
    cache.Update(Timestamp::FromSeconds(1), Key(1, 1, 6), Pkt(60, 0x02));
    cache.Update(Timestamp::FromSeconds(2), Key(1, 1, 6), Pkt(60, 0x10));
    cache.Update(Timestamp::FromSeconds(3), Key(1, 1, 6),
                 Pkt(60, static_cast<uint8_t>(0x10 | flag)));
    ASSERT_EQ(c.records.size(), 1u);
    EXPECT_EQ(c.records[0].endReason, FlowEndReason::kEndOfFlow);
    EXPECT_EQ(c.records[0].packets, 3u);
    EXPECT_EQ(c.records[0].tcpFlags, 0x12 | flag);
    EXPECT_EQ(cache.Size(), 0u);
  }
  // FIN on UDP (meaningless bits) does not end anything.
  Collect c;
  FlowCache cache(Cfg(), false, c.Sink());
  cache.Update(Timestamp::FromSeconds(1), Key(1, 1, 17), Pkt(60, 0x01));
  EXPECT_TRUE(c.records.empty());
}

TEST(FlowCache, CacheFullEvictsLeastRecentlySeen) {
  Collect c;
  FlowCache cache(Cfg(3), false, c.Sink());
  cache.Update(Timestamp::FromSeconds(1), Key(1, 1), Pkt());
  cache.Update(Timestamp::FromSeconds(2), Key(2, 1), Pkt());
  cache.Update(Timestamp::FromSeconds(3), Key(3, 1), Pkt());
  cache.Update(Timestamp::FromSeconds(4), Key(1, 1), Pkt());  // flow 1 recently seen again
  cache.Update(Timestamp::FromSeconds(5), Key(4, 1), Pkt());  // evicts flow 2
  ASSERT_EQ(c.records.size(), 1u);
  EXPECT_EQ(c.records[0].key, Key(2, 1));
  EXPECT_EQ(c.records[0].endReason, FlowEndReason::kLackOfResources);
  EXPECT_EQ(cache.EvictedCacheFull(), 1u);
  EXPECT_EQ(cache.Size(), 3u);
}

TEST(FlowCache, FinishExportsLeastRecentFirst) {
  Collect c;
  FlowCache cache(Cfg(), false, c.Sink());
  cache.Update(Timestamp::FromSeconds(1), Key(1, 1), Pkt());
  cache.Update(Timestamp::FromSeconds(2), Key(2, 1), Pkt());
  cache.Update(Timestamp::FromSeconds(3), Key(1, 1), Pkt());
  cache.Finish();
  ASSERT_EQ(c.records.size(), 2u);
  EXPECT_EQ(c.records[0].key, Key(2, 1));
  EXPECT_EQ(c.records[1].key, Key(1, 1));
  for (auto& r : c.records) EXPECT_EQ(r.endReason, FlowEndReason::kForcedEnd);
}

TEST(FlowCache, OutOfOrderPacketDoesNotMoveClockBack) {
  Collect c;
  FlowCache cache(Cfg(100, 1800, 15), false, c.Sink());
  cache.Update(Timestamp::FromSeconds(100), Key(1, 1), Pkt());
  cache.Update(Timestamp::FromSeconds(90), Key(1, 1), Pkt());
  EXPECT_EQ(cache.Clock().Now(), Timestamp::FromSeconds(100));
  cache.Finish();
  ASSERT_EQ(c.records.size(), 1u);
  EXPECT_EQ(c.records[0].start, Timestamp::FromSeconds(90));
  EXPECT_EQ(c.records[0].end, Timestamp::FromSeconds(100));
}

TEST(FlowCache, BiflowCountsReverseDirection) {
  Collect c;
  FlowCache cache(Cfg(), true, c.Sink());
  cache.Update(Timestamp::FromSeconds(1), Key(1, 1), Pkt(100));
  cache.Update(Timestamp::FromSeconds(2), Key(1, 1).Reversed(), Pkt(40));
  cache.Update(Timestamp::FromSeconds(3), Key(1, 1).Reversed(), Pkt(40));
  EXPECT_EQ(cache.Size(), 1u);
  cache.Finish();
  ASSERT_EQ(c.records.size(), 1u);
  EXPECT_EQ(c.records[0].key, Key(1, 1));  // initiator is the forward direction
  EXPECT_EQ(c.records[0].packets, 1u);
  EXPECT_EQ(c.records[0].reversePackets, 2u);
  EXPECT_EQ(c.records[0].reverseOctets, 80u);
  EXPECT_EQ(c.records[0].end, Timestamp::FromSeconds(3));
}

TEST(FlowCache, ConservesPacketsAndOctetsUnderChurn) {
  for (size_t cap : {size_t{1}, size_t{7}, size_t{64}, size_t{100000}}) {
    Collect c;
    FlowCache cache(Cfg(cap, 30, 2), false, c.Sink());
    std::mt19937 rng(static_cast<unsigned>(cap));
    uint64_t pk = 0, oc = 0;
    int64_t t = 0;
    for (int i = 0; i < 20000; ++i) {
      t += rng() % 50000000;  // up to 50 ms
      uint32_t octets = 40 + rng() % 1400;
      uint8_t flags = (rng() % 50 == 0) ? 0x01 : 0x10;
      cache.Update(Timestamp::FromNanos(t), Key(rng() % 300, static_cast<uint16_t>(rng() % 4), 6),
                   Pkt(octets, flags));
      ++pk;
      oc += octets;
      ASSERT_LE(cache.Size(), cap);
    }
    cache.Finish();
    uint64_t gotP = 0, gotO = 0;
    for (auto& r : c.records) {
      gotP += r.packets;
      gotO += r.octets;
      EXPECT_NE(r.endReason, FlowEndReason::kNone);
    }
    EXPECT_EQ(gotP, pk) << cap;
    EXPECT_EQ(gotO, oc) << cap;
    EXPECT_EQ(cache.Size(), 0u);
  }
}

TEST(FlowCache, HashTableSurvivesGrowthAndDeletes) {
  Collect c;
  FlowCache cache(Cfg(50000, 1800, 1), false, c.Sink());
  for (uint32_t i = 0; i < 40000; ++i) cache.Update(Timestamp::FromSeconds(1), Key(i, 7), Pkt());
  EXPECT_EQ(cache.Size(), 40000u);
  for (uint32_t i = 0; i < 40000; i += 2) cache.Update(Timestamp::FromSeconds(2), Key(i, 7), Pkt());
  EXPECT_EQ(cache.Size(), 40000u);  // same keys found again, no duplicates
  cache.Advance(Timestamp::FromSeconds(2) + Duration::Millis(500));  // odd ones idle
  EXPECT_EQ(cache.Size(), 20000u);
  for (uint32_t i = 0; i < 40000; i += 2)
    cache.Update(Timestamp::FromSeconds(2) + Duration::Millis(600), Key(i, 7), Pkt());
  EXPECT_EQ(cache.Size(), 20000u);
  cache.Finish();
  uint64_t total = 0;
  for (auto& r : c.records) total += r.packets;
  EXPECT_EQ(total, 80000u);
}

TEST(Sampler, NoneSelectsAll) {
  Sampler s(SamplingConfig{});
  for (int i = 0; i < 100; ++i) EXPECT_TRUE(s.Select());
  EXPECT_EQ(s.Interval(), 0u);
}

TEST(Sampler, CountBasedTakesFirstOfEveryN) {
  SamplingConfig cfg;
  cfg.mode = SamplingConfig::Mode::kCount;
  cfg.interval = 10;
  Sampler s(cfg);
  std::vector<int> taken;
  for (int i = 0; i < 100; ++i) {
    if (s.Select()) taken.push_back(i);
  }
  ASSERT_EQ(taken.size(), 10u);
  for (size_t k = 0; k < taken.size(); ++k) EXPECT_EQ(taken[k], static_cast<int>(k * 10));
  EXPECT_EQ(s.Interval(), 10u);
}

TEST(Sampler, RandomIsSeededAndNearRate) {
  SamplingConfig cfg;
  cfg.mode = SamplingConfig::Mode::kRandom;
  cfg.interval = 100;
  cfg.seed = 42;
  Sampler a(cfg), b(cfg);
  cfg.seed = 43;
  Sampler other(cfg);
  int n = 0;
  bool differs = false;
  for (int i = 0; i < 100000; ++i) {
    bool x = a.Select();
    EXPECT_EQ(x, b.Select());
    if (x != other.Select()) differs = true;
    n += x;
  }
  EXPECT_TRUE(differs);
  EXPECT_GT(n, 800);  // expectation 1000, sd about 31
  EXPECT_LT(n, 1200);
}

}  // namespace
}  // namespace vantage::exporter
