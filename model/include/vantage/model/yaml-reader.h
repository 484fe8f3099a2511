// Reads YAML nodes into model fields while collecting every problem as a diagnostic
// that names file, line, column and key path (never throws to the caller).
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "vantage/core/result.h"
#include "vantage/model/diagnostics.h"

namespace vantage::model::detail {

/// @brief Edit distance, for "did you mean" suggestions.
size_t EditDistance(const std::string& a, const std::string& b);
/// @brief " (did you mean 'x'?)" for the closest candidate, or "" if none is close.
std::string DidYouMean(const std::string& word, const std::vector<std::string>& candidates);
/// @brief "a.b" or "a[3]" joined path helpers.
std::string Join(const std::string& path, const std::string& key);
std::string Index(const std::string& path, size_t i);

/// @brief 1-based line of a node (0 if unknown).
int LineOf(const YAML::Node& n);

class Reader {
 public:
  Reader(std::string file, Diagnostics& diags) : m_file(std::move(file)), m_diags(diags) {}

  const std::string& File() const { return m_file; }
  /// @brief Errors reported so far (all inputs of this diagnostics list).
  size_t ErrorCount() const { return m_diags.ErrorCount(); }
  void Error(const YAML::Node& at, const std::string& path, const std::string& message);
  void Warning(const YAML::Node& at, const std::string& path, const std::string& message);
  void ErrorAtLine(int line, int column, const std::string& path, const std::string& message);
  void WarningAtLine(int line, int column, const std::string& path, const std::string& message);

  /// @brief True if `n` is a map; reports unknown and duplicate keys (with did-you-mean).
  bool ExpectMap(const YAML::Node& n, const std::string& path,
                 const std::vector<std::string>& allowed);
  /// @brief True if `n` is a sequence (reports "expected a list" otherwise).
  bool ExpectList(const YAML::Node& n, const std::string& path);

  /// @brief Child of a map (undefined node if absent); `required` reports a missing key.
  YAML::Node Get(const YAML::Node& map, const std::string& key, const std::string& path,
                 bool required = false);

  std::optional<std::string> String(const YAML::Node& map, const std::string& key,
                                    const std::string& path, bool required = false);
  std::optional<double> Number(const YAML::Node& map, const std::string& key,
                               const std::string& path, bool required = false, double min = -1e300,
                               double max = 1e300);
  std::optional<int64_t> Integer(const YAML::Node& map, const std::string& key,
                                 const std::string& path, bool required = false,
                                 int64_t min = INT64_MIN, int64_t max = INT64_MAX);
  std::optional<bool> Bool(const YAML::Node& map, const std::string& key, const std::string& path,
                           bool required = false);
  /// @brief A list of scalars (a single scalar is accepted as a one-element list).
  std::optional<std::vector<std::string>> StringList(const YAML::Node& map, const std::string& key,
                                                     const std::string& path,
                                                     bool required = false);

  /// @brief Value conversions of a scalar node already fetched (report on failure).
  std::optional<std::string> AsString(const YAML::Node& n, const std::string& path);
  std::optional<double> AsNumber(const YAML::Node& n, const std::string& path, double min = -1e300,
                                 double max = 1e300);
  std::optional<int64_t> AsInteger(const YAML::Node& n, const std::string& path,
                                   int64_t min = INT64_MIN, int64_t max = INT64_MAX);

 private:
  std::string m_file;
  Diagnostics& m_diags;
};

/// @brief Parses `yamlText` (called `name` in diagnostics) and hands its root to `parse`,
/// turning yaml-cpp's exceptions into diagnostics. The error names the input and its `kind`
/// ("topology", "rules", ...): a syntax error (kParse) or how many errors were reported
/// (kInvalid). Every loader of a YAML input goes through here.
core::Status ParseYamlDocument(const std::string& yamlText, const std::string& name,
                               const std::string& kind, Diagnostics& diags,
                               const std::function<void(const YAML::Node&)>& parse);
/// @brief A whole input file as text; "cannot open file" is reported as a diagnostic too.
core::Result<std::string> ReadInputFile(const std::string& path, const std::string& kind,
                                        Diagnostics& diags);

/// @brief Parses a protocol name or number: tcp, udp, icmp, any (0), or 0..255.
std::optional<uint8_t> ParseProtocol(const std::string& text);
/// @brief Parses "443" or "8000-8080".
bool ParsePortRange(const std::string& text, uint16_t& lo, uint16_t& hi);

}  // namespace vantage::model::detail
