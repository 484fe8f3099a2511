// `vantage plan [TOPOLOGY SCENARIO] --out DIR`: simulates once with every candidate point
// observing, evaluates every placement from that run, picks a mode per point within budget,
// verifies the choice with a second run and writes the report. With no arguments it plans the
// reference enterprise topology into ./plan.
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>
#include <sstream>

extern char** environ;

#include "command.h"
#include "inputs.h"
#include "progress-line.h"
#include "vantage/detect/rules.h"
#include "vantage/model/scenario.h"
#include "vantage/model/topology.h"
#include "vantage/planner/blind-spots.h"
#include "vantage/planner/detectability.h"
#include "vantage/planner/knee.h"
#include "vantage/planner/metrics.h"
#include "vantage/planner/observations.h"
#include "vantage/planner/optimiser.h"
#include "vantage/planner/problem.h"
#include "vantage/planner/report.h"
#include "vantage/planner/run-directory.h"
#include "vantage/sweep/robust-plan.h"
#include "vantage/sweep/sweep-file.h"
#ifdef VANTAGE_HAVE_sim
#include "vantage/sim/simulation.h"
#endif

namespace vantage::cli {
namespace {

namespace fs = std::filesystem;

struct PlanOptions {
  std::string topology = "topologies/enterprise.yaml";
  std::string scenario = "scenarios/enterprise-baseline.yaml";
  std::string out = "plan";
  double budgetTb = -1;
  std::string retention;
  uint64_t seed = 0;
  bool seedSet = false;
  std::string run;
  bool noVerify = false;
  uint32_t maxDevices = 0;
  bool maxDevicesSet = false;
  double maxCost = -1;
  bool quiet = false;
  std::string prefer = "coverage";
  double kneePoints = 1.0;
  double tightenSeconds = 2.0;
  // Plans across seeds (through the sweep machinery).
  std::string seeds;
  unsigned jobs = 1;
  bool slurm = false;
  std::string partition;
  std::string objective = "visible";  ///< or "detect" (detected behaviours count)
  std::string rules;                  ///< detection rules for detectability
};

// Detectability of every point (docs/detections.md); a failure only drops the section.
planner::Detectability PlanDetectability(const planner::RunData& run, const model::Topology& topo,
                                         const PlanOptions& o) {
  planner::Detectability none;
  detect::Rules rules;
  if (!o.rules.empty()) {
    model::Diagnostics diags;
    auto r = detect::LoadRules(o.rules, diags);
    for (const auto& d : diags.items) std::cerr << d.ToString() << "\n";
    if (!r) {
      none.note = "the rules file has errors";
      return none;
    }
    rules = std::move(*r);
  }
  auto d = planner::ComputeDetectability(run, &topo, rules);
  if (!d) {
    none.note = d.GetError().message;
    std::cerr << "warning: detectability not computed: " << none.note << "\n";
    return none;
  }
  return std::move(*d);
}

// "flow=365,full=7" (either part optional).
bool ParseRetention(const std::string& text, double& flow, double& full, std::string& error) {
  std::stringstream ss(text);
  std::string item;
  while (std::getline(ss, item, ',')) {
    auto eq = item.find('=');
    if (eq == std::string::npos) {
      error = "expected flow=DAYS,full=DAYS, got '" + item + "'";
      return false;
    }
    std::string key = item.substr(0, eq), value = item.substr(eq + 1);
    char* end = nullptr;
    double v = std::strtod(value.c_str(), &end);
    if (value.empty() || end != value.c_str() + value.size() || v < 0) {
      error = "bad number of days '" + value + "' for " + key;
      return false;
    }
    if (key == "flow") {
      flow = v;
    } else if (key == "full") {
      full = v;
    } else {
      error = "unknown retention kind '" + key + "' (flow or full)";
      return false;
    }
  }
  return true;
}

#ifdef VANTAGE_HAVE_sim
std::function<void(const sim::Progress&)> ProgressPrinter(const std::string& what,
                                                          ProgressLine& line) {
  return [what, &line](const sim::Progress& p) {
    char text[160];
    std::snprintf(text, sizeof text, "%s: simulated %.0f / %.0f s, wall %.0f s", what.c_str(),
                  p.simSeconds, p.simTotalSeconds, p.wallSeconds);
    line.Update(p.simTotalSeconds > 0 ? p.simSeconds / p.simTotalSeconds : 0, text);
  };
}
#endif

std::string JoinNames(const std::vector<std::string>& v) {
  std::string s;
  for (size_t i = 0; i < v.size(); ++i) s += (i ? ", " : "") + v[i];
  return s;
}

int Fail(const std::string& message) {
  std::cerr << "vantage plan: " << message << "\n";
  return 1;
}

#ifdef VANTAGE_HAVE_sim
// Runs this executable with `args` (args[0] is argv[0]) and returns its exit status; its
// stdout goes to our stderr so the summary table stays clean.
int RunSelf(const std::vector<std::string>& args, bool quiet) {
  std::vector<char*> argv;
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  if (quiet) {
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
  } else {
    posix_spawn_file_actions_adddup2(&actions, STDERR_FILENO, STDOUT_FILENO);
  }
  pid_t pid = 0;
  int rc = posix_spawn(&pid, "/proc/self/exe", &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) return -1;
  int status = 0;
  if (waitpid(pid, &status, 0) < 0) return -1;
  return WIFEXITED(status) ? WEXITSTATUS(status)
                           : 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
}
#endif

int Run(const PlanOptions& o) {
  auto inputs = LoadInputs(o.topology, o.scenario);
  if (!inputs) return 1;
  const model::Topology& topo = inputs->topology;
  [[maybe_unused]] const model::Scenario& scen = inputs->scenario;  // unused without the simulator
  double flowDays = topo.budget.flowRetentionDays, fullDays = topo.budget.fullRetentionDays;
  std::string error;
  if (!o.retention.empty() && !ParseRetention(o.retention, flowDays, fullDays, error)) {
    return Fail("--retention-days: " + error);
  }
  std::error_code ec;
  fs::create_directories(o.out, ec);
  if (ec) return Fail("cannot create " + o.out + ": " + ec.message());

  // 1. The observation run: every candidate point observes.
  std::string runDir = o.run;
  if (runDir.empty()) {
#ifdef VANTAGE_HAVE_sim
    runDir = (fs::path(o.out) / "observation-run").string();
    fs::remove_all(runDir, ec);
    sim::RunOptions opt;
    opt.outDir = runDir;
    opt.topologyPath = o.topology;
    opt.scenarioPath = o.scenario;
    if (o.seedSet) opt.seed = o.seed;
    ProgressLine progress(!o.quiet);
    if (!o.quiet) opt.progress = ProgressPrinter("observation run", progress);
    if (!o.quiet) std::fprintf(stderr, "observation run: every candidate point observes\n");
    auto res = sim::RunSimulation(topo, scen, opt);
    progress.Finish();
    if (!res) return Fail("observation run failed: " + res.GetError().message);
#else
    return Fail(
        "this build has no simulator (VANTAGE_WITH_SIM=OFF): pass --run DIR with a run "
        "directory written by 'vantage simulate'");
#endif
  }
  planner::RunCheck check{o.topology, o.scenario};
  auto run = planner::LoadRunDirectory(runDir, check);
  if (!run) return Fail(run.GetError().message);
  core::AnomalyCounters anomalies;
  auto observations = planner::ObserveRun(*run, &anomalies);
  if (!observations) return Fail(observations.GetError().message);
  for (const auto& [name, n] : anomalies.All()) {
    std::cerr << "warning: " << n << " x " << name << " while reading point records\n";
  }

  // 2. The problem and its constraints.
  planner::Problem problem = planner::BuildProblem(*run, *observations, topo);
  planner::Constraints& c = problem.constraints;
  if (o.budgetTb >= 0) c.storageBytes = o.budgetTb * 1e12;
  c.flowRetentionDays = flowDays;
  c.fullRetentionDays = fullDays;
  if (o.maxDevicesSet) c.maxDevices = o.maxDevices;
  if (o.maxCost >= 0) c.maxCost = o.maxCost;
  planner::PriceFlowLogs(problem);  // flow-log storage is priced for the retention asked
  std::vector<planner::PointBlindSpots> blindSpots =
      planner::ComputeBlindSpots(*run, *observations);

  // 3. Optimise (with --objective detect, on a copy where only detected behaviours count).
  planner::Detectability detectability = PlanDetectability(*run, topo, o);
  planner::Problem detectProblem;
  if (o.objective == "detect") {
    detectProblem = problem;
    planner::ApplyDetectObjective(detectProblem, detectability, *run);
  }
  planner::ReportInput in;
  in.topology = &topo;
  in.problem = &problem;
  planner::TightenOptions tighten;
  tighten.seconds = o.tightenSeconds;
  const planner::Problem& optimised = o.objective == "detect" ? detectProblem : problem;
  in.plan = planner::Optimise(optimised, c, tighten);
  in.storageSweep = planner::StorageSweep(problem);
  in.paretoFront = planner::CostParetoFront(problem);
  {
    // Every plan's bound is valid under these constraints: the sweeps' plans may give a
    // smaller one than the plan's own.
    std::vector<planner::Placement> others;
    for (const auto* curve : {&in.storageSweep, &in.paretoFront}) {
      for (const auto& t : *curve) others.push_back(t.modes);
    }
    in.plan.certificate = planner::Sharpen(optimised, c, in.plan.certificate, others);
  }
  in.knee = planner::FindKnee(problem, c, in.plan.best, in.paretoFront, o.kneePoints / 100.0);
  in.preferKnee = o.prefer == "knee" && in.knee.found && !in.knee.isBest;
  if (in.preferKnee) planner::PreferKnee(problem, c, in.knee, in.plan);
  planner::CombineForPlan(detectability, problem, in.plan.best.modes);
  in.detectability = &detectability;
  in.blindSpots = &blindSpots;
  in.metrics = planner::Evaluate(problem, in.plan.best.modes);
  in.cheapest = planner::FindCheapestUseful(problem, c);
  in.topologyPath = o.topology;
  in.scenarioPath = o.scenario;
  in.runDir = runDir;
  in.seed = run->manifest.seed;
  in.compliance = topo.budget.compliance;

  // 4. Verification run: only the chosen points observe; flow exporters send live.
  std::vector<std::string> chosen, live, fileOnly;
  for (size_t i = 0; i < problem.points.size(); ++i) {
    planner::Mode m = in.plan.best.modes[i];
    if (m == planner::Mode::kNone) continue;
    chosen.push_back(problem.points[i].name);
    if (!planner::HasFlow(m)) continue;
    // Layer-2 switches have no IP stack in the simulation: their exporter writes to file in
    // the verification run too (a SPAN probe would export from its own address).
    bool layer2 = false;
    for (const auto& n : topo.nodes) {
      if (n.name == problem.points[i].node) layer2 = n.kind == model::NodeKind::kSwitch;
    }
    if (layer2) {
      fileOnly.push_back(problem.points[i].name);
    } else {
      live.push_back(problem.points[i].name);
    }
  }
  if (o.noVerify) {
    in.verification.note = "skipped (--no-verify).";
  } else if (live.empty()) {
    in.verification.note =
        fileOnly.empty() ? std::string("the plan exports no flows.")
                         : "its flow exporters sit on layer-2 switches (" + JoinNames(fileOnly) +
                               "), which export to file in the simulation: no export traffic "
                               "crosses the network.";
  } else {
#ifdef VANTAGE_HAVE_sim
    // A child `vantage simulate` process: ns-3 keeps global state, so each run gets a fresh
    // process (a second RunSimulation in one process is not supported).
    std::string verifyDir = (fs::path(o.out) / "verification-run").string();
    fs::remove_all(verifyDir, ec);
    if (!o.quiet) {
      std::fprintf(stderr, "verification run: %zu points, %zu exporting live\n", chosen.size(),
                   live.size());
    }
    auto join = [](const std::vector<std::string>& v) {
      std::string s;
      for (size_t i = 0; i < v.size(); ++i) s += (i ? "," : "") + v[i];
      return s;
    };
    std::vector<std::string> args = {
        "vantage",  "simulate",   o.topology,      o.scenario,
        "--out",    verifyDir,    "--seed",        std::to_string(run->manifest.seed),
        "--points", join(chosen), "--live-export", join(live)};
    if (o.quiet) args.push_back("-q");
    int status = RunSelf(args, o.quiet);
    auto vrun = planner::LoadRunDirectory(verifyDir, check);
    if (status != 0 || !vrun) {
      in.verification.note = "the verification run failed (exit status " + std::to_string(status) +
                             ")" + (vrun ? std::string() : ": " + vrun.GetError().message);
    } else {
      in.verification.ran = true;
      in.verification.runDir = verifyDir;
      double duration = vrun->manifest.durationS > 0 ? vrun->manifest.durationS : scen.durationS;
      uint64_t sent = 0, lost = 0;
      for (const auto& p : vrun->manifest.points) {
        if (std::find(live.begin(), live.end(), p.name) == live.end()) continue;
        planner::Verification::Point vp;
        vp.name = p.name;
        vp.messages = p.exportStats.messages;
        vp.bytes = p.exportStats.bytes;
        vp.received = p.exportStats.received;
        vp.lost = p.exportStats.lost;
        vp.bitsPerSecond = duration > 0 ? 8.0 * static_cast<double>(vp.bytes) / duration : 0;
        in.verification.totalBitsPerSecond += vp.bitsPerSecond;
        sent += vp.messages;
        lost += vp.lost;
        in.verification.points.push_back(vp);
      }
      in.verification.lossShare = sent > 0 ? static_cast<double>(lost) / sent : 0.0;
      if (!fileOnly.empty()) {
        in.verification.note =
            "Points on layer-2 switches exported to file only: " + JoinNames(fileOnly) + ".";
      }
    }
#else
    in.verification.note = "this build has no simulator.";
#endif
  }

  // 5. Report.
  auto st = planner::WriteReport(o.out, in);
  if (!st) return Fail(st.GetError().message);
  std::cout << planner::SummaryTable(in);
  std::cout << "report: " << (fs::path(o.out) / "report.html").string() << " (also report.md, "
            << "plan.json, map.svg, coverage.svg)\n";
  return 0;
}

#ifndef VANTAGE_VERSION
#define VANTAGE_VERSION "0.0.0"
#endif

// `--seeds 1-10`: one observation run per seed (a sweep in OUT/seeds, local or Slurm), the plan
// that maximises the sum of the seeds' objectives, mean and 95% CI per metric, out of sample.
int RunSeeds(const PlanOptions& o) {
  sweep::RobustPlanOptions r;
  std::string error;
  if (!sweep::ParseSeedList(o.seeds, r.seeds, error, 10000)) return Fail("--seeds: " + error);
  std::sort(r.seeds.begin(), r.seeds.end());
  r.seeds.erase(std::unique(r.seeds.begin(), r.seeds.end()), r.seeds.end());
  auto inputs = LoadInputs(o.topology, o.scenario);
  if (!inputs) return 1;
  planner::Constraints c = planner::ConstraintsFromBudget(inputs->topology.budget);
  if (!o.retention.empty() &&
      !ParseRetention(o.retention, c.flowRetentionDays, c.fullRetentionDays, error)) {
    return Fail("--retention-days: " + error);
  }
  if (o.budgetTb >= 0) c.storageBytes = o.budgetTb * 1e12;
  if (o.maxDevicesSet) c.maxDevices = o.maxDevices;
  if (o.maxCost >= 0) c.maxCost = o.maxCost;
  r.constraints = c;
  r.topology = o.topology;
  r.scenario = o.scenario;
  r.out = o.out;
  r.version = VANTAGE_VERSION;
  r.slurm = o.slurm;
  std::error_code ec;
  r.local.exe = r.slurmOptions.exe = fs::read_symlink("/proc/self/exe", ec).string();
  r.local.jobs = o.jobs;
  r.slurmOptions.partition = o.partition;
  if (!o.quiet) {
    auto last = std::make_shared<size_t>(SIZE_MAX);
    r.local.progress = r.slurmOptions.progress = [last](const sweep::Progress& p) {
      const size_t key = (p.done + p.skipped) * 1000003 + p.failed * 1009 + p.running;
      if (key == *last) return;  // one line per change
      *last = key;
      std::fprintf(stderr, "observation runs: %zu/%zu done, %zu failed, %zu running\n",
                   p.done + p.skipped, p.total, p.failed, p.running);
    };
  }
  auto res = sweep::RobustPlan(r);
  if (!res) return Fail(res.GetError().message);
  std::printf("%-34s %10s %24s\n", "metric (across seeds)", "mean", "95% CI");
  for (const auto& name : res->metricNames) {
    const sweep::Summary& s = res->perMetric.at(name);
    std::printf("%-34s %10.4g   [%10.4g, %10.4g]\n", name.c_str(), s.mean, s.ciLow, s.ciHigh);
  }
  if (res->outOfSample) {
    const auto& oos = *res->outOfSample;
    std::printf(
        "out of sample: weighted coverage %.2f%% on the seeds it was chosen on, %.2f%% on "
        "the others (%+.2f points)\n",
        100 * oos.inSample, 100 * oos.outOfSample, 100 * oos.Difference());
  }
  std::cout << "report: " << (fs::path(o.out) / "report.html").string()
            << " (also seeds.md, seeds.json, plan.json; runs in "
            << (fs::path(o.out) / "seeds").string() << ")\n";
  return 0;
}

Registrar reg{
    "plan",
    "Recommend where to export flows and keep full capture within budget (default: the "
    "reference enterprise)",
    [](CLI::App& app) {
      auto o = std::make_shared<PlanOptions>();
      app.add_option("topology", o->topology, "topology YAML file")->capture_default_str();
      app.add_option("scenario", o->scenario, "scenario YAML file")->capture_default_str();
      app.add_option("--out", o->out, "report directory")->capture_default_str();
      app.add_option("--budget-tb", o->budgetTb, "storage budget in TB (default: the topology's)")
          ->check(CLI::NonNegativeNumber);
      app.add_option("--retention-days", o->retention,
                     "required retention, e.g. flow=365,full=7 (default: the topology's)");
      app.add_option("--max-devices", o->maxDevices, "at most this many points (0 = no limit)")
          ->each([o](const std::string&) { o->maxDevicesSet = true; });
      app.add_option("--max-cost", o->maxCost, "cost limit in relative units (0 = no limit)")
          ->check(CLI::NonNegativeNumber);
      app.add_option("--seed", o->seed, "simulation seed (default: the scenario's)")
          ->each([o](const std::string&) { o->seedSet = true; });
      app.add_option("--run", o->run, "reuse this observation run directory instead of simulating");
      app.add_flag("--no-verify", o->noVerify, "skip the verification run");
      app.add_option("--prefer", o->prefer,
                     "recommend the plan that maximises coverage, or the knee: the cheapest "
                     "plan within --knee-points of it")
          ->check(CLI::IsMember({"coverage", "knee"}))
          ->capture_default_str();
      app.add_option("--knee-points", o->kneePoints,
                     "coverage (percentage points) the knee may give up against the best plan")
          ->check(CLI::Range(0.0, 100.0))
          ->capture_default_str();
      app.add_option("--tighten-seconds", o->tightenSeconds,
                     "time limit of the local search that tightens a certified gap above 1% "
                     "(more than 20 candidates)")
          ->check(CLI::NonNegativeNumber)
          ->capture_default_str();
      app.add_flag("-q,--quiet", o->quiet, "no progress lines");
      app.add_option("--seeds", o->seeds,
                     "plan across seeds, e.g. 1-10: maximise the expected objective over one "
                     "observation run per seed (no verification run)");
      app.add_option("-j,--jobs", o->jobs, "with --seeds: local worker processes")
          ->check(CLI::Range(1u, 1024u));
      app.add_flag("--slurm", o->slurm, "with --seeds: run the seeds as a Slurm job array");
      app.add_option("--partition", o->partition, "with --slurm: the Slurm partition");
      app.add_option("--objective", o->objective,
                     "what the optimiser maximises: 'visible' (labelled behaviours count when "
                     "seen) or 'detect' (only where a detector finds them; docs/detections.md)")
          ->check(CLI::IsMember({"visible", "detect"}))
          ->capture_default_str();
      app.add_option("--rules", o->rules, "detection rules for detectability (vantage detect)");
      return [o] { return o->seeds.empty() ? Run(*o) : RunSeeds(*o); };
    },
    10};

}  // namespace
}  // namespace vantage::cli
