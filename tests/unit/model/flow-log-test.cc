// A candidate point's `flow_log:` settings: each provider's keys, defaults and allowed values,
// errors with file:line:col and suggestions, and flow logs only where a cloud runs the network.
#include <gtest/gtest.h>

#include <cstdlib>
#include <iostream>

#include "vantage/model/topology.h"

using namespace vantage::model;
namespace wfl = vantage::wire::flowlog;

namespace {

// Line numbers matter: the cases below name them. The candidate's flow_log is line 17.
const char* kBase =
    "name: t\n"                                                                  // 1
    "zones:\n"                                                                   // 2
    "  - {name: office, kind: access, cidrs: [10.0.0.0/24]}\n"                   // 3
    "  - {name: aws, kind: cloud, cidrs: [10.100.0.0/16]}\n"                     // 4
    "nodes:\n"                                                                   // 5
    "  - {name: rtr, kind: router, zone: office}\n"                              // 6
    "  - {name: pcs, kind: host_group, zone: office, count: 10, simulate: 2}\n"  // 7
    "  - {name: vpc, kind: cloud_vpc, zone: aws, role: webapp}\n"                // 8
    "  - {name: app, kind: server, zone: aws, role: web}\n"                      // 9
    "links:\n"                                                                   // 10
    "  - {name: lan, kind: lan, endpoints: [rtr, pcs]}\n"                        // 11
    "  - {name: vpn, kind: p2p, endpoints: [rtr, vpc], zone: aws}\n"             // 12
    "  - {name: app-link, kind: p2p, endpoints: [rtr, app], zone: aws}\n"        // 13
    "candidates:\n"                                                              // 14
    "  - name: cloud\n"                                                          // 15
    "    node: vpc\n"                                                            // 16
    "    flow_log: {provider: aws, version: 5}\n"                                // 17
    "  - {name: rtr, node: rtr}\n";                                              // 18

std::string With(const std::string& flowLog, const std::string& node = "vpc") {
  std::string s = kBase;
  s.replace(s.find("{provider: aws, version: 5}"), 27, flowLog);
  if (node != "vpc") s.replace(s.find("node: vpc"), 9, "node: " + node);
  return s;
}

Topology Load(const std::string& text) {
  Diagnostics d;
  auto t = ParseTopology(text, "t.yaml", d);
  EXPECT_TRUE(t.Ok()) << d.ToString();
  EXPECT_EQ(d.ErrorCount(), 0u) << d.ToString();
  return t.Ok() ? *t : Topology{};
}

TEST(FlowLogSettings, AwsVersionWithProviderDefaults) {
  Topology t = Load(kBase);
  ASSERT_EQ(t.candidates.size(), 2u);
  ASSERT_TRUE(t.candidates[0].flowLog.has_value());
  EXPECT_FALSE(t.candidates[1].flowLog.has_value());
  const wfl::Settings& s = *t.candidates[0].flowLog;
  EXPECT_EQ(s.provider, wfl::Provider::kAws);
  EXPECT_EQ(s.awsVersion, 5);
  EXPECT_EQ(s.aggregationIntervalS, 600u);
  EXPECT_EQ(s.trafficType, wfl::TrafficType::kAll);
  EXPECT_TRUE(s.awsFields.empty());
}

TEST(FlowLogSettings, AwsCustomFieldsSetTheVersionTheyNeed) {
  Topology t =
      Load(With("{provider: aws, fields: [interface-id, srcaddr, pkt-srcaddr, action], "
                "max_aggregation_interval: 60, traffic_type: reject}"));
  const wfl::Settings& s = *t.candidates[0].flowLog;
  EXPECT_EQ(s.awsFields,
            (std::vector<std::string>{"interface-id", "srcaddr", "pkt-srcaddr", "action"}));
  EXPECT_EQ(s.awsVersion, 3) << "pkt-srcaddr came with version 3";
  EXPECT_EQ(s.aggregationIntervalS, 60u);
  EXPECT_EQ(s.trafficType, wfl::TrafficType::kReject);
}

TEST(FlowLogSettings, GoogleAndAzureSettings) {
  Topology g =
      Load(With("{provider: gcp, aggregation_interval: 15m, flow_sampling: 0.25, "
                "metadata: exclude}"));
  const wfl::Settings& s = *g.candidates[0].flowLog;
  EXPECT_EQ(s.provider, wfl::Provider::kGcp);
  EXPECT_EQ(s.aggregationIntervalS, 900u);
  EXPECT_DOUBLE_EQ(s.sampleRate, 0.25);
  EXPECT_FALSE(s.includeMetadata);
  Topology gd = Load(With("{provider: gcp}"));
  EXPECT_EQ(gd.candidates[0].flowLog->aggregationIntervalS, 5u);
  EXPECT_DOUBLE_EQ(gd.candidates[0].flowLog->sampleRate, 0.5);
  Topology a = Load(With("{provider: azure, version: 4, region: westeurope}"));
  EXPECT_EQ(a.candidates[0].flowLog->provider, wfl::Provider::kAzure);
  EXPECT_EQ(a.candidates[0].flowLog->aggregationIntervalS, 60u);
  EXPECT_EQ(a.candidates[0].flowLog->region, "westeurope");
}

TEST(FlowLogSettings, AnyNodeInACloudZoneMayLog) {
  Topology t = Load(With("{provider: gcp}", "app"));
  EXPECT_TRUE(t.candidates[0].flowLog.has_value());
}

struct BadCase {
  const char* what;
  std::string text;
  const char* expect;
  int line;
  int column;
};

std::vector<BadCase> BadCases() {
  return {
      {"unknown provider", With("{provider: awz}"),
       "unknown flow-log provider 'awz' (did you mean 'aws'?); one of: aws, gcp, azure", 17, 26},
      {"misspelt key", With("{provider: gcp, flow_samplng: 0.5}"),
       "unknown key 'flow_samplng' (did you mean 'flow_sampling'?)", 17, 31},
      {"other provider's key", With("{provider: aws, flow_sampling: 0.5}"),
       "'flow_sampling' is a gcp flow-log setting; aws takes: provider, account", 17, 31},
      {"AWS version", With("{provider: aws, version: 6}"), "out of range: must be between 2 and 5",
       17, 40},
      {"AWS interval", With("{provider: aws, max_aggregation_interval: 300}"),
       "AWS allows 60 or 600 seconds, found 300", 17, 57},
      {"AWS field", With("{provider: aws, fields: [srcaddr, pkt-srcadr]}"),
       "unknown AWS flow-log field 'pkt-srcadr' (did you mean 'pkt-srcaddr'?)", 17, 49},
      {"AWS version and fields", With("{provider: aws, version: 3, fields: [srcaddr]}"),
       "give either version", 17, 51},
      {"traffic type", With("{provider: aws, traffic_type: ACCEPTED}"),
       "traffic_type must be ACCEPT, REJECT or ALL, found 'ACCEPTED' (did you mean 'ACCEPT'?)", 17,
       45},
      {"GCP interval", With("{provider: gcp, aggregation_interval: 10s}"),
       "Google Cloud aggregates over 5s, 30s, 1m, 5m, 10m or 15m", 17, 53},
      {"GCP sampling 0", With("{provider: gcp, flow_sampling: 0}"), "must be above 0", 17, 46},
      {"GCP sampling > 1", With("{provider: gcp, flow_sampling: 1.5}"), "value 1.5 out of range",
       17, 46},
      {"GCP metadata", With("{provider: gcp, metadata: inclde}"), "(did you mean 'include'?)", 17,
       41},
      {"Azure version", With("{provider: azure, version: 2}"), "version 4 records", 17, 42},
      {"no provider", With("{version: 5}"), "missing required key 'provider'", 17, 15},
      {"not a map", With("aws"), "expected a map", 17, 15},
      {"not in a cloud", With("{provider: aws}", "rtr"),
       "flow logs are a cloud provider's: node 'rtr' is a router in zone 'office' (kind access)",
       17, 15},
  };
}

TEST(FlowLogSettings, BadSettingsAreReportedWithFileLineColumnAndSuggestions) {
  for (const auto& c : BadCases()) {
    Diagnostics d;
    auto t = ParseTopology(c.text, "t.yaml", d);
    EXPECT_FALSE(t.Ok()) << c.what;
    bool found = false;
    for (const auto& item : d.items) {
      if (item.message.find(c.expect) != std::string::npos && item.line == c.line &&
          item.column == c.column && item.ToString().rfind("t.yaml:", 0) == 0) {
        found = true;
      }
    }
    if (std::getenv("SHOW")) std::cerr << c.what << ": " << d.ToString();
    EXPECT_TRUE(found) << c.what << ": expected '" << c.expect << "' at " << c.line << ":"
                       << c.column << ", got:\n"
                       << d.ToString();
  }
}

TEST(FlowLogSettings, RulesOnACloudVpcAreItsSecurityGroup) {
  std::string s = kBase;
  s.replace(s.find("role: webapp}"), 13,
            "role: webapp,\n     rules: [{from: office, to: aws, action: allow, protocol: tcp, "
            "port: 443}]}");
  Topology t = Load(s);
  const Node* vpc = t.FindNode("vpc");
  ASSERT_NE(vpc, nullptr);
  EXPECT_EQ(vpc->rules.size(), 1u);
  EXPECT_FALSE(vpc->defaultAllow) << "a security group denies what it does not allow";
  EXPECT_TRUE(Load(kBase).FindNode("vpc")->defaultAllow) << "no rules: no security group";
}

}  // namespace
