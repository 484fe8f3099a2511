// Offline grading of an answer sheet (YAML) against a class key.
#include <yaml-cpp/yaml.h>

#include <fstream>
#include <sstream>

#include "vantage/model/yaml-reader.h"
#include "vantage/training/session.h"

namespace vantage::training {
namespace {

struct Sheet {
  std::string trainee;
  std::map<std::string, std::string> answers;
  std::map<std::string, int> hints;
  std::vector<std::string> solutions;
};

core::Result<Sheet> ReadSheet(const Exercise& ex, const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return core::MakeError(core::ErrorCode::kIo, "cannot open answer sheet '" + path + "'");
  std::stringstream ss;
  ss << in.rdbuf();
  model::Diagnostics diags;
  model::detail::Reader r(path, diags);
  Sheet sheet;
  try {
    YAML::Node root = YAML::Load(ss.str());
    if (r.ExpectMap(root, "", {"trainee", "answers", "hints", "solutions"})) {
      sheet.trainee = r.String(root, "trainee", "", true).value_or("");
      YAML::Node answers = r.Get(root, "answers", "", true);
      if (answers.IsMap()) {
        for (auto it = answers.begin(); it != answers.end(); ++it) {
          std::string id = it->first.Scalar();
          if (!ex.FindLevel(id)) {
            r.Error(it->first, "answers." + id, "no level '" + id + "' in the exercise");
          } else if (it->second.IsScalar()) {
            sheet.answers[id] = it->second.Scalar();
          } else if (it->second.IsSequence()) {  // a flow set as a list
            std::string joined;
            YAML::Node list = it->second;  // iterate a copy: it->second is a temporary
            for (size_t i = 0; i < list.size(); ++i) joined += list[i].as<std::string>() + "\n";
            sheet.answers[id] = joined;
          } else {
            r.Error(it->second, "answers." + id, "expected an answer or a list of flows");
          }
        }
      }
      YAML::Node hints = root["hints"];
      if (hints.IsDefined() && hints.IsMap()) {
        for (auto it = hints.begin(); it != hints.end(); ++it) {
          sheet.hints[it->first.Scalar()] =
              static_cast<int>(r.AsInteger(it->second, "hints", 0, 100).value_or(0));
        }
      }
      sheet.solutions = r.StringList(root, "solutions", "").value_or(std::vector<std::string>{});
    }
  } catch (const YAML::Exception& e) {
    diags.Error(path, e.mark.line + 1, e.mark.column + 1, "", "YAML: " + e.msg);
  }
  if (diags.HasErrors()) return core::MakeError(core::ErrorCode::kInvalid, diags.ToString());
  return sheet;
}

}  // namespace

core::Result<SheetResult> GradeSheet(const Exercise& ex, const ClassKey& key,
                                     const std::string& sheetPath) {
  auto sheet = ReadSheet(ex, sheetPath);
  if (!sheet) return sheet.GetError();
  const TraineeKey* tk = key.Find(sheet->trainee);
  if (!tk) {
    return core::MakeError(core::ErrorCode::kNotFound,
                           sheetPath + ": no trainee '" + sheet->trainee + "' in the class key");
  }
  SheetResult out;
  out.trainee = sheet->trainee;
  out.maxTotal = ex.MaxTotal();
  for (const auto& level : ex.levels) {
    if (!level.question) continue;
    LevelResult lr;
    lr.id = level.id;
    lr.title = level.title;
    lr.maxScore = level.maxScore;
    LevelProgress p;
    p.hintsTaken = sheet->hints.count(level.id) ? sheet->hints.at(level.id) : 0;
    p.solutionShown = std::find(sheet->solutions.begin(), sheet->solutions.end(), level.id) !=
                      sheet->solutions.end();
    auto a = sheet->answers.find(level.id);
    auto k = tk->levels.find(level.id);
    if (a != sheet->answers.end() && k != tk->levels.end()) {
      lr.answered = true;
      lr.grade = GradeAnswer(level, k->second, a->second);
      ApplyGrade(level, lr.grade, p);
    } else {
      lr.grade.feedback = "not answered";
    }
    lr.score = LevelScore(level, p);
    out.total += lr.score;
    out.levels.push_back(lr);
  }
  return out;
}

nlohmann::json ToJson(const SheetResult& r) {
  nlohmann::json levels = nlohmann::json::array();
  for (const auto& l : r.levels) {
    nlohmann::json j = {{"id", l.id},
                        {"title", l.title},
                        {"answered", l.answered},
                        {"valid", l.grade.valid},
                        {"correct", l.grade.correct},
                        {"score", l.score},
                        {"max_score", l.maxScore},
                        {"feedback", l.grade.feedback}};
    if (l.grade.precision > 0 || l.grade.recall > 0) {
      j["precision"] = l.grade.precision;
      j["recall"] = l.grade.recall;
      j["f1"] = l.grade.f1;
    }
    levels.push_back(j);
  }
  return {
      {"trainee", r.trainee}, {"total", r.total}, {"max_total", r.maxTotal}, {"levels", levels}};
}

}  // namespace vantage::training
