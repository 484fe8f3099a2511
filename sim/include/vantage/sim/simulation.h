// Runs a topology and scenario in ns-3 and writes a run directory (docs/run-directory.md):
// ground truth, per-point IPFIX files and pcaps from the real exporter, NAT and firewall logs,
// and, for points exporting live, the real collector's store.
//
//   sim::RunOptions opt;
//   opt.outDir = "run1";
//   auto summary = sim::RunSimulation(topology, scenario, opt);
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "vantage/core/result.h"
#include "vantage/model/scenario.h"
#include "vantage/model/topology.h"

namespace vantage::sim {

/// @brief Progress reported about once per wall-clock second.
struct Progress {
  double simSeconds = 0;
  double simTotalSeconds = 0;
  double wallSeconds = 0;
  uint64_t events = 0;
};

struct RunOptions {
  std::string outDir;
  std::string topologyPath;  ///< for the manifest's hashes
  std::string scenarioPath;
  std::optional<uint64_t> seed;  ///< overrides the scenario's seed
  /// Candidate points that observe (tap + exporter). Empty = all candidate points.
  std::vector<std::string> points;
  /// Points whose exporter also sends its export by UDP across the simulated network to the
  /// collector node (the planner's verification run). Empty = none.
  std::vector<std::string> liveExportPoints;
  bool taps = true;         ///< false: no taps or exporters at all (benchmark baseline)
  bool fullCapture = true;  ///< write pcaps at points that can host full capture
  uint32_t snapLength = 256;
  std::function<void(const Progress&)> progress;
  /// Polled about ten times per simulated second; true stops the run (interrupt): the run
  /// directory keeps INCOMPLETE and the manifest says "incomplete".
  std::function<bool()> shouldStop;
};

/// @brief A flow-log point's provider log (points/NAME.flowlog), for the manifest.
struct FlowLogSummary {
  wire::flowlog::Settings settings;
  std::string path;  ///< relative to the run directory
  uint64_t records = 0, bytes = 0;
  uint64_t noDataRecords = 0, excludedPackets = 0, filteredPackets = 0, sampledOutRecords = 0;
};

/// @brief What a run produced, per point.
struct PointSummary {
  std::string name;
  std::string node;
  uint64_t flows = 0, packets = 0, octets = 0;
  uint64_t ipfixBytes = 0, pcapBytes = 0;
  uint64_t exportMessages = 0, exportBytes = 0, exportReceived = 0, exportLost = 0;
  std::optional<FlowLogSummary> flowLog;  ///< set at points with `flow_log:`
};

struct RunSummary {
  std::string outDir;
  double wallSeconds = 0;
  uint64_t events = 0;
  uint64_t groundTruthFlows = 0;
  uint64_t firewallDrops = 0;
  uint64_t natBindings = 0;
  std::vector<PointSummary> points;
};

/// @brief Builds, runs and writes the run directory. Errors (a topology ns-3 cannot build, an
/// address plan that runs out, an unwritable directory) come before the simulation starts.
core::Result<RunSummary> RunSimulation(const model::Topology& topology,
                                       const model::Scenario& scenario, const RunOptions& options);

}  // namespace vantage::sim
