// The run directory (docs/run-directory.md): INCOMPLETE marker first, manifest.json with input
// hashes, seed, versions, window, scale factors, per-point stats and counters, NAT event and
// firewall logs; INCOMPLETE removed last.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "network-builder.h"
#include "vantage/core/result.h"
#include "vantage/model/run-manifest.h"
#include "vantage/model/sha256.h"
#include "vantage/sim/simulation.h"

namespace vantage::sim {

/// @brief What the simulation collects for manifest.json; WriteManifest turns it into the one
/// model::RunManifest that every reader uses.
struct Manifest {
  bool complete = false;
  std::string topologyPath, topologySha256;
  std::string scenarioPath, scenarioSha256;
  uint64_t seed = 0;
  int64_t startUnixNs = 0;
  double durationS = 0;
  double representsS = 0;
  std::map<std::string, double> scale;
  struct Point {
    PointSummary summary;
    std::vector<std::string> interfaces;
    std::vector<std::pair<std::string, uint32_t>> interfaceNumbers;  ///< link -> number
    bool pcap = false;
    bool live = false;
    uint32_t samplingRate = 1;
  };
  std::vector<Point> points;
  uint64_t events = 0;
  double wallS = 0;
  uint64_t groundTruthFlows = 0;
  uint64_t firewallDrops = 0;
  std::map<std::string, uint64_t> firewallDropsByNode;  ///< every filtering node, drops or not
  uint64_t natBindings = 0;
  uint64_t natUnsolicitedDrops = 0;
  uint64_t sessions = 0;
  std::string addressPlan;  ///< "model" or "per-l2-domain"
  std::string error;        ///< why the run is incomplete
};

/// @brief Creates DIR and DIR/points, writes DIR/INCOMPLETE, removes a previous run's files.
core::Status PrepareRunDirectory(const std::string& dir);
using model::Sha256File;
/// @brief The manifest as every reader sees it (vantage and ns-3 versions filled in).
model::RunManifest ToRunManifest(const Manifest& m);
/// @brief Writes manifest.json (via a temporary file and rename).
core::Status WriteManifest(const std::string& dir, const Manifest& m);
core::Status WriteNatEvents(const std::string& path, const std::vector<NatEvent>& events);
core::Status WriteFirewallLog(const std::string& path, const std::vector<FirewallDrop>& drops);
/// @brief Removes DIR/INCOMPLETE: the run is whole.
core::Status MarkComplete(const std::string& dir);

}  // namespace vantage::sim
