// Cells: expansion of the matrix and content hashing.
#include "vantage/sweep/cell.h"

#include <map>
#include <set>

#include "vantage/model/sha256.h"
#include "vantage/planner/run-directory.h"

namespace vantage::sweep {

std::string CellId(const nlohmann::json& inputs) {
  // nlohmann::json objects keep keys sorted, so dump() is canonical.
  return model::Sha256Hex(inputs.dump()).substr(0, 16);
}

nlohmann::json Cell::Inputs() const {
  nlohmann::json s = nlohmann::json::array();
  for (const auto& [k, v] : settings) s.push_back({k, v});
  return {{"command", command},
          {"topology_sha256", topologySha256},
          {"scenario_sha256", scenarioSha256},
          {"seed", seed},
          {"settings", s},
          {"vantage_version", version}};
}

std::vector<std::string> Cell::Args(const std::string& outDir) const {
  std::vector<std::string> a = {command, topologyPath, scenarioPath,        "--out",
                                outDir,  "--seed",     std::to_string(seed)};
  for (const auto& [k, v] : settings) {
    a.push_back(k);
    if (!v.empty()) a.push_back(v);
  }
  a.push_back("-q");
  return a;
}

std::string Cell::Label() const {
  std::string s = "seed " + std::to_string(seed);
  for (const auto& [k, v] : settings) s += ", " + k + (v.empty() ? "" : " " + v);
  return s;
}

void to_json(nlohmann::json& j, const Cell& c) {
  j = {{"index", c.index},
       {"id", c.id},
       {"command", c.command},
       {"topology", c.topology},
       {"scenario", c.scenario},
       {"topology_path", c.topologyPath},
       {"scenario_path", c.scenarioPath},
       {"topology_sha256", c.topologySha256},
       {"scenario_sha256", c.scenarioSha256},
       {"seed", c.seed},
       {"settings", c.Inputs()["settings"]},
       {"vantage_version", c.version}};
}

void from_json(const nlohmann::json& j, Cell& c) {
  c.index = j.at("index").get<size_t>();
  c.id = j.at("id").get<std::string>();
  c.command = j.at("command").get<std::string>();
  c.topology = j.at("topology").get<std::string>();
  c.scenario = j.at("scenario").get<std::string>();
  c.topologyPath = j.at("topology_path").get<std::string>();
  c.scenarioPath = j.at("scenario_path").get<std::string>();
  c.topologySha256 = j.at("topology_sha256").get<std::string>();
  c.scenarioSha256 = j.at("scenario_sha256").get<std::string>();
  c.seed = j.at("seed").get<uint64_t>();
  c.settings.clear();
  for (const auto& kv : j.at("settings")) {
    c.settings.emplace_back(kv.at(0).get<std::string>(), kv.at(1).get<std::string>());
  }
  c.version = j.at("vantage_version").get<std::string>();
}

namespace {

// Every combination of the axes' values, first axis outermost.
std::vector<std::vector<std::pair<std::string, std::string>>> SettingProduct(
    const std::vector<SettingAxis>& axes) {
  std::vector<std::vector<std::pair<std::string, std::string>>> out(1);
  for (const auto& axis : axes) {
    std::vector<std::vector<std::pair<std::string, std::string>>> next;
    for (const auto& partial : out) {
      for (const auto& v : axis.values) {
        next.push_back(partial);
        next.back().emplace_back(axis.option, v);
      }
    }
    out = std::move(next);
  }
  return out;
}

}  // namespace

core::Result<std::vector<Cell>> ExpandCells(const SweepSpec& spec, const std::string& version) {
  std::map<std::string, std::string> shaOf;  // path -> sha256 (each file read once)
  auto sha = [&shaOf](const std::string& path) -> core::Result<std::string> {
    auto it = shaOf.find(path);
    if (it != shaOf.end()) return it->second;
    auto s = model::Sha256File(path);
    if (s) shaOf[path] = *s;
    return s;
  };
  const auto settings = SettingProduct(spec.axes);
  std::vector<Cell> cells;
  std::set<std::string> seen;
  for (const auto& c : spec.cases) {
    auto ts = sha(c.topologyPath);
    if (!ts) return ts.GetError();
    auto ss = sha(c.scenarioPath);
    if (!ss) return ss.GetError();
    for (uint64_t seed : spec.seeds) {
      for (const auto& st : settings) {
        Cell cell;
        cell.command = CellCommandName(spec.command);
        cell.topology = c.topology;
        cell.scenario = c.scenario;
        cell.topologyPath = c.topologyPath;
        cell.scenarioPath = c.scenarioPath;
        cell.topologySha256 = *ts;
        cell.scenarioSha256 = *ss;
        cell.seed = seed;
        cell.settings = st;
        cell.version = version;
        cell.id = CellId(cell.Inputs());
        if (!seen.insert(cell.id).second) continue;
        cell.index = cells.size();
        cells.push_back(std::move(cell));
      }
    }
  }
  if (cells.empty()) return core::MakeError(core::ErrorCode::kInvalid, "the sweep has no cells");
  return cells;
}

}  // namespace vantage::sweep
