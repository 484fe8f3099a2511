// What the query files share (internal): tokens, the dimension table, condition-to-SQL,
// SQLite helpers and the runners of each query kind.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "vantage/collector/query.h"
#include "vantage/core/ip-address.h"
#include "vantage/core/result.h"

namespace vantage::collector::detail {

// --- lexer (query-lexer.cc) ---------------------------------------------------------------
struct Token {
  std::string text;
  size_t column = 0;  // 1-based
  bool quoted = false;
};

/// A parse error at a 1-based column.
core::Error At(size_t column, const std::string& why);
core::Result<std::vector<Token>> Tokenize(const std::string& s);
std::string Lower(std::string s);
/// Decimal digits only, at most 19.
bool ParseUint(const std::string& s, uint64_t& out);

// --- dimensions and protocols (query-dimensions.cc) ---------------------------------------
/// How a dimension's grouping key is read from a row.
enum class KeyKind {
  kColumns,       ///< the columns' values joined
  kApp,           ///< application name from protocol and ports
  kAs,            ///< AS number, else looked up in the AS table by address
  kCountry,       ///< country code, else looked up in the country table by address
  kConversation,  ///< the two addresses, ordered (a conversation either way is one)
};

/// How a grouping key is printed in a result row.
enum class LabelKind {
  kText,          ///< as is
  kAddress,       ///< an address
  kConversation,  ///< two addresses, two columns
  kProtocol,      ///< protocol name where known
  kExporter,      ///< exporter address and observation domain, two columns
};

/// A Top-N dimension: its name, the columns it groups by and how keys are read and printed.
struct Dimension {
  const char* name;
  std::vector<const char*> columns;  // SQL select columns
  std::vector<const char*> headers;  // output headers
  KeyKind key = KeyKind::kColumns;
  LabelKind label = LabelKind::kText;
};

/// The dimension named `name` (case-insensitive, aliases included), or nullptr.
const Dimension* FindDimension(const std::string& name);
int ProtocolNumber(const std::string& s);
const char* ProtocolName(int p);

// --- conditions to SQL (query-sql.cc) ------------------------------------------------------
/// Parses one condition at t[i] (advancing i); appends its SQL to `sql`, its values to q.params.
core::Status ParseCondition(const std::vector<Token>& t, size_t& i, ParsedQuery& q,
                            std::string& sql);

// --- execution (query-executor.cc) ---------------------------------------------------------
std::string AddrText(const void* blob, int n);
core::IpAddress BlobAddr(const void* blob, int n);
void RegisterFunctions(sqlite3* db);
core::Result<sqlite3_stmt*> Prepare(sqlite3* db, const std::string& sql, bool userSql);
void BindParams(sqlite3_stmt* st, const ParsedQuery& q);

struct Agg {
  uint64_t flows = 0;
  uint64_t packets = 0;
  uint64_t bytes = 0;
};
using Groups = std::unordered_map<std::string, Agg>;

uint64_t MetricOf(const Agg& a, const std::string& m);
std::string CounterColumns(const ParsedQuery& q);
void CountUnknownRate(sqlite3_stmt* st, int c, const ParsedQuery& q, uint64_t& unknown);
void NoteScaling(const ParsedQuery& q, uint64_t flows, uint64_t unknown, QueryTable& t);

core::Result<QueryTable> RunTop(sqlite3* db, const ParsedQuery& q, const QueryOptions& opt);
core::Result<QueryTable> RunSeries(sqlite3* db, const ParsedQuery& q);
core::Result<QueryTable> RunSql(sqlite3* db, const std::string& sql);

}  // namespace vantage::collector::detail
