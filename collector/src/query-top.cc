// Top-N queries: rows or roll-ups grouped by a dimension, ranked by a metric.
#include <sqlite3.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstring>
#include <ctime>
#include <map>
#include <sstream>
#include <unordered_map>

#include "flow-block.h"
#include "query-internal.h"
#include "rollup.h"
#include "vantage/collector/prefix-table.h"

namespace vantage::collector::detail {

namespace {

// Flows read, and those whose sampling rate is unknown (scaled queries).
struct Tally {
  uint64_t flows = 0, unknown = 0;
};

std::string BlobText(sqlite3_stmt* st, int c) {
  const auto* p = static_cast<const char*>(sqlite3_column_blob(st, c));
  return std::string(p ? p : "", static_cast<size_t>(sqlite3_column_bytes(st, c)));
}

// The grouping key of the current row, read as the dimension says.
void RowKey(sqlite3_stmt* st, const Dimension& dim, const QueryOptions& opt, std::string& key) {
  key.clear();
  switch (dim.key) {
    case KeyKind::kApp:
      key = AppName(static_cast<uint8_t>(sqlite3_column_int(st, 0)),
                    static_cast<uint16_t>(sqlite3_column_int(st, 1)),
                    static_cast<uint16_t>(sqlite3_column_int(st, 2)));
      return;
    case KeyKind::kAs: {
      int64_t as = sqlite3_column_int64(st, 0);
      if (as == 0 && opt.asTable) {
        auto a = BlobAddr(sqlite3_column_blob(st, 1), sqlite3_column_bytes(st, 1));
        if (const auto* v = opt.asTable->Lookup(a)) as = std::strtoll(v->c_str(), nullptr, 10);
      }
      key = std::to_string(as);
      return;
    }
    case KeyKind::kCountry: {
      const unsigned char* c = sqlite3_column_text(st, 0);
      if (c) {
        key = reinterpret_cast<const char*>(c);
      } else if (opt.countryTable) {
        auto a = BlobAddr(sqlite3_column_blob(st, 1), sqlite3_column_bytes(st, 1));
        if (const auto* v = opt.countryTable->Lookup(a)) key = *v;
      }
      if (key.empty()) key = "??";
      return;
    }
    case KeyKind::kConversation: {
      std::string a = BlobText(st, 0), b = BlobText(st, 1);
      if (b < a) std::swap(a, b);
      key.assign(1, static_cast<char>(a.size()));
      key += a;
      key += b;
      return;
    }
    case KeyKind::kColumns:
      break;
  }
  for (int c = 0; c < static_cast<int>(dim.columns.size()); ++c) {
    if (c) key += '\x01';
    if (sqlite3_column_type(st, c) == SQLITE_BLOB) {
      key.append(static_cast<const char*>(sqlite3_column_blob(st, c)),
                 static_cast<size_t>(sqlite3_column_bytes(st, c)));
    } else {
      key += std::to_string(sqlite3_column_int64(st, c));
    }
  }
}

// The printed columns of a grouping key, as the dimension says.
void AppendLabel(const Dimension& dim, const std::string& k, std::vector<std::string>& row) {
  switch (dim.label) {
    case LabelKind::kAddress:
      row.push_back(AddrText(k.data(), static_cast<int>(k.size())));
      return;
    case LabelKind::kConversation: {
      size_t alen = static_cast<uint8_t>(k[0]);
      std::string a1 = k.substr(1, alen);
      std::string b1 = k.substr(1 + alen);
      row.push_back(AddrText(a1.data(), static_cast<int>(a1.size())));
      row.push_back(AddrText(b1.data(), static_cast<int>(b1.size())));
      return;
    }
    case LabelKind::kProtocol: {
      const char* pn = ProtocolName(std::stoi(k));
      row.push_back(pn ? pn : k);
      return;
    }
    case LabelKind::kExporter: {
      size_t p = k.rfind('\x01');
      std::string e = k.substr(0, p);
      row.push_back(AddrText(e.data(), static_cast<int>(e.size())));
      row.push_back(k.substr(p + 1));
      return;
    }
    case LabelKind::kText:
      row.push_back(k);
      return;
  }
}

// Adds the rows of `sql` (dimension columns, packets, octets) to `groups`, keyed as the
// dimension's text.
core::Status AccumulateRows(sqlite3* db, const std::string& sql, const ParsedQuery& q,
                            const Dimension* dim, const QueryOptions& opt, Groups& groups,
                            Tally& tally) {
  auto st = Prepare(db, sql, false);
  if (!st) return st.GetError();
  BindParams(*st, q);
  const int nCols = static_cast<int>(dim->columns.size());
  std::string key;
  int rc = 0;
  while ((rc = sqlite3_step(*st)) == SQLITE_ROW) {
    RowKey(*st, *dim, opt, key);
    Agg& g = groups[key];
    ++g.flows;
    g.packets += static_cast<uint64_t>(sqlite3_column_int64(*st, nCols));
    g.bytes += static_cast<uint64_t>(sqlite3_column_int64(*st, nCols + 1));
    ++tally.flows;
    CountUnknownRate(*st, nCols + 2, q, tally.unknown);
  }
  if (rc != SQLITE_DONE) {
    std::string msg = sqlite3_errmsg(db);
    sqlite3_finalize(*st);
    return core::MakeError(core::ErrorCode::kIo, "query failed: " + msg);
  }
  sqlite3_finalize(*st);
  return {};
}

// Sorts the groups and formats the Top-N table.
QueryTable TopTable(const ParsedQuery& q, const Dimension* dim, const Groups& groups,
                    const std::string& sql) {
  std::vector<std::pair<const std::string*, Agg>> sorted;
  sorted.reserve(groups.size());
  for (const auto& [k, a] : groups) sorted.emplace_back(&k, a);
  size_t n = std::min(q.limit, sorted.size());
  auto cmp = [&](const auto& x, const auto& y) {
    uint64_t mx = MetricOf(x.second, q.metric);
    uint64_t my = MetricOf(y.second, q.metric);
    return mx != my ? mx > my : *x.first < *y.first;
  };
  std::partial_sort(sorted.begin(), sorted.begin() + static_cast<long>(n), sorted.end(), cmp);
  sorted.resize(n);

  QueryTable t;
  t.sql = sql;
  for (const auto* h : dim->headers) t.columns.push_back(h);
  t.columns.insert(t.columns.end(), {"flows", "packets", "bytes"});
  for (const auto& [k, a] : sorted) {
    std::vector<std::string> row;
    AppendLabel(*dim, *k, row);
    row.push_back(std::to_string(a.flows));
    row.push_back(std::to_string(a.packets));
    row.push_back(std::to_string(a.bytes));
    t.rows.push_back(std::move(row));
  }
  return t;
}

// Whether the store has roll-ups that answer this Top-N: no condition (times included), a
// rolled-up dimension, and no query-time enrichment that the roll-ups could not apply.
bool RollupsAnswer(sqlite3* db, const ParsedQuery& q, const Dimension* dim,
                   const QueryOptions& opt) {
  const std::string name = dim->name;
  // Roll-ups hold unscaled sums: a scaled query reads the rows.
  if (q.scaled || !q.where.empty() || !detail::HasRollup(name)) return false;
  if (dim->key == KeyKind::kAs && opt.asTable) return false;
  if (dim->key == KeyKind::kCountry && opt.countryTable) return false;
  sqlite3_stmt* st = nullptr;
  bool has = false;
  if (sqlite3_prepare_v2(db, "SELECT 1 FROM sqlite_master WHERE name = 'rollups'", -1, &st,
                         nullptr) == SQLITE_OK) {
    has = sqlite3_step(st) == SQLITE_ROW;
  }
  sqlite3_finalize(st);
  return has;
}

// Roll-up rows of closed partitions plus the raw rows of partitions not rolled up yet (the
// open one), read in one transaction so that a partition closing meanwhile is counted once.
core::Status AccumulateFromRollups(sqlite3* db, const ParsedQuery& q, const Dimension* dim,
                                   const QueryOptions& opt, Groups& groups, std::string& sqlOut) {
  const std::string name = dim->name;
  sqlOut = "SELECT key, sum(flows), sum(packets), sum(bytes) FROM rollups WHERE dim = '" + name +
           "' GROUP BY key";
  auto st = Prepare(db, sqlOut, false);
  if (!st) return st.GetError();
  const bool country = dim->key == KeyKind::kCountry;
  int rc = 0;
  std::string key;
  while ((rc = sqlite3_step(*st)) == SQLITE_ROW) {
    const int type = sqlite3_column_type(*st, 0);
    if (type == SQLITE_BLOB || type == SQLITE_TEXT) {
      key.assign(static_cast<const char*>(sqlite3_column_blob(*st, 0)),
                 static_cast<size_t>(sqlite3_column_bytes(*st, 0)));
    } else if (type == SQLITE_NULL && country) {
      key = "??";
    } else {
      key = std::to_string(sqlite3_column_int64(*st, 0));
    }
    Agg& g = groups[key];
    g.flows += static_cast<uint64_t>(sqlite3_column_int64(*st, 1));
    g.packets += static_cast<uint64_t>(sqlite3_column_int64(*st, 2));
    g.bytes += static_cast<uint64_t>(sqlite3_column_int64(*st, 3));
  }
  sqlite3_finalize(*st);
  if (rc != SQLITE_DONE) {
    return core::MakeError(core::ErrorCode::kIo,
                           std::string("query failed: ") + sqlite3_errmsg(db));
  }
  // The rows of a block partition are `flow_store` rows of that partition; an older partition
  // is a table of its own.
  std::vector<std::string> raw;
  auto parts = Prepare(db, "SELECT id, table_name FROM partitions WHERE rolled_up = 0", false);
  if (!parts) return parts.GetError();
  while (sqlite3_step(*parts) == SQLITE_ROW) {
    const std::string table = reinterpret_cast<const char*>(sqlite3_column_text(*parts, 1));
    raw.push_back(table == detail::kFlowStoreTable
                      ? table +
                            " WHERE partition = " + std::to_string(sqlite3_column_int64(*parts, 0))
                      : table);
  }
  sqlite3_finalize(*parts);
  std::string cols;
  for (const auto* c : dim->columns) cols += std::string(c) + ", ";
  for (const auto& table : raw) {
    const std::string sql = "SELECT " + cols + "packets, octets FROM " + table;
    Tally unscaled;
    VANTAGE_RETURN_IF_ERROR(AccumulateRows(db, sql, q, dim, opt, groups, unscaled));
    sqlOut += "; " + sql;
  }
  return {};
}

}  // namespace

core::Result<QueryTable> RunTop(sqlite3* db, const ParsedQuery& q, const QueryOptions& opt) {
  const Dimension* dim = FindDimension(q.dimension);
  Groups groups;
  groups.reserve(1 << 16);
  std::string sql;
  if (RollupsAnswer(db, q, dim, opt)) {
    sqlite3_exec(db, "BEGIN", nullptr, nullptr, nullptr);
    auto st = AccumulateFromRollups(db, q, dim, opt, groups, sql);
    sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr);
    if (!st) return st.GetError();
    return TopTable(q, dim, groups, sql);
  }
  std::string cols;
  for (const auto* c : dim->columns) cols += std::string(c) + ", ";
  sql = "SELECT " + cols + CounterColumns(q) + " FROM flows";
  if (!q.where.empty()) sql += " WHERE " + q.where;
  Tally tally;
  VANTAGE_RETURN_IF_ERROR(AccumulateRows(db, sql, q, dim, opt, groups, tally));
  QueryTable t = TopTable(q, dim, groups, sql);
  NoteScaling(q, tally.flows, tally.unknown, t);
  return t;
}

}  // namespace vantage::collector::detail
