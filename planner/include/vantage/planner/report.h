// The plan report: plan.json, report.md, a self-contained report.html (inline SVG and CSS, no
// external references), map.svg (points green = flow export, red = full capture or both,
// amber = lower-priority flow export, grey = nothing) and coverage.svg (coverage against
// storage budget and the cost/coverage Pareto front).
//
//   ReportInput in{...};
//   auto st = WriteReport("plan", in);
//   std::cout << SummaryTable(in);
#pragma once

#include <string>
#include <vector>

#include "vantage/core/result.h"
#include "vantage/model/topology.h"
#include "vantage/planner/knee.h"
#include "vantage/planner/metrics.h"
#include "vantage/planner/optimiser.h"
#include "vantage/planner/problem.h"

namespace vantage::planner {

struct Detectability;
struct PointBlindSpots;

/// @brief What the verification run (the chosen plan simulated again) measured.
struct Verification {
  bool ran = false;
  std::string note;  ///< why it did not run, or where its run directory is
  std::string runDir;
  struct Point {
    std::string name;
    uint64_t messages = 0, bytes = 0, received = 0, lost = 0;
    double bitsPerSecond = 0;  ///< export bandwidth in the simulated window
  };
  std::vector<Point> points;
  double totalBitsPerSecond = 0;
  double lossShare = 0;  ///< lost / sent messages
};

struct ReportInput {
  const model::Topology* topology = nullptr;  ///< may be null (synthetic problems)
  const Problem* problem = nullptr;
  PlanResult plan;
  Metrics metrics;
  std::vector<TradeOff> storageSweep;
  std::vector<TradeOff> paretoFront;
  Verification verification;
  CheapestUseful cheapest;  ///< filled when the plan is empty
  Knee knee;                ///< the cheapest plan within a coverage threshold of the best
  bool preferKnee = false;  ///< `plan.best` is the knee (`--prefer knee`)
  std::string topologyPath, scenarioPath, runDir;
  uint64_t seed = 0;
  std::string compliance;
  /// Which behaviours the plan detects (detectability.h); null: no Detectability section.
  const Detectability* detectability = nullptr;
  /// What each flow-log point's log misses (blind-spots.h); null: no flow-log section.
  const std::vector<PointBlindSpots>* blindSpots = nullptr;
};

/// @brief The colour class of point `p` in the plan: "green", "red", "amber" or "grey".
std::string PointColour(const ReportInput& in, size_t p);
/// @brief One sentence per point an architect can repeat: what it sees, misses and costs.
std::string ExplainPoint(const ReportInput& in, size_t p);

/// @brief map.svg. `standalone` adds the XML namespace (omitted when inlined in HTML).
std::string RenderMapSvg(const ReportInput& in, bool standalone);
/// @brief coverage.svg: coverage against storage budget and the cost Pareto front.
std::string RenderCoverageSvg(const ReportInput& in, bool standalone);
std::string RenderPlanJson(const ReportInput& in);
std::string RenderMarkdown(const ReportInput& in);
std::string RenderHtml(const ReportInput& in);
/// @brief The table `vantage plan` prints.
std::string SummaryTable(const ReportInput& in);

/// @brief Writes the five files into `dir` (created if needed).
core::Status WriteReport(const std::string& dir, const ReportInput& in);

/// @brief Human units: "1.23 TB", "456 GB/day" (decimal).
std::string FormatBytes(double bytes);

}  // namespace vantage::planner
