// Plans robust across seeds: per-seed observation runs as a sweep, the summed objective,
// statistics across seeds and the out-of-sample check.
#include "vantage/sweep/robust-plan.h"

#include <fmt/printf.h>

#include <cstdio>
#include <filesystem>

#include "vantage/model/scenario.h"
#include "vantage/model/topology.h"
#include "vantage/planner/multi-seed.h"
#include "vantage/planner/observations.h"
#include "vantage/planner/report.h"
#include "vantage/planner/run-directory.h"

namespace vantage::sweep {
namespace {

namespace fs = std::filesystem;
using core::ErrorCode;
using core::MakeError;
using planner::Problem;

// Mean over seeds of the plan's objective as a share of each seed's own maximum.
double MeanShare(const std::vector<Problem>& problems, const std::vector<size_t>& which,
                 const planner::Placement& plan) {
  double sum = 0;
  for (size_t i : which) sum += planner::Evaluate(problems[i], plan).objectiveShare;
  return which.empty() ? 0 : sum / static_cast<double>(which.size());
}

core::Result<planner::Placement> OptimiseOn(const std::vector<Problem>& problems,
                                            const std::vector<size_t>& which,
                                            const planner::Constraints& c) {
  std::vector<Problem> subset;
  for (size_t i : which) subset.push_back(problems[i]);
  auto combined = planner::CombineProblems(subset);
  if (!combined) return combined.GetError();
  combined->constraints = c;
  planner::PriceFlowLogs(*combined);
  return planner::Optimise(*combined, c).best.modes;
}

core::Result<OutOfSample> CheckOutOfSample(const std::vector<Problem>& problems,
                                           const std::vector<uint64_t>& seeds,
                                           const planner::Constraints& c) {
  OutOfSample o;
  std::vector<size_t> first, second;
  for (size_t i = 0; i < problems.size(); ++i) {
    (i < problems.size() / 2 ? first : second).push_back(i);
    (i < problems.size() / 2 ? o.chosenOn : o.evaluatedOn).push_back(seeds[i]);
  }
  auto a = OptimiseOn(problems, first, c);
  if (!a) return a.GetError();
  auto b = OptimiseOn(problems, second, c);
  if (!b) return b.GetError();
  o.inSample = MeanShare(problems, first, *a);
  o.outOfSample = MeanShare(problems, second, *a);
  o.secondHalfBest = MeanShare(problems, second, *b);
  return o;
}

}  // namespace

std::vector<std::pair<std::string, double>> MetricValues(const planner::Metrics& m) {
  return {{"flow_visibility", m.flowVisibility},
          {"byte_visibility", m.byteVisibility},
          {"north_south_visibility", m.northSouthVisibility},
          {"east_west_visibility", m.eastWestVisibility},
          {"critical_coverage", m.criticalCoverage},
          {"critical_full_capture_share", m.criticalFullShare},
          {"nat_attribution_loss_with_log", m.natLossWithLog},
          {"nat_attribution_loss_without_log", m.natLossWithoutLog},
          {"duplicate_share", m.duplicateShare},
          {"storage_required_bytes", m.storageRequired},
          {"weighted_coverage", m.objectiveShare}};
}

core::Result<RobustPlanResult> PlanAcrossSeeds(const std::vector<Problem>& perSeed,
                                               const std::vector<uint64_t>& seeds,
                                               const planner::Constraints& c) {
  auto combined = planner::CombineProblems(perSeed);
  if (!combined) return combined.GetError();
  RobustPlanResult r;
  r.combined = std::move(*combined);
  r.combined.constraints = c;
  planner::PriceFlowLogs(r.combined);
  r.plan = planner::Optimise(r.combined, c);
  r.pooled = planner::Evaluate(r.combined, r.plan.best.modes);
  for (const auto& p : perSeed) {
    for (const auto& [name, v] : MetricValues(planner::Evaluate(p, r.plan.best.modes))) {
      if (r.perSeed.find(name) == r.perSeed.end()) r.metricNames.push_back(name);
      r.perSeed[name].push_back(v);
    }
  }
  for (const auto& [name, v] : r.perSeed) r.perMetric[name] = Summarise(v);
  if (perSeed.size() >= 2) {
    auto o = CheckOutOfSample(perSeed, seeds, c);
    if (!o) return o.GetError();
    r.outOfSample = *o;
  }
  return r;
}

namespace {

core::Result<RunSummary> RunSeeds(const RobustPlanOptions& o, SweepManifest& manifest,
                                  const std::string& dir) {
  if (o.slurm) return RunSlurm(dir, manifest, o.slurmOptions);
  return RunLocal(dir, manifest, o.local);
}

core::Result<std::vector<Problem>> LoadProblems(const RobustPlanOptions& o, const SweepManifest& m,
                                                const std::string& dir,
                                                const model::Topology& topo) {
  std::vector<Problem> problems;
  for (const auto& cell : m.cells) {
    const std::string runDir = (fs::path(CellDir(dir, cell)) / "out").string();
    auto run = planner::LoadRunDirectory(runDir, {o.topology, o.scenario});
    if (!run) return run.GetError();
    auto obs = planner::ObserveRun(*run, nullptr);
    if (!obs) return obs.GetError();
    problems.push_back(planner::BuildProblem(*run, *obs, topo));
  }
  return problems;
}

std::string SeedsText(const std::vector<uint64_t>& seeds) {
  std::string s;
  for (uint64_t v : seeds) s += (s.empty() ? "" : ",") + std::to_string(v);
  return s;
}

nlohmann::json SeedsJson(const RobustPlanResult& r, const std::vector<uint64_t>& seeds) {
  nlohmann::json metrics = nlohmann::json::object();
  for (const auto& name : r.metricNames) {
    const Summary& s = r.perMetric.at(name);
    metrics[name] = {{"mean", s.mean},
                     {"sd", s.sd},
                     {"ci_low", s.ciLow},
                     {"ci_high", s.ciHigh},
                     {"per_seed", r.perSeed.at(name)}};
  }
  nlohmann::json j = {{"seeds", seeds},
                      {"objective_sum", r.plan.best.objective},
                      {"exact_complete", r.plan.exactComplete},
                      {"metrics", metrics}};
  if (r.outOfSample) {
    const auto& o = *r.outOfSample;
    j["out_of_sample"] = {{"chosen_on", o.chosenOn},
                          {"evaluated_on", o.evaluatedOn},
                          {"in_sample_weighted_coverage", o.inSample},
                          {"out_of_sample_weighted_coverage", o.outOfSample},
                          {"difference", o.Difference()},
                          {"second_half_best", o.secondHalfBest}};
  }
  return j;
}

std::string SeedsMarkdown(const RobustPlanResult& r, const std::vector<uint64_t>& seeds) {
  std::string md = "# Plan across seeds " + SeedsText(seeds) + "\n\n";
  md += "The plan maximises the sum of the seeds' objectives (the expected objective).\n\n";
  md += "| metric | mean | 95% CI | min | max |\n|---|---|---|---|---|\n";
  for (const auto& name : r.metricNames) {
    const Summary& s = r.perMetric.at(name);
    md += fmt::sprintf("| %s | %.4g | [%.4g, %.4g] | %.4g | %.4g |\n", name, s.mean, s.ciLow,
                       s.ciHigh, s.min, s.max);
  }
  if (r.outOfSample) {
    const auto& o = *r.outOfSample;
    md += fmt::sprintf(
        "\nOut of sample: chosen on seeds %s, weighted coverage %.2f%% there; on seeds "
        "%s %.2f%% (difference %+.2f points; a plan chosen on those seeds reaches "
        "%.2f%%).\n",
        SeedsText(o.chosenOn), 100 * o.inSample, SeedsText(o.evaluatedOn), 100 * o.outOfSample,
        100 * o.Difference(), 100 * o.secondHalfBest);
  }
  return md;
}

core::Status WritePlannerReport(const RobustPlanOptions& o, const RobustPlanResult& r,
                                const model::Topology& topo) {
  planner::ReportInput in;
  in.topology = &topo;
  in.problem = &r.combined;
  in.plan = r.plan;
  in.metrics = r.pooled;
  in.storageSweep = planner::StorageSweep(r.combined);
  in.paretoFront = planner::CostParetoFront(r.combined);
  in.cheapest = planner::FindCheapestUseful(r.combined, r.combined.constraints);
  in.topologyPath = o.topology;
  in.scenarioPath = o.scenario;
  in.runDir = (fs::path(o.out) / "seeds").string();
  in.seed = o.seeds.front();
  in.compliance = topo.budget.compliance;
  in.verification.note =
      "not run for plans across seeds (seeds " + SeedsText(o.seeds) + "; see seeds.md).";
  return planner::WriteReport(o.out, in);
}

}  // namespace

core::Result<RobustPlanResult> RobustPlan(const RobustPlanOptions& o, bool writeReport) {
  model::Diagnostics diags;
  auto topo = model::LoadTopology(o.topology, diags);
  if (!topo) return MakeError(ErrorCode::kInvalid, diags.ToString());
  SweepSpec spec;
  spec.name = "plan-seeds";
  spec.file = "vantage plan --seeds " + SeedsText(o.seeds);
  spec.command = CellCommand::kSimulate;
  spec.cases.push_back({o.topology, o.scenario, fs::absolute(o.topology).lexically_normal(),
                        fs::absolute(o.scenario).lexically_normal()});
  spec.seeds = o.seeds;
  auto cells = ExpandCells(spec, o.version);
  if (!cells) return cells.GetError();
  const std::string dir = (fs::path(o.out) / "seeds").string();
  SweepManifest manifest = MakeManifest(spec, std::move(*cells), o.version);
  VANTAGE_RETURN_IF_ERROR(InitSweepDir(dir, manifest, false));
  auto runs = RunSeeds(o, manifest, dir);
  if (!runs) return runs.GetError();
  if (!runs->Complete()) {
    std::string msg = "observation runs failed:";
    for (const auto& f : runs->failures)
      msg += "\n  seed " + std::to_string(f.cell.seed) + ": " + f.error +
             (f.logPath.empty() ? "" : " (" + f.logPath + ")");
    if (runs->interrupted) msg += "\n  interrupted";
    return MakeError(ErrorCode::kIo, msg);
  }
  auto problems = LoadProblems(o, manifest, dir, *topo);
  if (!problems) return problems.GetError();
  planner::Constraints c = o.constraints ? *o.constraints : (*problems)[0].constraints;
  for (auto& p : *problems) p.constraints = c;
  auto r = PlanAcrossSeeds(*problems, o.seeds, c);
  if (!r) return r.GetError();
  r->runs = *runs;
  VANTAGE_RETURN_IF_ERROR(
      WriteFileAtomic((fs::path(o.out) / "seeds.json").string(), SeedsJson(*r, o.seeds).dump(1)));
  VANTAGE_RETURN_IF_ERROR(
      WriteFileAtomic((fs::path(o.out) / "seeds.md").string(), SeedsMarkdown(*r, o.seeds)));
  if (writeReport) VANTAGE_RETURN_IF_ERROR(WritePlannerReport(o, *r, *topo));
  return r;
}

}  // namespace vantage::sweep
