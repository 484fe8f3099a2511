// The rules file (see rules.h; reference in docs/detections.md), read with the model's YAML
// reader so problems come out as file:line:col with a did-you-mean.
#include "vantage/detect/rules.h"

#include <fstream>
#include <sstream>

#include "vantage/model/yaml-reader.h"

namespace vantage::detect {

namespace {

using model::detail::Reader;

class RulesParser {
 public:
  RulesParser(const std::string& name, model::Diagnostics& diags) : m_r(name, diags) {}

  void Parse(const YAML::Node& root, Rules& rules) {
    if (!root || root.IsNull()) return;  // an empty file keeps every default
    if (!m_r.ExpectMap(root, "", {"description", "detectors", "allow"})) return;
    YAML::Node det = m_r.Get(root, "detectors", "");
    if (det && m_r.ExpectMap(det, "detectors", DetectorNames())) ParseDetectors(det, rules);
    YAML::Node allow = m_r.Get(root, "allow", "");
    if (allow) ParseAllow(allow, rules.allow);
  }

 private:
  void Num(const YAML::Node& m, const char* key, const std::string& path, double& v, double min = 0,
           double max = 1e18) {
    if (auto x = m_r.Number(m, key, path, false, min, max)) v = *x;
  }
  void Count(const YAML::Node& m, const char* key, const std::string& path, uint32_t& v) {
    if (auto x = m_r.Integer(m, key, path, false, 1, 1000000)) v = static_cast<uint32_t>(*x);
  }
  void Flag(const YAML::Node& m, const std::string& path, bool& v) {
    if (auto x = m_r.Bool(m, "enabled", path)) v = *x;
  }
  void Ports(const YAML::Node& m, const char* key, const std::string& path,
             std::vector<uint16_t>& out) {
    YAML::Node n = m_r.Get(m, key, path);
    if (!n) return;
    std::string p = model::detail::Join(path, key);
    if (!m_r.ExpectList(n, p)) return;
    out.clear();
    for (size_t i = 0; i < n.size(); ++i) {
      if (auto v = m_r.AsInteger(n[i], model::detail::Index(p, i), 1, 65535))
        out.push_back(static_cast<uint16_t>(*v));
    }
  }
  YAML::Node Section(const YAML::Node& det, const char* name,
                     const std::vector<std::string>& keys) {
    YAML::Node n = m_r.Get(det, name, "detectors");
    if (!n) return n;
    std::vector<std::string> allowed = keys;
    allowed.push_back("enabled");
    if (!m_r.ExpectMap(n, std::string("detectors.") + name, allowed)) return YAML::Node();
    return n;
  }

  void ParseDetectors(const YAML::Node& det, Rules& r) {
    const std::string d = "detectors.";
    if (auto n = Section(
            det, "beacon",
            {"min_connections", "threshold", "min_timestamp_score", "weights", "outbound_only"})) {
      auto& b = r.beacon;
      Flag(n, d + "beacon", b.enabled);
      Count(n, "min_connections", d + "beacon", b.minConnections);
      Num(n, "threshold", d + "beacon", b.threshold, 0, 1);
      Num(n, "min_timestamp_score", d + "beacon", b.minTimestampScore, 0, 1);
      if (auto o = m_r.Bool(n, "outbound_only", d + "beacon")) b.outboundOnly = *o;
      ParseWeights(n, b);
    }
    if (auto n =
            Section(det, "port_scan", {"window_s", "vertical_threshold", "horizontal_threshold"})) {
      Flag(n, d + "port_scan", r.scan.enabled);
      Num(n, "window_s", d + "port_scan", r.scan.windowS, 1e-3);
      Num(n, "vertical_threshold", d + "port_scan", r.scan.verticalThreshold, 1);
      Num(n, "horizontal_threshold", d + "port_scan", r.scan.horizontalThreshold, 1);
    }
    if (auto n = Section(
            det, "brute_force",
            {"window_s", "threshold", "max_session_s", "max_bytes_in", "peer_ratio", "ports"})) {
      auto& b = r.bruteForce;
      Flag(n, d + "brute_force", b.enabled);
      Num(n, "window_s", d + "brute_force", b.windowS, 1e-3);
      Num(n, "threshold", d + "brute_force", b.threshold, 1);
      Num(n, "max_session_s", d + "brute_force", b.maxSessionS);
      Num(n, "max_bytes_in", d + "brute_force", b.maxBytesIn);
      Num(n, "peer_ratio", d + "brute_force", b.peerRatio);
      Ports(n, "ports", d + "brute_force", b.ports);
    }
    if (auto n = Section(det, "long_connection", {"min_duration_s"})) {
      Flag(n, d + "long_connection", r.longConnection.enabled);
      Num(n, "min_duration_s", d + "long_connection", r.longConnection.minDurationS, 1e-3);
    }
    if (auto n = Section(
            det, "protocol_expectation",
            {"ssh_max_duration_s", "http_max_duration_s", "dns_max_packet_bytes", "baseline_k"})) {
      auto& p = r.protocol;
      std::string path = d + "protocol_expectation";
      Flag(n, path, p.enabled);
      Num(n, "ssh_max_duration_s", path, p.sshMaxDurationS);
      Num(n, "http_max_duration_s", path, p.httpMaxDurationS);
      Num(n, "dns_max_packet_bytes", path, p.dnsMaxPacketBytes);
      Num(n, "baseline_k", path, p.baselineK);
    }
    ParseMore(det, r);
  }

  void ParseMore(const YAML::Node& det, Rules& r) {
    const std::string d = "detectors.";
    if (auto n = Section(det, "exfiltration", {"window_s", "min_bytes_out", "min_ratio"})) {
      Flag(n, d + "exfiltration", r.exfiltration.enabled);
      Num(n, "window_s", d + "exfiltration", r.exfiltration.windowS, 1e-3);
      Num(n, "min_bytes_out", d + "exfiltration", r.exfiltration.minBytesOut, 1);
      Num(n, "min_ratio", d + "exfiltration", r.exfiltration.minRatio);
    }
    if (auto n = Section(det, "directionality", {"allowed_ports", "role_ports"})) {
      Flag(n, d + "directionality", r.directionality.enabled);
      Ports(n, "allowed_ports", d + "directionality", r.directionality.allowedPorts);
      YAML::Node roles = m_r.Get(n, "role_ports", d + "directionality");
      std::string path = d + "directionality.role_ports";
      if (roles && roles.IsMap()) {
        for (const auto& kv : roles) {
          std::string role = kv.first.as<std::string>("");
          Ports(roles, role.c_str(), path, r.directionality.rolePorts[role]);
        }
      } else if (roles) {
        m_r.Error(roles, path, "expected a map of role -> list of ports");
      }
    }
    if (auto n = Section(det, "spike",
                         {"bucket_s", "k", "min_connections", "min_ratio", "min_buckets"})) {
      auto& s = r.spike;
      Flag(n, d + "spike", s.enabled);
      Num(n, "bucket_s", d + "spike", s.bucketS, 1e-3);
      Num(n, "k", d + "spike", s.k);
      Num(n, "min_connections", d + "spike", s.minConnections);
      Num(n, "min_ratio", d + "spike", s.minRatio);
      Count(n, "min_buckets", d + "spike", s.minBuckets);
    }
    if (auto n = Section(det, "dns_tunnel", {"window_s", "min_request_bytes", "min_queries"})) {
      Flag(n, d + "dns_tunnel", r.dnsTunnel.enabled);
      Num(n, "window_s", d + "dns_tunnel", r.dnsTunnel.windowS, 1e-3);
      Num(n, "min_request_bytes", d + "dns_tunnel", r.dnsTunnel.minRequestBytes);
      Num(n, "min_queries", d + "dns_tunnel", r.dnsTunnel.minQueries, 1);
    }
    if (auto n = Section(det, "lateral_movement", {"window_s", "threshold", "ports"})) {
      Flag(n, d + "lateral_movement", r.lateral.enabled);
      Num(n, "window_s", d + "lateral_movement", r.lateral.windowS, 1e-3);
      Num(n, "threshold", d + "lateral_movement", r.lateral.threshold, 1);
      Ports(n, "ports", d + "lateral_movement", r.lateral.ports);
    }
  }

  void ParseWeights(const YAML::Node& n, BeaconRules& b) {
    YAML::Node w = m_r.Get(n, "weights", "detectors.beacon");
    const std::string path = "detectors.beacon.weights";
    if (!w || !m_r.ExpectMap(w, path, {"timestamp", "size", "duration"})) return;
    Num(w, "timestamp", path, b.tsWeight, 0, 1);
    Num(w, "size", path, b.dsWeight, 0, 1);
    Num(w, "duration", path, b.durWeight, 0, 1);
    double sum = b.tsWeight + b.dsWeight + b.durWeight;
    if (sum < 0.999 || sum > 1.001) m_r.Error(w, path, "weights must add up to 1");
  }

  void ParseAllow(const YAML::Node& a, AllowList& allow) {
    if (!m_r.ExpectMap(a, "allow", {"hosts", "pairs", "ports"})) return;
    if (auto h = m_r.StringList(a, "hosts", "allow")) allow.hosts = *h;
    std::vector<uint16_t> ports;
    Ports(a, "ports", "allow", ports);
    allow.ports.insert(ports.begin(), ports.end());
    YAML::Node pairs = m_r.Get(a, "pairs", "allow");
    if (!pairs || !m_r.ExpectList(pairs, "allow.pairs")) return;
    for (size_t i = 0; i < pairs.size(); ++i) {
      std::string path = model::detail::Index("allow.pairs", i);
      if (!m_r.ExpectMap(pairs[i], path, {"src", "dst"})) continue;
      auto src = m_r.String(pairs[i], "src", path, true);
      auto dst = m_r.String(pairs[i], "dst", path, true);
      if (src && dst) allow.pairs.emplace_back(*src, *dst);
    }
  }

  Reader m_r;
};

}  // namespace

core::Result<Rules> ParseRules(const std::string& yamlText, const std::string& name,
                               model::Diagnostics& diags) {
  Rules rules;
  rules.sourcePath = name;
  auto status = model::detail::ParseYamlDocument(
      yamlText, name, "rules", diags,
      [&](const YAML::Node& root) { RulesParser(name, diags).Parse(root, rules); });
  if (!status) return status.GetError();
  return rules;
}

core::Result<Rules> LoadRules(const std::string& path, model::Diagnostics& diags) {
  auto text = model::detail::ReadInputFile(path, "rules", diags);
  if (!text) return text.GetError();
  return ParseRules(*text, path, diags);
}

}  // namespace vantage::detect
