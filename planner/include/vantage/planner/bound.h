// Certified optimality gap for any plan: the data-dependent ("online") upper bound of Leskovec
// et al. (KDD 2007) on the optimum of a monotone submodular objective.
//
// For a plan A and each constraint taken alone, the optimum is at most f(A) plus the best
// fractional knapsack of the marginal gains of every (point, mode) choice with respect to A.
// Every constraint gives a valid bound, so the smallest one bounds the optimum under all of
// them; `gap` = 1 - f(A)/bound is then a certified gap (docs/planner.md explains why).
//
//   Certificate c = CertifyPlan(problem, constraints, plan.modes);
//   std::cout << "within " << c.gap * 100 << "% of the optimum (bound " << c.bound << ")\n";
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "vantage/planner/problem.h"

namespace vantage::planner {

/// @brief An upper bound on the optimum and the plan's gap to it.
struct Certificate {
  double value = 0;  ///< the plan's objective f(A)
  double bound = 0;  ///< upper bound on the optimum under the constraints
  double gap = 0;    ///< 1 - value / bound (0 when the bound is 0)
  /// Which relaxation gave the bound: "storage", "cost", "devices" or "everything" (the
  /// objective of every point in its richest mode).
  std::string binding;
};

/// @brief The online bound for placement `plan` of problem `p` under constraints `c` (one pass
/// over every hit).
Certificate CertifyPlan(const Problem& p, const Constraints& c, const Placement& plan);

/// @brief Combines two certificates of the same constraints: the smaller bound wins (both are
/// valid) and the gap is recomputed for the larger plan value.
Certificate Combine(const Certificate& a, const Certificate& b);

/// @brief Sharpens `cert` with the bounds of other plans under the same constraints (the bound
/// of any plan is valid, feasible or not): the smallest wins, `cert.value` is kept.
Certificate Sharpen(const Problem& problem, const Constraints& constraints, Certificate cert,
                    const std::vector<Placement>& plans);

/// @brief When and how long to try to close a certified gap (local search swapping modes).
struct TightenOptions {
  double gapThreshold = 0.01;  ///< try only when the certified gap is above this
  size_t minCandidates = 21;   ///< and the instance has at least this many candidates
  double seconds = 2.0;        ///< wall-time limit of the search
};

/// @brief What the tightening step did.
struct Tightening {
  bool ran = false;
  double seconds = 0;
  uint64_t moves = 0;      ///< improving moves committed
  double valueBefore = 0;  ///< objective of the starting plan
  double valueAfter = 0;   ///< objective reached
  double gapBefore = 0;    ///< certified gap of the starting plan
  double gapAfter = 0;     ///< certified gap after (best plan, smallest bound)
  std::string stoppedBy;   ///< "target gap reached", "local optimum" or "time limit"
};

}  // namespace vantage::planner
