// A stateful firewall on a simulated node: the topology's rules (zone to zone, protocol,
// destination port; first match wins; then the default) decide new connections; replies of
// allowed connections pass. Denied packets are dropped and reported on the "Drop" trace source
// (the run directory's firewall.log hooks it).
//
//   Ptr<Firewall> fw = CreateObject<Firewall>();
//   fw->SetAttribute("DefaultAllow", BooleanValue(false));
//   fw->SetRules(rules);
//   fw->SetZoneResolver([&](Ipv4Address a) { return ZoneOf(a); });
//   fw->TraceConnectWithoutContext("Drop", MakeCallback(&OnDrop));
//   fw->SetInner(ipv4->GetRoutingProtocol());
//   ipv4->SetRoutingProtocol(fw);
#pragma once

#include <ns3/ipv4-address.h>
#include <ns3/nstime.h>
#include <ns3/traced-callback.h>
#include <ns3/traced-value.h>

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "routing-wrapper.h"
#include "vantage/model/topology.h"

namespace vantage::sim {

class Firewall : public RoutingWrapper {
 public:
  /// @brief Attributes: NodeName, DefaultAllow, ConnectionIdleTimeout, ExportAddress,
  /// ExportPort. Trace sources: Drop (header, packet, rule name), Drops and Allowed (counters).
  static ns3::TypeId GetTypeId();
  Firewall() = default;

  /// @brief Signature of the "Drop" trace source: the packet starts at its L4 header.
  using DropCallback = void (*)(const ns3::Ipv4Header& header, ns3::Ptr<const ns3::Packet> packet,
                                const std::string& rule);

  /// @brief The topology's rules, first match wins.
  void SetRules(std::vector<model::FirewallRule> rules) { m_rules = std::move(rules); }
  /// @param zoneOf zone name of an address ("" if unknown)
  void SetZoneResolver(std::function<std::string(ns3::Ipv4Address)> zoneOf) {
    m_zoneOf = std::move(zoneOf);
  }
  /// @brief Security-group mode (a cloud_vpc's rules): packets for the node itself are judged
  /// too, and replies to connections the node opened pass. Call after SetRoutingProtocol.
  void FilterLocalDelivery();

  bool RouteInput(ns3::Ptr<const ns3::Packet> p, const ns3::Ipv4Header& header,
                  ns3::Ptr<const ns3::NetDevice> idev, UnicastForwardCallback ucb,
                  MulticastForwardCallback mcb, LocalDeliverCallback lcb,
                  ErrorCallback ecb) override;

  const std::string& NodeName() const { return m_node; }
  uint64_t Drops() const { return m_drops; }
  uint64_t Allowed() const { return m_allowed; }

 private:
  using ConnKey = std::tuple<uint8_t, uint32_t, uint16_t, uint32_t, uint16_t>;
  bool Known(const ConnKey& key, ns3::Time now) const;
  /// ICMP errors about a known connection are related traffic (RFC 5382 REQ-9).
  bool RelatedIcmpError(const ns3::Packet& p, ns3::Time now) const;
  /// First matching rule: (allow, rule name); the default when none matches.
  std::pair<bool, std::string> Judge(const ns3::Ipv4Header& header, uint8_t protocol, bool l4ok,
                                     uint16_t dstPort) const;

  std::string m_node;
  std::vector<model::FirewallRule> m_rules;
  bool m_defaultAllow = false;
  ns3::Time m_connIdle;
  std::function<std::string(ns3::Ipv4Address)> m_zoneOf;
  ns3::Ipv4Address m_exportAddr;
  uint16_t m_exportPort = 0;
  std::map<ConnKey, ns3::Time> m_conns;  ///< allowed connections, by initiator tuple
  ns3::TracedCallback<const ns3::Ipv4Header&, ns3::Ptr<const ns3::Packet>, const std::string&>
      m_dropTrace;
  ns3::TracedValue<uint64_t> m_drops = 0;
  ns3::TracedValue<uint64_t> m_allowed = 0;
  bool m_filterLocal = false;
  void OnLocalTx(ns3::Ptr<const ns3::Packet> p, ns3::Ptr<ns3::Ipv4> ipv4, uint32_t ifi);
};

}  // namespace vantage::sim
