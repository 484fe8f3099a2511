// The address plan: which subnet each link gets from its zone's CIDRs and which address each
// node interface (and each simulated instance of a host group) gets on it. The simulator builds
// ns-3 interfaces from it, and the drawing and the planner label addresses with it, so all
// agree.
//
//   auto plan = PlanAddresses(topology);
//   if (!plan) std::cerr << plan.GetError().message;          // "zone 'dmz' runs out ..."
//   for (const auto& l : plan->links) std::cout << l.link << " " << l.subnet.ToString();
//   core::IpAddress a = plan->HostAddress("staff-3");          // first interface of an instance
#pragma once

#include <string>
#include <vector>

#include "vantage/core/ip-address.h"
#include "vantage/core/result.h"
#include "vantage/model/topology.h"

namespace vantage::model {

/// @brief One addressed interface on a link.
struct InterfaceAddress {
  std::string node;  ///< topology node name
  std::string host;  ///< simulated host: the node name, or "<group>-<i>" for host groups
  core::IpAddress address;
  bool gateway = false;  ///< a forwarding node (router, L3 switch, firewall, NAT) on this link
};

/// @brief A link's subnet and its interfaces, in endpoint order (host-group instances 1..N in
/// place of the group). Layer-2 switches have no interface address and are not listed.
struct LinkSubnet {
  std::string link;
  std::string zone;
  core::IpPrefix subnet;
  std::vector<InterfaceAddress> interfaces;
  /// @brief The first gateway's address on this link (unset if the link has no forwarder).
  core::IpAddress Gateway() const;
};

/// @brief Subnets for every link, in topology link order.
struct AddressPlan {
  std::vector<LinkSubnet> links;

  const LinkSubnet* FindLink(const std::string& link) const;
  /// @brief The address of `host` (node or instance name) on `link`; unset if none.
  core::IpAddress AddressOn(const std::string& host, const std::string& link) const;
  /// @brief The first address of a host (node or instance name) in link order; unset if none.
  core::IpAddress HostAddress(const std::string& host) const;
  /// @brief Every interface of a topology node (for a host group: all its instances).
  std::vector<const InterfaceAddress*> InterfacesOf(const std::string& node) const;
  /// @brief The host (node or instance name) that owns an address, or "" if none.
  std::string HostOf(const core::IpAddress& address) const;
};

/// @brief Names of the simulated hosts of a node: "<group>-1".."<group>-<simulate>" for a host
/// group, the node name otherwise.
std::vector<std::string> InstanceNames(const Node& node);

/// @brief Number of addressed interfaces a link needs (host groups count `simulate`; layer-2
/// switches none).
uint64_t InterfacesNeeded(const Topology& topology, const Link& link);

/// @brief The most interfaces a plan holds (simulated hosts count one each).
constexpr uint64_t kMaxPlannedInterfaces = 2000000;

/// @brief Assigns IPv4 subnets. Each link takes the smallest block that holds its interfaces
/// plus network and broadcast (point-to-point: /30), from its zone's IPv4 CIDRs in order;
/// bigger blocks first so alignment wastes nothing; ties in link order. Deterministic.
/// Errors name the zone that runs out and how many addresses it needed.
core::Result<AddressPlan> PlanAddresses(const Topology& topology);

}  // namespace vantage::model
