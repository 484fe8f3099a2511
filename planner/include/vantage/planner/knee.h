// The knee of the cost curve: the cheapest plan (by cost, then storage) whose weighted coverage
// is within a threshold (1 percentage point by default) of the plan that maximises coverage.
// The seed article's point is balance: the knee says what the last bit of coverage costs.
//
//   PlanResult r = Optimise(problem, c);
//   Knee k = FindKnee(problem, c, r.best, CostParetoFront(problem));
//   if (k.found && !k.isBest) std::cout << k.costSaved << " cost units buy the last "
//                                       << k.coverageGivenUp * 100 << " points\n";
#pragma once

#include <vector>

#include "vantage/planner/optimiser.h"
#include "vantage/planner/problem.h"

namespace vantage::planner {

struct Knee {
  bool found = false;
  double threshold = 0.01;  ///< coverage (share) it may give up against the best plan
  Solution plan;            ///< the knee plan
  double share = 0;         ///< its weighted coverage (objective / objective of everything)
  Solution best;            ///< the plan that maximises coverage
  double bestShare = 0;
  bool isBest = false;         ///< no cheaper plan is within the threshold
  double coverageGivenUp = 0;  ///< bestShare - share
  double costSaved = 0;        ///< best.cost - plan.cost
  double storageSaved = 0;     ///< best.storage - plan.storage (bytes)
};

/// @brief The knee among the Pareto front points that fit `constraints`, refined by bisection on
/// the cost limit (then the storage limit) between the front's points. `threshold` is a share
/// (0.01 = 1 percentage point of weighted coverage).
Knee FindKnee(const Problem& problem, const Constraints& constraints, const Solution& best,
              const std::vector<TradeOff>& paretoFront, double threshold = 0.01);

/// @brief Makes the knee the recommended plan: `plan.best` becomes the knee, amber points and
/// the certificate follow it. No change when the knee was not found or is the best plan.
void PreferKnee(const Problem& problem, const Constraints& constraints, const Knee& knee,
                PlanResult& plan);

}  // namespace vantage::planner
