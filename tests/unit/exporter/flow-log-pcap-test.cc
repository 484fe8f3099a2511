// MeterPcapFlowLog: a pcap metered as one provider interface (vantage export --flow-log).
#include "vantage/exporter/flow-log-pcap.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "packet-builder.h"

namespace vantage::exporter {
namespace {

namespace wfl = wire::flowlog;
using testing::BuildFrame;
using testing::PacketSpec;
using testing::PcapFileWriter;

constexpr int64_t kT0 = 1767600000LL * 1000000000LL;

std::string WriteCapture(const std::string& name) {
  const std::string path = (std::filesystem::temp_directory_path() / name).string();
  PcapFileWriter w(path, LinkType::kEthernet);
  PacketSpec out;  // 10.0.0.1:1234 -> 10.0.0.2:80
  out.tcpFlags = 0x02;
  PacketSpec in = out;
  in.src = "10.0.0.2";
  in.dst = "10.0.0.1";
  in.srcPort = 80;
  in.dstPort = 1234;
  in.tcpFlags = 0x12;
  PacketSpec meta = out;
  meta.dst = "169.254.169.254";
  w.Add(core::Timestamp::FromNanos(kT0 + 1000000000LL), BuildFrame(out));
  w.Add(core::Timestamp::FromNanos(kT0 + 1100000000LL), BuildFrame(in));
  w.Add(core::Timestamp::FromNanos(kT0 + 2000000000LL), BuildFrame(meta));
  w.Add(core::Timestamp::FromNanos(kT0 + 70000000000LL), BuildFrame(out));  // next minute
  return path;
}

TEST(FlowLogPcap, MetersTheCaptureAsOneInterface) {
  const std::string path = WriteCapture("vantage-flow-log-pcap.pcap");
  FlowLogPcapOptions o;
  o.settings = wfl::Settings::Defaults(wfl::Provider::kAws);
  o.settings.aggregationIntervalS = 60;
  o.interfaceAddress = *core::IpAddress::Parse("10.0.0.1");
  auto res = MeterPcapFlowLog(path, o);
  ASSERT_TRUE(res) << res.GetError().message;
  EXPECT_EQ(res->frames, 4u);
  EXPECT_EQ(res->stats.excludedPackets, 1u) << "instance metadata";
  ASSERT_EQ(res->records.size(), 3u);
  EXPECT_EQ(res->records[0].direction, wfl::Direction::kEgress);
  EXPECT_EQ(res->records[0].tcpFlags, 2);
  EXPECT_EQ(res->records[1].direction, wfl::Direction::kIngress);
  EXPECT_EQ(res->records[1].tcpFlags, 18);
  EXPECT_EQ(res->records[2].start.Seconds(), kT0 / 1000000000LL + 70);
  std::filesystem::remove(path);
}

TEST(FlowLogPcap, MissingFileIsAnErrorNamingIt) {
  FlowLogPcapOptions o;
  auto res = MeterPcapFlowLog("no-such-capture.pcap", o);
  ASSERT_FALSE(res);
  EXPECT_NE(res.GetError().message.find("no-such-capture.pcap"), std::string::npos);
}

}  // namespace
}  // namespace vantage::exporter
