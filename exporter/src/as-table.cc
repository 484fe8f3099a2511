// Prefix-to-AS table loaded from CSV, longest-prefix match.
#include "vantage/exporter/as-table.h"

#include <fstream>
#include <string_view>

namespace vantage::exporter {
namespace {

core::IpAddress Mask(const core::IpAddress& a, unsigned len) {
  core::IpAddress m = a;
  size_t bytes = a.Length();
  for (size_t i = 0; i < 16; ++i) {
    if (i >= bytes) {
      m.bytes[i] = 0;
      continue;
    }
    unsigned bitStart = static_cast<unsigned>(i * 8);
    if (bitStart >= len) {
      m.bytes[i] = 0;
    } else if (bitStart + 8 > len) {
      m.bytes[i] &= static_cast<uint8_t>(0xff << (8 - (len - bitStart)));
    }
  }
  return m;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

}  // namespace

core::Status AsTable::Add(const core::IpPrefix& prefix, uint32_t as) {
  auto& m = m_byLength[{prefix.network.family, prefix.length}];
  auto [it, inserted] = m.emplace(Mask(prefix.network, prefix.length), as);
  if (inserted)
    ++m_size;
  else
    it->second = as;
  return {};
}

core::Status AsTable::Load(const std::string& path) {
  std::ifstream in(path);
  if (!in) return core::MakeError(core::ErrorCode::kNotFound, "cannot open AS table " + path);
  std::string line;
  size_t lineNo = 0;
  while (std::getline(in, line)) {
    ++lineNo;
    std::string_view s = Trim(line);
    if (s.empty() || s.front() == '#') continue;
    size_t comma = s.find(',');
    std::string where = path + ":" + std::to_string(lineNo) + ": ";
    if (comma == std::string_view::npos) {
      return core::MakeError(core::ErrorCode::kParse, where + "expected 'prefix,asn'");
    }
    auto prefix = core::IpPrefix::Parse(Trim(s.substr(0, comma)), true);
    if (!prefix) return core::MakeError(core::ErrorCode::kParse, where + prefix.GetError().message);
    std::string_view asText = Trim(s.substr(comma + 1));
    if (asText.size() > 2 && (asText[0] == 'A' || asText[0] == 'a') &&
        (asText[1] == 'S' || asText[1] == 's')) {
      asText.remove_prefix(2);
    }
    uint64_t as = 0;
    if (asText.empty() || asText.size() > 10) {
      return core::MakeError(core::ErrorCode::kParse, where + "bad AS number");
    }
    for (char c : asText) {
      if (c < '0' || c > '9')
        return core::MakeError(core::ErrorCode::kParse, where + "bad AS number");
      as = as * 10 + static_cast<uint64_t>(c - '0');
    }
    if (as > 0xffffffffull)
      return core::MakeError(core::ErrorCode::kParse, where + "AS number too large");
    VANTAGE_RETURN_IF_ERROR(Add(*prefix, static_cast<uint32_t>(as)));
  }
  return {};
}

uint32_t AsTable::Lookup(const core::IpAddress& addr) const {
  for (const auto& [key, m] : m_byLength) {
    if (key.first != addr.family) continue;
    auto it = m.find(Mask(addr, key.second));
    if (it != m.end()) return it->second;
  }
  return 0;
}

}  // namespace vantage::exporter
