// Fuzz target: one block of the flow store (flow-block.h) read back through the `flow_store`
// virtual table, every column of every row. A store file is input like any other: a damaged
// block must end its rows, never read outside the block.
#include <sqlite3.h>

#include <cstddef>
#include <cstdint>

#include "vantage/collector/flow-store-module.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  vantage::collector::EnableFlowStoreModule();
  sqlite3* db = nullptr;
  if (sqlite3_open(":memory:", &db) != SQLITE_OK) return 0;
  sqlite3_exec(db,
               "CREATE TABLE flow_blocks(id INTEGER PRIMARY KEY, rows INTEGER, min_start_ns "
               "INTEGER, max_start_ns INTEGER, min_end_ns INTEGER, max_end_ns INTEGER, data BLOB)",
               nullptr, nullptr, nullptr);
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v2(db, "INSERT INTO flow_blocks VALUES(4294967296, 1, 0, 9e18, 0, 9e18, ?)",
                         -1, &st, nullptr) == SQLITE_OK) {
    sqlite3_bind_blob(st, 1, data, static_cast<int>(size), SQLITE_STATIC);
    sqlite3_step(st);
  }
  sqlite3_finalize(st);
  if (sqlite3_prepare_v2(db, "SELECT *, partition FROM flow_store WHERE start_ns >= 0 OR 1", -1,
                         &st, nullptr) == SQLITE_OK) {
    while (sqlite3_step(st) == SQLITE_ROW) {
      for (int i = 0; i < sqlite3_column_count(st); ++i) {
        (void)sqlite3_column_bytes(st, i);
        (void)sqlite3_column_int64(st, i);
      }
    }
  }
  sqlite3_finalize(st);
  sqlite3_close(db);
  return 0;
}
