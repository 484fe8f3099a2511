// pcap input errors (naming file and offset) and full capture: snap length, BPF, rotation.
#include "vantage/exporter/pcap-io.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "packet-builder.h"
#include "vantage/test/temp-dir.h"

namespace vantage::exporter {
namespace {

namespace fs = std::filesystem;
using testing::BuildFrame;
using testing::PacketSpec;
using testing::PcapFileWriter;

void WriteSample(const std::string& path, int n) {
  PcapFileWriter w(path, LinkType::kEthernet);
  ASSERT_TRUE(w.Ok());
  for (int i = 0; i < n; ++i) {
    PacketSpec s;
    s.protocol = static_cast<uint8_t>(i % 2 ? 17 : 6);
    s.srcPort = static_cast<uint16_t>(1000 + i);
    s.payload = 100;
    w.Add(core::Timestamp::FromSeconds(1000 + i), BuildFrame(s));
  }
}

int CountPackets(const std::string& path, size_t* maxCap = nullptr) {
  PcapSource src;
  if (!src.OpenFile(path).Ok()) return -1;
  PcapPacket p;
  int n = 0;
  while (src.Next(p) == PcapSource::NextResult::kPacket) {
    ++n;
    if (maxCap && p.capLen > *maxCap) *maxCap = p.capLen;
  }
  return n;
}

TEST(PcapSource, ReadsPacketsWithTimestamps) {
  test::TempDir t("pcapio");
  WriteSample(t.File("a.pcap"), 5);
  PcapSource src;
  ASSERT_TRUE(src.OpenFile(t.File("a.pcap")).Ok());
  EXPECT_EQ(src.Link(), LinkType::kEthernet);
  PcapPacket p;
  ASSERT_EQ(src.Next(p), PcapSource::NextResult::kPacket);
  EXPECT_EQ(p.ts, core::Timestamp::FromSeconds(1000));
  EXPECT_EQ(p.capLen, p.wireLen);
  int n = 1;
  while (src.Next(p) == PcapSource::NextResult::kPacket) ++n;
  EXPECT_EQ(n, 5);
}

TEST(PcapSource, TruncatedFileNamesFileAndOffset) {
  test::TempDir t("pcapio");
  std::string path = t.File("cut.pcap");
  WriteSample(path, 3);
  auto size = fs::file_size(path);
  fs::resize_file(path, size - 20);
  PcapSource src;
  ASSERT_TRUE(src.OpenFile(path).Ok());
  PcapPacket p;
  int n = 0;
  PcapSource::NextResult r;
  while ((r = src.Next(p)) == PcapSource::NextResult::kPacket) ++n;
  EXPECT_EQ(n, 2);
  ASSERT_EQ(r, PcapSource::NextResult::kError);
  const std::string& msg = src.GetError().message;
  EXPECT_NE(msg.find("cut.pcap"), std::string::npos) << msg;
  // Third record starts after the 24-byte header and records of 16 + 154 (TCP) and 16 + 142 (UDP)
  // bytes.
  EXPECT_NE(msg.find("offset 352"), std::string::npos) << msg;
  EXPECT_EQ(src.GetError().offset, 352u);
}

TEST(PcapSource, WrongMagicIsRefused) {
  test::TempDir t("pcapio");
  std::string path = t.File("bad.pcap");
  {
    std::ofstream f(path, std::ios::binary);
    f << "NOT A PCAP FILE AT ALL, JUST TEXT";
  }
  PcapSource src;
  auto st = src.OpenFile(path);
  ASSERT_FALSE(st.Ok());
  EXPECT_NE(st.GetError().message.find("bad.pcap"), std::string::npos);
  EXPECT_NE(st.GetError().message.find("magic 0x4e4f5420"), std::string::npos)
      << st.GetError().message;
  EXPECT_FALSE(src.OpenFile(t.File("missing.pcap")).Ok());
}

TEST(PcapSource, CaptureLengthLargerThanWireLengthIsAnError) {
  test::TempDir t("pcapio");
  std::string path = t.File("long.pcap");
  {
    pcap_t* dead = pcap_open_dead(1, 65535);
    pcap_dumper_t* d = pcap_dump_open(dead, path.c_str());
    auto frame = BuildFrame(PacketSpec{});
    pcap_pkthdr h{};
    h.caplen = static_cast<bpf_u_int32>(frame.size());
    h.len = h.caplen;
    pcap_dump(reinterpret_cast<u_char*>(d), &h, frame.data());
    h.len = h.caplen - 10;  // claims fewer bytes on the wire than captured
    pcap_dump(reinterpret_cast<u_char*>(d), &h, frame.data());
    pcap_dump_close(d);
    pcap_close(dead);
  }
  PcapSource src;
  ASSERT_TRUE(src.OpenFile(path).Ok());
  PcapPacket p;
  EXPECT_EQ(src.Next(p), PcapSource::NextResult::kPacket);
  ASSERT_EQ(src.Next(p), PcapSource::NextResult::kError);
  EXPECT_NE(src.GetError().message.find("packet 2"), std::string::npos) << src.GetError().message;
  EXPECT_NE(src.GetError().message.find("offset 94"), std::string::npos) << src.GetError().message;
}

// A classic pcap written by hand in either byte order and timestamp precision: the block
// reader must give what libpcap would.
void WriteHandMade(const std::string& path, bool bigEndian, bool nanos,
                   const std::vector<uint8_t>& frame, size_t cutTail = 0) {
  std::vector<uint8_t> bytes;
  auto put32 = [&](uint32_t v) {
    for (int i = 0; i < 4; ++i) {
      int shift = bigEndian ? 24 - 8 * i : 8 * i;
      bytes.push_back(static_cast<uint8_t>(v >> shift));
    }
  };
  auto put16 = [&](uint16_t v) {
    bytes.push_back(static_cast<uint8_t>(bigEndian ? v >> 8 : v));
    bytes.push_back(static_cast<uint8_t>(bigEndian ? v : v >> 8));
  };
  put32(nanos ? 0xa1b23c4d : 0xa1b2c3d4);
  put16(2);
  put16(4);
  put32(0);
  put32(0);
  put32(65535);
  put32(1);  // Ethernet
  for (uint32_t i = 0; i < 3; ++i) {
    put32(1700000000 + i);
    put32(nanos ? 123456789 : 123456);
    put32(static_cast<uint32_t>(frame.size()));
    put32(static_cast<uint32_t>(frame.size()));
    bytes.insert(bytes.end(), frame.begin(), frame.end());
  }
  bytes.resize(bytes.size() - cutTail);
  std::ofstream(path, std::ios::binary)
      .write(reinterpret_cast<const char*>(bytes.data()),
             static_cast<std::streamsize>(bytes.size()));
}

TEST(PcapSource, ReadsBothByteOrdersAndPrecisions) {
  test::TempDir t("pcapio");
  const auto frame = BuildFrame(PacketSpec{});
  for (bool bigEndian : {false, true}) {
    for (bool nanos : {false, true}) {
      std::string path =
          t.File(std::string("h-") + (bigEndian ? "be" : "le") + (nanos ? "-ns" : "-us") + ".pcap");
      WriteHandMade(path, bigEndian, nanos, frame);
      PcapSource src;
      ASSERT_TRUE(src.OpenFile(path).Ok()) << path;
      PcapPacket p;
      for (int i = 0; i < 3; ++i) {
        ASSERT_EQ(src.Next(p), PcapSource::NextResult::kPacket) << path;
        EXPECT_EQ(p.ts.ns, (1700000000LL + i) * 1000000000LL + (nanos ? 123456789 : 123456000))
            << path;
        ASSERT_EQ(p.capLen, frame.size());
        EXPECT_EQ(std::vector<uint8_t>(p.data, p.data + p.capLen), frame);
      }
      EXPECT_EQ(src.Next(p), PcapSource::NextResult::kEnd) << path;
    }
  }
}

TEST(PcapSource, CutRecordHeaderNamesPacketAndOffset) {
  test::TempDir t("pcapio");
  const auto frame = BuildFrame(PacketSpec{});
  std::string path = t.File("cut-header.pcap");
  // Leave 6 of the third record's 16 header bytes.
  WriteHandMade(path, false, false, frame, frame.size() + 10);
  PcapSource src;
  ASSERT_TRUE(src.OpenFile(path).Ok());
  PcapPacket p;
  EXPECT_EQ(src.Next(p), PcapSource::NextResult::kPacket);
  EXPECT_EQ(src.Next(p), PcapSource::NextResult::kPacket);
  ASSERT_EQ(src.Next(p), PcapSource::NextResult::kError);
  const std::string& msg = src.GetError().message;
  const size_t offset = 24 + 2 * (16 + frame.size());
  EXPECT_NE(msg.find("packet 3"), std::string::npos) << msg;
  EXPECT_NE(msg.find("offset " + std::to_string(offset)), std::string::npos) << msg;
  EXPECT_NE(msg.find("only got 6"), std::string::npos) << msg;
  EXPECT_EQ(src.GetError().offset, offset);
}

TEST(PcapSource, MissingInterface) {
  PcapSource src;
  auto st = src.OpenLive("no-such-iface0");
  ASSERT_FALSE(st.Ok());
  EXPECT_NE(st.GetError().message.find("no-such-iface0"), std::string::npos);
}

TEST(CaptureWriter, FilterAndSnapLength) {
  test::TempDir t("pcapio");
  CaptureConfig cfg;
  cfg.path = t.File("cap.pcap");
  cfg.snapLength = 64;
  cfg.filter = "udp";
  CaptureWriter w;
  ASSERT_TRUE(w.Open(cfg, 1).Ok());
  for (int i = 0; i < 10; ++i) {
    PacketSpec s;
    s.protocol = static_cast<uint8_t>(i % 2 ? 17 : 6);
    s.payload = 200;
    auto f = BuildFrame(s);
    w.Write(core::Timestamp::FromSeconds(i), f.data(), f.size(), f.size());
  }
  w.Close();
  EXPECT_EQ(w.PacketsWritten(), 5u);
  size_t maxCap = 0;
  EXPECT_EQ(CountPackets(cfg.path, &maxCap), 5);
  EXPECT_EQ(maxCap, 64u);
  CaptureConfig bad = cfg;
  bad.filter = "this is not bpf";
  CaptureWriter w2;
  EXPECT_FALSE(w2.Open(bad, 1).Ok());
}

TEST(CaptureWriter, RotatesBySizeAndTime) {
  test::TempDir t("pcapio");
  {
    CaptureConfig cfg;
    cfg.path = t.File("size.pcap");
    cfg.rotateBytes = 1000;
    CaptureWriter w;
    ASSERT_TRUE(w.Open(cfg, 1).Ok());
    for (int i = 0; i < 20; ++i) {
      PacketSpec s;
      s.payload = 100;
      auto f = BuildFrame(s);  // 154 bytes + 16 header
      w.Write(core::Timestamp::FromSeconds(i), f.data(), f.size(), f.size());
    }
    w.Close();
    EXPECT_GT(w.FilesWritten(), 3u);
    int total = 0;
    for (uint64_t k = 0; k < w.FilesWritten(); ++k) {
      std::string name = w.FileName(k);
      EXPECT_LE(fs::file_size(name), 1000u);
      total += CountPackets(name);
    }
    EXPECT_EQ(total, 20);
    EXPECT_NE(w.FileName(1).find("size-000001.pcap"), std::string::npos);
  }
  {
    CaptureConfig cfg;
    cfg.path = t.File("time.pcap");
    cfg.rotateTime = core::Duration::Seconds(10);
    CaptureWriter w;
    ASSERT_TRUE(w.Open(cfg, 1).Ok());
    for (int i = 0; i < 30; ++i) {
      auto f = BuildFrame(PacketSpec{});
      w.Write(core::Timestamp::FromSeconds(100 + i), f.data(), f.size(), f.size());
    }
    w.Close();
    ASSERT_EQ(w.FilesWritten(), 3u);
    for (uint64_t k = 0; k < 3; ++k) EXPECT_EQ(CountPackets(w.FileName(k)), 10);
  }
}

}  // namespace
}  // namespace vantage::exporter
