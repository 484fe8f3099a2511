// Summaries across seeds: mean, sample standard deviation and the 95% confidence interval of
// the mean (Student's t, two-sided), as reported per metric by sweeps and `plan --seeds`.
//
//   Summary s = sweep::Summarise({0.81, 0.84, 0.79});
//   std::printf("%.3f [%.3f, %.3f]\n", s.mean, s.ciLow, s.ciHigh);
#pragma once

#include <cstddef>
#include <vector>

namespace vantage::sweep {

struct Summary {
  size_t n = 0;
  double mean = 0, sd = 0;
  double ciLow = 0, ciHigh = 0;  ///< mean -/+ t(0.975, n-1) sd / sqrt(n); = mean when n < 2
  double min = 0, max = 0;
};

/// @brief The 0.975 quantile of Student's t with `df` degrees of freedom (df >= 1).
double TQuantile975(size_t df);

Summary Summarise(const std::vector<double>& values);

}  // namespace vantage::sweep
