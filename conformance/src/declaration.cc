// Declarations: YAML in and out, with every problem named by file, line and column.
#include "vantage/conformance/declaration.h"

#include <yaml-cpp/yaml.h>

#include <cmath>
#include <fstream>
#include <map>
#include <sstream>

namespace vantage::conformance {
namespace {

const std::vector<std::pair<Field, const char*>>& FieldNames() {
  static const std::vector<std::pair<Field, const char*>> names = {
      {Field::kPackets, "packets"},      {Field::kOctets, "octets"},
      {Field::kStart, "start"},          {Field::kEnd, "end"},
      {Field::kPorts, "ports"},          {Field::kIcmp, "icmp"},
      {Field::kTcpFlags, "tcp_flags"},   {Field::kTos, "tos"},
      {Field::kEndReason, "end_reason"}, {Field::kReverseCounters, "reverse_counters"},
  };
  return names;
}

/// Collects problems as "name:line:col: message" while reading YAML nodes.
class Reader {
 public:
  explicit Reader(std::string name) : m_name(std::move(name)) {}

  void Error(const YAML::Node& at, const std::string& message) {
    std::ostringstream os;
    os << m_name;
    if (at.IsDefined() && at.Mark().line >= 0)
      os << ":" << at.Mark().line + 1 << ":" << at.Mark().column + 1;
    os << ": " << message;
    m_errors.push_back(os.str());
  }
  void Plain(const std::string& message) { m_errors.push_back(m_name + ": " + message); }

  void CheckKeys(const YAML::Node& map, const std::vector<std::string>& allowed,
                 const std::string& where) {
    for (const auto& kv : map) {
      std::string key = kv.first.Scalar();
      bool known = false;
      for (const auto& a : allowed) known = known || a == key;
      if (!known) {
        std::string all;
        for (const auto& a : allowed) all += (all.empty() ? "" : ", ") + a;
        Error(kv.first, "unknown key '" + key + "' in " + where + " (known: " + all + ")");
      }
    }
  }

  /// Seconds as a number, or "none"/0 for "never"; false if malformed (reported).
  bool Seconds(const YAML::Node& n, const std::string& key, core::Duration& out) {
    if (!n.IsScalar()) {
      Error(n, key + ": expected seconds or 'none'");
      return false;
    }
    if (n.Scalar() == "none" || n.Scalar() == "never") {
      out = core::Duration{};
      return true;
    }
    double v = 0;
    if (!Number(n, key, v, 0, 1e7)) return false;
    out = core::Duration::Seconds(v);
    return true;
  }

  bool Number(const YAML::Node& n, const std::string& key, double& out, double lo, double hi) {
    std::istringstream is(n.IsScalar() ? n.Scalar() : std::string());
    double v = 0;
    if (!(is >> v) || !is.eof() || !std::isfinite(v)) {
      Error(n, key + ": expected a number, got '" + (n.IsScalar() ? n.Scalar() : "?") + "'");
      return false;
    }
    if (v < lo || v > hi) {
      std::ostringstream os;
      os << key << ": " << v << " is out of range [" << lo << ", " << hi << "]";
      Error(n, os.str());
      return false;
    }
    out = v;
    return true;
  }

  bool Bool(const YAML::Node& n, const std::string& key, bool& out) {
    const std::string s = n.IsScalar() ? n.Scalar() : "";
    if (s == "true" || s == "yes") {
      out = true;
    } else if (s == "false" || s == "no") {
      out = false;
    } else {
      Error(n, key + ": expected true or false, got '" + s + "'");
      return false;
    }
    return true;
  }

  /// One of `choices`; returns its index or -1 (reported).
  int Choice(const YAML::Node& n, const std::string& key, const std::vector<std::string>& choices) {
    const std::string s = n.IsScalar() ? n.Scalar() : "";
    for (size_t i = 0; i < choices.size(); ++i)
      if (choices[i] == s) return static_cast<int>(i);
    std::string all;
    for (const auto& c : choices) all += (all.empty() ? "" : ", ") + c;
    Error(n, key + ": '" + s + "' is not one of " + all);
    return -1;
  }

  const std::vector<std::string>& Errors() const { return m_errors; }

 private:
  std::string m_name;
  std::vector<std::string> m_errors;
};

void ReadCache(Reader& rd, const YAML::Node& n, Declaration& d) {
  if (!n.IsMap()) {
    rd.Error(n, "cache: expected a map with size and eviction");
    return;
  }
  rd.CheckKeys(n, {"size", "eviction"}, "cache");
  if (n["size"]) {
    double v = 0;
    if (rd.Number(n["size"], "cache.size", v, 0, 1e10)) d.cacheSize = static_cast<uint64_t>(v);
  }
  if (n["eviction"]) rd.Choice(n["eviction"], "cache.eviction", {"lru"});
}

void ReadSampling(Reader& rd, const YAML::Node& n, Declaration& d) {
  if (!n.IsMap()) {
    rd.Error(n, "sampling: expected a map with interval and scaled");
    return;
  }
  rd.CheckKeys(n, {"interval", "mode", "scaled"}, "sampling");
  if (n["interval"]) {
    double v = 0;
    if (rd.Number(n["interval"], "sampling.interval", v, 1, 1e9))
      d.samplingInterval = static_cast<uint32_t>(v);
  }
  if (n["mode"]) rd.Choice(n["mode"], "sampling.mode", {"count", "random"});
  if (n["scaled"]) rd.Bool(n["scaled"], "sampling.scaled", d.samplingScaled);
}

void ReadStringList(Reader& rd, const YAML::Node& n, const std::string& key,
                    std::vector<std::pair<std::string, YAML::Node>>& out) {
  if (n.IsScalar()) {
    out.emplace_back(n.Scalar(), n);
  } else if (n.IsSequence()) {
    for (const auto& item : n) {
      if (item.IsScalar())
        out.emplace_back(item.Scalar(), item);
      else
        rd.Error(item, key + ": expected a name");
    }
  } else {
    rd.Error(n, key + ": expected a list of names");
  }
}

void ReadFields(Reader& rd, const YAML::Node& n, Declaration& d) {
  std::vector<std::pair<std::string, YAML::Node>> names;
  ReadStringList(rd, n, "fields", names);
  d.fields.clear();
  for (const auto& [name, node] : names) {
    bool found = false;
    for (const auto& [f, fname] : FieldNames()) {
      if (name == fname) {
        d.fields.insert(f);
        found = true;
      }
    }
    if (!found) {
      std::string all;
      for (const auto& kv : FieldNames()) all += (all.empty() ? "" : ", ") + std::string(kv.second);
      rd.Error(node, "fields: unknown field '" + name + "' (known: " + all + ")");
    }
  }
}

void ReadKey(Reader& rd, const YAML::Node& n, Declaration& d) {
  std::vector<std::pair<std::string, YAML::Node>> names;
  ReadStringList(rd, n, "key", names);
  d.keyTos = d.keyVlan = false;
  for (const auto& [name, node] : names) {
    if (name == "tos")
      d.keyTos = true;
    else if (name == "vlan")
      d.keyVlan = true;
    else
      rd.Error(node, "key: '" + name + "' is not an optional key field (tos, vlan)");
  }
}

void ReadTop(Reader& rd, const YAML::Node& root, Declaration& d) {
  rd.CheckKeys(root,
               {"exporter", "active_timeout", "inactive_timeout", "tcp_end", "cache", "sampling",
                "direction", "key", "octets", "fragments", "fields", "timestamp_resolution",
                "timestamp_slack", "notes"},
               "the declaration");
  if (root["exporter"]) d.exporter = root["exporter"].as<std::string>("");
  if (root["notes"]) d.notes = root["notes"].as<std::string>("");
  if (root["active_timeout"]) rd.Seconds(root["active_timeout"], "active_timeout", d.activeTimeout);
  if (root["inactive_timeout"])
    rd.Seconds(root["inactive_timeout"], "inactive_timeout", d.inactiveTimeout);
  if (root["tcp_end"]) {
    int c = rd.Choice(root["tcp_end"], "tcp_end", {"immediate", "none"});
    if (c >= 0) d.tcpEnd = c == 0 ? TcpEnd::kImmediate : TcpEnd::kNone;
  }
  if (root["direction"]) {
    int c = rd.Choice(root["direction"], "direction", {"uniflow", "biflow", "per-direction"});
    if (c >= 0) d.direction = static_cast<Direction>(c);
  }
  if (root["octets"]) {
    int c = rd.Choice(root["octets"], "octets", {"ip", "frame"});
    if (c >= 0) d.octets = c == 0 ? OctetLayer::kIp : OctetLayer::kFrame;
  }
  if (root["fragments"]) {
    int c = rd.Choice(root["fragments"], "fragments", {"join-first", "separate"});
    if (c >= 0) d.fragmentsJoinFirst = c == 0;
  }
  if (root["cache"]) ReadCache(rd, root["cache"], d);
  if (root["sampling"]) ReadSampling(rd, root["sampling"], d);
  if (root["key"]) ReadKey(rd, root["key"], d);
  if (root["fields"]) ReadFields(rd, root["fields"], d);
  if (root["timestamp_resolution"]) {
    double v = 0;
    if (rd.Number(root["timestamp_resolution"], "timestamp_resolution", v, 1e-9, 3600))
      d.timestampResolution = core::Duration::Seconds(v);
  }
  if (root["timestamp_slack"]) {
    double v = 0;
    if (rd.Number(root["timestamp_slack"], "timestamp_slack", v, 0, 3600))
      d.timestampSlack = core::Duration::Seconds(v);
  }
}

}  // namespace

const char* FieldName(Field f) {
  for (const auto& [field, name] : FieldNames())
    if (field == f) return name;
  return "?";
}

const std::vector<Field>& AllFields() {
  static const std::vector<Field> all = [] {
    std::vector<Field> v;
    for (const auto& kv : FieldNames()) v.push_back(kv.first);
    return v;
  }();
  return all;
}

Declaration DefaultDeclaration() {
  Declaration d;
  d.exporter = "vantage";
  d.cacheSize = 65536;
  d.fragmentsJoinFirst = true;  // docs/exporter.md: the fragment table, 30 s
  d.fields = {Field::kPackets, Field::kOctets,   Field::kStart, Field::kEnd,      Field::kPorts,
              Field::kIcmp,    Field::kTcpFlags, Field::kTos,   Field::kEndReason};
  return d;
}

std::vector<std::string> Contradictions(const Declaration& d) {
  std::vector<std::string> out;
  const int64_t active = d.activeTimeout.ns, idle = d.inactiveTimeout.ns;
  if (active > 0 && idle > 0 && idle > active)
    out.push_back(
        "inactive_timeout is longer than active_timeout: the inactive timer could never "
        "end a record");
  if (idle > 0 && d.timestampResolution.ns >= idle)
    out.push_back(
        "timestamp_resolution is not finer than inactive_timeout: idle gaps cannot be "
        "told apart");
  if (d.samplingScaled && d.samplingInterval <= 1)
    out.push_back("sampling.scaled is true but sampling.interval is 1 (nothing to scale)");
  if (d.Has(Field::kReverseCounters) && d.direction != Direction::kBiflow)
    out.push_back("fields lists reverse_counters but direction is not biflow");
  if (d.direction == Direction::kBiflow && !d.Has(Field::kReverseCounters) &&
      d.Has(Field::kPackets))
    out.push_back("direction is biflow but fields does not list reverse_counters");
  return out;
}

core::Result<Declaration> ParseDeclaration(const std::string& text, const std::string& name) {
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    return core::MakeError(core::ErrorCode::kParse, name + ":" + std::to_string(e.mark.line + 1) +
                                                        ":" + std::to_string(e.mark.column + 1) +
                                                        ": " + e.msg);
  }
  Reader rd(name);
  Declaration d = DefaultDeclaration();
  if (!root.IsMap()) {
    rd.Plain("expected a map of settings (exporter, active_timeout, inactive_timeout, ...)");
  } else {
    try {
      ReadTop(rd, root, d);
    } catch (const YAML::Exception& e) {
      rd.Plain(e.what());
    }
  }
  for (const auto& c : Contradictions(d)) rd.Plain("contradiction: " + c);
  if (!rd.Errors().empty()) {
    std::string msg;
    for (const auto& e : rd.Errors()) msg += (msg.empty() ? "" : "\n") + e;
    return core::MakeError(core::ErrorCode::kParse, msg);
  }
  return d;
}

core::Result<Declaration> LoadDeclaration(const std::string& path) {
  std::ifstream in(path);
  if (!in) return core::MakeError(core::ErrorCode::kNotFound, path + ": cannot open declaration");
  std::ostringstream ss;
  ss << in.rdbuf();
  return ParseDeclaration(ss.str(), path);
}

std::string DeclarationToYaml(const Declaration& d) {
  std::ostringstream os;
  auto secs = [](core::Duration v) {
    std::ostringstream s;
    if (v.ns == 0)
      s << "none";
    else
      s << v.ToSeconds();
    return s.str();
  };
  os << "exporter: " << YAML::Dump(YAML::Node(d.exporter)) << "\n";
  os << "active_timeout: " << secs(d.activeTimeout) << "\n";
  os << "inactive_timeout: " << secs(d.inactiveTimeout) << "\n";
  os << "tcp_end: " << (d.tcpEnd == TcpEnd::kImmediate ? "immediate" : "none") << "\n";
  os << "cache: {size: " << d.cacheSize << ", eviction: lru}\n";
  os << "sampling: {interval: " << d.samplingInterval
     << ", scaled: " << (d.samplingScaled ? "true" : "false") << "}\n";
  static const char* dirs[] = {"uniflow", "biflow", "per-direction"};
  os << "direction: " << dirs[static_cast<int>(d.direction)] << "\n";
  os << "key: [" << (d.keyTos ? "tos" : "") << (d.keyTos && d.keyVlan ? ", " : "")
     << (d.keyVlan ? "vlan" : "") << "]\n";
  os << "octets: " << (d.octets == OctetLayer::kIp ? "ip" : "frame") << "\n";
  os << "fragments: " << (d.fragmentsJoinFirst ? "join-first" : "separate") << "\n";
  os << "fields: [";
  bool first = true;
  for (Field f : AllFields()) {
    if (!d.Has(f)) continue;
    os << (first ? "" : ", ") << FieldName(f);
    first = false;
  }
  os << "]\n";
  os << "timestamp_resolution: " << d.timestampResolution.ToSeconds() << "\n";
  os << "timestamp_slack: " << d.timestampSlack.ToSeconds() << "\n";
  if (!d.notes.empty()) os << "notes: " << YAML::Dump(YAML::Node(d.notes)) << "\n";
  return os.str();
}

}  // namespace vantage::conformance
