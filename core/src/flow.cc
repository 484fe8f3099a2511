// FlowKey helpers and hashing.
#include "vantage/core/flow.h"

namespace vantage::core {

const char* FlowEndReasonName(FlowEndReason r) {
  switch (r) {
    case FlowEndReason::kNone: return "none";
    case FlowEndReason::kIdleTimeout: return "idle";
    case FlowEndReason::kActiveTimeout: return "active";
    case FlowEndReason::kEndOfFlow: return "end";
    case FlowEndReason::kForcedEnd: return "forced";
    case FlowEndReason::kLackOfResources: return "resources";
  }
  return "unknown";
}

FlowKey FlowKey::Reversed() const {
  FlowKey r = *this;
  r.src = dst;
  r.dst = src;
  r.srcPort = dstPort;
  r.dstPort = srcPort;
  return r;
}

std::string FlowKey::ToString() const {
  auto endpoint = [](const IpAddress& a, uint16_t port) {
    return a.IsV6() ? "[" + a.ToString() + "]:" + std::to_string(port)
                    : a.ToString() + ":" + std::to_string(port);
  };
  return std::to_string(protocol) + " " + endpoint(src, srcPort) + " > " + endpoint(dst, dstPort);
}

}  // namespace vantage::core

size_t std::hash<vantage::core::FlowKey>::operator()(
    const vantage::core::FlowKey& k) const noexcept {
  // 64-bit mix of the key fields (splitmix-style finaliser on a running combination).
  auto mix = [](uint64_t x) {
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ULL;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebULL;
    x ^= x >> 31;
    return x;
  };
  uint64_t h = std::hash<vantage::core::IpAddress>{}(k.src);
  h = mix(h ^ (std::hash<vantage::core::IpAddress>{}(k.dst) * 31));
  h = mix(h ^ (static_cast<uint64_t>(k.srcPort) << 48 | static_cast<uint64_t>(k.dstPort) << 32 |
               static_cast<uint64_t>(k.protocol) << 24 | static_cast<uint64_t>(k.tos) << 16 |
               k.vlan));
  h = mix(h ^ k.ingressInterface);
  return static_cast<size_t>(h);
}
