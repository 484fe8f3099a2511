// Fuzz target for what trainees and instructors type: exercise files and, for inputs starting
// with "#answer", an answer of every type graded against a fixed key. Must never crash, hang or
// throw.
#include <cstddef>
#include <cstdint>
#include <string>

#include "vantage/training/exercise.h"
#include "vantage/training/grading.h"

namespace {

using vantage::training::AnswerType;

void GradeEveryType(const std::string& answer) {
  vantage::training::LevelKey key;
  key.accepted = {"staff-3", "10.0.0.5", "443", "yes"};
  key.number = 1000;
  key.flows = {{{"10.0.0.5", "198.51.100.7", 50000, 443, 6}}};
  for (auto type : {AnswerType::kHost, AnswerType::kAddress, AnswerType::kPort, AnswerType::kNumber,
                    AnswerType::kTime, AnswerType::kChoice, AnswerType::kFlows}) {
    vantage::training::Level level;
    level.question = true;
    level.type = type;
    level.choices = {"yes", "no"};
    level.tolerance = 5;
    key.type = type;
    (void)vantage::training::GradeAnswer(level, key, answer);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  if (text.rfind("#answer", 0) == 0) {
    GradeEveryType(text.substr(7));
    return 0;
  }
  vantage::model::Diagnostics diags;
  (void)vantage::training::ParseExercise(text, "fuzz.yaml", diags);
  return 0;
}
