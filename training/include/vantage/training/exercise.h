// Blue Team exercises: a scenario hunt with levels graded against ground truth, as read from
// exercises/*.yaml (schema: docs/exercises.md).
//
//   model::Diagnostics diags;
//   auto ex = training::LoadExercise("exercises/beacon-hunt.yaml", diags);
//   if (!ex) std::cerr << diags.ToString();
//   for (const auto& level : ex->levels) ...
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "vantage/core/result.h"
#include "vantage/model/diagnostics.h"

namespace vantage::training {

/// @brief A value that may differ per trainee: a constant, `{uniform: [a, b]}` (a number drawn
/// per trainee, rounded to `round` decimals), or `{one_of: [x, y, ...]}`.
struct Varying {
  enum class Kind { kConstant, kUniform, kOneOf };
  Kind kind = Kind::kConstant;
  std::string constant;
  double lo = 0, hi = 0;
  int decimals = 0;                  ///< uniform: decimals kept (0 = whole numbers)
  std::vector<std::string> options;  ///< one_of
  bool IsSet() const { return kind != Kind::kConstant || !constant.empty(); }
};

/// @brief A behaviour injected into the scenario, with per-trainee variation.
struct Injection {
  std::string kind;   ///< scenario behaviour kind (c2_beacon, exfiltration, ...)
  std::string label;  ///< ground-truth label the answers refer to (defaults to kind)
  Varying source, target, startS, durationS, port;
  std::string protocol = "tcp";
  std::map<std::string, Varying> params;
  int line = 0;
};

/// @brief What the trainee gets: flow export at some points (into their collector store), full
/// capture (pcap) at others, and the NAT event log or not.
struct View {
  std::vector<std::string> flowPoints;
  std::vector<std::string> capturePoints;
  bool natLog = false;
};

/// @brief How a question's answer is typed and graded.
enum class AnswerType { kHost, kAddress, kPort, kNumber, kTime, kChoice, kFlows };

const char* AnswerTypeName(AnswerType t);

struct Hint {
  std::string text;
  double penalty = 0;
};

/// @brief A level: information (text only) or a question graded against ground truth.
struct Level {
  std::string id;  ///< unique; defaults to "level-N"
  std::string title;
  std::string text;  ///< Markdown: the information, or the question
  bool question = false;
  AnswerType type = AnswerType::kHost;
  /// Where the right answer comes from: "LABEL.FIELD" over the ground truth of the behaviour
  /// labelled LABEL (fields: docs/exercises.md), or empty when `value` gives it.
  std::string truth;
  std::string value;                 ///< a literal right answer (choice questions, mostly)
  std::vector<std::string> choices;  ///< choice questions
  double tolerance = 0;              ///< number: absolute; time: seconds
  double tolerancePct = 0;           ///< number: relative, in percent of the right answer
  double passF1 = 0.8;               ///< flows: F1 needed to pass
  double maxScore = 100;
  int maxWrong = 3;  ///< wrong answers allowed; the level is lost after that many (0: no limit)
  std::vector<Hint> hints;
  std::string solution;  ///< text shown when the trainee reveals the solution
  double solutionPenalty = 0;
  /// Reference solution an analyst would run (executed by the tests on each built pack):
  /// a `vantage query` statement, and the result column whose first row is the answer.
  std::string referenceQuery;
  std::string referenceColumn;
  int line = 0;
};

/// @brief A whole exercise file.
struct Exercise {
  std::string name;
  std::string title;
  std::string briefing;  ///< Markdown
  std::string sourcePath;
  std::string topologyPath;  ///< resolved relative to the exercise file
  std::string scenarioPath;
  std::optional<double> durationS;  ///< shortens (or lengthens) the scenario's window
  bool keepScenarioBehaviours = true;
  uint64_t seed = 1;  ///< mixed with each trainee's name
  std::vector<Injection> inject;
  View view;
  std::vector<Level> levels;

  const Level* FindLevel(const std::string& id) const;
  double MaxTotal() const;
};

/// @brief Loads and validates an exercise file. Every problem is a diagnostic naming
/// file:line:col; the topology and scenario it names are checked to exist.
core::Result<Exercise> LoadExercise(const std::string& path, model::Diagnostics& diags);
core::Result<Exercise> ParseExercise(const std::string& yamlText, const std::string& path,
                                     model::Diagnostics& diags);

}  // namespace vantage::training
