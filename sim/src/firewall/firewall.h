// A stateful firewall on a simulated node: the topology's rules (zone to zone, protocol,
// destination port; first match wins; then the default) decide new connections; replies of
// allowed connections pass. Denied packets are dropped and logged (firewall.log).
#pragma once

#include <ns3/nstime.h>

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "network-builder.h"
#include "routing-wrapper.h"

namespace vantage::sim {

class Firewall : public RoutingWrapper {
 public:
  static ns3::TypeId GetTypeId();
  Firewall() = default;

  /// @param zoneOf zone name of an address ("" if unknown)
  void Configure(std::string nodeName, std::vector<model::FirewallRule> rules, bool defaultAllow,
                 std::function<std::string(ns3::Ipv4Address)> zoneOf, SimLogs* logs,
                 int64_t startUnixNs);
  /// @brief Traffic to this address and UDP port always passes (flow export to the collector).
  void AllowExportTo(ns3::Ipv4Address collector, uint16_t port);
  /// @brief Security-group mode (a cloud_vpc's rules): packets for the node itself are judged
  /// too, and replies to connections the node opened pass. Call after SetRoutingProtocol.
  void FilterLocalDelivery();
  /// @brief Called with the packet's uid for every packet the rules drop (flow-log REJECT).
  void AddDropListener(std::function<void(uint64_t packetUid)> listener);

  bool RouteInput(ns3::Ptr<const ns3::Packet> p, const ns3::Ipv4Header& header,
                  ns3::Ptr<const ns3::NetDevice> idev, UnicastForwardCallback ucb,
                  MulticastForwardCallback mcb, LocalDeliverCallback lcb,
                  ErrorCallback ecb) override;

  const std::string& NodeName() const { return m_node; }
  uint64_t Drops() const { return m_drops; }
  uint64_t Allowed() const { return m_allowed; }

 private:
  using ConnKey = std::tuple<uint8_t, uint32_t, uint16_t, uint32_t, uint16_t>;
  std::string m_node;
  std::vector<model::FirewallRule> m_rules;
  bool m_defaultAllow = false;
  std::function<std::string(ns3::Ipv4Address)> m_zoneOf;
  SimLogs* m_logs = nullptr;
  int64_t m_startUnixNs = 0;
  ns3::Ipv4Address m_exportAddr;
  uint16_t m_exportPort = 0;
  std::map<ConnKey, ns3::Time> m_conns;  ///< allowed connections, by initiator tuple
  uint64_t m_drops = 0;
  uint64_t m_allowed = 0;
  bool m_filterLocal = false;
  std::vector<std::function<void(uint64_t)>> m_dropListeners;
  void OnLocalTx(ns3::Ptr<const ns3::Packet> p, ns3::Ptr<ns3::Ipv4> ipv4, uint32_t ifi);
};

}  // namespace vantage::sim
