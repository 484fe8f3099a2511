// Fuzz target: a SEQUENCE of NetFlow v9 packets through one session, so templates reach the
// data FlowSets of later packets. Input: [2-byte big-endian length][packet] repeated; a length
// past the end takes the rest.
#include <cstddef>
#include <cstdint>

#include "fuzz-handler.h"
#include "vantage/wire/v9/message-reader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace vantage;
  wire::v9::Session session(wire::fuzz::FuzzLimits());
  wire::fuzz::DecodingHandler handler;
  core::ByteReader in(data, size);
  while (!in.Empty()) {
    uint16_t len = 0;
    if (!in.ReadU16(len)) break;
    core::ByteReader packet;
    if (!in.Sub(len, packet)) (void)in.Sub(in.Remaining(), packet);
    (void)session.Decode(packet, handler);
  }
  return 0;
}
