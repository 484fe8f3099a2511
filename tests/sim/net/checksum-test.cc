// Checksums of captured packets: filled in by the taps (ns-3's own checksums stay off), so
// every IPv4 header and every complete TCP/UDP/ICMP packet in a run's pcap must verify.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <vector>

#include "observation/ip-checksums.h"
#include "test-topologies.h"
#include "vantage/sim/simulation.h"

namespace vantage::sim {
namespace {

namespace fs = std::filesystem;

TEST(IpChecksums, KnownIpv4Header) {
  // RFC 1071 example header (a UDP datagram of 115 bytes), checksum 0xb861.
  std::vector<uint8_t> p = {0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11,
                            0x00, 0x00, 0xc0, 0xa8, 0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7};
  p.resize(0x73, 0);
  p[20 + 4] = 0;  // UDP length 95
  p[20 + 5] = 95;
  FillIpv4Checksums(p.data(), p.size());
  EXPECT_EQ(p[10], 0xb8);
  EXPECT_EQ(p[11], 0x61);
  // The UDP checksum verifies: pseudo header + segment sum to 0xffff.
  uint32_t sum = OnesComplementSum(p.data() + 12, 8) + 17 + 95;
  EXPECT_EQ(FinishChecksum(OnesComplementSum(p.data() + 20, 95, sum)), 0);
}

TEST(IpChecksums, ShortOrForeignPacketsAreLeftAlone) {
  std::vector<uint8_t> v6(60, 0);
  v6[0] = 0x60;
  auto copy = v6;
  FillIpv4Checksums(v6.data(), v6.size());
  EXPECT_EQ(v6, copy);
  std::vector<uint8_t> cut = {0x45, 0, 0, 100, 0, 0, 0, 0, 64, 6};  // claims 100 bytes, has 10
  copy = cut;
  FillIpv4Checksums(cut.data(), cut.size());
  EXPECT_EQ(cut, copy);
}

uint32_t Le32(const std::vector<uint8_t>& b, size_t at) {
  return b[at] | b[at + 1] << 8 | b[at + 2] << 16 | static_cast<uint32_t>(b[at + 3]) << 24;
}

TEST(IpChecksums, EveryCapturedPacketOfARunVerifies) {
  const fs::path dir =
      fs::temp_directory_path() / ("vantage-sim-cksum-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  RunOptions o;
  o.outDir = dir.string();
  o.snapLength = 65535;  // whole packets, so that transport checksums can be checked too
  auto res = RunSimulation(test::RunTopology(), test::RunScenario(), o);
  ASSERT_TRUE(res) << res.GetError().message;
  std::ifstream in(dir / "points/core-rtr.pcap", std::ios::binary);
  std::vector<uint8_t> b((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  ASSERT_GT(b.size(), 24u);
  size_t at = 24, packets = 0, transport = 0;
  while (at + 16 <= b.size()) {
    const uint32_t cap = Le32(b, at + 8), len = Le32(b, at + 12);
    ASSERT_LE(at + 16 + cap, b.size());
    const uint8_t* p = b.data() + at + 16;
    ASSERT_GE(cap, 20u);
    const size_t ihl = (p[0] & 0x0f) * 4u;
    EXPECT_EQ(FinishChecksum(OnesComplementSum(p, ihl)), 0) << "packet " << packets;
    const uint8_t proto = p[9];
    const size_t total = static_cast<size_t>(p[2] << 8 | p[3]);
    if (cap == len && total == cap && (proto == 6 || proto == 17)) {
      uint32_t sum = OnesComplementSum(p + 12, 8) + proto + static_cast<uint32_t>(total - ihl);
      EXPECT_EQ(FinishChecksum(OnesComplementSum(p + ihl, total - ihl, sum)), 0)
          << "packet " << packets;
      ++transport;
    }
    ++packets;
    at += 16 + cap;
  }
  EXPECT_GT(packets, 10u);
  EXPECT_GT(transport, 10u);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace vantage::sim
