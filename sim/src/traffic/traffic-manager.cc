// Scenario scheduling: benign sessions per host and application, and injected behaviours.
#include <ns3/simulator.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <functional>
#include <initializer_list>
#include <map>
#include <set>
#include <sstream>

#include "traffic/traffic-engine.h"
#include "traffic/traffic.h"

namespace vantage::sim {

namespace {

using detail::SessionPlan;

uint64_t SplitMix64(uint64_t x) {
  x += 0x9E3779B97F4A7C15ULL;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
  return x ^ (x >> 31);
}

uint32_t SampleBytes(const model::Distribution& d, std::mt19937_64& rng, uint32_t min) {
  double v = d.Sample(rng);
  if (!std::isfinite(v) || v < min) return min;
  if (v > 2.0e9) return 2000000000u;
  return static_cast<uint32_t>(std::llround(v));
}

double SampleSeconds(const model::Distribution& d, std::mt19937_64& rng) {
  double v = d.Sample(rng);
  if (!std::isfinite(v) || v < 0) return 0;
  return std::min(v, 86400.0);
}

double Param(const model::Behaviour& b, const std::string& key, double def,
             const std::function<void(const std::string&)>& warn) {
  auto it = b.params.find(key);
  if (it == b.params.end()) return def;
  char* end = nullptr;
  double v = std::strtod(it->second.c_str(), &end);
  if (end == it->second.c_str() || !std::isfinite(v)) {
    if (warn) {
      std::ostringstream m;
      m << "behaviour '" << b.kind << "' (line " << b.line << "): parameter " << key << " = '"
        << it->second << "' is not a number, using " << def;
      warn(m.str());
    }
    return def;
  }
  return v;
}

/// "1-1024", "22,80,443", "20-25,8080".
std::vector<uint16_t> ParsePorts(const std::string& text) {
  std::vector<uint16_t> out;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t comma = text.find(',', pos);
    std::string part =
        text.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
    pos = comma == std::string::npos ? text.size() : comma + 1;
    size_t dash = part.find('-');
    long lo = std::strtol(part.c_str(), nullptr, 10);
    long hi = dash == std::string::npos ? lo : std::strtol(part.c_str() + dash + 1, nullptr, 10);
    lo = std::clamp(lo, 1L, 65535L);
    hi = std::clamp(hi, lo, 65535L);
    for (long p = lo; p <= hi && out.size() < 65535; ++p) out.push_back(static_cast<uint16_t>(p));
  }
  return out;
}

SessionPlan Exchanges(uint32_t count, uint32_t request, uint32_t response, double thinkS) {
  SessionPlan plan;
  count = std::max(count, 1u);
  plan.requests.assign(count, request);
  plan.responses.assign(count, response);
  plan.thinkS.assign(count - 1, thinkS);
  return plan;
}

}  // namespace

// ---------------------------------------------------------------------------------------------

TrafficEngine::TrafficEngine(const TrafficContext& ctx)
    : m_ctx(ctx), m_tracker(ctx.network, ctx.truth, ctx.startUnixNs), m_apps(&m_tracker) {}

TrafficEngine::~TrafficEngine() = default;

std::mt19937_64 TrafficEngine::StreamRng(uint64_t stream) const {
  return std::mt19937_64(SplitMix64(m_ctx.seed ^ SplitMix64(stream + 1)));
}

std::vector<const SimHost*> TrafficEngine::Resolve(const std::string& name) const {
  auto group = m_ctx.network->Group(name);
  if (!group.empty()) return group;
  if (const SimHost* h = m_ctx.network->Find(name)) return {h};
  return {};
}

double TrafficEngine::Diurnal(double simSeconds) const {
  const auto& d = m_ctx.scenario->diurnal;
  if (d.empty()) return 1.0;
  double unixS = static_cast<double>(m_ctx.startUnixNs) / 1e9 + simSeconds;
  auto hour = static_cast<int64_t>(std::floor(unixS / 3600.0));
  int64_t idx = ((hour % 24) + 24) % 24;
  return std::max(0.0, d[static_cast<size_t>(idx) % d.size()]);
}

detail::FlowInfo TrafficEngine::MakeFlow(const SimHost* src, const SimHost* dst, uint8_t protocol,
                                         uint16_t port, const std::string& label,
                                         const std::string& behaviour) const {
  detail::FlowInfo f;
  f.src = src;
  f.dst = dst;
  f.dstIp = dst->address;
  f.dstGroup = dst->group;
  f.protocol = protocol;
  f.dstPort = protocol == 1 ? 0 : port;
  f.label = label;
  f.behaviour = behaviour;
  return f;
}

core::Status TrafficEngine::Install() {
  if (!m_ctx.topology || !m_ctx.scenario || !m_ctx.network || !m_ctx.truth) {
    return core::MakeError(core::ErrorCode::kInvalid, "traffic: incomplete context");
  }
  for (const auto& mix : m_ctx.scenario->traffic) VANTAGE_RETURN_IF_ERROR(InstallMix(mix));
  for (size_t i = 0; i < m_ctx.scenario->behaviours.size(); ++i) {
    VANTAGE_RETURN_IF_ERROR(InstallBehaviour(m_ctx.scenario->behaviours[i], i));
  }
  for (size_t i = 0; i < m_streams.size(); ++i) ScheduleArrival(i);
  return {};
}

core::Status TrafficEngine::InstallMix(const model::TrafficMix& mix) {
  auto clients = Resolve(mix.group);
  if (clients.empty()) {
    return core::MakeError(core::ErrorCode::kNotFound, "scenario traffic (line " +
                                                           std::to_string(mix.line) + "): group '" +
                                                           mix.group + "' has no simulated hosts");
  }
  for (const auto& app : mix.apps) {
    std::string where = "scenario traffic '" + mix.group + "' app '" + app.app + "' (line " +
                        std::to_string(app.line) + ")";
    if (app.protocol != 1 && app.protocol != 6 && app.protocol != 17) {
      return core::MakeError(
          core::ErrorCode::kUnsupported,
          where + ": protocol " + std::to_string(app.protocol) + " (only 1, 6, 17)");
    }
    auto servers = Resolve(app.server);
    if (servers.empty()) {
      return core::MakeError(core::ErrorCode::kNotFound,
                             where + ": server '" + app.server + "' is not a simulated host");
    }
    for (const SimHost* s : servers) m_apps.EnsureServer(s->node, app.protocol, app.port);
    if (app.sessionsPerHostHour <= 0) continue;
    for (const SimHost* c : clients) {
      AppStream st;
      st.app = &app;
      st.client = c;
      for (const SimHost* s : servers) {
        if (s != c) st.servers.push_back(s);
      }
      if (st.servers.empty()) continue;
      st.rng = StreamRng(m_nextStream++);
      m_streams.push_back(std::move(st));
    }
  }
  return {};
}

void TrafficEngine::ScheduleArrival(size_t stream) {
  AppStream& st = m_streams[stream];
  double now = ns3::Simulator::Now().GetSeconds();
  double rate = st.app->sessionsPerHostHour / 3600.0 * Diurnal(now);
  double at;
  if (rate <= 0) {
    // Idle this hour: look again at the next hour boundary.
    double unixS = static_cast<double>(m_ctx.startUnixNs) / 1e9 + now;
    at = now + (std::floor(unixS / 3600.0) + 1) * 3600.0 - unixS;
    if (at >= m_ctx.scenario->durationS) return;
    ns3::Simulator::Schedule(ns3::Seconds(at - now), &TrafficEngine::ScheduleArrival, this, stream);
    return;
  }
  std::exponential_distribution<double> gap(rate);
  at = now + gap(st.rng);
  if (at >= m_ctx.scenario->durationS) return;
  ns3::Simulator::Schedule(ns3::Seconds(at - now), &TrafficEngine::OnArrival, this, stream);
}

void TrafficEngine::OnArrival(size_t stream) {
  AppStream& st = m_streams[stream];
  const model::Application& app = *st.app;
  const SimHost* server = st.servers[0];
  if (st.servers.size() > 1) {
    std::uniform_int_distribution<size_t> pick(0, st.servers.size() - 1);
    server = st.servers[pick(st.rng)];
  }
  SessionPlan plan;
  double n = app.requestsPerSession.Sample(st.rng);
  auto count =
      static_cast<uint32_t>(std::clamp(std::isfinite(n) ? std::llround(n) : 1LL, 1LL, 100000LL));
  uint32_t minRequest = app.protocol == 1 ? 8 : detail::kRequestHeaderBytes;
  for (uint32_t i = 0; i < count; ++i) {
    plan.requests.push_back(SampleBytes(app.requestBytes, st.rng, minRequest));
    plan.responses.push_back(app.protocol == 1 ? 0 : SampleBytes(app.responseBytes, st.rng, 0));
    if (i + 1 < count) plan.thinkS.push_back(SampleSeconds(app.thinkTimeS, st.rng));
  }
  plan.flow = MakeFlow(st.client, server, app.protocol, app.port, app.app, "");
  m_apps.StartSession(std::move(plan));
  ScheduleArrival(stream);
}

void TrafficEngine::Plan(double atS, SessionPlan plan) {
  if (atS < 0 || atS >= m_ctx.scenario->durationS) return;
  m_planned.push_back(std::move(plan));
  ns3::Simulator::Schedule(ns3::Seconds(atS), &TrafficEngine::StartPlanned, this,
                           m_planned.size() - 1);
}

void TrafficEngine::StartPlanned(size_t index) {
  m_apps.StartSession(std::move(m_planned[index]));
  m_planned[index] = SessionPlan{};
}

/// One behaviour being installed: what every kind's installer shares. The random stream is the
/// behaviour's own (by index), so adding one behaviour does not change the others.
struct TrafficEngine::BehaviourRun {
  const model::Behaviour& b;
  const std::function<void(const std::string&)>& warn;
  std::vector<const SimHost*> sources;
  std::vector<const SimHost*> targets;
  std::mt19937_64 rng;
  std::string label;
  double start = 0;
  double end = 0;
  double span = 0;
  uint8_t proto = 6;  ///< the behaviour's protocol, TCP unless given

  double Param(const std::string& key, double def) const { return sim::Param(b, key, def, warn); }
  /// The first of `keys` present (aliases), else `def`.
  double ParamAny(std::initializer_list<const char*> keys, double def) const {
    for (const char* k : keys) {
      if (b.params.count(k)) return Param(k, def);
    }
    return def;
  }
  uint16_t PortOr(uint16_t def) const { return b.port != 0 ? b.port : def; }
  const SimHost* PickTarget() {
    if (targets.size() == 1) return targets[0];
    std::uniform_int_distribution<size_t> pick(0, targets.size() - 1);
    return targets[pick(rng)];
  }
  /// The `hosts` parameter: how many of the (shuffled) sources take part.
  size_t Hosts(double def) const {
    auto n = static_cast<size_t>(std::max(1.0, Param("hosts", def)));
    return std::min(n, sources.size());
  }
  std::string Ports(const char* def) const {
    auto it = b.params.find("ports");
    return it == b.params.end() ? def : it->second;
  }
};

namespace {
uint32_t U32(double v) {
  return static_cast<uint32_t>(std::clamp(v, 0.0, 2.0e9));
}
}  // namespace

const std::map<std::string, TrafficEngine::BehaviourInstaller>& TrafficEngine::BehaviourKinds() {
  static const std::map<std::string, BehaviourInstaller> kinds = {
      {"c2_beacon", &TrafficEngine::InstallC2Beacon},
      {"exfiltration", &TrafficEngine::InstallExfiltration},
      {"port_scan", &TrafficEngine::InstallPortScan},
      {"brute_force", &TrafficEngine::InstallBruteForce},
      {"long_ssh", &TrafficEngine::InstallLongSession},
      {"long_http", &TrafficEngine::InstallLongSession},
      {"dmz_odd_port", &TrafficEngine::InstallDmzOddPort},
      {"spike", &TrafficEngine::InstallSpike},
      {"dns_tunnel", &TrafficEngine::InstallDnsTunnel},
      {"lateral_movement", &TrafficEngine::InstallLateralMovement}};
  return kinds;
}

void TrafficEngine::Warn(const std::string& message) const {
  if (m_ctx.warning) m_ctx.warning(message);
}

core::Status TrafficEngine::InstallBehaviour(const model::Behaviour& b, size_t index) {
  std::string where = "scenario behaviour '" + b.kind + "' (line " + std::to_string(b.line) + ")";
  auto kind = BehaviourKinds().find(b.kind);
  if (kind == BehaviourKinds().end()) {
    Warn(where + ": unknown kind, skipped");
    ++m_skipped;
    return {};
  }
  BehaviourRun r{b, m_ctx.warning, Resolve(b.source), Resolve(b.target), {}, {}};
  if (r.sources.empty()) {
    return core::MakeError(core::ErrorCode::kNotFound,
                           where + ": source '" + b.source + "' is not a simulated host or group");
  }
  if (r.targets.empty()) {
    return core::MakeError(core::ErrorCode::kNotFound,
                           where + ": target '" + b.target + "' is not a simulated host or group");
  }
  r.label = b.label.empty() ? b.kind : b.label;
  r.rng = StreamRng(0x8000000000000000ULL + index);
  std::shuffle(r.sources.begin(), r.sources.end(), r.rng);
  r.start = b.startS;
  r.end = std::min(b.startS + b.durationS, m_ctx.scenario->durationS);
  r.span = std::max(0.0, r.end - r.start);
  r.proto = b.protocol == 0 ? 6 : b.protocol;
  (this->*(kind->second))(r);
  return {};
}

void TrafficEngine::EnsureServers(const BehaviourRun& r, uint16_t port) {
  for (const SimHost* t : r.targets) m_apps.EnsureServer(t->node, r.proto, port);
}

void TrafficEngine::PlanBehaviour(const BehaviourRun& r, const SimHost* src, const SimHost* dst,
                                  uint16_t port, SessionPlan p, double at) {
  if (src == dst) return;
  p.flow = MakeFlow(src, dst, r.proto, port, r.label, r.b.kind);
  Plan(at, std::move(p));
}

void TrafficEngine::InstallC2Beacon(BehaviourRun& r) {
  uint16_t port = r.PortOr(443);
  EnsureServers(r, port);
  double interval = std::max(1.0, r.Param("interval_s", 60));
  double jitter = std::clamp(r.Param("jitter", 0.1), 0.0, 0.99);
  uint32_t req = U32(r.Param("request_bytes", 300));
  uint32_t resp = U32(r.Param("response_bytes", 900));
  std::uniform_real_distribution<double> j(-jitter, jitter);
  for (size_t h = 0; h < r.Hosts(1); ++h) {
    const SimHost* dst = r.PickTarget();
    std::uniform_real_distribution<double> phase(0, interval);
    for (double t = r.start + phase(r.rng); t < r.end; t += interval * (1 + j(r.rng))) {
      PlanBehaviour(r, r.sources[h], dst, port, Exchanges(1, req, resp, 0), t);
    }
  }
}

void TrafficEngine::InstallExfiltration(BehaviourRun& r) {
  uint16_t port = r.PortOr(443);
  EnsureServers(r, port);
  auto sessions = static_cast<uint32_t>(std::max(1.0, r.Param("sessions", 1)));
  double bytes = std::max(8.0, r.Param("bytes", 5e6));
  uint32_t per = U32(bytes / sessions);
  for (uint32_t i = 0; i < sessions; ++i) {
    PlanBehaviour(r, r.sources[0], r.PickTarget(), port,
                  Exchanges(1, per, U32(r.Param("response_bytes", 300)), 0),
                  r.start + r.span * i / sessions);
  }
}

void TrafficEngine::InstallPortScan(BehaviourRun& r) {
  if (r.proto == 1) {
    InstallIcmpSweep(r);
    return;
  }
  std::vector<uint16_t> ports = ParsePorts(r.Ports("1-1024"));
  const SimHost* dst = r.targets[0];
  double rate = r.ParamAny({"rate_per_s", "rate"}, 0);
  double interval = rate > 0 ? 1.0 / rate : r.span / std::max<size_t>(1, ports.size());
  for (size_t i = 0; i < ports.size(); ++i) {
    SessionPlan p = Exchanges(1, 8, 0, 0);
    p.closeOnConnect = true;
    p.probeTimeoutS = 1.0;
    PlanBehaviour(r, r.sources[0], dst, ports[i], std::move(p),
                  r.start + interval * static_cast<double>(i));
  }
}

// ICMP sweep: every host of the target group, or `count` addresses from the target's.
void TrafficEngine::InstallIcmpSweep(BehaviourRun& r) {
  const SimHost* src = r.sources[0];
  std::vector<std::pair<ns3::Ipv4Address, const SimHost*>> sweep;
  auto count = static_cast<uint32_t>(r.Param("count", 0));
  if (count == 0 || r.targets.size() > 1) {
    for (const SimHost* t : r.targets) sweep.emplace_back(t->address, t);
  } else {
    std::map<uint32_t, const SimHost*> byAddr;
    for (const auto& h : m_ctx.network->hosts) byAddr.emplace(h.address.Get(), &h);
    for (uint32_t i = 0; i < std::min(count, 65536u); ++i) {
      ns3::Ipv4Address a(r.targets[0]->address.Get() + i);
      auto it = byAddr.find(a.Get());
      sweep.emplace_back(a, it == byAddr.end() ? nullptr : it->second);
    }
  }
  double rate = r.ParamAny({"rate_per_s", "rate"}, 0);
  double interval = rate > 0 ? 1.0 / rate : r.span / std::max<size_t>(1, sweep.size());
  for (size_t i = 0; i < sweep.size(); ++i) {
    if (sweep[i].second == src) continue;
    SessionPlan p = Exchanges(1, 56, 0, 0);
    p.flow = MakeFlow(src, r.targets[0], 1, 0, r.label, r.b.kind);
    p.flow.dst = sweep[i].second;
    p.flow.dstIp = sweep[i].first;
    p.flow.dstGroup = sweep[i].second ? sweep[i].second->group : r.b.target;
    Plan(r.start + interval * static_cast<double>(i), std::move(p));
  }
}

void TrafficEngine::InstallBruteForce(BehaviourRun& r) {
  uint16_t port = r.PortOr(22);
  EnsureServers(r, port);
  auto attempts = static_cast<uint32_t>(std::max(1.0, r.Param("attempts", 100)));
  auto exchanges = static_cast<uint32_t>(std::max(1.0, r.Param("exchanges", 4)));
  uint32_t req = U32(r.Param("request_bytes", 120));
  uint32_t resp = U32(r.Param("response_bytes", 200));
  const SimHost* dst = r.PickTarget();
  double rate = r.ParamAny({"rate_per_s", "rate"}, 0);
  double interval = rate > 0 ? 1.0 / rate : r.span / attempts;
  for (uint32_t i = 0; i < attempts; ++i) {
    PlanBehaviour(r, r.sources[0], dst, port, Exchanges(exchanges, req, resp, 0.05),
                  r.start + interval * i);
  }
}

// long_ssh and long_http: one long session per host with regular small exchanges.
void TrafficEngine::InstallLongSession(BehaviourRun& r) {
  bool ssh = r.b.kind == "long_ssh";
  uint16_t port = r.PortOr(ssh ? 22 : 443);
  EnsureServers(r, port);
  double interval = std::max(0.01, r.Param("interval_s", ssh ? 2 : 15));
  // bytes_per_interval: request and response together per exchange.
  double perInterval = r.Param("bytes_per_interval", 0);
  double reqDef = perInterval > 0 ? std::max(8.0, perInterval / 4) : (ssh ? 64 : 400);
  double respDef = perInterval > 0 ? std::max(0.0, perInterval - reqDef) : (ssh ? 160 : 5000);
  uint32_t req = U32(r.Param("request_bytes", reqDef));
  uint32_t resp = U32(r.Param("response_bytes", respDef));
  auto count = static_cast<uint32_t>(std::max(1.0, std::floor(r.span / interval)));
  for (size_t h = 0; h < r.Hosts(1); ++h) {
    PlanBehaviour(r, r.sources[h], r.PickTarget(), port, Exchanges(count, req, resp, interval),
                  r.start);
  }
}

void TrafficEngine::InstallDmzOddPort(BehaviourRun& r) {
  uint16_t port = r.PortOr(1234);
  EnsureServers(r, port);
  double interval = r.Param("interval_s", 0);
  double sessionsDef = interval > 0 ? std::floor(r.span / interval) : 3;
  auto sessions = static_cast<uint32_t>(std::max(1.0, r.Param("sessions", sessionsDef)));
  uint32_t req = U32(r.ParamAny({"request_bytes", "bytes"}, 500));
  uint32_t resp = U32(r.Param("response_bytes", 2000));
  for (uint32_t i = 0; i < sessions; ++i) {
    PlanBehaviour(r, r.sources[0], r.PickTarget(), port, Exchanges(1, req, resp, 0),
                  r.start + r.span * i / sessions);
  }
}

void TrafficEngine::InstallSpike(BehaviourRun& r) {
  uint16_t port = r.PortOr(443);
  EnsureServers(r, port);
  auto sessions = static_cast<uint32_t>(std::max(1.0, r.Param("sessions", 200)));
  uint32_t req = U32(r.Param("request_bytes", 400));
  uint32_t resp = U32(r.Param("response_bytes", 8000));
  std::uniform_real_distribution<double> when(r.start, std::max(r.start, r.end));
  std::uniform_int_distribution<size_t> who(0, r.sources.size() - 1);
  for (uint32_t i = 0; i < sessions; ++i) {
    const SimHost* src = r.sources[who(r.rng)];
    PlanBehaviour(r, src, r.PickTarget(), port, Exchanges(1, req, resp, 0), when(r.rng));
  }
}

// dns_tunnel: many small-to-medium UDP/53 exchanges with oversized requests from one host to
// one resolver.
void TrafficEngine::InstallDnsTunnel(BehaviourRun& r) {
  const SimHost* src = r.sources[0];
  uint16_t port = r.PortOr(53);
  const SimHost* dst = r.targets[0];
  m_apps.EnsureServer(dst->node, 17, port);
  double rate = std::max(0.01, r.ParamAny({"rate_per_s", "rate"}, 2));
  auto queries = static_cast<uint32_t>(std::max(1.0, r.Param("queries", r.span * rate)));
  uint32_t req = U32(r.Param("request_bytes", 180));
  uint32_t resp = U32(r.Param("response_bytes", 300));
  for (uint32_t i = 0; i < queries; ++i) {
    SessionPlan p = Exchanges(1, req, resp, 0);
    p.flow = MakeFlow(src, dst, 17, port, r.label, r.b.kind);
    Plan(r.start + r.span * i / queries, std::move(p));
  }
}

// lateral_movement: one internal host opens SMB/RDP/SSH sessions to many hosts of the target
// group, one after another.
void TrafficEngine::InstallLateralMovement(BehaviourRun& r) {
  const SimHost* src = r.sources[0];
  std::vector<const SimHost*>& targets = r.targets;
  std::shuffle(targets.begin(), targets.end(), r.rng);
  targets.erase(std::remove(targets.begin(), targets.end(), src), targets.end());
  auto count =
      std::min<size_t>(targets.size(), static_cast<size_t>(std::max(1.0, r.Param("targets", 10))));
  std::vector<uint16_t> ports = ParsePorts(r.Ports("445,3389,22"));
  if (r.b.port != 0) ports = {r.b.port};
  if (ports.empty()) ports = {445};
  auto exchanges = static_cast<uint32_t>(std::max(1.0, r.Param("exchanges", 3)));
  uint32_t req = U32(r.Param("request_bytes", 400));
  uint32_t resp = U32(r.Param("response_bytes", 1200));
  for (size_t i = 0; i < count; ++i) {
    uint16_t port = ports[i % ports.size()];
    m_apps.EnsureServer(targets[i]->node, 6, port);
    SessionPlan p = Exchanges(exchanges, req, resp, 0.1);
    p.flow = MakeFlow(src, targets[i], 6, port, r.label, r.b.kind);
    Plan(r.start + r.span * static_cast<double>(i) / static_cast<double>(count), std::move(p));
  }
}

void TrafficEngine::Finish() {
  if (m_finished) return;
  m_finished = true;
  m_tracker.Finish();
}

// ---------------------------------------------------------------------------------------------

TrafficManager::TrafficManager(TrafficContext ctx)
    : m_ctx(ctx), m_engine(std::make_unique<TrafficEngine>(ctx)) {}

TrafficManager::~TrafficManager() = default;

core::Status TrafficManager::Install() {
  return m_engine->Install();
}
void TrafficManager::Finish() {
  m_engine->Finish();
}
uint64_t TrafficManager::SessionsStarted() const {
  return m_engine->SessionsStarted();
}
uint64_t TrafficManager::BehavioursSkipped() const {
  return m_engine->BehavioursSkipped();
}
const TrafficEngine& TrafficManager::Engine() const {
  return *m_engine;
}

}  // namespace vantage::sim
