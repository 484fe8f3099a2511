// The budget's flow-log price keys: read when present, unset (provider list price) when absent,
// and checked like every other budget key (unknown keys with a suggestion, ranges).
#include <gtest/gtest.h>

#include <string>

#include "vantage/model/topology.h"

using namespace vantage::model;

namespace {

std::string WithBudget(const std::string& extra) {
  return "name: t\n"
         "zones:\n"
         "  - {name: inside, kind: access, cidrs: [10.0.0.0/24]}\n"
         "nodes:\n"
         "  - {name: rtr, kind: router, zone: inside}\n"
         "  - {name: srv, kind: server, zone: inside, role: web}\n"
         "links:\n"
         "  - {name: lan, kind: lan, endpoints: [rtr, srv]}\n"
         "candidates:\n"
         "  - {name: c1, node: rtr}\n"
         "budget:\n"
         "  storage_tb: 5\n" +  // line 12
         extra;                 // line 13 on
}

}  // namespace

TEST(BudgetFlowLog, PricesReadWhenGiven) {
  Diagnostics d;
  auto t = ParseTopology(WithBudget("  flow_log_ingest_usd_per_gb: 0.25\n"
                                    "  flow_log_storage_usd_per_gb_month: 0.023\n"
                                    "  flow_log_usd_per_cost_unit: 250\n"),
                         "t.yaml", d);
  ASSERT_TRUE(t.Ok()) << d.ToString();
  ASSERT_TRUE(t->budget.flowLogIngestUsdPerGb.has_value());
  EXPECT_EQ(*t->budget.flowLogIngestUsdPerGb, 0.25);
  EXPECT_EQ(*t->budget.flowLogStorageUsdPerGbMonth, 0.023);
  EXPECT_EQ(t->budget.flowLogUsdPerCostUnit, 250);
}

TEST(BudgetFlowLog, UnsetMeansListPrice) {
  Diagnostics d;
  auto t = ParseTopology(WithBudget(""), "t.yaml", d);
  ASSERT_TRUE(t.Ok()) << d.ToString();
  EXPECT_FALSE(t->budget.flowLogIngestUsdPerGb.has_value());
  EXPECT_FALSE(t->budget.flowLogStorageUsdPerGbMonth.has_value());
  EXPECT_EQ(t->budget.flowLogUsdPerCostUnit, 100);
}

TEST(BudgetFlowLog, BadKeysAndValuesNameTheLine) {
  struct Case {
    const char* extra;
    const char* expect;
  } cases[] = {
      {"  flow_log_ingest_usd_per_gbb: 1\n",
       "unknown key 'flow_log_ingest_usd_per_gbb' (did you mean 'flow_log_ingest_usd_per_gb'?)"},
      {"  flow_log_storage_usd_per_gb_month: -1\n", "out of range"},
      {"  flow_log_usd_per_cost_unit: 0\n", "must be above 0"},
      {"  flow_log_ingest_usd_per_gb: cheap\n", "expected a number"},
  };
  for (const auto& c : cases) {
    Diagnostics d;
    auto t = ParseTopology(WithBudget(c.extra), "t.yaml", d);
    EXPECT_FALSE(t.Ok()) << c.extra;
    std::string all = d.ToString();
    EXPECT_NE(all.find(c.expect), std::string::npos) << all;
    EXPECT_NE(all.find("t.yaml:13:"), std::string::npos) << all;
  }
}
