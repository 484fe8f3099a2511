// Fuzz target: NetFlow v5 decoding of one packet.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "vantage/wire/v5/codec.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace vantage;
  wire::v5::Header h;
  std::vector<core::FlowRecord> out;
  core::AnomalyCounters anomalies;
  auto st = wire::v5::Decode(core::ByteReader(data, size), h, out, &anomalies);
  if (st && !out.empty()) {
    // What decodes re-encodes (all v5 records are IPv4).
    auto again = wire::v5::Encode(h, out);
    if (!again) __builtin_trap();
  }
  return 0;
}
