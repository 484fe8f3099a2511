// Reads a scenario YAML file and validates it against its topology.
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cmath>
#include <ctime>
#include <fstream>
#include <iomanip>
#include <limits>
#include <set>
#include <sstream>

#include "vantage/model/scenario.h"
#include "vantage/model/yaml-reader.h"

namespace vantage::model {

namespace {
/// Uniform in [0, 1) from 53 random bits (portable, unlike std::uniform_real_distribution).
double Uniform01(std::mt19937_64& rng) {
  return static_cast<double>(rng() >> 11) * (1.0 / 9007199254740992.0);
}
}  // namespace

double Distribution::Sample(std::mt19937_64& rng) const {
  switch (kind) {
    case Kind::kConstant:
      return a;
    case Kind::kUniform:
      return a + (b - a) * Uniform01(rng);
    case Kind::kExponential:
      return -a * std::log(1.0 - Uniform01(rng));
    case Kind::kLogNormal: {
      // Box-Muller for the underlying normal.
      double u1 = 1.0 - Uniform01(rng);
      double u2 = Uniform01(rng);
      double z = std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * M_PI * u2);
      return std::exp(a + b * z);
    }
    case Kind::kPareto:
      return a / std::pow(1.0 - Uniform01(rng), 1.0 / b);
  }
  return a;
}

double Distribution::Mean() const {
  switch (kind) {
    case Kind::kConstant:
      return a;
    case Kind::kUniform:
      return (a + b) / 2;
    case Kind::kExponential:
      return a;
    case Kind::kLogNormal:
      return std::exp(a + b * b / 2);
    case Kind::kPareto:
      return b > 1 ? a * b / (b - 1) : std::numeric_limits<double>::infinity();
  }
  return a;
}

const std::vector<std::string>& KnownApplications() {
  static const std::vector<std::string> k = {"web",  "dns",    "smb",     "ssh",       "db",
                                             "mail", "backup", "updates", "streaming", "ldap"};
  return k;
}

const std::vector<std::string>& KnownBehaviours() {
  static const std::vector<std::string> k = {
      "c2_beacon", "exfiltration", "port_scan", "brute_force", "long_ssh",
      "long_http", "dmz_odd_port", "spike",     "dns_tunnel",  "lateral_movement"};
  return k;
}

std::vector<std::string> KnownBehaviourParams(const std::string& kind) {
  std::vector<std::string> p = {"hosts"};
  auto add = [&](std::initializer_list<const char*> names) {
    for (const char* n : names) p.emplace_back(n);
  };
  if (kind == "c2_beacon") {
    add({"interval_s", "jitter", "request_bytes", "response_bytes"});
  } else if (kind == "exfiltration") {
    add({"sessions", "bytes", "response_bytes"});
  } else if (kind == "port_scan") {
    add({"count", "ports", "rate_per_s", "rate"});
  } else if (kind == "brute_force") {
    add({"attempts", "exchanges", "request_bytes", "response_bytes", "rate_per_s", "rate"});
  } else if (kind == "long_ssh" || kind == "long_http") {
    add({"interval_s", "bytes_per_interval", "request_bytes", "response_bytes"});
  } else if (kind == "dmz_odd_port") {
    add({"interval_s", "sessions", "request_bytes", "bytes", "response_bytes"});
  } else if (kind == "spike") {
    add({"sessions", "request_bytes", "response_bytes"});
  } else if (kind == "dns_tunnel") {
    add({"queries", "rate_per_s", "rate", "request_bytes", "response_bytes"});
  } else if (kind == "lateral_movement") {
    add({"targets", "ports", "exchanges", "request_bytes", "response_bytes"});
  } else {
    return {};
  }
  return p;
}

ApplicationDefaults DefaultsFor(const std::string& app) {
  if (app == "web") return {6, 443, {"web", "webapp", "proxy"}};
  if (app == "dns") return {17, 53, {"dns"}};
  if (app == "smb") return {6, 445, {"smb", "file"}};
  if (app == "ssh") return {6, 22, {"ssh", "git", "bastion"}};
  if (app == "db") return {6, 5432, {"db", "database", "accounting"}};
  if (app == "mail") return {6, 993, {"mail"}};
  if (app == "backup") return {6, 873, {"backup"}};
  if (app == "updates") return {6, 80, {"updates", "mirror"}};
  if (app == "streaming") return {6, 443, {"streaming", "cdn"}};
  if (app == "ldap") return {6, 389, {"ldap", "directory"}};
  return {6, 0, {}};
}

std::vector<double> DiurnalProfile(const std::string& name) {
  if (name == "flat" || name == "24x7") return std::vector<double>(24, 1.0);
  if (name == "office") {
    // Working hours 08-18 busy, lunch dip, quiet nights; mean 1.0.
    std::vector<double> v = {0.15, 0.1, 0.1, 0.1, 0.1, 0.15, 0.3, 0.8, 1.8, 2.2, 2.2, 2.0,
                             1.5,  2.0, 2.2, 2.1, 1.9, 1.4,  0.8, 0.5, 0.4, 0.3, 0.2, 0.2};
    double sum = 0;
    for (double x : v) sum += x;
    for (double& x : v) x *= 24.0 / sum;
    return v;
  }
  return {};
}

double Scenario::DiurnalFactor() const {
  if (diurnal.size() != 24) return 1.0;
  int64_t secOfDay = ((startUnixS % 86400) + 86400) % 86400;
  return diurnal[static_cast<size_t>(secOfDay / 3600)];
}

double ExpectedSessions(const Scenario& scenario, const Topology& topology) {
  double total = 0;
  for (const auto& mix : scenario.traffic) {
    const Node* n = topology.FindNode(mix.group);
    double hosts = n == nullptr ? 0 : n->kind == NodeKind::kHostGroup ? n->simulate : 1;
    for (const auto& app : mix.apps) total += hosts * app.sessionsPerHostHour;
  }
  return total * scenario.DiurnalFactor() * scenario.durationS / 3600.0;
}

namespace {

using detail::Index;
using detail::Join;
using detail::LineOf;

class ScenarioParser {
 public:
  ScenarioParser(const std::string& file, const Topology& t, Diagnostics& diags)
      : m_r(file, diags), m_t(t) {
    for (const auto& n : t.nodes) m_nodeNames.push_back(n.name);
    std::sort(m_nodeNames.begin(), m_nodeNames.end());
  }

  void Parse(const YAML::Node& root, Scenario& s) {
    if (!root.IsDefined() || root.IsNull()) {
      m_r.ErrorAtLine(1, 1, "", "the file is empty: expected a scenario map");
      return;
    }
    if (!m_r.ExpectMap(
            root, "",
            {"name", "description", "topology", "seed", "duration_s", "start", "start_unix_s",
             "represents_s", "diurnal", "server_roles", "traffic", "behaviours"})) {
      return;
    }
    if (auto v = m_r.String(root, "name", "", true)) s.name = *v;
    if (auto v = m_r.String(root, "description", "")) s.description = *v;
    if (auto v = m_r.String(root, "topology", "")) {
      s.topology = *v;
      if (!m_t.name.empty() && *v != m_t.name) {
        m_r.Error(root["topology"], "topology",
                  "scenario is written for topology '" + *v + "' but was given '" + m_t.name + "'");
      }
    }
    if (auto v = m_r.Integer(root, "seed", "", false, 0)) s.seed = static_cast<uint64_t>(*v);
    if (auto v = m_r.Number(root, "duration_s", "", false, 0.001, 7 * 86400.0)) s.durationS = *v;
    if (auto v = m_r.Integer(root, "start_unix_s", "", false, 0, int64_t{4102444800})) {
      s.startUnixS = *v;
    }
    if (auto v = m_r.String(root, "start", "")) {
      if (root["start_unix_s"].IsDefined()) {
        m_r.Error(root["start"], "start", "give either start or start_unix_s, not both");
      }
      std::tm tm{};
      std::istringstream in(*v);
      in >> std::get_time(&tm, "%Y-%m-%dT%H:%M:%S");
      if (in.fail()) {
        m_r.Error(root["start"], "start",
                  "start must be a UTC time like 2026-01-05T09:00:00Z, found '" + *v + "'");
      } else {
        s.startUnixS = static_cast<int64_t>(timegm(&tm));
      }
    }
    if (auto v = m_r.Number(root, "represents_s", "", false, 0.001, 366 * 86400.0)) {
      s.representsS = *v;
    }
    if (s.representsS < s.durationS) {
      m_r.Error(root["represents_s"].IsDefined() ? root["represents_s"] : root, "represents_s",
                "represents_s (" + std::to_string(s.representsS) +
                    ") is shorter than the simulated window duration_s (" +
                    std::to_string(s.durationS) + ")");
    }
    ParseDiurnal(root, s);
    ParseRoles(root, s);
    ParseTraffic(root, s);
    ParseBehaviours(root, s);
  }

 private:
  const Node* NodeRef(const YAML::Node& at, const std::string& path, const std::string& name) {
    const Node* n = m_t.FindNode(name);
    if (n == nullptr) {
      m_r.Error(at, path, "unknown node '" + name + "'" + detail::DidYouMean(name, m_nodeNames));
    }
    return n;
  }

  void ParseDiurnal(const YAML::Node& root, Scenario& s) {
    YAML::Node d = m_r.Get(root, "diurnal", "");
    if (!d.IsDefined()) return;
    if (d.IsScalar()) {
      s.diurnal = DiurnalProfile(d.Scalar());
      if (s.diurnal.empty()) {
        m_r.Error(d, "diurnal",
                  "unknown diurnal profile '" + d.Scalar() + "'" +
                      detail::DidYouMean(d.Scalar(), {"office", "flat", "24x7"}) +
                      "; give office, flat or a list of 24 hourly factors");
      }
      return;
    }
    if (!m_r.ExpectList(d, "diurnal")) return;
    if (d.size() != 24) {
      m_r.Error(d, "diurnal",
                "a diurnal profile has 24 hourly factors, found " + std::to_string(d.size()));
      return;
    }
    for (size_t i = 0; i < 24; ++i) {
      auto v = m_r.AsNumber(d[i], Index("diurnal", i), 0, 1000);
      s.diurnal.push_back(v ? *v : 1.0);
    }
  }

  void ParseRoles(const YAML::Node& root, Scenario& s) {
    YAML::Node r = m_r.Get(root, "server_roles", "");
    if (!r.IsDefined()) return;
    if (!r.IsMap()) {
      m_r.Error(r, "server_roles", "expected a map of node: role");
      return;
    }
    for (auto it = r.begin(); it != r.end(); ++it) {
      std::string node = it->first.IsScalar() ? it->first.Scalar() : "";
      std::string p = Join("server_roles", node);
      if (!NodeRef(it->first, p, node)) continue;
      if (auto role = m_r.AsString(it->second, p)) s.serverRoles[node] = *role;
    }
  }

  std::string RoleOf(const Scenario& s, const Node& n) const {
    auto it = s.serverRoles.find(n.name);
    return it != s.serverRoles.end() ? it->second : n.role;
  }

  std::optional<Distribution> ParseDistribution(const YAML::Node& n, const std::string& p,
                                                double min) {
    if (n.IsScalar()) {
      auto v = m_r.AsNumber(n, p, min);
      if (!v) return std::nullopt;
      return Distribution::Constant(*v);
    }
    static const std::vector<std::string> kinds = {"constant", "uniform", "exponential",
                                                   "lognormal", "pareto"};
    if (!n.IsMap() || n.size() != 1) {
      m_r.Error(n, p,
                "expected a number or one of {constant: x}, {uniform: [min, max]}, "
                "{exponential: mean}, {lognormal: [mu, sigma]}, {pareto: [scale, shape]}");
      return std::nullopt;
    }
    auto it = n.begin();
    std::string k = it->first.IsScalar() ? it->first.Scalar() : "";
    const YAML::Node v = it->second;
    std::string kp = Join(p, k);
    Distribution d;
    auto two = [&](double& a, double& b) {
      if (!v.IsSequence() || v.size() != 2) {
        m_r.Error(v, kp,
                  k + " takes two numbers: [" +
                      (k == "uniform"     ? std::string("min, max")
                       : k == "lognormal" ? std::string("mu, sigma")
                                          : std::string("scale, shape")) +
                      "]");
        return false;
      }
      auto x = m_r.AsNumber(v[0], Index(kp, 0));
      auto y = m_r.AsNumber(v[1], Index(kp, 1));
      if (!x || !y) return false;
      a = *x;
      b = *y;
      return true;
    };
    if (k == "constant") {
      auto x = m_r.AsNumber(v, kp, min);
      if (!x) return std::nullopt;
      return Distribution::Constant(*x);
    }
    if (k == "uniform") {
      d.kind = Distribution::Kind::kUniform;
      if (!two(d.a, d.b)) return std::nullopt;
      if (d.a > d.b || d.a < min) {
        m_r.Error(v, kp, "uniform needs min <= max and min >= " + std::to_string(int(min)));
        return std::nullopt;
      }
      return d;
    }
    if (k == "exponential") {
      d.kind = Distribution::Kind::kExponential;
      auto x = m_r.AsNumber(v, kp);
      if (!x) return std::nullopt;
      if (*x <= 0) {
        m_r.Error(v, kp, "exponential mean must be greater than 0");
        return std::nullopt;
      }
      d.a = *x;
      return d;
    }
    if (k == "lognormal") {
      d.kind = Distribution::Kind::kLogNormal;
      if (!two(d.a, d.b)) return std::nullopt;
      if (d.b < 0 || d.a > 50) {
        m_r.Error(v, kp, "lognormal needs sigma >= 0 and mu <= 50");
        return std::nullopt;
      }
      return d;
    }
    if (k == "pareto") {
      d.kind = Distribution::Kind::kPareto;
      if (!two(d.a, d.b)) return std::nullopt;
      if (d.a <= 0 || d.b <= 0) {
        m_r.Error(v, kp, "pareto needs scale > 0 and shape > 0");
        return std::nullopt;
      }
      return d;
    }
    m_r.Error(it->first, kp,
              "unknown distribution '" + k + "'" + detail::DidYouMean(k, kinds) +
                  "; one of constant, uniform, exponential, lognormal, pareto");
    return std::nullopt;
  }

  void ParseApp(const YAML::Node& a, const std::string& p, Scenario& s, TrafficMix& mix) {
    if (!m_r.ExpectMap(
            a, p,
            {"app", "server", "protocol", "port", "sessions_per_host_hour", "request_bytes",
             "response_bytes", "requests_per_session", "think_time_s"})) {
      return;
    }
    Application app;
    app.line = LineOf(a);
    if (auto v = m_r.String(a, "app", p, true)) app.app = *v;
    ApplicationDefaults def = DefaultsFor(app.app);
    const auto& known = KnownApplications();
    bool isKnown = std::find(known.begin(), known.end(), app.app) != known.end();
    if (!app.app.empty() && !isKnown) {
      if (!a["port"].IsDefined()) {
        m_r.Error(a["app"], Join(p, "app"),
                  "unknown application '" + app.app + "'" + detail::DidYouMean(app.app, known) +
                      " (known: web, dns, smb, ssh, db, mail, backup, updates, streaming, "
                      "ldap; other names need an explicit port)");
      } else {
        m_r.Warning(a["app"], Join(p, "app"),
                    "application '" + app.app + "' is not a known kind; using its port as given");
      }
    }
    app.protocol = def.protocol;
    app.port = def.port;
    if (auto v = m_r.String(a, "protocol", p)) {
      auto proto = detail::ParseProtocol(*v);
      if (!proto || *proto == 0) {
        m_r.Error(a["protocol"], Join(p, "protocol"),
                  "protocol must be tcp, udp or icmp, found '" + *v + "'");
      } else {
        app.protocol = *proto;
      }
    }
    if (auto v = m_r.Integer(a, "port", p, false, 1, 65535)) app.port = static_cast<uint16_t>(*v);
    if (auto v = m_r.String(a, "server", p)) {
      app.server = *v;
      if (const Node* n = NodeRef(a["server"], Join(p, "server"), *v)) {
        if (n->kind != NodeKind::kServer && n->kind != NodeKind::kInternet &&
            n->kind != NodeKind::kCloudVpc) {
          m_r.Error(a["server"], Join(p, "server"),
                    std::string("a server must be a server, internet or cloud_vpc node; '") + *v +
                        "' is a " + NodeKindName(n->kind));
        }
      }
    } else if (!app.app.empty()) {
      for (const auto& n : m_t.nodes) {
        if (n.kind != NodeKind::kServer && n.kind != NodeKind::kInternet &&
            n.kind != NodeKind::kCloudVpc) {
          continue;
        }
        std::string role = RoleOf(s, n);
        if (role == app.app ||
            std::find(def.roles.begin(), def.roles.end(), role) != def.roles.end()) {
          app.server = n.name;
          break;
        }
      }
      if (app.server.empty()) {
        m_r.Error(a, Join(p, "server"),
                  "no server given and no node has role '" + app.app +
                      "': add 'server: <node>' or a role to a server");
      }
    }
    if (!app.server.empty() && app.server == mix.group) {
      m_r.Error(a, Join(p, "server"), "'" + mix.group + "' cannot be its own server");
    }
    if (auto v = m_r.Number(a, "sessions_per_host_hour", p, true, 0, 1e7)) {
      app.sessionsPerHostHour = *v;
    }
    auto dist = [&](const char* key, Distribution& out, double min) {
      YAML::Node d = m_r.Get(a, key, p);
      if (!d.IsDefined()) return;
      if (auto x = ParseDistribution(d, Join(p, key), min)) out = *x;
    };
    dist("request_bytes", app.requestBytes, 0);
    dist("response_bytes", app.responseBytes, 0);
    dist("requests_per_session", app.requestsPerSession, 1);
    dist("think_time_s", app.thinkTimeS, 0);
    mix.apps.push_back(std::move(app));
  }

  void ParseTraffic(const YAML::Node& root, Scenario& s) {
    YAML::Node tr = m_r.Get(root, "traffic", "");
    if (!tr.IsDefined() || !m_r.ExpectList(tr, "traffic")) return;
    for (size_t i = 0; i < tr.size(); ++i) {
      std::string p = Index("traffic", i);
      const YAML::Node m = tr[i];
      if (!m_r.ExpectMap(m, p, {"group", "apps"})) continue;
      TrafficMix mix;
      mix.line = LineOf(m);
      if (auto v = m_r.String(m, "group", p, true)) {
        mix.group = *v;
        if (const Node* n = NodeRef(m["group"], Join(p, "group"), *v)) {
          if (n->ForwardsPackets() || n->kind == NodeKind::kSwitch) {
            m_r.Error(m["group"], Join(p, "group"),
                      std::string("traffic comes from host groups, servers, internet or cloud "
                                  "nodes; '") +
                          *v + "' is a " + NodeKindName(n->kind));
          }
        }
      }
      YAML::Node apps = m_r.Get(m, "apps", p, true);
      if (m_r.ExpectList(apps, Join(p, "apps"))) {
        for (size_t j = 0; j < apps.size(); ++j) {
          ParseApp(apps[j], Index(Join(p, "apps"), j), s, mix);
        }
      }
      s.traffic.push_back(std::move(mix));
    }
  }

  void ParseBehaviours(const YAML::Node& root, Scenario& s) {
    YAML::Node bs = m_r.Get(root, "behaviours", "");
    if (!bs.IsDefined() || !m_r.ExpectList(bs, "behaviours")) return;
    for (size_t i = 0; i < bs.size(); ++i) {
      std::string p = Index("behaviours", i);
      const YAML::Node b = bs[i];
      if (!m_r.ExpectMap(b, p,
                         {"kind", "label", "source", "target", "start_s", "duration_s", "protocol",
                          "port", "params", "description"})) {
        continue;
      }
      Behaviour beh;
      beh.line = LineOf(b);
      if (auto v = m_r.String(b, "kind", p, true)) {
        beh.kind = *v;
        const auto& known = KnownBehaviours();
        if (std::find(known.begin(), known.end(), *v) == known.end()) {
          m_r.Warning(b["kind"], Join(p, "kind"),
                      "behaviour kind '" + *v + "' is not known to this version" +
                          detail::DidYouMean(*v, known) + "; kept, the simulator may skip it");
        }
      }
      beh.label = beh.kind;
      if (auto v = m_r.String(b, "label", p)) beh.label = *v;
      if (auto v = m_r.String(b, "source", p, true)) {
        beh.source = *v;
        NodeRef(b["source"], Join(p, "source"), *v);
      }
      if (auto v = m_r.String(b, "target", p, true)) {
        beh.target = *v;
        NodeRef(b["target"], Join(p, "target"), *v);
      }
      if (!beh.source.empty() && beh.source == beh.target) {
        m_r.Error(b["target"], Join(p, "target"), "source and target are the same node");
      }
      if (auto v = m_r.Number(b, "start_s", p, false, 0)) {
        beh.startS = *v;
        if (*v >= s.durationS) {
          m_r.Error(b["start_s"], Join(p, "start_s"),
                    "starts at " + std::to_string(*v) + " s, after the window ends (" +
                        std::to_string(s.durationS) + " s)");
        }
      }
      if (auto v = m_r.Number(b, "duration_s", p, false, 0.001)) beh.durationS = *v;
      if (beh.startS < s.durationS && beh.startS + beh.durationS > s.durationS + 1e-9) {
        m_r.Warning(
            b, Join(p, "duration_s"),
            "runs past the end of the window; it is cut at " + std::to_string(s.durationS) + " s");
      }
      if (auto v = m_r.String(b, "protocol", p)) {
        auto proto = detail::ParseProtocol(*v);
        if (!proto || *proto == 0) {
          m_r.Error(b["protocol"], Join(p, "protocol"),
                    "protocol must be tcp, udp or icmp, found '" + *v + "'");
        } else {
          beh.protocol = *proto;
        }
      }
      if (auto v = m_r.Integer(b, "port", p, false, 1, 65535)) beh.port = static_cast<uint16_t>(*v);
      YAML::Node params = m_r.Get(b, "params", p);
      if (params.IsDefined()) {
        if (!params.IsMap()) {
          m_r.Error(params, Join(p, "params"), "expected a map of name: value");
        } else {
          const std::vector<std::string> known = KnownBehaviourParams(beh.kind);
          for (auto it = params.begin(); it != params.end(); ++it) {
            std::string k = it->first.IsScalar() ? it->first.Scalar() : "";
            if (!known.empty() && std::find(known.begin(), known.end(), k) == known.end()) {
              m_r.Warning(it->first, Join(Join(p, "params"), k),
                          "parameter '" + k + "' is not used by " + beh.kind +
                              detail::DidYouMean(k, known));
            }
            if (auto val = m_r.AsString(it->second, Join(Join(p, "params"), k))) {
              beh.params[k] = *val;
            }
          }
        }
      }
      s.behaviours.push_back(std::move(beh));
    }
  }

  detail::Reader m_r;
  const Topology& m_t;
  std::vector<std::string> m_nodeNames;
};

}  // namespace

core::Result<Scenario> ParseScenario(const std::string& yamlText, const std::string& name,
                                     const Topology& topology, Diagnostics& diags) {
  Scenario s;
  s.sourcePath = name;
  auto status = detail::ParseYamlDocument(
      yamlText, name, "scenario", diags,
      [&](const YAML::Node& root) { ScenarioParser(name, topology, diags).Parse(root, s); });
  if (!status) return status.GetError();
  return s;
}

core::Result<Scenario> LoadScenario(const std::string& path, const Topology& topology,
                                    Diagnostics& diags) {
  auto text = detail::ReadInputFile(path, "scenario", diags);
  if (!text) return text.GetError();
  return ParseScenario(*text, path, topology, diags);
}

}  // namespace vantage::model
