// Reading and checking a run directory (docs/run-directory.md).
#include "vantage/planner/run-directory.h"

#include <openssl/evp.h>
#include <sqlite3.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "flow-log-manifest.h"

namespace vantage::planner {
namespace {

namespace fs = std::filesystem;
using core::ErrorCode;
using core::MakeError;

core::Result<std::string> ReadText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return MakeError(ErrorCode::kNotFound, "cannot open " + path);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<std::string> SplitCsv(const std::string& line) {
  std::vector<std::string> out;
  std::string cur;
  bool quoted = false;
  for (size_t i = 0; i < line.size(); ++i) {
    char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        cur += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        cur += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      out.push_back(cur);
      cur.clear();
    } else if (c != '\r') {
      cur += c;
    }
  }
  out.push_back(cur);
  return out;
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream ss(text);
  std::string line;
  while (std::getline(ss, line)) lines.push_back(line);
  return lines;
}

bool ParseU64(const std::string& s, uint64_t& v) {
  if (s.empty()) {
    v = 0;
    return true;
  }
  char* end = nullptr;
  errno = 0;
  unsigned long long x = std::strtoull(s.c_str(), &end, 10);
  if (errno != 0 || end != s.c_str() + s.size() || s[0] == '-') return false;
  v = x;
  return true;
}

bool ParseI64(const std::string& s, int64_t& v) {
  if (s.empty()) {
    v = 0;
    return true;
  }
  char* end = nullptr;
  errno = 0;
  long long x = std::strtoll(s.c_str(), &end, 10);
  if (errno != 0 || end != s.c_str() + s.size()) return false;
  v = x;
  return true;
}

// Column lookup by header name, so column order does not matter.
class Columns {
 public:
  explicit Columns(const std::vector<std::string>& header) {
    for (size_t i = 0; i < header.size(); ++i) m_index[header[i]] = i;
  }
  int Find(const std::string& name) const {
    auto it = m_index.find(name);
    return it == m_index.end() ? -1 : static_cast<int>(it->second);
  }

 private:
  std::map<std::string, size_t> m_index;
};

struct RowReader {
  const std::vector<std::string>& cells;
  const Columns& cols;
  std::string where;  // "file:line"
  std::string error;

  std::string Str(const std::string& col) const {
    int i = cols.Find(col);
    return i >= 0 && static_cast<size_t>(i) < cells.size() ? cells[i] : std::string();
  }
  uint64_t U64(const std::string& col) {
    uint64_t v = 0;
    if (!ParseU64(Str(col), v) && error.empty()) {
      error = where + ": column " + col + ": not an unsigned integer: '" + Str(col) + "'";
    }
    return v;
  }
  int64_t I64(const std::string& col) {
    int64_t v = 0;
    if (!ParseI64(Str(col), v) && error.empty()) {
      error = where + ": column " + col + ": not an integer: '" + Str(col) + "'";
    }
    return v;
  }
  uint16_t Port(const std::string& col) {
    uint64_t v = U64(col);
    if (v > 65535 && error.empty()) error = where + ": column " + col + ": port out of range";
    return static_cast<uint16_t>(v);
  }
  core::IpAddress Ip(const std::string& col, bool optional) {
    std::string s = Str(col);
    if (s.empty()) {
      if (!optional && error.empty()) error = where + ": column " + col + ": empty address";
      return {};
    }
    auto a = core::IpAddress::Parse(s);
    if (!a) {
      if (error.empty()) error = where + ": column " + col + ": bad address '" + s + "'";
      return {};
    }
    return *a;
  }
};

}  // namespace

const ManifestPoint* RunManifest::FindPoint(const std::string& name) const {
  for (const auto& p : points) {
    if (p.name == name) return &p;
  }
  return nullptr;
}

double RunData::DayFactor() const {
  if (manifest.durationS <= 0) return 1.0;
  double represents = manifest.representsS > 0 ? manifest.representsS : manifest.durationS;
  return (represents / manifest.durationS) * (86400.0 / represents);
}

double RunData::GroupScale(const std::string& group) const {
  auto it = manifest.scale.find(group);
  return it == manifest.scale.end() || it->second <= 0 ? 1.0 : it->second;
}

core::Result<std::string> Sha256File(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return MakeError(ErrorCode::kNotFound, "cannot open " + path);
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  EVP_DigestInit_ex(ctx, EVP_sha256(), nullptr);
  std::vector<char> buf(1 << 16);
  while (in) {
    in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
    std::streamsize n = in.gcount();
    if (n > 0) EVP_DigestUpdate(ctx, buf.data(), static_cast<size_t>(n));
  }
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_DigestFinal_ex(ctx, md, &len);
  EVP_MD_CTX_free(ctx);
  static const char* kHex = "0123456789abcdef";
  std::string hex;
  for (unsigned i = 0; i < len; ++i) {
    hex += kHex[md[i] >> 4];
    hex += kHex[md[i] & 15];
  }
  return hex;
}

core::Result<std::vector<GroundTruthFlow>> ParseGroundTruth(const std::string& text,
                                                            const std::string& name) {
  auto lines = Lines(text);
  if (lines.empty()) return MakeError(ErrorCode::kParse, name + ":1: missing header line");
  Columns cols(SplitCsv(lines[0]));
  for (const char* required : {"id", "src_ip", "dst_ip", "protocol", "start_ns", "end_ns"}) {
    if (cols.Find(required) < 0) {
      return MakeError(ErrorCode::kParse, name + ":1: header has no column '" + required + "'");
    }
  }
  std::vector<GroundTruthFlow> flows;
  for (size_t i = 1; i < lines.size(); ++i) {
    if (lines[i].empty() || lines[i] == "\r") continue;
    auto cells = SplitCsv(lines[i]);
    RowReader r{cells, cols, name + ":" + std::to_string(i + 1), {}};
    GroundTruthFlow f;
    f.id = r.U64("id");
    f.label = r.Str("label");
    f.behaviour = r.Str("behaviour");
    f.srcHost = r.Str("src_host");
    f.dstHost = r.Str("dst_host");
    f.srcGroup = r.Str("src_group");
    f.dstGroup = r.Str("dst_group");
    f.srcIp = r.Ip("src_ip", false);
    f.dstIp = r.Ip("dst_ip", false);
    f.srcPort = r.Port("src_port");
    f.dstPort = r.Port("dst_port");
    uint64_t proto = r.U64("protocol");
    if (proto > 255 && r.error.empty()) r.error = r.where + ": column protocol: out of range";
    f.protocol = static_cast<uint8_t>(proto);
    f.natIp = r.Ip("nat_ip", true);
    f.natPort = r.Port("nat_port");
    f.startNs = r.I64("start_ns");
    f.endNs = r.I64("end_ns");
    f.packetsFwd = r.U64("packets_fwd");
    f.bytesFwd = r.U64("bytes_fwd");
    f.packetsRev = r.U64("packets_rev");
    f.bytesRev = r.U64("bytes_rev");
    f.criticalAsset = r.Str("critical_asset");
    if (!r.error.empty()) return MakeError(ErrorCode::kParse, r.error);
    flows.push_back(std::move(f));
  }
  return flows;
}

core::Result<std::vector<NatEventRow>> ParseNatEvents(const std::string& text,
                                                      const std::string& name) {
  auto lines = Lines(text);
  std::vector<NatEventRow> events;
  static const std::vector<std::string> kDefault = {"time_ns",    "node",        "event",
                                                    "protocol",   "inside_ip",   "inside_port",
                                                    "outside_ip", "outside_port"};
  size_t first = 0;
  std::vector<std::string> header = kDefault;
  if (!lines.empty() && lines[0].rfind("time_ns", 0) == 0) {
    header = SplitCsv(lines[0]);
    first = 1;
  }
  Columns cols(header);
  for (size_t i = first; i < lines.size(); ++i) {
    if (lines[i].empty() || lines[i] == "\r") continue;
    auto cells = SplitCsv(lines[i]);
    RowReader r{cells, cols, name + ":" + std::to_string(i + 1), {}};
    NatEventRow e;
    e.timeNs = r.I64("time_ns");
    e.node = r.Str("node");
    e.event = static_cast<int>(r.U64("event"));
    e.protocol = static_cast<uint8_t>(r.U64("protocol"));
    e.insideIp = r.Ip("inside_ip", true);
    e.insidePort = r.Port("inside_port");
    e.outsideIp = r.Ip("outside_ip", true);
    e.outsidePort = r.Port("outside_port");
    if (!r.error.empty()) return MakeError(ErrorCode::kParse, r.error);
    events.push_back(std::move(e));
  }
  return events;
}

namespace {

core::Status ParseManifest(const std::string& text, const std::string& path, RunManifest& m) {
  nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    return MakeError(ErrorCode::kParse, path + ": not a JSON object");
  }
  try {
    m.vantageVersion = j.value("vantage_version", "");
    m.status = j.value("status", "");
    if (j.contains("topology") && j["topology"].is_object()) {
      m.topologyPath = j["topology"].value("path", "");
      m.topologySha256 = j["topology"].value("sha256", "");
    }
    if (j.contains("scenario") && j["scenario"].is_object()) {
      m.scenarioPath = j["scenario"].value("path", "");
      m.scenarioSha256 = j["scenario"].value("sha256", "");
    }
    m.seed = j.value("seed", uint64_t{0});
    if (j.contains("window") && j["window"].is_object()) {
      const auto& w = j["window"];
      m.startUnixNs = w.value("start_unix_ns", int64_t{0});
      m.durationS = w.value("duration_s", 0.0);
      m.representsS = w.value("represents_s", m.durationS);
    }
    if (j.contains("scale") && j["scale"].is_object()) {
      for (auto it = j["scale"].begin(); it != j["scale"].end(); ++it) {
        if (it.value().is_number()) m.scale[it.key()] = it.value().get<double>();
      }
    }
    if (j.contains("points") && j["points"].is_array()) {
      for (const auto& p : j["points"]) {
        if (!p.is_object()) continue;
        ManifestPoint mp;
        mp.name = p.value("name", "");
        mp.node = p.value("node", "");
        if (p.contains("interfaces") && p["interfaces"].is_array()) {
          for (const auto& i : p["interfaces"]) {
            if (i.is_string()) mp.interfaces.push_back(i.get<std::string>());
          }
        }
        mp.ipfix = p.contains("ipfix") && p["ipfix"].is_string() ? p["ipfix"].get<std::string>()
                                                                 : std::string();
        mp.pcap = p.contains("pcap") && p["pcap"].is_string() ? p["pcap"].get<std::string>()
                                                              : std::string();
        mp.flows = p.value("flows", uint64_t{0});
        mp.packets = p.value("packets", uint64_t{0});
        mp.octets = p.value("octets", uint64_t{0});
        mp.ipfixBytes = p.value("ipfix_bytes", uint64_t{0});
        mp.pcapBytes = p.value("pcap_bytes", uint64_t{0});
        mp.samplingRate = p.value("sampling_rate", uint32_t{1});
        if (p.contains("export") && p["export"].is_object()) {
          const auto& e = p["export"];
          mp.exportStats.present = true;
          mp.exportStats.mode = e.value("mode", "");
          mp.exportStats.messages = e.value("messages", uint64_t{0});
          mp.exportStats.bytes = e.value("bytes", uint64_t{0});
          mp.exportStats.received = e.value("received", uint64_t{0});
          mp.exportStats.lost = e.value("lost", uint64_t{0});
        }
        if (p.contains("flow_log")) detail::ReadManifestFlowLog(p["flow_log"], mp.flowLog);
        if (mp.name.empty()) return MakeError(ErrorCode::kParse, path + ": a point has no name");
        m.points.push_back(std::move(mp));
      }
    }
    if (j.contains("counters") && j["counters"].is_object()) {
      const auto& c = j["counters"];
      m.events = c.value("events", uint64_t{0});
      m.wallS = c.value("wall_s", 0.0);
      m.groundTruthFlows = c.value("ground_truth_flows", uint64_t{0});
      m.firewallDrops = c.value("firewall_drops", uint64_t{0});
      m.natBindings = c.value("nat_bindings", uint64_t{0});
    }
  } catch (const nlohmann::json::exception& e) {
    return MakeError(ErrorCode::kParse, path + ": " + e.what());
  }
  return {};
}

// Rows of the largest table of an SQLite store (its flow table, whatever its name).
void MeasureSqlite(const std::string& path, RunData& run) {
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    sqlite3_close(db);
    return;
  }
  std::vector<std::string> tables;
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v2(db, "SELECT name FROM sqlite_master WHERE type='table'", -1, &st,
                         nullptr) == SQLITE_OK) {
    while (sqlite3_step(st) == SQLITE_ROW) {
      const unsigned char* t = sqlite3_column_text(st, 0);
      if (t) tables.emplace_back(reinterpret_cast<const char*>(t));
    }
  }
  sqlite3_finalize(st);
  for (const auto& t : tables) {
    std::string q = "SELECT COUNT(*) FROM \"" + t + "\"";
    if (sqlite3_prepare_v2(db, q.c_str(), -1, &st, nullptr) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW) {
      auto n = static_cast<uint64_t>(sqlite3_column_int64(st, 0));
      if (n > run.sqliteRecords) run.sqliteRecords = n;
    }
    sqlite3_finalize(st);
  }
  sqlite3_close(db);
  std::error_code ec;
  auto size = fs::file_size(path, ec);
  if (!ec && run.sqliteRecords > 0) {
    run.hasSqlite = true;
    run.sqliteBytes = size;
  }
}

}  // namespace

core::Result<RunData> LoadRunDirectory(const std::string& dir, const RunCheck& check) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    return MakeError(ErrorCode::kNotFound,
                     "run directory " + dir + " is missing (no such directory)");
  }
  if (fs::exists(fs::path(dir) / "INCOMPLETE", ec)) {
    return MakeError(ErrorCode::kInvalid,
                     "run directory " + dir +
                         " is incomplete: INCOMPLETE is present (the run is still going or was "
                         "interrupted); simulate again");
  }
  RunData run;
  run.dir = dir;
  std::string manifestPath = (fs::path(dir) / "manifest.json").string();
  auto manifestText = ReadText(manifestPath);
  if (!manifestText) {
    return MakeError(ErrorCode::kNotFound, "run directory " + dir + " is missing manifest.json");
  }
  VANTAGE_RETURN_IF_ERROR(ParseManifest(*manifestText, manifestPath, run.manifest));
  if (run.manifest.status != "complete") {
    return MakeError(ErrorCode::kInvalid, "run directory " + dir +
                                              " is incomplete: manifest status is '" +
                                              run.manifest.status + "', not 'complete'");
  }
  auto checkHash = [&](const std::string& given, const std::string& recorded,
                       const std::string& what) -> core::Status {
    if (given.empty()) return {};
    auto sha = Sha256File(given);
    if (!sha) return MakeError(ErrorCode::kNotFound, "cannot read " + what + " " + given);
    if (recorded != *sha) {
      return MakeError(
          ErrorCode::kInvalid,
          "run directory " + dir + " was made from other inputs: " + what + " " + given +
              " has sha256 " + sha->substr(0, 12) + "..., the run recorded " +
              (recorded.empty() ? std::string("none") : recorded.substr(0, 12) + "...") +
              "; simulate again or pass the matching " + what);
    }
    return {};
  };
  VANTAGE_RETURN_IF_ERROR(checkHash(check.topologyPath, run.manifest.topologySha256, "topology"));
  VANTAGE_RETURN_IF_ERROR(checkHash(check.scenarioPath, run.manifest.scenarioSha256, "scenario"));

  std::string gtPath = (fs::path(dir) / "ground_truth.csv").string();
  auto gtText = ReadText(gtPath);
  if (!gtText) {
    return MakeError(ErrorCode::kNotFound, "run directory " + dir + " is missing ground_truth.csv");
  }
  auto flows = ParseGroundTruth(*gtText, gtPath);
  if (!flows) return flows.GetError();
  run.flows = std::move(*flows);

  std::string natPath = (fs::path(dir) / "nat_events.csv").string();
  if (fs::exists(natPath, ec)) {
    auto natText = ReadText(natPath);
    if (!natText) return natText.GetError();
    auto events = ParseNatEvents(*natText, natPath);
    if (!events) return events.GetError();
    run.natEvents = std::move(*events);
  }
  std::string dbPath = (fs::path(dir) / "collector.sqlite").string();
  if (fs::exists(dbPath, ec)) MeasureSqlite(dbPath, run);
  return run;
}

}  // namespace vantage::planner
