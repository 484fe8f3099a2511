// Exporter end to end in memory: packets in, export messages out through a callback, decoded
// again with the wire layer (IPFIX, v9, v5); sampling announcement, statistics, refresh, MTU.
#include "vantage/exporter/exporter.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <map>

#include "packet-builder.h"
#include "vantage/exporter/as-table.h"
#include "vantage/exporter/exporting-process.h"
#include "vantage/test/net.h"
#include "vantage/wire/flow-codec.h"
#include "vantage/wire/ipfix/message-reader.h"
#include "vantage/wire/v5/codec.h"
#include "vantage/wire/v9/message-reader.h"

namespace vantage::exporter {
namespace {

using testing::BuildFrame;
using testing::PacketSpec;

struct Decoded : wire::MessageHandler {
  std::vector<core::FlowRecord> flows;
  std::vector<std::pair<uint16_t, std::vector<wire::OptionValue>>> options;
  std::vector<wire::MessageInfo> messages;
  std::map<uint16_t, int> templates;
  void OnMessage(const wire::MessageInfo& info) override { messages.push_back(info); }
  void OnTemplate(const wire::MessageInfo&, const wire::Template& t) override { ++templates[t.id]; }
  void OnDataRecord(const wire::MessageInfo& info, const wire::Template& t,
                    core::ByteReader record) override {
    if (t.IsOptions()) {
      auto v = wire::DecodeGenericRecord(t, record);
      if (v) options.emplace_back(t.id, *v);
      return;
    }
    wire::TimeContext ctx;
    ctx.exportTimeSeconds = info.exportTime;
    ctx.sysUpTimeMs = info.sysUpTimeMs;
    core::FlowRecord r;
    if (wire::DecodeFlowRecord(t, record, ctx, r)) flows.push_back(r);
  }
};

struct Harness {
  std::vector<std::vector<uint8_t>> messages;
  ExporterConfig Config(ExportFormat f = ExportFormat::kIpfix) {
    ExporterConfig c;
    c.format = f;
    Destination d;
    d.kind = Destination::Kind::kCallback;
    d.callback = [this](const std::vector<uint8_t>& m) { messages.push_back(m); };
    c.destinations.push_back(d);
    return c;
  }
  Decoded DecodeAll(ExportFormat f) {
    Decoded out;
    wire::ipfix::Session is;
    wire::v9::Session vs;
    for (auto& m : messages) {
      core::ByteReader r(m);
      if (f == ExportFormat::kIpfix) {
        EXPECT_TRUE(is.Decode(r, out).Ok());
      } else if (f == ExportFormat::kNetflowV9) {
        EXPECT_TRUE(vs.Decode(r, out).Ok());
      } else {
        wire::v5::Header h;
        EXPECT_TRUE(wire::v5::Decode(r, h, out.flows).Ok());
      }
    }
    return out;
  }
};

void Feed(Exporter& e, const PacketSpec& s, int64_t ms) {
  auto f = BuildFrame(s);
  e.OnPacket(core::Timestamp::FromMillis(1700000000000 + ms), s.link, f.data(), f.size(), f.size());
}

std::vector<PacketSpec> Mixed() {
  std::vector<PacketSpec> v;
  PacketSpec tcp;
  tcp.tcpFlags = 0x02;
  v.push_back(tcp);
  tcp.tcpFlags = 0x10;
  tcp.payload = 100;
  v.push_back(tcp);
  PacketSpec udp;
  udp.protocol = 17;
  udp.src = "192.168.1.5";
  udp.srcPort = 5353;
  udp.payload = 30;
  v.push_back(udp);
  PacketSpec v6;
  v6.v6 = true;
  v6.src = "2001:db8::1";
  v6.dst = "2001:db8::2";
  v6.protocol = 17;
  v6.payload = 12;
  v.push_back(v6);
  PacketSpec icmp;
  icmp.protocol = 1;
  icmp.icmpType = 8;
  v.push_back(icmp);
  return v;
}

TEST(Exporter, IpfixRoundTripThroughWire) {
  Harness h;
  Exporter e(h.Config());
  ASSERT_TRUE(e.Start().Ok());
  int64_t t = 0;
  for (auto& s : Mixed()) Feed(e, s, t += 10);
  EXPECT_EQ(e.ActiveFlows(), 4u);
  e.Finish();
  const auto& st = e.Stats();
  EXPECT_EQ(st.packets, 5u);
  EXPECT_EQ(st.flowsExported, 4u);
  EXPECT_GE(st.messages, 1u);
  Decoded d = h.DecodeAll(ExportFormat::kIpfix);
  ASSERT_EQ(d.flows.size(), 4u);
  uint64_t pk = 0, oc = 0;
  bool sawV6 = false;
  for (auto& r : d.flows) {
    pk += r.packets;
    oc += r.octets;
    sawV6 |= r.key.src.IsV6();
    EXPECT_EQ(r.endReason, core::FlowEndReason::kForcedEnd);
  }
  EXPECT_EQ(pk, 5u);
  EXPECT_EQ(oc, st.octets);
  EXPECT_TRUE(sawV6);
  // Statistics options record at the end.
  bool sawStats = false;
  for (auto& [id, vals] : d.options) {
    if (id != kTemplateStatistics) continue;
    sawStats = true;
    for (auto& v : vals) {
      if (v.spec.id == wire::ie::kExportedFlowRecordTotalCount) {
        EXPECT_EQ(v.value, 4u);
      }
    }
  }
  EXPECT_TRUE(sawStats);
}

TEST(Exporter, SequenceNumbersCountRecordsBefore) {
  Harness h;
  auto cfg = h.Config();
  cfg.mtu = 300;  // a few records per message
  Exporter e(cfg);
  ASSERT_TRUE(e.Start().Ok());
  for (int i = 0; i < 40; ++i) {
    PacketSpec s;
    s.protocol = 17;
    s.srcPort = static_cast<uint16_t>(1000 + i);
    Feed(e, s, i);
  }
  e.Finish();
  ASSERT_GT(h.messages.size(), 5u);
  Decoded d = h.DecodeAll(ExportFormat::kIpfix);
  ASSERT_EQ(d.flows.size(), 40u);
  for (auto& m : h.messages) EXPECT_LE(m.size(), 300u - 48u);
  // RFC 7011 3.1: sequence = data records sent before this message (options records too).
  wire::ipfix::Session s;
  uint32_t expected = 0;
  for (auto& m : h.messages) {
    Decoded one;
    core::ByteReader r(m);
    ASSERT_TRUE(s.Decode(r, one).Ok());
    ASSERT_EQ(one.messages.size(), 1u);
    EXPECT_EQ(one.messages[0].sequence, expected);
    expected += static_cast<uint32_t>(one.flows.size() + one.options.size());
  }
}

TEST(Exporter, TemplateRefreshByMessageCount) {
  Harness h;
  auto cfg = h.Config();
  cfg.mtu = 200;
  cfg.templateRefreshMessages = 5;
  Exporter e(cfg);
  ASSERT_TRUE(e.Start().Ok());
  for (int i = 0; i < 100; ++i) {
    PacketSpec s;
    s.protocol = 17;
    s.srcPort = static_cast<uint16_t>(1000 + i);
    Feed(e, s, i);
  }
  e.Finish();
  Decoded d = h.DecodeAll(ExportFormat::kIpfix);
  EXPECT_EQ(d.flows.size(), 100u);
  EXPECT_GE(d.templates[kTemplateFlowV4], 5);
  // No run of more than refresh-count messages (plus the few the template sets fill) without
  // the flow template.
  wire::ipfix::Session s;
  int gap = 0, maxGap = 0;
  for (auto& m : h.messages) {
    Decoded one;
    core::ByteReader r(m);
    ASSERT_TRUE(s.Decode(r, one).Ok());
    gap = one.templates.count(kTemplateFlowV4) ? 0 : gap + 1;
    maxGap = std::max(maxGap, gap);
  }
  EXPECT_LE(maxGap, 5 + 3);
}

TEST(Exporter, NetflowV9) {
  Harness h;
  Exporter e(h.Config(ExportFormat::kNetflowV9));
  ASSERT_TRUE(e.Start().Ok());
  int64_t t = 0;
  for (auto& s : Mixed()) Feed(e, s, t += 1000);
  e.Finish();
  Decoded d = h.DecodeAll(ExportFormat::kNetflowV9);
  ASSERT_EQ(d.flows.size(), 4u);
  for (auto& r : d.flows) {
    if (r.key.protocol == 6) {
      EXPECT_EQ(r.packets, 2u);
      EXPECT_EQ(r.start.Millis(), 1700000000000 + 1000);
      EXPECT_EQ(r.end.Millis(), 1700000000000 + 2000);
    }
  }
}

TEST(Exporter, NetflowV5CountsIpv6AsNotExportable) {
  Harness h;
  Exporter e(h.Config(ExportFormat::kNetflowV5));
  ASSERT_TRUE(e.Start().Ok());
  int64_t t = 0;
  for (auto& s : Mixed()) Feed(e, s, t += 10);
  e.Finish();
  EXPECT_EQ(e.Stats().flowsExported, 3u);
  EXPECT_EQ(e.Stats().flowsNotExportable, 1u);
  Decoded d = h.DecodeAll(ExportFormat::kNetflowV5);
  ASSERT_EQ(d.flows.size(), 3u);
  for (auto& r : d.flows) EXPECT_TRUE(r.key.src.IsV4());
}

TEST(Exporter, BiflowRefusedOutsideIpfix) {
  Harness h;
  auto cfg = h.Config(ExportFormat::kNetflowV9);
  cfg.key.biflow = true;
  Exporter e(cfg);
  auto st = e.Start();
  ASSERT_FALSE(st.Ok());
  EXPECT_NE(st.GetError().message.find("biflow"), std::string::npos);
}

TEST(Exporter, SamplingAnnouncedInOptionsTemplate) {
  for (auto mode : {SamplingConfig::Mode::kCount, SamplingConfig::Mode::kRandom}) {
    Harness h;
    auto cfg = h.Config();
    cfg.sampling.mode = mode;
    cfg.sampling.interval = 4;
    Exporter e(cfg);
    ASSERT_TRUE(e.Start().Ok());
    for (int i = 0; i < 400; ++i) {
      PacketSpec s;
      s.protocol = 17;
      s.srcPort = static_cast<uint16_t>(i % 7);
      Feed(e, s, i);
    }
    e.Finish();
    const auto& st = e.Stats();
    if (mode == SamplingConfig::Mode::kCount) {
      EXPECT_EQ(st.sampledOut, 300u);
    }
    EXPECT_GT(st.sampledOut, 0u);
    Decoded d = h.DecodeAll(ExportFormat::kIpfix);
    uint64_t pk = 0;
    for (auto& r : d.flows) pk += r.packets;
    EXPECT_EQ(pk, 400u - st.sampledOut);
    bool announced = false;
    for (auto& [id, vals] : d.options) {
      if (id != kTemplateSampling) continue;
      for (auto& v : vals) {
        if (v.spec.id == wire::ie::kSamplingInterval) {
          EXPECT_EQ(v.value, 4u);
          announced = true;
        }
        if (v.spec.id == wire::ie::kSelectorAlgorithm) {
          EXPECT_EQ(v.value, mode == SamplingConfig::Mode::kCount ? 1u : 4u);
        }
      }
    }
    EXPECT_TRUE(announced);
  }
}

TEST(Exporter, SameInputGivesIdenticalBytes) {
  std::vector<std::vector<uint8_t>> runs[2];
  for (int k = 0; k < 2; ++k) {
    Harness h;
    auto cfg = h.Config();
    cfg.sampling.mode = SamplingConfig::Mode::kRandom;
    cfg.sampling.interval = 2;
    Exporter e(cfg);
    ASSERT_TRUE(e.Start().Ok());
    for (int i = 0; i < 300; ++i) {
      PacketSpec s;
      s.protocol = static_cast<uint8_t>(i % 3 == 0 ? 6 : 17);
      s.srcPort = static_cast<uint16_t>(i % 11);
      Feed(e, s, i * 100);
    }
    e.Finish();
    runs[k] = h.messages;
  }
  EXPECT_EQ(runs[0], runs[1]);
}

TEST(Exporter, AsTableFillsAsNumbers) {
  const char* path = "exporter-test-as.csv";
  {
    std::ofstream f(path);
    f << "# prefix,asn\n10.0.0.0/8,64500\n10.0.0.2/32,AS64501\n2001:db8::/32,64502\n";
  }
  AsTable t;
  ASSERT_TRUE(t.Load(path).Ok());
  EXPECT_EQ(t.Lookup(*core::IpAddress::Parse("10.1.2.3")), 64500u);
  EXPECT_EQ(t.Lookup(*core::IpAddress::Parse("10.0.0.2")), 64501u);
  EXPECT_EQ(t.Lookup(*core::IpAddress::Parse("2001:db8::7")), 64502u);
  EXPECT_EQ(t.Lookup(*core::IpAddress::Parse("192.0.2.1")), 0u);

  Harness h;
  auto cfg = h.Config();
  cfg.asTablePath = path;
  Exporter e(cfg);
  std::vector<core::FlowRecord> seen;
  e.SetRecordObserver([&](const core::FlowRecord& r) { seen.push_back(r); });
  ASSERT_TRUE(e.Start().Ok());
  Feed(e, PacketSpec{}, 0);
  e.Finish();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].srcAs, 64500u);
  EXPECT_EQ(seen[0].dstAs, 64501u);
  Decoded d = h.DecodeAll(ExportFormat::kIpfix);
  ASSERT_EQ(d.flows.size(), 1u);
  EXPECT_EQ(d.flows[0].srcAs, 64500u);
  std::remove(path);

  std::ofstream bad(path);
  bad << "10.0.0.0/8,64500\nnot-a-prefix,1\n";
  bad.close();
  auto st = t.Load(path);
  ASSERT_FALSE(st.Ok());
  EXPECT_NE(st.GetError().message.find(":2:"), std::string::npos);
  std::remove(path);
}

TEST(Exporter, VlanKeySeparatesFlows) {
  for (bool vlanKey : {false, true}) {
    Harness h;
    auto cfg = h.Config();
    cfg.key.vlan = vlanKey;
    Exporter e(cfg);
    ASSERT_TRUE(e.Start().Ok());
    PacketSpec s;
    s.protocol = 17;
    s.vlans = {10};
    Feed(e, s, 0);
    s.vlans = {20};
    Feed(e, s, 1);
    EXPECT_EQ(e.ActiveFlows(), vlanKey ? 2u : 1u);
    e.Finish();
  }
}

TEST(Exporter, FragmentsJoinTheirFirstFragmentsFlow) {
  // A non-first fragment has no transport header: it takes the ports of its datagram's first
  // fragment (fragment-table.h), so the whole datagram is one flow.
  Harness h;
  Exporter e(h.Config());
  std::vector<core::FlowRecord> seen;
  e.SetRecordObserver([&](const core::FlowRecord& r) { seen.push_back(r); });
  ASSERT_TRUE(e.Start().Ok());
  PacketSpec s;
  s.protocol = 17;
  s.payload = 1472;
  s.moreFragments = true;
  Feed(e, s, 0);
  s.fragOffset = 185;
  s.moreFragments = false;
  s.payload = 100;
  Feed(e, s, 1);
  e.Finish();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].key.srcPort, 1234u);
  EXPECT_EQ(seen[0].packets, 2u);
  EXPECT_EQ(seen[0].octets, 20u + 8u + 1472u + 20u + 100u);
}

TEST(Exporter, NonIpAndBrokenPacketsCountedNotMetered) {
  Harness h;
  Exporter e(h.Config());
  ASSERT_TRUE(e.Start().Ok());
  std::vector<uint8_t> arp(42, 0);
  arp[12] = 0x08;
  arp[13] = 0x06;
  e.OnPacket(core::Timestamp::FromSeconds(1), LinkType::kEthernet, arp.data(), arp.size(),
             arp.size());
  std::vector<uint8_t> junk(10, 0x45);
  e.OnPacket(core::Timestamp::FromSeconds(2), LinkType::kRawIp, junk.data(), junk.size(),
             junk.size());
  e.Finish();
  EXPECT_EQ(e.Stats().nonIp, 1u);
  EXPECT_EQ(e.Stats().decodeErrors, 1u);
  EXPECT_EQ(e.Stats().flowsExported, 0u);
  EXPECT_GT(e.Stats().anomalies.Total(), 0u);
}

}  // namespace
}  // namespace vantage::exporter

// The library never prints: an unreachable TCP collector is a warning through the callback
// (export keeps retrying), and the anomaly is counted.
namespace vantage::exporter {
namespace {

TEST(ExporterWarnings, UnreachableTcpCollectorIsAWarningNotPrinted) {
  ExporterConfig cfg;
  Destination d;
  d.kind = Destination::Kind::kTcp;
  d.host = "127.0.0.1";
  d.port = test::FreeTcpPort();  // nothing listens there
  cfg.destinations.push_back(d);
  std::vector<std::string> warnings;
  cfg.warning = [&](const std::string& m) { warnings.push_back(m); };
  Exporter exp(cfg);
  ASSERT_TRUE(exp.Start());
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].find("will retry"), std::string::npos) << warnings[0];
  exp.Finish();
  EXPECT_GE(exp.Stats().anomalies.Get("export.tcp_connect_failed"), 1u);
}

}  // namespace
}  // namespace vantage::exporter
