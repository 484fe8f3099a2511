// The run directory (docs/run-directory.md): INCOMPLETE marker first, manifest.json with input
// hashes, seed, versions, window, scale factors, per-point stats and counters, NAT event and
// firewall logs; INCOMPLETE removed last.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "vantage/core/result.h"
#include "vantage/model/run-manifest.h"
#include "vantage/model/run-tables.h"
#include "vantage/model/sha256.h"
#include "vantage/sim/simulation.h"

namespace vantage::sim {

struct PointSetup;

/// @brief Creates DIR and DIR/points, writes DIR/INCOMPLETE, removes a previous run's files.
core::Status PrepareRunDirectory(const std::string& dir);
using model::Sha256File;
/// @brief An incomplete run's manifest with the vantage and ns-3 versions filled in.
model::RunManifest NewRunManifest();
/// @brief A point's manifest entry: what it observed (`s`) and how (`setup`); the interface
/// numbers are the caller's to add.
model::ManifestPoint ToManifestPoint(const PointSummary& s, const PointSetup& setup);
/// @brief Writes manifest.json (via a temporary file and rename).
core::Status WriteManifest(const std::string& dir, const model::RunManifest& m);
core::Status WriteNatEvents(const std::string& path, const std::vector<model::NatEventRow>& rows);
core::Status WriteFirewallLog(const std::string& path,
                              const std::vector<model::FirewallDropRow>& rows);
/// @brief Removes DIR/INCOMPLETE: the run is whole.
core::Status MarkComplete(const std::string& dir);

}  // namespace vantage::sim
