// The online bound (Leskovec et al., KDD 2007) on the optimum, for any plan and any size.
#include "vantage/planner/bound.h"

#include <algorithm>
#include <array>
#include <functional>
#include <limits>

#include "value.h"

namespace vantage::planner {
namespace {

constexpr std::array<Mode, 4> kModes = {Mode::kFlow, Mode::kFull, Mode::kBoth, Mode::kFlowLog};

// Marginal gain of each mode of one point with respect to the plan (0 where not allowed).
struct PointGains {
  std::array<double, 4> gain{};  // in kModes order
  double BestDevice() const { return std::max({gain[0], gain[1], gain[2]}); }
  double FlowLog() const { return gain[3]; }
};

struct PlanGains {
  double value = 0;       // f(plan)
  double everything = 0;  // f(every point in its richest allowed mode)
  std::vector<PointGains> points;
};

// What the bound needs of one flow, kept together so that a hit touches one cache line.
struct FlowState {
  double flowValue, fullValue;
  double bestA = 0;    // best quality the plan gives it
  double bestAll = 0;  // best quality every point in its richest mode gives it
  uint8_t full = 0, fullAll = 0;
};

// One pass over every hit: the plan's value, every (point, mode) marginal gain and, on the way,
// the value of everything.
PlanGains MarginalGains(const Problem& p, const Constraints& c, const Placement& plan) {
  const double fullShare = detail::FullHistoryShare(c);
  std::vector<FlowState> fs;
  fs.reserve(p.flows.size());
  for (const FlowInfo& f : p.flows) {
    fs.push_back({detail::FlowValue(p, f), detail::FullValue(p, f)});
  }
  for (size_t i = 0; i < p.points.size() && i < plan.size(); ++i) {
    if (plan[i] == Mode::kNone) continue;
    for (const Hit& h : p.points[i].hits) {
      double q = detail::AttributionQuality(p.weights, h);
      double a = HasFlowLog(plan[i]) ? detail::VisibilityQuality(p, h, plan[i])
                 : !h.tap            ? 0.0
                                     : std::max(HasFlow(plan[i]) ? q * h.detectProb : 0.0,
                                     HasFull(plan[i]) ? q * fullShare : 0.0);
      FlowState& s = fs[h.flow];
      s.bestA = std::max(s.bestA, a);
      s.full |= detail::Captures(h, plan[i]) ? 1 : 0;
    }
  }
  PlanGains out;
  out.points.assign(p.points.size(), PointGains{});
  // Attribution quality by (direct, NAT-logged), looked up without branches: the hits'
  // attributions follow no pattern a branch predictor could learn.
  const double quality[4] = {p.weights.lostAttribution, p.weights.natLogAttribution, 1.0, 1.0};
  for (size_t i = 0; i < p.points.size(); ++i) {
    const PointInfo& pt = p.points[i];
    double gFlow = 0, gFull = 0, gBoth = 0, gLog = 0;
    for (const Hit& h : pt.hits) {
      FlowState& s = fs[h.flow];
      double q = quality[(h.direct ? 2 : 0) + (h.natLogged ? 1 : 0)];
      double tap = h.tap ? 1.0 : 0.0;
      double qFlow = tap * q * h.detectProb, qFull = tap * q * fullShare;
      double bonus = s.full || !h.tap ? 0.0 : s.fullValue;
      gFlow += s.flowValue * std::max(0.0, qFlow - s.bestA);
      gFull += s.flowValue * std::max(0.0, qFull - s.bestA) + bonus;
      gBoth += s.flowValue * std::max(0.0, std::max(qFlow, qFull) - s.bestA) + bonus;
      s.bestAll = std::max(s.bestAll, std::max(pt.canFlow ? qFlow : 0.0, pt.canFull ? qFull : 0.0));
      s.fullAll |= pt.canFull && h.tap ? 1 : 0;
      if (pt.canFlowLog) {
        double qLog = detail::VisibilityQuality(p, h, Mode::kFlowLog);
        gLog += s.flowValue * std::max(0.0, qLog - s.bestA);
        s.bestAll = std::max(s.bestAll, qLog);
      }
    }
    out.points[i].gain = {
        pt.Allows(Mode::kFlow) ? gFlow : 0.0, pt.Allows(Mode::kFull) ? gFull : 0.0,
        pt.Allows(Mode::kBoth) ? gBoth : 0.0, pt.Allows(Mode::kFlowLog) ? gLog : 0.0};
  }
  for (const FlowState& s : fs) {
    out.value += s.flowValue * s.bestA + (s.full ? s.fullValue : 0.0);
    out.everything += s.flowValue * s.bestAll + (s.fullAll ? s.fullValue : 0.0);
  }
  return out;
}

// Storage of a mode at a point for the retention `c` requires (Problem::Storage uses the
// problem's own constraints; the bound is asked about others, e.g. in sweeps).
double Storage(const Problem& p, const Constraints& c, size_t i, Mode m) {
  const PointInfo& pt = p.points[i];
  return (HasFlow(m) ? pt.flowBytesPerDay * c.flowRetentionDays : 0.0) +
         (HasFull(m) ? pt.pcapBytesPerDay * c.fullRetentionDays : 0.0);
}

struct Item {
  double weight, gain;
};

// LP relaxation of the multiple-choice knapsack (at most one mode per point, fractions
// allowed): per point the upper concave hull of its (weight, gain) choices, then every hull
// segment across points by decreasing gain per weight until the capacity is used (Sinha and
// Zoltners 1979). Items heavier than the capacity cannot be in any feasible plan.
double MultipleChoiceKnapsackLp(const std::vector<std::vector<Item>>& classes, double capacity) {
  struct Segment {
    double weight, gain;
  };
  std::vector<Segment> segments;
  double total = 0;
  for (const auto& items : classes) {
    std::vector<Item> v;
    double free = 0;  // best gain at no weight: always taken
    for (const Item& it : items) {
      if (it.gain <= 0 || it.weight > capacity) continue;
      if (it.weight <= 0) {
        free = std::max(free, it.gain);
      } else {
        v.push_back(it);
      }
    }
    total += free;
    std::sort(v.begin(), v.end(), [](const Item& a, const Item& b) {
      return a.weight < b.weight || (a.weight == b.weight && a.gain > b.gain);
    });
    std::vector<Item> hull = {{0.0, free}};
    for (const Item& it : v) {
      if (it.gain <= hull.back().gain) continue;  // heavier and no better
      // Drop hull points under the segment to the new item (keep the hull concave).
      while (hull.size() >= 2) {
        const Item& a = hull[hull.size() - 2];
        const Item& b = hull.back();
        if ((b.gain - a.gain) * (it.weight - a.weight) > (it.gain - a.gain) * (b.weight - a.weight))
          break;
        hull.pop_back();
      }
      hull.push_back(it);
    }
    for (size_t k = 1; k < hull.size(); ++k) {
      segments.push_back({hull[k].weight - hull[k - 1].weight, hull[k].gain - hull[k - 1].gain});
    }
  }
  std::sort(segments.begin(), segments.end(), [](const Segment& a, const Segment& b) {
    return a.gain * b.weight > b.gain * a.weight;
  });
  double left = capacity;
  for (const Segment& s : segments) {
    if (left <= 0) break;
    double take = std::min(1.0, left / s.weight);
    total += take * s.gain;
    left -= take * s.weight;
  }
  return total;
}

// The bound of one knapsack constraint (capacity, weight of a mode at a point).
double KnapsackBound(const Problem& p, const std::vector<PointGains>& gains, double capacity,
                     const std::function<double(size_t, Mode)>& weight) {
  std::vector<std::vector<Item>> classes(p.points.size());
  for (size_t i = 0; i < p.points.size(); ++i) {
    for (size_t k = 0; k < kModes.size(); ++k) {
      if (gains[i].gain[k] > 0) classes[i].push_back({weight(i, kModes[k]), gains[i].gain[k]});
    }
  }
  return MultipleChoiceKnapsackLp(classes, capacity);
}

// The bound of the device limit: the `k` largest per-point best gains (all when k is 0). A
// flow log needs no device: every point may add its flow-log gain, and at most `k` points the
// excess of a device mode over it (a point gives one or the other, never more than both).
double DeviceBound(const std::vector<PointGains>& gains, uint32_t k) {
  std::vector<double> best;
  best.reserve(gains.size());
  double s = 0;
  for (const auto& g : gains) {
    s += g.FlowLog();
    best.push_back(std::max(0.0, g.BestDevice() - g.FlowLog()));
  }
  size_t take = k == 0 ? best.size() : std::min<size_t>(k, best.size());
  std::partial_sort(best.begin(), best.begin() + static_cast<std::ptrdiff_t>(take), best.end(),
                    std::greater<>());
  for (size_t i = 0; i < take; ++i) s += best[i];
  return s;
}

}  // namespace

Certificate CertifyPlan(const Problem& p, const Constraints& c, const Placement& plan) {
  PlanGains g = MarginalGains(p, c, plan);
  const std::vector<PointGains>& gains = g.points;
  Certificate cert;
  cert.value = g.value;
  // Everything first: when no limit binds (all bounds equal), that is the honest name.
  cert.bound = g.everything;
  cert.binding = "everything";
  auto consider = [&](double b, const char* name) {
    if (b < cert.bound) {
      cert.bound = b;
      cert.binding = name;
    }
  };
  // The same tolerances as the optimiser's feasibility check: a plan it accepts is covered.
  double storageCap = c.storageBytes * (1 + 1e-9) + 1e-6;
  consider(cert.value + KnapsackBound(p, gains, storageCap,
                                      [&](size_t i, Mode m) { return Storage(p, c, i, m); }),
           "storage");
  if (c.maxCost > 0) {
    consider(cert.value + KnapsackBound(p, gains, c.maxCost * (1 + 1e-9),
                                        [&](size_t i, Mode m) { return p.points[i].Cost(m); }),
             "cost");
  }
  consider(cert.value + DeviceBound(gains, c.maxDevices), "devices");
  cert.bound = std::max(cert.bound, cert.value);
  cert.gap = cert.bound > 0 ? std::max(0.0, 1.0 - cert.value / cert.bound) : 0.0;
  return cert;
}

Certificate Combine(const Certificate& a, const Certificate& b) {
  Certificate r = a.bound <= b.bound ? a : b;
  r.value = std::max(a.value, b.value);
  r.bound = std::max(r.bound, r.value);
  r.gap = r.bound > 0 ? std::max(0.0, 1.0 - r.value / r.bound) : 0.0;
  return r;
}

Certificate Sharpen(const Problem& p, const Constraints& c, Certificate cert,
                    const std::vector<Placement>& plans) {
  for (const Placement& plan : plans) {
    Certificate other = CertifyPlan(p, c, plan);
    if (other.bound < cert.bound) {
      cert.bound = std::max(other.bound, cert.value);
      cert.binding = other.binding;
    }
  }
  cert.gap = cert.bound > 0 ? std::max(0.0, 1.0 - cert.value / cert.bound) : 0.0;
  return cert;
}

}  // namespace vantage::planner
