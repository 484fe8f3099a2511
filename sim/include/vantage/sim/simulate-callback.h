// The one adapter from the plain fields of the simulate callbacks that libraries above the
// simulator take (planner::SimulateFn, training's BuildOptions::simulate) to RunSimulation, so
// the CLI and the tests build RunOptions the same way.
//
//   opts.simulate = [](const training::SimulationRequest& r) {
//     return sim::Simulate(*r.topology, *r.scenario, sim::MakeRunOptions(r.runDir, r.points,
//                                                                         r.capture));
//   };
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "vantage/sim/simulation.h"

namespace vantage::sim {

/// @brief RunOptions from plain fields; the rest keep RunOptions' defaults.
inline RunOptions MakeRunOptions(std::string outDir, std::vector<std::string> points,
                                 bool fullCapture, std::optional<uint64_t> seed = std::nullopt) {
  RunOptions opt;
  opt.outDir = std::move(outDir);
  opt.points = std::move(points);
  opt.fullCapture = fullCapture;
  opt.seed = seed;
  return opt;
}

/// @brief RunSimulation for callers that only need success or the error.
inline core::Status Simulate(const model::Topology& topology, const model::Scenario& scenario,
                             const RunOptions& options) {
  auto r = RunSimulation(topology, scenario, options);
  if (!r) return r.GetError();
  return {};
}

}  // namespace vantage::sim
