// Masking and the prefix file format (see prefix-map.h).
#include "vantage/core/prefix-map.h"

namespace vantage::core {

std::array<uint8_t, 16> MaskedBytes(const IpAddress& a, unsigned length) {
  std::array<uint8_t, 16> out{};
  const size_t bytes = a.Length();
  for (size_t i = 0; i < bytes && i < out.size(); ++i) {
    const unsigned bitStart = static_cast<unsigned>(i * 8);
    if (bitStart + 8 <= length) {
      out[i] = a.bytes[i];
    } else if (bitStart < length) {
      out[i] = static_cast<uint8_t>(a.bytes[i] & (0xff << (8 - (length - bitStart))));
    }
  }
  return out;
}

namespace {
std::string_view Trim(std::string_view s) {
  const auto b = s.find_first_not_of(" \t\r\"");
  if (b == std::string_view::npos) return {};
  const auto e = s.find_last_not_of(" \t\r\"");
  return s.substr(b, e - b + 1);
}
}  // namespace

Status ParsePrefixLines(std::string_view text, const std::string& name, const PrefixLineFn& add) {
  size_t lineNo = 0;
  while (!text.empty()) {
    ++lineNo;
    const size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
    line = Trim(line.substr(0, line.find('#')));
    if (line.empty()) continue;
    const std::string where = name + ":" + std::to_string(lineNo);
    const size_t comma = line.find(',');
    if (comma == std::string_view::npos) {
      return MakeError(ErrorCode::kParse, where + ": expected 'prefix,value'");
    }
    const std::string_view prefixText = Trim(line.substr(0, comma));
    std::string_view value = line.substr(comma + 1);
    value = Trim(value.substr(0, value.find(',')));
    if (prefixText == "prefix") continue;  // header line
    auto prefix = IpPrefix::Parse(prefixText, true);
    if (!prefix) {
      return MakeError(ErrorCode::kParse, where + ": bad prefix '" + std::string(prefixText) +
                                              "': " + prefix.GetError().message);
    }
    VANTAGE_RETURN_IF_ERROR(add(*prefix, std::string(value), where));
  }
  return {};
}

}  // namespace vantage::core
