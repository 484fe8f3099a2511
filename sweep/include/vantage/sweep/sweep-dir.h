// The sweep directory: sweep.json (the cells), cells/ID/ (cell.json, attempt logs, the child's
// output in out/, result.json once finished). A cell is finished when its result.json says so;
// nothing here ever deletes a finished cell.
//
//   auto m = sweep::LoadSweepDir("out");
//   for (const auto& c : m->cells) std::cout << CellStateName(GetCellState("out", c)) << "\n";
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "vantage/core/result.h"
#include "vantage/sweep/cell.h"

namespace vantage::sweep {

/// @brief sweep.json: what a sweep directory holds.
struct SweepManifest {
  std::string name;
  std::string source;  ///< the sweep file
  std::string version;
  double timeoutS = 3600;
  unsigned retries = 1;
  std::vector<Cell> cells;
  std::vector<std::string> slurmJobs;  ///< job ids submitted for this directory
};

/// @brief A manifest for a parsed sweep and its cells.
SweepManifest MakeManifest(const SweepSpec& spec, std::vector<Cell> cells,
                           const std::string& version);

/// @brief Creates `dir` and writes sweep.json. Refuses (kInvalid) a directory that holds a
/// different sweep (another name) unless `force`; cell directories are always kept.
core::Status InitSweepDir(const std::string& dir, SweepManifest& manifest, bool force);
core::Status SaveSweepManifest(const std::string& dir, const SweepManifest& manifest);
core::Result<SweepManifest> LoadSweepDir(const std::string& dir);

/// @brief What one cell attempt (or the last of them) produced.
struct CellResult {
  std::string id;
  bool ok = false;
  int exitCode = 0;
  bool timedOut = false;
  unsigned attempts = 0;
  double wallS = 0, cpuS = 0;
  long maxRssKiB = 0;
  std::string error;       ///< why it failed
  std::string log;         ///< log file of the last attempt, relative to the cell directory
  nlohmann::json metrics;  ///< numbers and names read from the cell's output
  nlohmann::json curve;    ///< plan cells: coverage against storage (the storage sweep)
};
void to_json(nlohmann::json& j, const CellResult& r);
void from_json(const nlohmann::json& j, CellResult& r);

enum class CellState { kPending, kDone, kFailed, kConflict };
const char* CellStateName(CellState s);

std::string CellDir(const std::string& dir, const Cell& cell);
/// @brief Done/failed from result.json; kConflict when cells/ID/cell.json holds other inputs
/// (a directory from another sweep or edited by hand: `why` says so; it is never touched).
CellState GetCellState(const std::string& dir, const Cell& cell, std::string* why = nullptr);
/// @brief Creates cells/ID/ and its cell.json; refuses a conflicting cell directory.
core::Status PrepareCellDir(const std::string& dir, const Cell& cell);
core::Status WriteCellResult(const std::string& dir, const Cell& cell, const CellResult& result);
core::Result<CellResult> ReadCellResult(const std::string& dir, const Cell& cell);

/// @brief Writes a file atomically (temporary file, then rename).
core::Status WriteFileAtomic(const std::string& path, const std::string& text);
/// @brief The last `lines` lines of a text file ("" when unreadable).
std::string TailFile(const std::string& path, size_t lines = 20);

}  // namespace vantage::sweep
