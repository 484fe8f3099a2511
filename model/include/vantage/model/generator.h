// Synthetic topologies for scale tests: an internet edge with a NAT firewall, two core
// switches, a data centre with critical assets, and as many access sites (one zone each, a
// distribution switch, several host-group LANs) as the requested host count needs.
// Deterministic: the same options give byte-identical YAML.
//
//   std::string yaml = GenerateTopologyYaml({.hosts = 20000, .seed = 7});
//   auto topo = ParseTopology(yaml, "generated", diags);
#pragma once

#include <cstdint>
#include <string>

namespace vantage::model {

struct GeneratorOptions {
  uint64_t hosts = 1000;  ///< real hosts to spread over host groups (at least one group)
  uint64_t seed = 1;
  uint32_t minGroupHosts = 20;  ///< real hosts per host group, uniform in [min, max]
  uint32_t maxGroupHosts = 200;
  uint32_t maxSimulate = 3;  ///< simulated hosts per group, uniform in [1, max]
  uint32_t minGroupsPerSite = 4;
  uint32_t maxGroupsPerSite = 12;
};

/// @brief A topology YAML document (see docs/topology.md) for the options.
std::string GenerateTopologyYaml(const GeneratorOptions& options);

/// @brief About how many real hosts give a topology of `nodes` nodes with default options.
uint64_t HostsForNodes(uint64_t nodes);

}  // namespace vantage::model
