// Detection benchmark: `generate N DB` writes N synthetic flow records (a day of a 4,096-host
// network: request/response uniflow pairs to internal and external servers, plus beacons, a
// scan and a brute force) into a collector store; `run DB` reads them back and runs every
// detector, printing read and detect time (wall and CPU) and peak RSS.
#include <sys/resource.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>

#include "vantage/collector/store.h"
#include "vantage/detect/detectors.h"
#include "vantage/detect/store-reader.h"

namespace {

using vantage::core::FlowRecord;
using vantage::core::IpAddress;

constexpr int64_t kT0 = 1767571200LL * 1000000000LL;  // 2026-01-05T00:00:00Z
constexpr int64_t kDayNs = 86400LL * 1000000000LL;

void Pair(vantage::collector::Store& store, const IpAddress& c, const IpAddress& s, uint16_t cp,
          uint16_t sp, uint8_t proto, int64_t start, int64_t dur, uint64_t out, uint64_t in) {
  FlowRecord r;
  r.key.src = c;
  r.key.dst = s;
  r.key.srcPort = cp;
  r.key.dstPort = sp;
  r.key.protocol = proto;
  r.start.ns = start;
  r.end.ns = start + dur;
  r.packets = std::max<uint64_t>(1, out / 500);
  r.octets = out;
  r.tcpFlags = proto == 6 ? 0x1b : 0;
  (void)store.Insert(r);
  r.key = r.key.Reversed();
  r.packets = std::max<uint64_t>(1, in / 500);
  r.octets = in;
  (void)store.Insert(r);
}

int Generate(uint64_t n, const std::string& path) {
  std::remove(path.c_str());
  vantage::collector::StoreConfig cfg;
  cfg.batchSize = 200000;
  auto store = vantage::collector::Store::Open(path, cfg);
  if (!store) {
    std::fprintf(stderr, "%s\n", store.GetError().message.c_str());
    return 1;
  }
  std::mt19937_64 rng(1);
  std::uniform_int_distribution<uint32_t> host(0, 4095), ext(0, 1999), intl(0, 199), port(0, 5);
  std::uniform_int_distribution<int64_t> when(0, kDayNs - 1);
  std::lognormal_distribution<double> size(8.0, 1.2);
  std::exponential_distribution<double> dur(1.0 / 2.0);
  const uint16_t ports[] = {443, 80, 53, 445, 22, 389};
  uint64_t written = 0;
  // Beacons: 100 pairs, every 300 s for the day (288 connections each).
  for (uint32_t b = 0; b < 100 && written + 576 <= n; ++b) {
    for (int i = 0; i < 288; ++i) {
      Pair(**store, IpAddress::V4(0x0a000000 + b), IpAddress::V4(0xc6336400 + b),
           static_cast<uint16_t>(40000 + i), 443, 6, kT0 + i * 300'000'000'000LL, 50'000'000, 300,
           900);
      written += 2;
    }
  }
  for (uint16_t p = 1; p <= 1000 && written + 2 <= n; ++p, written += 2) {  // a scan
    Pair(**store, IpAddress::V4(0x0a000fff), IpAddress::V4(0x0a1e0001), 50000, p, 6,
         kT0 + p * 100'000'000LL, 1'000'000, 60, 40);
  }
  while (written + 2 <= n) {
    uint16_t sp = ports[port(rng)];
    bool internal = sp == 445 || sp == 389 || (sp == 22 && host(rng) % 2);
    IpAddress c = IpAddress::V4(0x0a000000 + host(rng));
    IpAddress s =
        internal ? IpAddress::V4(0x0a1e0000 + intl(rng)) : IpAddress::V4(0xc6330000 + ext(rng));
    auto cp = static_cast<uint16_t>(1024 + rng() % 64000);
    if (sp == 53) {  // one query, one answer
      Pair(**store, c, s, cp, sp, 17, kT0 + when(rng), 20'000'000, 60 + rng() % 40,
           90 + rng() % 210);
    } else {
      Pair(**store, c, s, cp, sp, 6, kT0 + when(rng), static_cast<int64_t>(dur(rng) * 1e9),
           static_cast<uint64_t>(size(rng) / 4) + 60, static_cast<uint64_t>(size(rng)) + 60);
    }
    written += 2;
  }
  auto st = (*store)->Close();
  std::printf("generated %llu records in %s\n", static_cast<unsigned long long>(written),
              path.c_str());
  return st ? 0 : 1;
}

double CpuSeconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

double Wall() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

int RunAll(const std::string& path) {
  double w0 = Wall(), c0 = CpuSeconds();
  auto set = vantage::detect::ReadStore(path, {});
  if (!set) {
    std::fprintf(stderr, "%s\n", set.GetError().message.c_str());
    return 1;
  }
  double w1 = Wall(), c1 = CpuSeconds();
  double readWall = w1 - w0;
  {
    // Connection assembly on its own (RunDetectors does it again, inside its own time).
    double b0 = CpuSeconds();
    auto conns = vantage::detect::BuildConnections(*set);
    std::printf("  (connection assembly alone: cpu %.2f s for %zu connections)\n",
                CpuSeconds() - b0, conns.size());
  }
  w1 = Wall();
  double readCpu = c1 - c0;
  c1 = CpuSeconds();
  double last = c1;
  auto r = vantage::detect::RunDetectors(
      *set, vantage::detect::NetworkContext(), vantage::detect::Rules{},
      [&](const std::string& name, const std::vector<vantage::detect::Finding>& found) {
        double now = CpuSeconds();
        std::printf("  %-21s cpu %.2f s  findings %zu\n", name.c_str(), now - last, found.size());
        last = now;
      });
  double w2 = Wall(), c2 = CpuSeconds();
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  std::printf(
      "records %zu connections %llu findings %zu\nread   wall %.2f s cpu %.2f s\ndetect wall "
      "%.2f s cpu %.2f s\ntotal  wall %.2f s cpu %.2f s (read + detect)  peak RSS %.0f MiB\n",
      set->flows.size(), static_cast<unsigned long long>(r.connections), r.findings.size(),
      readWall, readCpu, w2 - w1, c2 - c1, readWall + w2 - w1, readCpu + c2 - c1,
      static_cast<double>(u.ru_maxrss) / 1024.0);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 4 && std::string(argv[1]) == "generate") {
    return Generate(std::strtoull(argv[2], nullptr, 10), argv[3]);
  }
  if (argc == 3 && std::string(argv[1]) == "run") return RunAll(argv[2]);
  std::fprintf(stderr, "usage: %s generate N DB | run DB\n", argv[0]);
  return 2;
}
