// NAT gateway and firewall behaviour on small topologies built in C++.
#include <gtest/gtest.h>
#include <ns3/boolean.h>
#include <ns3/bulk-send-helper.h>
#include <ns3/global-value.h>
#include <ns3/inet-socket-address.h>
#include <ns3/ipv4-l3-protocol.h>
#include <ns3/packet-sink-helper.h>
#include <ns3/packet-sink.h>
#include <ns3/simulator.h>
#include <ns3/string.h>
#include <ns3/udp-socket-factory.h>
#include <ns3/uinteger.h>

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "firewall/firewall.h"
#include "nat/nat-gateway.h"
#include "network-builder.h"
#include "test-topologies.h"

namespace vantage::sim {
namespace {

using ns3::Ipv4Address;

/// The logs hold core addresses (model::NatEventRow, model::FirewallDropRow).
core::IpAddress V4(Ipv4Address a) {
  return core::IpAddress::V4(a.Get());
}

struct SeenAt {
  std::set<std::pair<uint32_t, uint16_t>> sources;  // (address, port) of UDP packets
  uint64_t badChecksums = 0;
  uint64_t checked = 0;
};

/// RFC 768: the ones-complement sum over pseudo header and UDP segment is 0xffff.
bool UdpChecksumOk(const uint8_t* ip, size_t len) {
  const size_t ihl = (ip[0] & 0x0fu) * 4u;
  const size_t udpLen = static_cast<size_t>((ip[ihl + 4] << 8) | ip[ihl + 5]);
  if (ihl + udpLen > len) return false;
  uint32_t sum = 0;
  for (size_t i = 12; i < 20; i += 2) sum += (uint32_t{ip[i]} << 8) | ip[i + 1];
  sum += 17 + static_cast<uint32_t>(udpLen);
  const uint8_t* u = ip + ihl;
  for (size_t i = 0; i + 1 < udpLen; i += 2) sum += (uint32_t{u[i]} << 8) | u[i + 1];
  if (udpLen % 2 == 1) sum += uint32_t{u[udpLen - 1]} << 8;
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return sum == 0xffff;
}

ns3::Ptr<ns3::Socket> UdpSocket(const SimNode* n, uint16_t port) {
  auto s = ns3::Socket::CreateSocket(n->node, ns3::UdpSocketFactory::GetTypeId());
  EXPECT_EQ(s->Bind(ns3::InetSocketAddress(Ipv4Address::GetAny(), port)), 0);
  return s;
}

/// From ha:4444, one UDP packet to hb:9999 (the deny rule's port) and one to hb:7000 at 1, 2
/// and 3 s.
ns3::Ptr<ns3::Socket> SendDeniedAndAllowed(const SimNetwork& net) {
  const Ipv4Address hb = net.FindNode("hb")->interfaces.front().address;
  auto tx = UdpSocket(net.FindNode("ha"), 4444);
  for (int i = 0; i < 3; ++i) {
    ns3::Simulator::Schedule(ns3::Seconds(1 + i), [tx, hb]() {
      tx->SendTo(ns3::Create<ns3::Packet>(64), 0, ns3::InetSocketAddress(hb, 9999));
      tx->SendTo(ns3::Create<ns3::Packet>(64), 0, ns3::InetSocketAddress(hb, 7000));
    });
  }
  return tx;
}

class SimTest : public ::testing::Test {
 protected:
  void TearDown() override { ns3::Simulator::Destroy(); }
};

TEST_F(SimTest, NatTranslatesRepliesAndDropsUnsolicited) {
  ns3::GlobalValue::Bind("ChecksumEnabled", ns3::BooleanValue(true));
  model::Topology topo = test::NatTopology();
  auto built = SimNetwork::Build(topo, BuildOptions{});
  ASSERT_TRUE(built) << built.GetError().message;
  SimNetwork& net = **built;
  const SimNode* h1 = net.FindNode("h1");
  const SimNode* h2 = net.FindNode("h2");
  const SimNode* srv = net.FindNode("srv");
  const SimNode* r = net.FindNode("r");
  ASSERT_TRUE(h1 && h2 && srv && r);
  const Ipv4Address srvAddr = srv->interfaces.front().address;
  const Ipv4Address publicAddr = net.FindNode("nat")->Interface("wan")->address;

  // The router outside records every UDP source it forwards.
  SeenAt seen;
  auto l3 = r->node->GetObject<ns3::Ipv4L3Protocol>();
  l3->TraceConnectWithoutContext(
      "Rx", ns3::MakeCallback(+[](SeenAt* s, ns3::Ptr<const ns3::Packet> p, ns3::Ptr<ns3::Ipv4>,
                                  uint32_t) {
              uint8_t b[1500];
              const uint32_t n = p->CopyData(b, sizeof(b));
              if (n < 28 || b[9] != 17) return;
              ++s->checked;
              if (!UdpChecksumOk(b, n)) ++s->badChecksums;
              uint32_t src = (uint32_t{b[12]} << 24) | (uint32_t{b[13]} << 16) |
                             (uint32_t{b[14]} << 8) | b[15];
              s->sources.insert({src, static_cast<uint16_t>((b[20] << 8) | b[21])});
            }).Bind(&seen));

  // Echo server on srv:7000.
  auto server = UdpSocket(srv, 7000);
  server->SetRecvCallback(ns3::MakeCallback(+[](ns3::Ptr<ns3::Socket> s) {
    ns3::Address from;
    while (auto p = s->RecvFrom(from)) s->SendTo(p, 0, from);
  }));
  // Two inside hosts, same source port.
  std::map<std::string, int> replies;
  auto onReply = [&replies](std::string who) {
    return ns3::MakeCallback(
               +[](std::map<std::string, int>* m, std::string w, ns3::Ptr<ns3::Socket> s) {
                 while (s->Recv()) ++(*m)[w];
               })
        .Bind(&replies, who);
  };
  auto c1 = UdpSocket(h1, 5555);
  auto c2 = UdpSocket(h2, 5555);
  c1->SetRecvCallback(onReply("h1"));
  c2->SetRecvCallback(onReply("h2"));
  for (int i = 0; i < 3; ++i) {
    ns3::Simulator::Schedule(ns3::Seconds(1 + i), [&]() {
      c1->SendTo(ns3::Create<ns3::Packet>(100), 0, ns3::InetSocketAddress(srvAddr, 7000));
      c2->SendTo(ns3::Create<ns3::Packet>(100), 0, ns3::InetSocketAddress(srvAddr, 7000));
    });
  }
  // Unsolicited: srv to h1's inside address, and to a public port without binding.
  int unsolicitedReceived = 0;
  auto probeH1 = UdpSocket(h1, 6666);
  probeH1->SetRecvCallback(ns3::MakeCallback(+[](int* n, ns3::Ptr<ns3::Socket> s) {
                             while (s->Recv()) ++*n;
                           }).Bind(&unsolicitedReceived));
  auto attacker = UdpSocket(srv, 9000);
  const Ipv4Address h1Addr = h1->interfaces.front().address;
  ns3::Simulator::Schedule(ns3::Seconds(5), [&]() {
    attacker->SendTo(ns3::Create<ns3::Packet>(50), 0, ns3::InetSocketAddress(h1Addr, 6666));
    attacker->SendTo(ns3::Create<ns3::Packet>(50), 0, ns3::InetSocketAddress(publicAddr, 20050));
  });
  // The gateway's trace sources, as any ns-3 user would connect them.
  struct NatTrace {
    int creates = 0, deletes = 0, unsolicited = 0;
  } traced;
  const ns3::Ptr<NatGateway> gw = net.Nats().at(0);
  gw->TraceConnectWithoutContext(
      "Binding", ns3::MakeCallback(+[](NatTrace* t, int event, uint8_t, Ipv4Address, uint16_t,
                                       Ipv4Address, uint16_t) {
                   ++(event == 10 ? t->creates : t->deletes);
                 }).Bind(&traced));
  gw->TraceConnectWithoutContext(
      "UnsolicitedDrop",
      ns3::MakeCallback(+[](NatTrace* t, const ns3::Ipv4Header&, ns3::Ptr<const ns3::Packet>) {
        ++t->unsolicited;
      }).Bind(&traced));
  ns3::TimeValue udpTimeout;
  gw->GetAttribute("UdpTimeout", udpTimeout);
  EXPECT_EQ(udpTimeout.Get(), ns3::Seconds(topo.nats.at(0).udpTimeoutS));
  ns3::Simulator::Stop(ns3::Seconds(60));
  ns3::Simulator::Run();
  EXPECT_EQ(traced.creates, 2);
  EXPECT_EQ(traced.deletes, 2);
  EXPECT_EQ(traced.unsolicited, 2);

  EXPECT_EQ(replies["h1"], 3);
  EXPECT_EQ(replies["h2"], 3);
  EXPECT_EQ(unsolicitedReceived, 0);
  ASSERT_EQ(net.Nats().size(), 1u);
  EXPECT_EQ(net.Nats()[0]->UnsolicitedDrops(), 2u);

  // Outside, only the public address appears, with two distinct public ports from the range.
  std::set<uint16_t> ports;
  for (const auto& [addr, port] : seen.sources) {
    if (addr == srvAddr.Get()) continue;  // replies and probes from the server
    EXPECT_EQ(addr, publicAddr.Get());
    EXPECT_GE(port, 20000);
    EXPECT_LE(port, 20099);
    ports.insert(port);
  }
  EXPECT_EQ(ports.size(), 2u);
  // Rewritten segments carry valid UDP checksums (checksums are on in this test).
  EXPECT_GT(seen.checked, 6u);
  EXPECT_EQ(seen.badChecksums, 0u);

  // Binding events: two creates, then two deletes after the 30 s UDP timeout.
  const auto& ev = net.Logs().natEvents;
  ASSERT_EQ(ev.size(), 4u);
  EXPECT_EQ(ev[0].event, 10);
  EXPECT_EQ(ev[1].event, 10);
  EXPECT_EQ(ev[2].event, 11);
  EXPECT_EQ(ev[3].event, 11);
  EXPECT_EQ(ev[0].insidePort, 5555);
  EXPECT_EQ(ev[0].outsideIp, V4(publicAddr));
  EXPECT_GE(ev[2].timeNs - ev[0].timeNs, 30'000'000'000LL);

  // Ground truth can ask which public endpoint a flow used.
  ASSERT_TRUE(net.Map().natLookup);
  auto pub = net.Map().natLookup(17, h1Addr, 5555, srvAddr);
  ASSERT_TRUE(pub.has_value());
  EXPECT_EQ(pub->first, publicAddr);
  EXPECT_TRUE(ports.count(pub->second));
  EXPECT_FALSE(net.Map().natLookup(17, h1Addr, 5556, srvAddr).has_value());
  ns3::GlobalValue::Bind("ChecksumEnabled", ns3::BooleanValue(false));
}

TEST_F(SimTest, NatCarriesTcpWithChecksums) {
  ns3::GlobalValue::Bind("ChecksumEnabled", ns3::BooleanValue(true));
  model::Topology topo = test::NatTopology();
  auto built = SimNetwork::Build(topo, BuildOptions{});
  ASSERT_TRUE(built) << built.GetError().message;
  SimNetwork& net = **built;
  const Ipv4Address srvAddr = net.FindNode("srv")->interfaces.front().address;
  ns3::PacketSinkHelper sinkHelper("ns3::TcpSocketFactory",
                                   ns3::InetSocketAddress(Ipv4Address::GetAny(), 8080));
  auto sinkApps = sinkHelper.Install(net.FindNode("srv")->node);
  ns3::BulkSendHelper bulk("ns3::TcpSocketFactory", ns3::InetSocketAddress(srvAddr, 8080));
  bulk.SetAttribute("MaxBytes", ns3::UintegerValue(200000));
  auto apps = bulk.Install(net.FindNode("h1")->node);
  apps.Start(ns3::Seconds(1));
  ns3::Simulator::Stop(ns3::Seconds(20));
  ns3::Simulator::Run();
  auto sink = ns3::DynamicCast<ns3::PacketSink>(sinkApps.Get(0));
  EXPECT_EQ(sink->GetTotalRx(), 200000u);
  EXPECT_EQ(net.Nats()[0]->BindingsCreated(), 1u);
  ns3::GlobalValue::Bind("ChecksumEnabled", ns3::BooleanValue(false));
}

TEST_F(SimTest, FirewallDropsAndLogsDeniedTrafficAndPassesReplies) {
  model::Topology topo = test::FirewallTopology();
  BuildOptions opt;
  opt.startUnixNs = 1'000'000'000'000'000'000LL;
  auto built = SimNetwork::Build(topo, opt);
  ASSERT_TRUE(built) << built.GetError().message;
  SimNetwork& net = **built;
  const Ipv4Address hb = net.FindNode("hb")->interfaces.front().address;
  const Ipv4Address ha = net.FindNode("ha")->interfaces.front().address;
  // Allowed: TCP to port 80 (needs the replies to pass for the transfer to finish).
  ns3::PacketSinkHelper sinkHelper("ns3::TcpSocketFactory",
                                   ns3::InetSocketAddress(Ipv4Address::GetAny(), 80));
  auto sinkApps = sinkHelper.Install(net.FindNode("hb")->node);
  ns3::BulkSendHelper bulk("ns3::TcpSocketFactory", ns3::InetSocketAddress(hb, 80));
  bulk.SetAttribute("MaxBytes", ns3::UintegerValue(50000));
  bulk.Install(net.FindNode("ha")->node).Start(ns3::Seconds(1));
  // Denied: UDP to 9999 from a, and anything from b to a.
  int received = 0;
  auto rx = UdpSocket(net.FindNode("hb"), 9999);
  rx->SetRecvCallback(ns3::MakeCallback(+[](int* n, ns3::Ptr<ns3::Socket> s) {
                        while (s->Recv()) ++*n;
                      }).Bind(&received));
  auto tx = UdpSocket(net.FindNode("ha"), 4444);
  auto back = UdpSocket(net.FindNode("hb"), 4445);
  ns3::Simulator::Schedule(ns3::Seconds(2), [&]() {
    tx->SendTo(ns3::Create<ns3::Packet>(64), 0, ns3::InetSocketAddress(hb, 9999));
    back->SendTo(ns3::Create<ns3::Packet>(64), 0, ns3::InetSocketAddress(ha, 22));
  });
  ns3::Simulator::Stop(ns3::Seconds(10));
  ns3::Simulator::Run();

  EXPECT_EQ(ns3::DynamicCast<ns3::PacketSink>(sinkApps.Get(0))->GetTotalRx(), 50000u);
  EXPECT_EQ(received, 0);
  const auto& drops = net.Logs().firewallDrops;
  ASSERT_EQ(drops.size(), 2u);
  EXPECT_EQ(drops[0].node, "fw");
  EXPECT_EQ(drops[0].rule, "default");
  EXPECT_EQ(drops[0].protocol, 17);
  EXPECT_EQ(drops[0].srcIp, V4(ha));
  EXPECT_EQ(drops[0].srcPort, 4444);
  EXPECT_EQ(drops[0].dstIp, V4(hb));
  EXPECT_EQ(drops[0].dstPort, 9999);
  // Sent at 2 s, dropped after one link's delay and transmission.
  EXPECT_GE(drops[0].timeNs, opt.startUnixNs + 2'000'000'000LL);
  EXPECT_LT(drops[0].timeNs, opt.startUnixNs + 2'100'000'000LL);
  EXPECT_EQ(drops[1].srcIp, V4(hb));
  EXPECT_EQ(drops[1].dstPort, 22);
  EXPECT_EQ(net.Firewalls()[0]->Drops(), 2u);
}

// Rules are enforced on every node kind that accepts them, not only on firewalls: a deny rule
// drops (and logs) its packets, everything else passes.
class DenyRuleTest : public SimTest, public ::testing::WithParamInterface<model::NodeKind> {};

TEST_P(DenyRuleTest, DenyRuleDropsAndLogsOnEveryFilteringKind) {
  model::Topology topo = test::DenyRuleTopology(GetParam());
  auto built = SimNetwork::Build(topo, BuildOptions{});
  ASSERT_TRUE(built) << built.GetError().message;
  SimNetwork& net = **built;
  const Ipv4Address ha = net.FindNode("ha")->interfaces.front().address;
  std::map<uint16_t, int> received;
  auto count = ns3::MakeCallback(+[](int* n, ns3::Ptr<ns3::Socket> s) {
    while (s->Recv()) ++*n;
  });
  auto denied = UdpSocket(net.FindNode("hb"), 9999);
  auto allowed = UdpSocket(net.FindNode("hb"), 7000);
  denied->SetRecvCallback(count.Bind(&received[9999]));
  allowed->SetRecvCallback(count.Bind(&received[7000]));
  auto tx = SendDeniedAndAllowed(net);
  ns3::Simulator::Stop(ns3::Seconds(10));
  ns3::Simulator::Run();

  EXPECT_EQ(received[9999], 0);
  EXPECT_EQ(received[7000], 3);
  ASSERT_EQ(net.Firewalls().size(), 1u);
  EXPECT_EQ(net.Firewalls()[0]->NodeName(), "x");
  EXPECT_EQ(net.Firewalls()[0]->Drops(), 3u);
  const auto& drops = net.Logs().firewallDrops;
  ASSERT_EQ(drops.size(), 3u);
  for (const auto& d : drops) {
    EXPECT_EQ(d.node, "x");
    EXPECT_EQ(d.rule, "no-9999");
    EXPECT_EQ(d.protocol, 17);
    EXPECT_EQ(d.srcIp, V4(ha));  // judged before NAT translates the source
    EXPECT_EQ(d.dstPort, 9999);
  }
}

INSTANTIATE_TEST_SUITE_P(Kinds, DenyRuleTest,
                         ::testing::Values(model::NodeKind::kRouter, model::NodeKind::kL3Switch,
                                           model::NodeKind::kNatGateway),
                         [](const ::testing::TestParamInfo<model::NodeKind>& kind) {
                           std::string name = model::NodeKindName(kind.param);
                           name.erase(std::remove(name.begin(), name.end(), '_'), name.end());
                           return name;
                         });

// The firewall is an ns-3 model: its settings are attributes, and a user connected to its
// trace sources sees every drop of a deny rule, with the rule's name, and the drop counter.
TEST_F(SimTest, FirewallTraceSourcesShowTheDropsOfADenyRule) {
  model::Topology topo = test::DenyRuleTopology(model::NodeKind::kRouter);
  auto built = SimNetwork::Build(topo, BuildOptions{});
  ASSERT_TRUE(built) << built.GetError().message;
  SimNetwork& net = **built;
  ASSERT_EQ(net.Firewalls().size(), 1u);
  const ns3::Ptr<Firewall> fw = net.Firewalls()[0];
  ns3::StringValue name;
  fw->GetAttribute("NodeName", name);
  EXPECT_EQ(name.Get(), "x");
  ns3::BooleanValue defaultAllow;
  fw->GetAttribute("DefaultAllow", defaultAllow);
  EXPECT_EQ(defaultAllow.Get(), topo.FindNode("x")->defaultAllow);

  struct Seen {
    std::vector<std::string> rules;
    std::vector<uint16_t> dstPorts;
    uint64_t counter = 0;
    int counterChanges = 0;
  } seen;
  fw->TraceConnectWithoutContext(
      "Drop", ns3::MakeCallback(+[](Seen* s, const ns3::Ipv4Header& h,
                                    ns3::Ptr<const ns3::Packet> p, const std::string& rule) {
                EXPECT_EQ(h.GetProtocol(), 17);
                uint8_t udp[4] = {};
                p->CopyData(udp, sizeof(udp));  // the packet starts at its UDP header
                s->rules.push_back(rule);
                s->dstPorts.push_back(static_cast<uint16_t>((udp[2] << 8) | udp[3]));
              }).Bind(&seen));
  fw->TraceConnectWithoutContext("Drops", ns3::MakeCallback(+[](Seen* s, uint64_t, uint64_t now) {
                                            s->counter = now;
                                            ++s->counterChanges;
                                          }).Bind(&seen));
  auto tx = SendDeniedAndAllowed(net);
  ns3::Simulator::Stop(ns3::Seconds(10));
  ns3::Simulator::Run();

  EXPECT_EQ(seen.rules, std::vector<std::string>(3, "no-9999"));
  EXPECT_EQ(seen.dstPorts, std::vector<uint16_t>(3, 9999));
  EXPECT_EQ(seen.counter, 3u);
  EXPECT_EQ(seen.counterChanges, 3);
  // The run directory's log is fed by the same trace source.
  EXPECT_EQ(net.Logs().firewallDrops.size(), 3u);
}

// A NAT gateway's rules also see inbound packets, after translation back to the inside host:
// a deny rule from outside to inside drops replies of an outbound flow.
TEST_F(SimTest, NatGatewayRuleJudgesTranslatedInboundPackets) {
  model::Topology topo = test::DenyRuleTopology(model::NodeKind::kNatGateway);
  topo.nodes[2].rules.front().name = "no-inbound-5555";
  topo.nodes[2].rules.front().fromZone = "b";
  topo.nodes[2].rules.front().toZone = "a";
  topo.nodes[2].rules.front().portMin = topo.nodes[2].rules.front().portMax = 5555;
  auto built = SimNetwork::Build(topo, BuildOptions{});
  ASSERT_TRUE(built) << built.GetError().message;
  SimNetwork& net = **built;
  const Ipv4Address hb = net.FindNode("hb")->interfaces.front().address;
  // Echo server on hb:7000; ha sends from 5555 (replies denied) and 5556 (replies pass).
  auto server = UdpSocket(net.FindNode("hb"), 7000);
  server->SetRecvCallback(ns3::MakeCallback(+[](ns3::Ptr<ns3::Socket> s) {
    ns3::Address from;
    while (auto p = s->RecvFrom(from)) s->SendTo(p, 0, from);
  }));
  std::map<uint16_t, int> replies;
  auto count = ns3::MakeCallback(+[](int* n, ns3::Ptr<ns3::Socket> s) {
    while (s->Recv()) ++*n;
  });
  auto c1 = UdpSocket(net.FindNode("ha"), 5555);
  auto c2 = UdpSocket(net.FindNode("ha"), 5556);
  c1->SetRecvCallback(count.Bind(&replies[5555]));
  c2->SetRecvCallback(count.Bind(&replies[5556]));
  ns3::Simulator::Schedule(ns3::Seconds(1), [&]() {
    c1->SendTo(ns3::Create<ns3::Packet>(64), 0, ns3::InetSocketAddress(hb, 7000));
    c2->SendTo(ns3::Create<ns3::Packet>(64), 0, ns3::InetSocketAddress(hb, 7000));
  });
  ns3::Simulator::Stop(ns3::Seconds(10));
  ns3::Simulator::Run();
  // The outbound packets are new connections a->b (allowed by default and remembered), so the
  // replies are related traffic and pass: the filter is stateful.
  EXPECT_EQ(replies[5555], 1);
  EXPECT_EQ(replies[5556], 1);
  ASSERT_EQ(net.Firewalls().size(), 1u);
  EXPECT_EQ(net.Firewalls()[0]->Drops(), 0u);
  // Unsolicited from b to the inside port 5555, through a binding: denied by the rule.
  auto probe = UdpSocket(net.FindNode("hb"), 7001);
  const Ipv4Address publicAddr = net.FindNode("x")->Interface("lb")->address;
  ASSERT_TRUE(net.Map().natLookup);
  auto pub = net.Map().natLookup(17, net.FindNode("ha")->interfaces.front().address, 5555, hb);
  ASSERT_TRUE(pub.has_value());
  ns3::Simulator::Schedule(ns3::Seconds(1), [&]() {
    probe->SendTo(ns3::Create<ns3::Packet>(64), 0, ns3::InetSocketAddress(publicAddr, pub->second));
  });
  ns3::Simulator::Stop(ns3::Seconds(5));
  ns3::Simulator::Run();
  EXPECT_EQ(replies[5555], 1);  // the probe did not reach ha
  EXPECT_EQ(net.Firewalls()[0]->Drops(), 1u);
  ASSERT_EQ(net.Logs().firewallDrops.size(), 1u);
  EXPECT_EQ(net.Logs().firewallDrops[0].rule, "no-inbound-5555");
  EXPECT_EQ(net.Logs().firewallDrops[0].dstPort, 5555);  // after translation back
}

TEST_F(SimTest, RoutersWithoutRulesDoNotFilter) {
  model::Topology topo = test::RunTopology();
  auto built = SimNetwork::Build(topo, BuildOptions{});
  ASSERT_TRUE(built) << built.GetError().message;
  EXPECT_TRUE((*built)->Firewalls().empty());
  EXPECT_FALSE(SimNetwork::Filters(topo.nodes[2]));  // core router, default allow
  model::Node denyAll = topo.nodes[2];
  denyAll.defaultAllow = false;
  EXPECT_TRUE(SimNetwork::Filters(denyAll));
}

TEST_F(SimTest, BuildRejectsLinkToMissingNode) {
  model::Topology topo = test::FirewallTopology();
  topo.links.push_back(test::MakeLink("bad", model::LinkKind::kPointToPoint, {"fw", "ghost"}, "a"));
  auto built = SimNetwork::Build(topo, BuildOptions{});
  ASSERT_FALSE(built);
  EXPECT_NE(built.GetError().message.find("ghost"), std::string::npos);
}

TEST_F(SimTest, BuildRejectsExhaustedAddressPlan) {
  model::Topology topo = test::RunTopology();
  topo.zones[0].cidrs = {test::Prefix("10.1.0.0/30")};  // staff needs 4 hosts + the router
  auto built = SimNetwork::Build(topo, BuildOptions{});
  ASSERT_FALSE(built);
  EXPECT_NE(built.GetError().message.find("office"), std::string::npos) << built.GetError().message;
}

}  // namespace
}  // namespace vantage::sim
