// The export packet loop (packet-pump.h) on small pcaps built by the test: every packet is
// metered and every flow exported at the end, full capture beside flows, a truncated input
// still exports what came before it, progress and Stop().
#include "vantage/exporter/packet-pump.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "packet-builder.h"
#include "vantage/test/temp-dir.h"

namespace vantage::exporter {
namespace {

namespace fs = std::filesystem;
using testing::BuildFrame;
using testing::PacketSpec;
using testing::PcapFileWriter;

using test::TempDir;

// `flows` flows (distinct source ports) of `perFlow` packets each, one second apart.
void WritePcap(const std::string& path, int flows, int perFlow) {
  PcapFileWriter w(path, LinkType::kEthernet);
  ASSERT_TRUE(w.Ok());
  std::vector<std::vector<uint8_t>> frames;
  for (int f = 0; f < flows; ++f) {
    PacketSpec s;
    s.protocol = static_cast<uint8_t>(f % 2 ? 17 : 6);
    s.srcPort = static_cast<uint16_t>(1000 + f);
    s.payload = 100;
    frames.push_back(BuildFrame(s));
  }
  int64_t i = 0;
  for (int p = 0; p < perFlow; ++p) {
    for (const auto& frame : frames) w.Add(core::Timestamp::FromSeconds(1000 + i++ / 1000), frame);
  }
}

// A job whose export messages land in `messages`.
ExportJob CallbackJob(const std::string& input, std::vector<std::vector<uint8_t>>& messages) {
  ExportJob job;
  job.readFile = input;
  Destination d;
  d.kind = Destination::Kind::kCallback;
  d.callback = [&messages](const std::vector<uint8_t>& m) { messages.push_back(m); };
  job.config.destinations.push_back(d);
  job.config.udpRateLimitPps = 0;
  return job;
}

TEST(PacketPump, MetersEveryPacketAndExportsEveryFlowWithCapture) {
  TempDir t("pump");
  WritePcap(t.File("in.pcap"), 5, 3);
  std::vector<std::vector<uint8_t>> messages;
  ExportJob job = CallbackJob(t.File("in.pcap"), messages);
  CaptureConfig cc;
  cc.path = t.File("full.pcap");
  job.capture = cc;
  PacketPump pump(job);
  EXPECT_EQ(pump.InputName(), t.File("in.pcap"));
  ASSERT_TRUE(pump.Open()) << pump.Open().GetError().message;
  int progressCalls = 0;
  ExportSummary s = pump.Run([&](const ExportProgress&) { ++progressCalls; });
  EXPECT_FALSE(s.inputError);
  EXPECT_EQ(s.stats.packets, 15u);
  EXPECT_EQ(s.stats.flowsExported, 5u);
  EXPECT_GT(s.stats.messages, 0u);
  EXPECT_FALSE(messages.empty());
  EXPECT_EQ(s.capturedPackets, 15u);
  EXPECT_EQ(s.captureFiles, 1u);
  EXPECT_TRUE(fs::exists(t.File("full.pcap")));
  EXPECT_EQ(progressCalls, 0);  // fewer than 65536 packets
  EXPECT_FALSE(s.progressReported);
}

TEST(PacketPump, TruncatedInputStillExportsWhatCameBefore) {
  TempDir t("pump");
  WritePcap(t.File("cut.pcap"), 3, 1);
  fs::resize_file(t.File("cut.pcap"), fs::file_size(t.File("cut.pcap")) - 20);
  std::vector<std::vector<uint8_t>> messages;
  PacketPump pump(CallbackJob(t.File("cut.pcap"), messages));
  ASSERT_TRUE(pump.Open());
  ExportSummary s = pump.Run(nullptr);
  ASSERT_TRUE(s.inputError);
  EXPECT_NE(s.inputError->message.find("cut.pcap"), std::string::npos) << s.inputError->message;
  EXPECT_EQ(s.stats.packets, 2u);
  EXPECT_EQ(s.stats.flowsExported, 2u);
}

TEST(PacketPump, OpenNamesAMissingFile) {
  std::vector<std::vector<uint8_t>> messages;
  PacketPump pump(CallbackJob("/nonexistent/vantage-in.pcap", messages));
  auto st = pump.Open();
  ASSERT_FALSE(st);
  EXPECT_NE(st.GetError().message.find("vantage-in.pcap"), std::string::npos);
}

TEST(PacketPump, ReportsProgressAndStops) {
  TempDir t("pump");
  WritePcap(t.File("big.pcap"), 2, 65536);  // 131072 packets: two progress checks
  std::vector<std::vector<uint8_t>> messages;
  ExportJob job = CallbackJob(t.File("big.pcap"), messages);
  job.progressEvery = std::chrono::milliseconds(0);
  PacketPump pump(job);
  ASSERT_TRUE(pump.Open());
  std::vector<ExportProgress> seen;
  ExportSummary s = pump.Run([&](const ExportProgress& p) {
    seen.push_back(p);
    pump.Stop();  // as a signal handler would: the loop ends after this packet
  });
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].packets, 65536u);
  EXPECT_EQ(seen[0].activeFlows, 2u);
  EXPECT_TRUE(s.progressReported);
  EXPECT_EQ(s.stats.packets, 65536u);  // stopped: the rest of the file is not read
  EXPECT_EQ(s.stats.flowsExported, 2u);
}

}  // namespace
}  // namespace vantage::exporter
