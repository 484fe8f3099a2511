// Interop on 127.0.0.1: softflowd (v9 and IPFIX) and pmacctd (nfprobe) read a pcap written
// here and export to a UDP tee in this test, which feeds our collecting process and forwards
// every datagram to nfcapd. Our stored flow, packet and byte totals must equal nfdump's (and,
// for softflowd, the pcap's). Each test skips cleanly when a tool is missing.
#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <pcap/pcap.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "vantage/collector/collecting-process.h"
#include "vantage/collector/query.h"
#include "vantage/collector/store.h"
#include "vantage/test/child-process.h"
#include "vantage/test/net.h"

namespace vantage::collector {
namespace {

namespace fs = std::filesystem;
using test::ChildProcess;
using test::FreeUdpPort;
using test::HaveTool;
using test::InternetChecksum;

struct Totals {
  uint64_t flows = 0;
  uint64_t packets = 0;
  uint64_t bytes = 0;
};

// Writes a pcap of `flows` TCP/UDP flows over IPv4 (and some IPv6); returns the IP-layer
// totals. Frames are at least 60 bytes without Ethernet padding (softflowd counts padding).
// `tailSeconds` adds one more flow (not in the totals) with a packet every 2 s after the
// others, so exporters that expire flows only by packet time (pmacct) export the rest.
Totals WritePcap(const std::string& path, int flows, int tailSeconds = 0) {
  Totals t;
  pcap_t* dead = pcap_open_dead(DLT_EN10MB, 65535);
  pcap_dumper_t* d = pcap_dump_open(dead, path.c_str());
  int64_t usec = 1700000000LL * 1000000;
  for (int f = 0; f < flows; ++f) {
    bool v6 = f % 10 == 7;
    bool udp = f % 3 == 1;
    int packets = 1 + f % 7;
    for (int k = 0; k < packets; ++k) {
      std::vector<uint8_t> pkt(14, 0);
      pkt[5] = 1;
      pkt[11] = 2;
      size_t payload = 20 + static_cast<size_t>((f * 37 + k * 11) % 900);
      size_t l4 = udp ? 8 : 20;
      if (v6) {
        pkt[12] = 0x86;
        pkt[13] = 0xdd;
        size_t plen = l4 + payload;
        std::vector<uint8_t> ip(40, 0);
        ip[0] = 0x60;
        ip[4] = static_cast<uint8_t>(plen >> 8);
        ip[5] = static_cast<uint8_t>(plen);
        ip[6] = udp ? 17 : 6;
        ip[7] = 64;
        ip[8] = 0x20;
        ip[9] = 0x01;
        ip[10] = 0x0d;
        ip[11] = 0xb8;
        ip[23] = static_cast<uint8_t>(f);
        ip[24] = 0x20;
        ip[25] = 0x01;
        ip[26] = 0x0d;
        ip[27] = 0xb8;
        ip[39] = 0xfe;
        pkt.insert(pkt.end(), ip.begin(), ip.end());
        t.bytes += 40 + plen;
      } else {
        pkt[12] = 0x08;
        size_t tot = 20 + l4 + payload;
        std::vector<uint8_t> ip(20, 0);
        ip[0] = 0x45;
        ip[2] = static_cast<uint8_t>(tot >> 8);
        ip[3] = static_cast<uint8_t>(tot);
        ip[8] = 64;
        ip[9] = udp ? 17 : 6;
        ip[12] = 10;
        ip[13] = 1;
        ip[14] = static_cast<uint8_t>(f >> 8);
        ip[15] = static_cast<uint8_t>(f);
        ip[16] = 192;
        ip[17] = 168;
        ip[18] = 0;
        ip[19] = static_cast<uint8_t>(1 + f % 5);
        uint16_t c = InternetChecksum(ip.data(), 20);
        ip[10] = static_cast<uint8_t>(c >> 8);
        ip[11] = static_cast<uint8_t>(c);
        pkt.insert(pkt.end(), ip.begin(), ip.end());
        t.bytes += tot;
      }
      std::vector<uint8_t> l4h(l4, 0);
      uint16_t sport = static_cast<uint16_t>(20000 + f);
      uint16_t dport = static_cast<uint16_t>(udp ? 53 : (f % 2 ? 443 : 22));
      l4h[0] = static_cast<uint8_t>(sport >> 8);
      l4h[1] = static_cast<uint8_t>(sport);
      l4h[2] = static_cast<uint8_t>(dport >> 8);
      l4h[3] = static_cast<uint8_t>(dport);
      if (udp) {
        l4h[4] = static_cast<uint8_t>((8 + payload) >> 8);
        l4h[5] = static_cast<uint8_t>(8 + payload);
      } else {
        l4h[12] = 0x50;
        l4h[13] = 0x18;  // PSH ACK
      }
      pkt.insert(pkt.end(), l4h.begin(), l4h.end());
      pkt.insert(pkt.end(), payload, static_cast<uint8_t>(k));
      pcap_pkthdr h{};
      int64_t ts = usec + f * 20000 + k * 1000;
      h.ts.tv_sec = ts / 1000000;
      h.ts.tv_usec = ts % 1000000;
      h.caplen = h.len = static_cast<bpf_u_int32>(pkt.size());
      pcap_dump(reinterpret_cast<u_char*>(d), &h, pkt.data());
      ++t.packets;
    }
    ++t.flows;
  }
  int64_t end = usec + flows * 20000 + 10000;
  for (int k = 0; k * 2 < tailSeconds; ++k) {
    std::vector<uint8_t> pkt = {0,    0, 0,  0,  0, 1,  0,    0,    0,    0,    0, 2,  0x08, 0x00,
                                0x45, 0, 0,  48, 0, 0,  0,    0,    64,   17,   0, 0,  10,   9,
                                9,    9, 10, 9,  9, 10, 0x27, 0x0f, 0x27, 0x0f, 0, 28, 0,    0};
    pkt.resize(62, 0);
    uint16_t c = InternetChecksum(pkt.data() + 14, 20);
    pkt[24] = static_cast<uint8_t>(c >> 8);
    pkt[25] = static_cast<uint8_t>(c);
    pcap_pkthdr h{};
    int64_t ts = end + static_cast<int64_t>(k) * 2000000;
    h.ts.tv_sec = ts / 1000000;
    h.ts.tv_usec = ts % 1000000;
    h.caplen = h.len = static_cast<bpf_u_int32>(pkt.size());
    pcap_dump(reinterpret_cast<u_char*>(d), &h, pkt.data());
  }
  pcap_dump_close(d);
  pcap_close(dead);
  return t;
}

// Receives export datagrams on a loopback port, feeds them to our collecting process and
// forwards each to nfcapd.
class Tee {
 public:
  Tee(CollectingProcess* cp, uint16_t forwardPort) : m_cp(cp) {
    m_fd = socket(AF_INET, SOCK_DGRAM, 0);
    int buf = 8 << 20;
    setsockopt(m_fd, SOL_SOCKET, SO_RCVBUFFORCE, &buf, sizeof(buf));
    setsockopt(m_fd, SOL_SOCKET, SO_RCVBUF, &buf, sizeof(buf));
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(m_fd, reinterpret_cast<sockaddr*>(&a), sizeof(a));
    socklen_t len = sizeof(a);
    getsockname(m_fd, reinterpret_cast<sockaddr*>(&a), &len);
    m_port = ntohs(a.sin_port);
    m_out = socket(AF_INET, SOCK_DGRAM, 0);
    m_to.sin_family = AF_INET;
    m_to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    m_to.sin_port = htons(forwardPort);
  }
  ~Tee() {
    close(m_fd);
    close(m_out);
  }
  uint16_t Port() const { return m_port; }
  /// Serves until no datagram came for `quietSeconds` after `until()` became true.
  template <typename Pred>
  void Serve(Pred until, double quietSeconds, double maxSeconds) {
    auto start = std::chrono::steady_clock::now();
    auto lastData = start;
    std::vector<uint8_t> buf(65536);
    for (;;) {
      pollfd p{m_fd, POLLIN, 0};
      if (poll(&p, 1, 50) > 0) {
        sockaddr_in from{};
        socklen_t fl = sizeof(from);
        ssize_t n =
            recvfrom(m_fd, buf.data(), buf.size(), 0, reinterpret_cast<sockaddr*>(&from), &fl);
        if (n > 0) {
          m_cp->OnDatagram(core::IpAddress::V4(ntohl(from.sin_addr.s_addr)), ntohs(from.sin_port),
                           buf.data(), static_cast<size_t>(n),
                           core::Timestamp::FromSeconds(1700000000));
          sendto(m_out, buf.data(), static_cast<size_t>(n), 0, reinterpret_cast<sockaddr*>(&m_to),
                 sizeof(m_to));
          ++datagrams;
          lastData = std::chrono::steady_clock::now();
          // Pace the forward so nfcapd's socket keeps up (it loses bursts on loopback).
          if (datagrams % 16 == 0) std::this_thread::sleep_for(std::chrono::milliseconds(2));
        }
        continue;
      }
      auto now = std::chrono::steady_clock::now();
      if (std::chrono::duration<double>(now - start).count() > maxSeconds) return;
      if (until() && std::chrono::duration<double>(now - lastData).count() > quietSeconds) return;
    }
  }
  uint64_t datagrams = 0;

 private:
  CollectingProcess* m_cp;
  int m_fd = -1;
  int m_out = -1;
  uint16_t m_port = 0;
  sockaddr_in m_to{};
};

Totals NfdumpTotals(const std::string& dir) {
  Totals t;
  std::string cmd = "nfdump -R '" + dir + "' -q -N -o 'fmt:%pkt %byt' 2>/dev/null";
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return t;
  char line[256];
  while (fgets(line, sizeof(line), p)) {
    unsigned long long pk = 0, by = 0;
    if (sscanf(line, "%llu %llu", &pk, &by) == 2) {
      ++t.flows;
      t.packets += pk;
      t.bytes += by;
    }
  }
  pclose(p);
  return t;
}

Totals StoreTotals(const std::string& db) {
  Totals t;
  auto r = RunQueryOnFile(db, "SELECT count(*), sum(packets), sum(octets) FROM flows");
  if (r && !r->rows.empty()) {
    t.flows = std::stoull(r->rows[0][0].empty() ? "0" : r->rows[0][0]);
    t.packets = std::stoull(r->rows[0][1].empty() ? "0" : r->rows[0][1]);
    t.bytes = std::stoull(r->rows[0][2].empty() ? "0" : r->rows[0][2]);
  }
  return t;
}

class CollectorInterop : public ::testing::Test {
 protected:
  void SetUp() override {
    m_dir = fs::temp_directory_path() /
            ("vantage-collector-interop-" + std::to_string(getpid()) + "-" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(m_dir);
    fs::create_directories(m_dir / "nfcapd");
    m_pcap = (m_dir / "test.pcap").string();
    bool pmacct = std::string(::testing::UnitTest::GetInstance()->current_test_info()->name())
                      .find("Pmacct") != std::string::npos;
    m_truth = WritePcap(m_pcap, 300, pmacct ? 30 : 0);
  }
  void TearDown() override {
    if (std::getenv("VANTAGE_KEEP_INTEROP")) return;
    std::error_code ec;
    fs::remove_all(m_dir, ec);
  }

  /// Runs `exporter` (argv with PORT replaced) into tee -> (our collector, nfcapd).
  /// If `stopMarker` is set, the exporter is stopped with SIGTERM (it flushes then) a few
  /// seconds after its log shows the marker (pmacct exports about 6 s after reading).
  void RunExport(std::vector<std::string> argv, double maxSeconds, Totals& ours, Totals& nf,
                 std::vector<LossReport>& loss, const std::string& stopMarker = "") {
    uint16_t nfPort = FreeUdpPort();
    std::string db = (m_dir / "flows.sqlite").string();
    auto store = Store::Open(db);
    ASSERT_TRUE(store) << store.GetError().message;
    CollectingProcess cp(store->get());
    Tee tee(&cp, nfPort);
    {
      // nfcapd under a file-size limit (see peers.md), log outside its flow directory.
      std::string nfcmd = "ulimit -f 200000; exec nfcapd -b 127.0.0.1 -p " +
                          std::to_string(nfPort) + " -w '" + (m_dir / "nfcapd").string() +
                          "' -t 3600 -B 4194304";
      ChildProcess nfcapd({"sh", "-c", nfcmd}, (m_dir / "nfcapd.log").string());
      std::this_thread::sleep_for(std::chrono::milliseconds(700));
      for (auto& a : argv) {
        auto pos = a.find("PORT");
        if (pos != std::string::npos) a.replace(pos, 4, std::to_string(tee.Port()));
      }
      std::string exporterLog = (m_dir / "exporter.log").string();
      ChildProcess exporter(argv, exporterLog);
      auto markerSeen = std::chrono::steady_clock::time_point{};
      tee.Serve(
          [&] {
            if (exporter.WaitFor(0)) return true;
            if (stopMarker.empty()) return false;
            if (markerSeen == std::chrono::steady_clock::time_point{}) {
              std::ifstream in(exporterLog);
              std::stringstream ss;
              ss << in.rdbuf();
              if (ss.str().find(stopMarker) != std::string::npos) {
                markerSeen = std::chrono::steady_clock::now();
              }
              return false;
            }
            if (std::chrono::steady_clock::now() - markerSeen > std::chrono::seconds(10)) {
              exporter.Stop();
              return true;
            }
            return false;
          },
          3.0, maxSeconds);
      exporter.Stop();
      std::this_thread::sleep_for(std::chrono::milliseconds(500));
      nfcapd.Stop();  // SIGTERM: nfcapd writes its file
    }
    cp.Flush();
    loss = cp.Loss();
    ASSERT_TRUE((*store)->Close());
    ours = StoreTotals(db);
    nf = NfdumpTotals((m_dir / "nfcapd").string());
    std::printf(
        "tee: %llu datagrams; ours %llu flows %llu pkts %llu bytes; nfdump %llu flows "
        "%llu pkts %llu bytes; pcap %llu flows %llu pkts %llu bytes\n",
        static_cast<unsigned long long>(tee.datagrams), static_cast<unsigned long long>(ours.flows),
        static_cast<unsigned long long>(ours.packets), static_cast<unsigned long long>(ours.bytes),
        static_cast<unsigned long long>(nf.flows), static_cast<unsigned long long>(nf.packets),
        static_cast<unsigned long long>(nf.bytes), static_cast<unsigned long long>(m_truth.flows),
        static_cast<unsigned long long>(m_truth.packets),
        static_cast<unsigned long long>(m_truth.bytes));
  }

  fs::path m_dir;
  std::string m_pcap;
  Totals m_truth;
};

void ExpectNoLoss(const std::vector<LossReport>& loss) {
  ASSERT_FALSE(loss.empty());
  for (const auto& l : loss) {
    EXPECT_EQ(l.lost, 0u) << "version " << l.version << " domain " << l.observationDomain
                          << " expected " << l.expected << " received " << l.received;
  }
}

TEST_F(CollectorInterop, SoftflowdIpfix) {
  if (!HaveTool("softflowd") || !HaveTool("nfcapd") || !HaveTool("nfdump")) {
    GTEST_SKIP() << "softflowd, nfcapd or nfdump not installed";
  }
  Totals ours, nf;
  std::vector<LossReport> loss;
  RunExport({"softflowd", "-r", m_pcap, "-d", "-c", "none", "-a", "-A", "milli", "-v", "10", "-n",
             "127.0.0.1:PORT"},
            30, ours, nf, loss);
  // softflowd exports one record per direction; our pcap is one-directional.
  EXPECT_EQ(ours.flows, m_truth.flows);
  EXPECT_EQ(ours.packets, m_truth.packets);
  EXPECT_EQ(ours.bytes, m_truth.bytes);
  EXPECT_EQ(ours.flows, nf.flows);
  EXPECT_EQ(ours.packets, nf.packets);
  EXPECT_EQ(ours.bytes, nf.bytes);
  ExpectNoLoss(loss);
}

TEST_F(CollectorInterop, SoftflowdV9) {
  if (!HaveTool("softflowd") || !HaveTool("nfcapd") || !HaveTool("nfdump")) {
    GTEST_SKIP() << "softflowd, nfcapd or nfdump not installed";
  }
  Totals ours, nf;
  std::vector<LossReport> loss;
  RunExport(
      {"softflowd", "-r", m_pcap, "-d", "-c", "none", "-a", "-v", "9", "-n", "127.0.0.1:PORT"}, 30,
      ours, nf, loss);
  EXPECT_EQ(ours.flows, m_truth.flows);
  EXPECT_EQ(ours.packets, m_truth.packets);
  EXPECT_EQ(ours.bytes, m_truth.bytes);
  EXPECT_EQ(ours.flows, nf.flows);
  EXPECT_EQ(ours.packets, nf.packets);
  EXPECT_EQ(ours.bytes, nf.bytes);
  ExpectNoLoss(loss);
}

TEST_F(CollectorInterop, PmacctdNfprobe) {
  if (!HaveTool("pmacctd") || !HaveTool("nfcapd") || !HaveTool("nfdump")) {
    GTEST_SKIP() << "pmacctd, nfcapd or nfdump not installed";
  }
  std::string conf = (m_dir / "pmacctd.conf").string();
  {
    std::ofstream c(conf);
    c << "daemonize: false\n"
      << "pcap_savefile: " << m_pcap << "\n"
      << "pcap_savefile_wait: true\n"
      << "plugins: nfprobe\n"
      << "nfprobe_version: 10\n"
      << "nfprobe_receiver: RECEIVER\n"
      << "nfprobe_timeouts: general=1:maxlife=2:expint=1\n"
      << "plugin_pipe_size: 10240000\n"
      << "plugin_buffer_size: 10240\n";
  }
  // pmacctd reads PORT from the config file: patch it once the tee port is known.
  Totals ours, nf;
  std::vector<LossReport> loss;
  RunExport({"sh", "-c",
             "sed -i s/RECEIVER/127.0.0.1:PORT/ '" + conf + "' && exec pmacctd -f '" + conf + "'"},
            40, ours, nf, loss, "finished reading PCAP capture file");
  // pmacct delivers its last buffer twice, and in file mode whether it exports the flows
  // before its tail depends on its timing: the check is against nfdump over the very same
  // datagrams (the tail flow is always exported).
  EXPECT_GT(ours.flows, 0u);
  EXPECT_EQ(ours.flows, nf.flows);
  EXPECT_EQ(ours.packets, nf.packets);
  EXPECT_EQ(ours.bytes, nf.bytes);
}

}  // namespace
}  // namespace vantage::collector
