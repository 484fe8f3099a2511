// Stateful zone firewall as a wrapped routing protocol (see firewall.h).
#include "firewall/firewall.h"

#include <ns3/simulator.h>

#include "packet-tuple.h"

namespace vantage::sim {

namespace {
// Connection state is forgotten after this long without a packet.
const ns3::Time kConnIdle = ns3::Seconds(300);
}  // namespace

ns3::TypeId Firewall::GetTypeId() {
  static ns3::TypeId tid = ns3::TypeId("vantage::sim::Firewall")
                               .SetParent<ns3::Ipv4RoutingProtocol>()
                               .SetGroupName("Vantage")
                               .AddConstructor<Firewall>();
  return tid;
}

void Firewall::Configure(std::string nodeName, std::vector<model::FirewallRule> rules,
                         bool defaultAllow, std::function<std::string(ns3::Ipv4Address)> zoneOf,
                         SimLogs* logs, int64_t startUnixNs) {
  m_node = std::move(nodeName);
  m_rules = std::move(rules);
  m_defaultAllow = defaultAllow;
  m_zoneOf = std::move(zoneOf);
  m_logs = logs;
  m_startUnixNs = startUnixNs;
}

void Firewall::AllowExportTo(ns3::Ipv4Address collector, uint16_t port) {
  m_exportAddr = collector;
  m_exportPort = port;
}

void Firewall::FilterLocalDelivery() {
  m_filterLocal = true;
  // The node's own packets open connections whose replies pass (security groups are stateful).
  if (m_ipv4)
    m_ipv4->TraceConnectWithoutContext("Tx", ns3::MakeCallback(&Firewall::OnLocalTx, this));
}

void Firewall::AddDropListener(std::function<void(uint64_t)> listener) {
  m_dropListeners.push_back(std::move(listener));
}

void Firewall::OnLocalTx(ns3::Ptr<const ns3::Packet> p, ns3::Ptr<ns3::Ipv4>, uint32_t) {
  ns3::Ptr<ns3::Packet> copy = p->Copy();
  ns3::Ipv4Header h;
  if (copy->RemoveHeader(h) == 0) return;
  const L4Info l4 = ParseL4(*copy, h);
  m_conns[ConnKey{l4.protocol, h.GetSource().Get(), l4.srcPort, h.GetDestination().Get(),
                  l4.dstPort}] = ns3::Simulator::Now();
}

bool Firewall::RouteInput(ns3::Ptr<const ns3::Packet> p, const ns3::Ipv4Header& header,
                          ns3::Ptr<const ns3::NetDevice> idev, UnicastForwardCallback ucb,
                          MulticastForwardCallback mcb, LocalDeliverCallback lcb,
                          ErrorCallback ecb) {
  const ns3::Ipv4Address dst = header.GetDestination();
  // Packets for the firewall itself, broadcast and multicast are not filtered.
  if (dst.IsBroadcast() || dst.IsMulticast() || !m_ipv4 ||
      (!m_filterLocal && m_ipv4->IsDestinationAddress(dst, m_ipv4->GetInterfaceForDevice(idev)))) {
    return m_inner->RouteInput(p, header, idev, ucb, mcb, lcb, ecb);
  }
  const L4Info l4 = ParseL4(*p, header);
  const uint32_t src = header.GetSource().Get();
  const ns3::Time now = ns3::Simulator::Now();
  ConnKey fwd{l4.protocol, src, l4.srcPort, dst.Get(), l4.dstPort};
  ConnKey rev{l4.protocol, dst.Get(), l4.dstPort, src, l4.srcPort};
  auto pass = [&]() { return m_inner->RouteInput(p, header, idev, ucb, mcb, lcb, ecb); };

  for (const ConnKey* k : {&fwd, &rev}) {
    auto it = m_conns.find(*k);
    if (it != m_conns.end() && now - it->second <= kConnIdle) {
      it->second = now;
      return pass();
    }
  }
  if (l4.protocol == 17 && dst == m_exportAddr && l4.dstPort == m_exportPort) return pass();
  // ICMP errors about a known connection are related traffic and pass (RFC 5382 REQ-9).
  if (l4.protocol == 1 && l4.ok && (l4.icmpType == 3 || l4.icmpType == 11 || l4.icmpType == 12)) {
    uint8_t b[68] = {};
    const uint32_t n = p->CopyData(b, sizeof(b));
    const uint32_t ihl = (b[8] & 0x0fu) * 4u;
    if (n >= 8 + 20 && ihl >= 20 && n >= 8 + ihl + 4) {
      auto u32 = [&](uint32_t o) {
        return (uint32_t{b[o]} << 24) | (uint32_t{b[o + 1]} << 16) | (uint32_t{b[o + 2]} << 8) |
               b[o + 3];
      };
      const uint8_t eproto = b[8 + 9];
      const uint32_t esrc = u32(8 + 12), edst = u32(8 + 16);
      const uint32_t po = 8 + ihl;
      uint16_t esport = 0, edport = 0;
      if (eproto == 6 || eproto == 17) {
        esport = static_cast<uint16_t>((b[po] << 8) | b[po + 1]);
        edport = static_cast<uint16_t>((b[po + 2] << 8) | b[po + 3]);
      } else if (eproto == 1 && n >= po + 6) {
        esport = edport = static_cast<uint16_t>((b[po + 4] << 8) | b[po + 5]);
      }
      for (const ConnKey& k : {ConnKey{eproto, esrc, esport, edst, edport},
                               ConnKey{eproto, edst, edport, esrc, esport}}) {
        auto it = m_conns.find(k);
        if (it != m_conns.end() && now - it->second <= kConnIdle) return pass();
      }
    }
  }
  // ICMP errors and echo replies without state are judged by the rules like anything else.
  const std::string fromZone = m_zoneOf(header.GetSource());
  const std::string toZone = m_zoneOf(dst);
  bool allow = m_defaultAllow;
  std::string ruleName = "default";
  for (const auto& r : m_rules) {
    if (r.fromZone != "any" && r.fromZone != fromZone) continue;
    if (r.toZone != "any" && r.toZone != toZone) continue;
    if (r.protocol != 0 && r.protocol != l4.protocol) continue;
    if (!(r.portMin == 0 && r.portMax == 0) && l4.protocol != 1) {
      if (!l4.ok || l4.dstPort < r.portMin || l4.dstPort > r.portMax) continue;
    }
    allow = r.allow;
    ruleName = r.name.empty() ? std::string("rule-line-") + std::to_string(r.line) : r.name;
    break;
  }
  if (allow) {
    ++m_allowed;
    m_conns[fwd] = now;
    return pass();
  }
  ++m_drops;
  for (const auto& l : m_dropListeners) l(p->GetUid());
  if (m_logs != nullptr) {
    FirewallDrop d;
    d.timeNs = m_startUnixNs + now.GetNanoSeconds();
    d.node = m_node;
    d.rule = ruleName;
    d.protocol = l4.protocol;
    d.srcIp = header.GetSource();
    d.dstIp = dst;
    d.srcPort = l4.srcPort;
    d.dstPort = l4.dstPort;
    m_logs->firewallDrops.push_back(std::move(d));
  }
  return true;  // consumed: dropped
}

}  // namespace vantage::sim
