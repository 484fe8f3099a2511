// The sweep report: one small document model rendered to Markdown and to self-contained HTML,
// and the coverage-against-budget SVG with 95% confidence bands.
#include <fmt/printf.h>

#include <algorithm>
#include <cmath>
#include <sstream>
#include <tuple>

#include "vantage/core/svg-writer.h"
#include "vantage/sweep/merge.h"

namespace vantage::sweep {
namespace {

using nlohmann::json;

/// printf-style formatting of any length (fmt checks the arguments; nothing is cut).
template <typename... Args>
std::string Fmt(const char* format, const Args&... args) {
  return fmt::sprintf(format, args...);
}

using core::XmlEscape;

struct Block {
  enum Kind { kHeading, kText, kTable, kSvg } kind;
  std::string text;
  std::vector<std::vector<std::string>> rows;  ///< tables: first row is the header
};

struct Doc {
  std::vector<Block> blocks;
  void H(const std::string& t) { blocks.push_back({Block::kHeading, t, {}}); }
  void P(const std::string& t) { blocks.push_back({Block::kText, t, {}}); }
  void T(std::vector<std::vector<std::string>> rows) {
    blocks.push_back({Block::kTable, "", std::move(rows)});
  }
  void Svg(const std::string& file, const std::string& svg) {
    blocks.push_back({Block::kSvg, file, {{svg}}});
  }

  std::string Markdown(const std::string& title) const {
    std::string o = "# " + title + "\n";
    for (const auto& b : blocks) {
      if (b.kind == Block::kHeading) o += "\n## " + b.text + "\n";
      if (b.kind == Block::kText) o += "\n" + b.text + "\n";
      if (b.kind == Block::kSvg) o += "\n![" + b.text + "](" + b.text + ")\n";
      if (b.kind != Block::kTable) continue;
      o += "\n";
      for (size_t r = 0; r < b.rows.size(); ++r) {
        o += "|";
        for (const auto& c : b.rows[r]) o += " " + c + " |";
        o += "\n";
        if (r == 0) {
          o += "|";
          for (size_t c = 0; c < b.rows[0].size(); ++c) o += "---|";
          o += "\n";
        }
      }
    }
    return o;
  }

  std::string Html(const std::string& title) const {
    std::string o = "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>" +
                    XmlEscape(title) +
                    "</title><style>body{font-family:sans-serif;max-width:60em;margin:2em auto}"
                    "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:2px 6px;"
                    "text-align:right}</style></head><body>\n<h1>" +
                    XmlEscape(title) + "</h1>\n";
    for (const auto& b : blocks) {
      if (b.kind == Block::kHeading) o += "<h2>" + XmlEscape(b.text) + "</h2>\n";
      if (b.kind == Block::kText) o += "<p>" + XmlEscape(b.text) + "</p>\n";
      if (b.kind == Block::kSvg) o += b.rows[0][0] + "\n";
      if (b.kind != Block::kTable) continue;
      o += "<table>\n";
      for (size_t r = 0; r < b.rows.size(); ++r) {
        o += "<tr>";
        for (const auto& c : b.rows[r])
          o += (r ? "<td>" : "<th>") + XmlEscape(c) + (r ? "</td>" : "</th>");
        o += "</tr>\n";
      }
      o += "</table>\n";
    }
    return o + "</body></html>\n";
  }
};

std::string GroupName(const json& g) {
  std::string s = g.value("topology", "") + " / " + g.value("scenario", "");
  for (const auto& [k, v] : g["settings"].items()) {
    s += " " + k + (v.get<std::string>().empty() ? "" : " " + v.get<std::string>());
  }
  return s;
}

const char* kColours[] = {"#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b"};

// The x range of every curve and budget point.
std::pair<double, double> BudgetRange(const json& curves) {
  double lo = 0, hi = 0;
  for (const auto& c : curves) {
    for (const char* part : {"grid", "budgets"}) {
      for (const auto& p : c[part]) {
        double b = p["storage_bytes"].get<double>();
        if (b <= 0) continue;
        lo = lo == 0 ? b : std::min(lo, b);
        hi = std::max(hi, b);
      }
    }
  }
  if (lo <= 0) lo = 1e9;
  if (hi <= lo) hi = lo * 10;
  return {lo, hi};
}

struct Plot {
  double W = 640, H = 360, L = 60, R = 20, T = 30, B = 50;
  double lo = 1, hi = 10;
  double X(double b) const {
    return L + (W - L - R) * std::log(std::max(b, lo) / lo) / std::log(hi / lo);
  }
  double Y(double v) const { return T + (H - T - B) * (1 - std::clamp(v, 0.0, 1.0)); }
};

void Axes(std::ostringstream& o, const Plot& p) {
  o << "<rect x=\"" << p.L << "\" y=\"" << p.T << "\" width=\"" << p.W - p.L - p.R << "\" height=\""
    << p.H - p.T - p.B << "\" fill=\"none\" stroke=\"#888\"/>";
  for (int i = 0; i <= 4; ++i) {
    o << "<text x=\"" << p.L - 6 << "\" y=\"" << p.Y(i / 4.0) + 4 << "\" text-anchor=\"end\">"
      << i * 25 << "%</text>";
  }
  o << "<text x=\"" << p.L << "\" y=\"" << p.H - 30 << "\">" << Fmt("%.3g TB", p.lo / 1e12)
    << "</text><text x=\"" << p.W - p.R << "\" y=\"" << p.H - 30 << "\" text-anchor=\"end\">"
    << Fmt("%.3g TB", p.hi / 1e12) << "</text><text x=\"" << (p.L + p.W - p.R) / 2 << "\" y=\""
    << p.H - 12 << "\" text-anchor=\"middle\">storage budget for the required retention (log "
    << "scale)</text><text x=\"14\" y=\"" << p.T - 10 << "\">flow visibility</text>";
}

void Curve(std::ostringstream& o, const Plot& p, const json& c, const char* col) {
  const auto& pts = c["grid"];
  if (!pts.empty()) {
    std::string band, line;
    for (const auto& q : pts) band += Fmt("%.1f,%.1f ", p.X(q["storage_bytes"]), p.Y(q["ci_high"]));
    for (auto it = pts.rbegin(); it != pts.rend(); ++it) {
      band += Fmt("%.1f,%.1f ", p.X((*it)["storage_bytes"]), p.Y((*it)["ci_low"]));
    }
    for (const auto& q : pts) line += Fmt("%.1f,%.1f ", p.X(q["storage_bytes"]), p.Y(q["mean"]));
    o << "<polygon points=\"" << band << "\" fill=\"" << col << "\" fill-opacity=\"0.2\"/>"
      << "<polyline points=\"" << line << "\" fill=\"none\" stroke=\"" << col
      << "\" stroke-width=\"2\"/>";
  }
  for (const auto& q : c["budgets"]) {  // the swept budgets' plans, with CI bars
    const double x = p.X(q["storage_bytes"]);
    o << Fmt("<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"%s\"/>", x, x,
             p.Y(q["ci_low"]), p.Y(q["ci_high"]), col)
      << Fmt("<circle cx=\"%.1f\" cy=\"%.1f\" r=\"4\" fill=\"%s\"/>", x, p.Y(q["mean"]), col);
  }
}

// Coverage (flow visibility) against storage budget, log x axis, one band per group.
std::string CoverageSvg(const json& curves) {
  Plot p;
  std::tie(p.lo, p.hi) = BudgetRange(curves);
  std::ostringstream o;
  o << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << p.W << "\" height=\"" << p.H
    << "\" viewBox=\"0 0 " << p.W << " " << p.H << "\" font-family=\"sans-serif\" font-size=\"11\">"
    << "<title>Coverage against storage budget (95% confidence band across seeds)</title>";
  Axes(o, p);
  size_t gi = 0;
  for (const auto& c : curves) {
    const char* col = kColours[gi++ % 6];
    Curve(o, p, c, col);
    // Legend at the bottom right, below the curves' usual path (they rise to the top left).
    o << "<text x=\"" << p.W - p.R - 8 << "\" y=\"" << p.H - p.B - 8 - 14 * (gi - 1)
      << "\" text-anchor=\"end\" fill=\"" << col << "\">" << XmlEscape(GroupName(c)) << "</text>";
  }
  o << "</svg>\n";
  return o.str();
}

void MetricTables(Doc& d, const json& groups) {
  for (const auto& g : groups) {
    d.H("Across seeds: " + GroupName(g));
    d.P(
        Fmt("%zu seeds. Mean, standard deviation, 95%% confidence interval of the mean "
            "(Student's t), and the range over seeds.",
            g["seeds"].size()));
    std::vector<std::vector<std::string>> rows = {{"metric", "mean", "sd", "95% CI", "min", "max"}};
    for (const auto& [name, s] : g["metrics"].items()) {
      rows.push_back({name, Fmt("%.4g", s["mean"].get<double>()),
                      Fmt("%.3g", s["sd"].get<double>()),
                      Fmt("[%.4g, %.4g]", s["ci_low"].get<double>(), s["ci_high"].get<double>()),
                      Fmt("%.4g", s["min"].get<double>()), Fmt("%.4g", s["max"].get<double>())});
    }
    d.T(rows);
  }
}

}  // namespace

ReportFiles RenderReport(const json& results, const SweepStatus& st) {
  Doc d;
  const size_t cells = st.manifest.cells.size();
  d.P(Fmt("%zu cells (%s), %zu finished, %zu failed, %zu pending, %zu conflicting.", cells,
          results.value("command", "").c_str(), st.done, st.failed, st.pending, st.conflicts));
  d.P(
      Fmt("CPU time of the finished cells: %.1f s in all, %.2f s per cell; largest worker "
          "%.0f MiB resident.",
          st.cpuS, st.done ? st.cpuS / static_cast<double>(st.done) : 0.0,
          static_cast<double>(st.maxRssKiB) / 1024.0));
  ReportFiles f;
  f.svg = CoverageSvg(results["coverage_vs_budget"]);
  bool anyCurve = false;
  for (const auto& c : results["coverage_vs_budget"]) {
    anyCurve |= !c["grid"].empty() || !c["budgets"].empty();
  }
  if (anyCurve) {
    d.H("Coverage against budget");
    d.P("Flow visibility of the best plan within each storage budget (the planner's storage "
        "sweep of every seed): the line is the mean across seeds, the band its 95% confidence "
        "interval; dots with bars are the plans at the sweep's own budgets (mean and 95% CI).");
    d.Svg("coverage.svg", f.svg);
  }
  MetricTables(d, results["groups"]);
  d.H("Cells that failed or did not finish");
  if (st.failures.empty() && results["missing"].empty()) d.P("None.");
  for (const auto& m : results["missing"]) d.P(m.get<std::string>());
  for (const auto& fc : st.failures) {
    if (!fc.logPath.empty()) d.P("log " + fc.logPath + ":\n" + fc.logTail);
  }
  const std::string title = "Sweep " + results.value("sweep", "");
  f.markdown = d.Markdown(title);
  f.html = d.Html(title);
  return f;
}

}  // namespace vantage::sweep
