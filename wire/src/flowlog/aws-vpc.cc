// AWS VPC Flow Logs as delivered to Amazon S3: a header line of field names, then one record
// a line, fields separated by spaces, "-" where a field does not apply or is unknown.
// Fields, their versions and values:
//   https://docs.aws.amazon.com/vpc/latest/userguide/flow-log-records.html
// NODATA / SKIPDATA records ("-" in every 5-tuple field):
//   https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs-records-examples.html
// One table (kFields) drives both the writer and the reader: each row names a field, the
// format version that introduced it, and how it is written and read.
#include <algorithm>
#include <string>

#include "flowlog/formats.h"
#include "flowlog/text-util.h"

namespace vantage::wire::flowlog {

namespace {

using detail::ParseUint;

struct WriteCtx {
  const Settings& settings;
  const FlowLogRecord& record;
  int version;  ///< the `version` field: the highest version among the written fields
};

struct Field {
  const char* name;
  int version;
  /// Describes the flow itself: "-" in NODATA and SKIPDATA records.
  bool flowField;
  void (*write)(const WriteCtx& c, std::string& out);
  /// False with `err` set when the text is not a valid value ("-" never reaches it).
  bool (*read)(std::string_view text, FlowLogRecord& r, std::string& err);
};

void Text(std::string& out, const std::string& s) {
  out += s.empty() ? "-" : s;
}

void Num(std::string& out, uint64_t v) {
  out += std::to_string(v);
}

void Addr(std::string& out, const core::IpAddress& a) {
  out += a.IsSet() ? a.ToString() : "-";
}

bool Ignore(std::string_view, FlowLogRecord&, std::string&) {
  return true;
}

bool ReadAddr(std::string_view t, core::IpAddress& a, std::string& err) {
  auto r = core::IpAddress::Parse(t);
  if (!r) {
    err = "not an IP address";
    return false;
  }
  a = *r;
  return true;
}

template <typename T>
bool ReadNum(std::string_view t, T& v, uint64_t max, std::string& err) {
  auto n = ParseUint(t, max);
  if (!n) {
    err = "not a number from 0 to " + std::to_string(max);
    return false;
  }
  v = static_cast<T>(*n);
  return true;
}

// Unix seconds that still fit in int64 nanoseconds.
bool ReadTime(std::string_view t, core::Timestamp& ts, std::string& err) {
  auto n = ParseUint(t, 9223372035ULL);
  if (!n) {
    err = "not a Unix time in seconds";
    return false;
  }
  ts = core::Timestamp::FromSeconds(static_cast<int64_t>(*n));
  return true;
}

// AWS writes "-" for a value that does not apply.
const char* OrDash(const char* text) {
  return *text != 0 ? text : "-";
}

template <typename E>
bool ReadEnum(std::string_view t, E& out, std::initializer_list<std::pair<const char*, E>> vals,
              std::string& err) {
  for (const auto& [name, v] : vals) {
    if (t == name) {
      out = v;
      return true;
    }
  }
  err = "unknown value";
  return false;
}

// clang-format off
const Field kFields[] = {
  {"version", 2, false,
   [](const WriteCtx& c, std::string& o) { Num(o, static_cast<uint64_t>(c.version)); },
   [](std::string_view t, FlowLogRecord&, std::string& e) {
     uint8_t v = 0; return ReadNum(t, v, 255, e); }},
  {"account-id", 2, false,
   [](const WriteCtx& c, std::string& o) { Text(o, c.settings.account); }, Ignore},
  {"interface-id", 2, false,
   [](const WriteCtx& c, std::string& o) { Text(o, c.record.interfaceId); },
   [](std::string_view t, FlowLogRecord& r, std::string&) {
     r.interfaceId = std::string(t); return true; }},
  {"srcaddr", 2, true, [](const WriteCtx& c, std::string& o) { Addr(o, c.record.src); },
   [](std::string_view t, FlowLogRecord& r, std::string& e) { return ReadAddr(t, r.src, e); }},
  {"dstaddr", 2, true, [](const WriteCtx& c, std::string& o) { Addr(o, c.record.dst); },
   [](std::string_view t, FlowLogRecord& r, std::string& e) { return ReadAddr(t, r.dst, e); }},
  {"srcport", 2, true, [](const WriteCtx& c, std::string& o) { Num(o, c.record.srcPort); },
   [](std::string_view t, FlowLogRecord& r, std::string& e) {
     return ReadNum(t, r.srcPort, 65535, e); }},
  {"dstport", 2, true, [](const WriteCtx& c, std::string& o) { Num(o, c.record.dstPort); },
   [](std::string_view t, FlowLogRecord& r, std::string& e) {
     return ReadNum(t, r.dstPort, 65535, e); }},
  {"protocol", 2, true, [](const WriteCtx& c, std::string& o) { Num(o, c.record.protocol); },
   [](std::string_view t, FlowLogRecord& r, std::string& e) {
     return ReadNum(t, r.protocol, 255, e); }},
  {"packets", 2, true, [](const WriteCtx& c, std::string& o) { Num(o, c.record.packets); },
   [](std::string_view t, FlowLogRecord& r, std::string& e) {
     return ReadNum(t, r.packets, UINT64_MAX, e); }},
  {"bytes", 2, true, [](const WriteCtx& c, std::string& o) { Num(o, c.record.octets); },
   [](std::string_view t, FlowLogRecord& r, std::string& e) {
     return ReadNum(t, r.octets, UINT64_MAX, e); }},
  {"start", 2, false,
   [](const WriteCtx& c, std::string& o) { o += std::to_string(c.record.start.Seconds()); },
   [](std::string_view t, FlowLogRecord& r, std::string& e) { return ReadTime(t, r.start, e); }},
  {"end", 2, false,
   [](const WriteCtx& c, std::string& o) { o += std::to_string(c.record.end.Seconds()); },
   [](std::string_view t, FlowLogRecord& r, std::string& e) { return ReadTime(t, r.end, e); }},
  {"action", 2, true, [](const WriteCtx& c, std::string& o) { o += OrDash(ActionName(c.record.action)); },
   [](std::string_view t, FlowLogRecord& r, std::string& e) {
     return ReadEnum(t, r.action, {{"ACCEPT", Action::kAccept}, {"REJECT", Action::kReject}}, e);
   }},
  {"log-status", 2, false,
   [](const WriteCtx& c, std::string& o) { o += LogStatusName(c.record.logStatus); },
   [](std::string_view t, FlowLogRecord& r, std::string& e) {
     return ReadEnum(t, r.logStatus, {{"OK", LogStatus::kOk}, {"NODATA", LogStatus::kNoData},
                                      {"SKIPDATA", LogStatus::kSkipData}}, e);
   }},
  {"vpc-id", 3, false, [](const WriteCtx& c, std::string& o) { Text(o, c.settings.network); },
   Ignore},
  {"subnet-id", 3, false, [](const WriteCtx& c, std::string& o) { Text(o, c.record.subnetId); },
   [](std::string_view t, FlowLogRecord& r, std::string&) {
     r.subnetId = std::string(t); return true; }},
  {"instance-id", 3, false,
   [](const WriteCtx& c, std::string& o) { Text(o, c.record.instanceId); },
   [](std::string_view t, FlowLogRecord& r, std::string&) {
     r.instanceId = std::string(t); return true; }},
  {"tcp-flags", 3, true, [](const WriteCtx& c, std::string& o) { Num(o, c.record.tcpFlags); },
   [](std::string_view t, FlowLogRecord& r, std::string& e) {
     return ReadNum(t, r.tcpFlags, 255, e); }},
  {"type", 3, true,
   [](const WriteCtx& c, std::string& o) {
     o += c.record.src.IsV6() || c.record.dst.IsV6() ? "IPv6" : "IPv4"; },
   [](std::string_view t, FlowLogRecord&, std::string& e) {
     if (t == "IPv4" || t == "IPv6" || t == "EFA") return true;
     e = "unknown value"; return false; }},
  {"pkt-srcaddr", 3, true,
   [](const WriteCtx& c, std::string& o) {
     Addr(o, c.record.pktSrc.IsSet() ? c.record.pktSrc : c.record.src); },
   [](std::string_view t, FlowLogRecord& r, std::string& e) {
     return ReadAddr(t, r.pktSrc, e); }},
  {"pkt-dstaddr", 3, true,
   [](const WriteCtx& c, std::string& o) {
     Addr(o, c.record.pktDst.IsSet() ? c.record.pktDst : c.record.dst); },
   [](std::string_view t, FlowLogRecord& r, std::string& e) {
     return ReadAddr(t, r.pktDst, e); }},
  {"region", 4, false, [](const WriteCtx& c, std::string& o) { Text(o, c.settings.region); },
   Ignore},
  {"az-id", 4, false, [](const WriteCtx& c, std::string& o) { Text(o, c.record.zone); },
   [](std::string_view t, FlowLogRecord& r, std::string&) {
     r.zone = std::string(t); return true; }},
  // Wavelength Zones and Outposts are not modelled: always "-" when written.
  {"sublocation-type", 4, false, [](const WriteCtx&, std::string& o) { o += '-'; },
   [](std::string_view t, FlowLogRecord&, std::string& e) {
     if (t == "wavelength" || t == "outpost" || t == "localzone") return true;
     e = "unknown value"; return false; }},
  {"sublocation-id", 4, false, [](const WriteCtx&, std::string& o) { o += '-'; }, Ignore},
  {"pkt-src-aws-service", 5, true,
   [](const WriteCtx& c, std::string& o) { Text(o, c.record.pktSrcAwsService); },
   [](std::string_view t, FlowLogRecord& r, std::string&) {
     r.pktSrcAwsService = std::string(t); return true; }},
  {"pkt-dst-aws-service", 5, true,
   [](const WriteCtx& c, std::string& o) { Text(o, c.record.pktDstAwsService); },
   [](std::string_view t, FlowLogRecord& r, std::string&) {
     r.pktDstAwsService = std::string(t); return true; }},
  {"flow-direction", 5, true,
   [](const WriteCtx& c, std::string& o) { o += OrDash(DirectionName(c.record.direction)); },
   [](std::string_view t, FlowLogRecord& r, std::string& e) {
     return ReadEnum(t, r.direction, {{"ingress", Direction::kIngress},
                                      {"egress", Direction::kEgress}}, e); }},
  // 1 same VPC, 2 internet or gateway endpoint, 3 virtual private gateway, 4 intra-region
  // peering, 5 inter-region peering, 6 local gateway, 7 gateway endpoint, 8 internet gateway.
  {"traffic-path", 5, true,
   [](const WriteCtx& c, std::string& o) {
     if (c.record.trafficPath >= 1 && c.record.trafficPath <= 8)
       Num(o, static_cast<uint64_t>(c.record.trafficPath));
     else
       o += '-'; },
   [](std::string_view t, FlowLogRecord& r, std::string& e) {
     auto n = ParseUint(t, 8);
     if (!n || *n == 0) { e = "not a traffic path from 1 to 8"; return false; }
     r.trafficPath = static_cast<int>(*n); return true; }},
};
// clang-format on

const Field* FindField(std::string_view name) {
  for (const auto& f : kFields) {
    if (name == f.name) return &f;
  }
  return nullptr;
}

// Splits on runs of spaces or tabs (S3 files use one space; a hand-edited file may not).
void Split(std::string_view line, std::vector<std::string_view>& out) {
  out.clear();
  size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
    size_t start = i;
    while (i < line.size() && line[i] != ' ' && line[i] != '\t') ++i;
    if (i > start) out.push_back(line.substr(start, i - start));
  }
}

bool Blank(std::string_view line) {
  return line.find_first_not_of(" \t") == std::string_view::npos;
}

// The header names the fields of every line; anything else on line 1 means this is not an
// AWS flow log at all (a CSV, an IPFIX file, a CloudWatch export without its header).
bool ReadHeader(std::string_view line, std::vector<const Field*>& fields, std::string& fatal) {
  std::vector<std::string_view> names;
  Split(line, names);
  if (names.empty()) {
    fatal = "line 1: empty, expected the header line of AWS field names";
    return false;
  }
  for (auto name : names) {
    const Field* f = FindField(name);
    if (!f) {
      fatal = "line 1: not an AWS VPC flow log header: unknown field name '" +
              detail::Excerpt(name) + "'";
      return false;
    }
    if (std::find(fields.begin(), fields.end(), f) != fields.end()) {
      fatal = "line 1: field '" + std::string(name) + "' named twice in the header";
      return false;
    }
    fields.push_back(f);
  }
  return true;
}

// The header does not describe the lines when none of the first data lines has its number
// of fields (a header of one format version pasted onto lines of another).
bool HeaderMatchesLines(std::string_view text, size_t fieldCount, std::string& fatal) {
  detail::LineCursor cur(text);
  std::string_view line;
  std::vector<std::string_view> tokens;
  cur.Next(line);  // header
  int seen = 0;
  uint64_t firstLine = 0;
  size_t firstCount = 0;
  while (seen < 100 && cur.Next(line)) {
    if (Blank(line)) continue;
    Split(line, tokens);
    if (tokens.size() == fieldCount) return true;
    if (seen++ == 0) {
      firstLine = cur.LineNumber();
      firstCount = tokens.size();
    }
  }
  if (seen == 0) return true;
  fatal = "line " + std::to_string(firstLine) + ": the header names " + std::to_string(fieldCount) +
          " fields but the lines have " + std::to_string(firstCount) +
          " (the header does not match the lines)";
  return false;
}

bool ParseLine(const std::vector<const Field*>& fields, const std::vector<std::string_view>& tok,
               bool keepNative, FlowLogRecord& r, std::string& err) {
  if (tok.size() != fields.size()) {
    err = std::to_string(tok.size()) + " fields, the header names " + std::to_string(fields.size());
    return false;
  }
  r.provider = Provider::kAws;
  if (keepNative) r.native.reserve(fields.size());
  for (size_t i = 0; i < fields.size(); ++i) {
    if (keepNative) r.native.emplace_back(fields[i]->name, std::string(tok[i]));
    if (tok[i] == "-") continue;
    std::string why;
    if (!fields[i]->read(tok[i], r, why)) {
      err = std::string(fields[i]->name) + " '" + detail::Excerpt(tok[i]) + "': " + why;
      return false;
    }
  }
  return true;
}

}  // namespace

const std::vector<std::string>& AwsFieldNames() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> v;
    for (const auto& f : kFields) v.emplace_back(f.name);
    return v;
  }();
  return names;
}

// AWS's own default format is version 2; "version N" here is every field up to version N,
// in the order of AWS's table of available fields.
std::vector<std::string> AwsDefaultFields(int version) {
  std::vector<std::string> v;
  if (version < 2 || version > 5) return v;
  for (const auto& f : kFields) {
    if (f.version <= version) v.emplace_back(f.name);
  }
  return v;
}

namespace detail {

ReadResult ParseAws(std::string_view text, const RecordSink& sink, const ParseOptions& options) {
  ReadResult rr;
  LineCursor cur(text);
  std::string_view line;
  if (!cur.Next(line)) {
    rr.fatal = "empty file: expected the header line of AWS field names";
    return rr;
  }
  if (line.size() >= 3 && line.substr(0, 3) == "\xEF\xBB\xBF") line.remove_prefix(3);
  std::vector<const Field*> fields;
  if (!ReadHeader(line, fields, rr.fatal) || !HeaderMatchesLines(text, fields.size(), rr.fatal)) {
    rr.lines = 1;
    return rr;
  }
  std::vector<std::string_view> tokens;
  while (cur.Next(line)) {
    if (Blank(line)) continue;
    Split(line, tokens);
    FlowLogRecord r;
    std::string err;
    if (!ParseLine(fields, tokens, options.keepNative, r, err)) {
      rr.errors.push_back({cur.LineNumber(), err});
      continue;
    }
    sink(r);
  }
  rr.lines = cur.LineNumber();
  return rr;
}

std::string WriteAws(const Settings& settings, const std::vector<FlowLogRecord>& records) {
  std::vector<std::string> names = settings.awsFields;
  if (names.empty()) names = AwsDefaultFields(settings.awsVersion);
  if (names.empty()) names = AwsDefaultFields(2);
  std::vector<const Field*> fields;
  int version = 2;
  for (const auto& n : names) {
    // An unknown name in a custom list is skipped: the topology loader rejects such lists,
    // and a file whose header the reader refuses would be worse.
    if (const Field* f = FindField(n)) {
      fields.push_back(f);
      version = std::max(version, f->version);
    }
  }
  std::string out;
  out.reserve(64 + records.size() * 16 * fields.size());
  for (size_t i = 0; i < fields.size(); ++i) {
    if (i) out += ' ';
    out += fields[i]->name;
  }
  out += '\n';
  for (const auto& r : records) {
    WriteCtx ctx{settings, r, version};
    const bool noFlow = r.logStatus != LogStatus::kOk;
    for (size_t i = 0; i < fields.size(); ++i) {
      if (i) out += ' ';
      if (noFlow && fields[i]->flowField)
        out += '-';
      else
        fields[i]->write(ctx, out);
    }
    out += '\n';
  }
  return out;
}

}  // namespace detail

}  // namespace vantage::wire::flowlog
