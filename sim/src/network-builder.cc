// Builds the topology in ns-3 (see network-builder.h).
#include "network-builder.h"

#include <ns3/boolean.h>
#include <ns3/bridge-helper.h>
#include <ns3/csma-helper.h>
#include <ns3/csma-net-device.h>
#include <ns3/internet-stack-helper.h>
#include <ns3/ipv4-address.h>
#include <ns3/ipv4-global-routing-helper.h>
#include <ns3/ipv4.h>
#include <ns3/point-to-point-helper.h>
#include <ns3/string.h>
#include <ns3/uinteger.h>

#include <algorithm>
#include <functional>
#include <numeric>
#include <optional>
#include <set>

#include "firewall/firewall.h"
#include "log-recorder.h"
#include "nat/nat-gateway.h"
#include "vantage/model/address-plan.h"

namespace vantage::sim {

using core::ErrorCode;
using core::MakeError;

ns3::Ipv4Address ToNs3(const core::IpAddress& a) {
  return ns3::Ipv4Address(a.V4Value());
}
core::IpAddress FromNs3(ns3::Ipv4Address a) {
  return core::IpAddress::V4(a.Get());
}

namespace {

std::string DataRateOf(double mbps) {
  const double bps = std::max(mbps, 0.001) * 1e6;
  return std::to_string(static_cast<uint64_t>(bps)) + "bps";
}

/// Hands out aligned IPv4 subnets from a zone's CIDRs, in order.
struct ZoneAllocator {
  struct Range {
    uint32_t base;
    uint64_t size;
  };
  std::vector<Range> ranges;
  size_t range = 0;
  uint64_t offset = 0;

  bool Allocate(uint64_t blockSize, uint32_t& network) {
    while (range < ranges.size()) {
      uint64_t start = (offset + blockSize - 1) / blockSize * blockSize;
      if (start + blockSize <= ranges[range].size) {
        network = ranges[range].base + static_cast<uint32_t>(start);
        offset = start + blockSize;
        return true;
      }
      ++range;
      offset = 0;
    }
    return false;
  }
};

struct Dsu {
  std::vector<size_t> parent;
  explicit Dsu(size_t n) : parent(n) { std::iota(parent.begin(), parent.end(), 0); }
  size_t Find(size_t x) {
    while (parent[x] != x) x = parent[x] = parent[parent[x]];
    return x;
  }
  void Union(size_t a, size_t b) {
    a = Find(a);
    b = Find(b);
    if (a != b) parent[std::max(a, b)] = std::min(a, b);
  }
};

/// UDP port of flow export to the collector, which filters and NATs always pass.
constexpr uint16_t kExportPort = 4739;

ns3::Ipv4Mask PrefixMask(unsigned length) {
  return ns3::Ipv4Mask(length == 0 ? 0u : ~uint32_t{0} << (32 - length));
}

/// Checks that ns-3 cannot build the topology otherwise.
core::Status CheckLinks(const model::Topology& topo, const std::function<std::string(int)>& where) {
  for (const auto& l : topo.links) {
    if (l.endpoints.size() < 2) {
      return MakeError(ErrorCode::kInvalid,
                       where(l.line) + "link '" + l.name + "' has fewer than two endpoints");
    }
    if (l.kind == model::LinkKind::kPointToPoint && l.endpoints.size() != 2) {
      return MakeError(ErrorCode::kInvalid, where(l.line) + "point-to-point link '" + l.name +
                                                "' has " + std::to_string(l.endpoints.size()) +
                                                " endpoints, needs 2");
    }
    for (const auto& ep : l.endpoints) {
      if (topo.FindNode(ep) == nullptr) {
        return MakeError(ErrorCode::kNotFound, where(l.line) + "link '" + l.name +
                                                   "' attaches to node '" + ep +
                                                   "', which the topology lacks");
      }
    }
  }
  return {};
}

/// Broadcast domains: links joined through L2 switches form one IP subnet. Root link index to
/// the domain's links, ordered by root.
std::map<size_t, std::vector<size_t>> BroadcastDomains(const model::Topology& topo) {
  const size_t nl = topo.links.size();
  Dsu dsu(nl);
  std::map<std::string, size_t> firstLinkOfSwitch;
  for (size_t li = 0; li < nl; ++li) {
    for (const auto& ep : topo.links[li].endpoints) {
      if (topo.FindNode(ep)->kind != model::NodeKind::kSwitch) continue;
      auto [it, fresh] = firstLinkOfSwitch.try_emplace(ep, li);
      if (!fresh) dsu.Union(it->second, li);
    }
  }
  std::map<size_t, std::vector<size_t>> domains;
  for (size_t li = 0; li < nl; ++li) domains[dsu.Find(li)].push_back(li);
  return domains;
}

/// Moves a zone's allocator past the plan's subnets, so later allocations (the collector's
/// link) do not overlap them.
void SkipPlannedSubnets(const model::AddressPlan& plan,
                        std::map<std::string, ZoneAllocator>& alloc) {
  for (const auto& ls : plan.links) {
    auto it = alloc.find(ls.zone);
    if (it == alloc.end() || !ls.subnet.network.IsV4()) continue;
    ZoneAllocator& za = it->second;
    const uint32_t net = ls.subnet.network.V4Value();
    for (size_t r = 0; r < za.ranges.size(); ++r) {
      const uint64_t off = uint64_t{net} - za.ranges[r].base;
      if (net < za.ranges[r].base || off >= za.ranges[r].size) continue;
      const uint64_t end = off + (uint64_t{1} << (32 - ls.subnet.length));
      if (r > za.range || (r == za.range && end > za.offset)) {
        za.range = r;
        za.offset = end;
      }
    }
  }
}

template <typename Helper>
void SetLinkChannel(Helper& h, const model::Link& link) {
  h.SetChannelAttribute("DataRate", ns3::StringValue(DataRateOf(link.bandwidthMbps)));
  h.SetChannelAttribute("Delay", ns3::TimeValue(ns3::MilliSeconds(link.delayMs)));
}

}  // namespace

/// What DoBuild's steps share while building.
struct SimNetwork::BuildState {
  BuildState(const model::Topology& t, const BuildOptions& o)
      : topo(t), opt(o), file(t.sourcePath.empty() ? t.name : t.sourcePath) {}
  const model::Topology& topo;
  const BuildOptions& opt;
  std::string file;  ///< the topology's path (or name) for error messages
  std::map<std::string, ZoneAllocator> alloc;
  std::map<std::string, std::vector<size_t>> instances;  ///< topology node -> node indices
  ns3::InternetStackHelper stack;
  std::optional<model::AddressPlan> plan;
  std::map<size_t, std::vector<std::pair<ns3::Ptr<ns3::NetDevice>, std::string>>> switchPorts;

  std::string Where(int line) const {
    return line > 0 ? file + ":" + std::to_string(line) + ": " : file + ": ";
  }
};

struct SimNetwork::Attach {
  size_t node;
  std::string link;
  ns3::Ptr<ns3::NetDevice> dev;
};

core::Result<std::unique_ptr<SimNetwork>> SimNetwork::Build(const model::Topology& topology,
                                                            const BuildOptions& options) {
  std::unique_ptr<SimNetwork> net(new SimNetwork());
  VANTAGE_RETURN_IF_ERROR(net->DoBuild(topology, options));
  return net;
}

SimNetwork::~SimNetwork() = default;

const SimNode* SimNetwork::FindNode(const std::string& name) const {
  auto it = m_nodeIndex.find(name);
  if (it != m_nodeIndex.end()) return &m_nodes[it->second];
  for (const auto& n : m_nodes) {
    if (n.modelNode == name) return &n;
  }
  return nullptr;
}

const SimNode* SimNetwork::Collector() const {
  return m_collectorIndex < 0 ? nullptr : &m_nodes[static_cast<size_t>(m_collectorIndex)];
}

std::string SimNetwork::ZoneOf(ns3::Ipv4Address a) const {
  const uint32_t v = a.Get();
  const ZonePrefix* best = nullptr;
  for (const auto& z : m_zonePrefixes) {
    if ((v & z.mask) == z.network && (best == nullptr || z.length > best->length)) best = &z;
  }
  return best == nullptr ? std::string() : best->zone;
}

bool SimNetwork::Filters(const model::Node& node) {
  switch (node.kind) {
    case model::NodeKind::kFirewall:
      return true;
    case model::NodeKind::kRouter:
    case model::NodeKind::kL3Switch:
    case model::NodeKind::kNatGateway:
      // Forwarding nodes filter once they have rules or a deny default (the loader gives them
      // allow unless the file says otherwise).
      return !node.rules.empty() || !node.defaultAllow;
    case model::NodeKind::kCloudVpc:
      return !node.rules.empty();  // its security group
    default:
      return false;
  }
}

void SimNetwork::InstallFirewall(const model::Node& node) {
  const SimNode* sn = FindNode(node.name);
  ns3::Ptr<ns3::Ipv4> ipv4 = sn->node->GetObject<ns3::Ipv4>();
  ns3::Ptr<Firewall> fw = ns3::CreateObject<Firewall>();
  fw->SetAttribute("NodeName", ns3::StringValue(node.name));
  fw->SetAttribute("DefaultAllow", ns3::BooleanValue(node.defaultAllow));
  fw->SetRules(node.rules);
  fw->SetZoneResolver([this](ns3::Ipv4Address a) { return ZoneOf(a); });
  if (const SimNode* c = Collector(); c != nullptr && !c->interfaces.empty()) {
    fw->SetAttribute("ExportAddress", ns3::Ipv4AddressValue(c->interfaces.front().address));
    fw->SetAttribute("ExportPort", ns3::UintegerValue(kExportPort));
  }
  m_recorder->Hook(fw);
  fw->SetInner(ipv4->GetRoutingProtocol());
  ipv4->SetRoutingProtocol(fw);
  if (node.kind == model::NodeKind::kCloudVpc) fw->FilterLocalDelivery();
  m_firewalls.push_back(fw);
}

core::Status SimNetwork::InstallNat(BuildState& st, const model::Nat& nat) {
  const SimNode* sn = FindNode(nat.node);
  if (sn == nullptr || st.topo.FindNode(nat.node) == nullptr) {
    return MakeError(ErrorCode::kNotFound, st.Where(nat.line) + "NAT on node '" + nat.node +
                                               "', which the topology lacks");
  }
  const SimInterface* out = sn->Interface(nat.outsideLink);
  if (out == nullptr || out->ipInterface == 0) {
    return MakeError(ErrorCode::kNotFound, st.Where(nat.line) + "NAT '" + nat.node +
                                               "': outside link '" + nat.outsideLink +
                                               "' is not an IP interface of the node");
  }
  std::vector<ns3::Ptr<ns3::NetDevice>> inside;
  for (const auto& l : nat.insideLinks) {
    const SimInterface* in = sn->Interface(l);
    if (in == nullptr || in->ipInterface == 0) {
      return MakeError(ErrorCode::kNotFound, st.Where(nat.line) + "NAT '" + nat.node +
                                                 "': inside link '" + l +
                                                 "' is not an IP interface of the node");
    }
    inside.push_back(in->device);
  }
  if (inside.empty()) {
    // No inside links named: every interface but the outside one is inside.
    for (const auto& i : sn->interfaces) {
      if (i.link != nat.outsideLink && i.ipInterface != 0) inside.push_back(i.device);
    }
  }
  ns3::Ptr<ns3::Ipv4> ipv4 = sn->node->GetObject<ns3::Ipv4>();
  ns3::Ptr<NatGateway> gw = ns3::CreateObject<NatGateway>();
  gw->SetAttribute("NodeName", ns3::StringValue(nat.node));
  gw->SetAttribute("PortMin", ns3::UintegerValue(nat.portMin));
  gw->SetAttribute("PortMax", ns3::UintegerValue(nat.portMax));
  gw->SetAttribute("TcpTimeout", ns3::TimeValue(ns3::Seconds(nat.tcpTimeoutS)));
  gw->SetAttribute("UdpTimeout", ns3::TimeValue(ns3::Seconds(nat.udpTimeoutS)));
  gw->SetAttribute("IcmpTimeout", ns3::TimeValue(ns3::Seconds(nat.icmpTimeoutS)));
  gw->SetInterfaces(inside, out->device, out->address);
  if (const SimNode* c = Collector(); c != nullptr && !c->interfaces.empty()) {
    gw->SetAttribute("ExportAddress", ns3::Ipv4AddressValue(c->interfaces.front().address));
    gw->SetAttribute("ExportPort", ns3::UintegerValue(kExportPort));
  }
  m_recorder->Hook(gw, nat.logEvents);
  gw->SetInner(ipv4->GetRoutingProtocol());
  ipv4->SetRoutingProtocol(gw);
  m_nats.push_back(gw);
  return {};
}

void SimNetwork::AddIpInterface(SimNode& sn, const std::string& link, ns3::Ptr<ns3::NetDevice> dev,
                                ns3::Ipv4Address address, ns3::Ipv4Mask mask) {
  ns3::Ptr<ns3::Ipv4> ipv4 = sn.node->GetObject<ns3::Ipv4>();
  const uint32_t ifi = ipv4->AddInterface(dev);
  ipv4->AddAddress(ifi, ns3::Ipv4InterfaceAddress(address, mask));
  ipv4->SetUp(ifi);
  sn.interfaces.push_back(SimInterface{link, dev, ifi, ifi, address, mask});
}

core::Status SimNetwork::DoBuild(const model::Topology& topo, const BuildOptions& opt) {
  m_logs = std::make_unique<SimLogs>();
  m_recorder = std::make_unique<LogRecorder>(m_logs.get(), opt.startUnixNs);
  BuildState st(topo, opt);
  VANTAGE_RETURN_IF_ERROR(CheckLinks(topo, [&](int line) { return st.Where(line); }));
  AddZonePrefixes(st);
  AddNodes(st);
  const auto domains = BroadcastDomains(topo);
  VANTAGE_RETURN_IF_ERROR(PlanAddresses(st, domains));
  for (const auto& [root, links] : domains) VANTAGE_RETURN_IF_ERROR(ConnectDomain(st, links));
  BridgeSwitches(st);
  VANTAGE_RETURN_IF_ERROR(AddCollector(st));
  // Filtering nodes and NAT gateways wrap the node's routing protocol. The NAT wraps the
  // filter, as netfilter orders them: inbound packets are translated back before the rules see
  // them, outbound packets are judged with their inside address and translated after.
  for (const auto& mn : topo.nodes) {
    if (Filters(mn)) InstallFirewall(mn);
  }
  for (const auto& nat : topo.nats) VANTAGE_RETURN_IF_ERROR(InstallNat(st, nat));
  AssignStreams(st);
  ns3::Ipv4GlobalRoutingHelper::PopulateRoutingTables();
  return BuildMap(st);
}

void SimNetwork::AddZonePrefixes(BuildState& st) {
  for (const auto& z : st.topo.zones) {
    auto& za = st.alloc[z.name];
    for (const auto& c : z.cidrs) {
      if (!c.network.IsV4()) continue;
      const uint32_t mask = PrefixMask(c.length).Get();
      m_zonePrefixes.push_back({c.network.V4Value() & mask, mask, c.length, z.name});
      za.ranges.push_back({c.network.V4Value() & mask, uint64_t{1} << (32 - c.length)});
    }
  }
}

// Host groups are expanded to `simulate` instances; switches get no IP stack.
void SimNetwork::AddNodes(BuildState& st) {
  auto addNode = [&](const std::string& name, const model::Node& mn) {
    SimNode sn;
    sn.name = name;
    sn.modelNode = mn.name;
    sn.kind = mn.kind;
    sn.zone = mn.zone;
    sn.node = ns3::CreateObject<ns3::Node>();
    m_nodeIndex[name] = m_nodes.size();
    st.instances[mn.name].push_back(m_nodes.size());
    m_nodes.push_back(std::move(sn));
  };
  for (const auto& n : st.topo.nodes) {
    if (n.kind == model::NodeKind::kHostGroup) {
      for (uint32_t i = 1; i <= n.simulate; ++i) addNode(n.name + "-" + std::to_string(i), n);
    } else {
      addNode(n.name, n);
    }
  }
  st.stack.SetIpv6StackInstall(false);
  for (auto& n : m_nodes) {
    if (n.kind != model::NodeKind::kSwitch) st.stack.Install(n.node);
  }
}

// The model's address plan numbers each link; it is usable when no L2 domain joins several
// addressed links (else one IP subnet must span them and we number per domain ourselves).
core::Status SimNetwork::PlanAddresses(BuildState& st,
                                       const std::map<size_t, std::vector<size_t>>& domains) {
  auto plan = model::PlanAddresses(st.topo);
  if (!plan) return MakeError(plan.GetError().code, st.file + ": " + plan.GetError().message);
  st.plan = std::move(*plan);
  m_usesModelPlan = true;
  for (const auto& [root, links] : domains) {
    size_t addressed = 0;
    for (size_t li : links) {
      addressed += model::InterfacesNeeded(st.topo, st.topo.links[li]) > 0 ? 1 : 0;
    }
    if (addressed > 1) m_usesModelPlan = false;
  }
  if (m_usesModelPlan) SkipPlannedSubnets(*st.plan, st.alloc);
  return {};
}

core::Status SimNetwork::ConnectDomain(BuildState& st, const std::vector<size_t>& links) {
  bool hasSwitch = false;
  for (size_t li : links) {
    for (const auto& ep : st.topo.links[li].endpoints) {
      hasSwitch = hasSwitch || st.topo.FindNode(ep)->kind == model::NodeKind::kSwitch;
    }
  }
  std::vector<Attach> l3;
  for (size_t li : links) ConnectLink(st, st.topo.links[li], hasSwitch, l3);
  if (l3.empty()) return {};
  return AddressDomain(st, links, l3);
}

// Without a switch, the link's nodes share one channel (point-to-point for two, else CSMA).
// With one, a star around the link's first switch: one CSMA segment per attached device, so
// the switch's ports do not share a half-duplex bus.
void SimNetwork::ConnectLink(BuildState& st, const model::Link& link, bool viaSwitch,
                             std::vector<Attach>& l3) {
  if (!viaSwitch) {
    std::vector<size_t> members;
    for (const auto& ep : link.endpoints) {
      for (size_t idx : st.instances[ep]) members.push_back(idx);
    }
    if (members.size() < 2) return;  // a host group simulated with 0 hosts
    ns3::NodeContainer nc;
    for (size_t idx : members) nc.Add(m_nodes[idx].node);
    ns3::NetDeviceContainer devs;
    if (link.kind == model::LinkKind::kPointToPoint && members.size() == 2) {
      ns3::PointToPointHelper h;
      h.SetDeviceAttribute("DataRate", ns3::StringValue(DataRateOf(link.bandwidthMbps)));
      h.SetChannelAttribute("Delay", ns3::TimeValue(ns3::MilliSeconds(link.delayMs)));
      devs = h.Install(nc);
    } else {
      ns3::CsmaHelper h;
      SetLinkChannel(h, link);
      devs = h.Install(nc);
    }
    for (size_t k = 0; k < members.size(); ++k) l3.push_back({members[k], link.name, devs.Get(k)});
    return;
  }
  std::string hub;
  for (const auto& ep : link.endpoints) {
    if (st.topo.FindNode(ep)->kind == model::NodeKind::kSwitch) {
      hub = ep;
      break;
    }
  }
  const size_t hubIdx = st.instances[hub].front();
  for (const auto& ep : link.endpoints) {
    if (ep == hub) continue;
    for (size_t idx : st.instances[ep]) {
      ns3::CsmaHelper h;
      SetLinkChannel(h, link);
      ns3::NetDeviceContainer devs =
          h.Install(ns3::NodeContainer(m_nodes[hubIdx].node, m_nodes[idx].node));
      st.switchPorts[hubIdx].emplace_back(devs.Get(0), link.name);
      if (m_nodes[idx].kind == model::NodeKind::kSwitch) {
        st.switchPorts[idx].emplace_back(devs.Get(1), link.name);
      } else {
        l3.push_back({idx, link.name, devs.Get(1)});
      }
    }
  }
}

// Addresses from the model's plan, else one subnet for the domain from its zone's CIDRs.
core::Status SimNetwork::AddressDomain(BuildState& st, const std::vector<size_t>& links,
                                       const std::vector<Attach>& l3) {
  if (m_usesModelPlan) {
    for (const auto& a : l3) {
      SimNode& sn = m_nodes[a.node];
      const model::LinkSubnet* ls = st.plan->FindLink(a.link);
      const core::IpAddress addr = st.plan->AddressOn(sn.name, a.link);
      if (ls == nullptr || !addr.IsV4()) {
        return MakeError(ErrorCode::kInvalid, st.file + ": address plan has no address for '" +
                                                  sn.name + "' on link '" + a.link + "'");
      }
      AddIpInterface(sn, a.link, a.dev, ToNs3(addr), PrefixMask(ls->subnet.length));
    }
    return {};
  }
  const auto& first = st.topo.links[links.front()];
  std::string zone = first.zone;
  if (zone.empty() || st.alloc.count(zone) == 0) zone = m_nodes[l3.front().node].zone;
  if (st.alloc.count(zone) == 0) {
    return MakeError(ErrorCode::kInvalid, st.Where(first.line) + "link '" + first.name +
                                              "': zone '" + zone + "' has no IPv4 CIDR");
  }
  uint64_t block = 4;
  while (block < l3.size() + 2) block *= 2;
  uint32_t network = 0;
  if (!st.alloc[zone].Allocate(block, network)) {
    unsigned len = 32;
    for (uint64_t b = block; b > 1; b /= 2) --len;
    return MakeError(ErrorCode::kLimit, st.Where(first.line) + "address plan of zone '" + zone +
                                            "' is exhausted: link '" + first.name + "' needs a /" +
                                            std::to_string(len) + " for " +
                                            std::to_string(l3.size()) + " interfaces");
  }
  const ns3::Ipv4Mask mask(~static_cast<uint32_t>(block - 1));
  for (size_t k = 0; k < l3.size(); ++k) {
    const ns3::Ipv4Address addr(network + static_cast<uint32_t>(k) + 1);
    AddIpInterface(m_nodes[l3[k].node], l3[k].link, l3[k].dev, addr, mask);
  }
  return {};
}

void SimNetwork::BridgeSwitches(BuildState& st) {
  for (auto& [idx, ports] : st.switchPorts) {
    ns3::NetDeviceContainer pc;
    SimNode& sn = m_nodes[idx];
    for (size_t k = 0; k < ports.size(); ++k) {
      pc.Add(ports[k].first);
      // A switch port has no IP interface; its number is its position on the bridge.
      sn.interfaces.push_back(
          SimInterface{ports[k].second, ports[k].first, 0, static_cast<uint32_t>(k + 1), {}, {}});
    }
    ns3::BridgeHelper bridge;
    bridge.Install(sn.node, pc);
  }
}

// A forwarding node in a management (else core, else data-centre) zone; else any forwarding
// node with an interface.
const SimNode* SimNetwork::CollectorAnchor(const model::Topology& topo) const {
  for (model::ZoneKind want :
       {model::ZoneKind::kManagement, model::ZoneKind::kCore, model::ZoneKind::kDataCentre}) {
    for (const auto& n : m_nodes) {
      const model::Zone* z = topo.FindZone(n.zone);
      const model::Node* mn = topo.FindNode(n.modelNode);
      if (z != nullptr && z->kind == want && mn != nullptr && mn->ForwardsPackets() &&
          !n.interfaces.empty()) {
        return &n;
      }
    }
  }
  for (const auto& n : m_nodes) {
    const model::Node* mn = topo.FindNode(n.modelNode);
    if (mn != nullptr && mn->ForwardsPackets() && !n.interfaces.empty()) return &n;
  }
  return nullptr;
}

// Collector node for live export: a topology node with role "collector" receives it;
// otherwise one is added behind the anchor router on a /30 from the anchor's zone.
core::Status SimNetwork::AddCollector(BuildState& st) {
  if (!st.opt.addCollector) return {};
  for (const auto& mn : st.topo.nodes) {
    if (mn.role == "collector" && mn.kind != model::NodeKind::kHostGroup) {
      const SimNode* c = FindNode(mn.name);
      if (c != nullptr && !c->interfaces.empty() && c->interfaces.front().ipInterface != 0) {
        m_collectorIndex = static_cast<int>(m_nodeIndex[mn.name]);
        return {};
      }
    }
  }
  const SimNode* anchor = CollectorAnchor(st.topo);
  if (anchor == nullptr) {
    return MakeError(ErrorCode::kInvalid,
                     st.file + ": live export needs a router to attach the collector to");
  }
  const size_t anchorIdx = m_nodeIndex[anchor->name];
  const std::string zone = anchor->zone;
  SimNode c;
  c.name = st.opt.collectorName;
  while (m_nodeIndex.count(c.name) != 0) c.name += "-sim";
  c.modelNode = c.name;
  c.kind = model::NodeKind::kServer;
  c.zone = zone;
  c.node = ns3::CreateObject<ns3::Node>();
  st.stack.Install(c.node);
  m_collectorIndex = static_cast<int>(m_nodes.size());
  m_nodeIndex[c.name] = m_nodes.size();
  m_nodes.push_back(std::move(c));
  ns3::PointToPointHelper h;
  h.SetDeviceAttribute("DataRate", ns3::StringValue("1Gbps"));
  h.SetChannelAttribute("Delay", ns3::TimeValue(ns3::MicroSeconds(100)));
  SimNode& cn = m_nodes.back();
  SimNode& an = m_nodes[anchorIdx];
  ns3::NetDeviceContainer devs = h.Install(an.node, cn.node);
  uint32_t network = 0;
  if (st.alloc.count(zone) == 0 || !st.alloc[zone].Allocate(4, network)) {
    return MakeError(ErrorCode::kLimit, st.file + ": address plan of zone '" + zone +
                                            "' is exhausted: no /30 left for the collector");
  }
  AddIpInterface(an, cn.name + "-link", devs.Get(0), ns3::Ipv4Address(network + 1),
                 ns3::Ipv4Mask(0xfffffffcu));
  AddIpInterface(cn, cn.name + "-link", devs.Get(1), ns3::Ipv4Address(network + 2),
                 ns3::Ipv4Mask(0xfffffffcu));
  return {};
}

// Fixed random streams (ARP jitter, CSMA backoff, ...): ns-3 otherwise numbers streams from
// a process-wide counter, and a second run in the same process would differ.
void SimNetwork::AssignStreams(BuildState& st) {
  ns3::NodeContainer ipNodes;
  for (const auto& n : m_nodes) {
    if (n.node->GetObject<ns3::Ipv4>() != nullptr) ipNodes.Add(n.node);
  }
  int64_t stream = 0;
  stream += st.stack.AssignStreams(ipNodes, stream);
  ns3::NetDeviceContainer csmaDevs;
  for (const auto& n : m_nodes) {
    for (const auto& i : n.interfaces) {
      if (ns3::DynamicCast<ns3::CsmaNetDevice>(i.device) != nullptr) csmaDevs.Add(i.device);
    }
  }
  ns3::CsmaHelper csma;
  csma.AssignStreams(csmaDevs, stream);
}

// The network map for the traffic side: end hosts with their first address, and the NAT
// lookup.
core::Status SimNetwork::BuildMap(BuildState& st) {
  for (const auto& n : m_nodes) {
    if (static_cast<int>(&n - m_nodes.data()) == m_collectorIndex &&
        st.topo.FindNode(n.name) == nullptr) {
      continue;  // the collector node added for live export
    }
    const bool endHost =
        n.kind == model::NodeKind::kHostGroup || n.kind == model::NodeKind::kServer ||
        n.kind == model::NodeKind::kInternet || n.kind == model::NodeKind::kCloudVpc;
    if (!endHost) continue;
    SimHost h;
    h.name = n.name;
    h.group = n.modelNode;
    h.zone = n.zone;
    h.node = n.node;
    for (const auto& i : n.interfaces) {
      if (i.ipInterface != 0) {
        h.address = i.address;
        break;
      }
    }
    if (h.address == ns3::Ipv4Address()) {
      const model::Node* mn = st.topo.FindNode(n.modelNode);
      return MakeError(ErrorCode::kInvalid, st.Where(mn != nullptr ? mn->line : 0) + "node '" +
                                                n.modelNode + "' has no link, so its host '" +
                                                n.name + "' has no address");
    }
    if (const model::CriticalAsset* a = st.topo.AssetOn(n.modelNode); a != nullptr) {
      h.criticalAsset = a->name;
    }
    m_map.hosts.push_back(std::move(h));
  }
  if (!m_nats.empty()) {
    std::vector<ns3::Ptr<NatGateway>> nats = m_nats;
    m_map.natLookup =
        [nats](uint8_t proto, ns3::Ipv4Address in, uint16_t port,
               ns3::Ipv4Address dst) -> std::optional<std::pair<ns3::Ipv4Address, uint16_t>> {
      for (const auto& g : nats) {
        if (auto r = g->Lookup(proto, in, port, dst)) return r;
      }
      return std::nullopt;
    };
  }
  return {};
}

}  // namespace vantage::sim
