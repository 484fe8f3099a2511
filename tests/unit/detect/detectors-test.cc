// Each detector on flow sets just above and just below its thresholds, and the beacon score on
// hand-computed samples.
#include <gtest/gtest.h>

#include "test-flows.h"

namespace vantage::detect {
namespace {

using test::AddConn;
using test::ConnSpec;
using test::Detect;
using test::Probe;

// --- score formula --------------------------------------------------------------------------

TEST(DetectScore, RegularityOnHandComputedSamples) {
  // {10,20,30,40,100}: Q1 20, Q2 30, Q3 40 -> skew (20+40-60)/20 = 0; deviations from 30 are
  // {20,10,0,10,70}, MAD 10 -> MAD score (30-10)/30.
  RegularityScore a = ScoreRegularity({100, 10, 40, 20, 30}, 10, 1);
  EXPECT_DOUBLE_EQ(a.skew, 0);
  EXPECT_DOUBLE_EQ(a.mad, 10);
  EXPECT_NEAR(a.madScore, 2.0 / 3, 1e-12);
  EXPECT_NEAR(a.score, (1 + 2.0 / 3) / 2, 1e-12);
  // {10,12,14,40,60}: Q1 12, Q2 14, Q3 40 -> skew (12+40-28)/28 = 6/7; deviations
  // {4,2,0,26,46}, MAD 4 -> (14-4)/14 = 5/7; score (1/7 + 5/7)/2 = 3/7.
  RegularityScore b = ScoreRegularity({10, 12, 14, 40, 60}, 10, 1);
  EXPECT_NEAR(b.skew, 6.0 / 7, 1e-12);
  EXPECT_NEAR(b.madScore, 5.0 / 7, 1e-12);
  EXPECT_NEAR(b.score, 3.0 / 7, 1e-12);
  // Same sample, quartiles closer than RITA's minimum spread: skew is ignored.
  RegularityScore c = ScoreRegularity({10, 12, 14, 40, 60}, 30, 1);
  EXPECT_DOUBLE_EQ(c.skew, 0);
  // Median below 1: the default MAD score applies.
  EXPECT_DOUBLE_EQ(ScoreRegularity({0, 0, 0.5, 0.5}, 10, 1).madScore, 1);
  EXPECT_DOUBLE_EQ(ScoreRegularity({0, 0, 0.5, 0.5}, 10, 0).madScore, 0);
}

TEST(DetectScore, BeaconScoreIsTheWeightedSum) {
  // Starts every 30 s: intervals all 30 (ts 1); sizes {500,500,500,600,500}: MAD 0 (ds 1);
  // covering 120 s of a 240 s span: duration 0.5. Equal weights: (1 + 1 + 0.5) / 3.
  std::vector<int64_t> starts;
  for (int i = 0; i < 5; ++i) starts.push_back(i * 30'000'000'000LL);
  BeaconRules rules;
  BeaconScore s = ScoreBeacon(starts, {500, 500, 500, 600, 500}, 240'000'000'000LL, rules);
  EXPECT_DOUBLE_EQ(s.ts.score, 1);
  EXPECT_DOUBLE_EQ(s.ds.score, 1);
  EXPECT_DOUBLE_EQ(s.duration, 0.5);
  EXPECT_NEAR(s.score, 2.5 / 3, 1e-12);
  rules.tsWeight = 0.5;
  rules.dsWeight = 0.25;
  rules.durWeight = 0.25;
  EXPECT_NEAR(ScoreBeacon(starts, {500, 500, 500, 600, 500}, 240'000'000'000LL, rules).score, 0.875,
              1e-12);
}

// --- beacon ---------------------------------------------------------------------------------

std::vector<core::FlowRecord> Beacons(int count, double interval, double jitter = 0) {
  std::vector<core::FlowRecord> r;
  for (int i = 0; i < count; ++i) {
    ConnSpec c;
    c.client = "10.1.0.5";
    c.server = "198.51.100.9";
    c.clientPort = static_cast<uint16_t>(50000 + i);
    c.startS = i * interval + ((i % 3) - 1) * jitter;
    c.bytesOut = 400;
    c.bytesIn = 900;
    AddConn(r, c);
  }
  return r;
}

TEST(DetectBeacon, ScoreThresholdJustAboveAndBelow) {
  auto records = Beacons(12, 30, 3);
  FlowSet set = test::SetOf(records);
  std::vector<int64_t> starts;
  std::vector<double> sizes;
  for (const auto& c : BuildConnections(set)) {
    starts.push_back(c.startNs);
    sizes.push_back(c.bytesOut);
  }
  Rules rules;
  BeaconScore s = ScoreBeacon(starts, sizes, set.lastNs - set.firstNs, rules.beacon);
  ASSERT_GT(s.score, 0.7);
  rules.beacon.threshold = s.score - 0.001;
  auto found = Detect(DetectBeacons, records, rules);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_NEAR(found[0].score, s.score, 1e-12);
  EXPECT_EQ(found[0].sourceNames[0], "10.1.0.5");
  rules.beacon.threshold = s.score + 0.001;
  EXPECT_TRUE(Detect(DetectBeacons, records, rules).empty());
}

TEST(DetectBeacon, MinimumConnections) {
  Rules rules;
  rules.beacon.minConnections = 10;
  EXPECT_EQ(Detect(DetectBeacons, Beacons(10, 30), rules).size(), 1u);
  EXPECT_TRUE(Detect(DetectBeacons, Beacons(9, 30), rules).empty());
}

TEST(DetectBeacon, IrregularTimingIsNotABeacon) {
  std::vector<core::FlowRecord> r;
  double t = 0;
  for (int i = 0; i < 30; ++i) {
    ConnSpec c;
    c.client = "10.1.0.5";
    c.server = "198.51.100.9";
    c.clientPort = static_cast<uint16_t>(50000 + i);
    t += (i % 2 ? 1 : 60) + i * 3;
    c.startS = t;
    AddConn(r, c);
  }
  EXPECT_TRUE(Detect(DetectBeacons, r).empty());
}

// --- port scan ------------------------------------------------------------------------------

std::vector<core::FlowRecord> Vertical(int ports, double spacing) {
  std::vector<core::FlowRecord> r;
  for (int i = 0; i < ports; ++i) {
    AddConn(r, Probe("10.1.0.5", "10.2.0.9", static_cast<uint16_t>(100 + i), i * spacing));
  }
  return r;
}

TEST(DetectPortScan, VerticalThreshold) {
  EXPECT_EQ(Detect(DetectPortScans, Vertical(15, 1)).size(), 1u);
  EXPECT_TRUE(Detect(DetectPortScans, Vertical(14, 1)).empty());
  // 15 ports spread over more than the 300 s window are not a scan.
  EXPECT_TRUE(Detect(DetectPortScans, Vertical(15, 25)).empty());
}

TEST(DetectPortScan, HorizontalThreshold) {
  auto sweep = [](int hosts) {
    std::vector<core::FlowRecord> r;
    for (int i = 0; i < hosts; ++i) {
      AddConn(r, Probe("10.1.0.5", "10.2.0." + std::to_string(i + 1), 445, i));
    }
    return r;
  };
  auto found = Detect(DetectPortScans, sweep(25));
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].destinations.size(), 25u);
  EXPECT_TRUE(Detect(DetectPortScans, sweep(24)).empty());
}

TEST(DetectPortScan, SampledDistinctCountsAreNotScaled) {
  // Distinct ports are a lower bound under sampling: 14 sampled probes are 14 ports, 15 are 15.
  auto sampled = [](int n) {
    std::vector<core::FlowRecord> r;
    for (int i = 0; i < n; ++i) {
      ConnSpec p = Probe("10.1.0.5", "10.2.0.9", static_cast<uint16_t>(100 + i), i);
      p.sampling = 2;
      AddConn(r, p);
    }
    return r;
  };
  EXPECT_TRUE(Detect(DetectPortScans, sampled(14)).empty());
  auto found = Detect(DetectPortScans, sampled(15));
  ASSERT_EQ(found.size(), 1u);
  EXPECT_TRUE(found[0].sampled);
  EXPECT_DOUBLE_EQ(found[0].score, 15);
}

TEST(DetectPortScan, AnsweredConnectionsDoNotCount) {
  std::vector<core::FlowRecord> r;
  for (int i = 0; i < 20; ++i) {
    ConnSpec c;
    c.client = "10.1.0.5";
    c.server = "10.2.0.9";
    c.serverPort = static_cast<uint16_t>(100 + i);
    c.startS = i;
    AddConn(r, c);
  }
  EXPECT_TRUE(Detect(DetectPortScans, r).empty());
}

// --- brute force ----------------------------------------------------------------------------

std::vector<core::FlowRecord> Guesses(int n, double spacing, uint16_t port = 22) {
  std::vector<core::FlowRecord> r;
  for (int i = 0; i < n; ++i) {
    ConnSpec c;
    c.client = "10.1.0.5";
    c.server = "10.2.0.9";
    c.clientPort = static_cast<uint16_t>(40000 + i);
    c.serverPort = port;
    c.startS = i * spacing;
    c.durationS = 2;
    c.bytesOut = 900;
    c.bytesIn = 1200;
    AddConn(r, c);
  }
  return r;
}

TEST(DetectBruteForce, Threshold) {
  auto found = Detect(DetectBruteForce, Guesses(30, 10));
  ASSERT_EQ(found.size(), 1u);
  EXPECT_DOUBLE_EQ(found[0].score, 30);
  EXPECT_TRUE(Detect(DetectBruteForce, Guesses(29, 10)).empty());
  // Spread beyond Zeek's 30-minute guessing window.
  EXPECT_TRUE(Detect(DetectBruteForce, Guesses(30, 70)).empty());
  // Not an authentication port.
  EXPECT_TRUE(Detect(DetectBruteForce, Guesses(40, 10, 8080)).empty());
}

TEST(DetectBruteForce, SampledSessionCountsAreScaled) {
  // 15 sessions seen at 1-in-2 sampling estimate 30; 14 estimate 28.
  auto sampled = [](int n) {
    auto r = Guesses(n, 10);
    for (auto& rec : r) rec.samplingInterval = 2;
    return r;
  };
  EXPECT_EQ(Detect(DetectBruteForce, sampled(15)).size(), 1u);
  EXPECT_TRUE(Detect(DetectBruteForce, sampled(14)).empty());
}

TEST(DetectBruteForce, PeersOfABusyServiceRaiseTheBar) {
  // Three other clients with 20 short sessions each: a fourth needs 3 x 20 = 60, not 30.
  auto busy = [](int guesses) {
    std::vector<core::FlowRecord> r = Guesses(guesses, 5);
    for (int c = 0; c < 3; ++c) {
      for (int i = 0; i < 20; ++i) {
        ConnSpec s;
        s.client = "10.1.1." + std::to_string(c + 1);
        s.server = "10.2.0.9";
        s.clientPort = static_cast<uint16_t>(41000 + i);
        s.serverPort = 22;
        s.startS = i * 5;
        s.bytesIn = 1000;
        AddConn(r, s);
      }
    }
    return r;
  };
  EXPECT_TRUE(Detect(DetectBruteForce, busy(59)).empty());
  EXPECT_EQ(Detect(DetectBruteForce, busy(60)).size(), 1u);
}

TEST(DetectBruteForce, LargeSessionsAreNotGuesses) {
  auto r = Guesses(40, 10);
  for (auto& rec : r) {
    if (rec.key.srcPort == 22) rec.octets = 6000;
  }
  EXPECT_TRUE(Detect(DetectBruteForce, r).empty());
}

// --- long connection and protocol expectation -----------------------------------------------

std::vector<core::FlowRecord> Ssh(double longDuration) {
  std::vector<core::FlowRecord> r;
  for (int i = 0; i < 20; ++i) {
    ConnSpec c;
    c.client = "10.1.0." + std::to_string(10 + i);
    c.server = "10.2.0.9";
    c.serverPort = 22;
    c.startS = i;
    c.durationS = 20 + i;
    AddConn(r, c);
  }
  ConnSpec l;
  l.client = "10.1.0.5";
  l.server = "198.51.100.9";
  l.serverPort = 22;
  l.durationS = longDuration;
  AddConn(r, l);
  return r;
}

TEST(DetectLongConnection, Threshold) {
  EXPECT_EQ(Detect(DetectLongConnections, Ssh(3600)).size(), 1u);
  EXPECT_TRUE(Detect(DetectLongConnections, Ssh(3599)).empty());
}

TEST(DetectLongConnection, ActiveTimeoutPiecesAreJoined) {
  // Three 1300 s records of one connection (an active timeout cut it) make one 3900 s session.
  std::vector<core::FlowRecord> r;
  for (int i = 0; i < 3; ++i) {
    ConnSpec c;
    c.client = "10.1.0.5";
    c.server = "198.51.100.9";
    c.serverPort = 22;
    c.startS = i * 1300.0;
    c.durationS = 1300;
    AddConn(r, c);
  }
  auto found = Detect(DetectLongConnections, r);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_NEAR(found[0].score, 3900, 1e-6);
}

TEST(DetectProtocol, SshLongerThanExpected) {
  auto found = Detect(DetectProtocolExpectation, Ssh(301));
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].sourceNames[0], "10.1.0.5");
  EXPECT_TRUE(Detect(DetectProtocolExpectation, Ssh(299)).empty());
}

TEST(DetectProtocol, OversizedDns) {
  // Ten ordinary exchanges (200-byte answers) set the baseline; one answer is larger.
  auto dns = [](uint64_t responseBytes) {
    std::vector<core::FlowRecord> r;
    for (int i = 0; i <= 10; ++i) {
      ConnSpec c;
      c.client = i == 10 ? "10.1.0.5" : "10.1.0.6";
      c.clientPort = static_cast<uint16_t>(30000 + i);
      c.server = "10.2.0.53";
      c.serverPort = 53;
      c.protocol = 17;
      c.startS = i;
      c.packetsOut = c.packetsIn = 1;
      c.bytesOut = 80;
      c.bytesIn = i == 10 ? responseBytes : 200;
      AddConn(r, c);
    }
    return r;
  };
  EXPECT_EQ(Detect(DetectProtocolExpectation, dns(513)).size(), 1u);
  EXPECT_TRUE(Detect(DetectProtocolExpectation, dns(512)).empty());
}

// --- exfiltration ---------------------------------------------------------------------------

std::vector<core::FlowRecord> Upload(uint64_t out, uint64_t back, const std::string& client) {
  std::vector<core::FlowRecord> r;
  ConnSpec c;
  c.client = client;
  c.server = "198.51.100.20";
  c.serverPort = 25;
  c.bytesOut = out;
  c.bytesIn = back;
  AddConn(r, c);
  return r;
}

TEST(DetectExfiltration, BytesAndRatio) {
  EXPECT_EQ(Detect(DetectExfiltration, Upload(2'000'000, 100'000, "10.1.0.5")).size(), 1u);
  EXPECT_TRUE(Detect(DetectExfiltration, Upload(1'999'999, 100'000, "10.1.0.5")).empty());
  // Out/in ratio just below 10.
  EXPECT_TRUE(Detect(DetectExfiltration, Upload(2'000'000, 200'001, "10.1.0.5")).empty());
  // A mail relay sending mail on its role's port is not exfiltration.
  EXPECT_TRUE(Detect(DetectExfiltration, Upload(5'000'000, 1000, "203.0.113.71")).empty());
}

// --- directionality -------------------------------------------------------------------------

TEST(DetectDirectionality, ServerCallingOut) {
  auto call = [](const std::string& from, uint16_t port) {
    std::vector<core::FlowRecord> r;
    ConnSpec c;
    c.client = from;
    c.server = "198.51.100.9";
    c.serverPort = port;
    AddConn(r, c);
    return r;
  };
  auto found = Detect(DetectDirectionality, call("203.0.113.70", 4444));
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].sourceNames[0], "dmz-web");
  EXPECT_TRUE(Detect(DetectDirectionality, call("203.0.113.70", 443)).empty());  // allowed port
  EXPECT_TRUE(Detect(DetectDirectionality, call("203.0.113.71", 25)).empty());   // mail role
  EXPECT_EQ(Detect(DetectDirectionality, call("203.0.113.70", 25)).size(), 1u);  // web role
  EXPECT_TRUE(Detect(DetectDirectionality, call("10.1.0.5", 4444)).empty());     // a client
  Rules rules;
  rules.directionality.rolePorts["web"] = {4444};
  EXPECT_TRUE(Detect(DetectDirectionality, call("203.0.113.70", 4444), rules).empty());
}

// --- spikes ---------------------------------------------------------------------------------

std::vector<core::FlowRecord> Minutes(int perMinute, int spikeCount) {
  std::vector<core::FlowRecord> r;
  int port = 20000;
  for (int m = 0; m < 10; ++m) {
    int n = m == 6 ? spikeCount : perMinute;
    for (int i = 0; i < n; ++i) {
      ConnSpec c;
      c.client = "10.1.0.5";
      c.server = "10.2.0.9";
      c.clientPort = static_cast<uint16_t>(port++);
      c.startS = m * 60 + i * 59.0 / n;
      c.durationS = 0.1;
      AddConn(r, c);
    }
  }
  return r;
}

TEST(DetectSpike, MedianPlusKMad) {
  // Baseline 10 per minute, MAD 0: the limit is max(10 + 0, 3 x 10, 20) = 30.
  auto found = Detect(DetectSpikes, Minutes(10, 30));
  ASSERT_EQ(found.size(), 1u);
  EXPECT_DOUBLE_EQ(found[0].score, 30);
  EXPECT_TRUE(Detect(DetectSpikes, Minutes(10, 29)).empty());
}

// --- DNS tunnel -----------------------------------------------------------------------------

std::vector<core::FlowRecord> Queries(int n, uint64_t requestBytes) {
  std::vector<core::FlowRecord> r;
  for (int i = 0; i < n; ++i) {
    ConnSpec c;
    c.client = "10.1.0.5";
    c.server = "10.2.0.53";
    c.clientPort = static_cast<uint16_t>(30000 + i);
    c.serverPort = 53;
    c.protocol = 17;
    c.startS = i * 5;
    c.packetsOut = c.packetsIn = 1;
    c.bytesOut = requestBytes;
    c.bytesIn = 300;
    AddConn(r, c);
  }
  return r;
}

TEST(DetectDnsTunnel, CountAndSize) {
  EXPECT_EQ(Detect(DetectDnsTunnels, Queries(30, 120)).size(), 1u);
  EXPECT_TRUE(Detect(DetectDnsTunnels, Queries(29, 120)).empty());
  EXPECT_TRUE(Detect(DetectDnsTunnels, Queries(40, 119)).empty());
}

// --- lateral movement -----------------------------------------------------------------------

std::vector<core::FlowRecord> Fanout(int hosts) {
  std::vector<core::FlowRecord> r;
  const uint16_t ports[] = {445, 3389, 22};
  for (int i = 0; i < hosts; ++i) {
    ConnSpec c;
    c.client = "10.1.0.5";
    c.server = "10.3.0." + std::to_string(i + 1);
    c.serverPort = ports[i % 3];
    c.startS = i * 10;
    AddConn(r, c);
  }
  return r;
}

TEST(DetectLateral, DistinctInternalHosts) {
  auto found = Detect(DetectLateralMovement, Fanout(5));
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].destinations.size(), 5u);
  EXPECT_TRUE(Detect(DetectLateralMovement, Fanout(4)).empty());
}

// --- the whole run --------------------------------------------------------------------------

TEST(DetectRun, AllowListAndDisabledDetectors) {
  auto records = Vertical(20, 1);
  FlowSet set = test::SetOf(records);
  NetworkContext ctx = test::TestContext();
  Rules rules;
  std::vector<std::string> seen;
  auto r =
      RunDetectors(set, ctx, rules, [&](const std::string& d, const auto&) { seen.push_back(d); });
  EXPECT_EQ(seen, DetectorNames());
  ASSERT_EQ(r.findings.size(), 1u);
  EXPECT_EQ(r.findings[0].detector, "port_scan");
  rules.allow.hosts = {"10.2.0.0/24"};
  EXPECT_TRUE(RunDetectors(set, ctx, rules).findings.empty());
  rules.allow.hosts.clear();
  rules.scan.enabled = false;
  EXPECT_TRUE(RunDetectors(set, ctx, rules).findings.empty());
}

TEST(DetectRun, SampledInputIsNoted) {
  auto records = Vertical(5, 1);
  for (auto& r : records) r.samplingInterval = 64;
  FlowSet set = test::SetOf(records);
  auto r = RunDetectors(set, test::TestContext(), Rules{});
  ASSERT_FALSE(r.notes.empty());
  EXPECT_NE(r.notes[0].find("1 in 64"), std::string::npos);
}

}  // namespace
}  // namespace vantage::detect
