// Matching a point's cloud flow log to ground truth: windows, merged flows, REJECT records and
// the internal host behind a cloud NAT.
#include "vantage/planner/flow-log-observations.h"

#include <algorithm>
#include <map>
#include <set>

#include "vantage/planner/observations.h"

namespace vantage::planner {
namespace {

namespace fl = wire::flowlog;

// The record as the planner's matcher reads it: the interface's view of the 5-tuple, or the
// packet's own addresses (AWS pkt-srcaddr / pkt-dstaddr).
core::FlowRecord AsFlowRecord(const fl::FlowLogRecord& r, bool packetAddresses) {
  core::FlowRecord f = ToFlowRecord(r);
  if (packetAddresses && r.pktSrc.IsSet()) f.key.src = r.pktSrc;
  if (packetAddresses && r.pktDst.IsSet()) f.key.dst = r.pktDst;
  return f;
}

struct Accumulator {
  FlowLogMatch match;
  std::set<int64_t> windows;
  std::set<std::string> reporters;
  uint32_t minShared = UINT32_MAX;
};

// True if the record's packet addresses (AWS pkt-srcaddr / pkt-dstaddr) name the flow's
// internal (initiating) host.
bool PktAddrNames(const fl::FlowLogRecord& r, const GroundTruthFlow& g) {
  return (r.pktSrc.IsSet() && r.pktSrc == g.srcIp) || (r.pktDst.IsSet() && r.pktDst == g.srcIp);
}

// Adds one OK record to the flows it belongs to; false if no flow explains it.
bool AddRecord(const RunData& run, const MatchIndex& index, const fl::FlowLogRecord& r,
               int64_t windowNs, std::map<uint32_t, Accumulator>& byFlow) {
  auto candidates = index.Candidates(AsFlowRecord(r, false));
  if (candidates.empty() && (r.pktSrc.IsSet() || r.pktDst.IsSet())) {
    // The interface saw a middlebox's address (a NAT gateway's); the packet's own addresses
    // are the flow's tuple.
    candidates = index.Candidates(AsFlowRecord(r, true));
  }
  const MatchIndex::Candidate* nearest = MatchIndex::Nearest(candidates);
  if (nearest == nullptr) return false;
  const uint32_t primary = nearest->flow;
  std::set<uint32_t> distinct;
  for (const auto& c : candidates) distinct.insert(c.flow);
  int64_t window = windowNs > 0 ? r.start.ns / windowNs : 0;
  for (const auto& [flow, pre, distance] : candidates) {
    (void)distance;
    const GroundTruthFlow& g = run.flows[flow];
    Accumulator& a = byFlow[flow];
    a.match.flow = flow;
    if (flow == primary) {
      a.match.firstNs = a.match.records == 0 ? r.start.ns : std::min(a.match.firstNs, r.start.ns);
      a.match.lastNs = std::max(a.match.lastNs, std::max(r.end.ns, r.start.ns));
      ++a.match.records;
      if (r.action == fl::Action::kReject) ++a.match.rejectRecords;
    }
    a.windows.insert(window);
    if (!r.reporter.empty()) a.reporters.insert(r.reporter);
    a.minShared = std::min<uint32_t>(a.minShared, static_cast<uint32_t>(distinct.size()));
    bool named = pre || !g.Natted();
    bool viaPkt = !named && PktAddrNames(r, g);
    if (named && !a.match.direct) a.match.viaPktAddr = false;
    if (viaPkt && !a.match.direct) a.match.viaPktAddr = true;
    a.match.direct = a.match.direct || named || viaPkt;
    a.match.natLogged = index.NatLogged(flow);
  }
  return true;
}

double Median(std::vector<double> v) {
  if (v.empty()) return -1;
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

}  // namespace

FlowLogObservation MatchFlowLog(const RunData& run, const MatchIndex& index,
                                const ManifestFlowLog& settings,
                                const std::vector<fl::FlowLogRecord>& records) {
  FlowLogObservation obs;
  obs.present = true;
  obs.path = settings.path;
  if (auto f = fl::FileFormatFromName(settings.format)) obs.format = *f;
  if (auto p = fl::ProviderFromName(settings.provider)) obs.provider = *p;
  obs.aggregationIntervalS = settings.aggregationIntervalS;
  obs.deliveryDelayS = settings.deliveryDelayS;
  obs.sampleRate = settings.sampleRate > 0 ? std::min(1.0, settings.sampleRate) : 1.0;
  obs.awsVersion = settings.version;
  obs.trafficType = settings.trafficType.empty() ? "ALL" : settings.trafficType;
  // The fields written; a manifest without the list wrote the version's default format.
  const std::vector<std::string> fields = !settings.fields.empty() || settings.provider != "aws"
                                              ? settings.fields
                                              : fl::AwsDefaultFields(settings.version);
  obs.hasPktSrcAddr = std::find(fields.begin(), fields.end(), "pkt-srcaddr") != fields.end();
  const int64_t windowNs = static_cast<int64_t>(settings.aggregationIntervalS) * 1'000'000'000;
  std::map<uint32_t, Accumulator> byFlow;
  std::vector<double> delivery;
  obs.records = records.size();
  for (const auto& r : records) {
    if (r.delivered.ns != 0 && r.end.ns != 0) {
      int64_t windowEnd = windowNs > 0 ? (r.end.ns / windowNs + 1) * windowNs : r.end.ns;
      delivery.push_back(static_cast<double>(r.delivered.ns - windowEnd) / 1e9);
    }
    if (r.logStatus == fl::LogStatus::kNoData) {
      ++obs.noDataRecords;
      continue;
    }
    if (r.logStatus == fl::LogStatus::kSkipData) {
      ++obs.skipDataRecords;
      continue;
    }
    if (r.action == fl::Action::kReject) ++obs.rejectRecords;
    if (!AddRecord(run, index, r, windowNs, byFlow)) ++obs.unmatchedRecords;
  }
  obs.medianDeliveryS = Median(std::move(delivery));
  obs.matches.reserve(byFlow.size());
  for (auto& [flow, a] : byFlow) {
    a.match.windows = static_cast<uint32_t>(a.windows.size());
    a.match.reporters = std::max<uint32_t>(1, static_cast<uint32_t>(a.reporters.size()));
    a.match.sharedWith = a.minShared == UINT32_MAX ? 1 : a.minShared;
    obs.matches.push_back(a.match);
  }
  return obs;
}

FlowLogPrices FlowLogListPrice(fl::Provider provider) {
  switch (provider) {
    case fl::Provider::kAws:  // CloudWatch Logs vended logs, first 10 TB; archived storage
      return {0.50, 0.03};
    case fl::Provider::kGcp:  // network telemetry log generation, first 10 TiB; Logging storage
      return {0.50, 0.01};
    case fl::Provider::kAzure:  // Network Watcher flow logs collected; Blob hot LRS
      return {0.50, 0.02};
  }
  return {};
}

std::string UnloggedReason(const GroundTruthFlow& flow, const FlowLogObservation& log) {
  // The provider's own rules first: the meter leaves out exactly what they name.
  if (const char* reason = fl::UnloggedReason(log.provider, flow.srcIp, flow.dstIp, flow.srcPort,
                                              flow.dstPort, flow.protocol)) {
    return reason;
  }
  // The deployment's resolver (AWS VPC+2, the simulated zone's DNS server) is an address the
  // run's tables do not name: an unlogged DNS flow is taken to have used it.
  const bool udpOrTcp = flow.protocol == 6 || flow.protocol == 17;
  if (udpOrTcp && (flow.dstPort == 53 || flow.srcPort == 53)) return "provider-dns";
  auto isLinkLocal = [](const core::IpAddress& a) {
    return a.IsV4() && a.bytes[0] == 169 && a.bytes[1] == 254;
  };
  if (isLinkLocal(flow.dstIp) || isLinkLocal(flow.srcIp)) return "link-local";
  if (log.trafficType != "ALL") return "filtered";
  if (log.sampleRate < 1.0) return "sampled-out";
  return "not-logged";
}

uint32_t WindowsSpanned(const GroundTruthFlow& flow, uint32_t intervalS) {
  if (intervalS == 0) return 1;
  const int64_t w = static_cast<int64_t>(intervalS) * 1'000'000'000;
  int64_t first = flow.startNs / w, last = std::max(flow.endNs, flow.startNs) / w;
  return static_cast<uint32_t>(std::min<int64_t>(last - first + 1, 1'000'000));
}

}  // namespace vantage::planner
