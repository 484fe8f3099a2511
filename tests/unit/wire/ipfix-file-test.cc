// IPFIX files (RFC 5655): write, read back, and report a broken tail with its offset.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>

#include "test-util.h"
#include "vantage/wire/ipfix/file.h"
#include "vantage/wire/ipfix/message-reader.h"
#include "vantage/wire/ipfix/message-writer.h"

namespace vantage::wire::ipfix {
namespace {

class TempDir {
 public:
  TempDir() {
    std::random_device rd;
    m_path = std::filesystem::temp_directory_path() /
             ("vantage-wire-" + std::to_string(rd()) + std::to_string(rd()));
    std::filesystem::create_directories(m_path);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(m_path, ec);
  }
  std::string File(const std::string& name) const { return (m_path / name).string(); }

 private:
  std::filesystem::path m_path;
};

TEST(IpfixFileTest, WriteThenReadEveryRecord) {
  TempDir dir;
  const std::string path = dir.File("flows.ipfix");
  std::mt19937_64 rng(11);
  std::vector<core::FlowRecord> flows;
  {
    FileWriter out;
    ASSERT_TRUE(out.Open(path));
    WriterConfig cfg;
    cfg.observationDomain = 5;
    cfg.maxMessageSize = 1000;
    MessageWriter w(cfg, [&](std::vector<uint8_t> m) { ASSERT_TRUE(out.Write(m)); });
    FlowTemplateOptions o;
    o.ipv6 = true;
    ASSERT_TRUE(w.AddTemplate(MakeFlowTemplate(256, o)));
    for (int i = 0; i < 100; ++i) {
      flows.push_back(test::RandomRecord(rng, o));
      ASSERT_TRUE(w.AddFlowRecord(256, flows.back()));
    }
    w.Flush();
    EXPECT_EQ(out.MessagesWritten(), w.MessagesSent());
    EXPECT_EQ(out.BytesWritten(), w.OctetsSent());
    ASSERT_TRUE(out.Close());
  }
  EXPECT_EQ(std::filesystem::file_size(path), [&] {
    FileReader in;
    EXPECT_TRUE(in.Open(path));
    size_t n = 0;
    while (auto m = in.Next()) {
      EXPECT_TRUE(*m);
      n += (*m)->Size();
    }
    return n;
  }());
  FileReader in;
  ASSERT_TRUE(in.Open(path));
  Session s;
  test::RecordingHandler h;
  while (auto m = in.Next()) {
    ASSERT_TRUE(*m) << (*m).GetError().ToString();
    ASSERT_TRUE(s.Decode(**m, h));
  }
  ASSERT_EQ(h.flows.size(), flows.size());
  for (size_t i = 0; i < flows.size(); ++i) {
    EXPECT_EQ(h.flows[i].ToCanonicalString(), flows[i].ToCanonicalString());
  }
  EXPECT_EQ(h.messages.back().offset + h.messages.size() * 0, h.messages.back().offset);
  EXPECT_GT(h.messages.back().offset, 0u);  // offsets are file offsets
}

TEST(IpfixFileTest, BrokenTailIsAnErrorWithOffsetAndFileName) {
  std::vector<uint8_t> bytes = test::Hex("000a 0014 00000000 00000000 00000001 0002 0004");
  bytes.insert(bytes.end(), {0x00, 0x0a, 0x00, 0x40, 0x00});  // announces 64, has 5
  FileReader in;
  in.OpenBytes(bytes);
  auto first = in.Next();
  ASSERT_TRUE(first && *first);
  auto second = in.Next();
  ASSERT_TRUE(second);
  ASSERT_FALSE(*second);
  EXPECT_EQ(second->GetError().offset, 20u);
  EXPECT_NE(second->GetError().message.find("<memory>"), std::string::npos);
  EXPECT_FALSE(in.Next());  // no endless error loop
}

TEST(IpfixFileTest, OpenMissingFileFails) {
  FileReader in;
  auto st = in.Open("/nonexistent/dir/flows.ipfix");
  ASSERT_FALSE(st);
  EXPECT_EQ(st.GetError().code, core::ErrorCode::kIo);
  FileWriter out;
  EXPECT_FALSE(out.Open("/nonexistent/dir/flows.ipfix"));
  EXPECT_FALSE(out.Write({1, 2, 3}));
}

}  // namespace
}  // namespace vantage::wire::ipfix
