// Blind spots of a cloud flow log: what a point's flow log cannot see that a packet-level
// exporter at the same place does, computed from the run (ground truth vs the point's IPFIX vs
// its flow log), not from a fixed list. Only what happened in the run is listed.
//
//   auto spots = ComputeBlindSpots(run, observations);
//   std::string md = BlindSpotsMarkdown(spots, problem, plan.best.modes);
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "vantage/planner/observations.h"
#include "vantage/planner/problem.h"
#include "vantage/planner/run-directory.h"

namespace vantage::planner {

/// @brief One thing the flow log misses or blurs, with the flows it concerns.
struct BlindSpot {
  /// "provider-dns", "metadata-service", "time-service", "dhcp", "link-local", "filtered",
  /// "sampled-out", "not-logged" (flows missed); "nat-attribution" (host lost behind a cloud
  /// NAT); "merged-in-window", "split-across-windows", "durations-rounded" (timing lost to
  /// aggregation); "skip-data", "delivery-delay".
  std::string kind;
  std::string title;   ///< short, for tables
  std::string detail;  ///< one or two sentences with the run's numbers
  uint64_t flows = 0;  ///< simulated flows concerned
  double share = 0;    ///< scale-weighted share of the flows the tap saw at the point
  std::map<std::string, uint64_t> behaviours;  ///< labelled behaviour -> flows concerned
  std::vector<std::string> examples;           ///< up to three "10.0.1.5:5353 -> 10.0.0.2:53/udp"
};

/// @brief The blind spots of one point's flow log.
struct PointBlindSpots {
  std::string point;
  std::string provider, format;
  uint32_t aggregationIntervalS = 0;
  double sampleRate = 1;
  int awsVersion = 0;
  bool hasPktSrcAddr = false;
  uint64_t tapFlows = 0;  ///< ground-truth flows the point's packet-level exporter saw
  uint64_t logFlows = 0;  ///< ground-truth flows its flow log shows
  std::vector<BlindSpot> spots;
  const BlindSpot* Find(const std::string& kind) const;
};

/// @brief Blind spots of every point that has a flow log, in observation order.
std::vector<PointBlindSpots> ComputeBlindSpots(const RunData& run,
                                               const std::vector<PointObservation>& observations);

/// @brief The report's "Flow-log blind spots" section ("" when no point has a flow log).
std::string BlindSpotsMarkdown(const std::vector<PointBlindSpots>& spots, const Problem& problem,
                               const Placement& plan);
/// @brief plan.json's `flow_logs` array: per point its settings, bill, mode in the plan and
/// blind spots.
nlohmann::json BlindSpotsJson(const std::vector<PointBlindSpots>& spots, const Problem& problem,
                              const Placement& plan);
/// @brief One sentence for a flow-log point's explanation ("" when it has none).
std::string ExplainBlindSpots(const std::vector<PointBlindSpots>& spots, const std::string& point);

}  // namespace vantage::planner
