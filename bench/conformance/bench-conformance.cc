// Scoring an exporter's output for N expected flows (default 1,000,000): builds N expected
// records (TCP/UDP/ICMP, IPv4 and IPv6, 20 % of keys with several records in sequence),
// writes the "exported" records (millisecond timestamps, 0.1 % of them mis-counted, 0.1 %
// dropped) as an IPFIX file, then times reading that file with the collector and scoring it.
// Prints wall and CPU seconds per phase and the peak RSS.
//   bench_conformance [N] [WORKFILE]
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "vantage/collector/collecting-process.h"
#include "vantage/conformance/score.h"
#include "vantage/wire/flow-codec.h"
#include "vantage/wire/ipfix/file.h"
#include "vantage/wire/ipfix/message-writer.h"

using namespace vantage;

namespace {

double Cpu() {
  rusage u;
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}
long PeakRssMb() {
  rusage u;
  getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss / 1024;
}

conformance::ExpectedSet Build(uint64_t n) {
  conformance::ExpectedSet set;
  set.records.reserve(n);
  uint64_t state = 42;
  auto next = [&] {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    return state >> 33;
  };
  const int64_t base = 1767600000ll * 1000000000ll;
  for (uint64_t i = 0; set.records.size() < n; ++i) {
    conformance::ExpectedRecord e;
    auto& r = e.record;
    bool v6 = i % 10 == 0;
    r.key.src =
        v6 ? *core::IpAddress::Parse("fd00::1") : core::IpAddress::V4(0x0a000000 | (i >> 16));
    if (v6) r.key.src.bytes[12] = static_cast<uint8_t>(i >> 16);
    r.key.dst =
        v6 ? *core::IpAddress::Parse("fd00::2") : core::IpAddress::V4(0xc0a80000 | (i & 0xff));
    r.key.protocol = i % 7 == 0 ? 17 : (i % 31 == 0 ? 1 : 6);
    r.key.srcPort = r.key.protocol == 1 ? 0 : static_cast<uint16_t>(1024 + (i & 0xffff) % 60000);
    r.key.dstPort = r.key.protocol == 1 ? 0x0800 : 443;
    uint64_t pieces = i % 5 == 0 ? 3 : 1;  // active-timeout sequences
    int64_t t = base + static_cast<int64_t>(next() % 3600000) * 1000000 +
                static_cast<int64_t>(next() % 1000000);
    for (uint64_t k = 0; k < pieces && set.records.size() < n; ++k) {
      r.packets = 1 + next() % 200;
      r.octets = r.packets * (40 + next() % 1400);
      r.start = core::Timestamp::FromNanos(t);
      r.end = core::Timestamp::FromNanos(t + static_cast<int64_t>(next() % 60000) * 1000000);
      r.tcpFlags = r.key.protocol == 6 ? 0x1b : 0;
      r.endReason =
          k + 1 < pieces ? core::FlowEndReason::kActiveTimeout : core::FlowEndReason::kIdleTimeout;
      set.records.push_back(e);
      t = r.end.ns + 1000000;
    }
  }
  return set;
}

void WriteExport(const conformance::ExpectedSet& set, const std::string& path) {
  wire::ipfix::FileWriter file;
  if (!file.Open(path)) std::exit(1);
  wire::ipfix::MessageWriter w({1, 65000, false},
                               [&](std::vector<uint8_t> m) { (void)file.Write(m); });
  wire::FlowTemplateOptions v4, v6;
  v6.ipv6 = true;
  (void)w.AddTemplate(wire::MakeFlowTemplate(256, v4));
  (void)w.AddTemplate(wire::MakeFlowTemplate(257, v6));
  for (size_t i = 0; i < set.records.size(); ++i) {
    if (i % 1000 == 7) continue;  // dropped
    core::FlowRecord r = set.records[i].record;
    if (i % 1000 == 3) r.packets += 1;  // mis-counted
    (void)w.AddFlowRecord(r.key.src.IsV6() ? 257 : 256, r);
  }
  w.Flush();
  (void)file.Close();
}

}  // namespace

int main(int argc, char** argv) {
  uint64_t n = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 1000000;
  std::string path = argc > 2 ? argv[2] : "/tmp/vantage-bench-conformance.ipfix";
  auto expected = Build(n);
  WriteExport(expected, path);
  std::printf("expected records: %zu, export file %s\n", expected.records.size(), path.c_str());
  long rssBefore = PeakRssMb();

  auto w0 = std::chrono::steady_clock::now();
  double c0 = Cpu();
  std::vector<core::FlowRecord> actual;
  actual.reserve(n);
  collector::CollectingProcess cp(nullptr);
  cp.SetRecordCallback([&](const core::FlowRecord& r) { actual.push_back(r); });
  (void)cp.ReadIpfixFile(path);
  cp.Flush();
  auto w1 = std::chrono::steady_clock::now();
  double c1 = Cpu();
  conformance::Score s =
      conformance::ScoreRecords(expected, actual, conformance::DefaultDeclaration());
  auto w2 = std::chrono::steady_clock::now();
  double c2 = Cpu();
  auto secs = [](auto a, auto b) { return std::chrono::duration<double>(b - a).count(); };
  std::printf("read export:  %.2f s wall, %.2f s CPU (%zu records)\n", secs(w0, w1), c1 - c0,
              actual.size());
  std::printf("score:        %.2f s wall, %.2f s CPU\n", secs(w1, w2), c2 - c1);
  std::printf("total:        %.2f s wall, %.2f s CPU\n", secs(w0, w2), c2 - c0);
  std::printf("peak RSS:     %ld MB (%ld MB after building the inputs)\n", PeakRssMb(), rssBefore);
  std::printf("matched %llu, missing %llu, counter errors %llu, split %llu, merged %llu\n",
              static_cast<unsigned long long>(s.matched),
              static_cast<unsigned long long>(s.missing),
              static_cast<unsigned long long>(s.counterErrors),
              static_cast<unsigned long long>(s.split), static_cast<unsigned long long>(s.merged));
  std::remove(path.c_str());
  return 0;
}
