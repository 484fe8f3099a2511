// The sweep directory: manifest, cell directories and their results.
#include "vantage/sweep/sweep-dir.h"

#include <unistd.h>

#include <deque>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace vantage::sweep {
namespace {

namespace fs = std::filesystem;
using core::ErrorCode;
using core::MakeError;

core::Result<nlohmann::json> ReadJson(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return MakeError(ErrorCode::kNotFound, "cannot read " + path);
  std::ostringstream ss;
  ss << in.rdbuf();
  auto j = nlohmann::json::parse(ss.str(), nullptr, false);
  if (j.is_discarded()) return MakeError(ErrorCode::kParse, path + ": not valid JSON");
  return j;
}

}  // namespace

SweepManifest MakeManifest(const SweepSpec& spec, std::vector<Cell> cells,
                           const std::string& version) {
  SweepManifest m;
  m.name = spec.name;
  m.source = spec.file;
  m.version = version;
  m.timeoutS = spec.timeoutS;
  m.retries = spec.retries;
  m.cells = std::move(cells);
  return m;
}

core::Status WriteFileAtomic(const std::string& path, const std::string& text) {
  std::string tmp = path + ".tmp." + std::to_string(::getpid());
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << text;
    out.flush();
    if (!out) return MakeError(ErrorCode::kIo, "cannot write " + tmp);
  }
  std::error_code ec;
  fs::rename(tmp, path, ec);
  if (ec) return MakeError(ErrorCode::kIo, "cannot rename " + tmp + ": " + ec.message());
  return {};
}

std::string TailFile(const std::string& path, size_t lines) {
  std::ifstream in(path, std::ios::binary);
  std::deque<std::string> last;
  std::string line;
  while (std::getline(in, line)) {
    last.push_back(line);
    if (last.size() > lines) last.pop_front();
  }
  std::string out;
  for (const auto& l : last) out += l + "\n";
  return out;
}

core::Status SaveSweepManifest(const std::string& dir, const SweepManifest& m) {
  nlohmann::json j = {
      {"name", m.name},           {"source", m.source},   {"vantage_version", m.version},
      {"timeout_s", m.timeoutS},  {"retries", m.retries}, {"cells", m.cells},
      {"slurm_jobs", m.slurmJobs}};
  return WriteFileAtomic((fs::path(dir) / "sweep.json").string(), j.dump(1) + "\n");
}

core::Result<SweepManifest> LoadSweepDir(const std::string& dir) {
  auto j = ReadJson((fs::path(dir) / "sweep.json").string());
  if (!j) {
    return MakeError(j.GetError().code,
                     dir + " is not a sweep directory (" + j.GetError().message + ")");
  }
  SweepManifest m;
  try {
    m.name = j->at("name").get<std::string>();
    m.source = j->value("source", "");
    m.version = j->value("vantage_version", "");
    m.timeoutS = j->value("timeout_s", 3600.0);
    m.retries = j->value("retries", 1u);
    m.cells = j->at("cells").get<std::vector<Cell>>();
    m.slurmJobs = j->value("slurm_jobs", std::vector<std::string>{});
  } catch (const nlohmann::json::exception& e) {
    return MakeError(ErrorCode::kParse, dir + "/sweep.json: " + e.what());
  }
  return m;
}

core::Status InitSweepDir(const std::string& dir, SweepManifest& m, bool force) {
  std::error_code ec;
  fs::create_directories(fs::path(dir) / "cells", ec);
  if (ec) return MakeError(ErrorCode::kIo, "cannot create " + dir + ": " + ec.message());
  if (fs::exists(fs::path(dir) / "sweep.json")) {
    auto old = LoadSweepDir(dir);
    if (!old && !force) return old.GetError();
    if (old && old->name != m.name && !force) {
      return MakeError(ErrorCode::kInvalid,
                       dir + " holds another sweep ('" + old->name + "' from " + old->source +
                           "); choose another --out, or pass --force to reuse it (its " +
                           "finished cells are kept)");
    }
    if (old && old->name == m.name) m.slurmJobs = old->slurmJobs;
  }
  return SaveSweepManifest(dir, m);
}

void to_json(nlohmann::json& j, const CellResult& r) {
  j = {{"id", r.id},
       {"status", r.ok ? "ok" : "failed"},
       {"exit_code", r.exitCode},
       {"timed_out", r.timedOut},
       {"attempts", r.attempts},
       {"wall_s", r.wallS},
       {"cpu_s", r.cpuS},
       {"max_rss_kib", r.maxRssKiB},
       {"error", r.error},
       {"log", r.log},
       {"metrics", r.metrics},
       {"curve", r.curve}};
}

void from_json(const nlohmann::json& j, CellResult& r) {
  r.id = j.at("id").get<std::string>();
  r.ok = j.at("status").get<std::string>() == "ok";
  r.exitCode = j.value("exit_code", 0);
  r.timedOut = j.value("timed_out", false);
  r.attempts = j.value("attempts", 0u);
  r.wallS = j.value("wall_s", 0.0);
  r.cpuS = j.value("cpu_s", 0.0);
  r.maxRssKiB = j.value("max_rss_kib", 0L);
  r.error = j.value("error", "");
  r.log = j.value("log", "");
  r.metrics = j.value("metrics", nlohmann::json::object());
  r.curve = j.value("curve", nlohmann::json::array());
}

const char* CellStateName(CellState s) {
  switch (s) {
    case CellState::kPending:
      return "pending";
    case CellState::kDone:
      return "done";
    case CellState::kFailed:
      return "failed";
    case CellState::kConflict:
      return "conflict";
  }
  return "?";
}

std::string CellDir(const std::string& dir, const Cell& cell) {
  return (fs::path(dir) / "cells" / cell.id).string();
}

CellState GetCellState(const std::string& dir, const Cell& cell, std::string* why) {
  const fs::path cd = CellDir(dir, cell);
  if (fs::exists(cd / "cell.json")) {
    auto j = ReadJson((cd / "cell.json").string());
    if (!j || !j->contains("inputs") || (*j)["inputs"] != cell.Inputs()) {
      if (why) *why = cd.string() + "/cell.json holds other inputs (another sweep's cell?)";
      return CellState::kConflict;
    }
  }
  auto r = ReadCellResult(dir, cell);
  if (!r) return CellState::kPending;
  if (why) *why = r->error;
  return r->ok ? CellState::kDone : CellState::kFailed;
}

core::Status PrepareCellDir(const std::string& dir, const Cell& cell) {
  std::string why;
  if (GetCellState(dir, cell, &why) == CellState::kConflict) {
    return MakeError(ErrorCode::kInvalid, why + "; left untouched");
  }
  std::error_code ec;
  fs::create_directories(CellDir(dir, cell), ec);
  if (ec) return MakeError(ErrorCode::kIo, "cannot create " + CellDir(dir, cell));
  nlohmann::json j = {{"inputs", cell.Inputs()}, {"cell", cell}};
  return WriteFileAtomic((fs::path(CellDir(dir, cell)) / "cell.json").string(), j.dump(1) + "\n");
}

core::Status WriteCellResult(const std::string& dir, const Cell& cell, const CellResult& r) {
  nlohmann::json j = r;
  return WriteFileAtomic((fs::path(CellDir(dir, cell)) / "result.json").string(), j.dump(1) + "\n");
}

core::Result<CellResult> ReadCellResult(const std::string& dir, const Cell& cell) {
  auto j = ReadJson((fs::path(CellDir(dir, cell)) / "result.json").string());
  if (!j) return j.GetError();
  try {
    CellResult r = j->get<CellResult>();
    if (r.id != cell.id) return MakeError(ErrorCode::kInvalid, "result.json of another cell");
    return r;
  } catch (const nlohmann::json::exception& e) {
    return MakeError(ErrorCode::kParse, CellDir(dir, cell) + "/result.json: " + e.what());
  }
}

}  // namespace vantage::sweep
