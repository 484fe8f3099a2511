// Taps, exporters, pcaps and the collector node (see observation.h).
#include "observation/observation.h"

#include <ns3/inet-socket-address.h>
#include <ns3/ipv4-l3-protocol.h>
#include <ns3/simulator.h>
#include <ns3/udp-socket-factory.h>
#include <pcap/pcap.h>

#include <algorithm>
#include <filesystem>

#include "firewall/firewall.h"
#include "nat/nat-gateway.h"
#include "observation/ip-checksums.h"
#include "vantage/collector/collecting-process.h"
#include "vantage/collector/store.h"
#include "vantage/exporter/exporter.h"

namespace vantage::sim {

using core::ErrorCode;
using core::MakeError;

namespace {
constexpr uint16_t kExportSourcePortBase = 40000;
constexpr size_t kMinCopy = 128;  // enough for IP + TCP headers with options

int64_t NowUnixNs(int64_t start) {
  return start + ns3::Simulator::Now().GetNanoSeconds();
}
}  // namespace

/// One candidate point: exporter, pcap, live export socket.
class ObservationPoint {
 public:
  PointSetup setup;
  std::string nodeName;
  std::set<uint32_t> numbers;  ///< interface numbers observed (empty = all)
  std::unique_ptr<exporter::Exporter> exp;
  pcap_t* pcapDead = nullptr;
  pcap_dumper_t* dumper = nullptr;
  std::string pcapPath, ipfixPath;
  ns3::Ptr<ns3::Socket> socket;
  ns3::Ipv4Address collector;
  uint16_t collectorPort = 0;
  uint16_t sourcePort = 0;
  bool finished = false;
  uint64_t sentMessages = 0, sentBytes = 0;
  int64_t start = 0;
  std::unique_ptr<FlowLogTap> flowLog;

  bool Wants(uint32_t in, uint32_t out) const {
    return numbers.empty() || numbers.count(in) != 0 || numbers.count(out) != 0;
  }

  void OnPacket(const uint8_t* data, size_t cap, size_t wire, uint32_t in, uint32_t out) {
    if (finished) return;
    const int64_t ts = NowUnixNs(start);
    exp->OnPacket(core::Timestamp::FromNanos(ts), exporter::LinkType::kRawIp, data, cap, wire, in,
                  out);
    if (dumper != nullptr) {
      pcap_pkthdr h{};
      h.ts.tv_sec = static_cast<time_t>(ts / 1000000000);
      h.ts.tv_usec = static_cast<suseconds_t>((ts % 1000000000) / 1000);
      h.caplen = static_cast<bpf_u_int32>(
          std::min<size_t>(cap, static_cast<size_t>(pcap_snapshot(pcapDead))));
      h.len = static_cast<bpf_u_int32>(wire);
      pcap_dump(reinterpret_cast<u_char*>(dumper), &h, data);
    }
  }

  void SendExport(const std::vector<uint8_t>& msg) {
    ++sentMessages;
    sentBytes += msg.size();
    ns3::Ptr<ns3::Packet> p =
        ns3::Create<ns3::Packet>(msg.data(), static_cast<uint32_t>(msg.size()));
    ns3::Ptr<ns3::Socket> s = socket;
    const ns3::InetSocketAddress to(collector, collectorPort);
    // Not from inside the tap's call stack: the send happens in its own event.
    ns3::Simulator::ScheduleNow([s, p, to]() { s->SendTo(p, 0, to); });
  }

  void Finish() {
    if (finished) return;
    exp->Finish();
    finished = true;
  }

  void Close() {
    Finish();
    Release();
  }

  /// Closes the pcap and the export socket; writes nothing more.
  void Release() {
    if (dumper != nullptr) {
      pcap_dump_close(dumper);
      dumper = nullptr;
    }
    if (pcapDead != nullptr) {
      pcap_close(pcapDead);
      pcapDead = nullptr;
    }
    if (socket) {
      socket->Close();
      socket = nullptr;
    }
  }
};

/// Taps of one ns-3 node, dispatching to the node's points.
class NodeTap {
 public:
  std::vector<ObservationPoint*> points;
  bool rewrites = false;  ///< NAT node: keep ingress bytes (they differ from egress)
  bool forwarder = true;  ///< only forwarded packets count (routers); hosts count their own
  std::vector<uint8_t> buf, rxBuf;
  size_t copyLen = kMinCopy;
  bool captures = false;  ///< a point of this node writes a pcap: checksums are filled in
  uint64_t rxUid = 0;
  bool rxValid = false;
  uint32_t rxIf = 0;
  size_t rxCap = 0, rxWire = 0;
  std::map<const ns3::NetDevice*, uint32_t> portNumbers;

  /// Copies the packet's first copyLen bytes into `into` (the whole packet when capturing, so
  /// that the transport checksum can be computed) and returns how many the points get.
  size_t Copy(const ns3::Ptr<const ns3::Packet>& p, std::vector<uint8_t>& into) const {
    const size_t want = captures ? p->GetSize() : copyLen;
    if (into.size() < want) into.resize(want);
    const size_t got = p->CopyData(into.data(), static_cast<uint32_t>(want));
    if (!captures) return got;
    FillIpv4Checksums(into.data(), got);
    return std::min(got, copyLen);
  }

  void Rx(ns3::Ptr<const ns3::Packet> p, ns3::Ptr<ns3::Ipv4> ipv4, uint32_t ifi) {
    for (auto* pt : points) {
      if (pt->flowLog) pt->flowLog->OnRx(p, ifi);
    }
    rxUid = p->GetUid();
    rxIf = ifi;
    rxValid = true;
    if (rewrites) {
      rxWire = p->GetSize();
      rxCap = Copy(p, rxBuf);
    }
    if (!forwarder) {
      // An end host: everything addressed to it.
      const size_t cap = Copy(p, buf);
      for (auto* pt : points) {
        if (pt->Wants(ifi, 0)) pt->OnPacket(buf.data(), cap, p->GetSize(), ifi, 0);
      }
    }
    (void)ipv4;
  }

  void Tx(ns3::Ptr<const ns3::Packet> p, ns3::Ptr<ns3::Ipv4> /*ipv4*/, uint32_t ifi) {
    for (auto* pt : points) {
      if (pt->flowLog) pt->flowLog->OnTx(p, ifi);
    }
    const bool forwarded = rxValid && p->GetUid() == rxUid;
    rxValid = false;
    if (forwarder && !forwarded) return;  // the node's own packets (e.g. its export)
    const uint32_t in = forwarded ? rxIf : 0;
    const size_t cap = Copy(p, buf);
    for (auto* pt : points) {
      if (!pt->Wants(in, ifi)) continue;
      // Ingress-only points of a NAT gateway see the packet as it arrived.
      if (rewrites && forwarded && !pt->numbers.empty() && pt->numbers.count(ifi) == 0) {
        pt->OnPacket(rxBuf.data(), rxCap, rxWire, in, ifi);
      } else {
        pt->OnPacket(buf.data(), cap, p->GetSize(), in, ifi);
      }
    }
  }

  void SwitchRx(ns3::Ptr<ns3::NetDevice> dev, ns3::Ptr<const ns3::Packet> p, uint16_t protocol,
                const ns3::Address&, const ns3::Address&, ns3::NetDevice::PacketType) {
    if (protocol != 0x0800) return;
    auto it = portNumbers.find(ns3::PeekPointer(dev));
    const uint32_t in = it == portNumbers.end() ? 0 : it->second;
    const size_t cap = Copy(p, buf);
    for (auto* pt : points) {
      if (pt->Wants(in, 0)) pt->OnPacket(buf.data(), cap, p->GetSize(), in, 0);
    }
  }
};

// ---------------------------------------------------------------- CollectorSink

CollectorSink::CollectorSink() = default;
CollectorSink::~CollectorSink() {
  Close();
}

core::Status CollectorSink::Open(const std::string& dbPath, const SimNode& node, uint16_t port,
                                 int64_t startUnixNs) {
  auto store = collector::Store::Open(dbPath);
  if (!store) {
    return MakeError(ErrorCode::kIo, "collector store " + dbPath + ": " + store.GetError().message);
  }
  m_store = std::move(store.Value());
  m_process = std::make_unique<collector::CollectingProcess>(m_store.get());
  m_start = startUnixNs;
  m_port = port;
  for (const auto& i : node.interfaces) {
    if (i.ipInterface != 0) {
      m_address = i.address;
      break;
    }
  }
  m_socket = ns3::Socket::CreateSocket(node.node, ns3::UdpSocketFactory::GetTypeId());
  if (m_socket->Bind(ns3::InetSocketAddress(ns3::Ipv4Address::GetAny(), port)) != 0) {
    return MakeError(ErrorCode::kIo,
                     "collector node: cannot bind UDP port " + std::to_string(port));
  }
  m_socket->SetRecvCallback(ns3::MakeCallback(&CollectorSink::Receive, this));
  return {};
}

void CollectorSink::Receive(ns3::Ptr<ns3::Socket> socket) {
  ns3::Address from;
  std::vector<uint8_t> data;
  while (ns3::Ptr<ns3::Packet> p = socket->RecvFrom(from)) {
    if (!ns3::InetSocketAddress::IsMatchingType(from)) continue;
    const ns3::InetSocketAddress a = ns3::InetSocketAddress::ConvertFrom(from);
    data.resize(p->GetSize());
    p->CopyData(data.data(), p->GetSize());
    ++m_received[a.GetPort()];
    m_process->OnDatagram(FromNs3(a.GetIpv4()), a.GetPort(), data.data(), data.size(),
                          core::Timestamp::FromNanos(NowUnixNs(m_start)));
  }
}

uint64_t CollectorSink::ReceivedFromPort(uint16_t port) const {
  auto it = m_received.find(port);
  return it == m_received.end() ? 0 : it->second;
}

void CollectorSink::Close() {
  if (m_process) {
    m_process->Flush();
    m_process.reset();
  }
  m_store.reset();
  if (m_socket) {
    m_socket->Close();
    m_socket = nullptr;
  }
}

// ---------------------------------------------------------------- Observation

namespace {
// The point's flow log: its meter sees the node's taps; its node's rules report drops.
core::Status SetupFlowLog(const SimNetwork& net, const SimNode& sn, ObservationPoint& pt,
                          int64_t startUnixNs) {
  auto fl = FlowLogTap::Create(*pt.setup.flowLog, pt.setup.name, net, sn, pt.numbers, startUnixNs);
  if (!fl) return fl.GetError();
  pt.flowLog = std::move(fl.Value());
  FlowLogTap* raw = pt.flowLog.get();
  for (const auto& fw : net.Firewalls()) {
    if (fw->NodeName() != sn.name) continue;
    fw->TraceConnectWithoutContext("Drop", ns3::MakeCallback(&FlowLogTap::OnFirewallDrop, raw));
  }
  return {};
}
}  // namespace

Observation::Observation() = default;
Observation::~Observation() = default;

namespace {

bool Forwards(model::NodeKind kind) {
  return kind == model::NodeKind::kRouter || kind == model::NodeKind::kL3Switch ||
         kind == model::NodeKind::kFirewall || kind == model::NodeKind::kNatGateway;
}

/// The interface numbers a point observes, from its links.
core::Status MatchInterfaces(const SimNode& sn, const PointSetup& ps, ObservationPoint& pt) {
  for (const auto& l : ps.interfaces) {
    bool found = false;
    for (const auto& i : sn.interfaces) {
      if (i.link == l) {
        pt.numbers.insert(i.number);
        found = true;
      }
    }
    if (!found) {
      return MakeError(ErrorCode::kNotFound, "candidate point '" + ps.name + "': node '" + ps.node +
                                                 "' has no interface on link '" + l + "'");
    }
  }
  return {};
}

/// The node whose stack sends a point's live export. A layer-2 switch has no IP stack: its
/// probe exports through an IP node on one of the switch's links (a forwarding node if there
/// is one).
core::Result<ns3::Ptr<ns3::Node>> ExportSender(const SimNetwork& net, const SimNode& sn,
                                               const PointSetup& ps) {
  if (sn.node->GetObject<ns3::Ipv4>() != nullptr) return sn.node;
  ns3::Ptr<ns3::Node> sender;
  for (const auto& cand : net.Nodes()) {
    if (cand.node->GetObject<ns3::Ipv4>() == nullptr) continue;
    bool adjacent = false;
    for (const auto& ci : cand.interfaces) {
      for (const auto& si : sn.interfaces) adjacent = adjacent || ci.link == si.link;
    }
    if (!adjacent) continue;
    const bool fwd = Forwards(cand.kind);
    if (sender == nullptr || fwd) sender = cand.node;
    if (fwd) break;
  }
  if (sender == nullptr) {
    return MakeError(ErrorCode::kInvalid, "point '" + ps.name + "': switch '" + ps.node +
                                              "' has no IP neighbour to export through");
  }
  return sender;
}

/// Live export: a UDP socket on the sender and a callback destination that sends through it.
core::Status AddLiveExport(const SimNetwork& net, const SimNode& sn, const CollectorSink& sink,
                           uint32_t domain, ObservationPoint& pt, exporter::ExporterConfig& cfg) {
  const PointSetup& ps = pt.setup;
  pt.collector = sink.Address();
  pt.collectorPort = sink.Port();
  pt.sourcePort = static_cast<uint16_t>(kExportSourcePortBase + domain);
  auto sender = ExportSender(net, sn, ps);
  if (!sender) return sender.GetError();
  pt.socket = ns3::Socket::CreateSocket(*sender, ns3::UdpSocketFactory::GetTypeId());
  if (pt.socket->Bind(ns3::InetSocketAddress(ns3::Ipv4Address::GetAny(), pt.sourcePort)) != 0) {
    return MakeError(ErrorCode::kIo, "point '" + ps.name + "': cannot bind export socket");
  }
  exporter::Destination cb;
  cb.kind = exporter::Destination::Kind::kCallback;
  ObservationPoint* raw = &pt;
  cb.callback = [raw](const std::vector<uint8_t>& msg) { raw->SendExport(msg); };
  cfg.destinations.push_back(cb);
  cfg.udpRateLimitPps = 0;
  return {};
}

core::Status OpenCapture(ObservationPoint& pt, const std::string& outDir, uint32_t snapLength) {
  pt.pcapPath = outDir + "/points/" + pt.setup.name + ".pcap";
  pt.pcapDead = pcap_open_dead(DLT_RAW, static_cast<int>(snapLength));
  pt.dumper = pt.pcapDead == nullptr ? nullptr : pcap_dump_open(pt.pcapDead, pt.pcapPath.c_str());
  if (pt.dumper == nullptr) {
    return MakeError(ErrorCode::kIo, "point '" + pt.setup.name + "': cannot write " + pt.pcapPath);
  }
  return {};
}

/// Connects a new tap to a node: switch ports through protocol handlers, IP nodes through the
/// Ipv4L3Protocol Rx and Tx trace sources.
void ConnectTap(const SimNetwork& net, const SimNode& sn, NodeTap* tap) {
  tap->copyLen = kMinCopy;
  if (sn.kind == model::NodeKind::kSwitch) {
    for (const auto& i : sn.interfaces) {
      tap->portNumbers[ns3::PeekPointer(i.device)] = i.number;
      sn.node->RegisterProtocolHandler(ns3::MakeCallback(&NodeTap::SwitchRx, tap), 0, i.device,
                                       true);
    }
    return;
  }
  tap->forwarder = Forwards(sn.kind);
  for (const auto& g : net.Nats()) {
    if (g->NodeName() == sn.name) tap->rewrites = true;
  }
  ns3::Ptr<ns3::Ipv4L3Protocol> l3 = sn.node->GetObject<ns3::Ipv4L3Protocol>();
  l3->TraceConnectWithoutContext("Rx", ns3::MakeCallback(&NodeTap::Rx, tap));
  l3->TraceConnectWithoutContext("Tx", ns3::MakeCallback(&NodeTap::Tx, tap));
}

}  // namespace

core::Status Observation::Setup(SimNetwork& net, const std::vector<PointSetup>& points,
                                const std::string& outDir, uint32_t snapLength,
                                int64_t startUnixNs) {
  m_start = startUnixNs;
  m_outDir = outDir;
  const bool anyLive =
      std::any_of(points.begin(), points.end(), [](const PointSetup& p) { return p.live; });
  if (anyLive) {
    const SimNode* c = net.Collector();
    if (c == nullptr) return MakeError(ErrorCode::kInvalid, "live export needs a collector node");
    m_collector = std::make_unique<CollectorSink>();
    VANTAGE_RETURN_IF_ERROR(m_collector->Open(outDir + "/collector.sqlite", *c, 4739, startUnixNs));
  }
  std::map<std::string, NodeTap*> tapOf;
  uint32_t domain = 0;
  for (const auto& ps : points) {
    ++domain;
    const SimNode* sn = net.FindNode(ps.node);
    if (sn == nullptr) {
      return MakeError(ErrorCode::kNotFound,
                       "candidate point '" + ps.name + "': node '" + ps.node + "' not simulated");
    }
    auto pt = std::make_unique<ObservationPoint>();
    pt->setup = ps;
    pt->nodeName = sn->name;
    pt->start = startUnixNs;
    VANTAGE_RETURN_IF_ERROR(MatchInterfaces(*sn, ps, *pt));
    exporter::ExporterConfig cfg;
    cfg.observationDomain = domain;
    if (ps.samplingRate > 1) {
      cfg.sampling.mode = exporter::SamplingConfig::Mode::kCount;
      cfg.sampling.interval = ps.samplingRate;
    }
    pt->ipfixPath = outDir + "/points/" + ps.name + ".ipfix";
    exporter::Destination file;
    file.kind = exporter::Destination::Kind::kFile;
    file.path = pt->ipfixPath;
    cfg.destinations.push_back(file);
    if (ps.live) VANTAGE_RETURN_IF_ERROR(AddLiveExport(net, *sn, *m_collector, domain, *pt, cfg));
    pt->exp = std::make_unique<exporter::Exporter>(cfg);
    if (auto st = pt->exp->Start(); !st) {
      return MakeError(ErrorCode::kIo,
                       "point '" + ps.name + "': exporter: " + st.GetError().message);
    }
    if (ps.capture) VANTAGE_RETURN_IF_ERROR(OpenCapture(*pt, outDir, snapLength));
    // One tap per node, shared by the node's points.
    NodeTap*& tap = tapOf[sn->name];
    if (tap == nullptr) {
      m_taps.push_back(std::make_unique<NodeTap>());
      tap = m_taps.back().get();
      ConnectTap(net, *sn, tap);
    }
    if (ps.flowLog) VANTAGE_RETURN_IF_ERROR(SetupFlowLog(net, *sn, *pt, startUnixNs));
    if (ps.capture) {
      tap->copyLen = std::max<size_t>(tap->copyLen, snapLength);
      tap->captures = true;
    }
    tap->points.push_back(pt.get());
    m_points.push_back(std::move(pt));
  }
  return {};
}

void Observation::Advance() {
  const core::Timestamp now = core::Timestamp::FromNanos(NowUnixNs(m_start));
  for (auto& p : m_points) {
    if (!p->finished) p->exp->Advance(now);
    if (p->flowLog) p->flowLog->Advance(now);
  }
}

void Observation::FinishLive() {
  for (auto& p : m_points) {
    if (p->setup.live) p->Finish();
  }
}

core::Status Observation::Close() {
  const core::Timestamp now = core::Timestamp::FromNanos(NowUnixNs(m_start));
  core::Status status;
  for (auto& p : m_points) {
    if (!p->flowLog) continue;
    auto st = p->flowLog->Finish(now, m_outDir);
    if (!st && status) status = st;
  }
  for (auto& p : m_points) p->Close();
  if (m_collector) m_collector->Close();
  return status;
}

void Observation::Abandon() {
  for (auto& p : m_points) p->Release();
  if (m_collector) m_collector->Close();
}

std::vector<PointSummary> Observation::Summaries() const {
  std::vector<PointSummary> out;
  for (const auto& p : m_points) {
    PointSummary s;
    s.name = p->setup.name;
    s.node = p->setup.node;
    const auto& st = p->exp->Stats();
    s.flows = st.flowsExported;
    s.packets = st.packets;
    s.octets = st.octets;
    std::error_code ec;
    s.ipfixBytes = std::filesystem::file_size(p->ipfixPath, ec);
    if (ec) s.ipfixBytes = 0;
    if (!p->pcapPath.empty()) {
      s.pcapBytes = std::filesystem::file_size(p->pcapPath, ec);
      if (ec) s.pcapBytes = 0;
    }
    if (p->setup.live) {
      s.exportMessages = p->sentMessages;
      s.exportBytes = p->sentBytes;
      s.exportReceived = m_collector ? m_collector->ReceivedFromPort(p->sourcePort) : 0;
      s.exportLost = s.exportMessages - std::min(s.exportMessages, s.exportReceived);
    } else {
      s.exportMessages = st.messages;
      s.exportBytes = st.exportOctets;
    }
    if (p->flowLog) s.flowLog = p->flowLog->Summary();
    out.push_back(std::move(s));
  }
  return out;
}

const FlowLogTap* Observation::FlowLogOf(const std::string& point) const {
  for (const auto& p : m_points) {
    if (p->setup.name == point) return p->flowLog.get();
  }
  return nullptr;
}

}  // namespace vantage::sim
