// Metrics of a placement.
#include "vantage/planner/metrics.h"

#include <algorithm>
#include <limits>

#include "value.h"

namespace vantage::planner {

double Objective(const Problem& problem, const Placement& placement) {
  std::vector<double> bestA(problem.flows.size(), 0.0);
  std::vector<uint8_t> full(problem.flows.size(), 0);
  for (size_t p = 0; p < problem.points.size() && p < placement.size(); ++p) {
    Mode m = placement[p];
    if (m == Mode::kNone) continue;
    for (const Hit& h : problem.points[p].hits) {
      bestA[h.flow] = std::max(bestA[h.flow], detail::VisibilityQuality(problem, h, m));
      if (detail::Captures(h, m)) full[h.flow] = 1;
    }
  }
  double v = 0;
  for (size_t f = 0; f < problem.flows.size(); ++f) {
    v += detail::FlowValue(problem, problem.flows[f]) * bestA[f] +
         (full[f] ? detail::FullValue(problem, problem.flows[f]) : 0.0);
  }
  return v;
}

double MaxObjective(const Problem& problem) {
  Placement all(problem.points.size(), Mode::kNone);
  for (size_t p = 0; p < all.size(); ++p) {
    const auto& pt = problem.points[p];
    all[p] = pt.canFlow && pt.canFull ? Mode::kBoth
             : pt.canFull             ? Mode::kFull
             : pt.canFlow             ? Mode::kFlow
             : pt.canFlowLog          ? Mode::kFlowLog
                                      : Mode::kNone;
  }
  return Objective(problem, all);
}

// Storage the placement needs, the retention each kind fits in the budget, and whether the
// placement is within every constraint.
static void ApplyStorage(const Constraints& c, Metrics& m) {
  m.storageRequired =
      m.flowBytesPerDay * c.flowRetentionDays + m.fullBytesPerDay * c.fullRetentionDays;
  double left = c.storageBytes;
  m.flowRetentionFitDays =
      m.flowBytesPerDay > 0
          ? std::max(0.0, left - m.fullBytesPerDay * c.fullRetentionDays) / m.flowBytesPerDay
          : 0.0;
  m.fullRetentionFitDays =
      m.fullBytesPerDay > 0
          ? std::max(0.0, left - m.flowBytesPerDay * c.flowRetentionDays) / m.fullBytesPerDay
          : 0.0;
  bool storageOk = m.storageRequired <= c.storageBytes * (1 + 1e-12);
  m.flowRetentionMet = m.flowBytesPerDay <= 0 ||
                       (storageOk && m.flowRetentionFitDays >= c.flowRetentionDays * (1 - 1e-12));
  m.fullRetentionMet = m.fullBytesPerDay <= 0 ||
                       (storageOk && m.fullRetentionFitDays >= c.fullRetentionDays * (1 - 1e-12));
  m.withinBudget = storageOk && (c.maxDevices == 0 || m.devices <= c.maxDevices) &&
                   (c.maxCost <= 0 || m.cost <= c.maxCost * (1 + 1e-12));
}

namespace {

// What the placed points together see of each ground-truth flow.
struct FlowCoverage {
  explicit FlowCoverage(size_t n)
      : seen(n),
        full(n),
        direct(n),
        logged(n),
        recSum(n),
        recMax(n),
        recBytesSum(n),
        recBytesMax(n) {}

  void Add(const PointInfo& pt, Mode mode) {
    const bool flowLog = HasFlowLog(mode);
    const double bytesPerRecord = flowLog ? pt.flowLog.bytesPerRecord : pt.bytesPerRecord;
    for (const Hit& h : pt.hits) {
      // A flow log reports a flow (sampled, or merged with others in its window) with its
      // own probability and attribution; the tap's modes with the exporter's.
      double q = flowLog ? h.flowLogProb : !h.tap ? 0.0 : HasFull(mode) ? 1.0 : h.detectProb;
      if (q <= 0 && (flowLog || !h.tap)) continue;  // not seen in this mode
      seen[h.flow] = std::max(seen[h.flow], q);
      if (HasFull(mode)) full[h.flow] = 1;
      if (flowLog ? h.flowLogDirect : h.direct) direct[h.flow] = 1;
      if (h.natLogged) logged[h.flow] = 1;
      if (HasFlow(mode) || flowLog) {
        double r = flowLog ? h.flowLogRecords : h.records * h.detectProb;
        recSum[h.flow] += r;
        recMax[h.flow] = std::max(recMax[h.flow], r);
        recBytesSum[h.flow] += r * bytesPerRecord;
        recBytesMax[h.flow] = std::max(recBytesMax[h.flow], r * bytesPerRecord);
      }
    }
  }

  std::vector<double> seen;  // best detection probability
  std::vector<uint8_t> full, direct, logged;
  std::vector<double> recSum, recMax, recBytesSum, recBytesMax;  // records, for duplication
};

// A placed point's count, cost, records and bytes per day.
void AddPointTotals(const PointInfo& pt, Mode mode, Metrics& m) {
  ++m.points;
  m.devices += UsesDevice(mode) ? 1 : 0;
  m.cost += pt.Cost(mode);
  if (HasFlow(mode)) {
    m.recordsPerDay += pt.recordsPerDay;
    m.flowBytesPerDay += pt.flowBytesPerDay;
  }
  if (HasFull(mode)) m.fullBytesPerDay += pt.pcapBytesPerDay;
  if (HasFlowLog(mode)) {
    ++m.flowLogPoints;
    m.recordsPerDay += pt.flowLog.recordsPerDay;
    m.flowLogBytesPerDay += pt.flowLog.bytesPerDay;
    m.flowLogUsdPerMonth += pt.flowLog.usdPerMonth;
  }
}

double Share(double a, double b) {
  return b > 0 ? a / b : 0.0;
}

// Visibility, critical coverage, NAT attribution loss and duplication, weighted by the flows.
void Summarise(const Problem& problem, const FlowCoverage& c, Metrics& m) {
  double total = 0, totalBytes = 0, ns = 0, nsSeen = 0, ew = 0, ewSeen = 0, crit = 0, critSeen = 0,
         critFull = 0, seenW = 0, lostNoLog = 0, lostLog = 0, dupRecords = 0, dupBytes = 0,
         seenTotal = 0, bytesSeen = 0, seenCount = 0;
  std::vector<double> behTotal(problem.behaviours.size(), 0.0),
      behSeen(problem.behaviours.size(), 0.0);
  for (size_t f = 0; f < problem.flows.size(); ++f) {
    const FlowInfo& fi = problem.flows[f];
    double w = fi.weight;
    total += w;
    seenTotal += w * c.seen[f];
    seenCount += c.seen[f];
    totalBytes += w * fi.bytes;
    bytesSeen += w * fi.bytes * c.seen[f];
    (fi.northSouth ? ns : ew) += w;
    (fi.northSouth ? nsSeen : ewSeen) += w * c.seen[f];
    if (fi.criticality > 0) {
      crit += w * fi.criticality;
      critSeen += w * fi.criticality * c.seen[f];
      critFull += c.full[f] ? w * fi.criticality : 0.0;
    }
    if (fi.behaviour >= 0) {
      behTotal[fi.behaviour] += w;
      behSeen[fi.behaviour] += w * c.seen[f];
    }
    if (c.seen[f] > 0) {
      seenW += w * c.seen[f];
      if (!c.direct[f]) lostNoLog += w * c.seen[f];
      if (!c.direct[f] && !c.logged[f]) lostLog += w * c.seen[f];
    }
    dupRecords += w * (c.recSum[f] - c.recMax[f]);
    dupBytes += w * (c.recBytesSum[f] - c.recBytesMax[f]);
  }
  m.flowVisibility = Share(seenTotal, total);
  m.flowVisibilityUnweighted = Share(seenCount, static_cast<double>(problem.flows.size()));
  m.byteVisibility = Share(bytesSeen, totalBytes);
  m.northSouthVisibility = Share(nsSeen, ns);
  m.eastWestVisibility = Share(ewSeen, ew);
  m.criticalCoverage = Share(critSeen, crit);
  m.criticalFullShare = Share(critFull, crit);
  for (size_t b = 0; b < problem.behaviours.size(); ++b) {
    m.behaviourVisibility[problem.behaviours[b]] = Share(behSeen[b], behTotal[b]);
  }
  m.natLossWithoutLog = Share(lostNoLog, seenW);
  m.natLossWithLog = Share(lostLog, seenW);
  m.duplicateRecordsPerDay = dupRecords * problem.dayFactor;
  m.duplicateBytesPerDay = dupBytes * problem.dayFactor;
  m.duplicateShare = Share(m.duplicateRecordsPerDay, m.recordsPerDay);
}

}  // namespace

Metrics Evaluate(const Problem& problem, const Placement& placement) {
  Metrics m;
  FlowCoverage coverage(problem.flows.size());
  for (size_t p = 0; p < problem.points.size() && p < placement.size(); ++p) {
    Mode mode = placement[p];
    if (mode == Mode::kNone) continue;
    AddPointTotals(problem.points[p], mode, m);
    coverage.Add(problem.points[p], mode);
  }
  Summarise(problem, coverage, m);
  ApplyStorage(problem.constraints, m);
  m.objective = Objective(problem, placement);
  m.objectiveShare = Share(m.objective, MaxObjective(problem));
  return m;
}

}  // namespace vantage::planner
