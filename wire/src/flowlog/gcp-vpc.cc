// Google Cloud VPC Flow Logs as exported from Cloud Logging: one LogEntry JSON object a line
// (https://cloud.google.com/logging/docs/reference/v2/rest/v2/LogEntry) whose jsonPayload is
// the flow record (https://cloud.google.com/vpc/docs/about-flow-logs-records): `connection`
// (IpConnection: src_ip, src_port, dest_ip, dest_port, protocol), `start_time`, `end_time`
// (RFC 3339), `bytes_sent`, `packets_sent` (int64, written as strings by Cloud Logging's JSON
// mapping), `reporter` (SRC or DEST, both ends may report one flow) and, when metadata is
// included, `src_instance`/`dest_instance` and `src_vpc`/`dest_vpc`.
#include <string>

#include "flowlog/formats.h"
#include "flowlog/json-util.h"

namespace vantage::wire::flowlog::detail {

namespace {

constexpr const char* kLogId = "compute.googleapis.com%2Fvpc_flows";

// The reporter's side, and which side of the record its VM annotations describe.
std::string Reporter(const FlowLogRecord& r) {
  if (!r.reporter.empty()) return r.reporter;
  return r.direction == Direction::kIngress ? "DEST" : "SRC";
}

nlohmann::json Payload(const Settings& s, const FlowLogRecord& r) {
  nlohmann::json conn;
  conn["src_ip"] = r.src.ToString();
  conn["src_port"] = r.srcPort;
  conn["dest_ip"] = r.dst.ToString();
  conn["dest_port"] = r.dstPort;
  conn["protocol"] = r.protocol;
  nlohmann::json p;
  p["connection"] = std::move(conn);
  p["reporter"] = Reporter(r);
  p["start_time"] = FormatRfc3339(r.start, 9);
  p["end_time"] = FormatRfc3339(r.end, 9);
  p["bytes_sent"] = std::to_string(r.octets);
  p["packets_sent"] = std::to_string(r.packets);
  if (s.includeMetadata) {
    const std::string side =
        p["reporter"].get<std::string>().rfind("DEST", 0) == 0 ? "dest" : "src";
    nlohmann::json vm;
    vm["project_id"] = s.account;
    vm["region"] = s.region;
    vm["vm_name"] = r.instanceId.empty() ? r.interfaceId : r.instanceId;
    vm["zone"] = r.zone;
    p[side + "_instance"] = std::move(vm);
    nlohmann::json vpc;
    vpc["project_id"] = s.account;
    vpc["subnetwork_name"] = r.subnetId;
    vpc["vpc_name"] = s.network;
    p[side + "_vpc"] = std::move(vpc);
  }
  return p;
}

// Keys sorted as Cloud Logging exports them (nlohmann::json keeps objects in a std::map).
std::string WriteEntry(const Settings& s, const FlowLogRecord& r, size_t index) {
  nlohmann::json e;
  e["jsonPayload"] = Payload(s, r);
  e["logName"] = "projects/" + s.account + "/logs/" + kLogId;
  e["resource"]["type"] = "gce_subnetwork";
  e["resource"]["labels"]["project_id"] = s.account;
  e["resource"]["labels"]["location"] = r.zone.empty() ? s.region : r.zone;
  e["resource"]["labels"]["subnetwork_name"] = r.subnetId;
  e["timestamp"] = FormatRfc3339(r.end, 9);
  core::Timestamp received = r.delivered;
  if (received.ns == 0) {
    received = core::Timestamp::FromNanos(r.end.ns + static_cast<int64_t>(s.deliveryDelayS * 1e9));
  }
  e["receiveTimestamp"] = FormatRfc3339(received, 9);
  // Deterministic, unique within the file (Cloud Logging's are opaque strings): a hash of the
  // entry without it. "insertId" sorts first, so it goes in front of the entry's other keys.
  const std::string body = e.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  const std::string id = Hex(Fnv1a(body, Fnv1a(std::to_string(index))), 14);
  return "{\"insertId\":\"" + id + "\"," + body.substr(1);
}

bool Addr(const Json& conn, const char* key, core::IpAddress& a, std::string& err) {
  const std::string* t = JsonString(conn, key);
  if (!t) {
    err = std::string("connection.") + key + " missing";
    return false;
  }
  auto r = core::IpAddress::Parse(*t);
  if (!r) {
    err = std::string("connection.") + key + " '" + Excerpt(*t) + "' is not an IP address";
    return false;
  }
  a = *r;
  return true;
}

template <typename T>
bool Uint(const Json& obj, const char* key, uint64_t max, T& out, std::string& err,
          bool required = true) {
  auto it = obj.find(key);
  if (it == obj.end()) {
    if (required) err = std::string(key) + " missing";
    return !required;
  }
  uint64_t v = 0;
  if (!JsonUint(*it, max, v, err)) {
    err = std::string(key) + ": " + err;
    return false;
  }
  out = static_cast<T>(v);
  return true;
}

bool Time(const Json& obj, const char* key, core::Timestamp& out, std::string& err) {
  const std::string* t = JsonString(obj, key);
  if (!t) {
    err = std::string(key) + " missing";
    return false;
  }
  auto ts = ParseRfc3339(*t);
  if (!ts) {
    err = std::string(key) + " '" + Excerpt(*t) + "' is not an RFC 3339 time";
    return false;
  }
  out = *ts;
  return true;
}

// The reporting VM's annotations name the record's interface.
void ReadMetadata(const Json& p, FlowLogRecord& r) {
  const char* side = r.reporter.rfind("DEST", 0) == 0 ? "dest" : "src";
  if (const Json* vm = JsonObject(p, (std::string(side) + "_instance").c_str())) {
    if (const std::string* name = JsonString(*vm, "vm_name")) r.interfaceId = r.instanceId = *name;
    if (const std::string* zone = JsonString(*vm, "zone")) r.zone = *zone;
  }
  if (const Json* vpc = JsonObject(p, (std::string(side) + "_vpc").c_str())) {
    if (const std::string* sub = JsonString(*vpc, "subnetwork_name")) r.subnetId = *sub;
  }
}

bool ReadPayload(const Json& p, FlowLogRecord& r, std::string& err) {
  const Json* conn = JsonObject(p, "connection");
  if (!conn) {
    err = "jsonPayload.connection missing";
    return false;
  }
  if (!Addr(*conn, "src_ip", r.src, err) || !Addr(*conn, "dest_ip", r.dst, err) ||
      !Uint(*conn, "src_port", 65535, r.srcPort, err, false) ||
      !Uint(*conn, "dest_port", 65535, r.dstPort, err, false) ||
      !Uint(*conn, "protocol", 255, r.protocol, err) ||
      !Uint(p, "bytes_sent", UINT64_MAX, r.octets, err, false) ||
      !Uint(p, "packets_sent", UINT64_MAX, r.packets, err, false) ||
      !Time(p, "start_time", r.start, err) || !Time(p, "end_time", r.end, err))
    return false;
  if (const std::string* rep = JsonString(p, "reporter")) {
    if (*rep != "SRC" && *rep != "DEST" && *rep != "SRC_GATEWAY" && *rep != "DEST_GATEWAY") {
      err = "reporter '" + Excerpt(*rep) + "' is not SRC, DEST, SRC_GATEWAY or DEST_GATEWAY";
      return false;
    }
    r.reporter = *rep;
    r.direction = rep->rfind("DEST", 0) == 0 ? Direction::kIngress : Direction::kEgress;
  }
  ReadMetadata(p, r);
  return true;
}

bool ReadEntry(const Json& e, bool keepNative, FlowLogRecord& r, std::string& err) {
  const Json* p = JsonObject(e, "jsonPayload");
  if (!p) {
    err = "no jsonPayload object";
    return false;
  }
  r.provider = Provider::kGcp;
  r.action = Action::kAccept;  // VPC Flow Logs record traffic that was delivered
  if (!ReadPayload(*p, r, err)) return false;
  if (const std::string* rt = JsonString(e, "receiveTimestamp")) {
    if (auto ts = ParseRfc3339(*rt)) r.delivered = *ts;
  }
  if (keepNative) Flatten(e, "", r.native);
  return true;
}

Json ParseLine(std::string_view line, std::string& err) {
  try {
    return Json::parse(line.begin(), line.end());
  } catch (const nlohmann::json::exception& ex) {
    err = std::string("not a JSON object (truncated?): ") + ex.what();
  }
  return Json();
}

}  // namespace

ReadResult ParseGcp(std::string_view text, const RecordSink& sink, const ParseOptions& options) {
  ReadResult rr;
  LineCursor cur(text);
  std::string_view line;
  bool first = true;
  while (cur.Next(line)) {
    if (line.find_first_not_of(" \t") == std::string_view::npos) continue;
    std::string err;
    Json e = ParseLine(line, err);
    FlowLogRecord r;
    bool ok = err.empty() && e.is_object() && ReadEntry(e, options.keepNative, r, err);
    if (err.empty() && !ok) err = "not a JSON object";
    // A first line that is no Cloud Logging entry at all: another kind of file.
    if (first && !ok && !JsonObject(e, "jsonPayload")) {
      rr.fatal = "line " + std::to_string(cur.LineNumber()) +
                 ": not a Google Cloud VPC flow log (Cloud Logging JSON lines): " + err;
      rr.lines = cur.LineNumber();
      return rr;
    }
    first = false;
    if (!ok) {
      rr.errors.push_back({cur.LineNumber(), err});
      continue;
    }
    sink(r);
  }
  rr.lines = cur.LineNumber();  // an empty file is a log without flows
  return rr;
}

std::string WriteGcp(const Settings& settings, const std::vector<FlowLogRecord>& records) {
  std::string out;
  for (size_t i = 0; i < records.size(); ++i) {
    out += WriteEntry(settings, records[i], i);
    out += '\n';
  }
  return out;
}

}  // namespace vantage::wire::flowlog::detail
