// Exercise files: validation with file:line:col, and per-trainee variants.
#include "vantage/training/exercise.h"

#include <gtest/gtest.h>

#include "vantage/training/variant.h"

namespace vantage::training {
namespace {

// Paths are resolved relative to the exercise file; tests run from the source tree.
const char* kGood = R"(name: t
title: Test
briefing: hello
topology: topologies/small-office.yaml
scenario: scenarios/small-office-baseline.yaml
inject:
  - kind: c2_beacon
    label: b
    source: {one_of: [desktops, nas]}
    target: c2-server
    start_s: {uniform: [10, 50]}
    params: {interval_s: {uniform: [5, 50], round: 1}}
view: {flows: [rtr-lan]}
levels:
  - {title: Intro, info: read this}
  - id: who
    title: Who
    question: who?
    answer: {type: host, truth: b.src_host}
)";

Exercise Parse(const std::string& text, model::Diagnostics& diags) {
  auto ex = ParseExercise(text, "ex.yaml", diags);
  return ex ? *ex : Exercise{};
}

TEST(ExerciseTest, ParsesAGoodFile) {
  model::Diagnostics diags;
  auto ex = ParseExercise(kGood, "ex.yaml", diags);
  ASSERT_TRUE(ex) << diags.ToString();
  EXPECT_EQ(ex->levels.size(), 2u);
  EXPECT_FALSE(ex->levels[0].question);
  EXPECT_TRUE(ex->levels[1].question);
  EXPECT_EQ(ex->levels[1].type, AnswerType::kHost);
  EXPECT_EQ(ex->inject[0].source.kind, Varying::Kind::kOneOf);
  EXPECT_EQ(ex->inject[0].params.at("interval_s").decimals, 1);
  EXPECT_DOUBLE_EQ(ex->MaxTotal(), 100);
}

TEST(ExerciseTest, ErrorsNameLineAndKey) {
  std::string bad = kGood;
  bad.replace(bad.find("type: host"), 10, "type: hots");
  bad += "  - {title: X, info: a, question: b}\n";
  bad += "  - {title: Y, question: q, answer: {type: choice, choices: [a, b], value: c}}\n";
  bad += "  - {title: Z, question: q, answer: {type: port, truth: b.src_hots}}\n";
  bad += "colour: red\n";
  model::Diagnostics diags;
  EXPECT_FALSE(ParseExercise(bad, "ex.yaml", diags));
  std::string all = diags.ToString();
  EXPECT_NE(all.find("unknown answer type 'hots' (did you mean 'host'?)"), std::string::npos)
      << all;
  EXPECT_NE(all.find("either 'info'"), std::string::npos) << all;
  EXPECT_NE(all.find("not one of the choices"), std::string::npos) << all;
  EXPECT_NE(all.find("unknown field 'src_hots'"), std::string::npos) << all;
  EXPECT_NE(all.find("ex.yaml:23:1: colour"), std::string::npos) << all;
}

TEST(ExerciseTest, MissingFilesAndEmptyView) {
  std::string bad = kGood;
  bad.replace(bad.find("topologies/small-office.yaml"), 28, "topologies/nowhere.yaml");
  bad.replace(bad.find("view: {flows: [rtr-lan]}"), 24, "view: {flows: []}");
  model::Diagnostics diags;
  EXPECT_FALSE(ParseExercise(bad, "ex.yaml", diags));
  EXPECT_NE(diags.ToString().find("nowhere.yaml' does not exist"), std::string::npos);
  EXPECT_NE(diags.ToString().find("the view gives the trainee nothing"), std::string::npos);
}

TEST(ExerciseTest, YamlSyntaxErrorHasAPosition) {
  model::Diagnostics diags;
  EXPECT_FALSE(ParseExercise("name: [unclosed\n", "ex.yaml", diags));
  ASSERT_FALSE(diags.items.empty());
  EXPECT_GT(diags.items[0].line, 0);
}

TEST(VariantTest, TraineesDifferAndEachIsStable) {
  model::Diagnostics diags;
  Exercise ex = Parse(kGood, diags);
  ASSERT_FALSE(diags.HasErrors()) << diags.ToString();
  auto a1 = ResolveVariant(ex, "alice"), a2 = ResolveVariant(ex, "alice");
  EXPECT_EQ(a1.seed, a2.seed);
  EXPECT_EQ(a1.behaviours[0].startS, a2.behaviours[0].startS);
  EXPECT_EQ(a1.params["b"]["interval_s"], a2.params["b"]["interval_s"]);
  // Across a class, seeds are distinct and the drawn values spread over their ranges.
  std::set<uint64_t> seeds;
  std::set<std::string> intervals, sources;
  for (int i = 0; i < 20; ++i) {
    auto v = ResolveVariant(ex, "trainee" + std::to_string(i));
    seeds.insert(v.seed);
    intervals.insert(v.params["b"]["interval_s"]);
    sources.insert(v.behaviours[0].source);
    double start = v.behaviours[0].startS;
    EXPECT_GE(start, 10);
    EXPECT_LE(start, 50);
  }
  EXPECT_EQ(seeds.size(), 20u);
  EXPECT_GE(intervals.size(), 15u);
  EXPECT_EQ(sources.size(), 2u);
  // A different exercise seed gives the same trainee another variant.
  Exercise other = ex;
  other.seed = 99;
  EXPECT_NE(TraineeSeed(other, "alice"), a1.seed);
}

TEST(VariantTest, TraineeNamesAreSafeDirectoryNames) {
  EXPECT_TRUE(ValidTraineeName("alice.b-c_1"));
  EXPECT_FALSE(ValidTraineeName("../bob"));
  EXPECT_FALSE(ValidTraineeName("a/b"));
  EXPECT_FALSE(ValidTraineeName(".hidden"));
  EXPECT_FALSE(ValidTraineeName(""));
  EXPECT_FALSE(ValidTraineeName(std::string(41, 'a')));
}

}  // namespace
}  // namespace vantage::training
