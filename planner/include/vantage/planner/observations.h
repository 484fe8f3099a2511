// Observations: which ground-truth flows each candidate point's records saw, and whether the
// internal host of each is known directly, through the NAT event log, or lost.
//
// A record matches a ground-truth flow when protocol, addresses and ports agree in either
// direction, before NAT (src_ip:src_port) or after NAT (nat_ip:nat_port), and its time span
// overlaps the flow's (with a small slack). Records that match nothing are counted, not used.
//
//   MatchIndex index(run);
//   PointObservation obs = MatchPoint(run, index, "edge-fw", records);
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "vantage/core/anomaly.h"
#include "vantage/core/flow.h"
#include "vantage/planner/flow-log-observations.h"
#include "vantage/planner/run-directory.h"

namespace vantage::planner {

/// @brief How a point knows a flow's internal (initiating) host.
enum class Attribution : uint8_t {
  kDirect,  ///< seen before NAT: the internal address is in the record
  kNatLog,  ///< seen only after NAT; the NAT event log maps it back to the internal host
  kLost,    ///< seen only after NAT and no NAT event covers it
};
const char* AttributionName(Attribution a);

/// @brief One ground-truth flow as seen at one point.
struct FlowMatch {
  uint32_t flow = 0;     ///< index into RunData::flows
  uint32_t records = 0;  ///< records at this point that belong to the flow
  uint64_t packets = 0, octets = 0;
  bool direct = false;            ///< some record matched the pre-NAT tuple
  bool natLogged = false;         ///< a NAT binding in nat_events.csv covers the post-NAT tuple
  uint32_t samplingInterval = 0;  ///< largest 1-in-N seen in its records (0/1 = unsampled)

  Attribution GetAttribution() const {
    return direct ? Attribution::kDirect : natLogged ? Attribution::kNatLog : Attribution::kLost;
  }
};

/// @brief Everything one point observed.
struct PointObservation {
  std::string point;
  std::vector<FlowMatch> matches;  ///< sorted by flow index
  uint64_t records = 0;            ///< records read
  uint64_t unmatchedRecords = 0;   ///< records no ground-truth flow explains
  uint64_t recordFileBytes = 0;    ///< bytes of the IPFIX file the records came from
  FlowLogObservation flowLog;      ///< the provider's flow log (points with `flow_log:`)
};

/// @brief Lookup from address/port tuples to ground-truth flows (pre- and post-NAT).
class MatchIndex {
 public:
  explicit MatchIndex(const RunData& run, int64_t slackNs = 2'000'000'000);

  /// @brief Matches one record; returns false if no flow explains it.
  bool Match(const core::FlowRecord& r, uint32_t& flow, bool& direct) const;
  /// @brief Every flow whose tuple (pre- or post-NAT, either direction) and time span fit the
  /// record, with whether the pre-NAT tuple matched: flows of one 5-tuple within one flow-log
  /// window share a record.
  struct Candidate {
    uint32_t flow = 0;
    bool pre = false;      ///< the pre-NAT tuple matched
    int64_t distance = 0;  ///< |record start - flow start| (0 without record times)
  };
  std::vector<Candidate> Candidates(const core::FlowRecord& r) const;
  /// @brief The candidate Match would pick: nearest start, the pre-NAT tuple on a tie.
  static const Candidate* Nearest(const std::vector<Candidate>& candidates);
  /// @brief True if a NAT binding event covers flow `flow`'s post-NAT tuple.
  bool NatLogged(uint32_t flow) const { return m_natLogged.at(flow); }

 private:
  struct Entry {
    uint32_t flow;
    bool pre;
  };
  /// Calls visit(entry, distance) for every flow of the record's tuple whose span fits it.
  template <typename Visit>
  void ForEachFit(const core::FlowRecord& r, Visit visit) const;
  static std::string Key(uint8_t proto, const core::IpAddress& a, uint16_t pa,
                         const core::IpAddress& b, uint16_t pb);
  const RunData* m_run;
  int64_t m_slack;
  std::unordered_map<std::string, std::vector<Entry>> m_index;
  std::vector<bool> m_natLogged;
};

/// @brief Matches a point's records to ground truth.
PointObservation MatchPoint(const RunData& run, const MatchIndex& index, const std::string& point,
                            const std::vector<core::FlowRecord>& records);

/// @brief Reads every flow record of an IPFIX file. Decoding problems are counted in
/// `anomalies`; an unreadable file is an error naming it.
core::Result<std::vector<core::FlowRecord>> ReadIpfixRecords(const std::string& path,
                                                             core::AnomalyCounters* anomalies);

/// @brief What one manifest point's files hold, read once for observations and detectability.
struct PointRecords {
  std::vector<core::FlowRecord> ipfix;  ///< points/NAME.ipfix
  uint64_t ipfixFileBytes = 0;
  std::vector<wire::flowlog::FlowLogRecord> flowLog;  ///< the provider's log, if the point has one
  uint64_t flowLogFileBytes = 0, flowLogBadLines = 0;
};

/// @brief Reads every manifest point's files, in manifest order. A missing or unreadable file
/// is an error naming it; decoding problems are counted in `anomalies`.
core::Result<std::vector<PointRecords>> ReadRunRecords(const RunData& run,
                                                       core::AnomalyCounters* anomalies);

/// @brief A flow-log point's observation from its already read records.
FlowLogObservation MatchFlowLogRecords(const RunData& run, const MatchIndex& index,
                                       const ManifestPoint& point, const PointRecords& records);

/// @brief Observations of every manifest point of a run, from its records (ReadRunRecords).
std::vector<PointObservation> ObserveRun(const RunData& run,
                                         const std::vector<PointRecords>& records);
/// @brief The same, reading the files.
core::Result<std::vector<PointObservation>> ObserveRun(const RunData& run,
                                                       core::AnomalyCounters* anomalies);

}  // namespace vantage::planner
