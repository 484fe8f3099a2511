// Address plan: subnets per link from the zone's IPv4 CIDRs, addresses per interface.
#include "vantage/model/address-plan.h"

#include <algorithm>
#include <map>
#include <numeric>
#include <unordered_map>

namespace vantage::model {

core::IpAddress LinkSubnet::Gateway() const {
  for (const auto& i : interfaces) {
    if (i.gateway) return i.address;
  }
  return {};
}

const LinkSubnet* AddressPlan::FindLink(const std::string& link) const {
  for (const auto& l : links) {
    if (l.link == link) return &l;
  }
  return nullptr;
}

core::IpAddress AddressPlan::AddressOn(const std::string& host, const std::string& link) const {
  const LinkSubnet* l = FindLink(link);
  if (l == nullptr) return {};
  for (const auto& i : l->interfaces) {
    if (i.host == host) return i.address;
  }
  return {};
}

core::IpAddress AddressPlan::HostAddress(const std::string& host) const {
  for (const auto& l : links) {
    for (const auto& i : l.interfaces) {
      if (i.host == host) return i.address;
    }
  }
  return {};
}

std::vector<const InterfaceAddress*> AddressPlan::InterfacesOf(const std::string& node) const {
  std::vector<const InterfaceAddress*> out;
  for (const auto& l : links) {
    for (const auto& i : l.interfaces) {
      if (i.node == node) out.push_back(&i);
    }
  }
  return out;
}

std::string AddressPlan::HostOf(const core::IpAddress& address) const {
  for (const auto& l : links) {
    if (!l.subnet.Contains(address)) continue;
    for (const auto& i : l.interfaces) {
      if (i.address == address) return i.host;
    }
  }
  return "";
}

std::vector<std::string> InstanceNames(const Node& node) {
  std::vector<std::string> out;
  if (node.kind != NodeKind::kHostGroup) {
    out.push_back(node.name);
    return out;
  }
  out.reserve(node.simulate);
  for (uint32_t i = 1; i <= node.simulate; ++i) out.push_back(node.name + "-" + std::to_string(i));
  return out;
}

namespace {

uint64_t Needed(const Link& link, const std::unordered_map<std::string, const Node*>& nodes) {
  uint64_t n = 0;
  for (const auto& e : link.endpoints) {
    auto it = nodes.find(e);
    if (it == nodes.end()) continue;
    const Node* node = it->second;
    if (node->kind == NodeKind::kSwitch) continue;
    n += node->kind == NodeKind::kHostGroup ? node->simulate : 1;
  }
  return n;
}

std::unordered_map<std::string, const Node*> NodeMap(const Topology& t) {
  std::unordered_map<std::string, const Node*> m;
  m.reserve(t.nodes.size());
  for (const auto& n : t.nodes) m.emplace(n.name, &n);
  return m;
}

/// Prefix length of the smallest block holding `hosts` interfaces + network + broadcast.
unsigned BlockLength(uint64_t hosts) {
  unsigned bits = 2;  // /30 at least
  while (bits < 32 && (uint64_t{1} << bits) < hosts + 2) ++bits;
  return 32 - bits;
}

// The link's subnet at `start`: one address per interface in endpoint order (a host group's
// simulated instances in turn), switches left out (no IP stack).
LinkSubnet NumberLink(const Link& l, uint64_t start, unsigned length,
                      const std::unordered_map<std::string, const Node*>& nodes) {
  LinkSubnet ls;
  ls.link = l.name;
  ls.zone = l.zone;
  ls.subnet.network = core::IpAddress::V4(static_cast<uint32_t>(start));
  ls.subnet.length = length;
  uint64_t next = start + 1;
  for (const auto& e : l.endpoints) {
    auto it = nodes.find(e);
    if (it == nodes.end() || it->second->kind == NodeKind::kSwitch) continue;
    for (const auto& host : InstanceNames(*it->second)) {
      InterfaceAddress ia;
      ia.node = e;
      ia.host = host;
      ia.address = core::IpAddress::V4(static_cast<uint32_t>(next++));
      ia.gateway = it->second->ForwardsPackets();
      ls.interfaces.push_back(std::move(ia));
    }
  }
  return ls;
}

}  // namespace

uint64_t InterfacesNeeded(const Topology& topology, const Link& link) {
  return Needed(link, NodeMap(topology));
}

core::Result<AddressPlan> PlanAddresses(const Topology& topology) {
  auto nodes = NodeMap(topology);
  AddressPlan plan;
  plan.links.resize(topology.links.size());

  // Group links by zone; within a zone, bigger blocks first, ties in link order.
  std::map<std::string, std::vector<size_t>> byZone;
  std::vector<unsigned> lengths(topology.links.size());
  uint64_t total = 0;
  for (size_t i = 0; i < topology.links.size(); ++i) {
    const Link& l = topology.links[i];
    uint64_t need = Needed(l, nodes);
    total += need;
    if (total > kMaxPlannedInterfaces) {
      return core::MakeError(core::ErrorCode::kLimit,
                             "address plan too large: more than " +
                                 std::to_string(kMaxPlannedInterfaces) +
                                 " interfaces (lower 'simulate' of the host groups)");
    }
    if (need + 2 > (uint64_t{1} << 31)) {
      return core::MakeError(core::ErrorCode::kLimit, "link '" + l.name + "' needs " +
                                                          std::to_string(need) +
                                                          " addresses: more than IPv4 can hold");
    }
    lengths[i] = BlockLength(need);
    byZone[l.zone].push_back(i);
  }
  for (auto& [zoneName, linkIdx] : byZone) {
    const Zone* zone = topology.FindZone(zoneName);
    if (zone == nullptr) {
      return core::MakeError(
          core::ErrorCode::kNotFound,
          "link '" + topology.links[linkIdx[0]].name + "' has unknown zone '" + zoneName + "'");
    }
    std::vector<core::IpPrefix> pool;
    for (const auto& c : zone->cidrs) {
      if (c.network.IsV4()) pool.push_back(c);
    }
    std::stable_sort(linkIdx.begin(), linkIdx.end(),
                     [&](size_t a, size_t b) { return lengths[a] < lengths[b]; });
    // First fit: one cursor per CIDR; blocks come biggest first, so aligned placement in a
    // CIDR wastes nothing and a later small block can still use an earlier CIDR's rest.
    std::vector<uint64_t> cursor(pool.size());
    for (size_t c = 0; c < pool.size(); ++c) cursor[c] = pool[c].network.V4Value();
    uint64_t needTotal = 0, haveTotal = 0;
    for (size_t li : linkIdx) needTotal += uint64_t{1} << (32 - lengths[li]);
    for (const auto& c : pool) haveTotal += uint64_t{1} << (32 - c.length);
    for (size_t li : linkIdx) {
      uint64_t size = uint64_t{1} << (32 - lengths[li]);
      bool placed = false;
      for (size_t cidr = 0; cidr < pool.size() && !placed; ++cidr) {
        uint64_t end = pool[cidr].network.V4Value() + (uint64_t{1} << (32 - pool[cidr].length));
        uint64_t start = (cursor[cidr] + size - 1) / size * size;  // align to the block size
        if (start + size > end) continue;
        cursor[cidr] = start + size;
        plan.links[li] = NumberLink(topology.links[li], start, lengths[li], nodes);
        placed = true;
      }
      if (!placed) {
        std::string why = pool.empty() ? " (it has no IPv4 CIDR)" : "";
        return core::MakeError(
            core::ErrorCode::kLimit,
            "zone '" + zoneName + "' runs out of addresses" + why + ": its links need " +
                std::to_string(needTotal) + " addresses in aligned blocks, its IPv4 CIDRs hold " +
                std::to_string(haveTotal) + " (first link that does not fit: '" +
                topology.links[li].name + "', a /" + std::to_string(lengths[li]) + ")");
      }
    }
  }
  for (size_t i = 0; i < topology.links.size(); ++i) {
    if (plan.links[i].link.empty()) plan.links[i].link = topology.links[i].name;
  }
  return plan;
}

}  // namespace vantage::model
