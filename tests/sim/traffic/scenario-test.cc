// The reference small-office topology and scenario through RunSimulation (the network builder,
// NAT and firewall of sim-net with this traffic): every application of the mix and the
// behaviour appear in ground truth, flows through the NAT carry their public address, flows
// inside do not.
#include "vantage/model/scenario.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "vantage/model/topology.h"
#include "vantage/sim/simulation.h"

namespace vantage::sim {
namespace {

namespace fs = std::filesystem;

std::vector<std::map<std::string, std::string>> ReadCsv(const fs::path& p) {
  std::ifstream in(p);
  std::string line;
  std::vector<std::string> header;
  std::vector<std::map<std::string, std::string>> rows;
  auto split = [](const std::string& s) {
    std::vector<std::string> out;
    std::stringstream ss(s);
    std::string f;
    while (std::getline(ss, f, ',')) out.push_back(f);
    if (!s.empty() && s.back() == ',') out.emplace_back();
    return out;
  };
  if (!std::getline(in, line)) return rows;
  header = split(line);
  while (std::getline(in, line)) {
    auto f = split(line);
    std::map<std::string, std::string> row;
    for (size_t i = 0; i < header.size() && i < f.size(); ++i) row[header[i]] = f[i];
    rows.push_back(row);
  }
  return rows;
}

TEST(SimTrafficScenario, SmallOfficeGroundTruth) {
  model::Diagnostics diags;
  auto topo = model::LoadTopology("topologies/small-office.yaml", diags);
  ASSERT_TRUE(topo) << topo.GetError().message;
  auto sc = model::LoadScenario("scenarios/small-office-baseline.yaml", *topo, diags);
  ASSERT_TRUE(sc) << sc.GetError().message;
  sc->durationS = 120;
  for (auto& mix : sc->traffic) {
    for (auto& app : mix.apps) app.sessionsPerHostHour = std::max(app.sessionsPerHostHour, 60.0);
  }
  fs::path out = fs::temp_directory_path() / ("vantage-sim-traffic-" + std::to_string(getpid()));
  fs::remove_all(out);
  RunOptions opt;
  opt.outDir = out.string();
  opt.taps = false;
  auto r = RunSimulation(*topo, *sc, opt);
  ASSERT_TRUE(r) << r.GetError().message;
  auto rows = ReadCsv(out / "ground_truth.csv");
  ASSERT_EQ(rows.size(), r->groundTruthFlows);
  ASSERT_GT(rows.size(), 100u);

  std::set<std::string> labels;
  uint64_t lastId = 0, natted = 0, inside = 0;
  for (const auto& row : rows) {
    labels.insert(row.at("label"));
    uint64_t id = std::stoull(row.at("id"));
    EXPECT_GT(id, lastId);
    lastId = id;
    const bool toInternet = row.at("dst_ip").rfind("198.51.100.", 0) == 0;
    const bool fromOffice = row.at("src_ip").rfind("192.168.1.", 0) == 0;
    if (fromOffice && toInternet && row.at("packets_rev") != "0") {
      // Through the NAT gateway: the public address is the gateway's, not the host's.
      EXPECT_FALSE(row.at("nat_ip").empty()) << "flow " << id;
      EXPECT_NE(row.at("nat_ip"), row.at("src_ip"));
      EXPECT_NE(row.at("nat_port"), "");
      ++natted;
    }
    if (fromOffice && !toInternet) {
      EXPECT_TRUE(row.at("nat_ip").empty()) << "flow " << id;
      ++inside;
    }
    if (row.at("label") == "c2-beacon-desktop") {
      EXPECT_EQ(row.at("behaviour"), "c2_beacon");
    }
    if (row.at("behaviour").empty()) {
      EXPECT_GT(std::stoull(row.at("packets_fwd")), 0u) << "flow " << id;
    }
  }
  EXPECT_GT(natted, 20u);
  EXPECT_GT(inside, 5u);
  for (const auto& mix : sc->traffic) {
    for (const auto& app : mix.apps) EXPECT_TRUE(labels.count(app.app)) << app.app;
  }
  EXPECT_TRUE(labels.count("c2-beacon-desktop"));
  if (std::getenv("VANTAGE_KEEP_TEST_OUTPUT") == nullptr) fs::remove_all(out);
}

}  // namespace
}  // namespace vantage::sim
