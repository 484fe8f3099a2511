// SVG drawing of a topology: zones as coloured boxes in tiers (internet at the top, access at
// the bottom), nodes with a shape per kind, links (lans drawn as a star from their switch),
// critical assets starred, candidate points as diamonds, a legend and a title. The planner
// colours candidate points through the per-point style hook and replaces the point legend.
//
//   SvgOptions opt;
//   opt.title = "Capture plan";
//   opt.pointStyles["fw-inside"] = {"#2e9d4f", "#1b5e2f", "flow export", "sees 62% of flows"};
//   opt.pointLegend = {{"#2e9d4f", "flow export"}, {"#d93025", "full capture"}};
//   std::string svg = RenderSvg(topology, opt);
#pragma once

#include <map>
#include <string>
#include <vector>

#include "vantage/model/topology.h"

namespace vantage::model {

/// @brief How one candidate point is drawn (empty fields keep the default).
struct PointStyle {
  std::string fill;     ///< diamond fill colour, e.g. "#2e9d4f"
  std::string stroke;   ///< diamond outline colour
  std::string label;    ///< text after the point name, e.g. "full capture"
  std::string tooltip;  ///< <title> shown on hover
};

/// @brief One legend line for candidate points.
struct LegendEntry {
  std::string colour;
  std::string text;
};

struct SvgOptions {
  std::string title;     ///< default: "Topology: <name>"
  std::string subtitle;  ///< default: counts of zones, nodes, real hosts, points
  std::string footer;    ///< small print at the bottom
  /// Per candidate point (by name): colour, label and tooltip overrides.
  std::map<std::string, PointStyle> pointStyles;
  /// Replaces the default "candidate point" legend line when not empty.
  std::vector<LegendEntry> pointLegend;
  /// Extra points to draw (e.g. suggestions for a topology without candidates).
  std::vector<CandidatePoint> extraPoints;
  bool showCandidates = true;
  bool showSubnets = true;      ///< label links with their subnet from the address plan
  size_t maxNodesPerZone = 40;  ///< larger zones show "+N more"
};

/// @brief Renders the topology as a standalone SVG document (deterministic).
std::string RenderSvg(const Topology& topology, const SvgOptions& options = {});

}  // namespace vantage::model
