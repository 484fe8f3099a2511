// One cell attempt, the Slurm task entry point and output extraction.
#include "cell-runner.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "vantage/model/sha256.h"
#include "vantage/planner/run-directory.h"
#include "vantage/sweep/runner.h"

namespace vantage::sweep {
namespace {

namespace fs = std::filesystem;
using core::ErrorCode;
using core::MakeError;

core::Result<nlohmann::json> ReadJsonFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return MakeError(ErrorCode::kNotFound, "no " + path);
  std::ostringstream ss;
  ss << in.rdbuf();
  auto j = nlohmann::json::parse(ss.str(), nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    return MakeError(ErrorCode::kParse, path + ": not a JSON object");
  }
  return j;
}

// Numbers and booleans of a JSON object as metrics named prefix + key (maps nest with '.').
void FlattenNumbers(const nlohmann::json& j, const std::string& prefix, nlohmann::json& out) {
  for (auto it = j.begin(); it != j.end(); ++it) {
    const std::string key = prefix + it.key();
    if (it->is_number()) {
      out[key] = *it;
    } else if (it->is_boolean()) {
      out[key] = it->get<bool>() ? 1 : 0;
    } else if (it->is_object()) {
      FlattenNumbers(*it, key + ".", out);
    }
  }
}

core::Status ExtractPlan(const std::string& outDir, CellResult& r) {
  auto j = ReadJsonFile((fs::path(outDir) / "plan.json").string());
  if (!j) return j.GetError();
  if (!j->contains("metrics") || !(*j)["metrics"].is_object()) {
    return MakeError(ErrorCode::kParse, outDir + "/plan.json has no metrics");
  }
  r.metrics = nlohmann::json::object();
  FlattenNumbers((*j)["metrics"], "", r.metrics);
  std::string chosen;
  for (const auto& p : j->value("points", nlohmann::json::array())) {
    std::string mode = p.value("mode", "none");
    if (mode == "none") continue;
    chosen += (chosen.empty() ? "" : " ") + p.value("name", "?") + "=" + mode;
  }
  r.metrics["chosen"] = chosen;
  r.curve = nlohmann::json::array();
  for (const auto& s : j->value("storage_sweep", nlohmann::json::array())) {
    r.curve.push_back({{"storage_bytes", s.value("storage_bytes", 0.0)},
                       {"flow_visibility", s.value("flow_visibility", 0.0)},
                       {"weighted_coverage", s.value("weighted_coverage", 0.0)}});
  }
  return {};
}

core::Status ExtractSimulate(const std::string& outDir, CellResult& r) {
  auto j = ReadJsonFile((fs::path(outDir) / "manifest.json").string());
  if (!j) return j.GetError();
  if (j->value("status", "") != "complete") {
    return MakeError(ErrorCode::kInvalid, outDir + "/manifest.json: run not complete");
  }
  r.metrics = nlohmann::json::object();
  nlohmann::json counters = j->value("counters", nlohmann::json::object());
  counters.erase("wall_s");  // the wall clock differs from run to run
  FlattenNumbers(counters, "", r.metrics);
  for (const auto& p : j->value("points", nlohmann::json::array())) {
    const std::string name = "points." + p.value("name", "?") + ".";
    for (const char* k : {"flows", "packets", "octets", "ipfix_bytes", "pcap_bytes"}) {
      if (p.contains(k) && p[k].is_number()) r.metrics[name + k] = p[k];
    }
  }
  return {};
}

}  // namespace

core::Status ExtractOutcome(const std::string& command, const std::string& outDir,
                            CellResult& result) {
  return command == "plan" ? ExtractPlan(outDir, result) : ExtractSimulate(outDir, result);
}

namespace detail {

CellResult StartFailure(const Cell& cell, unsigned attempt, const std::string& error) {
  CellResult r;
  r.id = cell.id;
  r.attempts = attempt;
  r.exitCode = -1;
  r.error = error;
  return r;
}

core::Status CheckInputsUnchanged(const Cell& cell) {
  for (const auto& [path, sha] : {std::pair{cell.topologyPath, cell.topologySha256},
                                  std::pair{cell.scenarioPath, cell.scenarioSha256}}) {
    auto now = model::Sha256File(path);
    if (!now) return now.GetError();
    if (*now != sha) {
      return MakeError(ErrorCode::kInvalid,
                       path + " changed since the sweep was set up; run 'vantage sweep run' again");
    }
  }
  return {};
}

core::Status CellAttempt::Start(const std::string& exe, double timeoutS) {
  VANTAGE_RETURN_IF_ERROR(PrepareCellDir(m_dir, m_cell));
  const fs::path cd = CellDir(m_dir, m_cell);
  std::error_code ec;
  fs::remove_all(cd / "out", ec);
  fs::remove(cd / "result.json", ec);
  const std::string log = (cd / ("attempt-" + std::to_string(m_attempt) + ".log")).string();
  fs::remove(log, ec);
  return m_child.Start(exe, m_cell.Args((cd / "out").string()), log, timeoutS);
}

bool CellAttempt::Poll(CellResult& r) {
  ChildExit exit;
  if (!m_child.Poll(exit)) return false;
  r = CellResult{};
  r.id = m_cell.id;
  r.attempts = m_attempt;
  r.exitCode = exit.exitCode;
  r.timedOut = exit.timedOut;
  r.wallS = exit.wallS;
  r.cpuS = exit.cpuS;
  r.maxRssKiB = exit.maxRssKiB;
  r.log = "attempt-" + std::to_string(m_attempt) + ".log";
  if (exit.timedOut) {
    r.error = "timed out after " + std::to_string(static_cast<long>(exit.wallS)) + " s";
  } else if (exit.exitCode != 0) {
    r.error = "vantage " + m_cell.command + " exited with status " + std::to_string(exit.exitCode);
  } else if (auto st = ExtractOutcome(m_cell.command,
                                      (fs::path(CellDir(m_dir, m_cell)) / "out").string(), r);
             !st) {
    r.error = st.GetError().message;
  } else {
    r.ok = true;
  }
  return true;
}

}  // namespace detail

core::Result<CellResult> RunTask(const std::string& dir, size_t index, const std::string& exe) {
  auto m = LoadSweepDir(dir);
  if (!m) return m.GetError();
  if (index >= m->cells.size()) {
    return MakeError(ErrorCode::kNotFound, "no cell " + std::to_string(index) + " in " + dir +
                                               " (it has " + std::to_string(m->cells.size()) + ")");
  }
  const Cell& cell = m->cells[index];
  if (auto old = ReadCellResult(dir, cell); old && old->ok) return *old;
  VANTAGE_RETURN_IF_ERROR(detail::CheckInputsUnchanged(cell));
  CellResult r;
  for (unsigned attempt = 1; attempt <= 1 + m->retries; ++attempt) {
    detail::CellAttempt a(dir, cell, attempt);
    if (auto st = a.Start(exe, m->timeoutS); !st) {
      r = detail::StartFailure(cell, attempt, st.GetError().message);
      if (st.GetError().code == ErrorCode::kInvalid) return st.GetError();  // conflict
      continue;
    }
    while (!a.Poll(r)) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    if (r.ok) break;
  }
  VANTAGE_RETURN_IF_ERROR(WriteCellResult(dir, cell, r));
  return r;
}

std::vector<FailedCell> CollectFailures(const std::string& dir, const SweepManifest& m) {
  std::vector<FailedCell> out;
  for (const auto& c : m.cells) {
    std::string why;
    CellState s = GetCellState(dir, c, &why);
    if (s != CellState::kFailed && s != CellState::kConflict) continue;
    FailedCell f{c, why, "", ""};
    if (auto r = ReadCellResult(dir, c); r && !r->log.empty()) {
      f.logPath = (fs::path(CellDir(dir, c)) / r->log).string();
      f.logTail = TailFile(f.logPath, 12);
    }
    out.push_back(f);
  }
  return out;
}

}  // namespace vantage::sweep
