// Optimisation alone on synthetic instances of 100, 1,000 and 10,000 candidate points (each
// seeing ~200 of 50,000 flows), plus exact search at 12 and 20 candidates, and the online
// bound's cost beside the greedy's on 1,000 and 10,000 candidates (target: under 10%); the
// greedy again with cloud flow logs at half of 1,000 candidates.
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

// The same instances with a cloud flow log at about half of the points (a fifth mode there).
void BM_GreedyFlowLogs(benchmark::State& state) {
  auto points = static_cast<size_t>(state.range(0));
  auto problem = MakeSyntheticProblem(points, 50'000, 200, 42, 0.5);
  double coverage = 0;
  for (auto _ : state) {
    auto s = vantage::planner::GreedyOptimise(problem, problem.constraints);
    coverage = s.objective;
    benchmark::DoNotOptimize(s);
  }
  state.counters["coverage"] = coverage / vantage::planner::MaxObjective(problem);
}
BENCHMARK(BM_GreedyFlowLogs)->Arg(1000)->Unit(benchmark::kMillisecond);

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

// The online bound of the greedy plan (the certificate every plan gets).
void BM_Bound(benchmark::State& state) {
  auto points = static_cast<size_t>(state.range(0));
  auto problem = MakeSyntheticProblem(points, 50'000, 200, 42);
  auto greedy = vantage::planner::GreedyOptimise(problem, problem.constraints);
  vantage::planner::Certificate c;
  for (auto _ : state) {
    c = vantage::planner::CertifyPlan(problem, problem.constraints, greedy.modes);
    benchmark::DoNotOptimize(c);
  }
  state.counters["gap_certified"] = c.gap;
}
BENCHMARK(BM_Bound)->Arg(1000)->Arg(10000)->Unit(benchmark::kMillisecond);

// The tightening local search from the greedy plan, 2 s limit.
void BM_Tighten(benchmark::State& state) {
  auto points = static_cast<size_t>(state.range(0));
  auto problem = MakeSyntheticProblem(points, 50'000, 200, 42);
  auto greedy = vantage::planner::GreedyOptimise(problem, problem.constraints);
  vantage::planner::Tightening t;
  for (auto _ : state) {
    vantage::planner::Certificate c;
    vantage::planner::TightenOptions opt;
    auto s = vantage::planner::Tighten(problem, problem.constraints, greedy, opt, c, &t);
    benchmark::DoNotOptimize(s);
  }
  state.counters["gap_before"] = t.gapBefore;
  state.counters["gap_after"] = t.gapAfter;
  state.counters["moves"] = static_cast<double>(t.moves);
}
BENCHMARK(BM_Tighten)->Arg(1000)->Unit(benchmark::kMillisecond)->Iterations(1);

}  // namespace

BENCHMARK_MAIN();
