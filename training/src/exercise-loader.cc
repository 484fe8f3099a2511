// Reads exercises/*.yaml into an Exercise, collecting every problem with file:line:col.
#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <set>

#include "vantage/model/yaml-reader.h"
#include "vantage/training/exercise.h"

namespace vantage::training {
namespace {

namespace fs = std::filesystem;
using model::detail::Index;
using model::detail::Join;
using model::detail::Reader;

const std::vector<std::string> kTopKeys = {"name",
                                           "title",
                                           "briefing",
                                           "topology",
                                           "scenario",
                                           "seed",
                                           "inject",
                                           "view",
                                           "levels",
                                           "duration_s",
                                           "keep_scenario_behaviours"};
const std::vector<std::string> kInjectKeys = {"kind", "label",    "source", "target",    "start_s",
                                              "port", "protocol", "params", "duration_s"};
const std::vector<std::string> kViewKeys = {"flows", "capture", "nat_log"};
const std::vector<std::string> kLevelKeys = {"id",       "title",     "info",      "question",
                                             "answer",   "max_score", "max_wrong", "hints",
                                             "solution", "reference"};
const std::vector<std::string> kAnswerKeys = {"type",      "truth",         "value",  "choices",
                                              "tolerance", "tolerance_pct", "pass_f1"};
const std::vector<std::string> kTypeNames = {"host", "address", "port", "number",
                                             "time", "choice",  "flows"};

class ExerciseParser {
 public:
  ExerciseParser(const std::string& file, model::Diagnostics& diags) : m_r(file, diags) {}

  void Parse(const YAML::Node& root, Exercise& ex) {
    if (!m_r.ExpectMap(root, "", kTopKeys)) return;
    ex.name = m_r.String(root, "name", "", true).value_or("");
    ex.title = m_r.String(root, "title", "").value_or(ex.name);
    ex.briefing = m_r.String(root, "briefing", "", true).value_or("");
    ex.topologyPath = ResolvePath(root, "topology");
    ex.scenarioPath = ResolvePath(root, "scenario");
    ex.seed = static_cast<uint64_t>(m_r.Integer(root, "seed", "", false, 0).value_or(1));
    if (auto d = m_r.Number(root, "duration_s", "", false, 10, 86400)) ex.durationS = *d;
    ex.keepScenarioBehaviours = m_r.Bool(root, "keep_scenario_behaviours", "").value_or(true);
    ParseInjections(root["inject"], ex);
    ParseView(m_r.Get(root, "view", "", true), ex.view);
    ParseLevels(m_r.Get(root, "levels", "", true), ex);
    CheckTruthLabels(ex);
  }

 private:
  std::string ResolvePath(const YAML::Node& root, const std::string& key) {
    auto text = m_r.String(root, key, "", true);
    if (!text) return "";
    fs::path p(*text);
    if (p.is_relative()) p = fs::path(m_r.File()).parent_path() / p;
    std::error_code ec;
    if (!fs::exists(p, ec)) m_r.Error(root[key], key, "file '" + p.string() + "' does not exist");
    return p.lexically_normal().string();
  }

  // `300`, `{uniform: [a, b]}`, `{uniform: [a, b], round: 1}`, `{one_of: [x, y]}`.
  Varying ParseVarying(const YAML::Node& n, const std::string& path) {
    Varying v;
    if (!n.IsDefined() || n.IsNull()) return v;
    if (n.IsScalar()) {
      v.constant = n.Scalar();
      return v;
    }
    if (!m_r.ExpectMap(n, path, {"uniform", "one_of", "round"})) return v;
    if (n["uniform"].IsDefined()) {
      YAML::Node u = n["uniform"];
      if (!u.IsSequence() || u.size() != 2) {
        m_r.Error(u, Join(path, "uniform"), "expected [low, high]");
        return v;
      }
      auto lo = m_r.AsNumber(u[0], Index(Join(path, "uniform"), 0));
      auto hi = m_r.AsNumber(u[1], Index(Join(path, "uniform"), 1));
      if (!lo || !hi) return v;
      if (*hi < *lo) m_r.Error(u, Join(path, "uniform"), "high is below low");
      v.kind = Varying::Kind::kUniform;
      v.lo = *lo;
      v.hi = *hi;
      v.decimals = static_cast<int>(m_r.Integer(n, "round", path, false, 0, 6).value_or(0));
    } else if (n["one_of"].IsDefined()) {
      auto opts = m_r.StringList(n, "one_of", path, true);
      if (!opts || opts->empty()) {
        m_r.Error(n, Join(path, "one_of"), "expected a non-empty list");
        return v;
      }
      v.kind = Varying::Kind::kOneOf;
      v.options = *opts;
    } else {
      m_r.Error(n, path, "expected a value, {uniform: [a, b]} or {one_of: [...]}");
    }
    return v;
  }

  void ParseInjections(const YAML::Node& list, Exercise& ex) {
    if (!list.IsDefined() || list.IsNull()) return;
    if (!m_r.ExpectList(list, "inject")) return;
    std::set<std::string> labels;
    for (size_t i = 0; i < list.size(); ++i) {
      YAML::Node n = list[i];
      std::string p = Index("inject", i);
      if (!m_r.ExpectMap(n, p, kInjectKeys)) continue;
      Injection inj;
      inj.line = model::detail::LineOf(n);
      inj.kind = m_r.String(n, "kind", p, true).value_or("");
      inj.label = m_r.String(n, "label", p).value_or(inj.kind);
      inj.source = ParseVarying(m_r.Get(n, "source", p, true), Join(p, "source"));
      inj.target = ParseVarying(n["target"], Join(p, "target"));
      inj.startS = ParseVarying(n["start_s"], Join(p, "start_s"));
      inj.durationS = ParseVarying(n["duration_s"], Join(p, "duration_s"));
      inj.port = ParseVarying(n["port"], Join(p, "port"));
      inj.protocol = m_r.String(n, "protocol", p).value_or("tcp");
      if (!model::detail::ParseProtocol(inj.protocol)) {
        m_r.Error(n["protocol"], Join(p, "protocol"), "unknown protocol '" + inj.protocol + "'");
      }
      YAML::Node params = n["params"];
      if (params.IsDefined() && params.IsMap()) {
        for (auto it = params.begin(); it != params.end(); ++it) {
          std::string key = it->first.Scalar();
          inj.params[key] = ParseVarying(it->second, Join(Join(p, "params"), key));
        }
      } else if (params.IsDefined() && !params.IsNull()) {
        m_r.Error(params, Join(p, "params"), "expected a map");
      }
      if (!labels.insert(inj.label).second) {
        m_r.Error(n, Join(p, "label"), "label '" + inj.label + "' is used twice");
      }
      ex.inject.push_back(std::move(inj));
    }
  }

  void ParseView(const YAML::Node& n, View& view) {
    if (!n.IsDefined() || !m_r.ExpectMap(n, "view", kViewKeys)) return;
    view.flowPoints = m_r.StringList(n, "flows", "view").value_or(std::vector<std::string>{});
    view.capturePoints = m_r.StringList(n, "capture", "view").value_or(std::vector<std::string>{});
    view.natLog = m_r.Bool(n, "nat_log", "view").value_or(false);
    if (view.flowPoints.empty() && view.capturePoints.empty()) {
      m_r.Error(n, "view", "the view gives the trainee nothing: name flow or capture points");
    }
  }

  void ParseAnswer(const YAML::Node& n, const std::string& p, Level& level) {
    if (!m_r.ExpectMap(n, p, kAnswerKeys)) return;
    std::string type = m_r.String(n, "type", p, true).value_or("host");
    static const AnswerType kTypes[] = {
        AnswerType::kHost, AnswerType::kAddress, AnswerType::kPort, AnswerType::kNumber,
        AnswerType::kTime, AnswerType::kChoice,  AnswerType::kFlows};
    bool known = false;
    for (size_t i = 0; i < kTypeNames.size(); ++i) {
      if (type == kTypeNames[i]) {
        level.type = kTypes[i];
        known = true;
      }
    }
    if (!known) {
      m_r.Error(n["type"], Join(p, "type"),
                "unknown answer type '" + type + "'" + model::detail::DidYouMean(type, kTypeNames));
    }
    level.truth = m_r.String(n, "truth", p).value_or("");
    level.value = m_r.String(n, "value", p).value_or("");
    level.choices = m_r.StringList(n, "choices", p).value_or(std::vector<std::string>{});
    level.tolerance = m_r.Number(n, "tolerance", p, false, 0).value_or(0);
    level.tolerancePct = m_r.Number(n, "tolerance_pct", p, false, 0, 100).value_or(0);
    level.passF1 = m_r.Number(n, "pass_f1", p, false, 0, 1).value_or(0.8);
    if (level.truth.empty() == level.value.empty()) {
      m_r.Error(n, p, "give exactly one of 'truth' (from ground truth) or 'value' (literal)");
    }
    if (level.type == AnswerType::kChoice) {
      if (level.choices.size() < 2) m_r.Error(n, Join(p, "choices"), "give at least two choices");
      if (!level.value.empty() && std::find(level.choices.begin(), level.choices.end(),
                                            level.value) == level.choices.end()) {
        m_r.Error(n["value"], Join(p, "value"), "the answer is not one of the choices");
      }
    }
  }

  void ParseHintsAndSolution(const YAML::Node& n, const std::string& p, Level& level) {
    YAML::Node hints = n["hints"];
    if (hints.IsDefined() && m_r.ExpectList(hints, Join(p, "hints"))) {
      for (size_t h = 0; h < hints.size(); ++h) {
        std::string hp = Index(Join(p, "hints"), h);
        if (!m_r.ExpectMap(hints[h], hp, {"text", "penalty"})) continue;
        Hint hint;
        hint.text = m_r.String(hints[h], "text", hp, true).value_or("");
        hint.penalty = m_r.Number(hints[h], "penalty", hp, false, 0).value_or(0);
        level.hints.push_back(hint);
      }
    }
    YAML::Node sol = n["solution"];
    if (sol.IsDefined() && m_r.ExpectMap(sol, Join(p, "solution"), {"text", "penalty"})) {
      level.solution = m_r.String(sol, "text", Join(p, "solution"), true).value_or("");
      level.solutionPenalty =
          m_r.Number(sol, "penalty", Join(p, "solution"), false, 0).value_or(level.maxScore / 2);
    }
    YAML::Node ref = n["reference"];
    if (ref.IsDefined() && m_r.ExpectMap(ref, Join(p, "reference"), {"query", "column"})) {
      level.referenceQuery = m_r.String(ref, "query", Join(p, "reference"), true).value_or("");
      level.referenceColumn = m_r.String(ref, "column", Join(p, "reference"), true).value_or("");
    }
  }

  void ParseLevels(const YAML::Node& list, Exercise& ex) {
    if (!list.IsDefined() || !m_r.ExpectList(list, "levels")) return;
    std::set<std::string> ids;
    for (size_t i = 0; i < list.size(); ++i) {
      YAML::Node n = list[i];
      std::string p = Index("levels", i);
      if (!m_r.ExpectMap(n, p, kLevelKeys)) continue;
      Level level;
      level.line = model::detail::LineOf(n);
      level.id = m_r.String(n, "id", p).value_or("level-" + std::to_string(i + 1));
      level.title = m_r.String(n, "title", p, true).value_or("");
      bool hasInfo = n["info"].IsDefined(), hasQuestion = n["question"].IsDefined();
      if (hasInfo == hasQuestion) {
        m_r.Error(n, p, "a level has either 'info' (information) or 'question' (graded)");
      }
      level.question = hasQuestion;
      level.text = m_r.String(n, hasQuestion ? "question" : "info", p).value_or("");
      level.maxScore = m_r.Number(n, "max_score", p, false, 0, 1e6).value_or(hasQuestion ? 100 : 0);
      level.maxWrong = static_cast<int>(m_r.Integer(n, "max_wrong", p, false, 0, 1000).value_or(3));
      if (hasQuestion) ParseAnswer(m_r.Get(n, "answer", p, true), Join(p, "answer"), level);
      ParseHintsAndSolution(n, p, level);
      if (!ids.insert(level.id).second) m_r.Error(n, Join(p, "id"), "level id used twice");
      ex.levels.push_back(std::move(level));
    }
  }

  // A truth expression must name an injected label (or any label: the scenario's own
  // behaviours are labelled too), and a known field.
  void CheckTruthLabels(const Exercise& ex) {
    static const std::vector<std::string> kFields = {
        "src_host",   "src_ip",   "dst_host",  "dst_ip",    "dst_port",  "protocol",
        "nat_ip",     "start",    "end",       "flows",     "bytes_out", "bytes_in",
        "interval_s", "flow_set", "src_group", "duration_s"};
    for (const auto& level : ex.levels) {
      if (level.truth.empty()) continue;
      auto dot = level.truth.rfind('.');
      std::string field = dot == std::string::npos ? "" : level.truth.substr(dot + 1);
      if (dot == std::string::npos || dot == 0) {
        m_r.ErrorAtLine(level.line, 1, "levels." + level.id + ".answer.truth",
                        "expected LABEL.FIELD, got '" + level.truth + "'");
      } else if (std::find(kFields.begin(), kFields.end(), field) == kFields.end() &&
                 field.rfind("param:", 0) != 0) {
        m_r.ErrorAtLine(
            level.line, 1, "levels." + level.id + ".answer.truth",
            "unknown field '" + field + "'" + model::detail::DidYouMean(field, kFields));
      }
    }
  }

  Reader m_r;
};

}  // namespace

const char* AnswerTypeName(AnswerType t) {
  switch (t) {
    case AnswerType::kHost:
      return "host";
    case AnswerType::kAddress:
      return "address";
    case AnswerType::kPort:
      return "port";
    case AnswerType::kNumber:
      return "number";
    case AnswerType::kTime:
      return "time";
    case AnswerType::kChoice:
      return "choice";
    case AnswerType::kFlows:
      return "flows";
  }
  return "?";
}

const Level* Exercise::FindLevel(const std::string& id) const {
  for (const auto& l : levels) {
    if (l.id == id) return &l;
  }
  return nullptr;
}

double Exercise::MaxTotal() const {
  double total = 0;
  for (const auto& l : levels) total += l.question ? l.maxScore : 0;
  return total;
}

core::Result<Exercise> ParseExercise(const std::string& yamlText, const std::string& path,
                                     model::Diagnostics& diags) {
  Exercise ex;
  ex.sourcePath = path;
  auto status = model::detail::ParseYamlDocument(
      yamlText, path, "exercise", diags,
      [&](const YAML::Node& root) { ExerciseParser(path, diags).Parse(root, ex); });
  if (!status) return status.GetError();
  return ex;
}

core::Result<Exercise> LoadExercise(const std::string& path, model::Diagnostics& diags) {
  auto text = model::detail::ReadInputFile(path, "exercise", diags);
  if (!text) return text.GetError();
  return ParseExercise(*text, path, diags);
}

}  // namespace vantage::training
