// The topology model: zones, nodes, links, firewall rules, NAT, critical assets ("centres of
// gravity"), candidate aggregation points and the budget, as read from topologies/*.yaml.
// The simulator builds it in ns-3; the planner evaluates placements on it.
//
//   Diagnostics diags;
//   auto topo = LoadTopology("topologies/enterprise.yaml", diags);
//   if (!topo) { for (auto& d : diags.items) std::cerr << d.ToString() << "\n"; }
//   const Node* fw = topo->FindNode("edge-fw");
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "vantage/core/ip-address.h"
#include "vantage/core/result.h"
#include "vantage/model/diagnostics.h"
#include "vantage/wire/flowlog/flow-log.h"

namespace vantage::model {

enum class ZoneKind {
  kInternet,
  kEdge,
  kDmz,
  kCore,
  kDistribution,
  kAccess,
  kDataCentre,
  kManagement,
  kCloud
};

/// @brief A security zone with its address space.
struct Zone {
  std::string name;
  ZoneKind kind = ZoneKind::kCore;
  std::vector<core::IpPrefix> cidrs;  ///< addresses of hosts/links in this zone come from here
  std::string description;
  int line = 0;  ///< 1-based line in the YAML file (0 if generated)
};

enum class NodeKind {
  kHostGroup,  ///< `count` real hosts, `simulate` of them simulated
  kServer,
  kRouter,
  kL3Switch,
  kSwitch,  ///< layer-2 only, no IP stack
  kFirewall,
  kNatGateway,
  kInternet,  ///< stands for the internet's hosts (servers outside)
  kCloudVpc,
};

/// @brief Firewall rule: first match wins; protocol 0 = any; ports empty = any.
struct FirewallRule {
  std::string name;
  std::string fromZone;  ///< zone name or "any"
  std::string toZone;    ///< zone name or "any"
  bool allow = true;
  uint8_t protocol = 0;
  uint16_t portMin = 0;  ///< destination port range; 0..0 = any
  uint16_t portMax = 0;
  int line = 0;
};

/// @brief A device or a group of hosts.
struct Node {
  std::string name;
  NodeKind kind = NodeKind::kServer;
  std::string zone;
  /// Host groups: real hosts and how many are simulated (scale factor = count / simulate).
  uint32_t count = 1;
  uint32_t simulate = 1;
  /// Server role: web, dns, mail, smb, ssh, db, ldap, git, accounting, backup, updates,
  /// streaming, webapp, ... (free text; the scenario refers to servers by node name).
  std::string role;
  std::string description;
  /// Firewalls: rules evaluated in order, then the default. On a cloud_vpc: its security
  /// group (inbound connections; default deny once it has rules).
  std::vector<FirewallRule> rules;
  bool defaultAllow = false;
  int line = 0;

  double ScaleFactor() const {
    return simulate == 0 ? 0.0 : static_cast<double>(count) / static_cast<double>(simulate);
  }
  bool ForwardsPackets() const {
    return kind == NodeKind::kRouter || kind == NodeKind::kL3Switch ||
           kind == NodeKind::kFirewall || kind == NodeKind::kNatGateway;
  }
};

enum class LinkKind { kPointToPoint, kLan };

/// @brief A link. An interface of a node is named by the link it attaches to.
struct Link {
  std::string name;
  LinkKind kind = LinkKind::kPointToPoint;
  std::vector<std::string> endpoints;  ///< node names: 2 for point-to-point, >= 2 for a LAN
  double bandwidthMbps = 1000.0;
  double delayMs = 0.1;
  std::string zone;  ///< the zone whose CIDR numbers this link's subnet
  int line = 0;
};

/// @brief A NAT (PAT) gateway's configuration.
struct Nat {
  std::string node;
  std::vector<std::string> insideLinks;
  std::string outsideLink;
  std::vector<core::IpAddress> publicAddresses;  ///< empty: the outside interface's address
  uint16_t portMin = 1024;
  uint16_t portMax = 65535;
  double tcpTimeoutS = 7440;  ///< RFC 5382 minimum established timeout
  double udpTimeoutS = 300;   ///< RFC 4787
  double icmpTimeoutS = 60;
  bool logEvents = true;  ///< log binding create/delete (RFC 8158 natEvent)
  int line = 0;
};

enum class AssetKind {
  kSourceCode,
  kAccounting,
  kAdminWorkstations,
  kInternalWebApp,
  kDirectory,
  kFileServer,
  kOther
};

/// @brief A centre of gravity: where critical data lives or who controls it.
struct CriticalAsset {
  std::string name;
  std::string node;  ///< a server or host group
  AssetKind kind = AssetKind::kOther;
  double weight = 1.0;  ///< criticality weight (> 0)
  int line = 0;
};

/// @brief A place where flows can be exported or packets captured.
struct CandidatePoint {
  std::string name;
  std::string node;
  std::vector<std::string> interfaces;  ///< link names; empty = every interface of the node
  bool canExportFlows = true;
  bool sampledOnly = false;   ///< the device can export only sampled flows
  uint32_t samplingRate = 1;  ///< 1-in-N when sampledOnly
  bool canFullCapture = false;
  double costFlow = 1.0;         ///< relative cost of enabling flow export here
  double costFullCapture = 5.0;  ///< relative cost of a capture appliance here
  /// The cloud provider's flow log at this point (`flow_log:`; only on a cloud_vpc node or a
  /// node in a cloud zone). docs/cloud-flow-logs.md.
  std::optional<wire::flowlog::Settings> flowLog;
  int line = 0;
};

/// @brief Constraints and requirements for the plan.
struct Budget {
  double storageTb = 10.0;         ///< total storage for flows and full capture
  uint32_t maxDevices = 0;         ///< 0 = no limit
  double maxCost = 0;              ///< 0 = no limit (sum of point costs)
  double flowRetentionDays = 365;  ///< required retention for flow records
  double fullRetentionDays = 7;    ///< required retention for full capture
  std::string compliance;          ///< free text note carried into the report
  // Cloud flow logs (docs/planner.md "Flow logs"): unset prices take the provider's list price.
  std::optional<double> flowLogIngestUsdPerGb;        ///< USD per GB ingested
  std::optional<double> flowLogStorageUsdPerGbMonth;  ///< USD per GB-month stored
  double flowLogUsdPerCostUnit = 100;  ///< USD a month of flow-log charges = one cost unit
  int line = 0;
};

/// @brief A whole topology file.
struct Topology {
  std::string name;
  std::string description;
  std::string sourcePath;
  std::vector<Zone> zones;
  std::vector<Node> nodes;
  std::vector<Link> links;
  std::vector<Nat> nats;
  std::vector<CriticalAsset> criticalAssets;
  std::vector<CandidatePoint> candidates;
  Budget budget;

  const Zone* FindZone(const std::string& name) const;
  const Node* FindNode(const std::string& name) const;
  const Link* FindLink(const std::string& name) const;
  const Nat* FindNat(const std::string& node) const;
  /// @brief Links attached to a node, in file order.
  std::vector<const Link*> LinksOf(const std::string& node) const;
  /// @brief Critical asset placed on this node, or nullptr.
  const CriticalAsset* AssetOn(const std::string& node) const;
};

const char* ZoneKindName(ZoneKind k);
const char* NodeKindName(NodeKind k);
const char* AssetKindName(AssetKind k);

/// @brief The most simulated hosts (sum of `simulate` over host groups) a topology may ask for.
constexpr uint64_t kMaxSimulatedHosts = 200000;

/// @brief Loads and validates a topology file. On failure returns an error and fills `diags`
/// with every problem found (file:line:column: key.path: message).
core::Result<Topology> LoadTopology(const std::string& path, Diagnostics& diags);
/// @brief Same from YAML text (tests, fuzzing); `name` is used in messages as the file name.
core::Result<Topology> ParseTopology(const std::string& yamlText, const std::string& name,
                                     Diagnostics& diags);

}  // namespace vantage::model
