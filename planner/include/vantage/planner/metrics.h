// Metrics of a placement: visibility (flows, bytes, north-south, east-west), critical-asset
// coverage, behaviour visibility, NAT attribution loss, duplication, storage per day and the
// retention that fits the budget.
//
//   Metrics m = Evaluate(problem, placement);
//   std::cout << m.flowVisibility << " " << m.flowRetentionFitDays << "\n";
#pragma once

#include <map>
#include <string>
#include <vector>

#include "vantage/planner/problem.h"

namespace vantage::planner {

struct Metrics {
  // Shares in [0, 1], weighted by each flow's source-group scale.
  double flowVisibility = 0;  ///< flows seen by some flow export, flow log or full capture
  double flowVisibilityUnweighted = 0;  ///< simulated flows seen, each counting once
  double byteVisibility = 0;            ///< bytes of the flows seen
  double northSouthVisibility = 0;      ///< of flows with one end on the internet
  double eastWestVisibility = 0;        ///< of flows inside the organisation
  double criticalCoverage = 0;          ///< criticality-weighted share of critical flows seen
  double criticalFullShare = 0;         ///< criticality-weighted share under full capture
  std::map<std::string, double> behaviourVisibility;  ///< per labelled behaviour
  // NAT attribution loss: share of seen flows whose internal host is unknown.
  double natLossWithoutLog = 0;  ///< if the NAT gateway kept no event log
  double natLossWithLog = 0;     ///< with the NAT event log as recorded in the run
  // Duplication: records of a flow beyond those of the one point that records it most.
  double recordsPerDay = 0;
  double duplicateRecordsPerDay = 0;
  double duplicateBytesPerDay = 0;
  double duplicateShare = 0;  ///< duplicate records / records
  // Storage and retention.
  double flowBytesPerDay = 0;
  double fullBytesPerDay = 0;
  double storageRequired = 0;       ///< bytes for the required retention of both
  double flowRetentionFitDays = 0;  ///< flow retention that fits next to the required full
  double fullRetentionFitDays = 0;  ///< full retention that fits next to the required flows
  bool flowRetentionMet = true;
  bool fullRetentionMet = true;
  bool withinBudget = true;  ///< storage, cost and device limits all hold
  // Flow logs (Mode::kFlowLog): kept by the provider, paid per GB (part of `cost`).
  uint32_t flowLogPoints = 0;
  double flowLogBytesPerDay = 0;
  double flowLogUsdPerMonth = 0;
  // Cost.
  double cost = 0;
  uint32_t points = 0;        ///< points the placement uses
  uint32_t devices = 0;       ///< points whose mode needs a device (flow logs do not)
  double objective = 0;       ///< the optimiser's weighted coverage
  double objectiveShare = 0;  ///< objective / objective of every point in its best mode
};

/// @brief Evaluates a placement against the problem's constraints.
Metrics Evaluate(const Problem& problem, const Placement& placement);

/// @brief The optimiser's objective: sum over flows of value * best attribution-and-sampling
/// quality among the chosen points, plus full-capture bonus for critical flows.
double Objective(const Problem& problem, const Placement& placement);

/// @brief Objective of every point in its richest allowed mode (the 100% mark).
double MaxObjective(const Problem& problem);

}  // namespace vantage::planner
