// Run directory files (see run-directory.h and docs/run-directory.md).
#include "run-directory.h"

#include <openssl/evp.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>

namespace vantage::sim {

namespace fs = std::filesystem;
using core::ErrorCode;
using core::MakeError;

namespace {
#ifndef VANTAGE_VERSION
#define VANTAGE_VERSION "0.0.0"
#endif

core::Status WriteText(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) return MakeError(ErrorCode::kIo, "cannot write " + path);
  out << text;
  out.close();
  if (!out) return MakeError(ErrorCode::kIo, "write failed: " + path);
  return {};
}
// docs/run-directory.md, "Flow-log points".
nlohmann::ordered_json FlowLogJson(const FlowLogSummary& f) {
  namespace wfl = wire::flowlog;
  const wfl::Settings& st = f.settings;
  const bool aws = st.provider == wfl::Provider::kAws;
  std::vector<std::string> fields;
  if (aws) fields = st.awsFields.empty() ? wfl::AwsDefaultFields(st.awsVersion) : st.awsFields;
  const char* trafficType = st.trafficType == wfl::TrafficType::kAccept   ? "ACCEPT"
                            : st.trafficType == wfl::TrafficType::kReject ? "REJECT"
                                                                          : "ALL";
  int version = 1;  // Google Cloud has one record format
  if (aws) version = st.awsVersion;
  if (st.provider == wfl::Provider::kAzure) version = st.azureVersion;
  nlohmann::ordered_json j;
  j["provider"] = wfl::ProviderName(st.provider);
  j["format"] = wfl::FileFormatName(wfl::FileFormatOf(st.provider));
  j["path"] = f.path;
  j["aggregation_interval_s"] = st.aggregationIntervalS;
  j["version"] = version;
  j["fields"] = fields;
  j["traffic_type"] = aws ? trafficType : "ALL";
  j["sample_rate"] = st.provider == wfl::Provider::kGcp ? st.sampleRate : 1.0;
  j["include_metadata"] = st.includeMetadata;
  j["delivery_delay_s"] = st.deliveryDelayS;
  j["records"] = f.records;
  j["bytes"] = f.bytes;
  j["no_data_records"] = f.noDataRecords;
  j["excluded_packets"] = f.excludedPackets;
  j["filtered_packets"] = f.filteredPackets;
  j["sampled_out_records"] = f.sampledOutRecords;
  return j;
}
}  // namespace

core::Status PrepareRunDirectory(const std::string& dir) {
  std::error_code ec;
  fs::create_directories(fs::path(dir) / "points", ec);
  if (ec)
    return MakeError(ErrorCode::kIo, "cannot create run directory " + dir + ": " + ec.message());
  VANTAGE_RETURN_IF_ERROR(WriteText(dir + "/INCOMPLETE", "run in progress or interrupted\n"));
  for (const char* f :
       {"manifest.json", "ground_truth.csv", "nat_events.csv", "firewall.log", "collector.sqlite",
        "collector.sqlite-journal", "collector.sqlite-wal", "collector.sqlite-shm"}) {
    fs::remove(fs::path(dir) / f, ec);
  }
  for (const auto& e : fs::directory_iterator(fs::path(dir) / "points", ec)) {
    std::error_code ec2;
    fs::remove(e.path(), ec2);
  }
  return {};
}

core::Result<std::string> Sha256File(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return MakeError(ErrorCode::kIo, "cannot read " + path);
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  if (!ctx || EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr) != 1) {
    return MakeError(ErrorCode::kIo, "SHA-256 unavailable");
  }
  char buf[65536];
  while (in) {
    in.read(buf, sizeof(buf));
    if (in.gcount() > 0) EVP_DigestUpdate(ctx.get(), buf, static_cast<size_t>(in.gcount()));
  }
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_DigestFinal_ex(ctx.get(), md, &len);
  static const char* kHex = "0123456789abcdef";
  std::string out;
  for (unsigned i = 0; i < len; ++i) {
    out.push_back(kHex[md[i] >> 4]);
    out.push_back(kHex[md[i] & 15]);
  }
  return out;
}

core::Status WriteManifest(const std::string& dir, const Manifest& m) {
  using nlohmann::ordered_json;
  ordered_json j;
  j["vantage_version"] = VANTAGE_VERSION;
  j["ns3_version"] = "3.37";
  j["status"] = m.complete ? "complete" : "incomplete";
  if (!m.error.empty()) j["error"] = m.error;
  j["topology"] = {{"path", m.topologyPath}, {"sha256", m.topologySha256}};
  j["scenario"] = {{"path", m.scenarioPath}, {"sha256", m.scenarioSha256}};
  j["seed"] = m.seed;
  j["window"] = {{"start_unix_ns", m.startUnixNs},
                 {"duration_s", m.durationS},
                 {"represents_s", m.representsS}};
  ordered_json scale = ordered_json::object();
  for (const auto& [g, f] : m.scale) scale[g] = f;
  j["scale"] = scale;
  j["address_plan"] = m.addressPlan;
  ordered_json pts = ordered_json::array();
  for (const auto& p : m.points) {
    const auto& s = p.summary;
    ordered_json jp;
    jp["name"] = s.name;
    jp["node"] = s.node;
    jp["interfaces"] = p.interfaces;
    ordered_json numbers = ordered_json::object();
    for (const auto& [link, n] : p.interfaceNumbers) numbers[link] = n;
    jp["interface_numbers"] = numbers;
    jp["ipfix"] = "points/" + s.name + ".ipfix";
    if (p.pcap) jp["pcap"] = "points/" + s.name + ".pcap";
    jp["sampling_rate"] = p.samplingRate;
    jp["flows"] = s.flows;
    jp["packets"] = s.packets;
    jp["octets"] = s.octets;
    jp["ipfix_bytes"] = s.ipfixBytes;
    jp["pcap_bytes"] = s.pcapBytes;
    jp["export"] = {{"mode", p.live ? "udp" : "file"},
                    {"messages", s.exportMessages},
                    {"bytes", s.exportBytes},
                    {"received", p.live ? s.exportReceived : s.exportMessages},
                    {"lost", s.exportLost}};
    if (s.flowLog) jp["flow_log"] = FlowLogJson(*s.flowLog);
    pts.push_back(jp);
  }
  j["points"] = pts;
  j["counters"] = {{"events", m.events},
                   {"wall_s", m.wallS},
                   {"ground_truth_flows", m.groundTruthFlows},
                   {"sessions", m.sessions},
                   {"firewall_drops", m.firewallDrops},
                   {"firewall_drops_by_node", m.firewallDropsByNode},
                   {"nat_bindings", m.natBindings},
                   {"nat_unsolicited_drops", m.natUnsolicitedDrops}};
  const std::string tmp = dir + "/manifest.json.tmp";
  VANTAGE_RETURN_IF_ERROR(WriteText(tmp, j.dump(2) + "\n"));
  std::error_code ec;
  fs::rename(tmp, dir + "/manifest.json", ec);
  if (ec)
    return MakeError(ErrorCode::kIo, "cannot write " + dir + "/manifest.json: " + ec.message());
  return {};
}

core::Status WriteNatEvents(const std::string& path, const std::vector<NatEvent>& events) {
  std::ostringstream o;
  o << "time_ns,node,event,protocol,inside_ip,inside_port,outside_ip,outside_port\n";
  for (const auto& e : events) {
    o << e.timeNs << ',' << e.node << ',' << e.event << ',' << unsigned{e.protocol} << ','
      << e.insideIp << ',' << e.insidePort << ',' << e.outsideIp << ',' << e.outsidePort << '\n';
  }
  return WriteText(path, o.str());
}

core::Status WriteFirewallLog(const std::string& path, const std::vector<FirewallDrop>& drops) {
  std::ostringstream o;  // no header line: one line per dropped packet
  for (const auto& d : drops) {
    o << d.timeNs << ',' << d.node << ",deny," << d.rule << ',' << unsigned{d.protocol} << ','
      << d.srcIp << ',' << d.srcPort << ',' << d.dstIp << ',' << d.dstPort << '\n';
  }
  return WriteText(path, o.str());
}

core::Status MarkComplete(const std::string& dir) {
  std::error_code ec;
  fs::remove(fs::path(dir) / "INCOMPLETE", ec);
  if (ec) return MakeError(ErrorCode::kIo, "cannot remove " + dir + "/INCOMPLETE: " + ec.message());
  return {};
}

}  // namespace vantage::sim
