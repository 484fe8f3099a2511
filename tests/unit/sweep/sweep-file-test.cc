// Sweep files (validation with file:line:col), seed lists, cell hashing and statistics.
#include "vantage/sweep/sweep-file.h"

#include <gtest/gtest.h>

#include "test-util.h"
#include "vantage/sweep/cell.h"
#include "vantage/sweep/slurm.h"
#include "vantage/sweep/stats.h"

namespace vantage::sweep {
namespace {

using test::TempDir;
using test::WriteText;

class SweepFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    WriteText(m_dir / "topo.yaml", "name: t\n");
    WriteText(m_dir / "a.yaml", "scenario a\n");
    WriteText(m_dir / "b.yaml", "scenario b\n");
  }
  core::Result<SweepSpec> Parse(const std::string& text) {
    m_diags = {};
    return ParseSweep(text, "s.yaml", m_dir.Path(), m_diags);
  }
  TempDir m_dir;
  model::Diagnostics m_diags;
};

constexpr const char* kValid = R"(name: office
command: plan
cases:
  - topology: topo.yaml
    scenarios: [a.yaml, b.yaml]
seeds: 1-3
plan:
  budget_tb: [0.5, 2]
  verify: false
timeout_s: 60
)";

TEST_F(SweepFileTest, ParsesTheMatrix) {
  auto s = Parse(kValid);
  ASSERT_TRUE(s) << m_diags.ToString();
  EXPECT_EQ(s->name, "office");
  ASSERT_EQ(s->cases.size(), 2u);
  EXPECT_EQ(s->cases[1].scenario, "b.yaml");
  EXPECT_EQ(s->seeds, (std::vector<uint64_t>{1, 2, 3}));
  ASSERT_EQ(s->axes.size(), 2u);
  EXPECT_EQ(s->axes[0].option, "--budget-tb");
  EXPECT_EQ(s->axes[1].option, "--no-verify");
  EXPECT_DOUBLE_EQ(s->timeoutS, 60);
  auto cells = ExpandCells(*s, "1.0");
  ASSERT_TRUE(cells);
  EXPECT_EQ(cells->size(), 2u * 3u * 2u);
  EXPECT_EQ((*cells)[0].Args("o")[0], "plan");
}

TEST_F(SweepFileTest, UnknownKeyNamesLineColumnAndSuggests) {
  std::string text = kValid;
  text.replace(text.find("timeout_s"), 9, "timout_s");
  auto s = Parse(text);
  ASSERT_FALSE(s);
  const std::string msg = m_diags.ToString();
  EXPECT_NE(msg.find("s.yaml:10:1: timout_s: unknown key 'timout_s' (did you mean 'timeout_s'?)"),
            std::string::npos)
      << msg;
}

TEST_F(SweepFileTest, ReportsEveryProblem) {
  auto s = Parse(R"(name: "bad name"
command: simulate
cases:
  - topology: missing.yaml
    scenario: a.yaml
seeds: [1, 5-2, x]
plan: {budget_tb: 1}
)");
  ASSERT_FALSE(s);
  const std::string msg = m_diags.ToString();
  EXPECT_NE(msg.find("s.yaml:1:7: name:"), std::string::npos) << msg;
  EXPECT_NE(msg.find("s.yaml:4:15: cases[0].topology: no such file 'missing.yaml'"),
            std::string::npos)
      << msg;
  EXPECT_NE(msg.find("seeds[1]: '5-2' is not a seed range"), std::string::npos) << msg;
  EXPECT_NE(msg.find("seeds[2]: 'x' is not a seed"), std::string::npos) << msg;
  EXPECT_NE(msg.find("plan settings need command: plan"), std::string::npos) << msg;
}

TEST_F(SweepFileTest, EmptyMatrixIsAnError) {
  EXPECT_FALSE(Parse("name: e\ncases: []\nseeds: 1\n"));
  EXPECT_NE(m_diags.ToString().find("empty matrix: no cases"), std::string::npos);
  EXPECT_FALSE(Parse("name: e\ncases: [{topology: topo.yaml, scenario: a.yaml}]\nseeds: []\n"));
  EXPECT_NE(m_diags.ToString().find("s.yaml:3:8: seeds: empty matrix: no seeds"), std::string::npos)
      << m_diags.ToString();
  EXPECT_FALSE(Parse(""));
  EXPECT_FALSE(Parse("name: [unclosed\n"));
  EXPECT_NE(m_diags.ToString().find("YAML syntax"), std::string::npos);
}

TEST(SeedList, RangesAndLists) {
  std::vector<uint64_t> seeds;
  std::string error;
  ASSERT_TRUE(ParseSeedList("1-3, 7", seeds, error));
  EXPECT_EQ(seeds, (std::vector<uint64_t>{1, 2, 3, 7}));
  seeds.clear();
  EXPECT_FALSE(ParseSeedList("3-1", seeds, error));
  EXPECT_FALSE(ParseSeedList("", seeds, error));
  EXPECT_FALSE(ParseSeedList("0-99999999999", seeds, error));
  EXPECT_NE(error.find("more than"), std::string::npos);
}

TEST_F(SweepFileTest, CellIdsFollowInputsOnly) {
  auto s = Parse(kValid);
  ASSERT_TRUE(s);
  auto before = ExpandCells(*s, "1.0");
  auto again = ExpandCells(*s, "1.0");
  ASSERT_TRUE(before && again);
  for (size_t i = 0; i < before->size(); ++i) EXPECT_EQ((*before)[i].id, (*again)[i].id);
  // Changing one scenario file changes exactly the cells that read it.
  WriteText(m_dir / "b.yaml", "scenario b, edited\n");
  auto after = ExpandCells(*s, "1.0");
  ASSERT_TRUE(after);
  size_t changed = 0;
  for (size_t i = 0; i < before->size(); ++i) {
    bool differs = (*before)[i].id != (*after)[i].id;
    EXPECT_EQ(differs, (*after)[i].scenario == "b.yaml") << i;
    changed += differs ? 1 : 0;
  }
  EXPECT_EQ(changed, 6u);
  // Another vantage version reruns everything; ids are all distinct.
  auto other = ExpandCells(*s, "2.0");
  std::set<std::string> ids;
  for (size_t i = 0; i < other->size(); ++i) {
    EXPECT_NE((*other)[i].id, (*after)[i].id);
    ids.insert((*other)[i].id);
  }
  EXPECT_EQ(ids.size(), other->size());
}

TEST_F(SweepFileTest, PathsDoNotChangeIds) {
  auto s = Parse(kValid);
  ASSERT_TRUE(s);
  auto a = ExpandCells(*s, "1.0");
  WriteText(m_dir / "copy/a.yaml", "scenario a\n");
  s->cases[0].scenarioPath = m_dir / "copy/a.yaml";
  auto b = ExpandCells(*s, "1.0");
  ASSERT_TRUE(a && b);
  EXPECT_EQ((*a)[0].id, (*b)[0].id);
}

TEST(Stats, StudentIntervals) {
  EXPECT_NEAR(TQuantile975(1), 12.706, 1e-3);
  EXPECT_NEAR(TQuantile975(9), 2.262, 1e-3);
  EXPECT_NEAR(TQuantile975(60), 2.000, 2e-3);
  EXPECT_NEAR(TQuantile975(100000), 1.960, 1e-3);
  Summary s = Summarise({1, 2, 3, 4});
  EXPECT_DOUBLE_EQ(s.mean, 2.5);
  EXPECT_NEAR(s.sd, 1.2910, 1e-4);
  EXPECT_NEAR(s.ciHigh - s.mean, 3.1824 * 1.2910 / 2, 1e-3);
  Summary one = Summarise({5});
  EXPECT_EQ(one.ciLow, 5);
  EXPECT_EQ(one.ciHigh, 5);
}

TEST(Slurm, ArraySpecCompressesRanges) {
  EXPECT_EQ(ArraySpec({0, 1, 2, 3}), "0-3");
  EXPECT_EQ(ArraySpec({0, 2, 3, 4, 7}), "0,2-4,7");
  EXPECT_EQ(ArraySpec({5}), "5");
}

}  // namespace
}  // namespace vantage::sweep
