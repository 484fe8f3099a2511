// Error names and formatting.
#include "vantage/core/result.h"

#include "vantage/core/byte-reader.h"

namespace vantage::core {

const char* ErrorCodeName(ErrorCode code) {
  switch (code) {
    case ErrorCode::kTruncated:
      return "truncated";
    case ErrorCode::kInvalid:
      return "invalid";
    case ErrorCode::kUnsupported:
      return "unsupported";
    case ErrorCode::kNotFound:
      return "not found";
    case ErrorCode::kLimit:
      return "limit";
    case ErrorCode::kIo:
      return "io";
    case ErrorCode::kParse:
      return "parse";
  }
  return "unknown";
}

std::string Error::ToString() const {
  if (offset == kNoOffset) return message;
  return message + " (offset " + std::to_string(offset) + ")";
}

Error ByteReader::Need(size_t n, const char* what) const {
  return MakeError(ErrorCode::kTruncated,
                   std::string(what) + ": need " + std::to_string(n) + " bytes, " +
                       std::to_string(Remaining()) + " available at offset " +
                       std::to_string(Offset()),
                   Offset());
}

}  // namespace vantage::core
