// An IPv4 or IPv6 address held by value in 16 bytes, with parsing and printing.
//
//   auto a = IpAddress::Parse("10.0.0.1");          // Result<IpAddress>
//   IpAddress b = IpAddress::V4(0x0a000001);
//   std::string s = b.ToString();                   // "10.0.0.1"
#pragma once

#include <array>
#include <cstdint>
#include <cstring>
#include <functional>
#include <string>
#include <string_view>

#include "vantage/core/result.h"

namespace vantage::core {

/// @brief IPv4 or IPv6 address; family 0 means "none". IPv4 uses the first 4 bytes.
struct IpAddress {
  uint8_t family = 0;  ///< 0, 4 or 6
  std::array<uint8_t, 16> bytes{};

  static IpAddress V4(uint32_t hostOrder) {
    IpAddress a;
    a.family = 4;
    a.bytes[0] = static_cast<uint8_t>(hostOrder >> 24);
    a.bytes[1] = static_cast<uint8_t>(hostOrder >> 16);
    a.bytes[2] = static_cast<uint8_t>(hostOrder >> 8);
    a.bytes[3] = static_cast<uint8_t>(hostOrder);
    return a;
  }
  static IpAddress V4Bytes(const uint8_t* p) {
    IpAddress a;
    a.family = 4;
    std::memcpy(a.bytes.data(), p, 4);
    return a;
  }
  static IpAddress V6Bytes(const uint8_t* p) {
    IpAddress a;
    a.family = 6;
    std::memcpy(a.bytes.data(), p, 16);
    return a;
  }
  /// @brief Parses dotted IPv4 or textual IPv6.
  static Result<IpAddress> Parse(std::string_view text);

  bool IsV4() const { return family == 4; }
  bool IsV6() const { return family == 6; }
  bool IsSet() const { return family != 0; }
  /// @brief The IPv4 address in host order (0 unless IsV4()).
  uint32_t V4Value() const {
    if (!IsV4()) return 0;
    return (static_cast<uint32_t>(bytes[0]) << 24) | (static_cast<uint32_t>(bytes[1]) << 16) |
           (static_cast<uint32_t>(bytes[2]) << 8) | bytes[3];
  }
  size_t Length() const { return family == 4 ? 4 : family == 6 ? 16 : 0; }
  std::string ToString() const;
  /// @brief True if the first `prefixLen` bits equal those of `network` (same family).
  bool InPrefix(const IpAddress& network, unsigned prefixLen) const;

  friend bool operator==(const IpAddress& a, const IpAddress& b) {
    return a.family == b.family && a.bytes == b.bytes;
  }
  friend bool operator!=(const IpAddress& a, const IpAddress& b) { return !(a == b); }
  friend bool operator<(const IpAddress& a, const IpAddress& b) {
    return a.family != b.family ? a.family < b.family : a.bytes < b.bytes;
  }
};

/// @brief An address prefix such as 10.1.0.0/16.
struct IpPrefix {
  IpAddress network;
  unsigned length = 0;

  /// @brief Parses "a.b.c.d/n" or "x::/n"; host bits must be zero unless `allowHostBits`.
  static Result<IpPrefix> Parse(std::string_view text, bool allowHostBits = false);
  bool Contains(const IpAddress& a) const { return a.InPrefix(network, length); }
  bool Overlaps(const IpPrefix& other) const;
  std::string ToString() const;
};

}  // namespace vantage::core

template <>
struct std::hash<vantage::core::IpAddress> {
  size_t operator()(const vantage::core::IpAddress& a) const noexcept;
};
