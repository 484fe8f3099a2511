// Flow-log taps (see flow-log-tap.h and docs/cloud-flow-logs.md).
#include "observation/flow-log-tap.h"

#include <ns3/mac48-address.h>
#include <ns3/simulator.h>

#include <cstdio>
#include <fstream>

namespace vantage::sim {

using core::ErrorCode;
using core::MakeError;
namespace wfl = wire::flowlog;

namespace {

/// Stable identifiers from names: the same topology gives the same ENI ids on every run.
std::string HexId(const std::string& prefix, const std::string& seed, size_t digits) {
  std::string hex;
  for (uint64_t round = 0; hex.size() < digits; ++round) {
    uint64_t h = 1469598103934665603ULL ^ round;  // FNV-1a
    for (char c : seed) h = (h ^ static_cast<uint8_t>(c)) * 1099511628211ULL;
    char buf[17];
    std::snprintf(buf, sizeof(buf), "%016llx", static_cast<unsigned long long>(h));
    hex += buf;
  }
  return prefix + hex.substr(0, digits);
}

std::string MacOf(const ns3::Ptr<ns3::NetDevice>& dev) {
  if (!dev || !ns3::Mac48Address::IsMatchingType(dev->GetAddress())) return "";
  uint8_t b[6];
  ns3::Mac48Address::ConvertFrom(dev->GetAddress()).CopyTo(b);
  char buf[13];
  std::snprintf(buf, sizeof(buf), "%02X%02X%02X%02X%02X%02X", b[0], b[1], b[2], b[3], b[4], b[5]);
  return buf;
}

/// Identity the provider writes into records, when the topology gives none.
void FillIdentity(wfl::Settings& s, const std::string& zone) {
  switch (s.provider) {
    case wfl::Provider::kAws:
      if (s.account.empty()) s.account = "123456789012";
      if (s.region.empty()) s.region = "us-east-1";
      if (s.network.empty()) s.network = HexId("vpc-", zone, 17);
      break;
    case wfl::Provider::kGcp:
      if (s.account.empty()) s.account = "vantage-sim";
      if (s.region.empty()) s.region = "us-central1";
      if (s.network.empty()) s.network = zone;
      break;
    case wfl::Provider::kAzure:
      if (s.account.empty()) s.account = "00000000-0000-0000-0000-000000000000";
      if (s.region.empty()) s.region = "westeurope";
      if (s.network.empty()) {
        s.network = "/subscriptions/" + s.account +
                    "/resourceGroups/vantage/providers/Microsoft.Network/virtualNetworks/" + zone;
      }
      break;
  }
}

}  // namespace

FlowLogSetup MakeFlowLogSetup(const model::Topology& topology, const model::CandidatePoint& point,
                              uint64_t seed) {
  FlowLogSetup fs;
  fs.settings = point.flowLog.value_or(wfl::Settings::Defaults(wfl::Provider::kAws));
  fs.seed = seed;
  const model::Node* node = topology.FindNode(point.node);
  fs.zone = node != nullptr ? node->zone : "";
  fs.nodeIsNat = node != nullptr && topology.FindNat(node->name) != nullptr;
  FillIdentity(fs.settings, fs.zone);
  for (const auto& z : topology.zones) {
    if (z.name != fs.zone) continue;
    for (const auto& c : z.cidrs) {
      if (c.network.IsV4() && !fs.vpc) fs.vpc = c;
    }
  }
  for (const auto& n : topology.nodes) {
    if (n.zone != fs.zone) continue;
    if (n.kind == model::NodeKind::kServer && n.role == "dns") fs.resolvers.push_back(n.name);
    if (topology.FindNat(n.name) != nullptr) fs.natInZone = true;
  }
  // AWS traffic-path by destination zone: 1 another resource of the VPC (a NAT gateway
  // included), 2 the internet gateway, 3 the virtual private gateway (a VPN to anything
  // else). In reverse so that, as in SimNetwork::ZoneOf, the first zone naming a prefix wins.
  for (auto z = topology.zones.rbegin(); z != topology.zones.rend(); ++z) {
    int path = 3;
    if (z->name == fs.zone) {
      path = 1;
    } else if (z->kind == model::ZoneKind::kInternet) {
      path = fs.natInZone && !fs.nodeIsNat ? 1 : 2;
    }
    for (const auto& c : z->cidrs) {
      if (c.network.IsV4()) fs.trafficPaths.Add(c, path);
    }
  }
  return fs;
}

FlowLogTap::FlowLogTap(const FlowLogSetup& setup, const std::string& pointName, int64_t startUnixNs)
    : m_setup(setup),
      m_point(pointName),
      m_start(startUnixNs),
      m_meter(setup.settings, setup.seed) {}

core::Result<std::unique_ptr<FlowLogTap>> FlowLogTap::Create(
    const FlowLogSetup& setup, const std::string& pointName, const SimNetwork& net,
    const SimNode& node, const std::set<uint32_t>& numbers, int64_t startUnixNs) {
  std::unique_ptr<FlowLogTap> t(new FlowLogTap(setup, pointName, startUnixNs));
  const wfl::Provider provider = setup.settings.provider;
  for (const auto& i : node.interfaces) {
    if (i.ipInterface == 0 || (!numbers.empty() && numbers.count(i.number) == 0)) continue;
    Interface itf;
    itf.address = i.address;
    itf.subnetId = HexId("subnet-", setup.zone + "/" + i.link, 17);
    if (provider == wfl::Provider::kAws) {
      itf.id = HexId("eni-", pointName + "/" + i.link, 17);
      // A NAT gateway's interface is requester-managed: no instance id.
      if (!setup.nodeIsNat) itf.instanceId = HexId("i-", node.name, 17);
    } else if (provider == wfl::Provider::kGcp) {
      itf.id = node.name;
      itf.instanceId = node.name;
    } else {
      itf.id = MacOf(i.device);
      itf.instanceId = node.name;
    }
    t->m_meter.AddInterface(itf.id);
    t->m_interfaces[i.ipInterface] = itf;
  }
  if (provider == wfl::Provider::kAws) t->ExcludeReserved(net, node);
  if (t->m_interfaces.empty()) {
    return MakeError(ErrorCode::kInvalid, "flow-log point '" + pointName + "': node '" + node.name +
                                              "' has no IP interface to log");
  }
  for (const auto& r : setup.resolvers) {
    if (const SimNode* sn = net.FindNode(r)) {
      for (const auto& i : sn->interfaces) {
        if (i.ipInterface == 0) continue;
        t->m_meter.AddProviderAddress(FromNs3(i.address));
      }
    }
  }
  t->m_meter.Advance(core::Timestamp::FromNanos(startUnixNs));
  return t;
}

void FlowLogTap::ExcludeReserved(const SimNetwork& net, const SimNode& node) {
  // AWS never logs its DNS server (VPC+2) or a subnet's default router (+1). The address plan
  // reserves neither, so an address an end host or the point's own node holds stays logged.
  std::set<uint32_t> hosts;
  for (const auto& h : net.Map().hosts) hosts.insert(h.address.Get());
  for (const auto& i : node.interfaces) hosts.insert(i.address.Get());  // the point's own
  std::set<uint32_t> reserved;
  if (m_setup.vpc && m_setup.vpc->network.IsV4())
    reserved.insert(m_setup.vpc->network.V4Value() + 2);
  for (const auto& i : node.interfaces) {
    if (i.ipInterface != 0) reserved.insert((i.address.Get() & i.mask.Get()) + 1);
  }
  for (uint32_t a : reserved) {
    if (hosts.count(a) == 0) m_meter.AddProviderAddress(core::IpAddress::V4(a));
  }
}

// ---------------------------------------------------------------- packets

std::optional<exporter::FlowLogPacket> FlowLogTap::Decode(const ns3::Ptr<const ns3::Packet>& p,
                                                          const Interface& itf, bool egress) {
  // IPv4 with the longest header and a TCP header's flags fit in 80 bytes.
  uint8_t b[80] = {};
  const uint32_t n = p->CopyData(b, sizeof(b));
  wire::DecodedPacket d;
  if (m_decoder.Decode(wire::LinkType::kRawIp, b, n, p->GetSize(), d) != wire::DecodeResult::kOk ||
      !d.dst.IsV4()) {
    return std::nullopt;
  }
  const ns3::Ipv4Address dst(d.dst.V4Value());
  if (dst.IsBroadcast() || dst.IsMulticast()) return std::nullopt;
  const wfl::Provider provider = m_setup.settings.provider;
  exporter::FlowLogPacket f = exporter::MakeFlowLogPacket(
      d, core::Timestamp::FromNanos(m_start + ns3::Simulator::Now().GetNanoSeconds()), itf.id,
      egress ? wfl::Direction::kEgress : wfl::Direction::kIngress, FromNs3(itf.address), provider);
  if (provider == wfl::Provider::kAws && egress) f.trafficPath = TrafficPath(dst);
  return f;
}

int FlowLogTap::TrafficPath(ns3::Ipv4Address dst) const {
  const int* path = m_setup.trafficPaths.Lookup(FromNs3(dst));
  if (path != nullptr) return *path;
  return m_setup.zone.empty() ? 1 : 3;  // no zone's address: as SimNetwork::ZoneOf's ""
}

void FlowLogTap::Flush() {
  if (!m_pending) return;
  m_meter.OnPacket(*m_pending);
  m_pending.reset();
}

void FlowLogTap::OnRx(const ns3::Ptr<const ns3::Packet>& p, uint32_t ifi) {
  if (m_finished) return;
  Flush();
  auto it = m_interfaces.find(ifi);
  if (it == m_interfaces.end()) return;
  m_pending = Decode(p, it->second, false);
  m_pendingUid = p->GetUid();
}

void FlowLogTap::OnTx(const ns3::Ptr<const ns3::Packet>& p, uint32_t ifi) {
  if (m_finished) return;
  Flush();
  auto it = m_interfaces.find(ifi);
  if (it == m_interfaces.end()) return;
  if (auto f = Decode(p, it->second, true)) m_meter.OnPacket(*f);
}

void FlowLogTap::OnDrop(uint64_t uid) {
  if (!m_pending || uid != m_pendingUid) return;
  m_pending->action = wfl::Action::kReject;
  Flush();
}

void FlowLogTap::OnFirewallDrop(const ns3::Ipv4Header&, ns3::Ptr<const ns3::Packet> p,
                                const std::string&) {
  OnDrop(p->GetUid());
}

void FlowLogTap::Advance(core::Timestamp now) {
  if (m_finished) return;
  Flush();
  m_meter.Advance(now);
  for (auto& r : m_meter.TakeRecords()) m_records.push_back(std::move(r));
}

// ---------------------------------------------------------------- the file

core::Status FlowLogTap::Finish(core::Timestamp end, const std::string& outDir) {
  if (m_finished) return {};
  Flush();
  for (auto& r : m_meter.Finish(end)) m_records.push_back(std::move(r));
  m_finished = true;
  std::map<std::string, const Interface*> byId;
  for (const auto& [ifi, itf] : m_interfaces) byId[itf.id] = &itf;
  for (auto& r : m_records) {
    auto it = byId.find(r.interfaceId);
    if (it == byId.end()) continue;
    r.instanceId = it->second->instanceId;
    r.subnetId = it->second->subnetId;
  }
  const std::string text =
      wfl::WriteFile(wfl::FileFormatOf(m_setup.settings.provider), m_setup.settings, m_records);
  const std::string path = outDir + "/points/" + m_point + ".flowlog";
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  if (!out) return MakeError(ErrorCode::kIo, "cannot write " + path);
  m_bytes = text.size();
  return {};
}

FlowLogSummary FlowLogTap::Summary() const {
  FlowLogSummary s;
  s.settings = m_setup.settings;
  s.path = "points/" + m_point + ".flowlog";
  s.records = m_records.size();
  s.bytes = m_bytes;
  const auto& st = m_meter.Stats();
  s.noDataRecords = st.noDataRecords;
  s.excludedPackets = st.excludedPackets;
  s.filteredPackets = st.filteredPackets;
  s.sampledOutRecords = st.sampledOutRecords;
  return s;
}

}  // namespace vantage::sim
