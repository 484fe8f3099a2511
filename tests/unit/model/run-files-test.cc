// model::RunManifest (to_json/from_json, key order), the run directory's CSV rows and SHA-256.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <string>

#include "vantage/model/run-manifest.h"
#include "vantage/model/run-tables.h"
#include "vantage/model/sha256.h"

namespace vantage::model {
namespace {

RunManifest Sample() {
  RunManifest m;
  m.vantageVersion = "0.1.0";
  m.ns3Version = "3.37";
  m.status = "complete";
  m.topologyPath = "t.yaml";
  m.topologySha256 = "aa";
  m.scenarioPath = "s.yaml";
  m.scenarioSha256 = "bb";
  m.seed = 7;
  m.startUnixNs = 1767603600000000000;
  m.durationS = 300;
  m.representsS = 86400;
  m.scale = {{"desktops", 3.0}};
  m.addressPlan = "model";
  ManifestPoint& p = m.points.emplace_back();
  p.name = "wan";
  p.node = "rtr";
  p.interfaces = {"rtr-isp"};
  p.interfaceNumbers = {{"rtr-isp", 2}, {"rtr-lan", 1}};
  p.ipfix = "points/wan.ipfix";
  p.flows = 10;
  p.exportStats = {true, "file", 3, 900, 3, 0};
  PointFlowLog& f = p.flowLog.emplace();
  f.provider = "aws";
  f.format = "aws-vpc";
  f.path = "points/wan.flowlog";
  f.version = 5;
  f.fields = {"version", "srcaddr"};
  f.trafficType = "ALL";
  f.includeMetadata = true;
  f.deliveryDelayS = 600;
  f.records = 812;
  f.noDataRecords = 3;
  m.points.emplace_back().name = "span";
  m.events = 99;
  m.wallS = 0.5;
  m.firewallDropsByNode = {{"fw", 4}};
  m.natUnsolicitedDrops = 2;
  return m;
}

TEST(RunManifest, WritesTheDocumentedKeyOrder) {
  const std::string text = FormatRunManifest(Sample());
  const char* keys[] = {
      "\"vantage_version\"",   "\"ns3_version\"", "\"status\"",        "\"topology\"",
      "\"scenario\"",          "\"seed\"",        "\"window\"",        "\"scale\"",
      "\"address_plan\"",      "\"points\"",      "\"name\"",          "\"interfaces\"",
      "\"interface_numbers\"", "\"ipfix\"",       "\"sampling_rate\"", "\"export\"",
      "\"flow_log\"",          "\"counters\"",    "\"wall_s\"",        "\"nat_unsolicited_drops\""};
  size_t at = 0;
  for (const char* k : keys) {
    size_t next = text.find(k, at);
    ASSERT_NE(next, std::string::npos) << k << " missing or out of order in\n" << text;
    at = next;
  }
  EXPECT_EQ(text.find("\"error\""), std::string::npos);  // only when set
  EXPECT_EQ(text.find("\"pcap\""), std::string::npos);   // only when the point has one
  EXPECT_NE(text.find("\"duration_s\": 300.0"), std::string::npos);
  EXPECT_NE(text.find("\"rtr-isp\": 2,\n"), std::string::npos);  // insertion order kept
  EXPECT_EQ(text.back(), '\n');
}

TEST(RunManifest, RoundTripsThroughText) {
  const RunManifest m = Sample();
  auto back = ParseRunManifest(FormatRunManifest(m), "manifest.json");
  ASSERT_TRUE(back) << back.GetError().message;
  EXPECT_EQ(FormatRunManifest(*back), FormatRunManifest(m));
  ASSERT_EQ(back->points.size(), 2u);
  ASSERT_TRUE(back->points[0].flowLog);
  EXPECT_EQ(back->points[0].flowLog->fields, m.points[0].flowLog->fields);
  EXPECT_EQ(back->points[0].flowLog->records, 812u);
  EXPECT_FALSE(back->points[1].flowLog);
  EXPECT_FALSE(back->points[1].exportStats.present);
  EXPECT_EQ(back->FindPoint("span"), &back->points[1]);
  EXPECT_EQ(back->FindPoint("none"), nullptr);
  // Through the plain (sorted) json type as well.
  nlohmann::json j = m;
  EXPECT_EQ(FormatRunManifest(j.get<RunManifest>()), FormatRunManifest(m));
}

TEST(RunManifest, ReadsLenientlyAndRefusesBadTypes) {
  auto m = ParseRunManifest(R"({"status":"complete","window":{"duration_s":60},
      "points":[{"name":"a","interfaces":["x",3]}, 5]})",
                            "m.json");
  ASSERT_TRUE(m) << m.GetError().message;
  EXPECT_EQ(m->representsS, 60);  // defaults to the duration
  ASSERT_EQ(m->points.size(), 1u);
  EXPECT_EQ(m->points[0].interfaces, std::vector<std::string>{"x"});
  EXPECT_EQ(m->points[0].samplingRate, 1u);

  auto bad = ParseRunManifest(R"({"seed":"seven"})", "m.json");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.GetError().code, core::ErrorCode::kParse);
  EXPECT_EQ(bad.GetError().message.rfind("m.json: ", 0), 0u);
  EXPECT_FALSE(ParseRunManifest("[1]", "m.json"));
  EXPECT_FALSE(ParseRunManifest("{", "m.json"));
  auto noName = ParseRunManifest(R"({"points":[{"node":"n"}]})", "m.json");
  ASSERT_FALSE(noName);
  EXPECT_NE(noName.GetError().message.find("no name"), std::string::npos);
}

TEST(RunTables, GroundTruthRoundTripsWithQuoting) {
  GroundTruthFlow f;
  f.id = 3;
  f.label = "web, \"odd\"";
  f.srcIp = *core::IpAddress::Parse("10.0.0.1");
  f.dstIp = *core::IpAddress::Parse("192.0.2.1");
  f.srcPort = 40000;
  f.dstPort = 443;
  f.protocol = 6;
  f.natIp = *core::IpAddress::Parse("198.51.100.1");
  f.natPort = 1024;
  f.startNs = 5;
  f.endNs = 9;
  GroundTruthFlow g = f;
  g.id = 4;
  g.label.clear();
  g.natIp = {};
  g.natPort = 0;
  const std::string text = FormatGroundTruth({f, g});
  EXPECT_EQ(text.substr(0, text.find('\n')),
            "id,label,behaviour,src_host,dst_host,src_group,dst_group,src_ip,src_port,dst_ip,"
            "dst_port,protocol,nat_ip,nat_port,start_ns,end_ns,packets_fwd,bytes_fwd,"
            "packets_rev,bytes_rev,critical_asset");
  EXPECT_NE(text.find("\n4,,,,,,,10.0.0.1,40000,192.0.2.1,443,6,,,5,9,0,0,0,0,\n"),
            std::string::npos)
      << text;
  auto back = ParseGroundTruth(text, "gt.csv");
  ASSERT_TRUE(back) << back.GetError().message;
  ASSERT_EQ(back->size(), 2u);
  EXPECT_EQ((*back)[0].label, f.label);
  EXPECT_TRUE((*back)[0].Natted());
  EXPECT_EQ((*back)[0].natPort, 1024);
  EXPECT_FALSE((*back)[1].Natted());
  EXPECT_EQ(FormatGroundTruth(*back), text);
}

TEST(RunTables, BadRowsNameFileLineAndColumn) {
  const std::string head = "id,src_ip,dst_ip,protocol,start_ns,end_ns,src_port\n";
  auto r = ParseGroundTruth(head + "1,10.0.0.1,10.0.0.2,6,0,1,80\n2,10.0.0.1,10.0.0.2,6,0,1,x\n",
                            "gt.csv");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.GetError().message, "gt.csv:3: column src_port: not an unsigned integer: 'x'");
  r = ParseGroundTruth(head + "1,10.0.0.1,10.0.0.2,300,0,1,80\n", "gt.csv");
  ASSERT_FALSE(r);
  EXPECT_NE(r.GetError().message.find("gt.csv:2: column protocol: out of range"),
            std::string::npos);
  r = ParseGroundTruth("id,src_ip\n", "gt.csv");
  ASSERT_FALSE(r);
  EXPECT_NE(r.GetError().message.find("gt.csv:1: header has no column 'dst_ip'"),
            std::string::npos);
  EXPECT_FALSE(ParseGroundTruth("", "gt.csv"));
  r = ParseGroundTruth(head + "1,\"10.0.0.1,10.0.0.2,6,0,1,80\n", "gt.csv");
  ASSERT_FALSE(r);
  EXPECT_NE(r.GetError().message.find("not closed"), std::string::npos);
}

TEST(RunTables, NatEventsWithAndWithoutHeader) {
  NatEventRow e;
  e.timeNs = 12;
  e.node = "gw";
  e.event = 10;
  e.protocol = 17;
  e.insideIp = *core::IpAddress::Parse("10.0.0.5");
  e.insidePort = 5353;
  e.outsideIp = *core::IpAddress::Parse("203.0.113.1");
  e.outsidePort = 1025;
  const std::string text = FormatNatEvents({e});
  EXPECT_EQ(text,
            "time_ns,node,event,protocol,inside_ip,inside_port,outside_ip,outside_port\n"
            "12,gw,10,17,10.0.0.5,5353,203.0.113.1,1025\n");
  for (const std::string& t : {text, text.substr(text.find('\n') + 1)}) {
    auto back = ParseNatEvents(t, "nat.csv");
    ASSERT_TRUE(back) << back.GetError().message;
    ASSERT_EQ(back->size(), 1u);
    EXPECT_EQ((*back)[0].outsidePort, 1025);
    EXPECT_EQ((*back)[0].node, "gw");
  }
  auto bad = ParseNatEvents("1,gw,10,17,10.0.0.5,99999,203.0.113.1,1\n", "nat.csv");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.GetError().message, "nat.csv:1: column inside_port: port out of range");
}

TEST(RunTables, FirewallLogHasNoHeader) {
  FirewallDropRow d;
  d.timeNs = 1;
  d.node = "fw";
  d.rule = "default";
  d.protocol = 6;
  d.srcIp = *core::IpAddress::Parse("10.0.0.1");
  d.dstIp = *core::IpAddress::Parse("10.0.0.2");
  d.srcPort = 1;
  d.dstPort = 22;
  EXPECT_EQ(FormatFirewallLog({d}), "1,fw,deny,default,6,10.0.0.1,1,10.0.0.2,22\n");
}

TEST(Sha256, KnownVectorsAndFiles) {
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(Sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  const std::string path = ::testing::TempDir() + "/vantage-sha256-test.txt";
  {
    std::ofstream out(path, std::ios::binary);
    out << "abc";
  }
  auto sha = Sha256File(path);
  ASSERT_TRUE(sha) << sha.GetError().message;
  EXPECT_EQ(*sha, Sha256Hex("abc"));
  std::remove(path.c_str());
  auto missing = Sha256File(path);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.GetError().code, core::ErrorCode::kNotFound);
}

}  // namespace
}  // namespace vantage::model
