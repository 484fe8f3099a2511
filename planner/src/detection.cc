// Detections on a run directory and their scoring against ground truth (see detection.h).
#include "vantage/planner/detection.h"

#include <algorithm>
#include <climits>
#include <filesystem>
#include <map>
#include <optional>
#include <set>

#include "vantage/detect/findings-table.h"
#include "vantage/model/topology.h"
#include "vantage/planner/observations.h"

namespace vantage::planner {

namespace fs = std::filesystem;

detect::NetworkContext ContextFromRun(const RunData& run, const model::Topology* topology) {
  detect::NetworkContext ctx;
  if (topology) {
    if (auto t = detect::NetworkContext::FromTopology(*topology)) ctx = std::move(*t);
  }
  auto add = [&](const core::IpAddress& ip, const std::string& host, const std::string& group) {
    if (!ip.IsSet() || host.empty()) return;
    detect::HostInfo h;
    h.name = host;
    h.node = group;
    if (const model::Node* n = topology ? topology->FindNode(group) : nullptr) {
      h.zone = n->zone;
      h.role = n->role;
      if (const model::Zone* z = topology->FindZone(n->zone)) h.zoneKind = z->kind;
    } else if (const detect::HostInfo* known = ctx.Find(ip)) {
      h.zone = known->zone;
      h.zoneKind = known->zoneKind;
      h.role = known->role;
    } else if (topology == nullptr) {
      // Without zones the host keeps its name only; internal-ness falls back to the address.
      ctx.AddHost(ip, h);
      return;
    }
    ctx.AddHost(ip, h);
  };
  for (const auto& f : run.flows) {
    add(f.srcIp, f.srcHost, f.srcGroup);
    add(f.dstIp, f.dstHost, f.dstGroup);
  }
  return ctx;
}

namespace {

bool WantPoint(const RunFlowsRequest& r, const std::string& name) {
  return r.points.empty() || std::find(r.points.begin(), r.points.end(), name) != r.points.end();
}

core::Status CheckPoints(const RunFlowsRequest& r, const RunData& run) {
  for (const auto& p : r.points) {
    if (run.manifest.FindPoint(p) == nullptr) {
      return core::MakeError(core::ErrorCode::kNotFound,
                             "run directory " + r.dir + " has no point '" + p + "'");
    }
  }
  return {};
}

void FilterWindow(detect::FlowSet& set, const detect::ReadOptions& w) {
  auto out = std::remove_if(set.flows.begin(), set.flows.end(), [&](const detect::Flow& f) {
    return f.endNs < w.sinceNs || f.startNs >= w.untilNs;
  });
  set.flows.erase(out, set.flows.end());
  set.UpdateSpan();
}

}  // namespace

core::Result<RunFlows> LoadRunFlows(const RunFlowsRequest& request,
                                    core::AnomalyCounters* anomalies) {
  auto run = LoadRunDirectory(request.dir);
  if (!run) return run.GetError();
  VANTAGE_RETURN_IF_ERROR(CheckPoints(request, *run));
  RunFlows out;
  out.run = std::move(*run);
  for (const auto& p : out.run.manifest.points) {
    if (!WantPoint(request, p.name)) continue;
    std::string rel = p.ipfix.empty() ? "points/" + p.name + ".ipfix" : p.ipfix;
    std::string path = (fs::path(request.dir) / rel).string();
    std::error_code ec;
    if (!fs::exists(path, ec)) {
      return core::MakeError(
          core::ErrorCode::kNotFound,
          "run directory " + request.dir + " is missing " + rel + " (point " + p.name + ")");
    }
    auto records = ReadIpfixRecords(path, anomalies);
    if (!records) return records.GetError();
    out.set.Add(*records, p.name, std::max<uint32_t>(1, p.samplingRate));
  }
  FilterWindow(out.set, request.window);
  std::string topoPath =
      request.topologyPath.empty() ? out.run.manifest.topologyPath : request.topologyPath;
  model::Diagnostics diags;
  std::optional<model::Topology> topo;
  if (!topoPath.empty()) {
    if (auto t = model::LoadTopology(topoPath, diags)) topo = std::move(*t);
  }
  if (!topo) {
    out.notes.push_back("topology '" + topoPath +
                        "' not loaded: hosts named from the ground truth, zones unknown");
  }
  out.ctx = ContextFromRun(out.run, topo ? &*topo : nullptr);
  return out;
}

}  // namespace vantage::planner

namespace vantage::planner {

namespace {

core::Result<RunFlows> LoadStoreFlows(const DetectRequest& r) {
  auto set = detect::ReadStore(r.source, r.window);
  if (!set) return set.GetError();
  RunFlows out;
  out.set = std::move(*set);
  if (!r.topologyPath.empty()) {
    model::Diagnostics diags;
    auto topo = model::LoadTopology(r.topologyPath, diags);
    if (!topo) {
      return core::MakeError(core::ErrorCode::kInvalid,
                             diags.items.empty() ? topo.GetError().message : diags.ToString());
    }
    auto ctx = detect::NetworkContext::FromTopology(*topo);
    if (!ctx) return ctx.GetError();
    out.ctx = std::move(*ctx);
  }
  return out;
}

std::string FindingsPath(const DetectRequest& r, bool isRun) {
  if (!r.findingsDb.empty()) return r.findingsDb == "-" ? "" : r.findingsDb;
  if (!isRun) return r.source;
  fs::path store = fs::path(r.source) / "collector.sqlite";
  std::error_code ec;
  return fs::exists(store, ec) ? store.string() : (fs::path(r.source) / "findings.sqlite").string();
}

}  // namespace

core::Result<DetectOutcome> DetectSource(const DetectRequest& r, core::AnomalyCounters* anomalies) {
  std::error_code ec;
  if (!fs::exists(r.source, ec)) {
    return core::MakeError(core::ErrorCode::kNotFound, r.source + ": no such file or directory");
  }
  DetectOutcome out;
  out.isRun = fs::is_directory(r.source, ec);
  if (out.isRun && !fs::exists(fs::path(r.source) / "manifest.json", ec)) {
    return core::MakeError(core::ErrorCode::kInvalid,
                           r.source + ": not a run directory (no manifest.json)");
  }
  if (r.truth && !out.isRun) {
    return core::MakeError(core::ErrorCode::kInvalid,
                           "--truth needs a run directory (ground truth), not a store");
  }
  auto flows = out.isRun ? LoadRunFlows({r.source, r.points, r.window, r.topologyPath}, anomalies)
                         : LoadStoreFlows(r);
  if (!flows) return flows.GetError();
  out.flows = std::move(*flows);
  if (out.flows.set.flows.empty()) {
    return core::MakeError(core::ErrorCode::kNotFound,
                           r.source + ": no flow records" +
                               (r.window.sinceNs > INT64_MIN || r.window.untilNs < INT64_MAX
                                    ? std::string(" in the chosen time window")
                                    : std::string()));
  }
  out.findingsDb = FindingsPath(r, out.isRun);
  std::unique_ptr<detect::FindingsTable> table;
  if (!out.findingsDb.empty()) {
    auto t = detect::FindingsTable::Open(out.findingsDb, "detect " + r.source);
    if (!t) return t.GetError();
    table = std::move(*t);
  }
  core::Status writeError;
  out.result =
      detect::RunDetectors(out.flows.set, out.flows.ctx, r.rules,
                           [&](const std::string&, const std::vector<detect::Finding>& found) {
                             if (table && writeError)
                               writeError = table->Append(found, &out.flows.set);
                           });
  out.findingsWritten = table ? table->Written() : 0;
  if (!writeError) return writeError.GetError();
  for (const auto& n : out.flows.notes) out.result.notes.push_back(n);
  if (r.truth) out.truth = ScoreAgainstTruth(out.flows.run, out.flows.set, out.result.findings);
  return out;
}

}  // namespace vantage::planner
