// Slurm: the sweep's unfinished cells as one job array (`sbatch --array=0-M%K`), each task
// running `vantage sweep task DIR INDEX`; waiting polls squeue; tasks that left no result
// (timed out, node lost) are resubmitted once.
//
//   sweep::SlurmOptions o;
//   o.exe = "/usr/local/bin/vantage";
//   o.arrayLimit = 8;
//   auto s = sweep::RunSlurm("out", manifest, o);
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "vantage/sweep/runner.h"

namespace vantage::sweep {

struct SlurmOptions {
  std::string exe;  ///< the vantage executable (must be reachable from the compute nodes)
  std::string partition;
  std::string time;                    ///< per task, sbatch --time syntax (e.g. 00:30:00)
  unsigned arrayLimit = 0;             ///< at most this many tasks at once (0 = Slurm's choice)
  std::vector<std::string> extraArgs;  ///< passed to sbatch as they are
  std::string sbatch = "sbatch", squeue = "squeue";
  double pollS = 2;
  bool wait = true;
  std::function<void(const Progress&)> progress;
  std::function<bool()> shouldStop;
};

/// @brief "0-3,5,7-9" for sorted indices.
std::string ArraySpec(const std::vector<size_t>& indices);

/// @brief Writes DIR/slurm/array.sh and submits the given cells; returns the job id. A refused
/// submission is an error carrying sbatch's own message.
core::Result<std::string> SubmitArray(const std::string& dir, const std::vector<size_t>& indices,
                                      const SlurmOptions& o);

/// @brief Polls squeue until the job has left the queue (progress from the cell directories).
core::Status WaitForJob(const std::string& dir, const SweepManifest& manifest,
                        const std::string& jobId, const SlurmOptions& o);

/// @brief Submits every unfinished cell, waits (unless !o.wait), resubmits once the cells that
/// left no result, and summarises. Without waiting the summary counts submitted cells as
/// pending; `jobId` gets the (last) job id.
core::Result<RunSummary> RunSlurm(const std::string& dir, SweepManifest& manifest,
                                  const SlurmOptions& o, std::string* jobId = nullptr);

}  // namespace vantage::sweep
