// A NAT44 gateway with port translation (PAT), as a wrapped routing protocol: packets from an
// inside interface that leave through the outside interface get the public address and a
// public port (ICMP echo: identifier) from the binding table; replies to the public address
// are translated back; unsolicited inbound packets are dropped. Bindings expire after the
// configured idle timeouts; every binding created or deleted is reported on the "Binding"
// trace source (RFC 8158 natEvent 10 and 11; the run directory's nat_events.csv hooks it).
//
//   Ptr<NatGateway> gw = CreateObject<NatGateway>();
//   gw->SetAttribute("UdpTimeout", TimeValue(Seconds(300)));
//   gw->SetInterfaces(insideDevices, outsideDevice, publicAddress);
//   gw->TraceConnectWithoutContext("UnsolicitedDrop", MakeCallback(&OnDrop));
//   gw->SetInner(ipv4->GetRoutingProtocol());
//   ipv4->SetRoutingProtocol(gw);
#pragma once

#include <ns3/event-id.h>
#include <ns3/ipv4-address.h>
#include <ns3/net-device.h>
#include <ns3/nstime.h>
#include <ns3/traced-callback.h>
#include <ns3/traced-value.h>

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "routing-wrapper.h"
#include "vantage/core/flow.h"

namespace vantage::sim {

class NatGateway : public RoutingWrapper {
 public:
  /// @brief Attributes: NodeName, PortMin, PortMax, TcpTimeout, UdpTimeout, IcmpTimeout,
  /// ExportAddress and ExportPort (export to the collector passes from outside untranslated, a
  /// management path). Trace sources: Binding (natEvent and the binding), UnsolicitedDrop
  /// (header, packet), and the counters BindingsCreated, UnsolicitedDrops, PortExhaustedDrops.
  static ns3::TypeId GetTypeId();
  NatGateway() = default;

  /// @brief Signature of the "Binding" trace source: RFC 8158 natEvent (10 create, 11 delete),
  /// protocol, inside address and port, outside address and port.
  using BindingCallback = void (*)(int natEvent, uint8_t protocol, ns3::Ipv4Address insideIp,
                                   uint16_t insidePort, ns3::Ipv4Address outsideIp,
                                   uint16_t outsidePort);
  /// @brief Signature of the "UnsolicitedDrop" trace source.
  using DropCallback = void (*)(const ns3::Ipv4Header& header, ns3::Ptr<const ns3::Packet> packet);

  /// @brief Which devices are inside and outside, and the public address of the outside one.
  void SetInterfaces(std::vector<ns3::Ptr<ns3::NetDevice>> insideDevices,
                     ns3::Ptr<ns3::NetDevice> outsideDevice, ns3::Ipv4Address publicAddress);

  bool RouteInput(ns3::Ptr<const ns3::Packet> p, const ns3::Ipv4Header& header,
                  ns3::Ptr<const ns3::NetDevice> idev, UnicastForwardCallback ucb,
                  MulticastForwardCallback mcb, LocalDeliverCallback lcb,
                  ErrorCallback ecb) override;

  /// @brief The public (address, port) a flow from (protocol, inside address, port) to `dst`
  /// left with, if it crossed this gateway.
  std::optional<std::pair<ns3::Ipv4Address, uint16_t>> Lookup(uint8_t protocol,
                                                              ns3::Ipv4Address inside,
                                                              uint16_t insidePort,
                                                              ns3::Ipv4Address dst) const;
  ns3::Ipv4Address PublicAddress() const { return m_public; }
  const std::string& NodeName() const { return m_node; }
  size_t ActiveBindings() const { return m_byInside.size(); }
  uint64_t BindingsCreated() const { return m_created; }
  uint64_t UnsolicitedDrops() const { return m_unsolicited; }
  uint64_t PortExhaustedDrops() const { return m_exhausted; }

 private:
  using InsideKey = std::tuple<uint8_t, uint32_t, uint16_t>;  // proto, inside addr, port
  using OutsideKey = std::pair<uint8_t, uint16_t>;            // proto, public port
  using HistoryKey = std::tuple<uint8_t, uint32_t, uint16_t, uint32_t>;
  struct Binding {
    InsideKey inside;
    uint16_t publicPort = 0;
    ns3::Time lastUsed;
    bool closing = false;  ///< TCP FIN or RST seen: transitory timeout
  };

  ns3::Ptr<ns3::Packet> Rewrite(ns3::Ptr<const ns3::Packet> p, const ns3::Ipv4Header& oldHeader,
                                ns3::Ipv4Header& newHeader, bool source, ns3::Ipv4Address addr,
                                uint16_t port) const;
  Binding* FindOrCreate(uint8_t proto, ns3::Ipv4Address inside, uint16_t insidePort);
  ns3::Time TimeoutOf(const Binding& b) const;
  void Expire(OutsideKey key);
  void Log(core::NatEvent event, const Binding& b);
  bool IsInside(ns3::Ptr<const ns3::NetDevice> dev) const;
  void DropUnsolicited(const ns3::Ipv4Header& header, ns3::Ptr<const ns3::Packet> p);

  std::string m_node;
  uint16_t m_portMin = 1024;
  uint16_t m_portMax = 65535;
  ns3::Time m_tcpTimeout;
  ns3::Time m_udpTimeout;
  ns3::Time m_icmpTimeout;
  std::vector<ns3::Ptr<ns3::NetDevice>> m_inside;
  ns3::Ptr<ns3::NetDevice> m_outside;
  ns3::Ipv4Address m_public;
  std::map<InsideKey, OutsideKey> m_byInside;
  std::map<OutsideKey, Binding> m_byOutside;
  std::map<uint8_t, uint32_t> m_nextPort;  ///< next port to try, per protocol
  std::map<HistoryKey, uint16_t> m_history;
  ns3::Ipv4Address m_exportAddr;
  uint16_t m_exportPort = 0;
  ns3::TracedCallback<int, uint8_t, ns3::Ipv4Address, uint16_t, ns3::Ipv4Address, uint16_t>
      m_bindingTrace;
  ns3::TracedCallback<const ns3::Ipv4Header&, ns3::Ptr<const ns3::Packet>> m_unsolicitedTrace;
  ns3::TracedValue<uint64_t> m_created = 0;
  ns3::TracedValue<uint64_t> m_unsolicited = 0;
  ns3::TracedValue<uint64_t> m_exhausted = 0;
};

}  // namespace vantage::sim
