// The instructor key (right answers from each trainee's ground truth) and grading of answers:
// hosts by name or address, addresses, ports, numbers and times with tolerances, choices, and
// flow sets by F1 against the labelled flows.
//
//   auto key = training::DeriveKey(exercise, variant, groundTruth);
//   auto g = training::GradeAnswer(*exercise.FindLevel("who"), key->levels.at("who"), "staff-3");
//   if (g.correct) ...
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "vantage/core/result.h"
#include "vantage/planner/run-directory.h"
#include "vantage/training/exercise.h"
#include "vantage/training/variant.h"

namespace vantage::training {

/// @brief A flow as a trainee names it: source, destination, ports and protocol.
struct FlowTuple {
  std::string src, dst;  ///< canonical address text
  uint16_t srcPort = 0, dstPort = 0;
  uint8_t protocol = 0;
  bool operator<(const FlowTuple& o) const;
  bool operator==(const FlowTuple& o) const;
  std::string ToString() const;  ///< "10.0.0.5:49152 -> 203.0.113.9:443 6"
};

/// @brief The right answer of one question level for one trainee.
struct LevelKey {
  AnswerType type = AnswerType::kHost;
  std::string display;                ///< the answer as the instructor reads it
  std::vector<std::string> accepted;  ///< host/address/choice/port: any of these is right
  double number = 0;                  ///< number, or time in UNIX seconds
  /// flows: each labelled flow, as the list of tuples any of which identifies it (both
  /// directions, before and after NAT).
  std::vector<std::vector<FlowTuple>> flows;
};

struct TraineeKey {
  std::string trainee;
  uint64_t seed = 0;
  std::map<std::string, LevelKey> levels;  ///< by level id (question levels only)
};

/// @brief Works out every question's right answer from the trainee's ground truth. Fails
/// (naming the level) when the ground truth has no flow with the label a question asks about.
core::Result<TraineeKey> DeriveKey(const Exercise& exercise, const TraineeVariant& variant,
                                   const std::vector<planner::GroundTruthFlow>& truth);

/// @brief The result of grading one answer.
struct Grade {
  bool valid = true;  ///< false: the answer is not of the level's type (not counted as wrong)
  bool correct = false;
  double precision = 0, recall = 0, f1 = 0;  ///< flow sets only
  std::string feedback;
};

/// @brief Grades an answer against the key. Flow sets are one flow a line,
/// "SRC:PORT -> DST:PORT PROTO" or "SRC,PORT,DST,PORT,PROTO" (IPv6 in brackets).
Grade GradeAnswer(const Level& level, const LevelKey& key, const std::string& answer);
/// @brief Grades a flow set already parsed (the web page's filter runs against the store).
Grade GradeFlows(const Level& level, const LevelKey& key, const std::vector<FlowTuple>& flows);

/// @brief Parses a trainee's flow list; errors name the line.
core::Result<std::vector<FlowTuple>> ParseFlowList(const std::string& text);

/// @brief What a trainee did on one level, and the score it earns.
struct LevelProgress {
  int wrong = 0;
  int hintsTaken = 0;
  bool solutionShown = false;
  bool solved = false;
  bool lost = false;  ///< too many wrong answers
  bool Done() const { return solved || lost; }
};

/// @brief Score of a level: its maximum less the hints and solution taken, if solved; else 0.
double LevelScore(const Level& level, const LevelProgress& progress);

/// @brief Records an answer's grade in the progress (counts wrong answers, marks the level
/// lost when the limit is reached). Answers to a finished level change nothing.
void ApplyGrade(const Level& level, const Grade& grade, LevelProgress& progress);

}  // namespace vantage::training
