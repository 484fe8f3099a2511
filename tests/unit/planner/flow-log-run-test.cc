// A hand-written cloud run directory with an AWS VPC flow log written by the wire writer:
// window aggregation, merged flows, REJECT records, traffic AWS never logs, NAT attribution
// with and without pkt-srcaddr, costs from the budget keys, and the blind spots the report
// lists (and does not list).
#include <gtest/gtest.h>

#include <cmath>

#include "test-util.h"
#include "vantage/planner/blind-spots.h"
#include "vantage/planner/flow-log-observations.h"
#include "vantage/planner/metrics.h"
#include "vantage/planner/observations.h"
#include "vantage/planner/optimiser.h"
#include "vantage/planner/problem.h"
#include "vantage/planner/report.h"
#include "vantage/planner/run-directory.h"
#include "vantage/wire/flowlog/flow-log.h"

namespace vantage::planner {
namespace {

using test::TempDir;
namespace fl = wire::flowlog;

constexpr int64_t kStartS = 1767600000;  // a multiple of 600: windows start with the run
constexpr int64_t kStart = kStartS * 1000000000LL;

std::string Ns(int64_t offsetS) {
  return std::to_string(kStart + offsetS * 1000000000LL);
}

fl::FlowLogRecord Rec(const char* src, uint16_t sp, const char* dst, uint16_t dp, uint8_t proto,
                      int64_t fromS, int64_t toS) {
  fl::FlowLogRecord r;
  r.provider = fl::Provider::kAws;
  r.src = *core::IpAddress::Parse(src);
  r.dst = *core::IpAddress::Parse(dst);
  r.srcPort = sp;
  r.dstPort = dp;
  r.protocol = proto;
  r.packets = 4;
  r.octets = 800;
  r.start = core::Timestamp::FromSeconds(kStartS + fromS);
  r.end = core::Timestamp::FromSeconds(kStartS + toS);
  r.action = fl::Action::kAccept;
  r.interfaceId = "eni-0a1b2c3d4e5f60718";
  return r;
}

// One instance (group "app", 5 real hosts each) behind a NAT gateway (10.0.0.5) in an AWS VPC:
//   1 web through the NAT to the internet      2 DNS tunnel to the VPC resolver (never logged)
//   3 a 20-minute SSH session (three windows)   4, 5 a UDP beacon every 30 s (one 5-tuple)
//   6 an SSH attempt from the internet the security group rejects
// The tap ("vpc", a mirrored exporter) sees all six before NAT.
std::vector<fl::FlowLogRecord> FlowLogRecords() {
  std::vector<fl::FlowLogRecord> v;
  fl::FlowLogRecord web = Rec("10.0.0.5", 1024, "203.0.113.7", 443, 6, 10, 12);
  web.pktSrc = *core::IpAddress::Parse("10.0.1.10");  // written by version 3+ only
  web.pktDst = web.dst;
  v.push_back(web);
  v.push_back(Rec("10.0.1.10", 40010, "10.0.2.20", 22, 6, 100, 599));
  v.push_back(Rec("10.0.1.10", 40010, "10.0.2.20", 22, 6, 600, 1199));
  v.push_back(Rec("10.0.1.10", 40010, "10.0.2.20", 22, 6, 1200, 1300));
  v.push_back(Rec("10.0.1.10", 6000, "10.0.2.30", 8443, 17, 30, 61));
  fl::FlowLogRecord rejected = Rec("198.51.100.9", 5555, "10.0.1.10", 22, 6, 40, 41);
  rejected.action = fl::Action::kReject;
  v.push_back(rejected);
  return v;
}

void WriteRun(const TempDir& d, int version) {
  std::string fields;
  for (const auto& f : fl::AwsDefaultFields(version))
    fields += (fields.empty() ? "\"" : ",\"") + f + "\"";
  d.Write("manifest.json", R"({"status":"complete","seed":1,
    "window":{"start_unix_ns":1767600000000000000,"duration_s":600,"represents_s":600},
    "scale":{"app":5.0},
    "points":[{"name":"vpc","node":"cloud-vpc","ipfix":"points/vpc.ipfix",
      "flow_log":{"provider":"aws","format":"aws-vpc","path":"points/vpc.flowlog",
                  "aggregation_interval_s":600,"version":)" +
                               std::to_string(version) + R"(,"fields":[)" + fields +
                               R"(],"traffic_type":"ALL","sample_rate":1.0}}]})");
  const std::string hdr =
      "id,label,behaviour,src_host,dst_host,src_group,dst_group,src_ip,src_port,dst_ip,"
      "dst_port,protocol,nat_ip,nat_port,start_ns,end_ns,packets_fwd,bytes_fwd,packets_rev,"
      "bytes_rev,critical_asset\n";
  d.Write("ground_truth.csv",
          hdr + "1,web,,app-0,web,app,web,10.0.1.10,40000,203.0.113.7,443,6,10.0.0.5,1024," +
              Ns(10) + "," + Ns(12) + ",3,400,2,500,\n" +
              "2,dns,dns_tunnel,app-0,resolver,app,resolver,10.0.1.10,5353,10.0.0.2,53,17,,," +
              Ns(20) + "," + Ns(21) + ",1,90,1,120,\n" +
              "3,ssh,,app-0,db,app,db,10.0.1.10,40010,10.0.2.20,22,6,,," + Ns(100) + "," +
              Ns(1300) + ",50,9000,40,8000,\n" +
              "4,beacon,c2_beacon,app-0,c2,app,c2,10.0.1.10,6000,10.0.2.30,8443,17,,," + Ns(30) +
              "," + Ns(31) + ",1,100,1,100,\n" +
              "5,beacon,c2_beacon,app-0,c2,app,c2,10.0.1.10,6000,10.0.2.30,8443,17,,," + Ns(60) +
              "," + Ns(61) + ",1,100,1,100,\n" +
              "6,ssh-probe,,scanner,app-0,internet,app,198.51.100.9,5555,10.0.1.10,22,6,,," +
              Ns(40) + "," + Ns(41) + ",2,120,0,0,\n");
  d.Write("nat_events.csv",
          "time_ns,node,event,protocol,inside_ip,inside_port,outside_ip,"
          "outside_port\n");
  fl::Settings s = fl::Settings::Defaults(fl::Provider::kAws);
  s.awsVersion = version;
  s.account = "123456789012";
  d.Write("points/vpc.flowlog", fl::WriteFile(fl::FileFormat::kAwsVpc, s, FlowLogRecords()));
}

// The tap's records (IPFIX) are not needed here: the observations are built from the flow log
// and the tap's matches are given (every flow seen before NAT).
PointObservation TapSawEverything(const RunData& run) {
  PointObservation obs;
  obs.point = "vpc";
  for (uint32_t f = 0; f < run.flows.size(); ++f) {
    FlowMatch m;
    m.flow = f;
    m.records = 1;
    m.direct = true;
    obs.matches.push_back(m);
  }
  obs.records = run.flows.size();
  return obs;
}

model::Topology CloudTopology() {
  model::Topology t;
  model::CandidatePoint vpc;
  vpc.name = "vpc";
  vpc.node = "cloud-vpc";
  vpc.costFlow = 3;
  t.candidates = {vpc};
  return t;
}

struct Observed {
  RunData run;
  PointObservation obs;
};

Observed Observe(const TempDir& d) {
  Observed o;
  auto run = LoadRunDirectory(d.Path());
  EXPECT_TRUE(run) << run.GetError().message;
  o.run = *run;
  MatchIndex index(o.run);
  o.obs = TapSawEverything(o.run);
  core::AnomalyCounters anomalies;
  const ManifestPoint* mp = o.run.manifest.FindPoint("vpc");
  EXPECT_NE(mp, nullptr);
  EXPECT_TRUE(mp->flowLog.has_value());
  auto st = ObserveFlowLog(o.run, index, *mp, o.obs.flowLog, &anomalies);
  EXPECT_TRUE(st) << st.GetError().message;
  EXPECT_EQ(anomalies.All().size(), 0u);
  return o;
}

const FlowLogMatch* MatchOf(const FlowLogObservation& log, uint32_t flow) {
  for (const auto& m : log.matches) {
    if (m.flow == flow) return &m;
  }
  return nullptr;
}

TEST(PlannerFlowLog, WindowsMergesRejectsAndExclusions) {
  TempDir d("flowlog-v2");
  WriteRun(d, 2);
  Observed o = Observe(d);
  const FlowLogObservation& log = o.obs.flowLog;
  EXPECT_EQ(log.records, 6u);
  EXPECT_EQ(log.unmatchedRecords, 0u);
  EXPECT_EQ(log.rejectRecords, 1u);
  EXPECT_EQ(MatchOf(log, 1), nullptr);  // DNS to the VPC resolver: never logged
  const FlowLogMatch* ssh = MatchOf(log, 2);
  ASSERT_NE(ssh, nullptr);
  EXPECT_EQ(ssh->records, 3u);  // one record per 600 s window
  EXPECT_EQ(ssh->windows, 3u);
  EXPECT_EQ(ssh->sharedWith, 1u);
  const FlowLogMatch* b1 = MatchOf(log, 3);
  const FlowLogMatch* b2 = MatchOf(log, 4);
  ASSERT_NE(b1, nullptr);
  ASSERT_NE(b2, nullptr);
  EXPECT_EQ(b1->sharedWith, 2u);  // two beacons, one 5-tuple, one window: one record
  EXPECT_EQ(b2->sharedWith, 2u);
  EXPECT_EQ(b1->records + b2->records, 1u);
  const FlowLogMatch* probe = MatchOf(log, 5);
  ASSERT_NE(probe, nullptr);
  EXPECT_EQ(probe->rejectRecords, 1u);
  EXPECT_GT(log.fileBytes, 0u);
}

TEST(PlannerFlowLog, NatAttributionNeedsPktSrcAddr) {
  for (int version : {2, 5}) {
    TempDir d("flowlog-nat");
    WriteRun(d, version);
    Observed o = Observe(d);
    const FlowLogMatch* web = MatchOf(o.obs.flowLog, 0);
    ASSERT_NE(web, nullptr) << "version " << version;
    EXPECT_EQ(o.obs.flowLog.hasPktSrcAddr, version >= 3);
    EXPECT_EQ(web->direct, version >= 3) << "version " << version;
    EXPECT_EQ(web->viaPktAddr, version >= 3);
    // The problem: the flow-log hit names the host only with pkt-srcaddr; NAT loss counts it.
    Problem p = BuildProblem(o.run, {o.obs}, CloudTopology());
    ASSERT_TRUE(p.points[0].canFlowLog);
    EXPECT_EQ(p.points[0].hits[0].flowLogDirect, version >= 3);
    Metrics m = Evaluate(p, {Mode::kFlowLog});
    if (version >= 3) {
      EXPECT_EQ(m.natLossWithoutLog, 0.0);
    } else {
      EXPECT_GT(m.natLossWithoutLog, 0.0);
    }
    EXPECT_EQ(Evaluate(p, {Mode::kFlow}).natLossWithoutLog, 0.0);  // the tap sees before NAT
    auto spots = ComputeBlindSpots(o.run, {o.obs});
    ASSERT_EQ(spots.size(), 1u);
    EXPECT_EQ(spots[0].Find("nat-attribution") != nullptr, version < 3);
  }
}

TEST(PlannerFlowLog, ProblemCountsMergingAndLeavesOutUnlogged) {
  TempDir d("flowlog-problem");
  WriteRun(d, 5);
  Observed o = Observe(d);
  Problem p = BuildProblem(o.run, {o.obs}, CloudTopology());
  const PointInfo& pt = p.points[0];
  ASSERT_EQ(pt.hits.size(), 6u);
  EXPECT_EQ(pt.hits[1].flowLogProb, 0.0f);  // DNS tunnel: unseen by the log
  EXPECT_EQ(pt.hits[2].flowLogProb, 1.0f);  // the SSH session
  EXPECT_EQ(pt.hits[2].flowLogRecords, 3u);
  EXPECT_EQ(pt.hits[3].flowLogProb, 0.5f);  // one of two merged beacons
  Metrics log = Evaluate(p, {Mode::kFlowLog});
  Metrics tap = Evaluate(p, {Mode::kFlow});
  EXPECT_LT(log.flowVisibility, tap.flowVisibility);
  EXPECT_EQ(log.behaviourVisibility.at("dns_tunnel"), 0.0);
  EXPECT_DOUBLE_EQ(log.behaviourVisibility.at("c2_beacon"), 0.5);
  EXPECT_EQ(tap.behaviourVisibility.at("dns_tunnel"), 1.0);
  EXPECT_EQ(log.devices, 0u);  // a flow log is no device
  EXPECT_EQ(log.points, 1u);
  EXPECT_EQ(tap.devices, 1u);
}

TEST(PlannerFlowLog, CostsFromBudgetKeysAndListPrices) {
  TempDir d("flowlog-cost");
  WriteRun(d, 5);
  Observed o = Observe(d);
  // Records: web (scale 5), SSH x3 (5), the merged beacons (5), the rejected probe (1).
  const double recordsPerDay = (5 + 3 * 5 + 5 + 1) * 86400.0 / 600.0;
  const double bytesPerDay = recordsPerDay * static_cast<double>(o.obs.flowLog.fileBytes) / 6.0;
  const double gbPerDay = bytesPerDay / 1e9;

  model::Topology t = CloudTopology();
  t.budget.flowRetentionDays = 90;
  Problem list = BuildProblem(o.run, {o.obs}, t);
  const FlowLogInfo& l = list.points[0].flowLog;
  EXPECT_DOUBLE_EQ(l.recordsPerDay, recordsPerDay);
  EXPECT_NEAR(l.bytesPerDay, bytesPerDay, 1e-9 * bytesPerDay);
  EXPECT_EQ(l.ingestUsdPerGb, 0.50);  // AWS list price
  EXPECT_EQ(l.storageUsdPerGbMonth, 0.03);
  EXPECT_NEAR(l.usdPerMonth, gbPerDay * 30.4375 * 0.50 + gbPerDay * 90 * 0.03, 1e-12);

  t.budget.flowLogIngestUsdPerGb = 2.0;
  t.budget.flowLogStorageUsdPerGbMonth = 0.5;
  t.budget.flowLogUsdPerCostUnit = 0.01;
  Problem priced = BuildProblem(o.run, {o.obs}, t);
  const PointInfo& pt = priced.points[0];
  double usd = gbPerDay * 30.4375 * 2.0 + gbPerDay * 90 * 0.5;
  EXPECT_NEAR(pt.flowLog.usdPerMonth, usd, 1e-12);
  EXPECT_NEAR(pt.costFlowLog, usd / 0.01, 1e-9);
  EXPECT_NEAR(pt.Cost(Mode::kFlowLog), usd / 0.01, 1e-9);
  EXPECT_EQ(priced.Storage(0, Mode::kFlowLog), 0.0);  // kept by the provider, paid for
  // A longer retention costs more storage.
  priced.constraints.flowRetentionDays = 365;
  PriceFlowLogs(priced);
  EXPECT_NEAR(priced.points[0].flowLog.usdPerMonth, gbPerDay * 30.4375 * 2.0 + gbPerDay * 365 * 0.5,
              1e-12);
}

TEST(PlannerFlowLog, BlindSpotsListWhatExistsOnly) {
  TempDir d("flowlog-spots");
  WriteRun(d, 2);
  Observed o = Observe(d);
  auto spots = ComputeBlindSpots(o.run, {o.obs});
  ASSERT_EQ(spots.size(), 1u);
  const PointBlindSpots& ps = spots[0];
  EXPECT_EQ(ps.tapFlows, 6u);
  EXPECT_EQ(ps.logFlows, 5u);
  const BlindSpot* dns = ps.Find("provider-dns");
  ASSERT_NE(dns, nullptr);
  EXPECT_EQ(dns->flows, 1u);
  EXPECT_EQ(dns->behaviours.at("dns_tunnel"), 1u);
  const BlindSpot* merged = ps.Find("merged-in-window");
  ASSERT_NE(merged, nullptr);
  EXPECT_EQ(merged->flows, 2u);
  EXPECT_NE(merged->detail.find("c2_beacon repeats every ~30 s"), std::string::npos)
      << merged->detail;
  const BlindSpot* split = ps.Find("split-across-windows");
  ASSERT_NE(split, nullptr);
  EXPECT_EQ(split->flows, 1u);
  EXPECT_NE(ps.Find("nat-attribution"), nullptr);
  // Nothing of these happened in the run: not listed.
  EXPECT_EQ(ps.Find("metadata-service"), nullptr);
  EXPECT_EQ(ps.Find("sampled-out"), nullptr);
  EXPECT_EQ(ps.Find("skip-data"), nullptr);

  Problem p = BuildProblem(o.run, {o.obs}, CloudTopology());
  std::string md = BlindSpotsMarkdown(spots, p, {Mode::kFlowLog});
  EXPECT_NE(md.find("DNS through the provider's resolver"), std::string::npos);
  EXPECT_NE(md.find("original source behind a cloud NAT"), std::string::npos);
  EXPECT_EQ(md.find("instance metadata service"), std::string::npos);
  EXPECT_NE(md.find("chosen in the plan."), std::string::npos) << md;
  EXPECT_EQ(md.find("not chosen"), std::string::npos) << md;
  auto j = BlindSpotsJson(spots, p, {Mode::kFlowLog});
  ASSERT_EQ(j.size(), 1u);
  EXPECT_EQ(j[0]["mode"], "flow-log");
  EXPECT_GT(j[0]["usd_per_month"].get<double>(), 0.0);
  bool listed = false;
  for (const auto& s : j[0]["blind_spots"]) listed = listed || s["kind"] == "provider-dns";
  EXPECT_TRUE(listed);
}

TEST(PlannerFlowLog, WhyAFlowIsNotInTheLog) {
  auto flow = [](const char* dst, uint16_t port, uint8_t proto) {
    GroundTruthFlow g;
    g.srcIp = *core::IpAddress::Parse("10.0.1.10");
    g.dstIp = *core::IpAddress::Parse(dst);
    g.srcPort = 40000;
    g.dstPort = port;
    g.protocol = proto;
    return g;
  };
  FlowLogObservation all;
  EXPECT_EQ(UnloggedReason(flow("10.0.0.2", 53, 17), all), "provider-dns");
  EXPECT_EQ(UnloggedReason(flow("169.254.169.254", 53, 17), all), "provider-dns");  // GCP's
  EXPECT_EQ(UnloggedReason(flow("169.254.169.254", 80, 6), all), "metadata-service");
  EXPECT_EQ(UnloggedReason(flow("169.254.169.123", 123, 17), all), "time-service");
  EXPECT_EQ(UnloggedReason(flow("169.254.169.253", 53, 17), all), "provider-dns");
  // The provider's own rules: Azure's platform address is Azure's alone.
  EXPECT_EQ(UnloggedReason(flow("168.63.129.16", 80, 6), all), "not-logged");
  FlowLogObservation azure;
  azure.provider = wire::flowlog::Provider::kAzure;
  EXPECT_EQ(UnloggedReason(flow("168.63.129.16", 80, 6), azure), "metadata-service");
  // DHCP is client port 68 to server port 67; another source port to 67 is logged.
  GroundTruthFlow dhcp = flow("10.0.0.1", 67, 17);
  dhcp.srcPort = 68;
  EXPECT_EQ(UnloggedReason(dhcp, all), "dhcp");
  EXPECT_EQ(UnloggedReason(flow("10.0.0.1", 67, 17), all), "not-logged");
  EXPECT_EQ(UnloggedReason(flow("169.254.10.1", 443, 6), all), "link-local");
  EXPECT_EQ(UnloggedReason(flow("10.0.2.20", 22, 6), all), "not-logged");
  FlowLogObservation accept;
  accept.trafficType = "ACCEPT";
  EXPECT_EQ(UnloggedReason(flow("10.0.2.20", 22, 6), accept), "filtered");
  FlowLogObservation sampled;
  sampled.sampleRate = 0.5;
  EXPECT_EQ(UnloggedReason(flow("10.0.2.20", 22, 6), sampled), "sampled-out");
  GroundTruthFlow longFlow = flow("10.0.2.20", 22, 6);
  longFlow.startNs = kStart + 590'000'000'000;
  longFlow.endNs = kStart + 1210'000'000'000;
  EXPECT_EQ(WindowsSpanned(longFlow, 600), 3u);
  EXPECT_EQ(WindowsSpanned(longFlow, 60), 12u);
}

TEST(PlannerFlowLog, GoogleCloudSamplingGivesEachFlowItsChance) {
  TempDir d("flowlog-gcp");
  WriteRun(d, 2);
  auto run = LoadRunDirectory(d.Path());
  ASSERT_TRUE(run) << run.GetError().message;
  MatchIndex index(*run);
  ManifestFlowLog settings;
  settings.provider = "gcp";
  settings.format = "gcp-vpc";
  settings.aggregationIntervalS = 600;
  settings.sampleRate = 0.5;
  // The web flow seen before the NAT and reported by both endpoints; the SSH
  // session (three windows) drawn in none of them.
  fl::FlowLogRecord src = Rec("10.0.1.10", 40000, "203.0.113.7", 443, 6, 10, 12);
  src.provider = fl::Provider::kGcp;
  src.reporter = "SRC";
  fl::FlowLogRecord dst = src;
  dst.reporter = "DEST";
  PointObservation obs = TapSawEverything(*run);
  obs.flowLog = MatchFlowLog(*run, index, settings, {src, dst});
  obs.flowLog.fileBytes = 1000;
  ASSERT_EQ(obs.flowLog.matches.size(), 1u);
  EXPECT_EQ(obs.flowLog.matches[0].reporters, 2u);
  EXPECT_EQ(obs.flowLog.matches[0].records, 2u);
  Problem p = BuildProblem(*run, {obs}, CloudTopology());
  const auto& hits = p.points[0].hits;
  EXPECT_FLOAT_EQ(hits[0].flowLogProb, 0.75f);   // 1 - (1 - 0.5)^(1 window x 2 reporters)
  EXPECT_EQ(hits[1].flowLogProb, 0.0f);          // DNS to the resolver: never, not sampled
  EXPECT_FLOAT_EQ(hits[2].flowLogProb, 0.875f);  // sampled out: 1 - 0.5^3 windows expected
  EXPECT_EQ(hits[2].flowLogRecords, 0u);
  EXPECT_EQ(obs.flowLog.sampleRate, 0.5);
  EXPECT_EQ(p.points[0].flowLog.ingestUsdPerGb, 0.50);  // Google Cloud list price
  EXPECT_EQ(p.points[0].flowLog.storageUsdPerGbMonth, 0.01);
  auto spots = ComputeBlindSpots(*run, {obs});
  ASSERT_EQ(spots.size(), 1u);
  const BlindSpot* sampled = spots[0].Find("sampled-out");
  ASSERT_NE(sampled, nullptr);
  EXPECT_EQ(sampled->flows, 4u);  // the SSH session, both beacons, the rejected probe
  EXPECT_NE(spots[0].Find("provider-dns"), nullptr);
}

TEST(PlannerFlowLog, ReportCarriesBlindSpotsAndTheBill) {
  TempDir d("flowlog-report");
  WriteRun(d, 2);
  Observed o = Observe(d);
  model::Topology t = CloudTopology();
  t.candidates[0].costFlow = 50;  // an appliance the cost limit rules out: the log is chosen
  t.budget.maxCost = 10;
  Problem p = BuildProblem(o.run, {o.obs}, t);
  auto spots = ComputeBlindSpots(o.run, {o.obs});
  ReportInput in;
  in.problem = &p;
  in.plan = Optimise(p, p.constraints);
  ASSERT_EQ(in.plan.best.modes, Placement({Mode::kFlowLog}));
  in.metrics = Evaluate(p, in.plan.best.modes);
  in.blindSpots = &spots;
  EXPECT_EQ(PointColour(in, 0), "green");
  std::string why = ExplainPoint(in, 0);
  EXPECT_NE(why.find("the provider's flow log (aws-vpc)"), std::string::npos) << why;
  EXPECT_NE(why.find("Its flow log misses"), std::string::npos) << why;
  EXPECT_NE(why.find("USD a month"), std::string::npos) << why;
  std::string md = RenderMarkdown(in);
  EXPECT_NE(md.find("## Flow-log blind spots"), std::string::npos);
  EXPECT_NE(md.find("DNS through the provider's resolver"), std::string::npos);
  auto j = nlohmann::json::parse(RenderPlanJson(in));
  EXPECT_EQ(j["points"][0]["mode"], "flow-log");
  EXPECT_EQ(j["flow_logs"][0]["point"], "vpc");
  EXPECT_NEAR(j["metrics"]["flow_log_usd_per_month"].get<double>(), p.points[0].flowLog.usdPerMonth,
              1e-12);
  EXPECT_EQ(j["metrics"]["devices"], 0);
  std::string html = RenderHtml(in);
  EXPECT_NE(html.find("Flow-log blind spots"), std::string::npos);
}

}  // namespace
}  // namespace vantage::planner
