// Optimisation alone on synthetic instances of 100, 1,000 and 10,000 candidate points (each
// seeing ~200 of 50,000 flows), plus exact search at 12 and 20 candidates.
#include <benchmark/benchmark.h>

#include "vantage/planner/metrics.h"
#include "vantage/planner/optimiser.h"

namespace {

using vantage::planner::MakeSyntheticProblem;

void BM_Greedy(benchmark::State& state) {
  auto points = static_cast<size_t>(state.range(0));
  auto problem = MakeSyntheticProblem(points, 50'000, 200, 42);
  double coverage = 0;
  for (auto _ : state) {
    auto s = vantage::planner::GreedyOptimise(problem, problem.constraints);
    coverage = s.objective;
    benchmark::DoNotOptimize(s);
  }
  state.counters["coverage"] = coverage / vantage::planner::MaxObjective(problem);
}
BENCHMARK(BM_Greedy)->Arg(100)->Arg(1000)->Arg(10000)->Unit(benchmark::kMillisecond);

void BM_Exact(benchmark::State& state) {
  auto points = static_cast<size_t>(state.range(0));
  auto problem = MakeSyntheticProblem(points, 5'000, 400, 43);
  double gap = 0;
  for (auto _ : state) {
    auto r = vantage::planner::Optimise(problem, problem.constraints);
    gap = r.greedyGap;
    benchmark::DoNotOptimize(r);
  }
  state.counters["greedy_gap"] = gap;
}
BENCHMARK(BM_Exact)->Arg(12)->Arg(20)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
