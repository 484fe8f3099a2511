// plan.json, report.md, report.html and the printed summary.
#include "vantage/planner/report.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "report-certificate.h"
#include "report-document.h"
#include "report-util.h"
#include "vantage/planner/blind-spots.h"
#include "vantage/planner/detectability.h"

namespace vantage::planner {

using detail::Fmt;
using detail::Pct;

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

namespace {

// A point the plan leaves unused: what its best mode would add and why it is left out.
void ExplainUnusedPoint(std::ostringstream& o, const ReportInput& in, size_t p) {
  const Problem& prob = *in.problem;
  const PointInfo& pt = prob.points[p];
  const Constraints& c = prob.constraints;
  Mode best = RichestMode(pt);
  if (best == Mode::kNone) {
    o << ": nothing - this device can neither export flows nor capture packets.";
    return;
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
}

}  // namespace

std::string ExplainPoint(const ReportInput& in, size_t p) {
  const Problem& prob = *in.problem;
  const PointInfo& pt = prob.points[p];
  const Constraints& c = prob.constraints;
  Mode m = ModeAt(in, p);
  std::ostringstream o;
  o << "**" << pt.name << "**";
  if (!pt.node.empty()) o << " (on " << pt.node << ")";
  if (m == Mode::kNone) {
    ExplainUnusedPoint(o, in, p);
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

namespace {

nlohmann::json PointsJson(const ReportInput& in) {
  using nlohmann::json;
  const Problem& prob = *in.problem;
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
  return points;
}

nlohmann::json MetricsJson(const Metrics& m) {
  using nlohmann::json;
  json beh = json::object();
  for (const auto& [k, v] : m.behaviourVisibility) beh[k] = v;
  return {{"flow_visibility", m.flowVisibility},
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
}

nlohmann::json TradeOffJson(const std::vector<TradeOff>& v) {
  using nlohmann::json;
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
}

nlohmann::json VerificationJson(const Verification& v) {
  using nlohmann::json;
  json ver = {{"ran", v.ran}, {"note", v.note}};
  if (v.ran) {
    json vp = json::array();
    for (const auto& p : v.points) {
      vp.push_back({{"name", p.name},
                    {"messages", p.messages},
                    {"bytes", p.bytes},
                    {"received", p.received},
                    {"lost", p.lost},
                    {"bits_per_second", p.bitsPerSecond}});
    }
    ver["points"] = vp;
    ver["total_bits_per_second"] = v.totalBitsPerSecond;
    ver["loss_share"] = v.lossShare;
    ver["run"] = v.runDir;
  }
  return ver;
}

}  // namespace

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
  j["points"] = PointsJson(in);
  j["metrics"] = MetricsJson(m);
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
  j["storage_sweep"] = TradeOffJson(in.storageSweep);
  j["pareto_front"] = TradeOffJson(in.paretoFront);
  j["verification"] = VerificationJson(in.verification);
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

namespace {

using detail::Document;

// The headline: the recommendation in one paragraph, or why nothing fits.
void DocHeadline(Document& doc, const ReportInput& in) {
  const Problem& prob = *in.problem;
  const Metrics& m = in.metrics;
  const Constraints& c = in.problem->constraints;
  std::string name = in.topology && !in.topology->name.empty() ? in.topology->name : "network";
  doc.Heading(1, "Capture plan: " + name);
  std::ostringstream o;
  if (in.plan.best.devices == 0) {
    o << "**Nothing fits the budget.** " << in.cheapest.why << ".";
    if (in.cheapest.found) {
      o << " The cheapest useful placement is " << ModeName(in.cheapest.mode) << " at "
        << in.cheapest.point << ": " << FormatBytes(in.cheapest.storage)
        << " of storage for the required retention and " << Fmt("%.3g", in.cheapest.cost)
        << " cost units.";
    }
    doc.Paragraph(o.str());
    return;
  }
  o << "**Recommendation:** " << m.points << " point" << (m.points == 1 ? "" : "s") << " for "
    << Fmt("%.3g", m.cost) << " cost units. The plan sees " << Pct(m.flowVisibility)
    << " of flows (" << Pct(m.byteVisibility) << " of bytes), " << Pct(m.northSouthVisibility)
    << " of north-south and " << Pct(m.eastWestVisibility) << " of east-west traffic";
  if (!prob.assets.empty()) {
    o << ", " << Pct(m.criticalCoverage) << " of flows touching the centres of gravity ("
      << Pct(m.criticalFullShare) << " under full capture)";
  }
  o << ". It stores " << FormatBytes(m.flowBytesPerDay) << "/day of flow records and "
    << FormatBytes(m.fullBytesPerDay) << "/day of full capture: " << FormatBytes(m.storageRequired)
    << " for the required retention (flows " << Fmt("%.0f", c.flowRetentionDays)
    << " days, full capture " << Fmt("%.0f", c.fullRetentionDays) << " days) of a "
    << FormatBytes(c.storageBytes) << " budget.";
  doc.Paragraph(o.str());
  for (const auto& para : {detail::KneeParagraph(in), detail::CertificateParagraph(in)}) {
    if (!para.empty()) doc.Paragraph(para);
  }
}

// The map and the table of points.
void DocPointTable(Document& doc, const ReportInput& in) {
  const Problem& prob = *in.problem;
  doc.Figure("Map of the plan", "map.svg");
  doc.Heading(2, "Recommendation");
  std::vector<Document::Row> rows;
  for (size_t i = 0; i < prob.points.size(); ++i) {
    const PointInfo& pt = prob.points[i];
    Mode mode = ModeAt(in, i);
    Metrics alone = Evaluate(prob, Only(in, i, mode == Mode::kNone ? RichestMode(pt) : mode));
    rows.push_back({pt.name, pt.node, ModeText(pt, mode), PointColour(in, i),
                    Pct(alone.flowVisibility), Fmt("%.3g", pt.Cost(mode)),
                    HasFlow(mode) ? FormatBytes(pt.flowBytesPerDay) : std::string("-"),
                    HasFull(mode) ? FormatBytes(pt.pcapBytesPerDay) : std::string("-")});
  }
  doc.Table({"point", "device", "mode", "colour", "sees (alone)", "cost", "flow records/day",
             "full capture/day"},
            std::move(rows));
  doc.Paragraph(
      "Colours follow the usual capture-strategy convention: green = flow export points, "
      "red = points where full capture is required (with or without flow export), amber = "
      "points that see a lot and are candidates for flow export with lower priority, grey = "
      "nothing.");
}

// Why each point.
void DocWhyEachPoint(Document& doc, const ReportInput& in) {
  doc.Heading(2, "Why each point");
  std::vector<std::string> items;
  for (size_t i = 0; i < in.problem->points.size(); ++i) items.push_back(ExplainPoint(in, i));
  doc.List(std::move(items));
}

// What the plan sees.
void DocMetrics(Document& doc, const ReportInput& in) {
  const Problem& prob = *in.problem;
  const Metrics& m = in.metrics;
  using detail::Pct1;
  doc.Heading(2, "What the plan sees");
  std::vector<Document::Row> rows = {
      {"flow visibility (share of ground-truth flows)", Pct1(m.flowVisibility)},
      {"simulated flows seen (unweighted, before host-group scaling)",
       Pct1(m.flowVisibilityUnweighted)},
      {"byte visibility", Pct1(m.byteVisibility)},
      {"north-south visibility (internet)", Pct1(m.northSouthVisibility)},
      {"east-west visibility (internal)", Pct1(m.eastWestVisibility)}};
  if (!prob.assets.empty()) {
    rows.push_back({"critical-asset coverage (weighted by criticality; " + AssetList(prob) + ")",
                    Pct1(m.criticalCoverage)});
    rows.push_back({"critical-asset flows under full capture", Pct1(m.criticalFullShare)});
  }
  for (const auto& [k, v] : m.behaviourVisibility) {
    rows.push_back({"behaviour `" + k + "` visible", Pct1(v)});
  }
  rows.push_back({"NAT attribution loss without NAT event logging", Pct1(m.natLossWithoutLog)});
  rows.push_back({"NAT attribution loss with NAT event logging", Pct1(m.natLossWithLog)});
  rows.push_back({"duplicate records (same flow at several points)",
                  Fmt("%.3g", m.duplicateRecordsPerDay) + "/day, " + Pct1(m.duplicateShare) +
                      " of records, " + FormatBytes(m.duplicateBytesPerDay) + "/day wasted"});
  rows.push_back(
      {"weighted coverage (optimiser objective, share of everything)", Pct1(m.objectiveShare)});
  doc.Table({"metric", "value"}, std::move(rows));
}

// Storage and retention against the budget.
void DocStorage(Document& doc, const ReportInput& in) {
  const Metrics& m = in.metrics;
  const Constraints& c = in.problem->constraints;
  doc.Heading(2, "Storage and retention");
  auto fits = [](double perDay, const char* format, double days) {
    return perDay > 0 ? Fmt(format, days) : std::string("n/a");
  };
  auto met = [](double perDay, bool ok) { return perDay > 0 ? (ok ? "yes" : "NO") : "n/a"; };
  doc.Table(
      {"", "per day", "required retention", "needs", "fits in budget", "met"},
      {{"flow records (" + Fmt("%.3g", m.recordsPerDay) + " records/day)",
        FormatBytes(m.flowBytesPerDay), Fmt("%.0f", c.flowRetentionDays) + " days",
        FormatBytes(m.flowBytesPerDay * c.flowRetentionDays),
        fits(m.flowBytesPerDay, "%.0f days", m.flowRetentionFitDays),
        met(m.flowBytesPerDay, m.flowRetentionMet)},
       {"full capture", FormatBytes(m.fullBytesPerDay), Fmt("%.0f", c.fullRetentionDays) + " days",
        FormatBytes(m.fullBytesPerDay * c.fullRetentionDays),
        fits(m.fullBytesPerDay, "%.1f days", m.fullRetentionFitDays),
        met(m.fullBytesPerDay, m.fullRetentionMet)}});
  std::string text =
      "Budget " + FormatBytes(c.storageBytes) + "; the plan needs " +
      FormatBytes(m.storageRequired) +
      ". Each retention that fits is computed with the other kept at its requirement. Storage "
      "is measured, not assumed: bytes per flow record from the run's IPFIX files (or the "
      "collector's SQLite store when the run has one), full capture from the pcap bytes "
      "written, scaled from the simulated window and each host group's scale factor to a real "
      "day.";
  if (!in.compliance.empty()) text += " Compliance note: " + in.compliance + ".";
  doc.Paragraph(text);
}

// Coverage against budget: the storage sweep and the Pareto front.
void DocCoverage(Document& doc, const ReportInput& in) {
  doc.Heading(2, "Coverage against budget");
  doc.Figure("Coverage against budget", "coverage.svg");
  std::vector<Document::Row> sweep;
  for (const auto& t : in.storageSweep) {
    sweep.push_back({FormatBytes(t.budget), Fmt("%.3g", t.cost), detail::Pct1(t.objectiveShare),
                     detail::Pct1(t.flowVisibility), Fmt("%.2f%%", t.gapCertified * 100)});
  }
  doc.Table({"storage budget", "cost", "weighted coverage", "flow visibility", "certified gap"},
            std::move(sweep));
  doc.Paragraph(
      "The certified gap of each plan is its distance to the online bound on the optimum at "
      "that limit (see Certified gap above).");
  doc.Paragraph("Pareto front of cost against coverage (no cheaper plan covers more):");
  std::vector<Document::Row> front;
  for (const auto& t : in.paretoFront) {
    front.push_back({Fmt("%.3g", t.cost), FormatBytes(t.storage), detail::Pct1(t.objectiveShare),
                     Fmt("%.2f%%", t.gapCertified * 100)});
  }
  doc.Table({"cost", "storage", "weighted coverage", "certified gap"}, std::move(front));
}

// How the plan was optimised (and its detectability section).
void DocOptimisation(Document& doc, const ReportInput& in) {
  doc.Heading(2, "Optimisation");
  std::string text =
      "A mode per point (nothing, flow export - sampled where the device can only sample -, "
      "full capture, or both) maximising weighted coverage: each ground-truth flow counts by the "
      "real flows it stands for, more if it touches a centre of gravity or belongs to a labelled "
      "behaviour, less if its internal host is lost behind NAT; full capture adds the payload of "
      "critical flows. Constraints: storage for the required retention, number of devices, "
      "device capabilities and cost. The lazy greedy (cost-benefit ratio, best of greedy and "
      "best single choice) is guaranteed at least (1-1/e)/2 of the optimum for this monotone "
      "submodular objective under a knapsack constraint. ";
  if (in.plan.exactRan && in.plan.exactComplete) {
    text += "With " + std::to_string(in.problem->points.size()) +
            " candidates an exact branch-and-bound search also ran: the greedy reached " +
            detail::Pct1(1 - in.plan.greedyGap) + " of the optimum (gap " +
            detail::Pct1(in.plan.greedyGap) + ").";
  } else if (in.plan.exactRan) {
    text += "The exact search stopped at its work limit; the greedy plan is reported.";
  } else {
    text +=
        "With more than 20 candidates the exact search does not run: the online bound "
        "certifies the plan instead (Certified gap, above), and a local search swapping modes "
        "tries to close a gap above 1% within a time limit.";
  }
  doc.Paragraph(text);
  if (in.detectability) detail::DetectabilitySection(doc, *in.detectability, in.metrics);
  if (in.blindSpots)
    detail::BlindSpotsSection(doc, *in.blindSpots, *in.problem, in.plan.best.modes);
}

// The verification run.
void DocVerification(Document& doc, const ReportInput& in) {
  const Verification& v = in.verification;
  doc.Heading(2, "Verification run");
  if (!v.ran) {
    doc.Paragraph("Not run: " + v.note);
    return;
  }
  doc.Paragraph(
      "The chosen plan was simulated again with only its points observing and its flow "
      "exporters sending IPFIX over the simulated network to the collector (run " +
      v.runDir + "). Export bandwidth " + Fmt("%.3g", v.totalBitsPerSecond / 1000.0) +
      " kbit/s in total, " + detail::Pct1(v.lossShare) + " of export messages lost.");
  std::vector<Document::Row> rows;
  for (const auto& p : v.points) {
    rows.push_back({p.name, std::to_string(p.messages), std::to_string(p.bytes),
                    std::to_string(p.received), std::to_string(p.lost),
                    Fmt("%.3g", p.bitsPerSecond / 1000.0)});
  }
  doc.Table({"point", "messages", "bytes", "received", "lost", "kbit/s"}, std::move(rows));
  if (!v.note.empty()) doc.Paragraph(v.note);
}

// The six planning steps.
void DocPlanningSteps(Document& doc, const ReportInput& in) {
  const Problem& prob = *in.problem;
  const Metrics& m = in.metrics;
  const Constraints& c = in.problem->constraints;
  doc.Heading(2, "How this plan follows the six planning steps");
  auto met = [](double perDay, bool ok, const char* none) {
    return std::string(perDay <= 0 ? none : ok ? "met" : "NOT met");
  };
  doc.List(
      {"**Identify the critical data**: the topology names its centres of gravity" +
           (prob.assets.empty() ? std::string(" (none here)") : " (" + AssetList(prob) + ")") +
           "; flows touching them weigh more and full capture is valued there.",
       "**Understand your network**: one simulation of the whole topology gives ground truth "
       "for every flow and what each candidate point records.",
       "**Identify bottlenecks and critical points**: every candidate aggregation point is "
       "measured for what it sees alone and together with others (duplication).",
       "**Identify critical centres of gravity**: critical-asset coverage and the share of "
       "their flows under full capture are reported above.",
       "**Plan the flow exporters and full capture points**: the optimiser picks green (flow "
       "export), red (full capture) and amber (lower-priority flow export) points within budget.",
       "**Check compliance requirements**: flow retention " + Fmt("%.0f", c.flowRetentionDays) +
           " days " + met(m.flowBytesPerDay, m.flowRetentionMet, "(no flows kept)") +
           ", full-capture retention " + Fmt("%.0f", c.fullRetentionDays) + " days " +
           met(m.fullBytesPerDay, m.fullRetentionMet, "(no full capture)") + "."},
      true);
}

// Limits of flow data, analysis factors and the inputs.
void DocLimitsAndInputs(Document& doc, const ReportInput& in) {
  const Metrics& m = in.metrics;
  doc.Heading(2, "Limits of flow data (drawbacks to keep in mind)");
  doc.List(
      {"Flows identify the equipment, not the user: finding the people involved needs "
       "analysis and association with other logs.",
       "NAT can make the capture inconsistent, because the flow is recorded where the "
       "exporter sits: after NAT " +
           detail::Pct1(m.natLossWithoutLog) +
           " of seen flows lose their internal host without NAT event logging, " +
           detail::Pct1(m.natLossWithLog) + " with it.",
       "Flows never show the content of the communication: only full capture does, for as "
       "long as it is kept."});
  doc.Heading(2, "Analysing what the plan records");
  doc.Paragraph(
      "Flow metadata becomes intelligence by combining three analysis factors: **traffic "
      "directionality** (is this conversation's direction legitimate, e.g. a DMZ server "
      "initiating to the internet - north-south visibility above), the **expected traffic of "
      "the protocol** (duration and volume typical of SSH, HTTP, DNS...), and **time-based "
      "analysis** (spikes that suggest transfers, beacons at regular intervals).");
  doc.Heading(2, "Inputs");
  doc.List({"topology: `" + in.topologyPath + "`", "scenario: `" + in.scenarioPath + "`",
            "observation run: `" + in.runDir + "`", "seed: " + std::to_string(in.seed)});
}

// The whole report as one document.
Document ReportDocument(const ReportInput& in) {
  Document doc;
  for (auto* section :
       {DocHeadline, DocPointTable, DocWhyEachPoint, DocMetrics, DocStorage, DocCoverage,
        DocOptimisation, DocVerification, DocPlanningSteps, DocLimitsAndInputs}) {
    section(doc, in);
  }
  return doc;
}

}  // namespace

std::string RenderMarkdown(const ReportInput& in) {
  return ReportDocument(in).ToMarkdown();
}

namespace {

std::string HtmlOf(const Document& doc, const ReportInput& in) {
  return doc.ToHtml("Vantage capture plan", [&](const std::string& file) {
    return file == "map.svg" ? RenderMapSvg(in, false) : RenderCoverageSvg(in, false);
  });
}

}  // namespace

std::string RenderHtml(const ReportInput& in) {
  return HtmlOf(ReportDocument(in), in);
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
  const Document doc = ReportDocument(in);  // one build, rendered as Markdown and HTML
  const std::pair<const char*, std::string> files[] = {
      {"plan.json", RenderPlanJson(in)},
      {"report.md", doc.ToMarkdown()},
      {"report.html", HtmlOf(doc, in)},
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
