// SQLite flow store in time partitions (see store.h; schema in store-schema.h and
// docs/collector.md).
#include "vantage/collector/store.h"

#include <sqlite3.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdlib>
#include <deque>
#include <functional>
#include <limits>
#include <mutex>
#include <set>
#include <thread>

#include "flow-block.h"
#include "rollup.h"
#include "store-schema.h"
#include "vantage/collector/flow-store-module.h"
#include "vantage/collector/prefix-table.h"

namespace vantage::collector {

namespace {

using detail::kBookkeepingSchema;

// Block partitions name the virtual table in `partitions.table_name`; older ones their table.
constexpr const char* kBlockTable = detail::kFlowStoreTable;
// A block is written when it holds this many rows (or at every commit, so that queries see
// recent rows): about 60 bytes a row, so blocks of about 0.5 MB.
constexpr size_t kBlockRows = 8192;
// The writer queue's byte bound per row of StoreConfig::maxQueuedRows (an IPFIX row is about 60).
constexpr size_t kBytesPerQueuedRow = 64;

// Terms of one compound SELECT in the `flows` view, under SQLite's default
// SQLITE_MAX_COMPOUND_SELECT (500): past it the view is a union of views of this many
// partitions each (the limit counts the terms of one statement, not of the views it reads).
constexpr size_t kViewTerms = 400;

// "start_ns, end_ns, ...": the flow columns by name, in kFlowColumns order.
const std::string& FlowColumnList() {
  static const std::string kList = [] {
    std::string out;
    for (const auto& c : detail::FlowColumns()) out += (out.empty() ? "" : ", ") + c.name;
    return out;
  }();
  return kList;
}

// A column added to an existing table: SQLite refuses NOT NULL without a default.
std::string AddedColumnDefinition(const detail::FlowColumn& c) {
  const bool notNull = c.definition.find("NOT NULL") != std::string::npos;
  const bool hasDefault = c.definition.find("DEFAULT") != std::string::npos;
  return notNull && !hasDefault ? c.definition + " DEFAULT 0" : c.definition;
}

core::Error SqlError(sqlite3* db, const std::string& what) {
  return core::MakeError(core::ErrorCode::kIo,
                         what + ": " + (db ? sqlite3_errmsg(db) : "out of memory"));
}

void BindAddr(sqlite3_stmt* st, int i, const core::IpAddress& a) {
  if (a.IsSet()) {
    sqlite3_bind_blob(st, i, a.bytes.data(), static_cast<int>(a.Length()), SQLITE_STATIC);
  } else {
    sqlite3_bind_null(st, i);
  }
}

int64_t I(uint64_t v) {
  return static_cast<int64_t>(v);
}

uint32_t LookupAs(const PrefixTable* table, uint32_t given, const core::IpAddress& a) {
  if (given != 0 || table == nullptr) return given;
  const auto* v = table->Lookup(a);
  return v ? static_cast<uint32_t>(std::strtoul(v->c_str(), nullptr, 10)) : 0;
}

}  // namespace

// A block handed to the writer: its rows and the partition's counts once they are written.
struct Store::BlockJob {
  int64_t partition = 0;
  int64_t seq = 0;
  std::vector<uint8_t> data;  ///< the block in its first `size` bytes
  size_t size = 0;
  size_t rows = 0;
  int64_t minStart = 0, maxStart = 0, minEnd = 0, maxEnd = 0;
  uint64_t partRows = 0;  ///< the partition's rows with this block
  int64_t firstStart = 0, lastEnd = 0;
};

// A closed partition: its roll-ups to write.
struct Store::CloseJob {
  int64_t partition = 0;
  int64_t clock = 0;  ///< the store's clock when it closed (for the retention)
  uint64_t partRows = 0;
  int64_t firstStart = 0, lastEnd = 0;
  detail::RollupBuilder rollup;
};

struct Store::Impl {
  std::atomic<uint64_t> rows{0};
  std::atomic<uint64_t> dropped{0};
  std::atomic<uint64_t> partitionsCreated{0};
  // Async writer: tasks run in order on one thread (blocks and bookkeeping writes alike, so
  // they never share a transaction). `queued` and `queuedBytes` (of queued blocks) bound the
  // queue.
  std::mutex mu;
  std::condition_variable cv;
  std::condition_variable idle;
  std::deque<std::function<void()>> tasks;
  std::atomic<size_t> queued{0};
  std::atomic<size_t> queuedBytes{0};
  bool busy = false;
  bool stop = false;
  std::thread worker;
  core::Status lastError;             ///< under `mu`
  std::atomic<bool> hasError{false};  ///< lastError is set (read without the lock per row)
  /// Emptied block buffers and roll-up builders the writer gives back (under `mu`): fresh
  /// ones would pay their page faults again for every block and partition.
  std::vector<std::vector<uint8_t>> spareBuffers;
  std::vector<detail::RollupBuilder> spareRollups;

  // Ingest state (the inserting thread): the open partition, its block and roll-ups.
  int64_t clock = std::numeric_limits<int64_t>::min();  ///< latest record end seen
  int64_t nextPartId = 1;
  int64_t partId = -1;  ///< open partition, -1 none
  int64_t partStart = 0;
  int64_t firstStart = std::numeric_limits<int64_t>::max();
  int64_t lastEnd = std::numeric_limits<int64_t>::min();
  uint64_t partRows = 0;
  int64_t blockSeq = 0;  ///< next block of the open partition
  detail::BlockWriter block;
  detail::RollupBuilder rollup;

  /// Tables whose columns are not kFlowColumns in order (written by an older schema and
  /// migrated): the view names their columns instead of `SELECT *`.
  std::set<std::string> reordered;
};

Store::Store(std::string path, StoreConfig cfg)
    : m_path(std::move(path)), m_cfg(std::move(cfg)), m_impl(std::make_unique<Impl>()) {}

Store::~Store() {
  (void)Close();
}

core::Status Store::Exec(const std::string& sql, const std::string& what) {
  char* msg = nullptr;
  if (sqlite3_exec(m_db, sql.c_str(), nullptr, nullptr, &msg) != SQLITE_OK) {
    std::string text = msg ? msg : "unknown error";
    sqlite3_free(msg);
    return core::MakeError(core::ErrorCode::kIo, what + " in '" + m_path + "': " + text);
  }
  return {};
}

core::Result<std::unique_ptr<Store>> Store::Open(const std::string& path, StoreConfig cfg) {
  std::unique_ptr<Store> s(new Store(path, std::move(cfg)));
  // No per-call mutex (37 binds per row each took it): the writer thread and the caller never
  // use the connection at once, since every bookkeeping write first waits for the writer.
  int rc =
      sqlite3_open_v2(path.c_str(), &s->m_db,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    auto err = SqlError(s->m_db, "cannot open database '" + path + "'");
    sqlite3_close(s->m_db);
    s->m_db = nullptr;
    return err;
  }
  sqlite3_busy_timeout(s->m_db, 5000);
  std::string pragmas = s->m_cfg.walMode ? "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
                                         : "PRAGMA synchronous=FULL;";
  pragmas += "PRAGMA cache_size=-16384;";
  EnableFlowStoreModule();
  RegisterFlowStoreModule(s->m_db);  // this connection was opened before any auto-extension
  core::Status st = s->Exec(pragmas, "cannot set pragmas");
  if (st) st = s->Exec(kBookkeepingSchema, "cannot create schema");
  if (st) st = s->AdoptExisting();
  if (st && sqlite3_prepare_v2(s->m_db, "INSERT INTO flow_blocks VALUES(?,?,?,?,?,?,?)", -1,
                               &s->m_insert, nullptr) != SQLITE_OK) {
    st = SqlError(s->m_db, "prepare block insert in '" + path + "'");
  }
  if (!st) {
    sqlite3_close(s->m_db);
    s->m_db = nullptr;
    return st.GetError();
  }
  std::string meta = "INSERT OR REPLACE INTO meta VALUES('schema_version','" +
                     std::to_string(kStoreSchemaVersion) + "');";
  sqlite3_exec(s->m_db, meta.c_str(), nullptr, nullptr, nullptr);
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

// A store written by an older version (one `flows` table) becomes partition 0; partitions left
// open by a killed collector are closed (their roll-ups died with it: queries scan them) and
// every closed partition without indexes gets them now.
core::Status Store::AdoptExisting() {
  sqlite3_stmt* q = nullptr;
  bool legacy = false;
  if (sqlite3_prepare_v2(m_db, "SELECT 1 FROM sqlite_master WHERE type='table' AND name='flows'",
                         -1, &q, nullptr) == SQLITE_OK) {
    legacy = sqlite3_step(q) == SQLITE_ROW;
  }
  sqlite3_finalize(q);
  if (legacy) {
    VANTAGE_RETURN_IF_ERROR(Exec(
        "BEGIN; ALTER TABLE flows RENAME TO flows_p0;"
        "INSERT INTO partitions(id, table_name, clock_start_ns, first_start_ns, last_end_ns, rows,"
        " closed) SELECT 0, 'flows_p0', coalesce(min(end_ns), 0), min(start_ns), max(end_ns),"
        " count(*), 1 FROM flows_p0; COMMIT;",
        "adopt version-1 flows table"));
  }
  // A block partition needs no index: its blocks' time bounds are written with them.
  VANTAGE_RETURN_IF_ERROR(Exec(std::string("UPDATE partitions SET closed = 1, indexed = indexed OR "
                                           "table_name = '") +
                                   kBlockTable + "' WHERE closed = 0;",
                               "close partitions"));
  std::vector<std::pair<int64_t, std::string>> unindexed;
  if (sqlite3_prepare_v2(m_db,
                         "SELECT id, table_name, indexed, coalesce(last_end_ns, 0) FROM partitions",
                         -1, &q, nullptr) == SQLITE_OK) {
    while (sqlite3_step(q) == SQLITE_ROW) {
      m_impl->clock = std::max<int64_t>(m_impl->clock, sqlite3_column_int64(q, 3));
      m_impl->nextPartId = std::max<int64_t>(m_impl->nextPartId, sqlite3_column_int64(q, 0) + 1);
      if (sqlite3_column_int(q, 2) == 0) {
        unindexed.emplace_back(sqlite3_column_int64(q, 0),
                               reinterpret_cast<const char*>(sqlite3_column_text(q, 1)));
      }
    }
  }
  sqlite3_finalize(q);
  for (const auto& [id, table] : unindexed) VANTAGE_RETURN_IF_ERROR(IndexPartition(id, table));
  VANTAGE_RETURN_IF_ERROR(Exec("BEGIN", "begin"));
  core::Status st;
  for (const auto& table : Names(std::string("SELECT table_name FROM partitions WHERE table_name "
                                             "<> '") +
                                 kBlockTable + "'")) {
    if (st) st = MigrateFlowTable(table);
  }
  if (st) st = RecreateView();
  (void)Exec(st ? "COMMIT" : "ROLLBACK", "commit view");
  return st;
}

std::vector<std::string> Store::Names(const std::string& sql) {
  std::vector<std::string> out;
  sqlite3_stmt* q = nullptr;
  if (sqlite3_prepare_v2(m_db, sql.c_str(), -1, &q, nullptr) == SQLITE_OK) {
    while (sqlite3_step(q) == SQLITE_ROW) {
      const auto* text = sqlite3_column_text(q, 0);
      out.emplace_back(text ? reinterpret_cast<const char*>(text) : "");
    }
  }
  sqlite3_finalize(q);
  return out;
}

// A table written before columns were added to kFlowColumns gets them (with their default, or
// 0 for a NOT NULL column without one); one whose columns then differ from kFlowColumns in
// order is remembered so that the view names its columns.
core::Status Store::MigrateFlowTable(const std::string& table) {
  const auto have = Names("SELECT name FROM pragma_table_info('" + table + "')");
  std::string alter;
  std::vector<std::string> after = have;
  for (const auto& c : detail::FlowColumns()) {
    if (std::find(have.begin(), have.end(), c.name) != have.end()) continue;
    alter += "ALTER TABLE " + table + " ADD COLUMN " + AddedColumnDefinition(c) + ";";
    after.push_back(c.name);
  }
  if (!alter.empty()) VANTAGE_RETURN_IF_ERROR(Exec(alter, "add columns to " + table));
  std::vector<std::string> want;
  for (const auto& c : detail::FlowColumns()) want.push_back(c.name);
  if (after != want) m_impl->reordered.insert(table);
  return {};
}

// Builds view `name` as the UNION ALL of `selects`; more than kViewTerms of them are split
// into views of kViewTerms (flows_v_0, flows_v_1, ...; past kViewTerms squared, flows_v_0_0
// ... below those) that `name` unites.
core::Status Store::CreateUnionView(const std::string& name,
                                    const std::vector<std::string>& selects) {
  std::vector<std::string> terms = selects;
  if (selects.size() > kViewTerms) {
    terms.clear();
    size_t per = kViewTerms;  // a power of kViewTerms: full views, at most kViewTerms of them
    while ((selects.size() + per - 1) / per > kViewTerms) per *= kViewTerms;
    const std::string prefix = name == "flows" ? "flows_v" : name;
    for (size_t i = 0; i * per < selects.size(); ++i) {
      const size_t end = std::min(selects.size(), (i + 1) * per);
      std::vector<std::string> group(selects.begin() + static_cast<std::ptrdiff_t>(i * per),
                                     selects.begin() + static_cast<std::ptrdiff_t>(end));
      const std::string child = prefix + "_" + std::to_string(i);
      VANTAGE_RETURN_IF_ERROR(CreateUnionView(child, group));
      terms.push_back("SELECT * FROM " + child);
    }
  }
  std::string view = "CREATE VIEW " + name + " AS ";
  for (size_t i = 0; i < terms.size(); ++i) view += (i ? " UNION ALL " : "") + terms[i];
  return Exec(view, "create view " + name);
}

// The `flows` view: the tables of partitions older than the block store, oldest first (see
// CreateUnionView past kViewTerms), then every block partition through `flow_store`.
core::Status Store::RecreateView() {
  const auto tables = Names(std::string("SELECT table_name FROM partitions WHERE table_name <> '") +
                            kBlockTable + "' ORDER BY id");
  std::string drop = "DROP VIEW IF EXISTS flows;";
  for (const auto& v : Names("SELECT name FROM sqlite_master WHERE type = 'view' AND name LIKE "
                             "'flows\\_v\\_%' ESCAPE '\\'")) {
    drop += "DROP VIEW IF EXISTS " + v + ";";
  }
  VANTAGE_RETURN_IF_ERROR(Exec(drop, "drop view flows"));
  std::vector<std::string> selects;
  for (const auto& t : tables) {
    const bool named = m_impl->reordered.count(t) > 0;
    selects.push_back("SELECT " + (named ? FlowColumnList() : std::string("*")) + " FROM " + t);
  }
  selects.push_back(std::string("SELECT * FROM ") + kBlockTable);
  return CreateUnionView("flows", selects);
}

// --- writer side: SQL only, in the order the inserting thread submitted ---

core::Status Store::WriteOpen(int64_t id, int64_t clockStart) {
  return Exec("INSERT INTO partitions(id, table_name, clock_start_ns) VALUES(" +
                  std::to_string(id) + ",'" + kBlockTable + "'," + std::to_string(clockStart) +
                  ");",
              "create partition " + std::to_string(id));
}

// One block and the partition's counts, in one transaction.
core::Status Store::WriteBlock(const BlockJob& job) {
  const std::string part = "partition " + std::to_string(job.partition);
  VANTAGE_RETURN_IF_ERROR(Exec("BEGIN", "begin transaction"));
  sqlite3_bind_int64(m_insert, 1, detail::BlockId(job.partition, job.seq));
  sqlite3_bind_int64(m_insert, 2, static_cast<int64_t>(job.rows));
  sqlite3_bind_int64(m_insert, 3, job.minStart);
  sqlite3_bind_int64(m_insert, 4, job.maxStart);
  sqlite3_bind_int64(m_insert, 5, job.minEnd);
  sqlite3_bind_int64(m_insert, 6, job.maxEnd);
  sqlite3_bind_blob64(m_insert, 7, job.data.data(), job.size, SQLITE_STATIC);
  const int rc = sqlite3_step(m_insert);
  sqlite3_reset(m_insert);
  core::Status st;
  if (rc != SQLITE_DONE) st = SqlError(m_db, "write a block of " + part + " in '" + m_path + "'");
  if (st) {
    st = Exec("UPDATE partitions SET rows = " + std::to_string(job.partRows) +
                  ", first_start_ns = " + std::to_string(job.firstStart) + ", last_end_ns = " +
                  std::to_string(job.lastEnd) + " WHERE id = " + std::to_string(job.partition),
              "count the rows of " + part);
  }
  if (st) st = Exec("COMMIT", "commit");
  if (!st) sqlite3_exec(m_db, "ROLLBACK", nullptr, nullptr, nullptr);
  return st;
}

// The partition's roll-ups, and it is closed; then the retention.
core::Status Store::WriteClose(CloseJob& job) {
  const std::string part = "partition " + std::to_string(job.partition);
  VANTAGE_RETURN_IF_ERROR(Exec("BEGIN", "begin transaction"));
  std::string error;
  core::Status st;
  if (!job.rollup.Write(m_db, job.partition, error)) {
    st = core::MakeError(core::ErrorCode::kIo,
                         "roll-ups of " + part + " in '" + m_path + "': " + error);
  }
  const bool any = job.partRows > 0;
  if (st) {
    st = Exec("UPDATE partitions SET closed = 1, rolled_up = 1, indexed = 1, rows = " +
                  std::to_string(job.partRows) +
                  ", first_start_ns = " + (any ? std::to_string(job.firstStart) : "NULL") +
                  ", last_end_ns = " + (any ? std::to_string(job.lastEnd) : "NULL") +
                  " WHERE id = " + std::to_string(job.partition),
              "close " + part);
  }
  if (st) st = Exec("COMMIT", "commit");
  if (!st) {
    sqlite3_exec(m_db, "ROLLBACK", nullptr, nullptr, nullptr);
    return st;
  }
  return ApplyRetention(job.clock);
}

// --- inserting side ---

// Runs `task` on the writer (queued, `rows` and `bytes` counted against the bound) or, in sync
// mode, now.
void Store::Submit(std::function<core::Status()> task, size_t rows, size_t bytes) {
  Impl& d = *m_impl;
  if (!m_cfg.asyncWrite) {
    auto st = task();
    if (!st) {
      d.lastError = st;
      d.hasError.store(true, std::memory_order_release);
    }
    return;
  }
  {
    std::lock_guard<std::mutex> lock(d.mu);
    d.queued.fetch_add(rows, std::memory_order_relaxed);
    d.queuedBytes.fetch_add(bytes, std::memory_order_relaxed);
    d.tasks.push_back([this, task = std::move(task), rows, bytes] {
      auto st = task();
      std::lock_guard<std::mutex> l(m_impl->mu);
      m_impl->queued.fetch_sub(rows, std::memory_order_relaxed);
      m_impl->queuedBytes.fetch_sub(bytes, std::memory_order_relaxed);
      if (!st) {
        m_impl->lastError = st;
        m_impl->hasError.store(true, std::memory_order_release);
      }
      m_impl->idle.notify_all();  // a producer waiting for room
    });
  }
  d.cv.notify_one();
}

core::Status Store::TakeError() {
  if (!m_impl->hasError.load(std::memory_order_acquire)) return {};
  std::lock_guard<std::mutex> lock(m_impl->mu);
  m_impl->hasError.store(false, std::memory_order_relaxed);
  auto err = m_impl->lastError;
  m_impl->lastError = core::Status();
  return err;
}

// Whether one more row fits under the bound: rows waiting for the writer plus the block being
// filled, and as many times kBytesPerQueuedRow bytes (wide rows, such as flow logs with their
// native JSON, would otherwise queue several hundred MB). Checked before a row is rolled up, so
// that the roll-ups count exactly the rows kept.
bool Store::HasRoom() {
  if (!m_cfg.asyncWrite) return true;
  Impl& d = *m_impl;
  auto fits = [&] {
    const size_t waiting = d.queued.load(std::memory_order_relaxed) + d.block.Rows();
    const size_t bytes = d.queuedBytes.load(std::memory_order_relaxed) + d.block.Bytes();
    return waiting < m_cfg.maxQueuedRows && bytes < m_cfg.maxQueuedRows * kBytesPerQueuedRow;
  };
  if (fits()) return true;
  if (!m_cfg.waitWhenFull) return false;
  HandOffBlock();  // the writer must have it before waiting can end
  std::unique_lock<std::mutex> lock(d.mu);
  d.idle.wait(lock, fits);
  return true;
}

void Store::StartPartition() {
  Impl& d = *m_impl;
  const int64_t interval = std::max<int64_t>(m_cfg.partitionInterval.ns, 1);
  d.partId = d.nextPartId++;
  d.partStart = d.clock >= 0 ? d.clock / interval * interval : d.clock;
  d.firstStart = std::numeric_limits<int64_t>::max();
  d.lastEnd = std::numeric_limits<int64_t>::min();
  d.partRows = 0;
  d.blockSeq = 0;
  {
    std::lock_guard<std::mutex> lock(d.mu);
    if (!d.spareRollups.empty()) {
      d.rollup = std::move(d.spareRollups.back());
      d.spareRollups.pop_back();
    }
  }
  Submit([this, id = d.partId, start = d.partStart] { return WriteOpen(id, start); }, 0, 0);
  d.partitionsCreated.fetch_add(1, std::memory_order_relaxed);
}

// The open block to the writer (the rows in it become visible once it is written).
void Store::HandOffBlock() {
  Impl& d = *m_impl;
  if (d.partId < 0 || d.block.Rows() == 0) return;
  auto job = std::make_shared<BlockJob>();
  job->partition = d.partId;
  job->seq = d.blockSeq++;
  job->rows = d.block.Rows();
  job->minStart = d.block.MinStart();
  job->maxStart = d.block.MaxStart();
  job->minEnd = d.block.MinEnd();
  job->maxEnd = d.block.MaxEnd();
  job->partRows = d.partRows;
  job->firstStart = d.firstStart;
  job->lastEnd = d.lastEnd;
  std::vector<uint8_t> spare;
  {
    std::lock_guard<std::mutex> lock(d.mu);
    if (!d.spareBuffers.empty()) {
      spare = std::move(d.spareBuffers.back());
      d.spareBuffers.pop_back();
    }
  }
  job->size = d.block.Bytes();
  job->data = d.block.Take(std::move(spare));
  Submit(
      [this, job] {
        auto st = WriteBlock(*job);
        std::lock_guard<std::mutex> lock(m_impl->mu);
        if (m_impl->spareBuffers.size() < 4) m_impl->spareBuffers.push_back(std::move(job->data));
        return st;
      },
      job->rows, job->size);
}

// Closes the open partition: its last block and its roll-ups to the writer.
void Store::FinishPartition() {
  Impl& d = *m_impl;
  if (d.partId < 0) return;
  HandOffBlock();
  auto job = std::make_shared<CloseJob>();
  job->partition = d.partId;
  job->partRows = d.partRows;
  job->firstStart = d.firstStart;
  job->lastEnd = d.lastEnd;
  job->clock = d.clock;
  job->rollup = std::move(d.rollup);
  d.rollup = detail::RollupBuilder();
  Submit(
      [this, job] {
        auto st = WriteClose(*job);
        std::lock_guard<std::mutex> lock(m_impl->mu);
        if (st && m_impl->spareRollups.empty()) {
          m_impl->spareRollups.push_back(std::move(job->rollup));
        }
        return st;
      },
      0, 0);
  d.partId = -1;
}

// A partition table written before the block store.
core::Status Store::IndexPartition(int64_t id, const std::string& t) {
  return Exec("BEGIN; CREATE INDEX IF NOT EXISTS " + t + "_start ON " + t +
                  "(start_ns); CREATE INDEX IF NOT EXISTS " + t + "_src ON " + t +
                  "(src); CREATE INDEX IF NOT EXISTS " + t + "_dst ON " + t +
                  "(dst); UPDATE partitions SET indexed = 1 WHERE id = " + std::to_string(id) +
                  "; COMMIT;",
              "build indexes of " + t);
}

core::Status Store::ApplyRetention(int64_t clock) {
  if (m_cfg.retention.ns <= 0 || clock == std::numeric_limits<int64_t>::min()) return {};
  const int64_t cut = clock - m_cfg.retention.ns;
  std::vector<std::pair<int64_t, std::string>> old;
  sqlite3_stmt* q = nullptr;
  if (sqlite3_prepare_v2(m_db,
                         "SELECT id, table_name FROM partitions WHERE closed = 1 AND "
                         "coalesce(last_end_ns, clock_start_ns) < ?",
                         -1, &q, nullptr) == SQLITE_OK) {
    sqlite3_bind_int64(q, 1, cut);
    while (sqlite3_step(q) == SQLITE_ROW) {
      old.emplace_back(sqlite3_column_int64(q, 0),
                       reinterpret_cast<const char*>(sqlite3_column_text(q, 1)));
    }
  }
  sqlite3_finalize(q);
  if (old.empty()) return {};
  std::string sql = "BEGIN;";
  for (const auto& [id, table] : old) {
    const std::string n = std::to_string(id);
    sql += table == kBlockTable
               ? "DELETE FROM flow_blocks WHERE " + detail::BlocksOfPartition(n) + ";"
               : "DROP TABLE IF EXISTS " + table + ";";
    sql += "DELETE FROM partitions WHERE id = " + n +
           "; DELETE FROM rollups WHERE partition = " + n + ";";
  }
  VANTAGE_RETURN_IF_ERROR(Exec(sql, "drop expired partitions"));
  auto st = RecreateView();
  (void)Exec(st ? "COMMIT" : "ROLLBACK", "commit retention");
  return st;
}

core::Status Store::Insert(const core::FlowRecord& r) {
  return Insert(core::FlowRecord(r));
}

core::Status Store::Insert(core::FlowRecord&& r) {
  if (!m_db) return core::MakeError(core::ErrorCode::kIo, "store '" + m_path + "' is closed");
  Impl& d = *m_impl;
  if (!HasRoom()) {
    // The writer is behind (disk): the flow is lost, and counted.
    d.dropped.fetch_add(1, std::memory_order_relaxed);
    return TakeError();
  }
  d.clock = std::max(d.clock, r.end.ns);
  const int64_t interval = std::max<int64_t>(m_cfg.partitionInterval.ns, 1);
  if (d.partId >= 0 && d.clock - d.partStart >= interval) FinishPartition();
  if (d.partId < 0) StartPartition();
  const PrefixTable* asTable = m_cfg.asTable.get();
  const PrefixTable* countries = m_cfg.countryTable.get();
  detail::RollupRow row;
  row.record = &r;
  row.srcAs = LookupAs(asTable, r.srcAs, r.key.src);
  row.dstAs = LookupAs(asTable, r.dstAs, r.key.dst);
  row.srcCountry = countries ? countries->Lookup(r.key.src) : nullptr;
  row.dstCountry = countries ? countries->Lookup(r.key.dst) : nullptr;
  d.block.Append(row);
  d.rollup.Add(row);
  d.firstStart = std::min(d.firstStart, r.start.ns);
  d.lastEnd = std::max(d.lastEnd, r.end.ns);
  ++d.partRows;
  d.rows.fetch_add(1, std::memory_order_relaxed);
  if (d.block.Rows() >= std::min(m_cfg.batchSize, kBlockRows)) HandOffBlock();
  return TakeError();
}

core::Status Store::Commit() {
  if (!m_db) return {};
  HandOffBlock();
  return TakeError();
}

core::Status Store::Flush() {
  if (!m_db) return {};
  HandOffBlock();
  if (m_cfg.asyncWrite) {
    std::unique_lock<std::mutex> lock(m_impl->mu);
    m_impl->idle.wait(lock, [this] { return m_impl->tasks.empty() && !m_impl->busy; });
  }
  return TakeError();
}

core::Status Store::Close() {
  if (!m_db) return {};
  FinishPartition();
  core::Status result = Flush();
  if (m_impl->worker.joinable()) {
    {
      std::lock_guard<std::mutex> lock(m_impl->mu);
      m_impl->stop = true;
    }
    m_impl->cv.notify_all();
    m_impl->worker.join();
  }
  core::Status st;
  if (const uint64_t lost = DroppedRows(); lost > 0) {
    st = Exec(
        "INSERT OR REPLACE INTO anomalies VALUES('store.queue_full', " + std::to_string(lost) + ")",
        "count dropped rows");
  }
  if (result && !st) result = st;
  sqlite3_finalize(m_insert);
  m_insert = nullptr;
  sqlite3_close(m_db);
  m_db = nullptr;
  return result;
}

uint64_t Store::RowCount() const {
  return m_impl->rows.load(std::memory_order_relaxed);
}

uint64_t Store::DroppedRows() const {
  return m_impl->dropped.load(std::memory_order_relaxed);
}

uint64_t Store::PartitionCount() const {
  return m_impl->partitionsCreated.load(std::memory_order_relaxed);
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
  return WriteAnomalies("INSERT OR REPLACE INTO anomalies VALUES(?,?)", counts);
}

core::Status Store::AddAnomalies(const std::vector<std::pair<std::string, uint64_t>>& counts) {
  return WriteAnomalies(
      "INSERT INTO anomalies VALUES(?,?) ON CONFLICT(name) DO UPDATE SET count = count + "
      "excluded.count",
      counts);
}

core::Status Store::WriteAnomalies(const char* sql,
                                   const std::vector<std::pair<std::string, uint64_t>>& counts) {
  if (!m_db) return core::MakeError(core::ErrorCode::kIo, "store '" + m_path + "' is closed");
  VANTAGE_RETURN_IF_ERROR(Flush());
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v2(m_db, sql, -1, &st, nullptr) != SQLITE_OK) {
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
