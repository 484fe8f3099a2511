// `vantage topology check|show|generate` and `vantage scenario check`: validate, summarise and
// draw topologies; generate large ones for scale tests.
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>

#include "command.h"
#include "vantage/model/address-plan.h"
#include "vantage/model/generator.h"
#include "vantage/model/graph.h"
#include "vantage/model/scenario.h"
#include "vantage/model/svg-map.h"
#include "vantage/model/topology.h"

namespace vantage::cli {
namespace {

using model::Diagnostics;

void PrintDiagnostics(const Diagnostics& d) {
  for (const auto& item : d.items) std::cerr << item.ToString() << "\n";
}

int CheckTopology(const std::string& path) {
  Diagnostics diags;
  auto topo = model::LoadTopology(path, diags);
  PrintDiagnostics(diags);
  if (!topo) {
    std::cerr << path << ": " << diags.ErrorCount() << " error(s)\n";
    return 1;
  }
  std::cout << path << ": ok (" << topo->zones.size() << " zones, " << topo->nodes.size()
            << " nodes, " << topo->links.size() << " links, " << topo->candidates.size()
            << " candidate points)\n";
  return 0;
}

int CheckScenario(const std::string& path, const std::string& topologyPath) {
  Diagnostics diags;
  auto topo = model::LoadTopology(topologyPath, diags);
  if (!topo) {
    PrintDiagnostics(diags);
    std::cerr << topologyPath << ": " << diags.ErrorCount() << " error(s)\n";
    return 1;
  }
  auto sc = model::LoadScenario(path, *topo, diags);
  PrintDiagnostics(diags);
  if (!sc) {
    std::cerr << path << ": " << diags.ErrorCount() << " error(s)\n";
    return 1;
  }
  double sessions = model::ExpectedSessions(*sc, *topo);
  std::cout << path << ": ok against " << topologyPath << " (" << sc->traffic.size()
            << " traffic mixes, " << sc->behaviours.size() << " behaviours, window "
            << sc->durationS << " s, about " << static_cast<uint64_t>(sessions)
            << " benign sessions expected)\n";
  return 0;
}

std::string Join(const std::vector<std::string>& v, const char* sep = ", ") {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : sep) + x;
  return s;
}

std::string Num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

std::string PathText(const model::Path& p) {
  std::string s = Join(p.nodes, " > ");
  s += "  (" + std::to_string(p.nodes.size() - 1) + " hops, " + Num(p.delayMs) + " ms";
  if (!p.crossings.empty()) {
    std::vector<std::string> c;
    for (const auto& x : p.crossings) c.push_back(x.fromZone + "->" + x.toZone + " at " + x.node);
    s += "; crosses " + Join(c);
  }
  return s + ")";
}

void PrintZones(const model::Topology& t) {
  std::map<std::string, int> perZone;
  for (const auto& n : t.nodes) perZone[n.zone]++;
  std::printf("\nZones (%zu)\n", t.zones.size());
  std::printf("  %-16s %-13s %-6s %s\n", "name", "kind", "nodes", "CIDRs");
  for (const auto& z : t.zones) {
    std::vector<std::string> c;
    for (const auto& p : z.cidrs) c.push_back(p.ToString());
    std::printf("  %-16s %-13s %-6d %s\n", z.name.c_str(), model::ZoneKindName(z.kind),
                perZone[z.name], Join(c).c_str());
  }
}

void PrintNodes(const model::Topology& t) {
  std::map<std::string, int> kinds;
  uint64_t real = 0, sim = 0;
  for (const auto& n : t.nodes) {
    kinds[model::NodeKindName(n.kind)]++;
    if (n.kind == model::NodeKind::kHostGroup) real += n.count, sim += n.simulate;
  }
  std::vector<std::string> kk;
  for (const auto& [k, c] : kinds) kk.push_back(std::to_string(c) + " " + k);
  std::printf("\nNodes (%zu): %s\n", t.nodes.size(), Join(kk).c_str());
  std::printf("  host groups: %llu real hosts, %llu simulated\n",
              static_cast<unsigned long long>(real), static_cast<unsigned long long>(sim));
  std::printf("  %-16s %-14s %8s %8s %8s\n", "host group", "zone", "count", "simulate", "scale");
  for (const auto& n : t.nodes) {
    if (n.kind != model::NodeKind::kHostGroup) continue;
    std::printf("  %-16s %-14s %8u %8u %8.1f\n", n.name.c_str(), n.zone.c_str(), n.count,
                n.simulate, n.ScaleFactor());
  }
}

// Links with their subnets from the address plan (or why there is none).
void PrintLinks(const model::Topology& t, const core::Result<model::AddressPlan>& plan) {
  std::printf("\nLinks (%zu)\n", t.links.size());
  std::printf("  %-14s %-4s %-16s %9s %8s  %s\n", "name", "kind", "subnet", "Mbit/s", "ms",
              "endpoints");
  for (size_t i = 0; i < t.links.size(); ++i) {
    const auto& l = t.links[i];
    std::string subnet = plan ? plan->links[i].subnet.ToString() : "-";
    std::printf("  %-14s %-4s %-16s %9s %8s  %s\n", l.name.c_str(),
                l.kind == model::LinkKind::kLan ? "lan" : "p2p", subnet.c_str(),
                Num(l.bandwidthMbps).c_str(), Num(l.delayMs).c_str(), Join(l.endpoints).c_str());
  }
  if (!plan) std::printf("  address plan: %s\n", plan.GetError().message.c_str());
}

void PrintFirewallsAndNats(const model::Topology& t) {
  for (const auto& n : t.nodes) {
    if (n.kind != model::NodeKind::kFirewall && n.rules.empty()) continue;
    std::printf("\nFirewall %s: %zu rules, default %s\n", n.name.c_str(), n.rules.size(),
                n.defaultAllow ? "allow" : "deny");
  }
  for (const auto& nat : t.nats) {
    std::printf("NAT on %s: inside %s -> outside %s, ports %u-%u, event logging %s\n",
                nat.node.c_str(), Join(nat.insideLinks).c_str(), nat.outsideLink.c_str(),
                nat.portMin, nat.portMax, nat.logEvents ? "on" : "off");
  }
}

void PrintAssetsAndPoints(const model::Topology& t) {
  std::printf("\nCritical assets (%zu)\n", t.criticalAssets.size());
  for (const auto& a : t.criticalAssets) {
    std::printf("  %-20s on %-14s %-20s weight %s\n", a.name.c_str(), a.node.c_str(),
                model::AssetKindName(a.kind), Num(a.weight).c_str());
  }
  std::printf("\nCandidate points (%zu)\n", t.candidates.size());
  for (const auto& c : t.candidates) {
    std::string caps;
    if (c.canExportFlows) {
      caps = c.sampledOnly ? "sampled flows 1:" + std::to_string(c.samplingRate) : "flows";
    }
    if (c.canFullCapture) caps += std::string(caps.empty() ? "" : " + ") + "full capture";
    std::string cost =
        "cost " + Num(c.costFlow) + (c.canFullCapture ? "/" + Num(c.costFullCapture) : "");
    std::printf(
        "  %-14s on %-10s %-28s %-22s %s\n", c.name.c_str(), c.node.c_str(),
        (c.interfaces.empty() ? std::string("(all interfaces)") : Join(c.interfaces)).c_str(),
        caps.c_str(), cost.c_str());
  }
}

void PrintBudget(const model::Topology& t) {
  const auto& b = t.budget;
  std::printf(
      "\nBudget: %s TB storage, %s devices, max cost %s; retention: flows %s days, full "
      "capture %s days\n",
      Num(b.storageTb).c_str(), b.maxDevices ? std::to_string(b.maxDevices).c_str() : "any",
      b.maxCost > 0 ? Num(b.maxCost).c_str() : "none", Num(b.flowRetentionDays).c_str(),
      Num(b.fullRetentionDays).c_str());
  if (!b.compliance.empty()) {
    std::string c = b.compliance;
    while (!c.empty() && c.back() == '\n') c.pop_back();
    std::printf("  compliance: %s\n", c.c_str());
  }
}

void PrintGraph(const model::Topology& t) {
  auto facts = model::Analyse(t);
  std::printf("\nGraph\n");
  std::printf("  articulation points (no way around them): %s\n",
              facts.articulationPoints.empty() ? "none" : Join(facts.articulationPoints).c_str());
  std::printf("  betweenness (%s), top 6:", facts.betweenness.exact ? "exact" : "sampled");
  for (size_t i = 0; i < facts.betweenness.scores.size() && i < 6; ++i) {
    const auto& s = facts.betweenness.scores[i];
    std::printf(" %s %.2f%s", s.node.c_str(), s.score, i + 1 < 6 ? "," : "");
  }
  std::printf("\n  zone-boundary links: %zu\n", facts.boundaries.size());
  std::printf("  paths from host groups to critical assets:\n");
  for (size_t i = 0; i < facts.assetPaths.size() && i < 30; ++i) {
    std::printf("    %-32s %s\n", facts.assetPaths[i].first.c_str(),
                PathText(facts.assetPaths[i].second).c_str());
  }
  if (facts.assetPaths.size() > 30) std::printf("    ... %zu more\n", facts.assetPaths.size() - 30);
}

// Suggests candidate points when none are listed, then draws the map (or says how to).
int SuggestAndDraw(const model::Topology& t, const std::string& path, const std::string& svgOut) {
  model::SvgOptions opt;
  if (t.candidates.empty()) {
    auto sugg = model::SuggestCandidates(t);
    std::printf("\nNo candidate points listed; suggested (best first):\n");
    for (const auto& s : sugg) {
      std::printf("  %-22s on %-12s %s\n", s.point.name.c_str(), s.point.node.c_str(),
                  s.reason.c_str());
      opt.extraPoints.push_back(s.point);
      opt.pointStyles[s.point.name] = {"#9e9e9e", "#555555", "suggested", s.reason};
    }
    if (!sugg.empty()) opt.pointLegend = {{"#9e9e9e", "suggested aggregation point"}};
  }
  if (!svgOut.empty()) {
    std::ofstream out(svgOut, std::ios::binary);
    out << model::RenderSvg(t, opt);
    if (!out) {
      std::cerr << "cannot write " << svgOut << "\n";
      return 1;
    }
    std::printf("\nDrawing written to %s\n", svgOut.c_str());
  } else {
    std::printf("\nDraw it: vantage topology show %s --out map.svg\n", path.c_str());
  }
  return 0;
}

int ShowTopology(const std::string& path, const std::string& svgOut) {
  Diagnostics diags;
  auto loaded = model::LoadTopology(path, diags);
  PrintDiagnostics(diags);
  if (!loaded) {
    std::cerr << path << ": " << diags.ErrorCount() << " error(s)\n";
    return 1;
  }
  const model::Topology& t = *loaded;
  auto plan = model::PlanAddresses(t);
  std::printf("Topology %s (%s)\n", t.name.c_str(), path.c_str());
  if (!t.description.empty()) {
    std::string d = t.description;
    while (!d.empty() && d.back() == '\n') d.pop_back();
    std::printf("  %s\n", d.c_str());
  }
  PrintZones(t);
  PrintNodes(t);
  PrintLinks(t, plan);
  PrintFirewallsAndNats(t);
  PrintAssetsAndPoints(t);
  PrintBudget(t);
  PrintGraph(t);
  return SuggestAndDraw(t, path, svgOut);
}

Registrar topologyCmd{
    "topology", "Check, show, draw or generate a network topology (YAML)",
    [](CLI::App& app) -> Runner {
      app.require_subcommand(1);
      auto file = std::make_shared<std::string>();
      auto out = std::make_shared<std::string>();
      auto hosts = std::make_shared<uint32_t>(1000);
      auto seed = std::make_shared<uint64_t>(1);
      auto* check = app.add_subcommand("check", "Validate a topology; print every problem");
      check->add_option("FILE", *file, "topology YAML file")->required();
      auto* show = app.add_subcommand("show", "Summarise a topology; --out draws it as SVG");
      show->add_option("FILE", *file, "topology YAML file")->required();
      show->add_option("--out", *out, "write an SVG drawing to this file");
      auto* gen = app.add_subcommand("generate", "Write a synthetic topology (YAML) to stdout");
      gen->add_option("--hosts", *hosts, "approximate number of real hosts")
          ->check(CLI::Range(1u, 100000000u));
      gen->add_option("--seed", *seed, "random seed");
      return [=]() -> int {
        if (check->parsed()) return CheckTopology(*file);
        if (show->parsed()) return ShowTopology(*file, *out);
        if (gen->parsed()) {
          model::GeneratorOptions g;
          g.hosts = *hosts;
          g.seed = *seed;
          std::cout << model::GenerateTopologyYaml(g);
          return 0;
        }
        return 2;
      };
    },
    60};

Registrar scenarioCmd{
    "scenario", "Check a scenario (YAML) against its topology",
    [](CLI::App& app) -> Runner {
      app.require_subcommand(1);
      auto file = std::make_shared<std::string>();
      auto topo = std::make_shared<std::string>();
      auto* check = app.add_subcommand("check", "Validate a scenario against a topology");
      check->add_option("SCENARIO", *file, "scenario YAML file")->required();
      check->add_option("--topology,-t", *topo,
                        "topology YAML file (default: topologies/<scenario's topology>.yaml)");
      return [=]() -> int {
        std::string t = *topo;
        if (t.empty()) {
          // Read the scenario's `topology:` name without a topology to validate against.
          Diagnostics ignore;
          model::Topology empty;
          std::ifstream in(*file);
          std::string line, name;
          while (std::getline(in, line)) {
            if (line.rfind("topology:", 0) == 0) {
              name = line.substr(9);
              name.erase(0, name.find_first_not_of(" \t\"'"));
              name.erase(name.find_last_not_of(" \t\"'\r") + 1);
              break;
            }
          }
          if (name.empty()) {
            std::cerr << *file << ": no 'topology:' key; give --topology FILE\n";
            return 1;
          }
          t = "topologies/" + name + ".yaml";
        }
        return CheckScenario(*file, t);
      };
    },
    61};

}  // namespace
}  // namespace vantage::cli
