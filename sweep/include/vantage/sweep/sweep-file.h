// Sweep files: the matrix of topologies, scenarios, seeds and planner settings a sweep runs,
// read from YAML with every problem reported as file:line:col (docs/sweeps.md).
//
//   model::Diagnostics diags;
//   auto spec = sweep::LoadSweepFile("sweeps/office.yaml", diags);
//   if (!spec) std::cerr << diags.ToString();
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "vantage/core/result.h"
#include "vantage/model/diagnostics.h"

namespace vantage::sweep {

/// @brief One topology with one scenario. Paths are resolved against the sweep file's folder;
/// `topology`/`scenario` keep the text as written (shown in results).
struct SweepCase {
  std::string topology, scenario;
  std::string topologyPath, scenarioPath;
};

/// @brief A dimension of the matrix: a `vantage` option and the values it takes. A flag option
/// (e.g. --no-verify) has one empty value.
struct SettingAxis {
  std::string option;  ///< e.g. "--budget-tb"
  std::vector<std::string> values;
};

/// @brief What every cell runs.
enum class CellCommand { kSimulate, kPlan };
const char* CellCommandName(CellCommand c);

/// @brief A parsed and validated sweep file.
struct SweepSpec {
  std::string name;
  std::string file;  ///< the sweep file as given
  CellCommand command = CellCommand::kPlan;
  std::vector<SweepCase> cases;
  std::vector<uint64_t> seeds;
  std::vector<SettingAxis> axes;  ///< in file order; the matrix is their product
  double timeoutS = 3600;         ///< per attempt of a cell
  unsigned retries = 1;           ///< extra attempts after a failure
};

/// @brief Parses sweep YAML; `baseDir` resolves relative paths. Errors go to `diags` (all of
/// them, each with file:line:col); the result is an error when any was found. Checks that
/// the named files exist but does not load them (see CheckSweepInputs).
core::Result<SweepSpec> ParseSweep(const std::string& yamlText, const std::string& name,
                                   const std::string& baseDir, model::Diagnostics& diags);

/// @brief Reads and parses a sweep file (relative paths inside it are relative to its folder).
core::Result<SweepSpec> LoadSweepFile(const std::string& path, model::Diagnostics& diags);

/// @brief Loads and validates every case's topology and scenario with the model, so a broken
/// input is reported before any cell runs.
core::Status CheckSweepInputs(const SweepSpec& spec, model::Diagnostics& diags);

/// @brief Parses "1-10", "7" or "1,3,5-7" into seeds (at most `limit`); false with `error`.
bool ParseSeedList(const std::string& text, std::vector<uint64_t>& seeds, std::string& error,
                   size_t limit = 100000);

}  // namespace vantage::sweep
