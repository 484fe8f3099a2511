// Fuzz target: the detection rules file parser must report, never crash or throw, on any text.
#include <cstddef>
#include <cstdint>
#include <string>

#include "vantage/detect/rules.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  vantage::model::Diagnostics diags;
  auto rules = vantage::detect::ParseRules(text, "fuzz.yaml", diags);
  // Every failure is explained.
  if (!rules && diags.items.empty()) __builtin_trap();
  return 0;
}
