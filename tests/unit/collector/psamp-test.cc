// What routers that export sampled packet headers send (issue 17): frame sections become
// flows, sampling rates come from the record or the exporter's options data (before or after
// the data), records without a key are counted and never stored, unknown elements are kept raw,
// and queries report scaled estimates.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>

#include "psamp-datagrams.h"
#include "test-util.h"
#include "vantage/collector/collecting-process.h"
#include "vantage/collector/query.h"
#include "vantage/collector/store.h"

namespace vantage::collector {
namespace {

const core::IpAddress kExporter = core::IpAddress::V4(0x7f000001);
const core::Timestamp kT0 = core::Timestamp::FromSeconds(1700000000);

// A collecting process writing to a temporary store.
struct Collector {
  test::TempPath db{"psamp.sqlite"};
  std::unique_ptr<Store> store;
  std::unique_ptr<CollectingProcess> cp;
  explicit Collector(CollectorConfig cfg = {}) {
    auto s = Store::Open(db.str());
    EXPECT_TRUE(s) << s.GetError().ToString();
    store = std::move(*s);
    cp = std::make_unique<CollectingProcess>(store.get(), cfg);
  }
  void Send(const test::Bytes& d, core::Timestamp t = kT0) {
    cp->OnDatagram(kExporter, 50000, d.data(), d.size(), t);
  }
  void Finish() {
    cp->Flush();
    ASSERT_TRUE(store->Close());
  }
  int64_t Int(const std::string& sql) const { return test::QueryInt(db.str(), sql); }
  QueryTable Query(const std::string& q) const {
    auto t = RunQueryOnFile(db.str(), q);
    EXPECT_TRUE(t) << t.GetError().ToString();
    return t ? *t : QueryTable{};
  }
};

TEST(Psamp, FrameSectionsBecomeFlowsAndTheUndecodableOneIsCountedNotStored) {
  Collector c;
  c.Send(test::FrameSectionsMessage());
  c.Finish();
  EXPECT_EQ(c.Int("SELECT count(*) FROM flows"), 3);
  EXPECT_EQ(c.Int("SELECT count(*) FROM flows WHERE ip_version = 0"), 0);  // no empty rows
  EXPECT_EQ(c.Int("SELECT count(*) FROM flows WHERE packets = 1 AND octets > 100"), 3);
  EXPECT_EQ(c.Int("SELECT dst_port FROM flows WHERE in_if = 7"), 443);
  EXPECT_EQ(c.Int("SELECT tcp_flags FROM flows WHERE in_if = 7"), 0x12);
  EXPECT_EQ(c.Int("SELECT tos FROM flows WHERE in_if = 7"), 0x28);
  EXPECT_EQ(c.Int("SELECT vlan FROM flows WHERE in_if = 8"), 100);
  EXPECT_EQ(c.Int("SELECT protocol FROM flows WHERE in_if = 8"), 17);
  EXPECT_EQ(c.Int("SELECT ip_version FROM flows WHERE in_if = 9"), 6);
  EXPECT_EQ(c.Int("SELECT dst_port FROM flows WHERE in_if = 9"), 443);
  const auto& s = c.cp->Stats();
  EXPECT_EQ(s.recordsWithoutKey, 1u);
  EXPECT_EQ(s.anomalies.Get("collector.record_without_key{reason=section_not_decodable,"
                            "exporter=127.0.0.1,domain=1,template=256}"),
            1u);
  EXPECT_EQ(s.anomalies.Get("flow.unknown_ie"), 0u);
  // Sampled headers with no rate anywhere: stored, the rate marked unknown.
  EXPECT_EQ(c.Int("SELECT count(*) FROM flows WHERE sampling_unknown = 1"), 3);
  EXPECT_EQ(c.Int("SELECT count FROM anomalies WHERE name = 'collector.record_without_key'"), 1);
}

TEST(Psamp, SamplerOptionsBeforeTheDataGiveTheRate) {
  Collector c;
  c.Send(test::OptionsThenDataMessage(5, 100));
  c.Finish();
  EXPECT_EQ(c.Int("SELECT count(*) FROM flows"), 1);
  EXPECT_EQ(c.Int("SELECT sampling FROM flows"), 100);
  EXPECT_EQ(c.Int("SELECT sampling_unknown FROM flows"), 0);
}

TEST(Psamp, SamplerOptionsAfterTheDataGiveTheRate) {
  Collector c;
  c.Send(test::DataNamingSelectorMessage(6, 0), kT0);
  EXPECT_EQ(c.cp->Stats().heldForSamplingRate, 1u);
  c.Send(test::SelectorOptionsMessage(6, 500, 1), kT0 + core::Duration::Seconds(2));
  c.Finish();
  EXPECT_EQ(c.Int("SELECT count(*) FROM flows"), 1);
  EXPECT_EQ(c.Int("SELECT sampling FROM flows"), 500);
  EXPECT_EQ(c.Int("SELECT sampling_unknown FROM flows"), 0);
}

TEST(Psamp, OptionsTooLateOrForAnotherSamplerLeaveTheRateUnknown) {
  Collector c;
  c.Send(test::DataNamingSelectorMessage(6, 0), kT0);
  c.Send(test::SelectorOptionsMessage(7, 500, 1), kT0 + core::Duration::Seconds(1));
  c.cp->Tick(kT0 + core::Duration::Seconds(60));  // past pendingMaxAge
  c.Send(test::SelectorOptionsMessage(6, 500, 1), kT0 + core::Duration::Seconds(61));
  c.Finish();
  EXPECT_EQ(c.Int("SELECT count(*) FROM flows"), 1);
  EXPECT_EQ(c.Int("SELECT sampling FROM flows"), 0);
  EXPECT_EQ(c.Int("SELECT sampling_unknown FROM flows"), 1);
  EXPECT_EQ(c.cp->Stats().anomalies.Get("collector.sampling_rate_unknown"), 1u);
}

TEST(Psamp, NetflowV9SamplerOptionsApplyToRecordsNamingTheSampler) {
  Collector c;
  c.Send(test::V9SamplerPacket(64));
  c.Finish();
  EXPECT_EQ(c.Int("SELECT count(*) FROM flows"), 1);
  EXPECT_EQ(c.Int("SELECT sampling FROM flows"), 64);
  EXPECT_EQ(c.Int("SELECT dst_port FROM flows"), 53);
  EXPECT_EQ(c.cp->Stats().anomalies.Get("v9.bad_count"), 0u);
}

TEST(Psamp, UnknownElementsAreKeptInTheRawColumn) {
  Collector c;
  c.Send(test::UnknownElementsMessage());
  c.Finish();
  auto t = c.Query("SELECT raw_elements FROM flows");
  ASSERT_EQ(t.rows.size(), 1u);
  EXPECT_EQ(t.rows[0][0],
            "[{\"id\":61,\"pen\":0,\"hex\":\"01\"},{\"id\":12,\"pen\":9999,\"hex\":\"deadbeef\"},"
            "{\"id\":999,\"pen\":0,\"hex\":\"6869\"}]");
  EXPECT_EQ(c.Int("SELECT octets FROM flows"), 180);
  EXPECT_EQ(c.Int("SELECT count(*) FROM flows WHERE sampling_unknown = 1"), 0);
}

TEST(Psamp, RecordWithoutKeyIsCountedByExporterTemplateAndReasonNotStored) {
  Collector c;
  c.Send(test::NoKeyMessage());
  c.Send(test::NoKeyMessage());
  c.Finish();
  EXPECT_EQ(c.Int("SELECT count(*) FROM flows"), 0);
  EXPECT_EQ(c.cp->Stats().recordsWithoutKey, 2u);
  EXPECT_EQ(c.Int("SELECT count FROM anomalies WHERE name = "
                  "'collector.record_without_key{reason=no_addresses,exporter=127.0.0.1,"
                  "domain=1,template=260}'"),
            2);
}

TEST(Psamp, DataBeforeItsTemplateInOneDatagramIsDecoded) {
  Collector c;
  c.Send(test::DataBeforeTemplateMessage());
  c.Finish();
  EXPECT_EQ(c.Int("SELECT count(*) FROM flows"), 1);
  EXPECT_EQ(c.Int("SELECT dst_port FROM flows"), 443);
  EXPECT_EQ(c.cp->Stats().pendingReplayed, 1u);
  EXPECT_EQ(c.cp->Stats().droppedNoTemplate, 0u);
}

TEST(Psamp, ScaledQueriesMultiplyByTheRateAndSayWhenItIsUnknown) {
  Collector c;
  c.Send(test::OptionsThenDataMessage(5, 100));  // 10.1.2.3, rate 100
  c.Send(test::FrameSectionsMessage(1));         // 3 flows, rate unknown
  c.Finish();
  auto plain = c.Query("top 10 srcip by packets");
  auto scaled = c.Query("top 10 srcip by packets scaled");
  ASSERT_EQ(scaled.rows.size(), 3u);  // 10.1.2.3 twice, 10.9.9.9, 2001:db8::1
  EXPECT_EQ(scaled.rows[0][0], "10.1.2.3");
  EXPECT_EQ(scaled.rows[0][2], "101");  // 1 x 100 (sampler 5) + 1 (rate unknown)
  EXPECT_EQ(plain.rows[0][2], "2");
  ASSERT_FALSE(scaled.notes.empty());
  EXPECT_NE(scaled.notes[0].find("3 of 4 flows"), std::string::npos) << scaled.notes[0];
  EXPECT_TRUE(plain.notes.empty());
  auto series = c.Query("series packets every 1h scaled");
  ASSERT_EQ(series.rows.size(), 1u);
  EXPECT_EQ(series.rows[0][1], "103");
}

}  // namespace
}  // namespace vantage::collector

namespace vantage::collector {
namespace {

// The checked-in fuzz seeds (tests/fuzz/collector/corpus/psamp-*) reach the frame-section
// decoder: replayed in the fuzz target's input format, they yield flows built from sections
// and count bad sections by name.
TEST(Psamp, FuzzSeedsReachTheFrameSectionDecoder) {
  const std::filesystem::path dir =
      std::filesystem::path(VANTAGE_SOURCE_DIR) / "tests/fuzz/collector/corpus";
  uint64_t fromSections = 0;
  CollectingProcess cp(nullptr);
  cp.SetRecordCallback([&](const core::FlowRecord& r) { fromSections += r.fromPacketSection; });
  size_t seeds = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    if (e.path().filename().string().rfind("psamp-", 0) != 0) continue;
    ++seeds;
    std::ifstream in(e.path(), std::ios::binary);
    std::vector<uint8_t> b((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    for (size_t pos = 0; pos + 3 <= b.size();) {
      const size_t len = std::min<size_t>((b[pos + 1] << 8) | b[pos + 2], b.size() - pos - 3);
      cp.OnDatagram(kExporter, 50000, b.data() + pos + 3, len, kT0);
      pos += 3 + len;
    }
  }
  cp.Flush();
  EXPECT_GE(seeds, 8u);
  EXPECT_GT(fromSections, 5u);
  EXPECT_EQ(cp.Stats().anomalies.Get("section.truncated"), 1u);
}

}  // namespace
}  // namespace vantage::collector
