// Fuzz target for sweep files: parsing and validation must never crash, hang or throw, and
// every error must come with a diagnostic. Relative paths resolve against this source's
// folder's corpus (files that exist there: none are YAML inputs, so cases fail cleanly).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "vantage/sweep/sweep-file.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 64 * 1024) return 0;
  std::string text(reinterpret_cast<const char*>(data), size);
  vantage::model::Diagnostics diags;
  auto spec = vantage::sweep::ParseSweep(text, "fuzz.yaml", "/nonexistent-vantage-fuzz", diags);
  if (!spec && diags.items.empty()) std::abort();  // an error without a diagnostic
  if (spec) {
    double cells = static_cast<double>(spec->cases.size() * spec->seeds.size());
    for (const auto& a : spec->axes) cells *= static_cast<double>(a.values.size());
    if (cells > 100000) std::abort();  // the cap must hold
  }
  (void)diags.ToString();
  return 0;
}
