// The findings table (see findings-table.h).
#include "vantage/detect/findings-table.h"

#include <sqlite3.h>

#include "vantage/detect/flows.h"

namespace vantage::detect {

const char* FindingsTableSchema() {
  return "CREATE TABLE IF NOT EXISTS findings(\n"
         "  id INTEGER PRIMARY KEY,\n"
         "  run TEXT NOT NULL,\n"
         "  detector TEXT NOT NULL,\n"
         "  severity TEXT NOT NULL,\n"
         "  score REAL NOT NULL,\n"
         "  sources TEXT NOT NULL,\n"
         "  destinations TEXT NOT NULL,\n"
         "  start_ns INTEGER NOT NULL,\n"
         "  end_ns INTEGER NOT NULL,\n"
         "  detected_ns INTEGER NOT NULL,\n"
         "  what TEXT NOT NULL,\n"
         "  evidence TEXT NOT NULL,\n"
         "  records TEXT NOT NULL\n"
         ");";
}

FindingsTable::~FindingsTable() {
  sqlite3_close(m_db);
}

core::Result<std::unique_ptr<FindingsTable>> FindingsTable::Open(const std::string& path,
                                                                 const std::string& run) {
  std::unique_ptr<FindingsTable> t(new FindingsTable());
  t->m_path = path;
  t->m_run = run;
  if (sqlite3_open_v2(path.c_str(), &t->m_db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
                      nullptr) != SQLITE_OK) {
    return core::MakeError(core::ErrorCode::kIo,
                           "cannot open '" + path + "': " + sqlite3_errmsg(t->m_db));
  }
  sqlite3_busy_timeout(t->m_db, 5000);
  char* msg = nullptr;
  if (sqlite3_exec(t->m_db, FindingsTableSchema(), nullptr, nullptr, &msg) != SQLITE_OK) {
    std::string text = msg ? msg : "unknown error";
    sqlite3_free(msg);
    return core::MakeError(core::ErrorCode::kIo,
                           "cannot create the findings table in '" + path + "': " + text);
  }
  return t;
}

namespace {

std::string Names(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ",") + n;
  return out;
}

}  // namespace

core::Status FindingsTable::Append(const std::vector<Finding>& findings, const FlowSet* set) {
  if (findings.empty()) return {};
  sqlite3_stmt* st = nullptr;
  const char* sql =
      "INSERT INTO findings(run, detector, severity, score, sources, destinations, start_ns, "
      "end_ns, detected_ns, what, evidence, records) VALUES(?,?,?,?,?,?,?,?,?,?,?,?)";
  if (sqlite3_prepare_v2(m_db, sql, -1, &st, nullptr) != SQLITE_OK) {
    return core::MakeError(core::ErrorCode::kIo, m_path + ": " + sqlite3_errmsg(m_db));
  }
  sqlite3_exec(m_db, "BEGIN", nullptr, nullptr, nullptr);
  for (const auto& f : findings) {
    nlohmann::json j = ToJson(f, nullptr);
    nlohmann::json refs = nlohmann::json::array();
    for (uint32_t i : f.flows) {
      if (set) refs.push_back(set->flows[i].ref);
    }
    std::string evidence = j["evidence"].dump(), records = refs.dump();
    std::string src = Names(f.sourceNames), dst = Names(f.destinationNames);
    sqlite3_bind_text(st, 1, m_run.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 2, f.detector.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 3, SeverityName(f.severity), -1, SQLITE_STATIC);
    sqlite3_bind_double(st, 4, f.score);
    sqlite3_bind_text(st, 5, src.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 6, dst.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 7, f.startNs);
    sqlite3_bind_int64(st, 8, f.endNs);
    sqlite3_bind_int64(st, 9, f.detectedNs);
    sqlite3_bind_text(st, 10, f.what.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 11, evidence.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 12, records.c_str(), -1, SQLITE_TRANSIENT);
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (rc != SQLITE_DONE) {
      std::string err = sqlite3_errmsg(m_db);
      sqlite3_finalize(st);
      sqlite3_exec(m_db, "ROLLBACK", nullptr, nullptr, nullptr);
      return core::MakeError(core::ErrorCode::kIo, m_path + ": insert finding: " + err);
    }
  }
  sqlite3_finalize(st);
  if (sqlite3_exec(m_db, "COMMIT", nullptr, nullptr, nullptr) != SQLITE_OK) {
    return core::MakeError(core::ErrorCode::kIo,
                           m_path + ": commit findings: " + sqlite3_errmsg(m_db));
  }
  m_written += findings.size();
  return {};
}

}  // namespace vantage::detect
