// `vantage sweep run|task|merge|status`: many independent runs (topologies x scenarios x seeds
// x planner settings) in local worker processes or as one Slurm job array (docs/sweeps.md).
#include <unistd.h>

#include <atomic>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>
#include <optional>

#include "command.h"
#include "vantage/sweep/merge.h"
#include "vantage/sweep/slurm.h"
#include "vantage/sweep/sweep-file.h"

#ifndef VANTAGE_VERSION
#define VANTAGE_VERSION "0.0.0"
#endif

namespace vantage::cli {
namespace {

namespace fs = std::filesystem;

std::atomic<bool> g_stop{false};
extern "C" void OnSweepSignal(int) {
  g_stop.store(true);
}

struct SweepOptions {
  std::string file, out, dir;
  unsigned jobs = 1;
  bool slurm = false, noWait = false, force = false, partial = false, quiet = false;
  std::string partition, time;
  unsigned arrayLimit = 0;
  std::vector<std::string> sbatchArgs;
  size_t index = 0;
};

int Fail(const std::string& message) {
  std::cerr << "vantage sweep: " << message << "\n";
  return 1;
}

std::string SelfExe() {
  std::error_code ec;
  auto p = fs::read_symlink("/proc/self/exe", ec);
  return ec ? std::string("vantage") : p.string();
}

std::string Duration(double s) {
  char buf[32];
  if (s < 0) return "?";
  if (s < 120) {
    std::snprintf(buf, sizeof buf, "%.0f s", s);
  } else {
    std::snprintf(buf, sizeof buf, "%.0f min", s / 60);
  }
  return buf;
}

std::function<void(const sweep::Progress&)> ProgressLine(bool quiet) {
  if (quiet) return {};
  const bool tty = ::isatty(STDERR_FILENO) != 0;
  auto last = std::make_shared<std::string>();
  return [tty, last](const sweep::Progress& p) {
    char buf[200];
    std::snprintf(buf, sizeof buf,
                  "cells %zu/%zu done (%zu already finished), %zu failed, %zu "
                  "running; %s elapsed, %s left",
                  p.done + p.skipped, p.total, p.skipped, p.failed, p.running,
                  Duration(p.elapsedS).c_str(), p.etaS < 0 ? "?" : Duration(p.etaS).c_str());
    std::string counts =
        std::to_string(p.done) + "/" + std::to_string(p.failed) + "/" + std::to_string(p.running);
    if (!tty && counts == *last) return;  // logs: one line per change
    *last = counts;
    std::fprintf(stderr, "%s%s%s", tty ? "\r" : "", buf, tty ? "   " : "\n");
    std::fflush(stderr);
  };
}

void PrintFailures(const std::vector<sweep::FailedCell>& failures) {
  for (const auto& f : failures) {
    std::cerr << "failed: cell " << f.cell.id << " (" << f.cell.topology << ", " << f.cell.Label()
              << "): " << f.error << "\n";
    if (!f.logPath.empty()) std::cerr << "  log " << f.logPath << ", last lines:\n" << f.logTail;
  }
}

int MergeAndSay(const std::string& dir, bool partial) {
  auto m = sweep::Merge(dir, {partial});
  if (!m) return Fail(m.GetError().message);
  std::cout << "merged " << m->merged << " of " << m->cells
            << " cells: " << (fs::path(dir) / "report.html").string()
            << " (also report.md, results.json, results.csv, coverage.svg)\n";
  return 0;
}

// Parses and expands the sweep file and prepares the directory.
std::optional<sweep::SweepManifest> Prepare(const SweepOptions& o) {
  model::Diagnostics diags;
  auto spec = sweep::LoadSweepFile(o.file, diags);
  if (spec) (void)sweep::CheckSweepInputs(*spec, diags);
  for (const auto& d : diags.items) std::cerr << d.ToString() << "\n";
  if (!spec || diags.HasErrors()) return std::nullopt;
  auto cells = sweep::ExpandCells(*spec, VANTAGE_VERSION);
  if (!cells) {
    Fail(cells.GetError().message);
    return std::nullopt;
  }
  auto manifest = sweep::MakeManifest(*spec, std::move(*cells), VANTAGE_VERSION);
  if (auto st = sweep::InitSweepDir(o.out, manifest, o.force); !st) {
    Fail(st.GetError().message);
    return std::nullopt;
  }
  return manifest;
}

int RunSweep(const SweepOptions& o) {
  auto manifest = Prepare(o);
  if (!manifest) return 1;
  std::signal(SIGINT, OnSweepSignal);
  std::signal(SIGTERM, OnSweepSignal);
  const bool tty = ::isatty(STDERR_FILENO) != 0;
  sweep::RunSummary s;
  if (o.slurm) {
    sweep::SlurmOptions so;
    so.exe = SelfExe();
    so.partition = o.partition;
    so.time = o.time;
    so.arrayLimit = o.arrayLimit;
    so.extraArgs = o.sbatchArgs;
    so.wait = !o.noWait;
    so.progress = ProgressLine(o.quiet);
    so.shouldStop = [] { return g_stop.load(); };
    std::string job;
    auto r = sweep::RunSlurm(o.out, *manifest, so, &job);
    if (tty && !o.quiet) std::fprintf(stderr, "\n");
    if (!r) return Fail(r.GetError().message);
    s = *r;
    if (o.noWait) {
      std::cout << (job.empty() ? std::string("nothing to submit: every cell is finished")
                                : "submitted job array " + job)
                << "; follow with 'vantage sweep status " << o.out << "'\n";
      return 0;
    }
  } else {
    sweep::LocalOptions lo;
    lo.exe = SelfExe();
    lo.jobs = o.jobs;
    lo.progress = ProgressLine(o.quiet);
    lo.shouldStop = [] { return g_stop.load(); };
    s = sweep::RunLocal(o.out, *manifest, lo);
    if (tty && !o.quiet) std::fprintf(stderr, "\n");
  }
  std::cout << s.total << " cells: " << s.done << " run, " << s.skipped << " already finished, "
            << s.failed << " failed, " << s.conflicts << " conflicting; wall " << Duration(s.wallS)
            << "\n";
  PrintFailures(s.failures);
  if (s.interrupted) return Fail("interrupted; finished cells are kept, run again to resume");
  if (!s.Complete()) return 1;
  return MergeAndSay(o.out, false);
}

int Task(const SweepOptions& o) {
  auto r = sweep::RunTask(o.dir, o.index, SelfExe());
  if (!r) return Fail(r.GetError().message);
  std::cout << "cell " << r->id << ": " << (r->ok ? "ok" : "failed: " + r->error) << "\n";
  return r->ok ? 0 : 1;
}

int Status(const SweepOptions& o) {
  auto s = sweep::GetStatus(o.dir);
  if (!s) return Fail(s.GetError().message);
  const auto& m = s->manifest;
  std::cout << "sweep " << m.name << " (" << m.source << "), " << m.cells.size()
            << " cells: " << s->done << " done, " << s->failed << " failed, " << s->pending
            << " pending, " << s->conflicts << " conflicting\n";
  std::cout << "CPU time so far " << Duration(s->cpuS) << "\n";
  if (!m.slurmJobs.empty()) {
    std::cout << "slurm jobs:";
    for (const auto& j : m.slurmJobs) std::cout << " " << j;
    std::cout << " (squeue -j " << m.slurmJobs.back() << ")\n";
  }
  PrintFailures(s->failures);
  return s->failed + s->conflicts > 0 ? 1 : 0;
}

void AddRun(CLI::App& sweepApp, std::shared_ptr<SweepOptions> o, std::shared_ptr<int>& which) {
  auto* run = sweepApp.add_subcommand(
      "run", "Run every unfinished cell of a sweep file, locally or as a Slurm job array");
  run->add_option("sweep", o->file, "sweep file (YAML, docs/sweeps.md)")->required();
  run->add_option("--out", o->out, "sweep directory (cells, logs, results)")->required();
  run->add_option("-j,--jobs", o->jobs, "local worker processes")
      ->capture_default_str()
      ->check(CLI::Range(1u, 1024u));
  run->add_flag("--slurm", o->slurm, "submit one Slurm job array instead of running locally");
  run->add_option("--partition", o->partition, "Slurm partition (sbatch --partition)");
  run->add_option("--time", o->time, "Slurm time limit per task (sbatch --time), e.g. 00:30:00");
  run->add_option("--array-limit", o->arrayLimit, "at most K array tasks at once (%K)");
  run->add_option("--sbatch-arg", o->sbatchArgs, "extra sbatch argument (repeatable)")
      ->allow_extra_args(false);
  run->add_flag("--no-wait", o->noWait, "submit and return (Slurm); see 'vantage sweep status'");
  run->add_flag("--force", o->force, "reuse a directory that holds another sweep (keeps cells)");
  run->add_flag("-q,--quiet", o->quiet, "no progress line");
  run->callback([which] { *which = 1; });
}

Registrar reg{
    "sweep",
    "Run many seeds, scenarios and budgets locally or on Slurm; merge with confidence "
    "intervals",
    [](CLI::App& app) {
      auto o = std::make_shared<SweepOptions>();
      auto which = std::make_shared<int>(0);
      app.require_subcommand(1);
      AddRun(app, o, which);
      auto* task = app.add_subcommand("task", "Run one cell of a sweep directory (a Slurm task)");
      task->add_option("dir", o->dir, "sweep directory")->required();
      task->add_option("index", o->index, "cell index (SLURM_ARRAY_TASK_ID)")->required();
      task->callback([which] { *which = 2; });
      auto* merge = app.add_subcommand(
          "merge", "Merge a finished sweep into results.json/.csv and report.md/.html");
      merge->add_option("dir", o->dir, "sweep directory")->required();
      merge->add_flag("--partial", o->partial, "merge the finished cells, list the others");
      merge->callback([which] { *which = 3; });
      auto* status = app.add_subcommand("status", "Show where a sweep stands");
      status->add_option("dir", o->dir, "sweep directory")->required();
      status->callback([which] { *which = 4; });
      return [o, which] {
        switch (*which) {
          case 1:
            return RunSweep(*o);
          case 2:
            return Task(*o);
          case 3:
            return MergeAndSay(o->dir, o->partial);
          case 4:
            return Status(*o);
        }
        return 2;
      };
    },
    60};

}  // namespace
}  // namespace vantage::cli
