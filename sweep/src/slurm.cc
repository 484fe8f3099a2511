// Slurm job arrays: submission with sbatch, waiting with squeue.
#include "vantage/sweep/slurm.h"

#include <sys/stat.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "child-process.h"

namespace vantage::sweep {
namespace {

namespace fs = std::filesystem;
using core::ErrorCode;
using core::MakeError;

// Single quotes for a POSIX shell.
std::string Quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

std::string Trimmed(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
  return s;
}

core::Result<std::string> WriteScript(const std::string& dir, const std::string& exe) {
  const fs::path slurmDir = fs::absolute(fs::path(dir) / "slurm");
  std::error_code ec;
  fs::create_directories(slurmDir, ec);
  if (ec) return MakeError(ErrorCode::kIo, "cannot create " + slurmDir.string());
  const std::string path = (slurmDir / "array.sh").string();
  std::ofstream out(path, std::ios::trunc);
  out << "#!/bin/sh\n"
      << "# One cell of a vantage sweep per array task (written by 'vantage sweep run').\n"
      << "exec " << Quote(exe) << " sweep task " << Quote(fs::absolute(dir).string())
      << " \"$SLURM_ARRAY_TASK_ID\"\n";
  if (!out) return MakeError(ErrorCode::kIo, "cannot write " + path);
  out.close();
  ::chmod(path.c_str(), 0755);
  return path;
}

Progress CountCells(const std::string& dir, const SweepManifest& m) {
  Progress p;
  p.total = m.cells.size();
  for (const auto& c : m.cells) {
    CellState s = GetCellState(dir, c);
    if (s == CellState::kDone) ++p.done;
    if (s == CellState::kFailed || s == CellState::kConflict) ++p.failed;
  }
  return p;
}

std::vector<size_t> Unfinished(const std::string& dir, const SweepManifest& m) {
  std::vector<size_t> out;
  for (const auto& c : m.cells) {
    CellState s = GetCellState(dir, c);
    if (s == CellState::kPending || s == CellState::kFailed) out.push_back(c.index);
  }
  return out;
}

}  // namespace

std::string ArraySpec(const std::vector<size_t>& indices) {
  std::string s;
  for (size_t i = 0; i < indices.size();) {
    size_t j = i;
    while (j + 1 < indices.size() && indices[j + 1] == indices[j] + 1) ++j;
    s += (s.empty() ? "" : ",") + std::to_string(indices[i]);
    if (j > i) s += "-" + std::to_string(indices[j]);
    i = j + 1;
  }
  return s;
}

core::Result<std::string> SubmitArray(const std::string& dir, const std::vector<size_t>& indices,
                                      const SlurmOptions& o) {
  if (indices.empty()) return MakeError(ErrorCode::kInvalid, "no cells to submit");
  auto script = WriteScript(dir, o.exe);
  if (!script) return script.GetError();
  std::string array = ArraySpec(indices);
  if (o.arrayLimit > 0) array += "%" + std::to_string(o.arrayLimit);
  const std::string logs = (fs::absolute(fs::path(dir) / "slurm") / "task-%A_%a.out").string();
  std::vector<std::string> args = {"--parsable", "--array=" + array, "--job-name=vantage-sweep",
                                   "--output=" + logs};
  if (!o.partition.empty()) args.push_back("--partition=" + o.partition);
  if (!o.time.empty()) args.push_back("--time=" + o.time);
  args.insert(args.end(), o.extraArgs.begin(), o.extraArgs.end());
  args.push_back(*script);
  std::string output;
  auto rc = detail::RunCapture(o.sbatch, args, output);
  if (!rc) return rc.GetError();
  if (*rc != 0) {
    return MakeError(ErrorCode::kIo, "sbatch refused the submission (exit status " +
                                         std::to_string(*rc) + "): " + Trimmed(output));
  }
  std::string id = Trimmed(output);
  if (auto nl = id.rfind('\n'); nl != std::string::npos) id = id.substr(nl + 1);
  id = id.substr(0, id.find(';'));  // "JOBID;CLUSTER" with federation
  if (id.empty() || id.find_first_not_of("0123456789") != std::string::npos) {
    return MakeError(ErrorCode::kParse, "sbatch printed no job id: " + Trimmed(output));
  }
  return id;
}

core::Status WaitForJob(const std::string& dir, const SweepManifest& m, const std::string& jobId,
                        const SlurmOptions& o) {
  const auto start = std::chrono::steady_clock::now();
  int errors = 0;
  while (true) {
    if (o.shouldStop && o.shouldStop()) {
      return MakeError(ErrorCode::kIo, "interrupted; job " + jobId + " keeps running");
    }
    std::string out;
    auto rc = detail::RunCapture(o.squeue, {"-h", "-r", "-j", jobId, "-o", "%i %t"}, out);
    if (!rc) return rc.GetError();
    if (*rc != 0 && out.find("Invalid job id") == std::string::npos) {
      if (++errors >= 5) return MakeError(ErrorCode::kIo, "squeue failed: " + Trimmed(out));
    } else {
      errors = 0;
      if (Trimmed(out).empty() || *rc != 0) return {};
    }
    if (o.progress) {
      Progress p = CountCells(dir, m);
      for (size_t pos = 0; (pos = out.find(" R", pos)) != std::string::npos; ++pos) ++p.running;
      p.elapsedS = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      o.progress(p);
    }
    std::this_thread::sleep_for(std::chrono::duration<double>(o.pollS));
  }
}

core::Result<RunSummary> RunSlurm(const std::string& dir, SweepManifest& m, const SlurmOptions& o,
                                  std::string* jobId) {
  const auto start = std::chrono::steady_clock::now();
  RunSummary s;
  s.total = m.cells.size();
  std::vector<size_t> todo = Unfinished(dir, m);
  s.skipped = CountCells(dir, m).done;
  for (int round = 0; round < 2 && !todo.empty(); ++round) {
    auto id = SubmitArray(dir, todo, o);
    if (!id) return id.GetError();
    m.slurmJobs.push_back(*id);
    VANTAGE_RETURN_IF_ERROR(SaveSweepManifest(dir, m));
    if (jobId) *jobId = *id;
    if (!o.wait) return s;
    VANTAGE_RETURN_IF_ERROR(WaitForJob(dir, m, *id, o));
    // Tasks retry failing cells themselves; resubmit only cells that left no result.
    todo.clear();
    for (const auto& c : m.cells) {
      if (GetCellState(dir, c) == CellState::kPending) todo.push_back(c.index);
    }
  }
  Progress p = CountCells(dir, m);
  s.done = p.done - std::min(p.done, s.skipped);
  s.failures = CollectFailures(dir, m);
  for (const auto& f : s.failures) {
    if (GetCellState(dir, f.cell) == CellState::kConflict) ++s.conflicts;
  }
  s.failed = s.failures.size() - s.conflicts;
  for (size_t i : todo) {
    // The task died before writing a result (time limit, lost node, no executable): its
    // Slurm output says why.
    const Cell& c = m.cells[i];
    const std::string log = (fs::path(dir) / "slurm" /
                             ("task-" + m.slurmJobs.back() + "_" + std::to_string(i) + ".out"))
                                .string();
    s.failures.push_back({c, "no result after two submissions", log, TailFile(log, 12)});
  }
  s.wallS = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return s;
}

}  // namespace vantage::sweep
