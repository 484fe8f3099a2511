// Mean and Student-t confidence intervals.
#include "vantage/sweep/stats.h"

#include <algorithm>
#include <cmath>

namespace vantage::sweep {

double TQuantile975(size_t df) {
  // Exact table to 30 degrees of freedom; beyond, the Cornish-Fisher expansion around the
  // normal quantile (error < 1e-4).
  static const double kTable[] = {12.7062, 4.3027, 3.1824, 2.7764, 2.5706, 2.4469, 2.3646, 2.3060,
                                  2.2622,  2.2281, 2.2010, 2.1788, 2.1604, 2.1448, 2.1314, 2.1199,
                                  2.1098,  2.1009, 2.0930, 2.0860, 2.0796, 2.0739, 2.0687, 2.0639,
                                  2.0595,  2.0555, 2.0518, 2.0484, 2.0452, 2.0423};
  if (df == 0) return 0;
  if (df <= 30) return kTable[df - 1];
  const double z = 1.959964, n = static_cast<double>(df);
  const double z3 = z * z * z, z5 = z3 * z * z;
  return z + (z3 + z) / (4 * n) + (5 * z5 + 16 * z3 + 3 * z) / (96 * n * n);
}

Summary Summarise(const std::vector<double>& v) {
  Summary s;
  s.n = v.size();
  if (v.empty()) return s;
  double sum = 0;
  for (double x : v) sum += x;
  s.mean = sum / static_cast<double>(s.n);
  s.min = *std::min_element(v.begin(), v.end());
  s.max = *std::max_element(v.begin(), v.end());
  s.ciLow = s.ciHigh = s.mean;
  if (s.n < 2) return s;
  double ss = 0;
  for (double x : v) ss += (x - s.mean) * (x - s.mean);
  s.sd = std::sqrt(ss / static_cast<double>(s.n - 1));
  const double half = TQuantile975(s.n - 1) * s.sd / std::sqrt(static_cast<double>(s.n));
  s.ciLow = s.mean - half;
  s.ciHigh = s.mean + half;
  return s;
}

}  // namespace vantage::sweep
