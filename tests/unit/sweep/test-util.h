// Helpers for sweep tests: a temporary directory and small files.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "vantage/test/temp-dir.h"

namespace vantage::sweep::test {

/// The shared temporary directory (tests/support), with `dir / "name"` for its files.
class TempDir : public ::vantage::test::TempDir {
 public:
  TempDir() : ::vantage::test::TempDir("sweep-test") {}
  std::string operator/(const std::string& name) const { return File(name); }
};

inline void WriteText(const std::string& path, const std::string& text) {
  std::filesystem::create_directories(std::filesystem::path(path).parent_path());
  std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
}

inline std::string ReadText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

}  // namespace vantage::sweep::test
