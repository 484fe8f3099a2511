// Reference topologies and scenarios load and validate; the address plan is consistent.
#include "vantage/model/topology.h"

#include <gtest/gtest.h>

#include <set>

#include "vantage/model/address-plan.h"
#include "vantage/model/scenario.h"

using namespace vantage::model;

namespace {

std::string Src(const std::string& rel) {
  return std::string(VANTAGE_SOURCE_DIR) + "/" + rel;
}

Topology MustLoad(const std::string& rel) {
  Diagnostics d;
  auto t = LoadTopology(Src(rel), d);
  EXPECT_TRUE(t.Ok()) << d.ToString();
  EXPECT_EQ(d.ErrorCount(), 0u) << d.ToString();
  return t ? *t : Topology{};
}

}  // namespace

TEST(ReferenceTopologies, EnterpriseLoadsWithExpectedShape) {
  Topology t = MustLoad("topologies/enterprise.yaml");
  EXPECT_EQ(t.name, "enterprise");
  uint64_t realHosts = 0;
  for (const auto& n : t.nodes) realHosts += n.kind == NodeKind::kHostGroup ? n.count : 0;
  EXPECT_GE(realHosts, 2000u);
  EXPECT_GE(t.candidates.size(), 8u);
  EXPECT_LE(t.candidates.size(), 15u);
  ASSERT_NE(t.FindNode("staff"), nullptr);
  EXPECT_EQ(t.FindNode("staff")->count, 1800u);
  EXPECT_EQ(t.FindNode("staff")->simulate, 30u);
  EXPECT_DOUBLE_EQ(t.FindNode("staff")->ScaleFactor(), 60.0);
  ASSERT_NE(t.FindNat("edge-fw"), nullptr);
  EXPECT_EQ(t.FindNat("edge-fw")->outsideLink, "fw-outside");
  const Node* fw = t.FindNode("edge-fw");
  ASSERT_NE(fw, nullptr);
  EXPECT_FALSE(fw->defaultAllow);
  EXPECT_GT(fw->rules.size(), 10u);
  EXPECT_NE(t.AssetOn("git"), nullptr);
  // Link zone defaults to the end hosts' zone.
  EXPECT_EQ(t.FindLink("staff-lan")->zone, "access-staff");
  // The cloud VPC's point is AWS VPC Flow Logs, format version 5.
  bool awsV5 = false;
  for (const auto& c : t.candidates) {
    awsV5 = awsV5 || (c.name == "cloud-vpc" && c.flowLog &&
                      c.flowLog->provider == vantage::wire::flowlog::Provider::kAws &&
                      c.flowLog->awsVersion == 5);
  }
  EXPECT_TRUE(awsV5);
}

TEST(ReferenceTopologies, AllLoad) {
  for (const char* f : {"topologies/enterprise.yaml", "topologies/small-office.yaml",
                        "topologies/campus.yaml", "topologies/hybrid-cloud.yaml"}) {
    SCOPED_TRACE(f);
    Topology t = MustLoad(f);
    EXPECT_FALSE(t.nodes.empty());
    EXPECT_TRUE(PlanAddresses(t).Ok());
  }
}

TEST(ReferenceScenarios, EachLoadsAgainstItsTopology) {
  const std::pair<const char*, const char*> pairs[] = {
      {"topologies/enterprise.yaml", "scenarios/enterprise-baseline.yaml"},
      {"topologies/enterprise.yaml", "scenarios/enterprise-quiet.yaml"},
      {"topologies/small-office.yaml", "scenarios/small-office-baseline.yaml"},
      {"topologies/campus.yaml", "scenarios/campus-baseline.yaml"},
      {"topologies/hybrid-cloud.yaml", "scenarios/hybrid-cloud-baseline.yaml"}};
  for (const auto& [tf, sf] : pairs) {
    SCOPED_TRACE(sf);
    Topology t = MustLoad(tf);
    Diagnostics d;
    auto s = LoadScenario(Src(sf), t, d);
    ASSERT_TRUE(s.Ok()) << d.ToString();
    EXPECT_EQ(d.items.size(), 0u) << d.ToString();
    EXPECT_FALSE(s->traffic.empty());
  }
}

TEST(ReferenceScenarios, EnterpriseBaselineIsSizedForTheSimulation) {
  Topology t = MustLoad("topologies/enterprise.yaml");
  Diagnostics d;
  auto s = LoadScenario(Src("scenarios/enterprise-baseline.yaml"), t, d);
  ASSERT_TRUE(s.Ok()) << d.ToString();
  EXPECT_GE(s->durationS, 600);
  EXPECT_GE(ExpectedSessions(*s, t), 20000);
  std::set<std::string> apps;
  for (const auto& m : s->traffic) {
    for (const auto& a : m.apps) apps.insert(a.app);
  }
  for (const char* a :
       {"web", "dns", "smb", "ssh", "db", "mail", "backup", "updates", "streaming"}) {
    EXPECT_TRUE(apps.count(a)) << "application missing from the mix: " << a;
  }
  std::set<std::string> kinds;
  for (const auto& b : s->behaviours) kinds.insert(b.kind);
  for (const char* k : {"c2_beacon", "exfiltration", "port_scan", "brute_force", "long_ssh",
                        "dmz_odd_port", "dns_tunnel", "lateral_movement"}) {
    EXPECT_TRUE(kinds.count(k)) << "behaviour missing: " << k;
  }
}

TEST(AddressPlan, EnterpriseSubnetsAreInsideTheirZonesAndDisjoint) {
  Topology t = MustLoad("topologies/enterprise.yaml");
  auto plan = PlanAddresses(t);
  ASSERT_TRUE(plan.Ok()) << plan.GetError().message;
  ASSERT_EQ(plan->links.size(), t.links.size());
  std::set<std::string> seen;
  for (size_t i = 0; i < plan->links.size(); ++i) {
    const LinkSubnet& ls = plan->links[i];
    EXPECT_EQ(ls.link, t.links[i].name);
    const Zone* z = t.FindZone(ls.zone);
    ASSERT_NE(z, nullptr);
    bool inside = false;
    for (const auto& c : z->cidrs) inside = inside || c.Contains(ls.subnet.network);
    EXPECT_TRUE(inside) << ls.link << " " << ls.subnet.ToString();
    for (size_t j = 0; j < i; ++j) {
      EXPECT_FALSE(ls.subnet.Overlaps(plan->links[j].subnet))
          << ls.link << " vs " << plan->links[j].link;
    }
    for (const auto& ia : ls.interfaces) {
      EXPECT_TRUE(ls.subnet.Contains(ia.address));
      EXPECT_TRUE(seen.insert(ia.address.ToString()).second)
          << "duplicate " << ia.address.ToString();
      EXPECT_NE(ia.address, ls.subnet.network) << "network address used";
    }
  }
  // 30 simulated staff hosts, one gateway; instances named staff-1..staff-30.
  const LinkSubnet* staff = plan->FindLink("staff-lan");
  ASSERT_NE(staff, nullptr);
  EXPECT_EQ(staff->interfaces.size(), 31u);
  EXPECT_EQ(staff->Gateway(), plan->AddressOn("dist-sw", "staff-lan"));
  EXPECT_TRUE(plan->HostAddress("staff-30").IsSet());
  EXPECT_FALSE(plan->HostAddress("staff-31").IsSet());
  EXPECT_EQ(plan->HostOf(plan->HostAddress("staff-7")), "staff-7");
  EXPECT_EQ(plan->InterfacesOf("edge-fw").size(), 4u);
  // A layer-2 switch has no address.
  EXPECT_TRUE(plan->InterfacesOf("staff-sw").empty());
}

TEST(AddressPlan, RunsOutWithANamedZone) {
  Topology t;
  t.zones.push_back(
      {"z", ZoneKind::kAccess, {*vantage::core::IpPrefix::Parse("10.0.0.0/29")}, "", 1});
  Node r;
  r.name = "r";
  r.kind = NodeKind::kRouter;
  r.zone = "z";
  Node g;
  g.name = "g";
  g.kind = NodeKind::kHostGroup;
  g.zone = "z";
  g.count = 100;
  g.simulate = 10;
  t.nodes = {r, g};
  Link l;
  l.name = "lan";
  l.kind = LinkKind::kLan;
  l.endpoints = {"r", "g"};
  l.zone = "z";
  t.links = {l};
  auto plan = PlanAddresses(t);
  ASSERT_FALSE(plan.Ok());
  EXPECT_NE(plan.GetError().message.find("zone 'z' runs out"), std::string::npos)
      << plan.GetError().message;
  // 11 interfaces + network + broadcast need a /28; give it one.
  t.zones[0].cidrs = {*vantage::core::IpPrefix::Parse("10.0.0.0/28")};
  plan = PlanAddresses(t);
  ASSERT_TRUE(plan.Ok()) << plan.GetError().message;
  EXPECT_EQ(plan->links[0].subnet.ToString(), "10.0.0.0/28");
  EXPECT_EQ(plan->AddressOn("r", "lan").ToString(), "10.0.0.1");
  EXPECT_EQ(plan->AddressOn("g-10", "lan").ToString(), "10.0.0.11");
}

TEST(AddressPlan, BiggerBlocksFirstAcrossSeveralCidrs) {
  Topology t;
  t.zones.push_back({"z",
                     ZoneKind::kCore,
                     {*vantage::core::IpPrefix::Parse("10.0.0.0/30"),
                      *vantage::core::IpPrefix::Parse("10.1.0.0/29")},
                     "",
                     1});
  for (const char* n : {"a", "b", "c"}) {
    Node x;
    x.name = n;
    x.kind = NodeKind::kRouter;
    x.zone = "z";
    t.nodes.push_back(x);
  }
  Link ab{"ab", LinkKind::kPointToPoint, {"a", "b"}, 1000, 1, "z", 1};
  Link abc{"abc", LinkKind::kLan, {"a", "b", "c"}, 1000, 1, "z", 2};
  t.links = {ab, abc};
  auto plan = PlanAddresses(t);
  ASSERT_TRUE(plan.Ok()) << plan.GetError().message;
  // The LAN needs a /29, which only the second CIDR holds; the /30 then takes the first CIDR.
  EXPECT_EQ(plan->FindLink("abc")->subnet.ToString(), "10.1.0.0/29");
  EXPECT_EQ(plan->FindLink("ab")->subnet.ToString(), "10.0.0.0/30");
}
