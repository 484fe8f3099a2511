// Builds a model::Topology in ns-3: nodes (host groups expanded to `simulate` instances),
// point-to-point and CSMA links, L2 switches (BridgeNetDevice), IPv4 addresses from the zones'
// CIDRs, global routing, firewalls and NAT gateways (wrapped routing protocols), and the
// NetworkMap the traffic applications use.
//
//   BuildOptions opt;
//   auto net = SimNetwork::Build(topology, opt);   // errors before any simulation starts
//   if (!net) { ... net.GetError().message ... }
//   (*net)->Map().Find("staff-1");
#pragma once

#include <ns3/ipv4-address.h>
#include <ns3/net-device.h>
#include <ns3/node.h>
#include <ns3/ptr.h>

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "network-map.h"
#include "vantage/core/result.h"
#include "vantage/model/run-tables.h"
#include "vantage/model/topology.h"

namespace vantage::sim {

class NatGateway;
class Firewall;
class LogRecorder;
struct SimLogs;

/// @brief One interface of a simulated node, named by the topology link it attaches to.
struct SimInterface {
  std::string link;
  ns3::Ptr<ns3::NetDevice> device;
  uint32_t ipInterface = 0;  ///< Ipv4 interface index (0 is loopback); 0 for switch ports
  uint32_t number = 0;       ///< interface number used in flow records (ingress/egress)
  ns3::Ipv4Address address;  ///< unset for switch ports
  ns3::Ipv4Mask mask;
};

/// @brief One ns-3 node: a topology node, a host-group instance, or the collector.
struct SimNode {
  std::string name;       ///< instance name ("staff-3") or topology node name
  std::string modelNode;  ///< topology node name ("staff")
  model::NodeKind kind = model::NodeKind::kServer;
  std::string zone;
  ns3::Ptr<ns3::Node> node;
  std::vector<SimInterface> interfaces;

  const SimInterface* Interface(const std::string& link) const {
    for (const auto& i : interfaces) {
      if (i.link == link) return &i;
    }
    return nullptr;
  }
};

struct BuildOptions {
  /// Add a collector node (for live export), attached to a management or core zone router.
  bool addCollector = false;
  std::string collectorName = "collector";
  /// Time 0 of the simulation as UNIX ns (for the NAT and firewall logs).
  int64_t startUnixNs = 0;
};

/// @brief What NAT gateways and firewalls log during a run.
struct SimLogs {
  std::vector<model::NatEventRow> natEvents;          ///< nat_events.csv
  std::vector<model::FirewallDropRow> firewallDrops;  ///< firewall.log
};

/// @brief The topology built in ns-3. Holds the nodes until destroyed (before
/// Simulator::Destroy()).
class SimNetwork {
 public:
  static core::Result<std::unique_ptr<SimNetwork>> Build(const model::Topology& topology,
                                                         const BuildOptions& options);
  ~SimNetwork();
  SimNetwork(const SimNetwork&) = delete;
  SimNetwork& operator=(const SimNetwork&) = delete;

  NetworkMap& Map() { return m_map; }
  const NetworkMap& Map() const { return m_map; }
  /// @brief Node by instance or topology node name (first instance of a host group).
  const SimNode* FindNode(const std::string& name) const;
  const std::vector<SimNode>& Nodes() const { return m_nodes; }
  const SimNode* Collector() const;
  SimLogs& Logs() { return *m_logs; }
  const SimLogs& Logs() const { return *m_logs; }
  const std::vector<ns3::Ptr<NatGateway>>& Nats() const { return m_nats; }
  /// @brief Every node that enforces rules: firewalls, and routers, L3 switches and NAT
  /// gateways with rules or a deny default.
  const std::vector<ns3::Ptr<Firewall>>& Firewalls() const { return m_firewalls; }
  /// @brief True when the simulator enforces this node's rules and default.
  static bool Filters(const model::Node& node);
  /// @brief Zone name of an address (longest prefix over the zones' CIDRs), "" if none.
  std::string ZoneOf(ns3::Ipv4Address a) const;

 private:
  struct BuildState;  // the allocators, instances and stack while building (network-builder.cc)
  struct Attach;      // a device on a node, attached to a topology link
  SimNetwork() = default;
  core::Status DoBuild(const model::Topology& topology, const BuildOptions& options);
  // The steps of DoBuild, in order.
  void AddZonePrefixes(BuildState& st);
  void AddNodes(BuildState& st);
  core::Status PlanAddresses(BuildState& st, const std::map<size_t, std::vector<size_t>>& domains);
  core::Status ConnectDomain(BuildState& st, const std::vector<size_t>& links);
  void ConnectLink(BuildState& st, const model::Link& link, bool viaSwitch,
                   std::vector<Attach>& l3);
  core::Status AddressDomain(BuildState& st, const std::vector<size_t>& links,
                             const std::vector<Attach>& l3);
  void BridgeSwitches(BuildState& st);
  core::Status AddCollector(BuildState& st);
  const SimNode* CollectorAnchor(const model::Topology& topology) const;
  void InstallFirewall(const model::Node& node);
  core::Status InstallNat(BuildState& st, const model::Nat& nat);
  void AssignStreams(BuildState& st);
  core::Status BuildMap(BuildState& st);
  /// @brief Adds `dev` as an IPv4 interface of `sn` (address, mask, up) and records it.
  void AddIpInterface(SimNode& sn, const std::string& link, ns3::Ptr<ns3::NetDevice> dev,
                      ns3::Ipv4Address address, ns3::Ipv4Mask mask);

  std::vector<SimNode> m_nodes;
  std::map<std::string, size_t> m_nodeIndex;
  NetworkMap m_map;
  std::unique_ptr<SimLogs> m_logs;
  std::unique_ptr<LogRecorder> m_recorder;  ///< fills m_logs from the trace sources
  std::vector<ns3::Ptr<NatGateway>> m_nats;
  std::vector<ns3::Ptr<Firewall>> m_firewalls;
  struct ZonePrefix {
    uint32_t network;
    uint32_t mask;
    unsigned length;
    std::string zone;
  };
  std::vector<ZonePrefix> m_zonePrefixes;
  int m_collectorIndex = -1;
  bool m_usesModelPlan = false;

 public:
  /// @brief True if addresses come from model::PlanAddresses (else per L2 domain).
  bool UsesModelPlan() const { return m_usesModelPlan; }
};

/// @brief ns-3 address from a core address (IPv4 only).
ns3::Ipv4Address ToNs3(const core::IpAddress& a);
core::IpAddress FromNs3(ns3::Ipv4Address a);

}  // namespace vantage::sim
