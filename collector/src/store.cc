// SQLite flow store (see store.h; schema in docs/collector.md).
#include "vantage/collector/store.h"

#include <sqlite3.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <condition_variable>
#include <cstdlib>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>

#include "vantage/collector/prefix-table.h"

namespace vantage::collector {

namespace {

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS flows(
  start_ns INTEGER NOT NULL,
  end_ns INTEGER NOT NULL,
  ip_version INTEGER NOT NULL,
  src BLOB,
  dst BLOB,
  src_port INTEGER NOT NULL,
  dst_port INTEGER NOT NULL,
  protocol INTEGER NOT NULL,
  tos INTEGER NOT NULL,
  tcp_flags INTEGER NOT NULL,
  packets INTEGER NOT NULL,
  octets INTEGER NOT NULL,
  rev_packets INTEGER NOT NULL,
  rev_octets INTEGER NOT NULL,
  in_if INTEGER NOT NULL,
  out_if INTEGER NOT NULL,
  src_as INTEGER NOT NULL,
  dst_as INTEGER NOT NULL,
  icmp_type INTEGER NOT NULL,
  icmp_code INTEGER NOT NULL,
  vlan INTEGER NOT NULL,
  next_hop BLOB,
  min_ttl INTEGER NOT NULL,
  max_ttl INTEGER NOT NULL,
  src_mac BLOB,
  dst_mac BLOB,
  post_nat_src BLOB,
  post_nat_dst BLOB,
  post_nat_src_port INTEGER NOT NULL,
  post_nat_dst_port INTEGER NOT NULL,
  nat_event INTEGER NOT NULL,
  end_reason INTEGER NOT NULL,
  sampling INTEGER NOT NULL,
  exporter BLOB,
  obs_domain INTEGER NOT NULL,
  src_country TEXT,
  dst_country TEXT,
  sampling_unknown INTEGER NOT NULL DEFAULT 0,
  raw_elements TEXT
);
CREATE TABLE IF NOT EXISTS loss(
  exporter BLOB NOT NULL,
  exporter_text TEXT NOT NULL,
  port INTEGER NOT NULL,
  obs_domain INTEGER NOT NULL,
  version INTEGER NOT NULL,
  unit TEXT NOT NULL,
  expected INTEGER NOT NULL,
  received INTEGER NOT NULL,
  lost INTEGER NOT NULL,
  duplicates INTEGER NOT NULL,
  resets INTEGER NOT NULL,
  PRIMARY KEY(exporter, port, obs_domain, version)
);
CREATE TABLE IF NOT EXISTS exporter_options(
  exporter BLOB NOT NULL,
  exporter_text TEXT NOT NULL,
  port INTEGER NOT NULL,
  obs_domain INTEGER NOT NULL,
  sampling_interval INTEGER NOT NULL,
  system_init_ms INTEGER NOT NULL,
  exported_messages INTEGER NOT NULL,
  exported_records INTEGER NOT NULL,
  exported_octets INTEGER NOT NULL,
  dropped_packets INTEGER NOT NULL,
  ignored_packets INTEGER NOT NULL,
  PRIMARY KEY(exporter, port, obs_domain)
);
CREATE TABLE IF NOT EXISTS anomalies(name TEXT PRIMARY KEY, count INTEGER NOT NULL);
)sql";

constexpr const char* kInsert =
    "INSERT INTO flows VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,"
    "?,?,?,?,?)";

core::Error SqlError(sqlite3* db, const std::string& what) {
  return core::MakeError(core::ErrorCode::kIo,
                         what + ": " + (db ? sqlite3_errmsg(db) : "out of memory"));
}

// Elements no column holds, as JSON: [{"id":61,"pen":0,"hex":"01"},...]; NULL if none.
void BindRawElements(sqlite3_stmt* st, int i, const std::vector<core::RawElement>& raw) {
  if (raw.empty()) {
    sqlite3_bind_null(st, i);
    return;
  }
  static const char kHex[] = "0123456789abcdef";
  std::string json = "[";
  for (const auto& e : raw) {
    if (json.size() > 1) json += ',';
    json += "{\"id\":" + std::to_string(e.id) + ",\"pen\":" + std::to_string(e.enterprise) +
            ",\"hex\":\"";
    for (uint8_t b : e.bytes) {
      json += kHex[b >> 4];
      json += kHex[b & 15];
    }
    json += "\"}";
  }
  json += ']';
  sqlite3_bind_text(st, i, json.c_str(), static_cast<int>(json.size()), SQLITE_TRANSIENT);
}

void BindAddr(sqlite3_stmt* st, int i, const core::IpAddress& a) {
  if (a.IsSet()) {
    sqlite3_bind_blob(st, i, a.bytes.data(), static_cast<int>(a.Length()), SQLITE_STATIC);
  } else {
    sqlite3_bind_null(st, i);
  }
}

void BindMac(sqlite3_stmt* st, int i, const std::array<uint8_t, 6>& m) {
  bool any = false;
  for (auto b : m) any = any || b != 0;
  if (any) {
    sqlite3_bind_blob(st, i, m.data(), 6, SQLITE_STATIC);
  } else {
    sqlite3_bind_null(st, i);
  }
}

int64_t I(uint64_t v) {
  return static_cast<int64_t>(v);
}

}  // namespace

struct Store::Impl {
  std::vector<core::FlowRecord> pending;
  std::atomic<uint64_t> rows{0};
  // Async writer: tasks run in order on one thread (batches and bookkeeping writes alike, so
  // they never share a transaction).
  std::mutex mu;
  std::condition_variable cv;
  std::condition_variable idle;
  std::deque<std::function<void()>> tasks;
  bool busy = false;
  bool stop = false;
  std::thread worker;
  core::Status lastError;
};

Store::Store(std::string path, StoreConfig cfg)
    : m_path(std::move(path)), m_cfg(std::move(cfg)), m_impl(std::make_unique<Impl>()) {}

Store::~Store() {
  (void)Close();
}

core::Result<std::unique_ptr<Store>> Store::Open(const std::string& path, StoreConfig cfg) {
  std::unique_ptr<Store> s(new Store(path, std::move(cfg)));
  int rc =
      sqlite3_open_v2(path.c_str(), &s->m_db,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    auto err = SqlError(s->m_db, "cannot open database '" + path + "'");
    sqlite3_close(s->m_db);
    s->m_db = nullptr;
    return err;
  }
  sqlite3_busy_timeout(s->m_db, 5000);
  std::string pragmas = s->m_cfg.walMode ? "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
                                         : "PRAGMA synchronous=FULL;";
  pragmas += "PRAGMA cache_size=-65536;";
  char* msg = nullptr;
  if (sqlite3_exec(s->m_db, pragmas.c_str(), nullptr, nullptr, &msg) != SQLITE_OK ||
      sqlite3_exec(s->m_db, kSchema, nullptr, nullptr, &msg) != SQLITE_OK) {
    std::string text = msg ? msg : "unknown error";
    sqlite3_free(msg);
    sqlite3_close(s->m_db);
    s->m_db = nullptr;
    return core::MakeError(core::ErrorCode::kIo, "cannot create schema in '" + path + "': " + text);
  }
  std::string meta = "INSERT OR REPLACE INTO meta VALUES('schema_version','" +
                     std::to_string(kStoreSchemaVersion) + "');";
  sqlite3_exec(s->m_db, meta.c_str(), nullptr, nullptr, nullptr);
  if (sqlite3_prepare_v2(s->m_db, kInsert, -1, &s->m_insert, nullptr) != SQLITE_OK) {
    auto err = SqlError(s->m_db, "prepare insert");
    sqlite3_close(s->m_db);
    s->m_db = nullptr;
    return err;
  }
  if (s->m_cfg.asyncWrite) {
    Impl* impl = s->m_impl.get();
    impl->worker = std::thread([impl] {
      // The writer yields the CPU to the receive path (Linux: nice applies per thread).
      setpriority(PRIO_PROCESS, static_cast<id_t>(syscall(SYS_gettid)), 10);
      std::unique_lock<std::mutex> lock(impl->mu);
      for (;;) {
        impl->cv.wait(lock, [impl] { return impl->stop || !impl->tasks.empty(); });
        if (impl->tasks.empty() && impl->stop) break;
        auto task = std::move(impl->tasks.front());
        impl->tasks.pop_front();
        impl->busy = true;
        lock.unlock();
        task();
        lock.lock();
        impl->busy = false;
        if (impl->tasks.empty()) impl->idle.notify_all();
      }
    });
  }
  return s;
}

core::Status Store::WriteBatch(const std::vector<core::FlowRecord>& rows) {
  if (rows.empty()) return {};
  if (sqlite3_exec(m_db, "BEGIN", nullptr, nullptr, nullptr) != SQLITE_OK) {
    return SqlError(m_db, "begin transaction in '" + m_path + "'");
  }
  sqlite3_stmt* st = m_insert;
  for (const auto& r : rows) {
    const auto& k = r.key;
    int i = 1;
    sqlite3_bind_int64(st, i++, r.start.ns);
    sqlite3_bind_int64(st, i++, r.end.ns);
    sqlite3_bind_int(st, i++, k.src.family ? k.src.family : k.dst.family);
    BindAddr(st, i++, k.src);
    BindAddr(st, i++, k.dst);
    sqlite3_bind_int(st, i++, k.srcPort);
    sqlite3_bind_int(st, i++, k.dstPort);
    sqlite3_bind_int(st, i++, k.protocol);
    sqlite3_bind_int(st, i++, k.tos);
    sqlite3_bind_int(st, i++, r.tcpFlags);
    sqlite3_bind_int64(st, i++, I(r.packets));
    sqlite3_bind_int64(st, i++, I(r.octets));
    sqlite3_bind_int64(st, i++, I(r.reversePackets));
    sqlite3_bind_int64(st, i++, I(r.reverseOctets));
    sqlite3_bind_int64(st, i++, k.ingressInterface);
    sqlite3_bind_int64(st, i++, r.egressInterface);
    uint32_t srcAs = r.srcAs;
    uint32_t dstAs = r.dstAs;
    if (m_cfg.asTable) {
      if (srcAs == 0) {
        if (const auto* v = m_cfg.asTable->Lookup(k.src))
          srcAs = static_cast<uint32_t>(std::strtoul(v->c_str(), nullptr, 10));
      }
      if (dstAs == 0) {
        if (const auto* v = m_cfg.asTable->Lookup(k.dst))
          dstAs = static_cast<uint32_t>(std::strtoul(v->c_str(), nullptr, 10));
      }
    }
    sqlite3_bind_int64(st, i++, srcAs);
    sqlite3_bind_int64(st, i++, dstAs);
    sqlite3_bind_int(st, i++, r.icmpType);
    sqlite3_bind_int(st, i++, r.icmpCode);
    sqlite3_bind_int(st, i++, k.vlan);
    BindAddr(st, i++, r.nextHop);
    sqlite3_bind_int(st, i++, r.minTtl);
    sqlite3_bind_int(st, i++, r.maxTtl);
    BindMac(st, i++, r.srcMac);
    BindMac(st, i++, r.dstMac);
    BindAddr(st, i++, r.postNatSrc);
    BindAddr(st, i++, r.postNatDst);
    sqlite3_bind_int(st, i++, r.postNatSrcPort);
    sqlite3_bind_int(st, i++, r.postNatDstPort);
    sqlite3_bind_int(st, i++, static_cast<int>(r.natEvent));
    sqlite3_bind_int(st, i++, static_cast<int>(r.endReason));
    sqlite3_bind_int64(st, i++, r.samplingInterval);
    BindAddr(st, i++, r.exporter);
    sqlite3_bind_int64(st, i++, r.observationDomain);
    const std::string* sc = m_cfg.countryTable ? m_cfg.countryTable->Lookup(k.src) : nullptr;
    const std::string* dc = m_cfg.countryTable ? m_cfg.countryTable->Lookup(k.dst) : nullptr;
    if (sc)
      sqlite3_bind_text(st, i++, sc->c_str(), -1, SQLITE_STATIC);
    else
      sqlite3_bind_null(st, i++);
    if (dc)
      sqlite3_bind_text(st, i++, dc->c_str(), -1, SQLITE_STATIC);
    else
      sqlite3_bind_null(st, i++);
    sqlite3_bind_int(st, i++, r.samplingRateUnknown ? 1 : 0);
    BindRawElements(st, i++, r.rawElements);
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (rc != SQLITE_DONE) {
      auto err = SqlError(m_db, "insert into '" + m_path + "'");
      sqlite3_exec(m_db, "ROLLBACK", nullptr, nullptr, nullptr);
      return err;
    }
  }
  if (sqlite3_exec(m_db, "COMMIT", nullptr, nullptr, nullptr) != SQLITE_OK) {
    auto err = SqlError(m_db, "commit to '" + m_path + "'");
    sqlite3_exec(m_db, "ROLLBACK", nullptr, nullptr, nullptr);
    return err;
  }
  return {};
}

core::Status Store::Insert(const core::FlowRecord& r) {
  if (!m_db) return core::MakeError(core::ErrorCode::kIo, "store '" + m_path + "' is closed");
  m_impl->pending.push_back(r);
  m_impl->rows.fetch_add(1, std::memory_order_relaxed);
  if (m_impl->pending.size() >= m_cfg.batchSize) {
    if (m_cfg.asyncWrite) {
      auto batch = std::make_shared<std::vector<core::FlowRecord>>(std::move(m_impl->pending));
      m_impl->pending.clear();
      m_impl->pending.reserve(m_cfg.batchSize);
      std::lock_guard<std::mutex> lock(m_impl->mu);
      m_impl->tasks.push_back([this, batch] {
        auto st = WriteBatch(*batch);
        if (!st) {
          std::lock_guard<std::mutex> l(m_impl->mu);
          m_impl->lastError = st;
        }
      });
      m_impl->cv.notify_one();
      if (!m_impl->lastError) {
        auto err = m_impl->lastError;
        m_impl->lastError = core::Status();
        return err;
      }
      return {};
    }
    auto st = WriteBatch(m_impl->pending);
    m_impl->pending.clear();
    return st;
  }
  return {};
}

core::Status Store::Flush() {
  if (!m_db) return {};
  if (!m_cfg.asyncWrite) {
    auto st = WriteBatch(m_impl->pending);
    m_impl->pending.clear();
    return st;
  }
  auto batch = std::make_shared<std::vector<core::FlowRecord>>(std::move(m_impl->pending));
  m_impl->pending.clear();
  std::unique_lock<std::mutex> lock(m_impl->mu);
  m_impl->tasks.push_back([this, batch] {
    auto st = WriteBatch(*batch);
    if (!st) {
      std::lock_guard<std::mutex> l(m_impl->mu);
      m_impl->lastError = st;
    }
  });
  m_impl->cv.notify_one();
  m_impl->idle.wait(lock, [this] { return m_impl->tasks.empty() && !m_impl->busy; });
  auto err = m_impl->lastError;
  m_impl->lastError = core::Status();
  return err;
}

core::Status Store::BuildIndexes() {
  if (!m_db) return {};
  char* msg = nullptr;
  const char* sql =
      "CREATE INDEX IF NOT EXISTS flows_start ON flows(start_ns);"
      "CREATE INDEX IF NOT EXISTS flows_src ON flows(src);"
      "CREATE INDEX IF NOT EXISTS flows_dst ON flows(dst);";
  if (sqlite3_exec(m_db, sql, nullptr, nullptr, &msg) != SQLITE_OK) {
    std::string text = msg ? msg : "";
    sqlite3_free(msg);
    return core::MakeError(core::ErrorCode::kIo, "build indexes in '" + m_path + "': " + text);
  }
  return {};
}

core::Status Store::Close() {
  if (!m_db) return {};
  core::Status result = Flush();
  if (m_impl->worker.joinable()) {
    {
      std::lock_guard<std::mutex> lock(m_impl->mu);
      m_impl->stop = true;
    }
    m_impl->cv.notify_all();
    m_impl->worker.join();
  }
  if (m_cfg.buildIndexesOnClose) {
    auto st = BuildIndexes();
    if (result && !st) result = st;
  }
  sqlite3_finalize(m_insert);
  m_insert = nullptr;
  sqlite3_close(m_db);
  m_db = nullptr;
  return result;
}

uint64_t Store::RowCount() const {
  return m_impl->rows.load(std::memory_order_relaxed);
}

core::Status Store::SaveLoss(const std::vector<LossReport>& loss) {
  if (!m_db) return core::MakeError(core::ErrorCode::kIo, "store '" + m_path + "' is closed");
  VANTAGE_RETURN_IF_ERROR(Flush());
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v2(m_db, "INSERT OR REPLACE INTO loss VALUES(?,?,?,?,?,?,?,?,?,?,?)", -1, &st,
                         nullptr) != SQLITE_OK) {
    return SqlError(m_db, "prepare loss");
  }
  sqlite3_exec(m_db, "BEGIN", nullptr, nullptr, nullptr);
  for (const auto& l : loss) {
    std::string text = l.exporter.ToString();
    BindAddr(st, 1, l.exporter);
    if (!l.exporter.IsSet()) sqlite3_bind_blob(st, 1, "", 0, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, text.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(st, 3, l.port);
    sqlite3_bind_int64(st, 4, l.observationDomain);
    sqlite3_bind_int(st, 5, l.version);
    sqlite3_bind_text(st, 6, l.unit, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 7, I(l.expected));
    sqlite3_bind_int64(st, 8, I(l.received));
    sqlite3_bind_int64(st, 9, I(l.lost));
    sqlite3_bind_int64(st, 10, I(l.duplicates));
    sqlite3_bind_int64(st, 11, I(l.resets));
    sqlite3_step(st);
    sqlite3_reset(st);
  }
  sqlite3_finalize(st);
  if (sqlite3_exec(m_db, "COMMIT", nullptr, nullptr, nullptr) != SQLITE_OK) {
    auto err = SqlError(m_db, "save loss");
    sqlite3_exec(m_db, "ROLLBACK", nullptr, nullptr, nullptr);
    return err;
  }
  return {};
}

core::Status Store::SaveExporterOptions(const ExporterOptions& o) {
  if (!m_db) return core::MakeError(core::ErrorCode::kIo, "store '" + m_path + "' is closed");
  VANTAGE_RETURN_IF_ERROR(Flush());
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v2(m_db,
                         "INSERT OR REPLACE INTO exporter_options VALUES(?,?,?,?,?,?,?,?,?,?,?)",
                         -1, &st, nullptr) != SQLITE_OK) {
    return SqlError(m_db, "prepare exporter_options");
  }
  std::string text = o.exporter.ToString();
  BindAddr(st, 1, o.exporter);
  if (!o.exporter.IsSet()) sqlite3_bind_blob(st, 1, "", 0, SQLITE_STATIC);
  sqlite3_bind_text(st, 2, text.c_str(), -1, SQLITE_TRANSIENT);
  sqlite3_bind_int(st, 3, o.port);
  sqlite3_bind_int64(st, 4, o.observationDomain);
  sqlite3_bind_int64(st, 5, o.samplingInterval);
  sqlite3_bind_int64(st, 6, o.systemInitTimeMs);
  sqlite3_bind_int64(st, 7, I(o.exportedMessages));
  sqlite3_bind_int64(st, 8, I(o.exportedFlowRecords));
  sqlite3_bind_int64(st, 9, I(o.exportedOctets));
  sqlite3_bind_int64(st, 10, I(o.droppedPackets));
  sqlite3_bind_int64(st, 11, I(o.ignoredPackets));
  int rc = sqlite3_step(st);
  sqlite3_finalize(st);
  if (rc != SQLITE_DONE) return SqlError(m_db, "save exporter options");
  return {};
}

core::Status Store::SaveAnomalies(const std::vector<std::pair<std::string, uint64_t>>& counts) {
  if (!m_db) return core::MakeError(core::ErrorCode::kIo, "store '" + m_path + "' is closed");
  VANTAGE_RETURN_IF_ERROR(Flush());
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v2(m_db, "INSERT OR REPLACE INTO anomalies VALUES(?,?)", -1, &st, nullptr) !=
      SQLITE_OK) {
    return SqlError(m_db, "prepare anomalies");
  }
  sqlite3_exec(m_db, "BEGIN", nullptr, nullptr, nullptr);
  for (const auto& [name, n] : counts) {
    sqlite3_bind_text(st, 1, name.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 2, I(n));
    sqlite3_step(st);
    sqlite3_reset(st);
  }
  sqlite3_finalize(st);
  sqlite3_exec(m_db, "COMMIT", nullptr, nullptr, nullptr);
  return {};
}

}  // namespace vantage::collector
