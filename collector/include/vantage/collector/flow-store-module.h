// `flow_store`: the SQLite virtual table that reads the store's flow blocks (table
// `flow_blocks`, binary rows) as rows of the flow columns, so that the `flows` view, `vantage
// query` and any SQL see a block store like a table. Its hidden column `partition` selects one
// time partition, and conditions on start_ns and end_ns skip whole blocks by their time bounds.
//
// A connection needs the module before it reads `flows`: EnableFlowStoreModule() registers it on
// every connection the process opens afterwards (Store::Open calls it). The sqlite3 shell can
// load it from the `vantage_flow_store` extension that the build makes (docs/collector.md).
#pragma once

struct sqlite3;

namespace vantage::collector {

/// @brief Registers `flow_store` on every SQLite connection opened from now on (idempotent).
void EnableFlowStoreModule();

/// @brief Registers `flow_store` on one open connection; an SQLite result code.
int RegisterFlowStoreModule(sqlite3* db);

}  // namespace vantage::collector
