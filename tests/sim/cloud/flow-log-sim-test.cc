// Flow-log points in the simulator: a small cloud (an instance behind a security group, the
// VPC's resolver, a NAT gateway to the internet) with controlled traffic, logged by AWS,
// Google Cloud and Azure points at once. Field-exact records per provider, each exclusion,
// the NAT gateway's pkt-srcaddr / pkt-dstaddr, REJECT from the security group, the file round
// trip (simulate -> file -> ParseFile equals the meter's records) and determinism.
#include <gtest/gtest.h>
#include <ns3/boolean.h>
#include <ns3/bulk-send-helper.h>
#include <ns3/global-value.h>
#include <ns3/inet-socket-address.h>
#include <ns3/ipv4-l3-protocol.h>
#include <ns3/packet-sink-helper.h>
#include <ns3/simulator.h>
#include <ns3/udp-echo-helper.h>
#include <ns3/uinteger.h>

#include <algorithm>
#include <filesystem>
#include <tuple>

#include "network-builder.h"
#include "observation/observation.h"
#include "vantage/collector/flow-log-ingest.h"
#include "vantage/collector/query.h"
#include "vantage/collector/store.h"
#include "vantage/model/topology.h"
#include "vantage/test/temp-dir.h"
#include "vantage/wire/flowlog/flow-log.h"

namespace vantage::sim {
namespace {

namespace fs = std::filesystem;
namespace wfl = wire::flowlog;
using wfl::Action;
using wfl::Direction;
using wfl::FlowLogRecord;
using wfl::LogStatus;

constexpr int64_t kStartNs = 1767607200LL * 1000000000LL;  // 2026-01-05T10:00:00Z

// The lan's addresses follow its endpoints: rtr .1 (the subnet's router), dns .2 (the VPC's
// resolver, AWS's VPC+2), natgw .3, app .4.
const char* kTopology = R"(
name: cloud-test
zones:
  - {name: office, kind: access, cidrs: [10.1.0.0/24]}
  - {name: aws, kind: cloud, cidrs: [10.100.0.0/16]}
  - {name: internet, kind: internet, cidrs: [198.51.100.0/24]}
nodes:
  - {name: rtr, kind: router, zone: office}
  - {name: pc, kind: server, zone: office}
  - name: app
    kind: cloud_vpc
    zone: aws
    rules: [{name: https-in, from: office, to: aws, action: allow, protocol: tcp, port: 443}]
  - {name: dns, kind: server, zone: aws, role: dns}
  - {name: natgw, kind: nat_gateway, zone: aws}
  - {name: web, kind: internet, zone: internet}
links:
  - {name: office-link, kind: p2p, endpoints: [rtr, pc], zone: office}
  - {name: subnet, kind: lan, endpoints: [rtr, dns, natgw, app], zone: aws}
  - {name: igw, kind: p2p, endpoints: [natgw, web], zone: internet}
nat:
  - {node: natgw, inside: [subnet], outside: igw}
candidates:
  - {name: app-aws, node: app, flow_log: {provider: aws, version: 5, max_aggregation_interval: 60}}
  - {name: app-gcp, node: app, flow_log: {provider: gcp, aggregation_interval: 1m, flow_sampling: 1}}
  - {name: app-azure, node: app, flow_log: {provider: azure}}
  - {name: nat-aws, node: natgw, flow_log: {provider: aws, version: 5, max_aggregation_interval: 60}}
)";

struct Addrs {
  core::IpAddress app, dns, natIn, natOut, web, pc;
};

core::IpAddress Addr(const SimNetwork& net, const char* node, const char* link) {
  return FromNs3(net.FindNode(node)->Interface(link)->address);
}

/// One run of the test network: UDP echo app -> web through the NAT (3 x 100 bytes), DNS
/// app -> resolver (2 exchanges), TCP pc -> app:443 (allowed) and pc -> app:22 (denied).
struct CloudRun {
  std::map<std::string, std::vector<FlowLogRecord>> records;
  std::map<std::string, FlowLogSummary> summaries;
  std::map<std::string, std::string> files;
  Addrs a;
  uint64_t tcp443AtApp = 0, tcp22AtApp = 0;  // packets the app's IPv4 layer received
};

struct RxCounter {
  uint64_t* https;
  uint64_t* ssh;
};

void CountRx(RxCounter* c, ns3::Ptr<const ns3::Packet> p, ns3::Ptr<ns3::Ipv4>, uint32_t) {
  uint8_t b[24] = {};
  if (p->CopyData(b, sizeof(b)) < 24 || b[9] != 6) return;
  const uint16_t dport = static_cast<uint16_t>((b[22] << 8) | b[23]);
  if (dport == 443) ++*c->https;
  if (dport == 22) ++*c->ssh;
}

void InstallTraffic(const SimNetwork& net) {
  const SimNode* app = net.FindNode("app");
  const SimNode* web = net.FindNode("web");
  const SimNode* dns = net.FindNode("dns");
  const SimNode* pc = net.FindNode("pc");
  ns3::UdpEchoServerHelper echo(9);
  echo.Install(web->node).Start(ns3::Seconds(0));
  ns3::UdpEchoServerHelper resolver(53);
  resolver.Install(dns->node).Start(ns3::Seconds(0));
  ns3::UdpEchoClientHelper toWeb(web->interfaces.front().address, 9);
  toWeb.SetAttribute("MaxPackets", ns3::UintegerValue(3));
  toWeb.SetAttribute("Interval", ns3::TimeValue(ns3::Seconds(1)));
  toWeb.SetAttribute("PacketSize", ns3::UintegerValue(100));
  toWeb.Install(app->node).Start(ns3::Seconds(1));
  ns3::UdpEchoClientHelper toDns(dns->interfaces.front().address, 53);
  toDns.SetAttribute("MaxPackets", ns3::UintegerValue(2));
  toDns.SetAttribute("PacketSize", ns3::UintegerValue(60));
  toDns.Install(app->node).Start(ns3::Seconds(2));
  for (uint16_t port : {uint16_t{443}, uint16_t{22}}) {
    ns3::PacketSinkHelper sink("ns3::TcpSocketFactory",
                               ns3::InetSocketAddress(ns3::Ipv4Address::GetAny(), port));
    sink.Install(app->node).Start(ns3::Seconds(0));
    ns3::BulkSendHelper bulk("ns3::TcpSocketFactory",
                             ns3::InetSocketAddress(app->interfaces.front().address, port));
    bulk.SetAttribute("MaxBytes", ns3::UintegerValue(3000));
    bulk.Install(pc->node).Start(ns3::Seconds(port == 443 ? 5 : 7));
  }
}

CloudRun RunCloud(uint64_t seed, const test::TempDir& tmp) {
  const std::string dir = tmp.Path();
  CloudRun out;
  model::Diagnostics diags;
  auto topo = model::ParseTopology(kTopology, "cloud-test.yaml", diags);
  EXPECT_TRUE(topo.Ok()) << diags.ToString();
  if (!topo.Ok()) return out;
  ns3::GlobalValue::Bind("ChecksumEnabled", ns3::BooleanValue(false));
  BuildOptions bo;
  bo.startUnixNs = kStartNs;
  auto net = SimNetwork::Build(*topo, bo);
  EXPECT_TRUE(net) << (net ? "" : net.GetError().message);
  if (!net) return out;
  SimNetwork& n = **net;
  out.a = {Addr(n, "app", "subnet"), Addr(n, "dns", "subnet"), Addr(n, "natgw", "subnet"),
           Addr(n, "natgw", "igw"),  Addr(n, "web", "igw"),    Addr(n, "pc", "office-link")};
  std::vector<PointSetup> points;
  for (const auto& c : topo->candidates) {
    PointSetup ps;
    ps.name = c.name;
    ps.node = c.node;
    ps.flowLog = MakeFlowLogSetup(*topo, c, seed);
    points.push_back(ps);
  }
  fs::create_directories(dir + "/points");
  Observation obs;
  auto st = obs.Setup(n, points, dir, 128, kStartNs);
  EXPECT_TRUE(st) << (st ? "" : st.GetError().message);
  RxCounter counter{&out.tcp443AtApp, &out.tcp22AtApp};
  n.FindNode("app")->node->GetObject<ns3::Ipv4L3Protocol>()->TraceConnectWithoutContext(
      "Rx", ns3::MakeBoundCallback(&CountRx, &counter));
  InstallTraffic(n);
  ns3::Simulator::Schedule(ns3::Seconds(30), [&obs]() { obs.Advance(); });
  ns3::Simulator::Stop(ns3::Seconds(70));
  ns3::Simulator::Run();
  EXPECT_TRUE(obs.Close());
  for (const auto& s : obs.Summaries()) {
    if (!s.flowLog) continue;
    out.records[s.name] = obs.FlowLogOf(s.name)->Records();
    out.summaries[s.name] = *s.flowLog;
    out.files[s.name] = tmp.Read(s.flowLog->path);
  }
  ns3::Simulator::Destroy();
  return out;
}

class CloudFlowLogs : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    s_dir = new test::TempDir("cloud-run");
    s_run = new CloudRun(RunCloud(1, *s_dir));
  }
  static void TearDownTestSuite() {
    delete s_run;
    s_run = nullptr;
    delete s_dir;
    s_dir = nullptr;
  }
  static const std::vector<FlowLogRecord>& Of(const std::string& point) {
    return s_run->records[point];
  }
  static CloudRun* s_run;
  static test::TempDir* s_dir;
};
CloudRun* CloudFlowLogs::s_run = nullptr;
test::TempDir* CloudFlowLogs::s_dir = nullptr;

std::vector<const FlowLogRecord*> Find(const std::vector<FlowLogRecord>& all,
                                       const core::IpAddress& src, const core::IpAddress& dst,
                                       uint16_t dport = 0) {
  std::vector<const FlowLogRecord*> out;
  for (const auto& r : all) {
    if (r.logStatus == LogStatus::kOk && r.src == src && r.dst == dst &&
        (dport == 0 || r.dstPort == dport)) {
      out.push_back(&r);
    }
  }
  return out;
}

TEST_F(CloudFlowLogs, AwsInstanceRecordsAreFieldExact) {
  const auto& recs = Of("app-aws");
  const Addrs& a = s_run->a;
  auto out = Find(recs, a.app, a.web, 9);
  ASSERT_EQ(out.size(), 1u) << "one 60 s window holds all three echoes";
  EXPECT_EQ(out[0]->packets, 3u);
  EXPECT_EQ(out[0]->octets, 3u * (100 + 8 + 20));
  EXPECT_EQ(out[0]->protocol, 17);
  EXPECT_EQ(out[0]->action, Action::kAccept);
  EXPECT_EQ(out[0]->direction, Direction::kEgress);
  EXPECT_EQ(out[0]->trafficPath, 1) << "to the internet through the VPC's NAT gateway";
  EXPECT_FALSE(out[0]->pktSrc.IsSet());
  EXPECT_EQ(out[0]->start.ns, kStartNs + 1000000000LL) << "first echo at 1 s, whole seconds";
  EXPECT_EQ(out[0]->end.ns, kStartNs + 3000000000LL);
  EXPECT_EQ(out[0]->delivered.ns, kStartNs + (60 + 600) * 1000000000LL);
  EXPECT_EQ(out[0]->interfaceId.rfind("eni-", 0), 0u);
  EXPECT_EQ(out[0]->instanceId.rfind("i-", 0), 0u);
  auto back = Find(recs, a.web, a.app);
  ASSERT_EQ(back.size(), 1u);
  EXPECT_EQ(back[0]->packets, 3u);
  EXPECT_EQ(back[0]->direction, Direction::kIngress);
  EXPECT_EQ(back[0]->trafficPath, 0) << "traffic-path is for egress only";
}

TEST_F(CloudFlowLogs, TcpFlagsAndCountsMatchWhatTheInstanceReceived) {
  const Addrs& a = s_run->a;
  auto in = Find(Of("app-aws"), a.pc, a.app, 443);
  ASSERT_EQ(in.size(), 1u);
  EXPECT_EQ(in[0]->packets, s_run->tcp443AtApp) << "independent count at the app's IP layer";
  EXPECT_EQ(in[0]->tcpFlags, 3) << "SYN and FIN from the client; ACK is not reported";
  auto out = Find(Of("app-aws"), a.app, a.pc);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0]->tcpFlags & 18, 18) << "SYN-ACK from the server";
}

TEST_F(CloudFlowLogs, SecurityGroupDropsAreRejectRecords) {
  const Addrs& a = s_run->a;
  auto aws = Find(Of("app-aws"), a.pc, a.app, 22);
  ASSERT_EQ(aws.size(), 1u);
  EXPECT_EQ(aws[0]->action, Action::kReject);
  EXPECT_EQ(aws[0]->packets, s_run->tcp22AtApp) << "every SYN retry was dropped and logged";
  EXPECT_GE(aws[0]->packets, 2u);
  EXPECT_TRUE(Find(Of("app-aws"), a.app, a.pc).size() == 1u) << "no reply to the denied port";
  auto az = Find(Of("app-azure"), a.pc, a.app, 22);
  ASSERT_EQ(az.size(), 1u);
  EXPECT_EQ(az[0]->azureState, 'D');
  EXPECT_TRUE(Find(Of("app-gcp"), a.pc, a.app, 22).empty())
      << "Google Cloud logs what the firewall allowed";
}

TEST_F(CloudFlowLogs, ResolverTrafficIsNeverLogged) {
  const Addrs& a = s_run->a;
  for (const char* point : {"app-aws", "app-gcp", "app-azure"}) {
    EXPECT_TRUE(Find(Of(point), a.app, a.dns).empty()) << point;
    EXPECT_TRUE(Find(Of(point), a.dns, a.app).empty()) << point;
    // 2 queries and 2 answers; Google Cloud also leaves out what the security group denied.
    const uint64_t denied = std::string(point) == "app-gcp" ? s_run->tcp22AtApp : 0;
    EXPECT_EQ(s_run->summaries[point].excludedPackets, 4u + denied) << point;
  }
}

TEST_F(CloudFlowLogs, NatGatewayInterfacesNameThemselvesAndKeepThePacketAddresses) {
  const Addrs& a = s_run->a;
  const auto& recs = Of("nat-aws");
  // Inside: the instance's packet arrives addressed (in the packet) to the internet host.
  auto in = Find(recs, a.app, a.natIn);
  ASSERT_EQ(in.size(), 1u);
  EXPECT_EQ(in[0]->pktDst, a.web);
  EXPECT_EQ(in[0]->direction, Direction::kIngress);
  // Back to the instance: the gateway's own address as srcaddr, the internet host in
  // pkt-srcaddr.
  auto back = Find(recs, a.natIn, a.app);
  ASSERT_EQ(back.size(), 1u);
  EXPECT_EQ(back[0]->pktSrc, a.web);
  EXPECT_EQ(back[0]->direction, Direction::kEgress);
  EXPECT_EQ(back[0]->instanceId, "") << "a NAT gateway's interface is requester-managed";
  // Outside: translated, so srcaddr and the packet agree.
  auto outside = Find(recs, a.natOut, a.web, 9);
  ASSERT_EQ(outside.size(), 1u);
  EXPECT_FALSE(outside[0]->pktSrc.IsSet());
  EXPECT_EQ(outside[0]->packets, 3u);
  EXPECT_EQ(outside[0]->trafficPath, 2) << "through the internet gateway";
  EXPECT_NE(outside[0]->interfaceId, in[0]->interfaceId) << "one interface per link";
}

TEST_F(CloudFlowLogs, QuietInterfacesWriteNoData) {
  // The run spans windows [0, 60) and [60, 120): the second has no traffic.
  size_t noData = 0;
  for (const auto& r : Of("app-aws")) noData += r.logStatus == LogStatus::kNoData ? 1 : 0;
  EXPECT_EQ(noData, 1u);
  EXPECT_EQ(s_run->summaries["app-aws"].noDataRecords, 1u);
  EXPECT_EQ(s_run->summaries["nat-aws"].noDataRecords, 2u) << "two interfaces";
}

TEST_F(CloudFlowLogs, GoogleReportsEachDirectionAndAzureOneTuplePerConnection) {
  const Addrs& a = s_run->a;
  auto sent = Find(Of("app-gcp"), a.app, a.web, 9);
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0]->reporter, "SRC");
  auto recv = Find(Of("app-gcp"), a.web, a.app);
  ASSERT_EQ(recv.size(), 1u);
  EXPECT_EQ(recv[0]->reporter, "DEST");
  auto az = Find(Of("app-azure"), a.app, a.web, 9);
  ASSERT_EQ(az.size(), 1u);
  EXPECT_EQ(az[0]->packets, 3u);
  EXPECT_EQ(az[0]->reversePackets, 3u) << "replies in the same tuple";
  EXPECT_EQ(az[0]->azureState, 'B');
  EXPECT_TRUE(Find(Of("app-azure"), a.web, a.app).empty());
}

/// The fields every format carries, at the precision the format keeps.
auto Comparable(const FlowLogRecord& r, wfl::Provider p) {
  const int64_t unit = p == wfl::Provider::kAws     ? 1000000000LL
                       : p == wfl::Provider::kAzure ? 1000000LL
                                                    : 1LL;
  const core::IpAddress pktSrc = r.pktSrc == r.src ? core::IpAddress{} : r.pktSrc;
  const core::IpAddress pktDst = r.pktDst == r.dst ? core::IpAddress{} : r.pktDst;
  const bool aws = p == wfl::Provider::kAws;
  return std::make_tuple(r.interfaceId, r.src, r.dst, r.srcPort, r.dstPort, r.protocol, r.packets,
                         r.octets, r.reversePackets, r.start.ns / unit, static_cast<int>(r.action),
                         static_cast<int>(r.logStatus), static_cast<int>(r.direction),
                         aws ? pktSrc : core::IpAddress{}, aws ? pktDst : core::IpAddress{},
                         aws ? r.tcpFlags : 0, r.azureState);
}

TEST_F(CloudFlowLogs, FilesParseBackToTheMetersRecords) {
  for (const auto& [point, recs] : s_run->records) {
    const wfl::Provider p = s_run->summaries[point].settings.provider;
    auto rr = wfl::ParseFile(wfl::FileFormatOf(p), s_run->files[point]);
    ASSERT_TRUE(rr.fatal.empty()) << point << ": " << rr.fatal;
    ASSERT_TRUE(rr.errors.empty()) << point << ": " << rr.errors.front().message;
    using Row = decltype(Comparable(recs.front(), p));
    std::vector<Row> want, got;
    for (const auto& r : recs) {
      // Google Cloud's format has no NODATA records; Azure's none either.
      if (p != wfl::Provider::kAws && r.logStatus != LogStatus::kOk) continue;
      want.push_back(Comparable(r, p));
    }
    for (const auto& r : rr.records) got.push_back(Comparable(r, p));
    std::sort(want.begin(), want.end());
    std::sort(got.begin(), got.end());
    EXPECT_EQ(got.size(), want.size()) << point;
    EXPECT_TRUE(got == want) << point << ": the file does not read back as metered";
    EXPECT_EQ(s_run->summaries[point].bytes, s_run->files[point].size());
    EXPECT_EQ(s_run->summaries[point].records, recs.size());
  }
}

/// A record as the store's normalised columns show it (the query below).
std::vector<std::string> StoreRow(const FlowLogRecord& r) {
  auto text = [](const core::IpAddress& a) { return a.IsSet() ? a.ToString() : std::string(); };
  const char* action = r.action == Action::kAccept   ? "ACCEPT"
                       : r.action == Action::kReject ? "REJECT"
                                                     : "-";
  const char* status = r.logStatus == LogStatus::kNoData ? "NODATA" : "OK";
  return {r.interfaceId,
          text(r.src),
          text(r.dst),
          std::to_string(r.srcPort),
          std::to_string(r.dstPort),
          std::to_string(r.protocol),
          std::to_string(r.packets),
          std::to_string(r.octets),
          action,
          status};
}

TEST_F(CloudFlowLogs, CollectThenQueryEqualsTheMetersRecords) {
  for (const char* point : {"app-aws", "nat-aws", "app-gcp", "app-azure"}) {
    const wfl::Provider p = s_run->summaries[point].settings.provider;
    const std::string db = s_dir->File(std::string(point) + ".sqlite");
    {
      auto store = collector::Store::Open(db);
      ASSERT_TRUE(store) << store.GetError().message;
      auto rep = collector::IngestFlowLogFile(
          **store, s_dir->File(std::string("points/") + point + ".flowlog"), wfl::FileFormatOf(p));
      ASSERT_TRUE(rep) << rep.GetError().message;
      EXPECT_EQ(rep->malformed, 0u) << point;
      ASSERT_TRUE((*store)->Close());
    }
    auto q = collector::RunQueryOnFile(
        db,
        "SELECT interface_id, ipstr(src), ipstr(dst), src_port, dst_port, protocol, packets, "
        "octets, coalesce(action, '-'), log_status FROM flows");
    ASSERT_TRUE(q) << q.GetError().message;
    std::vector<std::vector<std::string>> want, got = q->rows;
    for (const auto& r : Of(point)) {
      if (p == wfl::Provider::kAws || r.logStatus == LogStatus::kOk) want.push_back(StoreRow(r));
    }
    for (auto& row : got) {
      for (auto& cell : row) {
        if (cell == "NULL") cell.clear();
      }
    }
    std::sort(want.begin(), want.end());
    std::sort(got.begin(), got.end());
    EXPECT_GE(want.size(), 3u) << point;  // Azure: 3 tuples (biflows)
    EXPECT_EQ(got, want) << point;
  }
}

TEST(CloudFlowLogRuns, SameSeedSameFiles) {
  const test::TempDir d1("cloud-a"), d2("cloud-b");
  CloudRun r1 = RunCloud(3, d1);
  CloudRun r2 = RunCloud(3, d2);
  ASSERT_EQ(r1.files.size(), 4u);
  for (const auto& [point, text] : r1.files) {
    EXPECT_FALSE(text.empty()) << point;
    EXPECT_EQ(text, r2.files[point]) << point << " differs between identical runs";
  }
}

}  // namespace
}  // namespace vantage::sim
