// Finding text and JSON (see finding.h).
#include "vantage/detect/finding.h"

#include <fmt/format.h>

#include "vantage/core/time.h"
#include "vantage/detect/flows.h"

namespace vantage::detect {

const char* SeverityName(Severity s) {
  switch (s) {
    case Severity::kLow:
      return "low";
    case Severity::kMedium:
      return "medium";
    case Severity::kHigh:
      return "high";
  }
  return "medium";
}

namespace {

std::string Join(const std::vector<std::string>& names, size_t max) {
  std::string out;
  for (size_t i = 0; i < names.size() && i < max; ++i) out += (i ? "," : "") + names[i];
  if (names.size() > max) out += fmt::format(",+{}", names.size() - max);
  return out;
}

std::string Clock(int64_t ns) {
  return core::Timestamp{ns}.ToIso8601().substr(11, 8);
}

}  // namespace

std::string FormatFindings(const std::vector<Finding>& findings) {
  std::string out = fmt::format("{:<21} {:<6} {:>10}  {:<18} {:<24} {:<17}  {}\n", "detector",
                                "sev", "score", "source", "destination", "span (UTC)", "what");
  for (const auto& f : findings) {
    out += fmt::format("{:<21} {:<6} {:>10.3g}  {:<18} {:<24} {}-{}  {}\n", f.detector,
                       SeverityName(f.severity), f.score, Join(f.sourceNames, 2),
                       Join(f.destinationNames, 2), Clock(f.startNs), Clock(f.endNs), f.what);
  }
  return out;
}

nlohmann::json ToJson(const Finding& f, const FlowSet* set, size_t maxRecords) {
  nlohmann::json j;
  j["detector"] = f.detector;
  j["severity"] = SeverityName(f.severity);
  j["score"] = f.score;
  j["what"] = f.what;
  j["sources"] = nlohmann::json::array();
  for (size_t i = 0; i < f.sources.size(); ++i) {
    j["sources"].push_back({{"address", f.sources[i].ToString()}, {"name", f.sourceNames[i]}});
  }
  j["destinations"] = nlohmann::json::array();
  for (size_t i = 0; i < f.destinations.size(); ++i) {
    j["destinations"].push_back(
        {{"address", f.destinations[i].ToString()}, {"name", f.destinationNames[i]}});
  }
  j["start_ns"] = f.startNs;
  j["end_ns"] = f.endNs;
  j["detected_ns"] = f.detectedNs;
  j["sampled"] = f.sampled;
  nlohmann::json ev = nlohmann::json::object();
  for (const auto& [k, v] : f.evidence) ev[k] = v;
  j["evidence"] = ev;
  j["record_count"] = f.flows.size();
  if (set != nullptr) {
    nlohmann::json recs = nlohmann::json::array();
    for (size_t i = 0; i < f.flows.size() && i < maxRecords; ++i) {
      const Flow& r = set->flows[f.flows[i]];
      recs.push_back({{"source", set->sources[r.source]},
                      {"ref", r.ref},
                      {"start_ns", r.startNs},
                      {"end_ns", r.endNs},
                      {"protocol", r.protocol},
                      {"src", r.src.ToString()},
                      {"src_port", r.srcPort},
                      {"dst", r.dst.ToString()},
                      {"dst_port", r.dstPort},
                      {"packets", r.packets},
                      {"octets", r.octets},
                      {"sampling", r.sampling}});
    }
    j["records"] = recs;
  }
  return j;
}

nlohmann::json ToJson(const DetectionResult& r, const FlowSet* set) {
  nlohmann::json j;
  j["records"] = r.records;
  j["connections"] = r.connections;
  j["notes"] = r.notes;
  j["findings"] = nlohmann::json::array();
  for (const auto& f : r.findings) j["findings"].push_back(ToJson(f, set));
  return j;
}

}  // namespace vantage::detect
