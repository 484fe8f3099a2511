// Detections on a run directory: the flow records of its points (IPFIX files) handed to
// vantage::detect with names, zones and roles from the ground truth and the topology, and the
// findings scored against the ground truth (precision, recall, time to detect, and which benign
// flows caused each false positive). Lives in the planner because the run-directory reader does.
//
//   auto flows = planner::LoadRunFlows({"run1", {"edge-fw"}});
//   auto result = detect::RunDetectors(flows->set, flows->ctx, rules);
//   planner::TruthScore score = planner::ScoreAgainstTruth(flows->run, flows->set,
//   result.findings);
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "vantage/core/anomaly.h"
#include "vantage/core/result.h"
#include "vantage/detect/context.h"
#include "vantage/detect/detectors.h"
#include "vantage/detect/finding.h"
#include "vantage/detect/flows.h"
#include "vantage/detect/rules.h"
#include "vantage/detect/store-reader.h"
#include "vantage/planner/run-directory.h"

namespace vantage::planner {

struct RunFlowsRequest {
  std::string dir;
  std::vector<std::string> points;  ///< empty: every point of the manifest
  detect::ReadOptions window;
  std::string topologyPath;  ///< empty: the manifest's topology path (if it loads)
};

/// @brief A run directory's records, ready for the detectors.
struct RunFlows {
  RunData run;
  detect::FlowSet set;
  detect::NetworkContext ctx;
  std::vector<std::string> notes;  ///< e.g. "topology not found: directionality skipped"
};

/// @brief Loads the run (refusing incomplete ones) and the records of the chosen points.
core::Result<RunFlows> LoadRunFlows(const RunFlowsRequest& request,
                                    core::AnomalyCounters* anomalies = nullptr);

/// @brief Names from the ground truth (host and group per address), zones and roles from the
/// topology when given.
detect::NetworkContext ContextFromRun(const RunData& run, const model::Topology* topology);

/// @brief One labelled behaviour of the ground truth and whether findings caught it.
struct BehaviourScore {
  std::string label, kind;
  int64_t startNs = 0, endNs = 0;
  uint64_t flows = 0;
  bool detected = false;
  std::vector<std::string> detectors;  ///< detectors whose findings matched it
  double timeToDetectS = -1;           ///< first matching detection after its start (-1: none)
  uint32_t findings = 0;
};

struct DetectorScore {
  std::string detector;
  uint32_t truePositives = 0, falsePositives = 0;
  double Precision() const {
    uint32_t n = truePositives + falsePositives;
    return n == 0 ? 0.0 : static_cast<double>(truePositives) / n;
  }
};

/// @brief A finding that matched no labelled behaviour, with the benign flows behind it.
struct FalsePositive {
  size_t finding = 0;                                    ///< index into the findings
  std::vector<std::pair<std::string, uint32_t>> labels;  ///< application label -> flows
  std::vector<std::string> examples;                     ///< "staff-3 -> ad udp/53 dns" (first few)
  uint32_t unmatchedRecords = 0;                         ///< records no ground-truth flow explains
};

struct TruthScore {
  std::vector<BehaviourScore> behaviours;
  std::vector<DetectorScore> detectors;
  std::vector<FalsePositive> falsePositives;
  std::vector<std::vector<std::string>> matches;  ///< per finding: labels it matched
  double Recall() const;
  double Precision() const;
};

/// @brief Matches findings to labelled behaviours: a finding matches a behaviour when most of
/// its records are that behaviour's flows, or when its kind is compatible and it shares hosts
/// and time with it.
TruthScore ScoreAgainstTruth(const RunData& run, const detect::FlowSet& set,
                             const std::vector<detect::Finding>& findings);

/// @brief Behaviour kinds a detector is meant to find (for matching by hosts and time).
const std::vector<std::string>& CompatibleKinds(const std::string& detector);

/// @brief What `vantage detect` does, as a function: read a store or a run directory, run the
/// detectors, append findings to a store's findings table detector by detector (so findings
/// already written survive a later error), and score against ground truth when asked.
struct DetectRequest {
  std::string source;  ///< collector store (SQLite) or run directory
  std::vector<std::string> points;
  detect::ReadOptions window;
  std::string topologyPath;  ///< names, zones and roles (store sources; overrides a run's)
  detect::Rules rules;
  /// Where findings go: empty = the store itself, or for a run directory its
  /// collector.sqlite when present, else RUN_DIR/findings.sqlite; "-" = nowhere.
  std::string findingsDb;
  bool truth = false;  ///< score against ground truth (run directories only)
};

struct DetectOutcome {
  bool isRun = false;
  RunFlows flows;  ///< set and ctx for stores too (run empty)
  detect::DetectionResult result;
  std::optional<TruthScore> truth;
  std::string findingsDb;
  uint64_t findingsWritten = 0;
};

/// @brief Errors: source missing or neither a store nor a run directory, incomplete run, store
/// without a flows table, no records in the window, findings table not writable.
core::Result<DetectOutcome> DetectSource(const DetectRequest& request,
                                         core::AnomalyCounters* anomalies = nullptr);

std::string FormatTruth(const TruthScore& score, const std::vector<detect::Finding>& findings);
nlohmann::json ToJson(const TruthScore& score);

}  // namespace vantage::planner
