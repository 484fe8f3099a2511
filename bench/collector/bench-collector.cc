// Collector benchmark driver (not a test):
//   vantage_bench_collector decode N          decode N IPFIX records in-process (records/s)
//   vantage_bench_collector store N DB        decode + store N records into SQLite (records/s)
//   vantage_bench_collector send N PORT RATE  replay N records as IPFIX over UDP to
//                                             127.0.0.1:PORT at RATE datagrams/s
//   vantage_bench_collector rollup N [REPEAT]  per-minute roll-ups of N records (Add, then Write
//                                             into an in-memory SQLite): ns per record and
//                                             groups, on three data sets (see Rollup below)
// Flows are deterministic: 65,536 source addresses, 1,024 destinations, mixed ports.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sqlite3.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <string>
#include <thread>
#include <vector>

#include "rollup.h"
#include "vantage/collector/collecting-process.h"
#include "vantage/collector/store.h"
#include "vantage/wire/flow-codec.h"
#include "vantage/wire/ipfix/message-writer.h"

namespace {

using namespace vantage;

double CpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

core::FlowRecord Flow(uint64_t i) {
  uint64_t h = i * 0x9E3779B97F4A7C15ULL;
  core::FlowRecord r;
  r.key.src = core::IpAddress::V4(0x0a000000u | static_cast<uint32_t>((h >> 20) & 0xffff));
  r.key.dst = core::IpAddress::V4(0xc0a80000u | static_cast<uint32_t>((h >> 40) & 0x3ff));
  r.key.srcPort = static_cast<uint16_t>(1024 + (h & 0x7fff));
  static const uint16_t kPorts[] = {443, 80, 53, 22, 123, 3389, 8080, 25};
  r.key.dstPort = kPorts[(h >> 8) & 7];
  r.key.protocol = r.key.dstPort == 53 || r.key.dstPort == 123 ? 17 : 6;
  r.packets = 1 + (h >> 50) % 100;
  r.octets = r.packets * (40 + (h >> 30) % 1400);
  r.start = core::Timestamp::FromMillis(1700000000000LL + static_cast<int64_t>(i / 1000) * 10);
  r.end = r.start + core::Duration::Millis(static_cast<int64_t>((h >> 12) % 5000));
  r.tcpFlags = r.key.protocol == 6 ? 0x1b : 0;
  r.key.ingressInterface = 1;
  r.egressInterface = 2;
  return r;
}

/// N records as IPFIX messages (template resent every 64 messages).
std::vector<std::vector<uint8_t>> Messages(uint64_t n) {
  std::vector<std::vector<uint8_t>> out;
  wire::ipfix::WriterConfig cfg;
  cfg.observationDomain = 1;
  cfg.maxMessageSize = 1472;
  wire::ipfix::MessageWriter w(cfg, [&](std::vector<uint8_t> m) { out.push_back(std::move(m)); });
  w.SetExportTime(1700000000);
  wire::FlowTemplateOptions o;
  o.asNumbers = false;
  auto t = wire::MakeFlowTemplate(256, o);
  (void)w.AddTemplate(t);
  size_t lastCount = 0;
  for (uint64_t i = 0; i < n; ++i) {
    (void)w.AddFlowRecord(256, Flow(i));
    if (out.size() != lastCount && out.size() % 64 == 0) {
      lastCount = out.size();
      w.ResendTemplates();
    }
  }
  w.Flush();
  return out;
}

int Decode(uint64_t n, const std::string& db) {
  auto msgs = Messages(n);
  std::unique_ptr<collector::Store> store;
  if (!db.empty()) {
    collector::StoreConfig cfg;
    cfg.asyncWrite = false;  // measure the store on this thread
    auto s = collector::Store::Open(db, cfg);
    if (!s) {
      std::fprintf(stderr, "%s\n", s.GetError().ToString().c_str());
      return 1;
    }
    store = std::move(*s);
  }
  collector::CollectingProcess cp(store.get());
  auto exporter = core::IpAddress::V4(0x7f000001);
  double cpu0 = CpuSeconds();
  auto t0 = std::chrono::steady_clock::now();
  for (const auto& m : msgs) {
    cp.OnDatagram(exporter, 4739, m.data(), m.size(), core::Timestamp::FromSeconds(1700000000));
  }
  cp.Flush();
  if (store) (void)store->Close();
  double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  double cpu = CpuSeconds() - cpu0;
  const auto& s = cp.Stats();
  std::printf(
      "%s: %llu messages, %llu records, wall %.3f s, cpu %.3f s, %.0f records/s (wall), "
      "%.0f records/cpu-s, lost %llu\n",
      db.empty() ? "decode" : "decode+store", static_cast<unsigned long long>(msgs.size()),
      static_cast<unsigned long long>(s.records), wall, cpu, static_cast<double>(s.records) / wall,
      static_cast<double>(s.records) / cpu, static_cast<unsigned long long>(n - s.records));
  return s.records == n ? 0 : 1;
}

int Send(uint64_t n, uint16_t port, double rate) {
  auto msgs = Messages(n);
  int fd = socket(AF_INET, SOCK_DGRAM, 0);
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(port);
  to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  auto t0 = std::chrono::steady_clock::now();
  for (size_t i = 0; i < msgs.size(); ++i) {
    if (rate > 0 && i % 32 == 0) {
      auto due = t0 + std::chrono::duration<double>(static_cast<double>(i) / rate);
      std::this_thread::sleep_until(due);
    }
    sendto(fd, msgs[i].data(), msgs[i].size(), 0, reinterpret_cast<sockaddr*>(&to), sizeof(to));
  }
  double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf("sent %zu datagrams (%llu records) in %.3f s (%.0f datagrams/s, %.0f records/s)\n",
              msgs.size(), static_cast<unsigned long long>(n), wall,
              static_cast<double>(msgs.size()) / wall, static_cast<double>(n) / wall);
  close(fd);
  return 0;
}

// One data set of the roll-up benchmark: Flow(i) records, optionally spread over 5 minutes
// (minute = 5 * i / N) or with N distinct sources (in 10.0.0.0/8), with a
// two-letter source country and an AS per source /24 as ingest enrichment would give them.
struct RollupData {
  std::vector<core::FlowRecord> records;
  std::vector<uint32_t> srcAs;
  std::vector<const std::string*> country;
};

RollupData MakeRollupData(uint64_t n, bool fiveMinutes, bool millionSources) {
  static const std::string kCountries[] = {"US", "DE", "FR", "JP", "BR", "GB", "NL", "CN"};
  RollupData d;
  d.records.reserve(n);
  for (uint64_t i = 0; i < n; ++i) {
    core::FlowRecord r = Flow(i);
    if (fiveMinutes) {
      r.start = core::Timestamp::FromSeconds(1700000040LL + static_cast<int64_t>(5 * i / n) * 60 +
                                             static_cast<int64_t>(i % 60));
    }
    if (millionSources) {
      // i * odd mod 2^24 is a bijection: every record its own source up to N = 16 M.
      r.key.src =
          core::IpAddress::V4(0x0a000000u | (static_cast<uint32_t>(i) * 2654435761u & 0xffffffu));
    }
    d.srcAs.push_back(64512 + (r.key.src.V4Value() >> 8) % 512);
    d.country.push_back(&kCountries[(r.key.src.V4Value() >> 4) % 8]);
    d.records.push_back(r);
  }
  return d;
}

// User and system CPU seconds of this process.
std::pair<double, double> UserSys() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  auto sec = [](const timeval& t) {
    return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6;
  };
  return {sec(ru.ru_utime), sec(ru.ru_stime)};
}

// Adds every row of the data set; CPU ns per record, user and system.
std::pair<double, double> RollupAdd(collector::detail::RollupBuilder& b, const RollupData& d) {
  const size_t n = d.records.size();
  const auto [u0, s0] = UserSys();
  for (size_t i = 0; i < n; ++i) {
    collector::detail::RollupRow row;
    row.record = &d.records[i];
    row.srcAs = d.srcAs[i];
    row.dstAs = 64999;
    row.srcCountry = d.country[i];
    row.dstCountry = nullptr;
    b.Add(row);
  }
  const auto [u1, s1] = UserSys();
  const auto per = static_cast<double>(n);
  return {(u1 - u0) * 1e9 / per, (s1 - s0) * 1e9 / per};
}

// Writes the builder's groups into a fresh in-memory database: CPU ns per group.
double RollupWrite(collector::detail::RollupBuilder& b, size_t groups) {
  sqlite3* db = nullptr;
  sqlite3_open(":memory:", &db);
  sqlite3_exec(db,
               "CREATE TABLE rollups(partition, dim, minute_ns, key, flows, packets, bytes); "
               "BEGIN",
               nullptr, nullptr, nullptr);
  std::string error;
  const double cpu0 = CpuSeconds();
  const bool ok = b.Write(db, 1, error);
  const double cpu = CpuSeconds() - cpu0;
  sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr);
  sqlite3_close(db);
  if (!ok) std::fprintf(stderr, "roll-up write failed: %s\n", error.c_str());
  return cpu * 1e9 / static_cast<double>(groups ? groups : 1);
}

// A fresh builder (the first partition: tables grow) and the same builder again after its
// Write (the store's steady state: one builder for every partition).
void RollupOnce(const char* name, const RollupData& d) {
  collector::detail::RollupBuilder b;
  const auto [u1, s1] = RollupAdd(b, d);
  const size_t groups = b.Groups();
  const double write = RollupWrite(b, groups);
  const auto [u2, s2] = RollupAdd(b, d);
  (void)RollupWrite(b, groups);
  std::printf(
      "rollup %-12s %zu records, %zu groups: Add %.1f ns/record (user %.1f sys %.1f), "
      "again %.1f ns/record (user %.1f sys %.1f); Write %.0f ns/group\n",
      name, d.records.size(), groups, u1 + s1, u1, s1, u2 + s2, u2, s2, write);
}

// Three data sets: Flow(i) as replayed (65,536 sources, 1,024 destinations, within a minute),
// the same over 5 minutes, and every record from its own source. One row is added first, so
// one-time set-up (tables built on first use) is timed apart from the runs.
int Rollup(uint64_t n, int repeat) {
  const RollupData base = MakeRollupData(n, false, false);
  const RollupData spread = MakeRollupData(n, true, false);
  const RollupData wide = MakeRollupData(n, false, true);
  {
    const double cpu0 = CpuSeconds();
    collector::detail::RollupBuilder warm;
    collector::detail::RollupRow row;
    row.record = &base.records[0];
    warm.Add(row);
    (void)warm.Groups();
    std::printf("rollup first Add: %.2f ms\n", (CpuSeconds() - cpu0) * 1e3);
  }
  for (int k = 0; k < repeat; ++k) {
    RollupOnce("flows", base);
    RollupOnce("5-minutes", spread);
    RollupOnce("distinct-src", wide);
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc >= 3 && std::string(argv[1]) == "decode")
    return Decode(std::strtoull(argv[2], nullptr, 10), "");
  if (argc >= 4 && std::string(argv[1]) == "store")
    return Decode(std::strtoull(argv[2], nullptr, 10), argv[3]);
  if (argc >= 5 && std::string(argv[1]) == "send") {
    return Send(std::strtoull(argv[2], nullptr, 10), static_cast<uint16_t>(std::atoi(argv[3])),
                std::atof(argv[4]));
  }
  if (argc >= 3 && std::string(argv[1]) == "rollup")
    return Rollup(std::strtoull(argv[2], nullptr, 10), argc >= 4 ? std::atoi(argv[3]) : 1);
  std::fprintf(stderr,
               "usage: vantage_bench_collector decode N | store N DB | send N PORT RATE | "
               "rollup N [REPEAT]\n");
  return 2;
}
