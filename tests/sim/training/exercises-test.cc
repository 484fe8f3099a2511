// Every reference exercise in exercises/ is built (simulated) for two trainees; the reference
// solution must find every answer in each trainee's own pack, and variants must differ.
#include <gtest/gtest.h>

#include <filesystem>

#include "vantage/sim/simulate-callback.h"
#include "vantage/training/class-builder.h"
#include "vantage/training/session.h"

namespace vantage::training {
namespace {

namespace fs = std::filesystem;

// The simulator behind training's callback (the adapter lives in sim/simulate-callback.h).
core::Status Simulate(const SimulationRequest& req) {
  return sim::Simulate(*req.topology, *req.scenario,
                       sim::MakeRunOptions(req.runDir, req.points, req.capture));
}

class ReferenceExercise : public ::testing::TestWithParam<const char*> {};

TEST_P(ReferenceExercise, ReferenceSolutionsScoreFullMarks) {
  std::string name = GetParam();
  model::Diagnostics diags;
  auto ex = LoadExercise("exercises/" + name + ".yaml", diags);
  ASSERT_TRUE(ex) << diags.ToString();
  fs::path dir = fs::temp_directory_path() / ("vantage-exercise-" + name);
  fs::remove_all(dir);
  BuildOptions opt;
  opt.outDir = dir.string();
  opt.trainees = {"alice", "bob"};
  opt.simulate = Simulate;
  auto built = BuildClass(*ex, opt);
  ASSERT_TRUE(built) << built.GetError().message;
  auto key = LoadClassKey(dir.string());
  ASSERT_TRUE(key);
  EXPECT_NE(key->trainees[0].seed, key->trainees[1].seed);
  // The key is outside the packs, and a pack holds only what the view gives.
  EXPECT_FALSE(fs::exists(dir / "trainees" / "alice" / "key.json"));
  EXPECT_EQ(fs::exists(dir / "trainees" / "alice" / "nat_events.csv"), ex->view.natLog);
  for (const auto& tk : key->trainees) {
    auto answers =
        SolveWithReferences(*ex, (dir / "trainees" / tk.trainee / "flows.sqlite").string());
    double total = 0;
    for (const auto& a : answers) {
      const Level* level = ex->FindLevel(a.level);
      Grade g = GradeAnswer(*level, tk.levels.at(a.level), a.answer);
      EXPECT_TRUE(g.correct) << tk.trainee << " " << a.level << ": '" << a.answer << "' " << a.error
                             << " / key " << tk.levels.at(a.level).display;
      LevelProgress p;
      ApplyGrade(*level, g, p);
      total += LevelScore(*level, p);
    }
    EXPECT_DOUBLE_EQ(total, ex->MaxTotal()) << tk.trainee;
  }
  fs::remove_all(dir);
}

INSTANTIATE_TEST_SUITE_P(Exercises, ReferenceExercise,
                         ::testing::Values("beacon-hunt", "dmz-three-factors", "nat-exfil-blind",
                                           "nat-exfil-logged"));

}  // namespace
}  // namespace vantage::training
