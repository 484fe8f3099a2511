// Sweep file parsing: the model's YAML reader collects every problem with file:line:col.
#include "vantage/sweep/sweep-file.h"

#include <yaml-cpp/yaml.h>

#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "vantage/model/scenario.h"
#include "vantage/model/topology.h"
#include "vantage/model/yaml-reader.h"

namespace vantage::sweep {
namespace {

namespace fs = std::filesystem;
using model::detail::Index;
using model::detail::Join;
using model::detail::Reader;

const std::vector<std::string> kTopKeys = {"name", "command",  "cases",     "seeds",
                                           "plan", "simulate", "timeout_s", "retries"};
constexpr size_t kMaxCells = 100000;

bool ParseUnsigned(const std::string& s, uint64_t& v) {
  if (s.empty() || s.size() > 19 || s.find_first_not_of("0123456789") != std::string::npos) {
    return false;
  }
  v = std::strtoull(s.c_str(), nullptr, 10);
  return true;
}

// One element of a seed list: "7" or "1-10".
bool ParseSeedItem(const std::string& item, std::vector<uint64_t>& seeds, std::string& error,
                   size_t limit) {
  auto dash = item.find('-');
  uint64_t lo = 0, hi = 0;
  if (dash == std::string::npos) {
    if (!ParseUnsigned(item, lo)) {
      error = "'" + item + "' is not a seed (a number >= 0 or a range such as 1-10)";
      return false;
    }
    hi = lo;
  } else if (!ParseUnsigned(item.substr(0, dash), lo) ||
             !ParseUnsigned(item.substr(dash + 1), hi) || hi < lo) {
    error = "'" + item + "' is not a seed range (FROM-TO with FROM <= TO)";
    return false;
  }
  if (hi - lo >= limit || seeds.size() + (hi - lo + 1) > limit) {
    error = "more than " + std::to_string(limit) + " seeds";
    return false;
  }
  for (uint64_t s = lo; s <= hi; ++s) seeds.push_back(s);
  return true;
}

std::string Trim(const std::string& s) {
  auto b = s.find_first_not_of(" \t");
  auto e = s.find_last_not_of(" \t");
  return b == std::string::npos ? std::string() : s.substr(b, e - b + 1);
}

std::string ResolvePath(const std::string& baseDir, const std::string& p) {
  fs::path path(p);
  if (path.is_relative() && !baseDir.empty()) path = fs::path(baseDir) / path;
  // Absolute: Slurm tasks and later reruns may start in another directory.
  std::error_code ec;
  fs::path abs = fs::absolute(path, ec);
  return (ec ? path : abs).lexically_normal().string();
}

}  // namespace

const char* CellCommandName(CellCommand c) {
  return c == CellCommand::kSimulate ? "simulate" : "plan";
}

bool ParseSeedList(const std::string& text, std::vector<uint64_t>& seeds, std::string& error,
                   size_t limit) {
  std::stringstream ss(text);
  std::string item;
  bool any = false;
  while (std::getline(ss, item, ',')) {
    item = Trim(item);
    if (item.empty()) continue;
    any = true;
    if (!ParseSeedItem(item, seeds, error, limit)) return false;
  }
  if (!any) error = "no seeds in '" + text + "'";
  return any;
}

namespace {

class SweepParser {
 public:
  SweepParser(const std::string& file, const std::string& baseDir, model::Diagnostics& diags)
      : m_r(file, diags), m_base(baseDir) {}

  void Parse(const YAML::Node& root, SweepSpec& s) {
    if (!root.IsDefined() || root.IsNull()) {
      m_r.ErrorAtLine(1, 1, "", "empty sweep file (need name, cases and seeds)");
      return;
    }
    if (!m_r.ExpectMap(root, "", kTopKeys)) return;
    if (auto n = m_r.String(root, "name", "", true)) ParseName(root, *n, s);
    ParseCommand(root, s);
    ParseCases(root, s);
    ParseSeeds(root, s);
    ParsePlan(root, s);
    ParseSimulate(root, s);
    if (auto t = m_r.Number(root, "timeout_s", "", false, 1, 7 * 86400.0)) s.timeoutS = *t;
    if (auto r = m_r.Integer(root, "retries", "", false, 0, 5)) {
      s.retries = static_cast<unsigned>(*r);
    }
    CheckSize(root, s);
  }

 private:
  void ParseName(const YAML::Node& root, const std::string& n, SweepSpec& s) {
    bool ok = !n.empty() && n.size() <= 64 &&
              n.find_first_not_of(
                  "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                  "0123456789_.-") == std::string::npos;
    if (!ok) {
      m_r.Error(root["name"], "name", "name must be 1-64 letters, digits, '_', '.' or '-'");
    }
    s.name = n;
  }

  void ParseCommand(const YAML::Node& root, SweepSpec& s) {
    auto c = m_r.String(root, "command", "");
    if (!c) return;
    if (*c == "plan") {
      s.command = CellCommand::kPlan;
    } else if (*c == "simulate") {
      s.command = CellCommand::kSimulate;
    } else if (*c == "detect") {
      m_r.Error(root["command"], "command", "'detect' cells are not available in this build");
    } else {
      m_r.Error(root["command"], "command",
                "unknown command '" + *c + "' (simulate or plan)" +
                    model::detail::DidYouMean(*c, {"simulate", "plan"}));
    }
  }

  // A file path that must exist (resolved against the sweep file's folder).
  std::string FilePath(const YAML::Node& n, const std::string& path, std::string& asWritten) {
    auto v = m_r.AsString(n, path);
    if (!v) return "";
    asWritten = *v;
    std::string resolved = ResolvePath(m_base, *v);
    std::error_code ec;
    if (!fs::is_regular_file(resolved, ec)) {
      m_r.Error(n, path, "no such file '" + *v + "' (looked for " + resolved + ")");
      return "";
    }
    return resolved;
  }

  void ParseCase(const YAML::Node& c, const std::string& path, SweepSpec& s) {
    if (!m_r.ExpectMap(c, path, {"topology", "scenario", "scenarios"})) return;
    SweepCase base;
    YAML::Node topo = m_r.Get(c, "topology", path, true);
    if (topo.IsDefined()) base.topologyPath = FilePath(topo, Join(path, "topology"), base.topology);
    YAML::Node one = m_r.Get(c, "scenario", path), many = m_r.Get(c, "scenarios", path);
    std::vector<std::pair<YAML::Node, std::string>> scen;
    if (one.IsDefined() && many.IsDefined()) {
      m_r.Error(many, Join(path, "scenarios"), "give either scenario or scenarios, not both");
    } else if (one.IsDefined()) {
      scen.emplace_back(one, Join(path, "scenario"));
    } else if (many.IsDefined() && m_r.ExpectList(many, Join(path, "scenarios"))) {
      if (many.size() == 0) m_r.Error(many, Join(path, "scenarios"), "empty list of scenarios");
      for (size_t i = 0; i < many.size(); ++i) {
        scen.emplace_back(many[i], Index(Join(path, "scenarios"), i));
      }
    } else if (!many.IsDefined()) {
      m_r.Error(c, Join(path, "scenario"), "missing required key 'scenario'");
    }
    for (const auto& [node, p] : scen) {
      SweepCase sc = base;
      sc.scenarioPath = FilePath(node, p, sc.scenario);
      if (!sc.topologyPath.empty() && !sc.scenarioPath.empty()) s.cases.push_back(sc);
    }
  }

  void ParseCases(const YAML::Node& root, SweepSpec& s) {
    YAML::Node cases = m_r.Get(root, "cases", "", true);
    if (!cases.IsDefined() || !m_r.ExpectList(cases, "cases")) return;
    if (cases.size() == 0) m_r.Error(cases, "cases", "empty matrix: no cases");
    for (size_t i = 0; i < cases.size(); ++i) ParseCase(cases[i], Index("cases", i), s);
  }

  void ParseSeeds(const YAML::Node& root, SweepSpec& s) {
    YAML::Node seeds = m_r.Get(root, "seeds", "", true);
    if (!seeds.IsDefined()) return;
    std::string error;
    if (seeds.IsScalar()) {
      if (!ParseSeedList(seeds.Scalar(), s.seeds, error)) m_r.Error(seeds, "seeds", error);
      return;
    }
    if (!m_r.ExpectList(seeds, "seeds")) return;
    if (seeds.size() == 0) m_r.Error(seeds, "seeds", "empty matrix: no seeds");
    for (size_t i = 0; i < seeds.size(); ++i) {
      if (!seeds[i].IsScalar()) {
        m_r.Error(seeds[i], Index("seeds", i), "expected a seed or a range such as 1-10");
      } else if (!ParseSeedItem(Trim(seeds[i].Scalar()), s.seeds, error, kMaxCells)) {
        m_r.Error(seeds[i], Index("seeds", i), error);
      }
    }
  }

  // A value or a list of values for one option; `check` validates and normalises each.
  template <typename Check>
  void Axis(const YAML::Node& map, const std::string& key, const std::string& path,
            const std::string& option, SweepSpec& s, Check check) {
    YAML::Node n = m_r.Get(map, key, path);
    if (!n.IsDefined()) return;
    const std::string p = Join(path, key);
    SettingAxis axis{option, {}};
    if (n.IsSequence()) {
      if (n.size() == 0) m_r.Error(n, p, "empty matrix: no values");
      for (size_t i = 0; i < n.size(); ++i) {
        if (auto v = check(n[i], Index(p, i))) axis.values.push_back(*v);
      }
    } else if (auto v = check(n, p)) {
      axis.values.push_back(*v);
    }
    if (!axis.values.empty()) s.axes.push_back(axis);
  }

  std::optional<std::string> NumberText(const YAML::Node& n, const std::string& p, bool integer) {
    if (integer) {
      auto v = m_r.AsInteger(n, p, 0, 1'000'000);
      return v ? std::optional<std::string>(std::to_string(*v)) : std::nullopt;
    }
    auto v = m_r.AsNumber(n, p, 0, 1e9);
    return v ? std::optional<std::string>(n.Scalar()) : std::nullopt;
  }

  // A boolean that maps to a flag when false (verify: false -> --no-verify).
  void FlagWhenFalse(const YAML::Node& map, const std::string& key, const std::string& path,
                     const std::string& flag, SweepSpec& s) {
    if (auto b = m_r.Bool(map, key, path); b && !*b) s.axes.push_back({flag, {""}});
  }

  void ParsePlan(const YAML::Node& root, SweepSpec& s) {
    YAML::Node plan = m_r.Get(root, "plan", "");
    if (!plan.IsDefined()) return;
    if (s.command != CellCommand::kPlan) {
      m_r.Error(plan, "plan", "plan settings need command: plan");
      return;
    }
    if (!m_r.ExpectMap(plan, "plan",
                       {"budget_tb", "max_devices", "max_cost", "retention_days", "verify"})) {
      return;
    }
    auto num = [this](bool integer) {
      return [this, integer](const YAML::Node& n, const std::string& p) {
        return NumberText(n, p, integer);
      };
    };
    Axis(plan, "budget_tb", "plan", "--budget-tb", s, num(false));
    Axis(plan, "max_devices", "plan", "--max-devices", s, num(true));
    Axis(plan, "max_cost", "plan", "--max-cost", s, num(false));
    Axis(plan, "retention_days", "plan", "--retention-days", s,
         [this](const YAML::Node& n, const std::string& p) { return m_r.AsString(n, p); });
    FlagWhenFalse(plan, "verify", "plan", "--no-verify", s);
  }

  void ParseSimulate(const YAML::Node& root, SweepSpec& s) {
    YAML::Node sim = m_r.Get(root, "simulate", "");
    if (!sim.IsDefined()) return;
    if (s.command != CellCommand::kSimulate) {
      m_r.Error(sim, "simulate", "simulate settings need command: simulate");
      return;
    }
    if (!m_r.ExpectMap(sim, "simulate", {"points", "capture"})) return;
    Axis(sim, "points", "simulate", "--points", s,
         [this](const YAML::Node& n, const std::string& p) { return m_r.AsString(n, p); });
    FlagWhenFalse(sim, "capture", "simulate", "--no-capture", s);
  }

  void CheckSize(const YAML::Node& root, const SweepSpec& s) {
    double cells = static_cast<double>(s.cases.size()) * static_cast<double>(s.seeds.size());
    for (const auto& a : s.axes) cells *= static_cast<double>(a.values.size());
    if (cells > static_cast<double>(kMaxCells)) {
      m_r.Error(root, "",
                "the matrix has " + std::to_string(static_cast<uint64_t>(cells)) +
                    " cells, more than " + std::to_string(kMaxCells));
    }
  }

  Reader m_r;
  std::string m_base;
};

}  // namespace

core::Result<SweepSpec> ParseSweep(const std::string& yamlText, const std::string& name,
                                   const std::string& baseDir, model::Diagnostics& diags) {
  SweepSpec spec;
  spec.file = name;
  auto status = model::detail::ParseYamlDocument(
      yamlText, name, "sweep file", diags,
      [&](const YAML::Node& root) { SweepParser(name, baseDir, diags).Parse(root, spec); });
  if (!status) return status.GetError();
  return spec;
}

core::Result<SweepSpec> LoadSweepFile(const std::string& path, model::Diagnostics& diags) {
  auto text = model::detail::ReadInputFile(path, "sweep file", diags);
  if (!text) return text.GetError();
  return ParseSweep(*text, path, fs::path(path).parent_path().string(), diags);
}

core::Status CheckSweepInputs(const SweepSpec& spec, model::Diagnostics& diags) {
  size_t before = diags.ErrorCount();
  for (const auto& c : spec.cases) {
    auto topo = model::LoadTopology(c.topologyPath, diags);
    if (topo) (void)model::LoadScenario(c.scenarioPath, *topo, diags);
  }
  size_t errors = diags.ErrorCount() - before;
  if (errors == 0) return {};
  return core::MakeError(core::ErrorCode::kInvalid,
                         std::to_string(errors) + " error(s) in the sweep's inputs");
}

}  // namespace vantage::sweep
