// Enrichment tables: longest-prefix match from address to a value (AS number, country code),
// loaded from a user CSV or from a MaxMind DB file (.mmdb: GeoLite2, GeoIP2, DB-IP; read with
// libmaxminddb). CSV format (docs/collector.md): one "prefix,value" a line, IPv4 or IPv6
// prefix, '#' starts a comment, an optional header line "prefix,..." is skipped.
//
//   auto t = PrefixTable::Load("as.csv");           // "10.0.0.0/8,64512"
//   auto c = PrefixTable::Load("GeoLite2-Country.mmdb", PrefixTable::Value::kCountryCode);
//   const std::string* v = (*t)->Lookup(addr);       // nullptr if no prefix matches
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "vantage/core/ip-address.h"
#include "vantage/core/prefix-map.h"
#include "vantage/core/result.h"

namespace vantage::collector {

namespace detail {
class MmdbSource;
}

/// @brief Longest-prefix-match table of strings.
class PrefixTable {
 public:
  /// @brief What a MaxMind DB lookup gives as the table's value.
  enum class Value {
    kAuto,         ///< AS number if the database type names ASN, else country code
    kAsNumber,     ///< autonomous_system_number (GeoLite2-ASN, DB-IP ASN), decimal
    kCountryCode,  ///< country.iso_code, else registered_country.iso_code (GeoLite2, DB-IP)
  };

  /// @brief Loads a CSV file, or a MaxMind DB file (recognised by its metadata marker, not by
  /// its name) whose lookups give `value`; errors name the file (and line).
  static core::Result<std::shared_ptr<PrefixTable>> Load(const std::string& path,
                                                         Value value = Value::kAuto);
  /// @brief Parses CSV text (name is used in errors).
  static core::Result<std::shared_ptr<PrefixTable>> Parse(const std::string& text,
                                                          const std::string& name);
  void Add(const core::IpPrefix& prefix, std::string value);
  /// @brief Value of the longest matching prefix, or nullptr. Prefixes added to the table win
  /// over a MaxMind DB's. Safe to call from several threads.
  const std::string* Lookup(const core::IpAddress& a) const;
  /// @brief Prefixes added from CSV or with Add (a MaxMind DB's networks are not counted).
  size_t Size() const { return m_prefixes.Size(); }
  /// @brief The MaxMind DB's type ("GeoLite2-ASN", ...), empty for a CSV table.
  std::string DatabaseType() const;
  /// @brief Lookups a damaged MaxMind DB could not answer (counted, answered as no match).
  uint64_t LookupErrors() const;

 private:
  std::shared_ptr<detail::MmdbSource> m_mmdb;
  core::PrefixMap<std::string> m_prefixes;
};

}  // namespace vantage::collector
