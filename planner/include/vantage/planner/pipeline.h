// The plan pipeline of `vantage plan`: observation run, observations, optimisation,
// verification run, report. The planner never depends on the simulator: the caller passes the
// simulation as a callback that writes a run directory (the CLI passes ns-3; tests pass a fake).
//
//   planner::PlanRequest req;
//   req.topology = &topo;  req.topologyPath = "t.yaml";  req.scenarioPath = "s.yaml";
//   req.outDir = "plan";
//   auto plan = planner::RunPlanPipeline(req, simulate, [](auto kind, const std::string& m) {...});
//   if (plan) std::cout << planner::SummaryTable(plan->report);
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "vantage/core/result.h"
#include "vantage/model/topology.h"
#include "vantage/planner/blind-spots.h"
#include "vantage/planner/detectability.h"
#include "vantage/planner/problem.h"
#include "vantage/planner/report.h"

namespace vantage::planner {

/// @brief What to plan and under which constraints (the options of `vantage plan`).
struct PlanRequest {
  const model::Topology* topology = nullptr;  ///< required
  std::string topologyPath;                   ///< checked against the run's manifest
  std::string scenarioPath;
  double scenarioDurationS = 0;  ///< fallback when a run's manifest has no duration
  std::string outDir = "plan";   ///< report directory (runs go in OUT/observation-run, ...)
  std::string observationRun;    ///< reuse this run directory; empty: simulate one
  std::optional<uint64_t> seed;  ///< overrides the scenario's seed in the observation run
  double flowRetentionDays = 0;  ///< required retention (the CLI fills the topology's)
  double fullRetentionDays = 0;
  double budgetTb = -1;  ///< < 0: the topology's storage budget
  std::optional<uint32_t> maxDevices;
  double maxCost = -1;      ///< < 0: the topology's
  bool verify = true;       ///< false: no verification run ("skipped (--no-verify).")
  bool preferKnee = false;  ///< recommend the knee instead of the best plan
  double kneePoints = 1.0;  ///< coverage points the knee may give up
  double tightenSeconds = 2.0;
  bool detectObjective = false;  ///< optimise detected, not visible, behaviours
  std::string rulesPath;         ///< detection rules for detectability (empty: built-in)
};

/// @brief One simulation the pipeline needs: write a run directory at `outDir`.
struct SimulateRequest {
  enum class Kind { kObservation, kVerification };
  Kind kind = Kind::kObservation;
  std::string outDir;
  std::optional<uint64_t> seed;
  std::vector<std::string> points;            ///< empty: every candidate point observes
  std::vector<std::string> liveExportPoints;  ///< exporters that send across the network
};

/// @brief Runs a simulation; an error's message ends up in the report or the pipeline error.
using SimulateFn = std::function<core::Status(const SimulateRequest&)>;

/// @brief Messages for the caller to print: progress ("observation run: ...") or warnings.
enum class PlanMessage { kProgress, kWarning };
using PlanProgressFn = std::function<void(PlanMessage, const std::string&)>;

/// @brief The planned result. `report` points into `problem`, `detectability` and the
/// request's topology (which must outlive it).
struct PlanOutcome {
  std::unique_ptr<Problem> problem;
  std::unique_ptr<Detectability> detectability;
  std::unique_ptr<std::vector<PointBlindSpots>> blindSpots;  ///< flow-log points' blind spots
  ReportInput report;
};

/// @brief Runs the pipeline and writes the report into `request.outDir`. `simulate` may be
/// empty when `observationRun` is given (then the verification run is skipped with a note).
core::Result<PlanOutcome> RunPlanPipeline(const PlanRequest& request, const SimulateFn& simulate,
                                          const PlanProgressFn& progress);

}  // namespace vantage::planner
