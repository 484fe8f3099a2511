// Prefix to AS number table from a CSV file ("10.0.0.0/8,64512" per line; '#' comments),
// longest-prefix match, for sourceAS / destinationAS.
//
//   AsTable t;
//   if (auto st = t.Load("as.csv"); !st) ...     // error names file and line
//   uint32_t as = t.Lookup(addr);                 // 0 when no prefix matches
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <unordered_map>
#include <vector>

#include "vantage/core/ip-address.h"
#include "vantage/core/result.h"

namespace vantage::exporter {

class AsTable {
 public:
  core::Status Load(const std::string& path);
  core::Status Add(const core::IpPrefix& prefix, uint32_t as);
  uint32_t Lookup(const core::IpAddress& addr) const;
  size_t Size() const { return m_size; }

 private:
  // Per (family, length): masked network -> AS. Lengths are tried longest first.
  std::map<std::pair<int, unsigned>, std::unordered_map<core::IpAddress, uint32_t>, std::greater<>>
      m_byLength;
  size_t m_size = 0;
};

}  // namespace vantage::exporter
