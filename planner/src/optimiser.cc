// Placement optimisation: lazy cost-benefit greedy, branch and bound, sweeps.
#include "vantage/planner/optimiser.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <queue>
#include <sstream>

#include "value.h"
#include "vantage/planner/metrics.h"

namespace vantage::planner {
namespace {

// kFlowLog last: points without a flow log see the same sequence as before it existed.
constexpr Mode kModes[] = {Mode::kFlow, Mode::kFull, Mode::kBoth, Mode::kFlowLog};

// True if `to` sees at least what `from` sees and stores at least as much (an upgrade). A flow
// log may be replaced by any of the tap's modes: they usually see more (the greedy's running
// value then keeps the log's share where it does not; the plan's value is computed exactly).
bool Upgrades(Mode from, Mode to) {
  if (from == to || to == Mode::kNone) return false;
  return from == Mode::kNone || from == Mode::kFlowLog || to == Mode::kBoth;
}

// Incremental objective: per flow the best visibility quality and whether full capture
// covers it; gains of adding a (point, mode) element are exact for modes that dominate the
// point's current mode.
class State {
 public:
  explicit State(const Problem& p)
      : m_p(p),
        m_bestA(p.flows.size(), 0.0),
        m_full(p.flows.size(), 0),
        m_flowValue(p.flows.size()),
        m_fullValue(p.flows.size()) {
    for (size_t f = 0; f < p.flows.size(); ++f) {
      m_flowValue[f] = detail::FlowValue(p, p.flows[f]);
      m_fullValue[f] = detail::FullValue(p, p.flows[f]);
    }
  }

  double Gain(size_t point, Mode m, uint64_t* work = nullptr) const {
    if (m == Mode::kNone) return 0;
    double g = 0;
    const auto& hits = m_p.points[point].hits;
    for (const Hit& h : hits) {
      double a = detail::VisibilityQuality(m_p, h, m);
      if (a > m_bestA[h.flow]) g += m_flowValue[h.flow] * (a - m_bestA[h.flow]);
      if (detail::Captures(h, m) && !m_full[h.flow]) g += m_fullValue[h.flow];
    }
    if (work) *work += hits.size() + 1;
    return g;
  }

  struct Undo {
    uint32_t flow;
    double a;
    uint8_t full;
  };

  void Apply(size_t point, Mode m, std::vector<Undo>* undo) {
    if (m == Mode::kNone) return;
    for (const Hit& h : m_p.points[point].hits) {
      double a = detail::VisibilityQuality(m_p, h, m);
      bool addFull = detail::Captures(h, m) && !m_full[h.flow];
      if (a > m_bestA[h.flow] || addFull) {
        if (undo) undo->push_back({h.flow, m_bestA[h.flow], m_full[h.flow]});
        if (a > m_bestA[h.flow]) {
          m_value += m_flowValue[h.flow] * (a - m_bestA[h.flow]);
          m_bestA[h.flow] = a;
        }
        if (addFull) {
          m_value += m_fullValue[h.flow];
          m_full[h.flow] = 1;
        }
      }
    }
  }

  void Revert(std::vector<Undo>& undo, size_t mark, double value) {
    while (undo.size() > mark) {
      const Undo& u = undo.back();
      m_bestA[u.flow] = u.a;
      m_full[u.flow] = u.full;
      undo.pop_back();
    }
    m_value = value;
  }

  double Value() const { return m_value; }

 private:
  const Problem& m_p;
  std::vector<double> m_bestA;
  std::vector<uint8_t> m_full;
  std::vector<double> m_flowValue, m_fullValue;
  double m_value = 0;
};

struct Totals {
  double storage = 0, cost = 0;
  uint32_t devices = 0;
};

struct Delta {
  double storage = 0, cost = 0;
  int devices = 0;
};

Delta Change(const Problem& p, size_t point, Mode from, Mode to) {
  Delta d;
  d.storage = p.Storage(point, to) - p.Storage(point, from);
  d.cost = p.points[point].Cost(to) - p.points[point].Cost(from);
  d.devices = (UsesDevice(to) ? 1 : 0) - (UsesDevice(from) ? 1 : 0);
  return d;
}

bool Fits(const Constraints& c, const Totals& t, const Delta& d) {
  constexpr double kTol = 1e-9;
  if (t.storage + d.storage > c.storageBytes * (1 + kTol) + 1e-6) return false;
  if (c.maxCost > 0 && t.cost + d.cost > c.maxCost * (1 + kTol)) return false;
  if (c.maxDevices > 0 && static_cast<int64_t>(t.devices) + d.devices > c.maxDevices) return false;
  return true;
}

void Add(Totals& t, const Delta& d) {
  t.storage += d.storage;
  t.cost += d.cost;
  t.devices = static_cast<uint32_t>(static_cast<int64_t>(t.devices) + d.devices);
}

double NormalisedCost(const Constraints& c, const Delta& d) {
  double x = 0;
  if (c.storageBytes > 0) x += std::max(0.0, d.storage) / c.storageBytes;
  if (c.maxCost > 0) x += std::max(0.0, d.cost) / c.maxCost;
  if (c.maxDevices > 0) x += std::max(0, d.devices) / static_cast<double>(c.maxDevices);
  return std::max(x, 1e-12);
}

Solution MakeSolution(const Problem& p, const Placement& modes) {
  Solution s;
  s.modes = modes;
  s.objective = Objective(p, modes);
  for (size_t i = 0; i < modes.size(); ++i) {
    s.storage += p.Storage(i, modes[i]);
    s.cost += p.points[i].Cost(modes[i]);
    s.devices += modes[i] != Mode::kNone ? 1 : 0;  // points used
  }
  return s;
}

// A copy of the problem with other constraints (the optimiser works on Problem::constraints
// for storage, which depends on retention).
Problem WithConstraints(const Problem& p, const Constraints& c) {
  Problem q = p;
  q.constraints = c;
  return q;
}

}  // namespace

bool Feasible(const Problem& problem, const Constraints& c, const Placement& placement) {
  Problem q = WithConstraints(problem, c);
  Totals t;
  for (size_t i = 0; i < placement.size() && i < q.points.size(); ++i) {
    if (!q.points[i].Allows(placement[i])) return false;
    Delta d = Change(q, i, Mode::kNone, placement[i]);
    if (!Fits(c, t, d)) return false;
    Add(t, d);
  }
  return true;
}

Solution GreedyOptimise(const Problem& problemIn, const Constraints& c) {
  Problem p = WithConstraints(problemIn, c);
  const size_t n = p.points.size();
  State state(p);
  Placement cur(n, Mode::kNone);
  Totals totals;

  struct Entry {
    double ratio;
    double gain;
    uint32_t point;
    Mode mode;
    uint64_t stamp;
    bool operator<(const Entry& o) const {
      if (ratio != o.ratio) return ratio < o.ratio;
      return point > o.point;  // deterministic tie-break: lower index first
    }
  };
  std::priority_queue<Entry> heap;
  uint64_t stamp = 0;
  Solution bestSingle;
  bestSingle.modes = cur;
  for (size_t i = 0; i < n; ++i) {
    for (Mode m : kModes) {
      if (!p.points[i].Allows(m)) continue;
      Delta d = Change(p, i, Mode::kNone, m);
      if (!Fits(c, totals, d)) continue;
      double g = state.Gain(i, m);
      if (g <= 0) continue;
      if (g > bestSingle.objective) {
        bestSingle.modes.assign(n, Mode::kNone);
        bestSingle.modes[i] = m;
        bestSingle.objective = g;
      }
      heap.push({g / NormalisedCost(c, d), g, static_cast<uint32_t>(i), m, stamp});
    }
  }
  while (!heap.empty()) {
    Entry e = heap.top();
    heap.pop();
    Mode from = cur[e.point];
    if (!Upgrades(from, e.mode)) continue;
    Delta d = Change(p, e.point, from, e.mode);
    if (!Fits(c, totals, d)) continue;  // totals only grow: it never fits again
    if (e.stamp != stamp) {
      e.gain = state.Gain(e.point, e.mode);
      e.ratio = e.gain / NormalisedCost(c, d);
      e.stamp = stamp;
      if (e.gain > 0) heap.push(e);
      continue;
    }
    if (e.gain <= 0) continue;
    state.Apply(e.point, e.mode, nullptr);
    cur[e.point] = e.mode;
    Add(totals, d);
    ++stamp;
    // The point's own upgrades now cost less: queue them afresh.
    if (e.mode != Mode::kBoth && p.points[e.point].Allows(Mode::kBoth)) {
      Delta d2 = Change(p, e.point, e.mode, Mode::kBoth);
      double g = state.Gain(e.point, Mode::kBoth);
      if (g > 0) heap.push({g / NormalisedCost(c, d2), g, e.point, Mode::kBoth, stamp});
    }
  }
  Solution greedy = MakeSolution(p, cur);
  if (bestSingle.objective > greedy.objective + 1e-9) return MakeSolution(p, bestSingle.modes);
  return greedy;
}

std::optional<Solution> ExactOptimise(const Problem& problemIn, const Constraints& c,
                                      uint64_t workLimit) {
  Problem p = WithConstraints(problemIn, c);
  const size_t n = p.points.size();
  State state(p);
  // Order points by their best standalone gain, largest first (good incumbents early).
  std::vector<double> standalone(n, 0.0);
  for (size_t i = 0; i < n; ++i) {
    for (Mode m : kModes) {
      if (p.points[i].Allows(m)) standalone[i] = std::max(standalone[i], state.Gain(i, m));
    }
  }
  std::vector<size_t> order(n);
  for (size_t i = 0; i < n; ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return standalone[a] > standalone[b]; });
  std::vector<double> suffix(n + 1, 0.0);
  for (size_t k = n; k-- > 0;) suffix[k] = suffix[k + 1] + standalone[order[k]];

  Solution incumbent = GreedyOptimise(p, c);
  double bestValue = incumbent.objective;
  Placement bestModes = incumbent.modes;
  Placement cur(n, Mode::kNone);
  Totals totals;
  std::vector<State::Undo> undo;
  uint64_t work = 0;
  bool aborted = false;
  constexpr double kEps = 1e-9;

  std::function<void(size_t)> dfs = [&](size_t k) {
    if (aborted) return;
    if (work > workLimit) {
      aborted = true;
      return;
    }
    double value = state.Value();
    if (value > bestValue + kEps) {
      bestValue = value;
      bestModes = cur;
    }
    if (k == n) return;
    if (value + suffix[k] <= bestValue + kEps) return;
    // Tighter bound: gains against the current state (submodularity: the sum bounds any
    // combination of the remaining points).
    double bound = value;
    for (size_t j = k; j < n; ++j) {
      double g = 0;
      for (Mode m : kModes) {
        if (p.points[order[j]].Allows(m)) g = std::max(g, state.Gain(order[j], m, &work));
      }
      bound += g;
    }
    if (bound <= bestValue + kEps) return;
    size_t i = order[k];
    for (Mode m : {Mode::kBoth, Mode::kFull, Mode::kFlow, Mode::kFlowLog}) {
      if (!p.points[i].Allows(m)) continue;
      Delta d = Change(p, i, Mode::kNone, m);
      if (!Fits(c, totals, d)) continue;
      size_t mark = undo.size();
      state.Apply(i, m, &undo);
      work += p.points[i].hits.size();
      cur[i] = m;
      Add(totals, d);
      dfs(k + 1);
      Add(totals, Delta{-d.storage, -d.cost, -d.devices});
      cur[i] = Mode::kNone;
      state.Revert(undo, mark, value);
      if (aborted) return;
    }
    dfs(k + 1);
  };
  dfs(0);
  if (aborted) return std::nullopt;
  return MakeSolution(p, bestModes);
}

Solution ExhaustiveOptimise(const Problem& problemIn, const Constraints& c) {
  Problem p = WithConstraints(problemIn, c);
  const size_t n = p.points.size();
  Placement cur(n, Mode::kNone);
  Solution best = MakeSolution(p, cur);
  std::function<void(size_t)> rec = [&](size_t k) {
    if (k == n) {
      if (!Feasible(p, c, cur)) return;
      double v = Objective(p, cur);
      if (v > best.objective + 1e-9) best = MakeSolution(p, cur);
      return;
    }
    for (Mode m : {Mode::kNone, Mode::kFlow, Mode::kFull, Mode::kBoth, Mode::kFlowLog}) {
      if (!p.points[k].Allows(m)) continue;
      cur[k] = m;
      rec(k + 1);
    }
    cur[k] = Mode::kNone;
  };
  rec(0);
  return best;
}

namespace {

// The online bound of the plan; on a large instance with a large certified gap, a local search
// within the time limit (its better plan replaces the greedy's).
void CertifyAndTighten(const Problem& problem, const Constraints& c, const TightenOptions& opt,
                       PlanResult& r) {
  // Reported even when the exact search proved optimality: the bound is what larger instances
  // get, and the report shows both.
  r.certificate = CertifyPlan(problem, c, r.best.modes);
  if (r.exactComplete || r.certificate.gap <= opt.gapThreshold ||
      problem.points.size() < opt.minCandidates) {
    return;
  }
  Solution better = Tighten(problem, c, r.best, opt, r.certificate, &r.tightening);
  if (better.objective > r.best.objective) r.best = better;
}

}  // namespace

PlanResult Optimise(const Problem& problem, const Constraints& c, const TightenOptions& tighten) {
  PlanResult r;
  r.greedy = GreedyOptimise(problem, c);
  r.best = r.greedy;
  if (problem.points.size() <= 20) {
    r.exactRan = true;
    auto exact = ExactOptimise(problem, c);
    if (exact) {
      r.exactComplete = true;
      if (exact->objective > r.best.objective) r.best = *exact;
      r.greedyGap = exact->objective > 0
                        ? std::max(0.0, (exact->objective - r.greedy.objective) / exact->objective)
                        : 0.0;
    }
  }
  CertifyAndTighten(problem, c, tighten, r);
  r.lowPriority = LowPriorityPoints(problem, c, r.best.modes);
  return r;
}

std::vector<bool> LowPriorityPoints(const Problem& problem, const Constraints& c,
                                    const Placement& plan) {
  Problem p = WithConstraints(problem, c);
  std::vector<bool> low(problem.points.size(), false);
  double total = Objective(p, plan);
  for (size_t i = 0; i < plan.size() && i < low.size(); ++i) {
    if (plan[i] != Mode::kFlow && plan[i] != Mode::kFlowLog) continue;
    Placement without = plan;
    without[i] = Mode::kNone;
    double own = total - Objective(p, without);
    low[i] = total > 0 && own < 0.05 * total;
  }
  return low;
}

namespace {

// Each point's bound sharpened with its neighbours' plans (any plan's bound is valid at any
// limit; a window keeps the cost to a few passes per point on large instances).
void SharpenCurve(const Problem& problem, const std::vector<double>& limits, bool storage,
                  double maxObj, std::vector<TradeOff>& curve) {
  constexpr size_t kWindow = 3;
  for (size_t i = 0; i < curve.size(); ++i) {
    Constraints c = problem.constraints;
    (storage ? c.storageBytes : c.maxCost) = limits[i];
    std::vector<Placement> others;
    for (size_t j = i > kWindow ? i - kWindow : 0; j < curve.size() && j <= i + kWindow; ++j) {
      if (j != i) others.push_back(curve[j].modes);
    }
    Certificate cert;
    cert.value = curve[i].objectiveShare * maxObj;
    cert.bound = curve[i].boundShare * maxObj;
    cert = Sharpen(problem, c, cert, others);
    curve[i].boundShare = maxObj > 0 ? cert.bound / maxObj : 0.0;
    curve[i].gapCertified = cert.gap;
  }
}

std::vector<TradeOff> Sweep(const Problem& problem, const std::vector<double>& limits,
                            bool storage) {
  std::vector<TradeOff> out;
  double maxObj = MaxObjective(problem);
  Solution prev;
  prev.modes.assign(problem.points.size(), Mode::kNone);
  for (double limit : limits) {
    Constraints c = problem.constraints;
    if (storage) {
      c.storageBytes = limit;
    } else {
      c.maxCost = limit;
    }
    Solution s = GreedyOptimise(problem, c);
    if (problem.points.size() <= 20) {
      auto e = ExactOptimise(problem, c, 50'000'000);
      if (e && e->objective > s.objective) s = *e;
    }
    // A smaller limit's plan is still feasible: never report less.
    if (prev.objective > s.objective && Feasible(problem, c, prev.modes)) s = prev;
    prev = s;
    TradeOff t;
    t.budget = limit;
    t.cost = s.cost;
    t.storage = s.storage;
    t.objectiveShare = maxObj > 0 ? s.objective / maxObj : 0.0;
    t.flowVisibility = Evaluate(WithConstraints(problem, c), s.modes).flowVisibility;
    Certificate cert = CertifyPlan(problem, c, s.modes);
    t.boundShare = maxObj > 0 ? cert.bound / maxObj : 0.0;
    t.gapCertified = cert.gap;
    t.modes = s.modes;
    out.push_back(t);
  }
  SharpenCurve(problem, limits, storage, maxObj, out);
  return out;
}

std::vector<double> Geometric(double lo, double hi, size_t steps) {
  std::vector<double> v;
  if (lo <= 0 || hi <= 0) return v;
  if (hi < lo) hi = lo;
  steps = std::max<size_t>(steps, 2);
  for (size_t i = 0; i < steps; ++i) {
    double t = static_cast<double>(i) / static_cast<double>(steps - 1);
    v.push_back(lo * std::pow(hi / lo, t));
  }
  return v;
}

}  // namespace

std::vector<TradeOff> StorageSweep(const Problem& problem, size_t steps) {
  double lo = 0, hi = 0;
  for (size_t i = 0; i < problem.points.size(); ++i) {
    double richest = 0;
    for (Mode m : kModes) {
      if (!problem.points[i].Allows(m)) continue;
      double s = problem.Storage(i, m);
      richest = std::max(richest, s);
      if (s > 0 && (lo == 0 || s < lo)) lo = s;
    }
    hi += richest;
  }
  return Sweep(problem, Geometric(lo, hi, steps), true);
}

std::vector<TradeOff> CostParetoFront(const Problem& problem, size_t steps) {
  double lo = 0, hi = 0;
  for (const auto& pt : problem.points) {
    double richest = 0;
    for (Mode m : kModes) {
      if (!pt.Allows(m)) continue;
      double cst = pt.Cost(m);
      richest = std::max(richest, cst);
      if (cst > 0 && (lo == 0 || cst < lo)) lo = cst;
    }
    hi += richest;
  }
  auto all = Sweep(problem, Geometric(lo, hi, steps), false);
  std::sort(all.begin(), all.end(), [](const TradeOff& a, const TradeOff& b) {
    return a.cost < b.cost || (a.cost == b.cost && a.objectiveShare > b.objectiveShare);
  });
  std::vector<TradeOff> front;
  double best = -1;
  for (const auto& t : all) {
    if (t.objectiveShare > best + 1e-12) {
      front.push_back(t);
      best = t.objectiveShare;
    }
  }
  return front;
}

CheapestUseful FindCheapestUseful(const Problem& problemIn, const Constraints& c) {
  Problem p = WithConstraints(problemIn, c);
  State state(p);
  CheapestUseful r;
  bool anyCapable = false, anyUseful = false;
  for (size_t i = 0; i < p.points.size(); ++i) {
    for (Mode m : kModes) {
      if (!p.points[i].Allows(m)) continue;
      anyCapable = true;
      if (state.Gain(i, m) <= 0) continue;
      anyUseful = true;
      double s = p.Storage(i, m);
      if (!r.found || s < r.storage || (s == r.storage && p.points[i].Cost(m) < r.cost)) {
        r.found = true;
        r.point = p.points[i].name;
        r.mode = m;
        r.storage = s;
        r.cost = p.points[i].Cost(m);
      }
    }
  }
  std::ostringstream why;
  if (!anyCapable) {
    why << "no candidate point can export flows or capture packets";
  } else if (!anyUseful) {
    why << "no candidate point observed any ground-truth flow";
  } else {
    std::vector<std::string> reasons;
    if (r.storage > c.storageBytes) {
      std::ostringstream s;
      s.precision(3);
      s << "the cheapest useful choice needs " << r.storage / 1e12 << " TB for the required "
        << "retention (flows " << c.flowRetentionDays << " days, full capture "
        << c.fullRetentionDays << " days) but the budget is " << c.storageBytes / 1e12 << " TB";
      reasons.push_back(s.str());
    }
    if (c.maxCost > 0 && r.cost > c.maxCost) {
      std::ostringstream s;
      s << "it costs " << r.cost << " units against a cost limit of " << c.maxCost;
      reasons.push_back(s.str());
    }
    for (size_t k = 0; k < reasons.size(); ++k) why << (k ? "; " : "") << reasons[k];
  }
  r.why = why.str();
  return r;
}

}  // namespace vantage::planner
