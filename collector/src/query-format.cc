// Query results as a table, CSV or JSON.
#include <sqlite3.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstring>
#include <ctime>
#include <iomanip>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <unordered_map>

#include "query-internal.h"
#include "vantage/collector/query.h"

namespace vantage::collector {

using detail::ParseUint;

std::string FormatTable(const QueryTable& t, OutputFormat format) {
  std::ostringstream o;
  if (format == OutputFormat::kCsv) {
    auto cell = [](const std::string& s) {
      if (s.find_first_of(",\"\n") == std::string::npos) return s;
      std::string q = "\"";
      for (char c : s) {
        if (c == '"') q += '"';
        q += c;
      }
      return q + "\"";
    };
    for (size_t c = 0; c < t.columns.size(); ++c) o << (c ? "," : "") << cell(t.columns[c]);
    o << "\n";
    for (const auto& r : t.rows) {
      for (size_t c = 0; c < r.size(); ++c) o << (c ? "," : "") << cell(r[c]);
      o << "\n";
    }
    return o.str();
  }
  if (format == OutputFormat::kJson) {
    nlohmann::ordered_json arr = nlohmann::ordered_json::array();
    for (const auto& r : t.rows) {
      nlohmann::ordered_json obj = nlohmann::ordered_json::object();
      for (size_t c = 0; c < r.size() && c < t.columns.size(); ++c) {
        const std::string& v = r[c];
        uint64_t u = 0;
        if (ParseUint(v, u)) {
          obj[t.columns[c]] = u;
        } else if (v.size() > 1 && v[0] == '-' && ParseUint(v.substr(1), u)) {
          obj[t.columns[c]] = -static_cast<int64_t>(u);
        } else {
          obj[t.columns[c]] = v;
        }
      }
      arr.push_back(obj);
    }
    return arr.dump(2) + "\n";
  }
  std::vector<size_t> w(t.columns.size(), 0);
  for (size_t c = 0; c < t.columns.size(); ++c) w[c] = t.columns[c].size();
  for (const auto& r : t.rows) {
    for (size_t c = 0; c < r.size() && c < w.size(); ++c) w[c] = std::max(w[c], r[c].size());
  }
  auto numeric = [](const std::string& s) {
    return !s.empty() && s.find_first_not_of("0123456789.-") == std::string::npos &&
           std::count(s.begin(), s.end(), '.') <= 1;
  };
  for (size_t c = 0; c < t.columns.size(); ++c) {
    o << (c ? "  " : "") << std::left << std::setw(static_cast<int>(w[c])) << t.columns[c];
  }
  o << "\n";
  for (size_t c = 0; c < t.columns.size(); ++c) o << (c ? "  " : "") << std::string(w[c], '-');
  o << "\n";
  for (const auto& r : t.rows) {
    for (size_t c = 0; c < r.size() && c < w.size(); ++c) {
      o << (c ? "  " : "");
      if (numeric(r[c])) {
        o << std::right << std::setw(static_cast<int>(w[c])) << r[c];
      } else {
        o << std::left << std::setw(static_cast<int>(w[c])) << r[c];
      }
    }
    o << "\n";
  }
  o << "(" << t.rows.size() << " row" << (t.rows.size() == 1 ? "" : "s") << ")\n";
  return o.str();
}

}  // namespace vantage::collector
