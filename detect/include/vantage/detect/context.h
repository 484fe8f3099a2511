// What the detectors know about the network: which addresses are internal, and for known
// hosts their name, zone kind and role (from a topology or a run's ground truth). Without a
// topology, RFC 1918 / RFC 4193 addresses count as internal and findings name addresses.
//
//   NetworkContext ctx = NetworkContext::FromTopology(topology);   // zones, roles, names
//   ctx.Name(addr);        // "staff-3" or "10.10.0.3"
#pragma once

#include <string>
#include <unordered_map>
#include <vector>

#include "vantage/core/ip-address.h"
#include "vantage/core/result.h"
#include "vantage/model/topology.h"

namespace vantage::detect {

/// @brief A known address.
struct HostInfo {
  std::string name;  ///< simulated host name ("staff-3", "ad")
  std::string node;  ///< topology node (host group or server)
  std::string zone;
  model::ZoneKind zoneKind = model::ZoneKind::kCore;
  std::string role;  ///< server role from the topology ("dns", "mail", ...), may be empty
};

class NetworkContext {
 public:
  /// @brief Names, zones and roles of every addressed interface of a topology.
  static core::Result<NetworkContext> FromTopology(const model::Topology& topology);

  /// @brief Adds or replaces one address.
  void AddHost(const core::IpAddress& address, HostInfo info);
  /// @brief Adds an internal prefix (used for addresses no host claims).
  void AddInternalPrefix(const core::IpPrefix& prefix) { m_internal.push_back(prefix); }
  /// @brief Zone kind per prefix, for addresses no host claims (NAT pools, unplanned hosts).
  void AddZonePrefix(const core::IpPrefix& prefix, model::ZoneKind kind);

  const HostInfo* Find(const core::IpAddress& address) const;
  /// @brief Host name if known, else the address text.
  std::string Name(const core::IpAddress& address) const;
  /// @brief True for addresses in a non-internet zone, or private space without a topology.
  bool IsInternal(const core::IpAddress& address) const;
  /// @brief True when zones are known (directionality can run).
  bool HasZones() const { return m_hasZones; }
  /// @brief Zone kind of an address, if known.
  const model::ZoneKind* ZoneOf(const core::IpAddress& address) const;

 private:
  std::unordered_map<core::IpAddress, HostInfo> m_hosts;
  std::vector<core::IpPrefix> m_internal;
  std::vector<std::pair<core::IpPrefix, model::ZoneKind>> m_zones;
  bool m_hasZones = false;
};

}  // namespace vantage::detect
