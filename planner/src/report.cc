// plan.json, report.md, report.html and the printed summary.
#include "vantage/planner/report.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "report-certificate.h"
#include "report-util.h"
#include "vantage/planner/blind-spots.h"
#include "vantage/planner/detectability.h"

namespace vantage::planner {

using detail::Fmt;
using detail::Pct;
using detail::XmlEscape;

std::string FormatBytes(double bytes) {
  const char* units[] = {"B", "kB", "MB", "GB", "TB", "PB", "EB"};
  int u = 0;
  double v = bytes;
  while (std::fabs(v) >= 1000 && u < 6) {
    v /= 1000;
    ++u;
  }
  if (u == 0) return Fmt("%.0f B", v);
  return Fmt(v < 10 ? "%.2f %s" : v < 100 ? "%.1f %s" : "%.0f %s", v, units[u]);
}

namespace {

Mode ModeAt(const ReportInput& in, size_t p) {
  return p < in.plan.best.modes.size() ? in.plan.best.modes[p] : Mode::kNone;
}

std::string ModeText(const PointInfo& pt, Mode m) {
  switch (m) {
    case Mode::kNone:
      return "nothing";
    case Mode::kFlow:
      return pt.sampledOnly ? Fmt("sampled flow export (1 in %u)", pt.samplingRate)
                            : std::string("flow export");
    case Mode::kFull:
      return "full capture";
    case Mode::kBoth:
      return pt.sampledOnly ? Fmt("sampled flow export (1 in %u) and full capture", pt.samplingRate)
                            : std::string("flow export and full capture");
    case Mode::kFlowLog:
      return "the provider's flow log (" + pt.flowLog.format + ")";
  }
  return "?";
}

Placement Only(const ReportInput& in, size_t p, Mode m) {
  Placement pl(in.problem->points.size(), Mode::kNone);
  pl[p] = m;
  return pl;
}

Mode RichestMode(const PointInfo& pt) {
  return pt.canFlow && pt.canFull ? Mode::kBoth
         : pt.canFull             ? Mode::kFull
         : pt.canFlow             ? Mode::kFlow
         : pt.canFlowLog          ? Mode::kFlowLog
                                  : Mode::kNone;
}

std::string AssetList(const Problem& p) {
  std::string s;
  for (size_t i = 0; i < p.assets.size(); ++i) s += (i ? ", " : "") + p.assets[i];
  return s;
}

}  // namespace

std::string PointColour(const ReportInput& in, size_t p) {
  Mode m = ModeAt(in, p);
  if (HasFull(m)) return "red";
  if (m == Mode::kFlow || m == Mode::kFlowLog) {
    bool low = p < in.plan.lowPriority.size() && in.plan.lowPriority[p];
    return low ? "amber" : "green";
  }
  return "grey";
}

std::string ExplainPoint(const ReportInput& in, size_t p) {
  const Problem& prob = *in.problem;
  const PointInfo& pt = prob.points[p];
  const Constraints& c = prob.constraints;
  Mode m = ModeAt(in, p);
  std::ostringstream o;
  o << "**" << pt.name << "**";
  if (!pt.node.empty()) o << " (on " << pt.node << ")";
  if (m == Mode::kNone) {
    Mode best = RichestMode(pt);
    if (best == Mode::kNone) {
      o << ": nothing - this device can neither export flows nor capture packets.";
      return o.str();
    }
    // The mode that would add most (least storage among equals).
    double extra = -1;
    for (Mode cand : {Mode::kFlow, Mode::kFull, Mode::kBoth, Mode::kFlowLog}) {
      if (!pt.Allows(cand)) continue;
      Placement with = in.plan.best.modes;
      with[p] = cand;
      double e = Evaluate(prob, with).objectiveShare - in.metrics.objectiveShare;
      if (e > extra + 1e-4 ||
          (std::fabs(e - extra) <= 1e-4 && prob.Storage(p, cand) < prob.Storage(p, best))) {
        extra = e;
        best = cand;
      }
    }
    Placement with = in.plan.best.modes;
    with[p] = best;
    Metrics mw = Evaluate(prob, with);
    o << ": nothing (grey). Adding " << ModeText(pt, best) << " here would add "
      << Fmt("%.1f", std::max(0.0, extra) * 100) << " points of weighted coverage for "
      << Fmt("%.3g", pt.Cost(best)) << (pt.Cost(best) == 1 ? " cost unit and " : " cost units and ")
      << FormatBytes(prob.Storage(p, best)) << " of storage at the required retention";
    if (extra < 0.001) {
      o << ", because what it sees is already seen elsewhere.";
    } else if (!mw.withinBudget) {
      std::vector<std::string> over;
      if (mw.storageRequired > c.storageBytes) {
        over.push_back("storage (" + FormatBytes(mw.storageRequired) + " > " +
                       FormatBytes(c.storageBytes) + ")");
      }
      if (c.maxDevices > 0 && mw.devices > c.maxDevices) {
        over.push_back(Fmt("devices (%u > %u)", mw.devices, c.maxDevices));
      }
      if (c.maxCost > 0 && mw.cost > c.maxCost) {
        over.push_back(Fmt("cost (%.4g > %.4g)", mw.cost, c.maxCost));
      }
      o << "; with the plan it would exceed the limit on ";
      for (size_t k = 0; k < over.size(); ++k) o << (k ? " and " : "") << over[k];
      o << ".";
    } else {
      o << ", less per unit of cost than the chosen points.";
    }
    return o.str();
  }
  Metrics alone = Evaluate(prob, Only(in, p, m));
  o << ": " << ModeText(pt, m) << " (" << PointColour(in, p) << "). ";
  o << "It sees " << Pct(alone.flowVisibility) << " of all flows on its own ("
    << Pct(alone.northSouthVisibility) << " of north-south, " << Pct(alone.eastWestVisibility)
    << " of east-west";
  if (!prob.assets.empty())
    o << ", " << Pct(alone.criticalCoverage) << " of flows touching centres of gravity";
  o << ")";
  size_t behavSeen = 0;
  for (const auto& [name, v] : alone.behaviourVisibility) behavSeen += v >= 0.5 ? 1 : 0;
  if (!alone.behaviourVisibility.empty()) {
    o << " and " << behavSeen << " of " << alone.behaviourVisibility.size()
      << " labelled behaviours";
  }
  o << ". ";
  // What it misses: the weakest of its views.
  std::vector<std::pair<double, std::string>> gaps = {
      {alone.northSouthVisibility, "north-south (internet) traffic"},
      {alone.eastWestVisibility, "east-west (internal) traffic"}};
  if (!prob.assets.empty())
    gaps.push_back({alone.criticalCoverage, "traffic of the centres of gravity"});
  std::sort(gaps.begin(), gaps.end());
  o << "It misses " << Pct(1 - gaps.front().first) << " of " << gaps.front().second;
  if ((HasFlow(m) || HasFlowLog(m)) && alone.natLossWithoutLog > 0.005) {
    o << "; for " << Pct(alone.natLossWithoutLog)
      << " of what it sees the internal host is hidden behind NAT";
    if (alone.natLossWithLog < alone.natLossWithoutLog) {
      o << " (" << Pct(alone.natLossWithLog) << " even with the NAT event log)";
    }
  }
  if (!HasFlow(m) && !HasFlowLog(m))
    o << "; without flow export it keeps no long-term record of who talked to whom";
  o << ". It costs " << Fmt("%.3g", pt.Cost(m)) << " cost unit" << (pt.Cost(m) == 1 ? "" : "s");
  if (HasFlow(m)) {
    o << ", " << FormatBytes(pt.flowBytesPerDay) << "/day of flow records ("
      << FormatBytes(pt.flowBytesPerDay * c.flowRetentionDays) << " for "
      << Fmt("%.0f", c.flowRetentionDays) << " days)";
  }
  if (HasFull(m)) {
    o << (HasFlow(m) ? " and " : ", ") << FormatBytes(pt.pcapBytesPerDay)
      << "/day of full capture (" << FormatBytes(pt.pcapBytesPerDay * c.fullRetentionDays)
      << " for " << Fmt("%.0f", c.fullRetentionDays) << " days)";
  }
  if (HasFlowLog(m)) {
    o << Fmt(" (%.2f USD a month: ", pt.flowLog.usdPerMonth) << FormatBytes(pt.flowLog.bytesPerDay)
      << "/day of flow-log records ingested and kept by the provider for "
      << Fmt("%.0f", c.flowRetentionDays) << " days, outside the storage budget)";
  }
  o << ".";
  if (in.blindSpots && pt.canFlowLog) o << ExplainBlindSpots(*in.blindSpots, pt.name);
  if (in.detectability) o << ExplainDetectability(*in.detectability, pt.name);
  if (PointColour(in, p) == "amber") {
    o << " Lower priority: most of what it sees is also recorded elsewhere; enable it after "
         "the green points.";
  }
  return o.str();
}

std::string RenderPlanJson(const ReportInput& in) {
  using nlohmann::json;
  const Problem& prob = *in.problem;
  const Metrics& m = in.metrics;
  json j;
  j["topology"] = in.topologyPath;
  j["scenario"] = in.scenarioPath;
  j["run"] = in.runDir;
  j["seed"] = in.seed;
  j["constraints"] = {{"storage_bytes", prob.constraints.storageBytes},
                      {"flow_retention_days", prob.constraints.flowRetentionDays},
                      {"full_retention_days", prob.constraints.fullRetentionDays},
                      {"max_devices", prob.constraints.maxDevices},
                      {"max_cost", prob.constraints.maxCost}};
  json points = json::array();
  for (size_t i = 0; i < prob.points.size(); ++i) {
    const PointInfo& pt = prob.points[i];
    Mode mode = ModeAt(in, i);
    points.push_back({{"name", pt.name},
                      {"node", pt.node},
                      {"mode", ModeName(mode)},
                      {"colour", PointColour(in, i)},
                      {"sampled", pt.sampledOnly && HasFlow(mode)},
                      {"cost", pt.Cost(mode)},
                      {"flow_bytes_per_day", HasFlow(mode) ? pt.flowBytesPerDay : 0.0},
                      {"pcap_bytes_per_day", HasFull(mode) ? pt.pcapBytesPerDay : 0.0},
                      {"records_per_day", pt.recordsPerDay},
                      {"bytes_per_record", pt.bytesPerRecord},
                      {"flows_seen", pt.hits.size()},
                      {"explanation", ExplainPoint(in, i)}});
  }
  j["points"] = points;
  json beh = json::object();
  for (const auto& [k, v] : m.behaviourVisibility) beh[k] = v;
  j["metrics"] = {{"flow_visibility", m.flowVisibility},
                  {"flow_visibility_unweighted", m.flowVisibilityUnweighted},
                  {"byte_visibility", m.byteVisibility},
                  {"north_south_visibility", m.northSouthVisibility},
                  {"east_west_visibility", m.eastWestVisibility},
                  {"critical_coverage", m.criticalCoverage},
                  {"critical_full_capture_share", m.criticalFullShare},
                  {"behaviour_visibility", beh},
                  {"nat_attribution_loss_without_log", m.natLossWithoutLog},
                  {"nat_attribution_loss_with_log", m.natLossWithLog},
                  {"records_per_day", m.recordsPerDay},
                  {"duplicate_records_per_day", m.duplicateRecordsPerDay},
                  {"duplicate_bytes_per_day", m.duplicateBytesPerDay},
                  {"duplicate_share", m.duplicateShare},
                  {"flow_bytes_per_day", m.flowBytesPerDay},
                  {"full_bytes_per_day", m.fullBytesPerDay},
                  {"storage_required_bytes", m.storageRequired},
                  {"flow_retention_fit_days", m.flowRetentionFitDays},
                  {"full_retention_fit_days", m.fullRetentionFitDays},
                  {"flow_retention_met", m.flowRetentionMet},
                  {"full_retention_met", m.fullRetentionMet},
                  {"within_budget", m.withinBudget},
                  {"cost", m.cost},
                  {"devices", m.devices},
                  {"objective", m.objective},
                  {"weighted_coverage", m.objectiveShare}};
  j["optimisation"] = {{"greedy_objective", in.plan.greedy.objective},
                       {"best_objective", in.plan.best.objective},
                       {"exact_ran", in.plan.exactRan},
                       {"exact_complete", in.plan.exactComplete},
                       {"greedy_gap", in.plan.greedyGap},
                       {"guarantee",
                        "lazy cost-benefit greedy, best of greedy and best single choice: "
                        ">= (1-1/e)/2 of optimum for monotone submodular coverage under one "
                        "knapsack constraint"}};
  detail::AddCertificateJson(in, j);
  auto curve = [](const std::vector<TradeOff>& v) {
    json a = json::array();
    for (const auto& t : v) {
      a.push_back({{"limit", t.budget},
                   {"cost", t.cost},
                   {"storage_bytes", t.storage},
                   {"weighted_coverage", t.objectiveShare},
                   {"flow_visibility", t.flowVisibility},
                   {"bound_share", t.boundShare},
                   {"gap_certified", t.gapCertified}});
    }
    return a;
  };
  j["storage_sweep"] = curve(in.storageSweep);
  j["pareto_front"] = curve(in.paretoFront);
  json ver = {{"ran", in.verification.ran}, {"note", in.verification.note}};
  if (in.verification.ran) {
    json vp = json::array();
    for (const auto& p : in.verification.points) {
      vp.push_back({{"name", p.name},
                    {"messages", p.messages},
                    {"bytes", p.bytes},
                    {"received", p.received},
                    {"lost", p.lost},
                    {"bits_per_second", p.bitsPerSecond}});
    }
    ver["points"] = vp;
    ver["total_bits_per_second"] = in.verification.totalBitsPerSecond;
    ver["loss_share"] = in.verification.lossShare;
    ver["run"] = in.verification.runDir;
  }
  j["verification"] = ver;
  if (in.detectability) j["detectability"] = DetectabilityJson(*in.detectability, in.metrics);
  if (in.blindSpots && !in.blindSpots->empty()) {
    j["flow_logs"] = BlindSpotsJson(*in.blindSpots, prob, in.plan.best.modes);
    j["metrics"]["flow_log_points"] = m.flowLogPoints;
    j["metrics"]["flow_log_bytes_per_day"] = m.flowLogBytesPerDay;
    j["metrics"]["flow_log_usd_per_month"] = m.flowLogUsdPerMonth;
  }
  bool empty = in.plan.best.devices == 0;
  j["feasible"] = !empty;
  if (empty) {
    j["why_nothing_fits"] = in.cheapest.why;
    if (in.cheapest.found) {
      j["cheapest_useful"] = {{"point", in.cheapest.point},
                              {"mode", ModeName(in.cheapest.mode)},
                              {"storage_bytes", in.cheapest.storage},
                              {"cost", in.cheapest.cost}};
    }
  }
  return j.dump(2) + "\n";
}

std::string RenderMarkdown(const ReportInput& in) {
  const Problem& prob = *in.problem;
  const Metrics& m = in.metrics;
  const Constraints& c = prob.constraints;
  std::ostringstream o;
  std::string name = in.topology && !in.topology->name.empty() ? in.topology->name : "network";
  o << "# Capture plan: " << name << "\n\n";
  bool empty = in.plan.best.devices == 0;
  if (empty) {
    o << "**Nothing fits the budget.** " << in.cheapest.why << ".";
    if (in.cheapest.found) {
      o << " The cheapest useful placement is " << ModeName(in.cheapest.mode) << " at "
        << in.cheapest.point << ": " << FormatBytes(in.cheapest.storage)
        << " of storage for the required retention and " << Fmt("%.3g", in.cheapest.cost)
        << " cost units.";
    }
    o << "\n\n";
  } else {
    o << "**Recommendation:** " << m.points << " point" << (m.points == 1 ? "" : "s") << " for "
      << Fmt("%.3g", m.cost) << " cost units. The plan sees " << Pct(m.flowVisibility)
      << " of flows (" << Pct(m.byteVisibility) << " of bytes), " << Pct(m.northSouthVisibility)
      << " of north-south and " << Pct(m.eastWestVisibility) << " of east-west traffic";
    if (!prob.assets.empty()) {
      o << ", " << Pct(m.criticalCoverage) << " of flows touching the centres of gravity ("
        << Pct(m.criticalFullShare) << " under full capture)";
    }
    o << ". It stores " << FormatBytes(m.flowBytesPerDay) << "/day of flow records and "
      << FormatBytes(m.fullBytesPerDay)
      << "/day of full capture: " << FormatBytes(m.storageRequired)
      << " for the required retention (flows " << Fmt("%.0f", c.flowRetentionDays)
      << " days, full capture " << Fmt("%.0f", c.fullRetentionDays) << " days) of a "
      << FormatBytes(c.storageBytes) << " budget.\n\n";
    for (const auto& para : {detail::KneeParagraph(in), detail::CertificateParagraph(in)}) {
      if (!para.empty()) o << para << "\n\n";
    }
  }
  o << "![Map of the plan](map.svg)\n\n";
  o << "## Recommendation\n\n";
  o << "| point | device | mode | colour | sees (alone) | cost | flow records/day | full "
       "capture/day |\n";
  o << "|---|---|---|---|---|---|---|---|\n";
  for (size_t i = 0; i < prob.points.size(); ++i) {
    const PointInfo& pt = prob.points[i];
    Mode mode = ModeAt(in, i);
    Metrics alone = Evaluate(prob, Only(in, i, mode == Mode::kNone ? RichestMode(pt) : mode));
    o << "| " << pt.name << " | " << pt.node << " | " << ModeText(pt, mode) << " | "
      << PointColour(in, i) << " | " << Pct(alone.flowVisibility) << " | "
      << Fmt("%.3g", pt.Cost(mode)) << " | "
      << (HasFlow(mode) ? FormatBytes(pt.flowBytesPerDay) : std::string("-")) << " | "
      << (HasFull(mode) ? FormatBytes(pt.pcapBytesPerDay) : std::string("-")) << " |\n";
  }
  o << "\nColours follow the usual capture-strategy convention: green = flow export points, "
       "red = points where full capture is required (with or without flow export), amber = "
       "points that see a lot and are candidates for flow export with lower priority, grey = "
       "nothing.\n\n";
  o << "## Why each point\n\n";
  for (size_t i = 0; i < prob.points.size(); ++i) o << "- " << ExplainPoint(in, i) << "\n";
  o << "\n## What the plan sees\n\n| metric | value |\n|---|---|\n";
  o << "| flow visibility (share of ground-truth flows) | " << detail::Pct1(m.flowVisibility)
    << " |\n";
  o << "| simulated flows seen (unweighted, before host-group scaling) | "
    << detail::Pct1(m.flowVisibilityUnweighted) << " |\n";
  o << "| byte visibility | " << detail::Pct1(m.byteVisibility) << " |\n";
  o << "| north-south visibility (internet) | " << detail::Pct1(m.northSouthVisibility) << " |\n";
  o << "| east-west visibility (internal) | " << detail::Pct1(m.eastWestVisibility) << " |\n";
  if (!prob.assets.empty()) {
    o << "| critical-asset coverage (weighted by criticality; " << AssetList(prob) << ") | "
      << detail::Pct1(m.criticalCoverage) << " |\n";
    o << "| critical-asset flows under full capture | " << detail::Pct1(m.criticalFullShare)
      << " |\n";
  }
  for (const auto& [k, v] : m.behaviourVisibility) {
    o << "| behaviour `" << k << "` visible | " << detail::Pct1(v) << " |\n";
  }
  o << "| NAT attribution loss without NAT event logging | " << detail::Pct1(m.natLossWithoutLog)
    << " |\n";
  o << "| NAT attribution loss with NAT event logging | " << detail::Pct1(m.natLossWithLog)
    << " |\n";
  o << "| duplicate records (same flow at several points) | "
    << Fmt("%.3g", m.duplicateRecordsPerDay) << "/day, " << detail::Pct1(m.duplicateShare)
    << " of records, " << FormatBytes(m.duplicateBytesPerDay) << "/day wasted |\n";
  o << "| weighted coverage (optimiser objective, share of everything) | "
    << detail::Pct1(m.objectiveShare) << " |\n";
  o << "\n## Storage and retention\n\n| | per day | required retention | needs | fits in budget | "
       "met |\n|---|---|---|---|---|---|\n";
  o << "| flow records (" << Fmt("%.3g", m.recordsPerDay) << " records/day) | "
    << FormatBytes(m.flowBytesPerDay) << " | " << Fmt("%.0f", c.flowRetentionDays) << " days | "
    << FormatBytes(m.flowBytesPerDay * c.flowRetentionDays) << " | "
    << (m.flowBytesPerDay > 0 ? Fmt("%.0f days", m.flowRetentionFitDays) : std::string("n/a"))
    << " | " << (m.flowBytesPerDay > 0 ? (m.flowRetentionMet ? "yes" : "NO") : "n/a") << " |\n";
  o << "| full capture | " << FormatBytes(m.fullBytesPerDay) << " | "
    << Fmt("%.0f", c.fullRetentionDays) << " days | "
    << FormatBytes(m.fullBytesPerDay * c.fullRetentionDays) << " | "
    << (m.fullBytesPerDay > 0 ? Fmt("%.1f days", m.fullRetentionFitDays) : std::string("n/a"))
    << " | " << (m.fullBytesPerDay > 0 ? (m.fullRetentionMet ? "yes" : "NO") : "n/a") << " |\n";
  o << "\nBudget " << FormatBytes(c.storageBytes) << "; the plan needs "
    << FormatBytes(m.storageRequired)
    << ". Each retention that fits is computed with the other "
       "kept at its requirement. Storage is measured, not assumed: bytes per flow record from the "
       "run's IPFIX files (or the collector's SQLite store when the run has one), full capture "
       "from "
       "the pcap bytes written, scaled from the simulated window and each host group's scale "
       "factor to a real day.";
  if (!in.compliance.empty()) o << " Compliance note: " << in.compliance << ".";
  o << "\n\n## Coverage against budget\n\n![Coverage against budget](coverage.svg)\n\n";
  o << "| storage budget | cost | weighted coverage | flow visibility | certified gap "
       "|\n|---|---|---|---|---|\n";
  for (const auto& t : in.storageSweep) {
    o << "| " << FormatBytes(t.budget) << " | " << Fmt("%.3g", t.cost) << " | "
      << detail::Pct1(t.objectiveShare) << " | " << detail::Pct1(t.flowVisibility) << " | "
      << Fmt("%.2f%%", t.gapCertified * 100) << " |\n";
  }
  o << "\nThe certified gap of each plan is its distance to the online bound on the optimum "
       "at that limit (see Certified gap above).\n";
  o << "\nPareto front of cost against coverage (no cheaper plan covers more):\n\n"
       "| cost | storage | weighted coverage | certified gap |\n|---|---|---|---|\n";
  for (const auto& t : in.paretoFront) {
    o << "| " << Fmt("%.3g", t.cost) << " | " << FormatBytes(t.storage) << " | "
      << detail::Pct1(t.objectiveShare) << " | " << Fmt("%.2f%%", t.gapCertified * 100) << " |\n";
  }
  o << "\n## Optimisation\n\n";
  o << "A mode per point (nothing, flow export - sampled where the device can only sample -, "
       "full capture, or both) maximising weighted coverage: each ground-truth flow counts by the "
       "real flows it stands for, more if it touches a centre of gravity or belongs to a labelled "
       "behaviour, less if its internal host is lost behind NAT; full capture adds the payload of "
       "critical flows. Constraints: storage for the required retention, number of devices, "
       "device capabilities and cost. The lazy greedy (cost-benefit ratio, best of greedy and "
       "best single choice) is guaranteed at least (1-1/e)/2 of the optimum for this monotone "
       "submodular objective under a knapsack constraint. ";
  if (in.plan.exactRan && in.plan.exactComplete) {
    o << "With " << prob.points.size() << " candidates an exact branch-and-bound search also ran: "
      << "the greedy reached " << detail::Pct1(1 - in.plan.greedyGap) << " of the optimum (gap "
      << detail::Pct1(in.plan.greedyGap) << ").\n\n";
  } else if (in.plan.exactRan) {
    o << "The exact search stopped at its work limit; the greedy plan is reported.\n\n";
  } else {
    o << "With more than 20 candidates the exact search does not run: the online bound "
         "certifies the plan instead (Certified gap, above), and a local search swapping modes "
         "tries to close a gap above 1% within a time limit.\n\n";
  }
  if (in.detectability) o << DetectabilityMarkdown(*in.detectability, in.metrics);
  if (in.blindSpots) o << BlindSpotsMarkdown(*in.blindSpots, prob, in.plan.best.modes);
  o << "## Verification run\n\n";
  if (in.verification.ran) {
    o << "The chosen plan was simulated again with only its points observing and its flow "
         "exporters sending IPFIX over the simulated network to the collector (run "
      << in.verification.runDir << "). Export bandwidth "
      << Fmt("%.3g", in.verification.totalBitsPerSecond / 1000.0) << " kbit/s in total, "
      << detail::Pct1(in.verification.lossShare) << " of export messages lost.\n\n";
    o << "| point | messages | bytes | received | lost | kbit/s |\n|---|---|---|---|---|---|\n";
    for (const auto& p : in.verification.points) {
      o << "| " << p.name << " | " << p.messages << " | " << p.bytes << " | " << p.received << " | "
        << p.lost << " | " << Fmt("%.3g", p.bitsPerSecond / 1000.0) << " |\n";
    }
    if (!in.verification.note.empty()) o << "\n" << in.verification.note << "\n";
    o << "\n";
  } else {
    o << "Not run: " << in.verification.note << "\n\n";
  }
  o << "## How this plan follows the six planning steps\n\n";
  o << "1. **Identify the critical data**: the topology names its centres of gravity"
    << (prob.assets.empty() ? " (none here)" : " (" + AssetList(prob) + ")")
    << "; flows touching them weigh more and full capture is valued there.\n";
  o << "2. **Understand your network**: one simulation of the whole topology gives ground truth "
       "for every flow and what each candidate point records.\n";
  o << "3. **Identify bottlenecks and critical points**: every candidate aggregation point is "
       "measured for what it sees alone and together with others (duplication).\n";
  o << "4. **Identify critical centres of gravity**: critical-asset coverage and the share of "
       "their flows under full capture are reported above.\n";
  o << "5. **Plan the flow exporters and full capture points**: the optimiser picks green (flow "
       "export), red (full capture) and amber (lower-priority flow export) points within budget.\n";
  o << "6. **Check compliance requirements**: flow retention " << Fmt("%.0f", c.flowRetentionDays)
    << " days "
    << (m.flowBytesPerDay <= 0 ? "(no flows kept)"
        : m.flowRetentionMet   ? "met"
                               : "NOT met")
    << ", full-capture retention " << Fmt("%.0f", c.fullRetentionDays) << " days "
    << (m.fullBytesPerDay <= 0 ? "(no full capture)"
        : m.fullRetentionMet   ? "met"
                               : "NOT met")
    << ".\n\n";
  o << "## Limits of flow data (drawbacks to keep in mind)\n\n";
  o << "- Flows identify the equipment, not the user: finding the people involved needs analysis "
       "and association with other logs.\n";
  o << "- NAT can make the capture inconsistent, because the flow is recorded where the exporter "
       "sits: after NAT "
    << detail::Pct1(m.natLossWithoutLog)
    << " of seen flows lose their internal host without NAT event logging, "
    << detail::Pct1(m.natLossWithLog) << " with it.\n";
  o << "- Flows never show the content of the communication: only full capture does, for as "
       "long as it is kept.\n\n";
  o << "## Analysing what the plan records\n\n";
  o << "Flow metadata becomes intelligence by combining three analysis factors: **traffic "
       "directionality** (is this conversation's direction legitimate, e.g. a DMZ server "
       "initiating to the internet - north-south visibility above), the **expected traffic of "
       "the protocol** (duration and volume typical of SSH, HTTP, DNS...), and **time-based "
       "analysis** (spikes that suggest transfers, beacons at regular intervals).\n\n";
  o << "## Inputs\n\n";
  o << "- topology: `" << in.topologyPath << "`\n- scenario: `" << in.scenarioPath << "`\n";
  o << "- observation run: `" << in.runDir << "`\n- seed: " << in.seed << "\n";
  return o.str();
}

namespace {

std::string InlineMd(const std::string& s) {
  // **bold** and `code` on escaped text.
  std::string e = XmlEscape(s), out;
  bool bold = false, code = false;
  for (size_t i = 0; i < e.size(); ++i) {
    if (e[i] == '*' && i + 1 < e.size() && e[i + 1] == '*') {
      out += bold ? "</strong>" : "<strong>";
      bold = !bold;
      ++i;
    } else if (e[i] == '`') {
      out += code ? "</code>" : "<code>";
      code = !code;
    } else {
      out += e[i];
    }
  }
  if (bold) out += "</strong>";
  if (code) out += "</code>";
  return out;
}

std::vector<std::string> Cells(const std::string& line) {
  std::vector<std::string> cells;
  std::string cur;
  for (size_t i = 1; i < line.size(); ++i) {
    if (line[i] == '|') {
      cells.push_back(cur);
      cur.clear();
    } else {
      cur += line[i];
    }
  }
  for (auto& c : cells) {
    while (!c.empty() && c.front() == ' ') c.erase(c.begin());
    while (!c.empty() && c.back() == ' ') c.pop_back();
  }
  return cells;
}

}  // namespace

std::string RenderHtml(const ReportInput& in) {
  std::string md = RenderMarkdown(in);
  std::ostringstream o;
  o << "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>"
    << XmlEscape("Vantage capture plan") << "</title>\n<style>\n"
    << "body{font-family:system-ui,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;"
       "color:#222;line-height:1.45}\n"
    << "table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:4px 8px;"
       "text-align:left;vertical-align:top}th{background:#f0f0f0}\n"
    << "code{background:#f4f4f4;padding:0 3px}svg{max-width:100%;height:auto}\n"
    << ".figure{overflow-x:auto;border:1px solid #ddd;padding:.5em;margin:1em 0}\n"
    << "</style>\n</head>\n<body>\n";
  std::istringstream lines(md);
  std::string line;
  bool inList = false, inTable = false, tableHeader = false;
  auto closeBlocks = [&] {
    if (inList) o << "</ul>\n";
    if (inTable) o << "</table>\n";
    inList = inTable = false;
  };
  while (std::getline(lines, line)) {
    if (line.rfind("![", 0) == 0) {
      closeBlocks();
      bool map = line.find("map.svg") != std::string::npos;
      o << "<div class=\"figure\">\n"
        << (map ? RenderMapSvg(in, false) : RenderCoverageSvg(in, false)) << "</div>\n";
    } else if (line.rfind("# ", 0) == 0) {
      closeBlocks();
      o << "<h1>" << InlineMd(line.substr(2)) << "</h1>\n";
    } else if (line.rfind("## ", 0) == 0) {
      closeBlocks();
      o << "<h2>" << InlineMd(line.substr(3)) << "</h2>\n";
    } else if (line.rfind("|", 0) == 0) {
      if (line.rfind("|---", 0) == 0) continue;
      if (!inTable) {
        closeBlocks();
        o << "<table>\n";
        inTable = true;
        tableHeader = true;
      }
      o << "<tr>";
      for (const auto& c : Cells(line)) {
        o << (tableHeader ? "<th>" : "<td>") << InlineMd(c) << (tableHeader ? "</th>" : "</td>");
      }
      o << "</tr>\n";
      tableHeader = false;
    } else if (line.rfind("- ", 0) == 0 ||
               (line.size() > 2 && std::isdigit(static_cast<unsigned char>(line[0])) &&
                line[1] == '.')) {
      if (!inList) {
        closeBlocks();
        o << "<ul>\n";
        inList = true;
      }
      o << "<li>" << InlineMd(line.substr(2)) << "</li>\n";
    } else if (line.empty()) {
      closeBlocks();
    } else {
      closeBlocks();
      o << "<p>" << InlineMd(line) << "</p>\n";
    }
  }
  closeBlocks();
  o << "</body>\n</html>\n";
  return o.str();
}

std::string SummaryTable(const ReportInput& in) {
  const Problem& prob = *in.problem;
  const Metrics& m = in.metrics;
  std::ostringstream o;
  o << Fmt("%-18s %-14s %-34s %-6s %8s %12s %12s\n", "point", "device", "mode", "colour", "cost",
           "flows/day", "capture/day");
  for (size_t i = 0; i < prob.points.size(); ++i) {
    const PointInfo& pt = prob.points[i];
    Mode mode = ModeAt(in, i);
    o << Fmt("%-18s %-14s %-34s %-6s %8.3g %12s %12s\n", pt.name.c_str(), pt.node.c_str(),
             ModeText(pt, mode).c_str(), PointColour(in, i).c_str(), pt.Cost(mode),
             HasFlow(mode) ? FormatBytes(pt.flowBytesPerDay).c_str() : "-",
             HasFull(mode) ? FormatBytes(pt.pcapBytesPerDay).c_str() : "-");
  }
  o << "\n";
  o << "flow visibility " << detail::Pct1(m.flowVisibility) << " (simulated flows "
    << detail::Pct1(m.flowVisibilityUnweighted) << ", bytes " << detail::Pct1(m.byteVisibility)
    << "), north-south " << detail::Pct1(m.northSouthVisibility) << ", east-west "
    << detail::Pct1(m.eastWestVisibility) << "\n";
  if (!prob.assets.empty()) {
    o << "critical-asset coverage " << detail::Pct1(m.criticalCoverage) << ", under full capture "
      << detail::Pct1(m.criticalFullShare) << "\n";
  }
  o << "NAT attribution loss " << detail::Pct1(m.natLossWithoutLog) << " without NAT log, "
    << detail::Pct1(m.natLossWithLog) << " with\n";
  o << "storage " << FormatBytes(m.flowBytesPerDay) << "/day flows + "
    << FormatBytes(m.fullBytesPerDay) << "/day full capture; needs "
    << FormatBytes(m.storageRequired) << " of " << FormatBytes(prob.constraints.storageBytes)
    << "; flow retention fits " << Fmt("%.0f", m.flowRetentionFitDays) << " days (required "
    << Fmt("%.0f", prob.constraints.flowRetentionDays) << ": "
    << (m.flowRetentionMet ? "met" : "NOT met") << "), full capture fits "
    << Fmt("%.1f", m.fullRetentionFitDays) << " days (required "
    << Fmt("%.0f", prob.constraints.fullRetentionDays) << ": "
    << (m.fullRetentionMet ? "met" : "NOT met") << ")\n";
  o << "cost " << Fmt("%.3g", m.cost) << " units, " << m.devices << " devices, weighted coverage "
    << detail::Pct1(m.objectiveShare);
  if (in.plan.exactComplete) o << ", greedy gap to optimum " << detail::Pct1(in.plan.greedyGap);
  o << "\n";
  if (in.plan.best.devices > 0) o << detail::CertificateSummary(in);
  if (in.plan.best.devices == 0) o << "NOTHING FITS: " << in.cheapest.why << "\n";
  if (in.verification.ran) {
    o << "verification: export " << Fmt("%.3g", in.verification.totalBitsPerSecond / 1000.0)
      << " kbit/s, " << detail::Pct1(in.verification.lossShare) << " of messages lost\n";
  }
  return o.str();
}

core::Status WriteReport(const std::string& dir, const ReportInput& in) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) {
    return core::MakeError(core::ErrorCode::kIo, "cannot create " + dir + ": " + ec.message());
  }
  const std::pair<const char*, std::string> files[] = {
      {"plan.json", RenderPlanJson(in)},
      {"report.md", RenderMarkdown(in)},
      {"report.html", RenderHtml(in)},
      {"map.svg", RenderMapSvg(in, true)},
      {"coverage.svg", RenderCoverageSvg(in, true)}};
  for (const auto& [name, text] : files) {
    std::string path = (fs::path(dir) / name).string();
    std::ofstream out(path, std::ios::binary);
    out << text;
    if (!out) return core::MakeError(core::ErrorCode::kIo, "cannot write " + path);
  }
  return {};
}

}  // namespace vantage::planner
