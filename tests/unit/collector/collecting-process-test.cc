// The collecting process: template life cycle, out-of-order templates, withdrawal, options,
// loss accounting, v5/v9/IPFIX per datagram, and malformed input that never stops it.
#include "vantage/collector/collecting-process.h"

#include <gtest/gtest.h>

#include "test-util.h"
#include "vantage/wire/information-element.h"
#include "vantage/wire/v5/codec.h"

namespace vantage::collector {
namespace {

using test::MakeRecord;
using test::Sink;

const core::IpAddress kExporter = core::IpAddress::V4(0x7f000001);
const core::Timestamp kT0 = core::Timestamp::FromSeconds(1700000000);

struct Collected {
  std::vector<core::FlowRecord> records;
  std::unique_ptr<CollectingProcess> cp;
  explicit Collected(CollectorConfig cfg = {}) {
    cp = std::make_unique<CollectingProcess>(nullptr, cfg);
    cp->SetRecordCallback([this](const core::FlowRecord& r) { records.push_back(r); });
  }
  void Send(const std::vector<uint8_t>& m, core::Timestamp t = kT0, uint16_t port = 50000) {
    cp->OnDatagram(kExporter, port, m.data(), m.size(), t);
  }
};

wire::Template FlowTemplate(uint16_t id = 256) {
  return wire::MakeFlowTemplate(id, wire::FlowTemplateOptions{});
}

TEST(CollectingProcess, IpfixTemplateThenData) {
  Sink sink;
  wire::ipfix::MessageWriter w(test::IpfixCfg(7, 1400), sink.Fn());
  w.SetExportTime(1700000000);
  ASSERT_TRUE(w.AddTemplate(FlowTemplate()));
  for (uint32_t i = 0; i < 50; ++i) ASSERT_TRUE(w.AddFlowRecord(256, MakeRecord(i)));
  w.Flush();
  Collected c;
  for (const auto& m : sink.messages) c.Send(m);
  ASSERT_EQ(c.records.size(), 50u);
  for (uint32_t i = 0; i < 50; ++i) {
    const auto& got = c.records[i];
    auto want = MakeRecord(i);
    EXPECT_EQ(got.key.src, want.key.src);
    EXPECT_EQ(got.key.dst, want.key.dst);
    EXPECT_EQ(got.packets, want.packets);
    EXPECT_EQ(got.octets, want.octets);
    EXPECT_EQ(got.start, want.start);
    EXPECT_EQ(got.exporter, kExporter);
    EXPECT_EQ(got.observationDomain, 7u);
  }
  const auto& s = c.cp->Stats();
  EXPECT_EQ(s.records, 50u);
  EXPECT_EQ(s.templates, 1u);
  EXPECT_EQ(s.malformed, 0u);
  auto loss = c.cp->Loss();
  ASSERT_EQ(loss.size(), 1u);
  EXPECT_EQ(loss[0].version, 10);
  EXPECT_EQ(loss[0].observationDomain, 7u);
  EXPECT_EQ(loss[0].received, 50u);
  EXPECT_EQ(loss[0].lost, 0u);
}

TEST(CollectingProcess, DataBeforeTemplateIsHeldThenDecoded) {
  Sink sink;
  wire::ipfix::MessageWriter w(test::IpfixCfg(1), sink.Fn());
  ASSERT_TRUE(w.AddTemplate(FlowTemplate()));
  w.Flush();  // message 0: template only
  for (uint32_t i = 0; i < 5; ++i) ASSERT_TRUE(w.AddFlowRecord(256, MakeRecord(i)));
  w.Flush();  // message 1: data
  ASSERT_EQ(sink.messages.size(), 2u);
  Collected c;
  c.Send(sink.messages[1]);
  EXPECT_EQ(c.records.size(), 0u);
  c.Send(sink.messages[0], kT0 + core::Duration::Seconds(1));
  EXPECT_EQ(c.records.size(), 5u);
  EXPECT_EQ(c.cp->Stats().pendingReplayed, 1u);
  EXPECT_EQ(c.cp->Stats().droppedNoTemplate, 0u);
  auto loss = c.cp->Loss();
  ASSERT_EQ(loss.size(), 1u);
  EXPECT_EQ(loss[0].lost, 0u);
}

TEST(CollectingProcess, HeldDataExpiresAndIsCountedDropped) {
  Sink sink;
  wire::ipfix::MessageWriter w(test::IpfixCfg(1), sink.Fn());
  ASSERT_TRUE(w.AddTemplate(FlowTemplate()));
  w.Flush();
  ASSERT_TRUE(w.AddFlowRecord(256, MakeRecord(1)));
  w.Flush();
  CollectorConfig cfg;
  cfg.pendingMaxAge = core::Duration::Seconds(5);
  Collected c(cfg);
  c.Send(sink.messages[1]);
  c.cp->Tick(kT0 + core::Duration::Seconds(6));
  EXPECT_EQ(c.cp->Stats().droppedNoTemplate, 1u);
  c.Send(sink.messages[0], kT0 + core::Duration::Seconds(7));
  EXPECT_EQ(c.records.size(), 0u);
}

TEST(CollectingProcess, HeldDataBoundedBySize) {
  Sink sink;
  wire::ipfix::MessageWriter w(test::IpfixCfg(1), sink.Fn());
  ASSERT_TRUE(w.AddTemplate(FlowTemplate()));
  w.Flush();
  for (uint32_t i = 0; i < 100; ++i) ASSERT_TRUE(w.AddFlowRecord(256, MakeRecord(i)));
  w.Flush();
  ASSERT_GE(sink.messages.size(), 3u);
  CollectorConfig cfg;
  cfg.pendingMaxBytes = 1500;
  Collected c(cfg);
  for (size_t i = 1; i < sink.messages.size(); ++i) c.Send(sink.messages[i]);
  EXPECT_GT(c.cp->Stats().droppedNoTemplate, 0u);
  EXPECT_GT(c.cp->Stats().anomalies.Get("collector.pending_overflow"), 0u);
}

TEST(CollectingProcess, UdpTemplateLifetime) {
  Sink sink;
  wire::ipfix::MessageWriter w(test::IpfixCfg(1), sink.Fn());
  ASSERT_TRUE(w.AddTemplate(FlowTemplate()));
  ASSERT_TRUE(w.AddFlowRecord(256, MakeRecord(1)));
  w.Flush();
  ASSERT_TRUE(w.AddFlowRecord(256, MakeRecord(2)));
  w.Flush();
  CollectorConfig cfg;
  cfg.templateLifetime = core::Duration::Seconds(60);
  cfg.pendingMaxAge = core::Duration::Seconds(1);
  Collected c(cfg);
  c.Send(sink.messages[0]);
  EXPECT_EQ(c.records.size(), 1u);
  EXPECT_EQ(c.cp->TemplateCount(), 1u);
  c.Send(sink.messages[1], kT0 + core::Duration::Seconds(120));  // template expired first
  EXPECT_EQ(c.records.size(), 1u);
  EXPECT_EQ(c.cp->Stats().templatesExpired, 1u);
  c.cp->Flush();
  EXPECT_EQ(c.cp->Stats().droppedNoTemplate, 1u);
}

TEST(CollectingProcess, TcpWithdrawal) {
  Sink sink;
  wire::ipfix::MessageWriter w(test::IpfixCfg(3), sink.Fn());
  ASSERT_TRUE(w.AddTemplate(FlowTemplate()));
  ASSERT_TRUE(w.AddFlowRecord(256, MakeRecord(1)));
  w.Flush();
  w.WithdrawTemplate(256);
  w.Flush();
  Collected c;
  for (const auto& m : sink.messages) {
    c.cp->OnStreamMessage(1, kExporter, 4739, m.data(), m.size(), kT0);
  }
  EXPECT_EQ(c.records.size(), 1u);
  EXPECT_EQ(c.cp->Stats().templatesWithdrawn, 1u);
  EXPECT_EQ(c.cp->TemplateCount(), 0u);
  // Data for the withdrawn template is held, then dropped.
  Sink sink2;
  wire::ipfix::MessageWriter w2(test::IpfixCfg(3), sink2.Fn());
  ASSERT_TRUE(w2.AddTemplate(FlowTemplate()));
  w2.Flush();
  ASSERT_TRUE(w2.AddFlowRecord(256, MakeRecord(2)));
  w2.Flush();
  c.cp->OnStreamMessage(1, kExporter, 4739, sink2.messages[1].data(), sink2.messages[1].size(),
                        kT0);
  c.cp->OnStreamClosed(1);
  EXPECT_EQ(c.records.size(), 1u);
  EXPECT_EQ(c.cp->Stats().droppedNoTemplate, 1u);
  EXPECT_EQ(c.cp->SessionCount(), 0u);
}

TEST(CollectingProcess, TemplatesArePerTransportSession) {
  Sink sink;
  wire::ipfix::MessageWriter w(test::IpfixCfg(1), sink.Fn());
  ASSERT_TRUE(w.AddTemplate(FlowTemplate()));
  w.Flush();
  ASSERT_TRUE(w.AddFlowRecord(256, MakeRecord(1)));
  w.Flush();
  CollectorConfig cfg;
  cfg.pendingMaxAge = core::Duration::Seconds(1);
  Collected c(cfg);
  c.Send(sink.messages[0], kT0, 1000);
  c.Send(sink.messages[1], kT0, 2000);  // other port: other session, no template there
  EXPECT_EQ(c.records.size(), 0u);
  c.Send(sink.messages[1], kT0, 1000);
  EXPECT_EQ(c.records.size(), 1u);
  EXPECT_EQ(c.cp->SessionCount(), 2u);
}

TEST(CollectingProcess, OptionsSamplingAppliedAndRescaled) {
  wire::Template opt;
  opt.id = 300;
  opt.scopeFieldCount = 1;
  opt.fields = {{wire::ie::kObservationDomainId, 4, 0},
                {wire::ie::kSamplingPacketInterval, 4, 0},
                {wire::ie::kSamplingPacketSpace, 4, 0},
                {wire::ie::kExportedFlowRecordTotalCount, 8, 0}};
  Sink sink;
  wire::ipfix::MessageWriter w(test::IpfixCfg(1), sink.Fn());
  ASSERT_TRUE(w.AddTemplate(opt));
  ASSERT_TRUE(w.AddTemplate(FlowTemplate()));
  std::vector<wire::OptionValue> vals(4);
  for (size_t i = 0; i < 4; ++i) vals[i].spec = opt.fields[i];
  vals[0].value = 1;
  vals[1].value = 1;
  vals[2].value = 99;  // 1 in 100
  vals[3].value = 12345;
  ASSERT_TRUE(w.AddOptionsRecord(300, vals));
  ASSERT_TRUE(w.AddFlowRecord(256, MakeRecord(1)));
  w.Flush();
  {
    Collected c;
    for (const auto& m : sink.messages) c.Send(m);
    ASSERT_EQ(c.records.size(), 1u);
    EXPECT_EQ(c.records[0].samplingInterval, 100u);
    EXPECT_EQ(c.records[0].packets, MakeRecord(1).packets);
    auto opts = c.cp->Options();
    ASSERT_EQ(opts.size(), 1u);
    EXPECT_EQ(opts[0].samplingInterval, 100u);
    EXPECT_EQ(opts[0].exportedFlowRecords, 12345u);
    EXPECT_EQ(c.cp->Stats().optionsRecords, 1u);
  }
  {
    CollectorConfig cfg;
    cfg.rescaleSampling = true;
    Collected c(cfg);
    for (const auto& m : sink.messages) c.Send(m);
    ASSERT_EQ(c.records.size(), 1u);
    EXPECT_EQ(c.records[0].packets, MakeRecord(1).packets * 100);
    EXPECT_EQ(c.records[0].octets, MakeRecord(1).octets * 100);
  }
}

TEST(CollectingProcess, IpfixLossCountsRecords) {
  Sink sink;
  wire::ipfix::MessageWriter w(test::IpfixCfg(9, 500), sink.Fn());
  ASSERT_TRUE(w.AddTemplate(FlowTemplate()));
  for (uint32_t i = 0; i < 60; ++i) ASSERT_TRUE(w.AddFlowRecord(256, MakeRecord(i)));
  w.Flush();
  ASSERT_GE(sink.messages.size(), 4u);
  Collected c;
  // Drop message 2, swap 3 and 4 (reordering is not loss).
  size_t dropped = 0;
  std::vector<size_t> order;
  for (size_t i = 0; i < sink.messages.size(); ++i) order.push_back(i);
  std::swap(order[3], order[4 < order.size() ? 4 : 3]);
  for (size_t i : order) {
    if (i == 2) continue;
    c.Send(sink.messages[i]);
  }
  dropped = 60 - c.records.size();
  ASSERT_GT(dropped, 0u);
  auto loss = c.cp->Loss();
  ASSERT_EQ(loss.size(), 1u);
  EXPECT_EQ(loss[0].unit, std::string("records"));
  EXPECT_EQ(loss[0].lost, dropped);
  EXPECT_EQ(loss[0].received, c.records.size());
  EXPECT_EQ(loss[0].expected, 60u);
}

TEST(CollectingProcess, V9LossCountsMessages) {
  Sink sink;
  wire::v9::MessageWriter w(test::V9Cfg(5, 400), sink.Fn());
  w.SetClock(1700000000, 100000);
  auto t = wire::MakeFlowTemplate(260, test::SysUpTimeOpts());
  ASSERT_TRUE(w.AddTemplate(t));
  for (uint32_t i = 0; i < 40; ++i) ASSERT_TRUE(w.AddFlowRecord(260, MakeRecord(i)));
  w.Flush();
  ASSERT_GE(sink.messages.size(), 4u);
  Collected c;
  for (size_t i = 0; i < sink.messages.size(); ++i) {
    if (i == 1 || i == 2) continue;
    c.Send(sink.messages[i]);
  }
  auto loss = c.cp->Loss();
  ASSERT_EQ(loss.size(), 1u);
  EXPECT_EQ(loss[0].version, 9);
  EXPECT_EQ(loss[0].observationDomain, 5u);
  EXPECT_EQ(loss[0].unit, std::string("messages"));
  EXPECT_EQ(loss[0].lost, 2u);
  EXPECT_EQ(loss[0].received, sink.messages.size() - 2);
  ASSERT_FALSE(c.records.empty());
  EXPECT_EQ(c.records[0].packets, MakeRecord(0).packets);
  EXPECT_EQ(c.records[0].key.dst, MakeRecord(0).key.dst);
}

TEST(CollectingProcess, V5LossCountsFlows) {
  std::vector<std::vector<uint8_t>> pkts;
  uint32_t seq = 0;
  for (int p = 0; p < 4; ++p) {
    std::vector<core::FlowRecord> recs;
    for (uint32_t i = 0; i < 10; ++i) recs.push_back(MakeRecord(static_cast<uint32_t>(p) * 10 + i));
    wire::v5::Header h;
    h.unixSeconds = 1700000100;
    h.sysUpTimeMs = 200000;
    h.sequence = seq;
    h.engineId = 2;
    seq += 10;
    auto pkt = wire::v5::Encode(h, recs);
    ASSERT_TRUE(pkt) << pkt.GetError().message;
    pkts.push_back(*pkt);
  }
  Collected c;
  c.Send(pkts[0]);
  c.Send(pkts[2]);
  c.Send(pkts[3]);
  EXPECT_EQ(c.records.size(), 30u);
  auto loss = c.cp->Loss();
  ASSERT_EQ(loss.size(), 1u);
  EXPECT_EQ(loss[0].version, 5);
  EXPECT_EQ(loss[0].unit, std::string("flows"));
  EXPECT_EQ(loss[0].lost, 10u);
  EXPECT_EQ(loss[0].observationDomain, 2u);
  EXPECT_EQ(c.records[0].key.src, MakeRecord(0).key.src);
  EXPECT_EQ(c.records[0].octets, MakeRecord(0).octets);
}

TEST(CollectingProcess, VersionDetectedPerDatagram) {
  Sink s10;
  wire::ipfix::MessageWriter w10(test::IpfixCfg(1), s10.Fn());
  ASSERT_TRUE(w10.AddTemplate(FlowTemplate()));
  ASSERT_TRUE(w10.AddFlowRecord(256, MakeRecord(1)));
  w10.Flush();
  Sink s9;
  wire::v9::MessageWriter w9(test::V9Cfg(1), s9.Fn());
  w9.SetClock(1700000000, 5000);
  ASSERT_TRUE(w9.AddTemplate(wire::MakeFlowTemplate(256, test::SysUpTimeOpts())));
  ASSERT_TRUE(w9.AddFlowRecord(256, MakeRecord(2)));
  w9.Flush();
  wire::v5::Header h;
  auto v5 = wire::v5::Encode(h, {MakeRecord(3)});
  ASSERT_TRUE(v5);
  Collected c;
  // All from the same exporter address and port.
  c.Send(s10.messages[0]);
  c.Send(s9.messages[0]);
  c.Send(*v5);
  ASSERT_EQ(c.records.size(), 3u);
  EXPECT_EQ(c.records[0].key.src, MakeRecord(1).key.src);
  EXPECT_EQ(c.records[1].key.src, MakeRecord(2).key.src);
  EXPECT_EQ(c.records[2].key.src, MakeRecord(3).key.src);
  EXPECT_EQ(c.cp->Loss().size(), 3u);
}

// Bad input: each is counted and the next good message still decodes.
class BadInput : public ::testing::Test {
 protected:
  void SetUp() override {
    wire::ipfix::MessageWriter w(test::IpfixCfg(1), m_sink.Fn());
    ASSERT_TRUE(w.AddTemplate(FlowTemplate()));
    ASSERT_TRUE(w.AddFlowRecord(256, MakeRecord(1)));
    w.Flush();
    m_good = m_sink.messages[0];
  }
  void ExpectStillServes(Collected& c) {
    size_t before = c.records.size();
    c.Send(m_good, kT0, 60000);
    EXPECT_EQ(c.records.size(), before + 1);
  }
  static std::vector<uint8_t> Header(uint16_t length) {
    std::vector<uint8_t> m;
    core::ByteWriter w(m);
    w.WriteU16(10);
    w.WriteU16(length);
    w.WriteU32(1700000000);
    w.WriteU32(0);
    w.WriteU32(1);
    return m;
  }
  Sink m_sink;
  std::vector<uint8_t> m_good;
};

TEST_F(BadInput, DatagramCutShort) {
  Collected c;
  for (size_t n : {size_t{0}, size_t{1}, size_t{3}, size_t{15}, m_good.size() - 5}) {
    std::vector<uint8_t> cut(m_good.begin(), m_good.begin() + static_cast<long>(n));
    c.Send(cut);
  }
  EXPECT_GE(c.cp->Stats().malformed, 4u);
  ExpectStillServes(c);
}

TEST_F(BadInput, SetLongerThanMessage) {
  auto m = Header(0);
  core::ByteWriter w(m);
  w.WriteU16(256);
  w.WriteU16(400);  // set length beyond the message
  w.WriteZeros(8);
  w.PatchU16(2, static_cast<uint16_t>(m.size()));
  Collected c;
  c.Send(m);
  EXPECT_EQ(c.cp->Stats().malformed, 1u);
  EXPECT_GT(c.cp->Stats().anomalies.Total(), 0u);
  ExpectStillServes(c);
}

TEST_F(BadInput, TemplateWithZeroFields) {
  auto m = Header(0);
  core::ByteWriter w(m);
  w.WriteU16(2);  // template set
  w.WriteU16(8);
  w.WriteU16(300);
  w.WriteU16(0);  // zero fields = withdrawal over UDP: not allowed, must not loop
  // data set for template 300
  w.WriteU16(300);
  w.WriteU16(12);
  w.WriteZeros(8);
  w.PatchU16(2, static_cast<uint16_t>(m.size()));
  Collected c;
  c.Send(m);
  c.cp->Flush();
  EXPECT_EQ(c.records.size(), 0u);
  ExpectStillServes(c);
}

TEST_F(BadInput, TemplateWith65535Fields) {
  auto m = Header(0);
  core::ByteWriter w(m);
  w.WriteU16(2);
  w.WriteU16(12);
  w.WriteU16(301);
  w.WriteU16(65535);
  w.WriteU16(8);
  w.WriteU16(4);
  w.PatchU16(2, static_cast<uint16_t>(m.size()));
  Collected c;
  c.Send(m);
  EXPECT_GE(c.cp->Stats().malformed, 1u);
  EXPECT_EQ(c.cp->TemplateCount(), 0u);
  ExpectStillServes(c);
}

TEST_F(BadInput, RecordLongerThanSet) {
  // Template 302 with a variable-length field whose length runs past the set.
  auto m = Header(0);
  core::ByteWriter w(m);
  w.WriteU16(2);
  w.WriteU16(12);
  w.WriteU16(302);
  w.WriteU16(1);
  w.WriteU16(wire::ie::kOctetDeltaCount);
  w.WriteU16(wire::kVariableLength);
  w.WriteU16(302);
  w.WriteU16(8);
  w.WriteU8(200);  // says 200 bytes follow
  w.WriteZeros(3);
  w.PatchU16(2, static_cast<uint16_t>(m.size()));
  Collected c;
  c.Send(m);
  EXPECT_EQ(c.records.size(), 0u);
  EXPECT_GT(c.cp->Stats().anomalies.Total(), 0u);
  ExpectStillServes(c);
}

TEST_F(BadInput, UnknownVersion) {
  std::vector<uint8_t> m = {0, 7, 0, 0, 0, 0};
  Collected c;
  c.Send(m);
  EXPECT_EQ(c.cp->Stats().anomalies.Get("collector.unknown_version"), 1u);
  ExpectStillServes(c);
}

TEST(CollectingProcess, IpfixFileReadAndErrorsNameOffset) {
  Sink sink;
  wire::ipfix::MessageWriter w(test::IpfixCfg(1), sink.Fn());
  ASSERT_TRUE(w.AddTemplate(FlowTemplate()));
  for (uint32_t i = 0; i < 20; ++i) ASSERT_TRUE(w.AddFlowRecord(256, MakeRecord(i)));
  w.Flush();
  std::vector<uint8_t> file;
  for (const auto& m : sink.messages) file.insert(file.end(), m.begin(), m.end());
  size_t goodSize = file.size();
  file.insert(file.end(), {0, 10, 0, 200});  // a truncated message header
  Collected c;
  auto st = c.cp->ReadIpfixBytes(file.data(), file.size(), "test.ipfix");
  EXPECT_FALSE(st);
  EXPECT_NE(st.GetError().message.find("test.ipfix"), std::string::npos);
  EXPECT_NE(st.GetError().message.find(std::to_string(goodSize)), std::string::npos)
      << st.GetError().message;
  EXPECT_EQ(c.records.size(), 20u);
}

TEST(CollectingProcess, ArchiveRawIpfixAndReadItBack) {
  test::TempPath dir("archive");
  Sink sink;
  wire::ipfix::MessageWriter w(test::IpfixCfg(2), sink.Fn());
  ASSERT_TRUE(w.AddTemplate(FlowTemplate()));
  for (uint32_t i = 0; i < 30; ++i) ASSERT_TRUE(w.AddFlowRecord(256, MakeRecord(i)));
  w.Flush();
  CollectorConfig cfg;
  cfg.archiveDir = dir.str();
  {
    Collected c(cfg);
    for (const auto& m : sink.messages) c.Send(m, kT0, 4739);
    EXPECT_EQ(c.records.size(), 30u);
  }  // archive files closed
  std::string file = dir.str() + "/127.0.0.1_4739.ipfix";
  ASSERT_TRUE(std::filesystem::exists(file));
  Collected again;
  ASSERT_TRUE(again.cp->ReadIpfixFile(file));
  ASSERT_EQ(again.records.size(), 30u);
  for (uint32_t i = 0; i < 30; ++i) {
    EXPECT_EQ(again.records[i].key.src, MakeRecord(i).key.src);
    EXPECT_EQ(again.records[i].octets, MakeRecord(i).octets);
  }
  EXPECT_FALSE(again.cp->ReadIpfixFile(dir.str() + "/missing.ipfix"));
}

}  // namespace
}  // namespace vantage::collector
