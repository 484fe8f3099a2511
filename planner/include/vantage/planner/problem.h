// The placement problem: ground-truth flows with their weights, candidate points with what
// each mode there sees and stores, and the constraints. Built from a run's observations and
// the topology, or by hand (tests) or synthetically (benchmarks).
//
//   Problem p = BuildProblem(run, observations, topology);
//   Placement plan(p.points.size(), Mode::kNone);
//   plan[0] = Mode::kFlow;
//   Metrics m = Evaluate(p, plan);
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "vantage/model/topology.h"
#include "vantage/planner/observations.h"
#include "vantage/planner/run-directory.h"

namespace vantage::planner {

/// @brief What a point does. kFlow at a sampled-only device means sampled flow export.
enum class Mode : uint8_t { kNone = 0, kFlow = 1, kFull = 2, kBoth = 3 };
const char* ModeName(Mode m);
inline bool HasFlow(Mode m) {
  return m == Mode::kFlow || m == Mode::kBoth;
}
inline bool HasFull(Mode m) {
  return m == Mode::kFull || m == Mode::kBoth;
}

/// @brief A mode per candidate point, in Problem::points order.
using Placement = std::vector<Mode>;

/// @brief A ground-truth flow as the planner weighs it.
struct FlowInfo {
  double weight = 1;        ///< real flows this simulated flow stands for (source group scale)
  double bytes = 0;         ///< bytes in both directions (unscaled)
  bool northSouth = false;  ///< one end in the internet zone
  double criticality = 0;   ///< weight of the critical asset it touches, 0 if none
  int asset = -1;           ///< index into Problem::assets, -1 if none
  int behaviour = -1;       ///< index into Problem::behaviours, -1 for benign traffic
  bool natted = false;      ///< crossed a NAT gateway
};

/// @brief A ground-truth flow seen at a point.
struct Hit {
  uint32_t flow = 0;
  uint32_t records = 0;     ///< flow records this point produces for it (in the window)
  bool direct = true;       ///< internal host in the record
  bool natLogged = false;   ///< recoverable through the NAT event log
  float detectProb = 1.0f;  ///< probability a (sampled) flow exporter reports it
};

/// @brief A candidate point: capabilities, costs, what it sees and what it stores per day.
struct PointInfo {
  std::string name, node, zone;
  bool canFlow = true;
  bool sampledOnly = false;
  uint32_t samplingRate = 1;
  bool canFull = false;
  double costFlow = 1, costFull = 5;
  std::vector<Hit> hits;       ///< sorted by flow
  double recordsPerDay = 0;    ///< scaled flow records per day
  double bytesPerRecord = 0;   ///< measured stored bytes per record
  double flowBytesPerDay = 0;  ///< recordsPerDay * bytesPerRecord
  double pcapBytesPerDay = 0;  ///< scaled full-capture bytes per day
  // Verification-run export measurements (filled after the second run, else zero).
  double exportBitsPerSecond = 0;
  double exportLoss = 0;

  bool Allows(Mode m) const {
    return m == Mode::kNone || ((!HasFlow(m) || canFlow) && (!HasFull(m) || canFull));
  }
  double Cost(Mode m) const {
    return (HasFlow(m) ? costFlow : 0.0) + (HasFull(m) ? costFull : 0.0);
  }
};

/// @brief Limits a placement must respect and the retention it must achieve.
struct Constraints {
  double storageBytes = 10e12;  ///< total storage for flows and full capture
  double flowRetentionDays = 365;
  double fullRetentionDays = 7;
  uint32_t maxDevices = 0;  ///< 0 = no limit
  double maxCost = 0;       ///< 0 = no limit
};

/// @brief How much a flow is worth, and how much full capture of it adds.
struct ValueWeights {
  double criticalBonus = 1.0;      ///< multiplies the asset weight in a flow's value
  double behaviourBonus = 1.0;     ///< added for flows of labelled behaviours
  double lostAttribution = 0.5;    ///< value of a flow whose internal host is lost (vs 1)
  double natLogAttribution = 0.9;  ///< value when only the NAT log names the host
  double fullBonus = 1.0;          ///< per unit of criticality, for payload under full capture
};

struct Problem {
  std::vector<FlowInfo> flows;
  std::vector<PointInfo> points;
  std::vector<std::string> behaviours;
  std::vector<std::string> assets;
  Constraints constraints;
  ValueWeights weights;
  double dayFactor = 1;  ///< window count -> count per day

  /// @brief Storage (bytes) a mode at point `p` needs for the required retention.
  double Storage(size_t p, Mode m) const {
    const PointInfo& pt = points[p];
    return (HasFlow(m) ? pt.flowBytesPerDay * constraints.flowRetentionDays : 0.0) +
           (HasFull(m) ? pt.pcapBytesPerDay * constraints.fullRetentionDays : 0.0);
  }
  int FindPoint(const std::string& name) const;
};

/// @brief Builds the problem from a run, its observations and the topology (capabilities,
/// costs, zones, critical assets, budget). Points not in the topology's candidates keep
/// default capabilities.
Problem BuildProblem(const RunData& run, const std::vector<PointObservation>& observations,
                     const model::Topology& topology);

/// @brief The constraints a topology's budget states (TB = 1e12 bytes).
Constraints ConstraintsFromBudget(const model::Budget& budget);

/// @brief A random instance for tests and benchmarks: `points` candidates, `flows` flows, each
/// point seeing a random subset (about `hitsPerPoint` flows). Deterministic in `seed`.
Problem MakeSyntheticProblem(size_t points, size_t flows, size_t hitsPerPoint, uint64_t seed);

}  // namespace vantage::planner
