// The `flow_store` module as a loadable SQLite extension, for clients other than Vantage's own
// tools: `.load libvantage_flow_store` in the sqlite3 shell, then `SELECT ... FROM flows`.
// SQLite finds the entry point from the file name (sqlite3_vantageflowstore_init).
#include <sqlite3ext.h>

#include "vantage/collector/flow-store-module.h"

SQLITE_EXTENSION_INIT1

extern "C" int sqlite3_vantageflowstore_init(sqlite3* db, char**, const sqlite3_api_routines* api) {
  SQLITE_EXTENSION_INIT2(api);
  // The module calls SQLite directly: the extension links the same libsqlite3 as the shell.
  return vantage::collector::RegisterFlowStoreModule(db);
}
