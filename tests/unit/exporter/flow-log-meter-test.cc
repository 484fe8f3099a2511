// FlowLogMeter: windows aligned to the clock, splitting, flags, exclusions, NODATA, SKIPDATA,
// traffic types, Google Cloud sampling and reporters, Azure flow states, determinism.
#include "vantage/exporter/flow-log-meter.h"

#include <gtest/gtest.h>

#include <cmath>
#include <tuple>

namespace vantage::exporter {
namespace {

using wire::flowlog::Action;
using wire::flowlog::Direction;
using wire::flowlog::FlowLogRecord;
using wire::flowlog::LogStatus;
using wire::flowlog::Provider;
using wire::flowlog::Settings;
using wire::flowlog::TrafficType;

constexpr int64_t kS = 1000000000LL;
constexpr int64_t kT0 = 1767600000LL;  // 2026-01-05T08:00:00Z, a multiple of 600 s

core::IpAddress Ip(const char* s) {
  return *core::IpAddress::Parse(s);
}

Settings Aws(uint32_t interval = 60) {
  Settings s = Settings::Defaults(Provider::kAws);
  s.aggregationIntervalS = interval;
  s.deliveryDelayS = 30;
  return s;
}

/// A packet on eni-a, from the instance 10.0.1.5 (egress) unless told otherwise.
FlowLogPacket Pkt(double atS, const char* src = "10.0.1.5", const char* dst = "198.51.100.7",
                  uint16_t sport = 40000, uint16_t dport = 443, uint8_t proto = 6) {
  FlowLogPacket p;
  p.time = core::Timestamp::FromNanos(kT0 * kS + static_cast<int64_t>(atS * 1e9));
  p.interfaceId = "eni-a";
  p.src = Ip(src);
  p.dst = Ip(dst);
  p.direction = std::string(src) == "10.0.1.5" ? Direction::kEgress : Direction::kIngress;
  p.srcPort = sport;
  p.dstPort = dport;
  p.protocol = proto;
  p.ipBytes = 100;
  return p;
}

core::Timestamp At(double s) {
  return core::Timestamp::FromNanos(kT0 * kS + static_cast<int64_t>(s * 1e9));
}

std::vector<FlowLogRecord> OkRecords(const std::vector<FlowLogRecord>& all) {
  std::vector<FlowLogRecord> out;
  for (const auto& r : all) {
    if (r.logStatus == LogStatus::kOk) out.push_back(r);
  }
  return out;
}

TEST(FlowLogMeter, RecordsFollowWindowsAlignedToTheClock) {
  FlowLogMeter m(Aws(60), 1);
  m.OnPacket(Pkt(0.5));
  m.OnPacket(Pkt(59.9));
  m.OnPacket(Pkt(60.0));  // the next minute's window
  m.Advance(At(59.99));
  EXPECT_TRUE(m.TakeRecords().empty()) << "the first window is still open";
  m.Advance(At(60.0));
  auto first = m.TakeRecords();
  ASSERT_EQ(first.size(), 1u);
  EXPECT_EQ(first[0].packets, 2u);
  EXPECT_EQ(first[0].octets, 200u);
  EXPECT_EQ(first[0].start.ns, kT0 * kS);  // whole seconds (AWS)
  EXPECT_EQ(first[0].end.ns, (kT0 + 59) * kS);
  EXPECT_EQ(first[0].delivered.ns, (kT0 + 60 + 30) * kS);
  EXPECT_EQ(first[0].action, Action::kAccept);
  EXPECT_EQ(first[0].direction, Direction::kEgress);
  auto rest = m.Finish(At(100));
  ASSERT_EQ(rest.size(), 1u);
  EXPECT_EQ(rest[0].packets, 1u);
  EXPECT_EQ(rest[0].start.ns, (kT0 + 60) * kS);
}

TEST(FlowLogMeter, LongFlowSplitsAcrossWindowsAndConservesCounts) {
  FlowLogMeter m(Aws(600), 1);
  uint64_t sent = 0;
  for (double t = 100; t < 2000; t += 10) {  // 31 minutes, four 10-minute windows
    m.OnPacket(Pkt(t));
    ++sent;
  }
  auto recs = m.Finish(At(2000));
  ASSERT_EQ(recs.size(), 4u);
  uint64_t total = 0;
  for (size_t i = 0; i < recs.size(); ++i) {
    total += recs[i].packets;
    EXPECT_GE(recs[i].start.ns, (kT0 + 600 * static_cast<int64_t>(i)) * kS);
    EXPECT_LT(recs[i].end.ns, (kT0 + 600 * static_cast<int64_t>(i + 1)) * kS);
  }
  EXPECT_EQ(total, sent);
  EXPECT_EQ(recs[0].packets, 50u);  // 100..590 s
  EXPECT_EQ(recs[1].packets, 60u);
}

TEST(FlowLogMeter, AwsTcpFlagsAreOredAndKeepOnlyFinSynRstAndSynAck) {
  FlowLogMeter m(Aws(60), 1);
  for (uint8_t f : {uint8_t{0x02}, uint8_t{0x10}, uint8_t{0x18}, uint8_t{0x11}}) {
    auto p = Pkt(1);
    p.tcpFlags = f;
    m.OnPacket(p);
  }
  for (uint8_t f : {uint8_t{0x12}, uint8_t{0x10}, uint8_t{0x04}}) {
    auto p = Pkt(2, "198.51.100.7", "10.0.1.5", 443, 40000);
    p.tcpFlags = f;
    m.OnPacket(p);
  }
  auto recs = m.Finish(At(60));
  ASSERT_EQ(recs.size(), 2u);
  for (const auto& r : recs) {
    const int want = r.direction == Direction::kEgress ? 3 : 22;  // SYN|FIN; SYN-ACK (18)|RST
    EXPECT_EQ(r.tcpFlags, want);
  }
}

struct ExclusionCase {
  Provider provider;
  const char* peer;
  uint16_t sport, dport;
  uint8_t proto;
};

TEST(FlowLogMeter, EachProviderLeavesOutWhatItNeverLogs) {
  const std::vector<ExclusionCase> cases = {
      {Provider::kAws, "169.254.169.254", 40000, 80, 6},    // instance metadata
      {Provider::kAws, "169.254.169.123", 123, 123, 17},    // Amazon Time Sync
      {Provider::kAws, "169.254.169.253", 40000, 53, 17},   // link-local DNS resolver
      {Provider::kAws, "169.254.169.250", 40000, 1688, 6},  // Windows license activation
      {Provider::kAws, "169.254.169.251", 40000, 1688, 6},
      {Provider::kAws, "10.0.0.2", 40000, 53, 17},          // VPC + 2: the Amazon DNS server
      {Provider::kAws, "10.0.1.1", 40000, 80, 6},           // the subnet's default router
      {Provider::kAws, "255.255.255.255", 68, 67, 17},      // DHCP
      {Provider::kAws, "10.0.9.53", 40000, 53, 17},         // resolver placed by the network
      {Provider::kGcp, "169.254.169.254", 40000, 53, 17},   // metadata server and DNS
      {Provider::kGcp, "198.51.100.7", 0, 0, 132},          // SCTP is not sampled
      {Provider::kAzure, "168.63.129.16", 40000, 53, 17},   // platform DNS / DHCP / probes
      {Provider::kAzure, "169.254.169.254", 40000, 80, 6},  // IMDS
  };
  for (const auto& c : cases) {
    Settings s = Settings::Defaults(c.provider);
    s.sampleRate = 1.0;
    FlowLogMeter m(s, 1);
    m.SetVpc(*core::IpPrefix::Parse("10.0.0.0/16"));
    m.AddSubnet(*core::IpPrefix::Parse("10.0.1.0/24"));
    m.AddProviderAddress(Ip("10.0.9.53"));
    m.OnPacket(Pkt(1, "10.0.1.5", c.peer, c.sport, c.dport, c.proto));
    m.OnPacket(Pkt(1, "198.51.100.9", "10.0.1.5", 50000, 22, 6));  // logged: proves the meter runs
    auto recs = OkRecords(m.Finish(At(1000)));
    ASSERT_EQ(recs.size(), 1u) << wire::flowlog::ProviderName(c.provider) << " " << c.peer;
    EXPECT_EQ(recs[0].dstPort, 22);
    EXPECT_EQ(m.Stats().excludedPackets, 1u) << c.peer;
  }
}

TEST(FlowLogMeter, AwsWritesNoDataForDeclaredInterfacesWithoutTraffic) {
  FlowLogMeter m(Aws(60), 1);
  m.AddInterface("eni-a");
  m.AddInterface("eni-b");
  m.Advance(At(0));
  m.OnPacket(Pkt(70));  // eni-a, second window only
  auto recs = m.Finish(At(180));
  size_t noDataA = 0, noDataB = 0, ok = 0;
  for (const auto& r : recs) {
    if (r.logStatus == LogStatus::kNoData) {
      (r.interfaceId == "eni-a" ? noDataA : noDataB)++;
      EXPECT_EQ(r.end.ns - r.start.ns, 60 * kS);
      EXPECT_EQ(r.packets, 0u);
      EXPECT_FALSE(r.src.IsSet());
    } else {
      ++ok;
    }
  }
  EXPECT_EQ(ok, 1u);
  EXPECT_EQ(noDataA, 2u);
  EXPECT_EQ(noDataB, 3u);
  EXPECT_EQ(m.Stats().noDataRecords, 5u);
}

TEST(FlowLogMeter, RecordLimitTurnsTheRestIntoOneSkipDataRecord) {
  FlowLogMeter m(Aws(60), 1);
  m.SetRecordLimit(3);
  for (uint16_t port = 1; port <= 10; ++port) m.OnPacket(Pkt(1, "10.0.1.5", "198.51.100.7", port));
  auto recs = m.Finish(At(60));
  ASSERT_EQ(recs.size(), 4u);
  EXPECT_EQ(recs.back().logStatus, LogStatus::kSkipData);
  EXPECT_EQ(m.Stats().skipDataRecords, 1u);
}

TEST(FlowLogMeter, TrafficTypeKeepsAcceptedRejectedOrBoth) {
  for (TrafficType tt : {TrafficType::kAll, TrafficType::kAccept, TrafficType::kReject}) {
    Settings s = Aws(60);
    s.trafficType = tt;
    FlowLogMeter m(s, 1);
    m.OnPacket(Pkt(1));
    auto rej = Pkt(2, "198.51.100.9", "10.0.1.5", 50000, 3389);
    rej.action = Action::kReject;
    m.OnPacket(rej);
    auto recs = m.Finish(At(60));
    const size_t want = tt == TrafficType::kAll ? 2 : 1;
    ASSERT_EQ(recs.size(), want);
    if (tt != TrafficType::kAll) {
      EXPECT_EQ(recs[0].action, tt == TrafficType::kReject ? Action::kReject : Action::kAccept);
    }
    EXPECT_EQ(m.Stats().filteredPackets, tt == TrafficType::kAll ? 0u : 1u);
  }
}

std::vector<FlowLogRecord> GcpRun(uint64_t seed, double rate, int flows) {
  Settings s = Settings::Defaults(Provider::kGcp);
  s.sampleRate = rate;
  FlowLogMeter m(s, seed);
  for (int i = 0; i < flows; ++i) {
    auto p = Pkt(1 + (i % 4), "10.0.1.5", "198.51.100.7", static_cast<uint16_t>(1024 + i % 60000),
                 static_cast<uint16_t>(443 + i / 60000));
    m.OnPacket(p);
  }
  return m.Finish(At(10));
}

TEST(FlowLogMeter, GoogleSamplingRateIsWithinFourSigmaOnALargeRun) {
  const int n = 20000;
  const double rate = 0.5;
  const auto kept = GcpRun(11, rate, n);
  const double sigma = std::sqrt(n * rate * (1 - rate));
  EXPECT_LT(std::fabs(static_cast<double>(kept.size()) - n * rate), 4 * sigma)
      << "kept " << kept.size() << " of " << n;
  EXPECT_GT(kept.size(), 0u);
  EXPECT_LT(kept.size(), static_cast<size_t>(n));
}

TEST(FlowLogMeter, SamplingIsDeterministicFromTheSeed) {
  auto a = GcpRun(5, 0.5, 2000), b = GcpRun(5, 0.5, 2000), c = GcpRun(6, 0.5, 2000);
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) EXPECT_EQ(a[i].srcPort, b[i].srcPort);
  bool differs = a.size() != c.size();
  for (size_t i = 0; !differs && i < a.size(); ++i) differs = a[i].srcPort != c[i].srcPort;
  EXPECT_TRUE(differs) << "another seed samples other flows";
  EXPECT_EQ(GcpRun(5, 1.0, 500).size(), 500u) << "rate 1 keeps every record";
}

TEST(FlowLogMeter, GoogleReportsSrcForSentAndDestForReceivedAndSkipsDenied) {
  Settings s = Settings::Defaults(Provider::kGcp);
  s.sampleRate = 1.0;
  FlowLogMeter m(s, 1);
  m.OnPacket(Pkt(1));
  m.OnPacket(Pkt(1.5, "198.51.100.7", "10.0.1.5", 443, 40000));
  auto denied = Pkt(2, "198.51.100.9", "10.0.1.5", 50000, 22);
  denied.action = Action::kReject;
  m.OnPacket(denied);
  auto recs = m.Finish(At(5));
  ASSERT_EQ(recs.size(), 2u);
  for (const auto& r : recs) {
    EXPECT_EQ(r.reporter, r.src == Ip("10.0.1.5") ? "SRC" : "DEST");
    EXPECT_EQ(r.start, r.src == Ip("10.0.1.5") ? At(1) : At(1.5)) << "nanosecond times";
  }
  EXPECT_EQ(m.Stats().excludedPackets, 1u);
}

TEST(FlowLogMeter, AzureOneTuplePerConnectionWithBeginContinueEndAndDeny) {
  FlowLogMeter m(Settings::Defaults(Provider::kAzure), 1);  // 60 s windows
  auto syn = Pkt(1);
  syn.tcpFlags = 0x02;
  m.OnPacket(syn);
  m.OnPacket(Pkt(2, "198.51.100.7", "10.0.1.5", 443, 40000));  // reply
  m.OnPacket(Pkt(70));
  auto fin = Pkt(130);
  fin.tcpFlags = 0x11;
  m.OnPacket(fin);
  auto deny = Pkt(5, "198.51.100.9", "10.0.1.5", 50000, 3389);
  deny.action = Action::kReject;
  m.OnPacket(deny);
  auto recs = m.Finish(At(180));
  ASSERT_EQ(recs.size(), 4u);
  std::vector<char> states;
  for (const auto& r : recs) {
    if (r.action == Action::kReject) {
      EXPECT_EQ(r.azureState, 'D');
      EXPECT_EQ(r.direction, Direction::kIngress);
      continue;
    }
    states.push_back(r.azureState);
    EXPECT_EQ(r.src, Ip("10.0.1.5")) << "oriented as the connection began";
    EXPECT_EQ(r.direction, Direction::kEgress);
  }
  EXPECT_EQ(states, (std::vector<char>{'B', 'C', 'E'}));
  EXPECT_EQ(recs[0].packets, 1u);
  EXPECT_EQ(recs[0].reversePackets, 1u);
}

TEST(FlowLogMeter, AzureRepliesJoinTheirConnectionWhateverTheirDirectionSays) {
  // A capture without interface address calls every packet egress: replies must still count
  // in their connection's tuple, not start one of their own.
  FlowLogMeter m(Settings::Defaults(Provider::kAzure), 1);
  auto req = Pkt(1);
  auto rep = Pkt(2, "198.51.100.7", "10.0.1.5", 443, 40000);
  rep.direction = Direction::kEgress;
  m.OnPacket(req);
  m.OnPacket(rep);
  auto recs = m.Finish(At(60));
  ASSERT_EQ(recs.size(), 1u);
  EXPECT_EQ(recs[0].packets, 1u);
  EXPECT_EQ(recs[0].reversePackets, 1u);
  EXPECT_EQ(recs[0].direction, Direction::kEgress);
}

TEST(FlowLogMeter, NatInterfaceKeepsThePacketAddressesApart) {
  // Two packets at the NAT gateway's interface that differ only in the packet's destination
  // (pkt-dstaddr) are two records: AWS aggregates on every field it writes.
  FlowLogMeter m(Aws(60), 1);
  for (const char* pktDst : {"203.0.113.5", "203.0.113.6"}) {
    auto p = Pkt(1, "10.0.1.5", "10.0.0.220");  // arrives at the NAT gateway's interface
    p.direction = Direction::kIngress;
    p.pktDst = Ip(pktDst);
    m.OnPacket(p);
  }
  auto recs = m.Finish(At(60));
  ASSERT_EQ(recs.size(), 2u);
  EXPECT_EQ(recs[0].dst, Ip("10.0.0.220"));
  EXPECT_EQ(recs[1].dst, Ip("10.0.0.220"));
  EXPECT_EQ(recs[0].pktDst, Ip("203.0.113.5"));
  EXPECT_EQ(recs[1].pktDst, Ip("203.0.113.6"));
  EXPECT_EQ(recs[0].packets + recs[1].packets, 2u);
  EXPECT_FALSE(recs[0].pktSrc.IsSet());
}

TEST(FlowLogMeter, SameInputSameRecords) {
  // Google Cloud's sampling is the meter's only randomness: the seed fixes which records go.
  auto run = [](uint64_t seed) {
    Settings s = Settings::Defaults(Provider::kGcp);
    s.sampleRate = 0.5;
    FlowLogMeter m(s, seed);
    for (int i = 0; i < 300; ++i)
      m.OnPacket(Pkt(i * 0.7, "10.0.1.5", "198.51.100.7", 1000 + i % 7));
    auto recs = m.Finish(At(400));
    std::vector<std::tuple<uint16_t, uint64_t, int64_t>> kept;
    for (const auto& r : recs) kept.emplace_back(r.srcPort, r.packets, r.start.ns);
    EXPECT_GT(m.Stats().sampledOutRecords, 0u);
    return kept;
  };
  const auto a = run(3);
  EXPECT_FALSE(a.empty());
  EXPECT_EQ(a, run(3));
  EXPECT_NE(a, run(4));
}

}  // namespace
}  // namespace vantage::exporter
