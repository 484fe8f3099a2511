// A finding: what a detector raised, on which hosts, when, and the evidence behind it.
//
//   DetectionResult r = RunDetectors(set, ctx, rules);
//   std::cout << FormatFindings(r.findings);
//   nlohmann::json j = ToJson(r, set);
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "vantage/core/ip-address.h"

namespace vantage::detect {

struct FlowSet;

enum class Severity { kLow, kMedium, kHigh };
const char* SeverityName(Severity s);

struct Finding {
  std::string detector;  ///< beacon, port_scan, brute_force, ...
  std::string what;      ///< one line: "vertical scan: 1024 ports in 300 s"
  double score = 0;      ///< detector-specific; beacon 0..1, others the measured value
  Severity severity = Severity::kMedium;
  std::vector<core::IpAddress> sources, destinations;
  std::vector<std::string> sourceNames, destinationNames;
  int64_t startNs = 0, endNs = 0;
  int64_t detectedNs = 0;  ///< when the threshold was crossed (time to detect)
  std::vector<std::pair<std::string, double>> evidence;  ///< counts, intervals, bytes, subscores
  std::vector<uint32_t> flows;  ///< indices into the FlowSet (the records behind it)
  bool sampled = false;         ///< built from sampled records (counts were scaled)
};

/// @brief Findings plus what could not be checked.
struct DetectionResult {
  std::vector<Finding> findings;
  std::vector<std::string> notes;  ///< e.g. "beacon: 3 pairs skipped (sampled 1 in 64)"
  uint64_t records = 0, connections = 0;
};

/// @brief A text table, one finding per line (detector, severity, score, hosts, span, what).
std::string FormatFindings(const std::vector<Finding>& findings);
/// @brief JSON of one finding; with a FlowSet, up to `maxRecords` records behind it.
nlohmann::json ToJson(const Finding& f, const FlowSet* set = nullptr, size_t maxRecords = 50);
nlohmann::json ToJson(const DetectionResult& r, const FlowSet* set = nullptr);

}  // namespace vantage::detect
