// A routing protocol that wraps a node's own (global/static list routing) and forwards every
// call to it; firewalls and NAT gateways override RouteInput (ns-3 3.37 has no netfilter hook).
#pragma once

#include <ns3/ipv4-routing-protocol.h>
#include <ns3/ipv4.h>

namespace vantage::sim {

class RoutingWrapper : public ns3::Ipv4RoutingProtocol {
 public:
  void SetInner(ns3::Ptr<ns3::Ipv4RoutingProtocol> inner) { m_inner = inner; }
  ns3::Ptr<ns3::Ipv4RoutingProtocol> Inner() const { return m_inner; }

  ns3::Ptr<ns3::Ipv4Route> RouteOutput(ns3::Ptr<ns3::Packet> p, const ns3::Ipv4Header& header,
                                       ns3::Ptr<ns3::NetDevice> oif,
                                       ns3::Socket::SocketErrno& sockerr) override {
    return m_inner->RouteOutput(p, header, oif, sockerr);
  }
  bool RouteInput(ns3::Ptr<const ns3::Packet> p, const ns3::Ipv4Header& header,
                  ns3::Ptr<const ns3::NetDevice> idev, UnicastForwardCallback ucb,
                  MulticastForwardCallback mcb, LocalDeliverCallback lcb,
                  ErrorCallback ecb) override {
    return m_inner->RouteInput(p, header, idev, ucb, mcb, lcb, ecb);
  }
  void NotifyInterfaceUp(uint32_t i) override { m_inner->NotifyInterfaceUp(i); }
  void NotifyInterfaceDown(uint32_t i) override { m_inner->NotifyInterfaceDown(i); }
  void NotifyAddAddress(uint32_t i, ns3::Ipv4InterfaceAddress a) override {
    m_inner->NotifyAddAddress(i, a);
  }
  void NotifyRemoveAddress(uint32_t i, ns3::Ipv4InterfaceAddress a) override {
    m_inner->NotifyRemoveAddress(i, a);
  }
  // The inner protocol already knows the Ipv4 object (it was installed with the stack).
  void SetIpv4(ns3::Ptr<ns3::Ipv4> ipv4) override { m_ipv4 = ipv4; }
  void PrintRoutingTable(ns3::Ptr<ns3::OutputStreamWrapper> stream,
                         ns3::Time::Unit unit) const override {
    m_inner->PrintRoutingTable(stream, unit);
  }

 protected:
  void DoDispose() override {
    m_inner = nullptr;
    m_ipv4 = nullptr;
    ns3::Ipv4RoutingProtocol::DoDispose();
  }
  ns3::Ptr<ns3::Ipv4RoutingProtocol> m_inner;
  ns3::Ptr<ns3::Ipv4> m_ipv4;
};

}  // namespace vantage::sim
