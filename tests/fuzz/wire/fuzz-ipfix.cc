// Fuzz target: a SEQUENCE of IPFIX messages (a stream or RFC 5655 file) through one session,
// so templates reach later data sets. Messages are delimited by their own length field; when
// that fails the rest goes to the session as one message.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "fuzz-handler.h"
#include "vantage/wire/ipfix/file.h"
#include "vantage/wire/ipfix/message-reader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace vantage;
  wire::ipfix::Session session(wire::fuzz::FuzzLimits());
  wire::fuzz::DecodingHandler handler;
  core::ByteReader in(data, size);
  while (!in.Empty()) {
    core::ByteReader rest(in.Current(), in.Remaining(), in.Offset());
    auto len = wire::ipfix::PeekMessageLength(rest);
    if (!len) {
      (void)session.Decode(rest, handler);
      break;
    }
    core::ByteReader msg;
    (void)in.Sub(*len, msg);
    (void)session.Decode(msg, handler);
  }
  // The same bytes as an IPFIX file.
  wire::ipfix::FileReader file;
  file.OpenBytes(std::vector<uint8_t>(data, data + size));
  wire::ipfix::Session fileSession(wire::fuzz::FuzzLimits());
  while (auto m = file.Next()) {
    if (!*m) break;
    (void)fileSession.Decode(**m, handler);
  }
  return 0;
}
