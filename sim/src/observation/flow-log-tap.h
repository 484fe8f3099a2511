// A cloud provider's flow log at a candidate point: the node's IPv4 Rx/Tx taps (the same taps
// that feed the point's IPFIX exporter) feed an exporter::FlowLogMeter, one provider interface
// (AWS ENI, Google Cloud VM NIC, Azure NIC) per observed link. Packets arriving on an interface
// are ingress, packets leaving it egress; a packet the node's rules drop (a cloud_vpc's
// security group, a cloud firewall) is REJECT. At the end the records go to
// points/NAME.flowlog in the provider's native format (docs/cloud-flow-logs.md).
//
//   FlowLogSetup fs = MakeFlowLogSetup(topology, candidate, seed);
//   auto tap = FlowLogTap::Create(fs, pointName, net, node, numbers, startUnixNs);
//   (*tap)->OnRx(packet, ifi);  ...  (*tap)->Finish(end, outDir);
#pragma once

#include <ns3/ipv4-header.h>
#include <ns3/ipv4.h>
#include <ns3/packet.h>

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "network-builder.h"
#include "vantage/core/prefix-map.h"
#include "vantage/core/result.h"
#include "vantage/exporter/flow-log-meter.h"
#include "vantage/model/topology.h"
#include "vantage/sim/simulation.h"
#include "vantage/wire/packet-decoder.h"

namespace vantage::sim {

/// @brief What a flow-log point needs from the topology besides its settings.
struct FlowLogSetup {
  wire::flowlog::Settings settings;
  uint64_t seed = 0;
  std::string zone;                    ///< the point's node's zone
  std::optional<core::IpPrefix> vpc;   ///< the zone's first IPv4 CIDR (AWS: VPC+2 resolver)
  std::vector<std::string> resolvers;  ///< dns servers in the zone: the provider's resolver
  core::PrefixMap<int> trafficPaths;   ///< AWS traffic-path by destination (IPv4 zone CIDRs)
  bool natInZone = false;  ///< a NAT gateway in the zone (AWS traffic-path 1 to the internet)
  bool nodeIsNat = false;
};

/// @brief The setup of `point` (which has `flowLog`), with provider identities filled in.
FlowLogSetup MakeFlowLogSetup(const model::Topology& topology, const model::CandidatePoint& point,
                              uint64_t seed);

class FlowLogTap {
 public:
  /// @param numbers interface numbers observed (empty = every IP interface of the node)
  static core::Result<std::unique_ptr<FlowLogTap>> Create(
      const FlowLogSetup& setup, const std::string& pointName, const SimNetwork& net,
      const SimNode& node, const std::set<uint32_t>& numbers, int64_t startUnixNs);
  /// @brief A packet arriving on IPv4 interface `ifi` (its verdict is settled before the next
  /// packet: OnDrop may still mark it rejected).
  void OnRx(const ns3::Ptr<const ns3::Packet>& p, uint32_t ifi);
  /// @brief A packet leaving by IPv4 interface `ifi`.
  void OnTx(const ns3::Ptr<const ns3::Packet>& p, uint32_t ifi);
  /// @brief The node's rules dropped the packet with this uid.
  void OnDrop(uint64_t uid);
  /// @brief The node's Firewall "Drop" trace source.
  void OnFirewallDrop(const ns3::Ipv4Header& header, ns3::Ptr<const ns3::Packet> p,
                      const std::string& rule);
  void Advance(core::Timestamp now);
  /// @brief Closes every window and writes DIR/points/NAME.flowlog.
  core::Status Finish(core::Timestamp end, const std::string& outDir);
  /// @brief Every record, in file order (after Finish).
  const std::vector<wire::flowlog::FlowLogRecord>& Records() const { return m_records; }
  FlowLogSummary Summary() const;

 private:
  struct Interface {
    std::string id, instanceId, subnetId;
    ns3::Ipv4Address address;
  };
  FlowLogTap(const FlowLogSetup& setup, const std::string& pointName, int64_t startUnixNs);
  std::optional<exporter::FlowLogPacket> Decode(const ns3::Ptr<const ns3::Packet>& p,
                                                const Interface& itf, bool egress);
  int TrafficPath(ns3::Ipv4Address dst) const;
  void ExcludeReserved(const SimNetwork& net, const SimNode& node);
  void Flush();

  FlowLogSetup m_setup;
  std::string m_point;
  int64_t m_start = 0;
  exporter::FlowLogMeter m_meter;
  wire::PacketDecoder m_decoder;
  std::map<uint32_t, Interface> m_interfaces;  ///< by IPv4 interface index
  std::optional<exporter::FlowLogPacket> m_pending;
  uint64_t m_pendingUid = 0;
  std::vector<wire::flowlog::FlowLogRecord> m_records;
  uint64_t m_bytes = 0;
  bool m_finished = false;
};

}  // namespace vantage::sim
