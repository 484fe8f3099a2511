// Stateful zone firewall as a wrapped routing protocol (see firewall.h).
#include "firewall/firewall.h"

#include <ns3/boolean.h>
#include <ns3/ipv4-address.h>
#include <ns3/simulator.h>
#include <ns3/string.h>
#include <ns3/trace-source-accessor.h>
#include <ns3/uinteger.h>

#include "packet-tuple.h"

namespace vantage::sim {

ns3::TypeId Firewall::GetTypeId() {
  static ns3::TypeId tid =
      ns3::TypeId("vantage::sim::Firewall")
          .SetParent<ns3::Ipv4RoutingProtocol>()
          .SetGroupName("Vantage")
          .AddConstructor<Firewall>()
          .AddAttribute("NodeName", "Topology node the firewall runs on (names its log lines).",
                        ns3::StringValue(""), ns3::MakeStringAccessor(&Firewall::m_node),
                        ns3::MakeStringChecker())
          .AddAttribute(
              "DefaultAllow", "Whether packets no rule matches pass.", ns3::BooleanValue(false),
              ns3::MakeBooleanAccessor(&Firewall::m_defaultAllow), ns3::MakeBooleanChecker())
          .AddAttribute("ConnectionIdleTimeout",
                        "Connection state is forgotten after this long without a packet.",
                        ns3::TimeValue(ns3::Seconds(300)),
                        ns3::MakeTimeAccessor(&Firewall::m_connIdle), ns3::MakeTimeChecker())
          .AddAttribute("ExportAddress", "Flow export to this address always passes.",
                        ns3::Ipv4AddressValue(ns3::Ipv4Address()),
                        ns3::MakeIpv4AddressAccessor(&Firewall::m_exportAddr),
                        ns3::MakeIpv4AddressChecker())
          .AddAttribute("ExportPort", "UDP port of the flow export that always passes (0: none).",
                        ns3::UintegerValue(0), ns3::MakeUintegerAccessor(&Firewall::m_exportPort),
                        ns3::MakeUintegerChecker<uint16_t>())
          .AddTraceSource("Drop", "A packet the rules denied (header, packet from L4, rule).",
                          ns3::MakeTraceSourceAccessor(&Firewall::m_dropTrace),
                          "vantage::sim::Firewall::DropCallback")
          .AddTraceSource("Drops", "Packets dropped so far.",
                          ns3::MakeTraceSourceAccessor(&Firewall::m_drops),
                          "ns3::TracedValueCallback::Uint64")
          .AddTraceSource("Allowed", "New connections the rules allowed so far.",
                          ns3::MakeTraceSourceAccessor(&Firewall::m_allowed),
                          "ns3::TracedValueCallback::Uint64");
  return tid;
}

bool Firewall::Known(const ConnKey& key, ns3::Time now) const {
  auto it = m_conns.find(key);
  return it != m_conns.end() && now - it->second <= m_connIdle;
}

bool Firewall::RelatedIcmpError(const ns3::Packet& p, ns3::Time now) const {
  uint8_t b[68] = {};
  const uint32_t n = p.CopyData(b, sizeof(b));
  const uint32_t ihl = (b[8] & 0x0fu) * 4u;
  if (n < 8 + 20 || ihl < 20 || n < 8 + ihl + 4) return false;
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
  return Known(ConnKey{eproto, esrc, esport, edst, edport}, now) ||
         Known(ConnKey{eproto, edst, edport, esrc, esport}, now);
}

std::pair<bool, std::string> Firewall::Judge(const ns3::Ipv4Header& header, uint8_t protocol,
                                             bool l4ok, uint16_t dstPort) const {
  const std::string fromZone = m_zoneOf(header.GetSource());
  const std::string toZone = m_zoneOf(header.GetDestination());
  for (const auto& r : m_rules) {
    if (r.fromZone != "any" && r.fromZone != fromZone) continue;
    if (r.toZone != "any" && r.toZone != toZone) continue;
    if (r.protocol != 0 && r.protocol != protocol) continue;
    if (!(r.portMin == 0 && r.portMax == 0) && protocol != 1) {
      if (!l4ok || dstPort < r.portMin || dstPort > r.portMax) continue;
    }
    return {r.allow, r.name.empty() ? std::string("rule-line-") + std::to_string(r.line) : r.name};
  }
  return {m_defaultAllow, "default"};
}

void Firewall::FilterLocalDelivery() {
  m_filterLocal = true;
  // The node's own packets open connections whose replies pass (security groups are stateful).
  if (m_ipv4)
    m_ipv4->TraceConnectWithoutContext("Tx", ns3::MakeCallback(&Firewall::OnLocalTx, this));
}

void Firewall::OnLocalTx(ns3::Ptr<const ns3::Packet> p, ns3::Ptr<ns3::Ipv4>, uint32_t) {
  uint32_t src = 0, dst = 0;
  L4Info l4;
  if (!ParseIpv4L4(*p, &src, &dst, &l4)) return;
  m_conns[ConnKey{l4.protocol, src, l4.srcPort, dst, l4.dstPort}] = ns3::Simulator::Now();
}

bool Firewall::RouteInput(ns3::Ptr<const ns3::Packet> p, const ns3::Ipv4Header& header,
                          ns3::Ptr<const ns3::NetDevice> idev, UnicastForwardCallback ucb,
                          MulticastForwardCallback mcb, LocalDeliverCallback lcb,
                          ErrorCallback ecb) {
  const ns3::Ipv4Address dst = header.GetDestination();
  auto pass = [&]() { return m_inner->RouteInput(p, header, idev, ucb, mcb, lcb, ecb); };
  // Packets for the firewall itself (unless it is a security group), broadcast and multicast
  // are not filtered.
  if (dst.IsBroadcast() || dst.IsMulticast() || !m_ipv4 ||
      (!m_filterLocal && m_ipv4->IsDestinationAddress(dst, m_ipv4->GetInterfaceForDevice(idev)))) {
    return pass();
  }
  const L4Info l4 = ParseL4(*p, header);
  const uint32_t src = header.GetSource().Get();
  const ns3::Time now = ns3::Simulator::Now();
  ConnKey fwd{l4.protocol, src, l4.srcPort, dst.Get(), l4.dstPort};
  ConnKey rev{l4.protocol, dst.Get(), l4.dstPort, src, l4.srcPort};
  for (const ConnKey* k : {&fwd, &rev}) {
    if (Known(*k, now)) {
      m_conns[*k] = now;  // the connection stays open while packets flow
      return pass();
    }
  }
  if (l4.protocol == 17 && dst == m_exportAddr && l4.dstPort == m_exportPort) return pass();
  if (l4.protocol == 1 && l4.ok && (l4.icmpType == 3 || l4.icmpType == 11 || l4.icmpType == 12) &&
      RelatedIcmpError(*p, now)) {
    return pass();
  }
  // ICMP errors and echo replies without state are judged by the rules like anything else.
  const auto [allow, rule] = Judge(header, l4.protocol, l4.ok, l4.dstPort);
  if (allow) {
    ++m_allowed;
    m_conns[fwd] = now;
    return pass();
  }
  ++m_drops;
  m_dropTrace(header, p, rule);
  return true;  // consumed: dropped
}

}  // namespace vantage::sim
