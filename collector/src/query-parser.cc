// The query language's parser: top, series and plain SQL (grammar in docs/collector.md).
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
#include "vantage/collector/query.h"

namespace vantage::collector {

namespace detail {
namespace {

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

}  // namespace
}  // namespace detail

using detail::At;
using detail::FindDimension;
using detail::Lower;
using detail::ParseCondition;
using detail::ParseDurationNs;
using detail::ParseUint;
using detail::Tokenize;

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

namespace {

// The clauses after the head: by, every, scaled, where and between (joined with AND).
core::Status ParseClauses(const std::vector<detail::Token>& t, size_t i, size_t endColumn,
                          ParsedQuery& q) {
  auto endCol = [&]() { return endColumn; };
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
  return {};
}

}  // namespace

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
  VANTAGE_RETURN_IF_ERROR(ParseClauses(t, i, endCol(), q));
  return q;
}

}  // namespace vantage::collector
