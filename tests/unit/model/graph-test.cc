// Graph analysis on small hand-checked graphs: weighted paths, zone crossings, articulation
// points, betweenness (exact and sampled), boundaries, suggested points.
#include "vantage/model/graph.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "vantage/model/topology.h"

using namespace vantage::model;

namespace {

// hosts (acc) on a lan with switch sw and router r1; triangle r1-r2-r3 where the direct r1-r3
// link is slow (5 ms) and the way through r2 fast (1 + 1 ms); srv (dc) behind r3.
const char* kTriangle = R"(name: tri
zones:
  - {name: acc, kind: access, cidrs: [10.1.0.0/24]}
  - {name: core, kind: core, cidrs: [10.0.0.0/24]}
  - {name: dc, kind: data_centre, cidrs: [10.2.0.0/24]}
nodes:
  - {name: r1, kind: router, zone: core}
  - {name: r2, kind: router, zone: core}
  - {name: r3, kind: router, zone: core}
  - {name: sw, kind: switch, zone: acc}
  - {name: hosts, kind: host_group, zone: acc, count: 10, simulate: 2}
  - {name: srv, kind: server, zone: dc}
links:
  - {name: lan, kind: lan, endpoints: [r1, sw, hosts], delay_ms: 0.1}
  - {name: r1r2, kind: p2p, endpoints: [r1, r2], delay_ms: 1, zone: core}
  - {name: r2r3, kind: p2p, endpoints: [r2, r3], delay_ms: 1, zone: core}
  - {name: r1r3, kind: p2p, endpoints: [r1, r3], delay_ms: 5, zone: core}
  - {name: srvlink, kind: p2p, endpoints: [r3, srv], delay_ms: 0.5, zone: dc}
critical_assets:
  - {name: crown, node: srv, kind: source_code, weight: 9}
)";

// A router with four servers: the centre lies on every path between two leaves.
const char* kStar = R"(name: star
zones:
  - {name: z, kind: core, cidrs: [10.0.0.0/16]}
nodes:
  - {name: hub, kind: router, zone: z}
  - {name: a, kind: server, zone: z}
  - {name: b, kind: server, zone: z}
  - {name: c, kind: server, zone: z}
  - {name: d, kind: server, zone: z}
links:
  - {name: ha, kind: p2p, endpoints: [hub, a]}
  - {name: hb, kind: p2p, endpoints: [hub, b]}
  - {name: hc, kind: p2p, endpoints: [hub, c]}
  - {name: hd, kind: p2p, endpoints: [hub, d]}
)";

Topology Parse(const char* text) {
  Diagnostics d;
  auto t = ParseTopology(text, "test.yaml", d);
  EXPECT_TRUE(t.Ok()) << d.ToString();
  return t ? *t : Topology{};
}

double ScoreOf(const BetweennessResult& r, const std::string& node) {
  for (const auto& s : r.scores) {
    if (s.node == node) return s.score;
  }
  return -1;
}

}  // namespace

TEST(Graph, WeightedShortestPathPrefersTheFastDetour) {
  Topology t = Parse(kTriangle);
  TopologyGraph g(t);
  Path p = g.ShortestPath("hosts", "srv");
  ASSERT_TRUE(p.Found());
  EXPECT_EQ(p.nodes, (std::vector<std::string>{"hosts", "sw", "r1", "r2", "r3", "srv"}));
  EXPECT_EQ(p.links, (std::vector<std::string>{"lan", "r1r2", "r2r3", "srvlink"}));
  EXPECT_NEAR(p.delayMs, 0.1 + 1 + 1 + 0.5, 1e-9);
  ASSERT_EQ(p.crossings.size(), 2u);
  EXPECT_EQ(p.crossings[0].fromZone, "acc");
  EXPECT_EQ(p.crossings[0].toZone, "core");
  EXPECT_EQ(p.crossings[0].node, "r1");
  EXPECT_EQ(p.crossings[1].toZone, "dc");
  EXPECT_EQ(p.crossings[1].node, "srv");
  // Unknown nodes give no path.
  EXPECT_FALSE(g.ShortestPath("hosts", "nope").Found());
}

TEST(Graph, ZonePathStartsAtTheNearestNodeOfTheZone) {
  Topology t = Parse(kTriangle);
  TopologyGraph g(t);
  Path p = g.ZonePath("acc", "dc");
  ASSERT_TRUE(p.Found());
  EXPECT_EQ(p.nodes.front(), "sw");  // the switch is one hop nearer than the hosts
  EXPECT_EQ(p.nodes.back(), "srv");
  Path q = g.ZonePath("core", "core");
  EXPECT_EQ(q.nodes.size(), 1u);
}

TEST(Graph, PathsFromHostGroupsReadGroupToAsset) {
  Topology t = Parse(kTriangle);
  TopologyGraph g(t);
  auto paths = g.PathsFromHostGroupsTo("srv");
  ASSERT_EQ(paths.size(), 1u);
  EXPECT_EQ(paths[0].nodes.front(), "hosts");
  EXPECT_EQ(paths[0].nodes.back(), "srv");
  EXPECT_EQ(paths[0].crossings.front().node, "r1");
}

TEST(Graph, ArticulationPoints) {
  Topology t = Parse(kTriangle);
  TopologyGraph g(t);
  // r2 is bypassed by r1-r3; sw holds the hosts; r1 and r3 separate the ends.
  EXPECT_EQ(g.ArticulationPoints(), (std::vector<std::string>{"r1", "r3", "sw"}));
  Topology s = Parse(kStar);
  TopologyGraph gs(s);
  EXPECT_EQ(gs.ArticulationPoints(), (std::vector<std::string>{"hub"}));
}

TEST(Graph, BetweennessOfAStarCentreIsOne) {
  Topology s = Parse(kStar);
  TopologyGraph g(s);
  auto exact = g.Betweenness();
  EXPECT_TRUE(exact.exact);
  EXPECT_NEAR(ScoreOf(exact, "hub"), 1.0, 1e-9);
  EXPECT_NEAR(ScoreOf(exact, "a"), 0.0, 1e-9);
  EXPECT_EQ(exact.scores.front().node, "hub");
  // Sampling every vertex as a source gives the exact answer.
  auto sampled = g.Betweenness(0, 5);
  EXPECT_FALSE(sampled.exact);
  EXPECT_EQ(sampled.samples, 5u);
  EXPECT_NEAR(ScoreOf(sampled, "hub"), 1.0, 1e-9);
}

TEST(Graph, BetweennessCountsHops) {
  Topology t = Parse(kTriangle);
  TopologyGraph g(t);
  auto r = g.Betweenness();
  // On hop counts r1 and r3 are adjacent, so no shortest path needs r2.
  EXPECT_NEAR(ScoreOf(r, "r2"), 0.0, 1e-9);
  EXPECT_GT(ScoreOf(r, "r1"), 0.3);
  EXPECT_GT(ScoreOf(r, "r3"), 0.3);
  auto sampled = g.Betweenness(0, 1000);  // more samples than vertices: all of them
  EXPECT_NEAR(ScoreOf(sampled, "r1"), ScoreOf(r, "r1"), 1e-9);
}

TEST(Graph, BoundaryLinks) {
  Topology t = Parse(kTriangle);
  TopologyGraph g(t);
  auto b = g.BoundaryLinks();
  std::vector<std::string> names;
  for (const auto& x : b) names.push_back(x.link);
  EXPECT_EQ(names, (std::vector<std::string>{"lan", "srvlink"}));
  EXPECT_EQ(b[0].zones, (std::vector<std::string>{"acc", "core"}));
}

TEST(Graph, SuggestionsNameNatSidesAndAssetsWithReasons) {
  const char* text = R"(name: nat
zones:
  - {name: in, kind: access, cidrs: [192.168.0.0/24]}
  - {name: out, kind: internet, cidrs: [198.51.100.0/24]}
nodes:
  - {name: gw, kind: nat_gateway, zone: in}
  - {name: pcs, kind: host_group, zone: in, count: 5, simulate: 2}
  - {name: nas, kind: server, zone: in}
  - {name: web, kind: internet, zone: out}
links:
  - {name: lan, kind: lan, endpoints: [gw, pcs, nas]}
  - {name: wan, kind: p2p, endpoints: [gw, web], zone: out}
nat:
  - {node: gw, inside: [lan], outside: wan}
critical_assets:
  - {name: files, node: nas, kind: file_server, weight: 8}
)";
  Topology t = Parse(text);
  auto s = SuggestCandidates(t);
  ASSERT_GE(s.size(), 2u);
  EXPECT_EQ(s[0].point.name, "gw-inside");
  EXPECT_EQ(s[0].point.interfaces, (std::vector<std::string>{"lan"}));
  EXPECT_EQ(s[1].point.name, "gw-outside");
  EXPECT_NE(s[1].reason.find("after translation"), std::string::npos);
  // The lan is also the last hop before the NAS: the reasons merge into the inside point.
  EXPECT_NE(s[0].reason.find("critical asset 'files'"), std::string::npos) << s[0].reason;
  for (const auto& x : s) EXPECT_FALSE(x.reason.empty());
}

TEST(Graph, AnalyseEnterpriseFacts) {
  Diagnostics d;
  auto t = LoadTopology(std::string(VANTAGE_SOURCE_DIR) + "/topologies/enterprise.yaml", d);
  ASSERT_TRUE(t.Ok()) << d.ToString();
  auto f = Analyse(*t);
  auto has = [&](const std::string& n) {
    return std::find(f.articulationPoints.begin(), f.articulationPoints.end(), n) !=
           f.articulationPoints.end();
  };
  EXPECT_TRUE(has("edge-fw"));
  EXPECT_TRUE(has("core-sw"));
  EXPECT_FALSE(has("git"));
  EXPECT_EQ(f.betweenness.scores.front().node, "core-sw");
  // Staff reach the source code through distribution, core and the data-centre switch.
  bool found = false;
  for (const auto& [label, p] : f.assetPaths) {
    if (label == "staff -> source-code") {
      found = true;
      EXPECT_EQ(p.nodes, (std::vector<std::string>{"staff", "staff-sw", "dist-sw", "core-sw",
                                                   "dc-sw", "dc-access", "git"}));
    }
  }
  EXPECT_TRUE(found);
  EXPECT_EQ(f.zonePaths.size(), 11u * 10u / 2u);
}
