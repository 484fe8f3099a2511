// Trainee queries: read-only, single statement, authoriser, time and row limits.
#include "trainee-query.h"

#include <sqlite3.h>

#include <algorithm>
#include <chrono>

#include "vantage/collector/flow-store-module.h"

namespace vantage::training::detail {
namespace {

using Clock = std::chrono::steady_clock;

// Refuses whatever could reach another file or change state, even on a read-only handle.
int Authorise(void*, int action, const char*, const char*, const char*, const char*) {
  switch (action) {
    case SQLITE_ATTACH:
    case SQLITE_DETACH:
    case SQLITE_PRAGMA:
    case SQLITE_INSERT:
    case SQLITE_UPDATE:
    case SQLITE_DELETE:
    case SQLITE_CREATE_TABLE:
    case SQLITE_DROP_TABLE:
      return SQLITE_DENY;
    default:
      return SQLITE_OK;
  }
}

int Deadline(void* arg) {
  return Clock::now() > *static_cast<Clock::time_point*>(arg) ? 1 : 0;
}

struct Db {
  sqlite3* db = nullptr;
  Clock::time_point deadline;
  ~Db() { sqlite3_close(db); }
};

core::Status OpenLimited(const std::string& path, const QueryLimits& limits, Db& out) {
  collector::EnableFlowStoreModule();  // the `flows` view reads the flow blocks
  if (sqlite3_open_v2(path.c_str(), &out.db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    return core::MakeError(core::ErrorCode::kIo, "cannot open the store");
  }
  sqlite3_limit(out.db, SQLITE_LIMIT_ATTACHED, 0);
  sqlite3_limit(out.db, SQLITE_LIMIT_SQL_LENGTH, 8192);
  sqlite3_set_authorizer(out.db, Authorise, nullptr);
  out.deadline = Clock::now() + std::chrono::milliseconds(limits.timeoutMs);
  sqlite3_progress_handler(out.db, 10000, Deadline, &out.deadline);
  return {};
}

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

// Only one SELECT (or WITH ... SELECT); a trailing ';' is fine.
core::Status CheckSql(std::string text) {
  while (!text.empty() &&
         (std::isspace(static_cast<unsigned char>(text.back())) || text.back() == ';')) {
    text.pop_back();
  }
  if (text.find(';') != std::string::npos) {
    return core::MakeError(core::ErrorCode::kInvalid, "one statement only");
  }
  std::string head = Lower(text.substr(0, text.find_first_of(" \t\r\n(")));
  if (head != "select" && head != "with") {
    return core::MakeError(core::ErrorCode::kInvalid,
                           "only the query language or a single SELECT is accepted");
  }
  return {};
}

core::Error Interrupted(const core::Error& e) {
  if (e.message.find("interrupted") != std::string::npos) {
    return core::MakeError(core::ErrorCode::kInvalid, "the query took too long and was stopped");
  }
  return e;
}

}  // namespace

core::Result<collector::QueryTable> RunTraineeQuery(const std::string& storePath,
                                                    const std::string& text,
                                                    const QueryLimits& limits, bool& truncated) {
  truncated = false;
  auto parsed = collector::ParseQuery(text);
  if (!parsed) return parsed.GetError();
  if (parsed->kind == collector::ParsedQuery::Kind::kSql) {
    VANTAGE_RETURN_IF_ERROR(CheckSql(text));
  }
  Db db;
  VANTAGE_RETURN_IF_ERROR(OpenLimited(storePath, limits, db));
  auto table = collector::RunQuery(db.db, text);
  if (!table) return Interrupted(table.GetError());
  if (table->rows.size() > limits.rowLimit) {
    table->rows.resize(limits.rowLimit);
    truncated = true;
  }
  table->sql.clear();
  return table;
}

core::Result<std::vector<FlowTuple>> FlowsMatching(const std::string& storePath,
                                                   const std::string& condition,
                                                   const QueryLimits& limits) {
  auto parsed = collector::ParseQuery("top 1 srcip by flows where " + condition);
  if (!parsed) return parsed.GetError();
  Db db;
  VANTAGE_RETURN_IF_ERROR(OpenLimited(storePath, limits, db));
  // ipstr() is the collector's SQL function; RunQuery registers it on this handle.
  auto warm = collector::RunQuery(db.db, "select 1");
  if (!warm) return warm.GetError();
  std::string sql =
      "SELECT ipstr(src), src_port, ipstr(dst), dst_port, protocol FROM flows WHERE " +
      parsed->where + " LIMIT 100000";
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v2(db.db, sql.c_str(), -1, &st, nullptr) != SQLITE_OK) {
    return core::MakeError(core::ErrorCode::kParse, sqlite3_errmsg(db.db));
  }
  int i = 1;
  for (const auto& p : parsed->params) {
    if (p.isBlob) {
      sqlite3_bind_blob(st, i, p.blob.data(), static_cast<int>(p.blob.size()), SQLITE_TRANSIENT);
    } else if (p.isText) {
      sqlite3_bind_text(st, i, p.text.c_str(), -1, SQLITE_TRANSIENT);
    } else {
      sqlite3_bind_int64(st, i, p.value);
    }
    ++i;
  }
  std::vector<FlowTuple> out;
  int rc = 0;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    auto text = [&](int c) {
      const unsigned char* t = sqlite3_column_text(st, c);
      return t ? std::string(reinterpret_cast<const char*>(t)) : std::string();
    };
    out.push_back({text(0), text(2), static_cast<uint16_t>(sqlite3_column_int(st, 1)),
                   static_cast<uint16_t>(sqlite3_column_int(st, 3)),
                   static_cast<uint8_t>(sqlite3_column_int(st, 4))});
  }
  sqlite3_finalize(st);
  if (rc != SQLITE_DONE) {
    return core::MakeError(core::ErrorCode::kInvalid, "the query took too long and was stopped");
  }
  return out;
}

}  // namespace vantage::training::detail
