// Topology graph analysis on Boost.Graph: Dijkstra paths, articulation points, Brandes
// betweenness (exact via Boost, sampled for big graphs), zone boundaries, suggestions.
#include "vantage/model/graph.h"

#include <algorithm>
#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/betweenness_centrality.hpp>
#include <boost/graph/biconnected_components.hpp>
#include <boost/graph/dijkstra_shortest_paths.hpp>
#include <deque>
#include <limits>
#include <map>
#include <set>
#include <unordered_map>

#include "vantage/core/svg-writer.h"

namespace vantage::model {

namespace {

struct EdgeProp {
  double weight = 1;
  int link = -1;
};

using Graph = boost::adjacency_list<boost::vecS, boost::vecS, boost::undirectedS,
                                    boost::no_property, EdgeProp>;
using Vertex = boost::graph_traits<Graph>::vertex_descriptor;

constexpr double kHopWeight = 0.01;

std::string Percent(double v) {
  return core::SvgNumber(v * 100, 0) + "%";
}

}  // namespace

struct TopologyGraph::Impl {
  const Topology* t;
  Graph g;
  size_t nodeCount = 0;  // vertices [0, nodeCount) are topology nodes
  Vertex super = 0;      // temporary multi-source vertex (isolated between queries)
  std::unordered_map<std::string, Vertex> byName;

  struct RunResult {
    std::vector<double> dist;
    std::vector<Vertex> pred;
  };

  RunResult Run(const std::vector<Vertex>& sources) {
    for (Vertex s : sources) boost::add_edge(super, s, EdgeProp{0, -1}, g);
    size_t n = boost::num_vertices(g);
    RunResult r;
    r.dist.assign(n, std::numeric_limits<double>::infinity());
    r.pred.resize(n);
    auto index = boost::get(boost::vertex_index, g);
    boost::dijkstra_shortest_paths(
        g, super,
        boost::weight_map(boost::get(&EdgeProp::weight, g))
            .distance_map(boost::make_iterator_property_map(r.dist.begin(), index))
            .predecessor_map(boost::make_iterator_property_map(r.pred.begin(), index)));
    boost::clear_vertex(super, g);
    return r;
  }

  /// The link of the lightest edge between u and v (-1 if none).
  int LinkBetween(Vertex u, Vertex v) const {
    int link = -1;
    double best = std::numeric_limits<double>::infinity();
    for (auto [ei, ee] = boost::out_edges(u, g); ei != ee; ++ei) {
      if (boost::target(*ei, g) == v && g[*ei].weight < best) {
        best = g[*ei].weight;
        link = g[*ei].link;
      }
    }
    return link;
  }

  /// Path from the (nearest) source to `target`, in source-to-target order.
  Path Extract(const RunResult& r, Vertex target) const {
    Path p;
    if (target >= r.dist.size() || r.dist[target] == std::numeric_limits<double>::infinity()) {
      return p;
    }
    std::vector<Vertex> verts;
    std::vector<int> links;
    Vertex v = target;
    while (v != super && verts.size() <= r.pred.size()) {
      verts.push_back(v);
      Vertex u = r.pred[v];
      if (u == v) break;  // unreachable or the start
      if (u != super) {
        int link = LinkBetween(u, v);
        if (link >= 0 && (links.empty() || links.back() != link)) links.push_back(link);
      }
      v = u;
    }
    std::reverse(verts.begin(), verts.end());
    std::reverse(links.begin(), links.end());
    for (Vertex x : verts) {
      if (x < nodeCount) p.nodes.push_back(t->nodes[x].name);
    }
    for (int l : links) {
      p.links.push_back(t->links[static_cast<size_t>(l)].name);
      p.delayMs += t->links[static_cast<size_t>(l)].delayMs;
    }
    std::string zone;
    for (Vertex x : verts) {
      if (x >= nodeCount) continue;
      const Node& n = t->nodes[x];
      if (!zone.empty() && n.zone != zone) p.crossings.push_back({zone, n.zone, n.name});
      zone = n.zone;
    }
    return p;
  }
};

TopologyGraph::TopologyGraph(const Topology& topology) : m_impl(new Impl) {
  Impl& m = *m_impl;
  m.t = &topology;
  m.nodeCount = topology.nodes.size();
  m.g = Graph(m.nodeCount);
  m.byName.reserve(m.nodeCount);
  for (size_t i = 0; i < m.nodeCount; ++i) m.byName.emplace(topology.nodes[i].name, i);
  for (size_t li = 0; li < topology.links.size(); ++li) {
    const Link& l = topology.links[li];
    std::vector<Vertex> ends;
    for (const auto& e : l.endpoints) {
      auto it = m.byName.find(e);
      if (it != m.byName.end()) ends.push_back(it->second);
    }
    if (ends.size() < 2) continue;
    int link = static_cast<int>(li);
    if (l.kind == LinkKind::kPointToPoint && ends.size() == 2) {
      boost::add_edge(ends[0], ends[1], EdgeProp{l.delayMs + kHopWeight, link}, m.g);
      continue;
    }
    // A lan: star around its layer-2 switch, else around a hidden segment vertex.
    std::optional<Vertex> hub;
    for (Vertex v : ends) {
      if (topology.nodes[v].kind == NodeKind::kSwitch) {
        hub = v;
        break;
      }
    }
    double w = l.delayMs / 2 + kHopWeight / 2;
    if (!hub) hub = boost::add_vertex(m.g);
    for (Vertex v : ends) {
      if (v != *hub) boost::add_edge(*hub, v, EdgeProp{w, link}, m.g);
    }
  }
  m.super = boost::add_vertex(m.g);
}

TopologyGraph::~TopologyGraph() {
  delete m_impl;
}

Path TopologyGraph::ShortestPath(const std::string& from, const std::string& to) const {
  auto a = m_impl->byName.find(from);
  auto b = m_impl->byName.find(to);
  if (a == m_impl->byName.end() || b == m_impl->byName.end()) return {};
  auto r = m_impl->Run({a->second});
  return m_impl->Extract(r, b->second);
}

Path TopologyGraph::ZonePath(const std::string& from, const std::string& to) const {
  std::vector<Vertex> src, dst;
  for (size_t i = 0; i < m_impl->nodeCount; ++i) {
    const Node& n = m_impl->t->nodes[i];
    if (n.zone == from) src.push_back(i);
    if (n.zone == to) dst.push_back(i);
  }
  if (src.empty() || dst.empty()) return {};
  auto r = m_impl->Run(src);
  Vertex best = dst[0];
  for (Vertex v : dst) {
    if (r.dist[v] < r.dist[best]) best = v;
  }
  return m_impl->Extract(r, best);
}

std::vector<Path> TopologyGraph::PathsFromHostGroupsTo(const std::string& node) const {
  std::vector<Path> out;
  auto it = m_impl->byName.find(node);
  if (it == m_impl->byName.end()) return out;
  auto r = m_impl->Run({it->second});
  for (size_t i = 0; i < m_impl->nodeCount; ++i) {
    const Node& n = m_impl->t->nodes[i];
    if (n.kind != NodeKind::kHostGroup || n.name == node) continue;
    Path p = m_impl->Extract(r, i);
    if (!p.Found()) continue;
    // Extracted from the asset outwards: reverse to read group -> asset.
    std::reverse(p.nodes.begin(), p.nodes.end());
    std::reverse(p.links.begin(), p.links.end());
    p.crossings.clear();
    std::string zone;
    for (const auto& name : p.nodes) {
      const Node& x = m_impl->t->nodes[m_impl->byName.at(name)];
      if (!zone.empty() && x.zone != zone) p.crossings.push_back({zone, x.zone, x.name});
      zone = x.zone;
    }
    out.push_back(std::move(p));
  }
  return out;
}

std::vector<std::string> TopologyGraph::ArticulationPoints() const {
  std::vector<Vertex> cut;
  boost::articulation_points(m_impl->g, std::back_inserter(cut));
  std::vector<char> mark(m_impl->nodeCount, 0);
  for (Vertex v : cut) {
    if (v < m_impl->nodeCount) mark[v] = 1;
  }
  std::vector<std::string> out;
  for (size_t i = 0; i < m_impl->nodeCount; ++i) {
    if (mark[i]) out.push_back(m_impl->t->nodes[i].name);
  }
  return out;
}

BetweennessResult TopologyGraph::Betweenness(size_t exactLimit, uint32_t samples) const {
  const Graph& g = m_impl->g;
  size_t n = boost::num_vertices(g);
  std::vector<double> c(n, 0.0);
  BetweennessResult res;
  size_t real = n - 1;  // without the isolated super vertex
  if (real <= exactLimit) {
    boost::brandes_betweenness_centrality(
        g, boost::centrality_map(
               boost::make_iterator_property_map(c.begin(), boost::get(boost::vertex_index, g))));
    res.exact = true;
  } else {
    // Brandes' accumulation from evenly spread sources on hop counts, scaled by real / k.
    uint32_t k = std::max<uint32_t>(1, std::min<uint32_t>(samples, static_cast<uint32_t>(real)));
    std::vector<double> sigma(n), delta(n);
    std::vector<int64_t> dist(n);
    std::vector<std::vector<Vertex>> preds(n);
    std::vector<Vertex> order;
    order.reserve(n);
    for (uint32_t si = 0; si < k; ++si) {
      Vertex s = static_cast<Vertex>((static_cast<uint64_t>(si) * real) / k);
      std::fill(sigma.begin(), sigma.end(), 0.0);
      std::fill(delta.begin(), delta.end(), 0.0);
      std::fill(dist.begin(), dist.end(), -1);
      for (auto& p : preds) p.clear();
      order.clear();
      sigma[s] = 1;
      dist[s] = 0;
      std::deque<Vertex> q{s};
      while (!q.empty()) {
        Vertex v = q.front();
        q.pop_front();
        order.push_back(v);
        for (auto [ei, ee] = boost::out_edges(v, g); ei != ee; ++ei) {
          Vertex w = boost::target(*ei, g);
          if (dist[w] < 0) {
            dist[w] = dist[v] + 1;
            q.push_back(w);
          }
          if (dist[w] == dist[v] + 1) {
            sigma[w] += sigma[v];
            preds[w].push_back(v);
          }
        }
      }
      for (auto it = order.rbegin(); it != order.rend(); ++it) {
        Vertex w = *it;
        for (Vertex v : preds[w]) delta[v] += sigma[v] / sigma[w] * (1 + delta[w]);
        if (w != s) c[w] += delta[w];
      }
    }
    // Undirected: each pair is counted from both ends; scale the sample to all sources.
    double scale = static_cast<double>(real) / k / 2.0;
    for (double& x : c) x *= scale;
    res.exact = false;
    res.samples = k;
  }
  double pairs = real > 2 ? static_cast<double>(real - 1) * static_cast<double>(real - 2) / 2 : 1;
  for (size_t i = 0; i < m_impl->nodeCount; ++i) {
    res.scores.push_back({m_impl->t->nodes[i].name, std::min(1.0, c[i] / pairs)});
  }
  std::stable_sort(res.scores.begin(), res.scores.end(),
                   [](const NodeScore& a, const NodeScore& b) {
                     return a.score > b.score || (a.score == b.score && a.node < b.node);
                   });
  return res;
}

std::vector<BoundaryLink> TopologyGraph::BoundaryLinks() const {
  std::vector<BoundaryLink> out;
  for (const auto& l : m_impl->t->links) {
    std::set<std::string> zones;
    if (!l.zone.empty()) zones.insert(l.zone);
    for (const auto& e : l.endpoints) {
      auto it = m_impl->byName.find(e);
      if (it != m_impl->byName.end()) zones.insert(m_impl->t->nodes[it->second].zone);
    }
    if (zones.size() > 1) out.push_back({l.name, {zones.begin(), zones.end()}});
  }
  return out;
}

namespace {

// Candidate suggestions from three sources (NAT sides, forwarding nodes joining zones or
// cutting the graph, last hops before critical assets); a point found twice keeps both
// reasons and the higher score.
class Suggester {
 public:
  explicit Suggester(const Topology& t) : m_t(t) {
    TopologyGraph g(t);
    for (const auto& s : g.Betweenness().scores) m_score[s.node] = s.score;
    auto cut = g.ArticulationPoints();
    m_cut.insert(cut.begin(), cut.end());
  }

  // NAT: both sides, because addresses differ.
  void NatSides() {
    for (const auto& nat : m_t.nats) {
      double s = 2 + m_score[nat.node];
      Add(nat.node + "-outside", nat.node, {nat.outsideLink}, s,
          "outside the NAT on " + nat.node +
              ": sees internet traffic after translation (public "
              "addresses only, internal hosts hidden)");
      Add(nat.node + "-inside", nat.node, nat.insideLinks, s + 0.1,
          "inside the NAT on " + nat.node + ": sees real internal addresses before translation");
    }
  }

  // Forwarding nodes that join zones, by betweenness; articulation points.
  void ZoneJoiners() {
    for (const auto& n : m_t.nodes) {
      if (!n.ForwardsPackets()) continue;
      const Zone* own = m_t.FindZone(n.zone);
      if (own != nullptr && own->kind == ZoneKind::kInternet) continue;  // not ours to tap
      double s = m_score[n.name];
      std::string reason;
      std::set<std::string> zones = ZonesAround(n);
      if (zones.size() > 1) {
        std::string zl;
        for (const auto& z : zones) zl += (zl.empty() ? "" : ", ") + z;
        reason = std::string(NodeKindName(n.kind)) + " joining zones " + zl + "; on " + Percent(s) +
                 " of shortest paths";
      }
      if (m_cut.count(n.name)) {
        reason += std::string(reason.empty() ? "" : "; ") +
                  "articulation point: traffic between the parts it joins has no other way";
        s += 0.5;
      }
      if (!reason.empty()) Add(n.name, n.name, {}, s, reason);
    }
  }

  // Last forwarding hop before each critical asset (assets behind the same hop together).
  void AssetHops() {
    for (const auto& h : FindHops()) {
      double top = 0;
      std::string list;
      for (const CriticalAsset* a : h.assets) {
        std::string w = core::ShortNumber(a->weight);
        list += std::string(list.empty() ? "" : ", ") + "'" + a->name + "' (" + w + ")";
        top = std::max(top, a->weight);
      }
      Add(h.node + "-" + h.link, h.node, {h.link}, 1 + top / 10,
          std::string("last hop before critical asset") + (h.assets.size() > 1 ? "s " : " ") +
              list + ": sees every flow to and from " + (h.assets.size() > 1 ? "them" : "it"));
    }
  }

  std::vector<SuggestedPoint> Best(size_t limit) {
    std::stable_sort(
        m_out.begin(), m_out.end(),
        [](const SuggestedPoint& a, const SuggestedPoint& b) { return a.score > b.score; });
    if (m_out.size() > limit) m_out.resize(limit);
    return std::move(m_out);
  }

 private:
  struct Hop {
    std::string node, link;
    std::vector<const CriticalAsset*> assets;
  };

  std::set<std::string> ZonesAround(const Node& n) const {
    std::set<std::string> zones{n.zone};
    for (const Link* l : m_t.LinksOf(n.name)) {
      zones.insert(l->zone);
      for (const auto& e : l->endpoints) {
        if (const Node* x = m_t.FindNode(e)) zones.insert(x->zone);
      }
    }
    zones.erase("");
    return zones;
  }

  std::vector<Hop> FindHops() const {
    std::vector<Hop> hops;
    for (const auto& a : m_t.criticalAssets) {
      for (const Link* l : m_t.LinksOf(a.node)) {
        for (const auto& e : l->endpoints) {
          const Node* x = m_t.FindNode(e);
          if (x == nullptr || !x->ForwardsPackets()) continue;
          auto it = std::find_if(hops.begin(), hops.end(), [&](const Hop& h) {
            return h.node == x->name && h.link == l->name;
          });
          if (it == hops.end()) {
            hops.push_back({x->name, l->name, {}});
            it = hops.end() - 1;
          }
          if (std::find(it->assets.begin(), it->assets.end(), &a) == it->assets.end()) {
            it->assets.push_back(&a);
          }
          break;
        }
      }
    }
    return hops;
  }

  void Add(const std::string& name, const std::string& node, std::vector<std::string> interfaces,
           double s, const std::string& reason) {
    for (auto& p : m_out) {
      if (p.point.node == node && p.point.interfaces == interfaces) {
        p.reason += "; " + reason;
        p.score = std::max(p.score, s);
        return;
      }
    }
    SuggestedPoint sp;
    sp.point.name = name;
    sp.point.node = node;
    sp.point.interfaces = std::move(interfaces);
    const Node* n = m_t.FindNode(node);
    sp.point.canExportFlows = true;
    sp.point.canFullCapture = true;
    sp.point.costFlow = n != nullptr && n->kind == NodeKind::kSwitch ? 3 : 1;
    sp.point.costFullCapture = 5;
    sp.reason = reason;
    sp.score = s;
    m_out.push_back(std::move(sp));
  }

  const Topology& m_t;
  std::map<std::string, double> m_score;
  std::set<std::string> m_cut;
  std::vector<SuggestedPoint> m_out;
};

}  // namespace

std::vector<SuggestedPoint> SuggestCandidates(const Topology& t, size_t limit) {
  Suggester s(t);
  s.NatSides();
  s.ZoneJoiners();
  s.AssetHops();
  return s.Best(limit);
}

GraphFacts Analyse(const Topology& t, size_t maxZonePairs, size_t maxAssetPaths) {
  GraphFacts f;
  TopologyGraph g(t);
  f.articulationPoints = g.ArticulationPoints();
  f.betweenness = g.Betweenness();
  f.boundaries = g.BoundaryLinks();
  for (const auto& a : t.criticalAssets) {
    for (auto& p : g.PathsFromHostGroupsTo(a.node)) {
      if (f.assetPaths.size() >= maxAssetPaths) break;
      std::string label = p.nodes.front() + " -> " + a.name;
      f.assetPaths.emplace_back(label, std::move(p));
    }
  }
  size_t z = t.zones.size();
  if (z * (z - 1) / 2 <= maxZonePairs) {
    for (size_t i = 0; i < z; ++i) {
      for (size_t j = i + 1; j < z; ++j) {
        Path p = g.ZonePath(t.zones[i].name, t.zones[j].name);
        if (p.Found()) f.zonePaths.emplace_back(t.zones[i].name + " -> " + t.zones[j].name, p);
      }
    }
  }
  return f;
}

}  // namespace vantage::model
