// Running cells: a local pool of worker processes, and the single cell a Slurm array task
// runs. Every cell runs the `vantage` executable as a child process (ns-3 keeps global state,
// so one run per process), with its output in cells/ID/attempt-N.log; a failed or timed-out
// attempt is retried `retries` times; finished cells are skipped.
//
//   sweep::LocalOptions o;
//   o.exe = "/usr/local/bin/vantage";
//   o.jobs = 4;
//   RunSummary s = sweep::RunLocal("out", manifest, o);
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "vantage/sweep/sweep-dir.h"

namespace vantage::sweep {

/// @brief Where a running sweep stands (for the progress line).
struct Progress {
  size_t total = 0, skipped = 0, done = 0, failed = 0, running = 0;
  double elapsedS = 0;
  double etaS = -1;  ///< estimated seconds left (-1 when unknown)
};

struct FailedCell {
  Cell cell;
  std::string error;
  std::string logPath;
  std::string logTail;  ///< last lines of the log
};

struct RunSummary {
  size_t total = 0, skipped = 0, done = 0, failed = 0, conflicts = 0;
  std::vector<FailedCell> failures;  ///< failed and conflicting cells
  bool interrupted = false;
  double wallS = 0;
  bool Complete() const { return !interrupted && failures.empty(); }
};

struct LocalOptions {
  std::string exe;  ///< the vantage executable
  unsigned jobs = 1;
  std::function<void(const Progress&)> progress;  ///< about once a second and on changes
  std::function<bool()> shouldStop;               ///< true: kill the children and return
};

/// @brief Runs every unfinished cell of the sweep in `jobs` worker processes.
RunSummary RunLocal(const std::string& dir, const SweepManifest& manifest, const LocalOptions& o);

/// @brief Runs cell `index` (a Slurm array task), with retries; writes its result.json.
/// A finished cell is not run again. Errors: unknown index, changed input files, conflict.
core::Result<CellResult> RunTask(const std::string& dir, size_t index, const std::string& exe);

/// @brief Reads what a finished child wrote to `outDir`: metrics (and the storage curve of
/// plan cells). An error when the output is missing or malformed.
core::Status ExtractOutcome(const std::string& command, const std::string& outDir,
                            CellResult& result);

/// @brief Collects the failed and conflicting cells of a sweep directory with their logs.
std::vector<FailedCell> CollectFailures(const std::string& dir, const SweepManifest& manifest);

}  // namespace vantage::sweep
