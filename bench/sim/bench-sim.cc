// Simulation benchmark: runs a topology + scenario (default: the reference enterprise network
// and its baseline scenario) once with every tap and exporter (RunOptions::taps = true) and
// once with none, each in a forked child so that its peak memory is its own, and prints wall
// time, simulator events per second and peak RSS of each, and the overhead of the taps.
//
//   bench_sim [--topology T] [--scenario S] [--out DIR] [--json FILE]
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <string>

#include "vantage/model/scenario.h"
#include "vantage/model/topology.h"
#include "vantage/sim/simulation.h"

namespace {

struct Measure {
  bool ok = false;
  double wallS = 0;
  double runWallS = 0;  // RunSimulation's own wall time (without loading)
  unsigned long long events = 0, flows = 0, points = 0, ipfixBytes = 0, pcapBytes = 0;
  long maxRssKb = 0;
  double cpuS = 0;  // user + system CPU of the child: robust when other jobs share the cores
};

/// Child: run once and write "events flows wall points ipfix pcap" to fd.
int RunChild(const std::string& topoPath, const std::string& scPath, const std::string& out,
             bool taps, int fd) {
  using namespace vantage;
  model::Diagnostics diags;
  auto topo = model::LoadTopology(topoPath, diags);
  if (!topo) {
    std::cerr << topo.GetError().message << "\n";
    return 2;
  }
  auto sc = model::LoadScenario(scPath, *topo, diags);
  if (!sc) {
    std::cerr << sc.GetError().message << "\n";
    return 2;
  }
  sim::RunOptions opt;
  opt.outDir = out;
  opt.topologyPath = topoPath;
  opt.scenarioPath = scPath;
  opt.taps = taps;
  opt.fullCapture = taps;
  auto r = sim::RunSimulation(*topo, *sc, opt);
  if (!r) {
    std::cerr << r.GetError().message << "\n";
    return 3;
  }
  unsigned long long ipfix = 0, pcap = 0;
  for (const auto& p : r->points) {
    ipfix += p.ipfixBytes;
    pcap += p.pcapBytes;
  }
  std::string line = std::to_string(r->events) + " " + std::to_string(r->groundTruthFlows) + " " +
                     std::to_string(r->wallSeconds) + " " + std::to_string(r->points.size()) + " " +
                     std::to_string(ipfix) + " " + std::to_string(pcap) + "\n";
  if (write(fd, line.data(), line.size()) < 0) return 4;
  return 0;
}

Measure RunMode(const std::string& topo, const std::string& sc, const std::string& out, bool taps) {
  Measure m;
  int fds[2];
  if (pipe(fds) != 0) return m;
  auto t0 = std::chrono::steady_clock::now();
  pid_t pid = fork();
  if (pid == 0) {
    close(fds[0]);
    _exit(RunChild(topo, sc, out, taps, fds[1]));
  }
  close(fds[1]);
  std::string text;
  char buf[256];
  ssize_t n;
  while ((n = read(fds[0], buf, sizeof(buf))) > 0) text.append(buf, static_cast<size_t>(n));
  close(fds[0]);
  int status = 0;
  struct rusage ru {};
  wait4(pid, &status, 0, &ru);
  m.wallS = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  m.maxRssKb = ru.ru_maxrss;
  m.cpuS = static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
           static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) return m;
  m.ok = std::sscanf(text.c_str(), "%llu %llu %lf %llu %llu %llu", &m.events, &m.flows, &m.runWallS,
                     &m.points, &m.ipfixBytes, &m.pcapBytes) == 6;
  return m;
}

}  // namespace

int main(int argc, char** argv) {
  std::string src = VANTAGE_SOURCE_DIR;
  std::string topo = src + "/topologies/enterprise.yaml";
  std::string sc = src + "/scenarios/enterprise-baseline.yaml";
  std::string out = "bench-sim-out";
  std::string json;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string k = argv[i];
    if (k == "--topology")
      topo = argv[i + 1];
    else if (k == "--scenario")
      sc = argv[i + 1];
    else if (k == "--out")
      out = argv[i + 1];
    else if (k == "--json")
      json = argv[i + 1];
    else {
      std::cerr << "usage: bench_sim [--topology T] [--scenario S] [--out DIR] [--json FILE]\n";
      return 2;
    }
  }
  std::cout << "topology " << topo << "\nscenario " << sc << "\n";
  Measure with = RunMode(topo, sc, out + "/taps", true);
  Measure without = RunMode(topo, sc, out + "/no-taps", false);
  auto row = [](const char* name, const Measure& m) {
    std::printf(
        "%-8s %-4s wall %7.2f s (run %7.2f s, cpu %7.2f s)  events %11llu  "
        "events/s %10.0f (per cpu s %10.0f)  peak RSS %7.1f MiB  gt flows %llu  "
        "points %llu  ipfix %llu B  pcap %llu B\n",
        name, m.ok ? "ok" : "FAIL", m.wallS, m.runWallS, m.cpuS, m.events,
        m.runWallS > 0 ? static_cast<double>(m.events) / m.runWallS : 0.0,
        m.cpuS > 0 ? static_cast<double>(m.events) / m.cpuS : 0.0,
        static_cast<double>(m.maxRssKb) / 1024.0, m.flows, m.points, m.ipfixBytes, m.pcapBytes);
  };
  row("taps", with);
  row("no-taps", without);
  double overhead = without.runWallS > 0 ? (with.runWallS / without.runWallS - 1.0) * 100.0 : 0;
  double cpuOverhead = without.cpuS > 0 ? (with.cpuS / without.cpuS - 1.0) * 100.0 : 0;
  std::printf(
      "tap overhead %.1f%% of wall, %.1f%% of CPU (target <= 30%%); with taps %.1f s wall "
      "(target < 120 s)\n",
      overhead, cpuOverhead, with.wallS);
  if (!json.empty()) {
    std::ofstream j(json);
    auto obj = [](const Measure& m) {
      return "{\"ok\": " + std::string(m.ok ? "true" : "false") +
             ", \"wall_s\": " + std::to_string(m.wallS) +
             ", \"run_wall_s\": " + std::to_string(m.runWallS) +
             ", \"events\": " + std::to_string(m.events) +
             ", \"cpu_s\": " + std::to_string(m.cpuS) +
             ", \"peak_rss_kb\": " + std::to_string(m.maxRssKb) +
             ", \"ground_truth_flows\": " + std::to_string(m.flows) + "}";
    };
    j << "{\"taps\": " << obj(with) << ", \"no_taps\": " << obj(without)
      << ", \"overhead_percent\": " << overhead << ", \"cpu_overhead_percent\": " << cpuOverhead
      << "}\n";
  }
  return with.ok && without.ok ? 0 : 1;
}
