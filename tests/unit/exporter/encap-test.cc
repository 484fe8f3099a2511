// MPLS, tunnels (both --tunnels modes) and fragments end to end: the test writes a small pcap,
// the exporter reads it back, and every flow's packets and bytes are checked exactly; the
// IPFIX export is decoded again to check the encapsulation elements.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "packet-builder.h"
#include "vantage/exporter/exporter.h"
#include "vantage/exporter/pcap-io.h"
#include "vantage/wire/flow-codec.h"
#include "vantage/wire/ipfix/message-reader.h"
#include "vantage/wire/v9/message-reader.h"

namespace vantage::exporter {
namespace {

namespace fs = std::filesystem;
using testing::BuildFrame;
using testing::PacketSpec;
using testing::PcapFileWriter;
using wire::testing::TunnelSpec;
using TK = TunnelSpec::Kind;

struct Timed {
  int64_t ms;
  PacketSpec spec;
};

struct Collected : wire::MessageHandler {
  std::vector<core::FlowRecord> flows;
  void OnDataRecord(const wire::MessageInfo& info, const wire::Template& t,
                    core::ByteReader record) override {
    if (t.IsOptions()) return;
    wire::TimeContext ctx;
    ctx.exportTimeSeconds = info.exportTime;
    ctx.sysUpTimeMs = info.sysUpTimeMs;
    core::FlowRecord r;
    if (wire::DecodeFlowRecord(t, record, ctx, r)) flows.push_back(r);
  }
};

struct Metered {
  std::vector<core::FlowRecord> records;  ///< as metered
  std::vector<core::FlowRecord> decoded;  ///< as exported and decoded again
  ExporterStats stats;
};

// Writes the packets to a pcap, meters it, decodes the export.
Metered RunPcap(const std::vector<Timed>& packets, ExporterConfig cfg,
                LinkType link = LinkType::kEthernet) {
  fs::path path = fs::temp_directory_path() /
                  ("vantage-encap-" + std::to_string(::getpid()) + "-" +
                   ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".pcap");
  {
    PcapFileWriter w(path.string(), link);
    EXPECT_TRUE(w.Ok());
    for (const auto& p : packets) {
      PacketSpec s = p.spec;
      s.link = link;
      w.Add(core::Timestamp::FromMillis(1700000000000 + p.ms), BuildFrame(s));
    }
  }
  Metered run;
  std::vector<std::vector<uint8_t>> messages;
  Destination d;
  d.kind = Destination::Kind::kCallback;
  d.callback = [&](const std::vector<uint8_t>& m) { messages.push_back(m); };
  cfg.destinations = {d};
  {
    Exporter exp(cfg);
    exp.SetRecordObserver([&](const core::FlowRecord& r) { run.records.push_back(r); });
    EXPECT_TRUE(exp.Start().Ok());
    PcapSource src;
    EXPECT_TRUE(src.OpenFile(path.string()).Ok());
    PcapPacket pkt;
    while (src.Next(pkt) == PcapSource::NextResult::kPacket) {
      exp.OnPacket(pkt.ts, src.Link(), pkt.data, pkt.capLen, pkt.wireLen);
    }
    exp.Finish();
    run.stats = exp.Stats();
  }
  fs::remove(path);
  Collected c;
  wire::ipfix::Session is;
  wire::v9::Session vs;
  for (const auto& m : messages) {
    core::ByteReader r(m);
    EXPECT_TRUE((cfg.format == ExportFormat::kIpfix ? is.Decode(r, c) : vs.Decode(r, c)).Ok());
  }
  run.decoded = c.flows;
  return run;
}

std::string FlowName(const core::FlowRecord& r) {
  return std::to_string(r.key.protocol) + " " + r.key.src.ToString() + ":" +
         std::to_string(r.key.srcPort) + ">" + r.key.dst.ToString() + ":" +
         std::to_string(r.key.dstPort);
}

/// packets and octets per flow (records of one flow added up).
std::map<std::string, std::pair<uint64_t, uint64_t>> PerFlow(
    const std::vector<core::FlowRecord>& records) {
  std::map<std::string, std::pair<uint64_t, uint64_t>> m;
  for (const auto& r : records) {
    m[FlowName(r)].first += r.packets;
    m[FlowName(r)].second += r.octets;
  }
  return m;
}

using Counts = std::map<std::string, std::pair<uint64_t, uint64_t>>;

TEST(Encapsulation, MplsSingleAndDoubleLabels) {
  std::vector<Timed> v;
  PacketSpec a;  // one label
  a.protocol = 17;
  a.payload = 100;
  a.mplsLabels = {16001};
  PacketSpec b;  // two labels, IPv6
  b.v6 = true;
  b.src = "2001:db8::1";
  b.dst = "2001:db8::2";
  b.mplsLabels = {24000, 300};
  for (int i = 0; i < 3; ++i) v.push_back({i, a});
  for (int i = 0; i < 2; ++i) v.push_back({10 + i, b});
  for (ExportFormat f : {ExportFormat::kIpfix, ExportFormat::kNetflowV9}) {
    ExporterConfig cfg;
    cfg.format = f;
    Metered run = RunPcap(v, cfg);
    const Counts want = {{"17 10.0.0.1:1234>10.0.0.2:80", {3, 3 * (20 + 8 + 100)}},
                         {"6 2001:db8::1:1234>2001:db8::2:80", {2, 2 * (40 + 20)}}};
    EXPECT_EQ(PerFlow(run.records), want);  // labels are not IP bytes
    EXPECT_EQ(PerFlow(run.decoded), want);
    for (const auto& r : run.decoded) {
      SCOPED_TRACE(FlowName(r));
      if (r.key.src.IsV4()) {
        ASSERT_EQ(r.encap.mplsLabelCount, 1);
        EXPECT_EQ(r.encap.mplsLabels[0], 16001u << 4 | 1u);
      } else {
        ASSERT_EQ(r.encap.mplsLabelCount, 2);
        EXPECT_EQ(r.encap.mplsLabels[0], 24000u << 4);
        EXPECT_EQ(r.encap.mplsLabels[1], 300u << 4 | 1u);
      }
    }
  }
}

// Two inner flows through one tunnel: TCP 3 x 140 B, UDP 2 x 78 B (inner IP bytes).
std::vector<Timed> TunnelTraffic(const std::vector<TunnelSpec>& tunnels) {
  std::vector<Timed> v;
  PacketSpec tcp;
  tcp.payload = 100;
  tcp.tunnels = tunnels;
  PacketSpec udp;
  udp.protocol = 17;
  udp.src = "10.0.0.3";
  udp.dst = "10.0.0.4";
  udp.srcPort = 5000;
  udp.dstPort = 53;
  udp.payload = 50;
  udp.tunnels = tunnels;
  for (int i = 0; i < 3; ++i) v.push_back({i, tcp});
  for (int i = 0; i < 2; ++i) v.push_back({5 + i, udp});
  return v;
}

const Counts kInnerCounts = {{"6 10.0.0.1:1234>10.0.0.2:80", {3, 3 * 140}},
                             {"17 10.0.0.3:5000>10.0.0.4:53", {2, 2 * 78}}};

TEST(Encapsulation, TunnelsOuterAndInnerModes) {
  struct Case {
    TK kind;
    std::string outerFlow;  // the one flow of --tunnels outer
    size_t overhead;        // outer bytes per packet around the inner IP packet
  };
  const Case cases[] = {
      {TK::kGre, "47 192.0.2.1:0>192.0.2.2:0", 20 + 4},
      {TK::kGreKeySeq, "47 192.0.2.1:0>192.0.2.2:0", 20 + 12},
      {TK::kGreEthernet, "47 192.0.2.1:0>192.0.2.2:0", 20 + 4 + 14},
      {TK::kVxlan, "17 192.0.2.1:49152>192.0.2.2:4789", 20 + 8 + 8 + 14},
      {TK::kIpInIp, "4 192.0.2.1:0>192.0.2.2:0", 20},
      {TK::kGtpu, "17 192.0.2.1:2152>192.0.2.2:2152", 20 + 8 + 8},
      {TK::kGtpuExt, "17 192.0.2.1:2152>192.0.2.2:2152", 20 + 8 + 16},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.outerFlow + " overhead " + std::to_string(c.overhead));
    TunnelSpec t;
    t.kind = c.kind;
    t.id = 77;
    auto traffic = TunnelTraffic({t});
    ExporterConfig cfg;
    Metered outer = RunPcap(traffic, cfg);
    const Counts wantOuter = {{c.outerFlow, {5, 3 * 140 + 2 * 78 + 5 * c.overhead}}};
    EXPECT_EQ(PerFlow(outer.records), wantOuter);
    EXPECT_EQ(PerFlow(outer.decoded), wantOuter);
    cfg.tunnels = wire::TunnelMode::kInner;
    Metered inner = RunPcap(traffic, cfg);
    EXPECT_EQ(PerFlow(inner.records), kInnerCounts);
    EXPECT_EQ(PerFlow(inner.decoded), kInnerCounts);
    ASSERT_EQ(inner.decoded.size(), 2u);
    for (const auto& r : inner.decoded) {
      EXPECT_EQ(r.encap.tunnelSrc.ToString(), "192.0.2.1");
      EXPECT_EQ(r.encap.tunnelDst.ToString(), "192.0.2.2");
      EXPECT_EQ(r.encap.layer2SegmentId, c.kind == TK::kVxlan ? (1ull << 56 | 77u) : 0u);
    }
    EXPECT_TRUE(inner.stats.anomalies.Empty());
  }
}

TEST(Encapsulation, Ipv6InIpv4InnerMode) {
  TunnelSpec t;
  t.kind = TK::kIpInIp;
  auto traffic = TunnelTraffic({t});
  for (auto& p : traffic) {
    p.spec.v6 = true;
    p.spec.src = "2001:db8::" + std::to_string(p.spec.srcPort);
    p.spec.dst = "2001:db8::1";
  }
  ExporterConfig cfg;
  Metered outer = RunPcap(traffic, cfg);
  EXPECT_EQ(PerFlow(outer.records),
            (Counts{{"41 192.0.2.1:0>192.0.2.2:0", {5, 3 * 160 + 2 * 98 + 5 * 20}}}));
  cfg.tunnels = wire::TunnelMode::kInner;
  Metered inner = RunPcap(traffic, cfg);
  const Counts want = {{"6 2001:db8::1234:1234>2001:db8::1:80", {3, 3 * 160}},
                       {"17 2001:db8::5000:5000>2001:db8::1:53", {2, 2 * 98}}};
  EXPECT_EQ(PerFlow(inner.records), want);
  EXPECT_EQ(PerFlow(inner.decoded), want);
  for (const auto& r : inner.decoded) EXPECT_EQ(r.encap.tunnelSrc.ToString(), "192.0.2.1");
}

TEST(Encapsulation, NestedTunnelAtAndOverTheDepthLimit) {
  std::vector<TunnelSpec> chain;
  const TK kinds[] = {TK::kGre, TK::kVxlan, TK::kIpInIp, TK::kGtpu, TK::kGreKeySeq};
  for (int i = 0; i < wire::kMaxTunnelDepth; ++i) {
    TunnelSpec t;
    t.kind = kinds[i];
    t.src = "192.0.2." + std::to_string(2 * i + 1);
    t.dst = "192.0.2." + std::to_string(2 * i + 2);
    chain.push_back(t);
  }
  ExporterConfig cfg;
  cfg.tunnels = wire::TunnelMode::kInner;
  Metered atLimit = RunPcap(TunnelTraffic(chain), cfg);
  EXPECT_EQ(PerFlow(atLimit.records), kInnerCounts);
  EXPECT_EQ(atLimit.stats.anomalies.Get("decode.tunnel_too_deep"), 0u);
  TunnelSpec extra;
  extra.kind = TK::kGre;
  extra.src = "198.51.100.1";
  extra.dst = "198.51.100.2";
  chain.push_back(extra);
  Metered over = RunPcap(TunnelTraffic(chain), cfg);
  // Depth 4 is opened; the fifth tunnel's packet (GRE, 24 bytes more) is what is metered.
  const Counts want = {{"47 198.51.100.1:0>198.51.100.2:0", {5, 3 * 140 + 2 * 78 + 5 * 24}}};
  EXPECT_EQ(PerFlow(over.records), want);
  EXPECT_EQ(over.stats.anomalies.Get("decode.tunnel_too_deep"), 5u);
  ASSERT_EQ(over.decoded.size(), 1u);
  EXPECT_EQ(over.decoded[0].encap.tunnelSrc.ToString(), "192.0.2.1");
}

TEST(Encapsulation, SllWithVlanTagMetered) {
  PacketSpec s;
  s.vlans = {42};
  s.payload = 10;
  ExporterConfig cfg;
  cfg.key.vlan = true;
  for (LinkType link : {LinkType::kLinuxSll, LinkType::kLinuxSll2}) {
    Metered run = RunPcap({{0, s}, {1, s}}, cfg, link);
    ASSERT_EQ(run.records.size(), 1u) << LinkTypeName(link);
    EXPECT_EQ(run.records[0].key.vlan, 42);
    EXPECT_EQ(run.records[0].packets, 2u);
    EXPECT_EQ(run.records[0].octets, 2u * 50u);
    EXPECT_EQ(run.stats.nonIp, 0u);
  }
}

// A 5,387-byte UDP datagram (8 + 5,379) in four IPv4 fragments of 1,480 data bytes at most:
// 1,500 + 1,500 + 1,500 + 967 = 5,467 IP bytes.
std::vector<PacketSpec> Ipv4Fragments(uint32_t id = 0x1234, const std::string& src = "10.0.0.1") {
  std::vector<PacketSpec> v;
  PacketSpec s;
  s.protocol = 17;
  s.src = src;
  s.srcPort = 7000;
  s.dstPort = 7001;
  s.ipId = id;
  s.payload = 1472;
  s.moreFragments = true;
  v.push_back(s);
  const size_t pieces[] = {1480, 1480, 947};
  for (int i = 0; i < 3; ++i) {
    s.fragOffset = static_cast<uint16_t>(185 * (i + 1));
    s.payload = pieces[i];
    s.moreFragments = i < 2;
    v.push_back(s);
  }
  return v;
}

std::vector<Timed> InOrder(const std::vector<PacketSpec>& specs, std::vector<int> order) {
  std::vector<Timed> v;
  for (size_t i = 0; i < order.size(); ++i) {
    v.push_back({static_cast<int64_t>(i), specs[static_cast<size_t>(order[i])]});
  }
  return v;
}

TEST(Fragments, Ipv4InOrderIsOneFlow) {
  Metered run = RunPcap(InOrder(Ipv4Fragments(), {0, 1, 2, 3}), ExporterConfig{});
  const Counts want = {{"17 10.0.0.1:7000>10.0.0.2:7001", {4, 5467}}};
  EXPECT_EQ(PerFlow(run.records), want);
  EXPECT_EQ(PerFlow(run.decoded), want);
  EXPECT_TRUE(run.stats.anomalies.Empty());
}

TEST(Fragments, Ipv4OutOfOrderAfterTheFirstStillJoins) {
  Metered run = RunPcap(InOrder(Ipv4Fragments(), {0, 3, 1, 2}), ExporterConfig{});
  EXPECT_EQ(PerFlow(run.records), (Counts{{"17 10.0.0.1:7000>10.0.0.2:7001", {4, 5467}}}));
}

TEST(Fragments, FirstFragmentLastFallsBackAndIsCounted) {
  Metered run = RunPcap(InOrder(Ipv4Fragments(), {1, 2, 3, 0}), ExporterConfig{});
  const Counts want = {{"17 10.0.0.1:0>10.0.0.2:0", {3, 1500 + 1500 + 967}},
                       {"17 10.0.0.1:7000>10.0.0.2:7001", {1, 1500}}};
  EXPECT_EQ(PerFlow(run.records), want);
  EXPECT_EQ(run.stats.anomalies.Get("fragment.first_not_seen"), 3u);
}

TEST(Fragments, FirstFragmentMissing) {
  Metered run = RunPcap(InOrder(Ipv4Fragments(), {1, 2, 3}), ExporterConfig{});
  EXPECT_EQ(PerFlow(run.records), (Counts{{"17 10.0.0.1:0>10.0.0.2:0", {3, 3967}}}));
  EXPECT_EQ(run.stats.anomalies.Get("fragment.first_not_seen"), 3u);
}

TEST(Fragments, Ipv6InOrderAndOutOfOrder) {
  std::vector<PacketSpec> v;
  PacketSpec s;
  s.v6 = true;
  s.src = "2001:db8::1";
  s.dst = "2001:db8::2";
  s.protocol = 17;
  s.srcPort = 7000;
  s.dstPort = 7001;
  s.v6Fragment = true;
  s.payload = 1224;  // 8 + 1224 = 1232 data bytes: 40 + 8 + 1232 = 1280 on the wire
  s.moreFragments = true;
  v.push_back(s);
  s.fragOffset = 154;
  s.payload = 1232;
  v.push_back(s);
  s.fragOffset = 308;
  s.payload = 500;
  s.moreFragments = false;
  v.push_back(s);
  const uint64_t total = 1280 + 1280 + 548;
  Metered run = RunPcap(InOrder(v, {0, 2, 1}), ExporterConfig{});
  EXPECT_EQ(PerFlow(run.records), (Counts{{"17 2001:db8::1:7000>2001:db8::2:7001", {3, total}}}));
  run = RunPcap(InOrder(v, {2, 1, 0}), ExporterConfig{});
  EXPECT_EQ(PerFlow(run.records), (Counts{{"17 2001:db8::1:0>2001:db8::2:0", {2, 1280 + 548}},
                                          {"17 2001:db8::1:7000>2001:db8::2:7001", {1, 1280}}}));
  EXPECT_EQ(run.stats.anomalies.Get("fragment.first_not_seen"), 2u);
}

TEST(Fragments, TableFullEvictsTheOldestDatagram) {
  // Three datagrams' first fragments, then their other fragments; room for two.
  auto a = Ipv4Fragments(1, "10.0.0.1");
  auto b = Ipv4Fragments(2, "10.0.0.1");
  auto c = Ipv4Fragments(3, "10.0.0.1");
  for (auto* d : {&a, &b, &c}) {
    for (auto& f : *d) f.srcPort = static_cast<uint16_t>(7000 + f.ipId);
  }
  std::vector<Timed> v;
  int64_t t = 0;
  for (auto* d : {&a, &b, &c}) v.push_back({t++, (*d)[0]});
  for (auto* d : {&a, &b, &c}) {
    for (size_t i = 1; i < 4; ++i) v.push_back({t++, (*d)[i]});
  }
  ExporterConfig cfg;
  cfg.fragments.capacity = 2;
  Metered run = RunPcap(v, cfg);
  const Counts want = {{"17 10.0.0.1:0>10.0.0.2:0", {3, 3967}},  // datagram 1, evicted
                       {"17 10.0.0.1:7001>10.0.0.2:7001", {1, 1500}},
                       {"17 10.0.0.1:7002>10.0.0.2:7001", {4, 5467}},
                       {"17 10.0.0.1:7003>10.0.0.2:7001", {4, 5467}}};
  EXPECT_EQ(PerFlow(run.records), want);
  EXPECT_EQ(run.stats.anomalies.Get("fragment.table_full"), 1u);
  EXPECT_EQ(run.stats.anomalies.Get("fragment.first_not_seen"), 3u);
}

TEST(Fragments, TimeoutForgetsTheFirstFragment) {
  auto f = Ipv4Fragments();
  ExporterConfig cfg;
  cfg.fragments.timeout = core::Duration::Seconds(2);
  cfg.cache.inactiveTimeout = core::Duration::Seconds(60);
  Metered run = RunPcap({{0, f[0]}, {1000, f[1]}, {5000, f[2]}, {5001, f[3]}}, cfg);
  EXPECT_EQ(PerFlow(run.records), (Counts{{"17 10.0.0.1:0>10.0.0.2:0", {2, 1500 + 967}},
                                          {"17 10.0.0.1:7000>10.0.0.2:7001", {2, 3000}}}));
  EXPECT_EQ(run.stats.anomalies.Get("fragment.first_not_seen"), 2u);
}

TEST(Fragments, OverlapAndOversizeCountedNeverUnbounded) {
  auto f = Ipv4Fragments();
  PacketSpec overlapping = f[1];
  overlapping.fragOffset = 100;  // bytes 800-2280 overlap the first fragment's 0-1480
  PacketSpec beyond = f[3];
  beyond.fragOffset = 8189;  // 65512 + 947 > 65535
  Metered run =
      RunPcap(InOrder({f[0], f[1], overlapping, f[1], beyond, f[2], f[3]}, {0, 1, 2, 3, 4, 5, 6}),
              ExporterConfig{});
  // Everything is metered in the datagram's flow; the overlaps and the oversize are counted.
  EXPECT_EQ(PerFlow(run.records),
            (Counts{{"17 10.0.0.1:7000>10.0.0.2:7001", {7, 1500 * 4 + 967 * 2 + 1500}}}));
  EXPECT_EQ(run.stats.anomalies.Get("fragment.overlap"), 2u);
  EXPECT_EQ(run.stats.anomalies.Get("decode.fragment_beyond_64k"), 1u);
  // Many first fragments that never complete: the table stays at its capacity.
  std::vector<Timed> flood;
  for (uint32_t id = 1; id <= 300; ++id) flood.push_back({id, Ipv4Fragments(id)[0]});
  ExporterConfig small;
  small.fragments.capacity = 16;
  Metered r2 = RunPcap(flood, small);
  EXPECT_EQ(r2.stats.anomalies.Get("fragment.table_full"), 300u - 16u);
}

}  // namespace
}  // namespace vantage::exporter
