// Scoring findings against a run's ground truth (see detection.h).
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "vantage/planner/detection.h"
#include "vantage/planner/observations.h"

namespace vantage::planner {

const std::vector<std::string>& CompatibleKinds(const std::string& detector) {
  static const std::map<std::string, std::vector<std::string>> k = {
      {"beacon", {"c2_beacon", "dmz_odd_port", "long_http"}},
      {"port_scan", {"port_scan"}},
      {"brute_force", {"brute_force"}},
      {"long_connection", {"long_ssh", "long_http"}},
      {"protocol_expectation", {"long_ssh", "long_http", "dns_tunnel"}},
      {"exfiltration", {"exfiltration"}},
      {"directionality", {"dmz_odd_port"}},
      {"spike", {"spike", "port_scan", "brute_force", "lateral_movement", "dns_tunnel"}},
      {"dns_tunnel", {"dns_tunnel"}},
      {"lateral_movement", {"lateral_movement"}}};
  static const std::vector<std::string> none;
  auto it = k.find(detector);
  return it == k.end() ? none : it->second;
}

double TruthScore::Recall() const {
  if (behaviours.empty()) return 0;
  size_t n = 0;
  for (const auto& b : behaviours) n += b.detected ? 1 : 0;
  return static_cast<double>(n) / static_cast<double>(behaviours.size());
}

double TruthScore::Precision() const {
  uint32_t tp = 0, fp = 0;
  for (const auto& d : detectors) {
    tp += d.truePositives;
    fp += d.falsePositives;
  }
  return tp + fp == 0 ? 0.0 : static_cast<double>(tp) / (tp + fp);
}

namespace {

struct Behaviour {
  BehaviourScore score;
  std::set<core::IpAddress> endpoints;
};

std::vector<Behaviour> Behaviours(const RunData& run, std::vector<int>& flowBehaviour) {
  std::map<std::string, size_t> byLabel;
  std::vector<Behaviour> out;
  flowBehaviour.assign(run.flows.size(), -1);
  for (size_t i = 0; i < run.flows.size(); ++i) {
    const auto& f = run.flows[i];
    if (f.behaviour.empty()) continue;
    auto [it, fresh] = byLabel.emplace(f.label, out.size());
    if (fresh) {
      Behaviour b;
      b.score.label = f.label;
      b.score.kind = f.behaviour;
      b.score.startNs = f.startNs;
      b.score.endNs = f.endNs;
      out.push_back(std::move(b));
    }
    Behaviour& b = out[it->second];
    b.score.startNs = std::min(b.score.startNs, f.startNs);
    b.score.endNs = std::max(b.score.endNs, f.endNs);
    ++b.score.flows;
    for (const auto* ip : {&f.srcIp, &f.dstIp, &f.natIp}) {
      if (ip->IsSet()) b.endpoints.insert(*ip);
    }
    flowBehaviour[i] = static_cast<int>(it->second);
  }
  return out;
}

core::FlowRecord AsRecord(const detect::Flow& f) {
  core::FlowRecord r;
  r.key.src = f.src;
  r.key.dst = f.dst;
  r.key.srcPort = f.srcPort;
  r.key.dstPort = f.dstPort;
  r.key.protocol = f.protocol;
  r.start.ns = f.startNs;
  r.end.ns = f.endNs;
  return r;
}

bool SharesHostsAndTime(const detect::Finding& f, const Behaviour& b, int64_t slackNs) {
  auto any = [&](const std::vector<core::IpAddress>& v) {
    return std::any_of(v.begin(), v.end(), [&](const auto& a) { return b.endpoints.count(a); });
  };
  return any(f.sources) && any(f.destinations) && f.startNs <= b.score.endNs + slackNs &&
         f.endNs >= b.score.startNs - slackNs;
}

std::string Example(const GroundTruthFlow& g) {
  const char* proto = g.protocol == 6 ? "tcp" : g.protocol == 17 ? "udp" : "icmp";
  return fmt::format("{} -> {} {}/{} {}", g.srcHost, g.dstHost, proto, g.dstPort, g.label);
}

}  // namespace

TruthScore ScoreAgainstTruth(const RunData& run, const detect::FlowSet& set,
                             const std::vector<detect::Finding>& findings) {
  std::vector<int> flowBehaviour;
  std::vector<Behaviour> behaviours = Behaviours(run, flowBehaviour);
  MatchIndex index(run);
  TruthScore score;
  std::map<std::string, DetectorScore> perDetector;
  score.matches.resize(findings.size());
  for (size_t fi = 0; fi < findings.size(); ++fi) {
    const detect::Finding& f = findings[fi];
    // Which ground-truth flows the finding's records are.
    std::map<int, uint32_t> byBehaviour;  // -1 benign
    std::map<uint32_t, uint32_t> benignFlows;
    uint32_t matched = 0, unmatched = 0;
    for (uint32_t idx : f.flows) {
      uint32_t flow = 0;
      bool direct = false;
      if (!index.Match(AsRecord(set.flows[idx]), flow, direct)) {
        ++unmatched;
        continue;
      }
      ++matched;
      ++byBehaviour[flowBehaviour[flow]];
      if (flowBehaviour[flow] < 0) ++benignFlows[flow];
    }
    const auto& kinds = CompatibleKinds(f.detector);
    std::vector<std::string>& hit = score.matches[fi];
    for (size_t bi = 0; bi < behaviours.size(); ++bi) {
      Behaviour& b = behaviours[bi];
      auto it = byBehaviour.find(static_cast<int>(bi));
      bool byRecords = it != byBehaviour.end() && 2 * it->second >= matched;
      bool byKind = std::find(kinds.begin(), kinds.end(), b.score.kind) != kinds.end() &&
                    SharesHostsAndTime(f, b, 2'000'000'000);
      if (!byRecords && !byKind) continue;
      hit.push_back(b.score.label);
      b.score.detected = true;
      ++b.score.findings;
      if (std::find(b.score.detectors.begin(), b.score.detectors.end(), f.detector) ==
          b.score.detectors.end())
        b.score.detectors.push_back(f.detector);
      double ttd = std::max(0.0, static_cast<double>(f.detectedNs - b.score.startNs) / 1e9);
      if (b.score.timeToDetectS < 0 || ttd < b.score.timeToDetectS) b.score.timeToDetectS = ttd;
    }
    DetectorScore& d = perDetector[f.detector];
    d.detector = f.detector;
    if (!hit.empty()) {
      ++d.truePositives;
      continue;
    }
    ++d.falsePositives;
    FalsePositive fp;
    fp.finding = fi;
    fp.unmatchedRecords = unmatched;
    std::map<std::string, uint32_t> labels;
    for (const auto& [flow, n] : benignFlows) {
      ++labels[run.flows[flow].label];
      if (fp.examples.size() < 5) fp.examples.push_back(Example(run.flows[flow]));
    }
    fp.labels.assign(labels.begin(), labels.end());
    score.falsePositives.push_back(std::move(fp));
  }
  for (auto& b : behaviours) score.behaviours.push_back(std::move(b.score));
  for (auto& [name, d] : perDetector) score.detectors.push_back(d);
  return score;
}

std::string FormatTruth(const TruthScore& s, const std::vector<detect::Finding>& findings) {
  std::string out = fmt::format("{:<24} {:<18} {:<9} {:>8}  {}\n", "behaviour", "kind", "detected",
                                "ttd (s)", "detectors");
  for (const auto& b : s.behaviours) {
    std::string dets;
    for (const auto& d : b.detectors) dets += (dets.empty() ? "" : ",") + d;
    out += fmt::format(
        "{:<24} {:<18} {:<9} {:>8}  {}\n", b.label, b.kind, b.detected ? "yes" : "NO",
        b.timeToDetectS < 0 ? std::string("-") : fmt::format("{:.1f}", b.timeToDetectS), dets);
  }
  out += fmt::format("\n{:<21} {:>4} {:>4} {:>10}\n", "detector", "TP", "FP", "precision");
  for (const auto& d : s.detectors) {
    out += fmt::format("{:<21} {:>4} {:>4} {:>10.2f}\n", d.detector, d.truePositives,
                       d.falsePositives, d.Precision());
  }
  out += fmt::format("\nrecall {:.2f} ({} behaviours), precision {:.2f}\n", s.Recall(),
                     s.behaviours.size(), s.Precision());
  for (const auto& fp : s.falsePositives) {
    const auto& f = findings[fp.finding];
    std::string labels;
    for (const auto& [l, n] : fp.labels)
      labels += fmt::format("{}{} x{}", labels.empty() ? "" : ", ", l, n);
    out += fmt::format("false positive: {} {}: benign flows {}{}\n", f.detector, f.what,
                       labels.empty() ? "none matched" : labels,
                       fp.examples.empty() ? "" : " (e.g. " + fp.examples.front() + ")");
  }
  return out;
}

nlohmann::json ToJson(const TruthScore& s) {
  nlohmann::json j;
  j["recall"] = s.Recall();
  j["precision"] = s.Precision();
  j["behaviours"] = nlohmann::json::array();
  for (const auto& b : s.behaviours) {
    j["behaviours"].push_back(
        {{"label", b.label},
         {"kind", b.kind},
         {"start_ns", b.startNs},
         {"end_ns", b.endNs},
         {"flows", b.flows},
         {"detected", b.detected},
         {"detectors", b.detectors},
         {"findings", b.findings},
         {"time_to_detect_s",
          b.timeToDetectS < 0 ? nlohmann::json(nullptr) : nlohmann::json(b.timeToDetectS)}});
  }
  j["detectors"] = nlohmann::json::array();
  for (const auto& d : s.detectors) {
    j["detectors"].push_back({{"detector", d.detector},
                              {"true_positives", d.truePositives},
                              {"false_positives", d.falsePositives},
                              {"precision", d.Precision()}});
  }
  j["false_positives"] = nlohmann::json::array();
  for (const auto& fp : s.falsePositives) {
    nlohmann::json labels = nlohmann::json::object();
    for (const auto& [l, n] : fp.labels) labels[l] = n;
    j["false_positives"].push_back({{"finding", fp.finding},
                                    {"benign_flows", labels},
                                    {"examples", fp.examples},
                                    {"unmatched_records", fp.unmatchedRecords}});
  }
  j["matches"] = s.matches;
  return j;
}

}  // namespace vantage::planner
