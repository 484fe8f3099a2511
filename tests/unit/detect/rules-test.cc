// The rules file: values applied, defaults kept, and every problem reported as file:line:col.
#include "vantage/detect/rules.h"

#include <gtest/gtest.h>

namespace vantage::detect {
namespace {

TEST(DetectRules, EmptyFileKeepsDefaults) {
  model::Diagnostics d;
  auto r = ParseRules("", "r.yaml", d);
  ASSERT_TRUE(r) << d.ToString();
  EXPECT_EQ(r->scan.verticalThreshold, 15);
  EXPECT_EQ(r->bruteForce.threshold, 30);
  EXPECT_EQ(r->longConnection.minDurationS, 3600);
}

TEST(DetectRules, ValuesAndAllowLists) {
  model::Diagnostics d;
  auto r = ParseRules(R"(
detectors:
  beacon: {min_connections: 20, threshold: 0.8, weights: {timestamp: 0.5, size: 0.25, duration: 0.25}}
  port_scan: {vertical_threshold: 40, window_s: 60}
  spike: {enabled: false}
  brute_force: {ports: [22, 2222]}
  directionality: {role_ports: {web: [8080]}}
allow:
  hosts: [ad, 10.30.0.0/24]
  pairs: [{src: dmz-mail, dst: partner-mx}]
  ports: [25]
)",
                      "r.yaml", d);
  ASSERT_TRUE(r) << d.ToString();
  EXPECT_EQ(r->beacon.minConnections, 20u);
  EXPECT_DOUBLE_EQ(r->beacon.threshold, 0.8);
  EXPECT_DOUBLE_EQ(r->beacon.tsWeight, 0.5);
  EXPECT_EQ(r->scan.verticalThreshold, 40);
  EXPECT_EQ(r->scan.windowS, 60);
  EXPECT_FALSE(r->spike.enabled);
  EXPECT_EQ(r->bruteForce.ports, (std::vector<uint16_t>{22, 2222}));
  EXPECT_EQ(r->directionality.rolePorts["web"], (std::vector<uint16_t>{8080}));
  EXPECT_EQ(r->allow.hosts, (std::vector<std::string>{"ad", "10.30.0.0/24"}));
  ASSERT_EQ(r->allow.pairs.size(), 1u);
  EXPECT_EQ(r->allow.pairs[0].second, "partner-mx");
  EXPECT_EQ(r->allow.ports.count(25), 1u);
}

TEST(DetectRules, ErrorsNameFileLineAndColumn) {
  model::Diagnostics d;
  auto r = ParseRules(R"(detectors:
  beacon: {treshold: 0.8}
  port_scan: {vertical_threshold: many}
  brute_force: {ports: [22, 70000]}
  no_such: {}
allow:
  pairs: [{src: a}]
)",
                      "rules.yaml", d);
  ASSERT_FALSE(r);
  std::string all = d.ToString();
  EXPECT_NE(all.find("rules.yaml:2:"), std::string::npos) << all;
  EXPECT_NE(all.find("did you mean 'threshold'"), std::string::npos) << all;
  EXPECT_NE(all.find("rules.yaml:3:"), std::string::npos) << all;
  EXPECT_NE(all.find("detectors.brute_force.ports[1]"), std::string::npos) << all;
  EXPECT_NE(all.find("no_such"), std::string::npos) << all;
  EXPECT_NE(all.find("allow.pairs[0]"), std::string::npos) << all;
  EXPECT_GE(d.ErrorCount(), 5u);
}

TEST(DetectRules, WeightsMustAddUpAndSyntaxErrorsHaveAPlace) {
  model::Diagnostics d;
  EXPECT_FALSE(ParseRules("detectors: {beacon: {weights: {timestamp: 0.9}}}", "w.yaml", d));
  EXPECT_NE(d.ToString().find("add up to 1"), std::string::npos);
  model::Diagnostics d2;
  EXPECT_FALSE(ParseRules("detectors: [unclosed", "s.yaml", d2));
  ASSERT_FALSE(d2.items.empty());
  EXPECT_GT(d2.items[0].line, 0);
  model::Diagnostics d3;
  EXPECT_FALSE(LoadRules("/nonexistent/rules.yaml", d3));
}

}  // namespace
}  // namespace vantage::detect
