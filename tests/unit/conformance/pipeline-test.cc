// The conformance pipeline end to end on a small edge-case profile: vantage export conforms;
// a test-only exporter's faults are each caught by the right metric; bad input gives exit 2
// with a message; regression mode fails on a worse score and passes on an equal one.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <cstdlib>
#include <fstream>

#include "vantage/conformance/conformance.h"
#include "vantage/conformance/profile.h"

namespace vantage::conformance {
namespace {

class Pipeline : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    char tmpl[] = "/tmp/vantage-conformance-XXXXXX";
    s_dir = mkdtemp(tmpl);
    auto p = ParseProfile("cache_pressure_flows: 200\n", "small.yaml");
    ASSERT_TRUE(p);
    auto st = WriteProfile(*p, s_dir + "/edge.pcap");
    ASSERT_TRUE(st) << st.GetError().message;
    std::ofstream(s_dir + "/default.yaml") << DeclarationToYaml(DefaultDeclaration());
  }
  static void TearDownTestSuite() { std::system(("rm -rf '" + s_dir + "'").c_str()); }

  ConformanceResult Run(const std::string& exporter, const std::string& out,
                        const std::string& declare = "", const std::string& baseline = "") {
    ConformanceRequest r;
    r.exporter = exporter;
    r.pcap = s_dir + "/edge.pcap";
    r.outDir = s_dir + "/" + out;
    r.declarePath = declare;
    r.baselinePath = baseline;
    r.vantageBinary = VANTAGE_BINARY;
    r.timeout = core::Duration::Seconds(20);
    return RunConformance(r);
  }
  ConformanceResult Faulty(const std::string& fault, double timeout = 20) {
    ConformanceRequest r;
    r.exporter = std::string("cmd:") + FAULTY_EXPORTER + " " + fault + " {pcap} {out}";
    r.pcap = s_dir + "/edge.pcap";
    r.outDir = s_dir + "/" + fault;
    r.declarePath = s_dir + "/default.yaml";
    r.timeout = core::Duration::Seconds(timeout);
    return RunConformance(r);
  }

  static std::string s_dir;
};
std::string Pipeline::s_dir;

TEST_F(Pipeline, ProfileListsEveryCase) {
  auto cases = LoadCases(s_dir + "/edge.pcap");
  ASSERT_TRUE(cases);
  EXPECT_EQ(cases->size(), ProfileCaseNames().size());
}

TEST_F(Pipeline, VantageExportConformsOnEveryCase) {
  auto r = Run("vantage", "vantage");
  EXPECT_EQ(r.exitCode, 0) << r.message;
  EXPECT_TRUE(r.score.conforms);
  EXPECT_GT(r.score.matched, 200u);
  EXPECT_EQ(r.score.matched, r.score.totals.expectedFlows);
  for (const auto& c : r.score.cases) EXPECT_TRUE(c.pass) << c.name << ": " << c.reason;
  EXPECT_TRUE(r.score.inactive.consistent);
  std::ifstream html(s_dir + "/vantage/report.html");
  EXPECT_TRUE(html.good());
}

TEST_F(Pipeline, SampledVantageExportConformsWithinTheBound) {
  std::ofstream(s_dir + "/sampled.yaml") << "exporter: vantage-sampled\ncache: {size: 65536}\n"
                                            "sampling: {interval: 10, mode: count}\n";
  ConformanceRequest r;
  r.exporter = std::string("cmd:") + VANTAGE_BINARY +
               " export -r {pcap} --to ipfix+udp://{host}:{port} --sample 10 --quiet";
  r.pcap = s_dir + "/edge.pcap";
  r.outDir = s_dir + "/sampled";
  r.declarePath = s_dir + "/sampled.yaml";
  auto s = RunConformance(r);
  EXPECT_EQ(s.exitCode, 0) << s.message << (s.score.failures.empty() ? "" : s.score.failures[0]);
  EXPECT_GT(s.score.missing, 0u);  // one-packet flows are mostly not sampled ...
  EXPECT_LE(static_cast<double>(s.score.missing), s.score.allowedMissing);  // ... within bound
  EXPECT_LT(std::fabs(s.score.totals.PacketError()), 0.2);

  // Declared unsampled, the same export is far off.
  ConformanceRequest u = r;
  u.declarePath = s_dir + "/default.yaml";
  u.outDir = s_dir + "/unsampled";
  EXPECT_EQ(RunConformance(u).exitCode, 1);
}

TEST_F(Pipeline, TheFaultlessTestExporterConforms) {
  auto r = Faulty("none");
  EXPECT_EQ(r.exitCode, 0) << r.message;
}

TEST_F(Pipeline, ScoresRecordsWrittenBefore) {
  const std::string file = s_dir + "/written.ipfix";
  const std::string cmd = std::string(FAULTY_EXPORTER) + " drop " + s_dir + "/edge.pcap " + file;
  ASSERT_EQ(std::system(cmd.c_str()), 0);
  ConformanceRequest r;
  r.recordsPath = file;
  r.pcap = s_dir + "/edge.pcap";
  r.outDir = s_dir + "/records";
  auto res = RunConformance(r);
  EXPECT_EQ(res.exitCode, 1);
  EXPECT_GT(res.score.missing, 0u);
  EXPECT_GT(res.score.matched, 100u);
}

TEST_F(Pipeline, EachFaultIsCaughtByItsMetric) {
  auto miscount = Faulty("miscount");
  EXPECT_EQ(miscount.exitCode, 1);
  EXPECT_GT(miscount.score.counterErrors, 0u);
  EXPECT_EQ(miscount.score.missing + miscount.score.split + miscount.score.unexpected, 0u);

  auto drop = Faulty("drop");
  EXPECT_EQ(drop.exitCode, 1);
  EXPECT_GT(drop.score.missing, 0u);
  EXPECT_EQ(drop.score.counterErrors + drop.score.split, 0u);

  auto split = Faulty("split");
  EXPECT_EQ(split.exitCode, 1);
  EXPECT_GT(split.score.split, 0u);
  EXPECT_EQ(split.score.missing + split.score.counterErrors, 0u);

  auto delay = Faulty("delay");
  EXPECT_EQ(delay.exitCode, 1);
  EXPECT_GT(delay.score.startError.outOfTolerance, 0u);
  EXPECT_NEAR(delay.score.startError.p50, 250.0, 1.5);
  EXPECT_EQ(delay.score.counterErrors + delay.score.missing, 0u);
}

TEST_F(Pipeline, BadExportersCannotBeScored) {
  for (const char* fault : {"garbage", "empty", "crash"}) {
    auto r = Faulty(fault);
    EXPECT_EQ(r.exitCode, 2) << fault;
    EXPECT_FALSE(r.score.problems.empty()) << fault;
    EXPECT_GT(r.score.totals.expectedFlows, 0u) << fault;  // what could be scored is reported
  }
  ConformanceRequest wrong;
  wrong.exporter = std::string("cmd:") + FAULTY_EXPORTER + " wrong-protocol {pcap} {host}:{port}";
  wrong.pcap = s_dir + "/edge.pcap";
  wrong.outDir = s_dir + "/wrong";
  wrong.declarePath = s_dir + "/default.yaml";
  auto w = RunConformance(wrong);
  EXPECT_EQ(w.exitCode, 2);
  EXPECT_GT(w.score.run.datagrams, 0u);
  EXPECT_GT(w.score.run.malformed, 0u);

  auto hang = Faulty("hang", 1);
  EXPECT_EQ(hang.exitCode, 2);
  EXPECT_TRUE(hang.score.run.timedOut);
}

TEST_F(Pipeline, BadInputGivesAMessage) {
  ConformanceRequest r;
  r.exporter = "vantage";
  r.pcap = s_dir + "/no-such.pcap";
  r.outDir = s_dir + "/missing";
  auto m = RunConformance(r);
  EXPECT_EQ(m.exitCode, 2);
  EXPECT_NE(m.message.find("no such file"), std::string::npos) << m.message;

  std::ofstream(s_dir + "/bad.yaml") << "active_timeout: 5\ninactive_timeout: 10\n";
  auto d = Run("vantage", "contradiction", s_dir + "/bad.yaml");
  EXPECT_EQ(d.exitCode, 2);
  EXPECT_NE(d.message.find("contradiction"), std::string::npos) << d.message;

  auto u = Run("nosuchexporter", "unknown");
  EXPECT_EQ(u.exitCode, 2);
  EXPECT_NE(u.message.find("softflowd"), std::string::npos) << u.message;
}

TEST_F(Pipeline, RegressionModeComparesWithABaseline) {
  auto base = Run("vantage", "base");
  ASSERT_EQ(base.exitCode, 0);
  auto same = Run("vantage", "same", "", s_dir + "/base/score.json");
  EXPECT_EQ(same.exitCode, 0) << same.message;
  EXPECT_TRUE(same.regressions.empty());

  ConformanceRequest r;
  r.exporter = std::string("cmd:") + FAULTY_EXPORTER + " drop {pcap} {out}";
  r.pcap = s_dir + "/edge.pcap";
  r.outDir = s_dir + "/worse";
  r.declarePath = s_dir + "/default.yaml";
  r.baselinePath = s_dir + "/base/score.json";
  auto worse = RunConformance(r);
  EXPECT_EQ(worse.exitCode, 1);
  EXPECT_FALSE(worse.regressions.empty());
}

}  // namespace
}  // namespace vantage::conformance
