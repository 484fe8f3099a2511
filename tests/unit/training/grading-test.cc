// Grading every answer type against keys derived from hand-made ground truth; hints, solutions
// and wrong-answer limits; answer sheets.
#include "vantage/training/grading.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "vantage/training/session.h"

namespace vantage::training {
namespace {

planner::GroundTruthFlow Flow(const std::string& label, const std::string& src, uint16_t sport,
                              int64_t startS) {
  planner::GroundTruthFlow f;
  f.label = label;
  f.srcHost = "staff-3";
  f.dstHost = "c2";
  f.srcIp = *core::IpAddress::Parse(src);
  f.dstIp = *core::IpAddress::Parse("198.51.100.7");
  f.srcPort = sport;
  f.dstPort = 443;
  f.protocol = 6;
  f.startNs = startS * 1'000'000'000LL;
  f.endNs = f.startNs + 2'000'000'000LL;
  f.bytesFwd = 200;
  f.bytesRev = 600;
  f.natIp = *core::IpAddress::Parse("203.0.113.2");
  f.natPort = static_cast<uint16_t>(sport + 1000);
  return f;
}

Level Question(const std::string& id, AnswerType type, const std::string& truth) {
  Level l;
  l.id = id;
  l.title = id;
  l.question = true;
  l.type = type;
  l.truth = truth;
  return l;
}

struct Fixture {
  Exercise ex;
  TraineeVariant variant;
  std::vector<planner::GroundTruthFlow> truth;
  TraineeKey key;
};

Fixture Make() {
  Fixture f;
  f.ex.name = "t";
  f.ex.levels = {Question("host", AnswerType::kHost, "b.src_host"),
                 Question("addr", AnswerType::kAddress, "b.dst_ip"),
                 Question("port", AnswerType::kPort, "b.dst_port"),
                 Question("interval", AnswerType::kNumber, "b.interval_s"),
                 Question("start", AnswerType::kTime, "b.start"),
                 Question("bytes", AnswerType::kNumber, "b.bytes_out"),
                 Question("flows", AnswerType::kFlows, "b.flow_set"),
                 Question("pick", AnswerType::kChoice, "")};
  f.ex.levels[3].tolerance = 1;
  f.ex.levels[4].tolerance = 30;
  f.ex.levels[5].tolerancePct = 10;
  f.ex.levels[6].passF1 = 0.75;
  f.ex.levels[7].choices = {"yes", "no"};
  f.ex.levels[7].value = "no";
  f.variant.trainee = "alice";
  // Four beacon flows 10, 12, 10 s apart (median gap 10 s) and one benign flow.
  f.truth = {Flow("b", "10.0.0.5", 50000, 1000), Flow("b", "10.0.0.5", 50001, 1010),
             Flow("b", "10.0.0.5", 50002, 1022), Flow("b", "10.0.0.5", 50003, 1032),
             Flow("web", "10.0.0.9", 40000, 1005)};
  auto key = DeriveKey(f.ex, f.variant, f.truth);
  EXPECT_TRUE(key) << key.GetError().message;
  f.key = *key;
  return f;
}

Grade G(const Fixture& f, const std::string& id, const std::string& answer) {
  return GradeAnswer(*f.ex.FindLevel(id), f.key.levels.at(id), answer);
}

TEST(GradingTest, KeyComesFromTheLabelledFlows) {
  Fixture f = Make();
  EXPECT_EQ(f.key.levels["interval"].number, 10);  // gaps 10, 12, 10
  EXPECT_EQ(f.key.levels["start"].number, 1000);
  EXPECT_EQ(f.key.levels["bytes"].number, 800);
  EXPECT_EQ(f.key.levels["flows"].flows.size(), 4u);
}

TEST(GradingTest, HostByNameOrAddress) {
  Fixture f = Make();
  EXPECT_TRUE(G(f, "host", "staff-3").correct);
  EXPECT_TRUE(G(f, "host", "STAFF-3").correct);
  EXPECT_TRUE(G(f, "host", " 10.0.0.5 ").correct);
  EXPECT_FALSE(G(f, "host", "10.0.0.9").correct);
  EXPECT_FALSE(G(f, "host", "staff-30").correct);
  EXPECT_FALSE(G(f, "host", "").valid);
}

TEST(GradingTest, AddressesAndPorts) {
  Fixture f = Make();
  EXPECT_TRUE(G(f, "addr", "198.51.100.7").correct);
  EXPECT_FALSE(G(f, "addr", "198.51.100.8").correct);
  EXPECT_FALSE(G(f, "addr", "c2").valid);
  EXPECT_TRUE(G(f, "port", "443").correct);
  EXPECT_FALSE(G(f, "port", "80").correct);
  EXPECT_FALSE(G(f, "port", "70000").valid);
  EXPECT_FALSE(G(f, "port", "44.3").valid);
}

TEST(GradingTest, NumbersAndTimesWithinTolerance) {
  Fixture f = Make();
  EXPECT_TRUE(G(f, "interval", "11").correct);  // |11-10| <= 1
  EXPECT_FALSE(G(f, "interval", "11.5").correct);
  EXPECT_TRUE(G(f, "bytes", "880").correct);  // 10% of 800
  EXPECT_FALSE(G(f, "bytes", "881").correct);
  EXPECT_FALSE(G(f, "bytes", "lots").valid);
  EXPECT_TRUE(G(f, "start", "1029").correct);  // UNIX seconds, 30 s tolerance
  EXPECT_TRUE(G(f, "start", "1970-01-01T00:16:40Z").correct);
  EXPECT_FALSE(G(f, "start", "1031").correct);
  EXPECT_FALSE(G(f, "start", "yesterday").valid);
}

TEST(GradingTest, Choices) {
  Fixture f = Make();
  EXPECT_TRUE(G(f, "pick", "no").correct);
  EXPECT_FALSE(G(f, "pick", "yes").correct);
  EXPECT_FALSE(G(f, "pick", "maybe").valid);
}

TEST(GradingTest, FlowSetsByF1) {
  Fixture f = Make();
  // 2 of 4 labelled flows, one forward and one reverse direction after NAT, plus a benign one:
  // precision 2/3, recall 2/4, F1 = 4/7 = 0.571 < 0.75.
  auto g = G(f, "flows",
             "10.0.0.5:50000 -> 198.51.100.7:443 tcp\n"
             "198.51.100.7,443,203.0.113.2,51001,6\n"
             "10.0.0.9:40000 -> 198.51.100.7:443 6\n");
  EXPECT_NEAR(g.precision, 2.0 / 3, 1e-9);
  EXPECT_NEAR(g.recall, 0.5, 1e-9);
  EXPECT_NEAR(g.f1, 4.0 / 7, 1e-9);
  EXPECT_FALSE(g.correct);
  // All four (one duplicated as the reverse record): precision 1, recall 1.
  g = G(f, "flows",
        "10.0.0.5:50000 -> 198.51.100.7:443\n198.51.100.7:443 -> 10.0.0.5:50000\n"
        "10.0.0.5:50001 -> 198.51.100.7:443\n10.0.0.5:50002 -> 198.51.100.7:443\n"
        "# comment\n10.0.0.5:50003 -> 198.51.100.7:443 tcp\n");
  EXPECT_DOUBLE_EQ(g.f1, 1.0);
  EXPECT_TRUE(g.correct);
  auto bad = G(f, "flows", "10.0.0.5 to 198.51.100.7");
  EXPECT_FALSE(bad.valid);
  EXPECT_NE(bad.feedback.find("line 1"), std::string::npos);
}

TEST(GradingTest, MissingLabelIsAnErrorNamingTheLevel) {
  Fixture f = Make();
  f.ex.levels[0].truth = "nothing.src_host";
  auto key = DeriveKey(f.ex, f.variant, f.truth);
  ASSERT_FALSE(key);
  EXPECT_NE(key.GetError().message.find("level 'host'"), std::string::npos);
}

TEST(ScoringTest, HintsSolutionsAndWrongAnswerLimits) {
  Level l = Question("q", AnswerType::kPort, "b.dst_port");
  l.maxScore = 100;
  l.maxWrong = 2;
  l.hints = {{"h1", 10}, {"h2", 25}};
  l.solution = "s";
  l.solutionPenalty = 50;
  LevelProgress p;
  Grade wrong;
  wrong.correct = false;
  Grade right;
  right.correct = true;
  Grade invalid;
  invalid.valid = false;
  ApplyGrade(l, invalid, p);  // not of the right type: not counted
  EXPECT_EQ(p.wrong, 0);
  ApplyGrade(l, wrong, p);
  EXPECT_FALSE(p.Done());
  p.hintsTaken = 2;
  ApplyGrade(l, right, p);
  EXPECT_TRUE(p.solved);
  EXPECT_DOUBLE_EQ(LevelScore(l, p), 65);
  p.solutionShown = true;
  EXPECT_DOUBLE_EQ(LevelScore(l, p), 15);
  p.hintsTaken = 5;  // more than there are: only the real ones count
  EXPECT_DOUBLE_EQ(LevelScore(l, p), 15);
  LevelProgress q;
  ApplyGrade(l, wrong, q);
  ApplyGrade(l, wrong, q);
  EXPECT_TRUE(q.lost);
  ApplyGrade(l, right, q);  // too late
  EXPECT_FALSE(q.solved);
  EXPECT_DOUBLE_EQ(LevelScore(l, q), 0);
}

TEST(ScoringTest, ReplayOrdersLevels) {
  Fixture f = Make();
  std::vector<Event> events = {{"alice", "host", EventKind::kAnswer, "x", true, false, 1},
                               {"alice", "host", EventKind::kHint, "", true, false, 2},
                               {"alice", "host", EventKind::kAnswer, "y", true, true, 3},
                               {"alice", "nope", EventKind::kAnswer, "y", true, true, 4}};
  f.ex.levels[0].hints = {{"h", 30}};
  auto progress = Replay(f.ex, events);
  EXPECT_TRUE(progress[0].solved);
  EXPECT_EQ(progress[0].wrong, 1);
  EXPECT_EQ(CurrentLevel(f.ex, progress), 1u);
  EXPECT_DOUBLE_EQ(TotalScore(f.ex, progress), 70);
}

TEST(SheetTest, RightSheetScoresFullAndWrongSheetLow) {
  Fixture f = Make();
  for (auto& l : f.ex.levels) l.maxScore = 10;
  ClassKey key{"t", {f.key}};
  auto dir = std::filesystem::temp_directory_path() / "vantage-sheet-test";
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "right.yaml") << "trainee: alice\nanswers:\n  host: staff-3\n"
                                       "  addr: 198.51.100.7\n  port: 443\n  interval: 10\n"
                                       "  start: 1000\n  bytes: 800\n  pick: 'no'\n  flows:\n"
                                       "    - 10.0.0.5:50000 -> 198.51.100.7:443\n"
                                       "    - 10.0.0.5:50001 -> 198.51.100.7:443\n"
                                       "    - 10.0.0.5:50002 -> 198.51.100.7:443\n"
                                       "    - 10.0.0.5:50003 -> 198.51.100.7:443\n";
  std::ofstream(dir / "wrong.yaml") << "trainee: alice\nanswers:\n  host: staff-4\n"
                                       "  port: 80\n  pick: 'yes'\nhints: {addr: 1}\n";
  auto right = GradeSheet(f.ex, key, (dir / "right.yaml").string());
  ASSERT_TRUE(right) << right.GetError().message;
  EXPECT_DOUBLE_EQ(right->total, 80);
  EXPECT_DOUBLE_EQ(right->maxTotal, 80);
  auto wrong = GradeSheet(f.ex, key, (dir / "wrong.yaml").string());
  ASSERT_TRUE(wrong);
  EXPECT_DOUBLE_EQ(wrong->total, 0);
  std::ofstream(dir / "bad.yaml") << "trainee: mallory\nanswers: {host: x}\n";
  auto bad = GradeSheet(f.ex, key, (dir / "bad.yaml").string());
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.GetError().message.find("no trainee 'mallory'"), std::string::npos);
  std::ofstream(dir / "typo.yaml") << "trainee: alice\nanswers: {hots: x}\n";
  auto typo = GradeSheet(f.ex, key, (dir / "typo.yaml").string());
  ASSERT_FALSE(typo);
  EXPECT_NE(typo.GetError().message.find("no level 'hots'"), std::string::npos);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace vantage::training
