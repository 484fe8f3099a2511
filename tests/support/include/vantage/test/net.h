// Small network helpers for tests: free loopback ports, tool detection, Internet checksums.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace vantage::test {

/// @brief A UDP port free right now on 127.0.0.1.
uint16_t FreeUdpPort();
/// @brief A TCP port free right now on 127.0.0.1.
uint16_t FreeTcpPort();
/// @brief True when `name` is an executable on PATH or in /usr/sbin, /usr/local/sbin.
bool HaveTool(const std::string& name);
/// @brief RFC 1071 Internet checksum of `n` bytes (the value to write into the header).
uint16_t InternetChecksum(const uint8_t* p, size_t n);

}  // namespace vantage::test
