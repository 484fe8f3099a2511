// A trainee's progress through an exercise: what they did (answers, hints, revealed solutions)
// as a list of events, replayed into per-level progress and scores. The web application keeps
// the events in SQLite (ClassState) so a restart loses nothing; offline grading builds them from
// an answer sheet.
//
//   auto state = training::ClassState::Open("class1/instructor/state.sqlite");
//   (*state)->Append({"alice", "who", training::EventKind::kAnswer, "staff-3", true, true, now});
//   auto progress = training::Replay(exercise, (*state)->Events("alice"));
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "vantage/core/result.h"
#include "vantage/training/class-builder.h"
#include "vantage/training/grading.h"

struct sqlite3;

namespace vantage::training {

enum class EventKind { kAnswer, kHint, kSolution };

struct Event {
  std::string trainee;
  std::string level;
  EventKind kind = EventKind::kAnswer;
  std::string value;  ///< the answer given (answers only)
  bool valid = true;
  bool correct = false;
  int64_t timeMs = 0;  ///< UNIX milliseconds
};

/// @brief Per-level progress from a trainee's events, in the exercise's level order.
std::vector<LevelProgress> Replay(const Exercise& exercise, const std::vector<Event>& events);

/// @brief Index of the level the trainee works on: the first question level not yet done
/// (levels.size() when all are done). Levels after it are locked.
size_t CurrentLevel(const Exercise& exercise, const std::vector<LevelProgress>& progress);

/// @brief Total score of a trainee.
double TotalScore(const Exercise& exercise, const std::vector<LevelProgress>& progress);

/// @brief One scoreboard row.
struct ScoreRow {
  std::string trainee;
  double score = 0;
  int levelsDone = 0, questions = 0, hints = 0, wrong = 0;
  int64_t firstMs = 0, lastMs = 0;  ///< first and last event (0: none yet)
};

/// @brief Event log of a class in SQLite (WAL; safe for the server's worker threads).
class ClassState {
 public:
  ~ClassState();
  ClassState(const ClassState&) = delete;
  ClassState& operator=(const ClassState&) = delete;

  static core::Result<std::unique_ptr<ClassState>> Open(const std::string& path);
  core::Status Append(const Event& e);
  std::vector<Event> Events(const std::string& trainee);
  std::vector<ScoreRow> Scoreboard(const Exercise& exercise,
                                   const std::vector<std::string>& trainees);

 private:
  explicit ClassState(sqlite3* db) : m_db(db) {}
  sqlite3* m_db;
  std::mutex m_mutex;
};

/// @brief The scoreboard as CSV (header line first).
std::string ScoreboardCsv(const std::vector<ScoreRow>& rows);

/// @brief Offline grading of an answer sheet (YAML: `trainee`, `answers: {level: answer}`,
/// optional `hints: {level: count}` and `solutions: [level]`), each answer graded once.
struct LevelResult {
  std::string id, title;
  bool answered = false;
  Grade grade;
  double score = 0, maxScore = 0;
};
struct SheetResult {
  std::string trainee;
  std::vector<LevelResult> levels;
  double total = 0, maxTotal = 0;
};
core::Result<SheetResult> GradeSheet(const Exercise& exercise, const ClassKey& key,
                                     const std::string& sheetPath);
nlohmann::json ToJson(const SheetResult& result);

}  // namespace vantage::training

namespace vantage::training {

/// @brief One level's answer as its reference solution finds it in a trainee's store.
struct ReferenceAnswer {
  std::string level;
  std::string answer;  ///< empty when the query failed or found nothing
  std::string error;
};

/// @brief Runs every question level's reference solution against a store, in level order.
/// `{level-id}` in a query is replaced by that level's reference answer; a query
/// "filter: COND" answers a flow-set level with the flows matching COND.
std::vector<ReferenceAnswer> SolveWithReferences(const Exercise& exercise,
                                                 const std::string& storePath);

}  // namespace vantage::training
