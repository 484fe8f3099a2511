// A cloud provider's flow-log metering (see flow-log-meter.h and docs/cloud-flow-logs.md):
// per-interface records per clock-aligned window, the provider's exclusions, AWS NODATA and
// SKIPDATA, Google Cloud's record sampling and Azure's bidirectional flow states.
#include "vantage/exporter/flow-log-meter.h"

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <tuple>

#include "vantage/wire/packet-decoder.h"

namespace vantage::exporter {

using wire::flowlog::Action;
using wire::flowlog::Direction;
using wire::flowlog::FlowLogRecord;
using wire::flowlog::LogStatus;
using wire::flowlog::Provider;
using wire::flowlog::Settings;
using wire::flowlog::TrafficType;

namespace {

constexpr int64_t kNsPerS = 1000000000LL;
constexpr uint8_t kTcp = 6, kUdp = 17, kIcmp = 1, kEsp = 50, kGre = 47;

core::FlowKey KeyOf(const FlowLogPacket& p) {
  core::FlowKey k;
  k.src = p.src;
  k.dst = p.dst;
  k.srcPort = p.srcPort;
  k.dstPort = p.dstPort;
  k.protocol = p.protocol;
  return k;
}
constexpr uint8_t kFin = 0x01, kSyn = 0x02, kRst = 0x04, kAck = 0x10;

/// AWS `tcp-flags`: FIN, SYN and RST, and ACK only as part of SYN-ACK (18).
uint8_t AwsTcpFlags(uint8_t flags) {
  uint8_t f = flags & (kFin | kSyn | kRst);
  if ((flags & (kSyn | kAck)) == (kSyn | kAck)) f |= kAck;
  return f;
}

uint64_t SplitMix64(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

uint64_t Mix(uint64_t h, uint64_t v) {
  return SplitMix64(h ^ v);
}

uint64_t HashAddress(uint64_t h, const core::IpAddress& a) {
  h = Mix(h, a.family);
  for (uint8_t b : a.bytes) h = Mix(h, b);
  return h;
}

uint64_t HashString(uint64_t h, const std::string& s) {
  for (char c : s) h = Mix(h, static_cast<uint8_t>(c));
  return Mix(h, s.size());
}

int64_t FloorDiv(int64_t a, int64_t b) {
  return a / b - ((a % b != 0) && ((a < 0) != (b < 0)) ? 1 : 0);
}

/// One record's identity inside a window: the interface (its index in Impl::names), the
/// 5-tuple as the interface sees it, the direction, the decision and the packet's own
/// addresses.
struct RecordKey {
  uint32_t itf = 0;
  core::FlowKey key;  ///< src, dst, ports and protocol only
  Direction direction = Direction::kUnknown;
  Action action = Action::kNone;
  core::IpAddress pktSrc, pktDst;

  auto Tie() const {
    return std::tie(key.src, key.dst, key.srcPort, key.dstPort, key.protocol, direction, action,
                    pktSrc, pktDst);
  }
};

/// Records in file order: by interface name, then tuple (the names outlive the maps).
struct RecordOrder {
  const std::vector<std::string>* names = nullptr;
  bool operator()(const RecordKey& a, const RecordKey& b) const {
    if (a.itf != b.itf) return (*names)[a.itf] < (*names)[b.itf];
    return a.Tie() < b.Tie();
  }
};

struct Accumulator {
  uint64_t packets = 0, octets = 0, reversePackets = 0, reverseOctets = 0;
  core::Timestamp first, last;
  uint8_t tcpFlags = 0;
  int trafficPath = 0;
  char azureState = 0;
  bool ended = false;  ///< Azure: FIN or RST seen in the window
};

using WindowFlows = std::map<RecordKey, Accumulator, RecordOrder>;

/// Azure: a connection's orientation (who began it) and whether it was seen before.
struct ConnKey {
  uint32_t itf = 0;
  core::FlowKey key;
  bool operator<(const ConnKey& o) const {
    return std::tie(itf, key.src, key.srcPort, key.dst, key.dstPort, key.protocol) <
           std::tie(o.itf, o.key.src, o.key.srcPort, o.key.dst, o.key.dstPort, o.key.protocol);
  }
};
struct ConnState {
  bool begun = false;     ///< a window already reported it (later windows say C)
  bool outbound = false;  ///< its first packet left the NIC
};

}  // namespace

struct FlowLogMeter::Impl {
  Settings settings;
  uint64_t seed = 0;
  FlowLogMeterStats stats;
  int64_t windowNs = 600 * kNsPerS;
  std::set<std::string> interfaces;  ///< declared (AWS NODATA)
  std::vector<std::string> names;    ///< every interface seen or declared, by index
  std::map<std::string, uint32_t> indexOf;
  uint32_t lastItf = UINT32_MAX;       ///< the previous packet's: most packets repeat it
  std::set<core::IpAddress> excluded;  ///< addresses the deployment places (VPC+2, ...)
  uint64_t recordLimit = 0;
  std::optional<int64_t> nextToClose;  ///< start of the oldest window not yet closed
  std::map<int64_t, WindowFlows> open;
  std::map<ConnKey, ConnState> connections;  ///< Azure only
  std::vector<FlowLogRecord> ready;

  int64_t WindowOf(core::Timestamp t) const { return FloorDiv(t.ns, windowNs) * windowNs; }
  uint32_t IndexOf(const std::string& interfaceId);
  WindowFlows& Window(int64_t start) {
    return open.try_emplace(start, RecordOrder{&names}).first->second;
  }

  bool Excluded(const FlowLogPacket& p) const;
  bool Filtered(const FlowLogPacket& p) const;
  void Meter(const FlowLogPacket& p);
  void MeterAzure(const FlowLogPacket& p, uint32_t itf, int64_t window);
  void CloseUpTo(int64_t limitNs);
  void CloseWindow(int64_t start);
  void SettleAzureStates(WindowFlows& flows);
  FlowLogRecord MakeRecord(int64_t start, const RecordKey& k, const Accumulator& a) const;
  FlowLogRecord StatusRecord(int64_t start, const std::string& itf, LogStatus status) const;
  bool SampledOut(int64_t start, const RecordKey& k) const;
};

uint32_t FlowLogMeter::Impl::IndexOf(const std::string& interfaceId) {
  if (lastItf < names.size() && names[lastItf] == interfaceId) return lastItf;
  auto [it, fresh] = indexOf.try_emplace(interfaceId, static_cast<uint32_t>(names.size()));
  if (fresh) names.push_back(interfaceId);
  lastItf = it->second;
  return lastItf;
}

// ---------------------------------------------------------------- what is logged

bool FlowLogMeter::Impl::Excluded(const FlowLogPacket& p) const {
  // The provider's own services and DHCP (wire's one rule set), by the interface's view of
  // the addresses and by the packet's own; then the addresses the deployment places.
  auto packets = [](const core::IpAddress& pkt, const core::IpAddress& seen) {
    return pkt.IsSet() ? pkt : seen;
  };
  const Provider provider = settings.provider;
  if (wire::flowlog::UnloggedReason(provider, p.src, p.dst, p.srcPort, p.dstPort, p.protocol) ||
      wire::flowlog::UnloggedReason(provider, packets(p.pktSrc, p.src), packets(p.pktDst, p.dst),
                                    p.srcPort, p.dstPort, p.protocol)) {
    return true;
  }
  if (excluded.count(p.src) != 0 || excluded.count(p.dst) != 0) return true;
  for (const auto& a : {p.pktSrc, p.pktDst}) {
    if (a.IsSet() && excluded.count(a) != 0) return true;
  }
  // Google Cloud samples TCP, UDP, ICMP, ESP and GRE only, and logs what the firewall
  // allowed (denied packets belong to Firewall Rules Logging).
  if (provider != Provider::kGcp) return false;
  if (p.protocol != kTcp && p.protocol != kUdp && p.protocol != kIcmp && p.protocol != kEsp &&
      p.protocol != kGre) {
    return true;
  }
  return p.action == Action::kReject;
}

bool FlowLogMeter::Impl::Filtered(const FlowLogPacket& p) const {
  if (settings.provider != Provider::kAws) return false;
  switch (settings.trafficType) {
    case TrafficType::kAll:
      return false;
    case TrafficType::kAccept:
      return p.action == Action::kReject;
    case TrafficType::kReject:
      return p.action != Action::kReject;
  }
  return false;
}

// ---------------------------------------------------------------- metering

void FlowLogMeter::Impl::Meter(const FlowLogPacket& p) {
  int64_t window = WindowOf(p.time);
  if (!nextToClose) nextToClose = window;
  if (window < *nextToClose) {
    ++stats.latePackets;  // its window is closed: the provider counts it in the next one
    window = *nextToClose;
  }
  const uint32_t itf = IndexOf(p.interfaceId);
  if (settings.provider == Provider::kAzure) {
    MeterAzure(p, itf, window);
    return;
  }
  RecordKey k;
  k.itf = itf;
  k.key = KeyOf(p);
  k.direction = p.direction;
  k.action = p.action == Action::kNone ? Action::kAccept : p.action;
  k.pktSrc = p.pktSrc;
  k.pktDst = p.pktDst;
  Accumulator& a = Window(window)[k];
  if (a.packets == 0) a.first = p.time;
  a.last = std::max(a.last, p.time);
  ++a.packets;
  a.octets += p.ipBytes;
  if (p.protocol == kTcp) {
    a.tcpFlags |= settings.provider == Provider::kAws ? AwsTcpFlags(p.tcpFlags) : p.tcpFlags;
  }
  if (a.trafficPath == 0) a.trafficPath = p.trafficPath;
}

void FlowLogMeter::Impl::MeterAzure(const FlowLogPacket& p, uint32_t itf, int64_t window) {
  // One tuple per connection, oriented as it began; replies count in the reverse columns.
  const ConnKey fwd{itf, KeyOf(p)};
  const ConnKey rev{itf, fwd.key.Reversed()};
  const bool reply = connections.count(fwd) == 0 && connections.count(rev) != 0;
  const ConnKey& ck = reply ? rev : fwd;
  auto [it, fresh] = connections.try_emplace(ck);
  ConnState& cs = it->second;
  // The connection's direction relative to the NIC is its first packet's.
  if (fresh) cs.outbound = p.direction != Direction::kIngress;
  RecordKey k;
  k.itf = itf;
  k.key = ck.key;
  k.direction = cs.outbound ? Direction::kEgress : Direction::kIngress;
  k.action = p.action == Action::kReject ? Action::kReject : Action::kAccept;
  Accumulator& a = Window(window)[k];
  if (a.packets + a.reversePackets == 0) a.first = p.time;
  a.last = std::max(a.last, p.time);
  if (reply) {
    ++a.reversePackets;
    a.reverseOctets += p.ipBytes;
  } else {
    ++a.packets;
    a.octets += p.ipBytes;
  }
  if (p.protocol == kTcp) {
    a.tcpFlags |= p.tcpFlags;
    if ((p.tcpFlags & (kFin | kRst)) != 0) a.ended = true;
  }
}

void FlowLogMeter::Impl::SettleAzureStates(WindowFlows& flows) {
  // Begin in the connection's first window, End once FIN or RST was seen, Continuing between;
  // a denied tuple is D. The tuple after an end begins a new flow.
  for (auto& [k, a] : flows) {
    auto it = connections.find(ConnKey{k.itf, k.key});
    if (k.action == Action::kReject) {
      a.azureState = 'D';
      if (it != connections.end()) connections.erase(it);
      continue;
    }
    const bool begun = it != connections.end() && it->second.begun;
    a.azureState = a.ended ? 'E' : (begun ? 'C' : 'B');
    if (it == connections.end()) continue;
    if (a.ended) {
      connections.erase(it);
    } else {
      it->second.begun = true;
    }
  }
}

// ---------------------------------------------------------------- closing windows

bool FlowLogMeter::Impl::SampledOut(int64_t start, const RecordKey& k) const {
  if (settings.provider != Provider::kGcp || settings.sampleRate >= 1.0) return false;
  uint64_t h = Mix(seed, static_cast<uint64_t>(start));
  h = HashString(h, names[k.itf]);
  h = HashAddress(h, k.key.src);
  h = HashAddress(h, k.key.dst);
  h = Mix(h, (uint64_t{k.key.srcPort} << 24) | (uint64_t{k.key.dstPort} << 8) | k.key.protocol);
  h = Mix(h, static_cast<uint64_t>(k.direction));
  const double u = static_cast<double>(h >> 11) * (1.0 / 9007199254740992.0);
  return u >= settings.sampleRate;
}

FlowLogRecord FlowLogMeter::Impl::MakeRecord(int64_t start, const RecordKey& k,
                                             const Accumulator& a) const {
  FlowLogRecord r;
  r.provider = settings.provider;
  r.interfaceId = names[k.itf];
  r.SetKey(k.key);
  r.packets = a.packets;
  r.octets = a.octets;
  r.reversePackets = a.reversePackets;
  r.reverseOctets = a.reverseOctets;
  r.start = a.first;
  r.end = a.last;
  if (settings.provider == Provider::kAws) {  // AWS reports whole seconds
    r.start = core::Timestamp::FromSeconds(FloorDiv(a.first.ns, kNsPerS));
    r.end = core::Timestamp::FromSeconds(FloorDiv(a.last.ns, kNsPerS));
  }
  r.tcpFlags = a.tcpFlags;
  r.action = k.action;
  r.direction = k.direction;
  r.pktSrc = k.pktSrc;
  r.pktDst = k.pktDst;
  r.trafficPath = k.direction == Direction::kEgress ? a.trafficPath : 0;
  if (settings.provider == Provider::kGcp) {
    r.reporter = k.direction == Direction::kEgress ? "SRC" : "DEST";
  }
  r.azureState = a.azureState;
  r.delivered = core::Timestamp::FromNanos(start + windowNs +
                                           static_cast<int64_t>(settings.deliveryDelayS * 1e9));
  return r;
}

FlowLogRecord FlowLogMeter::Impl::StatusRecord(int64_t start, const std::string& itf,
                                               LogStatus status) const {
  FlowLogRecord r;
  r.provider = settings.provider;
  r.interfaceId = itf;
  r.logStatus = status;
  r.start = core::Timestamp::FromNanos(start);
  r.end = core::Timestamp::FromNanos(start + windowNs);
  r.delivered = core::Timestamp::FromNanos(start + windowNs +
                                           static_cast<int64_t>(settings.deliveryDelayS * 1e9));
  return r;
}

void FlowLogMeter::Impl::CloseWindow(int64_t start) {
  WindowFlows flows(RecordOrder{&names});
  if (auto it = open.find(start); it != open.end()) {
    flows = std::move(it->second);
    open.erase(it);
  }
  if (settings.provider == Provider::kAzure) SettleAzureStates(flows);
  std::vector<uint64_t> perInterface(names.size());  ///< records by interface index
  std::set<std::string> skipped;
  for (const auto& [k, a] : flows) {
    if (SampledOut(start, k)) {
      ++stats.sampledOutRecords;
      continue;
    }
    uint64_t& n = perInterface[k.itf];
    if (recordLimit != 0 && n >= recordLimit) {
      skipped.insert(names[k.itf]);
      continue;
    }
    ++n;
    ready.push_back(MakeRecord(start, k, a));
    ++stats.records;
  }
  for (const auto& itf : skipped) {
    ready.push_back(StatusRecord(start, itf, LogStatus::kSkipData));
    ++stats.skipDataRecords;
    ++stats.records;
  }
  if (settings.provider == Provider::kAws) {
    for (const auto& itf : interfaces) {
      if (perInterface[indexOf.at(itf)] != 0) continue;
      ready.push_back(StatusRecord(start, itf, LogStatus::kNoData));
      ++stats.noDataRecords;
      ++stats.records;
    }
  }
}

void FlowLogMeter::Impl::CloseUpTo(int64_t limitNs) {
  if (!nextToClose) return;
  while (*nextToClose + windowNs <= limitNs) {
    // Without declared interfaces a quiet stretch produces nothing: jump to the next window
    // that holds traffic.
    if (interfaces.empty() || settings.provider != Provider::kAws) {
      auto it = open.lower_bound(*nextToClose);
      if (it == open.end()) {
        nextToClose = FloorDiv(limitNs, windowNs) * windowNs;
        return;
      }
      if (it->first + windowNs > limitNs) {
        nextToClose = it->first;
        return;
      }
      nextToClose = it->first;
    }
    CloseWindow(*nextToClose);
    *nextToClose += windowNs;
  }
}

// ---------------------------------------------------------------- FlowLogMeter

FlowLogMeter::FlowLogMeter(const Settings& settings, uint64_t seed)
    : m_impl(std::make_unique<Impl>()) {
  m_impl->settings = settings;
  m_impl->seed = SplitMix64(seed);
  m_impl->windowNs =
      static_cast<int64_t>(std::max<uint32_t>(1, settings.aggregationIntervalS)) * kNsPerS;
}

FlowLogMeter::~FlowLogMeter() = default;

void FlowLogMeter::AddInterface(const std::string& interfaceId) {
  m_impl->interfaces.insert(interfaceId);
  m_impl->IndexOf(interfaceId);
}

void FlowLogMeter::SetVpc(const core::IpPrefix& vpcCidr) {
  if (vpcCidr.network.IsV4()) {
    m_impl->excluded.insert(core::IpAddress::V4(vpcCidr.network.V4Value() + 2));
  }
}

void FlowLogMeter::AddSubnet(const core::IpPrefix& subnet) {
  if (subnet.network.IsV4() && m_impl->settings.provider == Provider::kAws) {
    m_impl->excluded.insert(core::IpAddress::V4(subnet.network.V4Value() + 1));
  }
}

void FlowLogMeter::AddProviderAddress(const core::IpAddress& address) {
  m_impl->excluded.insert(address);
}

void FlowLogMeter::SetRecordLimit(uint64_t perInterfacePerWindow) {
  m_impl->recordLimit = perInterfacePerWindow;
}

void FlowLogMeter::OnPacket(const FlowLogPacket& packet) {
  ++m_impl->stats.packets;
  if (m_impl->Excluded(packet)) {
    ++m_impl->stats.excludedPackets;
    return;
  }
  if (m_impl->Filtered(packet)) {
    ++m_impl->stats.filteredPackets;
    return;
  }
  m_impl->Meter(packet);
}

void FlowLogMeter::Advance(core::Timestamp now) {
  if (!m_impl->nextToClose) m_impl->nextToClose = m_impl->WindowOf(now);
  m_impl->CloseUpTo(now.ns);
}

std::vector<FlowLogRecord> FlowLogMeter::TakeRecords() {
  std::vector<FlowLogRecord> out;
  out.swap(m_impl->ready);
  return out;
}

std::vector<FlowLogRecord> FlowLogMeter::Finish(core::Timestamp end) {
  Advance(end);
  // The window holding the last instant before `end` closes too, with whatever it has; so do
  // windows of packets stamped at or after `end`.
  Impl& m = *m_impl;
  m.CloseUpTo(m.WindowOf(core::Timestamp::FromNanos(end.ns - 1)) + m.windowNs);
  while (!m.open.empty()) {
    const int64_t start = m.open.begin()->first;
    m.CloseWindow(start);
    m.nextToClose = std::max(*m.nextToClose, start + m.windowNs);
  }
  return TakeRecords();
}

FlowLogPacket MakeFlowLogPacket(const wire::DecodedPacket& d, core::Timestamp time,
                                const std::string& interfaceId, Direction direction,
                                const core::IpAddress& own, Provider provider) {
  FlowLogPacket f;
  f.time = time;
  f.interfaceId = interfaceId;
  f.direction = direction;
  f.src = d.src;
  f.dst = d.dst;
  f.protocol = d.protocol;
  f.srcPort = d.hasIcmp ? 0 : d.srcPort;
  f.dstPort = d.hasIcmp ? 0 : d.dstPort;
  f.tcpFlags = d.tcpFlags;
  f.ipBytes = d.ipOctets;
  if (provider != Provider::kAws || !own.IsSet()) return f;
  if (direction == Direction::kEgress && d.src != own) {
    f.pktSrc = d.src;
    f.src = own;
  } else if (direction == Direction::kIngress && d.dst != own) {
    f.pktDst = d.dst;
    f.dst = own;
  }
  return f;
}

const FlowLogMeterStats& FlowLogMeter::Stats() const {
  return m_impl->stats;
}

}  // namespace vantage::exporter
