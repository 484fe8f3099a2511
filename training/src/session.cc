// Replaying a trainee's events into progress and scores; the SQLite event log; offline sheets.
#include "vantage/training/session.h"

#include <sqlite3.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <sstream>

namespace vantage::training {
namespace {

const char* KindName(EventKind k) {
  switch (k) {
    case EventKind::kAnswer:
      return "answer";
    case EventKind::kHint:
      return "hint";
    case EventKind::kSolution:
      return "solution";
  }
  return "?";
}

EventKind KindFrom(const std::string& s) {
  if (s == "hint") return EventKind::kHint;
  if (s == "solution") return EventKind::kSolution;
  return EventKind::kAnswer;
}

size_t LevelIndex(const Exercise& ex, const std::string& id) {
  for (size_t i = 0; i < ex.levels.size(); ++i) {
    if (ex.levels[i].id == id) return i;
  }
  return ex.levels.size();
}

constexpr const char* kSchema = R"(
PRAGMA journal_mode=WAL;
PRAGMA synchronous=NORMAL;
CREATE TABLE IF NOT EXISTS events(
  id INTEGER PRIMARY KEY,
  trainee TEXT NOT NULL,
  level TEXT NOT NULL,
  kind TEXT NOT NULL,
  value TEXT NOT NULL,
  valid INTEGER NOT NULL,
  correct INTEGER NOT NULL,
  time_ms INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS events_trainee ON events(trainee, id);
)";

}  // namespace

std::vector<LevelProgress> Replay(const Exercise& ex, const std::vector<Event>& events) {
  std::vector<LevelProgress> progress(ex.levels.size());
  for (const auto& e : events) {
    size_t i = LevelIndex(ex, e.level);
    if (i >= ex.levels.size()) continue;
    const Level& level = ex.levels[i];
    LevelProgress& p = progress[i];
    if (p.Done()) continue;
    switch (e.kind) {
      case EventKind::kHint:
        p.hintsTaken = std::min<int>(p.hintsTaken + 1, static_cast<int>(level.hints.size()));
        break;
      case EventKind::kSolution:
        p.solutionShown = true;
        break;
      case EventKind::kAnswer: {
        Grade g;
        g.valid = e.valid;
        g.correct = e.correct;
        ApplyGrade(level, g, p);
        break;
      }
    }
  }
  return progress;
}

size_t CurrentLevel(const Exercise& ex, const std::vector<LevelProgress>& progress) {
  for (size_t i = 0; i < ex.levels.size(); ++i) {
    if (ex.levels[i].question && !progress[i].Done()) return i;
  }
  return ex.levels.size();
}

double TotalScore(const Exercise& ex, const std::vector<LevelProgress>& progress) {
  double total = 0;
  for (size_t i = 0; i < ex.levels.size(); ++i) total += LevelScore(ex.levels[i], progress[i]);
  return total;
}

ClassState::~ClassState() {
  sqlite3_close(m_db);
}

core::Result<std::unique_ptr<ClassState>> ClassState::Open(const std::string& path) {
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr) !=
      SQLITE_OK) {
    std::string msg = db ? sqlite3_errmsg(db) : "out of memory";
    sqlite3_close(db);
    return core::MakeError(core::ErrorCode::kIo, path + ": " + msg);
  }
  sqlite3_busy_timeout(db, 5000);
  char* err = nullptr;
  if (sqlite3_exec(db, kSchema, nullptr, nullptr, &err) != SQLITE_OK) {
    std::string msg = err ? err : "schema";
    sqlite3_free(err);
    sqlite3_close(db);
    return core::MakeError(core::ErrorCode::kIo, path + ": " + msg);
  }
  return std::unique_ptr<ClassState>(new ClassState(db));
}

core::Status ClassState::Append(const Event& e) {
  std::lock_guard<std::mutex> lock(m_mutex);
  sqlite3_stmt* st = nullptr;
  sqlite3_prepare_v2(m_db,
                     "INSERT INTO events(trainee,level,kind,value,valid,correct,time_ms) "
                     "VALUES(?,?,?,?,?,?,?)",
                     -1, &st, nullptr);
  sqlite3_bind_text(st, 1, e.trainee.c_str(), -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(st, 2, e.level.c_str(), -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(st, 3, KindName(e.kind), -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 4, e.value.c_str(), -1, SQLITE_TRANSIENT);
  sqlite3_bind_int(st, 5, e.valid ? 1 : 0);
  sqlite3_bind_int(st, 6, e.correct ? 1 : 0);
  sqlite3_bind_int64(st, 7, e.timeMs);
  int rc = sqlite3_step(st);
  sqlite3_finalize(st);
  if (rc != SQLITE_DONE) {
    return core::MakeError(core::ErrorCode::kIo,
                           std::string("state: cannot record event: ") + sqlite3_errmsg(m_db));
  }
  return {};
}

std::vector<Event> ClassState::Events(const std::string& trainee) {
  std::lock_guard<std::mutex> lock(m_mutex);
  std::vector<Event> out;
  sqlite3_stmt* st = nullptr;
  sqlite3_prepare_v2(m_db,
                     "SELECT level,kind,value,valid,correct,time_ms FROM events WHERE trainee=? "
                     "ORDER BY id",
                     -1, &st, nullptr);
  sqlite3_bind_text(st, 1, trainee.c_str(), -1, SQLITE_TRANSIENT);
  while (sqlite3_step(st) == SQLITE_ROW) {
    Event e;
    e.trainee = trainee;
    e.level = reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
    e.kind = KindFrom(reinterpret_cast<const char*>(sqlite3_column_text(st, 1)));
    e.value = reinterpret_cast<const char*>(sqlite3_column_text(st, 2));
    e.valid = sqlite3_column_int(st, 3) != 0;
    e.correct = sqlite3_column_int(st, 4) != 0;
    e.timeMs = sqlite3_column_int64(st, 5);
    out.push_back(std::move(e));
  }
  sqlite3_finalize(st);
  return out;
}

std::vector<ScoreRow> ClassState::Scoreboard(const Exercise& ex,
                                             const std::vector<std::string>& trainees) {
  std::vector<ScoreRow> rows;
  for (const auto& t : trainees) {
    auto events = Events(t);
    auto progress = Replay(ex, events);
    ScoreRow r;
    r.trainee = t;
    r.score = TotalScore(ex, progress);
    for (size_t i = 0; i < ex.levels.size(); ++i) {
      if (!ex.levels[i].question) continue;
      ++r.questions;
      r.levelsDone += progress[i].Done() ? 1 : 0;
      r.hints += progress[i].hintsTaken;
      r.wrong += progress[i].wrong;
    }
    if (!events.empty()) {
      r.firstMs = events.front().timeMs;
      r.lastMs = events.back().timeMs;
    }
    rows.push_back(r);
  }
  std::stable_sort(rows.begin(), rows.end(),
                   [](const auto& a, const auto& b) { return a.score > b.score; });
  return rows;
}

std::string ScoreboardCsv(const std::vector<ScoreRow>& rows) {
  std::ostringstream out;
  out << "trainee,score,levels_done,questions,hints,wrong,first_ms,last_ms\n";
  for (const auto& r : rows) {
    out << r.trainee << ',' << r.score << ',' << r.levelsDone << ',' << r.questions << ','
        << r.hints << ',' << r.wrong << ',' << r.firstMs << ',' << r.lastMs << '\n';
  }
  return out.str();
}

}  // namespace vantage::training
