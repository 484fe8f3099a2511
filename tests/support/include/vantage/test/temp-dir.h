// A temporary directory removed with everything in it when the object goes away.
//
//   vantage::test::TempDir dir("report");
//   WriteReport(dir.Path(), ...);
//   std::string html = dir.Read("report.html");
#pragma once

#include <filesystem>
#include <string>

namespace vantage::test {

class TempDir {
 public:
  /// @brief A fresh, empty directory under the system's temporary directory, named after
  /// `tag`, the process and a counter.
  explicit TempDir(const std::string& tag = "test");
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  std::string Path() const { return m_path.string(); }
  /// @brief The path of `name` inside the directory.
  std::string File(const std::string& name) const { return (m_path / name).string(); }
  /// @brief Writes `text` to `name` (creating folders).
  void Write(const std::string& name, const std::string& text) const;
  /// @brief The bytes of `name` ("" if it cannot be read).
  std::string Read(const std::string& name) const;

 private:
  std::filesystem::path m_path;
};

}  // namespace vantage::test
