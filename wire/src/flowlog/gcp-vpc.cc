// Google Cloud VPC Flow Logs (in progress).
#include "flowlog/formats.h"

namespace vantage::wire::flowlog::detail {

ReadResult ParseGcp(std::string_view, const RecordSink&, const ParseOptions&) {
  ReadResult rr;
  rr.fatal = "gcp-vpc: reader not written yet";
  return rr;
}

std::string WriteGcp(const Settings&, const std::vector<FlowLogRecord>&) {
  return {};
}

}  // namespace vantage::wire::flowlog::detail
