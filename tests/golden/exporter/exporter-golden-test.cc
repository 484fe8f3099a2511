// Golden tests: small pcaps written by the test (libpcap), read back with PcapSource, metered
// by the Exporter; the expired records' canonical text must equal tests/golden/exporter/*.txt.
// The encoded export file must equal *.export.hex byte for byte, and an IPFIX file must hold
// one record per expired flow. VANTAGE_UPDATE_GOLDENS=1 rewrites the golden files (review the
// diff).
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <sstream>

#include "packet-builder.h"
#include "vantage/exporter/exporter.h"
#include "vantage/exporter/pcap-io.h"
#include "vantage/test/golden.h"
#include "vantage/test/temp-dir.h"
#include "vantage/wire/ipfix/file.h"
#include "vantage/wire/ipfix/message-reader.h"

namespace vantage::exporter {
namespace {

namespace fs = std::filesystem;
using testing::BuildFrame;
using testing::PacketSpec;
using testing::PcapFileWriter;

struct TimedPacket {
  int64_t ms;
  PacketSpec spec;
  size_t capLen = SIZE_MAX;
};

struct CountingHandler : wire::MessageHandler {
  size_t flows = 0;
  void OnDataRecord(const wire::MessageInfo&, const wire::Template& t, core::ByteReader) override {
    if (!t.IsOptions()) ++flows;
  }
};

fs::path GoldenDir() {
  return fs::path(VANTAGE_GOLDEN_DIR);
}

/// 32 bytes a line, after the offset: a diff names the byte that changed.
std::string HexDump(const std::string& bytes) {
  std::ostringstream o;
  static const char* kHex = "0123456789abcdef";
  for (size_t i = 0; i < bytes.size(); i += 32) {
    char off[24];
    std::snprintf(off, sizeof off, "%06zx ", i);
    o << off;
    for (size_t k = i; k < std::min(bytes.size(), i + 32); ++k) {
      const auto b = static_cast<unsigned char>(bytes[k]);
      o << kHex[b >> 4] << kHex[b & 15];
    }
    o << "\n";
  }
  return o.str();
}

/// Compares `text` with the golden file `file`; VANTAGE_UPDATE_GOLDENS=1 rewrites it instead.
void CompareGolden(const std::string& file, const std::string& text) {
  test::CompareGolden((GoldenDir() / file).string(), text);
}

void RunGolden(const std::string& name, LinkType link, const std::vector<TimedPacket>& packets,
               ExporterConfig cfg, int snaplen = 262144) {
  const test::TempDir tmp("golden");
  std::string pcapPath = tmp.File(name + ".pcap");
  std::string ipfixPath = tmp.File(name + ".ipfix");
  {
    PcapFileWriter w(pcapPath, link, snaplen);
    ASSERT_TRUE(w.Ok());
    for (const auto& p : packets) {
      PacketSpec s = p.spec;
      s.link = link;
      w.Add(core::Timestamp::FromMillis(1700000000000 + p.ms), BuildFrame(s), p.capLen);
    }
  }
  Destination file;
  file.kind = Destination::Kind::kFile;
  file.path = ipfixPath;
  cfg.destinations = {file};
  std::ostringstream text;
  size_t records = 0;
  {
    Exporter exp(cfg);
    exp.SetRecordObserver([&](const core::FlowRecord& r) {
      text << r.ToCanonicalString() << "\n";
      ++records;
    });
    ASSERT_TRUE(exp.Start().Ok());
    PcapSource src;
    ASSERT_TRUE(src.OpenFile(pcapPath).Ok());
    PcapPacket pkt;
    while (src.Next(pkt) == PcapSource::NextResult::kPacket) {
      exp.OnPacket(pkt.ts, src.Link(), pkt.data, pkt.capLen, pkt.wireLen);
    }
    exp.Finish();
    text << "# packets=" << exp.Stats().packets << " flows=" << exp.Stats().flowsExported
         << " evicted=" << exp.Stats().evictedCacheFull << " sampled_out=" << exp.Stats().sampledOut
         << "\n";
  }
  // The IPFIX file carries every record.
  if (cfg.format == ExportFormat::kIpfix) {
    wire::ipfix::FileReader in;
    ASSERT_TRUE(in.Open(ipfixPath).Ok());
    wire::ipfix::Session session;
    CountingHandler h;
    while (auto msg = in.Next()) {
      ASSERT_TRUE(msg->Ok()) << msg->GetError().message;
      ASSERT_TRUE(session.Decode(**msg, h).Ok());
    }
    EXPECT_EQ(h.flows, records);
  }
  // The encoded export, byte for byte: templates, field order, lengths and headers.
  const std::string encoded = HexDump(tmp.Read(name + ".ipfix"));
  ASSERT_FALSE(encoded.empty()) << "no export written";
  CompareGolden(name + ".txt", text.str());
  CompareGolden(name + ".export.hex", encoded);
}

PacketSpec Tcp(const std::string& src, uint16_t sport, const std::string& dst, uint16_t dport,
               uint8_t flags, size_t payload = 0) {
  PacketSpec s;
  s.src = src;
  s.dst = dst;
  s.srcPort = sport;
  s.dstPort = dport;
  s.tcpFlags = flags;
  s.payload = payload;
  return s;
}

std::vector<TimedPacket> MixedTraffic() {
  std::vector<TimedPacket> v;
  // TCP connection with handshake, data and FIN on both sides.
  v.push_back({0, Tcp("10.0.0.1", 40000, "10.0.0.2", 80, 0x02)});
  v.push_back({1, Tcp("10.0.0.2", 80, "10.0.0.1", 40000, 0x12)});
  v.push_back({2, Tcp("10.0.0.1", 40000, "10.0.0.2", 80, 0x10)});
  v.push_back({3, Tcp("10.0.0.1", 40000, "10.0.0.2", 80, 0x18, 300)});
  v.push_back({5, Tcp("10.0.0.2", 80, "10.0.0.1", 40000, 0x18, 1400)});
  v.push_back({9, Tcp("10.0.0.1", 40000, "10.0.0.2", 80, 0x11)});
  v.push_back({10, Tcp("10.0.0.2", 80, "10.0.0.1", 40000, 0x11)});
  // UDP DNS with a TTL change, and a TOS-marked flow.
  PacketSpec dns;
  dns.protocol = 17;
  dns.src = "10.0.0.3";
  dns.dst = "10.0.0.53";
  dns.srcPort = 5353;
  dns.dstPort = 53;
  dns.payload = 40;
  v.push_back({20, dns});
  dns.ttl = 60;
  v.push_back({25, dns});
  dns.tos = 0xb8;
  v.push_back({26, dns});
  // ICMP echo and ICMPv6 neighbour solicitation.
  PacketSpec icmp;
  icmp.protocol = 1;
  icmp.src = "10.0.0.9";
  icmp.dst = "10.0.0.1";
  v.push_back({30, icmp});
  PacketSpec ns;
  ns.v6 = true;
  ns.protocol = 58;
  ns.src = "fe80::1";
  ns.dst = "ff02::1:ff00:2";
  ns.icmpType = 135;
  ns.ttl = 255;
  v.push_back({31, ns});
  // IPv6 TCP through hop-by-hop, routing and destination options; then RST.
  PacketSpec v6 = Tcp("2001:db8::10", 50000, "2001:db8::20", 443, 0x02);
  v6.v6 = true;
  v6.v6ExtHeaders = {0, 43, 60};
  v.push_back({40, v6});
  v6.tcpFlags = 0x04;
  v.push_back({41, v6});
  // Fragmented UDP datagram: the second fragment joins the first fragment's flow.
  PacketSpec frag;
  frag.protocol = 17;
  frag.src = "10.0.0.7";
  frag.dst = "10.0.0.8";
  frag.srcPort = 7000;
  frag.dstPort = 7001;
  frag.payload = 1472;
  frag.moreFragments = true;
  v.push_back({50, frag});
  frag.moreFragments = false;
  frag.fragOffset = 185;
  frag.payload = 200;
  v.push_back({50, frag});
  // GRE (other protocol) with IPv4 options.
  PacketSpec gre;
  gre.protocol = 47;
  gre.src = "192.0.2.1";
  gre.dst = "192.0.2.2";
  gre.ipv4OptionBytes = 4;
  gre.payload = 24;
  v.push_back({60, gre});
  return v;
}

TEST(ExporterGolden, MixedEthernet) {
  RunGolden("mixed-ethernet", LinkType::kEthernet, MixedTraffic(), {});
}

TEST(ExporterGolden, MixedSll2) {
  RunGolden("mixed-sll2", LinkType::kLinuxSll2, MixedTraffic(), {});
}

TEST(ExporterGolden, VlanKeyAndMacs) {
  std::vector<TimedPacket> v;
  for (int i = 0; i < 6; ++i) {
    PacketSpec s;
    s.protocol = 17;
    s.vlans = i % 2 ? std::vector<uint16_t>{100} : std::vector<uint16_t>{200, 7};
    s.srcMacLast = static_cast<uint8_t>(10 + i % 2);
    v.push_back({i * 100, s});
  }
  ExporterConfig cfg;
  cfg.key.vlan = true;
  cfg.exportMacs = true;
  RunGolden("vlan-macs", LinkType::kEthernet, v, cfg);
}

TEST(ExporterGolden, Timeouts) {
  // Flow A: packets every 5 s for 200 s (active timeout 60 s splits it).
  // Flow B: two bursts 40 s apart (inactive 15 s splits it).
  std::vector<TimedPacket> v;
  for (int t = 0; t <= 200; t += 5) {
    PacketSpec a;
    a.protocol = 17;
    a.srcPort = 1111;
    v.push_back({t * 1000, a});
  }
  for (int t : {0, 1, 2, 42, 43}) {
    PacketSpec b;
    b.protocol = 17;
    b.srcPort = 2222;
    v.push_back({t * 1000 + 500, b});
  }
  std::sort(v.begin(), v.end(), [](const auto& x, const auto& y) { return x.ms < y.ms; });
  ExporterConfig cfg;
  cfg.cache.activeTimeout = core::Duration::Seconds(60);
  cfg.cache.inactiveTimeout = core::Duration::Seconds(15);
  RunGolden("timeouts", LinkType::kEthernet, v, cfg);
}

TEST(ExporterGolden, CacheFullAndSnapLength) {
  std::vector<TimedPacket> v;
  for (int i = 0; i < 8; ++i) {
    PacketSpec s = Tcp("10.1.0." + std::to_string(i % 4 + 1), 1000, "10.2.0.1", 22, 0x18, 500);
    v.push_back({i * 10, s, 14 + 20 + 14});  // cut after the TCP flags
  }
  ExporterConfig cfg;
  cfg.cache.capacity = 2;
  RunGolden("cache-full-snaplen", LinkType::kEthernet, v, cfg, 48);
}

TEST(ExporterGolden, BiflowAndSampling) {
  ExporterConfig bi;
  bi.key.biflow = true;
  RunGolden("biflow", LinkType::kEthernet, MixedTraffic(), bi);
  ExporterConfig sampled;
  sampled.sampling.mode = SamplingConfig::Mode::kCount;
  sampled.sampling.interval = 3;
  RunGolden("sampled-count-3", LinkType::kEthernet, MixedTraffic(), sampled);
}

TEST(ExporterGolden, RawIpNetflowV5) {
  ExporterConfig v5;
  v5.format = ExportFormat::kNetflowV5;
  RunGolden("raw-v5", LinkType::kRawIp, MixedTraffic(), v5);
}

}  // namespace
}  // namespace vantage::exporter
