// Longest-prefix-match enrichment tables loaded from CSV (see prefix-table.h).
#include "vantage/collector/prefix-table.h"

#include <fstream>
#include <sstream>

namespace vantage::collector {

namespace {
std::array<uint8_t, 16> Masked(const core::IpAddress& a, unsigned len) {
  std::array<uint8_t, 16> out{};
  size_t bytes = a.Length();
  for (size_t i = 0; i < bytes; ++i) {
    unsigned bitStart = static_cast<unsigned>(i * 8);
    if (bitStart + 8 <= len) {
      out[i] = a.bytes[i];
    } else if (bitStart < len) {
      out[i] = static_cast<uint8_t>(a.bytes[i] & (0xff << (8 - (len - bitStart))));
    }
  }
  return out;
}

std::string Trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t\r\"");
  if (b == std::string::npos) return "";
  size_t e = s.find_last_not_of(" \t\r\"");
  return s.substr(b, e - b + 1);
}
}  // namespace

core::Result<std::shared_ptr<PrefixTable>> PrefixTable::Load(const std::string& path) {
  std::ifstream in(path);
  if (!in) return core::MakeError(core::ErrorCode::kIo, "cannot open prefix table " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  return Parse(ss.str(), path);
}

core::Result<std::shared_ptr<PrefixTable>> PrefixTable::Parse(const std::string& text,
                                                              const std::string& name) {
  auto table = std::make_shared<PrefixTable>();
  std::istringstream in(text);
  std::string line;
  size_t lineNo = 0;
  while (std::getline(in, line)) {
    ++lineNo;
    auto hash = line.find('#');
    if (hash != std::string::npos) line.resize(hash);
    line = Trim(line);
    if (line.empty()) continue;
    auto comma = line.find(',');
    if (comma == std::string::npos) {
      return core::MakeError(core::ErrorCode::kParse,
                             name + ":" + std::to_string(lineNo) + ": expected 'prefix,value'");
    }
    std::string prefixText = Trim(line.substr(0, comma));
    std::string value = Trim(line.substr(comma + 1));
    auto nextComma = value.find(',');
    if (nextComma != std::string::npos) value = Trim(value.substr(0, nextComma));
    if (prefixText == "prefix") continue;  // header line
    auto prefix = core::IpPrefix::Parse(prefixText, true);
    if (!prefix) {
      return core::MakeError(core::ErrorCode::kParse, name + ":" + std::to_string(lineNo) +
                                                          ": bad prefix '" + prefixText +
                                                          "': " + prefix.GetError().message);
    }
    table->Add(*prefix, value);
  }
  return table;
}

void PrefixTable::Add(const core::IpPrefix& prefix, std::string value) {
  auto& byLen = prefix.network.IsV4() ? m_v4 : m_v6;
  auto [it, inserted] = byLen[prefix.length].insert_or_assign(Masked(prefix.network, prefix.length),
                                                              std::move(value));
  (void)it;
  if (inserted) ++m_size;
}

const std::string* PrefixTable::Lookup(const core::IpAddress& a) const {
  if (!a.IsSet()) return nullptr;
  const auto& byLen = a.IsV4() ? m_v4 : m_v6;
  for (auto it = byLen.rbegin(); it != byLen.rend(); ++it) {
    auto f = it->second.find(Masked(a, it->first));
    if (f != it->second.end()) return &f->second;
  }
  return nullptr;
}

}  // namespace vantage::collector
