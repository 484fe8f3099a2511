// Cells: one `vantage simulate` or `vantage plan` run of a sweep, named by a hash of its
// inputs (the topology and scenario file contents, seed, settings, vantage version), so a rerun
// finds the cells it already finished and a changed input reruns only the cells it affects.
//
//   auto cells = sweep::ExpandCells(spec, "0.1.0");
//   for (const auto& c : *cells) std::cout << c.id << " seed " << c.seed << "\n";
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "vantage/core/result.h"
#include "vantage/sweep/sweep-file.h"

namespace vantage::sweep {

/// @brief One run of the sweep's matrix.
struct Cell {
  size_t index = 0;  ///< position in the sweep (Slurm array index)
  std::string id;    ///< 16 hex digits of SHA-256 over Inputs()
  std::string command;
  std::string topology, scenario;          ///< as written in the sweep file (shown in results)
  std::string topologyPath, scenarioPath;  ///< resolved paths the child process reads
  std::string topologySha256, scenarioSha256;
  uint64_t seed = 0;
  std::vector<std::pair<std::string, std::string>> settings;  ///< option, value ("" = flag)
  std::string version;                                        ///< vantage version

  /// @brief Everything that decides the cell's output (no paths): what the id hashes.
  nlohmann::json Inputs() const;
  /// @brief Arguments after the executable: e.g. {"plan", TOPO, SCEN, "--out", OUT, ...}.
  std::vector<std::string> Args(const std::string& outDir) const;
  /// @brief "seed 3, --budget-tb 1" (settings as options).
  std::string Label() const;
};

void to_json(nlohmann::json& j, const Cell& c);
void from_json(const nlohmann::json& j, Cell& c);

/// @brief The id of a cell with these inputs.
std::string CellId(const nlohmann::json& inputs);

/// @brief Every cell of the matrix (cases x seeds x settings, in that nesting order), with
/// hashed file contents. Cells with identical inputs appear once. Errors name unreadable files.
core::Result<std::vector<Cell>> ExpandCells(const SweepSpec& spec, const std::string& version);

}  // namespace vantage::sweep
