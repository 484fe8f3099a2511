// Detectability per point and for the plan (see detectability.h).
#include "vantage/planner/detectability.h"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>

#include "report-document.h"
#include "vantage/planner/detection.h"
#include "vantage/planner/flow-log-observations.h"
#include "vantage/planner/observations.h"

namespace vantage::planner {

namespace fs = std::filesystem;

const BehaviourDetection* PointDetectability::Find(const std::string& label, bool flowLog) const {
  for (const auto& b : flowLog ? flowLogBehaviours : behaviours) {
    if (b.label == label) return &b;
  }
  return nullptr;
}

const PointDetectability* Detectability::FindPoint(const std::string& name) const {
  for (const auto& p : points) {
    if (p.point == name) return &p;
  }
  return nullptr;
}

namespace {

// The detectors on one set of records, scored against ground truth.
std::vector<BehaviourDetection> DetectOn(const RunData& run, const detect::NetworkContext& ctx,
                                         const detect::Rules& rules,
                                         const std::vector<core::FlowRecord>& records,
                                         const std::string& point, uint32_t samplingRate,
                                         uint32_t* falsePositives) {
  detect::FlowSet set;
  set.Add(records, point, samplingRate);
  auto result = detect::RunDetectors(set, ctx, rules);
  TruthScore score = ScoreAgainstTruth(run, set, result.findings);
  *falsePositives = static_cast<uint32_t>(score.falsePositives.size());
  std::vector<BehaviourDetection> out;
  for (const auto& b : score.behaviours) {
    out.push_back({b.label, b.kind, b.detected, b.detectors, b.timeToDetectS});
  }
  std::sort(out.begin(), out.end(), [](const auto& x, const auto& y) { return x.label < y.label; });
  return out;
}

}  // namespace

core::Result<Detectability> ComputeDetectability(const RunData& run,
                                                 const model::Topology* topology,
                                                 const detect::Rules& rules,
                                                 core::AnomalyCounters* anomalies,
                                                 const std::vector<PointRecords>* records) {
  std::vector<PointRecords> read;
  if (records == nullptr) {
    auto r = ReadRunRecords(run, anomalies);
    if (!r) return r.GetError();
    read = std::move(*r);
    records = &read;
  }
  Detectability d;
  detect::NetworkContext ctx = ContextFromRun(run, topology);
  for (size_t i = 0; i < run.manifest.points.size() && i < records->size(); ++i) {
    const ManifestPoint& p = run.manifest.points[i];
    const PointRecords& pr = (*records)[i];
    PointDetectability pd;
    pd.point = p.name;
    pd.samplingRate = std::max<uint32_t>(1, p.samplingRate);
    pd.behaviours =
        DetectOn(run, ctx, rules, pr.ipfix, p.name, pd.samplingRate, &pd.falsePositives);
    if (p.flowLog) {
      // The provider's flow log at the same place: its own records, windows and all.
      std::vector<core::FlowRecord> flows;
      for (const auto& r : pr.flowLog) {
        if (r.logStatus == wire::flowlog::LogStatus::kOk) flows.push_back(ToFlowRecord(r));
      }
      pd.hasFlowLog = true;
      pd.flowLogBehaviours = DetectOn(run, ctx, rules, flows, p.name, 1, &pd.flowLogFalsePositives);
    }
    d.points.push_back(std::move(pd));
  }
  d.computed = true;
  return d;
}

void CombineForPlan(Detectability& d, const Problem& problem, const Placement& placement) {
  d.plan.clear();
  std::map<std::string, BehaviourDetection> byLabel;
  for (const auto& pd : d.points) {
    int p = problem.FindPoint(pd.point);
    bool flowLog =
        p >= 0 && static_cast<size_t>(p) < placement.size() && placement[p] == Mode::kFlowLog;
    for (const auto& b : flowLog ? pd.flowLogBehaviours : pd.behaviours) {
      BehaviourDetection& out = byLabel[b.label];
      out.label = b.label;
      out.kind = b.kind;
      if (p < 0 || static_cast<size_t>(p) >= placement.size() || placement[p] == Mode::kNone ||
          !b.detected)
        continue;
      out.detected = true;
      for (const auto& det : b.detectors) {
        if (std::find(out.detectors.begin(), out.detectors.end(), det) == out.detectors.end())
          out.detectors.push_back(det);
      }
      if (out.timeToDetectS < 0 || b.timeToDetectS < out.timeToDetectS)
        out.timeToDetectS = b.timeToDetectS;
    }
  }
  for (auto& [label, b] : byLabel) d.plan.push_back(std::move(b));
}

void ApplyDetectObjective(Problem& problem, const Detectability& d, const RunData& run) {
  if (!d.computed || problem.flows.size() != run.flows.size()) return;
  for (auto& pt : problem.points) {
    const PointDetectability* pd = d.FindPoint(pt.name);
    for (auto& h : pt.hits) {
      const FlowInfo& f = problem.flows[h.flow];
      if (f.behaviour < 0) continue;
      // Visible only: the flow is worth what a benign flow is (no behaviour bonus).
      double base = 1.0 + problem.weights.criticalBonus * f.criticality;
      auto factor = static_cast<float>(base / (base + problem.weights.behaviourBonus));
      const BehaviourDetection* b = pd ? pd->Find(run.flows[h.flow].label) : nullptr;
      if (!b || !b->detected) h.detectProb *= factor;
      const BehaviourDetection* l = pd ? pd->Find(run.flows[h.flow].label, true) : nullptr;
      if (!l || !l->detected) h.flowLogProb *= factor;
    }
  }
}

namespace {

std::string Detectors(const BehaviourDetection& b) {
  std::string out;
  for (const auto& d : b.detectors) out += (out.empty() ? "" : ", ") + d;
  return out.empty() ? "-" : out;
}

double VisibleShare(const Metrics& m, const std::string& kind) {
  auto it = m.behaviourVisibility.find(kind);
  return it == m.behaviourVisibility.end() ? 0.0 : it->second;
}

}  // namespace

namespace detail {

void DetectabilitySection(Document& doc, const Detectability& d, const Metrics& m) {
  doc.Heading(2, "Detectability");
  if (!d.computed) {
    doc.Paragraph("Not computed: " + d.note);
    return;
  }
  doc.Paragraph(
      "Which labelled behaviours the plan lets an analyst *detect* with `vantage detect`'s "
      "default rules (docs/detections.md), not only see. *Visible but not detected*: the plan "
      "records the behaviour's flows but no detector raises a finding on them.");
  std::vector<Document::Row> plan;
  for (const auto& b : d.plan) {
    double vis = VisibleShare(m, b.kind);
    plan.push_back(
        {fmt::format("`{}`", b.label), b.kind, fmt::format("{:.0f}%", vis * 100),
         b.detected ? "yes" : "no", Detectors(b),
         b.timeToDetectS < 0 ? std::string("-") : fmt::format("{:.0f} s", b.timeToDetectS),
         vis > 0 && !b.detected ? "**yes**" : "no"});
  }
  doc.Table({"behaviour", "kind", "visible", "detected", "by", "time to detect",
             "visible but not detected"},
            std::move(plan));
  doc.Paragraph("Per candidate point (its own records):");
  std::vector<Document::Row> points;
  for (const auto& p : d.points) {
    std::string list;
    for (const auto& b : p.behaviours) {
      if (b.detected) list += (list.empty() ? "" : ", ") + fmt::format("`{}`", b.label);
    }
    points.push_back({p.point, p.samplingRate > 1 ? fmt::format("1 in {}", p.samplingRate) : "none",
                      list.empty() ? "nothing" : list, std::to_string(p.falsePositives)});
    if (!p.hasFlowLog) continue;
    std::string logList;
    for (const auto& b : p.flowLogBehaviours) {
      if (b.detected) logList += (logList.empty() ? "" : ", ") + fmt::format("`{}`", b.label);
    }
    points.push_back({p.point + " (flow log)", "provider's", logList.empty() ? "nothing" : logList,
                      std::to_string(p.flowLogFalsePositives)});
  }
  doc.Table({"point", "sampling", "detects", "false positives"}, std::move(points));
}

}  // namespace detail

std::string DetectabilityMarkdown(const Detectability& d, const Metrics& m) {
  detail::Document doc;
  detail::DetectabilitySection(doc, d, m);
  // A section ends with a blank line, ready for the next one.
  return doc.ToMarkdown() + "\n";
}

nlohmann::json DetectabilityJson(const Detectability& d, const Metrics& m) {
  nlohmann::json j;
  j["computed"] = d.computed;
  if (!d.computed) {
    j["note"] = d.note;
    return j;
  }
  auto beh = [&](const BehaviourDetection& b) {
    nlohmann::json x = {
        {"label", b.label},
        {"kind", b.kind},
        {"detected", b.detected},
        {"detectors", b.detectors},
        {"time_to_detect_s",
         b.timeToDetectS < 0 ? nlohmann::json(nullptr) : nlohmann::json(b.timeToDetectS)}};
    return x;
  };
  j["plan"] = nlohmann::json::array();
  for (const auto& b : d.plan) {
    nlohmann::json x = beh(b);
    double vis = VisibleShare(m, b.kind);
    x["visible"] = vis;
    x["visible_but_not_detected"] = vis > 0 && !b.detected;
    j["plan"].push_back(x);
  }
  j["points"] = nlohmann::json::array();
  for (const auto& p : d.points) {
    nlohmann::json bs = nlohmann::json::array();
    for (const auto& b : p.behaviours) bs.push_back(beh(b));
    // Both modes detect the same (flow records either way); listed per mode for the planner.
    nlohmann::json modes = {{"flow", bs}, {"full", bs}};
    if (p.hasFlowLog) {
      nlohmann::json logs = nlohmann::json::array();
      for (const auto& b : p.flowLogBehaviours) logs.push_back(beh(b));
      modes["flow-log"] = logs;
    }
    j["points"].push_back({{"point", p.point},
                           {"sampling_rate", p.samplingRate},
                           {"modes", modes},
                           {"false_positives", p.falsePositives}});
  }
  return j;
}

std::string ExplainDetectability(const Detectability& d, const std::string& point) {
  const PointDetectability* p = d.computed ? d.FindPoint(point) : nullptr;
  if (p == nullptr || p->behaviours.empty()) return "";
  std::vector<std::string> detected;
  for (const auto& b : p->behaviours) {
    if (b.detected) detected.push_back(b.label);
  }
  std::string out =
      fmt::format(" On its own records the detectors find {} of {} labelled behaviours",
                  detected.size(), p->behaviours.size());
  if (!detected.empty()) {
    out += " (";
    for (size_t i = 0; i < detected.size(); ++i) out += (i ? ", " : "") + detected[i];
    out += ")";
  }
  if (p->samplingRate > 1) {
    out += fmt::format("; sampling 1 in {} hides beacons and failed connections", p->samplingRate);
  }
  return out + ".";
}

}  // namespace vantage::planner
