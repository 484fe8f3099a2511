// Matching point records to ground-truth flows, before or after NAT, in either direction.
#include "vantage/planner/observations.h"

#include <algorithm>
#include <limits>
#include <map>

namespace vantage::planner {

const char* AttributionName(Attribution a) {
  switch (a) {
    case Attribution::kDirect:
      return "direct";
    case Attribution::kNatLog:
      return "nat-log";
    case Attribution::kLost:
      return "lost";
  }
  return "?";
}

namespace {

bool IsIcmp(uint8_t proto) {
  return proto == 1 || proto == 58;
}

std::string NatKey(uint8_t proto, const core::IpAddress& outside, uint16_t outsidePort,
                   const core::IpAddress& inside, uint16_t insidePort) {
  std::string k;
  k.reserve(40);
  k.push_back(static_cast<char>(proto));
  k.append(reinterpret_cast<const char*>(outside.bytes.data()), 16);
  k.push_back(static_cast<char>(outsidePort >> 8));
  k.push_back(static_cast<char>(outsidePort & 0xff));
  k.append(reinterpret_cast<const char*>(inside.bytes.data()), 16);
  k.push_back(static_cast<char>(insidePort >> 8));
  k.push_back(static_cast<char>(insidePort & 0xff));
  return k;
}

}  // namespace

std::string MatchIndex::Key(uint8_t proto, const core::IpAddress& a, uint16_t pa,
                            const core::IpAddress& b, uint16_t pb) {
  if (IsIcmp(proto)) pa = pb = 0;
  bool swap = b < a || (a == b && pb < pa);
  const core::IpAddress& x = swap ? b : a;
  const core::IpAddress& y = swap ? a : b;
  uint16_t px = swap ? pb : pa;
  uint16_t py = swap ? pa : pb;
  std::string k;
  k.reserve(40);
  k.push_back(static_cast<char>(proto));
  k.push_back(static_cast<char>(x.family));
  k.append(reinterpret_cast<const char*>(x.bytes.data()), 16);
  k.push_back(static_cast<char>(px >> 8));
  k.push_back(static_cast<char>(px & 0xff));
  k.push_back(static_cast<char>(y.family));
  k.append(reinterpret_cast<const char*>(y.bytes.data()), 16);
  k.push_back(static_cast<char>(py >> 8));
  k.push_back(static_cast<char>(py & 0xff));
  return k;
}

MatchIndex::MatchIndex(const RunData& run, int64_t slackNs) : m_run(&run), m_slack(slackNs) {
  const auto& flows = run.flows;
  m_natLogged.assign(flows.size(), false);
  // Earliest binding-create time per (outside, inside) tuple.
  std::map<std::string, int64_t> created;
  for (const auto& e : run.natEvents) {
    if (e.event != 10 && e.event != 4) continue;  // NAT44 binding / session create
    std::string k = NatKey(e.protocol, e.outsideIp, e.outsidePort, e.insideIp, e.insidePort);
    auto it = created.find(k);
    if (it == created.end() || e.timeNs < it->second) created[k] = e.timeNs;
  }
  for (uint32_t i = 0; i < flows.size(); ++i) {
    const auto& f = flows[i];
    m_index[Key(f.protocol, f.srcIp, f.srcPort, f.dstIp, f.dstPort)].push_back({i, true});
    if (f.Natted()) {
      m_index[Key(f.protocol, f.natIp, f.natPort, f.dstIp, f.dstPort)].push_back({i, false});
      uint16_t outPort = IsIcmp(f.protocol) ? f.natPort : f.natPort;
      auto it = created.find(NatKey(f.protocol, f.natIp, outPort, f.srcIp, f.srcPort));
      m_natLogged[i] = it != created.end() && it->second <= f.endNs + m_slack;
    }
  }
}

template <typename Visit>
void MatchIndex::ForEachFit(const core::FlowRecord& r, Visit visit) const {
  auto it = m_index.find(Key(r.key.protocol, r.key.src, r.key.srcPort, r.key.dst, r.key.dstPort));
  if (it == m_index.end()) return;
  bool haveTime = r.start.ns != 0 || r.end.ns != 0;
  int64_t rs = r.start.ns;
  int64_t re = std::max(r.end.ns, r.start.ns);
  for (const Entry& e : it->second) {
    const auto& f = m_run->flows[e.flow];
    int64_t distance = 0;
    if (haveTime) {
      if (re < f.startNs - m_slack || rs > f.endNs + m_slack) continue;
      distance = rs > f.startNs ? rs - f.startNs : f.startNs - rs;
    }
    visit(e, distance);
  }
}

bool MatchIndex::Match(const core::FlowRecord& r, uint32_t& flow, bool& direct) const {
  int64_t bestDistance = std::numeric_limits<int64_t>::max();
  bool found = false;
  ForEachFit(r, [&](const Entry& e, int64_t distance) {
    if (distance < bestDistance || (distance == bestDistance && e.pre && !direct)) {
      bestDistance = distance;
      flow = e.flow;
      direct = e.pre;
      found = true;
    }
  });
  return found;
}

std::vector<MatchIndex::Candidate> MatchIndex::Candidates(const core::FlowRecord& r) const {
  std::vector<Candidate> out;
  ForEachFit(r, [&](const Entry& e, int64_t distance) {
    out.push_back({e.flow, e.pre, distance});
  });
  return out;
}

const MatchIndex::Candidate* MatchIndex::Nearest(const std::vector<Candidate>& candidates) {
  const Candidate* best = nullptr;
  for (const Candidate& c : candidates) {
    if (best == nullptr || c.distance < best->distance ||
        (c.distance == best->distance && c.pre && !best->pre)) {
      best = &c;
    }
  }
  return best;
}

PointObservation MatchPoint(const RunData& run, const MatchIndex& index, const std::string& point,
                            const std::vector<core::FlowRecord>& records) {
  PointObservation obs;
  obs.point = point;
  obs.records = records.size();
  std::map<uint32_t, FlowMatch> byFlow;
  for (const auto& r : records) {
    uint32_t flow = 0;
    bool direct = false;
    if (!index.Match(r, flow, direct)) {
      ++obs.unmatchedRecords;
      continue;
    }
    FlowMatch& m = byFlow[flow];
    m.flow = flow;
    ++m.records;
    m.packets += r.packets + r.reversePackets;
    m.octets += r.octets + r.reverseOctets;
    m.direct = m.direct || direct || !run.flows[flow].Natted();
    m.natLogged = index.NatLogged(flow);
    m.samplingInterval = std::max(m.samplingInterval, r.samplingInterval);
  }
  obs.matches.reserve(byFlow.size());
  for (auto& kv : byFlow) obs.matches.push_back(kv.second);
  return obs;
}

}  // namespace vantage::planner
