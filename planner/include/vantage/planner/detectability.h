// Detectability: which labelled behaviours a placement lets an analyst *detect* (the detectors
// of vantage::detect raise a matching finding), not only see; per candidate point and mode,
// and for the chosen plan. Feeds plan.json, the report's "visible but not detected" column and
// `vantage plan --objective detect`.
//
//   auto det = ComputeDetectability(run, topology, rules);
//   CombineForPlan(*det, problem, placement);
//   if (objectiveDetect) ApplyDetectObjective(problemCopy, *det, run);
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "vantage/core/anomaly.h"
#include "vantage/core/result.h"
#include "vantage/detect/rules.h"
#include "vantage/model/topology.h"
#include "vantage/planner/metrics.h"
#include "vantage/planner/problem.h"
#include "vantage/planner/run-directory.h"

namespace vantage::planner {

/// @brief One behaviour at one point (or in the plan).
struct BehaviourDetection {
  std::string label, kind;
  bool detected = false;
  std::vector<std::string> detectors;
  double timeToDetectS = -1;  ///< -1: not detected
};

/// @brief Detections from one point's own records. Flow export and full capture detect the
/// same here: the detectors read flow records, and a full-capture point's records are
/// unsampled (flows metered from its packets would be the same).
struct PointDetectability {
  std::string point;
  uint32_t samplingRate = 1;
  std::vector<BehaviourDetection> behaviours;  ///< every labelled behaviour, in label order
  uint32_t falsePositives = 0;
  /// The provider's flow log at the point (Mode::kFlowLog): the detectors on its records.
  bool hasFlowLog = false;
  std::vector<BehaviourDetection> flowLogBehaviours;
  uint32_t flowLogFalsePositives = 0;
  const BehaviourDetection* Find(const std::string& label, bool flowLog = false) const;
};

struct Detectability {
  bool computed = false;
  std::string note;  ///< why not computed
  std::vector<PointDetectability> points;
  std::vector<BehaviourDetection> plan;  ///< union over the plan's points
  const PointDetectability* FindPoint(const std::string& name) const;
};

/// @brief Runs the detectors on every point's records of the run and scores each against the
/// ground truth. `records` are the run's point records if already read (ReadRunRecords);
/// null reads them.
core::Result<Detectability> ComputeDetectability(
    const RunData& run, const model::Topology* topology, const detect::Rules& rules,
    core::AnomalyCounters* anomalies = nullptr, const std::vector<PointRecords>* records = nullptr);

/// @brief Fills Detectability::plan: a behaviour is detected by the plan when a point the plan
/// uses (any mode) detects it; time to detect is the earliest.
void CombineForPlan(Detectability& d, const Problem& problem, const Placement& placement);

/// @brief For `--objective detect`: a labelled behaviour's flows earn their behaviour bonus at
/// a point only where the point detects that behaviour; where it is merely visible they are
/// worth what a benign flow is. `problem.flows` must be in `run.flows` order (BuildProblem).
void ApplyDetectObjective(Problem& problem, const Detectability& d, const RunData& run);

/// @brief The report's section: per behaviour visible (share), detected, by which detectors,
/// how soon, and "visible but not detected".
std::string DetectabilityMarkdown(const Detectability& d, const Metrics& m);
nlohmann::json DetectabilityJson(const Detectability& d, const Metrics& m);
/// @brief One sentence for a point's explanation ("" when not computed).
std::string ExplainDetectability(const Detectability& d, const std::string& point);

}  // namespace vantage::planner
