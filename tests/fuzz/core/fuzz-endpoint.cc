// Fuzz target for core::ParseEndpoint: never crash or throw; errors carry an offset inside the
// text; a parsed endpoint prints (ToString) to text that parses to the same endpoint.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "vantage/core/endpoint.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 4096) return 0;
  const std::string text(reinterpret_cast<const char*>(data), size);
  auto e = vantage::core::ParseEndpoint(text);
  if (!e) {
    if (e.GetError().offset > size || e.GetError().message.empty()) std::abort();
    return 0;
  }
  if (e->host.empty()) std::abort();
  if (e->host.find_first_of("[]") != std::string::npos) return 0;  // not printable unambiguously
  auto again = vantage::core::ParseEndpoint(e->ToString());
  if (!again || again->host != e->host || again->port != e->port || again->format != e->format ||
      again->transport != e->transport) {
    std::abort();
  }
  return 0;
}
