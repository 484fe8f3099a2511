// Ingest of cloud provider flow logs (AWS VPC, Google Cloud VPC, Azure VNet; formats in
// wire/flowlog) into the same store as NetFlow and IPFIX records: normalised columns (addresses,
// ports, protocol, counters, times, TCP flags) plus the provider's own (provider, action,
// log_status, flow_direction, pkt_src, pkt_dst, interface_id, and in `native` every field as
// read that no column holds, as IPFIX rows keep theirs in raw_elements), so queries and
// detections work on cloud and on-premises records alike.
//
//   auto report = IngestFlowLogFile(*store, "vpc.log", wire::flowlog::FileFormat::kAwsVpc);
//   if (!report) { /* a foreign or mismatched file: nothing was stored */ }
//   for (const auto& e : report->errors) { /* malformed lines, the rest is stored */ }
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "vantage/collector/store.h"
#include "vantage/core/flow.h"
#include "vantage/core/result.h"
#include "vantage/wire/flowlog/flow-log.h"

namespace vantage::collector {

struct FlowLogIngestOptions {
  bool keepNative = true;   ///< store every field as read in the `native` column
  size_t maxErrors = 1000;  ///< malformed lines kept in the report (all are counted)
};

/// @brief What one file gave.
struct FlowLogIngestReport {
  std::string name;                              ///< the file (as given)
  uint64_t lines = 0;                            ///< lines read
  uint64_t records = 0;                          ///< records stored
  uint64_t malformed = 0;                        ///< malformed lines (or Azure tuples), not stored
  std::vector<wire::flowlog::LineError> errors;  ///< the first options.maxErrors of them
};

/// @brief The store row of one flow-log record: the normalised flow and the provider's fields.
core::FlowRecord ToFlowRecord(const wire::flowlog::FlowLogRecord& r, bool keepNative = true);

/// @brief Reads `path` and stores its records. A file that is not in `format` at all (foreign,
/// header not matching the lines, truncated JSON document) is refused before anything is
/// stored: the error names the file and line. Malformed lines are counted (also as the store
/// anomaly `flowlog.malformed_line`) and reported; the rest is stored. Flushes the store.
core::Result<FlowLogIngestReport> IngestFlowLogFile(Store& store, const std::string& path,
                                                    wire::flowlog::FileFormat format,
                                                    const FlowLogIngestOptions& options = {});

/// @brief The same for text already in memory; `name` stands for the file in messages.
core::Result<FlowLogIngestReport> IngestFlowLogText(Store& store, std::string_view text,
                                                    wire::flowlog::FileFormat format,
                                                    const std::string& name,
                                                    const FlowLogIngestOptions& options = {});

}  // namespace vantage::collector
