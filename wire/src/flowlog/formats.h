// The three providers' readers and writers behind ParseFile and WriteFile (flow-log.h).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "vantage/wire/flowlog/flow-log.h"

namespace vantage::wire::flowlog::detail {

ReadResult ParseAws(std::string_view text, const RecordSink& sink, const ParseOptions& options);
std::string WriteAws(const Settings& settings, const std::vector<FlowLogRecord>& records);

ReadResult ParseGcp(std::string_view text, const RecordSink& sink, const ParseOptions& options);
std::string WriteGcp(const Settings& settings, const std::vector<FlowLogRecord>& records);

ReadResult ParseAzure(std::string_view text, const RecordSink& sink, const ParseOptions& options);
std::string WriteAzure(const Settings& settings, const std::vector<FlowLogRecord>& records);

}  // namespace vantage::wire::flowlog::detail
