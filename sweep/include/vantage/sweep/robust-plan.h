// Plans robust across seeds (`vantage plan TOPO SCEN --seeds 1-10`): one observation run per
// seed through the sweep machinery (locally or on Slurm), the placement that maximises the
// sum of the seeds' objectives, each metric as mean and 95% confidence interval across the
// seeds, and an out-of-sample check (chosen on the first half of the seeds, evaluated on the
// second half).
//
//   sweep::RobustPlanOptions o;
//   o.topology = "topologies/small-office.yaml"; o.scenario = "...";
//   o.seeds = {1, 2, 3, 4}; o.out = "plan"; o.local.exe = "vantage";
//   auto r = sweep::RobustPlan(o);
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "vantage/planner/metrics.h"
#include "vantage/planner/optimiser.h"
#include "vantage/sweep/slurm.h"
#include "vantage/sweep/stats.h"

namespace vantage::sweep {

struct RobustPlanOptions {
  std::string topology, scenario;
  std::vector<uint64_t> seeds;
  std::string out;      ///< the report; the runs go to OUT/seeds (a sweep)
  std::string version;  ///< vantage version (part of the cells' hashes)
  std::optional<planner::Constraints> constraints;  ///< default: the topology's budget
  bool slurm = false;
  LocalOptions local;  ///< exe, jobs, progress
  SlurmOptions slurmOptions;
};

/// @brief The out-of-sample check. Shares are of each seed's own maximum objective, averaged.
struct OutOfSample {
  std::vector<uint64_t> chosenOn, evaluatedOn;
  double inSample = 0;        ///< plan chosen on the first half, on the first half
  double outOfSample = 0;     ///< the same plan on the second half
  double secondHalfBest = 0;  ///< a plan chosen on the second half, on the second half
  double Difference() const { return outOfSample - inSample; }
};

struct RobustPlanResult {
  planner::Problem combined;
  planner::PlanResult plan;
  planner::Metrics pooled;  ///< the plan on all seeds' flows together
  std::vector<std::string> metricNames;
  std::map<std::string, Summary> perMetric;  ///< across seeds
  std::map<std::string, std::vector<double>> perSeed;
  std::optional<OutOfSample> outOfSample;  ///< when there are at least two seeds
  RunSummary runs;
};

/// @brief The per-seed metrics the report summarises, by name.
std::vector<std::pair<std::string, double>> MetricValues(const planner::Metrics& m);

/// @brief Runs (or reuses) the seeds' observation runs, optimises the expected objective and
/// writes OUT/seeds.json and OUT/seeds.md (plus the planner's report of the combined problem
/// when `writeReport`). Errors name the failed runs.
core::Result<RobustPlanResult> RobustPlan(const RobustPlanOptions& o, bool writeReport = true);

/// @brief The optimisation and statistics on problems already built (one per seed).
core::Result<RobustPlanResult> PlanAcrossSeeds(const std::vector<planner::Problem>& perSeed,
                                               const std::vector<uint64_t>& seeds,
                                               const planner::Constraints& constraints);

}  // namespace vantage::sweep
