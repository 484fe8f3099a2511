// Reads a topology YAML file and validates it, reporting every problem in one pass.
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <numeric>
#include <set>
#include <sstream>
#include <unordered_map>

#include "flow-log-loader.h"
#include "vantage/model/address-plan.h"
#include "vantage/model/topology.h"
#include "vantage/model/yaml-reader.h"

namespace vantage::model {
namespace {

using detail::Index;
using detail::Join;
using detail::LineOf;

struct Where {
  int line = 0;
  int column = 0;
};

Where WhereOf(const YAML::Node& n) {
  if (!n.IsDefined()) return {};
  auto m = n.Mark();
  return {m.line < 0 ? 0 : m.line + 1, m.column < 0 ? 0 : m.column + 1};
}

template <typename E>
struct EnumName {
  const char* name;
  E value;
};

const std::vector<EnumName<ZoneKind>> kZoneKinds = {{"internet", ZoneKind::kInternet},
                                                    {"edge", ZoneKind::kEdge},
                                                    {"dmz", ZoneKind::kDmz},
                                                    {"core", ZoneKind::kCore},
                                                    {"distribution", ZoneKind::kDistribution},
                                                    {"access", ZoneKind::kAccess},
                                                    {"data_centre", ZoneKind::kDataCentre},
                                                    {"data_center", ZoneKind::kDataCentre},
                                                    {"management", ZoneKind::kManagement},
                                                    {"cloud", ZoneKind::kCloud}};

const std::vector<EnumName<NodeKind>> kNodeKinds = {
    {"host_group", NodeKind::kHostGroup},   {"server", NodeKind::kServer},
    {"router", NodeKind::kRouter},          {"l3_switch", NodeKind::kL3Switch},
    {"switch", NodeKind::kSwitch},          {"firewall", NodeKind::kFirewall},
    {"nat_gateway", NodeKind::kNatGateway}, {"internet", NodeKind::kInternet},
    {"cloud_vpc", NodeKind::kCloudVpc}};

const std::vector<EnumName<AssetKind>> kAssetKinds = {
    {"source_code", AssetKind::kSourceCode},
    {"accounting", AssetKind::kAccounting},
    {"admin_workstations", AssetKind::kAdminWorkstations},
    {"internal_web_app", AssetKind::kInternalWebApp},
    {"directory", AssetKind::kDirectory},
    {"file_server", AssetKind::kFileServer},
    {"other", AssetKind::kOther}};

template <typename E>
std::optional<E> ParseEnum(detail::Reader& r, const YAML::Node& map, const std::string& key,
                           const std::string& path, const std::vector<EnumName<E>>& names,
                           bool required) {
  auto s = r.String(map, key, path, required);
  if (!s) return std::nullopt;
  std::string lower = *s;
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return c == '-' ? '_' : std::tolower(c); });
  std::vector<std::string> all;
  for (const auto& n : names) {
    if (lower == n.name) return n.value;
    all.push_back(n.name);
  }
  std::string list;
  for (const auto& n : all) list += (list.empty() ? "" : ", ") + n;
  r.Error(
      map[key], Join(path, key),
      "unknown " + key + " '" + *s + "'" + detail::DidYouMean(lower, all) + "; one of: " + list);
  return std::nullopt;
}

class TopologyParser {
 public:
  TopologyParser(const std::string& file, Diagnostics& diags) : m_r(file, diags) {}

  void Parse(const YAML::Node& root, Topology& t) {
    if (!root.IsDefined() || root.IsNull()) {
      m_r.ErrorAtLine(1, 1, "", "the file is empty: expected a topology map");
      return;
    }
    if (!m_r.ExpectMap(root, "",
                       {"name", "description", "zones", "nodes", "links", "nat", "critical_assets",
                        "candidates", "budget"})) {
      return;
    }
    if (auto v = m_r.String(root, "name", "", true)) t.name = *v;
    if (auto v = m_r.String(root, "description", "")) t.description = *v;
    ParseZones(root, t);
    ParseNodes(root, t);
    ParseLinks(root, t);
    ParseNats(root, t);
    ParseAssets(root, t);
    ParseCandidates(root, t);
    ParseBudget(root, t);
    CheckStructure(t);
  }

 private:
  std::vector<std::string> Names(const std::unordered_map<std::string, size_t>& m) const {
    std::vector<std::string> out;
    out.reserve(std::min<size_t>(m.size(), 5000));
    for (const auto& kv : m) {
      if (out.size() >= 5000) break;
      out.push_back(kv.first);
    }
    std::sort(out.begin(), out.end());
    return out;
  }

  bool RefZone(const YAML::Node& at, const std::string& path, const std::string& name,
               bool allowAny = false) {
    if (allowAny && name == "any") return true;
    if (m_zoneIndex.count(name)) return true;
    m_r.Error(at, path,
              "unknown zone '" + name + "'" + detail::DidYouMean(name, Names(m_zoneIndex)));
    return false;
  }

  bool RefNode(const YAML::Node& at, const std::string& path, const std::string& name) {
    if (m_nodeIndex.count(name)) return true;
    m_r.Error(at, path,
              "unknown node '" + name + "'" + detail::DidYouMean(name, Names(m_nodeIndex)));
    return false;
  }

  bool RefLinkOf(const Topology& t, const YAML::Node& at, const std::string& path,
                 const std::string& link, const std::string& node) {
    auto it = m_linkIndex.find(link);
    if (it == m_linkIndex.end()) {
      m_r.Error(at, path,
                "unknown link '" + link + "'" + detail::DidYouMean(link, Names(m_linkIndex)));
      return false;
    }
    const auto& eps = t.links[it->second].endpoints;
    if (std::find(eps.begin(), eps.end(), node) == eps.end()) {
      std::vector<std::string> mine;
      for (const auto& l : t.links) {
        if (std::find(l.endpoints.begin(), l.endpoints.end(), node) != l.endpoints.end()) {
          mine.push_back(l.name);
        }
      }
      std::string list;
      for (const auto& m : mine) list += (list.empty() ? "" : ", ") + m;
      m_r.Error(at, path,
                "link '" + link + "' is not attached to node '" + node + "'" +
                    (list.empty() ? "" : " (its links: " + list + ")"));
      return false;
    }
    return true;
  }

  void ParseZones(const YAML::Node& root, Topology& t) {
    YAML::Node zones = m_r.Get(root, "zones", "", true);
    if (!m_r.ExpectList(zones, "zones")) return;
    struct Cidr {
      core::IpPrefix prefix;
      size_t zone;
      YAML::Node at;
      std::string path;
    };
    std::vector<Cidr> all;
    for (size_t i = 0; i < zones.size(); ++i) {
      std::string p = Index("zones", i);
      const YAML::Node z = zones[i];
      if (!m_r.ExpectMap(z, p, {"name", "kind", "cidrs", "description"})) continue;
      Zone zone;
      zone.line = LineOf(z);
      if (auto v = m_r.String(z, "name", p, true)) zone.name = *v;
      if (auto k = ParseEnum(m_r, z, "kind", p, kZoneKinds, true)) zone.kind = *k;
      if (auto v = m_r.String(z, "description", p)) zone.description = *v;
      YAML::Node cidrs = m_r.Get(z, "cidrs", p, zone.kind != ZoneKind::kInternet);
      if (cidrs.IsDefined()) {
        std::string cp = Join(p, "cidrs");
        std::vector<YAML::Node> items;
        if (cidrs.IsScalar()) {
          items.push_back(cidrs);
        } else if (m_r.ExpectList(cidrs, cp)) {
          for (size_t j = 0; j < cidrs.size(); ++j) items.push_back(cidrs[j]);
        }
        for (size_t j = 0; j < items.size(); ++j) {
          std::string ip = cidrs.IsScalar() ? cp : Index(cp, j);
          auto s = m_r.AsString(items[j], ip);
          if (!s) continue;
          auto prefix = core::IpPrefix::Parse(*s);
          if (!prefix) {
            m_r.Error(items[j], ip, "malformed CIDR: " + prefix.GetError().message);
            continue;
          }
          zone.cidrs.push_back(*prefix);
          all.push_back({*prefix, t.zones.size(), items[j], ip});
        }
      }
      if (!zone.name.empty()) {
        if (m_zoneIndex.count(zone.name)) {
          m_r.Error(z["name"], Join(p, "name"),
                    "duplicate zone name '" + zone.name + "' (first defined on line " +
                        std::to_string(t.zones[m_zoneIndex[zone.name]].line) + ")");
        } else {
          m_zoneIndex[zone.name] = t.zones.size();
        }
      }
      t.zones.push_back(std::move(zone));
    }
    // Overlapping CIDRs (within or across zones): sort by network, sweep.
    std::vector<size_t> order(all.size());
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(), [&](size_t a, size_t b) {
      return all[a].prefix.network < all[b].prefix.network ||
             (all[a].prefix.network == all[b].prefix.network &&
              all[a].prefix.length < all[b].prefix.length);
    });
    for (size_t k = 0; k < order.size(); ++k) {
      const Cidr& c = all[order[k]];
      // Compare with the following prefixes while they can still overlap (same family and
      // inside the current prefix).
      for (size_t m = k + 1; m < order.size(); ++m) {
        const Cidr& d = all[order[m]];
        if (!c.prefix.Overlaps(d.prefix)) break;
        const Cidr& later = LineOf(c.at) > LineOf(d.at) ? c : d;
        const Cidr& earlier = &later == &c ? d : c;
        m_r.Error(later.at, later.path,
                  "CIDR " + later.prefix.ToString() + " overlaps " + earlier.prefix.ToString() +
                      " of zone '" + t.zones[earlier.zone].name + "' (line " +
                      std::to_string(LineOf(earlier.at)) + ")");
      }
    }
  }

  void ParseRule(const YAML::Node& rn, const std::string& rp, Node& node) {
    if (!m_r.ExpectMap(rn, rp, {"name", "from", "to", "action", "protocol", "port", "ports"})) {
      return;
    }
    FirewallRule rule;
    rule.line = LineOf(rn);
    if (auto v = m_r.String(rn, "name", rp)) rule.name = *v;
    if (auto v = m_r.String(rn, "from", rp, true)) {
      rule.fromZone = *v;
      RefZone(rn["from"], Join(rp, "from"), *v, true);
    }
    if (auto v = m_r.String(rn, "to", rp, true)) {
      rule.toZone = *v;
      RefZone(rn["to"], Join(rp, "to"), *v, true);
    }
    if (auto v = m_r.String(rn, "action", rp, true)) {
      if (*v == "allow" || *v == "permit" || *v == "accept") {
        rule.allow = true;
      } else if (*v == "deny" || *v == "drop" || *v == "reject") {
        rule.allow = false;
      } else {
        m_r.Error(rn["action"], Join(rp, "action"),
                  "action must be allow or deny, found '" + *v + "'" +
                      detail::DidYouMean(*v, {"allow", "deny"}));
      }
    }
    if (auto v = m_r.String(rn, "protocol", rp)) {
      auto proto = detail::ParseProtocol(*v);
      if (!proto) {
        m_r.Error(rn["protocol"], Join(rp, "protocol"),
                  "protocol must be tcp, udp, icmp, any or a number 0..255, found '" + *v + "'");
      } else {
        rule.protocol = *proto;
      }
    }
    const char* portKey = rn["port"].IsDefined() ? "port" : "ports";
    if (rn["port"].IsDefined() && rn["ports"].IsDefined()) {
      m_r.Error(rn["ports"], Join(rp, "ports"), "give either port or ports, not both");
    }
    if (auto v = m_r.String(rn, portKey, rp)) {
      if (!detail::ParsePortRange(*v, rule.portMin, rule.portMax)) {
        m_r.Error(rn[portKey], Join(rp, portKey),
                  "port must be 1..65535 or a range like 8000-8080, found '" + *v + "'");
      } else if (rule.protocol != 6 && rule.protocol != 17 && rule.protocol != 132) {
        m_r.Error(rn[portKey], Join(rp, portKey),
                  "ports need protocol tcp or udp (this rule's protocol is " +
                      std::to_string(rule.protocol) + ")");
      }
    }
    node.rules.push_back(std::move(rule));
  }

  // A host group's count and simulate; other kinds have neither.
  void ParseGroupSize(const YAML::Node& n, const std::string& p, bool kindOk, Node& node) {
    bool group = kindOk && node.kind == NodeKind::kHostGroup;
    auto count = m_r.Integer(n, "count", p, group, 1, 1000000000);
    auto simulate = m_r.Integer(n, "simulate", p, false, 0, 100000);
    if (kindOk && !group) {
      if (n["count"].IsDefined()) {
        m_r.Error(n["count"], Join(p, "count"), "only host_group nodes have a count");
      }
      if (n["simulate"].IsDefined()) {
        m_r.Error(n["simulate"], Join(p, "simulate"), "only host_group nodes have simulate");
      }
    }
    if (group) {
      if (count) node.count = static_cast<uint32_t>(*count);
      node.simulate =
          simulate ? static_cast<uint32_t>(*simulate) : std::min<uint32_t>(node.count, 1);
      if (simulate && count && *count < *simulate) {
        m_r.Error(n["simulate"], Join(p, "simulate"),
                  "simulate (" + std::to_string(*simulate) + ") is larger than count (" +
                      std::to_string(*count) +
                      "): a simulated host stands for at least one "
                      "real host");
      }
      if (simulate && *simulate == 0) {
        m_r.Error(n["simulate"], Join(p, "simulate"),
                  "simulate must be at least 1 (a host group with no simulated host sends "
                  "nothing)");
      }
    }
  }

  // Rules and the default action, on the kinds that filter (a cloud VPC's are its security
  // group); the default when none is given depends on the kind.
  void ParseFiltering(const YAML::Node& n, const std::string& p, bool kindOk, Node& node) {
    bool filters =
        kindOk && (node.kind == NodeKind::kFirewall || node.kind == NodeKind::kNatGateway ||
                   node.kind == NodeKind::kRouter || node.kind == NodeKind::kL3Switch ||
                   node.kind == NodeKind::kCloudVpc);
    YAML::Node rules = m_r.Get(n, "rules", p);
    if (rules.IsDefined()) {
      std::string rp = Join(p, "rules");
      if (kindOk && !filters) {
        m_r.Error(rules, rp,
                  std::string("a ") + NodeKindName(node.kind) +
                      " cannot filter: rules belong on a firewall, nat_gateway, router, "
                      "l3_switch or cloud_vpc (its security group)");
      } else if (m_r.ExpectList(rules, rp)) {
        for (size_t j = 0; j < rules.size(); ++j) ParseRule(rules[j], Index(rp, j), node);
      }
    }
    if (auto v = m_r.String(n, "default", p)) {
      if (kindOk && !filters) {
        m_r.Error(n["default"], Join(p, "default"),
                  std::string("a ") + NodeKindName(node.kind) + " has no default action");
      } else if (*v == "allow") {
        node.defaultAllow = true;
      } else if (*v == "deny") {
        node.defaultAllow = false;
      } else {
        m_r.Error(n["default"], Join(p, "default"),
                  "default must be allow or deny, found '" + *v + "'");
      }
    } else if (kindOk && node.kind != NodeKind::kFirewall && node.kind != NodeKind::kNatGateway) {
      node.defaultAllow = true;  // routers forward everything unless told otherwise
    } else if (kindOk && node.kind == NodeKind::kNatGateway && node.rules.empty()) {
      node.defaultAllow = true;  // a plain NAT router forwards (return traffic by binding)
    }
    if (kindOk && node.kind == NodeKind::kCloudVpc && !n["default"].IsDefined()) {
      node.defaultAllow = node.rules.empty();  // a security group denies what it does not allow
    }
  }

  void ParseNodes(const YAML::Node& root, Topology& t) {
    YAML::Node nodes = m_r.Get(root, "nodes", "", true);
    if (!m_r.ExpectList(nodes, "nodes")) return;
    for (size_t i = 0; i < nodes.size(); ++i) {
      std::string p = Index("nodes", i);
      const YAML::Node n = nodes[i];
      if (!m_r.ExpectMap(n, p,
                         {"name", "kind", "zone", "count", "simulate", "role", "description",
                          "rules", "default"})) {
        continue;
      }
      Node node;
      node.line = LineOf(n);
      if (auto v = m_r.String(n, "name", p, true)) node.name = *v;
      bool kindOk = false;
      if (auto k = ParseEnum(m_r, n, "kind", p, kNodeKinds, true)) {
        node.kind = *k;
        kindOk = true;
      }
      if (auto v = m_r.String(n, "zone", p, true)) {
        node.zone = *v;
        RefZone(n["zone"], Join(p, "zone"), *v);
      }
      if (auto v = m_r.String(n, "role", p)) node.role = *v;
      if (auto v = m_r.String(n, "description", p)) node.description = *v;
      ParseGroupSize(n, p, kindOk, node);
      ParseFiltering(n, p, kindOk, node);
      if (!node.name.empty()) {
        if (m_nodeIndex.count(node.name)) {
          m_r.Error(n["name"], Join(p, "name"),
                    "duplicate node name '" + node.name + "' (first defined on line " +
                        std::to_string(t.nodes[m_nodeIndex[node.name]].line) + ")");
        } else {
          m_nodeIndex[node.name] = t.nodes.size();
        }
      }
      m_nodeWhere.push_back(WhereOf(n));
      m_nodePath.push_back(p);
      t.nodes.push_back(std::move(node));
    }
  }

  void ParseLinks(const YAML::Node& root, Topology& t) {
    YAML::Node links = m_r.Get(root, "links", "", true);
    if (!m_r.ExpectList(links, "links")) return;
    for (size_t i = 0; i < links.size(); ++i) {
      std::string p = Index("links", i);
      const YAML::Node l = links[i];
      if (!m_r.ExpectMap(
              l, p,
              {"name", "kind", "endpoints", "bandwidth_mbps", "delay_ms", "zone", "description"})) {
        continue;
      }
      Link link;
      link.line = LineOf(l);
      if (auto v = m_r.String(l, "kind", p)) {
        if (*v == "p2p" || *v == "point_to_point" || *v == "point-to-point") {
          link.kind = LinkKind::kPointToPoint;
        } else if (*v == "lan") {
          link.kind = LinkKind::kLan;
        } else {
          m_r.Error(l["kind"], Join(p, "kind"),
                    "link kind must be p2p or lan, found '" + *v + "'" +
                        detail::DidYouMean(*v, {"p2p", "lan"}));
        }
      }
      bool endpointsOk = false;
      if (auto eps = m_r.StringList(l, "endpoints", p, true)) {
        std::string ep = Join(p, "endpoints");
        endpointsOk = true;
        std::set<std::string> seen;
        for (size_t j = 0; j < eps->size(); ++j) {
          const std::string& e = (*eps)[j];
          YAML::Node at = l["endpoints"].IsSequence() ? l["endpoints"][j] : l["endpoints"];
          if (!RefNode(at, Index(ep, j), e)) endpointsOk = false;
          if (!seen.insert(e).second) {
            m_r.Error(at, Index(ep, j), "node '" + e + "' is listed twice on this link");
            endpointsOk = false;
          }
        }
        if (link.kind == LinkKind::kPointToPoint && eps->size() != 2) {
          m_r.Error(l["endpoints"], ep,
                    "a p2p link joins exactly 2 nodes, found " + std::to_string(eps->size()) +
                        (eps->size() > 2 ? " (use kind: lan)" : ""));
          endpointsOk = false;
        } else if (link.kind == LinkKind::kLan && eps->size() < 2) {
          m_r.Error(l["endpoints"], ep, "a lan joins at least 2 nodes");
          endpointsOk = false;
        }
        link.endpoints = *eps;
      }
      if (auto v = m_r.Number(l, "bandwidth_mbps", p, false, 0.001, 1e7)) link.bandwidthMbps = *v;
      if (auto v = m_r.Number(l, "delay_ms", p, false, 0, 100000)) link.delayMs = *v;
      if (auto v = m_r.String(l, "zone", p)) {
        if (RefZone(l["zone"], Join(p, "zone"), *v)) link.zone = *v;
      } else if (endpointsOk) {
        link.zone = DefaultZone(t, link);
      }
      if (auto v = m_r.String(l, "name", p)) {
        link.name = *v;
      } else if (!link.endpoints.empty()) {
        for (const auto& e : link.endpoints) link.name += (link.name.empty() ? "" : "--") + e;
      }
      if (!link.name.empty()) {
        if (m_linkIndex.count(link.name)) {
          m_r.Error(l["name"].IsDefined() ? l["name"] : l, Join(p, "name"),
                    "duplicate link name '" + link.name + "' (first defined on line " +
                        std::to_string(t.links[m_linkIndex[link.name]].line) + ")");
        } else {
          m_linkIndex[link.name] = t.links.size();
        }
      }
      m_linkWhere.push_back(WhereOf(l));
      m_linkOk.push_back(endpointsOk);
      t.links.push_back(std::move(link));
    }
  }

  std::string DefaultZone(const Topology& t, const Link& link) {
    // The zone of the first end host (host group, server, internet, cloud VPC) on the link,
    // else the first endpoint's zone.
    for (const auto& e : link.endpoints) {
      const Node& n = t.nodes[m_nodeIndex[e]];
      if (!n.ForwardsPackets() && n.kind != NodeKind::kSwitch && !n.zone.empty() &&
          m_zoneIndex.count(n.zone)) {
        return n.zone;
      }
    }
    for (const auto& e : link.endpoints) {
      const Node& n = t.nodes[m_nodeIndex[e]];
      if (m_zoneIndex.count(n.zone)) return n.zone;
    }
    return "";
  }

  void ParseNatAddresses(const YAML::Node& n, const std::string& p, Nat& nat) {
    if (auto v = m_r.StringList(n, "public_addresses", p)) {
      std::string ap = Join(p, "public_addresses");
      for (size_t j = 0; j < v->size(); ++j) {
        auto a = core::IpAddress::Parse((*v)[j]);
        YAML::Node at =
            n["public_addresses"].IsSequence() ? n["public_addresses"][j] : n["public_addresses"];
        if (!a) {
          m_r.Error(at, Index(ap, j), "malformed address: " + a.GetError().message);
        } else {
          nat.publicAddresses.push_back(*a);
        }
      }
    }
  }

  // `port_range: 1024-65535` or `[1024, 65535]`.
  void ParseNatPortRange(const YAML::Node& n, const std::string& p, Nat& nat) {
    YAML::Node pr = m_r.Get(n, "port_range", p);
    if (pr.IsDefined()) {
      std::string pp = Join(p, "port_range");
      bool ok = false;
      if (pr.IsSequence() && pr.size() == 2) {
        auto lo = m_r.AsInteger(pr[0], Index(pp, 0), 1, 65535);
        auto hi = m_r.AsInteger(pr[1], Index(pp, 1), 1, 65535);
        if (lo && hi) {
          nat.portMin = static_cast<uint16_t>(*lo);
          nat.portMax = static_cast<uint16_t>(*hi);
          ok = *lo <= *hi;
          if (!ok) m_r.Error(pr, pp, "port range is empty: first port above last");
        } else {
          ok = true;  // already reported
        }
      } else if (pr.IsScalar()) {
        ok = detail::ParsePortRange(pr.Scalar(), nat.portMin, nat.portMax);
        if (!ok) m_r.Error(pr, pp, "port_range must be like 1024-65535 or [1024, 65535]");
        ok = true;
      }
      if (!ok) m_r.Error(pr, pp, "port_range must be like 1024-65535 or [1024, 65535]");
    }
  }

  void ParseNats(const YAML::Node& root, Topology& t) {
    YAML::Node nats = m_r.Get(root, "nat", "");
    if (!nats.IsDefined() || !m_r.ExpectList(nats, "nat")) return;
    std::set<std::string> seenNodes;
    for (size_t i = 0; i < nats.size(); ++i) {
      std::string p = Index("nat", i);
      const YAML::Node n = nats[i];
      if (!m_r.ExpectMap(n, p,
                         {"node", "inside", "outside", "public_addresses", "port_range",
                          "tcp_timeout_s", "udp_timeout_s", "icmp_timeout_s", "log_events"})) {
        continue;
      }
      Nat nat;
      nat.line = LineOf(n);
      bool nodeOk = false;
      if (auto v = m_r.String(n, "node", p, true)) {
        nat.node = *v;
        nodeOk = RefNode(n["node"], Join(p, "node"), *v);
        if (nodeOk) {
          const Node& nd = t.nodes[m_nodeIndex[*v]];
          if (!nd.ForwardsPackets()) {
            m_r.Error(n["node"], Join(p, "node"),
                      "NAT needs a forwarding node (nat_gateway, firewall, router), '" + *v +
                          "' is a " + NodeKindName(nd.kind));
            nodeOk = false;
          }
          if (!seenNodes.insert(*v).second) {
            m_r.Error(n["node"], Join(p, "node"), "node '" + *v + "' has two NAT definitions");
          }
        }
      }
      if (auto v = m_r.String(n, "outside", p)) {
        nat.outsideLink = *v;
        if (nodeOk) RefLinkOf(t, n["outside"], Join(p, "outside"), *v, nat.node);
      } else {
        m_r.Error(n, Join(p, "outside"),
                  "NAT gateway" + (nat.node.empty() ? std::string() : " '" + nat.node + "'") +
                      " has no outside interface: add 'outside: <link name>'");
      }
      if (auto v = m_r.StringList(n, "inside", p, true)) {
        nat.insideLinks = *v;
        std::string ip = Join(p, "inside");
        for (size_t j = 0; j < v->size(); ++j) {
          YAML::Node at = n["inside"].IsSequence() ? n["inside"][j] : n["inside"];
          if (nodeOk) RefLinkOf(t, at, Index(ip, j), (*v)[j], nat.node);
          if ((*v)[j] == nat.outsideLink) {
            m_r.Error(at, Index(ip, j), "link '" + (*v)[j] + "' cannot be both inside and outside");
          }
        }
      }
      ParseNatAddresses(n, p, nat);
      ParseNatPortRange(n, p, nat);
      if (auto v = m_r.Number(n, "tcp_timeout_s", p, false, 1, 1e7)) nat.tcpTimeoutS = *v;
      if (auto v = m_r.Number(n, "udp_timeout_s", p, false, 1, 1e7)) nat.udpTimeoutS = *v;
      if (auto v = m_r.Number(n, "icmp_timeout_s", p, false, 1, 1e7)) nat.icmpTimeoutS = *v;
      if (auto v = m_r.Bool(n, "log_events", p)) nat.logEvents = *v;
      t.nats.push_back(std::move(nat));
    }
  }

  void ParseAssets(const YAML::Node& root, Topology& t) {
    YAML::Node assets = m_r.Get(root, "critical_assets", "");
    if (!assets.IsDefined() || !m_r.ExpectList(assets, "critical_assets")) return;
    std::set<std::string> names;
    for (size_t i = 0; i < assets.size(); ++i) {
      std::string p = Index("critical_assets", i);
      const YAML::Node a = assets[i];
      if (!m_r.ExpectMap(a, p, {"name", "node", "kind", "weight", "description"})) continue;
      CriticalAsset asset;
      asset.line = LineOf(a);
      if (auto v = m_r.String(a, "name", p, true)) {
        asset.name = *v;
        if (!names.insert(*v).second) {
          m_r.Error(a["name"], Join(p, "name"), "duplicate critical asset '" + *v + "'");
        }
      }
      if (auto v = m_r.String(a, "node", p, true)) {
        asset.node = *v;
        if (RefNode(a["node"], Join(p, "node"), *v)) {
          const Node& nd = t.nodes[m_nodeIndex[*v]];
          if (nd.kind != NodeKind::kServer && nd.kind != NodeKind::kHostGroup &&
              nd.kind != NodeKind::kCloudVpc) {
            m_r.Error(
                a["node"], Join(p, "node"),
                std::string("a critical asset lives on a server, host_group or cloud_vpc; '") + *v +
                    "' is a " + NodeKindName(nd.kind));
          }
        }
      }
      if (auto k = ParseEnum(m_r, a, "kind", p, kAssetKinds, false)) asset.kind = *k;
      if (auto v = m_r.Number(a, "weight", p, true)) {
        if (*v <= 0) {
          m_r.Error(a["weight"], Join(p, "weight"), "weight must be greater than 0");
        } else {
          asset.weight = *v;
        }
      }
      t.criticalAssets.push_back(std::move(asset));
    }
  }

  void ParseCandidates(const YAML::Node& root, Topology& t) {
    YAML::Node cands = m_r.Get(root, "candidates", "");
    if (!cands.IsDefined() || !m_r.ExpectList(cands, "candidates")) return;
    std::set<std::string> names;
    for (size_t i = 0; i < cands.size(); ++i) {
      std::string p = Index("candidates", i);
      const YAML::Node c = cands[i];
      if (!m_r.ExpectMap(
              c, p,
              {"name", "node", "interfaces", "flow_export", "sampled_only", "sampling_rate",
               "full_capture", "cost_flow", "cost_full_capture", "description", "flow_log"})) {
        continue;
      }
      CandidatePoint cp;
      cp.line = LineOf(c);
      bool nodeOk = false;
      if (auto v = m_r.String(c, "node", p, true)) {
        cp.node = *v;
        nodeOk = RefNode(c["node"], Join(p, "node"), *v);
      }
      if (auto v = m_r.String(c, "name", p)) {
        cp.name = *v;
      } else {
        cp.name = cp.node;
      }
      if (!cp.name.empty() && !names.insert(cp.name).second) {
        m_r.Error(c["name"].IsDefined() ? c["name"] : c, Join(p, "name"),
                  "duplicate candidate point name '" + cp.name + "'");
      }
      if (auto v = m_r.StringList(c, "interfaces", p)) {
        cp.interfaces = *v;
        std::string ip = Join(p, "interfaces");
        for (size_t j = 0; j < v->size() && nodeOk; ++j) {
          YAML::Node at = c["interfaces"].IsSequence() ? c["interfaces"][j] : c["interfaces"];
          RefLinkOf(t, at, Index(ip, j), (*v)[j], cp.node);
        }
      }
      if (auto v = m_r.Bool(c, "flow_export", p)) cp.canExportFlows = *v;
      if (auto v = m_r.Bool(c, "sampled_only", p)) cp.sampledOnly = *v;
      if (auto v = m_r.Integer(c, "sampling_rate", p, false, 1, 1000000)) {
        cp.samplingRate = static_cast<uint32_t>(*v);
      }
      if (auto v = m_r.Bool(c, "full_capture", p)) cp.canFullCapture = *v;
      if (auto v = m_r.Number(c, "cost_flow", p, false, 0)) cp.costFlow = *v;
      if (auto v = m_r.Number(c, "cost_full_capture", p, false, 0)) cp.costFullCapture = *v;
      if (cp.sampledOnly && !cp.canExportFlows) {
        m_r.Error(c["sampled_only"], Join(p, "sampled_only"),
                  "sampled_only needs flow_export: true");
      }
      if (cp.sampledOnly && !c["sampling_rate"].IsDefined()) {
        m_r.Warning(c, Join(p, "sampling_rate"),
                    "sampled_only without sampling_rate: assuming 1-in-1000");
        cp.samplingRate = 1000;
      }
      if (!cp.sampledOnly && c["sampling_rate"].IsDefined() && cp.samplingRate > 1) {
        m_r.Error(c["sampling_rate"], Join(p, "sampling_rate"),
                  "sampling_rate is set but sampled_only is false");
      }
      if (!cp.canExportFlows && !cp.canFullCapture) {
        m_r.Error(c, p, "candidate point can do nothing: set flow_export or full_capture");
      }
      if (c["flow_log"].IsDefined()) ParseFlowLogOf(t, c, p, nodeOk, cp);
      t.candidates.push_back(std::move(cp));
    }
  }

  // A provider's flow log exists only where the provider runs the network: on a cloud_vpc
  // node or a node in a cloud zone.
  void ParseFlowLogOf(const Topology& t, const YAML::Node& c, const std::string& p, bool nodeOk,
                      CandidatePoint& cp) {
    const std::string fp = Join(p, "flow_log");
    cp.flowLog = detail::ParseFlowLog(m_r, c["flow_log"], fp);
    if (!nodeOk) return;
    const Node& nd = t.nodes[m_nodeIndex[cp.node]];
    const Zone* z = m_zoneIndex.count(nd.zone) ? &t.zones[m_zoneIndex[nd.zone]] : nullptr;
    if (nd.kind == NodeKind::kCloudVpc || (z != nullptr && z->kind == ZoneKind::kCloud)) return;
    m_r.Error(c["flow_log"], fp,
              "flow logs are a cloud provider's: node '" + cp.node + "' is a " +
                  NodeKindName(nd.kind) + " in zone '" + nd.zone + "'" +
                  (z != nullptr ? std::string(" (kind ") + ZoneKindName(z->kind) + ")" : "") +
                  "; put the point on a cloud_vpc node or a node in a cloud zone");
    cp.flowLog.reset();
  }

  void ParseBudget(const YAML::Node& root, Topology& t) {
    YAML::Node b = m_r.Get(root, "budget", "");
    if (!b.IsDefined()) return;
    if (!m_r.ExpectMap(b, "budget",
                       {"storage_tb", "max_devices", "max_cost", "flow_retention_days",
                        "full_retention_days", "compliance", "flow_log_ingest_usd_per_gb",
                        "flow_log_storage_usd_per_gb_month", "flow_log_usd_per_cost_unit"})) {
      return;
    }
    Budget& budget = t.budget;
    budget.line = LineOf(b);
    if (auto v = m_r.Number(b, "storage_tb", "budget", false, 0)) {
      budget.storageTb = *v;
      if (*v <= 0) {
        m_r.Error(b["storage_tb"], "budget.storage_tb",
                  "impossible budget: no storage to keep any flow or packet");
      }
    }
    if (auto v = m_r.Integer(b, "max_devices", "budget", false, 0, 1000000)) {
      budget.maxDevices = static_cast<uint32_t>(*v);
    }
    if (auto v = m_r.Number(b, "max_cost", "budget", false, 0)) budget.maxCost = *v;
    if (auto v = m_r.Number(b, "flow_retention_days", "budget", false, 0, 36500)) {
      budget.flowRetentionDays = *v;
    }
    if (auto v = m_r.Number(b, "full_retention_days", "budget", false, 0, 36500)) {
      budget.fullRetentionDays = *v;
    }
    if (auto v = m_r.String(b, "compliance", "budget")) budget.compliance = *v;
    ParseFlowLogPrices(b, budget);
    // Impossible budgets against the candidate points.
    if (!t.candidates.empty()) {
      double cheapest = 1e300;
      bool anyFlow = false, anyFull = false;
      for (const auto& c : t.candidates) {
        if (c.canExportFlows) cheapest = std::min(cheapest, c.costFlow), anyFlow = true;
        if (c.canFullCapture) cheapest = std::min(cheapest, c.costFullCapture), anyFull = true;
      }
      if (budget.maxCost > 0 && budget.maxCost < cheapest) {
        m_r.Error(b["max_cost"], "budget.max_cost",
                  "impossible budget: max_cost " + Fmt(budget.maxCost) +
                      " is below the cheapest candidate point (" + Fmt(cheapest) + ")");
      }
      if (budget.flowRetentionDays > 0 && !anyFlow) {
        m_r.Error(b["flow_retention_days"].IsDefined() ? b["flow_retention_days"] : b,
                  "budget.flow_retention_days",
                  "impossible requirement: flow retention is asked but no candidate point can "
                  "export flows");
      }
      if (budget.fullRetentionDays > 0 && !anyFull) {
        m_r.Warning(b["full_retention_days"].IsDefined() ? b["full_retention_days"] : b,
                    "budget.full_retention_days",
                    "no candidate point can host full capture: full retention cannot be met");
      }
    }
    if (b["max_devices"].IsDefined() && budget.maxDevices == 0) {
      m_r.Warning(b["max_devices"], "budget.max_devices", "0 means no limit on devices");
    }
  }

  // Flow-log prices: USD amounts >= 0; a cost unit must be worth some USD.
  void ParseFlowLogPrices(const YAML::Node& b, Budget& budget) {
    if (auto v = m_r.Number(b, "flow_log_ingest_usd_per_gb", "budget", false, 0)) {
      budget.flowLogIngestUsdPerGb = *v;
    }
    if (auto v = m_r.Number(b, "flow_log_storage_usd_per_gb_month", "budget", false, 0)) {
      budget.flowLogStorageUsdPerGbMonth = *v;
    }
    if (auto v = m_r.Number(b, "flow_log_usd_per_cost_unit", "budget", false, 0)) {
      budget.flowLogUsdPerCostUnit = *v;
      if (*v <= 0) {
        m_r.Error(b["flow_log_usd_per_cost_unit"], "budget.flow_log_usd_per_cost_unit",
                  "must be above 0 (USD a month that make one cost unit)");
      }
    }
  }

  static std::string Fmt(double v) {
    std::ostringstream os;
    os << v;
    return os.str();
  }

  // Cross-checks that need the whole file: attachments, connectivity, NAT completeness,
  // address space.
  void CheckStructure(Topology& t) {
    std::vector<std::vector<size_t>> linksOf(t.nodes.size());
    for (size_t li = 0; li < t.links.size(); ++li) {
      if (!m_linkOk[li]) continue;
      for (const auto& e : t.links[li].endpoints) linksOf[m_nodeIndex[e]].push_back(li);
    }
    for (size_t ni = 0; ni < t.nodes.size(); ++ni) {
      const Node& n = t.nodes[ni];
      if (n.name.empty() || m_nodeIndex[n.name] != ni) continue;
      CheckAttachment(t, ni, linksOf[ni]);
    }
    std::set<std::string> usedZones;
    for (const auto& n : t.nodes) usedZones.insert(n.zone);
    for (size_t zi = 0; zi < t.zones.size(); ++zi) {
      const Zone& z = t.zones[zi];
      if (!usedZones.count(z.name) && !z.name.empty()) {
        m_r.WarningAtLine(z.line, 0, Index("zones", zi), "zone '" + z.name + "' has no nodes");
      }
    }
    uint64_t simulated = 0;
    for (const auto& n : t.nodes) simulated += n.kind == NodeKind::kHostGroup ? n.simulate : 0;
    if (simulated > kMaxSimulatedHosts) {
      m_r.ErrorAtLine(0, 0, "nodes",
                      "host groups simulate " + std::to_string(simulated) +
                          " hosts in all; at most " + std::to_string(kMaxSimulatedHosts) +
                          " can be simulated (lower 'simulate': each simulated host stands for "
                          "count/simulate real ones)");
      return;
    }
    CheckConnectivity(t);
    CheckAddressSpace(t);
  }

  // One node's links: attached at all, host groups on one lan, switches on one lan, NAT
  // gateways with a `nat:` entry, end hosts on several links (warning).
  void CheckAttachment(const Topology& t, size_t ni, const std::vector<size_t>& links) {
    const Node& n = t.nodes[ni];
    const std::string& p = m_nodePath[ni];
    Where w = m_nodeWhere[ni];
    if (links.empty()) {
      m_r.ErrorAtLine(w.line, w.column, p, "node '" + n.name + "' is not attached to any link");
      return;
    }
    if (n.kind == NodeKind::kHostGroup && n.simulate > 1) {
      for (size_t li : links) {
        if (t.links[li].kind != LinkKind::kLan) {
          m_r.ErrorAtLine(m_linkWhere[li].line, m_linkWhere[li].column,
                          "links[" + std::to_string(li) + "]",
                          "host group '" + n.name + "' simulates " + std::to_string(n.simulate) +
                              " hosts: attach it with a lan link, not p2p");
        }
      }
    }
    if (n.kind == NodeKind::kHostGroup && links.size() > 1) {
      m_r.ErrorAtLine(w.line, w.column, p,
                      "host group '" + n.name + "' is on " + std::to_string(links.size()) +
                          " links: a host group attaches to exactly one lan");
    }
    if (n.kind == NodeKind::kSwitch) {
      if (links.size() != 1 || t.links[links[0]].kind != LinkKind::kLan) {
        m_r.ErrorAtLine(w.line, w.column, p,
                        "layer-2 switch '" + n.name +
                            "' must be on exactly one lan link (it is that lan's switch); "
                            "use kind l3_switch to join several links");
      }
    }
    if (n.kind == NodeKind::kNatGateway && !t.FindNat(n.name)) {
      m_r.ErrorAtLine(
          w.line, w.column, p,
          "NAT gateway '" + n.name + "' has no entry under 'nat:' (needs its outside interface)");
    }
    if (!n.ForwardsPackets() && n.kind != NodeKind::kSwitch && n.kind != NodeKind::kHostGroup &&
        n.kind != NodeKind::kCloudVpc && links.size() > 1) {
      m_r.WarningAtLine(w.line, w.column, p,
                        std::string("a ") + NodeKindName(n.kind) + " on " +
                            std::to_string(links.size()) + " links does not forward between them");
    }
  }

  // Address space: only meaningful once the rest is consistent.
  void CheckAddressSpace(const Topology& t) {
    bool clean = std::all_of(m_linkOk.begin(), m_linkOk.end(), [](bool b) { return b; });
    for (const auto& l : t.links) clean = clean && !l.zone.empty();
    if (clean && !m_zoneIndex.empty()) {
      auto plan = PlanAddresses(t);
      if (!plan) {
        const std::string& msg = plan.GetError().message;
        int line = 0;
        std::string path;
        for (size_t zi = 0; zi < t.zones.size(); ++zi) {
          if (msg.find("zone '" + t.zones[zi].name + "'") != std::string::npos) {
            line = t.zones[zi].line;
            path = Index("zones", zi) + ".cidrs";
            break;
          }
        }
        m_r.ErrorAtLine(line, 0, path, msg);
      }
    }
  }

  void CheckConnectivity(const Topology& t) {
    if (t.nodes.empty()) return;
    std::vector<size_t> parent(t.nodes.size());
    std::iota(parent.begin(), parent.end(), 0);
    auto find = [&](size_t x) {
      while (parent[x] != x) x = parent[x] = parent[parent[x]];
      return x;
    };
    for (size_t li = 0; li < t.links.size(); ++li) {
      if (!m_linkOk[li]) return;  // dangling references: connectivity would mislead
      const auto& eps = t.links[li].endpoints;
      for (size_t j = 1; j < eps.size(); ++j) {
        size_t a = find(m_nodeIndex[eps[0]]), b = find(m_nodeIndex[eps[j]]);
        if (a != b) parent[a] = b;
      }
    }
    // The main component holds the first node; report each other component once, naming its
    // zones and a few nodes.
    size_t main = find(0);
    std::map<size_t, std::vector<size_t>> others;
    for (size_t i = 0; i < t.nodes.size(); ++i) {
      if (find(i) != main) others[find(i)].push_back(i);
    }
    for (const auto& [root, members] : others) {
      std::set<std::string> zones;
      std::string names;
      for (size_t k = 0; k < members.size(); ++k) {
        zones.insert(t.nodes[members[k]].zone);
        if (k < 4) names += (names.empty() ? "" : ", ") + t.nodes[members[k]].name;
      }
      if (members.size() > 4) names += ", ...";
      std::string zl;
      for (const auto& z : zones) zl += (zl.empty() ? "" : ", ") + ("'" + z + "'");
      Where w = m_nodeWhere[members[0]];
      m_r.ErrorAtLine(w.line, w.column, m_nodePath[members[0]],
                      "disconnected: zone " + zl + " (nodes " + names + ") has no path to node '" +
                          t.nodes[0].name + "' (zone '" + t.nodes[0].zone + "')");
    }
  }

  detail::Reader m_r;
  std::unordered_map<std::string, size_t> m_zoneIndex, m_nodeIndex, m_linkIndex;
  std::vector<Where> m_nodeWhere, m_linkWhere;
  std::vector<std::string> m_nodePath;
  std::vector<bool> m_linkOk;
};

}  // namespace

core::Result<Topology> ParseTopology(const std::string& yamlText, const std::string& name,
                                     Diagnostics& diags) {
  Topology t;
  t.sourcePath = name;
  auto status = detail::ParseYamlDocument(
      yamlText, name, "topology", diags,
      [&](const YAML::Node& root) { TopologyParser(name, diags).Parse(root, t); });
  if (!status) return status.GetError();
  return t;
}

core::Result<Topology> LoadTopology(const std::string& path, Diagnostics& diags) {
  auto text = detail::ReadInputFile(path, "topology", diags);
  if (!text) return text.GetError();
  return ParseTopology(*text, path, diags);
}

}  // namespace vantage::model
