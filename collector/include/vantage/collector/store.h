// The SQLite flow store: one file, WAL mode, flows written in batched transactions as blocks of
// compact binary rows (about 60 bytes a flow, table `flow_blocks`) in time partitions (a new
// one every interval of record time, default 5 minutes), read as rows through the `flow_store`
// virtual table and the `flows` view (flow-store-module.h). When a partition closes, its
// per-minute roll-ups are written on the writer thread, so the receive path never waits and a
// store that runs for days stays fast to query; blocks carry their time bounds, so a time
// condition skips the others. Old partitions are dropped after the retention. Loss accounting,
// exporter and options (sampling, exporter statistics) rows live beside the flows.
// Schema: docs/collector.md.
//
//   StoreConfig cfg;
//   cfg.asyncWrite = true;
//   cfg.retention = core::Duration::Seconds(7 * 86400);
//   auto store = Store::Open("flows.sqlite", cfg);
//   if (!store) { std::cerr << store.GetError().ToString(); }
//   (*store)->Insert(record);    // queued; DroppedRows() counts what a full queue refused
//   (*store)->Commit();          // hand pending rows to the writer now (visible soon)
//   (*store)->Flush();           // commit and wait
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "vantage/core/flow.h"
#include "vantage/core/result.h"
#include "vantage/core/time.h"

struct sqlite3;
struct sqlite3_stmt;

namespace vantage::collector {

class PrefixTable;

/// @brief Store tuning.
struct StoreConfig {
  /// Flows per block (one transaction each; at most 8,192): a full block goes to the writer.
  size_t batchSize = 50000;
  bool walMode = true;  ///< journal_mode=WAL, synchronous=NORMAL
  /// Record time per partition: a partition closes when a record ends this much after the
  /// partition's first record (the store's clock is the latest record end, not the wall).
  core::Duration partitionInterval = core::Duration::Seconds(300);
  /// Partitions whose last record ended longer ago than this (by the store's clock) are
  /// dropped, with their roll-ups; 0 keeps everything.
  core::Duration retention{};
  /// Async mode: most flows waiting for the writer (the block being filled included), and at
  /// most 64 bytes of blocks per flow of it (an IPFIX flow takes about 60; wider flow-log rows
  /// meet the byte bound first); a flow that would pass either is dropped and counted
  /// (DroppedRows), before it is rolled up.
  size_t maxQueuedRows = 1000000;
  /// Async mode, queue full: wait for the writer instead of dropping (for inputs that can
  /// wait, such as files; a UDP receive path must not).
  bool waitWhenFull = false;
  /// Write in a background thread: Insert encodes the flow into the open block and its
  /// roll-ups, and only full blocks go to the writer (the receive path never waits for the
  /// disk). Flush waits until everything queued is committed.
  bool asyncWrite = false;
  /// Enrichment at ingest: fills src/dst AS (when 0) and country from these tables.
  std::shared_ptr<const PrefixTable> asTable;
  std::shared_ptr<const PrefixTable> countryTable;
};

/// @brief Sequence-number loss accounting of one exporter + observation domain.
struct LossReport {
  core::IpAddress exporter;
  uint16_t port = 0;
  uint32_t observationDomain = 0;
  uint16_t version = 0;     ///< 5, 9 or 10
  const char* unit = "";    ///< "flows", "messages" or "records"
  uint64_t expected = 0;    ///< units the sequence numbers say were sent
  uint64_t received = 0;    ///< units received
  uint64_t lost = 0;        ///< expected - received, never negative
  uint64_t duplicates = 0;  ///< received more than once (or out of the expected range)
  uint64_t resets = 0;      ///< sequence restarts (exporter restart)
};

/// @brief What one exporter told us in options records (RFC 7011 section 4).
struct ExporterOptions {
  core::IpAddress exporter;
  uint16_t port = 0;
  uint32_t observationDomain = 0;
  uint32_t samplingInterval = 0;  ///< 1-in-N, 0 unknown
  int64_t systemInitTimeMs = 0;
  uint64_t exportedMessages = 0;     ///< exportedMessageTotalCount
  uint64_t exportedFlowRecords = 0;  ///< exportedFlowRecordTotalCount
  uint64_t exportedOctets = 0;       ///< exportedOctetTotalCount
  uint64_t droppedPackets = 0;       ///< droppedPacketTotalCount / notSent... totals
  uint64_t ignoredPackets = 0;       ///< ignoredPacketTotalCount
};

/// @brief SQLite flow store.
class Store {
 public:
  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  /// @brief Opens or creates the database; creates the schema. Errors name the path.
  static core::Result<std::unique_ptr<Store>> Open(const std::string& path, StoreConfig cfg = {});
  /// @brief Queues one flow; committed in transactions of cfg.batchSize rows.
  core::Status Insert(const core::FlowRecord& r);
  /// @brief As Insert(const FlowRecord&), taking the record (no copy of its raw elements).
  core::Status Insert(core::FlowRecord&& r);
  /// @brief Commits pending rows (waits for the writer thread in async mode).
  core::Status Flush();
  /// @brief Flushes, builds indexes if configured, closes the database.
  core::Status Close();
  /// @brief Hands pending rows to the writer without waiting (async mode), or commits them
  /// (sync mode): call it on a timer so that queries see recent rows.
  core::Status Commit();
  /// @brief Rows committed or queued so far by this Store (dropped rows not included).
  uint64_t RowCount() const;
  /// @brief Whether a full writer queue makes Insert wait (true) or drop (false).
  void SetWaitWhenFull(bool wait) { m_cfg.waitWhenFull = wait; }
  /// @brief Rows refused because the writer's queue was full (async mode).
  uint64_t DroppedRows() const;
  /// @brief Partitions created by this Store so far.
  uint64_t PartitionCount() const;

  /// @brief Replaces the loss-accounting rows (one per exporter + domain).
  core::Status SaveLoss(const std::vector<LossReport>& loss);
  /// @brief Upserts what an exporter's options records said.
  core::Status SaveExporterOptions(const ExporterOptions& opts);
  /// @brief Upserts a row in the anomalies table (name -> count).
  core::Status SaveAnomalies(const std::vector<std::pair<std::string, uint64_t>>& counts);
  /// @brief Adds to rows of the anomalies table (a count kept across runs and files).
  core::Status AddAnomalies(const std::vector<std::pair<std::string, uint64_t>>& counts);

  const std::string& Path() const { return m_path; }
  /// @brief The connection (opened without SQLite's per-call mutex): use it only after Flush(),
  /// from the thread that inserts, while the writer is idle.
  sqlite3* Db() { return m_db; }

 private:
  core::Status WriteAnomalies(const char* sql,
                              const std::vector<std::pair<std::string, uint64_t>>& counts);
  struct Impl;
  Store(std::string path, StoreConfig cfg);
  struct BlockJob;
  struct CloseJob;
  // The inserting thread: rows become block rows and roll-ups here; the writer gets blocks.
  bool HasRoom();
  void StartPartition();
  void FinishPartition();
  void HandOffBlock();
  void Submit(std::function<core::Status()> task, size_t rows, size_t bytes);
  core::Status TakeError();
  // The writer (its thread, or the inserting thread in sync mode): SQL only.
  core::Status WriteOpen(int64_t id, int64_t clockStart);
  core::Status WriteBlock(const BlockJob& job);
  core::Status WriteClose(CloseJob& job);
  core::Status IndexPartition(int64_t id, const std::string& table);
  core::Status ApplyRetention(int64_t clock);
  core::Status RecreateView();
  core::Status CreateUnionView(const std::string& name, const std::vector<std::string>& selects);
  core::Status MigrateFlowTable(const std::string& table);
  /// @brief The first column of every row of `sql` (empty on an error).
  std::vector<std::string> Names(const std::string& sql);
  core::Status AdoptExisting();
  core::Status Exec(const std::string& sql, const std::string& what);

  std::string m_path;
  StoreConfig m_cfg;
  sqlite3* m_db = nullptr;
  sqlite3_stmt* m_insert = nullptr;  ///< a block into flow_blocks
  std::unique_ptr<Impl> m_impl;
};

/// @brief The store's schema version (kept in the meta table).
inline constexpr int kStoreSchemaVersion = 2;

}  // namespace vantage::collector
