// Observations of a cloud provider's flow log (points/NAME.flowlog): which ground-truth flows
// its records show, in how many aggregation windows, merged with which other flows, and
// whether they name the internal host behind a cloud NAT (AWS pkt-srcaddr), next to the
// provider's list prices that turn the file's measured bytes into a monthly bill.
//
//   MatchIndex index(run);
//   FlowLogObservation fl;
//   auto st = ObserveFlowLog(run, index, *run.manifest.FindPoint("cloud-vpc"), fl, &anomalies);
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "vantage/core/anomaly.h"
#include "vantage/core/flow.h"
#include "vantage/core/result.h"
#include "vantage/planner/run-directory.h"
#include "vantage/wire/flowlog/flow-log.h"

namespace vantage::planner {

class MatchIndex;

/// @brief One ground-truth flow as a point's flow log shows it.
struct FlowLogMatch {
  uint32_t flow = 0;           ///< index into RunData::flows
  uint32_t records = 0;        ///< records attributed to it (one per window and reporter)
  uint32_t rejectRecords = 0;  ///< of which REJECT (the security group dropped it)
  uint32_t windows = 0;        ///< distinct aggregation windows it appears in
  uint32_t reporters = 1;      ///< distinct reporters (Google Cloud: SRC and DEST)
  /// Fewest ground-truth flows sharing one of its records (1 = some record is its own): flows
  /// of one 5-tuple within one window are one record.
  uint32_t sharedWith = 1;
  bool direct = false;              ///< a record names the internal host (pre-NAT or pkt-srcaddr)
  bool viaPktAddr = false;          ///< named only through pkt-srcaddr / pkt-dstaddr
  bool natLogged = false;           ///< the NAT event log covers it
  int64_t firstNs = 0, lastNs = 0;  ///< earliest start and latest end of its records
};

/// @brief Everything a point's flow log showed.
struct FlowLogObservation {
  bool present = false;
  std::string path;  ///< relative to the run directory
  wire::flowlog::Provider provider = wire::flowlog::Provider::kAws;
  wire::flowlog::FileFormat format = wire::flowlog::FileFormat::kAwsVpc;
  uint32_t aggregationIntervalS = 600;
  double sampleRate = 1.0;
  int awsVersion = 0;
  bool hasPktSrcAddr = false;  ///< AWS pkt-srcaddr among the fields written
  std::string trafficType = "ALL";
  std::vector<FlowLogMatch> matches;  ///< sorted by flow
  uint64_t records = 0;               ///< records read (NODATA / SKIPDATA included)
  uint64_t unmatchedRecords = 0;      ///< records with a 5-tuple that no ground-truth flow explains
  uint64_t noDataRecords = 0, skipDataRecords = 0, rejectRecords = 0;
  uint64_t badLines = 0;        ///< lines the reader could not use (counted, not fatal)
  uint64_t fileBytes = 0;       ///< size of the file: what the provider ingests and stores
  double medianDeliveryS = -1;  ///< median of delivered - window end, -1 when not recorded
  double deliveryDelayS = 0;    ///< the delay the log's settings state (manifest)
};

/// @brief Reads the point's flow log (the manifest's `flow_log`) and matches it to ground
/// truth. A point without a flow log leaves `out.present` false. An unreadable or foreign file
/// is an error naming it; bad lines are counted in `anomalies` as `planner.flow_log_bad_line`.
core::Status ObserveFlowLog(const RunData& run, const MatchIndex& index, const ManifestPoint& point,
                            FlowLogObservation& out, core::AnomalyCounters* anomalies);

/// @brief Reads a point's flow-log file (its manifest `flow_log`): the records, and the file's
/// size in `fileBytes`. Errors name the file; bad lines are counted in `anomalies`.
core::Result<std::vector<wire::flowlog::FlowLogRecord>> ReadFlowLogFile(
    const RunData& run, const ManifestPoint& point, core::AnomalyCounters* anomalies,
    uint64_t* fileBytes = nullptr, uint64_t* badLines = nullptr);

using wire::flowlog::ToFlowRecord;  ///< the normalised fields as a flow record

/// @brief Matches already parsed records (tests; ObserveFlowLog after reading the file).
FlowLogObservation MatchFlowLog(const RunData& run, const MatchIndex& index,
                                const ManifestFlowLog& settings,
                                const std::vector<wire::flowlog::FlowLogRecord>& records);

/// @brief A provider's list prices (USD), the defaults of the budget's flow-log keys.
struct FlowLogPrices {
  double ingestUsdPerGb = 0.50;
  double storageUsdPerGbMonth = 0.03;
};
/// @brief The list price of `provider` (docs/planner.md names the source of each).
FlowLogPrices FlowLogListPrice(wire::flowlog::Provider provider);

/// @brief Why the tap saw a flow that the flow log did not show, judged from the flow itself
/// and the log's settings: "provider-dns", "metadata-service", "time-service", "dhcp",
/// "link-local", "filtered" (traffic type), "sampled-out" (sampling below 1) or "not-logged".
std::string UnloggedReason(const GroundTruthFlow& flow, const FlowLogObservation& log);

/// @brief Aggregation windows a flow spans (windows aligned to the clock).
uint32_t WindowsSpanned(const GroundTruthFlow& flow, uint32_t intervalS);

}  // namespace vantage::planner
