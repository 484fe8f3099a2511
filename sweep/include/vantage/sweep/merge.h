// Merging a finished sweep into results.json, results.csv, report.md, report.html and
// coverage.svg (coverage against storage budget with 95% confidence bands across seeds), and
// the status of a sweep directory. results.json and results.csv hold only what the cells'
// inputs decide, so the same sweep gives the same bytes locally and on Slurm; timings go to
// the report.
//
//   auto m = sweep::Merge("out", {});
//   if (!m) std::cerr << m.GetError().message << "\n";  // names the unfinished cells
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "vantage/sweep/runner.h"

namespace vantage::sweep {

struct MergeOptions {
  bool partial = false;  ///< merge the finished cells and list the others instead of refusing
};

struct MergeSummary {
  size_t cells = 0, merged = 0;
  std::vector<std::string> missing;  ///< "ID (seed 3, ...): failed: why"
  std::vector<std::string> files;    ///< written
};

/// @brief Merges DIR's cells. Refuses (kInvalid, naming them) unfinished cells unless partial.
core::Result<MergeSummary> Merge(const std::string& dir, const MergeOptions& options);

/// @brief The merged document (what results.json holds) without writing anything.
core::Result<nlohmann::json> BuildResults(const std::string& dir, const SweepManifest& manifest,
                                          std::vector<std::string>& missing);

struct SweepStatus {
  SweepManifest manifest;
  size_t done = 0, failed = 0, pending = 0, conflicts = 0;
  double cpuS = 0;     ///< over finished cells
  long maxRssKiB = 0;  ///< largest worker
  std::vector<FailedCell> failures;
};
core::Result<SweepStatus> GetStatus(const std::string& dir);

/// @brief Renders report.md, report.html and coverage.svg from results and status (internal to
/// Merge, public for tests).
struct ReportFiles {
  std::string markdown, html, svg;
};
ReportFiles RenderReport(const nlohmann::json& results, const SweepStatus& status);

}  // namespace vantage::sweep
