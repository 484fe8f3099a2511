// Prefix to AS number table from a CSV file ("10.0.0.0/8,64512" or "...,AS64512" per line;
// core::ParsePrefixLines's format), longest-prefix match (core::PrefixMap), for sourceAS /
// destinationAS.
//
//   AsTable t;
//   if (auto st = t.Load("as.csv"); !st) ...     // error names file and line
//   uint32_t as = t.Lookup(addr);                 // 0 when no prefix matches
#pragma once

#include <cstdint>
#include <string>

#include "vantage/core/ip-address.h"
#include "vantage/core/prefix-map.h"
#include "vantage/core/result.h"

namespace vantage::exporter {

class AsTable {
 public:
  core::Status Load(const std::string& path);
  core::Status Add(const core::IpPrefix& prefix, uint32_t as);
  uint32_t Lookup(const core::IpAddress& addr) const;
  size_t Size() const { return m_prefixes.Size(); }

 private:
  core::PrefixMap<uint32_t> m_prefixes;
};

}  // namespace vantage::exporter
