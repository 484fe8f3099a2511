// RunSimulation: build the topology in ns-3, install traffic and observation, run, and write
// the run directory (see vantage/sim/simulation.h and docs/run-directory.md).
#include "vantage/sim/simulation.h"

#include <ns3/boolean.h>
#include <ns3/global-value.h>
#include <ns3/rng-seed-manager.h>
#include <ns3/simulator.h>

#include <algorithm>
#include <chrono>
#include <set>

#include "firewall/firewall.h"
#include "nat/nat-gateway.h"
#include "network-builder.h"
#include "observation/observation.h"
#include "run-directory.h"
#include "traffic/traffic.h"

namespace vantage::sim {

using core::ErrorCode;
using core::MakeError;

namespace {

/// Simulated seconds after the window for the last packets and the last export.
constexpr double kGraceS = 5.0;
constexpr double kFinishLiveAfterS = 2.0;

using Clock = std::chrono::steady_clock;

class RunLoop {
 public:
  RunLoop(const RunOptions& opt, double total, Observation* obs)
      : m_opt(opt), m_total(total), m_obs(obs), m_start(Clock::now()), m_lastReport(m_start) {}

  void Schedule() { ns3::Simulator::Schedule(ns3::MilliSeconds(100), &RunLoop::Tick, this); }
  bool Interrupted() const { return m_interrupted; }
  double Wall() const { return std::chrono::duration<double>(Clock::now() - m_start).count(); }

 private:
  void Tick() {
    ++m_ticks;
    if (m_obs != nullptr && m_ticks % 10 == 0) m_obs->Advance();
    if (m_opt.shouldStop && m_opt.shouldStop()) {
      m_interrupted = true;
      ns3::Simulator::Stop();
      return;
    }
    const auto now = Clock::now();
    if (m_opt.progress && now - m_lastReport >= std::chrono::seconds(1)) {
      m_lastReport = now;
      Progress p;
      p.simSeconds = ns3::Simulator::Now().GetSeconds();
      p.simTotalSeconds = m_total;
      p.wallSeconds = Wall();
      p.events = ns3::Simulator::GetEventCount();
      m_opt.progress(p);
    }
    Schedule();
  }

  const RunOptions& m_opt;
  double m_total;
  Observation* m_obs;
  Clock::time_point m_start, m_lastReport;
  uint64_t m_ticks = 0;
  bool m_interrupted = false;
};

bool Contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

/// Which points observe, and how (`seed` fixes flow-log sampling).
core::Result<std::vector<PointSetup>> SelectPoints(const model::Topology& topology,
                                                   const RunOptions& options, uint64_t seed) {
  for (const auto& name : options.points) {
    bool known = false;
    for (const auto& c : topology.candidates) known = known || c.name == name;
    if (!known) return MakeError(ErrorCode::kNotFound, "unknown candidate point '" + name + "'");
  }
  for (const auto& name : options.liveExportPoints) {
    bool known = false;
    for (const auto& c : topology.candidates) known = known || c.name == name;
    if (!known) {
      return MakeError(ErrorCode::kNotFound, "unknown live-export point '" + name + "'");
    }
  }
  std::vector<PointSetup> points;
  if (!options.taps) return points;
  for (const auto& c : topology.candidates) {
    const bool live = Contains(options.liveExportPoints, c.name);
    if (!options.points.empty() && !Contains(options.points, c.name) && !live) continue;
    PointSetup ps;
    ps.name = c.name;
    ps.node = c.node;
    ps.interfaces = c.interfaces;
    ps.capture = options.fullCapture && c.canFullCapture;
    ps.live = live;
    ps.samplingRate = c.sampledOnly ? std::max<uint32_t>(1, c.samplingRate) : 1;
    if (c.flowLog) ps.flowLog = MakeFlowLogSetup(topology, c, seed);
    points.push_back(std::move(ps));
  }
  return points;
}

/// The manifest as far as it is known before the run.
model::RunManifest StartManifest(const model::Topology& topology, const model::Scenario& scenario,
                                 const RunOptions& options, uint64_t seed, int64_t startUnixNs) {
  model::RunManifest manifest = NewRunManifest();
  manifest.topologyPath = options.topologyPath;
  manifest.scenarioPath = options.scenarioPath;
  if (!options.topologyPath.empty()) {
    auto h = Sha256File(options.topologyPath);
    if (h) manifest.topologySha256 = *h;
  }
  if (!options.scenarioPath.empty()) {
    auto h = Sha256File(options.scenarioPath);
    if (h) manifest.scenarioSha256 = *h;
  }
  manifest.seed = seed;
  manifest.startUnixNs = startUnixNs;
  manifest.durationS = scenario.durationS;
  manifest.representsS = scenario.representsS;
  for (const auto& n : topology.nodes) {
    if (n.kind == model::NodeKind::kHostGroup) manifest.scale[n.name] = n.ScaleFactor();
  }
  return manifest;
}

/// ns-3 global state: seed; no checksums. Pcaps must read cleanly in Wireshark, but the
/// taps fill in the checksums of the packets they capture (observation/ip-checksums.h):
/// ns-3's ChecksumEnabled computes them, and an Ethernet CRC, for every packet on every hop.
void SetUpNs3(uint64_t seed) {
  ns3::RngSeedManager::SetSeed(static_cast<uint32_t>(1 + seed % 2147483646ULL));
  ns3::RngSeedManager::SetRun(seed);
  ns3::GlobalValue::Bind("ChecksumEnabled", ns3::BooleanValue(false));
}

/// What the run produced, into the manifest.
void FillManifest(model::RunManifest& manifest, const RunSummary& summary,
                  const SimNetwork& network, const TrafficManager& traffic,
                  const std::vector<PointSetup>& points) {
  manifest.events = summary.events;
  manifest.wallS = summary.wallSeconds;
  manifest.groundTruthFlows = summary.groundTruthFlows;
  manifest.firewallDrops = summary.firewallDrops;
  for (const auto& fw : network.Firewalls())
    manifest.firewallDropsByNode[fw->NodeName()] = fw->Drops();
  manifest.natBindings = summary.natBindings;
  for (const auto& nat : network.Nats()) manifest.natUnsolicitedDrops += nat->UnsolicitedDrops();
  manifest.sessions = traffic.SessionsStarted();
  for (size_t i = 0; i < summary.points.size(); ++i) {
    model::ManifestPoint mp = ToManifestPoint(summary.points[i], points[i]);
    if (const SimNode* sn = network.FindNode(points[i].node)) {
      for (const auto& itf : sn->interfaces) mp.interfaceNumbers.emplace_back(itf.link, itf.number);
    }
    manifest.points.push_back(std::move(mp));
  }
}

/// Ground truth, NAT events and the firewall log; then the manifest, complete unless the run
/// was interrupted.
core::Status WriteOutputs(const RunOptions& options, const GroundTruthLog& truth,
                          const SimNetwork& network, bool interrupted,
                          model::RunManifest& manifest) {
  if (!truth.WriteCsv(options.outDir + "/ground_truth.csv")) {
    return MakeError(ErrorCode::kIo, "cannot write " + options.outDir + "/ground_truth.csv");
  }
  VANTAGE_RETURN_IF_ERROR(
      WriteNatEvents(options.outDir + "/nat_events.csv", network.Logs().natEvents));
  VANTAGE_RETURN_IF_ERROR(
      WriteFirewallLog(options.outDir + "/firewall.log", network.Logs().firewallDrops));
  if (interrupted) {
    return MakeError(ErrorCode::kIo, "run interrupted at simulated time " +
                                         std::to_string(ns3::Simulator::Now().GetSeconds()) +
                                         " s; " + options.outDir + " is marked incomplete");
  }
  manifest.status = "complete";
  VANTAGE_RETURN_IF_ERROR(WriteManifest(options.outDir, manifest));
  return MarkComplete(options.outDir);
}

}  // namespace

core::Result<RunSummary> RunSimulation(const model::Topology& topology,
                                       const model::Scenario& scenario, const RunOptions& options) {
  if (options.outDir.empty()) return MakeError(ErrorCode::kInvalid, "no output directory given");
  const uint64_t seed = options.seed.value_or(scenario.seed);
  const int64_t startUnixNs = scenario.startUnixS * 1000000000LL;
  auto selected = SelectPoints(topology, options, seed);
  if (!selected) return selected.GetError();
  const std::vector<PointSetup>& points = *selected;
  const bool anyLive = std::any_of(points.begin(), points.end(), [](auto& p) { return p.live; });

  // The run directory, marked incomplete from the start.
  VANTAGE_RETURN_IF_ERROR(PrepareRunDirectory(options.outDir));
  model::RunManifest manifest = StartManifest(topology, scenario, options, seed, startUnixNs);
  auto fail = [&](const core::Error& e) -> core::Error {
    manifest.status = "incomplete";
    manifest.error = e.message;
    (void)WriteManifest(options.outDir, manifest);
    ns3::Simulator::Destroy();
    return e;
  };
  VANTAGE_RETURN_IF_ERROR(WriteManifest(options.outDir, manifest));
  SetUpNs3(seed);

  BuildOptions bo;
  bo.addCollector = anyLive;
  bo.startUnixNs = startUnixNs;
  auto net = SimNetwork::Build(topology, bo);
  if (!net) return fail(net.GetError());
  SimNetwork& network = **net;
  manifest.addressPlan = network.UsesModelPlan() ? "model" : "per-l2-domain";

  Observation obs;
  if (auto st = obs.Setup(network, points, options.outDir, options.snapLength, startUnixNs); !st) {
    obs.Abandon();
    return fail(st.GetError());
  }
  GroundTruthLog truth;
  TrafficManager traffic(TrafficContext{&topology, &scenario, &network.Map(), &truth, startUnixNs,
                                        seed, options.warning});
  if (auto st = traffic.Install(); !st) {
    obs.Abandon();
    return fail(st.GetError());
  }

  const double total = scenario.durationS + kGraceS;
  RunLoop loop(options, total, points.empty() ? nullptr : &obs);
  loop.Schedule();
  if (anyLive) {
    ns3::Simulator::Schedule(ns3::Seconds(scenario.durationS + kFinishLiveAfterS),
                             &Observation::FinishLive, &obs);
  }
  ns3::Simulator::Stop(ns3::Seconds(total));
  ns3::Simulator::Run();
  traffic.Finish();
  const core::Status observed = obs.Close();

  RunSummary summary;
  summary.outDir = options.outDir;
  summary.wallSeconds = loop.Wall();
  summary.events = ns3::Simulator::GetEventCount();
  summary.groundTruthFlows = truth.Flows().size();
  for (const auto& fw : network.Firewalls()) summary.firewallDrops += fw->Drops();
  for (const auto& nat : network.Nats()) summary.natBindings += nat->BindingsCreated();
  summary.points = obs.Summaries();
  FillManifest(manifest, summary, network, traffic, points);
  if (!observed) return fail(observed.GetError());
  if (auto st = WriteOutputs(options, truth, network, loop.Interrupted(), manifest); !st) {
    return fail(st.GetError());
  }
  ns3::Simulator::Destroy();
  return summary;
}

}  // namespace vantage::sim
