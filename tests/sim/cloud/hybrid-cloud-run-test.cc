// The hybrid-cloud reference network end to end (about 1 s): the manifest's flow_log keys as
// docs/run-directory.md names them, every flow log readable, the DNS tunnel through the VPC's
// resolver absent from AWS flow logs while the exfiltration through the cloud NAT shows on
// the NAT gateway's interface with the instance as srcaddr and the drop server in
// pkt-dstaddr; same seed, byte-identical flow logs.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "vantage/model/scenario.h"
#include "vantage/model/topology.h"
#include "vantage/sim/simulation.h"
#include "vantage/wire/flowlog/flow-log.h"

namespace vantage::sim {
namespace {

namespace fs = std::filesystem;
namespace wfl = wire::flowlog;

std::string Read(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

struct Hybrid {
  model::Topology topo;
  model::Scenario sc;
};

Hybrid Load() {
  model::Diagnostics d;
  auto t = model::LoadTopology("topologies/hybrid-cloud.yaml", d);
  EXPECT_TRUE(t.Ok()) << d.ToString();
  auto s = model::LoadScenario("scenarios/hybrid-cloud-baseline.yaml", *t, d);
  EXPECT_TRUE(s.Ok()) << d.ToString();
  return {*t, *s};
}

std::string RunHybrid(const Hybrid& h, const std::string& name) {
  const std::string dir = (fs::temp_directory_path() / ("vantage-hybrid-" + name)).string();
  RunOptions o;
  o.outDir = dir;
  o.fullCapture = false;
  auto res = RunSimulation(h.topo, h.sc, o);
  EXPECT_TRUE(res) << (res ? "" : res.GetError().message);
  return dir;
}

const nlohmann::ordered_json* PointOf(const nlohmann::ordered_json& m, const std::string& name) {
  for (const auto& p : m["points"]) {
    if (p["name"] == name) return &p;
  }
  return nullptr;
}

TEST(HybridCloud, FlowLogsShowWhatTheProvidersWouldAndNoMore) {
  Hybrid h = Load();
  const std::string dir = RunHybrid(h, "a");
  const auto m = nlohmann::ordered_json::parse(Read(dir + "/manifest.json"));
  const nlohmann::ordered_json* web = PointOf(m, "aws-web-eni");
  ASSERT_NE(web, nullptr);
  ASSERT_TRUE(web->contains("flow_log"));
  const auto& fl = (*web)["flow_log"];
  std::vector<std::string> keys;
  for (auto it = fl.begin(); it != fl.end(); ++it) keys.push_back(it.key());
  EXPECT_EQ(keys, (std::vector<std::string>{"provider", "format", "path", "aggregation_interval_s",
                                            "version", "fields", "traffic_type", "sample_rate",
                                            "include_metadata", "delivery_delay_s", "records",
                                            "bytes", "no_data_records", "excluded_packets",
                                            "filtered_packets", "sampled_out_records"}));
  EXPECT_EQ(fl["provider"], "aws");
  EXPECT_EQ(fl["format"], "aws-vpc");
  EXPECT_EQ(fl["path"], "points/aws-web-eni.flowlog");
  EXPECT_EQ(fl["version"], 5);
  EXPECT_EQ(fl["fields"], nlohmann::ordered_json(wfl::AwsDefaultFields(5)));
  EXPECT_GT(fl["excluded_packets"].get<uint64_t>(), 0u) << "the resolver's traffic";
  EXPECT_EQ(PointOf(m, "gcp-etl-vm")->at("flow_log")["sample_rate"], 0.5);
  EXPECT_EQ(PointOf(m, "fw-inside")->count("flow_log"), 0u);

  // Every flow log reads back whole.
  std::map<std::string, std::vector<wfl::FlowLogRecord>> logs;
  for (const auto& p : m["points"]) {
    if (!p.contains("flow_log")) continue;
    const std::string text = Read(dir + "/" + p["flow_log"]["path"].get<std::string>());
    EXPECT_EQ(text.size(), p["flow_log"]["bytes"].get<uint64_t>());
    auto f = wfl::FileFormatFromName(p["flow_log"]["format"].get<std::string>());
    ASSERT_TRUE(f.has_value());
    auto rr = wfl::ParseFile(*f, text);
    EXPECT_TRUE(rr.fatal.empty() && rr.errors.empty()) << p["name"] << ": " << rr.fatal;
    logs[p["name"]] = rr.records;
  }
  // The DNS tunnel goes to the VPC's resolver: AWS never logs it.
  for (const auto& r : logs["aws-web-eni"]) EXPECT_NE(r.dstPort, 53) << "resolver traffic logged";
  // The exfiltration leaves through the NAT gateway: srcaddr the instance, the drop server only
  // in pkt-dstaddr.
  bool exfil = false;
  for (const auto& r : logs["aws-nat-eni"]) {
    exfil =
        exfil || (r.dstPort == 443 && r.octets > 300000 && r.pktDst.IsSet() && r.pktDst != r.dst);
  }
  EXPECT_TRUE(exfil) << "no NAT-interface record with the drop server in pkt-dstaddr";
  // Google Cloud: both VMs report the flows between them.
  bool src = false, dest = false;
  for (const auto& r : logs["gcp-etl-vm"]) src = src || (r.reporter == "SRC" && r.dstPort == 5432);
  for (const auto& r : logs["gcp-warehouse-vm"]) {
    dest = dest || (r.reporter == "DEST" && r.dstPort == 5432);
  }
  EXPECT_TRUE(src && dest);

  const std::string again = RunHybrid(h, "b");
  for (const auto& [name, recs] : logs) {
    EXPECT_EQ(Read(dir + "/points/" + name + ".flowlog"),
              Read(again + "/points/" + name + ".flowlog"))
        << name << ": same seed, different flow log";
  }
  fs::remove_all(dir);
  fs::remove_all(again);
}

}  // namespace
}  // namespace vantage::sim
