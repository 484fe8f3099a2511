// A point's flow log in the placement problem: per-flow chance and attribution (Hit), records
// and bytes per day measured from the file, and the provider's bill in cost units.
#include "problem-flow-log.h"

#include <algorithm>
#include <cmath>

namespace vantage::planner {
namespace detail {
namespace {

// Chance that at least one of `n` records survives flow sampling at `rate`.
double SampledChance(double rate, uint32_t n) {
  if (rate >= 1.0) return 1.0;
  return 1.0 - std::pow(1.0 - std::max(0.0, rate), std::max<uint32_t>(1, n));
}

// The flow-log side of a hit, from the log's match of the flow.
void SetFromMatch(Hit& h, const FlowLogMatch& m, const GroundTruthFlow& g,
                  const FlowLogObservation& log) {
  uint32_t windows = std::max(m.windows, WindowsSpanned(g, log.aggregationIntervalS));
  double chance = SampledChance(log.sampleRate, windows * m.reporters);
  h.flowLogProb = static_cast<float>(chance / std::max<uint32_t>(1, m.sharedWith));
  h.flowLogDirect = m.direct;
  h.flowLogRecords = static_cast<uint16_t>(std::min<uint32_t>(m.records, UINT16_MAX));
  h.natLogged = h.natLogged || m.natLogged;
}

// Hits of the tap and matches of the log, merged by flow (both sorted by flow).
std::vector<Hit> MergeHits(const std::vector<Hit>& tap, const FlowLogObservation& log,
                           const RunData& run) {
  std::vector<Hit> out;
  out.reserve(std::max(tap.size(), log.matches.size()));
  size_t i = 0, k = 0;
  while (i < tap.size() || k < log.matches.size()) {
    bool takeTap =
        k == log.matches.size() || (i < tap.size() && tap[i].flow <= log.matches[k].flow);
    bool takeLog =
        i == tap.size() || (k < log.matches.size() && log.matches[k].flow <= tap[i].flow);
    Hit h;
    if (takeTap) {
      h = tap[i++];
      h.flowLogProb = 0;
      h.flowLogRecords = 0;
      h.flowLogDirect = false;
    } else {
      h.flow = log.matches[k].flow;
      h.tap = false;
      h.records = 0;
      h.direct = false;
    }
    const GroundTruthFlow& g = run.flows[h.flow];
    if (takeLog) {
      SetFromMatch(h, log.matches[k++], g, log);
    } else if (UnloggedReason(g, log) == "sampled-out") {
      // Loggable but not drawn this time: its expected chance, like a drawn flow's.
      h.flowLogProb = static_cast<float>(
          SampledChance(log.sampleRate, WindowsSpanned(g, log.aggregationIntervalS)));
      h.flowLogDirect = !g.Natted() || log.hasPktSrcAddr;
    }
    out.push_back(h);
  }
  return out;
}

}  // namespace

void AddFlowLog(const Problem& p, PointInfo& pt, const PointObservation& obs, const RunData& run,
                const model::Budget& budget) {
  const FlowLogObservation& log = obs.flowLog;
  if (!log.present) return;
  pt.canFlowLog = true;
  FlowLogInfo& info = pt.flowLog;
  info.format = wire::flowlog::FileFormatName(log.format);
  pt.hits = MergeHits(pt.hits, log, run);
  // Records per day: every record in the file (NODATA, REJECT and unmatched too) is ingested
  // and billed; a flow's records weigh as many real flows as it stands for.
  double weighted = static_cast<double>(log.records);
  for (const auto& m : log.matches) weighted += m.records * (p.flows[m.flow].weight - 1.0);
  info.recordsPerDay = weighted * p.dayFactor;
  info.bytesPerRecord =
      log.records > 0 ? static_cast<double>(log.fileBytes) / static_cast<double>(log.records) : 0;
  info.bytesPerDay = info.recordsPerDay * info.bytesPerRecord;
  FlowLogPrices list = FlowLogListPrice(log.provider);
  info.ingestUsdPerGb = budget.flowLogIngestUsdPerGb.value_or(list.ingestUsdPerGb);
  info.storageUsdPerGbMonth =
      budget.flowLogStorageUsdPerGbMonth.value_or(list.storageUsdPerGbMonth);
  info.usdPerCostUnit = budget.flowLogUsdPerCostUnit;
}

}  // namespace detail

void PriceFlowLogs(Problem& problem) {
  for (auto& pt : problem.points) {
    if (!pt.canFlowLog) continue;
    FlowLogInfo& f = pt.flowLog;
    double gbPerDay = f.bytesPerDay / 1e9;
    f.usdPerMonth = gbPerDay * kDaysPerMonth * f.ingestUsdPerGb +
                    gbPerDay * problem.constraints.flowRetentionDays * f.storageUsdPerGbMonth;
    pt.costFlowLog = f.usdPerCostUnit > 0 ? f.usdPerMonth / f.usdPerCostUnit : 0.0;
  }
}

}  // namespace vantage::planner
