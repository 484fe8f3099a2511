// A small synthetic NAT run directory written by the test (ground_truth.csv, nat_events.csv,
// manifest.json and per-point IPFIX files via the wire writer): observations and NAT
// attribution with and without NAT event logging, end to end through the planner.
#include <gtest/gtest.h>

#include "test-util.h"
#include "vantage/planner/metrics.h"
#include "vantage/planner/observations.h"
#include "vantage/planner/pipeline.h"
#include "vantage/planner/problem.h"
#include "vantage/planner/run-directory.h"
#include "vantage/wire/flow-codec.h"
#include "vantage/wire/ipfix/file.h"
#include "vantage/wire/ipfix/message-writer.h"

namespace vantage::planner {
namespace {

using test::TempDir;

constexpr int64_t kStart = 1767600000LL * 1000000000LL;

core::FlowRecord Record(const char* src, uint16_t sp, const char* dst, uint16_t dp,
                        int64_t offsetS) {
  core::FlowRecord r;
  r.key.src = *core::IpAddress::Parse(src);
  r.key.dst = *core::IpAddress::Parse(dst);
  r.key.srcPort = sp;
  r.key.dstPort = dp;
  r.key.protocol = 6;
  r.start = core::Timestamp::FromNanos(kStart + offsetS * 1000000000LL);
  r.end = core::Timestamp::FromNanos(kStart + (offsetS + 2) * 1000000000LL);
  r.packets = 5;
  r.octets = 900;
  return r;
}

void WriteIpfix(const std::string& path, const std::vector<core::FlowRecord>& records) {
  wire::ipfix::FileWriter file;
  ASSERT_TRUE(file.Open(path));
  wire::ipfix::WriterConfig cfg;
  cfg.observationDomain = 1;
  cfg.maxMessageSize = 1400;
  wire::ipfix::MessageWriter w(cfg, [&](std::vector<uint8_t> m) { (void)file.Write(m); });
  w.SetExportTime(static_cast<uint32_t>(kStart / 1000000000LL));
  wire::FlowTemplateOptions opt;
  auto tmpl = wire::MakeFlowTemplate(256, opt);
  ASSERT_TRUE(w.AddTemplate(tmpl));
  for (const auto& r : records) ASSERT_TRUE(w.AddFlowRecord(256, r));
  w.Flush();
  ASSERT_TRUE(file.Close());
}

// Two staff hosts (scale 10) behind a NAT router browse the internet; one talks to the NAS.
// Point "lan" sees everything before NAT, point "wan" sees only internet flows after NAT.
void WriteRun(const TempDir& d, bool logNat) {
  d.Write("manifest.json", R"({"status":"complete","seed":1,
    "window":{"start_unix_ns":1767600000000000000,"duration_s":600,"represents_s":86400},
    "scale":{"staff":10.0},
    "points":[{"name":"lan","node":"rtr","ipfix":"points/lan.ipfix"},
              {"name":"wan","node":"rtr","ipfix":"points/wan.ipfix"}]})");
  d.Write(
      "ground_truth.csv",
      "id,label,behaviour,src_host,dst_host,src_group,dst_group,src_ip,src_port,dst_ip,"
      "dst_port,protocol,nat_ip,nat_port,start_ns,end_ns,packets_fwd,bytes_fwd,packets_rev,"
      "bytes_rev,critical_asset\n"
      "1,web,,staff-0,web,staff,web,192.168.1.10,40000,198.51.100.7,443,6,198.51.100.1,1024," +
          std::to_string(kStart + 10'000'000'000) + "," + std::to_string(kStart + 12'000'000'000) +
          ",3,400,2,500,\n"
          "2,web,,staff-1,web,staff,web,192.168.1.11,40001,198.51.100.7,443,6,198.51.100.1,1025," +
          std::to_string(kStart + 20'000'000'000) + "," + std::to_string(kStart + 22'000'000'000) +
          ",3,400,2,500,\n"
          "3,smb,,staff-0,nas,staff,nas,192.168.1.10,40002,192.168.1.2,445,6,,," +
          std::to_string(kStart + 30'000'000'000) + "," + std::to_string(kStart + 32'000'000'000) +
          ",3,400,2,500,files\n");
  std::string nat = "time_ns,node,event,protocol,inside_ip,inside_port,outside_ip,outside_port\n";
  if (logNat) {
    nat += std::to_string(kStart + 10'000'000'000) +
           ",rtr,10,6,192.168.1.10,40000,198.51.100.1,1024\n";
    nat += std::to_string(kStart + 20'000'000'000) +
           ",rtr,10,6,192.168.1.11,40001,198.51.100.1,1025\n";
  }
  d.Write("nat_events.csv", nat);
  std::filesystem::create_directories(d.File("points"));
  WriteIpfix(d.File("points/lan.ipfix"), {Record("192.168.1.10", 40000, "198.51.100.7", 443, 10),
                                          Record("198.51.100.7", 443, "192.168.1.10", 40000, 10),
                                          Record("192.168.1.11", 40001, "198.51.100.7", 443, 20),
                                          Record("192.168.1.10", 40002, "192.168.1.2", 445, 30)});
  WriteIpfix(d.File("points/wan.ipfix"),
             {Record("198.51.100.1", 1024, "198.51.100.7", 443, 10),
              Record("198.51.100.1", 1025, "198.51.100.7", 443, 20),
              Record("198.51.100.9", 5555, "198.51.100.7", 443, 20)});  // not ground truth
}

model::Topology NatTopology() {
  model::Topology t;
  model::Zone inet;
  inet.name = "internet";
  inet.kind = model::ZoneKind::kInternet;
  inet.cidrs = {*core::IpPrefix::Parse("198.51.100.0/24")};
  model::Zone office;
  office.name = "office";
  office.kind = model::ZoneKind::kAccess;
  office.cidrs = {*core::IpPrefix::Parse("192.168.1.0/24")};
  t.zones = {inet, office};
  model::CriticalAsset files;
  files.name = "files";
  files.node = "nas";
  files.weight = 4;
  t.criticalAssets = {files};
  model::CandidatePoint lan, wan;
  lan.name = "lan";
  lan.node = "rtr";
  wan.name = "wan";
  wan.node = "rtr";
  t.candidates = {lan, wan};
  return t;
}

TEST(PlannerIpfixRun, ObservationsAndNatAttribution) {
  for (bool logNat : {true, false}) {
    TempDir d(logNat ? "natlog" : "nonatlog");
    WriteRun(d, logNat);
    auto run = LoadRunDirectory(d.Path());
    ASSERT_TRUE(run) << run.GetError().message;
    core::AnomalyCounters anomalies;
    auto obs = ObserveRun(*run, &anomalies);
    ASSERT_TRUE(obs) << obs.GetError().message;
    ASSERT_EQ(obs->size(), 2u);
    const PointObservation& lan = (*obs)[0];
    const PointObservation& wan = (*obs)[1];
    EXPECT_EQ(lan.records, 4u);
    EXPECT_EQ(lan.unmatchedRecords, 0u);
    ASSERT_EQ(lan.matches.size(), 3u);
    EXPECT_EQ(lan.matches[0].records, 2u);  // both directions of flow 1
    for (const auto& m : lan.matches) EXPECT_EQ(m.GetAttribution(), Attribution::kDirect);
    EXPECT_EQ(wan.records, 3u);
    EXPECT_EQ(wan.unmatchedRecords, 1u);
    ASSERT_EQ(wan.matches.size(), 2u);
    for (const auto& m : wan.matches) {
      EXPECT_EQ(m.GetAttribution(), logNat ? Attribution::kNatLog : Attribution::kLost);
    }
    EXPECT_GT(wan.recordFileBytes, 0u);

    Problem p = BuildProblem(*run, *obs, NatTopology());
    ASSERT_EQ(p.flows.size(), 3u);
    EXPECT_TRUE(p.flows[0].northSouth);
    EXPECT_FALSE(p.flows[2].northSouth);
    EXPECT_DOUBLE_EQ(p.flows[2].criticality, 4);
    EXPECT_DOUBLE_EQ(p.flows[0].weight, 10);
    EXPECT_DOUBLE_EQ(p.dayFactor, 144);
    // WAN point: 2 matched records of weight 10 plus 1 unmatched, 144 windows a day.
    const PointInfo& wanInfo = p.points[1];
    EXPECT_DOUBLE_EQ(wanInfo.recordsPerDay, (2 * 10 + 1) * 144.0);
    EXPECT_NEAR(wanInfo.bytesPerRecord, static_cast<double>(wan.recordFileBytes) / 3, 1e-9);

    Metrics after = Evaluate(p, {Mode::kNone, Mode::kFlow});
    EXPECT_DOUBLE_EQ(after.northSouthVisibility, 1.0);
    EXPECT_DOUBLE_EQ(after.eastWestVisibility, 0.0);
    EXPECT_DOUBLE_EQ(after.natLossWithoutLog, 1.0);
    EXPECT_DOUBLE_EQ(after.natLossWithLog, logNat ? 0.0 : 1.0);
    Metrics before = Evaluate(p, {Mode::kFlow, Mode::kNone});
    EXPECT_DOUBLE_EQ(before.flowVisibility, 1.0);
    EXPECT_DOUBLE_EQ(before.natLossWithoutLog, 0.0);
    Metrics both = Evaluate(p, {Mode::kFlow, Mode::kFlow});
    // The two internet flows are recorded at both points: 1 duplicate record each.
    EXPECT_DOUBLE_EQ(both.duplicateRecordsPerDay, 2 * 10 * 144.0);
  }
}

TEST(PlannerIpfixRun, MissingPointFileIsNamed) {
  TempDir d("nopoint");
  WriteRun(d, true);
  std::filesystem::remove(d.File("points/wan.ipfix"));
  auto run = LoadRunDirectory(d.Path());
  ASSERT_TRUE(run);
  auto obs = ObserveRun(*run, nullptr);
  ASSERT_FALSE(obs);
  EXPECT_NE(obs.GetError().message.find("points/wan.ipfix"), std::string::npos);
}

// The plan pipeline with a fake simulator that writes the NAT run above: both runs are asked
// for with the right points, the plan and report come out, and failures are reported.
struct FakeSimulator {
  std::vector<SimulateRequest> calls;
  std::string verificationError;  ///< non-empty: the verification run fails with it
  core::Status operator()(const SimulateRequest& r) {
    calls.push_back(r);
    if (r.kind == SimulateRequest::Kind::kVerification && !verificationError.empty()) {
      return core::MakeError(core::ErrorCode::kIo, verificationError);
    }
    TempDir d("pipeline-sim");
    WriteRun(d, true);
    std::filesystem::copy(d.Path(), r.outDir, std::filesystem::copy_options::recursive);
    return {};
  }
};

PlanRequest PipelineRequest(const model::Topology& topo, const std::string& out) {
  PlanRequest req;
  req.topology = &topo;
  req.outDir = out;
  req.seed = 7;
  req.budgetTb = 1000;
  req.flowRetentionDays = 1;
  req.fullRetentionDays = 0;
  req.tightenSeconds = 0;
  return req;
}

TEST(PlannerPipeline, ObservationOptimisationVerificationReport) {
  TempDir out("pipeline");
  model::Topology topo = NatTopology();
  FakeSimulator fake;
  std::vector<std::string> messages;
  auto plan = RunPlanPipeline(
      PipelineRequest(topo, out.Path()), [&](const SimulateRequest& r) { return fake(r); },
      [&](PlanMessage, const std::string& m) { messages.push_back(m); });
  ASSERT_TRUE(plan) << plan.GetError().message;
  ASSERT_EQ(fake.calls.size(), 2u);
  EXPECT_EQ(fake.calls[0].kind, SimulateRequest::Kind::kObservation);
  EXPECT_EQ(fake.calls[0].outDir, out.File("observation-run"));
  EXPECT_EQ(fake.calls[0].seed, std::optional<uint64_t>(7));
  EXPECT_TRUE(fake.calls[0].points.empty());  // every candidate observes

  const ReportInput& in = plan->report;
  ASSERT_EQ(plan->problem->points.size(), 2u);
  ASSERT_EQ(in.plan.best.modes.size(), 2u);
  std::vector<std::string> chosen;
  for (size_t i = 0; i < 2; ++i) {
    if (in.plan.best.modes[i] != Mode::kNone) chosen.push_back(plan->problem->points[i].name);
  }
  ASSERT_FALSE(chosen.empty()) << "a 1000 TB budget affords a point";
  // Every flow of the hand-made run crosses a point the budget affords: all are seen.
  EXPECT_DOUBLE_EQ(in.metrics.flowVisibility, 1.0);
  EXPECT_EQ(in.runDir, out.File("observation-run"));
  EXPECT_EQ(in.seed, 1u);  // the run's manifest, not the request

  const SimulateRequest& verify = fake.calls[1];
  EXPECT_EQ(verify.kind, SimulateRequest::Kind::kVerification);
  EXPECT_EQ(verify.outDir, out.File("verification-run"));
  EXPECT_EQ(verify.points, chosen);
  EXPECT_EQ(verify.liveExportPoints, chosen);  // no layer-2 switches in this topology
  EXPECT_EQ(verify.seed, std::optional<uint64_t>(1));
  EXPECT_TRUE(in.verification.ran);
  EXPECT_EQ(in.verification.points.size(), chosen.size());
  EXPECT_TRUE(std::filesystem::exists(out.File("report.md")));
  EXPECT_TRUE(std::filesystem::exists(out.File("plan.json")));
  ASSERT_FALSE(messages.empty());
  EXPECT_EQ(messages.front(), "observation run: every candidate point observes");
}

TEST(PlannerPipeline, ReusedRunNoVerifyAndFailures) {
  model::Topology topo = NatTopology();
  TempDir run("pipeline-run");
  WriteRun(run, false);
  TempDir out("pipeline-reuse");
  PlanRequest req = PipelineRequest(topo, out.Path());
  req.observationRun = run.Path();
  req.verify = false;
  FakeSimulator fake;
  auto sim = [&](const SimulateRequest& r) { return fake(r); };
  auto plan = RunPlanPipeline(req, sim, nullptr);
  ASSERT_TRUE(plan) << plan.GetError().message;
  EXPECT_TRUE(fake.calls.empty());
  EXPECT_EQ(plan->report.verification.note, "skipped (--no-verify).");
  EXPECT_EQ(plan->report.runDir, run.Path());

  req.verify = true;
  fake.verificationError = "exit status 3";
  plan = RunPlanPipeline(req, sim, nullptr);
  ASSERT_TRUE(plan) << plan.GetError().message;
  EXPECT_FALSE(plan->report.verification.ran);
  EXPECT_EQ(plan->report.verification.note.rfind("the verification run failed (exit status 3)", 0),
            0u)
      << plan->report.verification.note;

  plan = RunPlanPipeline(req, nullptr, nullptr);  // no simulator: reuse works, no verification
  ASSERT_TRUE(plan);
  EXPECT_EQ(plan->report.verification.note, "this build has no simulator.");

  req.observationRun.clear();
  auto failed = RunPlanPipeline(
      req,
      [](const SimulateRequest&) -> core::Status {
        return core::MakeError(core::ErrorCode::kInvalid, "no ns-3 today");
      },
      nullptr);
  ASSERT_FALSE(failed);
  EXPECT_EQ(failed.GetError().message, "observation run failed: no ns-3 today");
}

}  // namespace
}  // namespace vantage::planner
