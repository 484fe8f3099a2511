// NAT44 with port translation as a wrapped routing protocol (see nat-gateway.h).
#include "nat/nat-gateway.h"

#include <ns3/icmpv4.h>
#include <ns3/ipv4-address.h>
#include <ns3/ipv4-route.h>
#include <ns3/node.h>
#include <ns3/simulator.h>
#include <ns3/string.h>
#include <ns3/tcp-header.h>
#include <ns3/trace-source-accessor.h>
#include <ns3/udp-header.h>
#include <ns3/uinteger.h>

#include <algorithm>
#include <cstring>
#include <vector>

#include "observation/ip-checksums.h"
#include "packet-tuple.h"

namespace vantage::sim {

namespace {
// RFC 5382 section 5: transitory connection idle timeout after FIN or RST.
const ns3::Time kTcpTransitory = ns3::Seconds(240);

bool Translatable(const L4Info& l4) {
  if (!l4.ok) return false;
  return l4.protocol == 6 || l4.protocol == 17 || (l4.protocol == 1 && l4.isEcho);
}

/// RFC 768 checksum over the pseudo header and the UDP segment `q`, as the value to force:
/// UdpHeader writes a forced checksum in host byte order (Buffer::WriteU16).
uint16_t UdpChecksumHostOrder(const ns3::Packet& q, const ns3::Ipv4Header& h) {
  std::vector<uint8_t> seg(q.GetSize());
  q.CopyData(seg.data(), static_cast<uint32_t>(seg.size()));
  uint8_t addresses[8];
  h.GetSource().Serialize(addresses);
  h.GetDestination().Serialize(addresses + 4);
  const uint32_t pseudo =
      OnesComplementSum(addresses, sizeof(addresses)) + 17 + static_cast<uint32_t>(seg.size());
  uint16_t ck = FinishChecksum(OnesComplementSum(seg.data(), seg.size(), pseudo));
  if (ck == 0) ck = 0xffff;  // RFC 768: a computed zero is sent as all ones
  const uint8_t wire[2] = {static_cast<uint8_t>(ck >> 8), static_cast<uint8_t>(ck & 0xff)};
  uint16_t hostValue = 0;
  std::memcpy(&hostValue, wire, 2);
  return hostValue;
}
}  // namespace

ns3::TypeId NatGateway::GetTypeId() {
  using ns3::MakeTimeAccessor;
  using ns3::MakeTraceSourceAccessor;
  using ns3::MakeUintegerAccessor;
  static ns3::TypeId tid =
      ns3::TypeId("vantage::sim::NatGateway")
          .SetParent<ns3::Ipv4RoutingProtocol>()
          .SetGroupName("Vantage")
          .AddConstructor<NatGateway>()
          .AddAttribute("NodeName", "Topology node the gateway runs on.", ns3::StringValue(""),
                        ns3::MakeStringAccessor(&NatGateway::m_node), ns3::MakeStringChecker())
          .AddAttribute("PortMin", "Lowest public port handed out (0 counts as 1).",
                        ns3::UintegerValue(1024), MakeUintegerAccessor(&NatGateway::m_portMin),
                        ns3::MakeUintegerChecker<uint16_t>())
          .AddAttribute("PortMax", "Highest public port handed out.", ns3::UintegerValue(65535),
                        MakeUintegerAccessor(&NatGateway::m_portMax),
                        ns3::MakeUintegerChecker<uint16_t>())
          .AddAttribute("TcpTimeout", "Idle timeout of an established TCP binding (RFC 5382).",
                        ns3::TimeValue(ns3::Seconds(7440)),
                        MakeTimeAccessor(&NatGateway::m_tcpTimeout), ns3::MakeTimeChecker())
          .AddAttribute("UdpTimeout", "Idle timeout of a UDP binding (RFC 4787).",
                        ns3::TimeValue(ns3::Seconds(300)),
                        MakeTimeAccessor(&NatGateway::m_udpTimeout), ns3::MakeTimeChecker())
          .AddAttribute("IcmpTimeout", "Idle timeout of an ICMP echo binding.",
                        ns3::TimeValue(ns3::Seconds(60)),
                        MakeTimeAccessor(&NatGateway::m_icmpTimeout), ns3::MakeTimeChecker())
          .AddAttribute("ExportAddress", "Flow export to this address passes from outside.",
                        ns3::Ipv4AddressValue(ns3::Ipv4Address()),
                        ns3::MakeIpv4AddressAccessor(&NatGateway::m_exportAddr),
                        ns3::MakeIpv4AddressChecker())
          .AddAttribute("ExportPort", "UDP port of that export (0: none).", ns3::UintegerValue(0),
                        MakeUintegerAccessor(&NatGateway::m_exportPort),
                        ns3::MakeUintegerChecker<uint16_t>())
          .AddTraceSource("Binding", "A binding was created (natEvent 10) or deleted (11).",
                          MakeTraceSourceAccessor(&NatGateway::m_bindingTrace),
                          "vantage::sim::NatGateway::BindingCallback")
          .AddTraceSource("UnsolicitedDrop", "An inbound packet without a binding was dropped.",
                          MakeTraceSourceAccessor(&NatGateway::m_unsolicitedTrace),
                          "vantage::sim::NatGateway::DropCallback")
          .AddTraceSource("BindingsCreated", "Bindings created so far.",
                          MakeTraceSourceAccessor(&NatGateway::m_created),
                          "ns3::TracedValueCallback::Uint64")
          .AddTraceSource("UnsolicitedDrops", "Unsolicited inbound packets dropped so far.",
                          MakeTraceSourceAccessor(&NatGateway::m_unsolicited),
                          "ns3::TracedValueCallback::Uint64")
          .AddTraceSource("PortExhaustedDrops",
                          "Outbound packets dropped: no free public port, or not translatable.",
                          MakeTraceSourceAccessor(&NatGateway::m_exhausted),
                          "ns3::TracedValueCallback::Uint64");
  return tid;
}

void NatGateway::SetInterfaces(std::vector<ns3::Ptr<ns3::NetDevice>> insideDevices,
                               ns3::Ptr<ns3::NetDevice> outsideDevice,
                               ns3::Ipv4Address publicAddress) {
  m_inside = std::move(insideDevices);
  m_outside = outsideDevice;
  m_public = publicAddress;
}

bool NatGateway::IsInside(ns3::Ptr<const ns3::NetDevice> dev) const {
  return std::any_of(m_inside.begin(), m_inside.end(),
                     [&](const auto& d) { return ns3::PeekPointer(d) == ns3::PeekPointer(dev); });
}

ns3::Time NatGateway::TimeoutOf(const Binding& b) const {
  switch (std::get<0>(b.inside)) {
    case 6: {
      return b.closing ? std::min(m_tcpTimeout, kTcpTransitory) : m_tcpTimeout;
    }
    case 17:
      return m_udpTimeout;
    default:
      return m_icmpTimeout;
  }
}

void NatGateway::Log(core::NatEvent event, const Binding& b) {
  m_bindingTrace(static_cast<int>(event), std::get<0>(b.inside),
                 ns3::Ipv4Address(std::get<1>(b.inside)), std::get<2>(b.inside), m_public,
                 b.publicPort);
}

void NatGateway::DropUnsolicited(const ns3::Ipv4Header& header, ns3::Ptr<const ns3::Packet> p) {
  ++m_unsolicited;
  m_unsolicitedTrace(header, p);
}

NatGateway::Binding* NatGateway::FindOrCreate(uint8_t proto, ns3::Ipv4Address inside,
                                              uint16_t insidePort) {
  InsideKey ik{proto, inside.Get(), insidePort};
  auto it = m_byInside.find(ik);
  if (it != m_byInside.end()) return &m_byOutside[it->second];
  // Endpoint-independent mapping (RFC 4787 REQ-1): one public port per inside endpoint.
  const uint32_t lo = std::max<uint32_t>(m_portMin, 1);
  const uint32_t hi = std::max<uint32_t>(m_portMax, lo);
  const uint32_t span = hi - lo + 1;
  uint32_t& next = m_nextPort.try_emplace(proto, lo).first->second;
  for (uint32_t i = 0; i < span; ++i) {
    uint32_t port = lo + (next - lo + i) % span;
    OutsideKey ok{proto, static_cast<uint16_t>(port)};
    if (m_byOutside.count(ok) != 0) continue;
    next = lo + (port - lo + 1) % span;
    Binding& b = m_byOutside[ok];
    b.inside = ik;
    b.publicPort = static_cast<uint16_t>(port);
    b.lastUsed = ns3::Simulator::Now();
    m_byInside[ik] = ok;
    ++m_created;
    Log(core::NatEvent::kNat44BindingCreate, b);
    ns3::Simulator::Schedule(TimeoutOf(b), &NatGateway::Expire, this, ok);
    return &b;
  }
  ++m_exhausted;
  return nullptr;
}

void NatGateway::Expire(OutsideKey key) {
  auto it = m_byOutside.find(key);
  if (it == m_byOutside.end()) return;
  Binding& b = it->second;
  const ns3::Time due = b.lastUsed + TimeoutOf(b);
  const ns3::Time now = ns3::Simulator::Now();
  if (due > now) {
    ns3::Simulator::Schedule(due - now, &NatGateway::Expire, this, key);
    return;
  }
  Log(core::NatEvent::kNat44BindingDelete, b);
  m_byInside.erase(b.inside);
  m_byOutside.erase(it);
}

ns3::Ptr<ns3::Packet> NatGateway::Rewrite(ns3::Ptr<const ns3::Packet> p,
                                          const ns3::Ipv4Header& oldHeader,
                                          ns3::Ipv4Header& newHeader, bool source,
                                          ns3::Ipv4Address addr, uint16_t port) const {
  ns3::Ptr<ns3::Packet> q = p->Copy();
  newHeader = oldHeader;
  if (source) {
    newHeader.SetSource(addr);
  } else {
    newHeader.SetDestination(addr);
  }
  const bool checksums = ns3::Node::ChecksumEnabled();
  switch (oldHeader.GetProtocol()) {
    case 6: {
      ns3::TcpHeader t;
      q->RemoveHeader(t);
      if (source) {
        t.SetSourcePort(port);
      } else {
        t.SetDestinationPort(port);
      }
      if (checksums) {
        t.EnableChecksums();
        t.InitializeChecksum(newHeader.GetSource(), newHeader.GetDestination(), 6);
      }
      q->AddHeader(t);
      break;
    }
    case 17: {
      ns3::UdpHeader u;
      q->RemoveHeader(u);
      if (source) {
        u.SetSourcePort(port);
      } else {
        u.SetDestinationPort(port);
      }
      u.ForceChecksum(0);  // a stale received checksum would be written back otherwise
      // A deserialized header does not write its length back unchanged (ns-3 3.37 writes 8
      // less); 0 makes it write the real segment length.
      u.ForcePayloadSize(0);
      q->AddHeader(u);
      if (checksums) {
        const uint16_t hostValue = UdpChecksumHostOrder(*q, newHeader);
        q->RemoveHeader(u);
        u.ForcePayloadSize(0);
        u.ForceChecksum(hostValue);
        q->AddHeader(u);
      }
      break;
    }
    case 1: {
      ns3::Icmpv4Header ih;
      q->RemoveHeader(ih);
      ns3::Icmpv4Echo echo;
      q->RemoveHeader(echo);
      echo.SetIdentifier(port);
      q->AddHeader(echo);
      if (checksums) ih.EnableChecksum();
      q->AddHeader(ih);
      break;
    }
    default:
      break;
  }
  return q;
}

bool NatGateway::RouteInput(ns3::Ptr<const ns3::Packet> p, const ns3::Ipv4Header& header,
                            ns3::Ptr<const ns3::NetDevice> idev, UnicastForwardCallback ucb,
                            MulticastForwardCallback mcb, LocalDeliverCallback lcb,
                            ErrorCallback ecb) {
  const ns3::Ipv4Address dst = header.GetDestination();
  if (dst.IsBroadcast() || dst.IsMulticast()) {
    return m_inner->RouteInput(p, header, idev, ucb, mcb, lcb, ecb);
  }
  const bool fromOutside = ns3::PeekPointer(idev) == ns3::PeekPointer(m_outside);
  if (fromOutside) {
    const L4Info l4 = ParseL4(*p, header);
    if (dst == m_public) {
      if (!Translatable(l4)) return m_inner->RouteInput(p, header, idev, ucb, mcb, lcb, ecb);
      auto it = m_byOutside.find({l4.protocol, l4.dstPort});
      if (it == m_byOutside.end()) {
        DropUnsolicited(header, p);
        return true;  // dropped: no binding
      }
      Binding& b = it->second;
      b.lastUsed = ns3::Simulator::Now();
      if (l4.protocol == 6 && (l4.tcpFlags & 0x05) != 0) b.closing = true;
      ns3::Ipv4Header nh;
      ns3::Ptr<ns3::Packet> q = Rewrite(
          p, header, nh, false, ns3::Ipv4Address(std::get<1>(b.inside)), std::get<2>(b.inside));
      return m_inner->RouteInput(q, nh, idev, ucb, mcb, lcb, ecb);
    }
    if (l4.protocol == 17 && m_exportPort != 0 && dst == m_exportAddr &&
        l4.dstPort == m_exportPort) {
      return m_inner->RouteInput(p, header, idev, ucb, mcb, lcb, ecb);
    }
    // Anything else from outside may go on unless it heads for an inside network.
    UnicastForwardCallback guard = [this, ucb](ns3::Ptr<ns3::Ipv4Route> route,
                                               ns3::Ptr<const ns3::Packet> pkt,
                                               const ns3::Ipv4Header& h) {
      if (IsInside(route->GetOutputDevice())) {
        DropUnsolicited(h, pkt);
        return;
      }
      ucb(route, pkt, h);
    };
    return m_inner->RouteInput(p, header, idev, guard, mcb, lcb, ecb);
  }
  if (!IsInside(idev)) return m_inner->RouteInput(p, header, idev, ucb, mcb, lcb, ecb);

  UnicastForwardCallback translate = [this, ucb](ns3::Ptr<ns3::Ipv4Route> route,
                                                 ns3::Ptr<const ns3::Packet> pkt,
                                                 const ns3::Ipv4Header& h) {
    if (ns3::PeekPointer(route->GetOutputDevice()) != ns3::PeekPointer(m_outside)) {
      ucb(route, pkt, h);
      return;
    }
    const L4Info l4 = ParseL4(*pkt, h);
    if (!Translatable(l4) || (l4.protocol == 1 && l4.icmpType != 8)) {
      ++m_exhausted;  // not translatable: dropped like a full port range would
      return;
    }
    Binding* b = FindOrCreate(l4.protocol, h.GetSource(), l4.srcPort);
    if (b == nullptr) return;
    b->lastUsed = ns3::Simulator::Now();
    if (l4.protocol == 6 && (l4.tcpFlags & 0x05) != 0) b->closing = true;
    m_history[{l4.protocol, h.GetSource().Get(), l4.srcPort, h.GetDestination().Get()}] =
        b->publicPort;
    ns3::Ipv4Header nh;
    ns3::Ptr<ns3::Packet> q = Rewrite(pkt, h, nh, true, m_public, b->publicPort);
    ucb(route, q, nh);
  };
  return m_inner->RouteInput(p, header, idev, translate, mcb, lcb, ecb);
}

std::optional<std::pair<ns3::Ipv4Address, uint16_t>> NatGateway::Lookup(
    uint8_t protocol, ns3::Ipv4Address inside, uint16_t insidePort, ns3::Ipv4Address dst) const {
  auto it = m_history.find({protocol, inside.Get(), insidePort, dst.Get()});
  if (it == m_history.end()) return std::nullopt;
  return std::make_pair(m_public, it->second);
}

}  // namespace vantage::sim
