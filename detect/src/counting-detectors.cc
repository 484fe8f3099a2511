// Detectors that count within a sliding window: port scans (vertical and horizontal), brute
// force, lateral movement and DNS tunnelling (docs/detections.md).
#include <algorithm>
#include <map>
#include <unordered_map>

#include "detector-util.h"

namespace vantage::detect {

namespace {

struct Event {
  int64_t t;
  uint64_t item;  ///< what is counted once (port, host); 0 for plain counts
  const Connection* c;
};

struct WindowPeak {
  double peak = 0;         ///< largest estimated count in any window
  int64_t crossedNs = -1;  ///< when the threshold was first reached (-1: never)
};

// Largest number of distinct items (or of events, when `distinct` is false) within any window
// of `windowNs`. Event counts are scaled by the sampling of the events counted (an estimate of
// the count before sampling); distinct counts are not (one sampled probe of a port stands for
// that port, not for N ports), so they are lower bounds under sampling.
WindowPeak Sliding(std::vector<Event>& ev, int64_t windowNs, double threshold, bool distinct) {
  std::sort(ev.begin(), ev.end(), [](const Event& a, const Event& b) { return a.t < b.t; });
  std::unordered_map<uint64_t, uint32_t> inWindow;
  WindowPeak r;
  size_t lo = 0;
  double weight = 0;
  for (size_t hi = 0; hi < ev.size(); ++hi) {
    weight += ev[hi].c->sampling;
    if (distinct) ++inWindow[ev[hi].item];
    while (ev[hi].t - ev[lo].t > windowNs) {
      weight -= ev[lo].c->sampling;
      if (distinct) {
        auto it = inWindow.find(ev[lo].item);
        if (--it->second == 0) inWindow.erase(it);
      }
      ++lo;
    }
    double value = distinct ? static_cast<double>(inWindow.size()) : weight;
    r.peak = std::max(r.peak, value);
    if (r.crossedNs < 0 && value >= threshold) r.crossedNs = ev[hi].t;
  }
  return r;
}

uint64_t AddrItem(const core::IpAddress& a) {
  return std::hash<core::IpAddress>()(a) | 1;
}

std::vector<const Connection*> ConnsOf(const std::vector<Event>& ev) {
  std::vector<const Connection*> out;
  out.reserve(ev.size());
  for (const auto& e : ev) out.push_back(e.c);
  return out;
}

template <typename Key>
using Groups = detail::HashMap<Key, std::vector<Event>>;

// An upper bound of what Sliding can find: groups below it are skipped unsorted.
double MostPossible(const std::vector<Event>& ev, bool distinct) {
  if (distinct) return static_cast<double>(ev.size());
  double w = 0;
  for (const auto& e : ev) w += e.c->sampling;
  return w;
}

// One finding per group whose windowed count reaches the threshold.
template <typename Key, typename Make>
std::vector<Finding> Flag(Groups<Key>& groups, double windowS, double threshold, bool distinct,
                          Make make) {
  std::vector<Finding> out;
  for (auto& [key, ev] : groups) {
    if (MostPossible(ev, distinct) < threshold) continue;
    WindowPeak p = Sliding(ev, detail::Ns(windowS), threshold, distinct);
    if (p.crossedNs < 0) continue;
    Finding f = make(key, ev, p);
    f.score = p.peak;
    f.severity = detail::SeverityOf(p.peak, threshold);
    f.detectedNs = p.crossedNs;
    out.push_back(std::move(f));
  }
  return out;
}

}  // namespace

std::vector<Finding> DetectPortScans(const DetectInput& in) {
  const ScanRules& r = in.rules->scan;
  using VKey = std::pair<core::IpAddress, core::IpAddress>;
  using HKey = std::tuple<core::IpAddress, uint8_t, uint16_t>;
  Groups<VKey> vertical;
  Groups<HKey> horizontal;
  for (const auto& c : *in.conns) {
    if (!c.Failed()) continue;
    if (c.protocol != 1 && c.protocol != 58) {
      vertical[{c.client, c.server}].push_back({c.startNs, c.serverPort + 1u, &c});
    }
    horizontal[{c.client, c.protocol, c.serverPort}].push_back({c.startNs, AddrItem(c.server), &c});
  }
  auto out = Flag(vertical, r.windowS, r.verticalThreshold, true,
                  [&](const VKey& k, const std::vector<Event>& ev, const WindowPeak& p) {
                    Finding f =
                        detail::MakeFinding(in, "port_scan", ConnsOf(ev), {k.first}, {k.second});
                    f.what = "vertical scan: " + detail::Fmt(p.peak) + " ports within " +
                             detail::Fmt(r.windowS) + " s";
                    f.evidence = {{"unique_ports_in_window", p.peak},
                                  {"failed_connections", static_cast<double>(ev.size())},
                                  {"threshold", r.verticalThreshold}};
                    return f;
                  });
  auto h = Flag(
      horizontal, r.windowS, r.horizontalThreshold, true,
      [&](const HKey& k, const std::vector<Event>& ev, const WindowPeak& p) {
        std::set<core::IpAddress> dsts;
        for (const auto& e : ev) dsts.insert(e.c->server);
        Finding f = detail::MakeFinding(in, "port_scan", ConnsOf(ev), {std::get<0>(k)}, dsts);
        f.what =
            "horizontal scan: " + detail::Fmt(p.peak) + " hosts on " +
            (std::get<1>(k) == 1 ? std::string("icmp") : "port " + std::to_string(std::get<2>(k))) +
            " within " + detail::Fmt(r.windowS) + " s";
        f.evidence = {{"unique_hosts_in_window", p.peak},
                      {"port", std::get<2>(k)},
                      {"failed_connections", static_cast<double>(ev.size())},
                      {"threshold", r.horizontalThreshold}};
        return f;
      });
  out.insert(out.end(), h.begin(), h.end());
  return out;
}

std::vector<Finding> DetectBruteForce(const DetectInput& in) {
  const BruteForceRules& r = in.rules->bruteForce;
  using Key = std::tuple<core::IpAddress, core::IpAddress, uint16_t>;
  Groups<Key> groups;
  for (const auto& c : *in.conns) {
    if (c.protocol != 6 || c.Failed()) continue;
    if (std::find(r.ports.begin(), r.ports.end(), c.serverPort) == r.ports.end()) continue;
    if (c.DurationS() > r.maxSessionS || c.bytesIn > r.maxBytesIn * c.sampling) continue;
    groups[{c.client, c.server, c.serverPort}].push_back({c.startNs, 0, &c});
  }
  // Peers: every client's peak towards the same service. Busy services (file shares,
  // directories) have many clients with many short sessions each; a guesser stands out.
  detail::HashMap<Key, WindowPeak> peaks;
  detail::HashMap<std::pair<core::IpAddress, uint16_t>, std::vector<double>> byService;
  for (auto& [key, ev] : groups) {
    // Below the threshold the exact peak matters only as a peer's count: the total bounds it.
    double most = MostPossible(ev, false);
    WindowPeak p;
    p.peak = most;
    if (most >= r.threshold) p = Sliding(ev, detail::Ns(r.windowS), r.threshold, false);
    peaks[key] = p;
    byService[{std::get<1>(key), std::get<2>(key)}].push_back(p.peak);
  }
  std::vector<Finding> out;
  for (const auto& [key, ev] : groups) {
    const WindowPeak& p = peaks[key];
    if (p.crossedNs < 0) continue;
    std::vector<double> others = byService[{std::get<1>(key), std::get<2>(key)}];
    others.erase(std::find(others.begin(), others.end(), p.peak));
    double peerMedian = MedianMad(others).first;
    if (!others.empty() && p.peak < r.peerRatio * peerMedian) continue;
    Finding f =
        detail::MakeFinding(in, "brute_force", ConnsOf(ev), {std::get<0>(key)}, {std::get<1>(key)});
    f.score = p.peak;
    f.severity = detail::SeverityOf(p.peak, r.threshold);
    f.detectedNs = p.crossedNs;
    f.what = "brute force: " + detail::Fmt(p.peak) + " short sessions to port " +
             std::to_string(std::get<2>(key)) + " within " + detail::Fmt(r.windowS) +
             " s (other clients: median " + detail::Fmt(peerMedian) + ")";
    f.evidence = {{"short_sessions_in_window", p.peak},
                  {"port", std::get<2>(key)},
                  {"sessions", static_cast<double>(ev.size())},
                  {"peer_clients", static_cast<double>(others.size())},
                  {"peer_median", peerMedian},
                  {"threshold", r.threshold}};
    out.push_back(std::move(f));
  }
  return out;
}

std::vector<Finding> DetectLateralMovement(const DetectInput& in) {
  const LateralRules& r = in.rules->lateral;
  Groups<core::IpAddress> groups;
  for (const auto& c : *in.conns) {
    if (c.protocol != 6 || c.Failed()) continue;
    if (std::find(r.ports.begin(), r.ports.end(), c.serverPort) == r.ports.end()) continue;
    if (!c.clientInternal || !c.serverInternal) continue;
    groups[c.client].push_back({c.startNs, AddrItem(c.server), &c});
  }
  return Flag(groups, r.windowS, r.threshold, true,
              [&](const core::IpAddress& k, const std::vector<Event>& ev, const WindowPeak& p) {
                std::set<core::IpAddress> dsts;
                std::set<uint16_t> ports;
                for (const auto& e : ev) {
                  dsts.insert(e.c->server);
                  ports.insert(e.c->serverPort);
                }
                Finding f = detail::MakeFinding(in, "lateral_movement", ConnsOf(ev), {k}, dsts);
                std::string plist;
                for (auto port : ports) plist += (plist.empty() ? "" : ",") + std::to_string(port);
                f.what = "lateral movement: sessions to " + detail::Fmt(p.peak) +
                         " internal hosts on " + plist + " within " + detail::Fmt(r.windowS) + " s";
                f.evidence = {{"unique_hosts_in_window", p.peak},
                              {"hosts", static_cast<double>(dsts.size())},
                              {"sessions", static_cast<double>(ev.size())},
                              {"threshold", r.threshold}};
                return f;
              });
}

std::vector<Finding> DetectDnsTunnels(const DetectInput& in) {
  const DnsTunnelRules& r = in.rules->dnsTunnel;
  using Key = std::pair<core::IpAddress, core::IpAddress>;
  Groups<Key> groups;
  for (const auto& c : *in.conns) {
    if (c.serverPort != 53 || (c.protocol != 17 && c.protocol != 6) || c.packetsOut <= 0) continue;
    if (c.bytesOut / c.packetsOut < r.minRequestBytes) continue;
    groups[{c.client, c.server}].push_back({c.startNs, 0, &c});
  }
  return Flag(groups, r.windowS, r.minQueries, false,
              [&](const Key& k, const std::vector<Event>& ev, const WindowPeak& p) {
                Finding f =
                    detail::MakeFinding(in, "dns_tunnel", ConnsOf(ev), {k.first}, {k.second});
                double out = 0, pk = 0, back = 0;
                for (const auto& e : ev) {
                  out += e.c->bytesOut;
                  pk += e.c->packetsOut;
                  back += e.c->bytesIn;
                }
                f.what = "DNS tunnel: " + detail::Fmt(p.peak) + " oversized queries within " +
                         detail::Fmt(r.windowS) + " s (" + detail::Fmt(out / pk) +
                         " bytes per request packet)";
                f.evidence = {{"oversized_queries_in_window", p.peak},
                              {"queries", static_cast<double>(ev.size())},
                              {"request_bytes_per_packet", out / pk},
                              {"bytes_out", out},
                              {"bytes_in", back},
                              {"threshold", r.minQueries}};
                return f;
              });
}

}  // namespace vantage::detect
