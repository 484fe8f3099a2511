// The contract between the network builder (network-builder.cc) and the traffic applications
// (traffic/*.cc): which simulated host is which node and address, and where ground truth goes.
#pragma once

#include <ns3/ipv4-address.h>
#include <ns3/node.h>
#include <ns3/ptr.h>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace vantage::sim {

/// @brief One simulated end host: a host-group instance, a server, or an internet host.
struct SimHost {
  std::string name;   ///< "staff-3" for group instances, the node name otherwise
  std::string group;  ///< host group or node name in the topology
  std::string zone;
  ns3::Ptr<ns3::Node> node;
  ns3::Ipv4Address address;
  std::string criticalAsset;  ///< name of the critical asset on this host, or empty
};

/// @brief All simulated end hosts, looked up by name or group.
struct NetworkMap {
  std::vector<SimHost> hosts;

  const SimHost* Find(const std::string& name) const {
    for (const auto& h : hosts) {
      if (h.name == name) return &h;
    }
    return nullptr;
  }
  std::vector<const SimHost*> Group(const std::string& group) const {
    std::vector<const SimHost*> out;
    for (const auto& h : hosts) {
      if (h.group == group) out.push_back(&h);
    }
    return out;
  }

  /// Set by the builder when NAT gateways exist: the public (address, port) a flow from
  /// (protocol, inside address, inside port) to `dst` leaves with, if it crossed a NAT.
  /// Traffic applications call it when a flow ends to fill nat_ip/nat_port of ground truth.
  std::function<std::optional<std::pair<ns3::Ipv4Address, uint16_t>>(
      uint8_t protocol, ns3::Ipv4Address insideAddr, uint16_t insidePort, ns3::Ipv4Address dst)>
      natLookup;
};

/// @brief One ground-truth flow (see docs/run-directory.md, ground_truth.csv).
struct GroundTruthFlow {
  uint64_t id = 0;
  std::string label;
  std::string behaviour;
  std::string srcHost, dstHost, srcGroup, dstGroup;
  ns3::Ipv4Address srcIp, dstIp;
  uint16_t srcPort = 0, dstPort = 0;
  uint8_t protocol = 0;
  std::optional<std::pair<ns3::Ipv4Address, uint16_t>> nat;
  int64_t startNs = 0, endNs = 0;  ///< UNIX ns (simulated time + window start)
  uint64_t packetsFwd = 0, bytesFwd = 0, packetsRev = 0, bytesRev = 0;
  std::string criticalAsset;
};

/// @brief Collects ground truth during a run; written as CSV at the end, sorted by id.
class GroundTruthLog {
 public:
  uint64_t NextId() { return ++m_lastId; }
  void Add(GroundTruthFlow flow) { m_flows.push_back(std::move(flow)); }
  const std::vector<GroundTruthFlow>& Flows() const { return m_flows; }
  /// @brief Writes ground_truth.csv (header + rows sorted by id). Returns false on I/O error.
  bool WriteCsv(const std::string& path) const;

 private:
  uint64_t m_lastId = 0;
  std::vector<GroundTruthFlow> m_flows;
};

}  // namespace vantage::sim
