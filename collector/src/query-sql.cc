// Conditions of the query language to SQL with bound parameters.
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
#include "vantage/core/ip-address.h"

namespace vantage::collector::detail {

namespace {

std::vector<uint8_t> AddrBytes(const core::IpAddress& a) {
  return std::vector<uint8_t>(a.bytes.begin(), a.bytes.begin() + static_cast<long>(a.Length()));
}

// The parts of one condition: FIELD OP VALUE.
struct Condition {
  const Token& opTok;
  const Token& valTok;
  std::string op;
  const std::string& val;
};

// An address condition on `cols` (any of them): an address, or a prefix as a byte range.
core::Status AddressCondition(const Condition& cond, const std::vector<std::string>& cols,
                              ParsedQuery& q, std::string& sql) {
  std::vector<uint8_t> lo;
  std::vector<uint8_t> hi;
  if (cond.op == "in" || cond.val.find('/') != std::string::npos) {
    auto p = core::IpPrefix::Parse(cond.val, true);
    if (!p)
      return At(cond.valTok.column,
                "bad address prefix '" + cond.val + "': " + p.GetError().message);
    if (cond.op != "in" && cond.op != "=" && cond.op != "!=")
      return At(cond.opTok.column, "a prefix needs 'in', '=' or '!='");
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
    sql += cond.op == "!=" ? "NOT (" + parts + ")" : "(" + parts + ")";
    return {};
  }
  auto a = core::IpAddress::Parse(cond.val);
  if (!a) return At(cond.valTok.column, "bad address '" + cond.val + "': " + a.GetError().message);
  std::string parts;
  for (size_t c = 0; c < cols.size(); ++c) {
    if (c) parts += cond.op == "!=" ? " AND " : " OR ";
    parts += cols[c] + " " + cond.op + " ?";
    q.params.push_back({true, AddrBytes(*a), 0, "", false});
  }
  sql += "(" + parts + ")";
  return {};
}

// Numeric fields and the columns each compares (any of them).
const std::map<std::string, std::vector<std::string>>& IntFields() {
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
  return kIntFields;
}

}  // namespace

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

  Condition cond{opTok, valTok, op, val};
  auto addrCond = [&](const std::vector<std::string>& cols) {
    return AddressCondition(cond, cols, q, sql);
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
  auto it = IntFields().find(field);
  if (it == IntFields().end()) {
    return At(fieldTok.column, "unknown field '" + fieldTok.text +
                                   "' (srcip dstip ip srcport dstport port proto srcas dstas as "
                                   "tos flags vlan ingress egress domain exporter packets bytes "
                                   "srccountry dstcountry ...)");
  }
  int64_t v = 0;
  VANTAGE_RETURN_IF_ERROR(number(v));
  return intCond(it->second, v);
}

}  // namespace vantage::collector::detail
