// Interop: IPFIX and NetFlow v9 messages from our writers, as UDP packets in a pcap
// (dst port 4739 / 2055) and as an RFC 5655 file, decoded by tshark with no malformed frame
// or expert error and the same records and field values; ipfixDump reads our file too.
#include <gtest/gtest.h>
#include <pcap/pcap.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "vantage/test/child-process.h"
#include "vantage/test/net.h"
#include "vantage/test/temp-dir.h"
#include "vantage/wire/ipfix/file.h"
#include "vantage/wire/ipfix/message-writer.h"
#include "vantage/wire/v9/message-writer.h"

namespace vantage::wire {
namespace {

namespace fs = std::filesystem;

// Runs a shell command, returns its stdout (stderr to /dev/null) and exit status.
std::string RunCommand(const std::string& cmd, int* status = nullptr) {
  return test::RunCapture(cmd + " 2>/dev/null", status);
}

std::vector<std::string> Split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::string cur;
  std::istringstream in(s);
  while (std::getline(in, cur, sep)) out.push_back(cur);
  return out;
}

// Writes each payload as Ethernet / IPv4 / UDP 127.0.0.1:50000 -> 127.0.0.1:dstPort.
void WritePcap(const std::string& path, const std::vector<std::vector<uint8_t>>& payloads,
               uint16_t dstPort) {
  pcap_t* dead = pcap_open_dead(DLT_EN10MB, 65535);
  ASSERT_NE(dead, nullptr);
  pcap_dumper_t* d = pcap_dump_open(dead, path.c_str());
  ASSERT_NE(d, nullptr) << pcap_geterr(dead);
  uint16_t ipId = 1;
  long sec = 1700000000;
  for (const auto& pl : payloads) {
    std::vector<uint8_t> f;
    core::ByteWriter w(f);
    const uint8_t macs[12] = {0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 1};
    w.WriteBytes(macs, 12);
    w.WriteU16(0x0800);
    const size_t ip = f.size();
    w.WriteU8(0x45);
    w.WriteU8(0);
    w.WriteU16(static_cast<uint16_t>(20 + 8 + pl.size()));
    w.WriteU16(ipId++);
    w.WriteU16(0x4000);  // DF
    w.WriteU8(64);
    w.WriteU8(17);
    w.WriteU16(0);
    w.WriteU32(0x7f000001);
    w.WriteU32(0x7f000001);
    w.PatchU16(ip + 10, test::InternetChecksum(f.data() + ip, 20));
    w.WriteU16(50000);
    w.WriteU16(dstPort);
    w.WriteU16(static_cast<uint16_t>(8 + pl.size()));
    w.WriteU16(0);  // no UDP checksum (allowed over IPv4)
    w.WriteBytes(pl.data(), pl.size());
    pcap_pkthdr h{};
    h.ts.tv_sec = sec++;
    h.caplen = h.len = static_cast<bpf_u_int32>(f.size());
    pcap_dump(reinterpret_cast<u_char*>(d), &h, f.data());
  }
  pcap_dump_close(d);
  pcap_close(dead);
}

std::vector<core::FlowRecord> Flows(size_t n) {
  std::mt19937 rng(4739);
  std::vector<core::FlowRecord> out;
  for (size_t i = 0; i < n; ++i) {
    core::FlowRecord r;
    r.key.src = core::IpAddress::V4(0x0a000000 | static_cast<uint32_t>(i + 1));
    r.key.dst = core::IpAddress::V4(0xc0000200 | static_cast<uint32_t>(rng() & 0xff));
    r.key.protocol = i % 2 ? 17 : 6;
    r.key.srcPort = static_cast<uint16_t>(1024 + rng() % 60000);
    r.key.dstPort = i % 2 ? 53 : 443;
    r.key.ingressInterface = 1;
    r.egressInterface = 2;
    r.packets = 1 + rng() % 1000;
    r.octets = r.packets * (40 + rng() % 1400);
    r.start = core::Timestamp::FromMillis(1700000000000 - 60000 + static_cast<int64_t>(i));
    r.end = r.start + core::Duration::Millis(1500);
    r.tcpFlags = r.key.protocol == 6 ? 0x1b : 0;
    out.push_back(r);
  }
  return out;
}

// Per-record rows "src dst pkts octets sport dport proto" from tshark's comma-joined fields.
std::vector<std::string> TsharkRecords(const std::string& pcapOrFile, const std::string& extra) {
  std::string out = RunCommand("tshark -n -r '" + pcapOrFile + "' " + extra +
                               " -T fields -E separator=/t -e cflow.srcaddr -e cflow.dstaddr"
                               " -e cflow.packets -e cflow.octets -e cflow.srcport -e cflow.dstport"
                               " -e cflow.protocol");
  std::vector<std::string> rows;
  for (const auto& line : Split(out, '\n')) {
    auto cols = Split(line, '\t');
    if (cols.size() < 7 || cols[0].empty()) continue;
    std::vector<std::vector<std::string>> lists;
    for (size_t c = 0; c < 7; ++c) lists.push_back(Split(cols[c], ','));
    for (size_t i = 0; i < lists[0].size(); ++i) {
      std::string row;
      for (size_t c = 0; c < 7; ++c) row += (i < lists[c].size() ? lists[c][i] : "?") + " ";
      rows.push_back(row);
    }
  }
  return rows;
}

std::vector<std::string> Expected(const std::vector<core::FlowRecord>& flows) {
  std::vector<std::string> rows;
  for (const auto& r : flows) {
    rows.push_back(r.key.src.ToString() + " " + r.key.dst.ToString() + " " +
                   std::to_string(r.packets) + " " + std::to_string(r.octets) + " " +
                   std::to_string(r.key.srcPort) + " " + std::to_string(r.key.dstPort) + " " +
                   std::to_string(r.key.protocol) + " ");
  }
  return rows;
}

std::string Problems(const std::string& file, const std::string& extra = "") {
  return RunCommand("tshark -n -r '" + file + "' " + extra +
                    " -Y '_ws.malformed || _ws.expert.severity >= error' -T fields -e frame.number"
                    " -e _ws.expert.message");
}

class WireInteropTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!test::HaveTool("tshark")) GTEST_SKIP() << "tshark not installed";
  }
  test::TempDir m_dir{"wire-interop"};
};

TEST_F(WireInteropTest, IpfixOverUdpDecodesInTshark) {
  auto flows = Flows(120);
  std::vector<std::vector<uint8_t>> msgs;
  ipfix::WriterConfig cfg;
  cfg.observationDomain = 1;
  cfg.maxMessageSize = 1400;
  ipfix::MessageWriter w(cfg, [&](std::vector<uint8_t> m) { msgs.push_back(std::move(m)); });
  w.SetExportTime(1700000000);
  ASSERT_TRUE(w.AddTemplate(MakeFlowTemplate(256, {})));
  for (const auto& f : flows) ASSERT_TRUE(w.AddFlowRecord(256, f));
  w.Flush();
  ASSERT_GT(msgs.size(), 2u);
  const std::string pcap = m_dir.File("ipfix.pcap");
  WritePcap(pcap, msgs, 4739);
  EXPECT_EQ(Problems(pcap), "");
  EXPECT_EQ(TsharkRecords(pcap, ""), Expected(flows));
}

TEST_F(WireInteropTest, IpfixBiflowIpv6AndPaddingDecodeInTshark) {
  std::vector<std::vector<uint8_t>> msgs;
  ipfix::WriterConfig cfg;
  cfg.padSets = true;
  ipfix::MessageWriter w(cfg, [&](std::vector<uint8_t> m) { msgs.push_back(std::move(m)); });
  w.SetExportTime(1700000000);
  FlowTemplateOptions o;
  o.ipv6 = o.biflow = o.vlan = o.nanoseconds = true;
  ASSERT_TRUE(w.AddTemplate(MakeFlowTemplate(300, o)));
  core::FlowRecord r;
  uint8_t a[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
  r.key.src = core::IpAddress::V6Bytes(a);
  a[15] = 2;
  r.key.dst = core::IpAddress::V6Bytes(a);
  r.key.protocol = 6;
  r.key.srcPort = 40000;
  r.key.dstPort = 22;
  r.packets = 10;
  r.octets = 1000;
  r.reversePackets = 8;
  r.reverseOctets = 4000;
  r.start = core::Timestamp::FromNanos(1699999990123456789);
  r.end = core::Timestamp::FromNanos(1699999999987654321);
  ASSERT_TRUE(w.AddFlowRecord(300, r));
  w.Flush();
  const std::string pcap = m_dir.File("v6.pcap");
  WritePcap(pcap, msgs, 4739);
  EXPECT_EQ(Problems(pcap), "");
  std::string out = RunCommand("tshark -n -r '" + pcap +
                               "' -T fields -E separator=/t -e cflow.srcaddrv6 -e cflow.packets"
                               " -e cflow.octets");
  EXPECT_EQ(out, "2001:db8::1\t10,8\t1000,4000\n");  // forward, then reverse counters
}

TEST_F(WireInteropTest, NetflowV9OverUdpDecodesInTshark) {
  auto flows = Flows(90);
  std::vector<std::vector<uint8_t>> pkts;
  v9::WriterConfig cfg;
  cfg.sourceId = 7;
  cfg.maxMessageSize = 1400;
  v9::MessageWriter w(cfg, [&](std::vector<uint8_t> m) { pkts.push_back(std::move(m)); });
  w.SetClock(1700000000, 3600000);
  FlowTemplateOptions o;
  o.sysUpTime = true;
  ASSERT_TRUE(w.AddTemplate(MakeFlowTemplate(256, o)));
  Template opts{257, {{1, 4}, {ie::kSamplingInterval, 4}, {ie::kSamplingAlgorithm, 1}}, 1};
  ASSERT_TRUE(w.AddTemplate(opts));
  std::vector<OptionValue> ov(3);
  ov[1].value = 1;
  ov[2].value = 1;
  ASSERT_TRUE(w.AddOptionsRecord(257, ov));
  for (const auto& f : flows) ASSERT_TRUE(w.AddFlowRecord(256, f));
  w.Flush();
  const std::string pcap = m_dir.File("v9.pcap");
  WritePcap(pcap, pkts, 2055);
  EXPECT_EQ(Problems(pcap), "");
  auto rows = TsharkRecords(pcap, "");
  EXPECT_EQ(rows, Expected(flows));
  // header count includes the template and options records
  std::string counts = RunCommand("tshark -n -r '" + pcap + "' -T fields -e cflow.count");
  uint64_t total = 0;
  for (const auto& c : Split(counts, '\n')) {
    if (!c.empty()) total += std::stoul(c);
  }
  EXPECT_EQ(total, flows.size() + 3);
}

TEST_F(WireInteropTest, IpfixFileReadByTsharkAndIpfixDump) {
  auto flows = Flows(300);
  const std::string path = m_dir.File("flows.ipfix");
  {
    ipfix::FileWriter file;
    ASSERT_TRUE(file.Open(path));
    ipfix::WriterConfig cfg;
    cfg.observationDomain = 3;
    cfg.maxMessageSize = 8192;
    ipfix::MessageWriter w(cfg, [&](std::vector<uint8_t> m) { ASSERT_TRUE(file.Write(m)); });
    w.SetExportTime(1700000000);
    ASSERT_TRUE(w.AddTemplate(MakeFlowTemplate(256, {})));
    for (const auto& f : flows) ASSERT_TRUE(w.AddFlowRecord(256, f));
    w.Flush();
    ASSERT_TRUE(file.Close());
  }
  EXPECT_EQ(Problems(path), "");
  EXPECT_EQ(TsharkRecords(path, "").size(), flows.size());
  EXPECT_EQ(TsharkRecords(path, ""), Expected(flows));
  if (!test::HaveTool("ipfixDump")) {
    std::printf("ipfixDump not installed: skipped that check\n");
    return;
  }
  int status = -1;
  std::string dump = RunCommand("ipfixDump --in '" + path + "' --out -", &status);
  EXPECT_EQ(status, 0);
  size_t records = 0;
  for (const auto& line : Split(dump, '\n')) {
    if (line.find("--- data record") != std::string::npos) ++records;
  }
  EXPECT_EQ(records, flows.size());
}

}  // namespace
}  // namespace vantage::wire
