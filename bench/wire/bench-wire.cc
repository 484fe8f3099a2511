// Wire codec throughput: records encoded into and decoded out of IPFIX, NetFlow v9 and v5
// messages (items/s = flow records/s), on fixed synthetic records.
#include <benchmark/benchmark.h>

#include <random>
#include <vector>

#include "vantage/wire/ipfix/message-reader.h"
#include "vantage/wire/ipfix/message-writer.h"
#include "vantage/wire/v5/codec.h"
#include "vantage/wire/v9/message-reader.h"
#include "vantage/wire/v9/message-writer.h"

namespace {

using namespace vantage;

std::vector<core::FlowRecord> Records(size_t n) {
  std::mt19937 rng(1);
  std::vector<core::FlowRecord> out(n);
  for (auto& r : out) {
    r.key.src = core::IpAddress::V4(rng());
    r.key.dst = core::IpAddress::V4(rng());
    r.key.srcPort = static_cast<uint16_t>(rng());
    r.key.dstPort = 443;
    r.key.protocol = 6;
    r.packets = rng() % 1000;
    r.octets = r.packets * 500;
    r.start = core::Timestamp::FromMillis(1700000000000 - rng() % 100000);
    r.end = r.start + core::Duration::Millis(rng() % 10000);
  }
  return out;
}

class CountingHandler : public wire::MessageHandler {
 public:
  void OnDataRecord(const wire::MessageInfo& info, const wire::Template& tmpl,
                    core::ByteReader record) override {
    wire::TimeContext ctx{info.exportTime, info.sysUpTimeMs, 0};
    core::FlowRecord r;
    if (wire::DecodeFlowRecord(tmpl, record, ctx, r)) octets += r.octets;
  }
  uint64_t octets = 0;
};

std::vector<std::vector<uint8_t>> IpfixMessages(const std::vector<core::FlowRecord>& recs) {
  std::vector<std::vector<uint8_t>> msgs;
  wire::ipfix::MessageWriter w({1, 1472, false},
                               [&](std::vector<uint8_t> m) { msgs.push_back(std::move(m)); });
  (void)w.AddTemplate(wire::MakeFlowTemplate(256, {}));
  for (const auto& r : recs) (void)w.AddFlowRecord(256, r);
  w.Flush();
  return msgs;
}

void BM_IpfixEncode(benchmark::State& state) {
  auto recs = Records(10000);
  for (auto _ : state) {
    size_t bytes = 0;
    wire::ipfix::MessageWriter w({1, 1472, false},
                                 [&](std::vector<uint8_t> m) { bytes += m.size(); });
    (void)w.AddTemplate(wire::MakeFlowTemplate(256, {}));
    for (const auto& r : recs) (void)w.AddFlowRecord(256, r);
    w.Flush();
    benchmark::DoNotOptimize(bytes);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * recs.size()));
}
BENCHMARK(BM_IpfixEncode);

void BM_IpfixDecode(benchmark::State& state) {
  auto recs = Records(10000);
  auto msgs = IpfixMessages(recs);
  for (auto _ : state) {
    wire::ipfix::Session s;
    CountingHandler h;
    for (const auto& m : msgs) (void)s.Decode(core::ByteReader(m), h);
    benchmark::DoNotOptimize(h.octets);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * recs.size()));
}
BENCHMARK(BM_IpfixDecode);

void BM_V9Decode(benchmark::State& state) {
  auto recs = Records(10000);
  std::vector<std::vector<uint8_t>> pkts;
  wire::v9::MessageWriter w({1, 1472},
                            [&](std::vector<uint8_t> m) { pkts.push_back(std::move(m)); });
  w.SetClock(1700000000, 1000000);
  wire::FlowTemplateOptions o;
  o.sysUpTime = true;
  (void)w.AddTemplate(wire::MakeFlowTemplate(256, o));
  for (const auto& r : recs) (void)w.AddFlowRecord(256, r);
  w.Flush();
  for (auto _ : state) {
    wire::v9::Session s;
    CountingHandler h;
    for (const auto& p : pkts) (void)s.Decode(core::ByteReader(p), h);
    benchmark::DoNotOptimize(h.octets);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * recs.size()));
}
BENCHMARK(BM_V9Decode);

void BM_V5Decode(benchmark::State& state) {
  auto recs = Records(30);
  wire::v5::Header hdr;
  hdr.unixSeconds = 1700000000;
  hdr.sysUpTimeMs = 1000000;
  auto pkt = *wire::v5::Encode(hdr, recs);
  std::vector<core::FlowRecord> out;
  out.reserve(30);
  for (auto _ : state) {
    out.clear();
    wire::v5::Header h;
    (void)wire::v5::Decode(core::ByteReader(pkt), h, out);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * 30));
}
BENCHMARK(BM_V5Decode);

}  // namespace

BENCHMARK_MAIN();
