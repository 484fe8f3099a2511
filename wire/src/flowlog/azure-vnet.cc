// Azure VNet flow logs (in progress).
#include "flowlog/formats.h"

namespace vantage::wire::flowlog::detail {

ReadResult ParseAzure(std::string_view, const RecordSink&, const ParseOptions&) {
  ReadResult rr;
  rr.fatal = "azure-vnet: reader not written yet";
  return rr;
}

std::string WriteAzure(const Settings&, const std::vector<FlowLogRecord>&) {
  return {};
}

}  // namespace vantage::wire::flowlog::detail
