// Fuzz target for YAML loading: topology (then address plan, graph analysis and drawing) and,
// for inputs starting with "#scenario", a scenario against a fixed small topology. Must never
// crash, hang or throw.
#include <cstddef>
#include <cstdint>
#include <string>

#include "vantage/model/address-plan.h"
#include "vantage/model/graph.h"
#include "vantage/model/scenario.h"
#include "vantage/model/svg-map.h"
#include "vantage/model/topology.h"

namespace {

const char* kTopology = R"(name: t
zones:
  - {name: in, kind: access, cidrs: [10.0.0.0/24]}
  - {name: out, kind: internet, cidrs: [198.51.100.0/24]}
nodes:
  - {name: rtr, kind: router, zone: in}
  - {name: users, kind: host_group, zone: in, count: 100, simulate: 4}
  - {name: srv, kind: server, zone: in, role: web}
  - {name: web, kind: internet, zone: out}
links:
  - {name: lan, kind: lan, endpoints: [rtr, users, srv]}
  - {name: wan, kind: p2p, endpoints: [rtr, web], zone: out}
)";

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 64 * 1024) return 0;
  std::string text(reinterpret_cast<const char*>(data), size);
  using namespace vantage::model;
  Diagnostics diags;
  if (text.rfind("#scenario", 0) == 0) {
    static const Topology topo = [] {
      Diagnostics d;
      return *ParseTopology(kTopology, "t.yaml", d);
    }();
    auto s = ParseScenario(text, "fuzz.yaml", topo, diags);
    if (s) (void)ExpectedSessions(*s, topo);
  } else {
    auto t = ParseTopology(text, "fuzz.yaml", diags);
    if (t && t->nodes.size() <= 200) {
      (void)PlanAddresses(*t);
      TopologyGraph g(*t);
      (void)g.ArticulationPoints();
      (void)g.Betweenness();
      if (!t->nodes.empty()) (void)g.ShortestPath(t->nodes.front().name, t->nodes.back().name);
      (void)SuggestCandidates(*t);
      (void)RenderSvg(*t);
    }
  }
  for (const auto& d : diags.items) (void)d.ToString();
  return 0;
}
