// A NAT44 gateway with port translation (PAT), as a wrapped routing protocol: packets from an
// inside interface that leave through the outside interface get the public address and a
// public port (ICMP echo: identifier) from the binding table; replies to the public address
// are translated back; unsolicited inbound packets are dropped. Bindings expire after the
// configured idle timeouts; every binding created or deleted is logged (RFC 8158 natEvent 10
// and 11).
#pragma once

#include <ns3/event-id.h>
#include <ns3/nstime.h>

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "network-builder.h"
#include "routing-wrapper.h"

namespace vantage::sim {

class NatGateway : public RoutingWrapper {
 public:
  static ns3::TypeId GetTypeId();
  NatGateway() = default;

  void Configure(const model::Nat& config, std::string nodeName,
                 std::vector<ns3::Ptr<ns3::NetDevice>> insideDevices,
                 ns3::Ptr<ns3::NetDevice> outsideDevice, ns3::Ipv4Address publicAddress,
                 SimLogs* logs, int64_t startUnixNs);

  /// @brief Export to the collector (address, UDP port) passes from outside untranslated
  /// (a management path).
  void AllowExportTo(ns3::Ipv4Address collector, uint16_t port) {
    m_exportAddr = collector;
    m_exportPort = port;
  }

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
  void Log(int event, const Binding& b);
  bool IsInside(ns3::Ptr<const ns3::NetDevice> dev) const;

  std::string m_node;
  model::Nat m_config;
  std::vector<ns3::Ptr<ns3::NetDevice>> m_inside;
  ns3::Ptr<ns3::NetDevice> m_outside;
  ns3::Ipv4Address m_public;
  SimLogs* m_logs = nullptr;
  int64_t m_startUnixNs = 0;
  std::map<InsideKey, OutsideKey> m_byInside;
  std::map<OutsideKey, Binding> m_byOutside;
  std::map<uint8_t, uint32_t> m_nextPort;  ///< next port to try, per protocol
  std::map<HistoryKey, uint16_t> m_history;
  ns3::Ipv4Address m_exportAddr;
  uint16_t m_exportPort = 0;
  uint64_t m_created = 0;
  uint64_t m_unsolicited = 0;
  uint64_t m_exhausted = 0;
};

}  // namespace vantage::sim
