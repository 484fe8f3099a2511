// SVG drawing of a topology: tiered zone boxes, node shapes per kind, links, critical assets,
// candidate points (with a style hook for the planner), legend and title.
#include "vantage/model/svg-map.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <tuple>
#include <unordered_map>

#include "vantage/core/svg-writer.h"
#include "vantage/model/address-plan.h"

namespace vantage::model {

namespace {

constexpr double kCellW = 160;
constexpr double kCellH = 104;
constexpr double kPad = 14;
constexpr double kHeader = 40;
constexpr double kZoneGap = 36;
constexpr double kRowGap = 56;
constexpr double kLegendW = 270;
constexpr double kTop = 96;

std::string F(double v) {
  return core::SvgNumber(v, 1);
}

std::string Esc(const std::string& s) {
  return core::XmlEscape(s);
}

std::string Thousands(uint64_t v) {
  std::string s = std::to_string(v);
  for (int i = static_cast<int>(s.size()) - 3; i > 0; i -= 3) s.insert(static_cast<size_t>(i), ",");
  return s;
}

int Tier(ZoneKind k) {
  switch (k) {
    case ZoneKind::kInternet:
      return 0;
    case ZoneKind::kEdge:
    case ZoneKind::kDmz:
    case ZoneKind::kCloud:
      return 1;
    case ZoneKind::kCore:
    case ZoneKind::kManagement:
    case ZoneKind::kDataCentre:
      return 2;
    case ZoneKind::kDistribution:
      return 3;
    case ZoneKind::kAccess:
      return 4;
  }
  return 2;
}

struct ZoneColour {
  const char* fill;
  const char* stroke;
  const char* label;
};

ZoneColour ColourOf(ZoneKind k) {
  switch (k) {
    case ZoneKind::kInternet:
      return {"#e8f1fb", "#7aa6d6", "internet"};
    case ZoneKind::kEdge:
      return {"#fdeedb", "#e0a050", "edge"};
    case ZoneKind::kDmz:
      return {"#fde4e4", "#d98080", "DMZ"};
    case ZoneKind::kCore:
      return {"#ebe9f7", "#8d86c9", "core"};
    case ZoneKind::kDistribution:
      return {"#eef4e2", "#9bb86a", "distribution"};
    case ZoneKind::kAccess:
      return {"#e4f5ea", "#6dbb87", "access"};
    case ZoneKind::kDataCentre:
      return {"#fff5cc", "#d4b23c", "data centre"};
    case ZoneKind::kManagement:
      return {"#efefef", "#a0a0a0", "management"};
    case ZoneKind::kCloud:
      return {"#e0f5f8", "#5bb5c8", "cloud"};
  }
  return {"#f4f4f4", "#999999", "zone"};
}

int Order(NodeKind k) {
  switch (k) {
    case NodeKind::kRouter:
    case NodeKind::kFirewall:
    case NodeKind::kNatGateway:
      return 0;
    case NodeKind::kL3Switch:
      return 1;
    case NodeKind::kSwitch:
      return 2;
    case NodeKind::kServer:
    case NodeKind::kCloudVpc:
      return 3;
    case NodeKind::kInternet:
      return 3;
    case NodeKind::kHostGroup:
      return 4;
  }
  return 5;
}

/// Draws a node shape centred at (x, y).
void Shape(core::SvgWriter& o, NodeKind kind, double x, double y, uint32_t count) {
  switch (kind) {
    case NodeKind::kRouter:
      o << "<circle cx='" << F(x) << "' cy='" << F(y)
        << "' r='17' fill='#3d6fb6' stroke='#1f3f70' stroke-width='1.5'/>"
        << "<path d='M" << F(x - 9) << " " << F(y) << "h18M" << F(x) << " " << F(y - 9)
        << "v18' stroke='#fff' stroke-width='2'/>"
        << "<path d='M" << F(x + 5) << " " << F(y - 4) << "l4 4l-4 4M" << F(x - 5) << " "
        << F(y - 4) << "l-4 4l4 4' fill='none' stroke='#fff' stroke-width='1.6'/>";
      break;
    case NodeKind::kL3Switch:
      o << "<rect x='" << F(x - 20) << "' y='" << F(y - 13)
        << "' width='40' height='26' rx='5' fill='#5b55a8' stroke='#2f2a6b' stroke-width='1.5'/>"
        << "<text x='" << F(x) << "' y='" << F(y + 4) << "' class='in'>L3</text>";
      break;
    case NodeKind::kSwitch:
      o << "<rect x='" << F(x - 20) << "' y='" << F(y - 10)
        << "' width='40' height='20' rx='2' fill='#7c8a99' stroke='#3e4750' stroke-width='1.5'/>"
        << "<text x='" << F(x) << "' y='" << F(y + 4) << "' class='in'>SW</text>";
      break;
    case NodeKind::kFirewall:
      o << "<rect x='" << F(x - 19) << "' y='" << F(y - 15)
        << "' width='38' height='30' rx='2' fill='#c8553d' stroke='#7a2d1e' stroke-width='1.5'/>"
        << "<path d='M" << F(x - 19) << " " << F(y - 5) << "h38M" << F(x - 19) << " " << F(y + 5)
        << "h38M" << F(x - 6) << " " << F(y - 15) << "v10M" << F(x + 8) << " " << F(y - 15)
        << "v10M" << F(x) << " " << F(y - 5) << "v10M" << F(x - 12) << " " << F(y + 5) << "v10M"
        << F(x + 12) << " " << F(y + 5) << "v10' stroke='#f3c1b5' stroke-width='1'/>";
      break;
    case NodeKind::kNatGateway:
      o << "<polygon points='" << F(x - 20) << "," << F(y) << " " << F(x - 10) << "," << F(y - 15)
        << " " << F(x + 10) << "," << F(y - 15) << " " << F(x + 20) << "," << F(y) << " "
        << F(x + 10) << "," << F(y + 15) << " " << F(x - 10) << "," << F(y + 15)
        << "' fill='#d9822b' stroke='#7d4612' stroke-width='1.5'/>"
        << "<text x='" << F(x) << "' y='" << F(y + 4) << "' class='in'>NAT</text>";
      break;
    case NodeKind::kServer:
      o << "<rect x='" << F(x - 12) << "' y='" << F(y - 18)
        << "' width='24' height='36' rx='2' fill='#4d5b6a' stroke='#222b33' stroke-width='1.5'/>";
      for (int i = 0; i < 3; ++i) {
        o << "<path d='M" << F(x - 8) << " " << F(y - 11 + i * 8)
          << "h16' stroke='#b9c6d3' stroke-width='2'/>";
      }
      o << "<circle cx='" << F(x + 6) << "' cy='" << F(y + 12) << "' r='1.8' fill='#7ee07e'/>";
      break;
    case NodeKind::kHostGroup:
      for (int i = 2; i >= 0; --i) {
        double dx = x - 14 + i * 7, dy = y - 14 + i * 5;
        o << "<rect x='" << F(dx - 8) << "' y='" << F(dy - 2)
          << "' width='22' height='15' rx='1.5' fill='#2f8f5b' stroke='#14512f' "
             "stroke-width='1.2'/>";
      }
      if (count > 0) {
        o << "<text x='" << F(x + 24) << "' y='" << F(y + 4) << "' class='cnt'>×"
          << Thousands(count) << "</text>";
      }
      break;
    case NodeKind::kInternet:
      o << "<path d='M" << F(x - 16) << " " << F(y + 9)
        << "a9 9 0 0 1 1-17a12 12 0 0 1 22-3a9 9 0 0 1 9 20z' fill='#9cc3ea' stroke='#3c6ea5' "
           "stroke-width='1.5'/>";
      break;
    case NodeKind::kCloudVpc:
      o << "<path d='M" << F(x - 18) << " " << F(y + 10)
        << "a10 10 0 0 1 1-19a13 13 0 0 1 24-3a10 10 0 0 1 11 22z' fill='#6cc4d6' stroke='#2a7f91' "
           "stroke-width='1.5'/>"
        << "<text x='" << F(x) << "' y='" << F(y + 6) << "' class='in'>VPC</text>";
      break;
  }
}

void Star(core::SvgWriter& o, double x, double y, double r) {
  o << "<polygon points='";
  for (int i = 0; i < 10; ++i) {
    double a = -M_PI / 2 + i * M_PI / 5;
    double rr = i % 2 == 0 ? r : r * 0.45;
    o << F(x + rr * std::cos(a)) << "," << F(y + rr * std::sin(a)) << " ";
  }
  o << "' fill='#f5c518' stroke='#8a6d00' stroke-width='1'/>";
}

void Diamond(core::SvgWriter& o, double x, double y, const std::string& fill,
             const std::string& stroke) {
  o << "<polygon points='" << F(x) << "," << F(y - 8) << " " << F(x + 8) << "," << F(y) << " "
    << F(x) << "," << F(y + 8) << " " << F(x - 8) << "," << F(y) << "' fill='" << Esc(fill)
    << "' stroke='" << Esc(stroke) << "' stroke-width='1.5'/>";
}

// Layout of the page (pixels), beside the zone-grid constants above.
constexpr double kMargin = 20;           // left margin of the title and of the zone rows
constexpr double kMinZoneW = 230;        // a zone box is never narrower
constexpr double kMinPageW = 760;        // nor the page
constexpr double kLegendGap = 30;        // between the widest zone row and the legend
constexpr double kNodeDrop = 38;         // node centre below the top of its grid cell
constexpr double kLegendH = 560;         // legend box height
constexpr double kLegendRow = 38;        // legend line per node kind
constexpr double kFooterGap = 30;        // below the last zone row
constexpr size_t kDescriptionMax = 180;  // longer descriptions end in "..."
constexpr double kMarkerStep = 17;       // candidate markers stacked on a node
constexpr double kMarkerReach = 34;      // marker distance from its node, towards its link
constexpr int kMarkerTries = 20;         // steps down to find a free spot for a marker

struct Pos {
  double x = 0, y = 0;
  bool shown = false;
};

struct ZoneBox {
  size_t zone = 0;
  double x = 0, y = 0, w = 0, h = 0;
  std::vector<size_t> nodes;
  size_t hidden = 0;  // nodes not drawn, shown as "+N more"
};

struct Layout {
  std::unordered_map<std::string, size_t> nodeIdx;
  std::vector<Pos> pos;
  std::vector<ZoneBox> boxes;
  double width = 0, height = 0;
  std::unordered_map<std::string, std::pair<double, double>> linkHub;  // where a link's line is
};

// Cell `k` of the grid of a zone that draws `n` cells (nodes and the "+N more" line).
std::pair<double, double> CellCentre(const ZoneBox& b, size_t k, size_t n) {
  size_t cols = std::max<size_t>(1, static_cast<size_t>((b.w - 2 * kPad) / kCellW));
  double inner = static_cast<double>(std::min(cols, n)) * kCellW;
  double x0 = b.x + (b.w - inner) / 2;
  return {x0 + static_cast<double>(k % cols) * kCellW + kCellW / 2,
          b.y + kHeader + static_cast<double>(k / cols) * kCellH + kNodeDrop};
}

// A zone's nodes (routers first, host groups last) and the size of its box.
ZoneBox MeasureZone(const Topology& t, size_t zi, size_t maxNodes) {
  ZoneBox b;
  b.zone = zi;
  for (size_t i = 0; i < t.nodes.size(); ++i) {
    if (t.nodes[i].zone == t.zones[zi].name) b.nodes.push_back(i);
  }
  std::stable_sort(b.nodes.begin(), b.nodes.end(), [&](size_t a, size_t c) {
    return Order(t.nodes[a].kind) < Order(t.nodes[c].kind);
  });
  // At least one cell: a zone limited to one node shows only "+N more".
  size_t cap = std::max<size_t>(maxNodes, 1);
  if (b.nodes.size() > cap) {
    b.hidden = b.nodes.size() - (cap - 1);
    b.nodes.resize(cap - 1);
  }
  size_t n = b.nodes.size() + (b.hidden ? 1 : 0);
  size_t cols = n <= 4 ? std::max<size_t>(n, 1)
                       : static_cast<size_t>(std::ceil(std::sqrt(static_cast<double>(n) * 2.5)));
  size_t rows = (n + cols - 1) / std::max<size_t>(cols, 1);
  b.w = std::max(kMinZoneW, static_cast<double>(cols) * kCellW + 2 * kPad);
  b.h = kHeader + static_cast<double>(std::max<size_t>(rows, 1)) * kCellH + kPad / 2;
  return b;
}

// Within a row, the zones that carry transit (edge, core) go in the middle.
int RowKey(ZoneKind k) {
  switch (k) {
    case ZoneKind::kDmz:
    case ZoneKind::kManagement:
      return 0;
    case ZoneKind::kEdge:
    case ZoneKind::kCore:
      return 1;
    default:
      return 2;
  }
}

double RowWidth(const std::vector<ZoneBox>& row) {
  double w = 0;
  for (const auto& b : row) w += b.w;
  return w + kZoneGap * static_cast<double>(row.empty() ? 0 : row.size() - 1);
}

// Zones in tiers (internet at the top, access at the bottom), nodes in a grid inside each.
Layout LayOut(const Topology& t, const SvgOptions& opt) {
  Layout l;
  for (size_t i = 0; i < t.nodes.size(); ++i) l.nodeIdx.emplace(t.nodes[i].name, i);
  l.pos.resize(t.nodes.size());
  std::map<int, std::vector<ZoneBox>> tiers;
  for (size_t zi = 0; zi < t.zones.size(); ++zi) {
    tiers[Tier(t.zones[zi].kind)].push_back(MeasureZone(t, zi, opt.maxNodesPerZone));
  }
  double maxRowW = 0;
  for (auto& [tier, row] : tiers) {
    std::stable_sort(row.begin(), row.end(), [&](const ZoneBox& a, const ZoneBox& b) {
      return RowKey(t.zones[a.zone].kind) < RowKey(t.zones[b.zone].kind);
    });
    maxRowW = std::max(maxRowW, RowWidth(row));
  }
  l.width = std::max(kMinPageW, maxRowW + 2 * kMargin + kLegendW + kLegendGap);
  double y = kTop;
  for (auto& [tier, row] : tiers) {
    double h = 0;
    for (const auto& b : row) h = std::max(h, b.h);
    double x = kMargin + (maxRowW - RowWidth(row)) / 2;
    for (auto& b : row) {
      b.x = x;
      b.y = y;
      b.h = h;
      size_t n = b.nodes.size() + (b.hidden ? 1 : 0);
      for (size_t k = 0; k < b.nodes.size(); ++k) {
        Pos& p = l.pos[b.nodes[k]];
        std::tie(p.x, p.y) = CellCentre(b, k, n);
        p.shown = true;
      }
      x += b.w + kZoneGap;
      l.boxes.push_back(b);
    }
    y += h + kRowGap;
  }
  l.height = std::max(y + kFooterGap, kTop + kLegendH + 40);
  return l;
}

void WriteHeader(core::SvgWriter& o, double width, double height) {
  o << "<?xml version='1.0' encoding='UTF-8'?>\n"
    << "<svg xmlns='http://www.w3.org/2000/svg' width='" << F(width) << "' height='" << F(height)
    << "' viewBox='0 0 " << F(width) << " " << F(height)
    << "' font-family='Helvetica, Arial, sans-serif'>\n"
    << "<style>text{font-size:12px;fill:#222}.in{font-size:10px;font-weight:bold;fill:#fff;text-"
       "anchor:middle}"
       ".cnt{font-size:11px;font-weight:bold;fill:#14512f}.lbl{text-anchor:middle}"
       ".sub{font-size:9px;fill:#666;text-anchor:middle}.zt{font-size:13px;font-weight:bold}"
       ".zk{font-size:10px;fill:#555}.pt{font-size:10px;font-weight:bold;paint-order:stroke;stroke:"
       "#fff;stroke-width:3px}"
       ".halo{paint-order:stroke;stroke:#fff;stroke-width:3px}</style>\n"
    << "<rect width='100%' height='100%' fill='#ffffff'/>\n";
}

std::string DefaultSubtitle(const Topology& t, const SvgOptions& opt) {
  uint64_t realHosts = 0, simHosts = 0;
  for (const auto& n : t.nodes) {
    if (n.kind == NodeKind::kHostGroup) realHosts += n.count, simHosts += n.simulate;
  }
  size_t points = t.candidates.size() + opt.extraPoints.size();
  return std::to_string(t.zones.size()) + " zones · " + std::to_string(t.nodes.size()) +
         " nodes · " + std::to_string(t.links.size()) + " links · " + Thousands(realHosts) +
         " real hosts in host groups (" + std::to_string(simHosts) + " simulated) · " +
         std::to_string(t.criticalAssets.size()) + " critical assets · " + std::to_string(points) +
         " candidate points";
}

void WriteTitle(core::SvgWriter& o, const Topology& t, const SvgOptions& opt) {
  std::string title = opt.title.empty() ? "Topology: " + t.name : opt.title;
  std::string subtitle = opt.subtitle.empty() ? DefaultSubtitle(t, opt) : opt.subtitle;
  o << "<text x='20' y='34' style='font-size:22px;font-weight:bold'>" << Esc(title) << "</text>\n"
    << "<text x='20' y='56' style='font-size:13px;fill:#444'>" << Esc(subtitle) << "</text>\n";
  std::string desc = t.description;
  std::replace(desc.begin(), desc.end(), '\n', ' ');
  if (desc.size() > kDescriptionMax) desc = desc.substr(0, kDescriptionMax - 3) + "...";
  if (!desc.empty()) {
    o << "<text x='20' y='76' style='font-size:12px;fill:#666;font-style:italic'>" << Esc(desc)
      << "</text>\n";
  }
}

void WriteZones(core::SvgWriter& o, const Topology& t, const std::vector<ZoneBox>& boxes) {
  o << "<g id='zones'>\n";
  for (const auto& b : boxes) {
    const Zone& z = t.zones[b.zone];
    ZoneColour c = ColourOf(z.kind);
    std::string cidrs;
    for (const auto& p : z.cidrs) cidrs += (cidrs.empty() ? "" : ", ") + p.ToString();
    o << "<g><title>"
      << Esc(z.name + " (" + ZoneKindName(z.kind) + ")" +
             (z.description.empty() ? "" : ": " + z.description))
      << "</title><rect x='" << F(b.x) << "' y='" << F(b.y) << "' width='" << F(b.w) << "' height='"
      << F(b.h) << "' rx='10' fill='" << c.fill << "' stroke='" << c.stroke
      << "' stroke-width='1.5'/>"
      << "<text x='" << F(b.x + 10) << "' y='" << F(b.y + 18) << "' class='zt'>" << Esc(z.name)
      << "</text><text x='" << F(b.x + b.w - 10) << "' y='" << F(b.y + 18)
      << "' class='zk' text-anchor='end'>" << Esc(c.label) << "</text><text x='" << F(b.x + 10)
      << "' y='" << F(b.y + 32) << "' class='zk'>" << Esc(cidrs) << "</text></g>\n";
    if (b.hidden) {
      auto [px, py] = CellCentre(b, b.nodes.size(), b.nodes.size() + 1);
      o << "<text x='" << F(px) << "' y='" << F(py) << "' class='lbl' style='font-style:italic'>+"
        << std::to_string(b.hidden) << " more nodes</text>\n";
    }
  }
  o << "</g>\n";
}

// A link joining two shown nodes: a line (dashed for a lan), with its subnet.
void WriteLineLink(core::SvgWriter& o, const Link& l, const Pos& a, const Pos& b, double sw,
                   const std::string& tip, const std::string& subnet) {
  o << "<g><title>" << Esc(tip) << "</title><line x1='" << F(a.x) << "' y1='" << F(a.y) << "' x2='"
    << F(b.x) << "' y2='" << F(b.y) << "' stroke-width='" << F(sw) << "'"
    << (l.kind == LinkKind::kLan ? " stroke-dasharray='6 3'" : "") << "/></g>\n";
  if (!subnet.empty()) {
    o << "<text x='" << F((a.x + b.x) / 2 + 4) << "' y='" << F((a.y + b.y) / 2 - 4)
      << "' class='sub halo' stroke='none'>" << Esc(subnet) << "</text>\n";
  }
}

// A lan of three or more shown nodes: a star from its switch (or from a dot at the centre).
std::pair<double, double> WriteStarLink(core::SvgWriter& o, const Topology& t,
                                        const std::vector<Pos>& pos,
                                        const std::vector<size_t>& ends, double sw,
                                        const std::string& tip, const std::string& subnet) {
  double hx = 0, hy = 0;
  auto switchIt = std::find_if(ends.begin(), ends.end(),
                               [&](size_t e) { return t.nodes[e].kind == NodeKind::kSwitch; });
  bool hubIsSwitch = switchIt != ends.end();
  if (hubIsSwitch) {
    hx = pos[*switchIt].x;
    hy = pos[*switchIt].y;
  } else {
    for (size_t e : ends) hx += pos[e].x, hy += pos[e].y;
    hx /= static_cast<double>(ends.size());
    hy /= static_cast<double>(ends.size());
  }
  o << "<g><title>" << Esc(tip) << "</title>";
  for (size_t e : ends) {
    o << "<line x1='" << F(hx) << "' y1='" << F(hy) << "' x2='" << F(pos[e].x) << "' y2='"
      << F(pos[e].y) << "' stroke-width='" << F(sw) << "' stroke-dasharray='6 3'/>";
  }
  if (!hubIsSwitch) o << "<circle cx='" << F(hx) << "' cy='" << F(hy) << "' r='4' fill='#5a6470'/>";
  o << "</g>\n";
  if (!subnet.empty()) {
    o << "<text x='" << F(hx + 6) << "' y='" << F(hy + 22) << "' class='sub halo' stroke='none'>"
      << Esc(subnet) << "</text>\n";
  }
  return {hx, hy};
}

void WriteLinks(core::SvgWriter& o, const Topology& t, const SvgOptions& opt, Layout& l) {
  auto plan = PlanAddresses(t);
  o << "<g id='links' stroke='#5a6470' fill='none'>\n";
  for (size_t li = 0; li < t.links.size(); ++li) {
    const Link& link = t.links[li];
    std::vector<size_t> ends;
    for (const auto& e : link.endpoints) {
      auto it = l.nodeIdx.find(e);
      if (it != l.nodeIdx.end() && l.pos[it->second].shown) ends.push_back(it->second);
    }
    if (ends.size() < 2) continue;
    double sw = std::clamp(1.0 + std::log10(std::max(link.bandwidthMbps, 1.0) / 100.0), 1.0, 4.0);
    std::string subnet;
    if (opt.showSubnets && plan && li < plan->links.size() &&
        plan->links[li].subnet.network.IsSet()) {
      subnet = plan->links[li].subnet.ToString();
    }
    std::string tip = link.name + " (" + (link.kind == LinkKind::kLan ? "lan" : "p2p") + ", " +
                      F(link.bandwidthMbps) + " Mbit/s, " + F(link.delayMs) + " ms" +
                      (subnet.empty() ? "" : ", " + subnet) + ")";
    if (link.kind == LinkKind::kPointToPoint || ends.size() == 2) {
      const Pos& a = l.pos[ends[0]];
      const Pos& b = l.pos[ends[1]];
      WriteLineLink(o, link, a, b, sw, tip, subnet);
      l.linkHub[link.name] = {(a.x + b.x) / 2, (a.y + b.y) / 2};
    } else {
      l.linkHub[link.name] = WriteStarLink(o, t, l.pos, ends, sw, tip, subnet);
    }
  }
  o << "</g>\n";
}

std::string NodeTooltip(const Node& n) {
  std::string tip = n.name + " (" + NodeKindName(n.kind) + ")";
  if (!n.role.empty()) tip += ", role " + n.role;
  if (n.kind == NodeKind::kHostGroup) {
    tip += ", " + Thousands(n.count) + " real hosts, " + std::to_string(n.simulate) +
           " simulated (each stands for " + F(n.ScaleFactor()) + ")";
  }
  if (!n.description.empty()) tip += ": " + n.description;
  return tip;
}

void WriteAssetStar(core::SvgWriter& o, const CriticalAsset& a, const Pos& p) {
  Star(o, p.x + 24, p.y - 20, 10);
  std::string w = core::ShortNumber(a.weight);
  o << "<text x='" << F(p.x + 37) << "' y='" << F(p.y - 16)
    << "' style='font-size:10px;font-weight:bold;fill:#8a6d00' class='halo'>" << w
    << "</text><title>"
    << Esc("critical asset '" + a.name + "' (" + AssetKindName(a.kind) + "), weight " + w)
    << "</title>";
}

void WriteNodes(core::SvgWriter& o, const Topology& t, const Layout& l) {
  o << "<g id='nodes'>\n";
  for (size_t i = 0; i < t.nodes.size(); ++i) {
    if (!l.pos[i].shown) continue;
    const Node& n = t.nodes[i];
    const Pos& p = l.pos[i];
    o << "<g><title>" << Esc(NodeTooltip(n)) << "</title>";
    Shape(o, n.kind, p.x, p.y, n.count);
    o << "<text x='" << F(p.x) << "' y='" << F(p.y + 34) << "' class='lbl halo'>" << Esc(n.name)
      << "</text>";
    std::string sub;
    if (n.kind == NodeKind::kHostGroup) {
      sub = Thousands(n.count) + " hosts, " + std::to_string(n.simulate) + " simulated";
    } else if (!n.role.empty()) {
      sub = n.role;
    }
    if (!sub.empty()) {
      o << "<text x='" << F(p.x) << "' y='" << F(p.y + 46) << "' class='sub halo'>" << Esc(sub)
        << "</text>";
    }
    if (const CriticalAsset* a = t.AssetOn(n.name)) WriteAssetStar(o, *a, p);
    o << "</g>\n";
  }
  o << "</g>\n";
}

std::string PointTooltip(const CandidatePoint& c) {
  std::string caps;
  if (c.canExportFlows)
    caps += c.sampledOnly ? "sampled flows 1:" + std::to_string(c.samplingRate) : "flows";
  if (c.canFullCapture) caps += std::string(caps.empty() ? "" : " + ") + "full capture";
  return "candidate point '" + c.name + "' on " + c.node +
         (c.interfaces.empty()
              ? " (all interfaces)"
              : " (" + c.interfaces[0] + (c.interfaces.size() > 1 ? ", ..." : "") + ")") +
         ": " + caps + "; cost flow " + F(c.costFlow) +
         (c.canFullCapture ? ", full " + F(c.costFullCapture) : "");
}

// Where a point's marker goes: towards its first interface's link, else stacked left of the
// node; then stepped down until it clears the markers already placed.
std::pair<double, double> PlaceMarker(const CandidatePoint& c, const Pos& p, int k, const Layout& l,
                                      std::vector<std::pair<double, double>>& placed) {
  double mx = p.x - kMarkerReach, my = p.y - 30 + k * kMarkerStep;
  auto hub = c.interfaces.empty() ? l.linkHub.end() : l.linkHub.find(c.interfaces[0]);
  if (hub != l.linkHub.end()) {
    auto [hx, hy] = hub->second;
    double dx = hx - p.x, dy = hy - p.y, len = std::sqrt(dx * dx + dy * dy);
    if (len > 1) {
      double d = std::min(kMarkerReach, len / 2);
      mx = p.x + dx / len * d;
      my = p.y + dy / len * d;
    }
  }
  for (int guard = 0; guard < kMarkerTries; ++guard) {
    bool clash = false;
    for (const auto& [px, py] : placed) {
      if (std::fabs(px - mx) < 60 && std::fabs(py - my) < 15) clash = true;
    }
    if (!clash) break;
    my += 16;
  }
  placed.emplace_back(mx, my);
  return {mx, my};
}

void WritePoints(core::SvgWriter& o, const Topology& t, const SvgOptions& opt, const Layout& l) {
  o << "<g id='points'>\n";
  std::map<std::string, int> perNode;
  std::vector<std::pair<double, double>> placed;
  std::vector<CandidatePoint> all = t.candidates;
  all.insert(all.end(), opt.extraPoints.begin(), opt.extraPoints.end());
  for (const auto& c : all) {
    auto it = l.nodeIdx.find(c.node);
    if (it == l.nodeIdx.end() || !l.pos[it->second].shown) continue;
    auto [mx, my] = PlaceMarker(c, l.pos[it->second], perNode[c.node]++, l, placed);
    PointStyle st;
    auto s = opt.pointStyles.find(c.name);
    if (s != opt.pointStyles.end()) st = s->second;
    std::string fill = st.fill.empty() ? "#1f77d0" : st.fill;
    std::string stroke = st.stroke.empty() ? "#0b3d73" : st.stroke;
    std::string tip = st.tooltip.empty() ? PointTooltip(c) : st.tooltip;
    o << "<g><title>" << Esc(tip) << "</title>";
    Diamond(o, mx, my, fill, stroke);
    std::string label = c.name + (st.label.empty() ? "" : ": " + st.label);
    o << "<text x='" << F(mx + 11) << "' y='" << F(my + 4)
      << "' class='pt' style='fill:" << Esc(stroke) << "'>" << Esc(label) << "</text></g>\n";
  }
  o << "</g>\n";
}

// Legend lines for node kinds and critical assets; returns the next line's y.
double WriteShapeLegend(core::SvgWriter& o, double lx, double ey) {
  const std::pair<NodeKind, const char*> kinds[] = {
      {NodeKind::kRouter, "router"},
      {NodeKind::kL3Switch, "layer-3 switch"},
      {NodeKind::kSwitch, "switch (layer 2)"},
      {NodeKind::kFirewall, "firewall"},
      {NodeKind::kNatGateway, "NAT gateway"},
      {NodeKind::kServer, "server (role below the name)"},
      {NodeKind::kHostGroup, "host group: real hosts, simulated"},
      {NodeKind::kInternet, "internet host or service"},
      {NodeKind::kCloudVpc, "cloud VPC"}};
  for (const auto& [k, text] : kinds) {
    Shape(o, k, lx + 30, ey, 0);
    o << "<text x='" << F(lx + 62) << "' y='" << F(ey + 4) << "'>" << text << "</text>\n";
    ey += kLegendRow;
  }
  Star(o, lx + 30, ey - 4, 10);
  o << "<text x='" << F(lx + 62) << "' y='" << F(ey)
    << "'>critical asset (criticality weight)</text>\n";
  return ey + 28;
}

// Legend lines for candidate points and links; returns the next line's y.
double WritePointAndLinkLegend(core::SvgWriter& o, const SvgOptions& opt, double lx, double ey) {
  if (opt.pointLegend.empty()) {
    Diamond(o, lx + 30, ey - 4, "#1f77d0", "#0b3d73");
    o << "<text x='" << F(lx + 62) << "' y='" << F(ey) << "'>candidate aggregation point</text>\n";
    ey += 24;
  } else {
    for (const auto& e : opt.pointLegend) {
      Diamond(o, lx + 30, ey - 4, e.colour, "#333");
      o << "<text x='" << F(lx + 62) << "' y='" << F(ey) << "'>" << Esc(e.text) << "</text>\n";
      ey += 24;
    }
  }
  o << "<line x1='" << F(lx + 14) << "' y1='" << F(ey - 4) << "' x2='" << F(lx + 46) << "' y2='"
    << F(ey - 4) << "' stroke='#5a6470' stroke-width='2'/><text x='" << F(lx + 62) << "' y='"
    << F(ey) << "'>point-to-point link (thicker = faster)</text>\n";
  ey += 22;
  o << "<line x1='" << F(lx + 14) << "' y1='" << F(ey - 4) << "' x2='" << F(lx + 46) << "' y2='"
    << F(ey - 4) << "' stroke='#5a6470' stroke-width='2' stroke-dasharray='6 3'/><text x='"
    << F(lx + 62) << "' y='" << F(ey) << "'>LAN (star from its switch)</text>\n";
  return ey + 26;
}

// One swatch per zone kind present, wrapped to the legend's width.
void WriteZoneLegend(core::SvgWriter& o, const Topology& t, double lx, double ey) {
  std::set<int> seenKinds;
  o << "<text x='" << F(lx + 12) << "' y='" << F(ey) << "' style='font-weight:bold'>Zones</text>\n";
  ey += 8;
  double zx = lx + 12;
  for (const auto& z : t.zones) {
    if (!seenKinds.insert(static_cast<int>(z.kind)).second) continue;
    ZoneColour c = ColourOf(z.kind);
    if (zx > lx + kLegendW - 110) zx = lx + 12, ey += 22;
    o << "<rect x='" << F(zx) << "' y='" << F(ey) << "' width='14' height='14' rx='3' fill='"
      << c.fill << "' stroke='" << c.stroke << "'/><text x='" << F(zx + 18) << "' y='" << F(ey + 11)
      << "'>" << c.label << "</text>\n";
    zx += 120;
  }
}

void WriteLegend(core::SvgWriter& o, const Topology& t, const SvgOptions& opt, double width) {
  double lx = width - kLegendW - 10, ly = kTop;
  o << "<g id='legend'><rect x='" << F(lx) << "' y='" << F(ly) << "' width='" << F(kLegendW)
    << "' height='" << F(kLegendH) << "' rx='8' fill='#fafafa' stroke='#bbb'/>"
    << "<text x='" << F(lx + 12) << "' y='" << F(ly + 22)
    << "' style='font-size:14px;font-weight:bold'>Legend</text>\n";
  double ey = WriteShapeLegend(o, lx, ly + 50);
  ey = WritePointAndLinkLegend(o, opt, lx, ey);
  WriteZoneLegend(o, t, lx, ey);
  o << "</g>\n";
}

}  // namespace

std::string RenderSvg(const Topology& t, const SvgOptions& opt) {
  Layout l = LayOut(t, opt);
  core::SvgWriter o('\'');
  WriteHeader(o, l.width, l.height);
  WriteTitle(o, t, opt);
  WriteZones(o, t, l.boxes);
  WriteLinks(o, t, opt, l);
  WriteNodes(o, t, l);
  if (opt.showCandidates) WritePoints(o, t, opt, l);
  WriteLegend(o, t, opt, l.width);
  std::string footer = opt.footer.empty() ? "Drawn by vantage topology show from " + t.sourcePath +
                                                ". Hover over a shape for details."
                                          : opt.footer;
  o << "<text x='20' y='" << F(l.height - 12) << "' style='font-size:10px;fill:#888'>"
    << Esc(footer) << "</text>\n</svg>\n";
  return o.Take();
}

}  // namespace vantage::model
