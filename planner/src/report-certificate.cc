// The report's certificate and knee texts (Markdown, plan.json, summary).
#include "report-certificate.h"

#include <algorithm>

#include "report-util.h"
#include "vantage/planner/metrics.h"

namespace vantage::planner::detail {
namespace {

// Gaps are small: two decimals, so 0.04% does not read as 0.0%.
std::string Gap(double share) {
  return Fmt("%.2f%%", share * 100.0);
}

// Percentage points of coverage: one decimal, two below a tenth.
std::string Points(double share) {
  double pts = share * 100.0;
  return Fmt(pts < 0.1 ? "%.2f" : "%.1f", pts);
}

std::string PlanPoints(const Problem& p, const Placement& modes) {
  std::string s;
  for (size_t i = 0; i < modes.size() && i < p.points.size(); ++i) {
    if (modes[i] == Mode::kNone) continue;
    s += (s.empty() ? "" : ", ") + p.points[i].name + " (" + ModeName(modes[i]) + ")";
  }
  return s;
}

std::string CostUnits(double cost) {
  return Fmt("%.3g", cost) + (cost == 1 ? " cost unit" : " cost units");
}

// The plan that maximises coverage: the knee's reference when the knee is preferred.
const Solution& MaxCoveragePlan(const ReportInput& in) {
  return in.preferKnee && in.knee.found ? in.knee.best : in.plan.best;
}

std::string BindingText(const std::string& binding) {
  if (binding == "everything") return "every point in its richest mode";
  return "the " + binding + " limit";
}

}  // namespace

std::string CertificateParagraph(const ReportInput& in) {
  const Certificate& c = in.plan.certificate;
  double maxObj = MaxObjective(*in.problem);
  if (maxObj <= 0 || c.bound <= 0) return "";
  const Solution& best = MaxCoveragePlan(in);
  std::string o = "**Certified gap:** no plan within these limits can exceed " +
                  Pct1(c.bound / maxObj) +
                  " weighted coverage (online bound of Leskovec et al. 2007, tightest from " +
                  BindingText(c.binding) + "), so the plan that maximises coverage (" +
                  Pct1(best.objective / maxObj) + ") is within " + Gap(c.gap) + " of the optimum";
  if (in.preferKnee && in.knee.found && !in.knee.isBest) {
    o += " and the recommended knee plan within " +
         Gap(std::max(0.0, 1.0 - in.knee.plan.objective / c.bound));
  }
  o += ".";
  if (in.plan.exactComplete) {
    o += " The exact search (" + std::to_string(in.problem->points.size()) +
         " candidates) proves that plan optimal; the greedy alone had a gap of " +
         Gap(in.plan.greedyGap) + ".";
  } else if (in.plan.exactRan) {
    o += " The exact search stopped at its work limit.";
  }
  const Tightening& t = in.plan.tightening;
  if (t.ran) {
    o += " The certified gap of the greedy plan was " + Gap(t.gapBefore) +
         ": a local search swapping modes ran for " + Fmt("%.1f", t.seconds) + " s (" +
         std::to_string(t.moves) + " improving moves, stopped: " + t.stoppedBy +
         ") and reached a certified gap of " + Gap(t.gapAfter) + ".";
  }
  return o;
}

std::string KneeParagraph(const ReportInput& in) {
  const Knee& k = in.knee;
  if (!k.found) return "";
  const Problem& p = *in.problem;
  std::string thr = Fmt("%g", k.threshold * 100) +
                    (k.threshold == 0.01 ? " percentage point" : " percentage points");
  if (k.isBest) {
    return "**Knee of the cost curve:** this plan is also the knee: no cheaper plan the "
           "optimiser found comes within " +
           thr + " of its weighted coverage.";
  }
  std::string bought = "the last " + Points(k.coverageGivenUp) + " points of weighted coverage";
  // The knee may need more storage than the best plan (cheaper devices, more capture).
  std::string price = k.storageSaved >= 0
                          ? CostUnits(k.costSaved) + " and " + FormatBytes(k.storageSaved) +
                                " of storage at the required retention"
                          : CostUnits(k.costSaved) + ", though the knee needs " +
                                FormatBytes(-k.storageSaved) + " more storage";
  if (in.preferKnee) {
    return "**Recommended: the knee of the cost curve** (`--prefer knee`): the cheapest plan "
           "within " +
           thr + " of the best coverage found (" + Pct1(k.bestShare) + " with " +
           std::to_string(k.best.devices) + (k.best.devices == 1 ? " point for " : " points for ") +
           CostUnits(k.best.cost) + "). This plan reaches " + Pct1(k.share) + "; " + bought +
           " would cost " + price + " more.";
  }
  return "**Knee of the cost curve:** " + std::to_string(k.plan.devices) +
         (k.plan.devices == 1 ? " point for " : " points for ") + CostUnits(k.plan.cost) + " (" +
         PlanPoints(p, k.plan.modes) + ") reach " + Pct1(k.share) + " weighted coverage, within " +
         thr + " of this plan's " + Pct1(k.bestShare) + ", and need " +
         FormatBytes(k.plan.storage) + ": " + bought + " cost " + price +
         ". `--prefer knee` recommends the knee instead.";
}

void AddCertificateJson(const ReportInput& in, nlohmann::json& doc) {
  using nlohmann::json;
  const Certificate& c = in.plan.certificate;
  double maxObj = MaxObjective(*in.problem);
  json& opt = doc["optimisation"];
  opt["gap_certified"] = c.gap;
  opt["bound"] = c.bound;
  opt["bound_share"] = maxObj > 0 ? c.bound / maxObj : 0.0;
  opt["bound_constraint"] = c.binding;
  const Tightening& t = in.plan.tightening;
  opt["tightening"] = {{"ran", t.ran},
                       {"seconds", t.seconds},
                       {"moves", t.moves},
                       {"objective_before", t.valueBefore},
                       {"objective_after", t.valueAfter},
                       {"gap_before", t.gapBefore},
                       {"gap_after", t.gapAfter},
                       {"stopped_by", t.stoppedBy}};
  const Knee& k = in.knee;
  json knee = {{"found", k.found}, {"threshold", k.threshold}, {"preferred", in.preferKnee}};
  if (k.found) {
    json names = json::array(), modes = json::array();
    for (size_t i = 0; i < k.plan.modes.size() && i < in.problem->points.size(); ++i) {
      if (k.plan.modes[i] == Mode::kNone) continue;
      names.push_back(in.problem->points[i].name);
      modes.push_back(ModeName(k.plan.modes[i]));
    }
    knee["points"] = names;
    knee["modes"] = modes;
    knee["cost"] = k.plan.cost;
    knee["storage_bytes"] = k.plan.storage;
    knee["weighted_coverage"] = k.share;
    knee["is_best"] = k.isBest;
    knee["best"] = {{"cost", k.best.cost},
                    {"storage_bytes", k.best.storage},
                    {"weighted_coverage", k.bestShare}};
    knee["coverage_given_up"] = k.coverageGivenUp;
    knee["cost_saved"] = k.costSaved;
    knee["storage_saved_bytes"] = k.storageSaved;
  }
  doc["knee"] = knee;
}

std::string CertificateSummary(const ReportInput& in) {
  double maxObj = MaxObjective(*in.problem);
  const Certificate& c = in.plan.certificate;
  std::string o = "certified gap " + Gap(c.gap) + " (bound " +
                  Pct1(maxObj > 0 ? c.bound / maxObj : 0.0) + " weighted coverage)";
  if (in.plan.tightening.ran) {
    o += ", local search " + Gap(in.plan.tightening.gapBefore) + " -> " +
         Gap(in.plan.tightening.gapAfter) + " (" + in.plan.tightening.stoppedBy + ")";
  }
  const Knee& k = in.knee;
  if (k.found && !k.isBest) {
    o += Fmt("; knee: %u point%s, cost %.3g, ", k.plan.devices, k.plan.devices == 1 ? "" : "s",
             k.plan.cost) +
         Pct1(k.share) + (in.preferKnee ? " (recommended)" : "") + "; the last " +
         Points(k.coverageGivenUp) + " points cost " + CostUnits(k.costSaved) +
         (k.storageSaved >= 0 ? " and " + FormatBytes(k.storageSaved)
                              : ", the knee needs " + FormatBytes(-k.storageSaved) + " more");
  } else if (k.found) {
    o += "; the plan is the knee";
  }
  return o + "\n";
}

}  // namespace vantage::planner::detail
