// The plan pipeline (pipeline.h), moved out of `vantage plan` so a test can run it with a fake
// simulation. Each step is one function; messages go to the caller's callback.
#include "vantage/planner/pipeline.h"

#include <algorithm>
#include <filesystem>

#include "vantage/core/anomaly.h"
#include "vantage/detect/rules.h"
#include "vantage/planner/knee.h"
#include "vantage/planner/metrics.h"
#include "vantage/planner/observations.h"
#include "vantage/planner/optimiser.h"
#include "vantage/planner/run-directory.h"

namespace vantage::planner {
namespace {

namespace fs = std::filesystem;

class Pipeline {
 public:
  Pipeline(const PlanRequest& r, const SimulateFn& simulate, const PlanProgressFn& progress)
      : m_req(r),
        m_simulate(simulate),
        m_progress(progress),
        m_check{r.topologyPath, r.scenarioPath} {}

  core::Result<PlanOutcome> Run();

 private:
  void Say(PlanMessage kind, const std::string& text) const {
    if (m_progress) m_progress(kind, text);
  }
  core::Result<std::string> ObservationRun();
  core::Result<RunData> LoadObservations(const std::string& runDir, Problem& problem,
                                         std::vector<PointBlindSpots>& blindSpots);
  Detectability ComputeDetectabilityFor(const RunData& run);
  void Optimise(const RunData& run, PlanOutcome& out);
  void Verify(const RunData& run, PlanOutcome& out);
  void ReadVerification(const RunData& vrun, const std::vector<std::string>& live,
                        Verification& v) const;

  const PlanRequest& m_req;
  const SimulateFn& m_simulate;
  const PlanProgressFn& m_progress;
  RunCheck m_check;
  std::vector<PointRecords> m_records;  ///< the observation run's point files, read once
};

std::string JoinNames(const std::vector<std::string>& v) {
  std::string s;
  for (size_t i = 0; i < v.size(); ++i) s += (i ? ", " : "") + v[i];
  return s;
}

// 1. The observation run: every candidate point observes (or the run the caller gave).
core::Result<std::string> Pipeline::ObservationRun() {
  if (!m_req.observationRun.empty()) return m_req.observationRun;
  if (!m_simulate) {
    return core::MakeError(core::ErrorCode::kUnsupported,
                           "no simulator: pass an observation run directory");
  }
  std::string runDir = (fs::path(m_req.outDir) / "observation-run").string();
  std::error_code ec;
  fs::remove_all(runDir, ec);
  Say(PlanMessage::kProgress, "observation run: every candidate point observes");
  SimulateRequest sim;
  sim.kind = SimulateRequest::Kind::kObservation;
  sim.outDir = runDir;
  sim.seed = m_req.seed;
  auto st = m_simulate(sim);
  if (!st) {
    return core::MakeError(st.GetError().code, "observation run failed: " + st.GetError().message);
  }
  return runDir;
}

// Observations of every point and the problem built from them.
core::Result<RunData> Pipeline::LoadObservations(const std::string& runDir, Problem& problem,
                                                 std::vector<PointBlindSpots>& blindSpots) {
  auto run = LoadRunDirectory(runDir, m_check);
  if (!run) return run.GetError();
  core::AnomalyCounters anomalies;
  auto records = ReadRunRecords(*run, &anomalies);
  if (!records) return records.GetError();
  m_records = std::move(*records);
  std::vector<PointObservation> observations = ObserveRun(*run, m_records);
  for (const auto& [name, n] : anomalies.All()) {
    Say(PlanMessage::kWarning,
        "warning: " + std::to_string(n) + " x " + name + " while reading point records");
  }
  problem = BuildProblem(*run, observations, *m_req.topology);
  Constraints& c = problem.constraints;
  if (m_req.budgetTb >= 0) c.storageBytes = m_req.budgetTb * 1e12;
  c.flowRetentionDays = m_req.flowRetentionDays;
  c.fullRetentionDays = m_req.fullRetentionDays;
  if (m_req.maxDevices) c.maxDevices = *m_req.maxDevices;
  if (m_req.maxCost >= 0) c.maxCost = m_req.maxCost;
  PriceFlowLogs(problem);  // flow-log storage is priced for the retention asked
  blindSpots = ComputeBlindSpots(*run, observations);
  return run;
}

// Detectability of every point (docs/detections.md); a failure only drops the section.
Detectability Pipeline::ComputeDetectabilityFor(const RunData& run) {
  Detectability none;
  detect::Rules rules;
  if (!m_req.rulesPath.empty()) {
    model::Diagnostics diags;
    auto r = detect::LoadRules(m_req.rulesPath, diags);
    for (const auto& d : diags.items) Say(PlanMessage::kWarning, d.ToString());
    if (!r) {
      none.note = "the rules file has errors";
      return none;
    }
    rules = std::move(*r);
  }
  auto d = ComputeDetectability(run, m_req.topology, rules, nullptr, &m_records);
  if (!d) {
    none.note = d.GetError().message;
    Say(PlanMessage::kWarning, "warning: detectability not computed: " + none.note);
    return none;
  }
  return std::move(*d);
}

// 3. Optimise (with the detect objective, on a copy where only detected behaviours count).
void Pipeline::Optimise(const RunData& run, PlanOutcome& out) {
  const Problem& problem = *out.problem;
  const Constraints& c = problem.constraints;
  Detectability& detectability = *out.detectability;
  Problem detectProblem;
  if (m_req.detectObjective) {
    detectProblem = problem;
    ApplyDetectObjective(detectProblem, detectability, run);
  }
  ReportInput& in = out.report;
  TightenOptions tighten;
  tighten.seconds = m_req.tightenSeconds;
  const Problem& optimised = m_req.detectObjective ? detectProblem : problem;
  in.plan = planner::Optimise(optimised, c, tighten);
  in.storageSweep = StorageSweep(problem);
  in.paretoFront = CostParetoFront(problem);
  // Every plan's bound is valid under these constraints: the sweeps' plans may give a smaller
  // one than the plan's own.
  std::vector<Placement> others;
  for (const auto* curve : {&in.storageSweep, &in.paretoFront}) {
    for (const auto& t : *curve) others.push_back(t.modes);
  }
  in.plan.certificate = Sharpen(optimised, c, in.plan.certificate, others);
  in.knee = FindKnee(problem, c, in.plan.best, in.paretoFront, m_req.kneePoints / 100.0);
  in.preferKnee = m_req.preferKnee && in.knee.found && !in.knee.isBest;
  if (in.preferKnee) PreferKnee(problem, c, in.knee, in.plan);
  CombineForPlan(detectability, problem, in.plan.best.modes);
  in.metrics = Evaluate(problem, in.plan.best.modes);
  in.cheapest = FindCheapestUseful(problem, c);
}

// The chosen points; live: flow exporters that can send across the network; fileOnly:
// exporters on layer-2 switches, which have no IP stack in the simulation (a SPAN probe would
// export from its own address) and write to file in the verification run too.
struct ChosenPoints {
  std::vector<std::string> chosen, live, fileOnly;
};

ChosenPoints Choose(const Problem& problem, const Placement& modes, const model::Topology& topo) {
  ChosenPoints p;
  for (size_t i = 0; i < problem.points.size(); ++i) {
    Mode m = modes[i];
    if (m == Mode::kNone) continue;
    p.chosen.push_back(problem.points[i].name);
    if (!HasFlow(m)) continue;
    const model::Node* n = topo.FindNode(problem.points[i].node);
    bool layer2 = n != nullptr && n->kind == model::NodeKind::kSwitch;
    (layer2 ? p.fileOnly : p.live).push_back(problem.points[i].name);
  }
  return p;
}

// Export bandwidth and loss of the live points in the verification run.
void Pipeline::ReadVerification(const RunData& vrun, const std::vector<std::string>& live,
                                Verification& v) const {
  double duration = vrun.manifest.durationS > 0 ? vrun.manifest.durationS : m_req.scenarioDurationS;
  uint64_t sent = 0, lost = 0;
  for (const auto& p : vrun.manifest.points) {
    if (std::find(live.begin(), live.end(), p.name) == live.end()) continue;
    Verification::Point vp;
    vp.name = p.name;
    vp.messages = p.exportStats.messages;
    vp.bytes = p.exportStats.bytes;
    vp.received = p.exportStats.received;
    vp.lost = p.exportStats.lost;
    vp.bitsPerSecond = duration > 0 ? 8.0 * static_cast<double>(vp.bytes) / duration : 0;
    v.totalBitsPerSecond += vp.bitsPerSecond;
    sent += vp.messages;
    lost += vp.lost;
    v.points.push_back(vp);
  }
  v.lossShare = sent > 0 ? static_cast<double>(lost) / sent : 0.0;
}

// 4. Verification run: only the chosen points observe; flow exporters send live.
void Pipeline::Verify(const RunData& run, PlanOutcome& out) {
  Verification& v = out.report.verification;
  ChosenPoints p = Choose(*out.problem, out.report.plan.best.modes, *m_req.topology);
  if (!m_req.verify) {
    v.note = "skipped (--no-verify).";
    return;
  }
  if (p.live.empty()) {
    v.note = p.fileOnly.empty()
                 ? std::string("the plan exports no flows.")
                 : "its flow exporters sit on layer-2 switches (" + JoinNames(p.fileOnly) +
                       "), which export to file in the simulation: no export traffic crosses "
                       "the network.";
    return;
  }
  if (!m_simulate) {
    v.note = "this build has no simulator.";
    return;
  }
  std::string verifyDir = (fs::path(m_req.outDir) / "verification-run").string();
  std::error_code ec;
  fs::remove_all(verifyDir, ec);
  Say(PlanMessage::kProgress, "verification run: " + std::to_string(p.chosen.size()) + " points, " +
                                  std::to_string(p.live.size()) + " exporting live");
  SimulateRequest sim;
  sim.kind = SimulateRequest::Kind::kVerification;
  sim.outDir = verifyDir;
  sim.seed = run.manifest.seed;
  sim.points = p.chosen;
  sim.liveExportPoints = p.live;
  auto st = m_simulate(sim);
  auto vrun = LoadRunDirectory(verifyDir, m_check);
  if (!st || !vrun) {
    v.note = "the verification run failed" +
             (st ? std::string() : " (" + st.GetError().message + ")") +
             (vrun ? std::string() : ": " + vrun.GetError().message);
    return;
  }
  v.ran = true;
  v.runDir = verifyDir;
  ReadVerification(*vrun, p.live, v);
  if (!p.fileOnly.empty()) {
    v.note = "Points on layer-2 switches exported to file only: " + JoinNames(p.fileOnly) + ".";
  }
}

core::Result<PlanOutcome> Pipeline::Run() {
  std::error_code ec;
  fs::create_directories(m_req.outDir, ec);
  if (ec) {
    return core::MakeError(core::ErrorCode::kIo,
                           "cannot create " + m_req.outDir + ": " + ec.message());
  }
  auto runDir = ObservationRun();
  if (!runDir) return runDir.GetError();
  PlanOutcome out;
  out.problem = std::make_unique<Problem>();
  out.blindSpots = std::make_unique<std::vector<PointBlindSpots>>();
  auto run = LoadObservations(*runDir, *out.problem, *out.blindSpots);
  if (!run) return run.GetError();
  out.detectability = std::make_unique<Detectability>(ComputeDetectabilityFor(*run));
  Optimise(*run, out);
  ReportInput& in = out.report;
  in.topology = m_req.topology;
  in.problem = out.problem.get();
  in.detectability = out.detectability.get();
  in.blindSpots = out.blindSpots.get();
  in.topologyPath = m_req.topologyPath;
  in.scenarioPath = m_req.scenarioPath;
  in.runDir = *runDir;
  in.seed = run->manifest.seed;
  in.compliance = m_req.topology->budget.compliance;
  Verify(*run, out);
  // 5. Report.
  VANTAGE_RETURN_IF_ERROR(WriteReport(m_req.outDir, in));
  return out;
}

}  // namespace

core::Result<PlanOutcome> RunPlanPipeline(const PlanRequest& request, const SimulateFn& simulate,
                                          const PlanProgressFn& progress) {
  if (request.topology == nullptr) {
    return core::MakeError(core::ErrorCode::kInvalid, "plan pipeline: no topology");
  }
  return Pipeline(request, simulate, progress).Run();
}

}  // namespace vantage::planner
