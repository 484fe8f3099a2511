// Plans that hold across seeds: several observation runs (one per seed) combined into one
// problem whose objective is the sum of the per-seed objectives. A sum of monotone submodular
// functions is monotone submodular, so the optimiser's guarantees and its exact search apply
// unchanged to the combined problem. Storage per point is the mean over the seeds (the
// expected storage).
//
//   std::vector<Problem> perSeed = ...;  // BuildProblem per seed's run
//   auto combined = CombineProblems(perSeed);
//   PlanResult r = Optimise(*combined, combined->constraints);
#pragma once

#include <vector>

#include "vantage/core/result.h"
#include "vantage/planner/problem.h"

namespace vantage::planner {

/// @brief One problem over the flows of all seeds: Objective(combined, x) equals the sum over
/// seeds of Objective(perSeed[s], x) for every placement x. The seeds must share the
/// candidate points (same names, same order); constraints and weights come from the first.
core::Result<Problem> CombineProblems(const std::vector<Problem>& perSeed);

}  // namespace vantage::planner
