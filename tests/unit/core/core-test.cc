// Unit tests for core: ByteReader/Writer bounds, Result, timestamps, addresses, flow keys.
#include <gtest/gtest.h>

#include <unordered_set>

#include "vantage/core/anomaly.h"
#include "vantage/core/byte-reader.h"
#include "vantage/core/flow.h"
#include "vantage/core/fnv1a.h"
#include "vantage/core/result.h"
#include "vantage/core/time.h"

using namespace vantage::core;

TEST(ByteReader, ReadsBigEndianAndStopsAtEnd) {
  std::vector<uint8_t> b{0x00, 0x0a, 0x12, 0x34, 0x56, 0x78, 0xff};
  ByteReader r(b);
  uint16_t v16 = 0;
  uint32_t v32 = 0;
  uint16_t extra = 0;
  ASSERT_TRUE(r.ReadU16(v16));
  EXPECT_EQ(v16, 10);
  ASSERT_TRUE(r.ReadU32(v32));
  EXPECT_EQ(v32, 0x12345678u);
  EXPECT_EQ(r.Remaining(), 1u);
  EXPECT_FALSE(r.ReadU16(extra));
  EXPECT_EQ(r.Remaining(), 1u) << "a failed read must not consume";
  Error e = r.Need(2, "set header");
  EXPECT_EQ(e.code, ErrorCode::kTruncated);
  EXPECT_EQ(e.offset, 6u);
  EXPECT_NE(e.message.find("need 2 bytes, 1 available at offset 6"), std::string::npos);
}

TEST(ByteReader, SubReaderIsBoundedAndKeepsAbsoluteOffsets) {
  std::vector<uint8_t> b(20, 0xab);
  ByteReader r(b);
  ASSERT_TRUE(r.Skip(4));
  ByteReader sub;
  ASSERT_TRUE(r.Sub(8, sub));
  EXPECT_EQ(sub.Offset(), 4u);
  uint64_t v = 0;
  ASSERT_TRUE(sub.ReadU64(v));
  EXPECT_FALSE(sub.ReadU8(*reinterpret_cast<uint8_t*>(&v)));
  EXPECT_EQ(sub.Need(1, "x").offset, 12u);
  ByteReader tooBig;
  EXPECT_FALSE(r.Sub(9, tooBig));
  EXPECT_EQ(r.Remaining(), 8u);
}

TEST(ByteReader, ReducedSizeUnsigned) {
  std::vector<uint8_t> b{0x01, 0x02, 0x03};
  ByteReader r(b);
  uint64_t v = 0;
  ASSERT_TRUE(r.ReadUnsigned(3, v));
  EXPECT_EQ(v, 0x010203u);
  ByteReader r2(b);
  EXPECT_FALSE(r2.ReadUnsigned(9, v));
  EXPECT_FALSE(r2.ReadUnsigned(0, v));
}

TEST(ByteWriter, WritesAndPatches) {
  ByteWriter w;
  w.WriteU16(0);
  w.WriteU32(0xdeadbeef);
  w.WriteUnsigned(3, 0x0a0b0c);
  w.PatchU16(0, static_cast<uint16_t>(w.Size()));
  std::vector<uint8_t> expect{0x00, 0x09, 0xde, 0xad, 0xbe, 0xef, 0x0a, 0x0b, 0x0c};
  EXPECT_EQ(w.Bytes(), expect);
}

TEST(Result, HoldsValueOrError) {
  Result<int> ok = 5;
  ASSERT_TRUE(ok);
  EXPECT_EQ(*ok, 5);
  Result<int> bad = MakeError(ErrorCode::kInvalid, "bad", 12);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.GetError().ToString(), "bad (offset 12)");
  Status s;
  EXPECT_TRUE(s);
}

TEST(Timestamp, NtpRoundTripAndIso) {
  Timestamp t = Timestamp::FromNanos(1700000000123456789LL);
  EXPECT_EQ(Timestamp::FromNtp64(t.ToNtp64()), t);
  EXPECT_EQ(Timestamp::FromSeconds(0).ToIso8601(), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(Timestamp::FromMillis(1704164645678LL).ToIso8601(), "2024-01-02T03:04:05.678Z");
}

TEST(PacketClock, NeverGoesBack) {
  PacketClock c;
  EXPECT_TRUE(c.Advance(Timestamp::FromSeconds(10)));
  EXPECT_FALSE(c.Advance(Timestamp::FromSeconds(5)));
  EXPECT_EQ(c.Now(), Timestamp::FromSeconds(10));
  EXPECT_EQ(c.BackwardSteps(), 1u);
}

TEST(IpAddress, ParsePrintPrefix) {
  auto a = IpAddress::Parse("10.1.2.3");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->V4Value(), 0x0a010203u);
  EXPECT_EQ(a->ToString(), "10.1.2.3");
  auto v6 = IpAddress::Parse("fd00::1");
  ASSERT_TRUE(v6);
  EXPECT_TRUE(v6->IsV6());
  EXPECT_FALSE(IpAddress::Parse("10.1.2"));
  auto p = IpPrefix::Parse("10.1.0.0/16");
  ASSERT_TRUE(p);
  EXPECT_TRUE(p->Contains(*a));
  EXPECT_FALSE(IpPrefix::Parse("10.1.0.1/16"));
  EXPECT_FALSE(IpPrefix::Parse("10.1.0.0/33"));
  EXPECT_TRUE(p->Overlaps(*IpPrefix::Parse("10.0.0.0/8")));
  EXPECT_FALSE(p->Overlaps(*IpPrefix::Parse("10.2.0.0/16")));
}

TEST(FlowKey, HashAndReverse) {
  FlowKey k;
  k.src = IpAddress::V4(1);
  k.dst = IpAddress::V4(2);
  k.srcPort = 1000;
  k.dstPort = 80;
  k.protocol = 6;
  FlowKey r = k.Reversed();
  EXPECT_NE(k, r);
  EXPECT_EQ(r.Reversed(), k);
  std::unordered_set<FlowKey> set{k, r, k};
  EXPECT_EQ(set.size(), 2u);
  EXPECT_EQ(k.ToString(), "6 0.0.0.1:1000 > 0.0.0.2:80");
}

TEST(AnomalyCounters, CountsByName) {
  AnomalyCounters a;
  a.Count("ipfix.truncated_set");
  a.Count("ipfix.truncated_set", 2);
  a.Count("v5.bad_count");
  EXPECT_EQ(a.Get("ipfix.truncated_set"), 3u);
  EXPECT_EQ(a.Total(), 4u);
  EXPECT_EQ(a.All().begin()->first, "ipfix.truncated_set");
}

TEST(FlowRecord, CanonicalStringListsSetFieldsOnly) {
  FlowRecord r;
  r.key.protocol = 6;
  r.key.src = IpAddress::V4(0x0a000001);
  r.key.dst = IpAddress::V4(0x0a000002);
  r.key.srcPort = 1234;
  r.key.dstPort = 80;
  r.packets = 3;
  r.octets = 180;
  r.start = Timestamp::FromMillis(1000);
  r.end = Timestamp::FromMillis(2000);
  r.tcpFlags = 0x12;  // SYN ACK
  r.endReason = FlowEndReason::kEndOfFlow;
  EXPECT_EQ(r.ToCanonicalString(),
            "proto=6 src=10.0.0.1 sport=1234 dst=10.0.0.2 dport=80 pkts=3 octets=180 "
            "start=1000000000 end=2000000000 flags=.S..A... end_reason=end");
}

TEST(Fnv1a, MatchesThePublishedVectorsAndContinues) {
  // Test vectors of the FNV reference (64-bit FNV-1a, from the standard offset basis).
  EXPECT_EQ(kFnv1aOffsetBasis, 0xcbf29ce484222325ULL);
  EXPECT_EQ(Fnv1a("a", kFnv1aOffsetBasis), 0xaf63dc4c8601ec8cULL);
  EXPECT_EQ(Fnv1a("foobar", kFnv1aOffsetBasis), 0x85944171f73967e8ULL);
  // Vantage's default seed, on which written identifiers depend.
  EXPECT_EQ(Fnv1a(""), kFnv1aSeed);
  EXPECT_EQ(Fnv1a("a"), (kFnv1aSeed ^ 'a') * kFnv1aPrime);
  EXPECT_EQ(Fnv1a("bar", Fnv1a("foo")), Fnv1a("foobar"));
  const uint8_t bytes[] = {'f', 'o', 'o'};
  EXPECT_EQ(Fnv1a(bytes, sizeof(bytes)), Fnv1a("foo"));
}
