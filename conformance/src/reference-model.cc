// Reference model: a plain map from flow key to the record being built, and two ordered
// indexes (by last packet, by first packet) so each expiry rule is one loop over an index.
#include "vantage/conformance/reference-model.h"

#include <map>
#include <string>
#include <tuple>
#include <unordered_map>
#include <utility>

#include "vantage/exporter/pcap-io.h"

namespace vantage::conformance {

struct ReferenceModel::Impl {
  struct Entry {
    core::FlowRecord rec;
    uint8_t reverseTcpFlags = 0;
    uint8_t reverseTos = 0;
    int64_t startClock = 0;
    std::pair<int64_t, uint64_t> lastIndex;   ///< key into byLast
    std::pair<int64_t, uint64_t> startIndex;  ///< key into byStart
    int64_t lastTs = 0;
    int64_t maxGap = 0;
    uint64_t firstPacket = 0;
  };

  explicit Impl(Declaration d) : decl(std::move(d)) {}

  Declaration decl;
  std::unordered_map<core::FlowKey, Entry> flows;
  std::map<std::pair<int64_t, uint64_t>, core::FlowKey> byLast;   ///< (clock, sequence)
  std::map<std::pair<int64_t, uint64_t>, core::FlowKey> byStart;  ///< (clock, sequence)
  std::vector<ExpectedRecord> out;
  int64_t clock = 0;
  bool started = false;
  uint64_t sequence = 0;
  uint64_t packetIndex = 0;

  void MoveClock(core::Timestamp ts) {
    if (!started || ts.ns > clock) clock = ts.ns;
    started = true;
  }

  void Emit(Entry& e, core::FlowEndReason reason) {
    ExpectedRecord x;
    x.record = e.rec;
    x.record.endReason = reason;
    x.maxGapNs = e.maxGap;
    x.firstPacket = e.firstPacket;
    if (decl.direction != Direction::kPerDirection) {
      out.push_back(x);
      return;
    }
    // One cache entry, one record per direction that carried packets, both with its times.
    ExpectedRecord fwd = x, rev = x;
    fwd.record.reversePackets = fwd.record.reverseOctets = 0;
    if (fwd.record.packets > 0) out.push_back(fwd);
    if (x.record.reversePackets > 0) {
      rev.record.key = x.record.key.Reversed();
      rev.record.key.tos = e.reverseTos;
      rev.record.packets = x.record.reversePackets;
      rev.record.octets = x.record.reverseOctets;
      rev.record.reversePackets = rev.record.reverseOctets = 0;
      rev.record.tcpFlags = e.reverseTcpFlags;
      out.push_back(rev);
    }
  }

  void End(const core::FlowKey& key, core::FlowEndReason reason) {
    auto it = flows.find(key);
    if (it == flows.end()) return;
    Emit(it->second, reason);
    byLast.erase(it->second.lastIndex);
    byStart.erase(it->second.startIndex);
    flows.erase(it);
  }

  void ExpireDue() {
    const int64_t idle = decl.inactiveTimeout.ns, active = decl.activeTimeout.ns;
    while (idle > 0 && !byLast.empty() && clock - byLast.begin()->first.first > idle)
      End(core::FlowKey(byLast.begin()->second), core::FlowEndReason::kIdleTimeout);
    while (active > 0 && !byStart.empty() && clock - byStart.begin()->first.first > active)
      End(core::FlowKey(byStart.begin()->second), core::FlowEndReason::kActiveTimeout);
  }

  // First fragments' ports by datagram (source, destination, protocol, identification), for
  // the later fragments of the same datagram (Declaration::fragmentsJoinFirst).
  struct Datagram {
    std::string src, dst;
    uint8_t protocol;
    uint32_t id;
    bool operator<(const Datagram& o) const {
      return std::tie(src, dst, protocol, id) < std::tie(o.src, o.dst, o.protocol, o.id);
    }
  };
  struct FirstFragment {
    uint16_t srcPort, dstPort;
    int64_t seenNs;
  };
  std::map<Datagram, FirstFragment> firstFragments;

  void JoinFirstFragment(core::Timestamp ts, wire::DecodedPacket& p) {
    if (!decl.fragmentsJoinFirst || !p.fragment) return;
    Datagram d{p.src.ToString(), p.dst.ToString(), p.protocol, p.fragmentId};
    if (p.firstFragment) {
      firstFragments[d] = {p.srcPort, p.dstPort, ts.ns};
      return;
    }
    auto it = firstFragments.find(d);
    if (it == firstFragments.end()) return;
    if (ts.ns - it->second.seenNs > decl.fragmentTimeout.ns) {
      firstFragments.erase(it);
      return;
    }
    p.srcPort = it->second.srcPort;
    p.dstPort = it->second.dstPort;
  }

  core::FlowKey KeyOf(const wire::DecodedPacket& p) const {
    core::FlowKey k;
    k.src = p.src;
    k.dst = p.dst;
    k.srcPort = p.srcPort;
    k.dstPort = p.dstPort;
    k.protocol = p.protocol;
    if (decl.keyTos) k.tos = p.tos;
    if (decl.keyVlan) k.vlan = p.vlan;
    return k;
  }

  Entry& Create(const core::FlowKey& key, core::Timestamp ts, const wire::DecodedPacket& p) {
    if (decl.cacheSize > 0 && flows.size() >= decl.cacheSize && !byLast.empty())
      End(core::FlowKey(byLast.begin()->second), core::FlowEndReason::kLackOfResources);
    Entry& e = flows[key];
    e.rec.key = key;
    e.rec.key.tos = p.tos;
    e.rec.start = e.rec.end = ts;
    e.rec.icmpType = p.icmpType;
    e.rec.icmpCode = p.icmpCode;
    e.rec.minTtl = e.rec.maxTtl = p.ttl;
    e.startClock = clock;
    e.lastTs = ts.ns;
    e.firstPacket = packetIndex;
    e.startIndex = {clock, ++sequence};
    byStart.emplace(e.startIndex, key);
    e.lastIndex = {clock, ++sequence};
    byLast.emplace(e.lastIndex, key);
    return e;
  }

  void Account(Entry& e, const core::FlowKey& key, bool reverse, core::Timestamp ts,
               const wire::DecodedPacket& p, uint64_t octets) {
    byLast.erase(e.lastIndex);
    e.lastIndex = {clock, ++sequence};
    byLast.emplace(e.lastIndex, key);
    if (ts.ns - e.lastTs > e.maxGap) e.maxGap = ts.ns - e.lastTs;
    if (ts.ns > e.lastTs) e.lastTs = ts.ns;
    if (ts < e.rec.start) e.rec.start = ts;
    if (ts > e.rec.end) e.rec.end = ts;
    if (reverse) {
      if (e.rec.reversePackets == 0) e.reverseTos = p.tos;
      ++e.rec.reversePackets;
      e.rec.reverseOctets += octets;
      e.reverseTcpFlags |= p.tcpFlags;
    } else {
      ++e.rec.packets;
      e.rec.octets += octets;
      e.rec.tcpFlags |= p.tcpFlags;
      if (p.ttl < e.rec.minTtl) e.rec.minTtl = p.ttl;
      if (p.ttl > e.rec.maxTtl) e.rec.maxTtl = p.ttl;
    }
  }

  void OnPacket(core::Timestamp ts, wire::DecodedPacket p, uint64_t frameLength) {
    ++packetIndex;
    MoveClock(ts);
    ExpireDue();
    JoinFirstFragment(ts, p);
    core::FlowKey key = KeyOf(p);
    bool reverse = false;
    auto it = flows.find(key);
    if (it == flows.end() && decl.direction != Direction::kUniflow) {
      core::FlowKey rk = key.Reversed();
      it = flows.find(rk);
      if (it != flows.end()) {
        key = rk;
        reverse = true;
      }
    }
    Entry& e = it != flows.end() ? it->second : Create(key, ts, p);
    uint64_t octets = decl.octets == OctetLayer::kIp ? p.ipOctets : frameLength;
    Account(e, key, reverse, ts, p, octets);
    if (decl.tcpEnd == TcpEnd::kImmediate && p.protocol == 6 && (p.tcpFlags & 0x05) != 0)
      End(key, core::FlowEndReason::kEndOfFlow);
  }

  void Finish() {
    while (!byLast.empty())
      End(core::FlowKey(byLast.begin()->second), core::FlowEndReason::kForcedEnd);
  }
};

ReferenceModel::ReferenceModel(Declaration declaration)
    : m_impl(std::make_unique<Impl>(std::move(declaration))) {}
ReferenceModel::~ReferenceModel() = default;

void ReferenceModel::OnPacket(core::Timestamp ts, const wire::DecodedPacket& packet,
                              uint64_t frameLength) {
  m_impl->OnPacket(ts, packet, frameLength);
}

void ReferenceModel::Advance(core::Timestamp ts) {
  ++m_impl->packetIndex;
  m_impl->MoveClock(ts);
  m_impl->ExpireDue();
}

void ReferenceModel::Finish() {
  m_impl->Finish();
}
const std::vector<ExpectedRecord>& ReferenceModel::Records() const {
  return m_impl->out;
}
std::vector<ExpectedRecord> ReferenceModel::TakeRecords() {
  return std::move(m_impl->out);
}
size_t ReferenceModel::Held() const {
  return m_impl->flows.size();
}

core::Result<ExpectedSet> ComputeExpected(const std::string& pcapPath,
                                          const Declaration& declaration, std::string* partial) {
  exporter::PcapSource src;
  VANTAGE_RETURN_IF_ERROR(src.OpenFile(pcapPath));
  wire::PacketDecoder decoder;
  ReferenceModel model(declaration);
  ExpectedSet set;
  set.input.name = pcapPath;
  core::PacketClock clock;
  exporter::PcapPacket pkt;
  wire::DecodedPacket dec;
  exporter::PcapSource::NextResult r;
  while ((r = src.Next(pkt)) == exporter::PcapSource::NextResult::kPacket) {
    ++set.input.packets;
    if (!clock.Advance(pkt.ts)) ++set.input.backwards;
    if (pkt.capLen < pkt.wireLen) ++set.input.truncated;
    auto res = decoder.Decode(src.Link(), pkt.data, pkt.capLen, pkt.wireLen, dec);
    if (res == wire::DecodeResult::kOk) {
      ++set.input.ipPackets;
      model.OnPacket(pkt.ts, dec, pkt.wireLen);
    } else {
      ++(res == wire::DecodeResult::kNotIp ? set.input.nonIp : set.input.invalid);
      model.Advance(pkt.ts);
    }
  }
  if (r == exporter::PcapSource::NextResult::kError && partial)
    *partial = src.GetError().ToString();
  model.Finish();
  set.records = model.TakeRecords();
  set.input.anomalies = decoder.Anomalies();
  return set;
}

}  // namespace vantage::conformance
