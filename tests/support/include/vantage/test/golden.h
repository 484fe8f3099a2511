// Golden files: a test's output compared byte for byte with the checked-in file.
// VANTAGE_UPDATE_GOLDENS=1 rewrites the files instead (review the diff before committing).
//
//   vantage::test::CompareGolden(std::string(VANTAGE_GOLDEN_DIR) + "/aws-v2.log", text);
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

namespace vantage::test {

/// @brief Expects `text` to equal the golden file at `path`. With VANTAGE_UPDATE_GOLDENS=1 it
/// writes `text` there instead and marks the test skipped (it compared nothing).
inline void CompareGolden(const std::string& path, const std::string& text) {
  const char* update = std::getenv("VANTAGE_UPDATE_GOLDENS");
  if (update != nullptr && std::string(update) == "1") {
    std::ofstream(path, std::ios::binary) << text;
    GTEST_SKIP() << "rewrote " << path;
  }
  std::ifstream in(path, std::ios::binary);
  ASSERT_TRUE(in.good()) << "missing " << path << " (run with VANTAGE_UPDATE_GOLDENS=1)";
  std::stringstream want;
  want << in.rdbuf();
  EXPECT_EQ(text, want.str()) << "golden " << path;
}

}  // namespace vantage::test
