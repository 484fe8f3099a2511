// Temporary directories for tests (see temp-dir.h).
#include "vantage/test/temp-dir.h"

#include <unistd.h>

#include <atomic>
#include <fstream>
#include <sstream>

namespace vantage::test {

TempDir::TempDir(const std::string& tag) {
  static std::atomic<int> counter{0};
  m_path = std::filesystem::temp_directory_path() /
           ("vantage-" + tag + "-" + std::to_string(::getpid()) + "-" + std::to_string(++counter));
  std::error_code ec;
  std::filesystem::remove_all(m_path, ec);
  std::filesystem::create_directories(m_path);
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(m_path, ec);
}

void TempDir::Write(const std::string& name, const std::string& text) const {
  std::filesystem::create_directories((m_path / name).parent_path());
  std::ofstream(m_path / name, std::ios::binary | std::ios::trunc) << text;
}

std::string TempDir::Read(const std::string& name) const {
  std::ifstream in(m_path / name, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace vantage::test
