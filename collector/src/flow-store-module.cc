// The `flow_store` virtual table (see flow-store-module.h): an eponymous, read-only table over
// the blocks of `flow_blocks`, in block order (partition, then sequence: insert order).
#include "vantage/collector/flow-store-module.h"

#include <sqlite3.h>

#include <algorithm>
#include <cmath>
#include <mutex>
#include <new>
#include <optional>
#include <string>
#include <vector>

#include "flow-block.h"

namespace vantage::collector {
namespace {

using detail::BlockReader;
using detail::ColumnType;
using detail::FlowColumns;

size_t PartitionColumn() {
  return FlowColumns().size();
}

struct Vtab : sqlite3_vtab {
  sqlite3* db = nullptr;
};

struct Cursor : sqlite3_vtab_cursor {
  sqlite3_stmt* blocks = nullptr;
  std::optional<BlockReader> reader;
  int64_t blockId = 0;
  int64_t rowid = 0;
  bool eof = true;
};

int Connect(sqlite3* db, void*, int, const char* const*, sqlite3_vtab** out, char**) {
  std::string decl = "CREATE TABLE x(";
  for (const auto& c : FlowColumns()) {
    decl += c.name + (c.type == ColumnType::kInteger ? " INTEGER, "
                      : c.type == ColumnType::kBlob  ? " BLOB, "
                                                     : " TEXT, ");
  }
  decl += "partition INTEGER HIDDEN)";
  const int rc = sqlite3_declare_vtab(db, decl.c_str());
  if (rc != SQLITE_OK) return rc;
  sqlite3_vtab_config(db, SQLITE_VTAB_INNOCUOUS);  // read-only, safe in views of any schema
  auto* vtab = new (std::nothrow) Vtab();
  if (!vtab) return SQLITE_NOMEM;
  vtab->db = db;
  *out = vtab;
  return SQLITE_OK;
}

int Disconnect(sqlite3_vtab* vtab) {
  sqlite3_free(vtab->zErrMsg);
  delete static_cast<Vtab*>(vtab);
  return SQLITE_OK;
}

// The plan: idxStr lists the constraints used, two characters each ('s' start_ns, 'e' end_ns,
// 'p' partition; then '=', '>' for > and >=, '<' for < and <=), in argv order. SQLite still
// checks every constraint on the rows (omit stays 0): the block bounds only skip blocks.
int BestIndex(sqlite3_vtab*, sqlite3_index_info* info) {
  std::string plan;
  double cost = 1e7;
  int argv = 0;
  for (int i = 0; i < info->nConstraint; ++i) {
    const auto& c = info->aConstraint[i];
    if (!c.usable) continue;
    const size_t col = static_cast<size_t>(c.iColumn);
    const char which = col == 0 ? 's' : col == 1 ? 'e' : col == PartitionColumn() ? 'p' : 0;
    char op = 0;
    switch (c.op) {
      case SQLITE_INDEX_CONSTRAINT_EQ:
        op = '=';
        break;
      case SQLITE_INDEX_CONSTRAINT_GT:
      case SQLITE_INDEX_CONSTRAINT_GE:
        op = '>';
        break;
      case SQLITE_INDEX_CONSTRAINT_LT:
      case SQLITE_INDEX_CONSTRAINT_LE:
        op = '<';
        break;
      default:
        break;
    }
    if (which == 0 || op == 0 || (which == 'p' && op != '=')) continue;
    plan += which;
    plan += op;
    info->aConstraintUsage[i].argvIndex = ++argv;
    cost /= which == 'p' ? 100 : 4;
  }
  info->estimatedCost = cost;
  info->estimatedRows = static_cast<sqlite3_int64>(cost);
  if (!plan.empty()) {
    info->idxStr = sqlite3_mprintf("%s", plan.c_str());
    info->needToFreeIdxStr = 1;
  }
  return SQLITE_OK;
}

int Open(sqlite3_vtab*, sqlite3_vtab_cursor** out) {
  auto* cur = new (std::nothrow) Cursor();
  if (!cur) return SQLITE_NOMEM;
  *out = cur;
  return SQLITE_OK;
}

int Close(sqlite3_vtab_cursor* base) {
  auto* cur = static_cast<Cursor*>(base);
  sqlite3_finalize(cur->blocks);
  delete cur;
  return SQLITE_OK;
}

// Steps to the next row, reading blocks as needed.
// A damaged block (a store file changed by something else, a bad disk) fails the query with
// the block and the offset named, rather than answering from part of the data.
int Damaged(Cursor* cur) {
  sqlite3_vtab* vtab = cur->pVtab;
  sqlite3_free(vtab->zErrMsg);
  vtab->zErrMsg =
      sqlite3_mprintf("flow_store: block %lld of partition %lld is damaged at byte %llu",
                      static_cast<long long>(detail::SequenceOfBlock(cur->blockId)),
                      static_cast<long long>(detail::PartitionOfBlock(cur->blockId)),
                      static_cast<unsigned long long>(cur->reader->DamageOffset()));
  return SQLITE_CORRUPT;
}

int Advance(Cursor* cur) {
  for (;;) {
    if (cur->reader && cur->reader->Next()) {
      ++cur->rowid;
      return SQLITE_OK;
    }
    if (cur->reader && cur->reader->Damaged()) return Damaged(cur);
    const int rc = sqlite3_step(cur->blocks);
    if (rc == SQLITE_DONE) {
      cur->eof = true;
      return SQLITE_OK;
    }
    if (rc != SQLITE_ROW) return rc;
    cur->blockId = sqlite3_column_int64(cur->blocks, 0);
    const auto* data = static_cast<const uint8_t*>(sqlite3_column_blob(cur->blocks, 1));
    const int size = sqlite3_column_bytes(cur->blocks, 1);
    cur->reader.emplace(data, data ? static_cast<size_t>(size) : 0);
  }
}

// An integer bound for pruning, or nothing when the value is not a number (then no block is
// skipped for it).
std::optional<int64_t> Bound(sqlite3_value* v, char op) {
  const int type = sqlite3_value_numeric_type(v);
  if (type == SQLITE_INTEGER) return sqlite3_value_int64(v);
  if (type != SQLITE_FLOAT) return std::nullopt;
  const double d = sqlite3_value_double(v);
  if (!(std::fabs(d) < 9e18)) return std::nullopt;
  return static_cast<int64_t>(op == '>' ? std::floor(d) : std::ceil(d));
}

std::string BlockQuery(const char* plan, int argc, sqlite3_value** argv, int64_t bounds[]) {
  std::string sql = "SELECT id, data FROM flow_blocks WHERE 1";
  for (int i = 0; plan && plan[2 * i] && i < argc; ++i) {
    const char which = plan[2 * i];
    const char op = plan[2 * i + 1];
    if (which == 'p') {
      const auto p = Bound(argv[i], '=');
      if (!p) return sql + " AND 0";  // partition = 'text': no partition
      bounds[i] = *p;
      const std::string n = "?" + std::to_string(i + 1);
      sql += " AND " + detail::BlocksOfPartition(n);
      continue;
    }
    const auto b = Bound(argv[i], op == '=' ? '>' : op);
    if (!b) continue;
    bounds[i] = *b;
    const std::string col = which == 's' ? "start_ns" : "end_ns";
    const std::string n = "?" + std::to_string(i + 1);
    if (op != '<') sql += " AND max_" + col + " >= " + n;
    if (op != '>') sql += " AND min_" + col + " <= " + n;
  }
  return sql + " ORDER BY id";
}

int Filter(sqlite3_vtab_cursor* base, int, const char* plan, int argc, sqlite3_value** argv) {
  auto* cur = static_cast<Cursor*>(base);
  sqlite3_finalize(cur->blocks);
  cur->blocks = nullptr;
  cur->reader.reset();
  cur->eof = false;
  cur->rowid = 0;
  std::vector<int64_t> bounds(static_cast<size_t>(std::max(argc, 0)));
  const std::string sql = BlockQuery(plan, argc, argv, bounds.data());
  sqlite3* db = static_cast<Vtab*>(base->pVtab)->db;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &cur->blocks, nullptr) != SQLITE_OK) {
    sqlite3_free(base->pVtab->zErrMsg);
    base->pVtab->zErrMsg = sqlite3_mprintf("flow_store: %s", sqlite3_errmsg(db));
    return SQLITE_ERROR;
  }
  // Bound parameters are numbered by argv position; unused ones stay NULL (never referenced).
  for (int i = 0; i < argc; ++i) sqlite3_bind_int64(cur->blocks, i + 1, bounds[i]);
  return Advance(cur);
}

int Next(sqlite3_vtab_cursor* base) {
  return Advance(static_cast<Cursor*>(base));
}

int Eof(sqlite3_vtab_cursor* base) {
  return static_cast<Cursor*>(base)->eof ? 1 : 0;
}

int Column(sqlite3_vtab_cursor* base, sqlite3_context* ctx, int i) {
  auto* cur = static_cast<Cursor*>(base);
  const auto col = static_cast<size_t>(i);
  if (col == PartitionColumn()) {
    sqlite3_result_int64(ctx, detail::PartitionOfBlock(cur->blockId));
    return SQLITE_OK;
  }
  const detail::ColumnValue& v = cur->reader->Column(col);
  if (cur->reader->Damaged()) return Damaged(cur);
  if (v.null) {
    sqlite3_result_null(ctx);
  } else if (FlowColumns()[col].type == ColumnType::kInteger) {
    sqlite3_result_int64(ctx, v.integer);
  } else if (FlowColumns()[col].type == ColumnType::kBlob) {
    sqlite3_result_blob(ctx, v.bytes, static_cast<int>(v.size), SQLITE_TRANSIENT);
  } else {
    sqlite3_result_text(ctx, reinterpret_cast<const char*>(v.bytes), static_cast<int>(v.size),
                        SQLITE_TRANSIENT);
  }
  return SQLITE_OK;
}

int Rowid(sqlite3_vtab_cursor* base, sqlite3_int64* out) {
  *out = static_cast<Cursor*>(base)->rowid;
  return SQLITE_OK;
}

sqlite3_module MakeModule() {
  sqlite3_module m{};
  m.iVersion = 0;
  m.xCreate = nullptr;  // eponymous only: `flow_store` exists in every schema that has the module
  m.xConnect = Connect;
  m.xBestIndex = BestIndex;
  m.xDisconnect = Disconnect;
  m.xDestroy = Disconnect;
  m.xOpen = Open;
  m.xClose = Close;
  m.xFilter = Filter;
  m.xNext = Next;
  m.xEof = Eof;
  m.xColumn = Column;
  m.xRowid = Rowid;
  return m;
}

const sqlite3_module kModule = MakeModule();

int AutoRegister(sqlite3* db, char**, const sqlite3_api_routines*) {
  return RegisterFlowStoreModule(db);
}

}  // namespace

int RegisterFlowStoreModule(sqlite3* db) {
  return sqlite3_create_module(db, detail::kFlowStoreTable, &kModule, nullptr);
}

void EnableFlowStoreModule() {
  static std::once_flag once;
  std::call_once(once, [] { sqlite3_auto_extension(reinterpret_cast<void (*)()>(&AutoRegister)); });
}

}  // namespace vantage::collector
