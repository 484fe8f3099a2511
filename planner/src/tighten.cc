// Tightening a certified gap on large instances: a local search that downgrades or removes one
// point and upgrades or adds another (a mode swap), within a wall-time limit, re-certifying the
// plan after every improving move (each plan's bound is valid, so the smallest one is kept).
#include <algorithm>
#include <chrono>
#include <optional>

#include "value.h"
#include "vantage/planner/bound.h"
#include "vantage/planner/metrics.h"
#include "vantage/planner/optimiser.h"

namespace vantage::planner {
namespace {

constexpr Mode kAllModes[] = {Mode::kFlow, Mode::kFull, Mode::kBoth, Mode::kFlowLog};

bool IsUpgrade(Mode from, Mode to) {
  if (from == to) return false;
  if (from == Mode::kNone) return to != Mode::kNone;
  return from != Mode::kFlowLog && to == Mode::kBoth;
}

// Modes a chosen point can be reduced to.
std::vector<Mode> Downgrades(Mode m) {
  if (m == Mode::kBoth) return {Mode::kNone, Mode::kFlow, Mode::kFull};
  if (m == Mode::kNone) return {};
  return {Mode::kNone};
}

struct Resources {
  double storage = 0, cost = 0;
  int64_t devices = 0;
};

// Per flow the best and second-best quality over distinct chosen points and how many chosen
// points capture it in full: enough to price removing one point and adding another exactly.
class SwapSearch {
 public:
  SwapSearch(const Problem& p, const Constraints& c, const Placement& start)
      : m_p(p), m_c(c), m_cur(start) {
    const size_t nf = p.flows.size();
    m_flowValue.resize(nf);
    m_fullValue.resize(nf);
    for (size_t f = 0; f < nf; ++f) {
      m_flowValue[f] = detail::FlowValue(p, p.flows[f]);
      m_fullValue[f] = detail::FullValue(p, p.flows[f]);
    }
    BuildIndex();
    m_a1.assign(nf, 0.0);
    m_a2.assign(nf, 0.0);
    m_p1.assign(nf, -1);
    m_fc.assign(nf, 0);
    m_effA.assign(nf, 0.0);
    m_effFull.assign(nf, 0);
    m_stamp.assign(nf, 0);
    for (size_t f = 0; f < nf; ++f) Recompute(static_cast<uint32_t>(f));
    for (size_t i = 0; i < m_cur.size(); ++i) Account(i, Mode::kNone, m_cur[i]);
  }

  const Placement& Current() const { return m_cur; }

  /// One sweep of removal options (none first, then cheapest losses); commits the first one
  /// whose best partner move improves the plan. False at a local optimum or the deadline.
  bool Improve(std::chrono::steady_clock::time_point deadline, bool* timedOut);

 private:
  struct Move {
    double delta = 0;
    int64_t remove = -1;
    Mode removeTo = Mode::kNone;
    size_t add = 0;
    Mode addTo = Mode::kNone;
  };

  void BuildIndex();
  void Recompute(uint32_t f);
  void Account(size_t i, Mode from, Mode to);
  double PrepareRemoval(size_t i, Mode to);
  double AddGain(size_t j, Mode m) const;
  bool FitsAfter(const Move& mv) const;
  void Commit(const Move& mv);
  std::optional<Move> BestPartner(int64_t remove, Mode removeTo, double loss) const;

  const Problem& m_p;
  const Constraints& m_c;
  Placement m_cur;
  Resources m_used;
  std::vector<double> m_flowValue, m_fullValue;
  std::vector<size_t> m_offset;                         // CSR index flow -> (point, hit)
  std::vector<std::pair<uint32_t, uint32_t>> m_byFlow;  // (point, hit index)
  std::vector<double> m_a1, m_a2;
  std::vector<int32_t> m_p1;
  std::vector<uint32_t> m_fc;
  // Scratch state with one point removed or downgraded (valid where m_stamp == m_epoch).
  std::vector<double> m_effA;
  std::vector<uint8_t> m_effFull;
  std::vector<uint64_t> m_stamp;
  uint64_t m_epoch = 1;
};

void SwapSearch::BuildIndex() {
  const size_t nf = m_p.flows.size();
  m_offset.assign(nf + 1, 0);
  for (const auto& pt : m_p.points) {
    for (const Hit& h : pt.hits) ++m_offset[h.flow + 1];
  }
  for (size_t f = 0; f < nf; ++f) m_offset[f + 1] += m_offset[f];
  m_byFlow.resize(m_offset[nf]);
  std::vector<size_t> fill(m_offset.begin(), m_offset.end() - 1);
  for (size_t i = 0; i < m_p.points.size(); ++i) {
    const auto& hits = m_p.points[i].hits;
    for (size_t k = 0; k < hits.size(); ++k) {
      m_byFlow[fill[hits[k].flow]++] = {static_cast<uint32_t>(i), static_cast<uint32_t>(k)};
    }
  }
}

void SwapSearch::Recompute(uint32_t f) {
  double a1 = 0, a2 = 0;
  int32_t p1 = -1;
  uint32_t fc = 0;
  for (size_t k = m_offset[f]; k < m_offset[f + 1]; ++k) {
    auto [pt, hit] = m_byFlow[k];
    Mode m = m_cur[pt];
    if (m == Mode::kNone) continue;
    const Hit& h = m_p.points[pt].hits[hit];
    double q = detail::VisibilityQuality(m_p, h, m);
    if (q > a1) {
      a2 = a1;
      a1 = q;
      p1 = static_cast<int32_t>(pt);
    } else if (q > a2) {
      a2 = q;
    }
    fc += detail::Captures(h, m) ? 1 : 0;
  }
  m_a1[f] = a1;
  m_a2[f] = a2;
  m_p1[f] = p1;
  m_fc[f] = fc;
}

void SwapSearch::Account(size_t i, Mode from, Mode to) {
  m_used.storage += m_p.Storage(i, to) - m_p.Storage(i, from);
  m_used.cost += m_p.points[i].Cost(to) - m_p.points[i].Cost(from);
  m_used.devices += (UsesDevice(to) ? 1 : 0) - (UsesDevice(from) ? 1 : 0);
}

// Fills the scratch state "point i reduced to `to`" and returns the value lost.
double SwapSearch::PrepareRemoval(size_t i, Mode to) {
  ++m_epoch;
  Mode from = m_cur[i];
  double loss = 0;
  for (const Hit& h : m_p.points[i].hits) {
    uint32_t f = h.flow;
    bool losesFull = detail::Captures(h, from) && !detail::Captures(h, to);
    double a = m_a1[f];
    if (m_p1[f] == static_cast<int32_t>(i)) {
      a = std::max(m_a2[f], to == Mode::kNone ? 0.0 : detail::VisibilityQuality(m_p, h, to));
    }
    loss += m_flowValue[f] * (m_a1[f] - a);
    bool full = m_fc[f] > (losesFull ? 1u : 0u);
    if (m_fc[f] > 0 && !full) loss += m_fullValue[f];
    m_effA[f] = a;
    m_effFull[f] = full ? 1 : 0;
    m_stamp[f] = m_epoch;
  }
  return loss;
}

double SwapSearch::AddGain(size_t j, Mode m) const {
  double g = 0;
  for (const Hit& h : m_p.points[j].hits) {
    uint32_t f = h.flow;
    bool scratch = m_stamp[f] == m_epoch;
    double a = scratch ? m_effA[f] : m_a1[f];
    bool full = scratch ? m_effFull[f] != 0 : m_fc[f] > 0;
    double q = detail::VisibilityQuality(m_p, h, m);
    if (q > a) g += m_flowValue[f] * (q - a);
    if (detail::Captures(h, m) && !full) g += m_fullValue[f];
  }
  return g;
}

bool SwapSearch::FitsAfter(const Move& mv) const {
  Resources r = m_used;
  auto change = [&](size_t i, Mode from, Mode to) {
    r.storage += m_p.Storage(i, to) - m_p.Storage(i, from);
    r.cost += m_p.points[i].Cost(to) - m_p.points[i].Cost(from);
    r.devices += (UsesDevice(to) ? 1 : 0) - (UsesDevice(from) ? 1 : 0);
  };
  Mode addFrom = m_cur[mv.add];
  if (mv.remove >= 0) {
    auto ri = static_cast<size_t>(mv.remove);
    change(ri, m_cur[ri], mv.removeTo);
    if (ri == mv.add) addFrom = mv.removeTo;
  }
  change(mv.add, addFrom, mv.addTo);
  if (r.storage > m_c.storageBytes * (1 + 1e-9) + 1e-6) return false;
  if (m_c.maxCost > 0 && r.cost > m_c.maxCost * (1 + 1e-9)) return false;
  return m_c.maxDevices == 0 || r.devices <= static_cast<int64_t>(m_c.maxDevices);
}

std::optional<SwapSearch::Move> SwapSearch::BestPartner(int64_t remove, Mode removeTo,
                                                        double loss) const {
  std::optional<Move> best;
  for (size_t j = 0; j < m_p.points.size(); ++j) {
    Mode from = remove == static_cast<int64_t>(j) ? removeTo : m_cur[j];
    for (Mode m : kAllModes) {
      if (!m_p.points[j].Allows(m) || !IsUpgrade(from, m)) continue;
      Move mv{0, remove, removeTo, j, m};
      if (!FitsAfter(mv)) continue;
      mv.delta = AddGain(j, m) - loss;
      if (!best || mv.delta > best->delta) best = mv;
    }
  }
  return best;
}

void SwapSearch::Commit(const Move& mv) {
  std::vector<uint32_t> touched;
  auto set = [&](size_t i, Mode to) {
    Account(i, m_cur[i], to);
    m_cur[i] = to;
    for (const Hit& h : m_p.points[i].hits) touched.push_back(h.flow);
  };
  if (mv.remove >= 0) set(static_cast<size_t>(mv.remove), mv.removeTo);
  set(mv.add, mv.addTo);
  for (uint32_t f : touched) Recompute(f);
}

bool SwapSearch::Improve(std::chrono::steady_clock::time_point deadline, bool* timedOut) {
  // Removal options, cheapest loss first; "remove nothing" (pure additions) before all.
  struct Option {
    double loss;
    int64_t point;
    Mode to;
  };
  std::vector<Option> options = {{0.0, -1, Mode::kNone}};
  for (size_t i = 0; i < m_cur.size(); ++i) {
    for (Mode to : Downgrades(m_cur[i])) {
      options.push_back({PrepareRemoval(i, to), static_cast<int64_t>(i), to});
    }
  }
  std::stable_sort(options.begin() + 1, options.end(),
                   [](const Option& a, const Option& b) { return a.loss < b.loss; });
  double scale = std::max(1.0, Objective(m_p, m_cur));
  for (const Option& o : options) {
    if (std::chrono::steady_clock::now() > deadline) {
      *timedOut = true;
      return false;
    }
    double loss = 0;
    if (o.point >= 0) {
      loss = PrepareRemoval(static_cast<size_t>(o.point), o.to);
    } else {
      ++m_epoch;  // no scratch: the current state
    }
    auto mv = BestPartner(o.point, o.to, loss);
    if (mv && mv->delta > 1e-9 * scale) {
      Commit(*mv);
      return true;
    }
  }
  return false;
}

Solution SolutionOf(const Problem& p, const Placement& modes) {
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

}  // namespace

Solution Tighten(const Problem& problemIn, const Constraints& c, const Solution& start,
                 const TightenOptions& options, Certificate& cert, Tightening* report) {
  using Clock = std::chrono::steady_clock;
  const auto t0 = Clock::now();
  const auto deadline = t0 + std::chrono::duration_cast<Clock::duration>(
                                 std::chrono::duration<double>(std::max(0.0, options.seconds)));
  Problem p = problemIn;
  p.constraints = c;
  Tightening t;
  t.ran = true;
  Certificate startCert = CertifyPlan(p, c, start.modes);
  cert = cert.bound > 0 ? Combine(cert, startCert) : startCert;
  t.valueBefore = cert.value;
  t.gapBefore = cert.gap;
  SwapSearch search(p, c, start.modes);
  bool timedOut = false;
  t.stoppedBy = "local optimum";
  while (cert.gap > options.gapThreshold) {
    if (!search.Improve(deadline, &timedOut)) {
      if (timedOut) t.stoppedBy = "time limit";
      break;
    }
    ++t.moves;
    cert = Combine(cert, CertifyPlan(p, c, search.Current()));
  }
  if (cert.gap <= options.gapThreshold) t.stoppedBy = "target gap reached";
  Solution best = start;
  if (t.moves > 0) {
    Solution reached = SolutionOf(p, search.Current());
    if (reached.objective > start.objective) best = reached;
  }
  cert.value = best.objective;
  cert.gap = cert.bound > 0 ? std::max(0.0, 1.0 - cert.value / cert.bound) : 0.0;
  t.valueAfter = best.objective;
  t.gapAfter = cert.gap;
  t.seconds = std::chrono::duration<double>(Clock::now() - t0).count();
  if (report) *report = t;
  return best;
}

}  // namespace vantage::planner
