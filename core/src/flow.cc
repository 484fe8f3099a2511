// FlowKey helpers and hashing.
#include "vantage/core/flow.h"

#include <cstdio>

namespace vantage::core {

const char* FlowEndReasonName(FlowEndReason r) {
  switch (r) {
    case FlowEndReason::kNone:
      return "none";
    case FlowEndReason::kIdleTimeout:
      return "idle";
    case FlowEndReason::kActiveTimeout:
      return "active";
    case FlowEndReason::kEndOfFlow:
      return "end";
    case FlowEndReason::kForcedEnd:
      return "forced";
    case FlowEndReason::kLackOfResources:
      return "resources";
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
  h = mix(h ^
          (static_cast<uint64_t>(k.srcPort) << 48 | static_cast<uint64_t>(k.dstPort) << 32 |
           static_cast<uint64_t>(k.protocol) << 24 | static_cast<uint64_t>(k.tos) << 16 | k.vlan));
  h = mix(h ^ k.ingressInterface);
  return static_cast<size_t>(h);
}

namespace vantage::core {

std::string FlowRecord::ToCanonicalString() const {
  std::string s = "proto=" + std::to_string(key.protocol);
  auto add = [&s](const char* name, const std::string& value) {
    s += ' ';
    s += name;
    s += '=';
    s += value;
  };
  auto addNum = [&add](const char* name, uint64_t v) {
    if (v != 0) add(name, std::to_string(v));
  };
  auto addIp = [&add](const char* name, const IpAddress& a) {
    if (a.IsSet()) add(name, a.ToString());
  };
  auto mac = [](const std::array<uint8_t, 6>& m) {
    char buf[18];
    std::snprintf(buf, sizeof buf, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4],
                  m[5]);
    return std::string(buf);
  };
  addIp("src", key.src);
  addNum("sport", key.srcPort);
  addIp("dst", key.dst);
  addNum("dport", key.dstPort);
  addNum("tos", key.tos);
  addNum("vlan", key.vlan);
  addNum("in", key.ingressInterface);
  addNum("out", egressInterface);
  add("pkts", std::to_string(packets));
  add("octets", std::to_string(octets));
  add("start", std::to_string(start.ns));
  add("end", std::to_string(end.ns));
  if (tcpFlags != 0) {
    static const char kFlags[] = "FSRPAUEC";
    std::string f;
    for (int i = 0; i < 8; ++i) f += (tcpFlags & (1 << i)) ? kFlags[i] : '.';
    add("flags", f);
  }
  addNum("ttl_min", minTtl);
  addNum("ttl_max", maxTtl);
  if (icmpType != 0 || icmpCode != 0 || key.protocol == 1 || key.protocol == 58) {
    add("icmp", std::to_string(icmpType) + "/" + std::to_string(icmpCode));
  }
  addNum("src_as", srcAs);
  addNum("dst_as", dstAs);
  addIp("nexthop", nextHop);
  if (srcMac != std::array<uint8_t, 6>{}) add("src_mac", mac(srcMac));
  if (dstMac != std::array<uint8_t, 6>{}) add("dst_mac", mac(dstMac));
  if (endReason != FlowEndReason::kNone) add("end_reason", FlowEndReasonName(endReason));
  addNum("rpkts", reversePackets);
  addNum("roctets", reverseOctets);
  addIp("nat_src", postNatSrc);
  addNum("nat_sport", postNatSrcPort);
  addIp("nat_dst", postNatDst);
  addNum("nat_dport", postNatDstPort);
  addNum("nat_event", static_cast<uint64_t>(natEvent));
  addNum("sampling", samplingInterval);
  addIp("exporter", exporter);
  addNum("domain", observationDomain);
  for (int i = 0; i < encap.mplsLabelCount && i < Encapsulation::kMaxMplsLabels; ++i) {
    const uint32_t e = encap.mplsLabels[static_cast<size_t>(i)];
    add("mpls",
        std::to_string(e >> 4) + "/" + std::to_string((e >> 1) & 7) + "/" + std::to_string(e & 1));
  }
  addNum("l2seg", encap.layer2SegmentId);
  addIp("tunnel_src", encap.tunnelSrc);
  addIp("tunnel_dst", encap.tunnelDst);
  return s;
}

}  // namespace vantage::core
