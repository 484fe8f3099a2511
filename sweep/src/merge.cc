// Merging cells into results (per cell, per group across seeds, coverage curves) and status.
#include "vantage/sweep/merge.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <set>
#include <sstream>

#include "vantage/sweep/stats.h"

namespace vantage::sweep {
namespace {

namespace fs = std::filesystem;
using core::ErrorCode;
using core::MakeError;
using nlohmann::json;

json SummaryJson(const Summary& s) {
  return {{"n", s.n},          {"mean", s.mean},      {"sd", s.sd},
          {"ci_low", s.ciLow}, {"ci_high", s.ciHigh}, {"min", s.min},
          {"max", s.max}};
}

json SettingsJson(const Cell& c) {
  json s = json::object();
  for (const auto& [k, v] : c.settings) s[k] = v;
  return s;
}

// Coverage of one storage-sweep curve at budget b: the best flow visibility within b.
double CoverageAt(const json& curve, double b) {
  double best = 0;
  for (const auto& p : curve) {
    if (p.value("storage_bytes", 0.0) <= b * (1 + 1e-9)) {
      best = std::max(best, p.value("flow_visibility", 0.0));
    }
  }
  return best;
}

// Coverage against budget across the seeds of one group, on a log-spaced grid of budgets.
json CurveBands(const std::vector<json>& curves) {
  double lo = 0, hi = 0;
  for (const auto& c : curves) {
    for (const auto& p : c) {
      double s = p.value("storage_bytes", 0.0);
      if (s > 0 && (lo == 0 || s < lo)) lo = s;
      hi = std::max(hi, s);
    }
  }
  json grid = json::array();
  if (lo <= 0 || hi <= 0) return grid;
  constexpr int kSteps = 20;
  for (int i = 0; i <= kSteps; ++i) {
    double b = hi <= lo ? hi : lo * std::pow(hi / lo, static_cast<double>(i) / kSteps);
    std::vector<double> v;
    for (const auto& c : curves) v.push_back(CoverageAt(c, b));
    Summary s = Summarise(v);
    grid.push_back(
        {{"storage_bytes", b}, {"mean", s.mean}, {"ci_low", s.ciLow}, {"ci_high", s.ciHigh}});
  }
  return grid;
}

// Coverage against budget per (topology, scenario, settings other than the budget): the band
// from every seed's storage sweep, and the plans at each swept --budget-tb with their CI.
json CoverageCurves(const std::vector<std::pair<const Cell*, CellResult>>& done) {
  std::map<std::string, std::vector<size_t>> groups;
  std::vector<std::string> order;
  for (size_t i = 0; i < done.size(); ++i) {
    json settings = SettingsJson(*done[i].first);
    settings.erase("--budget-tb");
    std::string key = json({done[i].first->topology, done[i].first->scenario, settings}).dump();
    if (groups.find(key) == groups.end()) order.push_back(key);
    groups[key].push_back(i);
  }
  json out = json::array();
  for (const auto& key : order) {
    std::vector<json> curves;
    std::set<uint64_t> seeds;  // one storage sweep per seed: it does not depend on the budget
    std::map<double, std::vector<double>> atBudget;
    for (size_t i : groups[key]) {
      const auto& [cell, r] = done[i];
      if (!r.curve.empty() && seeds.insert(cell->seed).second) curves.push_back(r.curve);
      json settings = SettingsJson(*cell);
      if (settings.contains("--budget-tb") && r.metrics.contains("flow_visibility")) {
        double b = std::strtod(settings["--budget-tb"].get<std::string>().c_str(), nullptr);
        atBudget[b * 1e12].push_back(r.metrics["flow_visibility"].get<double>());
      }
    }
    json budgets = json::array();
    for (const auto& [b, v] : atBudget) {
      Summary s = Summarise(v);
      budgets.push_back({{"storage_bytes", b},
                         {"n", s.n},
                         {"mean", s.mean},
                         {"ci_low", s.ciLow},
                         {"ci_high", s.ciHigh}});
    }
    const json k = json::parse(key);
    out.push_back({{"topology", k[0]},
                   {"scenario", k[1]},
                   {"settings", k[2]},
                   {"grid", CurveBands(curves)},
                   {"budgets", budgets}});
  }
  return out;
}

json GroupSummaries(const std::vector<std::pair<const Cell*, CellResult>>& done) {
  std::map<std::string, std::vector<size_t>> groups;  // key -> positions in `done`
  std::vector<std::string> order;
  for (size_t i = 0; i < done.size(); ++i) {
    const Cell& c = *done[i].first;
    std::string key = json({c.topology, c.scenario, SettingsJson(c)}).dump();
    if (groups.find(key) == groups.end()) order.push_back(key);
    groups[key].push_back(i);
  }
  json out = json::array();
  for (const auto& key : order) {
    const auto& members = groups[key];
    const Cell& first = *done[members[0]].first;
    std::map<std::string, std::vector<double>> values;
    json seeds = json::array();
    for (size_t i : members) {
      seeds.push_back(done[i].first->seed);
      for (const auto& [name, v] : done[i].second.metrics.items()) {
        if (v.is_number()) values[name].push_back(v.get<double>());
      }
    }
    json metrics = json::object();
    for (const auto& [name, v] : values) metrics[name] = SummaryJson(Summarise(v));
    out.push_back({{"topology", first.topology},
                   {"scenario", first.scenario},
                   {"settings", SettingsJson(first)},
                   {"seeds", seeds},
                   {"metrics", metrics}});
  }
  return out;
}

std::string CsvField(const std::string& s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

std::string CsvNumber(const json& v) {
  if (v.is_number_integer()) return std::to_string(v.get<int64_t>());
  if (v.is_number()) {
    std::ostringstream ss;
    ss.precision(10);
    ss << v.get<double>();
    return ss.str();
  }
  return v.is_string() ? CsvField(v.get<std::string>()) : "";
}

std::string ResultsCsv(const json& results) {
  std::set<std::string> settings, metrics;
  for (const auto& c : results["cells"]) {
    for (const auto& [k, v] : c["settings"].items()) settings.insert(k);
    for (const auto& [k, v] : c["metrics"].items()) metrics.insert(k);
  }
  std::string out = "index,id,topology,scenario,seed";
  for (const auto& s : settings) out += "," + CsvField(s);
  for (const auto& m : metrics) out += "," + CsvField(m);
  out += "\n";
  for (const auto& c : results["cells"]) {
    out += std::to_string(c["index"].get<size_t>()) + "," + c["id"].get<std::string>() + "," +
           CsvField(c["topology"]) + "," + CsvField(c["scenario"]) + "," +
           std::to_string(c["seed"].get<uint64_t>());
    for (const auto& s : settings) out += "," + CsvNumber(c["settings"].value(s, json()));
    for (const auto& m : metrics) out += "," + CsvNumber(c["metrics"].value(m, json()));
    out += "\n";
  }
  return out;
}

}  // namespace

core::Result<json> BuildResults(const std::string& dir, const SweepManifest& m,
                                std::vector<std::string>& missing) {
  std::vector<std::pair<const Cell*, CellResult>> done;
  json cells = json::array();
  for (const auto& c : m.cells) {
    std::string why;
    CellState state = GetCellState(dir, c, &why);
    if (state != CellState::kDone) {
      missing.push_back(c.id + " (" + c.topology + ", " + c.Label() + "): " + CellStateName(state) +
                        (why.empty() ? "" : ": " + why));
      continue;
    }
    auto r = ReadCellResult(dir, c);
    if (!r) return r.GetError();
    cells.push_back({{"index", c.index},
                     {"id", c.id},
                     {"topology", c.topology},
                     {"scenario", c.scenario},
                     {"seed", c.seed},
                     {"settings", SettingsJson(c)},
                     {"metrics", r->metrics}});
    done.emplace_back(&c, std::move(*r));
  }
  return json{{"sweep", m.name},
              {"command", m.cells.empty() ? "" : m.cells[0].command},
              {"vantage_version", m.version},
              {"cells", cells},
              {"groups", GroupSummaries(done)},
              {"coverage_vs_budget", CoverageCurves(done)},
              {"missing", missing}};
}

core::Result<SweepStatus> GetStatus(const std::string& dir) {
  auto m = LoadSweepDir(dir);
  if (!m) return m.GetError();
  SweepStatus s;
  s.manifest = std::move(*m);
  for (const auto& c : s.manifest.cells) {
    switch (GetCellState(dir, c)) {
      case CellState::kDone:
        ++s.done;
        if (auto r = ReadCellResult(dir, c)) {
          s.cpuS += r->cpuS;
          s.maxRssKiB = std::max(s.maxRssKiB, r->maxRssKiB);
        }
        break;
      case CellState::kFailed:
        ++s.failed;
        break;
      case CellState::kConflict:
        ++s.conflicts;
        break;
      case CellState::kPending:
        ++s.pending;
    }
  }
  s.failures = CollectFailures(dir, s.manifest);
  return s;
}

core::Result<MergeSummary> Merge(const std::string& dir, const MergeOptions& o) {
  auto status = GetStatus(dir);
  if (!status) return status.GetError();
  MergeSummary out;
  out.cells = status->manifest.cells.size();
  auto results = BuildResults(dir, status->manifest, out.missing);
  if (!results) return results.GetError();
  if (!out.missing.empty() && !o.partial) {
    std::string msg = std::to_string(out.missing.size()) + " of " + std::to_string(out.cells) +
                      " cells are not finished (run the sweep again, or merge --partial):";
    for (const auto& line : out.missing) msg += "\n  " + line;
    return MakeError(ErrorCode::kInvalid, msg);
  }
  out.merged = out.cells - out.missing.size();
  ReportFiles report = RenderReport(*results, *status);
  const std::vector<std::pair<std::string, std::string>> files = {
      {"results.json", results->dump(1) + "\n"},
      {"results.csv", ResultsCsv(*results)},
      {"report.md", report.markdown},
      {"report.html", report.html},
      {"coverage.svg", report.svg}};
  for (const auto& [name, text] : files) {
    const std::string path = (fs::path(dir) / name).string();
    VANTAGE_RETURN_IF_ERROR(WriteFileAtomic(path, text));
    out.files.push_back(path);
  }
  return out;
}

}  // namespace vantage::sweep
