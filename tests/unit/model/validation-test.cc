// Every topology validation message on a small broken file: each case edits one line of a valid
// base topology and expects a message (substring) on a given line.
#include <gtest/gtest.h>

#include "vantage/model/topology.h"

using namespace vantage::model;

namespace {

// Line numbers matter: the cases below name them.
const char* kBase =
    "name: t\n"                                                                    // 1
    "zones:\n"                                                                     // 2
    "  - {name: inside, kind: access, cidrs: [10.0.0.0/24]}\n"                     // 3
    "  - {name: outside, kind: internet, cidrs: [198.51.100.0/24]}\n"              // 4
    "nodes:\n"                                                                     // 5
    "  - {name: rtr, kind: nat_gateway, zone: inside}\n"                           // 6
    "  - {name: users, kind: host_group, zone: inside, count: 10, simulate: 2}\n"  // 7
    "  - {name: srv, kind: server, zone: inside, role: web}\n"                     // 8
    "  - {name: web, kind: internet, zone: outside, role: web}\n"                  // 9
    "  - name: fw\n"                                                               // 10
    "    kind: firewall\n"                                                         // 11
    "    zone: inside\n"                                                           // 12
    "    rules:\n"                                                                 // 13
    "      - {name: r1, from: inside, to: outside, action: allow, protocol: tcp, port: 443}\n"  // 14
    "links:\n"                                                           // 15
    "  - {name: lan, kind: lan, endpoints: [rtr, users, srv]}\n"         // 16
    "  - {name: wan, kind: p2p, endpoints: [rtr, fw]}\n"                 // 17
    "  - {name: net, kind: p2p, endpoints: [fw, web], zone: outside}\n"  // 18
    "nat:\n"                                                             // 19
    "  - {node: rtr, inside: [lan], outside: wan}\n"                     // 20
    "critical_assets:\n"                                                 // 21
    "  - {name: crown, node: srv, kind: source_code, weight: 5}\n"       // 22
    "candidates:\n"                                                      // 23
    "  - {name: c1, node: rtr, interfaces: [wan], flow_export: true, full_capture: true, "
    "cost_flow: 1, cost_full_capture: 3}\n"  // 24
    "budget:\n"                              // 25
    "  storage_tb: 5\n"                      // 26
    "  max_cost: 10\n";                      // 27

struct Case {
  const char* what;
  const char* from;  ///< text of the base to replace ("" = replace the whole file)
  const char* to;
  const char* expect;
  int line;
};

const Case kCases[] = {
    {"unknown key with did-you-mean", "max_cost: 10", "max_cots: 10",
     "unknown key 'max_cots' (did you mean 'max_cost'?)", 27},
    {"unknown node key", "role: web}\n  - {name: web", "rol: web}\n  - {name: web",
     "unknown key 'rol' (did you mean 'role'?)", 8},
    {"integer expected", "count: 10", "count: ten", "expected an integer, found 'ten'", 7},
    {"list expected", "cidrs: [10.0.0.0/24]", "cidrs: {a: 1}", "expected a list", 3},
    {"dangling link endpoint", "endpoints: [rtr, fw]", "endpoints: [rtr, fw2]",
     "unknown node 'fw2' (did you mean 'fw'?)", 17},
    {"dangling zone", "{name: srv, kind: server, zone: inside",
     "{name: srv, kind: server, zone: insde", "unknown zone 'insde' (did you mean 'inside'?)", 8},
    {"malformed CIDR", "10.0.0.0/24", "10.0.0.0/33", "malformed CIDR", 3},
    {"CIDR with host bits", "10.0.0.0/24", "10.0.0.1/24", "host bits set", 3},
    {"overlapping CIDRs", "198.51.100.0/24", "10.0.0.0/16",
     "CIDR 10.0.0.0/16 overlaps 10.0.0.0/24 of zone 'inside'", 4},
    {"disconnected zones", "{name: wan, kind: p2p, endpoints: [rtr, fw]}",
     "{name: wan, kind: p2p, endpoints: [fw, web]}", "disconnected: zone ", 9},
    {"NAT without outside interface", "{node: rtr, inside: [lan], outside: wan}",
     "{node: rtr, inside: [lan]}", "NAT gateway 'rtr' has no outside interface", 20},
    {"NAT gateway without NAT entry", "  - {node: rtr, inside: [lan], outside: wan}", "  []",
     "NAT gateway 'rtr' has no entry under 'nat:'", 6},
    {"NAT inside link not on the node", "inside: [lan]", "inside: [net]",
     "link 'net' is not attached to node 'rtr'", 20},
    {"candidate on a missing node", "{name: c1, node: rtr,", "{name: c1, node: rtx,",
     "unknown node 'rtx' (did you mean 'rtr'?)", 24},
    {"candidate interface not on the node", "interfaces: [wan]", "interfaces: [net]",
     "link 'net' is not attached to node 'rtr'", 24},
    {"candidate that can do nothing", "flow_export: true, full_capture: true",
     "flow_export: false, full_capture: false", "can do nothing", 24},
    {"impossible budget: cost", "max_cost: 10", "max_cost: 0.5",
     "impossible budget: max_cost 0.5 is below the cheapest candidate point (1)", 27},
    {"impossible budget: storage", "storage_tb: 5", "storage_tb: 0",
     "impossible budget: no storage", 26},
    {"count below simulate", "count: 10, simulate: 2", "count: 1, simulate: 2",
     "simulate (2) is larger than count (1)", 7},
    {"p2p with three ends", "endpoints: [rtr, fw]}", "endpoints: [rtr, fw, srv]}",
     "a p2p link joins exactly 2 nodes, found 3", 17},
    {"duplicate node", "{name: srv, kind: server", "{name: users, kind: server",
     "duplicate node name 'users' (first defined on line 7)", 8},
    {"bad zone kind", "kind: access", "kind: acess",
     "unknown kind 'acess' (did you mean 'access'?)", 3},
    {"bad node kind", "kind: server", "kind: sever", "(did you mean 'server'?)", 8},
    {"rule with unknown zone", "to: outside, action", "to: outsde, action",
     "unknown zone 'outsde' (did you mean 'outside'?)", 14},
    {"rule with bad port", "port: 443}", "port: 70000}", "port must be 1..65535", 14},
    {"rule with bad action", "action: allow", "action: permitt", "action must be allow or deny",
     14},
    {"ports with icmp", "protocol: tcp, port: 443", "protocol: icmp, port: 443",
     "ports need protocol tcp or udp", 14},
    {"rules on a server", "zone: inside, role: web}", "zone: inside, role: web, rules: []}",
     "cannot filter", 8},
    {"missing required key", "zone: inside, count: 10, simulate: 2", "zone: inside, simulate: 2",
     "missing required key 'count'", 7},
    {"YAML syntax error", "[rtr, users, srv]}", "[rtr, users, srv}", "YAML syntax", 16},
    {"asset weight", "weight: 5", "weight: 0", "weight must be greater than 0", 22},
    {"asset on a router", "node: srv, kind: source_code", "node: rtr, kind: source_code",
     "a critical asset lives on a server", 22},
    {"asset kind", "kind: source_code", "kind: sourcecode", "(did you mean 'source_code'?)", 22},
    {"host group on p2p", "endpoints: [rtr, fw]}", "endpoints: [rtr, users]}",
     "attach it with a lan link", 17},
    {"duplicate key", "role: web}\n  - {name: web", "role: web, role: db}\n  - {name: web",
     "duplicate key 'role'", 8},
    {"zone runs out of addresses", "10.0.0.0/24", "10.0.0.0/30",
     "zone 'inside' runs out of addresses", 3},
    {"negative bandwidth", "endpoints: [rtr, fw]}", "endpoints: [rtr, fw], bandwidth_mbps: -5}",
     "out of range", 17},
    {"bad link kind", "kind: lan, endpoints", "kind: lna, endpoints", "(did you mean 'lan'?)", 16},
    {"empty file", "", "", "the file is empty", 1},
    {"not a map", "", "- a\n- b\n", "expected a map", 1},
    {"number expected", "storage_tb: 5", "storage_tb: lots", "expected a number, found 'lots'", 26},
    {"boolean expected", "flow_export: true", "flow_export: maybe", "expected true or false", 24},
};

std::string Apply(const Case& c) {
  if (std::string(c.from).empty()) return c.to;
  std::string s = kBase;
  auto pos = s.find(c.from);
  EXPECT_NE(pos, std::string::npos) << "case '" << c.what << "' does not match the base";
  if (pos != std::string::npos) s.replace(pos, std::string(c.from).size(), c.to);
  return s;
}

}  // namespace

TEST(Validation, BaseTopologyIsValid) {
  Diagnostics d;
  auto t = ParseTopology(kBase, "t.yaml", d);
  ASSERT_TRUE(t.Ok()) << d.ToString();
  EXPECT_EQ(d.items.size(), 0u) << d.ToString();
  EXPECT_EQ(t->FindLink("wan")->zone, "inside");
  EXPECT_EQ(t->FindNode("users")->simulate, 2u);
}

class ValidationCase : public ::testing::TestWithParam<Case> {};

TEST_P(ValidationCase, ReportsTheProblemOnItsLine) {
  const Case& c = GetParam();
  Diagnostics d;
  auto t = ParseTopology(Apply(c), "t.yaml", d);
  EXPECT_FALSE(t.Ok()) << c.what;
  bool found = false;
  for (const auto& item : d.items) {
    if (item.message.find(c.expect) != std::string::npos && item.line == c.line) found = true;
  }
  EXPECT_TRUE(found) << c.what << ": expected '" << c.expect << "' on line " << c.line << ", got:\n"
                     << d.ToString();
  // Every diagnostic names the file.
  for (const auto& item : d.items) EXPECT_EQ(item.ToString().rfind("t.yaml:", 0), 0u);
}

INSTANTIATE_TEST_SUITE_P(Table, ValidationCase, ::testing::ValuesIn(kCases),
                         [](const ::testing::TestParamInfo<Case>& p) {
                           std::string n = p.param.what;
                           for (char& ch : n) {
                             if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
                           }
                           return n + "_" + std::to_string(p.index);
                         });

TEST(Validation, ReportsEveryProblemInOnePass) {
  std::string s = kBase;
  s.replace(s.find("count: 10"), 9, "count: ten");
  s.replace(s.find("endpoints: [rtr, fw]"), 20, "endpoints: [rtr, fw2]");
  s.replace(s.find("max_cost: 10"), 12, "max_cots: 10");
  Diagnostics d;
  EXPECT_FALSE(ParseTopology(s, "t.yaml", d).Ok());
  EXPECT_GE(d.ErrorCount(), 3u) << d.ToString();
  std::string all = d.ToString();
  EXPECT_NE(all.find("t.yaml:7:"), std::string::npos) << all;
  EXPECT_NE(all.find("t.yaml:17:"), std::string::npos) << all;
  EXPECT_NE(all.find("t.yaml:27:"), std::string::npos) << all;
}

TEST(Validation, MessageFormatIsFileLineColumnPathMessage) {
  std::string s = kBase;
  s.replace(s.find("endpoints: [rtr, fw]"), 20, "endpoints: [rtr, fw2]");
  Diagnostics d;
  EXPECT_FALSE(ParseTopology(s, "net.yaml", d).Ok());
  ASSERT_FALSE(d.items.empty());
  const Diagnostic& first = d.items.front();
  // "  - {name: wan, kind: p2p, endpoints: [rtr, fw2]}": fw2 starts at column 45.
  EXPECT_EQ(first.ToString(),
            "net.yaml:17:45: links[1].endpoints[1]: unknown node 'fw2' (did you mean 'fw'?)");
}

TEST(Validation, WarningsDoNotFail) {
  std::string s = kBase;
  s += "  max_devices: 0\n";
  Diagnostics d;
  auto t = ParseTopology(s, "t.yaml", d);
  EXPECT_TRUE(t.Ok()) << d.ToString();
  ASSERT_EQ(d.items.size(), 1u);
  EXPECT_TRUE(d.items[0].warning);
  EXPECT_NE(d.items[0].ToString().find("warning: "), std::string::npos);
}

TEST(Validation, MissingFileIsAnError) {
  Diagnostics d;
  auto t = LoadTopology("/nonexistent/topology.yaml", d);
  EXPECT_FALSE(t.Ok());
  EXPECT_EQ(t.GetError().code, vantage::core::ErrorCode::kIo);
}
