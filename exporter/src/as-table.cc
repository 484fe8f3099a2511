// Prefix-to-AS table loaded from CSV, longest-prefix match.
#include "vantage/exporter/as-table.h"

#include <fstream>
#include <sstream>
#include <string_view>

namespace vantage::exporter {
namespace {

// "64512" or "AS64512"; 32-bit AS numbers (RFC 6793).
core::Result<uint32_t> ParseAsNumber(std::string_view text, const std::string& where) {
  if (text.size() > 2 && (text[0] == 'A' || text[0] == 'a') && (text[1] == 'S' || text[1] == 's')) {
    text.remove_prefix(2);
  }
  if (text.empty() || text.size() > 10) {
    return core::MakeError(core::ErrorCode::kParse, where + ": bad AS number");
  }
  uint64_t as = 0;
  for (char c : text) {
    if (c < '0' || c > '9')
      return core::MakeError(core::ErrorCode::kParse, where + ": bad AS number");
    as = as * 10 + static_cast<uint64_t>(c - '0');
  }
  if (as > 0xffffffffull) {
    return core::MakeError(core::ErrorCode::kParse, where + ": AS number too large");
  }
  return static_cast<uint32_t>(as);
}

}  // namespace

core::Status AsTable::Add(const core::IpPrefix& prefix, uint32_t as) {
  m_prefixes.Add(prefix, as);
  return {};
}

core::Status AsTable::Load(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return core::MakeError(core::ErrorCode::kNotFound, "cannot open AS table " + path);
  std::ostringstream text;
  text << in.rdbuf();
  return core::ParsePrefixLines(text.str(), path,
                                [this](const core::IpPrefix& prefix, const std::string& value,
                                       const std::string& where) -> core::Status {
                                  auto as = ParseAsNumber(value, where);
                                  if (!as) return as.GetError();
                                  return Add(prefix, *as);
                                });
}

uint32_t AsTable::Lookup(const core::IpAddress& addr) const {
  const uint32_t* as = m_prefixes.Lookup(addr);
  return as ? *as : 0;
}

}  // namespace vantage::exporter
