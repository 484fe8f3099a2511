// The built-in adapters run the real Debian exporters (softflowd, nfpcapd, pmacctd, argus) on
// a small edge-case profile, exporting to our collector on 127.0.0.1 or to files, and the
// known differences of each (docs/conformance.md) show up as the verdict of the right case.
// Skipped when an exporter is not installed.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <map>

#include "vantage/conformance/conformance.h"
#include "vantage/conformance/profile.h"
#include "vantage/test/net.h"

namespace vantage::conformance {
namespace {

using test::HaveTool;

class Adapters : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    char tmpl[] = "/tmp/vantage-conformance-interop-XXXXXX";
    s_dir = mkdtemp(tmpl);
    auto p = ParseProfile("cache_pressure_flows: 100\n", "small.yaml");
    ASSERT_TRUE(p);
    ASSERT_TRUE(WriteProfile(*p, s_dir + "/edge.pcap"));
  }
  static void TearDownTestSuite() { std::system(("rm -rf '" + s_dir + "'").c_str()); }

  /// Runs the adapter; returns each case's verdict.
  std::map<std::string, bool> Run(const std::string& exporter, ConformanceResult& r) {
    ConformanceRequest req;
    req.exporter = exporter;
    req.pcap = s_dir + "/edge.pcap";
    req.outDir = s_dir + "/" + exporter;
    req.timeout = core::Duration::Seconds(60);
    r = RunConformance(req);
    std::map<std::string, bool> verdicts;
    for (const auto& c : r.score.cases) verdicts[c.name] = c.pass;
    return verdicts;
  }

  static std::string s_dir;
};
std::string Adapters::s_dir;

TEST_F(Adapters, Softflowd) {
  if (!HaveTool("softflowd")) GTEST_SKIP() << "softflowd not installed";
  ConformanceResult r;
  auto v = Run("softflowd", r);
  ASSERT_TRUE(r.score.scoreable) << r.message;
  EXPECT_EQ(r.exitCode, 1);
  EXPECT_GT(r.score.matched, 100u);
  EXPECT_FALSE(v["tiny-padded"]);  // counts Ethernet padding as IP bytes
  EXPECT_FALSE(v["qinq"]);         // ignores double-tagged frames
  EXPECT_TRUE(v["idle-over"]);     // no idle timeout, as declared for file mode
  EXPECT_TRUE(v["tcp-fin"]);
  EXPECT_TRUE(v["icmpv6"]);
}

TEST_F(Adapters, Nfpcapd) {
  if (!HaveTool("nfpcapd") || !HaveTool("nfdump")) GTEST_SKIP() << "nfpcapd not installed";
  ConformanceResult r;
  auto v = Run("nfpcapd", r);
  ASSERT_TRUE(r.score.scoreable) << r.message;
  EXPECT_EQ(r.exitCode, 1);
  EXPECT_FALSE(v["qinq"]);
  EXPECT_TRUE(v["tiny-padded"]);  // IP lengths, not frame lengths
  EXPECT_TRUE(v["idle-over"]);
  EXPECT_TRUE(v["vlan"]);
}

TEST_F(Adapters, Pmacctd) {
  if (!HaveTool("pmacctd")) GTEST_SKIP() << "pmacctd not installed";
  ConformanceResult r;
  auto v = Run("pmacctd", r);
  ASSERT_TRUE(r.score.scoreable) << r.message;
  EXPECT_EQ(r.exitCode, 1);
  EXPECT_FALSE(v["qinq"]);
  EXPECT_TRUE(v["tcp-rst"]);
  EXPECT_TRUE(v["tiny-padded"]);
}

TEST_F(Adapters, Argus) {
  if (!HaveTool("argus") || !HaveTool("ra")) GTEST_SKIP() << "argus or ra not installed";
  ConformanceResult r;
  auto v = Run("argus", r);
  ASSERT_TRUE(r.score.scoreable) << r.message;
  EXPECT_EQ(r.exitCode, 1);
  EXPECT_TRUE(v["tiny-padded"]);  // declared: frame octets, padding included
  EXPECT_TRUE(v["tcp-fin"]);
  EXPECT_FALSE(v["qinq"]);
}

}  // namespace
}  // namespace vantage::conformance
