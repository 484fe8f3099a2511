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

Metrics Evaluate(const Problem& problem, const Placement& placement) {
  Metrics m;
  const size_t nf = problem.flows.size();
  std::vector<double> seen(nf, 0.0);  // best detection probability
  std::vector<uint8_t> full(nf, 0), direct(nf, 0), logged(nf, 0);
  std::vector<double> recSum(nf, 0.0), recMax(nf, 0.0), recBytesSum(nf, 0.0), recBytesMax(nf, 0.0);
  for (size_t p = 0; p < problem.points.size() && p < placement.size(); ++p) {
    Mode mode = placement[p];
    if (mode == Mode::kNone) continue;
    const PointInfo& pt = problem.points[p];
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
  double total = 0, totalBytes = 0, ns = 0, nsSeen = 0, ew = 0, ewSeen = 0, crit = 0, critSeen = 0,
         critFull = 0, seenW = 0, lostNoLog = 0, lostLog = 0, dupRecords = 0, dupBytes = 0,
         seenTotal = 0, bytesSeen = 0, seenCount = 0;
  std::vector<double> behTotal(problem.behaviours.size(), 0.0),
      behSeen(problem.behaviours.size(), 0.0);
  for (size_t f = 0; f < nf; ++f) {
    const FlowInfo& fi = problem.flows[f];
    double w = fi.weight;
    total += w;
    seenTotal += w * seen[f];
    seenCount += seen[f];
    totalBytes += w * fi.bytes;
    bytesSeen += w * fi.bytes * seen[f];
    (fi.northSouth ? ns : ew) += w;
    (fi.northSouth ? nsSeen : ewSeen) += w * seen[f];
    if (fi.criticality > 0) {
      crit += w * fi.criticality;
      critSeen += w * fi.criticality * seen[f];
      critFull += full[f] ? w * fi.criticality : 0.0;
    }
    if (fi.behaviour >= 0) {
      behTotal[fi.behaviour] += w;
      behSeen[fi.behaviour] += w * seen[f];
    }
    if (seen[f] > 0) {
      seenW += w * seen[f];
      if (!direct[f]) lostNoLog += w * seen[f];
      if (!direct[f] && !logged[f]) lostLog += w * seen[f];
    }
    dupRecords += w * (recSum[f] - recMax[f]);
    dupBytes += w * (recBytesSum[f] - recBytesMax[f]);
  }
  auto share = [](double a, double b) { return b > 0 ? a / b : 0.0; };
  m.flowVisibility = share(seenTotal, total);
  m.flowVisibilityUnweighted = share(seenCount, static_cast<double>(nf));
  m.byteVisibility = share(bytesSeen, totalBytes);
  m.northSouthVisibility = share(nsSeen, ns);
  m.eastWestVisibility = share(ewSeen, ew);
  m.criticalCoverage = share(critSeen, crit);
  m.criticalFullShare = share(critFull, crit);
  for (size_t b = 0; b < problem.behaviours.size(); ++b) {
    m.behaviourVisibility[problem.behaviours[b]] = share(behSeen[b], behTotal[b]);
  }
  m.natLossWithoutLog = share(lostNoLog, seenW);
  m.natLossWithLog = share(lostLog, seenW);
  m.duplicateRecordsPerDay = dupRecords * problem.dayFactor;
  m.duplicateBytesPerDay = dupBytes * problem.dayFactor;
  m.duplicateShare = share(m.duplicateRecordsPerDay, m.recordsPerDay);

  ApplyStorage(problem.constraints, m);
  m.objective = Objective(problem, placement);
  m.objectiveShare = share(m.objective, MaxObjective(problem));
  return m;
}

}  // namespace vantage::planner
