// FlowSet and connection assembly (see flows.h).
#include "vantage/detect/flows.h"

#include <algorithm>
#include <cstring>
#include <unordered_map>

namespace vantage::detect {

void FlowSet::Add(const std::vector<core::FlowRecord>& records, const std::string& source,
                  uint32_t sampling) {
  auto sourceIndex = static_cast<uint32_t>(sources.size());
  sources.push_back(source);
  flows.reserve(flows.size() + records.size());
  for (size_t i = 0; i < records.size(); ++i) {
    const auto& r = records[i];
    Flow f;
    f.startNs = r.start.ns;
    f.endNs = std::max(r.end.ns, r.start.ns);
    f.src = r.key.src;
    f.dst = r.key.dst;
    f.srcPort = r.key.srcPort;
    f.dstPort = r.key.dstPort;
    f.protocol = r.key.protocol;
    f.tcpFlags = r.tcpFlags;
    f.packets = r.packets;
    f.octets = r.octets;
    f.revPackets = r.reversePackets;
    f.revOctets = r.reverseOctets;
    f.sampling = std::max<uint32_t>(1, r.samplingInterval > 1 ? r.samplingInterval : sampling);
    f.ref = i;
    f.source = sourceIndex;
    flows.push_back(f);
  }
  UpdateSpan();
}

void FlowSet::UpdateSpan() {
  firstNs = lastNs = 0;
  if (flows.empty()) return;
  firstNs = flows.front().startNs;
  lastNs = flows.front().endNs;
  for (const auto& f : flows) {
    firstNs = std::min(firstNs, f.startNs);
    lastNs = std::max(lastNs, f.endNs);
  }
}

uint32_t FlowSet::MaxSampling() const {
  uint32_t m = 1;
  for (const auto& f : flows) m = std::max(m, f.sampling);
  return m;
}

bool Connection::Failed() const {
  if (sampling > 1) {
    // Sampled packets cannot show a missing answer or a bare handshake: only a reset counts.
    return protocol == 6 && (flagsIn & kRst) && !(flagsIn & kFin);
  }
  if (protocol == 6) {
    if (packetsIn == 0) return true;  // no answer at all
    if ((flagsIn & kRst) && !(flagsIn & kFin) && bytesIn <= 3 * 60.0 * sampling) return true;
    // A bare handshake: the client sent nothing beyond SYN/ACK/FIN.
    return packetsOut <= 3.0 * sampling && bytesOut <= 3 * 60.0 * sampling;
  }
  return packetsIn == 0;
}

bool IsResponse(const Flow& f) {
  if (f.protocol == 1 || f.protocol == 58) {
    uint8_t type = static_cast<uint8_t>(f.dstPort >> 8);
    return f.protocol == 1 ? type == 0 : type == 129;  // echo reply
  }
  return f.srcPort < f.dstPort;
}

namespace {

struct ConnKey {
  core::IpAddress client, server;
  uint16_t clientPort, serverPort;
  uint8_t protocol;
  bool operator==(const ConnKey& o) const {
    return clientPort == o.clientPort && serverPort == o.serverPort && protocol == o.protocol &&
           client == o.client && server == o.server;
  }
};

struct ConnKeyHash {
  size_t operator()(const ConnKey& k) const noexcept {
    size_t h = std::hash<core::IpAddress>()(k.client);
    h = h * 1000003u ^ std::hash<core::IpAddress>()(k.server);
    h = h * 1000003u ^ (static_cast<size_t>(k.clientPort) << 24 | k.serverPort << 8 | k.protocol);
    return h;
  }
};

ConnKey KeyOf(const Flow& f, bool& response) {
  response = IsResponse(f);
  if (f.protocol == 1 || f.protocol == 58) {
    // ICMP: one conversation per address pair and echo identifier-free type.
    return response ? ConnKey{f.dst, f.src, 0, 0, f.protocol}
                    : ConnKey{f.src, f.dst, 0, 0, f.protocol};
  }
  return response ? ConnKey{f.dst, f.src, f.dstPort, f.srcPort, f.protocol}
                  : ConnKey{f.src, f.dst, f.srcPort, f.dstPort, f.protocol};
}

// Counters of one connection as one source (point) saw it.
struct SourceView {
  uint32_t source = 0;
  uint32_t sampling = 1;
  double packetsOut = 0, bytesOut = 0, packetsIn = 0, bytesIn = 0;
};

void AddFlow(Connection& c, std::vector<SourceView>& views, const Flow& f, uint32_t index,
             bool response) {
  SourceView* v = nullptr;
  for (auto& x : views) {
    if (x.source == f.source) v = &x;
  }
  if (v == nullptr) {
    views.push_back({f.source, f.sampling});
    v = &views.back();
  }
  double n = f.sampling;
  v->sampling = std::max(v->sampling, f.sampling);
  v->packetsOut += static_cast<double>(response ? f.revPackets : f.packets) * n;
  v->bytesOut += static_cast<double>(response ? f.revOctets : f.octets) * n;
  v->packetsIn += static_cast<double>(response ? f.packets : f.revPackets) * n;
  v->bytesIn += static_cast<double>(response ? f.octets : f.revOctets) * n;
  (response ? c.flagsIn : c.flagsOut) |= f.tcpFlags;
  c.startNs = std::min(c.startNs, f.startNs);
  c.endNs = std::max(c.endNs, f.endNs);
  c.flows.push_back(index);
}

// Several points may see one connection: its counters are those of the best view (the least
// sampled, then the most packets), never a sum that would count it twice.
void Settle(Connection& c, const std::vector<SourceView>& views) {
  const SourceView* best = &views.front();
  for (const auto& v : views) {
    double total = v.packetsOut + v.packetsIn, bestTotal = best->packetsOut + best->packetsIn;
    if (v.sampling < best->sampling || (v.sampling == best->sampling && total > bestTotal))
      best = &v;
  }
  c.packetsOut = best->packetsOut;
  c.bytesOut = best->bytesOut;
  c.packetsIn = best->packetsIn;
  c.bytesIn = best->bytesIn;
  c.sampling = best->sampling;
}

}  // namespace

std::vector<Connection> BuildConnections(const FlowSet& set, int64_t gapNs) {
  // Records in start order, so a connection grows forward in time and a gap starts a new one.
  std::vector<uint32_t> order(set.flows.size());
  for (uint32_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(),
            [&](uint32_t a, uint32_t b) { return set.flows[a].startNs < set.flows[b].startNs; });
  std::vector<Connection> conns;
  conns.reserve(set.flows.size() / 2 + 1);
  std::unordered_map<ConnKey, uint32_t, ConnKeyHash> open;
  open.reserve(set.flows.size());
  std::vector<std::vector<SourceView>> views;
  views.reserve(conns.capacity());
  for (uint32_t idx : order) {
    const Flow& f = set.flows[idx];
    bool response = false;
    ConnKey key = KeyOf(f, response);
    auto it = open.find(key);
    if (it != open.end() && f.startNs <= conns[it->second].endNs + gapNs) {
      AddFlow(conns[it->second], views[it->second], f, idx, response);
      continue;
    }
    Connection c;
    c.client = key.client;
    c.server = key.server;
    c.clientPort = key.clientPort;
    c.serverPort = key.serverPort;
    c.protocol = key.protocol;
    c.startNs = f.startNs;
    c.endNs = f.endNs;
    views.emplace_back();
    AddFlow(c, views.back(), f, idx, response);
    conns.push_back(std::move(c));
    open[key] = static_cast<uint32_t>(conns.size() - 1);
  }
  for (size_t i = 0; i < conns.size(); ++i) Settle(conns[i], views[i]);
  return conns;
}

}  // namespace vantage::detect
