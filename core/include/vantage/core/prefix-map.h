// Longest-prefix match from IPv4/IPv6 prefixes to values, and the "prefix,value" text format
// the AS and country tables share. The exporter's AS table and the collector's enrichment
// tables are both built on it; it lives in core because exporter and collector never depend
// on each other.
//
//   core::PrefixMap<uint32_t> asOf;
//   asOf.Add(*core::IpPrefix::Parse("10.0.0.0/8"), 64512);
//   const uint32_t* as = asOf.Lookup(addr);        // nullptr when no prefix matches
//   auto st = core::ParsePrefixLines(text, "as.csv", [&](const core::IpPrefix& p,
//       const std::string& value, const std::string& where) -> core::Status { ... });
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <unordered_map>

#include "vantage/core/fnv1a.h"
#include "vantage/core/ip-address.h"
#include "vantage/core/result.h"

namespace vantage::core {

/// @brief The address's bytes with every bit past `length` cleared (16 bytes, zero-padded).
std::array<uint8_t, 16> MaskedBytes(const IpAddress& a, unsigned length);

namespace detail {
struct MaskedHash {
  size_t operator()(const std::array<uint8_t, 16>& b) const {
    return static_cast<size_t>(Fnv1a(b.data(), b.size()));
  }
};
}  // namespace detail

/// @brief Longest-prefix-match table. Adding a prefix again replaces its value.
template <typename T>
class PrefixMap {
 public:
  /// @brief Adds or replaces; true if the prefix is new.
  bool Add(const IpPrefix& prefix, T value) {
    auto& byLength = prefix.network.IsV4() ? m_v4 : m_v6;
    auto [it, inserted] = byLength[prefix.length].insert_or_assign(
        MaskedBytes(prefix.network, prefix.length), std::move(value));
    (void)it;
    if (inserted) ++m_size;
    return inserted;
  }
  /// @brief The value of the longest matching prefix, or nullptr (also for an unset address).
  const T* Lookup(const IpAddress& a) const {
    if (!a.IsSet()) return nullptr;
    const auto& byLength = a.IsV4() ? m_v4 : m_v6;
    for (const auto& [length, table] : byLength) {
      auto f = table.find(MaskedBytes(a, length));
      if (f != table.end()) return &f->second;
    }
    return nullptr;
  }
  size_t Size() const { return m_size; }

 private:
  using Table = std::unordered_map<std::array<uint8_t, 16>, T, detail::MaskedHash>;
  std::map<unsigned, Table, std::greater<>> m_v4, m_v6;  ///< longest prefixes first
  size_t m_size = 0;
};

/// @brief Called for each entry of a prefix file: the prefix, the value text (trimmed) and
/// "NAME:LINE" for errors.
using PrefixLineFn = std::function<Status(const IpPrefix& prefix, const std::string& value,
                                          const std::string& where)>;

/// @brief Reads "prefix,value" lines: '#' starts a comment, blank lines and a header line whose
/// first field is "prefix" are skipped, fields are trimmed of spaces and quotes, fields after
/// the second are ignored. Errors (kParse) name NAME:LINE; the first error `add` returns stops.
Status ParsePrefixLines(std::string_view text, const std::string& name, const PrefixLineFn& add);

}  // namespace vantage::core
