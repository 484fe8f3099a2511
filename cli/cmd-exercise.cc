// `vantage exercise build|grade|serve`: Blue Team exercises on simulated scenarios, graded
// against ground truth (docs/exercises.md).
#if defined(VANTAGE_HAVE_training) && defined(VANTAGE_HAVE_sim)

#include <atomic>
#include <csignal>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>

#include "command.h"
#include "vantage/sim/simulate-callback.h"
#include "vantage/training/class-builder.h"
#include "vantage/training/session.h"
#include "vantage/training/web-server.h"

namespace vantage::cli {
namespace {

std::atomic<bool> g_stopServe{false};
extern "C" void OnServeSignal(int) {
  g_stopServe.store(true);
}

std::vector<std::string> SplitNames(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream ss(s);
  for (std::string item; std::getline(ss, item, ',');) {
    if (!item.empty()) out.push_back(item);
  }
  return out;
}

std::optional<training::Exercise> Load(const std::string& path) {
  model::Diagnostics diags;
  auto ex = training::LoadExercise(path, diags);
  for (const auto& d : diags.items) std::cerr << d.ToString() << "\n";
  if (!ex) {
    if (diags.items.empty()) std::cerr << ex.GetError().message << "\n";
    return std::nullopt;
  }
  return *ex;
}

// The simulator behind training's callback (the adapter lives in sim/simulate-callback.h).
core::Status Simulate(const training::SimulationRequest& req) {
  return sim::Simulate(*req.topology, *req.scenario,
                       sim::MakeRunOptions(req.runDir, req.points, req.capture));
}

struct BuildArgs {
  std::string exercise, out, trainees;
  bool quiet = false;
};

int RunBuild(const BuildArgs& a) {
  auto ex = Load(a.exercise);
  if (!ex) return 1;
  training::BuildOptions opt;
  opt.outDir = a.out;
  opt.trainees = SplitNames(a.trainees);
  opt.simulate = Simulate;
  if (!a.quiet) opt.progress = [](const std::string& m) { std::cerr << "exercise: " << m << "\n"; };
  auto built = training::BuildClass(*ex, opt);
  if (!built) {
    std::cerr << "vantage exercise build: " << built.GetError().message << "\n";
    return 1;
  }
  std::printf("class '%s' built in %s\n\n%-20s %-34s %10s\n", ex->name.c_str(), a.out.c_str(),
              "trainee", "token", "flows");
  for (const auto& [name, token] : built->tokens.trainees) {
    std::printf("%-20s %-34s %10llu\n", name.c_str(), token.c_str(),
                static_cast<unsigned long long>(built->flowsPerTrainee.at(name)));
  }
  std::printf(
      "%-20s %-34s\n\nTrainee packs: %s/trainees/NAME; key and tokens: %s/instructor "
      "(keep it away from trainees).\n",
      "(instructor)", built->tokens.instructor.c_str(), a.out.c_str(), a.out.c_str());
  return 0;
}

struct GradeArgs {
  std::string exercise, key, sheet, json;
};

int RunGrade(const GradeArgs& a) {
  auto ex = training::LoadClassExercise(a.key);
  if (!ex) {
    std::cerr << "vantage exercise grade: " << ex.GetError().message << "\n";
    return 1;
  }
  if (!a.exercise.empty()) {
    auto fromFile = Load(a.exercise);
    if (!fromFile) return 1;
    if (fromFile->name != ex->name) {
      std::cerr << "vantage exercise grade: " << a.key << " holds exercise '" << ex->name
                << "', not '" << fromFile->name << "'\n";
      return 1;
    }
  }
  auto key = training::LoadClassKey(a.key);
  if (!key) {
    std::cerr << "vantage exercise grade: " << key.GetError().message << "\n";
    return 1;
  }
  auto result = training::GradeSheet(*ex, *key, a.sheet);
  if (!result) {
    std::cerr << "vantage exercise grade: " << result.GetError().message << "\n";
    return 1;
  }
  std::printf("%-24s %7s %7s  %s\n", "level", "score", "max", "feedback");
  for (const auto& l : result->levels) {
    std::printf("%-24s %7.1f %7.1f  %s\n", l.id.c_str(), l.score, l.maxScore,
                l.grade.feedback.c_str());
  }
  std::printf("%-24s %7.1f %7.1f\n", "total", result->total, result->maxTotal);
  if (!a.json.empty()) {
    std::ofstream(a.json) << training::ToJson(*result).dump(2) << "\n";
  }
  return 0;
}

struct ServeArgs {
  std::string dir, listen = "127.0.0.1:8080", portFile;
  int threads = 64;
};

int RunServe(const ServeArgs& a) {
  training::ServerOptions opt;
  opt.classDir = a.dir;
  opt.listen = a.listen;
  opt.threads = a.threads;
  auto server = training::WebServer::Create(opt);
  if (!server) {
    std::cerr << "vantage exercise serve: " << server.GetError().message << "\n";
    return 1;
  }
  auto port = (*server)->Start();
  if (!port) {
    std::cerr << "vantage exercise serve: " << port.GetError().message << "\n";
    return 1;
  }
  std::signal(SIGINT, OnServeSignal);
  std::signal(SIGTERM, OnServeSignal);
  std::fprintf(stderr, "exercise: serving %s on http://%s:%d/ (Ctrl-C stops)\n", a.dir.c_str(),
               (*server)->Host().c_str(), *port);
  if (!a.portFile.empty()) std::ofstream(a.portFile) << *port << "\n";
  while (!g_stopServe.load()) (*server)->WaitFor(0.2);
  (*server)->Stop();
  return 0;
}

struct SolveArgs {
  std::string dir;
};

// Runs the reference solutions on every trainee's pack and grades them: an instructor's check
// that each variant can be solved from what the trainee gets.
int RunSolve(const SolveArgs& a) {
  auto ex = training::LoadClassExercise(a.dir);
  auto key = ex ? training::LoadClassKey(a.dir) : core::Result<training::ClassKey>(ex.GetError());
  if (!key) {
    std::cerr << "vantage exercise solve: " << key.GetError().message << "\n";
    return 1;
  }
  int rc = 0;
  std::printf("%-16s %-20s %-8s %s\n", "trainee", "level", "verdict", "reference answer");
  for (const auto& tk : key->trainees) {
    auto answers =
        training::SolveWithReferences(*ex, a.dir + "/trainees/" + tk.trainee + "/flows.sqlite");
    for (const auto& r : answers) {
      const training::Level* level = ex->FindLevel(r.level);
      training::Grade g = training::GradeAnswer(*level, tk.levels.at(r.level), r.answer);
      std::string shown = r.error.empty() ? r.answer.substr(0, r.answer.find('\n')) : r.error;
      std::printf("%-16s %-20s %-8s %s\n", tk.trainee.c_str(), r.level.c_str(),
                  g.correct ? "right" : "WRONG", shown.c_str());
      if (!g.correct) rc = 1;
    }
  }
  return rc;
}

void AddBuild(CLI::App& parent, Runner& run) {
  auto* sub = parent.add_subcommand("build", "Simulate each trainee's variant and write packs");
  auto a = std::make_shared<BuildArgs>();
  sub->add_option("exercise", a->exercise, "exercise file (exercises/*.yaml)")->required();
  sub->add_option("--out", a->out, "class directory to write")->required();
  sub->add_option("--trainees", a->trainees, "comma-separated names (default: one 'trainee')");
  sub->add_flag("-q,--quiet", a->quiet, "no progress output");
  sub->callback([a, &run] { run = [a] { return RunBuild(*a); }; });
}

void AddGrade(CLI::App& parent, Runner& run) {
  auto* sub = parent.add_subcommand("grade", "Grade an answer sheet offline against the key");
  auto a = std::make_shared<GradeArgs>();
  sub->add_option("exercise", a->exercise, "exercise file (checked against the class)");
  sub->add_option("--key", a->key, "class directory written by 'build'")->required();
  sub->add_option("answers", a->sheet, "answer sheet (YAML: trainee, answers, hints, solutions)")
      ->required();
  sub->add_option("--json", a->json, "also write the result as JSON");
  sub->callback([a, &run] { run = [a] { return RunGrade(*a); }; });
}

void AddServe(CLI::App& parent, Runner& run) {
  auto* sub = parent.add_subcommand("serve", "Serve the trainee pages and the scoreboard");
  auto a = std::make_shared<ServeArgs>();
  sub->add_option("dir", a->dir, "class directory written by 'build'")->required();
  sub->add_option("--listen", a->listen, "HOST:PORT (default 127.0.0.1:8080; port 0 picks one)");
  sub->add_option("--port-file", a->portFile, "write the port listened on to this file");
  sub->add_option("--threads", a->threads, "worker threads")->check(CLI::Range(1, 256));
  sub->callback([a, &run] { run = [a] { return RunServe(*a); }; });
}

void AddSolve(CLI::App& parent, Runner& run) {
  auto* sub = parent.add_subcommand(
      "solve", "Run the reference solutions on every trainee's pack and grade them");
  auto a = std::make_shared<SolveArgs>();
  sub->add_option("dir", a->dir, "class directory written by 'build'")->required();
  sub->callback([a, &run] { run = [a] { return RunSolve(*a); }; });
}

Registrar reg{"exercise", "Blue Team exercises: build packs, grade answers, serve the class",
              [](CLI::App& app) {
                auto run = std::make_shared<Runner>();
                app.require_subcommand(1);
                AddBuild(app, *run);
                AddGrade(app, *run);
                AddServe(app, *run);
                AddSolve(app, *run);
                return [run] { return (*run) ? (*run)() : 2; };
              },
              60};

}  // namespace
}  // namespace vantage::cli

#endif
