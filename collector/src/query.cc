// The flow query language and its execution over SQLite (see query.h; grammar in
// docs/collector.md).
#include "vantage/collector/query.h"

#include <sqlite3.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstring>
#include <ctime>
#include <iomanip>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <unordered_map>

#include "rollup.h"
#include "vantage/collector/prefix-table.h"
#include "vantage/core/ip-address.h"
#include "vantage/core/svg-writer.h"
#include "vantage/core/time.h"

namespace vantage::collector {

namespace {

struct Token {
  std::string text;
  size_t column = 0;  // 1-based
  bool quoted = false;
};

core::Error At(size_t column, const std::string& why) {
  return core::MakeError(core::ErrorCode::kParse, "column " + std::to_string(column) + ": " + why,
                         column);
}

bool IsWordChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == ':' ||
         c == '/' || c == '-' || c == '+' || c == '*';
}

core::Result<std::vector<Token>> Tokenize(const std::string& s) {
  std::vector<Token> out;
  size_t i = 0;
  while (i < s.size()) {
    char c = s[i];
    if (std::isspace(static_cast<unsigned char>(c)) || c == ',') {
      ++i;
      continue;
    }
    Token t;
    t.column = i + 1;
    if (c == '\'' || c == '"') {
      size_t end = s.find(c, i + 1);
      if (end == std::string::npos) return At(i + 1, "unterminated quoted string");
      t.text = s.substr(i + 1, end - i - 1);
      t.quoted = true;
      i = end + 1;
    } else if (c == '=' || c == '<' || c == '>' || c == '!') {
      size_t n = 1;
      if (i + 1 < s.size() && (s[i + 1] == '=' || (c == '<' && s[i + 1] == '>'))) n = 2;
      t.text = s.substr(i, n);
      if (t.text == "!") return At(i + 1, "'!' must be followed by '='");
      i += n;
    } else if (IsWordChar(c)) {
      size_t j = i;
      while (j < s.size() && IsWordChar(s[j])) ++j;
      t.text = s.substr(i, j - i);
      i = j;
    } else {
      return At(i + 1, std::string("unexpected character '") + c + "'");
    }
    out.push_back(t);
  }
  return out;
}

std::string Lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

bool ParseUint(const std::string& s, uint64_t& out) {
  if (s.empty() || s.size() > 19) return false;
  uint64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + static_cast<uint64_t>(c - '0');
  }
  out = v;
  return true;
}

int ProtocolNumber(const std::string& s) {
  static const std::map<std::string, int> kNames = {
      {"icmp", 1}, {"igmp", 2}, {"tcp", 6},    {"udp", 17},       {"gre", 47},
      {"esp", 50}, {"ah", 51},  {"icmp6", 58}, {"ipv6-icmp", 58}, {"sctp", 132}};
  auto it = kNames.find(Lower(s));
  if (it != kNames.end()) return it->second;
  uint64_t v = 0;
  if (ParseUint(s, v) && v <= 255) return static_cast<int>(v);
  return -1;
}

const char* ProtocolName(int p) {
  switch (p) {
    case 1:
      return "icmp";
    case 2:
      return "igmp";
    case 6:
      return "tcp";
    case 17:
      return "udp";
    case 47:
      return "gre";
    case 50:
      return "esp";
    case 51:
      return "ah";
    case 58:
      return "icmp6";
    case 132:
      return "sctp";
    default:
      return nullptr;
  }
}

// Dimension name -> the columns it groups by.
struct Dimension {
  const char* name;
  std::vector<const char*> columns;  // SQL select columns
  std::vector<const char*> headers;  // output headers
};

const std::vector<Dimension>& Dimensions() {
  static const std::vector<Dimension> kDims = {
      {"srcip", {"src"}, {"srcip"}},
      {"dstip", {"dst"}, {"dstip"}},
      {"srcport", {"src_port"}, {"srcport"}},
      {"dstport", {"dst_port"}, {"dstport"}},
      {"proto", {"protocol"}, {"proto"}},
      {"app", {"protocol", "src_port", "dst_port"}, {"app"}},
      {"srcas", {"src_as", "src"}, {"srcas"}},
      {"dstas", {"dst_as", "dst"}, {"dstas"}},
      {"srccountry", {"src_country", "src"}, {"srccountry"}},
      {"dstcountry", {"dst_country", "dst"}, {"dstcountry"}},
      {"conversation", {"src", "dst"}, {"host_a", "host_b"}},
      {"exporter", {"exporter", "obs_domain"}, {"exporter", "domain"}},
      {"tos", {"tos"}, {"tos"}},
      {"ingress", {"in_if"}, {"ingress"}},
      {"egress", {"out_if"}, {"egress"}},
  };
  return kDims;
}

const Dimension* FindDimension(const std::string& name) {
  std::string n = Lower(name);
  if (n == "protocol") n = "proto";
  if (n == "application") n = "app";
  if (n == "conv" || n == "conversations") n = "conversation";
  for (const auto& d : Dimensions()) {
    if (n == d.name) return &d;
  }
  return nullptr;
}

std::vector<uint8_t> AddrBytes(const core::IpAddress& a) {
  return std::vector<uint8_t>(a.bytes.begin(), a.bytes.begin() + static_cast<long>(a.Length()));
}

// Condition on a field; appends SQL and parameters.
core::Status ParseCondition(const std::vector<Token>& t, size_t& i, ParsedQuery& q,
                            std::string& sql) {
  if (i >= t.size()) return At(t.empty() ? 1 : t.back().column, "expected a condition");
  const Token& fieldTok = t[i];
  std::string field = Lower(fieldTok.text);
  if (field == "not") {
    ++i;
    std::string inner;
    VANTAGE_RETURN_IF_ERROR(ParseCondition(t, i, q, inner));
    sql += "NOT (" + inner + ")";
    return {};
  }
  if (++i >= t.size())
    return At(fieldTok.column + fieldTok.text.size(),
              "expected an operator after '" + fieldTok.text + "'");
  const Token& opTok = t[i];
  std::string op = Lower(opTok.text);
  if (op == "==") op = "=";
  if (op == "<>") op = "!=";
  static const std::vector<std::string> kOps = {"=", "!=", "<", ">", "<=", ">=", "in"};
  if (std::find(kOps.begin(), kOps.end(), op) == kOps.end()) {
    return At(opTok.column, "expected an operator (= != < > <= >= in), found '" + opTok.text + "'");
  }
  if (++i >= t.size())
    return At(opTok.column + opTok.text.size(), "expected a value after '" + opTok.text + "'");
  const Token& valTok = t[i];
  ++i;
  const std::string& val = valTok.text;

  auto addrCond = [&](std::vector<std::string> cols) -> core::Status {
    std::vector<uint8_t> lo;
    std::vector<uint8_t> hi;
    if (op == "in" || val.find('/') != std::string::npos) {
      auto p = core::IpPrefix::Parse(val, true);
      if (!p) return At(valTok.column, "bad address prefix '" + val + "': " + p.GetError().message);
      if (op != "in" && op != "=" && op != "!=")
        return At(opTok.column, "a prefix needs 'in', '=' or '!='");
      lo = AddrBytes(p->network);
      hi = lo;
      for (size_t b = 0; b < hi.size(); ++b) {
        unsigned bitStart = static_cast<unsigned>(b * 8);
        if (bitStart >= p->length) {
          lo[b] = 0;
          hi[b] = 0xff;
        } else if (bitStart + 8 > p->length) {
          uint8_t mask = static_cast<uint8_t>(0xff << (8 - (p->length - bitStart)));
          lo[b] = static_cast<uint8_t>(lo[b] & mask);
          hi[b] = static_cast<uint8_t>(lo[b] | ~mask);
        }
      }
      std::string parts;
      for (size_t c = 0; c < cols.size(); ++c) {
        if (c) parts += " OR ";
        parts += "(" + std::string(cols[c]) + " BETWEEN ? AND ?)";
        q.params.push_back({true, lo, 0, "", false});
        q.params.push_back({true, hi, 0, "", false});
      }
      sql += op == "!=" ? "NOT (" + parts + ")" : "(" + parts + ")";
      return {};
    }
    auto a = core::IpAddress::Parse(val);
    if (!a) return At(valTok.column, "bad address '" + val + "': " + a.GetError().message);
    std::string parts;
    for (size_t c = 0; c < cols.size(); ++c) {
      if (c) parts += op == "!=" ? " AND " : " OR ";
      parts += cols[c] + " " + op + " ?";
      q.params.push_back({true, AddrBytes(*a), 0, "", false});
    }
    sql += "(" + parts + ")";
    return {};
  };
  auto intCond = [&](std::vector<std::string> cols, int64_t v) -> core::Status {
    if (op == "in") return At(opTok.column, "'in' applies to addresses only");
    std::string parts;
    for (size_t c = 0; c < cols.size(); ++c) {
      if (c) parts += op == "!=" ? " AND " : " OR ";
      parts += cols[c] + " " + op + " ?";
      q.params.push_back({false, {}, v, "", false});
    }
    sql += "(" + parts + ")";
    return {};
  };
  auto number = [&](int64_t& out) -> core::Status {
    uint64_t v = 0;
    if (!ParseUint(val, v)) return At(valTok.column, "expected a number, found '" + val + "'");
    out = static_cast<int64_t>(v);
    return {};
  };

  if (field == "srcip" || field == "src") return addrCond({"src"});
  if (field == "dstip" || field == "dst") return addrCond({"dst"});
  if (field == "ip" || field == "host") return addrCond({"src", "dst"});
  if (field == "exporter") return addrCond({"exporter"});
  if (field == "proto" || field == "protocol") {
    int p = ProtocolNumber(val);
    if (p < 0) return At(valTok.column, "unknown protocol '" + val + "'");
    return intCond({"protocol"}, p);
  }
  if (field == "srccountry" || field == "dstcountry") {
    if (op != "=" && op != "!=") return At(opTok.column, "countries compare with = or != only");
    sql += std::string(field == "srccountry" ? "src_country" : "dst_country") + " " + op + " ?";
    q.params.push_back({false, {}, 0, val, true});
    return {};
  }
  static const std::map<std::string, std::vector<std::string>> kIntFields = {
      {"srcport", {"src_port"}},
      {"dstport", {"dst_port"}},
      {"port", {"src_port", "dst_port"}},
      {"srcas", {"src_as"}},
      {"dstas", {"dst_as"}},
      {"as", {"src_as", "dst_as"}},
      {"tos", {"tos"}},
      {"flags", {"tcp_flags"}},
      {"vlan", {"vlan"}},
      {"ingress", {"in_if"}},
      {"egress", {"out_if"}},
      {"domain", {"obs_domain"}},
      {"packets", {"packets"}},
      {"bytes", {"octets"}},
      {"octets", {"octets"}},
      {"icmptype", {"icmp_type"}},
      {"icmpcode", {"icmp_code"}},
      {"natevent", {"nat_event"}},
      {"endreason", {"end_reason"}},
      {"sampling", {"sampling"}},
      {"ipversion", {"ip_version"}}};
  auto it = kIntFields.find(field);
  if (it == kIntFields.end()) {
    return At(fieldTok.column, "unknown field '" + fieldTok.text +
                                   "' (srcip dstip ip srcport dstport port proto srcas dstas as "
                                   "tos flags vlan ingress egress domain exporter packets bytes "
                                   "srccountry dstcountry ...)");
  }
  int64_t v = 0;
  VANTAGE_RETURN_IF_ERROR(number(v));
  return intCond(it->second, v);
}

core::Result<int64_t> ParseDurationNs(const Token& t) {
  std::string s = Lower(t.text);
  size_t k = 0;
  while (k < s.size() && std::isdigit(static_cast<unsigned char>(s[k]))) ++k;
  uint64_t n = 0;
  if (k == 0 || !ParseUint(s.substr(0, k), n) || n == 0) {
    return At(t.column, "expected a duration like 30s, 5m, 1h or 1d, found '" + t.text + "'");
  }
  std::string unit = s.substr(k);
  int64_t mult = 0;
  if (unit == "s" || unit == "sec")
    mult = 1;
  else if (unit == "m" || unit == "min")
    mult = 60;
  else if (unit == "h")
    mult = 3600;
  else if (unit == "d")
    mult = 86400;
  else
    return At(t.column + k, "unknown duration unit '" + unit + "' (s, m, h, d)");
  return static_cast<int64_t>(n) * mult * 1'000'000'000;
}

std::string HexBytes(const uint8_t* p, size_t n) {
  static const char* kHex = "0123456789abcdef";
  std::string s;
  for (size_t i = 0; i < n; ++i) {
    s += kHex[p[i] >> 4];
    s += kHex[p[i] & 15];
  }
  return s;
}

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

struct Agg {
  uint64_t flows = 0;
  uint64_t packets = 0;
  uint64_t bytes = 0;
};

uint64_t MetricOf(const Agg& a, const std::string& m) {
  return m == "packets" ? a.packets : m == "flows" ? a.flows : a.bytes;
}

using Groups = std::unordered_map<std::string, Agg>;

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

// Flows read, and those whose sampling rate is unknown (scaled queries).
struct Tally {
  uint64_t flows = 0, unknown = 0;
};

// Adds the rows of `sql` (dimension columns, packets, octets) to `groups`, keyed as the
// dimension's text.
core::Status AccumulateRows(sqlite3* db, const std::string& sql, const ParsedQuery& q,
                            const Dimension* dim, const QueryOptions& opt, Groups& groups,
                            Tally& tally) {
  auto st = Prepare(db, sql, false);
  if (!st) return st.GetError();
  BindParams(*st, q);
  const int nCols = static_cast<int>(dim->columns.size());
  const std::string name = dim->name;
  std::string key;
  int rc = 0;
  while ((rc = sqlite3_step(*st)) == SQLITE_ROW) {
    key.clear();
    if (name == "app") {
      key = AppName(static_cast<uint8_t>(sqlite3_column_int(*st, 0)),
                    static_cast<uint16_t>(sqlite3_column_int(*st, 1)),
                    static_cast<uint16_t>(sqlite3_column_int(*st, 2)));
    } else if (name == "srcas" || name == "dstas") {
      int64_t as = sqlite3_column_int64(*st, 0);
      if (as == 0 && opt.asTable) {
        auto a = BlobAddr(sqlite3_column_blob(*st, 1), sqlite3_column_bytes(*st, 1));
        if (const auto* v = opt.asTable->Lookup(a)) as = std::strtoll(v->c_str(), nullptr, 10);
      }
      key = std::to_string(as);
    } else if (name == "srccountry" || name == "dstcountry") {
      const unsigned char* c = sqlite3_column_text(*st, 0);
      if (c) {
        key = reinterpret_cast<const char*>(c);
      } else if (opt.countryTable) {
        auto a = BlobAddr(sqlite3_column_blob(*st, 1), sqlite3_column_bytes(*st, 1));
        if (const auto* v = opt.countryTable->Lookup(a)) key = *v;
      }
      if (key.empty()) key = "??";
    } else if (name == "conversation") {
      std::string a(static_cast<const char*>(sqlite3_column_blob(*st, 0))
                        ? static_cast<const char*>(sqlite3_column_blob(*st, 0))
                        : "",
                    static_cast<size_t>(sqlite3_column_bytes(*st, 0)));
      std::string b(static_cast<const char*>(sqlite3_column_blob(*st, 1))
                        ? static_cast<const char*>(sqlite3_column_blob(*st, 1))
                        : "",
                    static_cast<size_t>(sqlite3_column_bytes(*st, 1)));
      if (b < a) std::swap(a, b);
      key.assign(1, static_cast<char>(a.size()));
      key += a;
      key += b;
    } else {
      for (int c = 0; c < nCols; ++c) {
        if (c) key += '\x01';
        if (sqlite3_column_type(*st, c) == SQLITE_BLOB) {
          key.append(static_cast<const char*>(sqlite3_column_blob(*st, c)),
                     static_cast<size_t>(sqlite3_column_bytes(*st, c)));
        } else {
          key += std::to_string(sqlite3_column_int64(*st, c));
        }
      }
    }
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
  const std::string name = dim->name;
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
  bool isAddr = name == "srcip" || name == "dstip";
  for (const auto& [k, a] : sorted) {
    std::vector<std::string> row;
    if (isAddr) {
      row.push_back(AddrText(k->data(), static_cast<int>(k->size())));
    } else if (name == "conversation") {
      size_t alen = static_cast<uint8_t>((*k)[0]);
      std::string a1 = k->substr(1, alen);
      std::string b1 = k->substr(1 + alen);
      row.push_back(AddrText(a1.data(), static_cast<int>(a1.size())));
      row.push_back(AddrText(b1.data(), static_cast<int>(b1.size())));
    } else if (name == "proto") {
      const char* pn = ProtocolName(std::stoi(*k));
      row.push_back(pn ? pn : *k);
    } else if (name == "exporter") {
      size_t p = k->rfind('\x01');
      std::string e = k->substr(0, p);
      row.push_back(AddrText(e.data(), static_cast<int>(e.size())));
      row.push_back(k->substr(p + 1));
    } else {
      row.push_back(*k);
    }
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
  if ((name == "srcas" || name == "dstas") && opt.asTable) return false;
  if ((name == "srccountry" || name == "dstcountry") && opt.countryTable) return false;
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
  const bool country = name == "srccountry" || name == "dstcountry";
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
  std::vector<std::string> raw;
  auto parts = Prepare(db, "SELECT table_name FROM partitions WHERE rolled_up = 0", false);
  if (!parts) return parts.GetError();
  while (sqlite3_step(*parts) == SQLITE_ROW) {
    raw.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(*parts, 0)));
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

}  // namespace

namespace {
const std::map<std::pair<int, int>, const char*>& KnownApps() {
  static const std::map<std::pair<int, int>, const char*> kApps = {
      {{6, 20}, "ftp-data"},     {{6, 21}, "ftp"},        {{6, 22}, "ssh"},
      {{6, 23}, "telnet"},       {{6, 25}, "smtp"},       {{17, 53}, "dns"},
      {{6, 53}, "dns"},          {{17, 67}, "dhcp"},      {{17, 68}, "dhcp"},
      {{6, 80}, "http"},         {{6, 110}, "pop3"},      {{17, 123}, "ntp"},
      {{6, 143}, "imap"},        {{17, 161}, "snmp"},     {{17, 162}, "snmp-trap"},
      {{6, 179}, "bgp"},         {{6, 389}, "ldap"},      {{6, 443}, "https"},
      {{17, 443}, "quic"},       {{6, 445}, "smb"},       {{17, 514}, "syslog"},
      {{6, 587}, "submission"},  {{6, 636}, "ldaps"},     {{6, 993}, "imaps"},
      {{6, 995}, "pop3s"},       {{6, 1433}, "mssql"},    {{6, 3306}, "mysql"},
      {{6, 3389}, "rdp"},        {{6, 5432}, "postgres"}, {{17, 2055}, "netflow"},
      {{17, 4739}, "ipfix"},     {{6, 4739}, "ipfix"},    {{6, 8080}, "http-alt"},
      {{6, 8443}, "https-alt"},  {{17, 5353}, "mdns"},    {{6, 6379}, "redis"},
      {{17, 51820}, "wireguard"}};
  return kApps;
}
}  // namespace

uint16_t AppPort(uint8_t protocol, uint16_t srcPort, uint16_t dstPort) {
  if (protocol != 6 && protocol != 17 && protocol != 132) return 0;
  const auto& apps = KnownApps();
  const bool a = apps.count({protocol, dstPort}) != 0;
  const bool b = apps.count({protocol, srcPort}) != 0;
  if (a && (!b || dstPort <= srcPort)) return dstPort;
  if (b) return srcPort;
  return std::min(srcPort, dstPort);
}

std::string AppName(uint8_t protocol, uint16_t srcPort, uint16_t dstPort) {
  if (protocol != 6 && protocol != 17 && protocol != 132) {
    const char* pn = ProtocolName(protocol);
    return pn ? pn : "proto-" + std::to_string(protocol);
  }
  const uint16_t port = AppPort(protocol, srcPort, dstPort);
  auto it = KnownApps().find({protocol, port});
  if (it != KnownApps().end()) return it->second;
  const char* pn = ProtocolName(protocol);
  return std::string(pn ? pn : "proto") + "/" + std::to_string(port);
}

core::Result<int64_t> ParseTimeNs(const std::string& text) {
  uint64_t secs = 0;
  if (ParseUint(text, secs)) return static_cast<int64_t>(secs) * 1'000'000'000;
  std::tm tm{};
  int y = 0, mo = 0, d = 0, h = 0, mi = 0;
  double s = 0;
  char sep = 0;
  int n = std::sscanf(text.c_str(), "%d-%d-%d%c%d:%d:%lf", &y, &mo, &d, &sep, &h, &mi, &s);
  if (n != 3 && n != 7 && !(n == 6)) {
    return core::MakeError(core::ErrorCode::kParse,
                           "bad time '" + text + "' (use 2024-01-02T03:04:05Z or UNIX seconds)");
  }
  if (n >= 4 && sep != 'T' && sep != ' ' && sep != 't') {
    return core::MakeError(core::ErrorCode::kParse, "bad time '" + text + "'");
  }
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h < 0 || h > 23 || mi < 0 || mi > 59 || s < 0 ||
      s >= 61) {
    return core::MakeError(core::ErrorCode::kParse, "time out of range '" + text + "'");
  }
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  int64_t base = static_cast<int64_t>(timegm(&tm));
  return base * 1'000'000'000 + static_cast<int64_t>(std::llround(s * 1e9));
}

core::Result<ParsedQuery> ParseQuery(const std::string& text) {
  ParsedQuery q;
  size_t firstChar = text.find_first_not_of(" \t\r\n");
  if (firstChar == std::string::npos) return At(1, "empty query");
  auto toks = Tokenize(text);
  std::string head;
  {
    size_t e = firstChar;
    while (e < text.size() && std::isalpha(static_cast<unsigned char>(text[e]))) ++e;
    head = Lower(text.substr(firstChar, e - firstChar));
  }
  if (head == "select" || head == "with" || head == "pragma" || head == "explain" ||
      head == "values") {
    q.kind = ParsedQuery::Kind::kSql;
    q.sql = text;
    return q;
  }
  if (!toks) return toks.GetError();
  const auto& t = *toks;
  size_t i = 0;
  auto endCol = [&]() { return text.size() + 1; };
  std::string kw = Lower(t[0].text);
  if (kw == "top") {
    q.kind = ParsedQuery::Kind::kTop;
    ++i;
    uint64_t n = 10;
    if (i < t.size() && ParseUint(t[i].text, n)) {
      if (n == 0 || n > 1000000) return At(t[i].column, "top N must be 1..1000000");
      ++i;
    }
    q.limit = n;
    if (i >= t.size())
      return At(endCol(),
                "expected what to rank (srcip, dstip, srcport, dstport, proto, app, srcas, dstas, "
                "srccountry, dstcountry, conversation, exporter)");
    if (!FindDimension(t[i].text)) {
      return At(t[i].column,
                "unknown dimension '" + t[i].text +
                    "' (srcip, dstip, srcport, dstport, proto, app, srcas, dstas, srccountry, "
                    "dstcountry, conversation, exporter, tos, ingress, egress)");
    }
    q.dimension = FindDimension(t[i].text)->name;
    ++i;
  } else if (kw == "series" || kw == "timeseries") {
    q.kind = ParsedQuery::Kind::kSeries;
    ++i;
    if (i < t.size()) {
      std::string m = Lower(t[i].text);
      if (m == "bytes" || m == "octets" || m == "packets" || m == "flows") {
        q.metric = m == "octets" ? "bytes" : m;
        ++i;
      }
    }
  } else {
    return At(t[0].column,
              "expected 'top', 'series' or an SQL statement, found '" + t[0].text + "'");
  }
  std::vector<std::string> conds;
  while (i < t.size()) {
    std::string k = Lower(t[i].text);
    if (k == "by" && q.kind == ParsedQuery::Kind::kTop) {
      if (++i >= t.size()) return At(endCol(), "expected bytes, packets or flows after 'by'");
      std::string m = Lower(t[i].text);
      if (m == "octets") m = "bytes";
      if (m != "bytes" && m != "packets" && m != "flows") {
        return At(t[i].column, "expected bytes, packets or flows, found '" + t[i].text + "'");
      }
      q.metric = m;
      ++i;
    } else if (k == "every" && q.kind == ParsedQuery::Kind::kSeries) {
      if (++i >= t.size()) return At(endCol(), "expected a bin size after 'every'");
      auto d = ParseDurationNs(t[i]);
      if (!d) return d.GetError();
      q.binNs = *d;
      ++i;
    } else if (k == "scaled") {
      q.scaled = true;
      ++i;
    } else if (k == "where") {
      ++i;
      for (;;) {
        std::string c;
        VANTAGE_RETURN_IF_ERROR(ParseCondition(t, i, q, c));
        conds.push_back(c);
        if (i < t.size() && Lower(t[i].text) == "and") {
          ++i;
          continue;
        }
        break;
      }
    } else if (k == "between") {
      if (i + 3 >= t.size() || Lower(t[i + 2].text) != "and") {
        return At(t[i].column, "expected 'between T1 and T2'");
      }
      auto t1 = ParseTimeNs(t[i + 1].text);
      if (!t1) return At(t[i + 1].column, t1.GetError().message);
      auto t2 = ParseTimeNs(t[i + 3].text);
      if (!t2) return At(t[i + 3].column, t2.GetError().message);
      if (*t2 < *t1) return At(t[i + 3].column, "end time is before start time");
      conds.push_back("start_ns >= ? AND start_ns < ?");
      q.params.push_back({false, {}, *t1, "", false});
      q.params.push_back({false, {}, *t2, "", false});
      i += 4;
    } else {
      return At(t[i].column, "unexpected '" + t[i].text + "' (expected " +
                                 (q.kind == ParsedQuery::Kind::kTop ? "by, " : "every, ") +
                                 "scaled, where or between)");
    }
  }
  for (size_t c = 0; c < conds.size(); ++c) {
    if (c) q.where += " AND ";
    q.where += "(" + conds[c] + ")";
  }
  return q;
}

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

std::string FormatTable(const QueryTable& t, OutputFormat format) {
  std::ostringstream o;
  if (format == OutputFormat::kCsv) {
    auto cell = [](const std::string& s) {
      if (s.find_first_of(",\"\n") == std::string::npos) return s;
      std::string q = "\"";
      for (char c : s) {
        if (c == '"') q += '"';
        q += c;
      }
      return q + "\"";
    };
    for (size_t c = 0; c < t.columns.size(); ++c) o << (c ? "," : "") << cell(t.columns[c]);
    o << "\n";
    for (const auto& r : t.rows) {
      for (size_t c = 0; c < r.size(); ++c) o << (c ? "," : "") << cell(r[c]);
      o << "\n";
    }
    return o.str();
  }
  if (format == OutputFormat::kJson) {
    nlohmann::ordered_json arr = nlohmann::ordered_json::array();
    for (const auto& r : t.rows) {
      nlohmann::ordered_json obj = nlohmann::ordered_json::object();
      for (size_t c = 0; c < r.size() && c < t.columns.size(); ++c) {
        const std::string& v = r[c];
        uint64_t u = 0;
        if (ParseUint(v, u)) {
          obj[t.columns[c]] = u;
        } else if (v.size() > 1 && v[0] == '-' && ParseUint(v.substr(1), u)) {
          obj[t.columns[c]] = -static_cast<int64_t>(u);
        } else {
          obj[t.columns[c]] = v;
        }
      }
      arr.push_back(obj);
    }
    return arr.dump(2) + "\n";
  }
  std::vector<size_t> w(t.columns.size(), 0);
  for (size_t c = 0; c < t.columns.size(); ++c) w[c] = t.columns[c].size();
  for (const auto& r : t.rows) {
    for (size_t c = 0; c < r.size() && c < w.size(); ++c) w[c] = std::max(w[c], r[c].size());
  }
  auto numeric = [](const std::string& s) {
    return !s.empty() && s.find_first_not_of("0123456789.-") == std::string::npos &&
           std::count(s.begin(), s.end(), '.') <= 1;
  };
  for (size_t c = 0; c < t.columns.size(); ++c) {
    o << (c ? "  " : "") << std::left << std::setw(static_cast<int>(w[c])) << t.columns[c];
  }
  o << "\n";
  for (size_t c = 0; c < t.columns.size(); ++c) o << (c ? "  " : "") << std::string(w[c], '-');
  o << "\n";
  for (const auto& r : t.rows) {
    for (size_t c = 0; c < r.size() && c < w.size(); ++c) {
      o << (c ? "  " : "");
      if (numeric(r[c])) {
        o << std::right << std::setw(static_cast<int>(w[c])) << r[c];
      } else {
        o << std::left << std::setw(static_cast<int>(w[c])) << r[c];
      }
    }
    o << "\n";
  }
  o << "(" << t.rows.size() << " row" << (t.rows.size() == 1 ? "" : "s") << ")\n";
  return o.str();
}

std::string PlotSvg(const QueryTable& t, const std::string& title) {
  const double width = 800, height = 320, left = 80, right = 20, top = 30, bottom = 50;
  std::vector<double> ys;
  for (const auto& r : t.rows) ys.push_back(r.size() > 1 ? std::strtod(r[1].c_str(), nullptr) : 0);
  double maxY = 0;
  for (double y : ys) maxY = std::max(maxY, y);
  if (maxY <= 0) maxY = 1;
  std::ostringstream o;
  o << std::fixed << std::setprecision(1);
  o << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << width << "\" height=\"" << height
    << "\" font-family=\"sans-serif\" font-size=\"11\">\n";
  o << "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n";
  o << "<text x=\"" << width / 2 << "\" y=\"18\" text-anchor=\"middle\" font-size=\"14\">"
    << core::XmlEscape(title) << "</text>\n";
  double pw = width - left - right, ph = height - top - bottom;
  o << "<line x1=\"" << left << "\" y1=\"" << top + ph << "\" x2=\"" << left + pw << "\" y2=\""
    << top + ph << "\" stroke=\"black\"/>\n";
  o << "<line x1=\"" << left << "\" y1=\"" << top << "\" x2=\"" << left << "\" y2=\"" << top + ph
    << "\" stroke=\"black\"/>\n";
  for (int k = 0; k <= 4; ++k) {
    double v = maxY * k / 4;
    double y = top + ph - ph * k / 4;
    o << "<text x=\"" << left - 5 << "\" y=\"" << y + 4 << "\" text-anchor=\"end\">"
      << static_cast<uint64_t>(v) << "</text>\n";
  }
  if (!t.rows.empty()) {
    o << "<text x=\"" << left << "\" y=\"" << height - 20 << "\">" << core::XmlEscape(t.rows.front()[0])
      << "</text>\n";
    o << "<text x=\"" << left + pw << "\" y=\"" << height - 20 << "\" text-anchor=\"end\">"
      << core::XmlEscape(t.rows.back()[0]) << "</text>\n";
  }
  if (t.columns.size() > 1) {
    o << "<text x=\"14\" y=\"" << top + ph / 2 << "\" transform=\"rotate(-90 14 " << top + ph / 2
      << ")\" text-anchor=\"middle\">" << core::XmlEscape(t.columns[1]) << "</text>\n";
  }
  o << "<polyline fill=\"none\" stroke=\"#1f77b4\" stroke-width=\"1.5\" points=\"";
  size_t n = ys.size();
  for (size_t k = 0; k < n; ++k) {
    double x = left + (n > 1 ? pw * static_cast<double>(k) / static_cast<double>(n - 1) : pw / 2);
    double y = top + ph - ph * ys[k] / maxY;
    o << x << "," << y << " ";
  }
  o << "\"/>\n</svg>\n";
  return o.str();
}

}  // namespace vantage::collector
