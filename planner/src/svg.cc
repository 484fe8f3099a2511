// map.svg and coverage.svg.
#include <algorithm>
#include <cmath>
#include <map>
#include <sstream>

#include "plot-ticks.h"
#include "report-util.h"
#include "vantage/model/svg-map.h"
#include "vantage/planner/report.h"

namespace vantage::planner {

using detail::Fmt;
using detail::Pct;
using detail::XmlEscape;

namespace {

// The point grid drawn when a plan has no topology.
constexpr size_t kGridColumns = 8;
constexpr double kGridCellW = 150;
constexpr double kGridCellH = 50;

std::string SvgOpen(double w, double h, bool standalone, const std::string& title) {
  std::ostringstream o;
  if (standalone) o << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  o << "<svg";
  if (standalone) o << " xmlns=\"http://www.w3.org/2000/svg\"";
  o << Fmt(" width=\"%.0f\" height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\"", w, h, w, h)
    << " font-family=\"sans-serif\" font-size=\"12\" role=\"img\">\n";
  o << "<title>" << XmlEscape(title) << "</title>\n";
  o << Fmt("<rect x=\"0\" y=\"0\" width=\"%.0f\" height=\"%.0f\" fill=\"#ffffff\"/>\n", w, h);
  return o.str();
}

void Legend(std::ostringstream& o, double x, double y) {
  struct Item {
    const char* colour;
    const char* text;
  };
  const Item items[] = {{"green", "flow export"},
                        {"red", "full capture (or both)"},
                        {"amber", "lower-priority flow export"},
                        {"grey", "nothing"}};
  o << Fmt("<g class=\"legend\"><text x=\"%.0f\" y=\"%.0f\" font-weight=\"bold\">Legend</text>\n",
           x, y);
  double cx = x;
  for (const auto& it : items) {
    o << Fmt("<circle cx=\"%.0f\" cy=\"%.0f\" r=\"7\" fill=\"%s\" stroke=\"#333\"/>", cx + 8,
             y + 18, detail::ColourHex(it.colour));
    o << Fmt("<text x=\"%.0f\" y=\"%.0f\">%s</text>\n", cx + 20, y + 22, it.text);
    cx += 40 + 7.0 * static_cast<double>(std::string(it.text).size());
  }
  o << "</g>\n";
}

}  // namespace

namespace {

void EraseAll(std::string& s, const std::string& what) {
  for (size_t pos = s.find(what); pos != std::string::npos; pos = s.find(what, pos)) {
    s.erase(pos, what.size());
  }
}

std::string PlainText(std::string s) {
  EraseAll(s, "**");
  return s;
}

// The model's topology drawing with the planner's colours on the candidate points.
std::string ModelMapSvg(const ReportInput& in, bool standalone) {
  const Problem& prob = *in.problem;
  model::SvgOptions opt;
  opt.title =
      "Capture plan: " + (in.topology->name.empty() ? std::string("topology") : in.topology->name);
  const Metrics& m = in.metrics;
  opt.subtitle =
      Fmt("%u points, cost %.3g; sees %s of flows, %s of centre-of-gravity "
          "flows (%s under full capture); needs %s of %s",
          m.devices, m.cost, Pct(m.flowVisibility).c_str(), Pct(m.criticalCoverage).c_str(),
          Pct(m.criticalFullShare).c_str(), FormatBytes(m.storageRequired).c_str(),
          FormatBytes(prob.constraints.storageBytes).c_str());
  opt.footer = "Drawn by vantage plan. Hover over a point for what it sees, misses and costs.";
  for (size_t i = 0; i < prob.points.size(); ++i) {
    std::string colour = PointColour(in, i);
    Mode mode = i < in.plan.best.modes.size() ? in.plan.best.modes[i] : Mode::kNone;
    model::PointStyle st;
    st.fill = detail::ColourHex(colour);
    st.stroke = "#222222";
    st.label = mode == Mode::kNone   ? std::string()
               : mode == Mode::kBoth ? std::string("flows + full capture")
               : mode == Mode::kFull ? std::string("full capture")
               : mode == Mode::kFlowLog
                   ? std::string(colour == "amber" ? "flow log (lower priority)" : "flow log")
               : colour == "amber" ? std::string("flows (lower priority)")
                                   : std::string("flows");
    st.tooltip = PlainText(ExplainPoint(in, i));
    opt.pointStyles[prob.points[i].name] = st;
  }
  opt.pointLegend = {{detail::ColourHex("green"), "flow export"},
                     {detail::ColourHex("red"), "full capture (or both)"},
                     {detail::ColourHex("amber"), "lower-priority flow export"},
                     {detail::ColourHex("grey"), "nothing"}};
  std::string svg = model::RenderSvg(*in.topology, opt);
  if (!standalone) {
    size_t decl = svg.find("?>");
    if (svg.rfind("<?xml", 0) == 0 && decl != std::string::npos) svg.erase(0, decl + 2);
    EraseAll(svg, " xmlns='http://www.w3.org/2000/svg'");
    EraseAll(svg, " xmlns=\"http://www.w3.org/2000/svg\"");
  }
  return svg;
}

// Without a topology: a grid of the points.
std::string PointGridSvg(const ReportInput& in, bool standalone) {
  const Problem& prob = *in.problem;
  size_t n = prob.points.size();
  size_t cols = std::max<size_t>(1, std::min<size_t>(n, kGridColumns));
  double w = 40 + kGridCellW * static_cast<double>(cols);
  double h = 120 + kGridCellH * std::ceil(static_cast<double>(n) / static_cast<double>(cols));
  std::ostringstream o;
  o << SvgOpen(w, h, standalone, "Capture plan map");
  for (size_t i = 0; i < n; ++i) {
    double x = 30 + kGridCellW * static_cast<double>(i % cols);
    double y = 40 + kGridCellH * static_cast<double>(i / cols);
    o << Fmt("<circle cx=\"%.0f\" cy=\"%.0f\" r=\"9\" fill=\"%s\" stroke=\"#333\"/>", x, y,
             detail::ColourHex(PointColour(in, i)));
    o << Fmt("<text x=\"%.0f\" y=\"%.0f\">", x + 14, y + 4) << XmlEscape(prob.points[i].name)
      << "</text>\n";
  }
  Legend(o, 20, h - 50);
  o << "</svg>\n";
  return o.str();
}

}  // namespace

std::string RenderMapSvg(const ReportInput& in, bool standalone) {
  // The model's renderer draws every topology (it does not throw); the grid is for plans
  // without one.
  if (in.topology != nullptr && !in.topology->nodes.empty()) return ModelMapSvg(in, standalone);
  return PointGridSvg(in, standalone);
}

namespace {

struct Axes {
  double x0, y0, w, h;  // plot area
  double xmin, xmax;    // data range
  bool logX;
  double X(double v) const {
    if (logX) {
      double a = std::log10(std::max(xmin, 1e-300)), b = std::log10(std::max(xmax, xmin * 1.0001));
      return x0 + w * (std::log10(std::max(v, xmin)) - a) / (b - a);
    }
    return x0 + w * (xmax > xmin ? (v - xmin) / (xmax - xmin) : 0.5);
  }
  double Y(double share) const { return y0 + h - h * std::clamp(share, 0.0, 1.0); }
};

void Frame(std::ostringstream& o, const Axes& a, const std::string& title,
           const std::string& xlabel) {
  o << Fmt(
      "<rect x=\"%.0f\" y=\"%.0f\" width=\"%.0f\" height=\"%.0f\" fill=\"none\" "
      "stroke=\"#444\"/>\n",
      a.x0, a.y0, a.w, a.h);
  o << Fmt("<text x=\"%.0f\" y=\"%.0f\" font-weight=\"bold\">", a.x0, a.y0 - 10) << XmlEscape(title)
    << "</text>\n";
  for (int i = 0; i <= 5; ++i) {
    double y = a.Y(i / 5.0);
    o << Fmt("<line x1=\"%.0f\" y1=\"%.1f\" x2=\"%.0f\" y2=\"%.1f\" stroke=\"#e0e0e0\"/>", a.x0, y,
             a.x0 + a.w, y);
    o << Fmt("<text x=\"%.0f\" y=\"%.1f\" text-anchor=\"end\" font-size=\"10\">%d%%</text>\n",
             a.x0 - 4, y + 3, i * 20);
  }
  o << Fmt("<text x=\"%.0f\" y=\"%.0f\" text-anchor=\"middle\" font-size=\"11\">", a.x0 + a.w / 2,
           a.y0 + a.h + 32)
    << XmlEscape(xlabel) << "</text>\n";
}

void XTick(std::ostringstream& o, const Axes& a, double v, const std::string& label) {
  double x = a.X(v);
  o << Fmt("<line x1=\"%.1f\" y1=\"%.0f\" x2=\"%.1f\" y2=\"%.0f\" stroke=\"#444\"/>", x, a.y0 + a.h,
           x, a.y0 + a.h + 4);
  o << Fmt("<text x=\"%.1f\" y=\"%.0f\" text-anchor=\"middle\" font-size=\"10\">", x,
           a.y0 + a.h + 16)
    << XmlEscape(label) << "</text>\n";
}

std::string Polyline(const std::vector<std::pair<double, double>>& pts, const char* colour,
                     bool step) {
  std::ostringstream o;
  o << "<polyline fill=\"none\" stroke=\"" << colour << "\" stroke-width=\"2\" points=\"";
  for (size_t i = 0; i < pts.size(); ++i) {
    if (step && i > 0) o << Fmt("%.1f,%.1f ", pts[i].first, pts[i - 1].second);
    o << Fmt("%.1f,%.1f ", pts[i].first, pts[i].second);
  }
  o << "\"/>\n";
  return o.str();
}

}  // namespace

namespace {

// Left panel: weighted coverage and flow visibility against the storage budget (log axis,
// ticks at 1, 2, 5 x 10^n bytes).
void StoragePanel(std::ostringstream& o, const ReportInput& in) {
  Axes a{60, 40, 360, 240, 1, 10, true};
  std::vector<double> ticks;
  if (!in.storageSweep.empty()) {
    ticks = detail::LogTicks(in.storageSweep.front().budget, in.storageSweep.back().budget);
  }
  if (!ticks.empty()) {
    a.xmin = ticks.front();
    a.xmax = std::max(ticks.back(), a.xmin * 1.01);
  }
  Frame(o, a, "Coverage against storage budget", "storage budget for the required retention");
  for (double v : ticks) XTick(o, a, v, detail::RoundBytes(v));
  if (!in.storageSweep.empty()) {
    std::vector<std::pair<double, double>> cov, vis;
    for (const auto& t : in.storageSweep) {
      cov.emplace_back(a.X(t.budget), a.Y(t.objectiveShare));
      vis.emplace_back(a.X(t.budget), a.Y(t.flowVisibility));
    }
    o << Polyline(cov, "#1f5fa8", true) << Polyline(vis, "#2e9d4a", true);
    for (const auto& p : cov) {
      o << Fmt("<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"#1f5fa8\"/>", p.first, p.second);
    }
    double budget = in.problem->constraints.storageBytes;
    if (budget >= a.xmin && budget <= a.xmax) {
      double x = a.X(budget);
      o << Fmt(
          "\n<line x1=\"%.1f\" y1=\"%.0f\" x2=\"%.1f\" y2=\"%.0f\" stroke=\"#d0312d\" "
          "stroke-dasharray=\"5,4\"/>",
          x, a.y0, x, a.y0 + a.h);
      o << Fmt("<text x=\"%.1f\" y=\"%.0f\" fill=\"#d0312d\" font-size=\"10\">budget</text>\n",
               x + 3, a.y0 + 12);
    }
  }
  o << Fmt("<text x=\"%.0f\" y=\"%.0f\" font-size=\"10\" fill=\"#1f5fa8\">weighted coverage</text>",
           a.x0 + 4, a.y0 + a.h + 50);
  o << Fmt("<text x=\"%.0f\" y=\"%.0f\" font-size=\"10\" fill=\"#2e9d4a\">flow visibility</text>\n",
           a.x0 + 120, a.y0 + a.h + 50);
}

// A labelled plan on the Pareto panel. The label goes right of the marker, or left of it near
// the right edge; `row` moves it down a line. Returns the label's [left, right] extent.
std::pair<double, double> PlanMarker(std::ostringstream& o, const Axes& b, double cost,
                                     double share, const char* colour, const std::string& label,
                                     int row) {
  double x = b.X(cost), y = b.Y(share);
  o << Fmt(
      "\n<circle cx=\"%.1f\" cy=\"%.1f\" r=\"7\" fill=\"none\" stroke=\"%s\" "
      "stroke-width=\"2\"/>",
      x, y, colour);
  bool left = x > b.x0 + b.w * 0.6;
  double width = 5.6 * static_cast<double>(label.size());  // ~ font-size 10 sans-serif
  double tx = left ? x - 9 : x + 9;
  o << Fmt("<text x=\"%.1f\" y=\"%.1f\" fill=\"%s\" font-size=\"10\" text-anchor=\"%s\">", tx,
           y + 18 + 13.0 * row, colour, left ? "end" : "start")
    << XmlEscape(label) << "</text>\n";
  return left ? std::make_pair(tx - width, tx) : std::make_pair(tx, tx + width);
}

std::string PlanLabel(const char* what, double cost, double share) {
  return Fmt("%s: cost %.3g, ", what, cost) + detail::Pct1(share);
}

// Right panel: the Pareto front of cost against coverage (whole cost units on the axis), with
// the chosen plan and the knee labelled.
void ParetoPanel(std::ostringstream& o, const ReportInput& in) {
  double maxCost = std::max(1.0, in.plan.best.cost);
  for (const auto& t : in.paretoFront) maxCost = std::max(maxCost, t.cost);
  std::vector<double> ticks = detail::LinearTicks(maxCost, 1.0);
  Axes b{510, 40, 360, 240, 0, ticks.back(), false};
  Frame(o, b, "Pareto front: cost against coverage", "cost (relative units)");
  for (double v : ticks) XTick(o, b, v, Fmt("%.0f", v));
  std::vector<std::pair<double, double>> front;
  for (const auto& t : in.paretoFront) front.emplace_back(b.X(t.cost), b.Y(t.objectiveShare));
  if (!front.empty()) o << Polyline(front, "#7a1fa2", true);
  for (const auto& p : front) {
    o << Fmt("<circle cx=\"%.1f\" cy=\"%.1f\" r=\"4\" fill=\"#7a1fa2\"/>", p.first, p.second);
  }
  double maxObj = MaxObjective(*in.problem);
  auto share = [&](double objective) { return maxObj > 0 ? objective / maxObj : 0.0; };
  const Solution& chosen = in.plan.best;
  const Knee& k = in.knee;
  if (!k.found || k.isBest) {
    PlanMarker(o, b, chosen.cost, share(chosen.objective), "#d0312d",
               PlanLabel(k.found ? "chosen plan = knee" : "chosen plan", chosen.cost,
                         share(chosen.objective)),
               0);
    return;
  }
  // Two plans: the knee and the one that maximises coverage; either may be the chosen one.
  const Solution& other = in.preferKnee ? k.best : chosen;
  const char* otherName = in.preferKnee ? "max coverage" : "chosen plan";
  const char* kneeName = in.preferKnee ? "chosen plan = knee" : "knee";
  auto first = PlanMarker(o, b, other.cost, share(other.objective), "#d0312d",
                          PlanLabel(otherName, other.cost, share(other.objective)), 0);
  // One line lower when the two labels would overlap.
  std::string kneeLabel = PlanLabel(kneeName, k.plan.cost, share(k.plan.objective));
  double kx = b.X(k.plan.cost), width = 5.6 * static_cast<double>(kneeLabel.size());
  bool kneeLeft = kx > b.x0 + b.w * 0.6;
  double l = kneeLeft ? kx - 9 - width : kx + 9, r = l + width;
  bool sameLine = std::fabs(b.Y(share(k.plan.objective)) - b.Y(share(other.objective))) < 13;
  bool overlap = sameLine && l < first.second + 4 && r > first.first - 4;
  PlanMarker(o, b, k.plan.cost, share(k.plan.objective), "#2e9d4a", kneeLabel, overlap ? 1 : 0);
}

}  // namespace

std::string RenderCoverageSvg(const ReportInput& in, bool standalone) {
  std::ostringstream o;
  o << SvgOpen(900, 360, standalone, "Coverage against budget");
  StoragePanel(o, in);
  ParetoPanel(o, in);
  o << "</svg>\n";
  return o.str();
}

}  // namespace vantage::planner
