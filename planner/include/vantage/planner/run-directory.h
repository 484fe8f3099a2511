// Reading a run directory (docs/run-directory.md): manifest, ground truth, NAT events and the
// collector store's size, with the checks that refuse incomplete runs and runs made from other
// inputs.
//
//   planner::RunCheck check{"topologies/enterprise.yaml", "scenarios/enterprise-baseline.yaml"};
//   auto run = planner::LoadRunDirectory("run1", check);
//   if (!run) std::cerr << run.GetError().message << "\n";
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "vantage/core/result.h"
#include "vantage/model/run-manifest.h"
#include "vantage/model/run-tables.h"
#include "vantage/model/sha256.h"

namespace vantage::planner {

// The run directory's types are model's, shared with the simulator that writes them.
using model::GroundTruthFlow;
using model::ManifestPoint;
using model::NatEventRow;
using model::ParseGroundTruth;
using model::ParseNatEvents;
using model::PointExport;
using ManifestFlowLog = model::PointFlowLog;  ///< a point's "flow_log" (cloud flow logs)
using model::RunManifest;
using model::Sha256File;

/// @brief Everything of a run directory the planner needs except the per-point flow records.
struct RunData {
  std::string dir;
  RunManifest manifest;
  std::vector<GroundTruthFlow> flows;
  std::vector<NatEventRow> natEvents;
  bool hasSqlite = false;
  uint64_t sqliteBytes = 0;    ///< size of collector.sqlite
  uint64_t sqliteRecords = 0;  ///< rows of its largest table

  /// @brief Multiplier from a count in the simulated window to a count per real day:
  /// (represents_s / duration_s) * (86400 / represents_s).
  double DayFactor() const;
  /// @brief Real hosts per simulated host for a source group (1 if the manifest has none).
  double GroupScale(const std::string& group) const;
};

/// @brief Inputs a run must have been made from; empty paths are not checked.
struct RunCheck {
  std::string topologyPath;
  std::string scenarioPath;
};

/// @brief Loads a run directory. Errors say which problem: missing directory or file
/// (kNotFound), incomplete run (INCOMPLETE present or status not "complete": kInvalid), made
/// from other inputs (sha256 mismatch: kInvalid), or malformed file (kParse, naming file:line).
core::Result<RunData> LoadRunDirectory(const std::string& dir, const RunCheck& check = {});

}  // namespace vantage::planner
