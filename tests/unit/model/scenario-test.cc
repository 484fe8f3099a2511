// Scenario loading: every validation message on a broken file, defaults from server roles,
// distributions (deterministic sampling, means), expected session counts.
#include "vantage/model/scenario.h"

#include <gtest/gtest.h>

#include <cmath>

#include "vantage/model/topology.h"

using namespace vantage::model;

namespace {

const char* kTopology = R"(name: t
zones:
  - {name: in, kind: access, cidrs: [10.0.0.0/24]}
  - {name: out, kind: internet, cidrs: [198.51.100.0/24]}
nodes:
  - {name: rtr, kind: router, zone: in}
  - {name: users, kind: host_group, zone: in, count: 100, simulate: 4}
  - {name: srv, kind: server, zone: in, role: web}
  - {name: web, kind: internet, zone: out}
links:
  - {name: lan, kind: lan, endpoints: [rtr, users, srv]}
  - {name: wan, kind: p2p, endpoints: [rtr, web], zone: out}
)";

const char* kBase =
    "name: s\n"                      // 1
    "topology: t\n"                  // 2
    "seed: 1\n"                      // 3
    "duration_s: 600\n"              // 4
    "start: 2026-01-05T08:00:00Z\n"  // 5
    "represents_s: 86400\n"          // 6
    "diurnal: office\n"              // 7
    "traffic:\n"                     // 8
    "  - group: users\n"             // 9
    "    apps:\n"                    // 10
    "      - {app: web, sessions_per_host_hour: 100, request_bytes: {uniform: [300, 900]}, "
    "response_bytes: {lognormal: [8, 1]}}\n"                         // 11
    "      - {app: dns, server: web, sessions_per_host_hour: 50}\n"  // 12
    "behaviours:\n"                                                  // 13
    "  - {kind: c2_beacon, source: users, target: web, start_s: 10, duration_s: 100, "
    "params: {interval_s: 30}}\n";  // 14

struct Case {
  const char* what;
  const char* from;
  const char* to;
  const char* expect;
  int line;
};

const Case kCases[] = {
    {"unknown key", "seed: 1", "sed: 1", "unknown key 'sed' (did you mean 'seed'?)", 3},
    {"unknown group", "group: users", "group: user", "unknown node 'user' (did you mean 'users'?)",
     9},
    {"group is a router", "group: users", "group: rtr", "traffic comes from host groups", 9},
    {"unknown application", "{app: web,", "{app: wbe,",
     "unknown application 'wbe' (did you mean 'web'?)", 11},
    {"distribution with one number", "{lognormal: [8, 1]}", "{lognormal: [8]}",
     "lognormal takes two numbers", 11},
    {"unknown distribution", "{lognormal: [8, 1]}", "{gauss: 3}", "unknown distribution 'gauss'",
     11},
    {"uniform upside down", "{uniform: [300, 900]}", "{uniform: [900, 300]}",
     "uniform needs min <= max", 11},
    {"server is not a server", "server: web,", "server: rtr,", "a server must be a server", 12},
    {"no server for a role", "{app: dns, server: web,", "{app: dns,",
     "no server given and no node has role 'dns'", 12},
    {"negative rate", "sessions_per_host_hour: 50", "sessions_per_host_hour: -1", "out of range",
     12},
    {"behaviour after the window", "start_s: 10", "start_s: 900", "after the window ends", 14},
    {"behaviour unknown target", "target: web", "target: wbe",
     "unknown node 'wbe' (did you mean 'web'?)", 14},
    {"behaviour missing source", "source: users, ", "", "missing required key 'source'", 14},
    {"unknown diurnal profile", "diurnal: office", "diurnal: offise", "(did you mean 'office'?)",
     7},
    {"diurnal with 23 values", "diurnal: office",
     "diurnal: [1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1]", "24 hourly factors, found 23", 7},
    {"topology mismatch", "topology: t", "topology: other",
     "scenario is written for topology 'other'", 2},
    {"bad start", "start: 2026-01-05T08:00:00Z", "start: yesterday", "start must be a UTC time", 5},
    {"represents shorter than window", "represents_s: 86400", "represents_s: 10",
     "is shorter than the simulated window", 6},
    {"missing name", "name: s\n", "", "missing required key 'name'", 1},
    {"YAML syntax", "params: {interval_s: 30}}", "params: {interval_s: 30}", "YAML syntax", 15},
};

Topology MakeTopology() {
  Diagnostics d;
  auto t = ParseTopology(kTopology, "t.yaml", d);
  EXPECT_TRUE(t.Ok()) << d.ToString();
  return *t;
}

std::string Apply(const Case& c) {
  std::string s = kBase;
  auto pos = s.find(c.from);
  EXPECT_NE(pos, std::string::npos) << c.what;
  if (pos != std::string::npos) s.replace(pos, std::string(c.from).size(), c.to);
  return s;
}

}  // namespace

TEST(Scenario, BaseLoadsWithDefaults) {
  Topology t = MakeTopology();
  Diagnostics d;
  auto s = ParseScenario(kBase, "s.yaml", t, d);
  ASSERT_TRUE(s.Ok()) << d.ToString();
  EXPECT_EQ(d.items.size(), 0u) << d.ToString();
  EXPECT_EQ(s->startUnixS, 1767600000);  // 2026-01-05T08:00:00Z
  EXPECT_EQ(s->diurnal.size(), 24u);
  ASSERT_EQ(s->traffic.size(), 1u);
  const Application& web = s->traffic[0].apps[0];
  EXPECT_EQ(web.server, "srv");  // picked by role
  EXPECT_EQ(web.port, 443);
  EXPECT_EQ(web.protocol, 6);
  EXPECT_EQ(web.requestBytes.kind, Distribution::Kind::kUniform);
  const Application& dns = s->traffic[0].apps[1];
  EXPECT_EQ(dns.port, 53);
  EXPECT_EQ(dns.protocol, 17);
  ASSERT_EQ(s->behaviours.size(), 1u);
  EXPECT_EQ(s->behaviours[0].label, "c2_beacon");
  EXPECT_EQ(s->behaviours[0].params.at("interval_s"), "30");
  // 4 hosts x 150 sessions/h x factor x 1/6 h.
  EXPECT_NEAR(ExpectedSessions(*s, t), 4 * 150 * s->DiurnalFactor() / 6.0, 1e-9);
}

TEST(Scenario, UnknownBehaviourKindIsAWarningAndKept) {
  Topology t = MakeTopology();
  std::string text = kBase;
  text.replace(text.find("c2_beacon"), 9, "teleport");
  Diagnostics d;
  auto s = ParseScenario(text, "s.yaml", t, d);
  ASSERT_TRUE(s.Ok()) << d.ToString();
  ASSERT_EQ(d.items.size(), 1u);
  EXPECT_TRUE(d.items[0].warning);
  EXPECT_EQ(d.items[0].line, 14);
  EXPECT_EQ(s->behaviours[0].kind, "teleport");
}

TEST(Scenario, UnknownBehaviourParameterIsAWarningWithSuggestion) {
  Topology t = MakeTopology();
  std::string text = kBase;
  text.replace(text.find("interval_s: 30"), 14, "intervall_s: 30");
  Diagnostics d;
  auto s = ParseScenario(text, "s.yaml", t, d);
  ASSERT_TRUE(s.Ok()) << d.ToString();
  ASSERT_EQ(d.items.size(), 1u) << d.ToString();
  EXPECT_TRUE(d.items[0].warning);
  EXPECT_NE(d.items[0].message.find("(did you mean 'interval_s'?)"), std::string::npos)
      << d.items[0].message;
}

class ScenarioCase : public ::testing::TestWithParam<Case> {};

TEST_P(ScenarioCase, ReportsTheProblemOnItsLine) {
  const Case& c = GetParam();
  Topology t = MakeTopology();
  Diagnostics d;
  auto s = ParseScenario(Apply(c), "s.yaml", t, d);
  EXPECT_FALSE(s.Ok()) << c.what;
  bool found = false;
  for (const auto& item : d.items) {
    if (item.message.find(c.expect) != std::string::npos && item.line == c.line) found = true;
  }
  EXPECT_TRUE(found) << c.what << ": expected '" << c.expect << "' on line " << c.line << ", got:\n"
                     << d.ToString();
}

INSTANTIATE_TEST_SUITE_P(Table, ScenarioCase, ::testing::ValuesIn(kCases),
                         [](const ::testing::TestParamInfo<Case>& p) {
                           std::string n = p.param.what;
                           for (char& ch : n) {
                             if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
                           }
                           return n + "_" + std::to_string(p.index);
                         });

TEST(Distribution, SamplingIsDeterministicAndMeansMatch) {
  const Distribution ds[] = {
      Distribution::Constant(7),
      {Distribution::Kind::kUniform, 100, 300},
      {Distribution::Kind::kExponential, 5, 0},
      {Distribution::Kind::kLogNormal, 2, 0.5},
      {Distribution::Kind::kPareto, 10, 3},
  };
  for (const auto& d : ds) {
    std::mt19937_64 a(42), b(42);
    double sum = 0;
    const int n = 200000;
    for (int i = 0; i < n; ++i) {
      double x = d.Sample(a);
      EXPECT_EQ(x, d.Sample(b));
      if (d.kind == Distribution::Kind::kUniform) {
        ASSERT_GE(x, 100);
        ASSERT_LT(x, 300);
      }
      if (d.kind == Distribution::Kind::kPareto) {
        ASSERT_GE(x, 10);
      }
      sum += x;
    }
    EXPECT_NEAR(sum / n, d.Mean(), d.Mean() * 0.02) << static_cast<int>(d.kind);
  }
  EXPECT_TRUE(std::isinf(Distribution{Distribution::Kind::kPareto, 1, 0.9}.Mean()));
}

TEST(Distribution, NamedDiurnalProfiles) {
  auto office = DiurnalProfile("office");
  ASSERT_EQ(office.size(), 24u);
  double sum = 0;
  for (double x : office) sum += x;
  EXPECT_NEAR(sum / 24, 1.0, 1e-9);
  EXPECT_GT(office[10], office[3]);
  EXPECT_EQ(DiurnalProfile("flat"), std::vector<double>(24, 1.0));
  EXPECT_TRUE(DiurnalProfile("nope").empty());
}
