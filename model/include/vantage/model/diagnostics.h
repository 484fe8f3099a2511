// Diagnostics: every problem found in an input file, each naming file, line, column and key
// path, so a user fixes them all in one pass.
//
//   Diagnostics d;
//   d.Error("net.yaml", 12, 5, "links[3].endpoints[1]", "unknown node 'fw2' (did you mean
//   'fw1'?)"); d.ToString();  // "net.yaml:12:5: links[3].endpoints[1]: unknown node ..."
#pragma once

#include <string>
#include <vector>

namespace vantage::model {

struct Diagnostic {
  std::string file;
  int line = 0;    ///< 1-based; 0 if unknown
  int column = 0;  ///< 1-based; 0 if unknown
  std::string keyPath;
  std::string message;
  bool warning = false;

  /// @brief "file:line:column: key.path: message" (warnings say "warning: ").
  std::string ToString() const;
};

struct Diagnostics {
  std::vector<Diagnostic> items;

  void Error(std::string file, int line, int column, std::string keyPath, std::string message) {
    items.push_back({std::move(file), line, column, std::move(keyPath), std::move(message), false});
  }
  void Warning(std::string file, int line, int column, std::string keyPath, std::string message) {
    items.push_back({std::move(file), line, column, std::move(keyPath), std::move(message), true});
  }
  size_t ErrorCount() const {
    size_t n = 0;
    for (const auto& d : items) n += d.warning ? 0 : 1;
    return n;
  }
  bool HasErrors() const { return ErrorCount() > 0; }
  /// @brief All diagnostics, one per line.
  std::string ToString() const;
};

}  // namespace vantage::model
