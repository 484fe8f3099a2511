// Interop with independent tools on 127.0.0.1: nfcapd/nfdump store and total our IPFIX and
// NetFlow v9 export, tshark decodes our UDP export without malformed packets, softflowd -r
// meters the same pcap (flow counts agree up to its documented lack of idle timeouts in file
// mode), and the `vantage export` command handles bad input. Skipped when a tool is missing.
#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "packet-builder.h"
#include "vantage/exporter/exporter.h"
#include "vantage/exporter/pcap-io.h"
#include "vantage/test/child-process.h"
#include "vantage/test/net.h"
#include "vantage/test/temp-dir.h"
#include "vantage/wire/flow-codec.h"
#include "vantage/wire/ipfix/file.h"
#include "vantage/wire/ipfix/message-reader.h"

namespace vantage::exporter {
namespace {

namespace fs = std::filesystem;
using test::ChildProcess;
using test::FreeUdpPort;
using test::HaveTool;
using test::RunCapture;
using testing::BuildFrame;
using testing::PacketSpec;
using testing::PcapFileWriter;

bool UdpPortBound(uint16_t port) {
  // /proc/net/udp lists local addresses as hex "0100007F:PORT".
  std::ifstream in("/proc/net/udp");
  char hex[8];
  std::snprintf(hex, sizeof(hex), ":%04X", port);
  std::string line;
  while (std::getline(in, line)) {
    if (line.find(std::string("0100007F") + hex) != std::string::npos) return true;
  }
  return false;
}

/// The shared test traffic: TCP connections with handshake/data/FIN or RST, UDP request and
/// response, ICMP echo, IPv6; `gapped` UDP flows pause 40 s (longer than the 15 s inactive
/// timeout) in the middle.
struct TestTraffic {
  size_t packets = 0;
  uint64_t ipOctets = 0;
  int gappedDirections = 0;
};

TestTraffic WriteTestPcap(const std::string& path, int connections = 60, int gapped = 5) {
  struct Ev {
    int64_t ms;
    PacketSpec s;
  };
  std::vector<Ev> ev;
  auto add = [&](int64_t ms, PacketSpec s) { ev.push_back({ms, std::move(s)}); };
  for (int i = 0; i < connections; ++i) {
    std::string c = "10.1." + std::to_string(i / 200) + "." + std::to_string(i % 200 + 1);
    std::string s = "10.9.0." + std::to_string(i % 7 + 1);
    int64_t t0 = i * 700;
    bool v6 = i % 6 == 5;
    if (v6) {
      c = "2001:db8:1::" + std::to_string(i + 1);
      s = "2001:db8:9::" + std::to_string(i % 7 + 1);
    }
    auto mk = [&](bool fromClient, uint8_t proto, uint8_t flags, size_t payload) {
      PacketSpec p;
      p.v6 = v6;
      p.protocol = proto;
      p.src = fromClient ? c : s;
      p.dst = fromClient ? s : c;
      p.srcPort = fromClient ? static_cast<uint16_t>(30000 + i) : 443;
      p.dstPort = fromClient ? 443 : static_cast<uint16_t>(30000 + i);
      p.tcpFlags = flags;
      p.payload = payload;
      p.ttl = fromClient ? 64 : 55;
      return p;
    };
    switch (i % 3) {
      case 0:  // TCP; closing FINs are the last packet of each direction
        add(t0, mk(true, 6, 0x02, 0));
        add(t0 + 1, mk(false, 6, 0x12, 0));
        add(t0 + 2, mk(true, 6, 0x10, 0));
        add(t0 + 3, mk(true, 6, 0x18, 200 + i));
        add(t0 + 5, mk(false, 6, 0x18, 1200));
        if (i % 2) {
          add(t0 + 9, mk(true, 6, 0x04, 0));  // client RST ends both sides' traffic
          add(t0 + 8, mk(false, 6, 0x11, 0));
        } else {
          add(t0 + 8, mk(true, 6, 0x11, 0));
          add(t0 + 9, mk(false, 6, 0x11, 0));
        }
        break;
      case 1: {  // UDP request/response, some with a long pause
        for (int k = 0; k < 4; ++k) {
          add(t0 + k * 10, mk(true, 17, 0, 60));
          add(t0 + k * 10 + 1, mk(false, 17, 0, 300));
        }
        break;
      }
      case 2:  // ICMP echo / ICMPv6 echo
        add(t0, mk(true, v6 ? 58 : 1, 0, 0));
        break;
    }
  }
  int madeGapped = 0;
  for (int i = 0; i < connections && madeGapped < gapped; ++i) {
    if (i % 3 != 1 || i % 6 == 5) continue;
    PacketSpec p;
    p.protocol = 17;
    p.src = "10.1.0." + std::to_string(i % 200 + 1);
    p.dst = "10.9.0." + std::to_string(i % 7 + 1);
    p.srcPort = static_cast<uint16_t>(30000 + i);
    p.dstPort = 443;
    p.payload = 60;
    add(i * 700 + 40000, p);  // 40 s after the flow's last packet
    ++madeGapped;
  }
  std::stable_sort(ev.begin(), ev.end(), [](const Ev& a, const Ev& b) { return a.ms < b.ms; });
  TestTraffic t;
  PcapFileWriter w(path, LinkType::kEthernet);
  for (auto& e : ev) {
    auto f = BuildFrame(e.s);
    w.Add(core::Timestamp::FromMillis(1700000000000 + e.ms), f);
    ++t.packets;
    t.ipOctets += f.size() - 14;
  }
  t.gappedDirections = madeGapped;
  return t;
}

struct OurRun {
  ExporterStats stats;
  std::vector<core::FlowRecord> records;
  std::vector<std::vector<uint8_t>> messages;
};

OurRun RunExporter(const std::string& pcap, ExporterConfig cfg) {
  OurRun out;
  Destination cb;
  cb.kind = Destination::Kind::kCallback;
  cb.callback = [&](const std::vector<uint8_t>& m) { out.messages.push_back(m); };
  cfg.destinations.push_back(cb);
  Exporter exp(cfg);
  exp.SetRecordObserver([&](const core::FlowRecord& r) { out.records.push_back(r); });
  EXPECT_TRUE(exp.Start().Ok());
  PcapSource src;
  EXPECT_TRUE(src.OpenFile(pcap).Ok());
  PcapPacket p;
  while (src.Next(p) == PcapSource::NextResult::kPacket) {
    exp.OnPacket(p.ts, src.Link(), p.data, p.capLen, p.wireLen);
  }
  exp.Finish();
  out.stats = exp.Stats();
  return out;
}

void NfcapdRoundTrip(ExportFormat format) {
  if (!HaveTool("nfcapd") || !HaveTool("nfdump")) GTEST_SKIP() << "nfcapd/nfdump not installed";
  test::TempDir tmp(format == ExportFormat::kIpfix ? "nfcapd-ipfix" : "nfcapd-v9");
  fs::create_directories(tmp.File("flows"));
  TestTraffic traffic = WriteTestPcap(tmp.File("test.pcap"));
  uint16_t port = FreeUdpPort();
  ChildProcess nfcapd({"nfcapd", "-b", "127.0.0.1", "-p", std::to_string(port), "-w",
                       tmp.File("flows"), "-t", "3600", "-B", "4194304"},
                      tmp.File("nfcapd.log"), 200L * 1024 * 1024);
  for (int i = 0; i < 100 && !UdpPortBound(port); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ASSERT_TRUE(UdpPortBound(port)) << "nfcapd did not bind port " << port;

  ExporterConfig cfg;
  cfg.format = format;
  Destination udp;
  udp.kind = Destination::Kind::kUdp;
  udp.host = "127.0.0.1";
  udp.port = port;
  cfg.destinations.push_back(udp);
  OurRun ours = RunExporter(tmp.File("test.pcap"), cfg);
  ASSERT_EQ(ours.stats.packets, traffic.packets);
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  nfcapd.Stop();

  std::string out = RunCapture("nfdump -R " + tmp.File("flows") + " -q -N -o 'fmt:%pkt %byt' 2>&1");
  std::istringstream lines(out);
  uint64_t flows = 0, pk = 0, by = 0, a, b;
  while (lines >> a >> b) {
    ++flows;
    pk += a;
    by += b;
  }
  EXPECT_EQ(flows, ours.stats.flowsExported) << out;
  EXPECT_EQ(pk, ours.stats.packets);
  EXPECT_EQ(by, ours.stats.octets);
  EXPECT_EQ(by, traffic.ipOctets);
}

TEST(ExporterInterop, NfcapdStoresOurIpfix) {
  NfcapdRoundTrip(ExportFormat::kIpfix);
}
TEST(ExporterInterop, NfcapdStoresOurNetflowV9) {
  NfcapdRoundTrip(ExportFormat::kNetflowV9);
}

/// Wraps export messages in Ethernet/IPv4/UDP frames in a pcap so tshark can decode them.
void WriteExportPcap(const std::string& path, const std::vector<std::vector<uint8_t>>& msgs,
                     uint16_t dport) {
  PcapFileWriter w(path, LinkType::kEthernet);
  int64_t ms = 0;
  for (const auto& m : msgs) {
    std::vector<uint8_t> f(12, 0x02);
    f.push_back(0x08);
    f.push_back(0x00);
    size_t ipLen = 20 + 8 + m.size();
    uint8_t ip[20] = {0x45,
                      0,
                      static_cast<uint8_t>(ipLen >> 8),
                      static_cast<uint8_t>(ipLen),
                      0,
                      1,
                      0x40,
                      0,
                      64,
                      17,
                      0,
                      0,
                      127,
                      0,
                      0,
                      1,
                      127,
                      0,
                      0,
                      1};
    uint32_t sum = 0;
    for (int i = 0; i < 20; i += 2) sum += (ip[i] << 8) | ip[i + 1];
    while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
    ip[10] = static_cast<uint8_t>(~sum >> 8);
    ip[11] = static_cast<uint8_t>(~sum);
    f.insert(f.end(), ip, ip + 20);
    size_t udpLen = 8 + m.size();
    uint8_t udp[8] = {0xc3,
                      0x50,
                      static_cast<uint8_t>(dport >> 8),
                      static_cast<uint8_t>(dport),
                      static_cast<uint8_t>(udpLen >> 8),
                      static_cast<uint8_t>(udpLen),
                      0,
                      0};
    f.insert(f.end(), udp, udp + 8);
    f.insert(f.end(), m.begin(), m.end());
    w.Add(core::Timestamp::FromMillis(1700000000000 + ms++), f);
  }
}

void TsharkDecodes(ExportFormat format, uint16_t port) {
  if (!HaveTool("tshark")) GTEST_SKIP() << "tshark not installed";
  test::TempDir tmp("tshark");
  WriteTestPcap(tmp.File("test.pcap"));
  ExporterConfig cfg;
  cfg.format = format;
  cfg.sampling.mode = SamplingConfig::Mode::kCount;  // options template and record too
  cfg.sampling.interval = 1;
  OurRun ours = RunExporter(tmp.File("test.pcap"), cfg);
  ASSERT_FALSE(ours.messages.empty());
  WriteExportPcap(tmp.File("export.pcap"), ours.messages, port);
  std::string decode = " -d udp.port==" + std::to_string(port) + ",cflow";
  int rc = 0;
  std::string bad =
      RunCapture("tshark -n -r " + tmp.File("export.pcap") + decode +
                     " -Y '_ws.malformed || _ws.expert.severity >= error' 2>/dev/null",
                 &rc);
  EXPECT_EQ(rc, 0) << bad;
  EXPECT_EQ(bad, "") << "tshark reports malformed/erroneous frames:\n" << bad;
  std::string fields =
      RunCapture("tshark -n -r " + tmp.File("export.pcap") + decode +
                 " -T fields -e cflow.packets -E occurrence=a -E separator=, 2>/dev/null");
  uint64_t pk = 0;
  for (char& c : fields) {
    if (c == ',' || c == '\n') c = ' ';
  }
  std::istringstream in(fields);
  uint64_t v;
  size_t n = 0;
  while (in >> v) {
    pk += v;
    ++n;
  }
  EXPECT_EQ(n, ours.stats.flowsExported);
  uint64_t exportedPackets = 0;  // v5: IPv6 flows are not exportable
  for (const auto& r : ours.records) {
    if (format != ExportFormat::kNetflowV5 || r.key.src.IsV4()) exportedPackets += r.packets;
  }
  EXPECT_EQ(pk, exportedPackets);
  if (format == ExportFormat::kNetflowV5) {
    EXPECT_GT(ours.stats.flowsNotExportable, 0u);
  }
}

TEST(ExporterInterop, TsharkDecodesIpfixWithoutMalformed) {
  TsharkDecodes(ExportFormat::kIpfix, 4739);
}
TEST(ExporterInterop, TsharkDecodesV9WithoutMalformed) {
  TsharkDecodes(ExportFormat::kNetflowV9, 2055);
}
TEST(ExporterInterop, TsharkDecodesV5WithoutMalformed) {
  TsharkDecodes(ExportFormat::kNetflowV5, 2055);
}

TEST(ExporterInterop, TsharkReadsIpfixFile) {
  if (!HaveTool("tshark")) GTEST_SKIP() << "tshark not installed";
  test::TempDir tmp("tshark-file");
  WriteTestPcap(tmp.File("test.pcap"));
  ExporterConfig cfg;
  Destination file;
  file.kind = Destination::Kind::kFile;
  file.path = tmp.File("flows.ipfix");
  cfg.destinations.push_back(file);
  OurRun ours = RunExporter(tmp.File("test.pcap"), cfg);
  int rc = 0;
  std::string bad =
      RunCapture("tshark -n -r " + tmp.File("flows.ipfix") +
                     " -Y '_ws.malformed || _ws.expert.severity >= error' 2>/dev/null",
                 &rc);
  EXPECT_EQ(rc, 0) << bad;
  EXPECT_EQ(bad, "");
  std::string frames =
      RunCapture("tshark -n -r " + tmp.File("flows.ipfix") + " 2>/dev/null | wc -l");
  EXPECT_EQ(std::stoul(frames), ours.messages.size());
}

/// Receives UDP datagrams on 127.0.0.1 in a thread.
class UdpSink {
 public:
  UdpSink() {
    m_fd = ::socket(AF_INET, SOCK_DGRAM, 0);
    int buf = 16 << 20;
    ::setsockopt(m_fd, SOL_SOCKET, SO_RCVBUFFORCE, &buf, sizeof(buf));
    ::setsockopt(m_fd, SOL_SOCKET, SO_RCVBUF, &buf, sizeof(buf));
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(m_fd, reinterpret_cast<sockaddr*>(&a), sizeof(a));
    socklen_t len = sizeof(a);
    ::getsockname(m_fd, reinterpret_cast<sockaddr*>(&a), &len);
    m_port = ntohs(a.sin_port);
  }
  ~UdpSink() { ::close(m_fd); }
  uint16_t Port() const { return m_port; }
  /// @brief Reads until `quiet` passes without a datagram.
  std::vector<std::vector<uint8_t>> Drain(std::chrono::milliseconds quiet) {
    std::vector<std::vector<uint8_t>> out;
    std::vector<uint8_t> buf(65536);
    while (true) {
      pollfd p{m_fd, POLLIN, 0};
      if (::poll(&p, 1, static_cast<int>(quiet.count())) <= 0) break;
      ssize_t n = ::recv(m_fd, buf.data(), buf.size(), 0);
      if (n > 0) out.emplace_back(buf.begin(), buf.begin() + n);
    }
    return out;
  }

 private:
  int m_fd = -1;
  uint16_t m_port = 0;
};

struct KeyTotals : wire::MessageHandler {
  std::map<std::string, std::pair<uint64_t, uint64_t>> byKey;  // packets, octets
  size_t records = 0;
  void OnDataRecord(const wire::MessageInfo& info, const wire::Template& t,
                    core::ByteReader record) override {
    if (t.IsOptions()) return;
    wire::TimeContext ctx;
    ctx.exportTimeSeconds = info.exportTime;
    core::FlowRecord r;
    if (!wire::DecodeFlowRecord(t, record, ctx, r).Ok()) return;
    Add(r);
  }
  void Add(const core::FlowRecord& r) {
    ++records;
    auto& v = byKey[std::to_string(r.key.protocol) + " " + r.key.src.ToString() + ":" +
                    std::to_string(r.key.srcPort) + " " + r.key.dst.ToString() + ":" +
                    std::to_string(r.key.dstPort)];
    v.first += r.packets;
    v.second += r.octets;
  }
};

TEST(ExporterInterop, SoftflowdAgreesUpToIdleTimeouts) {
  if (!HaveTool("softflowd")) GTEST_SKIP() << "softflowd not installed";
  test::TempDir tmp("softflowd");
  TestTraffic traffic = WriteTestPcap(tmp.File("test.pcap"));
  UdpSink sink;
  // Same timeouts: active 1800 s (maxlife), inactive 15 s (softflowd ignores it with -r).
  ChildProcess sf({"softflowd",
                   "-r",
                   tmp.File("test.pcap"),
                   "-d",
                   "-c",
                   "none",
                   "-a",
                   "-A",
                   "milli",
                   "-v",
                   "10",
                   "-6",
                   "-m",
                   "65536",
                   "-t",
                   "maxlife=1800",
                   "-t",
                   "general=15",
                   "-t",
                   "udp=15",
                   "-t",
                   "tcp=15",
                   "-t",
                   "icmp=15",
                   "-p",
                   tmp.File("softflowd.pid"),
                   "-n",
                   "127.0.0.1:" + std::to_string(sink.Port())},
                  tmp.File("softflowd.log"));
  if (!sf.WaitFor(30)) sf.Stop();
  auto msgs = sink.Drain(std::chrono::milliseconds(1000));
  ASSERT_FALSE(msgs.empty()) << "no export from softflowd";
  KeyTotals theirs;
  wire::ipfix::Session session;
  for (auto& m : msgs) {
    core::ByteReader r(m);
    (void)session.Decode(r, theirs);  // its sequence numbers are off by one message (peers.md)
  }

  ExporterConfig cfg;  // defaults: active 1800 s, inactive 15 s
  OurRun ours = RunExporter(tmp.File("test.pcap"), cfg);
  KeyTotals mine;
  for (auto& r : ours.records) mine.Add(r);

  // Per direction (5-tuple) the packet and octet totals agree exactly.
  EXPECT_EQ(mine.byKey.size(), theirs.byKey.size());
  for (auto& [key, v] : mine.byKey) {
    auto it = theirs.byKey.find(key);
    ASSERT_NE(it, theirs.byKey.end()) << "softflowd has no flow " << key;
    EXPECT_EQ(it->second.first, v.first) << key;
    EXPECT_EQ(it->second.second, v.second) << key;
  }
  // Documented difference: softflowd applies no inactive timeout in file mode, so each flow
  // direction that pauses longer than 15 s is one record there and two here.
  EXPECT_EQ(mine.records, theirs.records + static_cast<size_t>(traffic.gappedDirections));
}

#ifdef VANTAGE_CLI
TEST(ExporterCli, BadInputNamesFileAndOffsetAndStillExports) {
  test::TempDir tmp("cli");
  std::string pcap = tmp.File("cut.pcap");
  TestTraffic traffic = WriteTestPcap(pcap, 30, 0);
  fs::resize_file(pcap, fs::file_size(pcap) - 10);
  int rc = 0;
  std::string out = RunCapture(std::string(VANTAGE_CLI) + " export -r " + pcap + " --file " +
                                   tmp.File("out.ipfix") + " 2>&1",
                               &rc);
  EXPECT_NE(rc, 0) << out;
  EXPECT_NE(out.find("cut.pcap"), std::string::npos) << out;
  EXPECT_NE(out.find("offset "), std::string::npos) << out;
  // Every flow seen before the error is in the file.
  wire::ipfix::FileReader in;
  ASSERT_TRUE(in.Open(tmp.File("out.ipfix")).Ok());
  wire::ipfix::Session s;
  KeyTotals got;
  while (auto m = in.Next()) {
    ASSERT_TRUE(m->Ok());
    ASSERT_TRUE(s.Decode(**m, got).Ok());
  }
  uint64_t pk = 0;
  for (auto& [k, v] : got.byKey) pk += v.first;
  EXPECT_EQ(pk, traffic.packets - 1);

  std::ofstream(tmp.File("text.pcap")) << "hello, this is not a capture";
  out = RunCapture(std::string(VANTAGE_CLI) + " export -r " + tmp.File("text.pcap") + " --file " +
                       tmp.File("x.ipfix") + " 2>&1",
                   &rc);
  EXPECT_NE(rc, 0);
  EXPECT_NE(out.find("text.pcap"), std::string::npos) << out;
  EXPECT_NE(out.find("magic"), std::string::npos) << out;

  out = RunCapture(
      std::string(VANTAGE_CLI) + " export -i no-such-if0 --file " + tmp.File("y.ipfix") + " 2>&1",
      &rc);
  EXPECT_NE(rc, 0);
  EXPECT_NE(out.find("no-such-if0"), std::string::npos) << out;
}

TEST(ExporterCli, FileExportIsByteIdenticalAcrossRuns) {
  test::TempDir tmp("cli-det");
  WriteTestPcap(tmp.File("t.pcap"));
  std::string base = std::string(VANTAGE_CLI) + " export -q -r " + tmp.File("t.pcap") +
                     " --sample 2 --sample-mode random --seed 7 --capture " + tmp.File("c.pcap") +
                     " --capture-filter tcp --file ";
  int rc1 = 0, rc2 = 0;
  RunCapture(base + tmp.File("a.ipfix") + " 2>&1", &rc1);
  RunCapture(base + tmp.File("b.ipfix") + " 2>&1", &rc2);
  ASSERT_EQ(rc1, 0);
  ASSERT_EQ(rc2, 0);
  std::ifstream a(tmp.File("a.ipfix"), std::ios::binary), b(tmp.File("b.ipfix"), std::ios::binary);
  std::string sa((std::istreambuf_iterator<char>(a)), {}),
      sb((std::istreambuf_iterator<char>(b)), {});
  EXPECT_FALSE(sa.empty());
  EXPECT_EQ(sa, sb);
  EXPECT_GT(fs::file_size(tmp.File("c.pcap")), 24u);
}
#endif

namespace encap {

using wire::testing::TunnelSpec;
using TK = TunnelSpec::Kind;

// MPLS (one and two labels), every tunnel kind (one with IPv6 outside), a nested tunnel and a
// fragmented datagram; in each tunnel a TCP flow of 3 x 140 inner bytes.
void WriteEncapPcap(const std::string& path) {
  PcapFileWriter w(path, LinkType::kEthernet);
  int64_t ms = 0;
  auto add = [&](const PacketSpec& s) {
    w.Add(core::Timestamp::FromMillis(1700000000000 + ms++), BuildFrame(s));
  };
  PacketSpec m;
  m.protocol = 17;
  m.payload = 100;
  m.mplsLabels = {16001};
  for (int i = 0; i < 3; ++i) add(m);
  m.mplsLabels = {24000, 300};
  m.src = "10.0.0.5";
  for (int i = 0; i < 3; ++i) add(m);
  const TK kinds[] = {TK::kGre,    TK::kGreKeySeq, TK::kGreEthernet, TK::kVxlan,
                      TK::kIpInIp, TK::kGtpu,      TK::kGtpuExt};
  int n = 0;
  for (TK k : kinds) {
    PacketSpec s;
    s.payload = 100;
    s.srcPort = static_cast<uint16_t>(41000 + n);
    TunnelSpec t;
    t.kind = k;
    t.id = 100 + static_cast<uint32_t>(n);
    t.src = "192.0.2." + std::to_string(2 * n + 1);
    t.dst = "192.0.2." + std::to_string(2 * n + 2);
    if (k == TK::kGre && n == 0) {
      t.v6 = true;
      t.src = "2001:db8:ffff::1";
      t.dst = "2001:db8:ffff::2";
    }
    s.tunnels = {t};
    if (k == TK::kVxlan) s.tunnels.push_back(TunnelSpec{TK::kGre, "198.51.100.1", "198.51.100.2"});
    for (int i = 0; i < 3; ++i) add(s);
    ++n;
  }
  PacketSpec f;  // fragmented UDP datagram: 1500 + 120 IP bytes, one flow
  f.protocol = 17;
  f.src = "10.0.0.9";
  f.srcPort = 9000;
  f.dstPort = 9001;
  f.payload = 1472;
  f.moreFragments = true;
  add(f);
  f.fragOffset = 185;
  f.payload = 100;
  f.moreFragments = false;
  add(f);
}

TEST(ExporterInterop, TsharkDecodesEncapsulationElements) {
  if (!HaveTool("tshark")) GTEST_SKIP() << "tshark not installed";
  test::TempDir tmp("tshark-encap");
  WriteEncapPcap(tmp.File("encap.pcap"));
  for (auto mode : {wire::TunnelMode::kOuter, wire::TunnelMode::kInner}) {
    for (ExportFormat format : {ExportFormat::kIpfix, ExportFormat::kNetflowV9}) {
      SCOPED_TRACE(std::string(ExportFormatName(format)) +
                   (mode == wire::TunnelMode::kInner ? " inner" : " outer"));
      ExporterConfig cfg;
      cfg.format = format;
      cfg.tunnels = mode;
      OurRun ours = RunExporter(tmp.File("encap.pcap"), cfg);
      // outer: 2 MPLS + 7 tunnel flows + 1 datagram; inner: the same count of inner flows.
      ASSERT_EQ(ours.stats.flowsExported, 10u);
      const uint16_t port = format == ExportFormat::kIpfix ? 4739 : 2055;
      WriteExportPcap(tmp.File("export.pcap"), ours.messages, port);
      const std::string decode = " -d udp.port==" + std::to_string(port) + ",cflow";
      int rc = 0;
      std::string bad = RunCapture("tshark -n -r " + tmp.File("export.pcap") + decode +
                                       " -Y '_ws.malformed || _ws.expert.severity >= error' "
                                       "2>/dev/null",
                                   &rc);
      EXPECT_EQ(rc, 0) << bad;
      EXPECT_EQ(bad, "") << "tshark reports malformed/erroneous frames:\n" << bad;
      std::string fields =
          RunCapture("tshark -n -r " + tmp.File("export.pcap") + decode +
                     " -T fields -e cflow.packets -e cflow.octets -e cflow.mpls_label -e "
                     "cflow.layer2_segment_id -e cflow.mpls_label.bad_length -E occurrence=a "
                     "-E separator=/t -E aggregator=, 2>/dev/null");
      uint64_t pk = 0, by = 0, labels = 0, badLabels = 0;
      std::vector<uint64_t> segments;
      std::istringstream lines(fields);
      std::string line;
      while (std::getline(lines, line)) {
        std::vector<std::string> cols(5);
        std::istringstream l(line);
        for (auto& c : cols) std::getline(l, c, '\t');
        auto values = [](const std::string& list) {
          std::vector<uint64_t> v;
          std::string tok;
          std::istringstream in(list);
          while (std::getline(in, tok, ',')) {
            if (!tok.empty()) v.push_back(std::stoull(tok, nullptr, 0));
          }
          return v;
        };
        for (uint64_t v : values(cols[0])) pk += v;
        for (uint64_t v : values(cols[1])) by += v;
        labels += values(cols[2]).size();
        for (uint64_t v : values(cols[3])) {
          if (v != 0) segments.push_back(v);  // other tunnels' records carry IE 351 as 0
        }
        badLabels += cols[4].empty() ? 0 : 1;
      }
      uint64_t wantPk = 0, wantBy = 0;
      for (const auto& r : ours.records) {
        wantPk += r.packets;
        wantBy += r.octets;
      }
      EXPECT_EQ(pk, 29u);
      EXPECT_EQ(pk, wantPk);
      EXPECT_EQ(by, wantBy);
      EXPECT_EQ(labels, 3u) << fields;  // IEs 70 and 71: one flow with one, one with two
      EXPECT_EQ(badLabels, 0u) << fields;
      const uint64_t innerTcp = 7 * 3 * 140;
      const uint64_t mpls = 6 * 128, frag = 1500 + 120;
      if (mode == wire::TunnelMode::kInner) {
        EXPECT_EQ(by, mpls + innerTcp + frag);
        if (format == ExportFormat::kIpfix) {  // VXLAN VNI 103 (IE 351, IPFIX only)
          EXPECT_EQ(segments, std::vector<uint64_t>{(uint64_t{1} << 56) | 103u}) << fields;
        }
      } else {
        EXPECT_GT(by, mpls + innerTcp + frag);
      }
    }
  }
}

#ifdef VANTAGE_CLI
TEST(ExporterCli, TunnelsInnerFromTheCommandLine) {
  test::TempDir tmp("cli-tunnels");
  WriteEncapPcap(tmp.File("encap.pcap"));
  int rc = 0;
  std::string out =
      RunCapture(std::string(VANTAGE_CLI) + " export -q -r " + tmp.File("encap.pcap") +
                     " --tunnels inner --file " + tmp.File("inner.ipfix") + " 2>&1",
                 &rc);
  ASSERT_EQ(rc, 0) << out;
  wire::ipfix::FileReader in;
  ASSERT_TRUE(in.Open(tmp.File("inner.ipfix")).Ok());
  wire::ipfix::Session s;
  KeyTotals got;
  while (auto m = in.Next()) {
    ASSERT_TRUE(m->Ok());
    ASSERT_TRUE(s.Decode(**m, got).Ok());
  }
  EXPECT_EQ(got.records, 10u);
  for (int n = 0; n < 7; ++n) {
    const std::string key = "6 10.0.0.1:" + std::to_string(41000 + n) + " 10.0.0.2:80";
    EXPECT_EQ(got.byKey[key], (std::pair<uint64_t, uint64_t>{3, 420})) << key;
  }
  EXPECT_EQ(got.byKey["17 10.0.0.9:9000 10.0.0.2:9001"], (std::pair<uint64_t, uint64_t>{2, 1620}));
  out = RunCapture(std::string(VANTAGE_CLI) + " export -r " + tmp.File("encap.pcap") +
                       " --tunnels sideways --file " + tmp.File("x.ipfix") + " 2>&1",
                   &rc);
  EXPECT_NE(rc, 0);
  EXPECT_NE(out.find("--tunnels"), std::string::npos) << out;
}
#endif

}  // namespace encap

}  // namespace
}  // namespace vantage::exporter
