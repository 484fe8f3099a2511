// Building a class: one simulation per trainee (their variant), one pack per trainee with what
// the exercise's view would have recorded, and an instructor key kept outside the packs.
//
//   training::BuildOptions opt;
//   opt.outDir = "class1";
//   opt.trainees = {"alice", "bob"};
//   opt.simulate = [](const auto& topo, const auto& scen, const auto& run) { ... };
//   auto built = training::BuildClass(exercise, opt);
//
// Layout of the class directory (docs/exercises.md):
//   instructor/ exercise.json key.json tokens.json runs/NAME/ (run directories, ground truth)
//   trainees/NAME/ briefing.md briefing.html questions.md flows.sqlite capture/*.pcap
//                  nat_events.csv (only when the view has the NAT log)
#pragma once

#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "vantage/core/result.h"
#include "vantage/model/scenario.h"
#include "vantage/model/topology.h"
#include "vantage/training/exercise.h"
#include "vantage/training/grading.h"

namespace vantage::training {

/// @brief What the simulator must run for one trainee: the variant scenario, written as a run
/// directory at `runDir`, observing only `points`, with full capture if `capture`.
struct SimulationRequest {
  const model::Topology* topology = nullptr;
  const model::Scenario* scenario = nullptr;
  std::string runDir;
  std::vector<std::string> points;
  bool capture = false;
};

struct BuildOptions {
  std::string outDir;
  std::vector<std::string> trainees;  ///< empty: one trainee named "trainee"
  /// Runs the simulation (the CLI passes the ns-3 simulator; training never depends on sim/).
  std::function<core::Status(const SimulationRequest&)> simulate;
  /// Progress messages ("alice: simulating"), for the CLI to print.
  std::function<void(const std::string&)> progress;
};

/// @brief Every trainee's key.
struct ClassKey {
  std::string exercise;
  std::vector<TraineeKey> trainees;
  const TraineeKey* Find(const std::string& trainee) const;
};

/// @brief Login tokens: one per trainee and one for the instructor.
struct ClassTokens {
  std::string instructor;
  std::map<std::string, std::string> trainees;
};

struct BuildReport {
  ClassTokens tokens;
  std::map<std::string, uint64_t> flowsPerTrainee;  ///< rows in each trainee's store
};

/// @brief Builds the class directory. Refuses a directory whose class is already being served
/// (instructor/state.sqlite exists), so no answer is ever lost to a rebuild.
core::Result<BuildReport> BuildClass(const Exercise& exercise, const BuildOptions& options);

nlohmann::json ToJson(const Exercise& exercise);
core::Result<Exercise> ExerciseFromJson(const nlohmann::json& j);
nlohmann::json ToJson(const ClassKey& key);
core::Result<ClassKey> ClassKeyFromJson(const nlohmann::json& j);

/// @brief Reads instructor/exercise.json, key.json and tokens.json of a class directory.
core::Result<Exercise> LoadClassExercise(const std::string& classDir);
core::Result<ClassKey> LoadClassKey(const std::string& classDir);
core::Result<ClassTokens> LoadClassTokens(const std::string& classDir);

/// @brief Markdown to HTML (CommonMark; raw HTML in the input is not passed through).
std::string MarkdownToHtml(const std::string& markdown);

}  // namespace vantage::training
