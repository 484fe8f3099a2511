// Graph analysis of a topology with Boost.Graph: weighted shortest paths between zones and from
// host groups to critical assets, articulation points (single points of failure and of
// observation), betweenness centrality, zone-boundary crossings, and suggested candidate
// aggregation points (with a reason each) for topologies that list none.
//
//   TopologyGraph g(topology);
//   auto p = g.ShortestPath("staff", "git");          // nodes, links, delay, zone crossings
//   auto cut = g.ArticulationPoints();                // {"edge-fw", "core-sw", ...}
//   auto bc = g.Betweenness();                        // exact, or sampled on big graphs
//   auto sugg = SuggestCandidates(topology);          // when topology.candidates is empty
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "vantage/model/topology.h"

namespace vantage::model {

/// @brief A crossing from one zone into another along a path, at a node.
struct ZoneCrossing {
  std::string fromZone;
  std::string toZone;
  std::string node;  ///< the node where the path enters `toZone`
};

/// @brief A shortest path. Weight of a link: its delay in ms plus 0.01 per hop, so equal
/// delays prefer fewer hops.
struct Path {
  std::vector<std::string> nodes;  ///< from source to target, inclusive
  std::vector<std::string> links;  ///< links between consecutive nodes
  double delayMs = 0;              ///< one-way sum of link delays
  std::vector<ZoneCrossing> crossings;
  bool Found() const { return !nodes.empty(); }
};

/// @brief One entry of a centrality ranking.
struct NodeScore {
  std::string node;
  double score = 0;  ///< betweenness normalised to 0..1 (share of shortest paths through it)
};

/// @brief How betweenness was computed.
struct BetweennessResult {
  std::vector<NodeScore> scores;  ///< every topology node, highest first (ties by name)
  bool exact = true;              ///< false: sampled from `samples` source nodes
  uint32_t samples = 0;
};

/// @brief A link whose ends lie in different zones (a zone boundary).
struct BoundaryLink {
  std::string link;
  std::vector<std::string> zones;  ///< distinct zones of its endpoints and of the link itself
};

/// @brief The topology as an undirected weighted graph. Topology nodes are vertices; a lan is
/// a star around its layer-2 switch, or around a hidden segment vertex if it has none (hidden
/// vertices never appear in results).
class TopologyGraph {
 public:
  explicit TopologyGraph(const Topology& topology);
  ~TopologyGraph();
  TopologyGraph(const TopologyGraph&) = delete;
  TopologyGraph& operator=(const TopologyGraph&) = delete;

  /// @brief Weighted shortest path between two nodes (empty if either is unknown or
  /// unreachable).
  Path ShortestPath(const std::string& from, const std::string& to) const;
  /// @brief Shortest path from any node of zone `from` to any node of zone `to`.
  Path ZonePath(const std::string& from, const std::string& to) const;
  /// @brief Paths from every host group to `node` (one Dijkstra run), in node order.
  std::vector<Path> PathsFromHostGroupsTo(const std::string& node) const;
  /// @brief Nodes whose removal disconnects the network, in topology order.
  std::vector<std::string> ArticulationPoints() const;
  /// @brief Betweenness on hop counts (Brandes). Exact up to `exactLimit` vertices, else
  /// sampled from `samples` evenly spread sources (deterministic) and scaled.
  BetweennessResult Betweenness(size_t exactLimit = 5000, uint32_t samples = 128) const;
  /// @brief Links that join different zones.
  std::vector<BoundaryLink> BoundaryLinks() const;

 private:
  struct Impl;
  Impl* m_impl;
};

/// @brief A suggested candidate point and why.
struct SuggestedPoint {
  CandidatePoint point;
  std::string reason;
  double score = 0;  ///< higher first
};

/// @brief Suggests aggregation points: NAT inside and outside interfaces (addresses differ),
/// firewall legs, forwarding nodes joining zones ranked by betweenness, articulation points,
/// and the last forwarding hop before each critical asset. At most `limit`, best first.
std::vector<SuggestedPoint> SuggestCandidates(const Topology& topology, size_t limit = 12);

/// @brief Summary facts for `vantage topology show`.
struct GraphFacts {
  std::vector<std::string> articulationPoints;
  BetweennessResult betweenness;
  std::vector<BoundaryLink> boundaries;
  std::vector<std::pair<std::string, Path>> assetPaths;  ///< "group -> asset", path
  std::vector<std::pair<std::string, Path>> zonePaths;   ///< "zoneA -> zoneB", path
};

/// @brief Runs every analysis. Zone paths for every zone pair when there are at most
/// `maxZonePairs` pairs (else none); paths from host groups to critical assets, at most
/// `maxAssetPaths` in all (asset order, then node order).
GraphFacts Analyse(const Topology& topology, size_t maxZonePairs = 400,
                   size_t maxAssetPaths = 2000);

}  // namespace vantage::model
