// RunDetectors: connection assembly, the allow-list, and every enabled detector in order.
#include "vantage/detect/detectors.h"

#include <algorithm>
#include <tuple>

#include "detector-util.h"

namespace vantage::detect {

namespace {

struct HostMatcher {
  std::vector<core::IpPrefix> prefixes;
  std::vector<std::string> names;

  explicit HostMatcher(const std::vector<std::string>& entries) {
    for (const auto& e : entries) Add(e);
  }
  HostMatcher() = default;
  void Add(const std::string& e) {
    if (auto p = core::IpPrefix::Parse(e, true)) {
      prefixes.push_back(*p);
    } else if (auto a = core::IpAddress::Parse(e)) {
      prefixes.push_back({*a, a->IsV4() ? 32u : 128u});
    } else {
      names.push_back(e);
    }
  }
  bool Match(const core::IpAddress& a, const NetworkContext& ctx) const {
    for (const auto& p : prefixes) {
      if (p.Contains(a)) return true;
    }
    if (names.empty()) return false;
    const HostInfo* h = ctx.Find(a);
    if (h == nullptr) return false;
    return std::find(names.begin(), names.end(), h->name) != names.end() ||
           std::find(names.begin(), names.end(), h->node) != names.end();
  }
};

std::vector<Connection> ApplyAllowList(std::vector<Connection> conns, const AllowList& allow,
                                       const NetworkContext& ctx) {
  if (allow.hosts.empty() && allow.pairs.empty() && allow.ports.empty()) return conns;
  HostMatcher hosts(allow.hosts);
  std::vector<std::pair<HostMatcher, HostMatcher>> pairs;
  for (const auto& [a, b] : allow.pairs) pairs.emplace_back(HostMatcher({a}), HostMatcher({b}));
  auto allowed = [&](const Connection& c) {
    if (allow.ports.count(c.serverPort)) return true;
    if (hosts.Match(c.client, ctx) || hosts.Match(c.server, ctx)) return true;
    for (const auto& [a, b] : pairs) {
      if (a.Match(c.client, ctx) && b.Match(c.server, ctx)) return true;
    }
    return false;
  };
  conns.erase(std::remove_if(conns.begin(), conns.end(), allowed), conns.end());
  return conns;
}

using DetectorFn = std::vector<Finding> (*)(const DetectInput&);

bool Enabled(const Rules& r, const std::string& name) {
  if (name == "beacon") return r.beacon.enabled;
  if (name == "port_scan") return r.scan.enabled;
  if (name == "brute_force") return r.bruteForce.enabled;
  if (name == "long_connection") return r.longConnection.enabled;
  if (name == "protocol_expectation") return r.protocol.enabled;
  if (name == "exfiltration") return r.exfiltration.enabled;
  if (name == "directionality") return r.directionality.enabled;
  if (name == "spike") return r.spike.enabled;
  if (name == "dns_tunnel") return r.dnsTunnel.enabled;
  return r.lateral.enabled;
}

DetectorFn FunctionOf(const std::string& name) {
  if (name == "beacon") return DetectBeacons;
  if (name == "port_scan") return DetectPortScans;
  if (name == "brute_force") return DetectBruteForce;
  if (name == "long_connection") return DetectLongConnections;
  if (name == "protocol_expectation") return DetectProtocolExpectation;
  if (name == "exfiltration") return DetectExfiltration;
  if (name == "directionality") return DetectDirectionality;
  if (name == "spike") return DetectSpikes;
  if (name == "dns_tunnel") return DetectDnsTunnels;
  return DetectLateralMovement;
}

// What sampling does to each detector (docs/detections.md, "Sampled records").
void SamplingNotes(uint32_t sampling, const Rules& rules, std::vector<std::string>& notes) {
  if (sampling <= 1) return;
  std::string n = "1 in " + std::to_string(sampling);
  if (rules.beacon.enabled)
    notes.push_back("beacon: records sampled " + n +
                    "; most beacon connections are not recorded, so intervals look irregular: "
                    "beacons are found only when enough connections survive");
  if (rules.scan.enabled || rules.bruteForce.enabled || rules.lateral.enabled)
    notes.push_back("port_scan, brute_force, lateral_movement: counts scaled by " +
                    std::to_string(sampling) +
                    "; failed/short connections are judged from sampled packets and may be "
                    "misread");
  if (rules.protocol.enabled || rules.longConnection.enabled)
    notes.push_back(
        "long_connection, protocol_expectation: durations come from sampled "
        "packets and are underestimated");
}

}  // namespace

void ClassifyConnections(std::vector<Connection>& conns, const NetworkContext& ctx) {
  for (auto& c : conns) {
    c.clientInternal = ctx.IsInternal(c.client);
    c.serverInternal = ctx.IsInternal(c.server);
  }
}

const std::vector<std::string>& DetectorNames() {
  static const std::vector<std::string> k = {
      "beacon",       "port_scan",      "brute_force", "long_connection", "protocol_expectation",
      "exfiltration", "directionality", "spike",       "dns_tunnel",      "lateral_movement"};
  return k;
}

DetectionResult RunDetectors(const FlowSet& set, const NetworkContext& ctx, const Rules& rules,
                             const DetectorDone& done) {
  DetectionResult result;
  result.records = set.flows.size();
  std::vector<Connection> conns = ApplyAllowList(BuildConnections(set), rules.allow, ctx);
  ClassifyConnections(conns, ctx);
  result.connections = conns.size();
  SamplingNotes(set.MaxSampling(), rules, result.notes);
  DetectInput in{&set, &conns, &ctx, &rules};
  for (const auto& name : DetectorNames()) {
    if (!Enabled(rules, name)) continue;
    if (name == "directionality" && !ctx.HasZones()) {
      result.notes.push_back("directionality: skipped, no zones known (give a topology)");
      continue;
    }
    std::vector<Finding> found = FunctionOf(name)(in);
    std::sort(found.begin(), found.end(), [](const Finding& a, const Finding& b) {
      return std::tie(a.startNs, a.sources, a.destinations, a.what) <
             std::tie(b.startNs, b.sources, b.destinations, b.what);
    });
    if (done) done(name, found);
    for (auto& f : found) result.findings.push_back(std::move(f));
  }
  return result;
}

}  // namespace vantage::detect
