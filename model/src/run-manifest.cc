// RunManifest <-> manifest.json (see run-manifest.h and docs/run-directory.md).
#include "vantage/model/run-manifest.h"

namespace vantage::model {
namespace {

using core::ErrorCode;
using core::MakeError;
using nlohmann::ordered_json;

template <typename J>
const J* Object(const J& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_object() ? &*it : nullptr;
}

template <typename J>
std::string String(const J& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->template get<std::string>() : std::string();
}

template <typename J>
std::vector<std::string> Strings(const J& j, const char* key) {
  std::vector<std::string> out;
  auto it = j.find(key);
  if (it == j.end() || !it->is_array()) return out;
  for (const auto& s : *it) {
    if (s.is_string()) out.push_back(s.template get<std::string>());
  }
  return out;
}

// The unsigned members of an object at `key` (others are skipped), in the text's order.
template <typename J, typename T, typename Add>
void ReadUnsignedMap(const J& j, const char* key, Add add) {
  if (const J* object = Object(j, key)) {
    for (auto it = object->begin(); it != object->end(); ++it) {
      if (it.value().is_number_unsigned()) add(it.key(), it.value().template get<T>());
    }
  }
}

template <typename J>
void ReadFlowLog(const J& j, PointFlowLog& f) {
  f.provider = String(j, "provider");
  f.format = String(j, "format");
  f.path = String(j, "path");
  f.aggregationIntervalS = j.value("aggregation_interval_s", uint32_t{0});
  f.version = j.value("version", 0);
  f.fields = Strings(j, "fields");
  f.trafficType = j.value("traffic_type", "ALL");
  f.sampleRate = j.value("sample_rate", 1.0);
  f.includeMetadata = j.value("include_metadata", true);
  f.deliveryDelayS = j.value("delivery_delay_s", 0.0);
  f.records = j.value("records", uint64_t{0});
  f.bytes = j.value("bytes", uint64_t{0});
  f.noDataRecords = j.value("no_data_records", uint64_t{0});
  f.excludedPackets = j.value("excluded_packets", uint64_t{0});
  f.filteredPackets = j.value("filtered_packets", uint64_t{0});
  f.sampledOutRecords = j.value("sampled_out_records", uint64_t{0});
}

template <typename J>
void ReadPoint(const J& p, ManifestPoint& mp) {
  mp.name = p.value("name", "");
  mp.node = p.value("node", "");
  mp.interfaces = Strings(p, "interfaces");
  ReadUnsignedMap<J, uint32_t>(p, "interface_numbers", [&](const std::string& k, uint32_t n) {
    mp.interfaceNumbers.emplace_back(k, n);
  });
  mp.ipfix = String(p, "ipfix");
  mp.pcap = String(p, "pcap");
  mp.samplingRate = p.value("sampling_rate", uint32_t{1});
  mp.flows = p.value("flows", uint64_t{0});
  mp.packets = p.value("packets", uint64_t{0});
  mp.octets = p.value("octets", uint64_t{0});
  mp.ipfixBytes = p.value("ipfix_bytes", uint64_t{0});
  mp.pcapBytes = p.value("pcap_bytes", uint64_t{0});
  if (const J* e = Object(p, "export")) {
    mp.exportStats.present = true;
    mp.exportStats.mode = e->value("mode", "");
    mp.exportStats.messages = e->value("messages", uint64_t{0});
    mp.exportStats.bytes = e->value("bytes", uint64_t{0});
    mp.exportStats.received = e->value("received", uint64_t{0});
    mp.exportStats.lost = e->value("lost", uint64_t{0});
  }
  if (const J* f = Object(p, "flow_log")) ReadFlowLog(*f, mp.flowLog.emplace());
}

template <typename J>
void ReadCounters(const J& c, RunManifest& m) {
  m.events = c.value("events", uint64_t{0});
  m.wallS = c.value("wall_s", 0.0);
  m.groundTruthFlows = c.value("ground_truth_flows", uint64_t{0});
  m.sessions = c.value("sessions", uint64_t{0});
  m.firewallDrops = c.value("firewall_drops", uint64_t{0});
  ReadUnsignedMap<J, uint64_t>(c, "firewall_drops_by_node", [&](const std::string& k, uint64_t n) {
    m.firewallDropsByNode[k] = n;
  });
  m.natBindings = c.value("nat_bindings", uint64_t{0});
  m.natUnsolicitedDrops = c.value("nat_unsolicited_drops", uint64_t{0});
}

template <typename J>
void ReadManifest(const J& j, RunManifest& m) {
  m.vantageVersion = j.value("vantage_version", "");
  m.ns3Version = j.value("ns3_version", "");
  m.status = j.value("status", "");
  m.error = String(j, "error");
  if (const J* t = Object(j, "topology")) {
    m.topologyPath = t->value("path", "");
    m.topologySha256 = t->value("sha256", "");
  }
  if (const J* s = Object(j, "scenario")) {
    m.scenarioPath = s->value("path", "");
    m.scenarioSha256 = s->value("sha256", "");
  }
  m.seed = j.value("seed", uint64_t{0});
  if (const J* w = Object(j, "window")) {
    m.startUnixNs = w->value("start_unix_ns", int64_t{0});
    m.durationS = w->value("duration_s", 0.0);
    m.representsS = w->value("represents_s", m.durationS);
  }
  if (const J* scale = Object(j, "scale")) {
    for (auto it = scale->begin(); it != scale->end(); ++it) {
      if (it.value().is_number()) m.scale[it.key()] = it.value().template get<double>();
    }
  }
  m.addressPlan = String(j, "address_plan");
  auto pts = j.find("points");
  if (pts != j.end() && pts->is_array()) {
    for (const auto& p : *pts) {
      if (!p.is_object()) continue;
      ReadPoint(p, m.points.emplace_back());
    }
  }
  if (const J* c = Object(j, "counters")) ReadCounters(*c, m);
}

}  // namespace

const ManifestPoint* RunManifest::FindPoint(const std::string& name) const {
  for (const auto& p : points) {
    if (p.name == name) return &p;
  }
  return nullptr;
}

void to_json(ordered_json& j, const PointFlowLog& f) {
  j = ordered_json{{"provider", f.provider},
                   {"format", f.format},
                   {"path", f.path},
                   {"aggregation_interval_s", f.aggregationIntervalS},
                   {"version", f.version},
                   {"fields", f.fields},
                   {"traffic_type", f.trafficType},
                   {"sample_rate", f.sampleRate},
                   {"include_metadata", f.includeMetadata},
                   {"delivery_delay_s", f.deliveryDelayS},
                   {"records", f.records},
                   {"bytes", f.bytes},
                   {"no_data_records", f.noDataRecords},
                   {"excluded_packets", f.excludedPackets},
                   {"filtered_packets", f.filteredPackets},
                   {"sampled_out_records", f.sampledOutRecords}};
}

void to_json(ordered_json& j, const ManifestPoint& p) {
  j = ordered_json::object();
  j["name"] = p.name;
  j["node"] = p.node;
  j["interfaces"] = p.interfaces;
  ordered_json numbers = ordered_json::object();
  for (const auto& [link, n] : p.interfaceNumbers) numbers[link] = n;
  j["interface_numbers"] = numbers;
  j["ipfix"] = p.ipfix;
  if (!p.pcap.empty()) j["pcap"] = p.pcap;
  j["sampling_rate"] = p.samplingRate;
  j["flows"] = p.flows;
  j["packets"] = p.packets;
  j["octets"] = p.octets;
  j["ipfix_bytes"] = p.ipfixBytes;
  j["pcap_bytes"] = p.pcapBytes;
  if (p.exportStats.present) {
    const auto& e = p.exportStats;
    j["export"] = {{"mode", e.mode},
                   {"messages", e.messages},
                   {"bytes", e.bytes},
                   {"received", e.received},
                   {"lost", e.lost}};
  }
  if (p.flowLog) j["flow_log"] = *p.flowLog;
}

void to_json(ordered_json& j, const RunManifest& m) {
  j = ordered_json::object();
  j["vantage_version"] = m.vantageVersion;
  j["ns3_version"] = m.ns3Version;
  j["status"] = m.status;
  if (!m.error.empty()) j["error"] = m.error;
  j["topology"] = {{"path", m.topologyPath}, {"sha256", m.topologySha256}};
  j["scenario"] = {{"path", m.scenarioPath}, {"sha256", m.scenarioSha256}};
  j["seed"] = m.seed;
  j["window"] = {{"start_unix_ns", m.startUnixNs},
                 {"duration_s", m.durationS},
                 {"represents_s", m.representsS}};
  ordered_json scale = ordered_json::object();
  for (const auto& [g, f] : m.scale) scale[g] = f;
  j["scale"] = scale;
  j["address_plan"] = m.addressPlan;
  ordered_json pts = ordered_json::array();
  for (const auto& p : m.points) pts.push_back(p);
  j["points"] = pts;
  j["counters"] = {{"events", m.events},
                   {"wall_s", m.wallS},
                   {"ground_truth_flows", m.groundTruthFlows},
                   {"sessions", m.sessions},
                   {"firewall_drops", m.firewallDrops},
                   {"firewall_drops_by_node", m.firewallDropsByNode},
                   {"nat_bindings", m.natBindings},
                   {"nat_unsolicited_drops", m.natUnsolicitedDrops}};
}

void to_json(nlohmann::json& j, const RunManifest& m) {
  ordered_json o = m;
  j = nlohmann::json::parse(o.dump());
}

void from_json(const ordered_json& j, RunManifest& m) {
  ReadManifest(j, m);
}
void from_json(const nlohmann::json& j, RunManifest& m) {
  ReadManifest(j, m);
}
void from_json(const nlohmann::json& j, ManifestPoint& p) {
  ReadPoint(j, p);
}
void from_json(const nlohmann::json& j, PointFlowLog& f) {
  ReadFlowLog(j, f);
}

std::string FormatRunManifest(const RunManifest& m) {
  ordered_json j = m;
  return j.dump(2) + "\n";
}

core::Result<RunManifest> ParseRunManifest(const std::string& text, const std::string& path) {
  nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    return MakeError(ErrorCode::kParse, path + ": not a JSON object");
  }
  RunManifest m;
  try {
    ReadManifest(j, m);
  } catch (const nlohmann::json::exception& e) {
    return MakeError(ErrorCode::kParse, path + ": " + e.what());
  }
  for (const auto& p : m.points) {
    if (p.name.empty()) return MakeError(ErrorCode::kParse, path + ": a point has no name");
  }
  return m;
}

}  // namespace vantage::model
