// Shared body of the flow-log fuzz targets: parse untrusted text in one provider's format
// (both the collecting and the streaming form), then write what was read and read it again:
// the writer's own output must always read back cleanly, with as many records.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "vantage/wire/flowlog/flow-log.h"

namespace vantage::wire::fuzz {

inline void FuzzFlowLog(flowlog::FileFormat format, const uint8_t* data, size_t size) {
  using namespace flowlog;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  ReadResult rr = ParseFile(format, text);
  size_t streamed = 0;
  ParseOptions lean;
  lean.keepNative = false;
  ReadResult rs = ParseFile(
      format, text, [&streamed](FlowLogRecord&) { ++streamed; }, lean);
  if (streamed != rr.records.size() || rs.errors.size() != rr.errors.size()) std::abort();
  for (const auto& e : rr.errors) {
    if (e.line == 0) std::abort();  // every error names a line
  }
  Settings s = Settings::Defaults(format == FileFormat::kAwsVpc   ? Provider::kAws
                                  : format == FileFormat::kGcpVpc ? Provider::kGcp
                                                                  : Provider::kAzure);
  s.awsFields = AwsFieldNames();
  ReadResult again = ParseFile(format, WriteFile(format, s, rr.records));
  if (!again.fatal.empty() || !again.errors.empty() || again.records.size() != rr.records.size())
    std::abort();
}

}  // namespace vantage::wire::fuzz
