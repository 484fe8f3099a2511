// Transport endpoints as the command line writes them: "[FORMAT+]TRANSPORT://HOST:PORT" with
// TRANSPORT udp or tcp, an optional export format ("ipfix+udp://", "v9+udp://"), and IPv6 hosts
// in brackets ("tcp://[::1]:4739"). `vantage export --to` and `vantage collect --listen` both
// parse with it; each then checks what it alone needs (a known format, an address literal).
//
//   auto e = core::ParseEndpoint("ipfix+tcp://[::1]:4739");
//   if (!e) return e.GetError();          // "... at offset 12" names where the text goes wrong
//   e->format == "ipfix"; e->transport == core::Endpoint::Transport::kTcp; e->port == 4739;
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "vantage/core/result.h"

namespace vantage::core {

/// @brief A parsed endpoint.
struct Endpoint {
  enum class Transport { kUdp, kTcp };
  std::string format;  ///< the part before '+' in the scheme; empty when there is none
  Transport transport = Transport::kUdp;
  std::string host;   ///< name or address as written, without IPv6 brackets; never empty
  uint16_t port = 0;  ///< 0 is allowed (a listener on an ephemeral port)

  bool Tcp() const { return transport == Transport::kTcp; }
  /// @brief "[FORMAT+]udp://HOST:PORT", IPv6 hosts in brackets.
  std::string ToString() const;
};

/// @brief Parses an endpoint. Errors (kParse) quote the text, say what is wrong and carry the
/// offset into the text where it goes wrong. Never throws.
Result<Endpoint> ParseEndpoint(std::string_view text);

}  // namespace vantage::core
