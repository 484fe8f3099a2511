// Percentages for people: a share that is not all never prints as 100%, and a share that is
// not nothing never prints as 0%.
//
//   FormatPercent(0.9995)     -> "99.95%"  (not "100.0%": 394 of 14,851 flows were missed)
//   FormatPercent(0.99999)    -> "99.99%"  (one more decimal, then rounded down)
//   FormatPercent(0.5, 0)     -> "50%"
//   FormatPercent(0.00001)    -> "0.01%"   (rounded up: something happened)
//   FormatPercent(1 - 1e-15)  -> "100.0%"  (rounding noise of a sum is not a miss)
#pragma once

#include <string>

namespace vantage::core {

/// @brief `share` (1 = 100%) as a percentage with `decimals` decimals and a "%" sign. When the
/// share is strictly between 0 and 1 but rounds to 0% or 100%, one more decimal is shown; if
/// that still rounds to the bound, the value is rounded toward 50% instead. Shares of exactly
/// 0 or 1 (within 1e-9, rounding noise of sums), and shares outside 0..1, print as usual; NaN
/// prints as "n/a".
std::string FormatPercent(double share, int decimals = 1);

}  // namespace vantage::core
