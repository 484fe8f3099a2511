// Reading and checking a run directory (docs/run-directory.md).
#include "vantage/planner/run-directory.h"

#include <sqlite3.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace vantage::planner {
namespace {

namespace fs = std::filesystem;
using core::ErrorCode;
using core::MakeError;

core::Result<std::string> ReadText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return MakeError(ErrorCode::kNotFound, "cannot open " + path);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

double RunData::DayFactor() const {
  if (manifest.durationS <= 0) return 1.0;
  double represents = manifest.representsS > 0 ? manifest.representsS : manifest.durationS;
  return (represents / manifest.durationS) * (86400.0 / represents);
}

double RunData::GroupScale(const std::string& group) const {
  auto it = manifest.scale.find(group);
  return it == manifest.scale.end() || it->second <= 0 ? 1.0 : it->second;
}

namespace {

// Flows in an SQLite store: a collector store's catalogue counts them per partition (no scan
// of the flows); any other store's largest table.
void MeasureSqlite(const std::string& path, RunData& run) {
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    sqlite3_close(db);
    return;
  }
  std::vector<std::string> counts;
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v2(
          db,
          "SELECT 'SELECT sum(rows) FROM partitions' FROM sqlite_master WHERE name = "
          "'partitions' UNION ALL SELECT 'SELECT count(*) FROM \"' || name || '\"' "
          "FROM sqlite_master WHERE type = 'table' AND NOT EXISTS (SELECT 1 FROM "
          "sqlite_master WHERE name = 'partitions')",
          -1, &st, nullptr) == SQLITE_OK) {
    while (sqlite3_step(st) == SQLITE_ROW) {
      const unsigned char* q = sqlite3_column_text(st, 0);
      if (q) counts.emplace_back(reinterpret_cast<const char*>(q));
    }
  }
  sqlite3_finalize(st);
  for (const auto& q : counts) {
    if (sqlite3_prepare_v2(db, q.c_str(), -1, &st, nullptr) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW) {
      auto n = static_cast<uint64_t>(sqlite3_column_int64(st, 0));
      if (n > run.sqliteRecords) run.sqliteRecords = n;
    }
    sqlite3_finalize(st);
  }
  sqlite3_close(db);
  std::error_code ec;
  auto size = fs::file_size(path, ec);
  if (!ec && run.sqliteRecords > 0) {
    run.hasSqlite = true;
    run.sqliteBytes = size;
  }
}

}  // namespace

core::Result<RunData> LoadRunDirectory(const std::string& dir, const RunCheck& check) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    return MakeError(ErrorCode::kNotFound,
                     "run directory " + dir + " is missing (no such directory)");
  }
  if (fs::exists(fs::path(dir) / "INCOMPLETE", ec)) {
    return MakeError(ErrorCode::kInvalid,
                     "run directory " + dir +
                         " is incomplete: INCOMPLETE is present (the run is still going or was "
                         "interrupted); simulate again");
  }
  RunData run;
  run.dir = dir;
  std::string manifestPath = (fs::path(dir) / "manifest.json").string();
  auto manifestText = ReadText(manifestPath);
  if (!manifestText) {
    return MakeError(ErrorCode::kNotFound, "run directory " + dir + " is missing manifest.json");
  }
  auto manifest = model::ParseRunManifest(*manifestText, manifestPath);
  if (!manifest) return manifest.GetError();
  run.manifest = std::move(*manifest);
  if (run.manifest.status != "complete") {
    return MakeError(ErrorCode::kInvalid, "run directory " + dir +
                                              " is incomplete: manifest status is '" +
                                              run.manifest.status + "', not 'complete'");
  }
  auto checkHash = [&](const std::string& given, const std::string& recorded,
                       const std::string& what) -> core::Status {
    if (given.empty()) return {};
    auto sha = Sha256File(given);
    if (!sha) return MakeError(ErrorCode::kNotFound, "cannot read " + what + " " + given);
    if (recorded != *sha) {
      return MakeError(
          ErrorCode::kInvalid,
          "run directory " + dir + " was made from other inputs: " + what + " " + given +
              " has sha256 " + sha->substr(0, 12) + "..., the run recorded " +
              (recorded.empty() ? std::string("none") : recorded.substr(0, 12) + "...") +
              "; simulate again or pass the matching " + what);
    }
    return {};
  };
  VANTAGE_RETURN_IF_ERROR(checkHash(check.topologyPath, run.manifest.topologySha256, "topology"));
  VANTAGE_RETURN_IF_ERROR(checkHash(check.scenarioPath, run.manifest.scenarioSha256, "scenario"));

  std::string gtPath = (fs::path(dir) / "ground_truth.csv").string();
  auto gtText = ReadText(gtPath);
  if (!gtText) {
    return MakeError(ErrorCode::kNotFound, "run directory " + dir + " is missing ground_truth.csv");
  }
  auto flows = ParseGroundTruth(*gtText, gtPath);
  if (!flows) return flows.GetError();
  run.flows = std::move(*flows);

  std::string natPath = (fs::path(dir) / "nat_events.csv").string();
  if (fs::exists(natPath, ec)) {
    auto natText = ReadText(natPath);
    if (!natText) return natText.GetError();
    auto events = ParseNatEvents(*natText, natPath);
    if (!events) return events.GetError();
    run.natEvents = std::move(*events);
  }
  std::string dbPath = (fs::path(dir) / "collector.sqlite").string();
  if (fs::exists(dbPath, ec)) MeasureSqlite(dbPath, run);
  return run;
}

}  // namespace vantage::planner
