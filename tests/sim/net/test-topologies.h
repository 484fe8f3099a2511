// Small topologies built in C++ for the simulation network tests.
#pragma once

#include <string>

#include "vantage/model/scenario.h"
#include "vantage/model/topology.h"

namespace vantage::sim::test {

inline core::IpPrefix Prefix(const char* text) {
  return *core::IpPrefix::Parse(text);
}

inline model::Node MakeNode(std::string name, model::NodeKind kind, std::string zone,
                            uint32_t simulate = 1) {
  model::Node n;
  n.name = std::move(name);
  n.kind = kind;
  n.zone = std::move(zone);
  n.count = simulate * 10;
  n.simulate = simulate;
  // As the topology loader: forwarding nodes without rules forward everything.
  n.defaultAllow = kind == model::NodeKind::kRouter || kind == model::NodeKind::kL3Switch ||
                   kind == model::NodeKind::kNatGateway;
  return n;
}

inline model::Link MakeLink(std::string name, model::LinkKind kind,
                            std::vector<std::string> endpoints, std::string zone) {
  model::Link l;
  l.name = std::move(name);
  l.kind = kind;
  l.endpoints = std::move(endpoints);
  l.zone = std::move(zone);
  l.bandwidthMbps = 100;
  l.delayMs = 1;
  return l;
}

/// inside LAN (h1, h2) -- nat -- wan -- r -- srv (internet)
inline model::Topology NatTopology() {
  using model::LinkKind;
  using model::NodeKind;
  model::Topology t;
  t.name = "nat-test";
  t.zones.push_back({"inside", model::ZoneKind::kAccess, {Prefix("10.1.0.0/16")}, "", 0});
  t.zones.push_back({"outside", model::ZoneKind::kEdge, {Prefix("100.64.0.0/24")}, "", 0});
  t.zones.push_back({"internet", model::ZoneKind::kInternet, {Prefix("172.20.0.0/16")}, "", 0});
  t.nodes.push_back(MakeNode("h1", NodeKind::kServer, "inside"));
  t.nodes.push_back(MakeNode("h2", NodeKind::kServer, "inside"));
  t.nodes.push_back(MakeNode("nat", NodeKind::kNatGateway, "outside"));
  t.nodes.push_back(MakeNode("r", NodeKind::kRouter, "outside"));
  t.nodes.push_back(MakeNode("srv", NodeKind::kInternet, "internet"));
  t.links.push_back(MakeLink("lan", LinkKind::kLan, {"nat", "h1", "h2"}, "inside"));
  t.links.push_back(MakeLink("wan", LinkKind::kPointToPoint, {"nat", "r"}, "outside"));
  t.links.push_back(MakeLink("net", LinkKind::kPointToPoint, {"r", "srv"}, "internet"));
  model::Nat nat;
  nat.node = "nat";
  nat.insideLinks = {"lan"};
  nat.outsideLink = "wan";
  nat.portMin = 20000;
  nat.portMax = 20099;
  nat.udpTimeoutS = 30;
  t.nats.push_back(nat);
  return t;
}

/// a-host -- fw -- b-host, rules: a->b tcp/80 allow, default deny.
inline model::Topology FirewallTopology() {
  using model::LinkKind;
  using model::NodeKind;
  model::Topology t;
  t.name = "fw-test";
  t.zones.push_back({"a", model::ZoneKind::kAccess, {Prefix("10.10.0.0/24")}, "", 0});
  t.zones.push_back({"b", model::ZoneKind::kDmz, {Prefix("10.20.0.0/24")}, "", 0});
  t.nodes.push_back(MakeNode("ha", NodeKind::kServer, "a"));
  t.nodes.push_back(MakeNode("hb", NodeKind::kServer, "b"));
  model::Node fw = MakeNode("fw", NodeKind::kFirewall, "a");
  model::FirewallRule web;
  web.name = "a-to-b-web";
  web.fromZone = "a";
  web.toZone = "b";
  web.allow = true;
  web.protocol = 6;
  web.portMin = web.portMax = 80;
  fw.rules.push_back(web);
  fw.defaultAllow = false;
  t.nodes.push_back(fw);
  t.links.push_back(MakeLink("la", LinkKind::kPointToPoint, {"ha", "fw"}, "a"));
  t.links.push_back(MakeLink("lb", LinkKind::kPointToPoint, {"fw", "hb"}, "b"));
  return t;
}

/// a-host -- x -- b-host, where x is a router, L3 switch or NAT gateway (inside: la, outside:
/// lb) with one rule, deny a->b udp/9999, and the default allow.
inline model::Topology DenyRuleTopology(model::NodeKind kind) {
  using model::LinkKind;
  using model::NodeKind;
  model::Topology t;
  t.name = "deny-rule-test";
  t.zones.push_back({"a", model::ZoneKind::kAccess, {Prefix("10.10.0.0/24")}, "", 0});
  t.zones.push_back({"b", model::ZoneKind::kDataCentre, {Prefix("10.20.0.0/24")}, "", 0});
  t.nodes.push_back(MakeNode("ha", NodeKind::kServer, "a"));
  t.nodes.push_back(MakeNode("hb", NodeKind::kServer, "b"));
  model::Node x = MakeNode("x", kind, "a");
  model::FirewallRule deny;
  deny.name = "no-9999";
  deny.fromZone = "a";
  deny.toZone = "b";
  deny.allow = false;
  deny.protocol = 17;
  deny.portMin = deny.portMax = 9999;
  x.rules.push_back(deny);
  x.defaultAllow = true;
  t.nodes.push_back(x);
  t.links.push_back(MakeLink("la", LinkKind::kPointToPoint, {"ha", "x"}, "a"));
  t.links.push_back(MakeLink("lb", LinkKind::kPointToPoint, {"x", "hb"}, "b"));
  if (kind == NodeKind::kNatGateway) {
    model::Nat nat;
    nat.node = "x";
    nat.insideLinks = {"la"};
    nat.outsideLink = "lb";
    t.nats.push_back(nat);
  }
  return t;
}

/// staff (LAN behind switch sw) -- core router -- dc: web/dns servers. Candidate point at the
/// router (full capture) and at the switch.
inline model::Topology RunTopology() {
  using model::LinkKind;
  using model::NodeKind;
  model::Topology t;
  t.name = "run-test";
  t.zones.push_back({"office", model::ZoneKind::kAccess, {Prefix("10.1.0.0/16")}, "", 0});
  t.zones.push_back({"core", model::ZoneKind::kCore, {Prefix("10.0.0.0/24")}, "", 0});
  t.zones.push_back({"dc", model::ZoneKind::kDataCentre, {Prefix("10.9.0.0/24")}, "", 0});
  t.nodes.push_back(MakeNode("staff", NodeKind::kHostGroup, "office", 4));
  t.nodes.push_back(MakeNode("sw", NodeKind::kSwitch, "office"));
  t.nodes.push_back(MakeNode("core", NodeKind::kRouter, "core"));
  t.nodes.push_back(MakeNode("web", NodeKind::kServer, "dc"));
  t.nodes.push_back(MakeNode("dns", NodeKind::kServer, "dc"));
  t.links.push_back(MakeLink("office-lan", LinkKind::kLan, {"sw", "core", "staff"}, "office"));
  t.links.push_back(MakeLink("dc-lan", LinkKind::kLan, {"core", "web", "dns"}, "dc"));
  model::CandidatePoint p;
  p.name = "core-rtr";
  p.node = "core";
  p.canFullCapture = true;
  t.candidates.push_back(p);
  model::CandidatePoint s;
  s.name = "office-sw";
  s.node = "sw";
  t.candidates.push_back(s);
  return t;
}

inline model::Scenario RunScenario() {
  model::Scenario sc;
  sc.name = "run-test";
  sc.seed = 7;
  sc.durationS = 20;
  sc.startUnixS = 1767600000;
  sc.representsS = 3600;
  model::TrafficMix mix;
  mix.group = "staff";
  model::Application web;
  web.app = "web";
  web.server = "web";
  web.protocol = 6;
  web.port = 443;
  web.sessionsPerHostHour = 720;
  web.requestBytes = model::Distribution::Constant(400);
  web.responseBytes = model::Distribution::Constant(8000);
  mix.apps.push_back(web);
  model::Application dns;
  dns.app = "dns";
  dns.server = "dns";
  dns.protocol = 17;
  dns.port = 53;
  dns.sessionsPerHostHour = 720;
  dns.requestBytes = model::Distribution::Constant(40);
  dns.responseBytes = model::Distribution::Constant(120);
  mix.apps.push_back(dns);
  sc.traffic.push_back(mix);
  return sc;
}

}  // namespace vantage::sim::test
