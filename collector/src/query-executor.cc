// Runs parsed queries over SQLite: cells, SQL functions, series, plain SQL.
#include <sqlite3.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstring>
#include <ctime>
#include <map>
#include <sstream>
#include <unordered_map>

#include "query-internal.h"
#include "vantage/collector/flow-store-module.h"
#include "vantage/core/ip-address.h"
#include "vantage/core/time.h"

namespace vantage::collector {
namespace detail {

namespace {

std::string HexBytes(const uint8_t* p, size_t n) {
  static const char* kHex = "0123456789abcdef";
  std::string s;
  for (size_t i = 0; i < n; ++i) {
    s += kHex[p[i] >> 4];
    s += kHex[p[i] & 15];
  }
  return s;
}

}  // namespace

std::string AddrText(const void* blob, int n) {
  const auto* p = static_cast<const uint8_t*>(blob);
  if (n == 4) return core::IpAddress::V4Bytes(p).ToString();
  if (n == 16) return core::IpAddress::V6Bytes(p).ToString();
  if (n == 6) {
    std::string s;
    for (int i = 0; i < 6; ++i) {
      if (i) s += ':';
      s += HexBytes(p + i, 1);
    }
    return s;
  }
  if (n == 0 || !p) return "";
  return HexBytes(p, static_cast<size_t>(n));
}

core::IpAddress BlobAddr(const void* blob, int n) {
  if (n == 4) return core::IpAddress::V4Bytes(static_cast<const uint8_t*>(blob));
  if (n == 16) return core::IpAddress::V6Bytes(static_cast<const uint8_t*>(blob));
  return {};
}

namespace {

std::string CellText(sqlite3_stmt* st, int c) {
  switch (sqlite3_column_type(st, c)) {
    case SQLITE_NULL:
      return "";
    case SQLITE_INTEGER:
      return std::to_string(sqlite3_column_int64(st, c));
    case SQLITE_FLOAT: {
      std::ostringstream o;
      o << sqlite3_column_double(st, c);
      return o.str();
    }
    case SQLITE_BLOB:
      return AddrText(sqlite3_column_blob(st, c), sqlite3_column_bytes(st, c));
    default:
      return reinterpret_cast<const char*>(sqlite3_column_text(st, c));
  }
}

void SqlIpStr(sqlite3_context* ctx, int /*argc*/, sqlite3_value** argv) {
  if (sqlite3_value_type(argv[0]) != SQLITE_BLOB) {
    sqlite3_result_null(ctx);
    return;
  }
  std::string s = AddrText(sqlite3_value_blob(argv[0]), sqlite3_value_bytes(argv[0]));
  sqlite3_result_text(ctx, s.c_str(), static_cast<int>(s.size()), SQLITE_TRANSIENT);
}

void SqlApp(sqlite3_context* ctx, int /*argc*/, sqlite3_value** argv) {
  std::string s = AppName(static_cast<uint8_t>(sqlite3_value_int(argv[0])),
                          static_cast<uint16_t>(sqlite3_value_int(argv[1])),
                          static_cast<uint16_t>(sqlite3_value_int(argv[2])));
  sqlite3_result_text(ctx, s.c_str(), static_cast<int>(s.size()), SQLITE_TRANSIENT);
}

}  // namespace

void RegisterFunctions(sqlite3* db) {
  sqlite3_create_function(db, "ipstr", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC, nullptr, SqlIpStr,
                          nullptr, nullptr);
  sqlite3_create_function(db, "app", 3, SQLITE_UTF8 | SQLITE_DETERMINISTIC, nullptr, SqlApp,
                          nullptr, nullptr);
}

core::Result<sqlite3_stmt*> Prepare(sqlite3* db, const std::string& sql, bool userSql) {
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr) != SQLITE_OK) {
    int off = sqlite3_error_offset(db);
    std::string msg = sqlite3_errmsg(db);
    if (userSql && off >= 0) return At(static_cast<size_t>(off) + 1, msg);
    return core::MakeError(core::ErrorCode::kParse, msg + " (in: " + sql + ")");
  }
  return st;
}

void BindParams(sqlite3_stmt* st, const ParsedQuery& q) {
  int i = 1;
  for (const auto& p : q.params) {
    if (p.isBlob) {
      sqlite3_bind_blob(st, i, p.blob.data(), static_cast<int>(p.blob.size()), SQLITE_TRANSIENT);
    } else if (p.isText) {
      sqlite3_bind_text(st, i, p.text.c_str(), -1, SQLITE_TRANSIENT);
    } else {
      sqlite3_bind_int64(st, i, p.value);
    }
    ++i;
  }
}

uint64_t MetricOf(const Agg& a, const std::string& m) {
  return m == "packets" ? a.packets : m == "flows" ? a.flows : a.bytes;
}

// Packets and octets, scaled by each flow's sampling rate if asked (then also whether the
// rate is unknown, so the result can say how many flows stayed unscaled).
std::string CounterColumns(const ParsedQuery& q) {
  if (!q.scaled) return "packets, octets";
  return "packets * MAX(sampling, 1), octets * MAX(sampling, 1), sampling_unknown";
}

// Counts the flows whose rate is unknown (column `c` of a scaled query).
void CountUnknownRate(sqlite3_stmt* st, int c, const ParsedQuery& q, uint64_t& unknown) {
  if (q.scaled && sqlite3_column_int(st, c) != 0) ++unknown;
}

void NoteScaling(const ParsedQuery& q, uint64_t flows, uint64_t unknown, QueryTable& t) {
  if (!q.scaled) return;
  t.notes.push_back("packets and bytes scaled by each flow's sampling rate; " +
                    std::to_string(unknown) + " of " + std::to_string(flows) +
                    " flows have no known sampling rate and are counted unscaled");
}

core::Result<QueryTable> RunSeries(sqlite3* db, const ParsedQuery& q) {
  std::string sql = "SELECT start_ns, " + CounterColumns(q) + " FROM flows";
  if (!q.where.empty()) sql += " WHERE " + q.where;
  auto st = Prepare(db, sql, false);
  if (!st) return st.GetError();
  BindParams(*st, q);
  std::map<int64_t, Agg> bins;
  uint64_t flows = 0, unknown = 0;
  int rc = 0;
  while ((rc = sqlite3_step(*st)) == SQLITE_ROW) {
    int64_t t = sqlite3_column_int64(*st, 0);
    int64_t b = t >= 0 ? t / q.binNs * q.binNs : -((-t + q.binNs - 1) / q.binNs) * q.binNs;
    Agg& g = bins[b];
    ++g.flows;
    g.packets += static_cast<uint64_t>(sqlite3_column_int64(*st, 1));
    g.bytes += static_cast<uint64_t>(sqlite3_column_int64(*st, 2));
    ++flows;
    CountUnknownRate(*st, 3, q, unknown);
  }
  sqlite3_finalize(*st);
  if (rc != SQLITE_DONE)
    return core::MakeError(core::ErrorCode::kIo,
                           std::string("query failed: ") + sqlite3_errmsg(db));
  // Empty bins between the first and last appear as zeros (when there are not too many).
  if (!bins.empty()) {
    int64_t first = bins.begin()->first;
    int64_t last = bins.rbegin()->first;
    if ((last - first) / q.binNs < 100000) {
      for (int64_t b = first; b <= last; b += q.binNs) bins.emplace(b, Agg{});
    }
  }
  QueryTable t;
  t.sql = sql;
  t.timeSeries = true;
  t.columns = {"time", q.metric};
  for (const auto& [b, a] : bins) {
    t.rows.push_back(
        {core::Timestamp::FromNanos(b).ToIso8601(), std::to_string(MetricOf(a, q.metric))});
  }
  NoteScaling(q, flows, unknown, t);
  return t;
}

core::Result<QueryTable> RunSql(sqlite3* db, const std::string& sql) {
  auto st = Prepare(db, sql, true);
  if (!st) return st.GetError();
  QueryTable t;
  t.sql = sql;
  int n = sqlite3_column_count(*st);
  for (int c = 0; c < n; ++c) t.columns.push_back(sqlite3_column_name(*st, c));
  int rc = 0;
  while ((rc = sqlite3_step(*st)) == SQLITE_ROW) {
    std::vector<std::string> row;
    for (int c = 0; c < n; ++c) row.push_back(CellText(*st, c));
    t.rows.push_back(std::move(row));
  }
  sqlite3_finalize(*st);
  if (rc != SQLITE_DONE)
    return core::MakeError(core::ErrorCode::kIo,
                           std::string("query failed: ") + sqlite3_errmsg(db));
  return t;
}

}  // namespace detail

using detail::RegisterFunctions;
using detail::RunSeries;
using detail::RunSql;
using detail::RunTop;

core::Result<QueryTable> RunQuery(sqlite3* db, const std::string& text,
                                  const QueryOptions& options) {
  auto q = ParseQuery(text);
  if (!q) return q.GetError();
  RegisterFunctions(db);
  switch (q->kind) {
    case ParsedQuery::Kind::kTop:
      return RunTop(db, *q, options);
    case ParsedQuery::Kind::kSeries:
      return RunSeries(db, *q);
    case ParsedQuery::Kind::kSql:
      return RunSql(db, q->sql);
  }
  return core::MakeError(core::ErrorCode::kInvalid, "unknown query kind");
}

core::Result<QueryTable> RunQueryOnFile(const std::string& dbPath, const std::string& text,
                                        const QueryOptions& options) {
  sqlite3* db = nullptr;
  collector::EnableFlowStoreModule();  // the `flows` view reads the flow blocks
  if (sqlite3_open_v2(dbPath.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    std::string msg = db ? sqlite3_errmsg(db) : "out of memory";
    sqlite3_close(db);
    return core::MakeError(core::ErrorCode::kIo, "cannot open database '" + dbPath + "': " + msg);
  }
  sqlite3_busy_timeout(db, 5000);
  auto r = RunQuery(db, text, options);
  sqlite3_close(db);
  return r;
}

}  // namespace vantage::collector
