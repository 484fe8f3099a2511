// Optimisation: a mode per candidate point maximising weighted coverage under storage (for the
// required retention), device-count, capability and cost constraints.
//
// Lazy greedy: cost-benefit greedy (gain per unit of normalised cost) with lazy re-evaluation,
// which is valid because the objective is monotone submodular (a facility-location coverage
// function). Returning the better of the greedy and the best single feasible choice gives at
// least (1 - 1/e)/2 ~ 0.316 of the optimum under one knapsack constraint (Leskovec et al. 2007,
// Khuller, Moss and Naor 1999). Exact search (branch and bound) runs when there are at most
// 20 candidates and reports the greedy's gap.
//
//   PlanResult r = Optimise(problem);
//   Metrics m = Evaluate(problem, r.best);
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "vantage/planner/bound.h"
#include "vantage/planner/problem.h"

namespace vantage::planner {

struct Solution {
  Placement modes;
  double objective = 0;
  double cost = 0;
  double storage = 0;
  uint32_t devices = 0;  ///< points used (any mode; flow logs included)
};

/// @brief Greedy with lazy evaluation; best of greedy and best single choice.
Solution GreedyOptimise(const Problem& problem, const Constraints& constraints);

/// @brief Branch and bound over every mode of every point. nullopt when the search stopped at
/// `workLimit` (hit evaluations) before proving optimality.
std::optional<Solution> ExactOptimise(const Problem& problem, const Constraints& constraints,
                                      uint64_t workLimit = 400'000'000);

/// @brief Exhaustive enumeration of every placement (tests; small instances only).
Solution ExhaustiveOptimise(const Problem& problem, const Constraints& constraints);

/// @brief Whether a placement satisfies the constraints.
bool Feasible(const Problem& problem, const Constraints& constraints, const Placement& placement);

struct PlanResult {
  Solution best;
  Solution greedy;
  bool exactRan = false;       ///< candidates <= 20
  bool exactComplete = false;  ///< optimality proved
  double greedyGap = 0;        ///< (exact - greedy) / exact, 0 when exact did not complete
  /// Chosen flow-only points whose own contribution is small (< 5% of the plan's objective):
  /// "amber", lower-priority flow export.
  std::vector<bool> lowPriority;
  /// Online bound on the optimum and the certified gap of `best` (any size).
  Certificate certificate;
  /// The local search run when the certified gap was large on a large instance.
  Tightening tightening;
};

/// @brief The planner's choice: exact when small enough, else greedy; certified by the online
/// bound, and tightened by local search when the gap is large on a large instance.
PlanResult Optimise(const Problem& problem, const Constraints& constraints,
                    const TightenOptions& tighten = {});

/// @brief Local search from `start` (mode swaps between two points) until the certified gap is
/// at most `options.gapThreshold`, a local optimum or the time limit. `cert` (in: a valid
/// certificate of these constraints, or default) ends with the smallest bound met and the gap
/// of the returned plan, which is never worse than `start`.
Solution Tighten(const Problem& problem, const Constraints& constraints, const Solution& start,
                 const TightenOptions& options, Certificate& cert, Tightening* report = nullptr);

/// @brief Chosen flow-only points contributing under 5% of the plan's objective (amber).
std::vector<bool> LowPriorityPoints(const Problem& problem, const Constraints& constraints,
                                    const Placement& plan);

/// @brief One point of a trade-off curve.
struct TradeOff {
  double budget = 0;  ///< the swept limit (bytes of storage or cost units)
  double cost = 0;
  double storage = 0;
  double objectiveShare = 0;
  double flowVisibility = 0;
  double boundShare = 0;    ///< online bound on the optimum at this limit, as a share
  double gapCertified = 0;  ///< 1 - objectiveShare / boundShare
  Placement modes;
};

/// @brief Coverage against storage budget: optimise at `steps` budgets from the cheapest useful
/// placement to everything. Monotone by construction (a smaller budget's plan stays feasible).
std::vector<TradeOff> StorageSweep(const Problem& problem, size_t steps = 16);

/// @brief Pareto front of cost against coverage (no point has both lower cost and higher
/// coverage than another), within the storage budget.
std::vector<TradeOff> CostParetoFront(const Problem& problem, size_t steps = 16);

/// @brief When nothing fits: the cheapest single useful choice (point, mode) by storage.
struct CheapestUseful {
  bool found = false;
  std::string point;
  Mode mode = Mode::kNone;
  double storage = 0;
  double cost = 0;
  std::string why;  ///< which constraints rule out every choice
};
CheapestUseful FindCheapestUseful(const Problem& problem, const Constraints& constraints);

}  // namespace vantage::planner
