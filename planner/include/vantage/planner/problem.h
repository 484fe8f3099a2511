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
/// kFlowLog (points with a cloud `flow_log:`) is the provider's own flow log turned on instead
/// of a packet-level exporter: no device, priced per GB, blind where the provider is.
enum class Mode : uint8_t { kNone = 0, kFlow = 1, kFull = 2, kBoth = 3, kFlowLog = 4 };
const char* ModeName(Mode m);
inline bool HasFlow(Mode m) {
  return m == Mode::kFlow || m == Mode::kBoth;
}
inline bool HasFull(Mode m) {
  return m == Mode::kFull || m == Mode::kBoth;
}
inline bool HasFlowLog(Mode m) {
  return m == Mode::kFlowLog;
}
/// @brief Whether a mode needs a device (an exporter or a capture appliance): a flow log is a
/// setting of the provider's network, so it does not count against `max_devices`.
inline bool UsesDevice(Mode m) {
  return m != Mode::kNone && m != Mode::kFlowLog;
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
  // The provider's flow log at the point (Mode::kFlowLog); untouched elsewhere.
  bool tap = true;              ///< the packet-level tap saw it (false: only the flow log did)
  bool flowLogDirect = false;   ///< the flow log names the internal host (pkt-srcaddr, no NAT)
  uint16_t flowLogRecords = 0;  ///< its flow-log records (one per aggregation window; capped)
  float flowLogProb = 0.0f;     ///< chance the flow log shows it as a flow of its own: sampling
                                ///< x share not merged with other flows in a window (0: never)
};

/// @brief The provider's flow log at a point: what it stores and what that costs.
/// @brief Days in the average month (365.25 / 12): flow-log bills are monthly.
inline constexpr double kDaysPerMonth = 30.4375;

struct FlowLogInfo {
  std::string format;               ///< "aws-vpc", "gcp-vpc", "azure-vnet" (for the report)
  double recordsPerDay = 0;         ///< scaled records per day
  double bytesPerRecord = 0;        ///< measured from the written file
  double bytesPerDay = 0;           ///< ingested (and stored) per day
  double ingestUsdPerGb = 0;        ///< price per GB ingested (budget key or provider default)
  double storageUsdPerGbMonth = 0;  ///< price per GB-month stored
  double usdPerCostUnit = 100;      ///< USD a month that make one of the topology's cost units
  double usdPerMonth = 0;           ///< ingest + storage at the required retention (PriceFlowLogs)
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
  // The provider's flow log (Mode::kFlowLog), at points with `flow_log:`.
  bool canFlowLog = false;
  double costFlowLog = 0;  ///< flowLog.usdPerMonth / flowLog.usdPerCostUnit (PriceFlowLogs)
  FlowLogInfo flowLog;

  bool Allows(Mode m) const {
    if (m == Mode::kFlowLog) return canFlowLog;
    return m == Mode::kNone || ((!HasFlow(m) || canFlow) && (!HasFull(m) || canFull));
  }
  double Cost(Mode m) const {
    return (HasFlow(m) ? costFlow : 0.0) + (HasFull(m) ? costFull : 0.0) +
           (HasFlowLog(m) ? costFlowLog : 0.0);
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

  /// @brief Storage (bytes) a mode at point `p` needs for the required retention. A flow log
  /// is stored by the provider and paid per GB-month (its cost), not in the storage budget.
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

/// @brief Prices every flow-log point for the problem's flow retention: USD a month (ingest
/// per day x 30.4375 days x price per GB + bytes kept for the retention x price per GB-month)
/// and its cost in cost units. Call again after changing `constraints.flowRetentionDays`.
void PriceFlowLogs(Problem& problem);

/// @brief A random instance for tests and benchmarks: `points` candidates, `flows` flows, each
/// point seeing a random subset (about `hitsPerPoint` flows). Deterministic in `seed`. With
/// `flowLogShare` > 0, about that share of the points also have a flow log (a random
/// subset of their flows, some merged, sampled or without attribution) priced in cost units.
Problem MakeSyntheticProblem(size_t points, size_t flows, size_t hitsPerPoint, uint64_t seed,
                             double flowLogShare = 0);

}  // namespace vantage::planner
