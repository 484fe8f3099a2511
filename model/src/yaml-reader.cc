// Internal YAML reading helpers: typed field access with diagnostics instead of exceptions.
#include "vantage/model/yaml-reader.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>

namespace vantage::model::detail {

size_t EditDistance(const std::string& a, const std::string& b) {
  std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t sub = prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, sub});
    }
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

std::string DidYouMean(const std::string& word, const std::vector<std::string>& candidates) {
  if (word.size() > 200) return "";
  size_t best = SIZE_MAX;
  const std::string* bestName = nullptr;
  for (const auto& c : candidates) {
    if (c.size() > 200) continue;
    size_t d = EditDistance(word, c);
    if (d < best) {
      best = d;
      bestName = &c;
    }
  }
  if (bestName == nullptr) return "";
  size_t limit = std::max<size_t>(2, std::max(word.size(), bestName->size()) / 3);
  if (best == 0 || best > limit) return "";
  return " (did you mean '" + *bestName + "'?)";
}

std::string Join(const std::string& path, const std::string& key) {
  return path.empty() ? key : path + "." + key;
}

std::string Index(const std::string& path, size_t i) {
  return path + "[" + std::to_string(i) + "]";
}

int LineOf(const YAML::Node& n) {
  if (!n.IsDefined()) return 0;
  auto m = n.Mark();
  return m.line < 0 ? 0 : m.line + 1;
}

static int ColumnOf(const YAML::Node& n) {
  if (!n.IsDefined()) return 0;
  auto m = n.Mark();
  return m.column < 0 ? 0 : m.column + 1;
}

void Reader::Error(const YAML::Node& at, const std::string& path, const std::string& message) {
  m_diags.Error(m_file, LineOf(at), ColumnOf(at), path, message);
}

void Reader::Warning(const YAML::Node& at, const std::string& path, const std::string& message) {
  m_diags.Warning(m_file, LineOf(at), ColumnOf(at), path, message);
}

void Reader::ErrorAtLine(int line, int column, const std::string& path,
                         const std::string& message) {
  m_diags.Error(m_file, line, column, path, message);
}

void Reader::WarningAtLine(int line, int column, const std::string& path,
                           const std::string& message) {
  m_diags.Warning(m_file, line, column, path, message);
}

static std::string Fmt(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

static const char* TypeName(const YAML::Node& n) {
  switch (n.Type()) {
    case YAML::NodeType::Map:
      return "a map";
    case YAML::NodeType::Sequence:
      return "a list";
    case YAML::NodeType::Scalar:
      return "a scalar";
    case YAML::NodeType::Null:
      return "nothing";
    default:
      return "an undefined value";
  }
}

bool Reader::ExpectMap(const YAML::Node& n, const std::string& path,
                       const std::vector<std::string>& allowed) {
  if (!n.IsDefined()) return false;
  if (!n.IsMap()) {
    Error(n, path, std::string("expected a map (key: value), found ") + TypeName(n));
    return false;
  }
  std::set<std::string> seen;
  for (auto it = n.begin(); it != n.end(); ++it) {
    const YAML::Node key = it->first;
    if (!key.IsScalar()) {
      Error(key, path, "map keys must be plain names");
      continue;
    }
    const std::string k = key.Scalar();
    if (!seen.insert(k).second) {
      Error(key, Join(path, k), "duplicate key '" + k + "'");
    }
    if (std::find(allowed.begin(), allowed.end(), k) == allowed.end()) {
      Error(key, Join(path, k), "unknown key '" + k + "'" + DidYouMean(k, allowed));
    }
  }
  return true;
}

bool Reader::ExpectList(const YAML::Node& n, const std::string& path) {
  if (!n.IsDefined()) return false;
  if (!n.IsSequence()) {
    Error(n, path, std::string("expected a list, found ") + TypeName(n));
    return false;
  }
  return true;
}

YAML::Node Reader::Get(const YAML::Node& map, const std::string& key, const std::string& path,
                       bool required) {
  if (map.IsDefined() && map.IsMap()) {
    YAML::Node v = map[key];
    if (v.IsDefined() && !v.IsNull()) return v;
  }
  if (required) Error(map, Join(path, key), "missing required key '" + key + "'");
  return YAML::Node(YAML::NodeType::Undefined);
}

std::optional<std::string> Reader::AsString(const YAML::Node& n, const std::string& path) {
  if (!n.IsScalar()) {
    Error(n, path, std::string("expected a text value, found ") + TypeName(n));
    return std::nullopt;
  }
  return n.Scalar();
}

std::optional<double> Reader::AsNumber(const YAML::Node& n, const std::string& path, double min,
                                       double max) {
  if (!n.IsScalar()) {
    Error(n, path, std::string("expected a number, found ") + TypeName(n));
    return std::nullopt;
  }
  const std::string& s = n.Scalar();
  errno = 0;
  char* end = nullptr;
  double v = std::strtod(s.c_str(), &end);
  if (s.empty() || end != s.c_str() + s.size() || errno != 0 || !std::isfinite(v)) {
    Error(n, path, "expected a number, found '" + s + "'");
    return std::nullopt;
  }
  if (v < min || v > max) {
    std::string range;
    if (min > -1e300 && max < 1e300) {
      range = "between " + Fmt(min) + " and " + Fmt(max);
    } else if (min > -1e300) {
      range = min == 0 ? "at least 0" : "at least " + Fmt(min);
    } else {
      range = "at most " + Fmt(max);
    }
    Error(n, path, "value " + s + " out of range: must be " + range);
    return std::nullopt;
  }
  return v;
}

std::optional<int64_t> Reader::AsInteger(const YAML::Node& n, const std::string& path, int64_t min,
                                         int64_t max) {
  if (!n.IsScalar()) {
    Error(n, path, std::string("expected an integer, found ") + TypeName(n));
    return std::nullopt;
  }
  const std::string& s = n.Scalar();
  errno = 0;
  char* end = nullptr;
  long long v = std::strtoll(s.c_str(), &end, 10);
  if (s.empty() || end != s.c_str() + s.size() || errno != 0) {
    Error(n, path, "expected an integer, found '" + s + "'");
    return std::nullopt;
  }
  if (v < min || v > max) {
    std::string range = max == INT64_MAX
                            ? "at least " + std::to_string(min)
                            : "between " + std::to_string(min) + " and " + std::to_string(max);
    Error(n, path, "value " + s + " out of range: must be " + range);
    return std::nullopt;
  }
  return static_cast<int64_t>(v);
}

std::optional<std::string> Reader::String(const YAML::Node& map, const std::string& key,
                                          const std::string& path, bool required) {
  YAML::Node v = Get(map, key, path, required);
  if (!v.IsDefined()) return std::nullopt;
  return AsString(v, Join(path, key));
}

std::optional<double> Reader::Number(const YAML::Node& map, const std::string& key,
                                     const std::string& path, bool required, double min,
                                     double max) {
  YAML::Node v = Get(map, key, path, required);
  if (!v.IsDefined()) return std::nullopt;
  return AsNumber(v, Join(path, key), min, max);
}

std::optional<int64_t> Reader::Integer(const YAML::Node& map, const std::string& key,
                                       const std::string& path, bool required, int64_t min,
                                       int64_t max) {
  YAML::Node v = Get(map, key, path, required);
  if (!v.IsDefined()) return std::nullopt;
  return AsInteger(v, Join(path, key), min, max);
}

std::optional<bool> Reader::Bool(const YAML::Node& map, const std::string& key,
                                 const std::string& path, bool required) {
  YAML::Node v = Get(map, key, path, required);
  if (!v.IsDefined()) return std::nullopt;
  if (!v.IsScalar()) {
    Error(v, Join(path, key), std::string("expected true or false, found ") + TypeName(v));
    return std::nullopt;
  }
  std::string s = v.Scalar();
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  if (s == "true" || s == "yes" || s == "on") return true;
  if (s == "false" || s == "no" || s == "off") return false;
  Error(v, Join(path, key), "expected true or false, found '" + v.Scalar() + "'");
  return std::nullopt;
}

std::optional<std::vector<std::string>> Reader::StringList(const YAML::Node& map,
                                                           const std::string& key,
                                                           const std::string& path, bool required) {
  YAML::Node v = Get(map, key, path, required);
  if (!v.IsDefined()) return std::nullopt;
  std::string p = Join(path, key);
  std::vector<std::string> out;
  if (v.IsScalar()) {
    out.push_back(v.Scalar());
    return out;
  }
  if (!ExpectList(v, p)) return std::nullopt;
  bool ok = true;
  for (size_t i = 0; i < v.size(); ++i) {
    auto s = AsString(v[i], Index(p, i));
    if (s) {
      out.push_back(*s);
    } else {
      ok = false;
    }
  }
  if (!ok) return std::nullopt;
  return out;
}

std::optional<uint8_t> ParseProtocol(const std::string& text) {
  std::string s = text;
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  if (s == "tcp") return 6;
  if (s == "udp") return 17;
  if (s == "icmp") return 1;
  if (s == "any" || s == "ip") return 0;
  if (s.empty() || s.size() > 3 || !std::all_of(s.begin(), s.end(), ::isdigit)) {
    return std::nullopt;
  }
  int v = std::atoi(s.c_str());
  if (v > 255) return std::nullopt;
  return static_cast<uint8_t>(v);
}

static bool ParsePort(const std::string& s, uint16_t& out) {
  if (s.empty() || s.size() > 5 || !std::all_of(s.begin(), s.end(), ::isdigit)) return false;
  long v = std::atol(s.c_str());
  if (v < 1 || v > 65535) return false;
  out = static_cast<uint16_t>(v);
  return true;
}

bool ParsePortRange(const std::string& text, uint16_t& lo, uint16_t& hi) {
  auto dash = text.find('-');
  if (dash == std::string::npos) {
    if (!ParsePort(text, lo)) return false;
    hi = lo;
    return true;
  }
  if (!ParsePort(text.substr(0, dash), lo) || !ParsePort(text.substr(dash + 1), hi)) return false;
  return lo <= hi;
}

namespace {

void ReportYamlError(const std::string& name, const YAML::Exception& e, const std::string& what,
                     Diagnostics& diags) {
  diags.Error(name, e.mark.line < 0 ? 0 : e.mark.line + 1,
              e.mark.column < 0 ? 0 : e.mark.column + 1, "", what + e.msg);
}

}  // namespace

core::Status ParseYamlDocument(const std::string& yamlText, const std::string& name,
                               const std::string& kind, Diagnostics& diags,
                               const std::function<void(const YAML::Node&)>& parse) {
  size_t before = diags.ErrorCount();
  YAML::Node root;
  try {
    root = YAML::Load(yamlText);
  } catch (const YAML::Exception& e) {
    ReportYamlError(name, e, "YAML syntax: ", diags);
    return core::MakeError(core::ErrorCode::kParse, name + ": YAML syntax error");
  }
  try {
    parse(root);
  } catch (const YAML::Exception& e) {
    // yaml-cpp throws on some malformed trees: report rather than crash.
    ReportYamlError(name, e, "YAML: ", diags);
  }
  size_t errors = diags.ErrorCount() - before;
  if (errors > 0) {
    return core::MakeError(core::ErrorCode::kInvalid,
                           name + ": " + std::to_string(errors) + " error(s) in " + kind);
  }
  return {};
}

core::Result<std::string> ReadInputFile(const std::string& path, const std::string& kind,
                                        Diagnostics& diags) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    diags.Error(path, 0, 0, "", "cannot open file");
    return core::MakeError(core::ErrorCode::kIo, "cannot open " + kind + " file '" + path + "'");
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace vantage::model::detail
