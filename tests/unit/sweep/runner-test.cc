// The local pool, Slurm tasks and merging, with a stand-in executable (fake-vantage.sh).
#include "vantage/sweep/runner.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>

#include "test-util.h"
#include "vantage/sweep/merge.h"
#include "vantage/sweep/slurm.h"

namespace vantage::sweep {
namespace {

namespace fs = std::filesystem;
using test::ReadText;
using test::TempDir;
using test::WriteText;

size_t Lines(const std::string& text) {
  return static_cast<size_t>(std::count(text.begin(), text.end(), '\n'));
}

class RunnerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ::setenv("FAKE_DIR", m_tmp.Path().c_str(), 1);
    WriteText(m_tmp / "topo.yaml", "t\n");
    WriteText(m_tmp / "scen.yaml", "s\n");
    m_dir = m_tmp / "sweep";
  }
  SweepManifest Manifest(std::vector<uint64_t> seeds, const std::string& name = "t",
                         double timeoutS = 60, std::vector<SettingAxis> axes = {}) {
    SweepSpec spec;
    spec.name = name;
    spec.command = CellCommand::kPlan;
    spec.cases.push_back({"topo.yaml", "scen.yaml", m_tmp / "topo.yaml", m_tmp / "scen.yaml"});
    spec.seeds = std::move(seeds);
    spec.timeoutS = timeoutS;
    spec.axes = std::move(axes);
    auto cells = ExpandCells(spec, "test");
    EXPECT_TRUE(cells);
    return MakeManifest(spec, *cells, "test");
  }
  RunSummary Run(SweepManifest& m, unsigned jobs = 2, std::function<bool()> stop = {}) {
    EXPECT_TRUE(InitSweepDir(m_dir, m, false));
    LocalOptions o;
    o.exe = VANTAGE_FAKE_VANTAGE;
    o.jobs = jobs;
    o.shouldStop = std::move(stop);
    return RunLocal(m_dir, m, o);
  }
  size_t Calls() { return Lines(ReadText(m_tmp / "calls.log")); }
  void Touch(const std::string& name) { WriteText(m_tmp / name, ""); }

  TempDir m_tmp;
  std::string m_dir;
};

TEST_F(RunnerTest, RunsEveryCellAndSkipsFinishedOnes) {
  auto m = Manifest({1, 2, 3});
  RunSummary s = Run(m);
  EXPECT_TRUE(s.Complete());
  EXPECT_EQ(s.done, 3u);
  EXPECT_EQ(Calls(), 3u);
  auto r = ReadCellResult(m_dir, m.cells[1]);
  ASSERT_TRUE(r);
  EXPECT_DOUBLE_EQ(r->metrics["flow_visibility"].get<double>(), 0.2);
  EXPECT_EQ(r->metrics["chosen"], "a=flow");
  EXPECT_EQ(r->curve.size(), 2u);
  // A rerun, and a wider sweep, only run what is new.
  RunSummary again = Run(m);
  EXPECT_EQ(again.skipped, 3u);
  EXPECT_EQ(again.done, 0u);
  auto wider = Manifest({1, 2, 3, 4});
  RunSummary w = Run(wider);
  EXPECT_EQ(w.skipped, 3u);
  EXPECT_EQ(w.done, 1u);
  EXPECT_EQ(Calls(), 4u);
}

TEST_F(RunnerTest, RetriesAFailedCellOnce) {
  Touch("failonce-seed-2");
  auto m = Manifest({1, 2});
  RunSummary s = Run(m);
  EXPECT_TRUE(s.Complete());
  auto r = ReadCellResult(m_dir, m.cells[1]);
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->ok);
  EXPECT_EQ(r->attempts, 2u);
  EXPECT_EQ(Calls(), 3u);
}

TEST_F(RunnerTest, ReportsAPersistentFailureWithItsLog) {
  Touch("fail-seed-2");
  auto m = Manifest({1, 2, 3});
  RunSummary s = Run(m);
  EXPECT_FALSE(s.Complete());
  EXPECT_EQ(s.done, 2u);
  EXPECT_EQ(s.failed, 1u);
  ASSERT_EQ(s.failures.size(), 1u);
  EXPECT_EQ(s.failures[0].cell.seed, 2u);
  EXPECT_NE(s.failures[0].error.find("status 3"), std::string::npos);
  EXPECT_NE(s.failures[0].logTail.find("seed 2 always fails"), std::string::npos);
  EXPECT_EQ(Calls(), 4u);  // one retry
  // Merge refuses and names the cell; --partial merges the rest.
  auto merged = Merge(m_dir, {});
  ASSERT_FALSE(merged);
  EXPECT_NE(merged.GetError().message.find(m.cells[1].id), std::string::npos);
  EXPECT_FALSE(fs::exists(m_dir + "/results.json"));
  auto partial = Merge(m_dir, {true});
  ASSERT_TRUE(partial);
  EXPECT_EQ(partial->merged, 2u);
  EXPECT_NE(ReadText(m_dir + "/report.md").find("seed 2 always fails"), std::string::npos);
  // Fixed, a rerun runs only the failed cell.
  fs::remove(m_tmp / "fail-seed-2");
  RunSummary fixed = Run(m);
  EXPECT_EQ(fixed.skipped, 2u);
  EXPECT_EQ(fixed.done, 1u);
  EXPECT_TRUE(Merge(m_dir, {}));
}

TEST_F(RunnerTest, KillsACellPastItsTimeout) {
  Touch("sleep-seed-1");
  auto m = Manifest({1}, "t", 1);
  RunSummary s = Run(m);
  ASSERT_EQ(s.failed, 1u);
  auto r = ReadCellResult(m_dir, m.cells[0]);
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->timedOut);
  EXPECT_EQ(r->attempts, 2u);
  EXPECT_NE(r->error.find("timed out"), std::string::npos);
}

TEST_F(RunnerTest, ResumesAfterAnInterruptedSweep) {
  auto m = Manifest({1, 2, 3, 4});
  // Stop as soon as one cell has finished (running children are killed).
  RunSummary first =
      Run(m, 1, [this, &m] { return GetCellState(m_dir, m.cells[0]) == CellState::kDone; });
  EXPECT_TRUE(first.interrupted);
  EXPECT_LT(first.done, 4u);
  // A cell killed halfway: log and partial output, no result.
  const std::string half = CellDir(m_dir, m.cells[3]);
  ASSERT_TRUE(PrepareCellDir(m_dir, m.cells[3]));
  WriteText(half + "/out/partial", "x");
  RunSummary second = Run(m);
  EXPECT_TRUE(second.Complete());
  EXPECT_EQ(second.skipped, first.done);
  EXPECT_EQ(second.skipped + second.done, 4u);
  EXPECT_FALSE(fs::exists(half + "/out/partial"));
}

TEST_F(RunnerTest, NeverTouchesACellDirectoryOfOtherInputs) {
  auto m = Manifest({1, 2});
  const std::string foreign = CellDir(m_dir, m.cells[0]) + "/cell.json";
  WriteText(foreign, R"({"inputs": {"seed": 99}})");
  RunSummary s = Run(m);
  EXPECT_EQ(s.conflicts, 1u);
  EXPECT_EQ(s.done, 1u);
  ASSERT_EQ(s.failures.size(), 1u);
  EXPECT_NE(s.failures[0].error.find("other inputs"), std::string::npos);
  EXPECT_EQ(ReadText(foreign), R"({"inputs": {"seed": 99}})");
  auto task = RunTask(m_dir, 0, VANTAGE_FAKE_VANTAGE);
  EXPECT_FALSE(task);
}

TEST_F(RunnerTest, RefusesADirectoryOfAnotherSweep) {
  auto a = Manifest({1}, "first");
  Run(a);
  auto b = Manifest({1, 2}, "second");
  auto st = InitSweepDir(m_dir, b, false);
  ASSERT_FALSE(st);
  EXPECT_NE(st.GetError().message.find("holds another sweep ('first'"), std::string::npos);
  ASSERT_TRUE(InitSweepDir(m_dir, b, true));
  EXPECT_EQ(GetCellState(m_dir, b.cells[0]), CellState::kDone);  // same inputs: kept, reused
}

TEST_F(RunnerTest, TaskRunsOneCellByIndex) {
  auto m = Manifest({5, 6});
  ASSERT_TRUE(InitSweepDir(m_dir, m, false));
  auto r = RunTask(m_dir, 1, VANTAGE_FAKE_VANTAGE);
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->ok);
  EXPECT_EQ(GetCellState(m_dir, m.cells[1]), CellState::kDone);
  EXPECT_EQ(GetCellState(m_dir, m.cells[0]), CellState::kPending);
  EXPECT_FALSE(RunTask(m_dir, 7, VANTAGE_FAKE_VANTAGE));
  // Input files changed since the sweep was set up: refused.
  WriteText(m_tmp / "scen.yaml", "changed\n");
  auto changed = RunTask(m_dir, 0, VANTAGE_FAKE_VANTAGE);
  ASSERT_FALSE(changed);
  EXPECT_NE(changed.GetError().message.find("changed since"), std::string::npos);
}

TEST_F(RunnerTest, MergedResultsDependOnInputsOnly) {
  auto m = Manifest({1, 2, 3});
  Run(m, 1);
  ASSERT_TRUE(Merge(m_dir, {}));
  const std::string first = ReadText(m_dir + "/results.json");
  const std::string csv = ReadText(m_dir + "/results.csv");
  m_dir = m_tmp / "other";
  Run(m, 3);
  ASSERT_TRUE(Merge(m_dir, {}));
  EXPECT_EQ(ReadText(m_dir + "/results.json"), first);
  EXPECT_EQ(ReadText(m_dir + "/results.csv"), csv);
  auto j = nlohmann::json::parse(first);
  const auto& fv = j["groups"][0]["metrics"]["flow_visibility"];
  EXPECT_NEAR(fv["mean"].get<double>(), 0.2, 1e-12);
  EXPECT_LT(fv["ci_low"].get<double>(), 0.2);
  EXPECT_EQ(j["coverage_vs_budget"][0]["grid"].size(), 21u);
  EXPECT_NE(ReadText(m_dir + "/report.html").find("<svg"), std::string::npos);
}

TEST_F(RunnerTest, CoverageAgainstTheSweptBudgets) {
  auto m = Manifest({1, 2, 3}, "b", 60, {{"--budget-tb", {"0.001", "1"}}});
  ASSERT_EQ(m.cells.size(), 6u);
  Run(m);
  ASSERT_TRUE(Merge(m_dir, {}));
  auto j = nlohmann::json::parse(ReadText(m_dir + "/results.json"));
  EXPECT_EQ(j["groups"].size(), 2u);  // one per budget, across seeds
  ASSERT_EQ(j["coverage_vs_budget"].size(), 1u);
  const auto& c = j["coverage_vs_budget"][0];
  ASSERT_EQ(c["budgets"].size(), 2u);
  EXPECT_DOUBLE_EQ(c["budgets"][0]["storage_bytes"].get<double>(), 1e9);
  EXPECT_EQ(c["budgets"][0]["n"], 3);
  EXPECT_NEAR(c["budgets"][1]["mean"].get<double>(), 0.2, 1e-12);
  // The storage-sweep band: at the smallest budget the seeds see 0.1..0.3, at the largest 0.9.
  const auto& grid = c["grid"];
  EXPECT_NEAR(grid[0]["mean"].get<double>(), 0.2, 1e-12);
  EXPECT_LT(grid[0]["ci_low"].get<double>(), 0.2);
  EXPECT_NEAR(grid[20]["mean"].get<double>(), 0.9, 1e-12);
  EXPECT_NEAR(grid[20]["ci_high"].get<double>(), 0.9, 1e-12);
  const std::string svg = ReadText(m_dir + "/coverage.svg");
  EXPECT_NE(svg.find("<polygon"), std::string::npos);
  EXPECT_NE(svg.find("<circle"), std::string::npos);
}

TEST_F(RunnerTest, SlurmRefusalShowsSbatchsMessageAndKeepsCells) {
  auto m = Manifest({1, 2});
  Run(m);  // both finished locally
  auto more = Manifest({1, 2, 3});
  ASSERT_TRUE(InitSweepDir(m_dir, more, false));
  const std::string sbatch = m_tmp / "sbatch";
  WriteText(sbatch,
            "#!/bin/sh\necho 'sbatch: error: Batch job submission failed: Invalid account'\n"
            "exit 1\n");
  fs::permissions(sbatch, fs::perms::owner_all);
  SlurmOptions o;
  o.exe = VANTAGE_FAKE_VANTAGE;
  o.sbatch = sbatch;
  auto r = RunSlurm(m_dir, more, o);
  ASSERT_FALSE(r);
  EXPECT_NE(r.GetError().message.find("Invalid account"), std::string::npos);
  EXPECT_EQ(GetCellState(m_dir, more.cells[0]), CellState::kDone);
  EXPECT_EQ(GetCellState(m_dir, more.cells[1]), CellState::kDone);
}

TEST_F(RunnerTest, SlurmResubmitsOnceTheCellsThatLeftNoResult) {
  auto done = Manifest({1});
  Run(done);  // seed 1 finished before the submission
  auto m = Manifest({1, 2, 3, 4});
  ASSERT_TRUE(InitSweepDir(m_dir, m, false));
  // An sbatch that accepts and logs the submission but whose tasks never run, and a squeue on
  // which the job has already left the queue.
  const std::string sbatch = m_tmp / "sbatch", squeue = m_tmp / "squeue";
  WriteText(sbatch, "#!/bin/sh\necho \"$@\" >>\"$FAKE_DIR/sbatch.log\"\necho 4242\n");
  WriteText(squeue, "#!/bin/sh\nexit 0\n");
  fs::permissions(sbatch, fs::perms::owner_all);
  fs::permissions(squeue, fs::perms::owner_all);
  SlurmOptions o;
  o.exe = VANTAGE_FAKE_VANTAGE;
  o.sbatch = sbatch;
  o.squeue = squeue;
  o.arrayLimit = 2;
  o.pollS = 0.01;
  auto r = RunSlurm(m_dir, m, o);
  ASSERT_TRUE(r) << r.GetError().message;
  const std::string log = ReadText(m_tmp / "sbatch.log");
  EXPECT_EQ(Lines(log), 2u);  // submitted, then resubmitted once
  EXPECT_NE(log.find("--array=1-3%2"), std::string::npos) << log;
  EXPECT_EQ(r->skipped, 1u);
  ASSERT_EQ(r->failures.size(), 3u);
  EXPECT_NE(r->failures[0].error.find("no result after two submissions"), std::string::npos);
  EXPECT_NE(r->failures[0].logPath.find("task-4242_1.out"), std::string::npos);
  auto again = LoadSweepDir(m_dir);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->slurmJobs, (std::vector<std::string>{"4242", "4242"}));
  // --no-wait: one submission, nothing waited for.
  o.wait = false;
  ASSERT_TRUE(RunSlurm(m_dir, m, o));
  EXPECT_EQ(Lines(ReadText(m_tmp / "sbatch.log")), 3u);
  EXPECT_NE(ReadText(m_dir + "/slurm/array.sh").find("sweep task"), std::string::npos);
}

}  // namespace
}  // namespace vantage::sweep
