// Scenario traffic in ns-3: benign application sessions per host group, injected behaviours,
// and the ground truth of every flow they make. The network builder makes the nodes and the
// NetworkMap; the TrafficManager puts servers and clients on them.
//
//   TrafficContext ctx{&topology, &scenario, &map, &truth, startUnixNs, seed};
//   TrafficManager traffic(ctx);
//   VANTAGE_RETURN_IF_ERROR(traffic.Install());
//   ns3::Simulator::Stop(ns3::Seconds(scenario.durationS + grace));
//   ns3::Simulator::Run();
//   traffic.Finish();   // records flows still open
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "network-map.h"
#include "vantage/core/result.h"
#include "vantage/model/scenario.h"
#include "vantage/model/topology.h"

namespace vantage::sim {

/// @brief What the traffic side needs from the run. All pointers must outlive the manager.
struct TrafficContext {
  const model::Topology* topology = nullptr;
  const model::Scenario* scenario = nullptr;
  const NetworkMap* network = nullptr;
  GroundTruthLog* truth = nullptr;
  int64_t startUnixNs = 0;  ///< simulated time 0 as UNIX ns
  uint64_t seed = 1;        ///< effective seed
  /// Warnings (unknown behaviour kinds, parameters that are not numbers); none if unset.
  std::function<void(const std::string&)> warning = nullptr;
};

class TrafficEngine;  // traffic-engine.h (internal)

/// @brief Schedules every application session and behaviour of the scenario on the hosts of
/// the network map, from simulated time 0 to scenario->durationS. Ground truth is recorded as
/// flows finish.
class TrafficManager {
 public:
  explicit TrafficManager(TrafficContext ctx);
  ~TrafficManager();
  TrafficManager(const TrafficManager&) = delete;
  TrafficManager& operator=(const TrafficManager&) = delete;
  // Must outlive Simulator::Run(): scheduled events and socket callbacks point into it.

  /// @brief Installs servers and schedules sessions. Errors: a mix or behaviour naming a
  /// server or group the network map lacks. Unknown behaviour kinds are skipped (counted).
  core::Status Install();
  /// @brief After Simulator::Run(): records flows still open.
  void Finish();
  uint64_t SessionsStarted() const;
  /// @brief Behaviours skipped because their kind is unknown.
  uint64_t BehavioursSkipped() const;
  /// @brief Internals (applications, tracker) for tests.
  const TrafficEngine& Engine() const;

 private:
  TrafficContext m_ctx;
  std::unique_ptr<TrafficEngine> m_engine;
};

}  // namespace vantage::sim
