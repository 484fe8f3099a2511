// Ground-truth flow accounting at the initiating host's IP layer.
#include "traffic/flow-tracker.h"

#include <ns3/ipv4-l3-protocol.h>
#include <ns3/node.h>
#include <ns3/simulator.h>

#include <algorithm>

namespace vantage::sim::detail {

namespace {

uint32_t Be32(const uint8_t* p) {
  return (static_cast<uint32_t>(p[0]) << 24) | (static_cast<uint32_t>(p[1]) << 16) |
         (static_cast<uint32_t>(p[2]) << 8) | p[3];
}
uint16_t Be16(const uint8_t* p) {
  return static_cast<uint16_t>((p[0] << 8) | p[1]);
}

constexpr uint8_t kIcmpEchoReply = 0;
constexpr uint8_t kIcmpEchoRequest = 8;

}  // namespace

NodeTap::NodeTap(FlowTracker* tracker, ns3::Ptr<ns3::Node> node)
    : m_tracker(tracker), m_node(node) {
  auto l3 = node->GetObject<ns3::Ipv4L3Protocol>();
  if (l3) {
    l3->TraceConnectWithoutContext("Tx", ns3::MakeCallback(&NodeTap::OnTx, this));
    l3->TraceConnectWithoutContext("Rx", ns3::MakeCallback(&NodeTap::OnRx, this));
    m_connected = true;
  }
}

NodeTap::~NodeTap() {
  if (!m_connected) return;
  auto l3 = m_node->GetObject<ns3::Ipv4L3Protocol>();
  if (l3) {
    l3->TraceDisconnectWithoutContext("Tx", ns3::MakeCallback(&NodeTap::OnTx, this));
    l3->TraceDisconnectWithoutContext("Rx", ns3::MakeCallback(&NodeTap::OnRx, this));
  }
}

void NodeTap::OnTx(ns3::Ptr<const ns3::Packet> packet, ns3::Ptr<ns3::Ipv4>, uint32_t) {
  Count(packet, true);
}

void NodeTap::OnRx(ns3::Ptr<const ns3::Packet> packet, ns3::Ptr<ns3::Ipv4>, uint32_t) {
  Count(packet, false);
}

void NodeTap::Count(ns3::Ptr<const ns3::Packet> packet, bool tx) {
  if (flows.empty()) return;
  uint8_t buf[68];
  uint32_t n = packet->CopyData(buf, sizeof(buf));
  if (n < 20 || (buf[0] >> 4) != 4) return;
  uint32_t ihl = (buf[0] & 0x0f) * 4u;
  uint16_t fragOffset = Be16(buf + 6) & 0x1fff;
  if (ihl < 20 || fragOffset != 0) return;
  LocalFlowKey key;
  key.protocol = buf[9];
  uint32_t src = Be32(buf + 12), dst = Be32(buf + 16);
  key.local = tx ? src : dst;
  key.remote = tx ? dst : src;
  if (key.protocol == 6 || key.protocol == 17) {
    if (n < ihl + 4) return;
    uint16_t sp = Be16(buf + ihl), dp = Be16(buf + ihl + 2);
    key.localPort = tx ? sp : dp;
    key.remotePort = tx ? dp : sp;
  } else if (key.protocol == 1) {
    if (n < ihl + 8) return;
    uint8_t type = buf[ihl];
    if (type != (tx ? kIcmpEchoRequest : kIcmpEchoReply)) return;
    key.localPort = Be16(buf + ihl + 4);
  } else {
    return;
  }
  auto it = flows.find(key);
  if (it == flows.end()) return;
  // The IP total length, as exporters count (IPFIX octetDeltaCount): an Rx packet still carries
  // the link's padding (a 40-byte TCP RST arrives from CSMA as the 46-byte minimum payload).
  const uint32_t totalLength = Be16(buf + 2);
  const uint32_t size = packet->GetSize();
  m_tracker->OnPacket(it->second, tx,
                      totalLength >= ihl && totalLength <= size ? totalLength : size);
}

FlowTracker::FlowTracker(const NetworkMap* network, GroundTruthLog* truth, int64_t startUnixNs)
    : m_network(network), m_truth(truth), m_startUnixNs(startUnixNs) {}

FlowTracker::~FlowTracker() = default;

size_t FlowTracker::Open(const FlowInfo& info) {
  auto& tap = m_taps[info.src->node->GetId()];
  if (!tap) tap = std::make_unique<NodeTap>(this, info.src->node);
  Entry e;
  GroundTruthFlow& t = e.truth;
  t.id = m_truth->NextId();
  t.label = info.label;
  t.behaviour = info.behaviour;
  t.srcHost = info.src->name;
  t.srcGroup = info.src->group;
  if (info.dst) {
    t.dstHost = info.dst->name;
    t.dstGroup = info.dst->group;
  } else {
    t.dstGroup = info.dstGroup;
  }
  t.srcIp = info.src->address;
  t.dstIp = info.dstIp;
  t.protocol = info.protocol;
  if (info.protocol == 1) {
    t.srcPort = 0;
    t.dstPort = static_cast<uint16_t>(kIcmpEchoRequest << 8);
  } else {
    t.srcPort = info.srcPort;
    t.dstPort = info.dstPort;
  }
  e.natPort = info.srcPort;
  t.criticalAsset = info.src->criticalAsset;
  if (t.criticalAsset.empty() && info.dst) t.criticalAsset = info.dst->criticalAsset;
  t.startNs = t.endNs = m_startUnixNs + ns3::Simulator::Now().GetNanoSeconds();

  LocalFlowKey key;
  key.protocol = info.protocol;
  key.local = info.src->address.Get();
  key.remote = info.dstIp.Get();
  key.localPort = info.srcPort;
  key.remotePort = info.protocol == 1 ? 0 : info.dstPort;
  size_t index = m_flows.size();
  m_flows.push_back(std::move(e));
  // A reused 5-tuple belongs to the newest flow from now on.
  tap->flows[key] = index;
  return index;
}

void FlowTracker::OnPacket(size_t flow, bool fwd, uint32_t bytes) {
  Entry& e = m_flows[flow];
  int64_t now = m_startUnixNs + ns3::Simulator::Now().GetNanoSeconds();
  if (!e.seen) {
    e.truth.startNs = now;
    e.seen = true;
  }
  e.truth.endNs = now;
  if (fwd) {
    ++e.truth.packetsFwd;
    e.truth.bytesFwd += bytes;
  } else {
    ++e.truth.packetsRev;
    e.truth.bytesRev += bytes;
    // The binding surely exists while replies arrive; it may time out before the end.
    if (!e.natDone) ResolveNat(e);
  }
}

void FlowTracker::ResolveNat(Entry& e) {
  if (!m_network || !m_network->natLookup) {
    e.natDone = true;
    return;
  }
  auto nat = m_network->natLookup(e.truth.protocol, e.truth.srcIp, e.natPort, e.truth.dstIp);
  if (nat) {
    e.truth.nat = nat;
    e.natDone = true;
  }
}

void FlowTracker::Close(size_t flow) {
  Entry& e = m_flows[flow];
  if (!e.natDone) ResolveNat(e);
}

void FlowTracker::Finish() {
  if (m_finished) return;
  m_finished = true;
  for (auto& e : m_flows) {
    if (!e.natDone) ResolveNat(e);
    m_truth->Add(e.truth);
  }
  m_taps.clear();
}

}  // namespace vantage::sim::detail
