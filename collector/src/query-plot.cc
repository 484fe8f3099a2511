// Query results (time series) as an SVG line plot.
#include <sqlite3.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstring>
#include <ctime>
#include <iomanip>
#include <map>
#include <sstream>
#include <unordered_map>

#include "query-internal.h"
#include "vantage/collector/query.h"
#include "vantage/core/svg-writer.h"

namespace vantage::collector {

std::string PlotSvg(const QueryTable& t, const std::string& title) {
  const double width = 800, height = 320, left = 80, right = 20, top = 30, bottom = 50;
  std::vector<double> ys;
  for (const auto& r : t.rows) ys.push_back(r.size() > 1 ? std::strtod(r[1].c_str(), nullptr) : 0);
  double maxY = 0;
  for (double y : ys) maxY = std::max(maxY, y);
  if (maxY <= 0) maxY = 1;
  std::ostringstream o;
  o << std::fixed << std::setprecision(1);
  o << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << width << "\" height=\"" << height
    << "\" font-family=\"sans-serif\" font-size=\"11\">\n";
  o << "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n";
  o << "<text x=\"" << width / 2 << "\" y=\"18\" text-anchor=\"middle\" font-size=\"14\">"
    << core::XmlEscape(title) << "</text>\n";
  double pw = width - left - right, ph = height - top - bottom;
  o << "<line x1=\"" << left << "\" y1=\"" << top + ph << "\" x2=\"" << left + pw << "\" y2=\""
    << top + ph << "\" stroke=\"black\"/>\n";
  o << "<line x1=\"" << left << "\" y1=\"" << top << "\" x2=\"" << left << "\" y2=\"" << top + ph
    << "\" stroke=\"black\"/>\n";
  for (int k = 0; k <= 4; ++k) {
    double v = maxY * k / 4;
    double y = top + ph - ph * k / 4;
    o << "<text x=\"" << left - 5 << "\" y=\"" << y + 4 << "\" text-anchor=\"end\">"
      << static_cast<uint64_t>(v) << "</text>\n";
  }
  if (!t.rows.empty()) {
    o << "<text x=\"" << left << "\" y=\"" << height - 20 << "\">"
      << core::XmlEscape(t.rows.front()[0]) << "</text>\n";
    o << "<text x=\"" << left + pw << "\" y=\"" << height - 20 << "\" text-anchor=\"end\">"
      << core::XmlEscape(t.rows.back()[0]) << "</text>\n";
  }
  if (t.columns.size() > 1) {
    o << "<text x=\"14\" y=\"" << top + ph / 2 << "\" transform=\"rotate(-90 14 " << top + ph / 2
      << ")\" text-anchor=\"middle\">" << core::XmlEscape(t.columns[1]) << "</text>\n";
  }
  o << "<polyline fill=\"none\" stroke=\"#1f77b4\" stroke-width=\"1.5\" points=\"";
  size_t n = ys.size();
  for (size_t k = 0; k < n; ++k) {
    double x = left + (n > 1 ? pw * static_cast<double>(k) / static_cast<double>(n - 1) : pw / 2);
    double y = top + ph - ph * ys[k] / maxY;
    o << x << "," << y << " ";
  }
  o << "\"/>\n</svg>\n";
  return o.str();
}

}  // namespace vantage::collector
