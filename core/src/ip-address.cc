// IpAddress parsing, printing, prefix tests.
#include "vantage/core/ip-address.h"

#include <arpa/inet.h>

#include <charconv>

#include "vantage/core/fnv1a.h"

namespace vantage::core {

Result<IpAddress> IpAddress::Parse(std::string_view text) {
  std::string s(text);
  IpAddress a;
  if (inet_pton(AF_INET, s.c_str(), a.bytes.data()) == 1) {
    a.family = 4;
    return a;
  }
  if (inet_pton(AF_INET6, s.c_str(), a.bytes.data()) == 1) {
    a.family = 6;
    return a;
  }
  return MakeError(ErrorCode::kParse, "not an IPv4 or IPv6 address: '" + s + "'");
}

std::string IpAddress::ToString() const {
  char buf[INET6_ADDRSTRLEN] = {0};
  if (family == 4) {
    inet_ntop(AF_INET, bytes.data(), buf, sizeof buf);
  } else if (family == 6) {
    inet_ntop(AF_INET6, bytes.data(), buf, sizeof buf);
  } else {
    return "-";
  }
  return buf;
}

bool IpAddress::InPrefix(const IpAddress& network, unsigned prefixLen) const {
  if (family != network.family || family == 0) return false;
  unsigned maxLen = family == 4 ? 32 : 128;
  if (prefixLen > maxLen) return false;
  unsigned full = prefixLen / 8;
  for (unsigned i = 0; i < full; ++i) {
    if (bytes[i] != network.bytes[i]) return false;
  }
  unsigned rest = prefixLen % 8;
  if (rest == 0) return true;
  auto mask = static_cast<uint8_t>(0xff << (8 - rest));
  return (bytes[full] & mask) == (network.bytes[full] & mask);
}

Result<IpPrefix> IpPrefix::Parse(std::string_view text, bool allowHostBits) {
  auto slash = text.find('/');
  if (slash == std::string_view::npos) {
    return MakeError(ErrorCode::kParse, "prefix needs '/length': '" + std::string(text) + "'");
  }
  auto addr = IpAddress::Parse(text.substr(0, slash));
  if (!addr) return addr.GetError();
  std::string_view lenText = text.substr(slash + 1);
  unsigned len = 0;
  auto [ptr, ec] = std::from_chars(lenText.data(), lenText.data() + lenText.size(), len);
  unsigned maxLen = addr->IsV4() ? 32 : 128;
  if (ec != std::errc() || ptr != lenText.data() + lenText.size() || lenText.empty() ||
      len > maxLen) {
    return MakeError(ErrorCode::kParse, "bad prefix length in '" + std::string(text) + "' (0.." +
                                            std::to_string(maxLen) + ")");
  }
  IpPrefix p{*addr, len};
  // Host bits must be zero: 10.0.0.1/8 is almost always a typo for 10.0.0.0/8.
  IpAddress masked = *addr;
  for (unsigned bit = len; bit < maxLen; ++bit) {
    masked.bytes[bit / 8] = static_cast<uint8_t>(masked.bytes[bit / 8] & ~(0x80u >> (bit % 8)));
  }
  if (masked != *addr && !allowHostBits) {
    return MakeError(ErrorCode::kParse, "prefix '" + std::string(text) +
                                            "' has host bits set (network is " + masked.ToString() +
                                            "/" + std::to_string(len) + ")");
  }
  p.network = masked;
  return p;
}

bool IpPrefix::Overlaps(const IpPrefix& other) const {
  if (network.family != other.network.family) return false;
  unsigned shorter = length < other.length ? length : other.length;
  return network.InPrefix(other.network, shorter);
}

std::string IpPrefix::ToString() const {
  return network.ToString() + "/" + std::to_string(length);
}

}  // namespace vantage::core

size_t std::hash<vantage::core::IpAddress>::operator()(
    const vantage::core::IpAddress& a) const noexcept {
  // FNV-1a over family (folded into the seed) and the used bytes.
  return static_cast<size_t>(
      vantage::core::Fnv1a(a.bytes.data(), a.Length(), vantage::core::kFnv1aSeed ^ a.family));
}
