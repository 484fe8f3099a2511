// Endpoint parsing (see endpoint.h).
#include "vantage/core/endpoint.h"

namespace vantage::core {
namespace {

Error Bad(std::string_view text, const std::string& what, size_t offset) {
  return MakeError(ErrorCode::kParse,
                   "endpoint '" + std::string(text) + "': " + what + " (at offset " +
                       std::to_string(offset) + ")",
                   offset);
}

bool AllDigits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

}  // namespace

std::string Endpoint::ToString() const {
  const bool v6 = host.find(':') != std::string::npos;
  return (format.empty() ? std::string() : format + "+") + (Tcp() ? "tcp://" : "udp://") +
         (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

Result<Endpoint> ParseEndpoint(std::string_view text) {
  Endpoint e;
  const size_t sep = text.find("://");
  if (sep == std::string_view::npos) {
    return Bad(text, "expected SCHEME://HOST:PORT, e.g. ipfix+udp://127.0.0.1:4739", 0);
  }
  std::string_view scheme = text.substr(0, sep);
  std::string_view transport = scheme;
  const size_t plus = scheme.find('+');
  if (plus != std::string_view::npos) {
    e.format = std::string(scheme.substr(0, plus));
    transport = scheme.substr(plus + 1);
    if (e.format.empty()) return Bad(text, "empty format before '+'", 0);
  }
  const size_t transportAt = plus == std::string_view::npos ? 0 : plus + 1;
  if (transport == "udp") {
    e.transport = Endpoint::Transport::kUdp;
  } else if (transport == "tcp") {
    e.transport = Endpoint::Transport::kTcp;
  } else {
    return Bad(text, "unknown transport '" + std::string(transport) + "' (udp or tcp)",
               transportAt);
  }
  const size_t hostAt = sep + 3;
  std::string_view rest = text.substr(hostAt);
  std::string_view host, port;
  size_t portAt = 0;
  if (!rest.empty() && rest[0] == '[') {
    const size_t close = rest.find(']');
    if (close == std::string_view::npos || close + 1 >= rest.size() || rest[close + 1] != ':') {
      return Bad(text, "expected [IPv6]:PORT", hostAt);
    }
    host = rest.substr(1, close - 1);
    portAt = hostAt + close + 2;
  } else {
    const size_t colon = rest.rfind(':');
    if (colon == std::string_view::npos) return Bad(text, "expected HOST:PORT", hostAt);
    host = rest.substr(0, colon);  // the last ':' also splits an unbracketed "::1:4739"
    portAt = hostAt + colon + 1;
  }
  if (host.empty()) return Bad(text, "empty host", hostAt);
  port = text.substr(portAt);
  if (!AllDigits(port) || port.size() > 5) {
    return Bad(text, "bad port '" + std::string(port) + "'", portAt);
  }
  const unsigned long p = std::stoul(std::string(port));
  if (p > 65535) return Bad(text, "port " + std::string(port) + " out of range", portAt);
  e.host = std::string(host);
  e.port = static_cast<uint16_t>(p);
  return e;
}

}  // namespace vantage::core
