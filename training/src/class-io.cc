// JSON forms of an exercise, its key and its tokens, as kept in a class directory.
#include <cmark.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "vantage/training/class-builder.h"

namespace vantage::training {
namespace {

using nlohmann::json;

core::Result<json> ReadJson(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return core::MakeError(core::ErrorCode::kNotFound, "cannot open '" + path + "'");
  json j = json::parse(in, nullptr, false);
  if (j.is_discarded()) return core::MakeError(core::ErrorCode::kParse, path + ": not JSON");
  return j;
}

AnswerType TypeFromName(const std::string& n) {
  for (auto t : {AnswerType::kHost, AnswerType::kAddress, AnswerType::kPort, AnswerType::kNumber,
                 AnswerType::kTime, AnswerType::kChoice, AnswerType::kFlows}) {
    if (n == AnswerTypeName(t)) return t;
  }
  return AnswerType::kHost;
}

json LevelJson(const Level& l) {
  json hints = json::array();
  for (const auto& h : l.hints) hints.push_back({{"text", h.text}, {"penalty", h.penalty}});
  return {{"id", l.id},
          {"title", l.title},
          {"text", l.text},
          {"question", l.question},
          {"type", AnswerTypeName(l.type)},
          {"truth", l.truth},
          {"value", l.value},
          {"choices", l.choices},
          {"tolerance", l.tolerance},
          {"tolerance_pct", l.tolerancePct},
          {"pass_f1", l.passF1},
          {"max_score", l.maxScore},
          {"max_wrong", l.maxWrong},
          {"hints", hints},
          {"solution", l.solution},
          {"solution_penalty", l.solutionPenalty},
          {"reference_query", l.referenceQuery},
          {"reference_column", l.referenceColumn}};
}

Level LevelFromJson(const json& j) {
  Level l;
  l.id = j.value("id", "");
  l.title = j.value("title", "");
  l.text = j.value("text", "");
  l.question = j.value("question", false);
  l.type = TypeFromName(j.value("type", "host"));
  l.truth = j.value("truth", "");
  l.value = j.value("value", "");
  l.choices = j.value("choices", std::vector<std::string>{});
  l.tolerance = j.value("tolerance", 0.0);
  l.tolerancePct = j.value("tolerance_pct", 0.0);
  l.passF1 = j.value("pass_f1", 0.8);
  l.maxScore = j.value("max_score", 0.0);
  l.maxWrong = j.value("max_wrong", 3);
  for (const auto& h : j.value("hints", json::array())) {
    l.hints.push_back({h.value("text", ""), h.value("penalty", 0.0)});
  }
  l.solution = j.value("solution", "");
  l.solutionPenalty = j.value("solution_penalty", 0.0);
  l.referenceQuery = j.value("reference_query", "");
  l.referenceColumn = j.value("reference_column", "");
  return l;
}

json FlowJson(const FlowTuple& t) {
  return json::array({t.src, t.srcPort, t.dst, t.dstPort, t.protocol});
}

}  // namespace

const TraineeKey* ClassKey::Find(const std::string& trainee) const {
  for (const auto& t : trainees) {
    if (t.trainee == trainee) return &t;
  }
  return nullptr;
}

nlohmann::json ToJson(const Exercise& ex) {
  json levels = json::array();
  for (const auto& l : ex.levels) levels.push_back(LevelJson(l));
  return {{"name", ex.name},
          {"title", ex.title},
          {"briefing", ex.briefing},
          {"view",
           {{"flows", ex.view.flowPoints},
            {"capture", ex.view.capturePoints},
            {"nat_log", ex.view.natLog}}},
          {"levels", levels}};
}

core::Result<Exercise> ExerciseFromJson(const nlohmann::json& j) {
  if (!j.is_object() || !j.contains("levels")) {
    return core::MakeError(core::ErrorCode::kParse, "exercise.json: no levels");
  }
  Exercise ex;
  try {
    ex.name = j.value("name", "");
    ex.title = j.value("title", "");
    ex.briefing = j.value("briefing", "");
    const json& v = j.at("view");
    ex.view.flowPoints = v.value("flows", std::vector<std::string>{});
    ex.view.capturePoints = v.value("capture", std::vector<std::string>{});
    ex.view.natLog = v.value("nat_log", false);
    for (const auto& l : j.at("levels")) ex.levels.push_back(LevelFromJson(l));
  } catch (const json::exception& e) {
    return core::MakeError(core::ErrorCode::kParse, std::string("exercise.json: ") + e.what());
  }
  return ex;
}

nlohmann::json ToJson(const ClassKey& key) {
  json trainees = json::object();
  for (const auto& t : key.trainees) {
    json levels = json::object();
    for (const auto& [id, k] : t.levels) {
      json flows = json::array();
      for (const auto& ids : k.flows) {
        json one = json::array();
        for (const auto& f : ids) one.push_back(FlowJson(f));
        flows.push_back(one);
      }
      levels[id] = {{"type", AnswerTypeName(k.type)},
                    {"display", k.display},
                    {"accepted", k.accepted},
                    {"number", k.number},
                    {"flows", flows}};
    }
    trainees[t.trainee] = {{"seed", t.seed}, {"levels", levels}};
  }
  return {{"exercise", key.exercise}, {"trainees", trainees}};
}

core::Result<ClassKey> ClassKeyFromJson(const nlohmann::json& j) {
  ClassKey key;
  try {
    key.exercise = j.at("exercise").get<std::string>();
    for (const auto& [name, t] : j.at("trainees").items()) {
      TraineeKey tk;
      tk.trainee = name;
      tk.seed = t.at("seed").get<uint64_t>();
      for (const auto& [id, k] : t.at("levels").items()) {
        LevelKey lk;
        lk.type = TypeFromName(k.at("type").get<std::string>());
        lk.display = k.value("display", "");
        lk.accepted = k.value("accepted", std::vector<std::string>{});
        lk.number = k.value("number", 0.0);
        for (const auto& ids : k.value("flows", json::array())) {
          std::vector<FlowTuple> one;
          for (const auto& f : ids) {
            one.push_back({f.at(0).get<std::string>(), f.at(2).get<std::string>(),
                           f.at(1).get<uint16_t>(), f.at(3).get<uint16_t>(),
                           f.at(4).get<uint8_t>()});
          }
          lk.flows.push_back(one);
        }
        tk.levels[id] = lk;
      }
      key.trainees.push_back(tk);
    }
  } catch (const json::exception& e) {
    return core::MakeError(core::ErrorCode::kParse, std::string("key.json: ") + e.what());
  }
  return key;
}

core::Result<Exercise> LoadClassExercise(const std::string& dir) {
  auto j = ReadJson(dir + "/instructor/exercise.json");
  if (!j) return j.GetError();
  return ExerciseFromJson(*j);
}

core::Result<ClassKey> LoadClassKey(const std::string& dir) {
  auto j = ReadJson(dir + "/instructor/key.json");
  if (!j) return j.GetError();
  return ClassKeyFromJson(*j);
}

core::Result<ClassTokens> LoadClassTokens(const std::string& dir) {
  auto j = ReadJson(dir + "/instructor/tokens.json");
  if (!j) return j.GetError();
  ClassTokens t;
  try {
    t.instructor = j->at("instructor").get<std::string>();
    t.trainees = j->at("trainees").get<std::map<std::string, std::string>>();
  } catch (const json::exception& e) {
    return core::MakeError(core::ErrorCode::kParse, std::string("tokens.json: ") + e.what());
  }
  return t;
}

std::string MarkdownToHtml(const std::string& markdown) {
  char* html = cmark_markdown_to_html(markdown.data(), markdown.size(), CMARK_OPT_DEFAULT);
  std::string out = html ? html : "";
  std::free(html);
  return out;
}

}  // namespace vantage::training
