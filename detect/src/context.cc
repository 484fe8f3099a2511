// NetworkContext (see context.h).
#include "vantage/detect/context.h"

#include "vantage/model/address-plan.h"

namespace vantage::detect {

core::Result<NetworkContext> NetworkContext::FromTopology(const model::Topology& topology) {
  NetworkContext ctx;
  for (const auto& z : topology.zones) {
    for (const auto& p : z.cidrs) ctx.AddZonePrefix(p, z.kind);
  }
  auto plan = model::PlanAddresses(topology);
  if (!plan) return plan.GetError();
  for (const auto& link : plan->links) {
    for (const auto& itf : link.interfaces) {
      const model::Node* node = topology.FindNode(itf.node);
      if (node == nullptr) continue;
      HostInfo info;
      info.name = itf.host;
      info.node = itf.node;
      info.zone = node->zone;
      const model::Zone* zone = topology.FindZone(node->zone);
      info.zoneKind = zone ? zone->kind : model::ZoneKind::kCore;
      info.role = node->role;
      // A forwarder's first address names it; hosts keep their own.
      if (ctx.Find(itf.address) == nullptr) ctx.AddHost(itf.address, std::move(info));
    }
  }
  return ctx;
}

void NetworkContext::AddHost(const core::IpAddress& address, HostInfo info) {
  m_hasZones = true;
  m_hosts[address] = std::move(info);
}

void NetworkContext::AddZonePrefix(const core::IpPrefix& prefix, model::ZoneKind kind) {
  m_hasZones = true;
  m_zones.emplace_back(prefix, kind);
}

const HostInfo* NetworkContext::Find(const core::IpAddress& address) const {
  auto it = m_hosts.find(address);
  return it == m_hosts.end() ? nullptr : &it->second;
}

std::string NetworkContext::Name(const core::IpAddress& address) const {
  const HostInfo* h = Find(address);
  return h && !h->name.empty() ? h->name : address.ToString();
}

const model::ZoneKind* NetworkContext::ZoneOf(const core::IpAddress& address) const {
  if (const HostInfo* h = Find(address)) return &h->zoneKind;
  for (const auto& [prefix, kind] : m_zones) {
    if (prefix.Contains(address)) return &kind;
  }
  return nullptr;
}

bool NetworkContext::IsInternal(const core::IpAddress& address) const {
  if (const model::ZoneKind* z = ZoneOf(address)) return *z != model::ZoneKind::kInternet;
  for (const auto& p : m_internal) {
    if (p.Contains(address)) return true;
  }
  if (address.IsV4()) {
    uint32_t v = address.V4Value();
    return (v >> 24) == 10 || (v >> 20) == 0xac1 || (v >> 16) == 0xc0a8;
  }
  return address.IsV6() && (address.bytes[0] & 0xfe) == 0xfc;
}

}  // namespace vantage::detect
