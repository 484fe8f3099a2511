// `vantage simulate TOPOLOGY SCENARIO --out DIR`: runs the topology and scenario in ns-3 with
// the real exporter at every candidate point and writes a run directory.
#ifdef VANTAGE_HAVE_sim

#include <unistd.h>

#include <atomic>
#include <csignal>
#include <cstdio>
#include <iostream>
#include <memory>
#include <sstream>

#include "command.h"
#include "inputs.h"
#include "progress-line.h"
#include "vantage/model/scenario.h"
#include "vantage/model/topology.h"
#include "vantage/sim/simulation.h"

namespace vantage::cli {
namespace {

std::atomic<bool> g_interrupted{false};

extern "C" void OnInterrupt(int) {
  g_interrupted.store(true);
}

std::vector<std::string> SplitList(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream ss(s);
  std::string item;
  while (std::getline(ss, item, ',')) {
    if (!item.empty()) out.push_back(item);
  }
  return out;
}

std::string HumanBytes(uint64_t b) {
  char buf[32];
  if (b >= 10ull * 1024 * 1024) {
    std::snprintf(buf, sizeof(buf), "%.1f MiB", static_cast<double>(b) / (1024.0 * 1024.0));
  } else if (b >= 10 * 1024) {
    std::snprintf(buf, sizeof(buf), "%.1f KiB", static_cast<double>(b) / 1024.0);
  } else {
    std::snprintf(buf, sizeof(buf), "%llu B", static_cast<unsigned long long>(b));
  }
  return buf;
}

struct Options {
  std::string topology, scenario, out;
  uint64_t seed = 0;
  bool seedSet = false;
  std::string points = "all";
  std::string live;
  bool noCapture = false;
  bool noTaps = false;
  uint32_t snap = 256;
  bool quiet = false;
};

int Run(const Options& o) {
  auto inputs = LoadInputs(o.topology, o.scenario);
  if (!inputs) return 1;
  const model::Topology& topo = inputs->topology;
  const model::Scenario& scen = inputs->scenario;
  sim::RunOptions opt;
  opt.outDir = o.out;
  opt.topologyPath = o.topology;
  opt.scenarioPath = o.scenario;
  if (o.seedSet) opt.seed = o.seed;
  if (o.points != "all") opt.points = SplitList(o.points);
  opt.liveExportPoints = SplitList(o.live);
  opt.fullCapture = !o.noCapture;
  opt.taps = !o.noTaps;
  opt.snapLength = o.snap;
  ProgressLine progress(!o.quiet);
  if (!o.quiet) {
    opt.progress = [&progress](const sim::Progress& p) {
      const double eps = p.wallSeconds > 0 ? static_cast<double>(p.events) / p.wallSeconds : 0;
      char text[128];
      std::snprintf(text, sizeof text, "simulated %.1f / %.0f s  wall %.1f s  %.0f events/s",
                    p.simSeconds, p.simTotalSeconds, p.wallSeconds, eps);
      progress.Update(p.simTotalSeconds > 0 ? p.simSeconds / p.simTotalSeconds : 0, text);
    };
  }
  opt.shouldStop = [] { return g_interrupted.load(); };
  opt.warning = [](const std::string& w) { std::cerr << "warning: " << w << "\n"; };
  std::signal(SIGINT, OnInterrupt);
  std::signal(SIGTERM, OnInterrupt);
  auto res = sim::RunSimulation(topo, scen, opt);
  std::signal(SIGINT, SIG_DFL);
  std::signal(SIGTERM, SIG_DFL);
  progress.Finish();
  if (!res) {
    std::cerr << "vantage simulate: " << res.GetError().message << "\n";
    return g_interrupted.load() ? 130 : 1;
  }
  const auto& s = *res;
  std::printf("run directory: %s\n", s.outDir.c_str());
  std::printf(
      "wall %.1f s, %llu events (%.0f events/s), %llu ground-truth flows, "
      "%llu firewall drops, %llu NAT bindings\n",
      s.wallSeconds, static_cast<unsigned long long>(s.events),
      s.wallSeconds > 0 ? static_cast<double>(s.events) / s.wallSeconds : 0.0,
      static_cast<unsigned long long>(s.groundTruthFlows),
      static_cast<unsigned long long>(s.firewallDrops),
      static_cast<unsigned long long>(s.natBindings));
  if (!s.points.empty()) {
    std::printf("%-22s %-16s %10s %12s %12s %12s %10s %12s\n", "point", "node", "flows", "packets",
                "ipfix", "export", "lost", "pcap");
    for (const auto& p : s.points) {
      const std::string lost = p.exportMessages == 0 ? "-"
                                                     : std::to_string(p.exportLost) + "/" +
                                                           std::to_string(p.exportMessages);
      std::printf("%-22s %-16s %10llu %12llu %12s %12s %10s %12s\n", p.name.c_str(), p.node.c_str(),
                  static_cast<unsigned long long>(p.flows),
                  static_cast<unsigned long long>(p.packets), HumanBytes(p.ipfixBytes).c_str(),
                  HumanBytes(p.exportBytes).c_str(), lost.c_str(),
                  p.pcapBytes == 0 ? "-" : HumanBytes(p.pcapBytes).c_str());
    }
  }
  return 0;
}

Registrar reg{
    "simulate", "Simulate a topology and scenario in ns-3 and write a run directory",
    [](CLI::App& app) {
      auto o = std::make_shared<Options>();
      app.add_option("topology", o->topology, "topology YAML file")->required();
      app.add_option("scenario", o->scenario, "scenario YAML file")->required();
      app.add_option("--out", o->out, "run directory to write")->required();
      app.add_option("--seed", o->seed, "seed (default: the scenario's)")
          ->each([o](const std::string&) { o->seedSet = true; });
      app.add_option("--points", o->points, "candidate points to observe: all or a,b,c");
      app.add_option("--live-export", o->live,
                     "points whose export crosses the simulated network to the collector: a,b");
      app.add_flag("--no-capture", o->noCapture, "write no pcaps");
      app.add_flag("--no-taps", o->noTaps, "no taps or exporters (baseline speed)");
      app.add_option("--snaplen", o->snap, "pcap snap length")->check(CLI::Range(64, 65535));
      app.add_flag("-q,--quiet", o->quiet, "no progress line");
      return [o] { return Run(*o); };
    },
    40};

}  // namespace
}  // namespace vantage::cli

#endif  // VANTAGE_HAVE_sim
