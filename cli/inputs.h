// Loading a topology and its scenario for the commands that take both (simulate, plan):
// every diagnostic goes to stderr, errors stop the command.
#pragma once

#include <iostream>
#include <optional>
#include <string>

#include "vantage/model/scenario.h"
#include "vantage/model/topology.h"

namespace vantage::cli {

struct Inputs {
  model::Topology topology;
  model::Scenario scenario;
};

/// @brief Loads and validates both files; prints errors and warnings; nullopt on any error.
inline std::optional<Inputs> LoadInputs(const std::string& topologyPath,
                                        const std::string& scenarioPath) {
  model::Diagnostics diags;
  auto fail = [&diags](const std::string& path, const core::Error& error) {
    std::cerr << diags.ToString();
    if (diags.items.empty()) std::cerr << path << ": " << error.message << "\n";
    return std::nullopt;
  };
  auto topo = model::LoadTopology(topologyPath, diags);
  if (!topo) return fail(topologyPath, topo.GetError());
  auto scen = model::LoadScenario(scenarioPath, *topo, diags);
  if (!scen) return fail(scenarioPath, scen.GetError());
  for (const auto& d : diags.items) {
    if (d.warning) std::cerr << d.ToString() << "\n";
  }
  return Inputs{std::move(*topo), std::move(*scen)};
}

}  // namespace vantage::cli
