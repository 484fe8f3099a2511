// Flow-log blind spots: ground truth vs a point's IPFIX vs its flow log, and their report
// section.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>

#include "report-document.h"
#include "report-util.h"
#include "vantage/planner/blind-spots.h"
#include "vantage/planner/flow-log-observations.h"
#include "vantage/planner/report.h"

namespace vantage::planner {
namespace {

// What each kind of blind spot is, once (titles for tables, why for the sentences).
struct KindText {
  const char* kind;
  const char* title;
  const char* why;
};
constexpr KindText kKinds[] = {
    {"provider-dns", "DNS through the provider's resolver",
     "the provider does not log queries to its own resolver, so DNS tunnelling through it "
     "leaves no record"},
    {"metadata-service", "instance metadata service",
     "traffic to 169.254.169.254 is never logged (credential theft through it is invisible)"},
    {"time-service", "provider time service", "traffic to 169.254.169.123 is never logged"},
    {"dhcp", "DHCP", "DHCP with the provider's servers is never logged"},
    {"link-local", "link-local services", "link-local traffic to the provider is never logged"},
    {"filtered", "left out by the traffic type",
     "the log keeps only the configured traffic type (ACCEPT or REJECT)"},
    {"sampled-out", "sampled out", "flow sampling drew none of their records"},
    {"not-logged", "not in the log", "the log has no record of them"},
    {"nat-attribution", "original source behind a cloud NAT",
     "the log names the NAT's address, not the instance behind it"},
    {"merged-in-window", "merged in an aggregation window",
     "flows of one 5-tuple within one window are one record"},
    {"split-across-windows", "split across windows",
     "a flow longer than a window is a record per window, with no end of flow"},
    {"durations-rounded", "durations blurred",
     "record start and end are those of the packets in each window, in the log's resolution"},
    {"skip-data", "records skipped by the provider", "SKIPDATA: the provider dropped records"},
    {"delivery-delay", "delivery delay", "records arrive after their window closes"},
};

const KindText& TextOf(const std::string& kind) {
  for (const auto& k : kKinds) {
    if (kind == k.kind) return k;
  }
  return kKinds[7];
}

size_t Rank(const std::string& kind) {
  for (size_t i = 0; i < std::size(kKinds); ++i) {
    if (kind == kKinds[i].kind) return i;
  }
  return std::size(kKinds);
}

std::string Count(uint64_t n, const char* noun) {
  return fmt::format("{} {}{}", n, noun, n == 1 ? "" : "s");
}

std::string Flows(uint64_t n) {
  return Count(n, "flow");
}

std::string Example(const GroundTruthFlow& g) {
  const char* proto = g.protocol == 6 ? "tcp" : g.protocol == 17 ? "udp" : "ip";
  return fmt::format("{}:{} -> {}:{}/{}", g.srcIp.ToString(), g.srcPort, g.dstIp.ToString(),
                     g.dstPort, proto);
}

std::string Behaviours(const BlindSpot& s) {
  std::string out;
  for (const auto& [b, n] : s.behaviours)
    out += fmt::format("{}{} ({})", out.empty() ? "" : ", ", b, n);
  return out;
}

// Per kind: the flows concerned and, for some, a number to quote.
struct Tally {
  BlindSpot spot;
  double maxValue = 0;    // most windows of a split flow, largest duration error
  uint64_t tapNamed = 0;  // nat-attribution: flows the exporter names directly
  uint64_t records = 0;   // merged-in-window: records those flows make
  std::map<std::string, std::vector<int64_t>> starts;  // merged: behaviour -> flow starts
};

class Builder {
 public:
  Builder(const RunData& run, const PointObservation& obs) : m_run(run), m_obs(obs) {
    for (const auto& m : obs.matches) m_tapWeight += run.GroupScale(run.flows[m.flow].srcGroup);
  }

  Tally& Add(const std::string& kind, uint32_t flow) {
    const GroundTruthFlow& g = m_run.flows[flow];
    Tally& t = m_byKind[kind];
    t.spot.kind = kind;
    ++t.spot.flows;
    if (m_tapWeight > 0) t.spot.share += m_run.GroupScale(g.srcGroup) / m_tapWeight;
    if (!g.behaviour.empty()) ++t.spot.behaviours[g.behaviour];
    if (t.spot.examples.size() < 3) t.spot.examples.push_back(Example(g));
    return t;
  }

  void Flow(const FlowMatch& tap, const FlowLogMatch* log) {
    const GroundTruthFlow& g = m_run.flows[tap.flow];
    if (log == nullptr) {
      Add(UnloggedReason(g, m_obs.flowLog), tap.flow);
      return;
    }
    if (g.Natted() && !log->direct) Add("nat-attribution", tap.flow).tapNamed += tap.direct ? 1 : 0;
    if (log->sharedWith > 1) {
      Tally& t = Add("merged-in-window", tap.flow);
      t.records += log->records;
      if (!g.behaviour.empty()) t.starts[g.behaviour].push_back(g.startNs);
    }
    if (log->windows > 1) {
      Tally& t = Add("split-across-windows", tap.flow);
      t.maxValue = std::max(t.maxValue, static_cast<double>(log->windows));
    }
    if (log->records > 0) {
      double logS = static_cast<double>(log->lastNs - log->firstNs) / 1e9;
      double trueS = static_cast<double>(std::max(g.endNs, g.startNs) - g.startNs) / 1e9;
      double error = std::fabs(logS - trueS);
      if (error >= 0.5) {
        Tally& t = Add("durations-rounded", tap.flow);
        t.maxValue = std::max(t.maxValue, error);
      }
    }
  }

  std::map<std::string, Tally>& Tallies() { return m_byKind; }

 private:
  const RunData& m_run;
  const PointObservation& m_obs;
  double m_tapWeight = 0;
  std::map<std::string, Tally> m_byKind;
};

// Median gap between consecutive starts, in seconds (-1 with fewer than two).
double MedianPeriodS(std::vector<int64_t> starts) {
  if (starts.size() < 2) return -1;
  std::sort(starts.begin(), starts.end());
  std::vector<int64_t> gaps;
  for (size_t i = 1; i < starts.size(); ++i) gaps.push_back(starts[i] - starts[i - 1]);
  std::sort(gaps.begin(), gaps.end());
  return static_cast<double>(gaps[gaps.size() / 2]) / 1e9;
}

std::string Detail(const Tally& t, const PointBlindSpots& ps) {
  const BlindSpot& s = t.spot;
  const KindText& k = TextOf(s.kind);
  std::string d;
  if (Rank(s.kind) <= Rank("not-logged")) {
    d = fmt::format("Never in the flow log: {} ({} of what the exporter here sees); {}.",
                    Flows(s.flows), detail::Pct(s.share), k.why);
  } else if (s.kind == "nat-attribution") {
    d = fmt::format("Behind a cloud NAT: {}; {}; ", Flows(s.flows), k.why);
    d += ps.hasPktSrcAddr ? std::string("even its pkt-srcaddr does not name the instance here")
         : ps.provider == "aws"
             ? fmt::format(
                   "the log has no pkt-srcaddr (format version {}): version 3 or later, or "
                   "a custom format with pkt-srcaddr, would name it",
                   ps.awsVersion)
             : std::string("this provider's log has no field for the packet's own source");
    d += fmt::format(". The exporter here names the host of {} of them.", t.tapNamed);
  } else if (s.kind == "merged-in-window") {
    d = fmt::format(
        "Sharing a record with others of the same 5-tuple in one {} s window: {} in {}, so the "
        "log shows fewer flows than happened.",
        ps.aggregationIntervalS, Flows(s.flows), Count(t.records, "record"));
    for (const auto& [b, starts] : t.starts) {
      double period = MedianPeriodS(starts);
      if (period > 0 && period < ps.aggregationIntervalS) {
        d += fmt::format(
            " {} repeats every ~{:.0f} s, under the {} s window: its period is "
            "invisible in the log.",
            b, period, ps.aggregationIntervalS);
      }
    }
  } else if (s.kind == "split-across-windows") {
    d = fmt::format(
        "Longer than one {} s window: {}, up to {:.0f} records each; a session's duration and "
        "totals come only from joining records.",
        ps.aggregationIntervalS, Flows(s.flows), t.maxValue);
  } else if (s.kind == "durations-rounded") {
    d = fmt::format(
        "The durations of {} read from the log differ from the truth by 0.5 s or more (up to "
        "{:.1f} s): {}.",
        Flows(s.flows), t.maxValue, k.why);
  }
  if (!s.behaviours.empty()) d += " Labelled behaviours among them: " + Behaviours(s) + ".";
  return d;
}

// Blind spots of the log as a whole (no flow of its own): skipped records, delivery.
void AddLogWide(PointBlindSpots& ps, const FlowLogObservation& log) {
  if (log.skipDataRecords > 0) {
    BlindSpot s;
    s.kind = "skip-data";
    s.title = TextOf(s.kind).title;
    s.detail = fmt::format("{} SKIPDATA records: the provider dropped records in those windows.",
                           log.skipDataRecords);
    ps.spots.push_back(s);
  }
  // The records' own delivery times where the format has them, else the log's settings.
  bool measured = log.medianDeliveryS >= 0;
  double delay = measured ? log.medianDeliveryS : log.deliveryDelayS;
  if (measured || delay > 0) {
    BlindSpot s;
    s.kind = "delivery-delay";
    s.title = TextOf(s.kind).title;
    s.detail = fmt::format(
        "records become available {} {:.0f} s after their {} s window closes: an alert on them "
        "comes up to {:.0f} s after the traffic.",
        measured ? "a median" : "about (the provider's delivery delay in the log's settings)",
        delay, log.aggregationIntervalS, delay + log.aggregationIntervalS);
    ps.spots.push_back(s);
  }
}

PointBlindSpots ForPoint(const RunData& run, const PointObservation& obs) {
  const FlowLogObservation& log = obs.flowLog;
  PointBlindSpots ps;
  ps.point = obs.point;
  ps.provider = wire::flowlog::ProviderName(log.provider);
  ps.format = wire::flowlog::FileFormatName(log.format);
  ps.aggregationIntervalS = log.aggregationIntervalS;
  ps.sampleRate = log.sampleRate;
  ps.awsVersion = log.awsVersion;
  ps.hasPktSrcAddr = log.hasPktSrcAddr;
  ps.tapFlows = obs.matches.size();
  ps.logFlows = log.matches.size();
  std::map<uint32_t, const FlowLogMatch*> logBy;
  for (const auto& m : log.matches) logBy[m.flow] = &m;
  Builder b(run, obs);
  for (const auto& m : obs.matches) {
    auto it = logBy.find(m.flow);
    b.Flow(m, it == logBy.end() ? nullptr : it->second);
  }
  for (auto& [kind, t] : b.Tallies()) {
    t.spot.title = TextOf(kind).title;
    t.spot.detail = Detail(t, ps);
    ps.spots.push_back(t.spot);
  }
  std::stable_sort(ps.spots.begin(), ps.spots.end(), [](const BlindSpot& x, const BlindSpot& y) {
    return Rank(x.kind) < Rank(y.kind);
  });
  AddLogWide(ps, log);
  return ps;
}

}  // namespace

const BlindSpot* PointBlindSpots::Find(const std::string& kind) const {
  for (const auto& s : spots) {
    if (s.kind == kind) return &s;
  }
  return nullptr;
}

std::vector<PointBlindSpots> ComputeBlindSpots(const RunData& run,
                                               const std::vector<PointObservation>& observations) {
  std::vector<PointBlindSpots> out;
  for (const auto& obs : observations) {
    if (obs.flowLog.present) out.push_back(ForPoint(run, obs));
  }
  return out;
}

std::string ExplainBlindSpots(const std::vector<PointBlindSpots>& spots, const std::string& point) {
  for (const auto& ps : spots) {
    if (ps.point != point) continue;
    double missed = 0;
    std::string kinds;
    for (const auto& s : ps.spots) {
      if (Rank(s.kind) <= Rank("not-logged")) missed += s.share;
      if (s.flows > 0) kinds += (kinds.empty() ? "" : ", ") + s.title;
    }
    if (kinds.empty()) return " Its flow log shows everything the exporter here sees in this run.";
    return fmt::format(
        " Its flow log misses {} of what a packet-level exporter here sees; blind "
        "spots: {} (see Flow-log blind spots).",
        detail::Pct(missed), kinds);
  }
  return "";
}

}  // namespace vantage::planner

namespace vantage::planner {
namespace {

std::string ModeIn(const Problem& problem, const Placement& plan, const std::string& point) {
  int p = problem.FindPoint(point);
  if (p < 0 || static_cast<size_t>(p) >= plan.size()) return "none";
  return ModeName(plan[static_cast<size_t>(p)]);
}

const PointInfo* PointOf(const Problem& problem, const std::string& name) {
  int p = problem.FindPoint(name);
  return p < 0 ? nullptr : &problem.points[static_cast<size_t>(p)];
}

std::string BillSentence(const PointInfo& pt, const Problem& problem) {
  const FlowLogInfo& f = pt.flowLog;
  return fmt::format(
      "Turned on, it ingests {}/day ({} a month at {:.3g} USD/GB) and keeps {} for {:.0f} days "
      "({:.3g} USD/GB-month): {:.2f} USD a month, {:.3g} cost units at {:.3g} USD a unit.",
      FormatBytes(f.bytesPerDay), FormatBytes(f.bytesPerDay * kDaysPerMonth), f.ingestUsdPerGb,
      FormatBytes(f.bytesPerDay * problem.constraints.flowRetentionDays),
      problem.constraints.flowRetentionDays, f.storageUsdPerGbMonth, f.usdPerMonth, pt.costFlowLog,
      f.usdPerCostUnit);
}

}  // namespace

namespace detail {

void BlindSpotsSection(Document& doc, const std::vector<PointBlindSpots>& spots,
                       const Problem& problem, const Placement& plan) {
  if (spots.empty()) return;
  doc.Heading(2, "Flow-log blind spots");
  doc.Paragraph(
      "What each point's cloud flow log cannot see that a packet-level exporter at the same "
      "place does, measured in the observation run (ground truth vs the point's IPFIX vs its "
      "flow log). Visibility counts sampling (a flow's chance to be drawn in one of its windows) "
      "and aggregation (flows merged in one window count as one).");
  for (const auto& ps : spots) {
    std::string mode = ModeIn(problem, plan, ps.point);
    std::string o = fmt::format(
        "**{}**: {} flow log ({} s windows{}{}), {} in the plan. The exporter here saw {} flows; "
        "the flow log shows {}. ",
        ps.point, ps.format, ps.aggregationIntervalS,
        ps.sampleRate < 1 ? fmt::format(", sampling {:.2g}", ps.sampleRate) : "",
        ps.provider == "aws" ? fmt::format(", format version {}", ps.awsVersion) : "",
        mode == "flow-log" ? "chosen" : "not chosen (mode: " + mode + ")", ps.tapFlows,
        ps.logFlows);
    if (const PointInfo* pt = PointOf(problem, ps.point)) o += BillSentence(*pt, problem);
    doc.Paragraph(o);
    if (ps.spots.empty()) {
      doc.Paragraph(
          "No blind spot in this run: the log shows every flow the exporter saw, each on its "
          "own, in time.");
      continue;
    }
    std::vector<Document::Row> rows;
    for (const auto& s : ps.spots) {
      rows.push_back({s.title, s.flows > 0 ? std::to_string(s.flows) : "-",
                      s.flows > 0 ? Pct(s.share) : std::string("-"), s.detail});
    }
    doc.Table({"blind spot", "flows", "of the exporter's", "detail"}, std::move(rows));
  }
}

}  // namespace detail

std::string BlindSpotsMarkdown(const std::vector<PointBlindSpots>& spots, const Problem& problem,
                               const Placement& plan) {
  detail::Document doc;
  detail::BlindSpotsSection(doc, spots, problem, plan);
  return doc.ToMarkdown();
}

nlohmann::json BlindSpotsJson(const std::vector<PointBlindSpots>& spots, const Problem& problem,
                              const Placement& plan) {
  using nlohmann::json;
  json out = json::array();
  for (const auto& ps : spots) {
    json j = {{"point", ps.point},
              {"provider", ps.provider},
              {"format", ps.format},
              {"aggregation_interval_s", ps.aggregationIntervalS},
              {"sample_rate", ps.sampleRate},
              {"aws_version", ps.awsVersion},
              {"pkt_srcaddr", ps.hasPktSrcAddr},
              {"mode", ModeIn(problem, plan, ps.point)},
              {"exporter_flows", ps.tapFlows},
              {"flow_log_flows", ps.logFlows}};
    if (const PointInfo* pt = PointOf(problem, ps.point)) {
      const FlowLogInfo& f = pt->flowLog;
      j["records_per_day"] = f.recordsPerDay;
      j["bytes_per_record"] = f.bytesPerRecord;
      j["bytes_per_day"] = f.bytesPerDay;
      j["ingest_usd_per_gb"] = f.ingestUsdPerGb;
      j["storage_usd_per_gb_month"] = f.storageUsdPerGbMonth;
      j["usd_per_month"] = f.usdPerMonth;
      j["usd_per_cost_unit"] = f.usdPerCostUnit;
      j["cost"] = pt->costFlowLog;
    }
    json list = json::array();
    for (const auto& s : ps.spots) {
      list.push_back({{"kind", s.kind},
                      {"title", s.title},
                      {"detail", s.detail},
                      {"flows", s.flows},
                      {"share", s.share},
                      {"behaviours", s.behaviours},
                      {"examples", s.examples}});
    }
    j["blind_spots"] = list;
    out.push_back(j);
  }
  return out;
}

}  // namespace vantage::planner
