// The value model shared by metrics and the optimiser (internal).
#pragma once

#include <algorithm>

#include "vantage/planner/problem.h"

namespace vantage::planner::detail {

/// Attribution quality of a hit: 1 direct, natLogAttribution via the NAT log, else lost.
inline double AttributionQuality(const ValueWeights& w, const Hit& h) {
  return h.direct ? 1.0 : h.natLogged ? w.natLogAttribution : w.lostAttribution;
}

/// Share of the required flow history full capture alone provides (pcap gives flow metadata
/// only for as long as the capture is kept).
inline double FullHistoryShare(const Constraints& c) {
  if (c.flowRetentionDays <= 0) return 1.0;
  return std::clamp(c.fullRetentionDays / c.flowRetentionDays, 0.0, 1.0);
}

/// Attribution quality of a hit in the point's flow log (pkt-srcaddr names the host).
inline double FlowLogAttributionQuality(const ValueWeights& w, const Hit& h) {
  return h.flowLogDirect ? 1.0 : h.natLogged ? w.natLogAttribution : w.lostAttribution;
}

/// Whether mode m keeps the packets of a hit (full capture of what the tap saw).
inline bool Captures(const Hit& h, Mode m) {
  return HasFull(m) && h.tap;
}

/// Visibility quality (0..1) of a hit at a point in mode m.
inline double VisibilityQuality(const Problem& p, const Hit& h, Mode m) {
  if (HasFlowLog(m)) return FlowLogAttributionQuality(p.weights, h) * h.flowLogProb;
  if (!h.tap) return 0.0;
  double q = AttributionQuality(p.weights, h);
  double best = 0;
  if (HasFlow(m)) best = q * h.detectProb;
  if (HasFull(m)) best = std::max(best, q * FullHistoryShare(p.constraints));
  return best;
}

inline double FlowValue(const Problem& p, const FlowInfo& f) {
  return f.weight * (1.0 + p.weights.criticalBonus * f.criticality +
                     (f.behaviour >= 0 ? p.weights.behaviourBonus : 0.0));
}

inline double FullValue(const Problem& p, const FlowInfo& f) {
  return f.weight * p.weights.fullBonus * f.criticality;
}

}  // namespace vantage::planner::detail
