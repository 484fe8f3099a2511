// `vantage detect SOURCE`: detections on flow records of a collector store or a run directory,
// printed as a table, written as JSON, stored in the findings table; --truth scores them.
#if defined(VANTAGE_HAVE_detect) && defined(VANTAGE_HAVE_planner) && defined(VANTAGE_HAVE_collector)
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>

#include "command.h"
#include "vantage/collector/query.h"
#include "vantage/detect/rules.h"
#include "vantage/planner/detection.h"

namespace vantage::cli {
namespace {

struct DetectOptions {
  std::string source, rules, json, since, until, points, topology, db;
  bool truth = false;
  bool quiet = false;
};

std::vector<std::string> Split(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream ss(s);
  std::string item;
  while (std::getline(ss, item, ',')) {
    if (!item.empty()) out.push_back(item);
  }
  return out;
}

bool ParseRequest(const DetectOptions& o, planner::DetectRequest& r) {
  r.source = o.source;
  r.points = Split(o.points);
  r.topologyPath = o.topology;
  r.findingsDb = o.db;
  r.truth = o.truth;
  for (auto [text, dest] :
       {std::pair{&o.since, &r.window.sinceNs}, {&o.until, &r.window.untilNs}}) {
    if (text->empty()) continue;
    auto t = collector::ParseTimeNs(*text);
    if (!t) {
      std::cerr << "vantage detect: bad time '" << *text << "': " << t.GetError().message << "\n";
      return false;
    }
    *dest = *t;
  }
  if (o.rules.empty()) return true;
  model::Diagnostics diags;
  auto rules = detect::LoadRules(o.rules, diags);
  for (const auto& d : diags.items) std::cerr << d.ToString() << "\n";
  if (!rules) return false;
  r.rules = std::move(*rules);
  return true;
}

int Run(const DetectOptions& o) {
  planner::DetectRequest request;
  if (!ParseRequest(o, request)) return 1;
  core::AnomalyCounters anomalies;
  auto out = planner::DetectSource(request, &anomalies);
  if (!out) {
    std::cerr << "vantage detect: " << out.GetError().message << "\n";
    return 1;
  }
  const auto& r = out->result;
  if (!o.quiet) {
    std::cout << detect::FormatFindings(r.findings);
    std::cout << r.findings.size() << " findings from " << r.records << " records ("
              << r.connections << " connections)";
    if (!out->findingsDb.empty()) std::cout << "; stored in " << out->findingsDb << " (findings)";
    std::cout << "\n";
  }
  for (const auto& n : r.notes) std::cerr << "note: " << n << "\n";
  for (const auto& [name, n] : anomalies.All())
    std::cerr << "anomaly: " << name << " " << n << "\n";
  nlohmann::json j = detect::ToJson(r, &out->flows.set);
  if (out->truth) {
    std::cout << "\n" << planner::FormatTruth(*out->truth, r.findings);
    j["truth"] = planner::ToJson(*out->truth);
  }
  if (!o.json.empty()) {
    std::ofstream f(o.json);
    f << j.dump(2) << "\n";
    if (!f) {
      std::cerr << "vantage detect: cannot write " << o.json << "\n";
      return 1;
    }
  }
  return 0;
}

Registrar reg{
    "detect", "Run detections on flow records (a store or a run directory); score with --truth",
    [](CLI::App& app) {
      auto o = std::make_shared<DetectOptions>();
      app.add_option("source", o->source,
                     "collector store (SQLite) or run directory (its points' IPFIX files)")
          ->required();
      app.add_option("--rules", o->rules,
                     "rules file (YAML): thresholds, detectors on/off, allow-lists; defaults and "
                     "their sources in docs/detections.md");
      app.add_option("--json", o->json, "write findings (and --truth scores) as JSON here");
      app.add_option("--since", o->since, "only records ending at or after (ISO 8601 or UNIX s)");
      app.add_option("--until", o->until, "only records starting before (ISO 8601 or UNIX s)");
      app.add_option("--points", o->points, "run directory: only these points (a,b); default all");
      app.add_option("--topology", o->topology,
                     "topology for host names, zones and roles (a store has none; a run "
                     "directory uses its manifest's)");
      app.add_option(
          "--db", o->db,
          "store findings in this SQLite file's findings table (default: the store "
          "itself; run directory: its collector.sqlite, else findings.sqlite; '-' none)");
      app.add_flag("--truth", o->truth,
                   "score findings against the run directory's ground truth: precision, recall, "
                   "time to detect, benign flows behind false positives");
      app.add_flag("-q,--quiet", o->quiet, "do not print the findings table");
      return [o] { return Run(*o); };
    },
    45};

}  // namespace
}  // namespace vantage::cli
#endif
