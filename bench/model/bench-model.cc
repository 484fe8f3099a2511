// Model benchmark: parse + validate (incl. address plan) and graph analysis of generated
// topologies of about 1k, 10k and 100k nodes. Betweenness is exact up to 5,000 vertices and
// sampled from 128 sources above (Brandes on hop counts), so the 100k case stays O(128 E).
//
//   ./build/release/bench_model            (one iteration per size; times in ms)
#include <benchmark/benchmark.h>

#include <chrono>

#include "vantage/model/address-plan.h"
#include "vantage/model/generator.h"
#include "vantage/model/graph.h"
#include "vantage/model/topology.h"

namespace {

using Clock = std::chrono::steady_clock;

double Ms(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double, std::milli>(b - a).count();
}

void BM_LoadValidateAnalyse(benchmark::State& state) {
  vantage::model::GeneratorOptions g;
  g.hosts = vantage::model::HostsForNodes(static_cast<uint64_t>(state.range(0)));
  g.seed = 1;
  std::string yaml = vantage::model::GenerateTopologyYaml(g);
  for (auto _ : state) {
    auto t0 = Clock::now();
    vantage::model::Diagnostics d;
    auto topo = vantage::model::ParseTopology(yaml, "generated", d);
    auto t1 = Clock::now();
    if (!topo) {
      state.SkipWithError("generated topology does not validate");
      return;
    }
    auto plan = vantage::model::PlanAddresses(*topo);
    auto t2 = Clock::now();
    auto facts = vantage::model::Analyse(*topo);
    auto t3 = Clock::now();
    benchmark::DoNotOptimize(plan);
    benchmark::DoNotOptimize(facts);
    state.counters["nodes"] = static_cast<double>(topo->nodes.size());
    state.counters["links"] = static_cast<double>(topo->links.size());
    state.counters["yaml_MB"] = static_cast<double>(yaml.size()) / 1e6;
    state.counters["load_validate_ms"] = Ms(t0, t1);
    state.counters["address_plan_ms"] = Ms(t1, t2);
    state.counters["analyse_ms"] = Ms(t2, t3);
    state.counters["betweenness_exact"] = facts.betweenness.exact ? 1 : 0;
  }
}

}  // namespace

BENCHMARK(BM_LoadValidateAnalyse)
    ->Arg(1000)
    ->Arg(10000)
    ->Arg(100000)
    ->Iterations(1)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

BENCHMARK_MAIN();
