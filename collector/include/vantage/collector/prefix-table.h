// Enrichment tables: longest-prefix match from address to a value (AS number, country code),
// loaded from a user CSV. Format (docs/collector.md): one "prefix,value" a line, IPv4 or
// IPv6 prefix, '#' starts a comment, an optional header line "prefix,..." is skipped.
//
//   auto t = PrefixTable::Load("as.csv");           // "10.0.0.0/8,64512"
//   const std::string* v = (*t)->Lookup(addr);       // nullptr if no prefix matches
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "vantage/core/ip-address.h"
#include "vantage/core/result.h"

namespace vantage::collector {

/// @brief Longest-prefix-match table of strings.
class PrefixTable {
 public:
  /// @brief Loads a CSV file; errors name the file and line.
  static core::Result<std::shared_ptr<PrefixTable>> Load(const std::string& path);
  /// @brief Parses CSV text (name is used in errors).
  static core::Result<std::shared_ptr<PrefixTable>> Parse(const std::string& text,
                                                          const std::string& name);
  void Add(const core::IpPrefix& prefix, std::string value);
  /// @brief Value of the longest matching prefix, or nullptr.
  const std::string* Lookup(const core::IpAddress& a) const;
  size_t Size() const { return m_size; }

 private:
  // Per family and prefix length: masked network bytes -> value.
  std::map<unsigned, std::map<std::array<uint8_t, 16>, std::string>> m_v4;
  std::map<unsigned, std::map<std::array<uint8_t, 16>, std::string>> m_v6;
  size_t m_size = 0;
};

}  // namespace vantage::collector
