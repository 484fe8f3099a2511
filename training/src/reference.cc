// Reference solutions: the queries an analyst would run, executed against a trainee's store.
#include "trainee-query.h"
#include "vantage/training/session.h"

namespace vantage::training {
namespace {

std::string Substitute(std::string text, const std::map<std::string, std::string>& answers) {
  for (const auto& [id, answer] : answers) {
    const std::string token = "{" + id + "}";
    for (size_t at = text.find(token); at != std::string::npos; at = text.find(token, at)) {
      text.replace(at, token.size(), answer);
      at += answer.size();
    }
  }
  return text;
}

ReferenceAnswer Solve(const Level& level, const std::string& query, const std::string& store) {
  ReferenceAnswer out{level.id, "", ""};
  detail::QueryLimits limits{10000, 100000};
  const std::string filterPrefix = "filter:";
  if (query.rfind(filterPrefix, 0) == 0) {
    auto flows = detail::FlowsMatching(store, query.substr(filterPrefix.size()), limits);
    if (!flows) {
      out.error = flows.GetError().message;
      return out;
    }
    for (const auto& f : *flows) out.answer += f.ToString() + "\n";
    return out;
  }
  bool truncated = false;
  auto table = detail::RunTraineeQuery(store, query, limits, truncated);
  if (!table) {
    out.error = table.GetError().message;
    return out;
  }
  auto col = std::find(table->columns.begin(), table->columns.end(), level.referenceColumn);
  if (col == table->columns.end()) {
    out.error = "no column '" + level.referenceColumn + "' in the result";
  } else if (table->rows.empty()) {
    out.error = "no rows";
  } else {
    std::string cell = table->rows.front()[static_cast<size_t>(col - table->columns.begin())];
    size_t b = cell.find_first_not_of(' '), e = cell.find_last_not_of(' ');
    out.answer = b == std::string::npos ? "" : cell.substr(b, e - b + 1);
  }
  return out;
}

}  // namespace

std::vector<ReferenceAnswer> SolveWithReferences(const Exercise& exercise,
                                                 const std::string& storePath) {
  std::vector<ReferenceAnswer> out;
  std::map<std::string, std::string> answers;
  for (const auto& level : exercise.levels) {
    if (!level.question || level.referenceQuery.empty()) continue;
    ReferenceAnswer a = Solve(level, Substitute(level.referenceQuery, answers), storePath);
    answers[level.id] = a.answer;
    out.push_back(a);
  }
  return out;
}

}  // namespace vantage::training
