// Fuzz target for the conformance inputs an exporter or a user controls: a declaration YAML,
// a profile YAML, nfdump and ra text read back from peer exporters, and a score.json used as a
// baseline. The first byte picks the parser. Must never crash, hang or throw.
#include <cstddef>
#include <cstdint>
#include <string>

#include "vantage/conformance/declaration.h"
#include "vantage/conformance/profile.h"
#include "vantage/conformance/runner.h"
#include "vantage/conformance/score.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::string text(reinterpret_cast<const char*>(data) + 1, size - 1);
  uint64_t bad = 0;
  switch (data[0] % 5) {
    case 0:
      (void)vantage::conformance::ParseDeclaration(text, "fuzz.yaml");
      break;
    case 1:
      (void)vantage::conformance::ParseProfile(text, "fuzz.yaml");
      break;
    case 2:
      (void)vantage::conformance::ParseNfdumpLines(text, &bad);
      break;
    case 3:
      (void)vantage::conformance::ParseArgusCsv(text, &bad);
      break;
    default: {
      // A baseline score: from_json of arbitrary JSON, as RunConformance reads it.
      auto j = nlohmann::json::parse(text, nullptr, false);
      if (j.is_object()) {
        try {
          auto s = j.get<vantage::conformance::Score>();
          (void)vantage::conformance::CompareWithBaseline(s, s);
        } catch (const nlohmann::json::exception&) {
        }
      }
    }
  }
  return 0;
}
