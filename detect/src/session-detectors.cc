// Detectors over single sessions and pairs: long connections, protocol expectations (the
// seed's second factor), exfiltration, and directionality (the seed's first factor).
#include <algorithm>
#include <cmath>
#include <map>

#include "detector-util.h"

namespace vantage::detect {

namespace {

using Pair = std::pair<core::IpAddress, core::IpAddress>;

std::string Service(const Connection& c) {
  if (c.protocol == 6 && c.serverPort == 22) return "ssh";
  if (c.protocol == 6 &&
      (c.serverPort == 80 || c.serverPort == 443 || c.serverPort == 8080 || c.serverPort == 8443))
    return "http";
  if ((c.protocol == 17 || c.protocol == 6) && c.serverPort == 53) return "dns";
  return "";
}

double LargestPacket(const Connection& c) {
  double out = c.packetsOut > 0 ? c.bytesOut / c.packetsOut : 0;
  double in = c.packetsIn > 0 ? c.bytesIn / c.packetsIn : 0;
  return std::max(out, in);
}

}  // namespace

std::vector<Finding> DetectLongConnections(const DetectInput& in) {
  const LongConnectionRules& r = in.rules->longConnection;
  std::vector<Finding> out;
  for (const auto& c : *in.conns) {
    if (c.DurationS() < r.minDurationS) continue;
    Finding f = detail::MakeFinding(in, "long_connection", {&c}, {c.client}, {c.server});
    f.score = c.DurationS();
    f.severity = detail::SeverityOf(c.DurationS(), r.minDurationS);
    f.detectedNs = c.startNs + detail::Ns(r.minDurationS);
    f.what = "long connection: " + detail::Fmt(std::round(c.DurationS())) + " s on port " +
             std::to_string(c.serverPort);
    f.evidence = {{"duration_s", c.DurationS()},
                  {"port", c.serverPort},
                  {"bytes_out", c.bytesOut},
                  {"bytes_in", c.bytesIn},
                  {"threshold_s", r.minDurationS}};
    out.push_back(std::move(f));
  }
  return out;
}

std::vector<Finding> DetectProtocolExpectation(const DetectInput& in) {
  const ProtocolRules& r = in.rules->protocol;
  // Per service, the measured quantity: duration (ssh, http) or the largest packet (dns).
  std::map<std::string, std::vector<std::pair<double, const Connection*>>> byService;
  for (const auto& c : *in.conns) {
    std::string s = Service(c);
    if (s.empty()) continue;
    byService[s].push_back({s == "dns" ? LargestPacket(c) : c.DurationS(), &c});
  }
  std::vector<Finding> out;
  for (const auto& [service, values] : byService) {
    std::vector<double> v;
    for (const auto& p : values) v.push_back(p.first);
    auto [median, mad] = MedianMad(v);
    double floor = service == "ssh"    ? r.sshMaxDurationS
                   : service == "http" ? r.httpMaxDurationS
                                       : r.dnsMaxPacketBytes;
    double limit = std::max(floor, median + r.baselineK * mad);
    std::map<Pair, std::vector<const Connection*>> flagged;
    for (const auto& [value, c] : values) {
      if (value > limit) flagged[{c->client, c->server}].push_back(c);
    }
    for (const auto& [pair, conns] : flagged) {
      Finding f =
          detail::MakeFinding(in, "protocol_expectation", conns, {pair.first}, {pair.second});
      double worst = 0;
      for (const Connection* c : conns) {
        worst = std::max(worst, service == "dns" ? LargestPacket(*c) : c->DurationS());
      }
      f.score = worst;
      f.severity = detail::SeverityOf(worst, limit);
      const char* unit = service == "dns" ? " bytes per packet" : " s";
      f.detectedNs =
          service == "dns" ? conns.front()->startNs : conns.front()->startNs + detail::Ns(limit);
      f.what = service + " sessions beyond expectation: " + std::to_string(conns.size()) +
               " up to " + detail::Fmt(std::round(worst)) + unit + " (limit " +
               detail::Fmt(std::round(limit)) + unit + ")";
      f.evidence = {{"sessions", static_cast<double>(conns.size())},
                    {"worst", worst},
                    {"limit", limit},
                    {"baseline_median", median},
                    {"baseline_mad", mad},
                    {"floor", floor}};
      out.push_back(std::move(f));
    }
  }
  return out;
}

namespace {

bool RoleAllows(const DirectionalityRules& r, const HostInfo* client, uint16_t port) {
  if (std::find(r.allowedPorts.begin(), r.allowedPorts.end(), port) != r.allowedPorts.end())
    return true;
  if (client == nullptr) return false;
  auto it = r.rolePorts.find(client->role);
  return it != r.rolePorts.end() &&
         std::find(it->second.begin(), it->second.end(), port) != it->second.end();
}

}  // namespace

std::vector<Finding> DetectExfiltration(const DetectInput& in) {
  const ExfiltrationRules& r = in.rules->exfiltration;
  const DirectionalityRules& roles = in.rules->directionality;
  auto eligible = [&](const Connection& c) {
    if (!c.clientInternal || c.serverInternal) return false;
    const HostInfo* h = in.ctx->Find(c.client);
    // A role's own outbound service (a mail relay sending mail) is not exfiltration.
    if (h && !h->role.empty()) {
      auto it = roles.rolePorts.find(h->role);
      if (it != roles.rolePorts.end() &&
          std::find(it->second.begin(), it->second.end(), c.serverPort) != it->second.end())
        return false;
    }
    return true;
  };
  // Totals first: only pairs that sent enough in all are gathered.
  detail::HashMap<Pair, double> totals;
  for (const auto& c : *in.conns) {
    if (eligible(c)) totals[{c.client, c.server}] += c.bytesOut;
  }
  detail::HashMap<Pair, std::vector<const Connection*>> pairs;
  for (const auto& c : *in.conns) {
    if (!eligible(c)) continue;
    auto it = totals.find({c.client, c.server});
    if (it != totals.end() && it->second >= r.minBytesOut) pairs[it->first].push_back(&c);
  }
  std::vector<Finding> out;
  int64_t window = detail::Ns(r.windowS);
  for (const auto& [pair, conns] : pairs) {
    double bytesOut = 0, bytesIn = 0, peak = 0;
    int64_t crossed = -1;
    size_t lo = 0;
    for (size_t hi = 0; hi < conns.size(); ++hi) {
      bytesOut += conns[hi]->bytesOut;
      bytesIn += conns[hi]->bytesIn;
      while (conns[hi]->startNs - conns[lo]->startNs > window) {
        bytesOut -= conns[lo]->bytesOut;
        bytesIn -= conns[lo]->bytesIn;
        ++lo;
      }
      if (bytesOut >= r.minBytesOut && bytesOut >= r.minRatio * bytesIn) {
        peak = std::max(peak, bytesOut);
        if (crossed < 0) crossed = conns[hi]->endNs;
      }
    }
    if (crossed < 0) continue;
    double totalOut = 0, totalIn = 0;
    for (const Connection* c : conns) {
      totalOut += c->bytesOut;
      totalIn += c->bytesIn;
    }
    Finding f = detail::MakeFinding(in, "exfiltration", conns, {pair.first}, {pair.second});
    f.score = peak;
    f.severity = detail::SeverityOf(peak, r.minBytesOut);
    f.detectedNs = crossed;
    f.what = "exfiltration: " + detail::Fmt(std::round(peak)) + " bytes out within " +
             detail::Fmt(r.windowS) + " s, " + detail::Fmt(std::round(totalIn)) + " back";
    f.evidence = {{"bytes_out_in_window", peak},
                  {"bytes_out", totalOut},
                  {"bytes_in", totalIn},
                  {"ratio", totalIn > 0 ? totalOut / totalIn : totalOut},
                  {"connections", static_cast<double>(conns.size())},
                  {"threshold_bytes", r.minBytesOut}};
    out.push_back(std::move(f));
  }
  return out;
}

std::vector<Finding> DetectDirectionality(const DetectInput& in) {
  const DirectionalityRules& r = in.rules->directionality;
  using Key = std::tuple<core::IpAddress, core::IpAddress, uint16_t>;
  std::map<Key, std::vector<const Connection*>> flagged;
  for (const auto& c : *in.conns) {
    if (c.protocol != 6 && c.protocol != 17) continue;
    const model::ZoneKind* from = in.ctx->ZoneOf(c.client);
    const model::ZoneKind* to = in.ctx->ZoneOf(c.server);
    if (!from || !to || *to != model::ZoneKind::kInternet) continue;
    if (*from != model::ZoneKind::kDmz && *from != model::ZoneKind::kDataCentre) continue;
    if (RoleAllows(r, in.ctx->Find(c.client), c.serverPort)) continue;
    flagged[{c.client, c.server, c.serverPort}].push_back(&c);
  }
  std::vector<Finding> out;
  for (const auto& [key, conns] : flagged) {
    const auto& [client, server, port] = key;
    Finding f = detail::MakeFinding(in, "directionality", conns, {client}, {server});
    const HostInfo* h = in.ctx->Find(client);
    std::string role = h && !h->role.empty() ? h->role : "no role";
    f.score = static_cast<double>(conns.size());
    f.severity = Severity::kHigh;
    f.detectedNs = conns.front()->startNs;
    f.what = "unexpected direction: server (" + role + ") calls the internet on port " +
             std::to_string(port) + ", " + std::to_string(conns.size()) + " sessions";
    f.evidence = {{"sessions", static_cast<double>(conns.size())}, {"port", port}};
    out.push_back(std::move(f));
  }
  return out;
}

}  // namespace vantage::detect
