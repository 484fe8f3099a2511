// `vantage collect`: receive NetFlow v5/v9 and IPFIX (UDP, TCP, IPFIX files) and read cloud
// flow logs (AWS, Google Cloud, Azure) into SQLite.
#ifdef VANTAGE_HAVE_collector
#include <atomic>
#include <csignal>
#include <cstdio>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "command.h"
#include "vantage/collector/collecting-process.h"
#include "vantage/collector/flow-log-ingest.h"
#include "vantage/collector/prefix-table.h"
#include "vantage/collector/server.h"
#include "vantage/collector/store.h"

namespace {

std::atomic<bool> g_stop{false};

extern "C" void OnStopSignal(int /*sig*/) {
  g_stop.store(true);
}

struct CollectOptions {
  std::vector<std::string> listen;
  std::vector<std::string> ipfixFiles;
  std::vector<std::string> flowLogFiles;
  std::vector<std::string> flowLogFormats;
  size_t showErrors = 10;
  std::string db;
  std::string archive;
  std::string asTable;
  std::string countryTable;
  double statusInterval = 5;
  double templateLifetime = 1800;
  double duration = 0;
  size_t batch = 50000;
  double partition = 300;
  double retention = 0;
  size_t maxQueued = 1000000;
  bool rescale = false;
  bool syncWrite = false;
  bool quiet = false;
};

void PrintLoss(const vantage::collector::CollectingProcess& cp) {
  auto loss = cp.Loss();
  if (loss.empty()) return;
  std::fprintf(stderr, "%-40s %6s %8s %-8s %12s %12s %10s\n", "exporter", "domain", "version",
               "unit", "expected", "received", "lost");
  for (const auto& l : loss) {
    std::string who = l.exporter.IsSet() ? l.exporter.ToString() + ":" + std::to_string(l.port)
                                         : std::string("(file/stream)");
    std::fprintf(
        stderr, "%-40s %6u %8u %-8s %12llu %12llu %10llu\n", who.c_str(), l.observationDomain,
        l.version, l.unit, static_cast<unsigned long long>(l.expected),
        static_cast<unsigned long long>(l.received), static_cast<unsigned long long>(l.lost));
  }
}

using vantage::collector::CollectingProcess;
using vantage::collector::Store;

// Prints a library error as the command's; returns the exit status 1.
int Fail(const vantage::core::Error& e) {
  std::cerr << "vantage collect: " << e.ToString() << "\n";
  return 1;
}

// The store's configuration and prefix tables; returns an exit status (0: go on).
int MakeStoreConfig(const CollectOptions& o, vantage::collector::StoreConfig& scfg) {
  using vantage::collector::PrefixTable;
  scfg.batchSize = o.batch;
  scfg.asyncWrite = !o.syncWrite;
  if (o.partition <= 0 || o.retention < 0) {
    std::cerr << "vantage collect: --partition must be positive and --retention not negative\n";
    return 2;
  }
  scfg.partitionInterval = vantage::core::Duration::Seconds(o.partition);
  scfg.retention = vantage::core::Duration::Seconds(o.retention);
  scfg.maxQueuedRows = o.maxQueued;
  if (!o.asTable.empty()) {
    auto t = PrefixTable::Load(o.asTable, PrefixTable::Value::kAsNumber);
    if (!t) return Fail(t.GetError());
    scfg.asTable = *t;
  }
  if (!o.countryTable.empty()) {
    auto t = PrefixTable::Load(o.countryTable, PrefixTable::Value::kCountryCode);
    if (!t) return Fail(t.GetError());
    scfg.countryTable = *t;
  }
  return 0;
}

// Cloud flow logs (--file/--format): each file is stored or, when it is not in that format
// at all, refused whole; malformed lines are listed (the first few) and counted.
int IngestFlowLogs(const CollectOptions& o, Store& store) {
  using namespace vantage;
  int rc = 0;
  for (size_t i = 0; i < o.flowLogFiles.size(); ++i) {
    const std::string& path = o.flowLogFiles[i];
    auto format =
        wire::flowlog::FileFormatFromName(o.flowLogFormats[o.flowLogFormats.size() == 1 ? 0 : i]);
    auto report = collector::IngestFlowLogFile(store, path, *format);
    if (!report) {
      std::cerr << "vantage collect: " << report.GetError().message << "\n";
      rc = 1;
      continue;
    }
    for (size_t e = 0; e < report->errors.size() && e < o.showErrors; ++e) {
      std::cerr << path << ":" << report->errors[e].line << ": " << report->errors[e].message
                << "\n";
    }
    if (report->malformed > o.showErrors) {
      std::cerr << path << ": ... and " << report->malformed - o.showErrors
                << " more malformed lines\n";
    }
    if (!o.quiet) {
      std::fprintf(stderr, "collect: %s: %llu records stored, %llu malformed lines skipped\n",
                   path.c_str(), static_cast<unsigned long long>(report->records),
                   static_cast<unsigned long long>(report->malformed));
    }
  }
  return rc;
}

// File inputs (--ipfix-file; further file formats are read here too), before listening.
// Returns an exit status; a bad file is reported and the others are still read.
int IngestFiles(const CollectOptions& o, CollectingProcess& cp, Store* store) {
  int rc = 0;
  // Files can wait for the store writer; a UDP receive path drops (counted) instead.
  if (store) store->SetWaitWhenFull(true);
  for (const auto& f : o.ipfixFiles) {
    auto st = cp.ReadIpfixFile(f);
    if (!st) rc = Fail(st.GetError());
  }
  if (store && !o.flowLogFiles.empty() && IngestFlowLogs(o, *store) != 0) rc = 1;
  if (store) {
    (void)store->Commit();  // the files' last rows, while waiting is still allowed
    store->SetWaitWhenFull(false);
  }
  return rc;
}

// One status line: records and their rate since the last line, exporters, loss, drops.
void PrintStatus(const CollectingProcess& cp, const Store* store, double secs,
                 uint64_t lastRecords) {
  const auto& s = cp.Stats();
  uint64_t lost = 0;
  uint64_t expected = 0;
  for (const auto& l : cp.Loss()) {
    lost += l.lost;
    expected += l.expected;
  }
  std::fprintf(stderr,
               "collect: %llu records (%.0f/s), %zu exporters, %zu templates, loss %llu "
               "(%.2f%%), malformed %llu, no-template %llu, store queue full %llu\n",
               static_cast<unsigned long long>(s.records),
               static_cast<double>(s.records - lastRecords) / secs, cp.SessionCount(),
               cp.TemplateCount(), static_cast<unsigned long long>(lost),
               expected ? 100.0 * static_cast<double>(lost) / static_cast<double>(expected) : 0.0,
               static_cast<unsigned long long>(s.malformed),
               static_cast<unsigned long long>(s.droppedNoTemplate),
               static_cast<unsigned long long>(store ? store->DroppedRows() : 0));
}

// Called by the server about every 200 ms: commits, --duration, status lines.
class Ticker {
 public:
  Ticker(const CollectOptions& o, const CollectingProcess& cp, Store* store)
      : m_o(o), m_cp(cp), m_store(store) {
    m_start = m_lastStatus = m_lastCommit = vantage::collector::WallClockNow();
  }
  void operator()() {
    auto now = vantage::collector::WallClockNow();
    // Rows reach the store at least once a second, so queries see recent flows.
    if (m_store && (now - m_lastCommit).ToSeconds() >= 1) {
      m_lastCommit = now;
      (void)m_store->Commit();
    }
    if (m_o.duration > 0 && (now - m_start).ToSeconds() >= m_o.duration) g_stop.store(true);
    if (m_o.quiet || m_o.statusInterval <= 0 ||
        (now - m_lastStatus).ToSeconds() < m_o.statusInterval) {
      return;
    }
    PrintStatus(m_cp, m_store, (now - m_lastStatus).ToSeconds(), m_lastRecords);
    m_lastRecords = m_cp.Stats().records;
    m_lastStatus = now;
  }

 private:
  const CollectOptions& m_o;
  const CollectingProcess& m_cp;
  Store* m_store;
  vantage::core::Timestamp m_start, m_lastStatus, m_lastCommit;
  uint64_t m_lastRecords = 0;
};

// --listen: receives until a signal or --duration; returns an exit status.
int Listen(const CollectOptions& o, CollectingProcess& cp, Store* store) {
  using namespace vantage::collector;
  Server server(&cp);
  for (const auto& l : o.listen) {
    auto st = server.AddListener(l);
    if (!st) return Fail(st.GetError());
  }
  for (size_t i = 0; i < o.listen.size(); ++i) {
    if (!o.quiet) {
      auto spec = ParseListenSpec(o.listen[i]);
      spec->port = server.BoundPort(i);
      std::fprintf(stderr, "collect: listening on %s\n", spec->ToString().c_str());
    }
  }
  struct sigaction sa {};
  sa.sa_handler = OnStopSignal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
  Ticker ticker(o, cp, store);
  server.Run(g_stop, vantage::core::Duration::Millis(200), [&ticker] { ticker(); });
  return 0;
}

void PrintSummary(const CollectingProcess& cp, const Store* store, uint64_t partitions) {
  const auto& s = cp.Stats();
  std::fprintf(
      stderr,
      "collect: done: %llu datagrams/messages, %llu records, %llu options records, "
      "%llu templates, %llu malformed, %llu dropped without template, %llu anomalies\n",
      static_cast<unsigned long long>(s.datagrams), static_cast<unsigned long long>(s.records),
      static_cast<unsigned long long>(s.optionsRecords),
      static_cast<unsigned long long>(s.templates), static_cast<unsigned long long>(s.malformed),
      static_cast<unsigned long long>(s.droppedNoTemplate),
      static_cast<unsigned long long>(s.anomalies.Total()));
  for (const auto& [name, n] : s.anomalies.All()) {
    std::fprintf(stderr, "  anomaly %s: %llu\n", name.c_str(), static_cast<unsigned long long>(n));
  }
  if (store) {
    std::fprintf(stderr,
                 "  store: %llu partitions written, %llu records lost to a full writer queue\n",
                 static_cast<unsigned long long>(partitions),
                 static_cast<unsigned long long>(store->DroppedRows()));
  }
  if (!cp.LastError().empty()) std::fprintf(stderr, "  last error: %s\n", cp.LastError().c_str());
  PrintLoss(cp);
}

// Flushes the collecting process, closes the store and prints the summary; an exit status.
int Shutdown(const CollectOptions& o, CollectingProcess& cp, Store* store) {
  int rc = 0;
  cp.Flush();
  uint64_t partitions = 0;
  if (store) {
    auto st = store->Close();
    partitions = store->PartitionCount();
    if (!st) rc = Fail(st.GetError());
  }
  // The IPFIX summary only when there was IPFIX or NetFlow to read (flow logs report per file).
  if (!o.quiet && (!o.listen.empty() || !o.ipfixFiles.empty())) PrintSummary(cp, store, partitions);
  if (cp.Stats().storeErrors > 0) rc = 1;
  return rc;
}

int RunCollect(const CollectOptions& o) {
  using namespace vantage::collector;
  if (o.listen.empty() && o.ipfixFiles.empty() && o.flowLogFiles.empty()) {
    std::cerr << "vantage collect: give at least one --listen, --ipfix-file or --file\n";
    return 2;
  }
  if (!o.flowLogFiles.empty() && o.flowLogFormats.size() != 1 &&
      o.flowLogFormats.size() != o.flowLogFiles.size()) {
    std::cerr << "vantage collect: --file needs --format aws-vpc, gcp-vpc or azure-vnet: once "
                 "for every file, or once per --file in the same order\n";
    return 2;
  }
  if (!o.flowLogFiles.empty() && o.db.empty()) {
    std::cerr << "vantage collect: --file needs --db\n";
    return 2;
  }
  StoreConfig scfg;
  if (int rc = MakeStoreConfig(o, scfg); rc != 0) return rc;
  std::unique_ptr<Store> store;
  if (!o.db.empty()) {
    auto s = Store::Open(o.db, scfg);
    if (!s) return Fail(s.GetError());
    store = std::move(*s);
  }
  CollectorConfig ccfg;
  ccfg.rescaleSampling = o.rescale;
  ccfg.templateLifetime = vantage::core::Duration::Seconds(o.templateLifetime);
  ccfg.archiveDir = o.archive;
  CollectingProcess cp(store.get(), ccfg);
  int rc = IngestFiles(o, cp, store.get());
  if (!o.listen.empty()) {
    if (int lrc = Listen(o, cp, store.get()); lrc != 0) return lrc;
  }
  int src = Shutdown(o, cp, store.get());
  return rc != 0 ? rc : src;
}

vantage::cli::Registrar reg{
    "collect",
    "Collect NetFlow v5/v9 and IPFIX (UDP, TCP, IPFIX files) and cloud flow logs (AWS, Google "
    "Cloud, Azure) into a SQLite store",
    [](CLI::App& app) {
      auto o = std::make_shared<CollectOptions>();
      app.add_option("--listen", o->listen,
                     "udp://HOST:PORT or tcp://HOST:PORT ([V6] in brackets); repeatable");
      app.add_option("--ipfix-file", o->ipfixFiles, "read IPFIX files (RFC 5655); repeatable");
      app.add_option("--file", o->flowLogFiles,
                     "read a cloud flow log (see --format); repeatable. A file not in that "
                     "format is refused whole; malformed lines are skipped and listed");
      app.add_option("--format", o->flowLogFormats,
                     "format of the --file logs: aws-vpc (VPC Flow Logs text with its header "
                     "line), gcp-vpc (Cloud Logging JSON lines) or azure-vnet (VNet flow log "
                     "JSON, version 4); once for all files or once per --file, in order")
          ->check(CLI::IsMember({"aws-vpc", "gcp-vpc", "azure-vnet"}));
      app.add_option("--show-errors", o->showErrors,
                     "malformed flow-log lines listed per file (the rest are counted)")
          ->capture_default_str();
      app.add_option("--db", o->db, "SQLite store to write (created if missing)");
      app.add_option("--archive", o->archive, "also archive raw IPFIX messages to this directory");
      app.add_option("--as-table", o->asTable,
                     "CSV prefix,AS table or MaxMind DB (GeoLite2-ASN.mmdb): fills AS numbers at "
                     "ingest");
      app.add_option("--country-table", o->countryTable,
                     "CSV prefix,country table or MaxMind DB (GeoLite2-Country.mmdb): fills "
                     "countries at ingest");
      app.add_option("--status-interval", o->statusInterval,
                     "seconds between status lines on stderr (0: none)");
      app.add_option("--template-lifetime", o->templateLifetime,
                     "UDP template lifetime in seconds (0: forever)");
      app.add_option("--duration", o->duration, "stop after this many seconds (0: until signal)");
      app.add_option("--batch", o->batch,
                     "flows per store block, one SQLite transaction each (at most 8192)");
      app.add_flag("--rescale-sampling", o->rescale,
                   "multiply packets and bytes by the announced sampling interval");
      app.add_flag("--sync-write", o->syncWrite, "write the store in the receive thread");
      app.add_option("--partition", o->partition,
                     "seconds of record time per store partition; a closed partition gets its "
                     "per-minute roll-ups in the background")
          ->capture_default_str();
      app.add_option("--retention", o->retention,
                     "drop partitions whose flows ended more than this many seconds before the "
                     "newest (0: keep everything)")
          ->capture_default_str();
      app.add_option("--max-queued", o->maxQueued,
                     "most flows waiting for the store writer (about 60 bytes each); beyond it "
                     "flows are dropped and counted")
          ->capture_default_str();
      app.add_flag("-q,--quiet", o->quiet, "no status output");
      return [o] { return RunCollect(*o); };
    },
    40};

}  // namespace
#endif  // VANTAGE_HAVE_collector
