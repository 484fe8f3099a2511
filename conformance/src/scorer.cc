// Matching exported records to expected ones: records are grouped by flow key (ports dropped
// for ICMP, whose type and code are checked as a field), sorted by start, and clustered by
// time overlap within a small window; each cluster is a match (as many exported as expected,
// paired in order), a split, a merge, missing or unexpected records.
#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <unordered_map>

#include "vantage/conformance/score.h"

namespace vantage::conformance {
namespace {

bool IsIcmp(uint8_t proto) {
  return proto == 1 || proto == 58;
}

std::string ClassOf(const core::FlowKey& k) {
  const char* fam = k.src.IsV6() ? "ipv6" : "ipv4";
  switch (k.protocol) {
    case 6:
      return std::string("tcp/") + fam;
    case 17:
      return std::string("udp/") + fam;
    case 1:
    case 58:
      return std::string("icmp/") + fam;
    default:
      return std::string("other/") + fam;
  }
}

/// The key records are grouped by: the 5-tuple, without ports for ICMP; biflows oriented.
core::FlowKey GroupKey(const core::FlowRecord& r, bool orient) {
  core::FlowKey k;
  k.src = r.key.src;
  k.dst = r.key.dst;
  k.protocol = r.key.protocol;
  if (!IsIcmp(r.key.protocol)) {
    k.srcPort = r.key.srcPort;
    k.dstPort = r.key.dstPort;
  }
  if (orient) {
    core::FlowKey rk = k.Reversed();
    auto tie = [](const core::FlowKey& x) {
      return std::make_tuple(x.src.family, x.src.bytes, x.srcPort, x.dst.bytes, x.dstPort);
    };
    if (tie(rk) < tie(k)) k = rk;
  }
  return k;
}

uint16_t IcmpOf(const core::FlowRecord& r) {
  if (r.icmpType != 0 || r.icmpCode != 0)
    return static_cast<uint16_t>(r.icmpType << 8 | r.icmpCode);
  return r.key.dstPort;
}

struct Item {
  uint32_t group;
  int64_t start;
  int64_t end;
  uint32_t index;
  bool expected;
};

double Percentile(std::vector<double>& v, double q) {
  if (v.empty()) return 0;
  size_t i = static_cast<size_t>(q * static_cast<double>(v.size() - 1) + 0.5);
  std::nth_element(v.begin(), v.begin() + static_cast<long>(i), v.end());
  return v[i];
}

int CaseOf(const core::FlowKey& k, const std::vector<EdgeCase>* cases) {
  if (!cases) return -1;
  for (size_t i = 0; i < cases->size(); ++i)
    for (const auto& [net, len] : (*cases)[i].prefixes)
      if (k.src.InPrefix(net, len) || k.dst.InPrefix(net, len)) return static_cast<int>(i);
  return -1;
}

/// All the state of one scoring pass.
class Scorer {
 public:
  Scorer(const ExpectedSet& e, const std::vector<core::FlowRecord>& a, const Declaration& d,
         const std::vector<EdgeCase>* cases, const Classifier& classify)
      : m_exp(e.records), m_act(a), m_decl(d), m_cases(cases), m_classify(classify) {
    const int64_t res = d.timestampResolution.ns + d.timestampSlack.ns;
    m_tol = res;
    int64_t window = core::Duration::Seconds(1).ns;
    if (d.inactiveTimeout.ns > 0) window = std::min(window, d.inactiveTimeout.ns / 4);
    m_window = window + res;
    m_sampled = d.samplingInterval > 1;
    m_scale = m_sampled && !d.samplingScaled ? d.samplingInterval : 1;
    m_expCase.resize(m_exp.size());
    m_actCase.resize(m_act.size());
    if (cases) m_score.cases.resize(cases->size());
    for (size_t i = 0; cases && i < cases->size(); ++i) {
      m_score.cases[i].name = (*cases)[i].name;
      m_score.cases[i].description = (*cases)[i].description;
    }
  }

  Score Run() {
    Totals();
    BuildItems();
    Walk();
    Finish();
    return std::move(m_score);
  }

 private:
  // --- totals per class and per case
  void Totals() {
    auto add = [&](const core::FlowRecord& r, bool exp, int c) {
      auto bump = [&](conformance::Totals& t) {
        if (exp) {
          ++t.expectedFlows;
          t.expectedPackets += r.packets + r.reversePackets;
          t.expectedOctets += r.octets + r.reverseOctets;
        } else {
          ++t.actualFlows;
          t.actualPackets += (r.packets + r.reversePackets) * m_scale;
          t.actualOctets += (r.octets + r.reverseOctets) * m_scale;
        }
      };
      bump(m_score.totals);
      bump(m_score.classes[ClassOf(r.key)]);
      if (m_classify) {
        std::string app = m_classify(r.key);
        bump(m_score.classes["app:" + (app.empty() ? std::string("unlabelled") : app)]);
      }
      if (c >= 0) bump(m_score.classes["case:" + (*m_cases)[static_cast<size_t>(c)].name]);
    };
    for (size_t i = 0; i < m_exp.size(); ++i) {
      m_expCase[i] = CaseOf(m_exp[i].record.key, m_cases);
      add(m_exp[i].record, true, m_expCase[i]);
      if (m_expCase[i] >= 0) ++m_score.cases[static_cast<size_t>(m_expCase[i])].expected;
    }
    for (size_t i = 0; i < m_act.size(); ++i) {
      m_actCase[i] = CaseOf(m_act[i].key, m_cases);
      add(m_act[i], false, m_actCase[i]);
    }
  }

  void BuildItems() {
    const bool orient = m_decl.direction == Direction::kBiflow;
    std::unordered_map<core::FlowKey, uint32_t> groups;
    groups.reserve(m_exp.size() + m_act.size() / 4);
    m_items.reserve(m_exp.size() + m_act.size());
    auto groupOf = [&](const core::FlowRecord& r) {
      auto [it, inserted] =
          groups.emplace(GroupKey(r, orient), static_cast<uint32_t>(groups.size()));
      (void)inserted;
      return it->second;
    };
    for (size_t i = 0; i < m_exp.size(); ++i) {
      const auto& r = m_exp[i].record;
      m_items.push_back({groupOf(r), r.start.ns, r.end.ns, static_cast<uint32_t>(i), true});
    }
    for (size_t i = 0; i < m_act.size(); ++i) {
      const auto& r = m_act[i];
      int64_t s = std::min(r.start.ns, r.end.ns), e = std::max(r.start.ns, r.end.ns);
      m_items.push_back({groupOf(r), s, e, static_cast<uint32_t>(i), false});
    }
    std::sort(m_items.begin(), m_items.end(), [](const Item& a, const Item& b) {
      if (a.group != b.group) return a.group < b.group;
      if (a.start != b.start) return a.start < b.start;
      return a.expected > b.expected;
    });
  }

  // --- clusters: items of one group whose intervals touch within the window
  void Walk() {
    size_t i = 0;
    while (i < m_items.size()) {
      size_t j = i + 1;
      int64_t reach = m_items[i].end;
      while (j < m_items.size() && m_items[j].group == m_items[i].group &&
             m_items[j].start <= reach + m_window) {
        reach = std::max(reach, m_items[j].end);
        ++j;
      }
      Cluster(i, j);
      i = j;
    }
    // Timeout bounds need the consecutive exported records of each group: second pass.
    InferAcrossClusters();
  }

  bool Overlap(const core::FlowRecord& e, const core::FlowRecord& a) const {
    int64_t as = std::min(a.start.ns, a.end.ns), ae = std::max(a.start.ns, a.end.ns);
    return as <= e.end.ns + m_tol && e.start.ns <= ae + m_tol;
  }

  /// In a cluster where the counts differ, records that overlap nothing on the other side
  /// (with the strict timestamp tolerance) are missing or unexpected, not part of a split.
  void Prune(std::vector<uint32_t>& e, std::vector<uint32_t>& a, CaseVerdict* cv) {
    std::vector<uint32_t> keptE, keptA;
    for (uint32_t x : e) {
      bool any = false;
      for (uint32_t y : a) any = any || Overlap(m_exp[x].record, m_act[y]);
      if (any) {
        keptE.push_back(x);
      } else {
        ++m_score.missing;
        if (cv) ++cv->missing;
        Example("missing", m_exp[x].record);
      }
    }
    for (uint32_t y : a) {
      bool any = false;
      for (uint32_t x : e) any = any || Overlap(m_exp[x].record, m_act[y]);
      if (any) {
        keptA.push_back(y);
      } else {
        ++m_score.unexpected;
        if (cv) ++cv->unexpected;
        Example("unexpected", m_act[y]);
      }
    }
    e.swap(keptE);
    a.swap(keptA);
  }

  /// Pairs records whose times agree within the tolerance (and ICMP type/code; with
  /// `sameCounts` also packets), so a record dropped among overlapping ones of the same key is
  /// missing, not a merge, and records starting in the same millisecond pair correctly.
  void PairExact(std::vector<uint32_t>& e, std::vector<uint32_t>& a, CaseVerdict* cv,
                 bool sameCounts) {
    std::vector<uint32_t> restE;
    std::vector<bool> used(a.size(), false);
    for (uint32_t x : e) {
      const core::FlowRecord& r = m_exp[x].record;
      bool paired = false;
      for (size_t k = 0; k < a.size() && !paired; ++k) {
        const core::FlowRecord& q = m_act[a[k]];
        if (used[k] || std::llabs(q.start.ns - r.start.ns) > m_tol ||
            std::llabs(q.end.ns - r.end.ns) > m_tol || IcmpOf(q) != IcmpOf(r) ||
            (sameCounts && q.packets * m_scale != r.packets))
          continue;
        used[k] = paired = true;
        Pair(m_exp[x], q, cv);
      }
      if (!paired) restE.push_back(x);
    }
    std::vector<uint32_t> restA;
    for (size_t k = 0; k < a.size(); ++k)
      if (!used[k]) restA.push_back(a[k]);
    e.swap(restE);
    a.swap(restA);
  }

  void Cluster(size_t from, size_t to) {
    std::vector<uint32_t> e, a;
    for (size_t k = from; k < to; ++k) (m_items[k].expected ? e : a).push_back(m_items[k].index);
    if (!e.empty() && !a.empty() && e.size() * a.size() > 1 && e.size() * a.size() < 4096) {
      const int c0 = m_expCase[e[0]];
      CaseVerdict* cv0 = c0 >= 0 ? &m_score.cases[static_cast<size_t>(c0)] : nullptr;
      if (!m_sampled) PairExact(e, a, cv0, true);
      PairExact(e, a, cv0, false);
      if (e.empty() && a.empty()) return;
      if (e.size() != a.size()) Prune(e, a, cv0);
      if (e.empty() || a.empty()) {
        m_score.missing += e.size();
        m_score.unexpected += a.size();
        if (cv0) cv0->missing += e.size(), cv0->unexpected += a.size();
        return;
      }
    }
    const int c = !e.empty() ? m_expCase[e[0]] : m_actCase[a[0]];
    CaseVerdict* cv = c >= 0 ? &m_score.cases[static_cast<size_t>(c)] : nullptr;
    if (a.empty()) {
      m_score.missing += e.size();
      if (cv) cv->missing += e.size();
      Example("missing", m_exp[e[0]].record);
      return;
    }
    if (e.empty()) {
      m_score.unexpected += a.size();
      if (cv) cv->unexpected += a.size();
      Example("unexpected", m_act[a[0]]);
      return;
    }
    if (e.size() == a.size()) {
      for (size_t k = 0; k < e.size(); ++k) Pair(m_exp[e[k]], m_act[a[k]], cv);
      return;
    }
    uint64_t ep = 0, eo = 0, ap = 0, ao = 0;
    for (uint32_t x : e) ep += m_exp[x].record.packets, eo += m_exp[x].record.octets;
    for (uint32_t x : a) ap += m_act[x].packets * m_scale, ao += m_act[x].octets * m_scale;
    bool countsDiffer = !CountOk(ep, ap) || !OctetsOk(ep, eo, ao);
    if (countsDiffer) {
      ++m_score.counterErrors;
      if (cv) ++cv->counterErrors;
    }
    if (a.size() > e.size()) {
      m_score.split += e.size();
      if (cv) cv->split += e.size();
      Example("split into " + std::to_string(a.size()), m_exp[e[0]].record);
    } else {
      m_score.merged += e.size();
      if (cv) cv->merged += e.size();
      Example("merged " + std::to_string(e.size()) + " into " + std::to_string(a.size()),
              m_exp[e[0]].record);
      if (a.size() == 1) {  // the gaps the exporter did not end the record on
        for (size_t k = 0; k + 1 < e.size(); ++k)
          NoteIdleLower(m_exp[e[k + 1]].record.start.ns - m_exp[e[k]].record.end.ns);
        for (uint32_t x : e) NoteIdleLower(m_exp[x].maxGapNs);
      }
    }
    for (uint32_t x : a) NoteActiveLower(m_act[x]);
  }

  // --- per-pair checks
  double PacketBound(uint64_t expected) const {
    if (!m_sampled) return 0;
    const double n = static_cast<double>(expected), N = m_decl.samplingInterval;
    return 4.0 * std::sqrt(n * (N - 1)) + N;
  }
  bool CountOk(uint64_t expected, uint64_t actual) const {
    if (!m_sampled) return expected == actual;
    return std::fabs(static_cast<double>(actual) - static_cast<double>(expected)) <=
           PacketBound(expected);
  }
  bool OctetsOk(uint64_t expectedPackets, uint64_t expected, uint64_t actual) const {
    if (!m_sampled) return expected == actual;
    double rel = expectedPackets ? PacketBound(expectedPackets) / expectedPackets : 1.0;
    return std::fabs(static_cast<double>(actual) - static_cast<double>(expected)) <=
           rel * static_cast<double>(expected) + 1500.0 * m_decl.samplingInterval;
  }

  void Check(Field f, bool ok, CaseVerdict* cv, bool* anyFailed) {
    if (!m_decl.Has(f)) return;
    FieldCheck& fc = m_score.fields[FieldName(f)];
    ++fc.checked;
    if (!ok) {
      ++fc.failed;
      *anyFailed = true;
      if (cv && f != Field::kPackets && f != Field::kOctets && f != Field::kStart &&
          f != Field::kEnd)
        ++cv->fieldErrors;
    }
  }

  bool TimeOk(int64_t actual, int64_t expected, int64_t lo, int64_t hi) const {
    if (!m_sampled) return std::llabs(actual - expected) <= m_tol;
    return actual >= lo - m_tol && actual <= hi + m_tol;
  }

  void Pair(const ExpectedRecord& x, const core::FlowRecord& a, CaseVerdict* cv) {
    const core::FlowRecord& e = x.record;
    ++m_score.matched;
    if (cv) ++cv->matched;
    bool failed = false;
    bool pk = CountOk(e.packets, a.packets * m_scale);
    bool oc = OctetsOk(e.packets, e.octets, a.octets * m_scale);
    Check(Field::kPackets, pk, cv, &failed);
    Check(Field::kOctets, oc, cv, &failed);
    if ((!pk && m_decl.Has(Field::kPackets)) || (!oc && m_decl.Has(Field::kOctets))) {
      ++m_score.counterErrors;
      if (cv) ++cv->counterErrors;
      Example("counters pkts " + std::to_string(a.packets) + " octets " + std::to_string(a.octets) +
                  " for",
              e);
    }
    bool st = TimeOk(a.start.ns, e.start.ns, e.start.ns, e.end.ns);
    bool en = TimeOk(a.end.ns, e.end.ns, e.start.ns, e.end.ns);
    Check(Field::kStart, st, cv, &failed);
    Check(Field::kEnd, en, cv, &failed);
    if (m_decl.Has(Field::kStart)) m_startErr.push_back((a.start.ns - e.start.ns) / 1e6);
    if (m_decl.Has(Field::kEnd)) m_endErr.push_back((a.end.ns - e.end.ns) / 1e6);
    if (((!st && m_decl.Has(Field::kStart)) || (!en && m_decl.Has(Field::kEnd)))) {
      if (cv) ++cv->timestampErrors;
      Example("timestamps off by " + std::to_string((a.start.ns - e.start.ns) / 1000000) + "/" +
                  std::to_string((a.end.ns - e.end.ns) / 1000000) + " ms for",
              e);
    }
    if (IsIcmp(e.key.protocol)) Check(Field::kIcmp, IcmpOf(a) == IcmpOf(e), cv, &failed);
    if (e.key.protocol == 6) {
      bool flagsOk = m_sampled ? (a.tcpFlags & ~e.tcpFlags) == 0 : a.tcpFlags == e.tcpFlags;
      Check(Field::kTcpFlags, flagsOk, cv, &failed);
    }
    Check(Field::kTos, a.key.tos == e.key.tos, cv, &failed);
    // A sampling exporter never sees the unsampled FIN or the last packet: no end reason.
    if (!m_sampled) Check(Field::kEndReason, a.endReason == e.endReason, cv, &failed);
    if (m_decl.direction == Direction::kBiflow) {
      bool same = a.key.src == e.key.src;
      uint64_t rp = same ? a.reversePackets : a.packets, rpe = e.reversePackets;
      Check(Field::kReverseCounters, CountOk(rpe, rp * m_scale), cv, &failed);
    }
    if (failed && !(!pk || !oc)) Example("field mismatch for", e);
    NoteIdleLower(x.maxGapNs);
    NoteActiveLower(a);
  }

  // --- timeout inference
  void NoteIdleLower(int64_t gap) { m_idleLower = std::max(m_idleLower, gap); }
  void NoteActiveLower(const core::FlowRecord& a) {
    m_activeLower = std::max(m_activeLower, a.end.ns - a.start.ns);
  }

  void InferAcrossClusters() {
    // Consecutive exported records of one key: a short gap means an active-timeout cut
    // (start-to-start bounds the active timeout), a long one an idle cut (the gap bounds
    // the inactive timeout), unless the earlier record ended on FIN or RST.
    const Item* prev = nullptr;
    for (const Item& it : m_items) {
      if (it.expected) continue;
      if (prev && prev->group == it.group) {
        const core::FlowRecord& p = m_act[prev->index];
        const int64_t gap = it.start - prev->end;
        bool tcpEnd = p.key.protocol == 6 && (p.tcpFlags & 0x05) != 0;
        // A record cut by the active timeout lasted about as long as the longest one seen.
        bool longLived = prev->end - prev->start + m_idleLower + m_tol >= m_activeLower;
        if (!tcpEnd && gap > 0) {
          if (gap > m_idleLower + m_tol)
            m_idleUpper = std::min(m_idleUpper, gap);
          else if (longLived)
            m_activeUpper = std::min(m_activeUpper, it.start - prev->start);
        }
      }
      prev = &it;
    }
  }

  InferredTimeout MakeTimeout(core::Duration declared, int64_t lower, int64_t upper) const {
    InferredTimeout t;
    t.declaredS = declared.ToSeconds();
    t.lowerS = lower / 1e9;
    t.upperS = upper == INT64_MAX ? -1 : upper / 1e9;
    const int64_t tol = m_tol + 1000000;
    if (declared.ns == 0) {
      t.consistent = upper == INT64_MAX;
      if (!t.consistent) t.note = "declared none, but records end after gaps or durations";
    } else {
      t.consistent =
          declared.ns + tol >= lower && (upper == INT64_MAX || declared.ns <= upper + tol);
      if (!t.consistent) t.note = "declared value outside the bounds the output shows";
    }
    return t;
  }

  // --- results
  void Example(const std::string& what, const core::FlowRecord& r) {
    if (m_score.examples.size() >= 20) return;
    m_score.examples.push_back(what + " " + r.key.ToString() + " pkts=" +
                               std::to_string(r.packets) + " start=" + r.start.ToIso8601());
  }

  ErrorDistribution Distribution(std::vector<double>& v) const {
    ErrorDistribution d;
    d.count = v.size();
    d.toleranceMs = m_tol / 1e6;
    double sum = 0;
    for (double& x : v) {
      sum += x;
      if (std::fabs(x) > d.toleranceMs + 1e-9) ++d.outOfTolerance;
      x = std::fabs(x);
    }
    if (v.empty()) return d;
    d.mean = sum / static_cast<double>(v.size());
    d.p50 = Percentile(v, 0.5);
    d.p90 = Percentile(v, 0.9);
    d.p99 = Percentile(v, 0.99);
    d.max = *std::max_element(v.begin(), v.end());
    return d;
  }

  void SamplingBounds() {
    if (!m_sampled) return;
    const double q1 = 1.0 - 1.0 / m_decl.samplingInterval;
    double mean = 0, var = 0;
    for (const auto& x : m_exp) {
      double q = std::pow(q1, static_cast<double>(x.record.packets + x.record.reversePackets));
      mean += q;
      var += q * (1 - q);
    }
    m_score.allowedMissing = mean + 4 * std::sqrt(var) + 1;
    m_score.packetBound = PacketBound(m_score.totals.expectedPackets);
  }

  void Verdicts();
  void Finish();

  const std::vector<ExpectedRecord>& m_exp;
  const std::vector<core::FlowRecord>& m_act;
  const Declaration& m_decl;
  const std::vector<EdgeCase>* m_cases;
  const Classifier& m_classify;
  std::vector<int> m_expCase, m_actCase;
  std::vector<Item> m_items;
  std::vector<double> m_startErr, m_endErr;
  int64_t m_tol = 0, m_window = 0;
  bool m_sampled = false;
  uint64_t m_scale = 1;
  int64_t m_idleLower = 0, m_idleUpper = INT64_MAX;
  int64_t m_activeLower = 0, m_activeUpper = INT64_MAX;
  Score m_score;
};

void Scorer::Verdicts() {
  for (auto& c : m_score.cases) {
    std::vector<std::string> why;
    auto note = [&](uint64_t n, const char* what) {
      if (n) why.push_back(std::to_string(n) + " " + what);
    };
    note(c.missing, "missing");
    note(c.unexpected, "unexpected");
    note(c.split, "split");
    note(c.merged, "merged");
    note(c.counterErrors, "counter errors");
    note(c.fieldErrors, "field errors");
    note(c.timestampErrors, "timestamp errors");
    if (c.expected == 0) why.push_back("no expected records in the input");
    c.pass = why.empty();
    for (size_t i = 0; i < why.size(); ++i) c.reason += (i ? ", " : "") + why[i];
  }
}

void Scorer::Finish() {
  Score& s = m_score;
  s.startError = Distribution(m_startErr);
  s.endError = Distribution(m_endErr);
  s.inactive = MakeTimeout(m_decl.inactiveTimeout, m_idleLower, m_idleUpper);
  s.active = MakeTimeout(m_decl.activeTimeout, m_activeLower, m_activeUpper);
  SamplingBounds();
  Verdicts();
  s.declaration = DeclarationToYaml(m_decl);
  s.exporter = m_decl.exporter;
  auto fail = [&](bool bad, const std::string& why) {
    if (bad) s.failures.push_back(why);
  };
  if (m_sampled) {
    fail(static_cast<double>(s.missing) > s.allowedMissing,
         std::to_string(s.missing) + " records missing (sampling allows " +
             std::to_string(static_cast<uint64_t>(s.allowedMissing)) + ")");
    double dp = std::fabs(static_cast<double>(s.totals.actualPackets) -
                          static_cast<double>(s.totals.expectedPackets));
    fail(dp > s.packetBound, "total packets outside the sampling bound");
  } else {
    fail(s.missing > 0, std::to_string(s.missing) + " expected records missing");
    fail(s.split > 0, std::to_string(s.split) + " expected records split");
    fail(s.merged > 0, std::to_string(s.merged) + " expected records merged");
  }
  fail(s.unexpected > 0, std::to_string(s.unexpected) + " unexpected records");
  fail(s.counterErrors > 0, std::to_string(s.counterErrors) + " records with counter errors");
  for (const auto& [name, fc] : s.fields)
    fail(fc.failed > 0, "field " + name + ": " + std::to_string(fc.failed) + " of " +
                            std::to_string(fc.checked) + " checks failed");
  if (s.totals.expectedFlows == 0) s.problems.push_back("the input holds no IP packets to meter");
  if (s.totals.actualFlows == 0 && s.totals.expectedFlows > 0)
    s.problems.push_back("the exporter emitted no records");
  s.conforms = s.scoreable && s.failures.empty() && s.totals.expectedFlows > 0;
}

}  // namespace

Score ScoreRecords(const ExpectedSet& expected, const std::vector<core::FlowRecord>& actual,
                   const Declaration& declaration, const std::vector<EdgeCase>* cases,
                   const Classifier& classify) {
  Score s = Scorer(expected, actual, declaration, cases, classify).Run();
  s.input = expected.input.name;
  return s;
}

}  // namespace vantage::conformance
