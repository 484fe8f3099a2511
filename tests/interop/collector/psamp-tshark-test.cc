// Interop: the sampled packet headers of issue 17, decoded by our collector and by tshark from
// the same datagrams (written to a pcap here, loopback addresses only). For every frame
// section tshark dissects, addresses, ports, protocol, ToS, TCP flags, VLAN and the bottom
// MPLS label must agree. Skips when tshark is missing.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "../../unit/collector/psamp-datagrams.h"
#include "vantage/collector/collecting-process.h"

namespace vantage::collector {
namespace {

namespace fs = std::filesystem;
using test::Bytes;

bool HaveTshark() {
  return access("/usr/bin/tshark", X_OK) == 0;
}

// A pcap (LINKTYPE_RAW) with one IPv4/UDP packet 127.0.0.1:50000 > 127.0.0.1:4739 per datagram.
void WritePcap(const fs::path& path, const std::vector<Bytes>& datagrams) {
  Bytes f;
  auto le32 = [&f](uint32_t v) {
    for (int i = 0; i < 4; ++i) f.push_back(static_cast<uint8_t>(v >> (8 * i)));
  };
  le32(0xa1b2c3d4);
  f.insert(f.end(), {2, 0, 4, 0});
  le32(0);
  le32(0);
  le32(65535);
  le32(101);
  for (const auto& d : datagrams) {
    Bytes ip = {0x45, 0};
    test::wt::Put16(ip, static_cast<uint16_t>(28 + d.size()));
    ip.insert(ip.end(), {0, 0, 0, 0, 64, 17, 0, 0, 127, 0, 0, 1, 127, 0, 0, 1});
    test::wt::Put16(ip, 50000);
    test::wt::Put16(ip, 4739);
    test::wt::Put16(ip, static_cast<uint16_t>(8 + d.size()));
    test::wt::Put16(ip, 0);
    test::wt::Append(ip, d);
    le32(1700000000);
    le32(0);
    le32(static_cast<uint32_t>(ip.size()));
    le32(static_cast<uint32_t>(ip.size()));
    test::wt::Append(f, ip);
  }
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char*>(f.data()), static_cast<std::streamsize>(f.size()));
}

// tshark's last occurrence of each field (the sampled packet's, after the outer UDP/IP), one
// line per pcap packet.
std::vector<std::vector<std::string>> Tshark(const fs::path& pcap,
                                             const std::vector<std::string>& fields) {
  std::string cmd = "tshark -n -r " + pcap.string() +
                    " -d udp.port==4739,cflow -T fields -E separator='|' -E occurrence=l";
  for (const auto& f : fields) cmd += " -e " + f;
  cmd += " 2>/dev/null";
  std::unique_ptr<FILE, int (*)(FILE*)> p(popen(cmd.c_str(), "r"), pclose);
  std::vector<std::vector<std::string>> rows;
  char line[4096];
  while (p && fgets(line, sizeof line, p.get())) {
    std::string s(line);
    if (!s.empty() && s.back() == '\n') s.pop_back();
    std::vector<std::string> row;
    std::stringstream ss(s);
    std::string cell;
    while (std::getline(ss, cell, '|')) row.push_back(cell);
    row.resize(fields.size());
    rows.push_back(row);
  }
  return rows;
}

struct Case {
  const char* name;
  Bytes frame;
};

std::vector<Case> Cases() {
  return {{"ethernet-ipv4-tcp", test::EthIpv4Tcp()},
          {"vlan-ipv4-udp", test::VlanIpv4Udp()},
          {"ipv6-srv6-tcp", test::Ipv6Srv6Tcp()},
          {"mpls-ipv4-tcp", test::MplsIpv4Tcp()},
          {"mpls-pseudowire-control-word", test::MplsPseudowireTcp()}};
}

// One message per case: the template and one record holding the frame.
// The record's ingressInterface is 100 + the case's index, to match records to cases.
Bytes CaseMessage(const Bytes& frame, uint32_t index) {
  return test::wt::IpfixMessage(
      1, index,
      {test::FrameTemplateSet(),
       test::wt::Set(test::kFrameTemplate, test::FrameRecord(frame, 100 + index))});
}

std::string Hex(unsigned v) {
  char b[16];
  std::snprintf(b, sizeof b, "0x%02x", v);
  return b;
}

TEST(PsampTshark, FrameSectionsDecodeAsTsharkDecodesThem) {
  if (!HaveTshark()) GTEST_SKIP() << "tshark not installed";
  const auto cases = Cases();
  std::vector<Bytes> datagrams;
  for (size_t i = 0; i < cases.size(); ++i) {
    datagrams.push_back(CaseMessage(cases[i].frame, static_cast<uint32_t>(i)));
  }
  const fs::path pcap =
      fs::temp_directory_path() / ("vantage-psamp-" + std::to_string(getpid()) + ".pcap");
  WritePcap(pcap, datagrams);
  const std::vector<std::string> fields = {
      "ip.src",      "ip.dst",      "ipv6.src",   "ipv6.dst",  "tcp.srcport", "tcp.dstport",
      "udp.srcport", "udp.dstport", "ip.dsfield", "tcp.flags", "vlan.id",     "mpls.label"};
  const auto rows = Tshark(pcap, fields);
  fs::remove(pcap);
  ASSERT_EQ(rows.size(), cases.size());

  std::vector<core::FlowRecord> ours(cases.size());
  CollectingProcess cp(nullptr);
  cp.SetRecordCallback([&](const core::FlowRecord& r) {
    const size_t i = r.key.ingressInterface - 100;
    if (i < ours.size()) ours[i] = r;
  });
  for (const auto& d : datagrams) {
    cp.OnDatagram(core::IpAddress::V4(0x7f000001), 50000, d.data(), d.size(),
                  core::Timestamp::FromSeconds(1700000000));
  }
  cp.Flush();
  size_t compared = 0;
  for (size_t i = 0; i < cases.size(); ++i) {
    SCOPED_TRACE(cases[i].name);
    const auto& t = rows[i];
    const auto& r = ours[i];
    const bool v6 = r.key.src.family == 6;
    const std::string tsSrc = v6 ? t[2] : t[0], tsDst = v6 ? t[3] : t[1];
    if (tsSrc == "127.0.0.1") continue;  // tshark did not dissect this section
    ++compared;
    EXPECT_EQ(r.key.src.ToString(), tsSrc);
    EXPECT_EQ(r.key.dst.ToString(), tsDst);
    const bool tcp = r.key.protocol == 6;
    EXPECT_EQ(std::to_string(r.key.srcPort), tcp ? t[4] : t[6]);
    EXPECT_EQ(std::to_string(r.key.dstPort), tcp ? t[5] : t[7]);
    if (!v6) {
      EXPECT_EQ(Hex(r.key.tos), t[8]);
    }
    if (tcp) {
      EXPECT_EQ(std::stoul(t[9], nullptr, 16), r.tcpFlags);
    }
    EXPECT_EQ(r.key.vlan == 0 ? "" : std::to_string(r.key.vlan), t[10]);
    const auto& e = r.encap;
    EXPECT_EQ(e.mplsLabelCount == 0 ? "" : std::to_string(e.mplsLabels[e.mplsLabelCount - 1u] >> 4),
              t[11]);  // the bottom label
  }
  EXPECT_GE(compared, 4u);
}

// Sampler options (v9 and PSAMP) and an unmapped element, read by tshark and by us: the rate we
// store is the one tshark shows, and the raw element holds the value tshark decodes.
TEST(PsampTshark, SamplerOptionsAndRawElementsAgreeWithTshark) {
  if (!HaveTshark()) GTEST_SKIP() << "tshark not installed";
  const std::vector<Bytes> datagrams = {test::V9SamplerPacket(64),
                                        test::OptionsThenDataMessage(5, 100),
                                        test::UnknownElementsMessage()};
  const fs::path pcap =
      fs::temp_directory_path() / ("vantage-psamp-opt-" + std::to_string(getpid()) + ".pcap");
  WritePcap(pcap, datagrams);
  const auto rows = Tshark(
      pcap, {"cflow.sampler_random_interval", "cflow.sampler_id", "cflow.sampling_packet_interval",
             "cflow.sampling_packet_space", "cflow.selector_id", "cflow.direction"});
  fs::remove(pcap);
  ASSERT_EQ(rows.size(), 3u);
  std::vector<core::FlowRecord> ours;
  CollectingProcess cp(nullptr);
  cp.SetRecordCallback([&](const core::FlowRecord& r) { ours.push_back(r); });
  for (const auto& d : datagrams) {
    cp.OnDatagram(core::IpAddress::V4(0x7f000001), 50000, d.data(), d.size(),
                  core::Timestamp::FromSeconds(1700000000));
  }
  cp.Flush();
  ASSERT_EQ(ours.size(), 3u);
  // v9: FLOW_SAMPLER_RANDOM_INTERVAL of the options record, FLOW_SAMPLER_ID of the data record.
  EXPECT_EQ(std::to_string(ours[0].samplingInterval), rows[0][0]);
  EXPECT_EQ(std::to_string(ours[0].selectorId), rows[0][1]);
  // PSAMP: (interval + space) / interval of the selector report; the record's selector id.
  const auto interval = std::stoul(rows[1][2]), space = std::stoul(rows[1][3]);
  EXPECT_EQ(ours[1].samplingInterval, (interval + space) / interval);
  EXPECT_EQ(std::to_string(ours[1].selectorId), rows[1][4]);
  // flowDirection has no column: kept raw, with the value tshark shows.
  ASSERT_FALSE(ours[2].rawElements.empty());
  EXPECT_EQ(ours[2].rawElements[0].id, wire::ie::kFlowDirection);
  ASSERT_EQ(ours[2].rawElements[0].bytes.size(), 1u);
  EXPECT_EQ(std::to_string(ours[2].rawElements[0].bytes[0]), rows[2][5]);
}

}  // namespace
}  // namespace vantage::collector
