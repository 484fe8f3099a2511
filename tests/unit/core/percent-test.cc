// FormatPercent: never "100%" for less than all, never "0%" for more than nothing.
#include "vantage/core/percent.h"

#include <gtest/gtest.h>

#include <cmath>

using vantage::core::FormatPercent;

TEST(FormatPercent, PrintsOrdinarySharesAsRounded) {
  EXPECT_EQ(FormatPercent(0.5), "50.0%");
  EXPECT_EQ(FormatPercent(0.857, 0), "86%");
  EXPECT_EQ(FormatPercent(0.12346, 2), "12.35%");
  EXPECT_EQ(FormatPercent(0.999), "99.9%");
}

TEST(FormatPercent, ExactBoundsStayExact) {
  EXPECT_EQ(FormatPercent(1.0), "100.0%");
  EXPECT_EQ(FormatPercent(0.0), "0.0%");
  EXPECT_EQ(FormatPercent(1.0, 0), "100%");
  EXPECT_EQ(FormatPercent(0.0, 0), "0%");
}

TEST(FormatPercent, AlmostAllNeverPrintsAsAll) {
  // The case: 14,457 of 14,851 is 97.3%, but 99.95% must not print as 100.0%.
  EXPECT_EQ(FormatPercent(0.9995), "99.95%");
  EXPECT_EQ(FormatPercent(14457.0 / 14851.0), "97.3%");
  EXPECT_EQ(FormatPercent(0.99999), "99.99%");  // one more decimal still rounds up: round down
  EXPECT_EQ(FormatPercent(1.0 - 1e-7), "99.99%");
  EXPECT_EQ(FormatPercent(0.9996, 0), "99.9%");
  EXPECT_EQ(FormatPercent(0.996, 0), "99.6%");
  for (int missed = 1; missed < 40; ++missed) {
    const double share = 1.0 - missed / 123456.0;
    EXPECT_NE(FormatPercent(share).rfind("100", 0), 0u) << share;
  }
}

TEST(FormatPercent, AlmostNothingNeverPrintsAsNothing) {
  EXPECT_EQ(FormatPercent(0.0004), "0.04%");
  EXPECT_EQ(FormatPercent(1e-7), "0.01%");
  EXPECT_EQ(FormatPercent(0.004, 0), "0.4%");
  for (int hit = 1; hit < 40; ++hit) {
    const double share = hit / 987654.0;
    const std::string s = FormatPercent(share);
    EXPECT_NE(s, "0.0%") << share;
    EXPECT_NE(s, "0.00%") << share;
  }
}

TEST(FormatPercent, RoundingNoiseOfSumsIsNotAMiss) {
  double sum = 0;
  for (int i = 0; i < 10; ++i) sum += 0.1;  // 0.9999999999999999
  ASSERT_LT(sum, 1.0);
  EXPECT_EQ(FormatPercent(sum), "100.0%");
  EXPECT_EQ(FormatPercent(1.0 - sum), "0.0%");
}

TEST(FormatPercent, NotANumberIsSaidSo) {
  EXPECT_EQ(FormatPercent(std::nan("")), "n/a");
}
