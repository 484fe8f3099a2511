// Ground truth per flow, counted at the initiating host's IP layer: the tracker hooks the
// Ipv4L3Protocol "Tx" and "Rx" traces of every node that starts flows and adds each packet's
// IP total length (not the frame's padding) to the flow with its 5-tuple (seen from the
// initiator).
//
//   FlowTracker tracker(&map, &truth, startUnixNs);
//   size_t f = tracker.Open(info);          // before the first packet is sent
//   ...                                     // packets are counted as the simulation runs
//   tracker.Close(f);                       // the application is done (NAT lookup)
//   tracker.Finish();                       // after Simulator::Run(): all flows to the log
#pragma once

#include <ns3/ipv4.h>
#include <ns3/packet.h>

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "network-map.h"

namespace vantage::sim::detail {

/// @brief A flow's identity from its initiator's point of view. ICMP echo: localPort is the
/// echo identifier, remotePort 0.
struct LocalFlowKey {
  uint32_t local = 0, remote = 0;
  uint16_t localPort = 0, remotePort = 0;
  uint8_t protocol = 0;
  bool operator==(const LocalFlowKey& o) const {
    return local == o.local && remote == o.remote && localPort == o.localPort &&
           remotePort == o.remotePort && protocol == o.protocol;
  }
};

struct LocalFlowKeyHash {
  size_t operator()(const LocalFlowKey& k) const {
    uint64_t h = (static_cast<uint64_t>(k.local) << 32) ^ k.remote;
    h ^= (static_cast<uint64_t>(k.localPort) << 40) ^ (static_cast<uint64_t>(k.remotePort) << 16) ^
         k.protocol;
    h *= 0x9E3779B97F4A7C15ULL;
    return static_cast<size_t>(h ^ (h >> 29));
  }
};

/// @brief What an application knows when it opens a flow.
struct FlowInfo {
  const SimHost* src = nullptr;
  const SimHost* dst = nullptr;  ///< null when the destination is not a simulated host
  std::string dstGroup;          ///< used when dst is null
  ns3::Ipv4Address dstIp;
  uint8_t protocol = 6;
  uint16_t srcPort = 0;  ///< ICMP: echo identifier (written as 0 in ground truth)
  uint16_t dstPort = 0;  ///< ICMP: ignored (written as 2048, echo request type 8 code 0)
  std::string label;
  std::string behaviour;
};

class FlowTracker;

/// @brief Trace sink on one node's Ipv4L3Protocol.
class NodeTap {
 public:
  NodeTap(FlowTracker* tracker, ns3::Ptr<ns3::Node> node);
  ~NodeTap();
  NodeTap(const NodeTap&) = delete;
  NodeTap& operator=(const NodeTap&) = delete;

  void OnTx(ns3::Ptr<const ns3::Packet> packet, ns3::Ptr<ns3::Ipv4> ipv4, uint32_t interface);
  void OnRx(ns3::Ptr<const ns3::Packet> packet, ns3::Ptr<ns3::Ipv4> ipv4, uint32_t interface);

  std::unordered_map<LocalFlowKey, size_t, LocalFlowKeyHash> flows;

 private:
  void Count(ns3::Ptr<const ns3::Packet> packet, bool tx);
  FlowTracker* m_tracker;
  ns3::Ptr<ns3::Node> m_node;
  bool m_connected = false;
};

class FlowTracker {
 public:
  FlowTracker(const NetworkMap* network, GroundTruthLog* truth, int64_t startUnixNs);
  ~FlowTracker();

  /// @brief Registers a flow (assigns its ground-truth id). Call before its first packet.
  size_t Open(const FlowInfo& info);
  /// @brief The application is done with the flow: resolves the NAT address if not yet known.
  void Close(size_t flow);
  /// @brief Adds every flow to the ground-truth log, in id order.
  void Finish();

  uint64_t FlowCount() const { return m_flows.size(); }
  const GroundTruthFlow& Flow(size_t i) const { return m_flows[i].truth; }

 private:
  friend class NodeTap;
  struct Entry {
    GroundTruthFlow truth;
    uint16_t natPort = 0;  ///< inside port used for the NAT lookup (ICMP identifier)
    bool natDone = false;
    bool seen = false;
  };
  void OnPacket(size_t flow, bool fwd, uint32_t bytes);
  void ResolveNat(Entry& e);

  const NetworkMap* m_network;
  GroundTruthLog* m_truth;
  int64_t m_startUnixNs;
  std::map<uint32_t, std::unique_ptr<NodeTap>> m_taps;  // by node id
  std::vector<Entry> m_flows;
  bool m_finished = false;
};

}  // namespace vantage::sim::detail
