// The certificate and the knee in the report: plan.json fields, the Recommendation text,
// --prefer knee, and round-valued ticks with the chosen and knee plans labelled on the plot.
#include <gtest/gtest.h>

#include <cmath>
#include <nlohmann/json.hpp>
#include <regex>

#include "test-util.h"
#include "vantage/planner/report.h"
#include "xml-check.h"

namespace vantage::planner {
namespace {

ReportInput MakeInput(const Problem& p, double kneeThreshold, bool preferKnee) {
  ReportInput in;
  in.problem = &p;
  in.plan = Optimise(p, p.constraints);
  in.storageSweep = StorageSweep(p, 8);
  in.paretoFront = CostParetoFront(p, 8);
  in.knee = FindKnee(p, p.constraints, in.plan.best, in.paretoFront, kneeThreshold);
  in.preferKnee = preferKnee;
  if (preferKnee) PreferKnee(p, p.constraints, in.knee, in.plan);
  in.metrics = Evaluate(p, in.plan.best.modes);
  in.cheapest = FindCheapestUseful(p, p.constraints);
  return in;
}

// The text of every <text> element.
std::vector<std::string> SvgTexts(const std::string& svg) {
  std::vector<std::string> out;
  std::regex re("<text[^>]*>([^<]*)</text>");
  for (auto it = std::sregex_iterator(svg.begin(), svg.end(), re); it != std::sregex_iterator();
       ++it) {
    out.push_back((*it)[1]);
  }
  return out;
}

bool IsOneTwoFive(double v) {
  if (v <= 0) return false;
  double m = v / std::pow(10.0, std::floor(std::log10(v) + 1e-12));
  return std::fabs(m - 1) < 1e-9 || std::fabs(m - 2) < 1e-9 || std::fabs(m - 5) < 1e-9;
}

TEST(PlannerReportCertificate, PlanJsonCarriesBoundGapAndKnee) {
  Problem p = test::HandProblem();
  ReportInput in = MakeInput(p, 0.30, false);
  auto j = nlohmann::json::parse(RenderPlanJson(in));
  const auto& opt = j["optimisation"];
  double best = opt["best_objective"].get<double>(), bound = opt["bound"].get<double>();
  EXPECT_GE(bound, best);
  EXPECT_NEAR(opt["gap_certified"].get<double>(), 1 - best / bound, 1e-12);
  EXPECT_FALSE(opt["bound_constraint"].get<std::string>().empty());
  EXPECT_FALSE(opt["tightening"]["ran"].get<bool>());  // two candidates: the exact search ran
  const auto& k = j["knee"];
  ASSERT_TRUE(k["found"].get<bool>());
  EXPECT_EQ(k["points"], nlohmann::json::array({"A", "B"}));
  EXPECT_EQ(k["modes"], nlohmann::json::array({"flow", "flow"}));
  EXPECT_DOUBLE_EQ(k["cost"].get<double>(), 3);
  EXPECT_DOUBLE_EQ(k["storage_bytes"].get<double>(), 150000);
  EXPECT_NEAR(k["weighted_coverage"].get<double>(), 0.75, 1e-12);
  EXPECT_DOUBLE_EQ(k["cost_saved"].get<double>(), 5);
  EXPECT_FALSE(k["preferred"].get<bool>());
  for (const char* curve : {"storage_sweep", "pareto_front"}) {
    for (const auto& t : j[curve]) {
      EXPECT_GE(t["bound_share"].get<double>(), t["weighted_coverage"].get<double>() - 1e-12);
      EXPECT_GE(t["gap_certified"].get<double>(), 0.0);
    }
  }
}

TEST(PlannerReportCertificate, RecommendationSaysBoth) {
  Problem p = test::HandProblem();
  std::string md = RenderMarkdown(MakeInput(p, 0.30, false));
  size_t rec = md.find("**Recommendation:**"), map = md.find("![Map");
  ASSERT_NE(rec, std::string::npos);
  size_t cert = md.find("**Certified gap:**"), knee = md.find("**Knee of the cost curve:**");
  EXPECT_TRUE(cert > rec && cert < map) << md.substr(0, 2000);
  EXPECT_TRUE(knee > rec && knee < map) << md.substr(0, 2000);
  EXPECT_NE(md.find("the last 25.0 points of weighted coverage cost 5 cost units"),
            std::string::npos)
      << md.substr(0, 2000);
  EXPECT_NE(md.find("proves that plan optimal"), std::string::npos);
  // A 1-point threshold: the best plan is its own knee.
  EXPECT_NE(RenderMarkdown(MakeInput(p, 0.01, false)).find("this plan is also the knee"),
            std::string::npos);
}

TEST(PlannerReportCertificate, PreferKneeRecommendsTheKnee) {
  Problem p = test::HandProblem();
  ReportInput in = MakeInput(p, 0.35, true);
  EXPECT_EQ(in.plan.best.modes, (Placement{Mode::kNone, Mode::kFlow}));
  std::string md = RenderMarkdown(in);
  EXPECT_NE(md.find("**Recommended: the knee of the cost curve**"), std::string::npos);
  EXPECT_NE(md.find("**Recommendation:** 1 point for 2 cost units"), std::string::npos)
      << md.substr(0, 800);
  std::string html = RenderHtml(in);
  EXPECT_EQ(test::CheckHtml(html), "");
  EXPECT_NE(html.find("Recommended: the knee of the cost curve"), std::string::npos);
  auto j = nlohmann::json::parse(RenderPlanJson(in));
  EXPECT_TRUE(j["knee"]["preferred"].get<bool>());
  EXPECT_EQ(j["points"][0]["mode"], "none");
  EXPECT_EQ(j["points"][1]["mode"], "flow");
  std::string svg = RenderCoverageSvg(in, true);
  EXPECT_NE(svg.find("chosen plan = knee: cost 2"), std::string::npos);
  EXPECT_NE(svg.find("max coverage: cost 8"), std::string::npos);
}

TEST(PlannerReportCertificate, PlotTicksAreRoundAndPlansLabelled) {
  int kneeLabels = 0;
  for (uint64_t seed : {3u, 11u, 29u}) {
    Problem p = MakeSyntheticProblem(12, 300, 40, seed);
    ReportInput in = MakeInput(p, 0.05, false);
    std::string svg = RenderCoverageSvg(in, true);
    EXPECT_EQ(test::CheckXml(svg), "");
    std::regex bytes("([0-9.]+) (B|kB|MB|GB|TB|PB)"), number("[0-9]+"), percent("([0-9]+)%");
    std::vector<double> cost;
    int byteTicks = 0;
    for (const auto& t : SvgTexts(svg)) {
      std::smatch m;
      if (std::regex_match(t, m, bytes)) {
        EXPECT_TRUE(IsOneTwoFive(std::stod(m[1]))) << t;
        ++byteTicks;
      } else if (std::regex_match(t, m, percent)) {
        EXPECT_EQ(std::stoi(m[1]) % 20, 0) << t;
      } else if (std::regex_match(t, number)) {
        cost.push_back(std::stod(t));
      }
    }
    EXPECT_GE(byteTicks, 2) << "seed " << seed;
    ASSERT_GE(cost.size(), 2u) << "seed " << seed;
    double step = cost[1] - cost[0];
    EXPECT_TRUE(step >= 1 && IsOneTwoFive(step)) << step;
    for (size_t i = 1; i < cost.size(); ++i) EXPECT_DOUBLE_EQ(cost[i] - cost[i - 1], step);
    EXPECT_NE(svg.find("chosen plan"), std::string::npos);
    if (in.knee.found && !in.knee.isBest) {
      EXPECT_NE(svg.find(">knee: cost "), std::string::npos) << "seed " << seed;
      ++kneeLabels;
    }
  }
  EXPECT_GT(kneeLabels, 0) << "no instance had a knee apart from the best plan";
}

}  // namespace
}  // namespace vantage::planner
